/**
 * The per-person, per-joint part of PCKh: distances, normalisation by head size, hits at 0.5 and over
 * the 51-threshold sweep, for mmpose 0.x (spec §2) and 1.x (spec §3). Everything else (per-joint
 * percentages, the Mean) is built from these integer tallies in pckh.ts.
 *
 * Speed: one pass over N×16 joints with typed arrays. Instead of comparing every distance with all 51
 * thresholds, each distance is binned at the first threshold it passes (the thresholds increase, so it
 * passes all later ones too); a prefix sum then gives the hit counts per threshold.
 */
import { headSizeOfBox } from '../core/geometry.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import { firstPassedThresholdIndex, PCKH_SWEEP_LENGTH } from './threshold-sweep.ts';

export { HEAD_SIZE_FACTOR } from '../core/geometry.ts';
/** The main threshold (spec §2 item 11; 1.x `thr=0.5`). */
export const PCKH_MAIN_THRESHOLD = 0.5;
/** 1.x replaces head sizes <= 0 by this, in place, after the first call (spec §3 items 2 and 6). */
const MMPOSE_1X_INVALID_NORM_REPLACEMENT = 1e6;

/** `hits` value of a joint that is not evaluated at 0.5. */
export const HIT_NOT_EVALUATED = 255;

export interface PckhTallies {
  /** jnt_count: Σ_n visible (for 1.x: over the instances 1.x keeps). Length 16. */
  readonly count: Int32Array;
  /** Denominator at t = 0.5 (0.x: = count; 1.x: visible persons with a non-zero head size). */
  readonly evaluated: Int32Array;
  /** Hits at t = 0.5. */
  readonly hitCount: Int32Array;
  /** Hits at sweep threshold r: index r*16 + j. The denominator is `count` for both protocols. */
  readonly sweepHits: Int32Array;
  /** N*16: distance / head size as the protocol computes it; NaN where not evaluated at 0.5. */
  readonly normalizedErrors: Float64Array;
  /** N*16: 1 hit, 0 miss, 255 not evaluated (all at t = 0.5). */
  readonly hits: Uint8Array;
  /** 1.x only: persons whose GT coordinates are all <= 0, which 1.x drops (`_is_valid_instance`). */
  readonly droppedInstances: number;
}

export interface TallyInputs {
  readonly instanceCount: number;
  readonly predictions0Based: Float32Array;
  readonly gtPositions1Based: Float64Array;
  readonly visible: Uint8Array;
  readonly headBoxes1Based: Float64Array;
  /** Length 16; joints that are false are skipped entirely (not evaluated, not counted). */
  readonly jointPredicted: readonly boolean[];
}

function emptyTallies(n: number): Omit<PckhTallies, 'droppedInstances'> {
  const normalizedErrors = new Float64Array(n * MPII_JOINT_COUNT);
  normalizedErrors.fill(Number.NaN);
  const hits = new Uint8Array(n * MPII_JOINT_COUNT);
  hits.fill(HIT_NOT_EVALUATED);
  return {
    count: new Int32Array(MPII_JOINT_COUNT),
    evaluated: new Int32Array(MPII_JOINT_COUNT),
    hitCount: new Int32Array(MPII_JOINT_COUNT),
    // Holds the first-passed-threshold histogram until accumulateSweep turns it into hit counts.
    sweepHits: new Int32Array(PCKH_SWEEP_LENGTH * MPII_JOINT_COUNT),
    normalizedErrors,
    hits,
  };
}

/** Histogram of first passed thresholds → number of hits at each threshold (prefix sum over r). */
function accumulateSweep(sweep: Int32Array): void {
  for (let r = 1; r < PCKH_SWEEP_LENGTH; r++) {
    const row = r * MPII_JOINT_COUNT;
    const previous = row - MPII_JOINT_COUNT;
    for (let j = 0; j < MPII_JOINT_COUNT; j++) sweep[row + j]! += sweep[previous + j]!;
  }
}

/** spec §2 step 4 (both protocols): hs = 0.6 * ||(x2,y2) - (x1,y1)||, the norm first, in float64. */
export function headSize(headBoxes1Based: Float64Array, n: number): number {
  const b = n * 4;
  return headSizeOfBox(headBoxes1Based[b]!, headBoxes1Based[b + 1]!, headBoxes1Based[b + 2]!, headBoxes1Based[b + 3]!);
}

/**
 * mmpose 0.x, spec §2: P = float32(pred + 1); err = sqrt(dx² + dy²) in float64 against the float64 GT;
 * r = err / hs; hit = visible && r <= t (inclusive, float64). A NaN r (NaN GT, 0/0) is a miss.
 */
export function tallyMmpose0x(inputs: TallyInputs): PckhTallies {
  const { instanceCount: n, predictions0Based: pred, gtPositions1Based: gt, visible, headBoxes1Based, jointPredicted } = inputs;
  const t = emptyTallies(n);
  const { count, evaluated, hitCount, sweepHits, normalizedErrors, hits } = t;
  for (let p = 0; p < n; p++) {
    const hs = headSize(headBoxes1Based, p);
    const rowBase = p * MPII_JOINT_COUNT;
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const i = rowBase + j;
      if (visible[i] === 0 || !jointPredicted[j]) continue;
      count[j]!++;
      // spec §2.1: the +1 is a float32 add; after it everything is float64.
      const px = Math.fround(pred[2 * i]! + 1);
      const py = Math.fround(pred[2 * i + 1]! + 1);
      const dx = px - gt[2 * i]!;
      const dy = py - gt[2 * i + 1]!;
      const r = Math.sqrt(dx * dx + dy * dy) / hs;
      normalizedErrors[i] = r;
      const hit = r <= PCKH_MAIN_THRESHOLD;
      hits[i] = hit ? 1 : 0;
      if (hit) hitCount[j]!++;
      const k = firstPassedThresholdIndex(r, 'inclusive');
      if (k < PCKH_SWEEP_LENGTH) sweepHits[k * MPII_JOINT_COUNT + j]!++;
    }
  }
  evaluated.set(count);
  accumulateSweep(sweepHits);
  return { ...t, droppedInstances: 0 };
}

/**
 * mmpose 1.x, spec §3: G = float32(json GT); P = float32(pred + 1); diff = float32(P - G);
 * d = float32(sqrt((dx/hs)² + (dy/hs)²)) with the division in float64; hit = d < t (strict).
 * At t = 0.5 persons with hs == 0 are left out; in the sweep their hs is 1e6 (the in-place quirk, §3
 * item 6). Persons whose GT coordinates are all <= 0 are dropped (`_is_valid_instance`).
 * The sweep compares the float32 d with the float64 threshold (NumPy >= 2 promotion; see pckh.ts).
 */
export function tallyMmpose1x(inputs: TallyInputs): PckhTallies {
  const { instanceCount: n, predictions0Based: pred, gtPositions1Based: gt, visible, headBoxes1Based, jointPredicted } = inputs;
  const t = emptyTallies(n);
  const { count, evaluated, hitCount, sweepHits, normalizedErrors, hits } = t;
  let droppedInstances = 0;
  for (let p = 0; p < n; p++) {
    if (allGroundTruthNonPositive(gt, p)) {
      droppedInstances++;
      continue;
    }
    const hs = headSize(headBoxes1Based, p);
    const leftOutAtMain = hs === 0;
    const sweepNorm = hs <= 0 ? MMPOSE_1X_INVALID_NORM_REPLACEMENT : hs;
    const rowBase = p * MPII_JOINT_COUNT;
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const i = rowBase + j;
      if (visible[i] === 0 || !jointPredicted[j]) continue;
      count[j]!++;
      const dx = Math.fround(Math.fround(pred[2 * i]! + 1) - Math.fround(gt[2 * i]!));
      const dy = Math.fround(Math.fround(pred[2 * i + 1]! + 1) - Math.fround(gt[2 * i + 1]!));
      let sweepDistance: number;
      if (leftOutAtMain) {
        const a = dx / sweepNorm;
        const b = dy / sweepNorm;
        sweepDistance = Math.fround(Math.sqrt(a * a + b * b));
      } else {
        const a = dx / hs;
        const b = dy / hs;
        const d = Math.fround(Math.sqrt(a * a + b * b));
        sweepDistance = d;
        evaluated[j]!++;
        normalizedErrors[i] = d;
        const hit = d < PCKH_MAIN_THRESHOLD;
        hits[i] = hit ? 1 : 0;
        if (hit) hitCount[j]!++;
      }
      const k = firstPassedThresholdIndex(sweepDistance, 'strict');
      if (k < PCKH_SWEEP_LENGTH) sweepHits[k * MPII_JOINT_COUNT + j]!++;
    }
  }
  accumulateSweep(sweepHits);
  return { ...t, droppedInstances };
}

/** `np.max(keypoints) <= 0` for one person (NaN propagates through np.max, and NaN <= 0 is false). */
function allGroundTruthNonPositive(gt: Float64Array, p: number): boolean {
  const start = p * MPII_JOINT_COUNT * 2;
  const end = start + MPII_JOINT_COUNT * 2;
  for (let i = start; i < end; i++) {
    // 1.x holds the GT as float32: a tiny positive value rounds to 0.
    if (!(Math.fround(gt[i]!) <= 0)) return false;
  }
  return true;
}
