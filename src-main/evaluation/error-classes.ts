/**
 * Why a joint fails (issue 15): every joint the protocol evaluates is put in one error class, per
 * variant, person and joint, after coco-analyze (Ronchi & Perona, "Benchmarking and Error Diagnosis in
 * Multi-Instance Pose Estimation", ICCV 2017). coco-analyze works on OKS keypoint similarity (KS):
 * good KS > 0.85, jitter 0.5 ≤ KS ≤ 0.85, inversion / swap KS ≥ 0.5 against the person's mirrored joint
 * / another person's joint, miss otherwise. Here the unit is PCKh's, distance over head size h:
 *
 *  - hit:       the protocol's own PCKh hit at 0.5 (computePckh's `hits`, not recomputed here);
 *  - otherwise, first match wins:
 *  - inversion: within `inversion` h (default 0.5) of the same person's mirrored GT joint (MPII flip pairs);
 *  - swap:      within `swap` h_q (default = `inversion`) of the same joint, or its mirror, of another
 *               annotated person q of the same image, h_q = q's head size;
 *  - jitter:    within `jitter` h (default 1.0) of its own GT joint — a near miss;
 *  - miss:      everything else (no prediction, a non-finite or zero head size included).
 *
 * What-if PCKh: the PCKh the variant would have if one class were hits, computed like the real one
 * (the per-(person, joint) outcomes of person-tallies.ts with those joints' 0.5 hit set, summed, then
 * writePckhColumns), so with nothing flipped it is the reported PCKh bit for bit.
 *
 * Pure: typed arrays in, plain data out.
 */
import { MPII_FLIP_INDEX, MPII_JOINT_COUNT, MPII_JOINT_NAMES } from '../core/joints.ts';
import { PCKH_COLUMN_COUNT, PCKH_COLUMN_JOINTS_OFFSET, PCKH_METRIC_KEYS, writePckhColumns } from './pckh.ts';
import { HIT_NOT_EVALUATED } from './pckh-tally.ts';
import { HIT_05, sumOutcomes, type PersonJointOutcomes } from './person-tallies.ts';

const J = MPII_JOINT_COUNT;

/** Class codes of ErrorClassification.classes. */
export const CLASS_NOT_EVALUATED = 0;
export const CLASS_HIT = 1;
export const CLASS_INVERSION = 2;
export const CLASS_SWAP = 3;
export const CLASS_JITTER = 4;
export const CLASS_MISS = 5;

export const ERROR_CLASS_NAMES = ['hit', 'jitter', 'inversion', 'swap', 'miss'] as const;
export type ErrorClassName = (typeof ERROR_CLASS_NAMES)[number];

const CODE_OF: Readonly<Record<ErrorClassName, number>> = {
  hit: CLASS_HIT,
  inversion: CLASS_INVERSION,
  swap: CLASS_SWAP,
  jitter: CLASS_JITTER,
  miss: CLASS_MISS,
};

export interface ErrorClassThresholds {
  /** Inversion: distance to the person's mirrored joint, in head sizes (default 0.5). */
  readonly inversion: number;
  /** Swap: distance to another person's joint (or its mirror), in that person's head sizes (default = inversion). */
  readonly swap: number;
  /** Jitter: distance to its own joint, in head sizes (default 1.0). */
  readonly jitter: number;
}

export const DEFAULT_ERROR_CLASS_THRESHOLDS: ErrorClassThresholds = { inversion: 0.5, swap: 0.5, jitter: 1.0 };

/** The notes printed beside the classes (what they mean, and how they relate to coco-analyze). */
export const ERROR_CLASS_NOTES: readonly string[] = [
  "hit: the protocol's own PCKh hit at 0.5. Otherwise, first match wins: inversion (within --inversion h of the same person's mirrored joint), swap (within --inversion h_q of the same joint or its mirror of another annotated person q of the image), jitter (within --jitter h of its own joint), miss.",
  "After coco-analyze (Ronchi & Perona, ICCV 2017), which uses keypoint similarity KS: good KS > 0.85, jitter 0.5-0.85, inversion/swap KS >= 0.5 against the mirrored / another person's joint; here distances are in head sizes h (PCKh's unit).",
  'pckh_if_X_fixed: the PCKh (count-weighted, pelvis and thorax out of the Mean) if every joint of class X were a hit; with nothing changed it equals the reported PCKh bit for bit.',
];

/** Ground-truth geometry every variant is classified against (0-based pixels). */
export interface GroundTruthGeometry {
  readonly persons: number;
  /** Image name per person: persons of one image are the candidates for swaps. */
  readonly images: readonly string[];
  /** N*16*2, 0-based (x, y); NaN where the joint is not annotated. */
  readonly joints0Based: Float64Array;
  /** N head sizes (0.6 × head-box diagonal, headSizeOfBox); may be 0 or NaN. */
  readonly headSizes: Float64Array;
}

export interface ErrorClassification {
  /** N*16 class codes (CLASS_*). */
  readonly classes: Uint8Array;
}

/** Persons grouped by image: for each person, the other persons of its image (shared arrays). */
export function personsByImage(images: readonly string[]): readonly (readonly number[])[] {
  const groups = new Map<string, number[]>();
  images.forEach((image, p) => {
    const group = groups.get(image);
    if (group === undefined) groups.set(image, [p]);
    else group.push(p);
  });
  return images.map((image) => groups.get(image)!);
}

function distance(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  return Math.sqrt(dx * dx + dy * dy);
}

/**
 * Classifies every (person, joint) of one variant. `hits` is computePckh's report.hits (1 hit, 0 miss,
 * 255 not evaluated); `predictions0Based` the run's N*16*2 0-based pixels (NaN where not predicted).
 */
export function classifyErrors(
  geometry: GroundTruthGeometry,
  predictions0Based: ArrayLike<number>,
  hits: Uint8Array,
  thresholds: ErrorClassThresholds = DEFAULT_ERROR_CLASS_THRESHOLDS,
  sameImage: readonly (readonly number[])[] = personsByImage(geometry.images),
): ErrorClassification {
  const n = geometry.persons;
  if (hits.length !== n * J) throw new RangeError(`classifyErrors: ${hits.length / J} persons of hits, ${n} of ground truth`);
  if (predictions0Based.length !== n * J * 2)
    throw new RangeError(`classifyErrors: ${predictions0Based.length / (J * 2)} persons of predictions, ${n} of ground truth`);
  const { joints0Based: gt, headSizes } = geometry;
  const classes = new Uint8Array(n * J);
  for (let p = 0; p < n; p++) {
    const h = headSizes[p]!;
    const usable = Number.isFinite(h) && h > 0;
    for (let j = 0; j < J; j++) {
      const i = p * J + j;
      const hit = hits[i]!;
      if (hit === HIT_NOT_EVALUATED) continue;
      if (hit === 1) {
        classes[i] = CLASS_HIT;
        continue;
      }
      const px = predictions0Based[2 * i]!;
      const py = predictions0Based[2 * i + 1]!;
      if (!usable || !Number.isFinite(px) || !Number.isFinite(py)) {
        classes[i] = CLASS_MISS;
        continue;
      }
      const m = MPII_FLIP_INDEX[j]!;
      if (m !== j) {
        const d = distance(px, py, gt[2 * (p * J + m)]!, gt[2 * (p * J + m) + 1]!);
        if (d <= thresholds.inversion * h) {
          classes[i] = CLASS_INVERSION;
          continue;
        }
      }
      if (isSwap(px, py, p, j, m, gt, headSizes, sameImage[p] ?? [], thresholds.swap)) {
        classes[i] = CLASS_SWAP;
        continue;
      }
      const own = distance(px, py, gt[2 * i]!, gt[2 * i + 1]!);
      classes[i] = own <= thresholds.jitter * h ? CLASS_JITTER : CLASS_MISS;
    }
  }
  return { classes };
}

function isSwap(
  px: number,
  py: number,
  p: number,
  j: number,
  m: number,
  gt: Float64Array,
  headSizes: Float64Array,
  group: readonly number[],
  threshold: number,
): boolean {
  for (const q of group) {
    if (q === p) continue;
    const hq = headSizes[q]!;
    if (!(Number.isFinite(hq) && hq > 0)) continue;
    const limit = threshold * hq;
    const a = 2 * (q * J + j);
    if (distance(px, py, gt[a]!, gt[a + 1]!) <= limit) return true;
    if (m !== j) {
      const b = 2 * (q * J + m);
      if (distance(px, py, gt[b]!, gt[b + 1]!) <= limit) return true;
    }
  }
  return false;
}

export interface JointErrorSummary {
  readonly name: string;
  /** jnt_count of the report (the joint's weight in the Mean). */
  readonly count: number;
  /** Joints classified (= evaluated at 0.5). */
  readonly evaluated: number;
  readonly hit: number;
  readonly jitter: number;
  readonly inversion: number;
  readonly swap: number;
  readonly miss: number;
  /** Percent; null where not computable (as the report). */
  readonly pckh: number | null;
  readonly pckh_if_inversions_fixed: number | null;
  readonly pckh_if_swaps_fixed: number | null;
  readonly pckh_if_jitter_fixed: number | null;
}

export interface VariantErrorSummary {
  readonly pckh: number | null;
  readonly pckh_if_inversions_fixed: number | null;
  readonly pckh_if_swaps_fixed: number | null;
  readonly pckh_if_jitter_fixed: number | null;
  /** Totals over the 14 Mean joints (pelvis and thorax left out, as in PCKh). */
  readonly totals: { readonly hit: number; readonly jitter: number; readonly inversion: number; readonly swap: number; readonly miss: number };
  readonly per_joint: readonly JointErrorSummary[];
}

/**
 * The PCKh columns (writePckhColumns layout) if every joint of the given classes were a hit at 0.5.
 * `fixed` empty: the outcomes as they are (= the report's columns).
 */
export function whatIfColumns(outcomes: PersonJointOutcomes, classification: ErrorClassification, fixed: readonly ErrorClassName[]): Float64Array {
  const codes = new Uint8Array(8);
  for (const name of fixed) codes[CODE_OF[name]] = 1;
  const flags = outcomes.flags.slice();
  const { classes } = classification;
  if (classes.length !== flags.length) throw new RangeError('whatIfColumns: outcomes and classes cover different persons');
  for (let i = 0; i < flags.length; i++) if (codes[classes[i]!] === 1) flags[i]! |= HIT_05;
  const tallies = sumOutcomes({ ...outcomes, flags });
  const out = new Float64Array(PCKH_COLUMN_COUNT);
  writePckhColumns(outcomes.protocol, tallies, outcomes.jointPredicted, out);
  return out;
}

const nullIfNaN = (v: number): number | null => (Number.isNaN(v) ? null : v);
const PCKH_INDEX = PCKH_METRIC_KEYS.indexOf('PCKh');

/** Per-joint class counts and what-if PCKh of one variant. */
export function summarizeErrorClasses(outcomes: PersonJointOutcomes, classification: ErrorClassification, jointCounts: ArrayLike<number>): VariantErrorSummary {
  const counts = Array.from({ length: J }, () => new Int32Array(8));
  const { classes } = classification;
  for (let i = 0; i < classes.length; i++) counts[i % J]![classes[i]!]!++;
  const actual = whatIfColumns(outcomes, classification, []);
  const inversions = whatIfColumns(outcomes, classification, ['inversion']);
  const swaps = whatIfColumns(outcomes, classification, ['swap']);
  const jitter = whatIfColumns(outcomes, classification, ['jitter']);
  const totals = { hit: 0, jitter: 0, inversion: 0, swap: 0, miss: 0 };
  const per_joint: JointErrorSummary[] = [];
  for (let j = 0; j < J; j++) {
    const c = counts[j]!;
    const col = PCKH_COLUMN_JOINTS_OFFSET + j;
    if (j !== 6 && j !== 7 && outcomes.jointPredicted[j] === true) {
      totals.hit += c[CLASS_HIT]!;
      totals.jitter += c[CLASS_JITTER]!;
      totals.inversion += c[CLASS_INVERSION]!;
      totals.swap += c[CLASS_SWAP]!;
      totals.miss += c[CLASS_MISS]!;
    }
    per_joint.push({
      name: MPII_JOINT_NAMES[j]!,
      count: jointCounts[j]!,
      evaluated: c[CLASS_HIT]! + c[CLASS_JITTER]! + c[CLASS_INVERSION]! + c[CLASS_SWAP]! + c[CLASS_MISS]!,
      hit: c[CLASS_HIT]!,
      jitter: c[CLASS_JITTER]!,
      inversion: c[CLASS_INVERSION]!,
      swap: c[CLASS_SWAP]!,
      miss: c[CLASS_MISS]!,
      pckh: nullIfNaN(actual[col]!),
      pckh_if_inversions_fixed: nullIfNaN(inversions[col]!),
      pckh_if_swaps_fixed: nullIfNaN(swaps[col]!),
      pckh_if_jitter_fixed: nullIfNaN(jitter[col]!),
    });
  }
  return {
    pckh: nullIfNaN(actual[PCKH_INDEX]!),
    pckh_if_inversions_fixed: nullIfNaN(inversions[PCKH_INDEX]!),
    pckh_if_swaps_fixed: nullIfNaN(swaps[PCKH_INDEX]!),
    pckh_if_jitter_fixed: nullIfNaN(jitter[PCKH_INDEX]!),
    totals,
    per_joint,
  };
}
