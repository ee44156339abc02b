/**
 * The PCKh threshold sweep `rng = np.arange(0, 0.5 + 0.01, 0.01)` (spec §2 step 9, §3 item 4) and the
 * area under the resulting PCKh(t) curve.
 */

/**
 * `np.arange(start, stop, step)` for float64, value for value.
 *
 * numpy computes the length as ceil((stop - start) / step), stores buffer[0] = start and
 * buffer[1] = start + step, then its `DOUBLE_fill` sets delta = buffer[1] - buffer[0] and
 * buffer[i] = start + i * delta for i >= 2. So the values are `i * 0.01`, not the decimal literals:
 * e.g. element 35 is 0.35000000000000003, while element 10 is exactly the double 0.1 (spec §2 step 9).
 */
export function numpyArange(start: number, stop: number, step: number): Float64Array {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const values = new Float64Array(length);
  if (length === 0) return values;
  values[0] = start;
  if (length === 1) return values;
  const second = start + step;
  values[1] = second;
  const delta = second - start;
  for (let i = 2; i < length; i++) values[i] = start + i * delta;
  return values;
}

/** The 51 sweep thresholds 0, 0.01, ..., 0.5 exactly as mmpose's numpy produces them. */
export const PCKH_SWEEP_THRESHOLDS: Float64Array = numpyArange(0, 0.5 + 0.01, 0.01);

export const PCKH_SWEEP_LENGTH = PCKH_SWEEP_THRESHOLDS.length;

/** `pckAll[10]`: threshold 0.1, the one mmpose ≥ v0.17 reports as `PCKh@0.1` (spec §0 item 4, §2.4). */
export const PCKH_AT_01_SWEEP_INDEX = 10;

/** The hit comparison: 0.x uses `<=`, 1.x uses `<` (spec §0 item 2). */
export type ThresholdComparison = 'inclusive' | 'strict';

/**
 * Index of the first sweep threshold that `value` passes; the value then passes every later one too,
 * since the thresholds increase. Returns PCKH_SWEEP_LENGTH when it passes none (including NaN).
 * The comparison is done in float64 against the exact numpy thresholds.
 */
export function firstPassedThresholdIndex(value: number, comparison: ThresholdComparison): number {
  const t = PCKH_SWEEP_THRESHOLDS;
  const last = PCKH_SWEEP_LENGTH - 1;
  if (comparison === 'inclusive') {
    if (!(value <= t[last]!)) return PCKH_SWEEP_LENGTH;
    // Start from the nearest guess (thresholds are ~k/100), then correct by at most a step or two.
    let k = Math.ceil(value * 100);
    if (!(k > 0)) k = 0; // also turns -0 into 0
    if (k > last) k = last;
    while (k > 0 && value <= t[k - 1]!) k--;
    while (k <= last && !(value <= t[k]!)) k++;
    return k;
  }
  if (!(value < t[last]!)) return PCKH_SWEEP_LENGTH;
  let k = Math.floor(value * 100) + 1;
  if (!(k > 0)) k = 0;
  if (k > last) k = last;
  while (k > 0 && value < t[k - 1]!) k--;
  while (k <= last && !(value < t[k]!)) k++;
  return k;
}

/**
 * Area under a PCKh(t) curve sampled at PCKH_SWEEP_THRESHOLDS, normalised to percent.
 *
 * Definition (ours; mmpose reports no AUC for MPII): trapezoidal rule over the 51 numpy thresholds,
 * using their exact float64 spacing, divided by the span t[50] - t[0] (= 0.5). With the curve in percent
 * the result is in percent: 100 means every joint was within 0 of its GT at every threshold.
 * Returns NaN when any sample is NaN (a value that is not computable).
 */
export function sweepAreaUnderCurve(curve: ArrayLike<number>, offset = 0, stride = 1): number {
  const t = PCKH_SWEEP_THRESHOLDS;
  let area = 0;
  let previous = curve[offset]!;
  for (let r = 1; r < PCKH_SWEEP_LENGTH; r++) {
    const current = curve[offset + r * stride]!;
    area += (t[r]! - t[r - 1]!) * (previous + current) * 0.5;
    previous = current;
  }
  return area / (t[PCKH_SWEEP_LENGTH - 1]! - t[0]!);
}
