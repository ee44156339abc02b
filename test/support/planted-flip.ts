/**
 * Noisy prediction sets made from a dataset's GT in which one person's left/right pair is swapped in
 * every set (as if the GT had it the wrong way round), for the ground-truth review queue (issue 15).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../src-main/core/seeded-random.ts';

interface Entry {
  joints: [number, number][];
  joints_vis: number[];
  scale: number;
}

export interface PlantedPair {
  readonly index: number;
  readonly a: number;
  readonly b: number;
}

export function readEntries(datasetDir: string): Entry[] {
  return JSON.parse(readFileSync(path.join(datasetDir, 'annotations', 'mpii_val.json'), 'utf8')) as Entry[];
}

/** The planted pair: the first person with both joints of a pair annotated and far apart. */
export function plantedPair(entries: readonly Entry[]): PlantedPair {
  const pairs = [
    [0, 5],
    [1, 4],
    [10, 15],
    [11, 14],
  ] as const;
  for (let index = 0; index < entries.length; index++) {
    const e = entries[index]!;
    for (const [a, b] of pairs) {
      const [ax, ay] = e.joints[a]!;
      const [bx, by] = e.joints[b]!;
      if (e.joints_vis[a] === 1 && e.joints_vis[b] === 1 && Math.hypot(ax - bx, ay - by) > 0.4 * e.scale * 200) return { index, a, b };
    }
  }
  throw new Error('no person with a far-apart annotated pair in the dataset');
}

/** `{"preds": …}` in 0-based pixels: the GT with seeded noise (× scale), the planted pair swapped. */
export function writePlantedPredictions(file: string, entries: readonly Entry[], noise: number, seed: number, planted: PlantedPair): void {
  const random = mulberry32(seed);
  const preds = entries.map((e, i) => {
    const joints = e.joints.map(([x, y]) => [x - 1 + noise * e.scale * 20 * (random() - 0.5), y - 1 + noise * e.scale * 20 * (random() - 0.5)]);
    if (i === planted.index) [joints[planted.a], joints[planted.b]] = [joints[planted.b]!, joints[planted.a]!];
    return joints;
  });
  writeFileSync(file, JSON.stringify({ preds }));
}
