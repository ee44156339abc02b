/**
 * Export to the MPII ground-truth `.mat` (spec §1.4): `headboxes_src` (2,2,N), `pos_gt_src` (16,2,N),
 * `jnt_missing` (16,N), `dataset_joints` (1,16) cell, 1-based, written by encodeMpiiGtMat in the
 * original file's layout (class double, jnt_missing stored as uint8 so scipy.io.loadmat gives uint8
 * like the original). Values not corrected are the original doubles, bit for bit, so mmpose 0.x PCKh
 * (spec §2) on the exported file equals PCKh on the original.
 *
 * `pos_pred_src`, which the distributed file also carries (predictions of the original paper), is
 * ground truth of nothing and is not written.
 */
import { PosebenchInputError } from '../core/errors.ts';
import type { MatGroundTruth } from '../core/types.ts';
import { encodeMpiiGtMat } from '../formats/mpii-gt-mat.ts';
import { roundExportCoordinate } from './export-mpii-json.ts';

/** Values a correction computed (a dragged joint, an edited head box), by entry index. */
export interface ComputedMatValues {
  /** Entry index → joints whose position a correction placed. */
  readonly joints: ReadonlyMap<number, ReadonlySet<number>>;
  /** Entry indices whose head box a correction set. */
  readonly headBoxes: ReadonlySet<number>;
}

/**
 * The gt with computed values rounded to EXPORT_DECIMALS (a drag gives 1209.2106832851102); every
 * other value, original or swapped, stays bit for bit (real MPII `.mat` values carry 5e-5 px noise).
 */
export function roundedMatGroundTruth(gt: MatGroundTruth, computed: ComputedMatValues): MatGroundTruth {
  if (computed.joints.size === 0 && computed.headBoxes.size === 0) return gt;
  const joints = gt.jointNames.length;
  const positions1Based = Float64Array.from(gt.positions1Based);
  const headBoxes1Based = Float64Array.from(gt.headBoxes1Based);
  for (const [entry, set] of computed.joints) {
    if (entry >= gt.count) continue;
    for (const j of set) {
      for (const axis of [0, 1]) {
        const k = (entry * joints + j) * 2 + axis;
        positions1Based[k] = roundExportCoordinate(positions1Based[k]!);
      }
    }
  }
  for (const entry of computed.headBoxes) {
    if (entry >= gt.count) continue;
    for (let k = entry * 4; k < entry * 4 + 4; k++) headBoxes1Based[k] = roundExportCoordinate(headBoxes1Based[k]!);
  }
  return { ...gt, positions1Based, headBoxes1Based };
}

export interface MpiiMatExportOptions {
  /** zlib-compress the variables, as the distributed `mpii_gt_val.mat` is. Default true. */
  readonly compress?: boolean;
}

/**
 * The `.mat` bytes. `gt` is null when the dataset has no gt `.mat` (train split, or a val folder
 * without one): head boxes exist nowhere else, so there is nothing to export.
 */
export function mpiiMatExportBytes(gt: MatGroundTruth | null, datasetLabel: string, options: MpiiMatExportOptions = {}): Uint8Array {
  if (gt === null) {
    throw new PosebenchInputError(
      { file: datasetLabel },
      'has no ground-truth .mat (only the val split has one), so there are no head boxes to export: use --format mpii-json or coco',
    );
  }
  return encodeMpiiGtMat(gt, { compress: options.compress ?? true });
}
