/**
 * Paired bootstrap over persons for every PCKh column (Efron & Tibshirani 1993, "An Introduction to
 * the Bootstrap", ch. 6 and 13: resample the independent units, here persons, with replacement;
 * percentile interval = the α/2 and 1−α/2 quantiles of the replicate values).
 *
 * Why persons: the joints of one person are not independent (one bad crop misses many of them), so the
 * person is the unit of resampling. Why paired: every replicate draws one resample of persons and
 * applies it to every variant, so a difference between two variants is measured on the same persons,
 * which cancels the (large) person-to-person variation that both share.
 *
 * Speed: a resample is a vector of multinomial weights w_n (how often person n was drawn), and every
 * column is a function of per-joint tallies Σ_n w_n·flag_n (writePckhColumns, the code computePckh
 * uses). The flags are mostly set, so each tally is computed from the rarer side (e.g. hits at 0.5 =
 * evaluated − Σ w·misses) over a precomputed list of (person, slot) events, and the counted/evaluated
 * tallies are shared by variants with the same ground truth mask.
 */
import { MPII_JOINT_COUNT, MPII_JOINT_NAMES } from '../core/joints.ts';
import { mulberry32 } from '../core/seeded-random.ts';
import type { PckhProtocol } from '../core/types.ts';
import { COUNTED, EVALUATED, HIT_01, HIT_05, type PersonJointOutcomes } from './person-tallies.ts';
import { PCKH_COLUMN_COUNT, PCKH_METRIC_KEYS, writePckhColumns } from './pckh.ts';

const J = MPII_JOINT_COUNT;

export const DEFAULT_BOOTSTRAP_REPLICATES = 2000;
export const DEFAULT_CONFIDENCE = 0.95;

/** Column names in writePckhColumns order: the 9 table columns, the 16 joints at 0.5, the 16 at 0.1. */
export const BOOTSTRAP_COLUMN_NAMES: readonly string[] = [...PCKH_METRIC_KEYS, ...MPII_JOINT_NAMES, ...MPII_JOINT_NAMES.map((name) => `${name}@0.1`)];

export interface BootstrapOptions {
  /** B, the number of replicates (default 2000). */
  readonly replicates?: number;
  /** mulberry32 seed; the same seed gives the same intervals. */
  readonly seed: number;
  /** Two-sided level of the percentile interval (default 0.95). */
  readonly confidence?: number;
}

/** Per column (BOOTSTRAP_COLUMN_NAMES order): the full-data value and its percentile interval; NaN = not computable. */
export interface ColumnIntervals {
  readonly estimate: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  /** Replicates in which the column was not computable (e.g. a joint no drawn person has); left out of the quantiles. */
  readonly undefinedReplicates: Int32Array;
}

export interface PairIntervals extends ColumnIntervals {
  /** Δ = variant a − variant b (indices into the variants given). */
  readonly a: number;
  readonly b: number;
}

export interface BootstrapResult {
  readonly persons: number;
  readonly replicates: number;
  readonly seed: number;
  readonly confidence: number;
  readonly columnNames: readonly string[];
  readonly variants: readonly ColumnIntervals[];
  /** Every pair a < b. */
  readonly pairs: readonly PairIntervals[];
}

/** Slots of a base block: 0..15 "not counted", 16..31 "counted, not evaluated". */
const NOT_COUNTED = 0;
const NOT_EVALUATED = J;
/** Slots of a variant block: 0..15 the rarer side of hit@0.5 among evaluated, 16..31 of hit@0.1 among counted. */
const HIT05_SLOT = 0;
const HIT01_SLOT = J;

interface PreparedVariant {
  readonly protocol: PckhProtocol;
  readonly jointPredicted: readonly boolean[];
  /** Offset of this variant's base sums (not counted, counted but not evaluated) in the sums array. */
  readonly baseOffset: number;
  /** Offset of its own sums (the rarer side of hit@0.5 and hit@0.1). */
  readonly offset: number;
  /** Per joint: true = the events are the misses (tally = denominator − Σ), false = the hits. */
  readonly hit05Complement: boolean[];
  readonly hit01Complement: boolean[];
}

/** Sums per base or variant block: 2 × 16 slots. */
const BLOCK = 2 * J;

/**
 * The per-variant data a replicate needs, prepared once. `replicate(weights, out)` writes every
 * variant's PCKH_COLUMN_COUNT columns (variant v at out[v * PCKH_COLUMN_COUNT]) for multinomial
 * weights w_n; with every weight 1 it gives computePckh's values bit for bit.
 */
export interface PreparedBootstrap {
  readonly persons: number;
  readonly variantCount: number;
  replicate(weights: Int32Array, out: Float64Array): void;
}

export function prepareBootstrap(variants: readonly PersonJointOutcomes[]): PreparedBootstrap {
  const first = variants[0];
  const persons = first?.persons ?? 0;
  for (const v of variants) {
    if (v.persons !== persons)
      throw new RangeError(`paired bootstrap: variants have ${persons} and ${v.persons} persons; they must be scored on the same persons`);
    if (v.flags.length !== persons * J) throw new RangeError(`paired bootstrap: ${v.flags.length} flags for ${persons} persons`);
  }
  // Variants with the same counted/evaluated mask (same protocol, GT, predicted joints) share base sums.
  const baseKeys: string[] = [];
  const baseOwners: PersonJointOutcomes[] = [];
  const baseMask = (o: PersonJointOutcomes): string => {
    const chars: string[] = [o.protocol, '|'];
    for (let i = 0; i < o.flags.length; i++) chars.push(String.fromCharCode(48 + (o.flags[i]! & (COUNTED | EVALUATED))));
    return chars.join('');
  };
  const baseIndex = variants.map((o) => {
    const key = baseMask(o);
    let base = baseKeys.indexOf(key);
    if (base < 0) {
      base = baseKeys.length;
      baseKeys.push(key);
      baseOwners.push(o);
    }
    return base;
  });
  const variantBlock0 = baseOwners.length;
  const prepared: PreparedVariant[] = variants.map((o, v) => {
    // The rarer side of each hit flag per joint keeps the event list short.
    const hits05 = new Int32Array(J);
    const evaluated = new Int32Array(J);
    const hits01 = new Int32Array(J);
    const counted = new Int32Array(J);
    for (let p = 0; p < persons; p++) {
      for (let j = 0; j < J; j++) {
        const f = o.flags[p * J + j]!;
        if (f & COUNTED) counted[j]!++;
        if (f & EVALUATED) evaluated[j]!++;
        if (f & EVALUATED && f & HIT_05) hits05[j]!++;
        if (f & COUNTED && f & HIT_01) hits01[j]!++;
      }
    }
    return {
      protocol: o.protocol,
      jointPredicted: o.jointPredicted,
      baseOffset: baseIndex[v]! * BLOCK,
      offset: (variantBlock0 + v) * BLOCK,
      hit05Complement: Array.from({ length: J }, (_, j) => 2 * hits05[j]! > evaluated[j]!),
      hit01Complement: Array.from({ length: J }, (_, j) => 2 * hits01[j]! > counted[j]!),
    };
  });

  // One person-major event list (CSR) over every base and variant: slot = block offset + index, so a
  // replicate reads each person's weight once and skips the persons not drawn (about 37 %).
  const rowStart = new Int32Array(persons + 1);
  const slots: number[] = [];
  for (let p = 0; p < persons; p++) {
    rowStart[p] = slots.length;
    for (let b = 0; b < baseOwners.length; b++) {
      const flags = baseOwners[b]!.flags;
      for (let j = 0; j < J; j++) {
        const f = flags[p * J + j]!;
        if (!(f & COUNTED)) slots.push(b * BLOCK + NOT_COUNTED + j);
        else if (!(f & EVALUATED)) slots.push(b * BLOCK + NOT_EVALUATED + j);
      }
    }
    for (let v = 0; v < variants.length; v++) {
      const flags = variants[v]!.flags;
      const pv = prepared[v]!;
      for (let j = 0; j < J; j++) {
        const f = flags[p * J + j]!;
        if (hit05Event(f, pv.hit05Complement[j]!)) slots.push(pv.offset + HIT05_SLOT + j);
        if (hit01Event(f, pv.hit01Complement[j]!)) slots.push(pv.offset + HIT01_SLOT + j);
      }
    }
  }
  rowStart[persons] = slots.length;
  const eventSlot = Uint16Array.from(slots);
  if ((variantBlock0 + variants.length) * BLOCK > 0xffff) throw new RangeError(`paired bootstrap: too many variants (${variants.length})`);

  const sums = new Int32Array((variantBlock0 + variants.length) * BLOCK);
  const count = new Int32Array(J);
  const evaluatedT = new Int32Array(J);
  const hitCount = new Int32Array(J);
  const hitCountAt01 = new Int32Array(J);
  const tallies = { count, evaluated: evaluatedT, hitCount, hitCountAt01 };

  return {
    persons,
    variantCount: variants.length,
    replicate(weights: Int32Array, out: Float64Array): void {
      if (weights.length !== persons) throw new RangeError(`replicate: ${weights.length} weights for ${persons} persons`);
      sums.fill(0);
      let total = 0;
      for (let p = 0; p < persons; p++) {
        const w = weights[p]!;
        if (w === 0) continue;
        total += w;
        const end = rowStart[p + 1]!;
        for (let e = rowStart[p]!; e < end; e++) sums[eventSlot[e]!]! += w;
      }
      for (let v = 0; v < prepared.length; v++) {
        const pv = prepared[v]!;
        for (let j = 0; j < J; j++) {
          const c = total - sums[pv.baseOffset + NOT_COUNTED + j]!;
          const e = c - sums[pv.baseOffset + NOT_EVALUATED + j]!;
          count[j] = c;
          evaluatedT[j] = e;
          const s05 = sums[pv.offset + HIT05_SLOT + j]!;
          hitCount[j] = pv.hit05Complement[j] ? e - s05 : s05;
          const s01 = sums[pv.offset + HIT01_SLOT + j]!;
          hitCountAt01[j] = pv.hit01Complement[j] ? c - s01 : s01;
        }
        writePckhColumns(pv.protocol, tallies, pv.jointPredicted, out, v * PCKH_COLUMN_COUNT);
      }
    },
  };
}

/** Event for hit@0.5: among evaluated joints, a miss (complement) or a hit. */
function hit05Event(f: number, complement: boolean): boolean {
  if (!(f & EVALUATED)) return false;
  const hit = (f & HIT_05) !== 0;
  return complement ? !hit : hit;
}

/** Event for hit@0.1: among counted joints (its denominator is jnt_count), a miss (complement) or a hit. */
function hit01Event(f: number, complement: boolean): boolean {
  if (!(f & COUNTED)) return false;
  const hit = (f & HIT_01) !== 0;
  return complement ? !hit : hit;
}

/**
 * Multinomial weights of one resample: N persons drawn uniformly with replacement, w_n = times drawn.
 * `random` must return uniform [0, 1) values (mulberry32).
 */
export function drawResampleWeights(random: () => number, weights: Int32Array): void {
  const n = weights.length;
  weights.fill(0);
  for (let i = 0; i < n; i++) weights[Math.floor(random() * n)]!++;
}

/**
 * numpy's default ('linear') quantile of an ascending sorted array: h = (n−1)·q, interpolated between
 * the neighbours. The same rule as the latency percentiles elsewhere in posebench.
 */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

/**
 * sortedQuantile(sort(values), q) without sorting: the order statistics at ⌊h⌋ and ⌊h⌋ + 1 by
 * selection (Hoare's quickselect, median-of-three pivots), O(n) instead of O(n log n); a bootstrap
 * takes two quantiles of each of thousands of columns. Reorders `values`; `from` = an index below which
 * every element is already ≤ every element at or after it (0 when unknown).
 */
export function selectQuantile(values: Float64Array, q: number, from = 0): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const k = Math.floor(h);
  const a = selectKth(values, k, from);
  if (k + 1 >= n || h === k) return a;
  // After selection everything after k is ≥ values[k]: the next order statistic is their minimum.
  let b = values[k + 1]!;
  for (let i = k + 2; i < n; i++) if (values[i]! < b) b = values[i]!;
  return a + (h - k) * (b - a);
}

/**
 * Puts the k-th smallest at index k, smaller-or-equal ones before and greater-or-equal ones after
 * (quickselect with a three-way partition: replicate values have many ties, which a two-way partition
 * would turn quadratic).
 */
function selectKth(x: Float64Array, k: number, from: number): number {
  let left = from;
  let right = x.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    const a = x[left]!;
    const b = x[mid]!;
    const c = x[right]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    // [left, lt) < pivot, [lt, i) == pivot, (gt, right] > pivot.
    let lt = left;
    let gt = right;
    let i = left;
    while (i <= gt) {
      const v = x[i]!;
      if (v < pivot) swap(x, lt++, i++);
      else if (v > pivot) swap(x, i, gt--);
      else i++;
    }
    if (k < lt) right = lt - 1;
    else if (k > gt) left = gt + 1;
    else return pivot;
  }
  return x[k]!;
}

function swap(x: Float64Array, i: number, j: number): void {
  const t = x[i]!;
  x[i] = x[j]!;
  x[j] = t;
}

/** Runs the bootstrap: every variant's columns and every pair's Δ, with percentile intervals. */
export function pairedBootstrap(variants: readonly PersonJointOutcomes[], options: BootstrapOptions): BootstrapResult {
  const replicates = options.replicates ?? DEFAULT_BOOTSTRAP_REPLICATES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(replicates) || replicates < 1) throw new RangeError(`bootstrap replicates must be a positive integer, got ${replicates}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const prepared = prepareBootstrap(variants);
  const V = variants.length;
  const C = PCKH_COLUMN_COUNT;
  const persons = prepared.persons;

  const estimates = new Float64Array(V * C);
  const ones = new Int32Array(persons).fill(1);
  prepared.replicate(ones, estimates);

  // values[(r * V + v) * C + c]
  // Column-major: the B replicate values of (variant v, column c) are contiguous at (v·C + c)·B, so the
  // quantiles read sequential memory.
  const values = new Float64Array(replicates * V * C);
  const row = new Float64Array(V * C);
  const weights = new Int32Array(persons);
  const random = mulberry32(options.seed);
  for (let r = 0; r < replicates; r++) {
    drawResampleWeights(random, weights);
    prepared.replicate(weights, row);
    for (let i = 0; i < V * C; i++) values[i * replicates + r] = row[i]!;
  }

  const alpha = 1 - confidence;
  const scratch = new Float64Array(replicates);
  /** `fill(c)` writes column c's replicate values into scratch (NaN = not computable) . */
  const intervals = (estimate: Float64Array, fill: (c: number) => void): ColumnIntervals => {
    const lo = new Float64Array(C);
    const hi = new Float64Array(C);
    const undefinedReplicates = new Int32Array(C);
    for (let c = 0; c < C; c++) {
      fill(c);
      let k = 0;
      for (let r = 0; r < replicates; r++) {
        const x = scratch[r]!;
        if (Number.isNaN(x)) undefinedReplicates[c]!++;
        else scratch[k++] = x;
      }
      const defined = !Number.isNaN(estimate[c]!) && k > 0;
      const kept = scratch.subarray(0, k);
      lo[c] = defined ? selectQuantile(kept, alpha / 2, 0) : Number.NaN;
      // The upper quantile's order statistics lie at or after the lower one's, so the selection goes on
      // in the part already partitioned above it.
      hi[c] = defined ? selectQuantile(kept, 1 - alpha / 2, Math.floor((k - 1) * (alpha / 2))) : Number.NaN;
    }
    return { estimate, lo, hi, undefinedReplicates };
  };
  const column = (v: number, c: number): Float64Array => values.subarray((v * C + c) * replicates, (v * C + c + 1) * replicates);

  const variantIntervals: ColumnIntervals[] = [];
  for (let v = 0; v < V; v++) {
    variantIntervals.push(intervals(estimates.slice(v * C, (v + 1) * C), (c) => scratch.set(column(v, c))));
  }
  const pairs: PairIntervals[] = [];
  for (let a = 0; a < V; a++) {
    for (let b = a + 1; b < V; b++) {
      const estimate = new Float64Array(C);
      for (let c = 0; c < C; c++) estimate[c] = estimates[a * C + c]! - estimates[b * C + c]!;
      const fill = (c: number): void => {
        const xa = column(a, c);
        const xb = column(b, c);
        for (let r = 0; r < replicates; r++) scratch[r] = xa[r]! - xb[r]!;
      };
      pairs.push({ a, b, ...intervals(estimate, fill) });
    }
  }
  return { persons, replicates, seed: options.seed, confidence, columnNames: BOOTSTRAP_COLUMN_NAMES, variants: variantIntervals, pairs };
}

/** Δ = a − b with its interval, for any two variant indices (b − a pairs are negated and swapped). */
export function pairDelta(result: BootstrapResult, a: number, b: number): ColumnIntervals {
  if (a === b) throw new RangeError('pairDelta: a variant compared with itself');
  const direct = result.pairs.find((p) => p.a === a && p.b === b);
  if (direct !== undefined) return direct;
  const reverse = result.pairs.find((p) => p.a === b && p.b === a);
  if (reverse === undefined) throw new RangeError(`pairDelta: no pair (${a}, ${b})`);
  const negate = (x: Float64Array): Float64Array => x.map((value) => -value);
  return { estimate: negate(reverse.estimate), lo: negate(reverse.hi), hi: negate(reverse.lo), undefinedReplicates: reverse.undefinedReplicates };
}
