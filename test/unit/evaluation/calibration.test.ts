/** Score calibration (src-main/evaluation/calibration.ts) on hand-built cases. */
import { describe, expect, it } from 'vitest';
import { MPII_JOINT_COUNT } from '../../../src-main/core/joints.ts';
import { calibrationSummary, COVERAGE_DROPS, variantCalibration } from '../../../src-main/evaluation/calibration.ts';
import { COUNTED, EVALUATED, HIT_05, type PersonJointOutcomes } from '../../../src-main/evaluation/person-tallies.ts';

const J = MPII_JOINT_COUNT;

describe('AUROC (Mann–Whitney, ties ½)', () => {
  it('hits {0.35, 0.8} vs misses {0.1, 0.4}: 3 of 4 pairs ordered → 0.75', () => {
    expect(calibrationSummary([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]).auroc).toBe(0.75);
  });
  it('a tie counts ½: hits {0.5, 0.9} vs misses {0.5, 0.2} → 3.5 / 4', () => {
    expect(calibrationSummary([0.5, 0.5, 0.9, 0.2], [1, 0, 1, 0]).auroc).toBe(0.875);
  });
  it('perfect and reversed rankings; a constant score is 0.5; no misses → null', () => {
    expect(calibrationSummary([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]).auroc).toBe(1);
    expect(calibrationSummary([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]).auroc).toBe(0);
    const constant = calibrationSummary([1, 1, 1, 1, 1], [1, 0, 1, 1, 0]);
    expect(constant.auroc).toBe(0.5);
    expect(constant.constantScore).toBe(true);
    expect(calibrationSummary([0.3, 0.4], [1, 1]).auroc).toBeNull();
  });
});

describe('reliability bins and ECE (Guo et al. 2017, equal-count bins)', () => {
  it('4 joints: one per non-empty bin; ECE = mean |hit − score| = (0.1 + 0.65 + 0.4 + 0.2) / 4', () => {
    const c = calibrationSummary([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(c.bins.map((b) => b.count)).toEqual([1, 1, 1, 1]);
    expect(c.bins.map((b) => b.meanScore)).toEqual([0.1, 0.35, 0.4, 0.8]);
    expect(c.ece).toBeCloseTo(1.35 / 4, 15);
  });

  it('20 joints in 10 bins of 2: ECE by hand', () => {
    // Scores 0.025, 0.075, …, 0.975 (sorted pairs per bin); hits make bin k's hit rate 0, ½ or 1.
    const scores = Array.from({ length: 20 }, (_, i) => 0.025 + 0.05 * i);
    const hits = [0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const c = calibrationSummary(scores, hits);
    expect(c.bins.length).toBe(10);
    let expected = 0;
    for (let k = 0; k < 10; k++) {
      const meanScore = (scores[2 * k]! + scores[2 * k + 1]!) / 2;
      const rate = (hits[2 * k]! + hits[2 * k + 1]!) / 2;
      expect(c.bins[k]!.meanScore).toBeCloseTo(meanScore, 15);
      expect(c.bins[k]!.hitRate).toBe(rate);
      expected += 0.1 * Math.abs(rate - meanScore);
    }
    expect(c.ece).toBeCloseTo(expected, 14);
  });

  it('ECE is null when scores are not probabilities (SimCC logits)', () => {
    const c = calibrationSummary([0.5, 3.2, 7.9], [0, 1, 1]);
    expect(c.ece).toBeNull();
    expect(c.auroc).toBe(1);
    expect(c.scoreMax).toBe(7.9);
  });
});

describe('PCKh at coverage', () => {
  it('drops the lowest-scored joints first', () => {
    const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    const hits = [0, 0, 1, 0, 1, 1, 1, 1, 1, 1];
    const curve = calibrationSummary(scores, hits).pckhAtCoverage;
    expect(curve.length).toBe(COVERAGE_DROPS.length);
    expect(COVERAGE_DROPS[0]).toBe(0);
    expect(COVERAGE_DROPS.at(-1)).toBe(90);
    expect(curve[0]).toBe(70);
    expect(curve[COVERAGE_DROPS.indexOf(20)]).toBe(87.5); // 7 of 8
    expect(curve[COVERAGE_DROPS.indexOf(30)]).toBeCloseTo(600 / 7, 12); // 6 of 7
    expect(curve[COVERAGE_DROPS.indexOf(90)]).toBe(100);
  });

  it('ties at the cut count by their expected value; a constant score gives a flat curve', () => {
    // Drop 40 % of 5 = 2: the 0.1 miss and one of the three 0.5 joints (hit rate ⅓): kept hits = 1 + 2·⅓.
    const curve = calibrationSummary([0.1, 0.5, 0.5, 0.5, 0.9], [0, 1, 0, 0, 1]).pckhAtCoverage;
    expect(curve[COVERAGE_DROPS.indexOf(40)]).toBeCloseTo((100 * (1 + 2 / 3)) / 3, 12);
    const flat = calibrationSummary(new Array(10).fill(1), [1, 1, 0, 1, 1, 1, 0, 1, 1, 1]).pckhAtCoverage;
    for (const v of flat) expect(v).toBeCloseTo(80, 12);
  });
});

describe('variantCalibration', () => {
  it('per joint over evaluated joints with a score; pooled over the 14 Mean joints; NaN scores counted apart', () => {
    const persons = 4;
    const flags = new Uint8Array(persons * J);
    const scores = new Float32Array(persons * J).fill(0.5);
    for (let p = 0; p < persons; p++) {
      for (let j = 0; j < J; j++) flags[p * J + j] = COUNTED | EVALUATED | (p % 2 === 0 ? HIT_05 : 0);
      scores[p * J + 15] = p % 2 === 0 ? 0.9 : 0.2; // left wrist: the score separates hits from misses
    }
    flags[3 * J + 0] = 0; // not evaluated: left out
    scores[2 * J + 1] = Number.NaN; // no score
    const outcomes: PersonJointOutcomes = { protocol: 'mmpose0x', persons, jointPredicted: new Array<boolean>(J).fill(true), flags };
    const c = variantCalibration(outcomes, scores);
    expect(c.withoutScore).toBe(1);
    expect(c.perJoint[15]!.auroc).toBe(1);
    expect(c.perJoint[15]!.ece).toBeCloseTo(0.15, 6); // |1 − 0.9| and |0 − 0.2| (float32 scores)
    expect(c.perJoint[0]!.n).toBe(3);
    expect(c.perJoint[1]!.n).toBe(3);
    // 14 joints × 4 persons − 1 not evaluated − 1 without a score.
    expect(c.overall!.n).toBe(14 * 4 - 2);
  });
});
