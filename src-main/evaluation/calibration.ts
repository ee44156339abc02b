/**
 * How well a model's per-joint confidence score predicts a PCKh hit (t = 0.5):
 *  - reliability diagram: 10 equal-count bins of the score, mean score vs hit rate per bin;
 *  - expected calibration error, ECE = Σ_bins (n_b / n)·|hit rate_b − mean score_b| (Guo, Pleiss, Sun &
 *    Weinberger 2017, "On Calibration of Modern Neural Networks", eq. 3; here with equal-count bins).
 *    Only meaningful when scores are probabilities: null when any score lies outside [0, 1] (SimCC's
 *    raw logits, heatmap peaks above 1);
 *  - AUROC of the score for hit vs miss in the Mann–Whitney form (ties count ½): the probability that a
 *    random hit scores higher than a random miss; 0.5 = the score says nothing (e.g. DeepPose's 1.0);
 *  - PCKh at coverage: drop the lowest-scored x % of joints, PCKh (100·hits/kept) of the rest, for
 *    x = 0, 5, …, 90. Ties at the cut are resolved by their expected value under a random order (the
 *    tied block contributes its hit rate × the number kept from it), so a constant score gives a flat
 *    curve instead of one that depends on the dataset order.
 */
import { MPII_JOINT_COUNT, PCKH_EXCLUDED_FROM_MEAN } from '../core/joints.ts';
import { HIT_05, EVALUATED, type PersonJointOutcomes } from './person-tallies.ts';

const J = MPII_JOINT_COUNT;

export const RELIABILITY_BINS = 10;
/** x = 0, 5, …, 90 (% of joints dropped). */
export const COVERAGE_DROPS: readonly number[] = Array.from({ length: 19 }, (_, k) => k * 5);

export interface ReliabilityBin {
  readonly count: number;
  readonly meanScore: number;
  /** Hit rate in [0, 1]. */
  readonly hitRate: number;
}

export interface CalibrationSummary {
  /** (score, hit) pairs used: evaluated joints with a finite score. */
  readonly n: number;
  readonly hits: number;
  readonly bins: readonly ReliabilityBin[];
  /** null when the scores are not probabilities (outside [0, 1]) or n = 0. */
  readonly ece: number | null;
  /** null when there are no hits or no misses. */
  readonly auroc: number | null;
  /** PCKh (percent) of the kept joints after dropping COVERAGE_DROPS[k] % of the lowest-scored. */
  readonly pckhAtCoverage: readonly (number | null)[];
  readonly scoreMin: number | null;
  readonly scoreMax: number | null;
  /** Every score equal: the score carries no information. */
  readonly constantScore: boolean;
}

/** Calibration of (score, hit) pairs; `hit` 1/0. Pure; sorts a copy. */
export function calibrationSummary(scores: ArrayLike<number>, hits: ArrayLike<number>): CalibrationSummary {
  const n = scores.length;
  if (hits.length !== n) throw new RangeError(`calibration: ${n} scores but ${hits.length} hits`);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => scores[x]! - scores[y]! || x - y);
  const s = Float64Array.from(order, (i) => scores[i]!);
  const h = Uint8Array.from(order, (i) => (hits[i]! ? 1 : 0));
  let hitTotal = 0;
  for (let i = 0; i < n; i++) hitTotal += h[i]!;

  // Equal-count bins in score order: bin k holds ranks floor(k·n/10) .. floor((k+1)·n/10) − 1.
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  for (let k = 0; k < RELIABILITY_BINS && n > 0; k++) {
    const start = Math.floor((k * n) / RELIABILITY_BINS);
    const end = Math.floor(((k + 1) * n) / RELIABILITY_BINS);
    if (end <= start) continue;
    let sum = 0;
    let hitSum = 0;
    for (let i = start; i < end; i++) {
      sum += s[i]!;
      hitSum += h[i]!;
    }
    const count = end - start;
    const bin = { count, meanScore: sum / count, hitRate: hitSum / count };
    bins.push(bin);
    ece += (count / n) * Math.abs(bin.hitRate - bin.meanScore);
  }
  const scoreMin = n > 0 ? s[0]! : null;
  const scoreMax = n > 0 ? s[n - 1]! : null;
  const probabilities = n > 0 && scoreMin! >= 0 && scoreMax! <= 1;

  return {
    n,
    hits: hitTotal,
    bins,
    ece: probabilities ? ece : null,
    auroc: mannWhitneyAuroc(s, h),
    pckhAtCoverage: COVERAGE_DROPS.map((drop) => pckhAfterDropping(s, h, drop)),
    scoreMin,
    scoreMax,
    constantScore: n > 0 && scoreMin === scoreMax,
  };
}

/**
 * AUROC = (R₊ − n₊(n₊ + 1)/2) / (n₊·n₋), R₊ = sum of the hits' ranks with tied scores given their
 * average rank (Mann–Whitney U / (n₊·n₋); ties count ½). `s` sorted ascending, `h` in the same order.
 */
function mannWhitneyAuroc(s: Float64Array, h: Uint8Array): number | null {
  const n = s.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += h[i]!;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let k = i;
    let tiedHits = 0;
    while (k < n && s[k] === s[i]) tiedHits += h[k++]!;
    // Ranks i+1 .. k share the average (i + 1 + k) / 2.
    rankSum += tiedHits * ((i + 1 + k) / 2);
    i = k;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** PCKh of what is left after dropping `dropPercent` % of the n joints, lowest scores first (expected value over ties). */
function pckhAfterDropping(s: Float64Array, h: Uint8Array, dropPercent: number): number | null {
  const n = s.length;
  const drop = Math.floor((n * dropPercent) / 100);
  const kept = n - drop;
  if (kept <= 0) return null;
  // The cut falls inside the block of scores equal to s[drop]: keep the part of it above the cut.
  const cutScore = s[drop]!;
  let blockStart = drop;
  while (blockStart > 0 && s[blockStart - 1] === cutScore) blockStart--;
  let blockEnd = drop;
  let blockHits = 0;
  for (let i = blockStart; i < n && s[i] === cutScore; i++) {
    blockHits += h[i]!;
    blockEnd = i + 1;
  }
  let aboveHits = 0;
  for (let i = blockEnd; i < n; i++) aboveHits += h[i]!;
  const keptFromBlock = blockEnd - drop;
  const blockSize = blockEnd - blockStart;
  const expectedHits = aboveHits + (blockHits * keptFromBlock) / blockSize;
  return (100 * expectedHits) / kept;
}

export interface VariantCalibration {
  /** Per joint (16); null for joints with no finite score or not evaluated. */
  readonly perJoint: readonly (CalibrationSummary | null)[];
  /** Pooled over the Mean's joints (all but pelvis and thorax) that are predicted. */
  readonly overall: CalibrationSummary | null;
  /** Evaluated joints without a finite score (no score stored: imported predictions). */
  readonly withoutScore: number;
}

/** Calibration per joint and pooled, from per-(person, joint) scores (N×16, NaN = none) and outcomes. */
export function variantCalibration(outcomes: PersonJointOutcomes, scores: Float32Array | Float64Array): VariantCalibration {
  const N = outcomes.persons;
  if (scores.length !== N * J) throw new RangeError(`calibration: ${scores.length} scores for ${N} persons × ${J} joints`);
  const perJointScores: number[][] = Array.from({ length: J }, () => []);
  const perJointHits: number[][] = Array.from({ length: J }, () => []);
  let withoutScore = 0;
  for (let p = 0; p < N; p++) {
    for (let j = 0; j < J; j++) {
      const f = outcomes.flags[p * J + j]!;
      if (!(f & EVALUATED)) continue;
      const score = scores[p * J + j]!;
      if (!Number.isFinite(score)) {
        withoutScore++;
        continue;
      }
      perJointScores[j]!.push(score);
      perJointHits[j]!.push(f & HIT_05 ? 1 : 0);
    }
  }
  const perJoint = perJointScores.map((s, j) => (s.length > 0 ? calibrationSummary(s, perJointHits[j]!) : null));
  const pooledScores: number[] = [];
  const pooledHits: number[] = [];
  for (let j = 0; j < J; j++) {
    if (PCKH_EXCLUDED_FROM_MEAN.includes(j) || outcomes.jointPredicted[j] !== true) continue;
    pooledScores.push(...perJointScores[j]!);
    pooledHits.push(...perJointHits[j]!);
  }
  return { perJoint, overall: pooledScores.length > 0 ? calibrationSummary(pooledScores, pooledHits) : null, withoutScore };
}
