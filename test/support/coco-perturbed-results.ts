/**
 * COCO results made from a GT file for tests: every non-crowd person's keypoints with seeded
 * Gaussian noise, person 2 left out (a miss), one false positive beside the first person, and tied
 * scores (every fourth person 0.9), so matching, misses and pycocotools' tie rule all take part.
 * Keypoints the GT leaves unlabelled stay (0, 0) with score 0, as a model's "no prediction".
 */
import { mulberry32 } from '../../src-main/core/seeded-random.ts';

export interface GtAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  keypoints: number[];
  iscrowd: number;
  num_keypoints: number;
}

/** Perturbed GT as a results file: Gaussian noise of `noise` px, one person missed, one false positive, tied scores. */
export function perturbedResults(gt: { annotations: GtAnnotation[] }, seed: number, noise: number): object[] {
  const rand = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const results: object[] = [];
  gt.annotations.forEach((a, i) => {
    if (a.iscrowd === 1 || i === 2) return; // person 2: a miss
    const keypoints = a.keypoints.map((v, j) => {
      const labelled = a.keypoints[j - (j % 3) + 2]! > 0;
      if (j % 3 === 2) return labelled ? Number(rand().toFixed(3)) : 0;
      return labelled ? v + gauss() * noise : 0;
    });
    results.push({ image_id: a.image_id, category_id: a.category_id, keypoints, score: i % 4 === 0 ? 0.9 : Number(rand().toFixed(4)) });
  });
  const first = gt.annotations[0]!;
  results.push({
    image_id: first.image_id,
    category_id: first.category_id,
    keypoints: first.keypoints.map((v, j) => (j % 3 === 2 ? 0.5 : v + 60)),
    score: 0.9,
  });
  return results;
}
