/**
 * Per GT person of a COCO keypoint evaluation: the detection pycocotools matched to it at OKS 0.5 in
 * the 'all' area range (evaluateImg's gtMatches at the first threshold, cocoeval.py:273–296), that
 * pair's OKS (computeOks, cocoeval.py:204–233), and per keypoint the keypoint similarity and error
 * class — computed by the same functions as the per-keypoint table (coco-keypoint-analysis.ts), so a
 * person's marks in Browse and Annotate add up to that table's shares.
 *
 * Pure: an evaluation in, one outcome per GT person out (in the order of the GTs given to it).
 */
import { classifyKeypoint, COCO_ERROR_CLASSES, keypointSimilarity, mirrorIndex, type CocoErrorClass } from './coco-keypoint-analysis.ts';
import type { CocoKeypointEvaluation, OksDetection, OksGroundTruth } from './coco-oks-eval.ts';

export interface CocoPersonOutcome {
  /** Ignored in the 'all' range: a crowd region or a person without labelled keypoints (cocoeval.py:111, 250–254). */
  readonly ignored: boolean;
  /** The matched detection, or null (missed, or ignored). */
  readonly detection: OksDetection | null;
  /** OKS of the person and its matched detection, or null. */
  readonly oks: number | null;
  /** Per keypoint: KS against the matched detection; NaN where unlabelled (v = 0) or unmatched. */
  readonly ks: Float64Array;
  /** Per keypoint: index into COCO_ERROR_CLASSES, or −1 where not counted (unlabelled, unmatched). */
  readonly classes: Int8Array;
}

/** One outcome per GT person, in the order of `gts` (the list the evaluation was given). */
export function cocoPersonOutcomes(
  evaluation: CocoKeypointEvaluation,
  gts: readonly OksGroundTruth[],
  names: readonly string[],
  sigmas: ArrayLike<number>,
): CocoPersonOutcome[] {
  const K = names.length;
  const mirror = mirrorIndex(names);
  const outcomes = new Map<OksGroundTruth, CocoPersonOutcome>();
  for (const image of evaluation.images) {
    const all = image.areas[0]!;
    const G = image.gts.length;
    for (let g = 0; g < G; g++) {
      const fileIndex = all.gtOrder[g]!;
      const gt = image.gts[fileIndex]!;
      const ks = new Float64Array(K).fill(NaN);
      const classes = new Int8Array(K).fill(-1);
      const d = all.gtIgnore[g] === 1 ? -1 : all.gtMatch[g]!; // threshold index 0: OKS 0.5
      if (d < 0) {
        outcomes.set(gt, { ignored: all.gtIgnore[g] === 1, detection: null, oks: null, ks, classes });
        continue;
      }
      const detection = image.dts[d]!;
      const pred = detection.keypoints;
      const gk = gt.keypoints;
      for (let k = 0; k < K; k++) {
        if (!(gk[3 * k + 2]! > 0)) continue;
        const value = keypointSimilarity(pred[3 * k]! - gk[3 * k]!, pred[3 * k + 1]! - gk[3 * k + 1]!, sigmas[k]!, gt.area);
        ks[k] = value;
        classes[k] = COCO_ERROR_CLASSES.indexOf(classifyKeypoint(value, k, pred, gt, image.gts, mirror, sigmas));
      }
      // the [D × G] block keeps G in file order (ImageEvaluation.oksOffset)
      const oks = evaluation.oks[image.oksOffset + d * G + fileIndex]!;
      outcomes.set(gt, { ignored: false, detection, oks, ks, classes });
    }
  }
  const none = (): CocoPersonOutcome => ({ ignored: false, detection: null, oks: null, ks: new Float64Array(K).fill(NaN), classes: new Int8Array(K).fill(-1) });
  return gts.map((gt) => outcomes.get(gt) ?? none());
}

/** The class name of an outcome's keypoint, or null when not counted. */
export function outcomeClass(outcome: CocoPersonOutcome, k: number): CocoErrorClass | null {
  const c = outcome.classes[k]!;
  return c >= 0 ? COCO_ERROR_CLASSES[c]! : null;
}
