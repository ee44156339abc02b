/** UI state of the COCO views (issue 18): the variant and keypoint Browse lists by, and the image open in the viewer. */
import { create } from 'zustand';
import type { CocoErrorClass } from '../../src-main/api/contract.ts';

export interface CocoBrowseState {
  readonly variantId: string | null;
  /** null: whole persons (OKS); else one keypoint (its KS and class). */
  readonly keypoint: number | null;
  readonly order: 'file' | 'worst';
  readonly errorClass: CocoErrorClass | null;
}

interface CocoUiState {
  browse: CocoBrowseState;
  /** The image open in the viewer, the person to focus, and the image ids of the list it came from. */
  image: { imageId: number; focusIndex: number | null; list: readonly number[] } | null;
  /** Metrics: the variant whose per-keypoint table is shown (null: the first). */
  metricsVariantId: string | null;
  setBrowse(patch: Partial<CocoBrowseState>): void;
  openImage(imageId: number, focusIndex: number | null, list: readonly number[]): void;
  setMetricsVariant(variantId: string): void;
  /** Back to the start (another dataset was opened: its ids mean other images and persons). */
  reset(): void;
}

const INITIAL = { browse: { variantId: null, keypoint: null, order: 'worst', errorClass: null }, image: null, metricsVariantId: null } as const;

export const useCocoUi = create<CocoUiState>((set) => ({
  ...INITIAL,
  setBrowse: (patch) => set((s) => ({ browse: { ...s.browse, ...patch } })),
  openImage: (imageId, focusIndex, list) => set({ image: { imageId, focusIndex, list } }),
  setMetricsVariant: (variantId) => set({ metricsVariantId: variantId }),
  reset: () => set(INITIAL),
}));
