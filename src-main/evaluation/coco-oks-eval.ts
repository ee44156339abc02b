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
import { numpySum } from './pairwise-sum.ts';

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

export const COCO_STAT_NAMES = ['AP', 'AP50', 'AP75', 'APm', 'APl', 'AR', 'AR50', 'AR75', 'ARm', 'ARl'] as const;
export type CocoStatName = (typeof COCO_STAT_NAMES)[number];
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
      let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (let i = 0; i + 1 < k.length; i += 3) {
        const x = k[i]!, y = k[i + 1]!;
        // np.min / np.max propagate NaN (coco.py:356)
        if (Number.isNaN(x)) x0 = x1 = NaN;
        if (Number.isNaN(y)) y0 = y1 = NaN;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
      area = (x1 - x0) * (y1 - y0);
    }
    return { id: index + 1, imageId: r.imageId, keypoints: r.keypoints, score: r.score, area };
  });
}

/**
 * Indices 0..n−1 ordered by descending `keyOf(i)`, equal keys keeping their order: numpy's
 * `argsort(-x, kind='mergesort')` (stable; cocoeval.py:197, 259, 366). JS's sort is stable (ES2019).
 */
export function stableDescendingOrder(n: number, keyOf: (i: number) => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    const ka = keyOf(a), kb = keyOf(b);
    return kb > ka ? 1 : kb < ka ? -1 : 0;
  });
  return order;
}

/**
 * OKS of every (detection, GT) pair of one image: cocoeval.py:192–233. `dts` already sorted by score
 * and cut to maxDets. Row-major [D × G].
 */
export function computeOks(gts: readonly OksGroundTruth[], dts: readonly OksDetection[], sigmas: ArrayLike<number>): Float64Array {
  const K = sigmas.length;
  const G = gts.length, D = dts.length;
  const ious = new Float64Array(D * G);
  if (G === 0 || D === 0) return ious;
  // vars = (sigmas * 2)**2 (cocoeval.py:206); numpy squares by multiplication.
  const vars = new Float64Array(K);
  for (let k = 0; k < K; k++) { const s2 = sigmas[k]! * 2; vars[k] = s2 * s2; }
  const e = new Float64Array(K);
  const terms = new Float64Array(K);
  for (let j = 0; j < G; j++) {
    const gt = gts[j]!;
    const g = gt.keypoints;
    let k1 = 0;
    for (let k = 0; k < K; k++) if (g[3 * k + 2]! > 0) k1++; // cocoeval.py:213
    const bb = gt.bbox;
    // the ignore region: the GT box doubled on each side (cocoeval.py:215–216)
    const x0 = bb[0] - bb[2], x1 = bb[0] + bb[2] * 2;
    const y0 = bb[1] - bb[3], y1 = bb[1] + bb[3] * 2;
    const scale = gt.area + EPS; // (gt['area'] + np.spacing(1)), cocoeval.py:229
    for (let i = 0; i < D; i++) {
      const d = dts[i]!.keypoints;
      for (let k = 0; k < K; k++) {
        const xd = d[3 * k]!, yd = d[3 * k + 1]!;
        let dx: number, dy: number;
        if (k1 > 0) {
          dx = xd - g[3 * k]!; // cocoeval.py:222–223
          dy = yd - g[3 * k + 1]!;
        } else {
          // distance to the region outside [x0, x1] × [y0, y1] (cocoeval.py:226–228)
          dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
          dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
        }
        // e = (dx**2 + dy**2) / vars / (area + eps) / 2, left to right (cocoeval.py:229)
        e[k] = (dx * dx + dy * dy) / vars[k]! / scale / 2;
      }
      // keep labelled keypoints only when there are any (cocoeval.py:230–231), then
      // np.sum(np.exp(-e)) / e.shape[0] (cocoeval.py:232): numpy's pairwise sum.
      let n = 0;
      for (let k = 0; k < K; k++) if (k1 === 0 || g[3 * k + 2]! > 0) terms[n++] = Math.exp(-e[k]!);
      ious[i * G + j] = numpySum(terms.subarray(0, n)) / n;
    }
  }
  return ious;
}

/** One image's evaluation for one area range (evaluateImg's dict, cocoeval.py:301–313). */
export interface ImageAreaEvaluation {
  /** GT indices (into the image's GT list, file order) in the order evaluateImg sorted them (ignored last). */
  readonly gtOrder: readonly number[];
  /** Per GT in gtOrder: ignored in this area range (cocoeval.py:250–254). */
  readonly gtIgnore: Uint8Array;
  /** [T × D]: matched GT's position in gtOrder, or −1 (the dtMatches, as positions). */
  readonly dtMatch: Int32Array;
  /** [T × G]: matched detection's index (into the image's sorted detections), or −1. */
  readonly gtMatch: Int32Array;
  /** [T × D]: the final dtIgnore (cocoeval.py:294, 298–299). */
  readonly dtIgnore: Uint8Array;
  /** [T × D]: whether pycocotools counts this detection as matched (dtm ≠ 0: a GT with id 0 does not count). */
  readonly dtMatched: Uint8Array;
}

/** One image's inputs and results. */
export interface ImageEvaluation {
  readonly imageId: number;
  /** The image's GT persons, file order. */
  readonly gts: readonly OksGroundTruth[];
  /** The image's detections sorted by score (stable), cut to maxDets. */
  readonly dts: readonly OksDetection[];
  /** [D × G] OKS, G in file order. */
  readonly oks: Float64Array;
  /** Per area range (all, medium, large). */
  readonly areas: readonly ImageAreaEvaluation[];
}

export interface CocoKeypointEvaluation {
  readonly stats: CocoKeypointStats;
  /** Images with a GT or a detection (evaluateImg returns None for the others, cocoeval.py:247–248). */
  readonly images: readonly ImageEvaluation[];
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

/** evaluateImg (cocoeval.py:235–313) for one area range. */
function evaluateImageArea(gts: readonly OksGroundTruth[], dts: readonly OksDetection[], oks: Float64Array, range: readonly [number, number]): ImageAreaEvaluation {
  const G = gts.length, D = dts.length;
  const [lo, hi] = range;
  // ignore flag (cocoeval.py:107–111) and area range (cocoeval.py:250–254)
  const ignoreOf = gts.map((g) => (g.iscrowd || g.numKeypoints === 0 || g.area < lo || g.area > hi ? 1 : 0));
  // gt sorted ignore last, stably (cocoeval.py:257)
  const gtOrder: number[] = [];
  for (let j = 0; j < G; j++) if (ignoreOf[j] === 0) gtOrder.push(j);
  for (let j = 0; j < G; j++) if (ignoreOf[j] === 1) gtOrder.push(j);
  const gtIgnore = Uint8Array.from(gtOrder, (j) => ignoreOf[j]!);
  const crowd = Uint8Array.from(gtOrder, (j) => (gts[j]!.iscrowd ? 1 : 0));
  const dtMatch = new Int32Array(T * D).fill(-1);
  const gtMatch = new Int32Array(T * G).fill(-1);
  const dtIgnore = new Uint8Array(T * D);
  const dtMatched = new Uint8Array(T * D);
  if (G > 0 && D > 0) {
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        let best = Math.min(OKS_THRESHOLDS[t]!, 1 - 1e-10); // cocoeval.py:276
        let m = -1;
        for (let g = 0; g < G; g++) {
          // already matched and not a crowd (cocoeval.py:280)
          if (gtMatch[t * G + g]! >= 0 && crowd[g] === 0) continue;
          // matched to a regular GT and reached the ignored ones (cocoeval.py:283)
          if (m > -1 && gtIgnore[m] === 0 && gtIgnore[g] === 1) break;
          const value = oks[d * G + gtOrder[g]!]!;
          if (value < best) continue; // cocoeval.py:286 (as there, a NaN OKS is not "<" and matches)
          best = value;
          m = g;
        }
        if (m === -1) continue;
        dtIgnore[t * D + d] = gtIgnore[m]!; // cocoeval.py:294
        dtMatch[t * D + d] = m;
        dtMatched[t * D + d] = gts[gtOrder[m]!]!.id !== 0 ? 1 : 0; // dtm = gt id (cocoeval.py:295)
        gtMatch[t * G + m] = d;
      }
    }
  }
  // unmatched detections outside the area range are ignored (cocoeval.py:298–299)
  for (let d = 0; d < D; d++) {
    const area = dts[d]!.area;
    if (area < lo || area > hi) for (let t = 0; t < T; t++) if (dtMatched[t * D + d] === 0) dtIgnore[t * D + d] = 1;
  }
  return { gtOrder, gtIgnore, dtMatch, gtMatch, dtIgnore, dtMatched };
}

/**
 * evaluate() + accumulate() + summarize() for keypoints (cocoeval.py:121–161, 315–420, 422–493).
 * Throws when the sigmas do not match the keypoint count (numpy would fail to broadcast).
 */
export function evaluateCocoKeypoints(input: CocoKeypointEvalInput): CocoKeypointEvaluation {
  const K = input.sigmas.length;
  for (const p of [...input.gts, ...input.dts]) {
    if (p.keypoints.length !== 3 * K) throw new Error(`a person has ${p.keypoints.length / 3} keypoints, the sigmas ${K}`);
  }
  // p.imgIds = np.unique(...) (cocoeval.py:134): sorted, duplicates removed
  const imageIds = [...new Set(input.imageIds)].sort((a, b) => a - b);
  const gtsOf = new Map<number, OksGroundTruth[]>();
  const dtsOf = new Map<number, OksDetection[]>();
  for (const g of input.gts) pushTo(gtsOf, g.imageId, g);
  for (const d of input.dts) pushTo(dtsOf, d.imageId, d);

  const images: ImageEvaluation[] = [];
  for (const imageId of imageIds) {
    const gts = gtsOf.get(imageId) ?? [];
    const all = dtsOf.get(imageId) ?? [];
    if (gts.length === 0 && all.length === 0) continue; // evaluateImg → None (cocoeval.py:247–248)
    // sorted by score, stable, cut to maxDets (cocoeval.py:197–200, 259–260)
    const order = stableDescendingOrder(all.length, (i) => all[i]!.score);
    const dts = order.slice(0, MAX_DETECTIONS).map((i) => all[i]!);
    const oks = computeOks(gts, dts, input.sigmas);
    const areas = AREA_RANGES.map((range) => evaluateImageArea(gts, dts, oks, range));
    images.push({ imageId, gts, dts, oks, areas });
  }
  const { precision, recall } = accumulate(images);
  return { stats: summarize(precision, recall), images, precision, recall };
}

function pushTo<V>(map: Map<number, V[]>, key: number, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** accumulate() for K = M = 1 (cocoeval.py:315–420). */
function accumulate(images: readonly ImageEvaluation[]): { precision: Float64Array; recall: Float64Array } {
  const precision = new Float64Array(T * R * A).fill(-1);
  const recall = new Float64Array(T * A).fill(-1);
  if (images.length === 0) return { precision, recall }; // E empty (cocoeval.py:360–361)
  // dtScores concatenated over images (already sorted and cut per image, cocoeval.py:362), then one
  // stable argsort of −score (cocoeval.py:366). The same for every area range: only dtIgnore differs.
  const N = images.reduce((n, im) => n + im.dts.length, 0);
  const scores = new Float64Array(N);
  const imageOf = new Int32Array(N);
  const indexIn = new Int32Array(N);
  let n = 0;
  images.forEach((im, ii) => {
    im.dts.forEach((d, di) => {
      scores[n] = d.score;
      imageOf[n] = ii;
      indexIn[n] = di;
      n++;
    });
  });
  const order = stableDescendingOrder(N, (i) => scores[i]!);
  const rc = new Float64Array(N);
  const pr = new Float64Array(N);
  for (let a = 0; a < A; a++) {
    let npig = 0; // count of non-ignored GT (cocoeval.py:371–372)
    for (const im of images) {
      const ig = im.areas[a]!.gtIgnore;
      for (let g = 0; g < ig.length; g++) if (ig[g] === 0) npig++;
    }
    if (npig === 0) continue; // cocoeval.py:373–374
    for (let t = 0; t < T; t++) {
      // tp/fp cumsums in sorted order (cocoeval.py:375–379): integer counts, exact in float64
      let tp = 0, fp = 0;
      for (let s = 0; s < N; s++) {
        const i = order[s]!;
        const ev = images[imageOf[i]!]!.areas[a]!;
        const D = images[imageOf[i]!]!.dts.length;
        const at = t * D + indexIn[i]!;
        if (ev.dtIgnore[at] === 0) {
          if (ev.dtMatched[at] === 1) tp++;
          else fp++;
        }
        rc[s] = tp / npig; // cocoeval.py:384
        pr[s] = tp / (fp + tp + EPS); // cocoeval.py:385: (fp + tp) + spacing(1)
      }
      recall[t * A + a] = N > 0 ? rc[N - 1]! : 0; // cocoeval.py:389–392
      // precision envelope, right to left (cocoeval.py:398–400)
      for (let i = N - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
      // q[ri] = pr[searchsorted(rc, recThr, 'left')], zeros past the end (cocoeval.py:402–408)
      let lowFrom = 0;
      for (let r = 0; r < R; r++) {
        const pi = searchsortedLeft(rc, N, RECALL_THRESHOLDS[r]!, lowFrom);
        lowFrom = pi;
        precision[(t * R + r) * A + a] = pi < N ? pr[pi]! : 0;
        if (pi >= N) {
          // the IndexError stops the loop; the rest of q stays 0
          for (let r2 = r + 1; r2 < R; r2++) precision[(t * R + r2) * A + a] = 0;
          break;
        }
      }
    }
  }
  return { precision, recall };
}

/** First index i in [from, n) with rc[i] >= value (rc non-decreasing): np.searchsorted side='left'. */
function searchsortedLeft(rc: Float64Array, n: number, value: number, from: number): number {
  let lo = from, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rc[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** _summarizeKps (cocoeval.py:473–485) over _summarize (cocoeval.py:427–457). */
function summarize(precision: Float64Array, recall: Float64Array): CocoKeypointStats {
  // s[s > -1] in C order (t, r), then np.mean: numpy's pairwise sum / count (cocoeval.py:452–455)
  const meanOfValid = (values: number[]): number => {
    const valid = values.filter((v) => v > -1);
    return valid.length === 0 ? -1 : numpySum(valid) / valid.length;
  };
  const ap = (a: number, t: number | null): number => {
    const values: number[] = [];
    for (let ti = 0; ti < T; ti++) {
      if (t !== null && ti !== t) continue;
      for (let r = 0; r < R; r++) values.push(precision[(ti * R + r) * A + a]!);
    }
    return meanOfValid(values);
  };
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
