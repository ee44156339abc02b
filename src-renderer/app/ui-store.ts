/** UI state (not server data): current view and selections. */
import { create } from 'zustand';
import { DEFAULT_PCKH_PROTOCOL, PCKH_PROTOCOLS, type ErrorClassName } from '../../src-main/api/contract.ts';
import type { PckhProtocol } from '../../src-main/core/types.ts';
import { parseRoute, type RouteState } from './url-state.ts';

export type ViewName = 'metrics' | 'failures' | 'browse' | 'compare' | 'runs' | 'annotate';
export type Outcome = 'all' | 'hit' | 'miss';
export type CompareRelation = 'a-hit-b-miss' | 'a-miss-b-hit' | 'both-miss' | 'both-hit';

interface UiState {
  view: ViewName;
  /** PCKh protocol every metric in the UI is computed under (kept across reloads). */
  protocol: PckhProtocol;
  /** Instance open in the detail panel, with the variants to overlay and the joint to focus. */
  openInstance: { index: number; variantIds: string[]; focusJoint: number | null; list: readonly number[] } | null;
  /** errorClass: only joints of this class (issue 15), null: all. */
  failures: { variantId: string | null; joint: number; errorClass: ErrorClassName | null };
  /** errorClass: only persons with a joint of this error class (issue 15; needs a variant). */
  browse: { variantId: string | null; joint: number | null; outcome: Outcome; errorClass: ErrorClassName | null };
  compare: { variantIds: string[]; joint: number; relation: CompareRelation };
  /** Metrics: bootstrap intervals shown (issue 16), error classes and what-if PCKh shown (issue 15). */
  metrics: { intervals: boolean; errorClasses: boolean };
  /** Runs: variants ticked for the next run and variants whose details row is open (kept across tab switches). */
  runs: { checked: readonly string[]; expanded: readonly string[] };
  setView(view: ViewName): void;
  setProtocol(protocol: PckhProtocol): void;
  openInstanceView(index: number, variantIds: string[], focusJoint: number | null, list?: readonly number[]): void;
  closeInstance(): void;
  setFailures(patch: Partial<UiState['failures']>): void;
  setBrowse(patch: Partial<UiState['browse']>): void;
  setCompare(patch: Partial<UiState['compare']>): void;
  setMetrics(patch: Partial<UiState['metrics']>): void;
  setRuns(patch: Partial<UiState['runs']>): void;
}

/** The state the page's URL names (a reload, a copied link). */
const initialRoute = (): RouteState => parseRoute(typeof window === 'undefined' ? '' : window.location.hash);

/** The UI state a route names, over `current` (fields the route does not name are kept). */
export function uiStateFromRoute(route: RouteState, current: Pick<UiState, 'failures' | 'browse' | 'compare' | 'protocol' | 'metrics'>): Partial<UiState> {
  const failures = { ...current.failures, ...route.failures };
  const metrics =
    route.view === 'metrics' ? { intervals: route.metrics?.intervals === true, errorClasses: route.metrics?.errorClasses === true } : current.metrics;
  const browse = { ...current.browse, ...route.browse };
  const compare = { ...current.compare, ...route.compare };
  let openInstance: UiState['openInstance'] = null;
  if (route.open !== undefined && route.view === 'failures') {
    openInstance = { index: route.open, variantIds: failures.variantId ? [failures.variantId] : [], focusJoint: failures.joint, list: [] };
  } else if (route.open !== undefined && route.view === 'browse') {
    openInstance = { index: route.open, variantIds: browse.variantId ? [browse.variantId] : [], focusJoint: browse.joint, list: [] };
  }
  return { view: route.view, protocol: route.protocol ?? current.protocol, failures, browse, compare, metrics, openInstance };
}

const PROTOCOL_STORAGE_KEY = 'posebench.pckhProtocol';

function storedProtocol(): PckhProtocol {
  try {
    const value = typeof localStorage === 'undefined' ? null : localStorage.getItem(PROTOCOL_STORAGE_KEY);
    return PCKH_PROTOCOLS.find((p) => p === value) ?? DEFAULT_PCKH_PROTOCOL;
  } catch {
    return DEFAULT_PCKH_PROTOCOL; // storage blocked: the default, not an error
  }
}

function storeProtocol(protocol: PckhProtocol): void {
  try {
    localStorage.setItem(PROTOCOL_STORAGE_KEY, protocol);
  } catch {
    // storage blocked: the choice lasts for this page only
  }
}

export const useUi = create<UiState>((set) => ({
  ...(uiStateFromRoute(initialRoute(), {
    protocol: storedProtocol(),
    failures: { variantId: null, joint: 15, errorClass: null },
    browse: { variantId: null, joint: null, outcome: 'all', errorClass: null },
    compare: { variantIds: [], joint: 15, relation: 'a-hit-b-miss' },
    metrics: { intervals: false, errorClasses: false },
  }) as Pick<UiState, 'view' | 'protocol' | 'failures' | 'browse' | 'compare' | 'metrics' | 'openInstance'>),
  runs: { checked: [], expanded: [] },
  // The URL follows the state (url-sync.ts).
  setView: (view) => set({ view, openInstance: null }),
  setProtocol: (protocol) => {
    storeProtocol(protocol);
    set({ protocol });
  },
  openInstanceView: (index, variantIds, focusJoint, list = []) => set({ openInstance: { index, variantIds, focusJoint, list } }),
  closeInstance: () => set({ openInstance: null }),
  setFailures: (patch) => set((s) => ({ failures: { ...s.failures, ...patch } })),
  setBrowse: (patch) => set((s) => ({ browse: { ...s.browse, ...patch } })),
  setCompare: (patch) => set((s) => ({ compare: { ...s.compare, ...patch } })),
  setMetrics: (patch) => set((s) => ({ metrics: { ...s.metrics, ...patch } })),
  setRuns: (patch) => set((s) => ({ runs: { ...s.runs, ...patch } })),
}));
