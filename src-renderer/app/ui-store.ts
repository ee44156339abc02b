/** UI state (not server data): current view and selections. */
import { create } from 'zustand';

export type ViewName = 'metrics' | 'failures' | 'browse' | 'compare' | 'runs' | 'annotate';
export type Outcome = 'all' | 'hit' | 'miss';
export type CompareRelation = 'a-hit-b-miss' | 'a-miss-b-hit' | 'both-miss' | 'both-hit';

interface UiState {
  view: ViewName;
  /** Instance open in the detail panel, with the variants to overlay and the joint to focus. */
  openInstance: { index: number; variantIds: string[]; focusJoint: number | null; list: readonly number[] } | null;
  failures: { variantId: string | null; joint: number };
  browse: { variantId: string | null; joint: number | null; outcome: Outcome };
  compare: { variantIds: string[]; joint: number; relation: CompareRelation };
  setView(view: ViewName): void;
  openInstanceView(index: number, variantIds: string[], focusJoint: number | null, list?: readonly number[]): void;
  closeInstance(): void;
  setFailures(patch: Partial<UiState['failures']>): void;
  setBrowse(patch: Partial<UiState['browse']>): void;
  setCompare(patch: Partial<UiState['compare']>): void;
}

const initialView = (): ViewName => {
  const hash = typeof window === 'undefined' ? '' : window.location.hash.replace('#', '');
  return (['metrics', 'failures', 'browse', 'compare', 'runs', 'annotate'] as const).find((v) => v === hash) ?? 'metrics';
};

export const useUi = create<UiState>((set) => ({
  view: initialView(),
  openInstance: null,
  failures: { variantId: null, joint: 15 },
  browse: { variantId: null, joint: null, outcome: 'all' },
  compare: { variantIds: [], joint: 15, relation: 'a-hit-b-miss' },
  setView: (view) => {
    if (typeof window !== 'undefined') window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${view}`);
    set({ view, openInstance: null });
  },
  openInstanceView: (index, variantIds, focusJoint, list = []) => set({ openInstance: { index, variantIds, focusJoint, list } }),
  closeInstance: () => set({ openInstance: null }),
  setFailures: (patch) => set((s) => ({ failures: { ...s.failures, ...patch } })),
  setBrowse: (patch) => set((s) => ({ browse: { ...s.browse, ...patch } })),
  setCompare: (patch) => set((s) => ({ compare: { ...s.compare, ...patch } })),
}));
