/**
 * The ground-truth review queue on COCO keypoint datasets (issue 18, with issue 15's kinds): suspect
 * labels from the agreement of several predictors (variants' detections matched to the GT person by
 * pycocotools at OKS 0.5), measured in keypoint similarity (KS, cocoeval.py:229) so every threshold
 * scales with the person's area and the keypoint's σ, as coco-analyze's error classes do:
 *
 *  - flip: for a left/right pair (left_X ↔ right_X) labelled on both sides, a predictor votes "flipped"
 *    when each of its two points is an inversion of the other side's label (KS ≥ 0.5 against it) and
 *    neither is good against its own (KS < 0.5). Raised when at least ⌈2n/3⌉ (and 2) of the n predictors
 *    that matched the person vote so; the person's flipped pairs form one suspect. Proposal: swap them.
 *  - displaced keypoint: at least ⌈2n/3⌉ (and 2) predictors agree with each other (KS ≥ 0.85 between
 *    every two of their points, coco-analyze's "good") and their median misses the label (KS < 0.5).
 *    Proposal: move the keypoint to the median.
 *  - impossible (no predictor needed): a labelled keypoint outside the image, `num_keypoints` that does
 *    not count the labelled keypoints (pycocotools ignores a person by `num_keypoints`, cocoeval.py:111,
 *    so a wrong count silently drops or keeps a person), a box without area, and two persons of one
 *    image that are the same (OKS between their labels ≥ 0.95). Proposal: none (or the count to fix).
 *
 * Crowd regions and persons without labelled keypoints are never suspects of the first two kinds.
 * Pure: persons and per-predictor matches in, suspects sorted by score (descending) out.
 */
import { keypointSimilarity, mirrorIndex } from './coco-keypoint-analysis.ts';
import { isCountedGt } from './coco-oks-eval.ts';

export const COCO_SUSPECT_KINDS = ['flip', 'displaced_keypoint', 'impossible'] as const;
export type CocoSuspectKind = (typeof COCO_SUSPECT_KINDS)[number];

export type CocoProposal =
  | { readonly action: 'swap_pairs'; readonly pairs: readonly (readonly [number, number])[] }
  | { readonly action: 'move_keypoint'; readonly keypoint: number; readonly to: readonly [number, number] }
  | { readonly action: 'set_num_keypoints'; readonly value: number }
  | { readonly action: 'none' };

export interface CocoSuspect {
  /** Stable across runs: kind, annotation id and the keypoints concerned. */
  readonly id: string;
  readonly index: number;
  readonly annotationId: number;
  readonly imageId: number;
  readonly kind: CocoSuspectKind;
  readonly score: number;
  readonly keypoints: readonly number[];
  /** Predictors that back it, of those that matched the person (0 of 0 for impossible labels). */
  readonly predictors: number;
  readonly of: number;
  readonly reason: string;
  readonly proposal: CocoProposal;
}

export interface CocoReviewPerson {
  readonly id: number;
  readonly imageId: number;
  readonly keypoints: readonly number[];
  readonly numKeypoints: number;
  readonly area: number;
  readonly bbox: readonly [number, number, number, number];
  readonly iscrowd: boolean;
}

export interface CocoReviewInput {
  readonly names: readonly string[];
  readonly sigmas: ArrayLike<number>;
  readonly persons: readonly CocoReviewPerson[];
  readonly imageSizes: ReadonlyMap<number, { readonly width: number | null; readonly height: number | null }>;
  /** Per predictor, per person (same order): the matched detection's keypoints (x, y, score ×K), or null. */
  readonly predictors: readonly (readonly (ArrayLike<number> | null)[])[];
}

export const KS_AGREE = 0.85;
export const KS_HIT = 0.5;
export const DUPLICATE_OKS = 0.95;

const needed = (n: number): number => Math.max(2, Math.ceil((2 * n) / 3));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function cocoReviewQueue(input: CocoReviewInput): CocoSuspect[] {
  const { names, sigmas, persons } = input;
  const K = names.length;
  const mirror = mirrorIndex(names);
  const suspects: CocoSuspect[] = [];
  const ks = (p: ArrayLike<number>, k: number, gt: ArrayLike<number>, j: number, area: number) =>
    keypointSimilarity(p[3 * k]! - gt[3 * j]!, p[3 * k + 1]! - gt[3 * j + 1]!, sigmas[j]!, area);
  const labelled = (person: CocoReviewPerson, k: number) => person.keypoints[3 * k + 2]! > 0;

  persons.forEach((person, index) => {
    const base = { index, annotationId: person.id, imageId: person.imageId };
    impossibleLabels(person, index);
    if (!isCountedGt(person)) return;
    const matched = input.predictors.map((perPerson) => perPerson[index] ?? null).filter((p): p is ArrayLike<number> => p !== null);
    const n = matched.length;
    if (n < 2) return;
    const gt = person.keypoints;

    // flips, pair by pair (each pair once: a < its mirror)
    const flipped: [number, number][] = [];
    let flipVotes = 0;
    let flipGain = 0;
    for (let a = 0; a < K; a++) {
      const b = mirror[a]!;
      if (b <= a || !labelled(person, a) || !labelled(person, b)) continue;
      let votes = 0;
      let gain = 0;
      for (const p of matched) {
        const own = [ks(p, a, gt, a, person.area), ks(p, b, gt, b, person.area)];
        const crossed = [ks(p, a, gt, b, person.area), ks(p, b, gt, a, person.area)];
        if (crossed[0]! >= KS_HIT && crossed[1]! >= KS_HIT && own[0]! < KS_HIT && own[1]! < KS_HIT) {
          votes++;
          gain += (crossed[0]! + crossed[1]! - own[0]! - own[1]!) / 2;
        }
      }
      if (votes >= needed(n)) {
        flipped.push([a, b]);
        flipVotes = Math.max(flipVotes, votes);
        flipGain += gain / votes;
      }
    }
    if (flipped.length > 0) {
      const keypoints = flipped.flat();
      suspects.push({
        ...base,
        id: `flip:${person.id}:${keypoints.join('-')}`,
        kind: 'flip',
        // more predictors, more pairs and a larger KS gain rank higher
        score: (flipVotes / n) * flipVotes * (1 + flipGain),
        keypoints,
        predictors: flipVotes,
        of: n,
        reason: `${flipVotes} of ${n} predictors put ${flipped.map(([a, b]) => `${names[a]}/${names[b]}`).join(', ')} on the other side`,
        proposal: { action: 'swap_pairs', pairs: flipped },
      });
    }
    const inFlip = new Set(flipped.flat());

    // displaced keypoints
    for (let k = 0; k < K; k++) {
      if (!labelled(person, k) || inFlip.has(k)) continue;
      const xs = matched.map((p) => p[3 * k]!);
      const ys = matched.map((p) => p[3 * k + 1]!);
      const consensus = [median(xs), median(ys)] as const;
      // predictors close to the consensus, and agreeing with each other
      const close = matched.filter((p) => keypointSimilarity(p[3 * k]! - consensus[0], p[3 * k + 1]! - consensus[1], sigmas[k]!, person.area) >= KS_AGREE);
      if (close.length < needed(n)) continue;
      let agree = true;
      for (let i = 0; i < close.length && agree; i++)
        for (let j = i + 1; j < close.length; j++)
          if (keypointSimilarity(close[i]![3 * k]! - close[j]![3 * k]!, close[i]![3 * k + 1]! - close[j]![3 * k + 1]!, sigmas[k]!, person.area) < KS_AGREE) {
            agree = false;
            break;
          }
      if (!agree) continue;
      const against = keypointSimilarity(consensus[0] - gt[3 * k]!, consensus[1] - gt[3 * k + 1]!, sigmas[k]!, person.area);
      if (against >= KS_HIT) continue;
      suspects.push({
        ...base,
        id: `displaced:${person.id}:${k}`,
        kind: 'displaced_keypoint',
        score: (close.length / n) * close.length * (1 - against),
        keypoints: [k],
        predictors: close.length,
        of: n,
        reason: `${close.length} of ${n} predictors agree on ${names[k]} (KS ≥ ${KS_AGREE} to each other), their median has KS ${against.toFixed(2)} against the label`,
        proposal: { action: 'move_keypoint', keypoint: k, to: [Math.round(consensus[0] * 1000) / 1000, Math.round(consensus[1] * 1000) / 1000] },
      });
    }
  });

  duplicates();
  return suspects.sort((a, b) => b.score - a.score || a.index - b.index || a.id.localeCompare(b.id));

  function impossibleLabels(person: CocoReviewPerson, index: number): void {
    const base = { index, annotationId: person.id, imageId: person.imageId, predictors: 0, of: 0 };
    const count = person.keypoints.filter((v, i) => i % 3 === 2 && v > 0).length;
    if (count !== person.numKeypoints) {
      suspects.push({
        ...base,
        id: `impossible:${person.id}:num_keypoints`,
        kind: 'impossible',
        // pycocotools decides by num_keypoints whether the person counts: a wrong count matters most
        score: 3,
        keypoints: [],
        reason: `num_keypoints is ${person.numKeypoints}, but ${count} keypoints are labelled (pycocotools ${person.numKeypoints === 0 ? 'ignores this person' : 'counts it by num_keypoints'})`,
        proposal: { action: 'set_num_keypoints', value: count },
      });
    }
    if (!person.iscrowd && count > 0 && !(person.bbox[2] > 0 && person.bbox[3] > 0)) {
      suspects.push({
        ...base,
        id: `impossible:${person.id}:bbox`,
        kind: 'impossible',
        score: 2,
        keypoints: [],
        reason: 'the box has no area',
        proposal: { action: 'none' },
      });
    }
    const size = input.imageSizes.get(person.imageId);
    if (size?.width != null && size.height != null) {
      const outside: number[] = [];
      for (let k = 0; k < K; k++) {
        if (!labelled(person, k)) continue;
        const x = person.keypoints[3 * k]!,
          y = person.keypoints[3 * k + 1]!;
        if (x < 0 || y < 0 || x > size.width || y > size.height) outside.push(k);
      }
      if (outside.length > 0) {
        suspects.push({
          ...base,
          id: `impossible:${person.id}:outside:${outside.join('-')}`,
          kind: 'impossible',
          score: 2,
          keypoints: outside,
          reason: `${outside.map((k) => names[k]).join(', ')} outside the ${size.width}×${size.height} image`,
          proposal: { action: 'none' },
        });
      }
    }
  }

  function duplicates(): void {
    const byImage = new Map<number, number[]>();
    persons.forEach((p, i) => {
      if (!isCountedGt(p)) return;
      const list = byImage.get(p.imageId) ?? [];
      list.push(i);
      byImage.set(p.imageId, list);
    });
    for (const list of byImage.values()) {
      for (let x = 0; x < list.length; x++) {
        for (let y = x + 1; y < list.length; y++) {
          const a = persons[list[x]!]!,
            b = persons[list[y]!]!;
          let sum = 0,
            shared = 0;
          for (let k = 0; k < K; k++) {
            if (!labelled(a, k) || !labelled(b, k)) continue;
            sum += ks(b.keypoints, k, a.keypoints, k, a.area);
            shared++;
          }
          if (shared >= 3 && sum / shared >= DUPLICATE_OKS) {
            suspects.push({
              index: list[y]!,
              annotationId: b.id,
              imageId: b.imageId,
              predictors: 0,
              of: 0,
              id: `impossible:${b.id}:duplicate:${a.id}`,
              kind: 'impossible',
              score: 2.5,
              keypoints: [],
              reason: `the same person as annotation ${a.id} (OKS ${(sum / shared).toFixed(3)} between the two labels)`,
              proposal: { action: 'none' },
            });
          }
        }
      }
    }
  }
}
