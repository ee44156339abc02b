/**
 * Seeded random COCO keypoint cases (an annotation file and a results file) for cross-checks with
 * pycocotools: crowd regions, small/medium/large persons, unlabelled joints, persons with no labelled
 * joint, misses, duplicates, false positives, score ties, more than maxDets detections in an image,
 * result files with boxes (loadRes' bbox branch), a GT id 0, and a custom 5-keypoint category with
 * its own sigmas.
 */
import { COCO17_JOINT_NAMES } from '../../src-main/core/joints.ts';
import { mulberry32 } from '../../src-main/core/seeded-random.ts';

export interface RandomCocoCase {
  readonly gt: { images: object[]; annotations: object[]; categories: object[] };
  readonly results: object[];
  /** The category's own sigmas (custom set), or null for COCO-17 (pycocotools' defaults). */
  readonly sigmas: number[] | null;
}

const COCO17_SIGMA_LITERALS = [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89];
const CUSTOM_NAMES = ['head', 'left_hand', 'right_hand', 'left_foot', 'right_foot'];

export function randomCocoCase(seed: number): RandomCocoCase {
  const rand = mulberry32(seed * 7919 + 17);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const round = (v: number, digits: number): number => Number(v.toFixed(digits));
  const coord = (v: number): number => (rand() < 0.3 ? Math.round(v) : round(v, 2));

  const custom = rand() < 0.3;
  const names = custom ? CUSTOM_NAMES : [...COCO17_JOINT_NAMES];
  const K = names.length;
  const sigmas = custom ? names.map(() => round(0.02 + rand() * 0.1, 3)) : null;
  const sigmaOf = (k: number): number => (sigmas ? sigmas[k]! : COCO17_SIGMA_LITERALS[k]! / 10);
  const categoryId = rand() < 0.8 ? 1 : 1 + Math.floor(rand() * 90);
  const category: Record<string, unknown> = {
    id: categoryId,
    name: custom ? 'hand-foot' : 'person',
    supercategory: 'person',
    keypoints: names,
    skeleton: custom
      ? [
          [1, 2],
          [1, 3],
          [1, 4],
          [1, 5],
        ]
      : [
          [16, 14],
          [14, 12],
        ],
  };
  if (sigmas) category['sigmas'] = sigmas;

  const nImages = 1 + Math.floor(rand() * 5);
  const imageIds = new Set<number>();
  while (imageIds.size < nImages) imageIds.add(1 + Math.floor(rand() * 1000));
  const images = [...imageIds].map((id) => ({ id, file_name: `${String(id).padStart(12, '0')}.jpg`, width: 640, height: 480 }));

  const annotations: Record<string, unknown>[] = [];
  const results: Record<string, unknown>[] = [];
  const usedIds = new Set<number>();
  const withBbox = rand() < 0.1;
  const tieScores = rand() < 0.5;
  const score = (): number => (tieScores ? round(rand(), 1) : rand());
  const pushResult = (imageId: number, kps: number[]): void => {
    const xs = kps.filter((_, i) => i % 3 === 0),
      ys = kps.filter((_, i) => i % 3 === 1);
    const entry: Record<string, unknown> = { image_id: imageId, category_id: categoryId, keypoints: kps, score: score() };
    if (withBbox) {
      const x0 = Math.min(...xs),
        y0 = Math.min(...ys);
      entry['bbox'] = [x0, y0, round(Math.max(...xs) - x0 + rand() * 10, 2), round(Math.max(...ys) - y0 + rand() * 10, 2)];
    }
    results.push(entry);
  };
  const randomKeypoints = (x: number, y: number, w: number, h: number): number[] => {
    const kps: number[] = [];
    for (let k = 0; k < K; k++) kps.push(round(x + rand() * w, 2), round(y + rand() * h, 2), round(rand(), 3));
    return kps;
  };

  for (const image of images) {
    const nGt = Math.floor(rand() * 5);
    for (let p = 0; p < nGt; p++) {
      let id = 1 + Math.floor(rand() * 1_000_000);
      if (rand() < 0.01 && !usedIds.has(0)) id = 0;
      if (usedIds.has(id)) continue;
      usedIds.add(id);
      const size = pick(['small', 'medium', 'large', 'large', 'medium']);
      const h = size === 'small' ? 10 + rand() * 25 : size === 'medium' ? 40 + rand() * 70 : 110 + rand() * 250;
      const w = h * (0.35 + rand() * 0.5);
      const x = rand() * 500,
        y = rand() * 400;
      const bbox = [round(x, 2), round(y, 2), round(w, 2), round(h, 2)];
      const kind = rand();
      const crowd = kind < 0.08;
      const noneLabelled = !crowd && kind < 0.15;
      const gtKps: number[] = [];
      let labelled = 0;
      const pLabel = 0.4 + rand() * 0.6;
      for (let k = 0; k < K; k++) {
        if (!crowd && !noneLabelled && rand() < pLabel) {
          gtKps.push(coord(x + rand() * w), coord(y + rand() * h), rand() < 0.3 ? 1 : 2);
          labelled++;
        } else gtKps.push(0, 0, 0);
      }
      const area = crowd ? round(w * h * 1.2, 2) : round(w * h * (0.45 + rand() * 0.45), 4);
      // a few files whose num_keypoints disagrees with the keypoints: pycocotools believes the field
      const numKeypoints = rand() < 0.03 ? (labelled > 0 ? 0 : 2) : labelled;
      annotations.push({ id, image_id: image.id, category_id: categoryId, iscrowd: crowd ? 1 : 0, keypoints: gtKps, num_keypoints: numKeypoints, area, bbox });

      // detections of this person
      const copies = crowd ? (rand() < 0.6 ? 1 + Math.floor(rand() * 3) : 0) : rand() < 0.12 ? 0 : rand() < 0.1 ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        const spread = pick([0.1, 0.3, 0.6, 1, 2, 4]) * Math.sqrt(area);
        const kps: number[] = [];
        for (let k = 0; k < K; k++) {
          const gx = gtKps[3 * k]!,
            gy = gtKps[3 * k + 1]!;
          const hasGt = gtKps[3 * k + 2]! > 0;
          const px = hasGt ? gx + gauss() * spread * sigmaOf(k) * 2 : x + rand() * w;
          const py = hasGt ? gy + gauss() * spread * sigmaOf(k) * 2 : y + rand() * h;
          kps.push(round(px, 2), round(py, 2), round(rand(), 3));
        }
        pushResult(image.id, kps);
      }
    }
    // false positives; now and then more than maxDets (20) in one image
    const fps = rand() < 0.05 ? 25 : Math.floor(rand() * 4);
    for (let f = 0; f < fps; f++) pushResult(image.id, randomKeypoints(rand() * 500, rand() * 400, 20 + rand() * 150, 30 + rand() * 250));
    // a result of another category (left out on both sides)
    if (rand() < 0.03)
      results.push({
        image_id: image.id,
        category_id: categoryId + 1,
        keypoints: randomKeypoints(0, 0, 100, 100),
        score: 0.5,
        ...(withBbox ? { bbox: [0, 0, 10, 10] } : {}),
      });
  }
  // pycocotools' loadRes reads results[0] (coco.py:326): never empty
  if (results.length === 0) pushResult(images[0]!.id, randomKeypoints(10, 10, 100, 200));
  // shuffle the order images and results appear in (ordering rules are part of what is tested)
  for (let i = results.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [results[i], results[j]] = [results[j]!, results[i]!];
  }
  // keep the first result's category the evaluated one when boxes decide the area branch
  return { gt: { images, annotations, categories: [category] }, results, sigmas };
}
