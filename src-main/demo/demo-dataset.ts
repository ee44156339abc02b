/**
 * Writes the demo MPII dataset (mmpose layout): `images/*.jpg`, `annotations/mpii_val.json` and
 * `annotations/mpii_gt_val.mat`. Deterministic: same code → same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { MPII_JOINT_COUNT, MPII_MAT_JOINT_NAMES } from '../core/joints.ts';
import type { MatGroundTruth } from '../core/types.ts';
import { encodeMpiiGtMat } from '../formats/mpii-gt-mat.ts';
import { createPrng, deriveSeed } from './prng.ts';
import { renderDemoScene, type DemoPersonAnnotation } from './render-scene.ts';
import type { RgbImage } from './raster.ts';

export const DEMO_DATASET_SEED = 0x5eed2024;
export const DEMO_DEFAULT_COUNT = 200;

export interface DemoDatasetEntry {
  readonly image: string;
  readonly annotation: DemoPersonAnnotation;
}

/** mmpose json entry, keys in the order of mmpose's own test data. */
export function demoJsonEntry(entry: DemoDatasetEntry): Record<string, unknown> {
  const a = entry.annotation;
  return {
    joints_vis: a.visible,
    joints: a.joints1Based,
    image: entry.image,
    scale: a.scale,
    center: a.center1Based,
  };
}

/** The gt `.mat` content (spec §1.4) for the entries, same person order as the json. */
export function demoGroundTruth(entries: readonly DemoDatasetEntry[]): MatGroundTruth {
  const n = entries.length;
  const positions1Based = new Float64Array(n * MPII_JOINT_COUNT * 2);
  const missing = new Uint8Array(n * MPII_JOINT_COUNT);
  const headBoxes1Based = new Float64Array(n * 4);
  entries.forEach((entry, p) => {
    const a = entry.annotation;
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const joint = a.joints1Based[j] ?? [-1, -1];
      positions1Based[(p * MPII_JOINT_COUNT + j) * 2] = joint[0];
      positions1Based[(p * MPII_JOINT_COUNT + j) * 2 + 1] = joint[1];
      missing[p * MPII_JOINT_COUNT + j] = a.visible[j] === 1 ? 0 : 1;
    }
    headBoxes1Based.set(a.headBox1Based, p * 4);
  });
  return { count: n, jointNames: [...MPII_MAT_JOINT_NAMES], positions1Based, missing, headBoxes1Based };
}

export function demoImageName(index: number): string {
  // Numeric names: mmpose 1.x derives img_id from int(image.split('.')[0]).
  return `${String(index + 1).padStart(9, '0')}.jpg`;
}

/** Renders scene `index` of the demo (independent of the other scenes). */
export function renderDemoEntry(index: number): { entry: DemoDatasetEntry; image: RgbImage } {
  const prng = createPrng(deriveSeed(DEMO_DATASET_SEED, index));
  const scene = renderDemoScene(prng);
  return { entry: { image: demoImageName(index), annotation: scene.annotation }, image: scene.image };
}

export async function encodeDemoJpeg(image: RgbImage): Promise<Buffer> {
  // 4:4:4 so the small colour markers keep their chroma (4:2:0 would smear them).
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

export interface WriteDemoDatasetResult {
  readonly datasetDir: string;
  readonly entries: DemoDatasetEntry[];
}

export async function writeDemoDataset(datasetDir: string, count = DEMO_DEFAULT_COUNT): Promise<WriteDemoDatasetResult> {
  const imagesDir = path.join(datasetDir, 'images');
  const annotationsDir = path.join(datasetDir, 'annotations');
  await mkdir(imagesDir, { recursive: true });
  await mkdir(annotationsDir, { recursive: true });
  const entries: DemoDatasetEntry[] = [];
  for (let i = 0; i < count; i++) {
    const { entry, image } = renderDemoEntry(i);
    entries.push(entry);
    await writeFile(path.join(imagesDir, entry.image), await encodeDemoJpeg(image));
  }
  await writeFile(path.join(annotationsDir, 'mpii_val.json'), JSON.stringify(entries.map(demoJsonEntry)));
  await writeFile(path.join(annotationsDir, 'mpii_gt_val.mat'), encodeMpiiGtMat(demoGroundTruth(entries), { compress: true }));
  return { datasetDir, entries };
}
