/**
 * The argmax every decoder takes (heatmap planes, SimCC vectors): the first index of the largest
 * value, ties to the lowest index as numpy's argmax (spec §5.3 step 1, §5.6). A NaN never wins over a
 * number — a leading NaN is replaced by the first number after it — so a row with a stray NaN still
 * gives its peak; a row of NaNs only gives index 0 with NaN, which the callers score as missing.
 */
export function firstArgmax(values: Float32Array, offset: number, length: number): [index: number, max: number] {
  let best = 0;
  let bestValue = values[offset]!;
  for (let i = 1; i < length; i++) {
    const v = values[offset + i]!;
    if (v > bestValue || (bestValue !== bestValue && v === v)) {
      best = i;
      bestValue = v;
    }
  }
  return [best, bestValue];
}
