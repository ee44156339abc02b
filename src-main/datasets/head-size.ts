/**
 * PCKh normaliser: spec §2 step 4, `hs = SC_BIAS * ||(x2,y2) - (x1,y1)||` with SC_BIAS = 0.6,
 * from the gt `.mat` head box. The norm is computed first (dx² then + dy², then sqrt), then scaled,
 * matching numpy's `np.linalg.norm(..., axis=0) * SC_BIAS` bit for bit.
 */
import type { MatGroundTruth } from '../core/types.ts';

export const PCKH_SC_BIAS = 0.6;

/** Head size of person `n` (0-based column of the gt `.mat`), in pixels. */
export function headSize(gt: MatGroundTruth, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n >= gt.count) {
    throw new RangeError(`person index ${n} is outside the ground truth (0..${gt.count - 1})`);
  }
  const box = n * 4;
  const dx = (gt.headBoxes1Based[box + 2] ?? Number.NaN) - (gt.headBoxes1Based[box] ?? Number.NaN);
  const dy = (gt.headBoxes1Based[box + 3] ?? Number.NaN) - (gt.headBoxes1Based[box + 1] ?? Number.NaN);
  const norm = Math.sqrt(dx * dx + dy * dy);
  return norm * PCKH_SC_BIAS;
}
