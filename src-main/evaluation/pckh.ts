/**
 * PCKh on MPII exactly as mmpose computes it, bit for bit (../shared/specs/mmpose-mpii.md §2, §2.1, §3).
 *
 * Protocols:
 *  - 'mmpose0x' (default): `TopDownMpiiDataset.evaluate(metric='PCKh')`, mmpose 0.x (§2).
 *  - 'mmpose1x': `MpiiPCKAccuracy`, mmpose 1.x (§3). mmpose 1.x names its keys
 *    `Head PCK, Shoulder PCK, Elbow PCK, Wrist PCK, Hip PCK, Knee PCK, Ankle PCK, PCK, PCK@0.1`
 *    (MMPOSE_1X_METRIC_KEYS); this report uses the 0.x names for both protocols.
 *
 * "Not computable" values are null (NaN in typed arrays):
 *  - 0.x: a joint with no visible GT has PCKh NaN (0/0); a Mean that includes such a joint is NaN.
 *  - 1.x: a joint with nothing to evaluate gets mmpose's sentinel -100 (acc = -1). The Mean is computed
 *    with the sentinel exactly as mmpose does (it weighs 0 when the joint has no GT at all) and is
 *    reported as null only when a sentinel carries weight (the zero-head-box quirk, §3 item 6).
 *  - joints the model does not predict (`jointPredicted[j] === false`) are null and left out of the Mean
 *    like pelvis and thorax.
 *
 * 1.x sweep comparison: mmpose 1.x compares the float32 distance with a float64 numpy threshold. NumPy ≥ 2
 * (NEP 50) does that in float64, which is what this code does; NumPy 1.x would cast the threshold to
 * float32. The two can differ only when d equals float32(t) exactly and float32(t) < t, which never
 * happens at t = 0.5 or t = 0.1 (float32(0.1) > 0.1), so no value mmpose reports depends on it; only
 * other points of our curve could.
 */
import { MPII_JOINT_COUNT, MPII_JOINT_NAMES, PCKH_EXCLUDED_FROM_MEAN, PCKH_GROUPS, type MpiiJointName } from '../core/joints.ts';
import type { PckhProtocol } from '../core/types.ts';
import { numpyPairwiseSum } from './pairwise-sum.ts';
import { checkJointPredicted, type PckhInputs } from './pckh-inputs.ts';
import { tallyMmpose0x, tallyMmpose1x, type PckhTallies } from './pckh-tally.ts';
import { PCKH_AT_01_SWEEP_INDEX, PCKH_SWEEP_LENGTH, PCKH_SWEEP_THRESHOLDS, sweepAreaUnderCurve } from './threshold-sweep.ts';

export { buildPckhInputs, predictionsFromBase, type PckhInputs, type BuildPckhInputsArgs } from './pckh-inputs.ts';
export { HIT_NOT_EVALUATED } from './pckh-tally.ts';

export const PCKH_METRIC_KEYS = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1'] as const;
export type PckhMetricKey = (typeof PCKH_METRIC_KEYS)[number];
/** Values in percent, full float64; null where not computable. */
export type PckhMetrics = Record<PckhMetricKey, number | null>;

/** mmpose 1.x's own key for each metric (spec §3 item 7), e.g. for exports that mimic its log. */
export const MMPOSE_1X_METRIC_KEYS: Readonly<Record<PckhMetricKey, string>> = {
  Head: 'Head PCK',
  Shoulder: 'Shoulder PCK',
  Elbow: 'Elbow PCK',
  Wrist: 'Wrist PCK',
  Hip: 'Hip PCK',
  Knee: 'Knee PCK',
  Ankle: 'Ankle PCK',
  PCKh: 'PCK',
  'PCKh@0.1': 'PCK@0.1',
};

export interface PckhJointResult {
  readonly index: number;
  readonly name: MpiiJointName;
  /** jnt_count: persons with this joint annotated (the weight in the Mean); 0 when the joint is not predicted. */
  readonly count: number;
  /** Persons evaluated at 0.5 (= count, except 1.x persons with a zero-size head box). */
  readonly evaluated: number;
  /** Hits at 0.5. */
  readonly hitCount: number;
  /** PCKh at 0.5 in percent, full float64 as mmpose has it. */
  readonly pckh: number | null;
  /** PCKh at 0.1 in percent: mmpose's float32 `pckAll[10, j]`, widened to float64. */
  readonly pckhAt01: number | null;
  /** false when the model has no output for this joint. */
  readonly predicted: boolean;
}

export interface PckhCurve {
  /** The 51 thresholds of `np.arange(0, 0.51, 0.01)`, exactly as numpy computes them. */
  readonly thresholds: Float64Array;
  /** pckAll as mmpose stores it (float32): index r*16 + j; NaN where not computable. */
  readonly pckAll: Float32Array;
  /** Mean per threshold, computed like `PCKh@0.1` (float32 per-joint values × ratio, pairwise sum). */
  readonly mean: Float64Array;
  /**
   * Area under the 0–0.5 curve in percent: trapezoidal rule over the 51 exact thresholds divided by the
   * span 0.5 (see sweepAreaUnderCurve). Per joint (null where not computable) and for the mean curve.
   */
  readonly aucPerJoint: readonly (number | null)[];
  readonly aucMean: number | null;
}

export interface PckhReport {
  readonly protocol: PckhProtocol;
  /** N, as given. */
  readonly instances: number;
  /** 1.x only: persons dropped because all their GT coordinates are <= 0 (no visible joints in practice). */
  readonly droppedInstances: number;
  readonly metrics: PckhMetrics;
  readonly perJoint: readonly PckhJointResult[];
  readonly curve: PckhCurve;
  /**
   * N*16 (index n*16 + j): distance / head size as the protocol computes it at t = 0.5 (0.x float64 r;
   * 1.x the float32 d). NaN where the joint is not evaluated — and also for an evaluated joint whose GT
   * is NaN; `hits` tells the two apart.
   */
  readonly normalizedErrors: Float64Array;
  /** N*16 at t = 0.5: 1 hit, 0 miss, 255 (HIT_NOT_EVALUATED) not evaluated. */
  readonly hits: Uint8Array;
}

const ALL_JOINTS_PREDICTED: readonly boolean[] = new Array<boolean>(MPII_JOINT_COUNT).fill(true);

/** Computes the full PCKh report. Pure; allocation is O(N) typed arrays, nothing per element. */
export function computePckh(inputs: PckhInputs): PckhReport {
  const protocol = inputs.protocol;
  const jointPredicted = inputs.jointPredicted ?? ALL_JOINTS_PREDICTED;
  checkInputShapes(inputs);
  const tallyInputs = { ...inputs, jointPredicted };
  const tallies = protocol === 'mmpose1x' ? tallyMmpose1x(tallyInputs) : tallyMmpose0x(tallyInputs);
  return buildReport(protocol, inputs.instanceCount, tallies, jointPredicted);
}

function checkInputShapes(inputs: PckhInputs): void {
  const n = inputs.instanceCount;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`instanceCount must be a non-negative integer, got ${n}`);
  if (inputs.protocol !== 'mmpose0x' && inputs.protocol !== 'mmpose1x') {
    throw new RangeError(`unknown PCKh protocol "${String(inputs.protocol)}"`);
  }
  const expect = (name: string, actual: number, expected: number): void => {
    if (actual !== expected) throw new RangeError(`${name} has ${actual} values; ${n} persons need ${expected}`);
  };
  expect('predictions0Based', inputs.predictions0Based.length, n * MPII_JOINT_COUNT * 2);
  expect('gtPositions1Based', inputs.gtPositions1Based.length, n * MPII_JOINT_COUNT * 2);
  expect('visible', inputs.visible.length, n * MPII_JOINT_COUNT);
  expect('headBoxes1Based', inputs.headBoxes1Based.length, n * 4);
  checkJointPredicted(inputs.jointPredicted);
}

/**
 * Per-joint percentage as mmpose computes it.
 * 0.x §2 step 8: (100 * hits) / count — the product first; 0/0 = NaN.
 * 1.x §3 item 3: 100 * (hits / valid) — the division first; no valid sample → acc = -1 → -100.
 */
function protocolPercent(protocol: PckhProtocol, hits: number, denominator: number): number {
  if (protocol === 'mmpose0x') return (100 * hits) / denominator;
  return denominator > 0 ? 100 * (hits / denominator) : -100;
}

/**
 * Per-joint integer tallies that decide every reported column (spec §2 steps 7–11, §3 items 3–5).
 * Index j = joint (length 16). Any array-like of integers: a bootstrap replicate passes weighted sums.
 */
export interface PckhColumnTallies {
  /** jnt_count: the weight of the joint in the Mean and the denominator at t = 0.1. */
  readonly count: ArrayLike<number>;
  /** Denominator at t = 0.5 (= count except 1.x persons with a zero-size head box). */
  readonly evaluated: ArrayLike<number>;
  /** Hits at t = 0.5. */
  readonly hitCount: ArrayLike<number>;
  /** Hits at t = 0.1 (pckAll[10]; the sweep's rule: 0.x `<=`, 1.x `<` and the zero-head-box quirk). */
  readonly hitCountAt01: ArrayLike<number>;
}

/**
 * Layout of the columns written by writePckhColumns: PCKH_METRIC_KEYS (9), then the 16 per-joint PCKh
 * values at 0.5, then the 16 per-joint values at 0.1 (float32 as mmpose stores them, widened).
 */
export const PCKH_COLUMN_METRICS_OFFSET = 0;
export const PCKH_COLUMN_JOINTS_OFFSET = PCKH_METRIC_KEYS.length;
export const PCKH_COLUMN_JOINTS_AT_01_OFFSET = PCKH_COLUMN_JOINTS_OFFSET + MPII_JOINT_COUNT;
export const PCKH_COLUMN_COUNT = PCKH_COLUMN_JOINTS_AT_01_OFFSET + MPII_JOINT_COUNT;

/**
 * Every reported value from the per-joint tallies, exactly as computePckh reports them (it calls this),
 * written into `out[offset .. offset + PCKH_COLUMN_COUNT)` with NaN where the report has null.
 * Allocation-free apart from a few 16-slot scratch arrays, so a bootstrap can call it per replicate.
 */
export function writePckhColumns(protocol: PckhProtocol, tallies: PckhColumnTallies, jointPredicted: readonly boolean[], out: Float64Array, offset = 0): void {
  const { count, evaluated, hitCount, hitCountAt01 } = tallies;
  // Module scratch (no allocation per call: a bootstrap calls this B × variants times).
  const { inMean, ratio, raw05, raw01, computable05, computable01, terms } = COLUMN_SCRATCH;
  fillMeanWeights(count, jointPredicted, inMean, ratio);
  for (let j = 0; j < MPII_JOINT_COUNT; j++) {
    raw05[j] = protocolPercent(protocol, hitCount[j]!, evaluated[j]!);
    computable05[j] = jointPredicted[j] === true && evaluated[j]! > 0 ? 1 : 0;
    // pckAll is a float32 array (spec §2 step 9, §3 item 4).
    raw01[j] = Math.fround(protocolPercent(protocol, hitCountAt01[j]!, count[j]!));
    computable01[j] = jointPredicted[j] === true && count[j]! > 0 ? 1 : 0;
  }
  // spec §2 item 11: groups are unweighted left/right means, 0.5 * (a + b).
  for (let g = 0; g < PCKH_GROUPS.length; g++) {
    const joints: readonly number[] = PCKH_GROUPS[g]!.joints;
    const a = joints[0]!;
    const b = joints[1];
    let value: number;
    if (b === undefined) value = computable05[a] === 1 ? raw05[a]! : Number.NaN;
    else value = computable05[a] === 1 && computable05[b] === 1 ? 0.5 * (raw05[a]! + raw05[b]!) : Number.NaN;
    out[offset + PCKH_COLUMN_METRICS_OFFSET + g] = value;
  }
  const mean05 = weightedMean(raw05, inMean, ratio, terms);
  out[offset + PCKH_COLUMN_METRICS_OFFSET + PCKH_METRIC_KEYS.indexOf('PCKh')] =
    sentinelWeighs(inMean, computable05, count) || !Number.isFinite(mean05) ? Number.NaN : mean05;
  const mean01 = weightedMean(raw01, inMean, ratio, terms);
  out[offset + PCKH_COLUMN_METRICS_OFFSET + PCKH_METRIC_KEYS.indexOf('PCKh@0.1')] =
    sentinelWeighs(inMean, computable01, count) || !Number.isFinite(mean01) ? Number.NaN : mean01;
  for (let j = 0; j < MPII_JOINT_COUNT; j++) {
    out[offset + PCKH_COLUMN_JOINTS_OFFSET + j] = computable05[j] === 1 ? raw05[j]! : Number.NaN;
    out[offset + PCKH_COLUMN_JOINTS_AT_01_OFFSET + j] = computable01[j] === 1 ? raw01[j]! : Number.NaN;
  }
}

const COLUMN_SCRATCH = {
  inMean: new Uint8Array(MPII_JOINT_COUNT),
  ratio: new Float64Array(MPII_JOINT_COUNT),
  raw05: new Float64Array(MPII_JOINT_COUNT),
  raw01: new Float64Array(MPII_JOINT_COUNT),
  computable05: new Uint8Array(MPII_JOINT_COUNT),
  computable01: new Uint8Array(MPII_JOINT_COUNT),
  terms: new Float64Array(MPII_JOINT_COUNT),
};

const EXCLUDED_FROM_MEAN = Uint8Array.from({ length: MPII_JOINT_COUNT }, (_, j) => (PCKH_EXCLUDED_FROM_MEAN.includes(j) ? 1 : 0));

/** spec §2 step 10: pelvis/thorax (and unpredicted joints) masked; ratio = count / total in float64. */
function fillMeanWeights(count: ArrayLike<number>, jointPredicted: readonly boolean[], inMean: Uint8Array, ratio: Float64Array): void {
  let total = 0;
  for (let j = 0; j < MPII_JOINT_COUNT; j++) {
    inMean[j] = jointPredicted[j] === true && EXCLUDED_FROM_MEAN[j] === 0 ? 1 : 0;
    if (inMean[j] === 1) total += count[j]!;
  }
  for (let j = 0; j < MPII_JOINT_COUNT; j++) ratio[j] = inMean[j] === 1 ? count[j]! / total : 0;
}

/** spec §2.1: Σ over 16 slots (0 in masked slots), terms = value * ratio, numpy pairwise order. */
function weightedMean(values: ArrayLike<number>, inMean: Uint8Array, ratio: Float64Array, terms: Float64Array, offset = 0): number {
  for (let j = 0; j < MPII_JOINT_COUNT; j++) terms[j] = inMean[j] === 1 ? values[offset + j]! * ratio[j]! : 0;
  return 0 + numpyPairwiseSum(terms, 0, MPII_JOINT_COUNT);
}

/** A sentinel that carries weight makes mmpose's Mean meaningless (only possible in 1.x at 0.5). */
function sentinelWeighs(inMean: Uint8Array, computable: Uint8Array, count: ArrayLike<number>): boolean {
  for (let j = 0; j < MPII_JOINT_COUNT; j++) if (inMean[j] === 1 && computable[j] === 0 && count[j]! > 0) return true;
  return false;
}

const nullIfNaN = (v: number): number | null => (Number.isNaN(v) ? null : v);

function buildReport(protocol: PckhProtocol, instances: number, tallies: PckhTallies, jointPredicted: readonly boolean[]): PckhReport {
  const { count, evaluated, hitCount, sweepHits } = tallies;
  const inMean = new Uint8Array(MPII_JOINT_COUNT);
  const ratio = new Float64Array(MPII_JOINT_COUNT);
  fillMeanWeights(count, jointPredicted, inMean, ratio);

  // The reported columns (groups, Mean, PCKh@0.1, per joint at 0.5 and 0.1) come from the one function
  // a bootstrap replicate calls too.
  const columns = new Float64Array(PCKH_COLUMN_COUNT);
  const at01 = PCKH_AT_01_SWEEP_INDEX * MPII_JOINT_COUNT;
  writePckhColumns(protocol, { count, evaluated, hitCount, hitCountAt01: sweepHits.subarray(at01, at01 + MPII_JOINT_COUNT) }, jointPredicted, columns);

  // Sweep: pckAll[r, j] stored as float32 (spec §2 step 9, §3 item 4); the denominator is count.
  const rawPckAll = new Float32Array(PCKH_SWEEP_LENGTH * MPII_JOINT_COUNT);
  for (let r = 0; r < PCKH_SWEEP_LENGTH; r++) {
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const i = r * MPII_JOINT_COUNT + j;
      rawPckAll[i] = protocolPercent(protocol, sweepHits[i]!, count[j]!);
    }
  }
  const computableSweep = new Uint8Array(MPII_JOINT_COUNT);
  for (let j = 0; j < MPII_JOINT_COUNT; j++) computableSweep[j] = jointPredicted[j] === true && count[j]! > 0 ? 1 : 0;

  const meanCurve = new Float64Array(PCKH_SWEEP_LENGTH);
  const terms = new Float64Array(MPII_JOINT_COUNT);
  const sweepSentinel = sentinelWeighs(inMean, computableSweep, count);
  for (let r = 0; r < PCKH_SWEEP_LENGTH; r++) {
    // spec §2.1: the float32 pckAll value, widened, times the float64 ratio.
    const v = weightedMean(rawPckAll, inMean, ratio, terms, r * MPII_JOINT_COUNT);
    meanCurve[r] = sweepSentinel || !Number.isFinite(v) ? Number.NaN : v;
  }

  const pckAll = new Float32Array(rawPckAll.length);
  for (let r = 0; r < PCKH_SWEEP_LENGTH; r++) {
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const i = r * MPII_JOINT_COUNT + j;
      pckAll[i] = computableSweep[j] === 1 ? rawPckAll[i]! : Number.NaN;
    }
  }

  const metrics = {} as PckhMetrics;
  PCKH_METRIC_KEYS.forEach((key, k) => {
    metrics[key] = nullIfNaN(columns[PCKH_COLUMN_METRICS_OFFSET + k]!);
  });
  const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

  const perJoint: PckhJointResult[] = [];
  const aucPerJoint: (number | null)[] = [];
  for (let j = 0; j < MPII_JOINT_COUNT; j++) {
    perJoint.push({
      index: j,
      name: MPII_JOINT_NAMES[j]!,
      count: count[j]!,
      evaluated: evaluated[j]!,
      hitCount: hitCount[j]!,
      pckh: nullIfNaN(columns[PCKH_COLUMN_JOINTS_OFFSET + j]!),
      pckhAt01: nullIfNaN(columns[PCKH_COLUMN_JOINTS_AT_01_OFFSET + j]!),
      predicted: jointPredicted[j] === true,
    });
    aucPerJoint.push(computableSweep[j] === 1 ? sweepAreaUnderCurve(pckAll, j, MPII_JOINT_COUNT) : null);
  }

  return {
    protocol,
    instances,
    droppedInstances: tallies.droppedInstances,
    metrics,
    perJoint,
    curve: {
      thresholds: PCKH_SWEEP_THRESHOLDS.slice(),
      pckAll,
      mean: meanCurve,
      aucPerJoint,
      aucMean: finiteOrNull(sweepAreaUnderCurve(meanCurve)),
    },
    normalizedErrors: tallies.normalizedErrors,
    hits: tallies.hits,
  };
}
