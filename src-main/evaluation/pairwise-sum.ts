/**
 * numpy's float64 `add.reduce` (what `np.sum` does on a contiguous 1-D float64 array), bit for bit.
 *
 * Why this exists: mmpose's Mean (`np.sum(PCKh * jnt_ratio)`) is summed by numpy's pairwise summation,
 * not left to right; the two differ in the last bits in about half of all cases
 * (spec ../shared/specs/mmpose-mpii.md §2.1).
 *
 * numpy (`numpy/_core/src/umath/loops_utils.h.src`, `pairwise_sum`):
 *   - n < 8: a plain left-to-right loop starting from 0.;
 *   - n <= 128 (PW_BLOCKSIZE): eight accumulators r[k] = a[k], then r[k] += a[i + k] for each full
 *     block of 8, combined as ((r0+r1)+(r2+r3)) + ((r4+r5)+(r6+r7)), then the remainder left to right;
 *   - larger n: split at n2 = (n / 2) rounded down to a multiple of 8, and recurse on both halves.
 * The reduction itself starts from the add identity 0.0 and adds the pairwise result to it.
 */

const PAIRWISE_BLOCK_SIZE = 128;

/** numpy's `pairwise_sum` over `count` values of `values` starting at `offset` (contiguous). */
export function numpyPairwiseSum(values: ArrayLike<number>, offset: number, count: number): number {
  if (count < 8) {
    let result = 0;
    for (let i = 0; i < count; i++) result += values[offset + i]!;
    return result;
  }
  if (count <= PAIRWISE_BLOCK_SIZE) {
    let r0 = values[offset]!;
    let r1 = values[offset + 1]!;
    let r2 = values[offset + 2]!;
    let r3 = values[offset + 3]!;
    let r4 = values[offset + 4]!;
    let r5 = values[offset + 5]!;
    let r6 = values[offset + 6]!;
    let r7 = values[offset + 7]!;
    const blockEnd = count - (count % 8);
    let i = 8;
    for (; i < blockEnd; i += 8) {
      const base = offset + i;
      r0 += values[base]!;
      r1 += values[base + 1]!;
      r2 += values[base + 2]!;
      r3 += values[base + 3]!;
      r4 += values[base + 4]!;
      r5 += values[base + 5]!;
      r6 += values[base + 6]!;
      r7 += values[base + 7]!;
    }
    let result = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < count; i++) result += values[offset + i]!;
    return result;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return numpyPairwiseSum(values, offset, half) + numpyPairwiseSum(values, offset + half, count - half);
}

/** `np.sum(values)` for a contiguous float64 array: 0.0 (the identity) + pairwise sum. */
export function numpySum(values: ArrayLike<number>): number {
  return 0 + numpyPairwiseSum(values, 0, values.length);
}
