/**
 * PCKh normaliser of one person, with a bounds check: the formula itself (spec §2 step 4,
 * `0.6 × ||(x2,y2) − (x1,y1)||`, norm first) lives in the evaluation module, so the UI, the demo and
 * the metric can never disagree about it.
 */
import type { MatGroundTruth } from '../core/types.ts';
import { HEAD_SIZE_FACTOR, headSize as headSizeFromBoxes } from '../evaluation/pckh-tally.ts';

export const PCKH_SC_BIAS = HEAD_SIZE_FACTOR;

/** Head size of person `n` (0-based column of the gt `.mat`), in pixels. */
export function headSize(gt: MatGroundTruth, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n >= gt.count) {
    throw new RangeError(`person index ${n} is outside the ground truth (0..${gt.count - 1})`);
  }
  return headSizeFromBoxes(gt.headBoxes1Based, n);
}
