/** The COCO review queue's kinds on hand-built persons (evaluation/coco-gt-review.ts). */
import { describe, expect, it } from 'vitest';
import { cocoReviewQueue, type CocoReviewPerson } from '../../../src-main/evaluation/coco-gt-review.ts';

const NAMES = ['nose', 'left_shoulder', 'right_shoulder', 'left_wrist', 'right_wrist'];
const SIGMAS = [0.05, 0.05, 0.05, 0.05, 0.05];
// area 10,000: KS = exp(−d² / 200), so 2 px ≈ 0.98, 10 px ≈ 0.61, 30 px ≈ 0.01

function person(id: number, points: [number, number, number][], extra: Partial<CocoReviewPerson> = {}): CocoReviewPerson {
  return {
    id,
    imageId: 1,
    keypoints: points.flat(),
    numKeypoints: points.filter((p) => p[2] > 0).length,
    area: 10_000,
    bbox: [50, 20, 200, 150],
    iscrowd: false,
    ...extra,
  };
}

const GT: [number, number, number][] = [
  [150, 50, 2],
  [120, 80, 2],
  [180, 80, 2],
  [100, 140, 2],
  [200, 140, 2],
];

/** A prediction: the GT with per-keypoint offsets. */
function predict(points: [number, number, number][], offsets: Record<number, [number, number]> = {}, swap: [number, number] | null = null): number[] {
  const out = points.map(([x, y], k) => {
    const source = swap !== null && (k === swap[0] || k === swap[1]) ? points[k === swap[0] ? swap[1] : swap[0]]! : [x, y];
    const [dx, dy] = offsets[k] ?? [0, 0];
    return [source[0]! + dx, source[1]! + dy, 0.9];
  });
  return out.flat();
}

const sizes = new Map([[1, { width: 300, height: 200 }]]);
const queue = (persons: CocoReviewPerson[], predictors: (number[] | null)[][]) =>
  cocoReviewQueue({ names: NAMES, sigmas: SIGMAS, persons, imageSizes: sizes, predictors });

describe('COCO review queue', () => {
  it('raises a wrist pair most predictors see flipped, proposing the swap', () => {
    const gt = person(7, GT);
    const flipped = [predict(GT, { 3: [1, 0] }, [3, 4]), predict(GT, { 4: [0, 1] }, [3, 4]), predict(GT, {}, [3, 4])];
    const suspects = queue(
      [gt],
      flipped.map((p) => [p]),
    );
    expect(suspects.map((s) => s.kind)).toEqual(['flip']);
    expect(suspects[0]).toMatchObject({ keypoints: [3, 4], predictors: 3, of: 3, proposal: { action: 'swap_pairs', pairs: [[3, 4]] } });
    // one of three agreeing is not enough (⌈2·3/3⌉ = 2 needed)
    expect(queue([gt], [[flipped[0]!], [predict(GT)], [predict(GT)]])).toEqual([]);
  });

  it('raises a keypoint the predictors agree on far from the label, proposing their median', () => {
    const gt = person(8, GT);
    const preds = [predict(GT, { 0: [0, 30] }), predict(GT, { 0: [1, 31] }), predict(GT, { 0: [-1, 29] })];
    const suspects = queue(
      [gt],
      preds.map((p) => [p]),
    );
    expect(suspects.map((s) => s.kind)).toEqual(['displaced_keypoint']);
    expect(suspects[0]!.proposal).toEqual({ action: 'move_keypoint', keypoint: 0, to: [150, 80] });
    // predictors 20 px apart do not agree (KS ≈ 0.14 < 0.85): nothing raised
    const spread = [predict(GT, { 0: [0, 30] }), predict(GT, { 0: [20, 30] }), predict(GT, { 0: [-20, 30] })];
    expect(
      queue(
        [gt],
        spread.map((p) => [p]),
      ),
    ).toEqual([]);
    // an unmatched person (no predictor matched) is never a suspect of these kinds
    expect(queue([gt], [[null], [null]])).toEqual([]);
  });

  it('flags impossible labels without predictors: count, outside the image, no box, duplicate; crowd regions left alone', () => {
    const wrongCount = person(1, GT, { numKeypoints: 3, imageId: 3 });
    const outside = person(
      2,
      GT.map(([x, y, v], k) => (k === 4 ? [350, y, v] : [x, y, v])),
    );
    const noBox = person(3, GT, { bbox: [10, 10, 0, 40], imageId: 4 });
    const crowd = person(
      4,
      GT.map(() => [0, 0, 0]),
      { iscrowd: true, numKeypoints: 0 },
    );
    const a = person(5, GT, { imageId: 2 });
    const b = person(
      6,
      GT.map(([x, y, v]) => [x + 0.5, y, v]),
      { imageId: 2 },
    );
    const suspects = queue([wrongCount, outside, noBox, crowd, a, b], []);
    const reasons = suspects.map((s) => [s.annotationId, s.kind, s.reason]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        [1, 'impossible', expect.stringMatching(/num_keypoints is 3, but 5/)],
        [2, 'impossible', expect.stringMatching(/right_wrist outside the 300×200 image/)],
        [3, 'impossible', expect.stringMatching(/no area/)],
        [6, 'impossible', expect.stringMatching(/same person as annotation 5/)],
      ]),
    );
    expect(suspects.find((s) => s.annotationId === 1)!.proposal).toEqual({ action: 'set_num_keypoints', value: 5 });
    expect(suspects.some((s) => s.annotationId === 4)).toBe(false);
    expect(suspects).toHaveLength(4);
  });
});
