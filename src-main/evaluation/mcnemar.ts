/**
 * McNemar's test (McNemar 1947, "Note on the sampling error of the difference between correlated
 * proportions or percentages") in its exact binomial form, and Holm's step-down correction (Holm 1979,
 * "A simple sequentially rejective multiple test procedure").
 *
 * Two variants scored on the same (person, joint) pairs: b = pairs A hits and B misses, c = pairs A
 * misses and B hits. Under H0 (same hit probability) each discordant pair is A-only with probability ½,
 * so b ~ Binomial(b + c, ½) and the exact two-sided p-value is
 *   p = min(1, 2 · Σ_{k ≤ min(b, c)} C(b + c, k) / 2^(b + c))     (p = 1 when b + c = 0).
 *
 * Caveat (said in the CLI output too): pooling several joints treats the (person, joint) pairs as
 * independent, while the joints of one person are correlated; the paired bootstrap over persons does not
 * assume that, so its Δ interval is the primary answer and McNemar a per-joint-pair check.
 */
import { MPII_JOINT_COUNT, PCKH_EXCLUDED_FROM_MEAN, PCKH_GROUPS } from '../core/joints.ts';
import { COUNTED, EVALUATED, HIT_01, HIT_05, type PersonJointOutcomes } from './person-tallies.ts';

const J = MPII_JOINT_COUNT;

export interface McNemarResult {
  /** Discordant pairs: A hit and B miss. */
  readonly b: number;
  /** Discordant pairs: A miss and B hit. */
  readonly c: number;
  /** Pairs compared (evaluated for both). */
  readonly pairs: number;
  /** Exact two-sided p-value. */
  readonly p: number;
}

/**
 * The exact two-sided binomial tail: min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½).
 * Computed from the largest tail term down (term ratio k / (n − k + 1)), with that term's logarithm
 * summed exactly enough (log C(n, m) − n·ln 2) that large n (thousands of pooled joints) neither
 * underflows nor loses relative precision beyond ~1e-12.
 */
export function mcnemarExactP(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`McNemar counts must be non-negative integers, got ${b}, ${c}`);
  const n = b + c;
  if (n === 0) return 1;
  const m = Math.min(b, c);
  // log C(n, m) = Σ_{i=1..m} log((n − m + i) / i)
  let logTerm = -n * Math.LN2;
  for (let i = 1; i <= m; i++) logTerm += Math.log((n - m + i) / i);
  let term = Math.exp(logTerm);
  let tail = term;
  for (let k = m; k > 0; k--) {
    term *= k / (n - k + 1);
    tail += term;
    if (term < tail * 1e-17) break;
  }
  return Math.min(1, 2 * tail);
}

/**
 * Holm's step-down adjusted p-values: sort ascending, p̃_(i) = max_{k ≤ i} min(1, (m − k + 1)·p_(k)).
 * Null entries (tests not made) are left out of the family and stay null.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present = pValues.map((p, i) => ({ p, i })).filter((e): e is { p: number; i: number } => e.p !== null);
  const m = present.length;
  present.sort((x, y) => x.p - y.p || x.i - y.i);
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  present.forEach((entry, k) => {
    running = Math.max(running, Math.min(1, (m - k) * entry.p));
    adjusted[entry.i] = running;
  });
  return adjusted;
}

export type McNemarThreshold = 0.5 | 0.1;

/**
 * McNemar over a set of joints between two variants on the same persons. At 0.5 the pairs are the
 * (person, joint) evaluated for both (the PCKh denominator); at 0.1 those counted for both (pckAll's
 * denominator is jnt_count).
 */
export function mcnemarOverJoints(a: PersonJointOutcomes, b: PersonJointOutcomes, joints: readonly number[], threshold: McNemarThreshold): McNemarResult {
  if (a.persons !== b.persons) throw new RangeError(`McNemar: ${a.persons} and ${b.persons} persons; the variants must be scored on the same persons`);
  const need = threshold === 0.5 ? EVALUATED : COUNTED;
  const hitBit = threshold === 0.5 ? HIT_05 : HIT_01;
  let onlyA = 0;
  let onlyB = 0;
  let pairs = 0;
  for (let p = 0; p < a.persons; p++) {
    for (const j of joints) {
      const fa = a.flags[p * J + j]!;
      const fb = b.flags[p * J + j]!;
      if (!(fa & need) || !(fb & need)) continue;
      pairs++;
      const ha = (fa & hitBit) !== 0;
      const hb = (fb & hitBit) !== 0;
      if (ha && !hb) onlyA++;
      else if (hb && !ha) onlyB++;
    }
  }
  return { b: onlyA, c: onlyB, pairs, p: mcnemarExactP(onlyA, onlyB) };
}

/** The 14 joints of the Mean (all but pelvis and thorax) that both variants predict. */
export function meanJoints(a: PersonJointOutcomes, b: PersonJointOutcomes): number[] {
  const joints: number[] = [];
  for (let j = 0; j < J; j++) {
    if (!PCKH_EXCLUDED_FROM_MEAN.includes(j) && a.jointPredicted[j] === true && b.jointPredicted[j] === true) joints.push(j);
  }
  return joints;
}

export interface ColumnTest {
  /** A table column: Head … Ankle, PCKh, PCKh@0.1. */
  readonly column: string;
  readonly joints: readonly number[];
  readonly threshold: McNemarThreshold;
  readonly result: McNemarResult;
  /** Holm-adjusted over the family of these 9 tests. */
  readonly holmP: number;
}

/**
 * The family of tests behind the table: one McNemar per joint group at 0.5, one over the Mean's joints
 * pooled at 0.5 (PCKh) and at 0.1 (PCKh@0.1); Holm over these 9. Joint columns get no test (a per-joint
 * test would be another family; their bootstrap Δ intervals answer the question).
 */
export function columnTests(a: PersonJointOutcomes, b: PersonJointOutcomes): ColumnTest[] {
  const specs: { column: string; joints: readonly number[]; threshold: McNemarThreshold }[] = PCKH_GROUPS.map((g) => ({
    column: g.name,
    joints: g.joints,
    threshold: 0.5 as const,
  }));
  const pooled = meanJoints(a, b);
  specs.push({ column: 'PCKh', joints: pooled, threshold: 0.5 });
  specs.push({ column: 'PCKh@0.1', joints: pooled, threshold: 0.1 });
  const results = specs.map((s) => mcnemarOverJoints(a, b, s.joints, s.threshold));
  const holm = holmAdjust(results.map((r) => r.p));
  return specs.map((s, k) => ({ ...s, result: results[k]!, holmP: holm[k]! }));
}
