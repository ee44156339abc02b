/**
 * mmpose's OKS-NMS, as its CocoMetric runs it on every image's top-down results
 * (`nms_mode='oks_nms'`, `nms_thr=0.9`, `sigmas=dataset_meta['sigmas']`, vis_thr None:
 * mmpose/evaluation/metrics/coco_metric.py:476–485 at mmpose 1.3.2), following
 * mmpose/evaluation/functional/nms.py `oks_iou` (lines 63–114) and `oks_nms` (116–165):
 *
 *   order = scores.argsort()[::-1]
 *   while order: i = order[0]; keep i; ious = oks_iou(kpts[i], kpts[order[1:]], areas[i], areas[order[1:]])
 *                order = order[1:][ious <= thr]
 *
 *   oks_iou: vars = (2σ)²; e = (dx² + dy²) / vars / ((a_g + a_d)/2 + np.spacing(1)) / 2 over all K
 *            keypoints (or those with both scores > vis_thr); iou = Σ exp(−e) / len(e), 0 when none;
 *            stored in a float32 array (`np.zeros(len(d), dtype=np.float32)`).
 *
 * Numbers: the arithmetic is float64 as numpy does it on float64 inputs — the same operation order,
 * and numpy's pairwise summation for Σ exp(−e) — then each OKS is rounded to float32 as mmpose stores
 * it, and compared `<= thr` with thr as float32 (numpy compares a float32 array with a Python float in
 * float32). mmpose's own inputs are float32 arrays (keypoints, areas, σ), so its intermediate values
 * are float32: OKS values agree to ~1e-7, and only an OKS within that of the threshold could be
 * decided differently.
 *
 * Order: `argsort()[::-1]` — numpy's default (unstable) sort of the scores, reversed. Equal scores
 * are ordered by platform: numpy's generic introsort (older numpy, CPUs without AVX2/AVX-512) sorts up
 * to 16 items by insertion, i.e. stably, so ties come out LATER INSTANCE FIRST; numpy ≥ 1.25 on
 * AVX-512 (2.x also on AVX2) CPUs sorts with x86-simd-sort, whose order of ties depends on the data.
 * posebench always uses the first rule (later instance first among equal scores). The kept indices are
 * returned in keep order (descending score), as mmpose returns them and then lists the image's
 * results (coco_metric.py:485).
 */

export interface OksNmsInstance {
  /** x, y, score per keypoint (3·K values), in image pixels. */
  readonly keypoints: ArrayLike<number>;
  /** mmpose passes the crop's area: prod(bbox_scale) (coco_metric.py:242–244). */
  readonly area: number;
  readonly score: number;
}

/** mmpose CocoMetric's default `nms_thr`. */
export const OKS_NMS_THRESHOLD = 0.9;

/** np.spacing(1). */
const SPACING_1 = Number.EPSILON;

/** numpy's pairwise sum of a contiguous float64 array (numpy/_core/src/umath/loops_utils.h.src `pairwise_sum`). */
export function numpyPairwiseSum(a: ArrayLike<number>, start = 0, n = a.length): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[start]!,
      r1 = a[start + 1]!,
      r2 = a[start + 2]!,
      r3 = a[start + 3]!,
      r4 = a[start + 4]!,
      r5 = a[start + 5]!,
      r6 = a[start + 6]!,
      r7 = a[start + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const b = start + i;
      r0 += a[b]!;
      r1 += a[b + 1]!;
      r2 += a[b + 2]!;
      r3 += a[b + 3]!;
      r4 += a[b + 4]!;
      r5 += a[b + 5]!;
      r6 += a[b + 6]!;
      r7 += a[b + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpyPairwiseSum(a, start, n2) + numpyPairwiseSum(a, start + n2, n - n2);
}

/**
 * `oks_iou(g, d, a_g, a_d, sigmas, vis_thr)` for one pair, rounded to float32 as mmpose stores it.
 * `e` is a scratch array of at least K values.
 */
export function oksIou(
  g: ArrayLike<number>,
  d: ArrayLike<number>,
  areaG: number,
  areaD: number,
  sigmas: ArrayLike<number>,
  visThr: number | null = null,
  e: Float64Array = new Float64Array(sigmas.length),
): number {
  return oksIouWithVars(g, d, areaG, areaD, keypointVars(sigmas), visThr, e);
}

/** vars = (sigmas * 2)**2. */
function keypointVars(sigmas: ArrayLike<number>): Float64Array {
  return Float64Array.from(sigmas, (s) => s * 2 * (s * 2));
}

function oksIouWithVars(
  g: ArrayLike<number>,
  d: ArrayLike<number>,
  areaG: number,
  areaD: number,
  vars: Float64Array,
  visThr: number | null,
  e: Float64Array,
  retainBelow: number = -Infinity,
): number {
  const K = vars.length;
  const denominator = (areaG + areaD) / 2 + SPACING_1;
  let n = 0,
    partial = 0;
  for (let k = 0; k < K; k++) {
    if (visThr !== null && !(g[3 * k + 2]! > visThr && d[3 * k + 2]! > visThr)) continue;
    const dx = d[3 * k]! - g[3 * k]!;
    const dy = d[3 * k + 1]! - g[3 * k + 1]!;
    // np.exp(-e) over the whole (kept) array, then np.sum
    const v = Math.exp(-((dx * dx + dy * dy) / vars[k]! / denominator / 2));
    e[n++] = v;
    // a shortcut that cannot change the answer: every term is ≤ 1, so once even K − k more ones
    // could not lift the mean to the threshold (with a margin far above rounding), it is retained
    partial += v;
    if (visThr === null && partial + (K - 1 - k) <= retainBelow) return -1;
  }
  return n === 0 ? 0 : Math.fround(numpyPairwiseSum(e, 0, n) / n);
}

/**
 * Indices (into `instances`) that OKS-NMS keeps, in keep order. `sigmas` has one σ per keypoint
 * (the dataset category's); `visThr` null uses every keypoint, as CocoMetric does.
 */
export function oksNms(
  instances: readonly OksNmsInstance[],
  sigmas: ArrayLike<number>,
  thr: number = OKS_NMS_THRESHOLD,
  visThr: number | null = null,
): number[] {
  const n = instances.length;
  if (n === 0) return [];
  for (const inst of instances) {
    if (inst.keypoints.length !== 3 * sigmas.length) throw new RangeError(`oksNms: ${inst.keypoints.length} keypoint values for ${sigmas.length} sigmas`);
  }
  // argsort ascending with equal scores in index order (insertion sort), reversed
  let order = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => instances[a]!.score - instances[b]!.score || a - b)
    .reverse();
  const limit = Math.fround(thr);
  const scratch = new Float64Array(sigmas.length);
  const vars = keypointVars(sigmas);
  // sums this far below K·thr give a float32 mean ≤ thr whatever the summation order
  const retainBelow = visThr === null ? sigmas.length * limit - 1e-6 * sigmas.length : -Infinity;
  const keep: number[] = [];
  while (order.length > 0) {
    const i = order[0]!;
    keep.push(i);
    const g = instances[i]!;
    const rest: number[] = [];
    for (let j = 1; j < order.length; j++) {
      const d = instances[order[j]!]!;
      if (oksIouWithVars(g.keypoints, d.keypoints, g.area, d.area, vars, visThr, scratch, retainBelow) <= limit) rest.push(order[j]!);
    }
    order = rest;
  }
  return keep;
}
