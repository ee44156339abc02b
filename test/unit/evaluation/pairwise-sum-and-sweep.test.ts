import { describe, expect, it } from 'vitest';
import { numpyPairwiseSum, numpySum } from '../../../src-main/evaluation/pairwise-sum.ts';
import { firstPassedThresholdIndex, numpyArange, PCKH_SWEEP_THRESHOLDS, sweepAreaUnderCurve } from '../../../src-main/evaluation/threshold-sweep.ts';

describe('numpySum (numpy float64 add.reduce, pairwise)', () => {
  // Expected values printed by numpy 2.4 (np.sum) for the same arrays; a left-to-right sum gives the
  // second number, so these would catch a plain loop.
  it('matches np.sum where left-to-right does not: 16 values with cancellation', () => {
    const y = [1e16, 1.0, -1e16, 1.0, 3.3, 0.7, 1e-3, 2.2, 5.5, 1.0, 1.0, 7.1, 0.3, 0.2, 0.1, 9.9];
    expect(numpySum(y)).toBe(32.701);
    expect(y.reduce((a, b) => a + b, 0)).toBe(32.301);
  });

  it('matches np.sum for 13 values (8-block plus a left-to-right tail)', () => {
    const w = Array.from({ length: 13 }, (_, i) => ((i * 0.37) % 1.3) + 1 / (i + 3));
    expect(numpySum(w)).toBe(9.878228993228992);
  });

  it('matches np.sum for 300 values (recursive split above 128)', () => {
    const z = Array.from({ length: 300 }, (_, i) => ((i * 0.37) % 1.3) + 1 / (i + 3));
    expect(numpySum(z)).toBe(202.3892973977131);
    expect(z.reduce((a, b) => a + b, 0)).toBe(202.38929739771302);
  });

  it('for 16 values is ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) with r_k = a_k + a_{k+8} (spec §2.1)', () => {
    let state = 7;
    const next = (): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    for (let trial = 0; trial < 200; trial++) {
      const a = Array.from({ length: 16 }, () => (next() - 0.3) * 10 ** Math.floor(next() * 6));
      const r = Array.from({ length: 8 }, (_, k) => a[k]! + a[k + 8]!);
      const expected = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
      expect(numpyPairwiseSum(Float64Array.from(a), 0, 16)).toBe(expected);
    }
  });

  it('fewer than 8 values are summed left to right from 0', () => {
    expect(numpySum([])).toBe(0);
    expect(numpySum([0.1, 0.2, 0.3])).toBe(0.1 + 0.2 + 0.3);
  });
});

describe('PCKH_SWEEP_THRESHOLDS = np.arange(0, 0.51, 0.01)', () => {
  it("has numpy's 51 values, i * 0.01 rather than the decimal literals", () => {
    expect(PCKH_SWEEP_THRESHOLDS.length).toBe(51);
    expect(PCKH_SWEEP_THRESHOLDS[0]).toBe(0);
    expect(PCKH_SWEEP_THRESHOLDS[10]).toBe(0.1); // spec §2 step 9: rng[10] is exactly the double 0.1
    expect(PCKH_SWEEP_THRESHOLDS[50]).toBe(0.5);
    // printed by numpy 2.4: np.arange(0, 0.51, 0.01)[35], [41], [47]
    expect(PCKH_SWEEP_THRESHOLDS[35]).toBe(0.35000000000000003);
    expect(PCKH_SWEEP_THRESHOLDS[41]).toBe(0.41000000000000003);
    expect(PCKH_SWEEP_THRESHOLDS[47]).toBe(0.47000000000000003);
    expect(PCKH_SWEEP_THRESHOLDS[3]).toBe(0.03);
  });

  it('numpyArange handles lengths 0 and 1', () => {
    expect(numpyArange(0, 0, 0.01).length).toBe(0);
    expect(Array.from(numpyArange(2, 2.5, 1))).toEqual([2]);
  });

  it('firstPassedThresholdIndex equals a brute-force scan, including exact thresholds and their neighbours', () => {
    const f64 = new Float64Array(1);
    const bits = new BigInt64Array(f64.buffer);
    const neighbour = (v: number, step: -1n | 1n): number => {
      f64[0] = v;
      bits[0] = bits[0]! + step;
      return f64[0];
    };
    const values: number[] = [Number.NaN, -1, -0, Infinity, 0.5000001, 1, 7];
    for (const t of PCKH_SWEEP_THRESHOLDS) {
      values.push(t, Math.fround(t), t > 0 ? neighbour(t, -1n) : 0, neighbour(t, 1n), t + 0.004, t + 0.0099);
    }
    for (let i = 0; i < 2000; i++) values.push(((i * 7919) % 6000) / 10000);
    for (const comparison of ['inclusive', 'strict'] as const) {
      for (const v of values) {
        let expected = PCKH_SWEEP_THRESHOLDS.length;
        for (let k = 0; k < PCKH_SWEEP_THRESHOLDS.length; k++) {
          const t = PCKH_SWEEP_THRESHOLDS[k]!;
          if (comparison === 'inclusive' ? v <= t : v < t) {
            expected = k;
            break;
          }
        }
        expect(firstPassedThresholdIndex(v, comparison), `${comparison} ${v}`).toBe(expected);
      }
    }
  });
});

describe('sweepAreaUnderCurve (trapezoid over the 51 thresholds / 0.5)', () => {
  it('is 100 for a curve at 100 %, 50 for a straight line from 0 to 100, NaN with a NaN sample', () => {
    expect(sweepAreaUnderCurve(new Float64Array(51).fill(100))).toBeCloseTo(100, 12);
    const line = Float64Array.from(PCKH_SWEEP_THRESHOLDS, (t) => 200 * t);
    expect(sweepAreaUnderCurve(line)).toBeCloseTo(50, 12);
    const withNaN = new Float64Array(51).fill(100);
    withNaN[20] = Number.NaN;
    expect(sweepAreaUnderCurve(withNaN)).toBeNaN();
  });

  it('reads strided per-joint columns (index r*16 + j)', () => {
    const table = new Float32Array(51 * 16);
    for (let r = 0; r < 51; r++) table[r * 16 + 3] = 100;
    expect(sweepAreaUnderCurve(table, 3, 16)).toBeCloseTo(100, 12);
    expect(sweepAreaUnderCurve(table, 4, 16)).toBe(0);
  });
});
