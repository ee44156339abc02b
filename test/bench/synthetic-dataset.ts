/**
 * Builds benchmark datasets in a temporary folder, in the mmpose layout
 * (`annotations/mpii_val.json`, `annotations/mpii_gt_val.mat`, `images/`, spec §1.3–1.4), by
 * repeating the persons of a small real dataset (the demo, or the 5 real MPII images) up to N.
 *
 * Each output person gets its own image name, a hard link to a copy of its source image, so
 * the pipeline decodes N distinct files (decode-once is per file name) and the web host serves them
 * from inside the dataset folder. Hard links cost no disk space; when the file system refuses, copy.
 */
import { copyFileSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MPII_JOINT_COUNT } from '../../src-main/core/joints.ts';
import type { MatGroundTruth } from '../../src-main/core/types.ts';
import { openDataset, type OpenedDataset } from '../../src-main/datasets/open-dataset.ts';
import { encodeMpiiGtMat } from '../../src-main/formats/mpii-gt-mat.ts';

const J = MPII_JOINT_COUNT;

export interface RepeatedDatasetOptions {
  /** Source dataset folder (must have a gt .mat: val split). */
  readonly source: string;
  /** Output folder (created). */
  readonly out: string;
  readonly persons: number;
  /** false: json + .mat only, no images (enough to time openDataset, which only stats files). */
  readonly images?: boolean;
  /**
   * Consecutive output persons sharing one image (default 1). With p > 1, persons k..k+p-1 are p
   * copies of the same source person in the same image, like MPII images holding several people.
   */
  readonly personsPerImage?: number;
}

export interface RepeatedDataset {
  readonly root: string;
  readonly persons: number;
  readonly images: number;
  readonly sourcePersons: number;
  readonly distinctSourceImages: number;
}

/** Image i of the output holds persons i*p .. i*p+p-1, all copies of source person i mod S. */
export function writeRepeatedDataset(options: RepeatedDatasetOptions): RepeatedDataset {
  const source = openDataset(options.source);
  const gt = requireGt(source);
  const rawEntries = JSON.parse(readFileSync(source.annotationFile, 'utf8')) as Record<string, unknown>[];
  const count = options.persons;
  const S = source.persons.length;
  if (S === 0) throw new Error(`${options.source}: no persons to repeat`);

  const imagesDir = path.join(options.out, 'images');
  const annotationsDir = path.join(options.out, 'annotations');
  mkdirSync(annotationsDir, { recursive: true });
  const withImages = options.images ?? true;
  if (withImages) mkdirSync(imagesDir, { recursive: true });
  const perImage = Math.max(1, Math.floor(options.personsPerImage ?? 1));
  const stagedSources = new Map<string, string>();
  if (withImages) {
    // One copy of each source image inside the output tree; every output name links to it.
    const stageDir = path.join(options.out, 'source-images');
    mkdirSync(stageDir, { recursive: true });
    for (const person of source.persons) {
      if (stagedSources.has(person.image)) continue;
      const staged = path.join(stageDir, `${stagedSources.size}${path.extname(person.image)}`);
      copyFileSync(path.join(source.imagesDir, person.image), staged);
      stagedSources.set(person.image, staged);
    }
  }

  const entries: Record<string, unknown>[] = [];
  const positions = new Float64Array(count * J * 2);
  const missing = new Uint8Array(count * J);
  const headBoxes = new Float64Array(count * 4);
  for (let k = 0; k < count; k++) {
    const imageIndex = Math.floor(k / perImage);
    const s = imageIndex % S;
    const person = source.persons[s]!;
    const extension = path.extname(person.image) || '.jpg';
    const image = `${String(imageIndex + 1).padStart(9, '0')}${extension}`;
    entries.push({ ...rawEntries[s], image });
    positions.set(gt.positions1Based.subarray(s * J * 2, (s + 1) * J * 2), k * J * 2);
    missing.set(gt.missing.subarray(s * J, (s + 1) * J), k * J);
    headBoxes.set(gt.headBoxes1Based.subarray(s * 4, (s + 1) * 4), k * 4);
    if (withImages && k % perImage === 0) linkOrCopy(stagedSources.get(person.image)!, path.join(imagesDir, image));
  }
  writeFileSync(path.join(annotationsDir, 'mpii_val.json'), JSON.stringify(entries));
  const outGt: MatGroundTruth = { count, jointNames: [...gt.jointNames], positions1Based: positions, missing, headBoxes1Based: headBoxes };
  writeFileSync(path.join(annotationsDir, 'mpii_gt_val.mat'), encodeMpiiGtMat(outGt, { compress: true }));
  return { root: options.out, persons: count, images: Math.ceil(count / perImage), sourcePersons: S, distinctSourceImages: stagedSources.size };
}

function requireGt(dataset: OpenedDataset): MatGroundTruth {
  if (dataset.gt === null) throw new Error(`${dataset.root}: no ground-truth .mat (needed to build a benchmark dataset)`);
  return dataset.gt;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** A small deterministic generator (benchmark data is the same on every run). */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Predictions `{"preds": [N][16][2]}` in 0-based pixels: the GT moved by a random offset whose size is
 * `noise` × the person's head-box diagonal, so PCKh lands at a plausible, variant-specific level.
 */
export function perturbedGtPredictions(dataset: OpenedDataset, noise: number, seed: number): { preds: number[][][] } {
  const gt = requireGt(dataset);
  const random = lcg(seed);
  const preds: number[][][] = [];
  for (let n = 0; n < gt.count; n++) {
    const x1 = gt.headBoxes1Based[n * 4]!;
    const y1 = gt.headBoxes1Based[n * 4 + 1]!;
    const x2 = gt.headBoxes1Based[n * 4 + 2]!;
    const y2 = gt.headBoxes1Based[n * 4 + 3]!;
    const head = Math.hypot(x2 - x1, y2 - y1) || 20;
    const centre = dataset.persons[n]?.center ?? [0, 0];
    const joints: number[][] = [];
    for (let j = 0; j < J; j++) {
      const gx = gt.positions1Based[(n * J + j) * 2]! - 1;
      const gy = gt.positions1Based[(n * J + j) * 2 + 1]! - 1;
      const known = gt.missing[n * J + j] === 0 && Number.isFinite(gx) && Number.isFinite(gy);
      // A heavy-ish tail (u^2) so some joints fail, like a real model's errors.
      const radius = noise * head * random() ** 2 * 2;
      const angle = 2 * Math.PI * random();
      const bx = known ? gx : centre[0];
      const by = known ? gy : centre[1];
      joints.push([round2(bx + radius * Math.cos(angle)), round2(by + radius * Math.sin(angle))]);
    }
    preds.push(joints);
  }
  return { preds };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
