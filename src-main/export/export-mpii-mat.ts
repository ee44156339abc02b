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
    throw new PosebenchInputError({ file: datasetLabel },
      'has no ground-truth .mat (only the val split has one), so there are no head boxes to export: use --format mpii-json or coco');
  }
  return encodeMpiiGtMat(gt, { compress: options.compress ?? true });
}
