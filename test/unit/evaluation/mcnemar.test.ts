/** McNemar's exact test and Holm's correction (src-main/evaluation/mcnemar.ts) against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { MPII_JOINT_COUNT } from '../../../src-main/core/joints.ts';
import { columnTests, holmAdjust, mcnemarExactP, mcnemarOverJoints, meanJoints } from '../../../src-main/evaluation/mcnemar.ts';
import { COUNTED, EVALUATED, HIT_01, HIT_05, type PersonJointOutcomes } from '../../../src-main/evaluation/person-tallies.ts';

const J = MPII_JOINT_COUNT;

/** C(n, k) exactly, with BigInt. */
function choose(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** 2·Σ_{k ≤ min(b,c)} C(b+c, k) / 2^(b+c), capped at 1: the sum exact, then its top 64 bits scaled by a power of 2. */
function byHand(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let sum = 0n;
  for (let k = 0; k <= Math.min(b, c); k++) sum += choose(n, k);
  const shift = Math.max(0, sum.toString(2).length - 64);
  const mantissa = Number(sum >> BigInt(shift));
  return Math.min(1, 2 * mantissa * 2 ** (shift - n));
}

describe('mcnemarExactP', () => {
  it('b = 3, c = 10: p = 2·Σ_{k≤3} C(13,k)/2^13 = 2·378/8192 = 0.0922851…', () => {
    const expected = (2 * (1 + 13 + 78 + 286)) / 8192;
    expect(expected).toBeCloseTo(0.09228515625, 15);
    expect(mcnemarExactP(3, 10)).toBeCloseTo(expected, 14);
    expect(mcnemarExactP(10, 3)).toBeCloseTo(expected, 14);
  });

  it('b = c gives p = 1 (the two tails overlap at the centre, capped)', () => {
    for (const k of [1, 5, 40, 700]) expect(mcnemarExactP(k, k)).toBe(1);
  });

  it('b + c = 0 (no discordant pair) gives p = 1', () => {
    expect(mcnemarExactP(0, 0)).toBe(1);
  });

  it('agrees with exact integer arithmetic on small and large counts', () => {
    for (const [b, c] of [
      [0, 1],
      [0, 6],
      [1, 9],
      [7, 19],
      [25, 45],
      [120, 160],
      [400, 520],
      [1500, 1650],
    ] as const) {
      const expected = byHand(b, c);
      const actual = mcnemarExactP(b, c);
      expect(Math.abs(actual - expected) / expected, `b=${b} c=${c}: ${actual} vs ${expected}`).toBeLessThan(1e-10);
    }
  });

  it('does not underflow for thousands of discordant pairs', () => {
    const p = mcnemarExactP(2000, 2600);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-15);
    expect(Math.abs(p - byHand(2000, 2600)) / p).toBeLessThan(1e-9);
  });

  it('rejects negative or fractional counts', () => {
    expect(() => mcnemarExactP(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExactP(1.5, 2)).toThrow(RangeError);
  });
});

describe('holmAdjust', () => {
  it('a hand-worked example: p = (0.01, 0.04, 0.03, 0.005), m = 4', () => {
    // Sorted: 0.005 (×4 = 0.02), 0.01 (×3 = 0.03), 0.03 (×2 = 0.06), 0.04 (×1 = 0.04 → max with 0.06 = 0.06).
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted[3]).toBeCloseTo(0.02, 15);
    expect(adjusted[0]).toBeCloseTo(0.03, 15);
    expect(adjusted[2]).toBeCloseTo(0.06, 15);
    expect(adjusted[1]).toBeCloseTo(0.06, 15);
  });

  it('caps at 1, leaves nulls out of the family, keeps ties in input order', () => {
    expect(holmAdjust([0.5, null, 0.2])).toEqual([0.5, null, 0.4]);
    expect(holmAdjust([0.6, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([0.01, 0.01])).toEqual([0.02, 0.02]);
    expect(holmAdjust([])).toEqual([]);
  });
});

function outcomes(persons: number, flagOf: (p: number, j: number) => number): PersonJointOutcomes {
  const flags = new Uint8Array(persons * J);
  for (let p = 0; p < persons; p++) for (let j = 0; j < J; j++) flags[p * J + j] = flagOf(p, j);
  return { protocol: 'mmpose0x', persons, jointPredicted: new Array<boolean>(J).fill(true), flags };
}

describe('McNemar over (person, joint) pairs', () => {
  const E = COUNTED | EVALUATED;
  // 20 persons. Left wrist (15): A hits persons 0..14, B hits persons 5..19 → b = 5 (0..4), c = 5 (15..19).
  // Right wrist (10): A hits 0..17, B hits 0..9 → b = 8, c = 0. Person 19's right wrist is not evaluated for B.
  const a = outcomes(20, (p, j) => {
    if (j === 15) return E | (p < 15 ? HIT_05 : 0);
    if (j === 10) return E | (p < 18 ? HIT_05 | HIT_01 : 0);
    return E | HIT_05;
  });
  const b = outcomes(20, (p, j) => {
    if (j === 15) return E | (p >= 5 ? HIT_05 : 0);
    if (j === 10) return p === 19 ? 0 : E | (p < 10 ? HIT_05 : 0);
    return E | HIT_05;
  });

  it('counts discordant pairs among joints evaluated for both', () => {
    const wrist = mcnemarOverJoints(a, b, [15, 10], 0.5);
    expect(wrist.b).toBe(5 + 8);
    expect(wrist.c).toBe(5);
    expect(wrist.pairs).toBe(20 + 19);
    expect(wrist.p).toBeCloseTo(byHand(13, 5), 14);
    const atPoint1 = mcnemarOverJoints(a, b, [10], 0.1);
    // At 0.1 the pairs are those counted for both; A hits 0..17 at 0.1, B none.
    expect([atPoint1.b, atPoint1.c, atPoint1.pairs]).toEqual([18, 0, 19]);
  });

  it('columnTests: 7 groups + PCKh + PCKh@0.1, Holm over those 9; the Mean pools 14 joints', () => {
    expect(meanJoints(a, b)).toEqual([0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15]);
    const tests = columnTests(a, b);
    expect(tests.map((t) => t.column)).toEqual(['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1']);
    const wrist = tests.find((t) => t.column === 'Wrist')!;
    expect(wrist.result.b).toBe(13);
    const head = tests.find((t) => t.column === 'Head')!;
    expect(head.result.p).toBe(1);
    const holm = holmAdjust(tests.map((t) => t.result.p));
    tests.forEach((t, k) => expect(t.holmP).toBe(holm[k]));
  });
});
