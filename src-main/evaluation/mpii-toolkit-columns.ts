/**
 * The MPII evaluation toolkit's table (Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle, UBody, Total,
 * AUC) from a PckhReport, so a paper can print the layout its readers know from MPII papers.
 *
 * Source: the toolkit of Andriluka et al. (CVPR'14), `evalMPII.zip` → `eval/` (mirrored in
 * github.com/anibali/eval-mpii-pose and in other repositories' copies of the same files):
 *  - `annolist2matrix.m` reorders the 16 MPII ids to 14 columns: ids 0–5 (ankles, knees, hips),
 *    ids 10–15 (wrists, elbows, shoulders), ids 8–9 (upper neck, head top); pelvis and thorax are dropped.
 *  - `genTablePCK.m`: Head = (pck(13) + pck(14)) / 2 — the mean of upper neck and head top, NOT head
 *    top alone as mmpose's `Head`; Shoulder … Ankle = the mean of the left and right joint (the same
 *    as mmpose's groups); UBody = pck(end-1); Total = pck(end); printed with `%1.1f`.
 *  - `computePCK.m`: pck(end-1) = 100·mean(dist ≤ t) pooled over columns 7:12 (wrists, elbows,
 *    shoulders: the arms, not the head) of every person with the joint annotated; pck(end) the same
 *    pooled over all 14 columns.
 *  - `evaluatePCKh.m`: AUC = area_under_curve(scale01(range), pck(:, end)) with range = 0:0.01:0.5,
 *    i.e. the area under the Total curve over thresholds rescaled to [0, 1] (`quadgk` over the linear
 *    interpolation = the trapezoidal rule), printed with `%1.1f`.
 *
 * Here every column comes from the protocol's own per-joint tallies (mmpose 0.x or 1.x conventions for
 * visibility, head size and the comparison), so the table describes the same run as mmpose's:
 *  - Total is the report's PCKh: mmpose's Mean Σ_j (100·hits_j / count_j)·(count_j / Σcount) is the same
 *    pooled hit rate over the 14 joints as the toolkit's Total.
 *  - AUC is the report's `curve.aucMean` (trapezoids over the 51 numpy thresholds of the mean curve,
 *    divided by the span 0.5: the same rescaling as scale01). The thresholds are numpy's arange, not
 *    MATLAB's colon operator; they differ in the last bit for a few values, which can matter only for a
 *    distance exactly equal to a threshold.
 */
import { MPII_JOINT_COUNT, mpiiJointIndex } from '../core/joints.ts';
import type { PckhReport } from './pckh.ts';

export const MPII_TOOLKIT_COLUMNS = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'UBody', 'Total', 'AUC'] as const;
export type MpiiToolkitColumn = (typeof MPII_TOOLKIT_COLUMNS)[number];

/** genTablePCK's Head: upper neck and head top (toolkit columns 13, 14). */
const TOOLKIT_HEAD_JOINTS = [mpiiJointIndex('upper_neck')!, mpiiJointIndex('head_top')!] as const;

/** computePCK's upper body: toolkit columns 7:12 = MPII ids 10–15 (wrists, elbows, shoulders). */
export const TOOLKIT_UPPER_BODY_JOINTS: readonly number[] = [10, 11, 12, 13, 14, 15];

/** Values in percent; null where not computable (a joint not predicted or never annotated). */
export function mpiiToolkitColumns(report: PckhReport): Record<MpiiToolkitColumn, number | null> {
  if (report.perJoint.length !== MPII_JOINT_COUNT) throw new RangeError(`mpiiToolkitColumns: ${report.perJoint.length} joints, expected ${MPII_JOINT_COUNT}`);
  const joint = (j: number): number | null => report.perJoint[j]!.pckh;
  const [neck, top] = TOOLKIT_HEAD_JOINTS.map(joint);
  return {
    Head: neck === null || neck === undefined || top === null || top === undefined ? null : (neck + top) / 2,
    Shoulder: report.metrics.Shoulder,
    Elbow: report.metrics.Elbow,
    Wrist: report.metrics.Wrist,
    Hip: report.metrics.Hip,
    Knee: report.metrics.Knee,
    Ankle: report.metrics.Ankle,
    UBody: pooledHitRate(report, TOOLKIT_UPPER_BODY_JOINTS),
    Total: report.metrics.PCKh,
    AUC: report.curve.aucMean,
  };
}

/** 100·Σhits / Σevaluated at 0.5 over `joints` (computePCK's pooling); null when one is not predicted. */
function pooledHitRate(report: PckhReport, joints: readonly number[]): number | null {
  let hits = 0;
  let evaluated = 0;
  for (const j of joints) {
    const r = report.perJoint[j]!;
    if (!r.predicted) return null;
    hits += r.hitCount;
    evaluated += r.evaluated;
  }
  // The product first, as mmpose 0.x's (100 * hits) / count.
  return evaluated > 0 ? (100 * hits) / evaluated : null;
}
