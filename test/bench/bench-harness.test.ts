/**
 * The benchmark harness's own building blocks (not timings: speed goals are only measured by
 * `npm run bench`). The repeated-dataset writer must produce a folder openDataset accepts, with each
 * person, its gt .mat column and its image taken from the right source person.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MPII_JOINT_COUNT } from '../../src-main/core/joints.ts';
import { projectRoot } from '../../src-main/core/project-root.ts';
import { openDataset } from '../../src-main/datasets/open-dataset.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { goal, stats, tempDir } from './bench-util.ts';
import { perturbedGtPredictions, writeRepeatedDataset } from './synthetic-dataset.ts';

const J = MPII_JOINT_COUNT;

describe('writeRepeatedDataset', () => {
  it('repeats source persons p per image, with matching json, gt .mat columns and image bytes', async () => {
    const demo = await ensureDemo(projectRoot());
    const source = openDataset(demo.datasetDir);
    const temp = tempDir('test');
    try {
      const out = path.join(temp.dir, 'repeated');
      const built = writeRepeatedDataset({ source: demo.datasetDir, out, persons: 7, personsPerImage: 2 });
      expect(built.images).toBe(4);
      const opened = openDataset(out);
      expect(opened.warnings).toEqual([]);
      expect(opened.persons).toHaveLength(7);
      expect(new Set(opened.persons.map((p) => p.image)).size).toBe(4);
      for (let k = 0; k < 7; k++) {
        const s = Math.floor(k / 2) % source.persons.length;
        const person = opened.persons[k]!;
        const from = source.persons[s]!;
        expect(person.joints).toEqual(from.joints);
        expect(person.center).toEqual(from.center);
        expect(person.scale).toBe(from.scale);
        expect(Array.from(opened.gt!.positions1Based.subarray(k * J * 2, (k + 1) * J * 2))).toEqual(
          Array.from(source.gt!.positions1Based.subarray(s * J * 2, (s + 1) * J * 2)),
        );
        expect(Array.from(opened.gt!.headBoxes1Based.subarray(k * 4, k * 4 + 4))).toEqual(Array.from(source.gt!.headBoxes1Based.subarray(s * 4, s * 4 + 4)));
        const bytes = readFileSync(path.join(opened.imagesDir, person.image));
        expect(bytes.equals(readFileSync(path.join(source.imagesDir, from.image)))).toBe(true);
      }
      // Persons 0 and 1 share an image; 2 starts the next one.
      expect(opened.persons[0]!.image).toBe(opened.persons[1]!.image);
      expect(opened.persons[2]!.image).not.toBe(opened.persons[1]!.image);
    } finally {
      temp.remove();
    }
  });

  it('without images writes annotations only (openDataset warns about the missing folder)', async () => {
    const demo = await ensureDemo(projectRoot());
    const temp = tempDir('test');
    try {
      const out = path.join(temp.dir, 'no-images');
      writeRepeatedDataset({ source: demo.datasetDir, out, persons: 3, images: false });
      const opened = openDataset(out);
      expect(opened.persons).toHaveLength(3);
      expect(opened.warnings.length).toBeGreaterThan(0);
    } finally {
      temp.remove();
    }
  });
});

describe('perturbedGtPredictions', () => {
  it('with zero noise gives the 0-based GT of every annotated joint', async () => {
    const demo = await ensureDemo(projectRoot());
    const dataset = openDataset(demo.datasetDir);
    const { preds } = perturbedGtPredictions(dataset, 0, 1);
    expect(preds).toHaveLength(dataset.persons.length);
    const gt = dataset.gt!;
    for (let n = 0; n < gt.count; n++) {
      for (let j = 0; j < J; j++) {
        if (gt.missing[n * J + j] !== 0) continue;
        expect(preds[n]![j]![0]).toBeCloseTo(gt.positions1Based[(n * J + j) * 2]! - 1, 6);
        expect(preds[n]![j]![1]).toBeCloseTo(gt.positions1Based[(n * J + j) * 2 + 1]! - 1, 6);
      }
    }
  });

  it('moves joints by more as the noise grows, and is deterministic per seed', async () => {
    const demo = await ensureDemo(projectRoot());
    const dataset = openDataset(demo.datasetDir);
    const meanShift = (noise: number) => {
      const { preds } = perturbedGtPredictions(dataset, noise, 3);
      let sum = 0;
      let count = 0;
      dataset.persons.forEach((person, n) =>
        person.joints.forEach((joint, j) => {
          if (joint === null) return;
          const [x, y] = preds[n]![j]!;
          sum += Math.hypot(x! - joint[0], y! - joint[1]);
          count += 1;
        }),
      );
      return sum / count;
    };
    expect(meanShift(0.4)).toBeGreaterThan(meanShift(0.1));
    expect(perturbedGtPredictions(dataset, 0.2, 9)).toEqual(perturbedGtPredictions(dataset, 0.2, 9));
  });
});

describe('goal and stats', () => {
  it('goal: met when the value is at most the limit (plus any stated tolerance), null when unmeasured', () => {
    expect(goal('a', 19.9, 'ms', 20).met).toBe(true);
    expect(goal('a', 20.1, 'ms', 20).met).toBe(false);
    expect(goal('a', 16.8, 'ms', 16.7, { tolerance: 0.5 }).met).toBe(true);
    expect(goal('a', 17.3, 'ms', 16.7, { tolerance: 0.5 }).met).toBe(false);
    expect(goal('a', null, 'ms', 20).met).toBeNull();
    expect(goal('a', Number.NaN, 'ms', 20)).toMatchObject({ value: null, met: null });
  });

  it('stats: median of odd and even counts, p95 by nearest rank', () => {
    expect(stats([3, 1, 2]).medianMs).toBe(2);
    expect(stats([4, 1, 3, 2]).medianMs).toBe(2.5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(stats(hundred).p95Ms).toBe(95);
    expect(stats(hundred).maxMs).toBe(100);
    expect(stats([]).n).toBe(0);
  });
});
