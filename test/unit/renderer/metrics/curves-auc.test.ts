/** Issue 14 item 6: the curve legend's AUC for a selected joint equals the engine's per-joint AUC bit for bit. */
import { describe, expect, it } from 'vitest';
import { curveAuc } from '../../../../src-renderer/metrics/CurvesChart.tsx';
import { PCKH_SWEEP_LENGTH, PCKH_SWEEP_THRESHOLDS, sweepAreaUnderCurve } from '../../../../src-main/evaluation/threshold-sweep.ts';

describe('curveAuc', () => {
  const thresholds = Array.from(PCKH_SWEEP_THRESHOLDS);
  it('equals sweepAreaUnderCurve on random curves', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let k = 0; k < 50; k++) {
      const curve = Array.from({ length: PCKH_SWEEP_LENGTH }, () => 100 * rand()).sort((a, b) => a - b);
      expect(curveAuc(thresholds, curve)).toBe(sweepAreaUnderCurve(curve));
    }
  });
  it('a flat curve has its own value as AUC; a curve with a gap has none', () => {
    expect(
      curveAuc(
        thresholds,
        thresholds.map(() => 40),
      ),
    ).toBeCloseTo(40, 10);
    expect(
      curveAuc(
        thresholds,
        thresholds.map((_, i) => (i === 3 ? null : 40)),
      ),
    ).toBeNull();
    expect(curveAuc(thresholds, [])).toBeNull();
  });
});
