/** Which instance the Annotate editor shows and which joint is selected (UI state, not server data). */
import { create } from 'zustand';

interface AnnotateState {
  readonly instanceIndex: number;
  readonly selectedJoint: number | null;
  /** Re-evaluation table: the variant shown. */
  readonly reevalVariantId: string | null;
  openInEditor(instanceIndex: number, joint?: number | null): void;
  selectJoint(joint: number | null): void;
  setReevalVariant(id: string | null): void;
}

export const useAnnotate = create<AnnotateState>((set) => ({
  instanceIndex: 0,
  selectedJoint: null,
  reevalVariantId: null,
  openInEditor: (instanceIndex, joint) => set((s) => ({ instanceIndex, selectedJoint: joint === undefined ? s.selectedJoint : joint })),
  selectJoint: (selectedJoint) => set({ selectedJoint }),
  setReevalVariant: (reevalVariantId) => set({ reevalVariantId }),
}));
