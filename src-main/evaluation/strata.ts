/**
 * PCKh (t = 0.5) per joint within strata of persons or joints, to see where a variant's hits come from:
 *  - head size tercile (small / medium / large persons; head size = 0.6 × head-box diagonal, spec §0.2,
 *    the PCKh normaliser itself; boundaries = the ⅓ and ⅔ quantiles over the persons evaluated);
 *  - persons per image (1 / 2–3 / 4+ annotated persons in the same image file);
 *  - whether the GT joint lies inside the model's crop (the mmpose test-time box: centre
 *    (cx, cy + 15s) in 0-based pixels, side 1.25·200·s, spec §4.1; core/geometry.ts personCropSquare).
 * MPII's mmpose annotation files carry no occlusion flags (`joints_vis` marks annotated joints, spec
 * §1.3), so there is no occlusion stratum.
 *
 * Within a stratum the Mean is the count-weighted micro-average over the Mean's joints,
 * 100·Σhits/Σevaluated — mmpose's PCKh up to the last bits (spec §2.1), which no stratum claims.
 */
import { MPII_JOINT_COUNT, PCKH_EXCLUDED_FROM_MEAN } from '../core/joints.ts';
import { personCropSquare } from '../core/geometry.ts';
import type { Point2 } from '../core/types.ts';
import { EVALUATED, HIT_05, type PersonJointOutcomes } from './person-tallies.ts';
import { headSize } from './pckh-tally.ts';
import { sortedQuantile } from './bootstrap.ts';

const J = MPII_JOINT_COUNT;

export const OCCLUSION_NOTE =
  "MPII's mmpose annotation files carry no occlusion flags (joints_vis only marks annotated joints), so results are not stratified by occlusion.";

export interface StratumResult {
  readonly label: string;
  /** Persons with at least one joint evaluated in this stratum. */
  readonly persons: number;
  readonly evaluated: readonly number[];
  readonly hits: readonly number[];
  /** Percent per joint; null when nothing is evaluated. */
  readonly pckh: readonly (number | null)[];
  /** 100·Σhits/Σevaluated over the Mean's joints (all but pelvis, thorax); null when empty. */
  readonly mean: number | null;
}

export interface Stratification {
  readonly name: string;
  readonly description: string;
  readonly strata: readonly StratumResult[];
}

/**
 * PCKh per stratum. `stratumOf(p, j)` gives the stratum index of (person, joint), or −1 to leave it out.
 */
export function stratify(outcomes: PersonJointOutcomes, labels: readonly string[], stratumOf: (p: number, j: number) => number): StratumResult[] {
  const S = labels.length;
  const evaluated = Array.from({ length: S }, () => new Array<number>(J).fill(0));
  const hits = Array.from({ length: S }, () => new Array<number>(J).fill(0));
  const persons = new Array<number>(S).fill(0);
  const seen = new Int32Array(S).fill(-1);
  for (let p = 0; p < outcomes.persons; p++) {
    for (let j = 0; j < J; j++) {
      const f = outcomes.flags[p * J + j]!;
      if (!(f & EVALUATED)) continue;
      const s = stratumOf(p, j);
      if (s < 0 || s >= S) continue;
      evaluated[s]![j]!++;
      if (f & HIT_05) hits[s]![j]!++;
      if (seen[s] !== p) {
        seen[s] = p;
        persons[s]!++;
      }
    }
  }
  return labels.map((label, s) => {
    const e = evaluated[s]!;
    const h = hits[s]!;
    let meanHits = 0;
    let meanEvaluated = 0;
    for (let j = 0; j < J; j++) {
      if (PCKH_EXCLUDED_FROM_MEAN.includes(j) || outcomes.jointPredicted[j] !== true) continue;
      meanHits += h[j]!;
      meanEvaluated += e[j]!;
    }
    return {
      label,
      persons: persons[s]!,
      evaluated: e,
      hits: h,
      pckh: e.map((count, j) => (count > 0 ? (100 * h[j]!) / count : null)),
      mean: meanEvaluated > 0 ? (100 * meanHits) / meanEvaluated : null,
    };
  });
}

/** Head size per person (spec §2 step 4), from the `.mat` head boxes (N×4, 1-based). */
export function headSizes(headBoxes1Based: Float64Array, persons: number): Float64Array {
  const out = new Float64Array(persons);
  for (let p = 0; p < persons; p++) out[p] = headSize(headBoxes1Based, p);
  return out;
}

/** Head-size terciles over the persons with an evaluated joint: small ≤ q⅓ < medium ≤ q⅔ < large. */
export function headSizeStrata(outcomes: PersonJointOutcomes, sizes: Float64Array): Stratification & { readonly boundaries: readonly [number, number] | null } {
  const evaluatedSizes: number[] = [];
  for (let p = 0; p < outcomes.persons; p++) {
    let any = false;
    for (let j = 0; j < J && !any; j++) any = (outcomes.flags[p * J + j]! & EVALUATED) !== 0;
    if (any && Number.isFinite(sizes[p]!)) evaluatedSizes.push(sizes[p]!);
  }
  const sorted = Float64Array.from(evaluatedSizes).sort();
  const boundaries: [number, number] | null = sorted.length > 0 ? [sortedQuantile(sorted, 1 / 3), sortedQuantile(sorted, 2 / 3)] : null;
  const strata = stratify(outcomes, ['small', 'medium', 'large'], (p) => {
    const size = sizes[p]!;
    if (boundaries === null || !Number.isFinite(size)) return -1;
    return size <= boundaries[0] ? 0 : size <= boundaries[1] ? 1 : 2;
  });
  return {
    name: 'head_size',
    description: 'head size (0.6 × head-box diagonal, px) terciles over the persons evaluated',
    boundaries,
    strata,
  };
}

/** Number of annotated persons sharing each person's image file. */
export function personsPerImage(images: readonly string[]): Int32Array {
  const counts = new Map<string, number>();
  for (const image of images) counts.set(image, (counts.get(image) ?? 0) + 1);
  return Int32Array.from(images, (image) => counts.get(image)!);
}

export function crowdStrata(outcomes: PersonJointOutcomes, perImage: Int32Array): Stratification {
  return {
    name: 'persons_per_image',
    description: 'annotated persons in the same image',
    strata: stratify(outcomes, ['1', '2-3', '4+'], (p) => {
      const k = perImage[p]!;
      return k <= 1 ? 0 : k <= 3 ? 1 : 2;
    }),
  };
}

export const INSIDE_CROP = 1;
export const OUTSIDE_CROP = 0;
export const CROP_UNKNOWN = 255;

export interface CropPersonLike {
  /** 0-based json centre − 1, null for a json centre of [-1, -1]. */
  readonly center: Point2 | null;
  readonly scale: number;
}

/**
 * Per (person, joint): is the GT joint (1-based, N×16×2, converted to 0-based) inside the square crop
 * the model sees? The box is core/geometry.ts personCropSquare (float64; the warp's float32 box differs
 * by rounding only): x in [cx − S/2, cx + S/2], y likewise. CROP_UNKNOWN where the GT is not finite or the person has no
 * usable scale.
 */
export function gtInsideCrop(persons: readonly CropPersonLike[], gtPositions1Based: Float64Array): Uint8Array {
  const out = new Uint8Array(persons.length * J).fill(CROP_UNKNOWN);
  persons.forEach((person, p) => {
    if (!(Number.isFinite(person.scale) && person.scale > 0)) return;
    if (person.center !== null && !(Number.isFinite(person.center[0]) && Number.isFinite(person.center[1]))) return;
    const crop = personCropSquare(person);
    const x0 = crop.cx - crop.side / 2;
    const x1 = crop.cx + crop.side / 2;
    const y0 = crop.cy - crop.side / 2;
    const y1 = crop.cy + crop.side / 2;
    for (let j = 0; j < J; j++) {
      const x = gtPositions1Based[(p * J + j) * 2]! - 1;
      const y = gtPositions1Based[(p * J + j) * 2 + 1]! - 1;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      out[p * J + j] = x >= x0 && x <= x1 && y >= y0 && y <= y1 ? INSIDE_CROP : OUTSIDE_CROP;
    }
  });
  return out;
}

export function cropStrata(outcomes: PersonJointOutcomes, inside: Uint8Array): Stratification {
  return {
    name: 'gt_in_crop',
    description: "GT joint inside the model's crop box (centre (cx, cy+15s), side 1.25·200·s)",
    strata: stratify(outcomes, ['inside', 'outside'], (p, j) => {
      const v = inside[p * J + j]!;
      return v === INSIDE_CROP ? 0 : v === OUTSIDE_CROP ? 1 : -1;
    }),
  };
}
