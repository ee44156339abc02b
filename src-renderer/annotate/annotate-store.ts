/** Which instance the Annotate editor shows and which joint is selected (UI state, not server data). */
import { create } from 'zustand';
import type { ReviewSuspectKind } from '../../src-main/api/contract.ts';

export type AnnotateMode = 'edit' | 'review';

interface AnnotateState {
  readonly instanceIndex: number;
  readonly selectedJoint: number | null;
  /** Re-evaluation table: the variant shown. */
  readonly reevalVariantId: string | null;
  /** edit: corrections side panel; review: the ground-truth review queue beside the editor (issue 15). */
  readonly mode: AnnotateMode;
  /** Review: only suspects of this kind (null: all). */
  readonly reviewKind: ReviewSuspectKind | null;
  /** Review: list decided suspects too. */
  readonly showDecided: boolean;
  openInEditor(instanceIndex: number, joint?: number | null): void;
  selectJoint(joint: number | null): void;
  setReevalVariant(id: string | null): void;
  setMode(mode: AnnotateMode): void;
  setReview(patch: Partial<Pick<AnnotateState, 'reviewKind' | 'showDecided'>>): void;
}

export const useAnnotate = create<AnnotateState>((set) => ({
  instanceIndex: 0,
  selectedJoint: null,
  reevalVariantId: null,
  mode: 'edit',
  reviewKind: null,
  showDecided: false,
  openInEditor: (instanceIndex, joint) => set((s) => ({ instanceIndex, selectedJoint: joint === undefined ? s.selectedJoint : joint })),
  selectJoint: (selectedJoint) => set({ selectedJoint }),
  setReevalVariant: (reevalVariantId) => set({ reevalVariantId }),
  setMode: (mode) => set({ mode }),
  setReview: (patch) => set(patch),
}));
