/**
 * Is the ground truth wrong? (issue 15) A review queue of suspect annotations, from the agreement of
 * several predictors (variants and imported prediction sets) with each other and against the GT, plus
 * checks that need no predictor. Every distance is in head sizes h of the person (0.6 × head-box
 * diagonal, as PCKh), positions in 0-based pixels.
 *
 * Kinds (each suspect names its joints and a proposed fix; decisions are a later step, see GtReviewDecision):
 *  - flip_pair / flip_upper_body / flip_lower_body / flip_whole_person: a left/right pair is inverted
 *    when at least max(2, ⌈2n/3⌉) of the n predictors invert it (matched to the labels the other way
 *    round, their joints are closer, one within `inversion` h of the other label), or when the
 *    predictors' consensus on one joint lies on the other label and the other joint's does not
 *    contradict it, or — joining a half that already has a voted pair — when a strict majority invert it
 *    (reviewPerson, step 1); pairs grouped by body half. Fix: swap those pairs (whole person: all six).
 *  - displaced_joint: the issue's words — "predictors agree with each other (their spread ≤ 0.25 h) and
 *    their median is > 0.75 h from the GT joint" — read robustly (GtReviewOptions.consensus, default
 *    'majority'): the largest group of at least a strict majority of the n predictors (3 of 5, 2 of 3)
 *    each within `agreement` h of the group's own median (the others may be anywhere — a predictor that
 *    fails on an occluded wrist does not veto the rest — except on the GT joint: a predictor within
 *    `inversion` h of the label means the predictors do not agree and the label has support, so no
 *    suspect), that median more than `displaced` h from the GT joint and not on another person of the
 *    image. Fix: move the joint to the median. The earlier reading, at least ⌈2n/3⌉ within `agreement` h
 *    of the median of all, is `consensus: 'two_thirds'`: on MPII val with 5 published predictors it
 *    raised only ~82 % of planted displaced joints (most misses: 3 of 5 agreeing); the majority reading
 *    raises ~92 %, and the unmodified set's displaced suspects go from 572 to 784 (qc-bench). The same
 *    consensus feeds every score below and the wrong-person rule.
 *  - wrong_person: the predictors' medians are far (> `displaced` h) from this GT on most joints but
 *    within `wrongPerson` h_q of another annotated person q of the image. Fix: none (look at it).
 *  - joint_outside_image (image size known), head_box_degenerate (zero or non-finite), head_box_off_head
 *    (the box holds neither head top nor upper neck), duplicate_person (two annotations of one image
 *    nearly the same): no predictor needed. Fixes: mark missing / none.
 *
 * score (ranking only; the rules above decide what is a suspect): predictor kinds: Σ over the pairs or
 * the joint concerned of (agreeing predictors / n) × the evidence in head sizes (capped), then
 *  - flips × skeletonFactor (how far the proposed swap brings the GT's bone lengths back to the
 *    consensus skeleton's, evidence `bone_gain_h`) × elsewhereFactor (the predictors' largest miss on the
 *    person's other joints, `others_far_h`, mirror-aware: a left/right joint counts as near when the
 *    consensus is on its own GT joint or its mirror's — a labeller who confused more pairs than the
 *    predictors flag made the same error, which is no evidence against it; without this, planted
 *    whole-person flips with a pair the predictors do not invert cleanly ranked below natural suspects);
 *  - displaced joints × (1 + rarity: −log10 of the share of the set's persons whose consensus is as far
 *    from their label on this joint, `disagreementRarity` — a neck 1 h off is rarer than a wrist 1 h
 *    off, the per-keypoint spread COCO's σ encodes, read from the set) × how tightly the predictors agree × the squared share of the person's other joints
 *    the predictors put on the GT (`context`) × boneFactor (|GT − consensus| length of the joint's bones
 *    to neighbours the predictors put on the GT, `bone_h`: predictors that are wrong together still draw
 *    plausible bones, a misplaced label does not) × elsewhereFactor. Evidence `gt_support`: predictors on
 *    the label (0 in the majority reading; the two-thirds reading allows some).
 * Checks: a fixed weight. Sorted by score, descending. Measured on MPII val with planted errors in
 * test/bench/qc-bench.ts.
 *
 * Pure: typed arrays in, plain JSON-ready data out.
 */
import { MPII_FLIP_PAIRS, MPII_JOINT_COUNT, MPII_JOINT_NAMES, MPII_SKELETON } from '../core/joints.ts';
import { personsByImage, type GroundTruthGeometry } from './error-classes.ts';

const J = MPII_JOINT_COUNT;

export type SuspectKind =
  | 'flip_pair'
  | 'flip_upper_body'
  | 'flip_lower_body'
  | 'flip_whole_person'
  | 'displaced_joint'
  | 'wrong_person'
  | 'joint_outside_image'
  | 'head_box_degenerate'
  | 'head_box_off_head'
  | 'duplicate_person';

export const FLIP_KINDS: readonly SuspectKind[] = ['flip_pair', 'flip_upper_body', 'flip_lower_body', 'flip_whole_person'];

export type SuspectProposal =
  /** Swap the left/right GT joints of these pairs (MPII joint names, [right, left]). */
  | { readonly action: 'swap_pairs'; readonly pairs: readonly (readonly [string, string])[] }
  /** Move the GT joint to the predictors' median, 0-based pixels. */
  | { readonly action: 'move_joint'; readonly joint: string; readonly to: readonly [number, number] }
  /** Mark these GT joints missing (not annotated). */
  | { readonly action: 'mark_missing'; readonly joints: readonly string[] }
  /** No automatic fix: a person has to look (reason says what). */
  | { readonly action: 'none'; readonly reason: string };

export interface GtSuspect {
  /** Stable key of the suspect: `${index}:${kind}:${joints joined by ','}` (what a decision refers to). */
  readonly id: string;
  /** 0-based dataset entry (json index = gt `.mat` column). */
  readonly index: number;
  readonly image: string;
  readonly kind: SuspectKind;
  readonly score: number;
  /** MPII joint names concerned (empty for whole-annotation checks). */
  readonly joints: readonly string[];
  /** Predictors supporting it (0 for checks without predictors) out of `of`. */
  readonly predictors: number;
  readonly of: number;
  /** The evidence, in head sizes where a distance (e.g. {distance_h, spread_h} or {other_index}). */
  readonly evidence: Readonly<Record<string, number | string | null>>;
  readonly proposal: SuspectProposal;
}

/**
 * What a reviewer decided about a suspect (a later step stores these; the queue then leaves decided
 * suspects out while their evidence is unchanged). `suspect_id` is GtSuspect.id.
 */
export interface GtReviewDecision {
  readonly suspect_id: string;
  readonly index: number;
  readonly kind: SuspectKind;
  /** label_right: the GT stays; fixed: the proposal (or a manual edit) was applied; later: skip for now. */
  readonly verdict: 'label_right' | 'fixed' | 'later';
  /** GT revision the decision was made on. */
  readonly gt_revision: number;
  readonly decided_at: string;
  readonly note: string | null;
}

export interface PredictorSet {
  readonly name: string;
  /** N*16*2 0-based pixels; NaN where not predicted. */
  readonly coords: ArrayLike<number>;
}

export interface GtReviewInput {
  readonly geometry: GroundTruthGeometry;
  /** N*4 head boxes, 1-based (x1, y1, x2, y2), as in the gt `.mat`. */
  readonly headBoxes1Based: Float64Array;
  readonly predictors: readonly PredictorSet[];
  /** Image sizes where known (images absent from it are not checked for joints outside). */
  readonly imageSizes?: ReadonlyMap<string, { readonly width: number; readonly height: number }>;
}

export interface GtReviewOptions {
  /** Fewer predictors than this: no predictor-based suspects (default 2). */
  readonly minPredictors: number;
  /**
   * A predictor inverts a pair when, its nearer joint within this many h of the other label, its joints
   * are closer to the labels matched the other way round (0.5; reviewPerson, step 1). Also "on the
   * label" for the consensus rules and the displaced rule's support.
   */
  readonly inversion: number;
  /** Predictors agree when within this many h of their median (0.25). */
  readonly agreement: number;
  /** A displaced label: the median is further than this many h from the GT joint (0.75). */
  readonly displaced: number;
  /** Wrong person: the medians are within this many h_q of another person q (0.5). */
  readonly wrongPerson: number;
  /** Duplicate: mean joint distance of two annotations below this many h (0.15). */
  readonly duplicate: number;
  /**
   * How the predictors' consensus on a joint is read (the displaced rule and every score that uses the
   * consensus): 'majority' (default) — the largest group of at least a strict majority of the n
   * predictors that agree within `agreement` h of their own median, and for a displaced label no
   * predictor on the GT joint; 'two_thirds' — the previous reading: at least ⌈2n/3⌉ within `agreement` h
   * of the median of all (kept to compare, and for the benchmark's choice of persons to plant errors on).
   */
  readonly consensus: 'majority' | 'two_thirds';
}

export const DEFAULT_GT_REVIEW_OPTIONS: GtReviewOptions = {
  minPredictors: 2,
  inversion: 0.5,
  agreement: 0.25,
  displaced: 0.75,
  wrongPerson: 0.5,
  duplicate: 0.15,
  consensus: 'majority',
};

export interface GtReviewResult {
  readonly predictors: readonly string[];
  readonly persons: number;
  readonly suspects: readonly GtSuspect[];
}

/** Majority a suspect needs among n predictors: max(2, ⌈2n/3⌉). */
export function requiredAgreement(n: number): number {
  return Math.max(2, Math.ceil((2 * n) / 3));
}

/** Head-box check: the box widened by this share of its width/height on each side. */
export const HEAD_BOX_MARGIN = 0.25;

// indices into MPII_FLIP_PAIRS: ankles, knees, hips
const LOWER_PAIRS = new Set([0, 1, 2]);
/** Each joint's left/right mirror (itself on the midline). */
const MIRROR: readonly number[] = Array.from({ length: J }, (_, j) => {
  const pair = MPII_FLIP_PAIRS.find(([a, b]) => a === j || b === j);
  return pair === undefined ? j : pair[0] === j ? pair[1] : pair[0];
});
const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;
/** The skeleton's neighbours of each joint (MPII_SKELETON). */
const NEIGHBOURS: readonly (readonly number[])[] = Array.from({ length: J }, (_, j) =>
  MPII_SKELETON.filter(([a, b]) => a === j || b === j).map(([a, b]) => (a === j ? b : a)),
);

function dist(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  return Math.sqrt(dx * dx + dy * dy);
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const m = values.length >> 1;
  return values.length % 2 === 1 ? values[m]! : 0.5 * (values[m - 1]! + values[m]!);
}

/** Majority a consensus needs among n predictors: a strict majority, at least 2. */
export function majorityAgreement(n: number): number {
  return Math.max(2, Math.floor(n / 2) + 1);
}

export interface AgreeingGroup {
  /** The group's median (pixels). */
  readonly x: number;
  readonly y: number;
  /** Members (predictions within `radius` of the median). */
  readonly agreeing: number;
  /** Largest member distance to the median, pixels. */
  readonly spread: number;
}

/**
 * The largest group of the points that agree with each other: every member within `radius` of the
 * group's own median (ties: the tighter group). Candidate groups start from the median of all points
 * and from each point not already in the best group found (the points within `radius` of it), then are
 * re-centred on their median until stable (at most 4 rounds). null when no group of at least `need`
 * points agrees. O(m²) per call for m points (m ≤ 31).
 */
export function agreeingGroup(xs: readonly number[], ys: readonly number[], radius: number, need: number): AgreeingGroup | null {
  const m = xs.length;
  if (m < need || m > 31) return null;
  const bx: number[] = [];
  const by: number[] = [];
  const medianOf = (mask: number): [number, number] => {
    bx.length = 0;
    by.length = 0;
    for (let i = 0; i < m; i++) {
      if (mask & (1 << i)) {
        bx.push(xs[i]!);
        by.push(ys[i]!);
      }
    }
    return [median(bx), median(by)];
  };
  let best: AgreeingGroup | null = null;
  let bestMask = 0;
  for (let start = -1; start < m; start++) {
    if (start >= 0 && bestMask & (1 << start)) continue;
    let [cx, cy] = start < 0 ? medianOf((1 << m) - 1) : [xs[start]!, ys[start]!];
    let mask = 0;
    let count = 0;
    for (let round = 0; round < 4; round++) {
      let next = 0;
      count = 0;
      for (let i = 0; i < m; i++) {
        if (dist(xs[i]!, ys[i]!, cx, cy) <= radius) {
          next |= 1 << i;
          count++;
        }
      }
      if (next === 0) break;
      const same = next === mask;
      mask = next;
      [cx, cy] = medianOf(mask);
      if (same) break;
    }
    if (count < need || (best !== null && count < best.agreeing)) continue;
    let spread = 0;
    for (let i = 0; i < m; i++) if (mask & (1 << i)) spread = Math.max(spread, dist(xs[i]!, ys[i]!, cx, cy));
    if (spread > radius) continue;
    if (best === null || count > best.agreeing || spread < best.spread) {
      best = { x: cx, y: cy, agreeing: count, spread };
      bestMask = mask;
    }
  }
  return best;
}

/**
 * Displaced joint, skeletal plausibility: predictors that are wrong together still draw a plausible
 * skeleton, so their bone to a neighbour they put on the GT keeps its length, while a misplaced label
 * stretches or shrinks the GT's bone. `boneGap`: the largest |GT bone length − consensus bone length| (h)
 * over the anchored bones (null: none), capped at 1 h; weighted by the square root of the share of the
 * joint's bones that are anchored. 0.2 (nothing to compare, or lengths equal) … 1.
 */
export function boneFactor(boneGap: number | null, anchored: number, bones: number): number {
  if (boneGap === null || bones === 0) return 0.2;
  return 0.2 + 0.8 * Math.min(Math.max(boneGap, 0), 1) * Math.sqrt(anchored / bones);
}

/**
 * Flips, skeletal plausibility: how much the proposed swap brings the GT's bone lengths nearer the
 * consensus's (Σ|ΔL| before − after, h; null: no bone to compare), capped at 2 h. 1 … 3.
 */
export function skeletonFactor(swapGain: number | null): number {
  return 1 + Math.min(Math.max(swapGain ?? 0, 0), 2);
}

/**
 * Both kinds: a person the predictors get right everywhere else is a stronger suspect. `othersFar`: the
 * largest consensus–GT distance (h) over the person's other joints; up to `near` h → 1, then 1/(1 + excess).
 */
export function elsewhereFactor(othersFar: number, near: number): number {
  return 1 / (1 + Math.max(0, othersFar - near));
}

/**
 * How rare a disagreement is for each joint in this set: per joint, the sorted distances (h) between
 * the predictors' consensus and the label over every person with both. A wrist or ankle the predictors
 * and the labeller place 1 h apart is common (occluded, ambiguous); a neck or pelvis 1 h off is not —
 * the per-keypoint spread OKS expresses with COCO's σ, read here from the set itself.
 */
export interface JointRarity {
  readonly sorted: readonly Float64Array[];
}

function jointRarity(geometry: GroundTruthGeometry, consensusOf: readonly (readonly (JointConsensus | null)[])[]): JointRarity {
  const gt = geometry.joints0Based;
  const sorted = Array.from({ length: J }, (_, j) => {
    const values: number[] = [];
    consensusOf.forEach((consensus, p) => {
      const c = consensus[j];
      const h = geometry.headSizes[p]!;
      const x = gt[2 * (p * J + j)]!;
      const y = gt[2 * (p * J + j) + 1]!;
      if (c === null || c === undefined || !(Number.isFinite(h) && h > 0) || !Number.isFinite(x) || !Number.isFinite(y)) return;
      values.push(dist(c.x, c.y, x, y) / h);
    });
    return Float64Array.from(values).sort();
  });
  return { sorted };
}

/**
 * log10 of 1 / the share of the set's persons whose consensus is at least `d` h from their label on
 * joint j (the person asked about is one of them, so a set of one gives 0): 1 = one person in ten, 3 =
 * one in a thousand. It moves a little when other persons' labels are corrected (decisions kept on a
 * suspect do not depend on it), and only displaced joints use it, so it also lifts them against flips
 * in the unfiltered queue.
 */
export function disagreementRarity(rarity: JointRarity, j: number, d: number): number {
  const values = rarity.sorted[j]!;
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < d - 1e-9)
      lo = mid + 1; // ties within rounding count as "at least
    else hi = mid;
  }
  const atLeast = values.length - lo;
  return values.length === 0 ? 0 : Math.log10(values.length / Math.max(1, atLeast));
}

export function reviewGroundTruth(input: GtReviewInput, options: Partial<GtReviewOptions> = {}): GtReviewResult {
  const o: GtReviewOptions = { ...DEFAULT_GT_REVIEW_OPTIONS, ...options };
  const { geometry, predictors } = input;
  const n = geometry.persons;
  for (const set of predictors) {
    if (set.coords.length !== n * J * 2)
      throw new RangeError(`reviewGroundTruth: predictor "${set.name}" has ${set.coords.length / (J * 2)} persons, the ground truth ${n}`);
  }
  const sameImage = personsByImage(geometry.images);
  const suspects: GtSuspect[] = [];
  const usePredictors = predictors.length >= Math.max(2, o.minPredictors);
  // Every person's consensus first: how rare a disagreement is for a joint is read from the whole set.
  const consensusOf = usePredictors ? Array.from({ length: n }, (_, p) => personConsensus(input, o, p)) : [];
  const rarity = jointRarity(geometry, consensusOf);
  for (let p = 0; p < n; p++) {
    checkPerson(input, o, p, sameImage[p]!, suspects);
    if (usePredictors) reviewPerson(input, o, p, sameImage[p]!, consensusOf, rarity, suspects);
  }
  suspects.sort((a, b) => b.score - a.score || a.index - b.index || a.kind.localeCompare(b.kind));
  return { predictors: predictors.map((s) => s.name), persons: n, suspects };
}

function makeSuspect(
  geometry: GroundTruthGeometry,
  p: number,
  kind: SuspectKind,
  score: number,
  joints: readonly number[],
  predictors: number,
  of: number,
  evidence: Record<string, number | string | null>,
  proposal: SuspectProposal,
): GtSuspect {
  const names = joints.map((j) => MPII_JOINT_NAMES[j]!);
  return {
    id: `${p}:${kind}:${names.join(',')}`,
    index: p,
    image: geometry.images[p]!,
    kind,
    score: round4(score),
    joints: names,
    predictors,
    of,
    evidence,
    proposal,
  };
}

/** Checks without predictors: head box, joints outside the image, duplicates. */
function checkPerson(input: GtReviewInput, o: GtReviewOptions, p: number, group: readonly number[], out: GtSuspect[]): void {
  const { geometry, headBoxes1Based: box } = input;
  const gt = geometry.joints0Based;
  const h = geometry.headSizes[p]!;
  const [x1, y1, x2, y2] = [box[4 * p]!, box[4 * p + 1]!, box[4 * p + 2]!, box[4 * p + 3]!];
  const annotated = (j: number): boolean => Number.isFinite(gt[2 * (p * J + j)]!) && Number.isFinite(gt[2 * (p * J + j) + 1]!);
  const hasAny = Array.from({ length: J }, (_, j) => j).some(annotated);
  if (!(Number.isFinite(h) && h > 0)) {
    if (hasAny)
      out.push(
        makeSuspect(
          geometry,
          p,
          'head_box_degenerate',
          3,
          [],
          0,
          0,
          { head_size: Number.isFinite(h) ? h : null },
          { action: 'none', reason: 'the head box is empty or not finite: draw it again' },
        ),
      );
    return;
  }
  // Head box (1-based) holds neither head top nor upper neck (joints 0-based: +1).
  // MPII's boxes are drawn from head top to upper neck, so those joints sit on its edges (in the val
  // set 1-99 % of them within 16 % of the box size outside): the box is widened by HEAD_BOX_MARGIN.
  const mx = HEAD_BOX_MARGIN * Math.abs(x2 - x1);
  const my = HEAD_BOX_MARGIN * Math.abs(y2 - y1);
  const inBox = (j: number): boolean => {
    const x = gt[2 * (p * J + j)]! + 1;
    const y = gt[2 * (p * J + j) + 1]! + 1;
    return x >= Math.min(x1, x2) - mx && x <= Math.max(x1, x2) + mx && y >= Math.min(y1, y2) - my && y <= Math.max(y1, y2) + my;
  };
  const headJoints = [9, 8].filter(annotated);
  if (headJoints.length > 0 && !headJoints.some(inBox)) {
    const cx = 0.5 * (x1 + x2) - 1;
    const cy = 0.5 * (y1 + y2) - 1;
    const off = Math.min(...headJoints.map((j) => dist(gt[2 * (p * J + j)]!, gt[2 * (p * J + j) + 1]!, cx, cy) / h));
    out.push(
      makeSuspect(
        geometry,
        p,
        'head_box_off_head',
        1 + Math.min(off, 3),
        headJoints,
        0,
        0,
        { distance_h: round4(off) },
        { action: 'none', reason: 'the head box holds neither head top nor upper neck: check the box and those joints' },
      ),
    );
  }
  // Joints outside the image (pixel centres 0..w-1; the image spans -0.5..w-0.5).
  const size = input.imageSizes?.get(geometry.images[p]!);
  if (size !== undefined) {
    const outside: number[] = [];
    let worst = 0;
    for (let j = 0; j < J; j++) {
      if (!annotated(j)) continue;
      const x = gt[2 * (p * J + j)]!;
      const y = gt[2 * (p * J + j) + 1]!;
      const excess = Math.max(-0.5 - x, x - (size.width - 0.5), -0.5 - y, y - (size.height - 0.5), 0);
      if (excess > 0) {
        outside.push(j);
        worst = Math.max(worst, excess / h);
      }
    }
    if (outside.length > 0) {
      out.push(
        makeSuspect(
          geometry,
          p,
          'joint_outside_image',
          1 + Math.min(worst, 2),
          outside,
          0,
          0,
          { excess_h: round4(worst), width: size.width, height: size.height },
          { action: 'mark_missing', joints: outside.map((j) => MPII_JOINT_NAMES[j]!) },
        ),
      );
    }
  }
  // Duplicate annotation: an earlier person of the image nearly the same (reported on the later one).
  for (const q of group) {
    if (q >= p) break;
    const hq = geometry.headSizes[q]!;
    const scale = Number.isFinite(hq) && hq > 0 ? Math.min(h, hq) : h;
    let sum = 0;
    let common = 0;
    for (let j = 0; j < J; j++) {
      const a = 2 * (p * J + j);
      const b = 2 * (q * J + j);
      const d = dist(gt[a]!, gt[a + 1]!, gt[b]!, gt[b + 1]!);
      if (Number.isFinite(d)) {
        sum += d;
        common++;
      }
    }
    if (common >= 3 && sum / common / scale <= o.duplicate) {
      out.push(
        makeSuspect(
          geometry,
          p,
          'duplicate_person',
          3,
          [],
          0,
          0,
          { other_index: q, mean_distance_h: round4(sum / common / scale), common_joints: common },
          { action: 'none', reason: `annotated twice: entry ${q} is nearly the same person` },
        ),
      );
    }
  }
}

/** The predictors' consensus on one joint (pixels; spread in h). */
export interface JointConsensus {
  readonly x: number;
  readonly y: number;
  readonly agreeing: number;
  readonly spread: number;
}

/** The predictors' consensus per joint of person p (null: no consensus), as `o.consensus` reads it. */
function personConsensus(input: GtReviewInput, o: GtReviewOptions, p: number): (JointConsensus | null)[] {
  const { geometry, predictors } = input;
  const h = geometry.headSizes[p]!;
  const total = predictors.length;
  const need = requiredAgreement(total);
  const px = (k: number, j: number): number => predictors[k]!.coords[2 * (p * J + j)]!;
  const py = (k: number, j: number): number => predictors[k]!.coords[2 * (p * J + j) + 1]!;
  const predicted = (k: number, j: number): boolean => Number.isFinite(px(k, j)) && Number.isFinite(py(k, j));
  // The median of all, then of those within `agreement` h of it.
  const consensus: (JointConsensus | null)[] = [];
  if (!(Number.isFinite(h) && h > 0)) return Array.from({ length: J }, () => null);
  for (let j = 0; j < J; j++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; k < total; k++) {
      if (!predicted(k, j)) continue;
      xs.push(px(k, j));
      ys.push(py(k, j));
    }
    if (xs.length < need) {
      consensus.push(null);
      continue;
    }
    const mx = median(xs.slice());
    const my = median(ys.slice());
    const ax: number[] = [];
    const ay: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      if (dist(xs[i]!, ys[i]!, mx, my) <= o.agreement * h) {
        ax.push(xs[i]!);
        ay.push(ys[i]!);
      }
    }
    if (ax.length < need) {
      consensus.push(null);
      continue;
    }
    const cx = median(ax.slice());
    const cy = median(ay.slice());
    let spread = 0;
    for (let i = 0; i < ax.length; i++) spread = Math.max(spread, dist(ax[i]!, ay[i]!, cx, cy) / h);
    consensus.push({ x: cx, y: cy, agreeing: ax.length, spread });
  }
  // The 'majority' reading (see GtReviewOptions.consensus) replaces it: the largest agreeing group of a
  // strict majority. Where all the predictions agree the two readings give the same group. The group
  // search is O(m²) on bit sets of at most 31 predictors; with more, the 'two_thirds' reading above stands.
  if (o.consensus === 'majority' && total <= 31) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let j = 0; j < J; j++) {
      const c = consensus[j];
      if (c !== null && c !== undefined && c.agreeing === total) continue;
      xs.length = 0;
      ys.length = 0;
      for (let k = 0; k < total; k++) {
        if (!predicted(k, j)) continue;
        xs.push(px(k, j));
        ys.push(py(k, j));
      }
      const g = agreeingGroup(xs, ys, o.agreement * h, majorityAgreement(total));
      consensus[j] = g === null ? null : { x: g.x, y: g.y, agreeing: g.agreeing, spread: g.spread / h };
    }
  }

  return consensus;
}

/** A left/right pair the predictors say is inverted, and how they say it (see reviewPerson, step 1). */
interface FlaggedPair {
  readonly pair: number;
  /** Predictors inverting it ('votes', 'majority') or agreeing on the consensus ('consensus'). */
  readonly inverting: number;
  /** Mean (votes) or smallest (consensus) distance gained by swapping, h. */
  readonly margin: number;
  readonly by: 'votes' | 'consensus' | 'majority';
}

/** Predictor-based suspects of one person. */
function reviewPerson(
  input: GtReviewInput,
  o: GtReviewOptions,
  p: number,
  group: readonly number[],
  consensusOf: readonly (readonly (JointConsensus | null)[])[],
  rarity: JointRarity,
  out: GtSuspect[],
): void {
  const { geometry, predictors } = input;
  const gt = geometry.joints0Based;
  const h = geometry.headSizes[p]!;
  if (!(Number.isFinite(h) && h > 0)) return;
  const total = predictors.length;
  const need = requiredAgreement(total);
  const gx = (q: number, j: number): number => gt[2 * (q * J + j)]!;
  const gy = (q: number, j: number): number => gt[2 * (q * J + j) + 1]!;
  const annotated = (q: number, j: number): boolean => Number.isFinite(gx(q, j)) && Number.isFinite(gy(q, j));
  const px = (k: number, j: number): number => predictors[k]!.coords[2 * (p * J + j)]!;
  const py = (k: number, j: number): number => predictors[k]!.coords[2 * (p * J + j) + 1]!;
  const predicted = (k: number, j: number): boolean => Number.isFinite(px(k, j)) && Number.isFinite(py(k, j));

  // 1. Left/right inversions per pair, seen three ways (kept as `by`, and counted in the evidence):
  //  - 'votes': at least max(2, ⌈2n/3⌉) of the n predictors invert the pair. A predictor inverts it when
  //    matching its two joints to the labels the other way round is closer (aMirror + bMirror < aOwn +
  //    bOwn), its nearer joint within `inversion` h of the other label and nearer it than either joint is
  //    to its own label — a predictor right about one joint of the pair and unsure of the other counts;
  //  - 'consensus': the predictors' consensus (at least max(2, ⌈2n/3⌉) agreeing) on one joint lies on
  //    the *other* label (within `inversion` h, nearer it than its own), the other joint's consensus, if
  //    any, does not say the labels are right, at least one predictor votes, and more predictors put the
  //    other joint on the first one's label than on its own (else it is a double count) — the
  //    predictors disagree about the pair's second joint but agree on the first (measured: about half of
  //    the planted pair swaps the vote misses were raised as a displaced joint at the mirror's label);
  //  - 'majority': a strict majority invert it and its body half already has a pair with 'votes' — a
  //    labeller who confused left and right there confused the whole half.
  // A predictor that puts the pair's two joints on (nearly) one spot — closer than half the labels'
  // separation and than `agreement` h — does not vote: a double count says nothing about sides.
  const consensus = consensusOf[p]!;
  const flagged: FlaggedPair[] = [];
  const majority: FlaggedPair[] = [];
  const nearerMirror = (c: JointConsensus, own: number, mirror: number): number =>
    dist(c.x, c.y, gx(p, own), gy(p, own)) - dist(c.x, c.y, gx(p, mirror), gy(p, mirror));
  const consensusOnMirror = (c: JointConsensus | null, own: number, mirror: number): boolean =>
    c !== null && dist(c.x, c.y, gx(p, mirror), gy(p, mirror)) <= o.inversion * h && nearerMirror(c, own, mirror) > 0;
  const consensusSaysRight = (c: JointConsensus | null, own: number, mirror: number): boolean => c !== null && nearerMirror(c, own, mirror) <= 0;
  /** Predictors that put joint j within `inversion` h of the label of joint q. */
  const predictionsNear = (j: number, q: number): number => {
    let count = 0;
    for (let k = 0; k < total; k++) if (predicted(k, j) && dist(px(k, j), py(k, j), gx(p, q), gy(p, q)) <= o.inversion * h) count++;
    return count;
  };
  MPII_FLIP_PAIRS.forEach(([a, b], pairIndex) => {
    if (!annotated(p, a) || !annotated(p, b)) return;
    let inverting = 0;
    let marginSum = 0;
    const separation = dist(gx(p, a), gy(p, a), gx(p, b), gy(p, b));
    for (let k = 0; k < total; k++) {
      if (!predicted(k, a) || !predicted(k, b)) continue;
      // Both joints of the pair on (nearly) one spot: a double count says nothing about which side is which.
      if (dist(px(k, a), py(k, a), px(k, b), py(k, b)) < Math.min(0.5 * separation, o.agreement * h)) continue;
      const aOwn = dist(px(k, a), py(k, a), gx(p, a), gy(p, a));
      const aMirror = dist(px(k, a), py(k, a), gx(p, b), gy(p, b));
      const bOwn = dist(px(k, b), py(k, b), gx(p, b), gy(p, b));
      const bMirror = dist(px(k, b), py(k, b), gx(p, a), gy(p, a));
      const nearest = Math.min(aMirror, bMirror);
      if (nearest <= o.inversion * h && aMirror + bMirror < aOwn + bOwn && nearest < Math.min(aOwn, bOwn)) {
        inverting++;
        marginSum += (aOwn + bOwn - aMirror - bMirror) / (2 * h);
      }
    }
    if (inverting >= need) {
      flagged.push({ pair: pairIndex, inverting, margin: marginSum / inverting, by: 'votes' });
      return;
    }
    const ca = consensus[a] ?? null;
    const cb = consensus[b] ?? null;
    const agreeing = Math.min(...[ca, cb].map((c) => (c === null ? Infinity : c.agreeing)));
    // One joint's consensus on the other label, and the second joint put where a flip puts it (on the
    // first joint's label) by more predictors than on its own label: without that, predictors that put
    // both joints on one label (a double count) would look the same.
    const onMirror =
      (consensusOnMirror(ca, a, b) && !consensusSaysRight(cb, b, a) && predictionsNear(b, a) > predictionsNear(b, b)) ||
      (consensusOnMirror(cb, b, a) && !consensusSaysRight(ca, a, b) && predictionsNear(a, b) > predictionsNear(a, a));
    if (onMirror && agreeing >= need && inverting > 0) {
      flagged.push({ pair: pairIndex, inverting, margin: marginSum / inverting, by: 'consensus' });
    } else if (inverting >= majorityAgreement(total)) majority.push({ pair: pairIndex, inverting, margin: marginSum / inverting, by: 'majority' });
  });
  for (const m of majority) {
    const lowerHalf = LOWER_PAIRS.has(m.pair);
    if (flagged.some((f) => f.by === 'votes' && LOWER_PAIRS.has(f.pair) === lowerHalf)) flagged.push(m);
  }
  flagged.sort((x, y) => x.pair - y.pair);
  const consensusAt = (j: number): { x: number; y: number } | null => consensus[j] ?? null;
  // Skeletal evidence: predictors that are wrong together still draw a plausible skeleton (their bone
  // lengths hold), while a wrong label bends the GT's own. Bone lengths of the GT vs the consensus, in h.
  /** How much swapping these pairs brings the GT's bone lengths nearer the consensus's (Σ|ΔL| before − after), or null: no bone to compare. */
  const swapBoneGain = (pairs: readonly number[]): number | null => {
    const sigma = Array.from({ length: J }, (_, j) => j);
    for (const i of pairs) {
      const [a, b] = MPII_FLIP_PAIRS[i]!;
      sigma[a] = b;
      sigma[b] = a;
    }
    let before = 0;
    let after = 0;
    let bones = 0;
    for (const [u, v] of MPII_SKELETON) {
      if (sigma[u] === u && sigma[v] === v) continue;
      const cu = consensusAt(u);
      const cv = consensusAt(v);
      if (cu === null || cv === null || !annotated(p, u) || !annotated(p, v)) continue;
      const lc = dist(cu.x, cu.y, cv.x, cv.y);
      before += Math.abs(dist(gx(p, u), gy(p, u), gx(p, v), gy(p, v)) - lc);
      after += Math.abs(dist(gx(p, sigma[u]!), gy(p, sigma[u]!), gx(p, sigma[v]!), gy(p, sigma[v]!)) - lc);
      bones++;
    }
    return bones > 0 ? (before - after) / h : null;
  };
  /**
   * The largest consensus–GT distance (h) over the person's annotated joints outside `skip` that have a
   * consensus (0: none). `mirrorAware` (flips): a left/right joint is as near as the nearer of its own
   * GT joint and its mirror's — a labeller who confused left and right on more pairs than the predictors
   * flag is the same error, not evidence against it.
   */
  const othersFar = (skip: ReadonlySet<number>, mirrorAware = false): number => {
    let worst = 0;
    for (let m = 0; m < J; m++) {
      const cm = consensusAt(m);
      if (skip.has(m) || cm === null || !annotated(p, m)) continue;
      let d = dist(cm.x, cm.y, gx(p, m), gy(p, m));
      const mirror = MIRROR[m]!;
      if (mirrorAware && mirror !== m && annotated(p, mirror)) d = Math.min(d, dist(cm.x, cm.y, gx(p, mirror), gy(p, mirror)));
      worst = Math.max(worst, d / h);
    }
    return worst;
  };
  const flippedJoints = new Set<number>();
  if (flagged.length > 0) {
    const lower = flagged.filter((f) => LOWER_PAIRS.has(f.pair));
    const upper = flagged.filter((f) => !LOWER_PAIRS.has(f.pair));
    const emit = (kind: SuspectKind, items: typeof flagged, swapAll: boolean): void => {
      const joints = items.flatMap((f) => [...MPII_FLIP_PAIRS[f.pair]!]).sort((x, y) => x - y);
      const gain = swapBoneGain(items.map((f) => f.pair));
      const far = othersFar(new Set(joints), true);
      const separation = Math.min(
        ...items.map((f) => {
          const [a, b] = MPII_FLIP_PAIRS[f.pair]!;
          return dist(gx(p, a), gy(p, a), gx(p, b), gy(p, b)) / h;
        }),
      );
      const votes = items.reduce((s, f) => s + (f.inverting / total) * Math.min(1 + f.margin, 2), 0);
      const score = votes * skeletonFactor(gain) * elsewhereFactor(far, o.inversion);
      const inverting = Math.min(...items.map((f) => f.inverting));
      const pairs = (swapAll ? MPII_FLIP_PAIRS.map((_, i) => i) : items.map((f) => f.pair)).map((i) => {
        const [a, b] = MPII_FLIP_PAIRS[i]!;
        return [MPII_JOINT_NAMES[a]!, MPII_JOINT_NAMES[b]!] as const;
      });
      const margin = items.reduce((s, f) => s + f.margin, 0) / items.length;
      out.push(
        makeSuspect(
          geometry,
          p,
          kind,
          score,
          joints,
          inverting,
          total,
          {
            pairs_inverted: items.length,
            pairs_by_consensus: items.filter((f) => f.by === 'consensus').length,
            pairs_by_majority: items.filter((f) => f.by === 'majority').length,
            margin_h: round4(margin),
            separation_h: round4(separation),
            bone_gain_h: gain === null ? null : round4(gain),
            others_far_h: round4(far),
          },
          { action: 'swap_pairs', pairs },
        ),
      );
    };
    if (lower.length > 0 && upper.length > 0 && flagged.length >= 3) emit('flip_whole_person', flagged, true);
    else {
      for (const half of [lower, upper]) {
        if (half.length >= 2) emit(half === lower ? 'flip_lower_body' : 'flip_upper_body', half, false);
        else for (const f of half) emit('flip_pair', [f], false);
      }
    }
    for (const f of flagged) for (const j of MPII_FLIP_PAIRS[f.pair]!) flippedJoints.add(j);
  }

  // Is the consensus of joint j on another person q of the image (same joint or its mirror)?
  const onOther = (j: number, x: number, y: number): number => {
    const m = MPII_FLIP_PAIRS.find(([a, b]) => a === j || b === j);
    const mirror = m === undefined ? j : m[0] === j ? m[1] : m[0];
    for (const q of group) {
      if (q === p) continue;
      const hq = geometry.headSizes[q]!;
      if (!(Number.isFinite(hq) && hq > 0)) continue;
      for (const jj of [j, mirror]) {
        if (annotated(q, jj) && dist(x, y, gx(q, jj), gy(q, jj)) <= o.wrongPerson * hq) return q;
      }
    }
    return -1;
  };

  // 3. Wrong person: far from this GT on most joints, on another person there.
  let compared = 0;
  const far: number[] = [];
  const others = new Map<number, number>();
  for (let j = 0; j < J; j++) {
    const c = consensus[j];
    if (c === null || c === undefined || !annotated(p, j)) continue;
    compared++;
    if (dist(c.x, c.y, gx(p, j), gy(p, j)) > o.displaced * h) {
      far.push(j);
      const q = onOther(j, c.x, c.y);
      if (q >= 0) others.set(q, (others.get(q) ?? 0) + 1);
    }
  }
  let wrongPerson = false;
  if (compared >= 4 && far.length > compared / 2) {
    let best = -1;
    let bestCount = 0;
    for (const [q, count] of others) {
      if (count > bestCount) {
        best = q;
        bestCount = count;
      }
    }
    if (best >= 0 && bestCount > far.length / 2) {
      wrongPerson = true;
      const agreeing = Math.min(...far.map((j) => consensus[j]!.agreeing));
      out.push(
        makeSuspect(
          geometry,
          p,
          'wrong_person',
          (agreeing / total) * (bestCount / compared) * 4,
          far,
          agreeing,
          total,
          { other_index: best, joints_far: far.length, joints_compared: compared, joints_on_other: bestCount },
          { action: 'none', reason: `the predictors follow entry ${best} of this image: check which person this annotation (and its centre/scale) belongs to` },
        ),
      );
    }
  }

  // 4. Displaced labels. `context`: the share of the person's other annotated joints on which the
  // consensus is within `inversion` h of the GT — a joint the predictors contradict on a person they
  // otherwise get right is more likely a label error than a hard image.
  if (wrongPerson) return;
  let near = 0;
  let annotatedJoints = 0;
  for (let j = 0; j < J; j++) {
    const c = consensus[j];
    if (!annotated(p, j)) continue;
    annotatedJoints++;
    if (c !== null && c !== undefined && dist(c.x, c.y, gx(p, j), gy(p, j)) <= o.inversion * h) near++;
  }
  for (let j = 0; j < J; j++) {
    const c = consensus[j];
    if (c === null || c === undefined || !annotated(p, j) || flippedJoints.has(j)) continue;
    const d = dist(c.x, c.y, gx(p, j), gy(p, j)) / h;
    if (d <= o.displaced) continue;
    if (onOther(j, c.x, c.y) >= 0) continue;
    // Agreeing predictors, the distance (capped at 2 h: further is more often the predictors' mistake)
    // and how tightly they agree (spread 0 → × 1, spread at the agreement radius → × 0.5).
    const tightness = 1 - c.spread / (2 * o.agreement);
    // How rare a consensus this far from the label (capped at 2 h, as the distance) is for this joint in
    // the set (1 = one person in ten).
    const rare = disagreementRarity(rarity, j, Math.min(d, 2));
    // Majority reading: the predictors outside the agreeing group may be anywhere but on the GT joint
    // (within `inversion` h of it): a predictor that puts the joint on the label is a predictor that
    // disagrees with the others, and the label has support.
    let support = 0;
    for (let k = 0; k < total; k++) if (predicted(k, j) && dist(px(k, j), py(k, j), gx(p, j), gy(p, j)) <= o.inversion * h) support++;
    if (o.consensus === 'majority' && support > 0) continue;
    const context = annotatedJoints > 1 ? near / (annotatedJoints - 1) : 0;
    const far = othersFar(new Set([j]));
    // Bones to neighbours the predictors put on the GT (anchored): how far the GT bone's length is from the consensus's.
    let bone: number | null = null;
    let anchored = 0;
    for (const m of NEIGHBOURS[j]!) {
      const cm = consensusAt(m);
      if (cm === null || !annotated(p, m) || dist(cm.x, cm.y, gx(p, m), gy(p, m)) > o.inversion * h) continue;
      anchored++;
      const gap = Math.abs(dist(gx(p, j), gy(p, j), gx(p, m), gy(p, m)) - dist(c.x, c.y, cm.x, cm.y)) / h;
      bone = Math.max(bone ?? 0, gap);
    }
    out.push(
      makeSuspect(
        geometry,
        p,
        'displaced_joint',
        (c.agreeing / total) *
          Math.min(d, 2) *
          (1 + rare) *
          tightness *
          context *
          context *
          boneFactor(bone, anchored, NEIGHBOURS[j]!.length) *
          elsewhereFactor(far, o.inversion),
        [j],
        c.agreeing,
        total,
        {
          distance_h: round4(d),
          spread_h: round4(c.spread),
          context: round4(context),
          bone_h: bone === null ? null : round4(bone),
          anchored_bones: anchored,
          of_bones: NEIGHBOURS[j]!.length,
          others_far_h: round4(far),
          gt_support: support,
          rarity: round4(rare),
        },
        { action: 'move_joint', joint: MPII_JOINT_NAMES[j]!, to: [round4(c.x), round4(c.y)] },
      ),
    );
  }
}
