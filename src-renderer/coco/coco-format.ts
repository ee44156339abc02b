/** Shared bits of the COCO views: percent formatting of fractions, class colours, the skeleton drawn. */
import type { CocoErrorClass } from '../../src-main/api/contract.ts';

/** A fraction as percent with one decimal ('–' for null: no GT in that range, or nothing to count). */
export const pct = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : (100 * value).toFixed(digits);

/** coco-analyze's classes, in the colours the MPII error-class chart uses for their counterparts. */
export const COCO_CLASS_COLORS: Readonly<Record<CocoErrorClass, string>> = {
  good: '#5ad17a',
  jitter: '#e6c07b',
  inversion: '#c678dd',
  swap: '#56b4e9',
  miss: '#ff5a5a',
};

export const COCO_CLASS_HELP: Readonly<Record<CocoErrorClass, string>> = {
  good: 'keypoint similarity KS > 0.85',
  jitter: '0.5 ≤ KS ≤ 0.85: near its own keypoint',
  inversion: "KS < 0.5, but ≥ 0.5 against the same person's mirrored keypoint (left/right confusion)",
  swap: 'KS ≥ 0.5 against the same or mirrored keypoint of another person in the image',
  miss: 'none of the above',
};

/** "left_wrist" → "left wrist". */
export const keypointLabel = (name: string): string => name.replace(/_/g, ' ');
