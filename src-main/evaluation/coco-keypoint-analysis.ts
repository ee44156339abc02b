/**
 * Per-keypoint answers on a COCO keypoint evaluation (issue 18 §3), over the GT persons pycocotools
 * matched at OKS 0.5 in the 'all' area range (non-ignored GTs; evaluateImg's gtMatches at the first
 * threshold, cocoeval.py:273–296), for every keypoint the GT labels (v > 0):
 *
 *  - oks_acc_50 / oks_acc_75: share with keypoint similarity KS ≥ 0.5 / ≥ 0.75, where KS is the OKS
 *    term of that keypoint, exp(−d² / (2σ)² / (area + eps) / 2) (cocoeval.py:229);
 *  - PCK at 0.05 / 0.1 / 0.2 of the GT box's longer side (d / max(w, h) < α, strict as mmpose's
 *    `keypoint_pck_accuracy`), and of the torso diameter: the distance between the GT's left_shoulder
 *    and right_hip (the usual PCK torso diagonal), for persons where both are labelled and apart; n/a
 *    (null) on keypoint sets without those two names;
 *  - mean error in box units: mean of d / max(w, h);
 *  - error classes after coco-analyze (Ronchi & Perona, ICCV 2017) on KS: good KS > 0.85, jitter
 *    0.5 ≤ KS ≤ 0.85; below 0.5, first match wins: inversion (KS ≥ 0.5 against the same person's
 *    mirrored keypoint, with that keypoint's σ), swap (KS ≥ 0.5 against the same or mirrored keypoint
 *    of another labelled person of the image, with that person's area), miss. Left/right pairs come
 *    from names (left_X ↔ right_X); keypoints without a mirror cannot be inversions.
 *
 * Pure: an evaluation in, plain rows out (fractions, not percent).
 */
import type { CocoKeypointEvaluation, OksGroundTruth } from './coco-oks-eval.ts';
import { COCO_ERROR_CLASSES, type CocoErrorClass } from '../core/types.ts';

export const PCK_ALPHAS = [0.05, 0.1, 0.2] as const;
export const KS_GOOD = 0.85;
export const KS_OK = 0.5;
export const KS_STRICT = 0.75;
export { COCO_ERROR_CLASSES, type CocoErrorClass };

export interface KeypointAnalysisRow {
  readonly name: string;
  /** Labelled GT keypoints of matched persons. */
  readonly count: number;
  readonly oksAcc50: number | null;
  readonly oksAcc75: number | null;
  /** PCK at PCK_ALPHAS of the box's longer side. */
  readonly pckBbox: readonly (number | null)[];
  /** PCK at PCK_ALPHAS of the torso diameter; null where the set has no torso or no person had one. */
  readonly pckTorso: readonly (number | null)[];
  /** Keypoints counted for the torso PCK (persons with both torso keypoints labelled). */
  readonly torsoCount: number;
  /** Mean of distance / box longer side. */
  readonly meanErrorBbox: number | null;
  /** Share of each error class (COCO_ERROR_CLASSES order). */
  readonly classes: Readonly<Record<CocoErrorClass, number | null>>;
}

export interface KeypointAnalysis {
  readonly rows: readonly KeypointAnalysisRow[];
  /** Non-ignored GT persons ('all' area range) and how many of them were matched at OKS 0.5. */
  readonly persons: number;
  readonly matchedPersons: number;
  /** Indices of the torso keypoints, or null (n/a). */
  readonly torso: readonly [number, number] | null;
}

/** left_X ↔ right_X by name; −1 where a keypoint has no mirror. */
export function mirrorIndex(names: readonly string[]): Int32Array {
  return Int32Array.from(names, (name) => {
    const m = /^(left|right)_(.+)$/.exec(name);
    if (m === null) return -1;
    return names.indexOf(`${m[1] === 'left' ? 'right' : 'left'}_${m[2]!}`);
  });
}

export function torsoKeypoints(names: readonly string[]): readonly [number, number] | null {
  const a = names.indexOf('left_shoulder');
  const b = names.indexOf('right_hip');
  return a >= 0 && b >= 0 ? [a, b] : null;
}

/** KS of a predicted point against a GT point (one term of cocoeval.py:229). */
export function keypointSimilarity(dx: number, dy: number, sigma: number, area: number): number {
  const s2 = sigma * 2;
  return Math.exp(-((dx * dx + dy * dy) / (s2 * s2) / (area + Number.EPSILON) / 2));
}

export function analyzeCocoKeypoints(evaluation: CocoKeypointEvaluation, names: readonly string[], sigmas: ArrayLike<number>): KeypointAnalysis {
  const K = names.length;
  const mirror = mirrorIndex(names);
  const torso = torsoKeypoints(names);
  const count = new Float64Array(K);
  const ks50 = new Float64Array(K),
    ks75 = new Float64Array(K);
  const pckBox = PCK_ALPHAS.map(() => new Float64Array(K));
  const pckTorso = PCK_ALPHAS.map(() => new Float64Array(K));
  const torsoCount = new Float64Array(K);
  const errorSum = new Float64Array(K),
    errorCount = new Float64Array(K);
  const classCount = COCO_ERROR_CLASSES.map(() => new Float64Array(K));
  let persons = 0,
    matchedPersons = 0;

  for (const image of evaluation.images) {
    const all = image.areas[0]!;
    const G = image.gts.length;
    for (let g = 0; g < G; g++) {
      if (all.gtIgnore[g] === 1) continue;
      persons++;
      const d = all.gtMatch[g]!; // threshold index 0: OKS 0.5
      if (d < 0) continue;
      matchedPersons++;
      const gt = image.gts[all.gtOrder[g]!]!;
      const pred = image.dts[d]!.keypoints;
      const gk = gt.keypoints;
      const side = Math.max(gt.bbox[2], gt.bbox[3]);
      let torsoSize = NaN;
      if (torso !== null && gk[3 * torso[0] + 2]! > 0 && gk[3 * torso[1] + 2]! > 0) {
        torsoSize = Math.hypot(gk[3 * torso[0]]! - gk[3 * torso[1]]!, gk[3 * torso[0] + 1]! - gk[3 * torso[1] + 1]!);
      }
      for (let k = 0; k < K; k++) {
        if (!(gk[3 * k + 2]! > 0)) continue;
        count[k]!++;
        const dx = pred[3 * k]! - gk[3 * k]!,
          dy = pred[3 * k + 1]! - gk[3 * k + 1]!;
        const dist = Math.hypot(dx, dy);
        const ks = keypointSimilarity(dx, dy, sigmas[k]!, gt.area);
        if (ks >= KS_OK) ks50[k]!++;
        if (ks >= KS_STRICT) ks75[k]!++;
        if (side > 0) {
          const rel = dist / side;
          PCK_ALPHAS.forEach((alpha, a) => {
            if (rel < alpha) pckBox[a]![k]!++;
          });
          errorSum[k]! += rel;
          errorCount[k]!++;
        }
        if (torsoSize > 0) {
          torsoCount[k]!++;
          const rel = dist / torsoSize;
          PCK_ALPHAS.forEach((alpha, a) => {
            if (rel < alpha) pckTorso[a]![k]!++;
          });
        }
        classCount[COCO_ERROR_CLASSES.indexOf(classifyKeypoint(ks, k, pred, gt, image.gts, mirror, sigmas))]![k]!++;
      }
    }
  }

  const share = (num: number, den: number): number | null => (den > 0 ? num / den : null);
  const rows: KeypointAnalysisRow[] = names.map((name, k) => ({
    name,
    count: count[k]!,
    oksAcc50: share(ks50[k]!, count[k]!),
    oksAcc75: share(ks75[k]!, count[k]!),
    pckBbox: PCK_ALPHAS.map((_, a) => share(pckBox[a]![k]!, count[k]!)),
    pckTorso: PCK_ALPHAS.map((_, a) => (torso === null ? null : share(pckTorso[a]![k]!, torsoCount[k]!))),
    torsoCount: torsoCount[k]!,
    meanErrorBbox: share(errorSum[k]!, errorCount[k]!),
    classes: Object.fromEntries(COCO_ERROR_CLASSES.map((c, i) => [c, share(classCount[i]![k]!, count[k]!)])) as Record<CocoErrorClass, number | null>,
  }));
  return { rows, persons, matchedPersons, torso };
}

/** The error class of keypoint k of a matched person whose KS is `ks` (the rules in this file's header). */
export function classifyKeypoint(
  ks: number,
  k: number,
  pred: ArrayLike<number>,
  gt: OksGroundTruth,
  imageGts: readonly OksGroundTruth[],
  mirror: Int32Array,
  sigmas: ArrayLike<number>,
): CocoErrorClass {
  if (ks > KS_GOOD) return 'good';
  if (ks >= KS_OK) return 'jitter';
  const px = pred[3 * k]!,
    py = pred[3 * k + 1]!;
  const against = (person: OksGroundTruth, j: number): number => {
    const p = person.keypoints;
    if (!(p[3 * j + 2]! > 0)) return 0;
    return keypointSimilarity(px - p[3 * j]!, py - p[3 * j + 1]!, sigmas[j]!, person.area);
  };
  const m = mirror[k]!;
  if (m >= 0 && against(gt, m) >= KS_OK) return 'inversion';
  for (const other of imageGts) {
    if (other === gt || other.iscrowd) continue;
    if (against(other, k) >= KS_OK || (m >= 0 && against(other, m) >= KS_OK)) return 'swap';
  }
  return 'miss';
}
