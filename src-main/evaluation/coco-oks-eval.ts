/**
 * OKS keypoint AP/AR exactly as pycocotools' `COCOeval` with iouType 'keypoints' (cocoapi master,
 * `PythonAPI/pycocotools/cocoeval.py`, read from ../shared/reference/pycocotools_ref/cocoeval.py; the
 * line numbers below are that file's). The ten numbers equal `COCOeval.stats` bit for bit: float64
 * arithmetic in numpy's order, numpy's stable mergesort tie rule, numpy's pairwise sum in the means.
 *
 * One known limit, shared by pycocotools itself across machines: numpy's float64 `exp` is CPU-dependent
 * (an AVX512F SIMD kernel where available, libm elsewhere) and differs from V8's `Math.exp` in the last
 * bit for ≈10 % of arguments. OKS values therefore may differ by an ulp; the stats only see OKS through
 * comparisons (with the thresholds and between candidate GTs), so they differ only when an OKS lies
 * within an ulp of a threshold — as they would between two numpy builds.
 *
 * Scope: one keypoint category (posebench evaluates the dataset's keypoint category; pycocotools
 * would give precision −1 for categories without annotations, which its means skip, cocoeval.py:452),
 * maxDets [20], area ranges all/medium/large (cocoeval.py:513–523).
 *
 * Pure: plain data in, plain data out.
 */
import { numpyPairwiseSum, numpySum } from './pairwise-sum.ts';
import { COCO_STAT_NAMES, type CocoStatName } from '../core/types.ts';

/** A ground-truth person as COCOeval sees it (cocoeval.py:107–111, 209–216). */
export interface OksGroundTruth {
  /** Annotation id. pycocotools stores it as the match (dtm, cocoeval.py:295), so id 0 counts as unmatched. */
  readonly id: number;
  readonly imageId: number;
  /** x, y, v per keypoint (3·K values), as in the annotation file. */
  readonly keypoints: ArrayLike<number>;
  /** The file's `num_keypoints` (0 makes the person ignored, cocoeval.py:111). */
  readonly numKeypoints: number;
  /** The file's `area` (the OKS scale and the area range, cocoeval.py:229, 251). */
  readonly area: number;
  /** [x, y, w, h]; only used for persons without labelled keypoints (cocoeval.py:214–216). */
  readonly bbox: readonly [number, number, number, number];
  readonly iscrowd: boolean;
}

/**
 * Whether pycocotools counts a GT person at all (in the 'all' area range): crowd regions and persons
 * with `num_keypoints` 0 are ignored (cocoeval.py:111, 250–254). The one rule every COCO view, the
 * review queue and model runs use for "counted".
 */
export function isCountedGt(person: Pick<OksGroundTruth, 'iscrowd' | 'numKeypoints'>): boolean {
  return !person.iscrowd && person.numKeypoints !== 0;
}

/** A detection after `COCO.loadRes` (coco.py:350–359): id, area and order fixed by cocoResultsToDetections. */
export interface OksDetection {
  /** 1-based position in the results file (coco.py:358). */
  readonly id: number;
  readonly imageId: number;
  /** x, y, score per keypoint (3·K values). */
  readonly keypoints: ArrayLike<number>;
  readonly score: number;
  readonly area: number;
}

/** The keypoints of one entry of a COCO results file (image_id, category_id, keypoints, score[, bbox]). */
export interface CocoResultEntry {
  readonly imageId: number;
  readonly keypoints: ArrayLike<number>;
  readonly score: number;
  /** Present (and non-empty) only when the results file carries boxes. */
  readonly bbox?: readonly number[] | undefined;
}

export { COCO_STAT_NAMES, type CocoStatName };
/** The ten numbers of `_summarizeKps` (cocoeval.py:473–485), as fractions; −1 where pycocotools gives −1. */
export type CocoKeypointStats = Readonly<Record<CocoStatName, number>>;

/**
 * numpy's `linspace(start, stop, num)` (endpoint): `i·step + start` with step = (stop − start)/(num − 1)
 * and the last element set to `stop`. Reproduces pycocotools' thresholds bit for bit (0.8999999999999999,
 * not 0.9), which matters because OKS is compared with them (cocoeval.py:517–518).
 */
export function numpyLinspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** iouThrs .50:.05:.95 (cocoeval.py:517). */
export const OKS_THRESHOLDS: Float64Array = numpyLinspace(0.5, 0.95, 10);
/** recThrs 0:.01:1 (cocoeval.py:518). */
export const RECALL_THRESHOLDS: Float64Array = numpyLinspace(0, 1, 101);
/** maxDets [20] (cocoeval.py:519). */
export const MAX_DETECTIONS = 20;
/** areaRng all, medium, large (cocoeval.py:520–521); 1e5 ** 2 is 1e10 exactly. */
export const AREA_RANGES: readonly (readonly [number, number])[] = [
  [0, 1e10],
  [32 * 32, 96 * 96],
  [96 * 96, 1e10],
];
export const AREA_RANGE_NAMES = ['all', 'medium', 'large'] as const;

/**
 * COCO's published keypoint sigmas (cocoeval.py:523): the array literal divided by 10.0 in float64,
 * which is not always the decimal literal (0.26 / 10 ≠ 0.026 in the last bit for some entries).
 */
export const COCO17_SIGMAS: Float64Array = Float64Array.from(
  [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89],
  (s) => s / 10.0,
);

/** exp(−e) is +0 for every e above this (the true value is below half the smallest subnormal). */
const EXP_UNDERFLOW = 746;

/** np.spacing(1): the gap after 1.0 (cocoeval.py:229, 385). */
const EPS = Number.EPSILON;

/**
 * `COCO.loadRes` on a keypoint results list (coco.py:305–360). The branch is chosen by the FIRST entry
 * of the file, as pycocotools does (`areaFromBbox`): with a non-empty `bbox` there, every entry's area
 * is w·h of its own box (coco.py:331–340); otherwise area = (max x − min x)·(max y − min y) over ALL
 * keypoints, unlabelled (0, 0) ones included (coco.py:350–359). Ids are 1-based positions (coco.py:339,
 * 358). An entry without a box in the bbox branch throws (pycocotools raises KeyError there; the
 * format reader rejects such files first).
 */
export function cocoResultsToDetections(results: readonly CocoResultEntry[], areaFromBbox: boolean): OksDetection[] {
  const bboxBranch = areaFromBbox;
  return results.map((r, index) => {
    let area: number;
    if (bboxBranch) {
      const bb = r.bbox;
      if (bb === undefined || bb.length < 4) throw new Error(`results entry ${index} has no bbox, but the first entry has one`);
      area = bb[2]! * bb[3]!;
    } else {
      const k = r.keypoints;
      // np.min / np.max over x = s[0::3], y = s[1::3] (coco.py:354–356); Math.min/max propagate NaN as they do
      let x0 = k[0]!,
        x1 = x0,
        y0 = k[1]!,
        y1 = y0;
      for (let i = 3; i + 1 < k.length; i += 3) {
        const x = k[i]!,
          y = k[i + 1]!;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
      area = (x1 - x0) * (y1 - y0);
    }
    return { id: index + 1, imageId: r.imageId, keypoints: r.keypoints, score: r.score, area };
  });
}

/**
 * Indices 0..n−1 ordered by descending key, equal keys keeping their order: numpy's
 * `argsort(-x, kind='mergesort')` (stable; cocoeval.py:197, 259, 366). Any stable sort gives the same
 * order, so this is a plain bottom-up merge sort on typed arrays (no comparator closures: the global
 * sort over 100,000 detections is on the AP benchmark's path); insertion sort for short runs.
 */
export function stableDescendingOrder(keys: ArrayLike<number>): ArrayLike<number> {
  const n = keys.length;
  if (n <= 32) {
    // one image's detections: a plain array (small typed arrays cost more to allocate than to sort)
    const small: number[] = [];
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      let j = i - 1;
      small.push(i);
      while (j >= 0 && keys[small[j]!]! < key) {
        small[j + 1] = small[j]!;
        j--;
      }
      small[j + 1] = i;
    }
    return small;
  }
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const RUN = 16;
  // insertion sort within runs of RUN: move left only past strictly smaller keys (stable)
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const idx = order[i]!;
      const key = keys[idx]!;
      let j = i - 1;
      while (j >= lo && keys[order[j]!]! < key) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = idx;
    }
  }
  let buffer = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n),
        hi = Math.min(lo + 2 * width, n);
      let a = lo,
        b = mid,
        out = lo;
      // take from the right run only when its key is strictly greater (stable)
      while (a < mid && b < hi) {
        if (keys[order[b]!]! > keys[order[a]!]!) buffer[out++] = order[b++]!;
        else buffer[out++] = order[a++]!;
      }
      while (a < mid) buffer[out++] = order[a++]!;
      while (b < hi) buffer[out++] = order[b++]!;
    }
    [order, buffer] = [buffer, order];
  }
  return order;
}

/**
 * OKS of every (detection, GT) pair of one image: cocoeval.py:192–233. `dts` already sorted by score
 * and cut to maxDets. Row-major [D × G].
 */
export function computeOks(gts: readonly OksGroundTruth[], dts: readonly OksDetection[], sigmas: ArrayLike<number>): Float64Array {
  const out = new Float64Array(gts.length * dts.length);
  computeOksInto(gts, dts, oksScratch(sigmas), out, 0);
  return out;
}

interface OksScratch {
  readonly K: number;
  /** vars = (sigmas * 2)**2 (cocoeval.py:206); numpy squares by multiplication. */
  readonly vars: Float64Array;
  readonly terms: Float64Array;
}

function oksScratch(sigmas: ArrayLike<number>): OksScratch {
  const K = sigmas.length;
  const vars = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const s2 = sigmas[k]! * 2;
    vars[k] = s2 * s2;
  }
  return { K, vars, terms: new Float64Array(K) };
}

/** computeOks into out[offset …] (row-major [D × G]), with buffers reused across images. */
function computeOksInto(gts: readonly OksGroundTruth[], dts: readonly OksDetection[], scratch: OksScratch, out: Float64Array, offset: number): void {
  const { K, vars, terms } = scratch;
  const G = gts.length,
    D = dts.length;
  if (G === 0 || D === 0) return;
  for (let j = 0; j < G; j++) {
    const gt = gts[j]!;
    const g = gt.keypoints;
    let k1 = 0;
    for (let k = 0; k < K; k++) if (g[3 * k + 2]! > 0) k1++; // cocoeval.py:213
    const bb = gt.bbox;
    // the ignore region: the GT box doubled on each side (cocoeval.py:215–216)
    const x0 = bb[0] - bb[2],
      x1 = bb[0] + bb[2] * 2;
    const y0 = bb[1] - bb[3],
      y1 = bb[1] + bb[3] * 2;
    const scale = gt.area + EPS; // (gt['area'] + np.spacing(1)), cocoeval.py:229
    for (let i = 0; i < D; i++) {
      const d = dts[i]!.keypoints;
      let n = 0;
      for (let k = 0; k < K; k++) {
        // with labelled keypoints, e is kept for those only (cocoeval.py:230–231): the others are
        // never summed, so they are not computed
        if (k1 > 0 && !(g[3 * k + 2]! > 0)) continue;
        const xd = d[3 * k]!,
          yd = d[3 * k + 1]!;
        let dx: number, dy: number;
        if (k1 > 0) {
          dx = xd - g[3 * k]!; // cocoeval.py:222–223
          dy = yd - g[3 * k + 1]!;
        } else {
          // distance to the region outside [x0, x1] × [y0, y1] (cocoeval.py:226–228)
          dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
          dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
        }
        // e = (dx**2 + dy**2) / vars / (area + eps) / 2, left to right (cocoeval.py:229); exp(-e),
        // which is exactly 0 in float64 beyond e ≈ 745.13 (below the smallest subnormal) in numpy and
        // V8 alike: far-apart pairs, most of them, skip the exp
        const e = (dx * dx + dy * dy) / vars[k]! / scale / 2;
        terms[n++] = e > EXP_UNDERFLOW ? 0 : Math.exp(-e);
      }
      // np.sum(np.exp(-e)) / e.shape[0] (cocoeval.py:232): 0.0 + numpy's pairwise sum
      out[offset + i * G + j] = (0 + numpyPairwiseSum(terms, 0, n)) / n;
    }
  }
}

/** One image's evaluation for one area range (evaluateImg's dict, cocoeval.py:301–313). */
export interface ImageAreaEvaluation {
  /** GT indices (into the image's GT list, file order) in the order evaluateImg sorted them (ignored last). */
  readonly gtOrder: readonly number[];
  /** Per GT in gtOrder: 1 when ignored in this area range (cocoeval.py:250–254). */
  readonly gtIgnore: readonly number[];
  /** [T × G]: matched detection's index (into the image's sorted detections), or −1. */
  readonly gtMatch: readonly number[];
}

/** What a detection counts as at one threshold and area range (dtCodes). */
export const DT_IGNORED = 0;
export const DT_TRUE_POSITIVE = 1;
export const DT_FALSE_POSITIVE = 2;

/** One image's inputs and results. */
export interface ImageEvaluation {
  readonly imageId: number;
  /** The image's GT persons, file order. */
  readonly gts: readonly OksGroundTruth[];
  /** The image's detections sorted by score (stable), cut to maxDets. */
  readonly dts: readonly OksDetection[];
  /** Index of this image's first detection in the evaluation's detection order (dtCodes, oks rows). */
  readonly dtOffset: number;
  /** Start of this image's [D × G] OKS block (G in file order) in the evaluation's `oks`. */
  readonly oksOffset: number;
  /** Per area range (all, medium, large). */
  readonly areas: readonly ImageAreaEvaluation[];
}

export interface CocoKeypointEvaluation {
  readonly stats: CocoKeypointStats;
  /** Images with a GT or a detection (evaluateImg returns None for the others, cocoeval.py:247–248). */
  readonly images: readonly ImageEvaluation[];
  /** Every image's [D × G] OKS block, at its oksOffset. */
  readonly oks: Float64Array;
  /**
   * Per area range, [N × T]: what detection n (images in id order, each image's in score order)
   * counts as at threshold t: DT_IGNORED (dtIgnore, cocoeval.py:294, 298–299), DT_TRUE_POSITIVE
   * (matched: dtm ≠ 0, so a match with a GT of id 0 does not count, cocoeval.py:295, 375) or
   * DT_FALSE_POSITIVE.
   */
  readonly dtCodes: readonly Uint8Array[];
  /** precision [T × R × A] (K = M = 1), −1 where no GT counts (cocoeval.py:334). */
  readonly precision: Float64Array;
  /** recall [T × A], −1 where no GT counts. */
  readonly recall: Float64Array;
}

export interface CocoKeypointEvalInput {
  /** Every image id of the GT file's `images` (p.imgIds = sorted unique, cocoeval.py:80, 134). */
  readonly imageIds: readonly number[];
  readonly gts: readonly OksGroundTruth[];
  /** Detections of the evaluated category (cocoResultsToDetections). */
  readonly dts: readonly OksDetection[];
  readonly sigmas: ArrayLike<number>;
}

const T = OKS_THRESHOLDS.length;
const R = RECALL_THRESHOLDS.length;
const A = AREA_RANGES.length;
/** min(t, 1 − 1e-10) per threshold (cocoeval.py:276). */
const MATCH_FLOOR = Array.from(OKS_THRESHOLDS, (t) => Math.min(t, 1 - 1e-10));

/**
 * evaluateImg (cocoeval.py:235–313) for one image and area range. Writes the detections' codes into
 * `codes` ([N × T], this image's rows from dtOffset): the per-image results of 100,000 detections are
 * kept in one typed array per area range, not in thousands of small arrays (whose allocation and
 * promotion by the garbage collector cost more than the evaluation).
 */
function evaluateImageArea(
  gts: readonly OksGroundTruth[],
  dts: readonly OksDetection[],
  oks: Float64Array,
  oksOffset: number,
  bestOks: Float64Array,
  range: readonly [number, number],
  codes: Uint8Array,
  dtOffset: number,
): ImageAreaEvaluation {
  const G = gts.length,
    D = dts.length;
  const lo = range[0],
    hi = range[1];
  // ignore flag (cocoeval.py:107–111) and area range (cocoeval.py:250–254); gt sorted ignore last,
  // stably (cocoeval.py:257)
  const gtOrder: number[] = [];
  let regular = 0;
  for (let j = 0; j < G; j++) {
    const g = gts[j]!;
    if (isCountedGt(g) && !(g.area < lo || g.area > hi)) {
      gtOrder.push(j);
      regular++;
    }
  }
  for (let j = 0; j < G; j++) {
    const g = gts[j]!;
    if (!isCountedGt(g) || g.area < lo || g.area > hi) gtOrder.push(j);
  }
  const gtIgnore: number[] = [];
  for (let g = 0; g < G; g++) gtIgnore.push(g >= regular ? 1 : 0);
  const gtMatch: number[] = [];
  for (let i = 0; i < T * G; i++) gtMatch.push(-1);
  // Every detection starts unmatched (dtm = 0): a false positive, or ignored outside the area range
  // (cocoeval.py:269–271, 298–299).
  const base = dtOffset * T;
  for (let d = 0; d < D; d++) {
    const area = dts[d]!.area;
    const code = area < lo || area > hi ? DT_IGNORED : DT_FALSE_POSITIVE;
    for (let at = base + d * T, end = at + T; at < end; at++) codes[at] = code;
  }
  if (G > 0 && D > 0) {
    for (let t = 0; t < T; t++) {
      const floor = MATCH_FLOOR[t]!;
      for (let d = 0; d < D; d++) {
        // below the threshold on every GT: matches nothing (each GT `continue`s at cocoeval.py:286)
        if (bestOks[d]! < floor) continue;
        let best = floor; // cocoeval.py:276
        let m = -1;
        const row = oksOffset + d * G;
        for (let g = 0; g < G; g++) {
          // already matched and not a crowd (cocoeval.py:280)
          if (gtMatch[t * G + g]! >= 0 && !gts[gtOrder[g]!]!.iscrowd) continue;
          // matched to a regular GT and reached the ignored ones (cocoeval.py:283)
          if (m > -1 && gtIgnore[m] === 0 && gtIgnore[g] === 1) break;
          const value = oks[row + gtOrder[g]!]!;
          if (value < best) continue; // cocoeval.py:286 (as there, a NaN OKS is not "<" and matches)
          best = value;
          m = g;
        }
        if (m === -1) continue;
        gtMatch[t * G + m] = d;
        // dtIgnore = gtIg[m] (cocoeval.py:294); dtm = the GT's id (cocoeval.py:295), which counts as a
        // match only when non-zero (cocoeval.py:375): a GT with id 0 leaves the detection "unmatched",
        // so the area rule still applies to it (cocoeval.py:299)
        const at = base + d * T + t;
        if (gtIgnore[m] === 1) codes[at] = DT_IGNORED;
        else if (gts[gtOrder[m]!]!.id !== 0) codes[at] = DT_TRUE_POSITIVE;
      }
    }
  }
  return { gtOrder, gtIgnore, gtMatch };
}

/**
 * evaluate() + accumulate() + summarize() for keypoints (cocoeval.py:121–161, 315–420, 422–493).
 * Throws when the sigmas do not match the keypoint count (numpy would fail to broadcast).
 */
export function evaluateCocoKeypoints(input: CocoKeypointEvalInput): CocoKeypointEvaluation {
  const K = input.sigmas.length;
  for (const p of input.gts) if (p.keypoints.length !== 3 * K) throw new Error(`a person has ${p.keypoints.length / 3} keypoints, the sigmas ${K}`);
  for (const p of input.dts) if (p.keypoints.length !== 3 * K) throw new Error(`a detection has ${p.keypoints.length / 3} keypoints, the sigmas ${K}`);
  // p.imgIds = np.unique(...) (cocoeval.py:134): sorted, duplicates removed
  const imageIds = [...new Set(input.imageIds)].sort((a, b) => a - b);
  // _gts / _dts per image in file order (cocoeval.py:114–117), grouped by a counting sort into flat
  // index arrays (no per-image lists growing push by push: 100,000 detections made that garbage
  // collection a third of the evaluation). Entries of images outside p.imgIds are never evaluated.
  const imageIndex = new Map<number, number>();
  imageIds.forEach((id, i) => imageIndex.set(id, i));
  const gtGroups = groupByImage(input.gts, imageIndex, imageIds.length);
  const dtGroups = groupByImage(input.dts, imageIndex, imageIds.length);

  // images with a GT or a detection; their detections sorted by score, stable, cut to maxDets
  // (cocoeval.py:197–200, 247–248, 259–260)
  const kept: { imageId: number; gts: OksGroundTruth[]; dts: OksDetection[]; dtOffset: number; oksOffset: number }[] = [];
  let N = 0,
    P = 0;
  const scores: number[] = [];
  for (let im = 0; im < imageIds.length; im++) {
    const g0 = gtGroups.start[im]!,
      g1 = gtGroups.start[im + 1]!;
    const d0 = dtGroups.start[im]!,
      d1 = dtGroups.start[im + 1]!;
    if (g0 === g1 && d0 === d1) continue;
    const gts: OksGroundTruth[] = [];
    for (let i = g0; i < g1; i++) gts.push(input.gts[gtGroups.members[i]!]!);
    scores.length = 0;
    for (let i = d0; i < d1; i++) scores.push(input.dts[dtGroups.members[i]!]!.score);
    const order = stableDescendingOrder(scores);
    const dts: OksDetection[] = [];
    for (let i = 0; i < order.length && i < MAX_DETECTIONS; i++) dts.push(input.dts[dtGroups.members[d0 + order[i]!]!]!);
    kept.push({ imageId: imageIds[im]!, gts, dts, dtOffset: N, oksOffset: P });
    N += dts.length;
    P += dts.length * gts.length;
  }
  const oks = new Float64Array(P);
  const dtCodes = AREA_RANGES.map(() => new Uint8Array(N * T));
  const scratch = oksScratch(input.sigmas);
  const bestOks = new Float64Array(MAX_DETECTIONS);
  const images: ImageEvaluation[] = [];
  for (const im of kept) {
    const G = im.gts.length,
      D = im.dts.length;
    computeOksInto(im.gts, im.dts, scratch, oks, im.oksOffset);
    // best OKS per detection (NaN counts as a possible match: Python's `<` is false for it)
    for (let d = 0; d < D; d++) {
      let best = -Infinity;
      for (let g = 0; g < G; g++) {
        const value = oks[im.oksOffset + d * G + g]!;
        if (Number.isNaN(value)) best = Infinity;
        else if (value > best) best = value;
      }
      bestOks[d] = best;
    }
    const areas: ImageAreaEvaluation[] = [];
    for (let a = 0; a < A; a++) areas.push(evaluateImageArea(im.gts, im.dts, oks, im.oksOffset, bestOks, AREA_RANGES[a]!, dtCodes[a]!, im.dtOffset));
    images.push({ imageId: im.imageId, gts: im.gts, dts: im.dts, dtOffset: im.dtOffset, oksOffset: im.oksOffset, areas });
  }
  const { precision, recall } = accumulate(images, dtCodes, N);
  return { stats: summarize(precision, recall), images, oks, dtCodes, precision, recall };
}

/** Indices of `items` grouped by image (file order within each): members[start[i] … start[i+1]). */
function groupByImage(
  items: readonly { readonly imageId: number }[],
  imageIndex: ReadonlyMap<number, number>,
  images: number,
): { start: Int32Array; members: Int32Array } {
  const slot = new Int32Array(items.length);
  const start = new Int32Array(images + 1);
  for (let i = 0; i < items.length; i++) {
    const at = imageIndex.get(items[i]!.imageId);
    slot[i] = at === undefined ? -1 : at;
    if (at !== undefined) start[at + 1]!++;
  }
  for (let i = 0; i < images; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, images);
  const members = new Int32Array(start[images]!);
  for (let i = 0; i < items.length; i++) {
    const at = slot[i]!;
    if (at >= 0) members[fill[at]!++] = i;
  }
  return { start, members };
}

/** accumulate() for K = M = 1 (cocoeval.py:315–420). */
function accumulate(images: readonly ImageEvaluation[], dtCodes: readonly Uint8Array[], N: number): { precision: Float64Array; recall: Float64Array } {
  const precision = new Float64Array(T * R * A).fill(-1);
  const recall = new Float64Array(T * A).fill(-1);
  if (images.length === 0) return { precision, recall }; // E empty (cocoeval.py:360–361)
  // dtScores concatenated over images (already sorted and cut per image, cocoeval.py:362), then one
  // stable argsort of −score (cocoeval.py:366). The same for every area range: only dtIgnore differs.
  const scores = new Float64Array(N);
  for (const im of images) for (let d = 0; d < im.dts.length; d++) scores[im.dtOffset + d] = im.dts[d]!.score;
  const order = stableDescendingOrder(scores);
  const rc = new Float64Array(N);
  const pr = new Float64Array(N);
  const sorted = new Uint8Array(T * N);
  for (let a = 0; a < A; a++) {
    let npig = 0; // count of non-ignored GT (cocoeval.py:371–372)
    for (const im of images) {
      const ig = im.areas[a]!.gtIgnore;
      for (let g = 0; g < ig.length; g++) if (ig[g] === 0) npig++;
    }
    if (npig === 0) continue; // cocoeval.py:373–374
    // dtm / dtIg in score order (cocoeval.py:369–370), as [T × N] rows
    const codes = dtCodes[a]!;
    for (let s = 0; s < N; s++) {
      const from = order[s]! * T;
      for (let t = 0; t < T; t++) sorted[t * N + s] = codes[from + t]!;
    }
    for (let t = 0; t < T; t++) {
      // tp/fp cumsums (cocoeval.py:378–379): integer counts, exact in float64
      let tp = 0,
        fp = 0;
      const base = t * N;
      for (let s = 0; s < N; s++) {
        const code = sorted[base + s]!;
        if (code === 1) tp++;
        else if (code === 2) fp++;
        rc[s] = tp / npig; // cocoeval.py:384
        pr[s] = tp / (fp + tp + EPS); // cocoeval.py:385: (fp + tp) + spacing(1)
      }
      recall[t * A + a] = N > 0 ? rc[N - 1]! : 0; // cocoeval.py:389–392
      // precision envelope, right to left (cocoeval.py:398–400)
      for (let i = N - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
      // q[ri] = pr[searchsorted(rc, recThr, 'left')]; the first index past the end raises IndexError,
      // which leaves the rest of q at 0 (cocoeval.py:402–408)
      let lowFrom = 0;
      for (let r = 0; r < R; r++) {
        const pi = searchsortedLeft(rc, N, RECALL_THRESHOLDS[r]!, lowFrom);
        lowFrom = pi;
        precision[(t * R + r) * A + a] = pi < N ? pr[pi]! : 0;
      }
    }
  }
  return { precision, recall };
}

/** First index i in [from, n) with rc[i] >= value (rc non-decreasing): np.searchsorted side='left'. */
function searchsortedLeft(rc: Float64Array, n: number, value: number, from: number): number {
  let lo = from,
    hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rc[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** _summarizeKps (cocoeval.py:473–485) over _summarize (cocoeval.py:427–457). */
// s[s > -1] in C order (t, r), then np.mean: numpy's pairwise sum / count (cocoeval.py:452–455)
function meanOfValid(values: number[]): number {
  const valid = values.filter((v) => v > -1);
  return valid.length === 0 ? -1 : numpySum(valid) / valid.length;
}

/** _summarize's AP for area range `a` over every threshold (t null) or one (cocoeval.py:438–455). */
function apOf(precision: Float64Array, a: number, t: number | null): number {
  const values: number[] = [];
  for (let ti = 0; ti < T; ti++) {
    if (t !== null && ti !== t) continue;
    for (let r = 0; r < R; r++) values.push(precision[(ti * R + r) * A + a]!);
  }
  return meanOfValid(values);
}

/** AP (area all) at each OKS threshold of OKS_THRESHOLDS, as AP50 / AP75 are at theirs; −1 where no GT counts. */
export function apPerThreshold(evaluation: Pick<CocoKeypointEvaluation, 'precision'>): number[] {
  return Array.from(OKS_THRESHOLDS, (_, t) => apOf(evaluation.precision, 0, t));
}

/** The interpolated precision at the 101 recall points (area all) at threshold index t (accumulate's q, cocoeval.py:404–413). */
export function precisionCurve(evaluation: Pick<CocoKeypointEvaluation, 'precision'>, t: number): number[] {
  return Array.from(RECALL_THRESHOLDS, (_, r) => evaluation.precision[(t * R + r) * A + 0]!);
}

function summarize(precision: Float64Array, recall: Float64Array): CocoKeypointStats {
  const ap = (a: number, t: number | null): number => apOf(precision, a, t);
  const ar = (a: number, t: number | null): number => {
    const values: number[] = [];
    for (let ti = 0; ti < T; ti++) if (t === null || ti === t) values.push(recall[ti * A + a]!);
    return meanOfValid(values);
  };
  // np.where(iouThr == p.iouThrs) (cocoeval.py:442): .5 and .75 are exact members of the linspace
  const t50 = OKS_THRESHOLDS.indexOf(0.5);
  const t75 = OKS_THRESHOLDS.indexOf(0.75);
  return {
    AP: ap(0, null),
    AP50: ap(0, t50),
    AP75: ap(0, t75),
    APm: ap(1, null),
    APl: ap(2, null),
    AR: ar(0, null),
    AR50: ar(0, t50),
    AR75: ar(0, t75),
    ARm: ar(1, null),
    ARl: ar(2, null),
  };
}
