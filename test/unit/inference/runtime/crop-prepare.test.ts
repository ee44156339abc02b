/**
 * Crop preparation (crop-prepare.ts) on the demo dataset and model, real files: prepared crops are
 * the ones a run would have made (the run then decodes nothing and predicts the same bits), a second
 * preparation finds them all, the budget is kept, a bad image is named and the rest prepared.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../../src-main/core/project-root.ts';
import type { PersonAnnotation } from '../../../../src-main/core/types.ts';
import { openDataset } from '../../../../src-main/datasets/open-dataset.ts';
import { ensureDemo } from '../../../../src-main/demo/ensure-demo.ts';
import { prepareCrops, type PrepareCropsProgress } from '../../../../src-main/inference/runtime/crop-prepare.ts';
import { inspectModel, type ModelInfo } from '../../../../src-main/inference/runtime/model-inspect.ts';
import { runModelsOverDataset, type PipelineResult } from '../../../../src-main/inference/runtime/run-pipeline.ts';

const CROP_256 = 256 * 256 * 3;

let tempRoot = '';
let persons: PersonAnnotation[];
let imagesDir: string;
let model: ModelInfo;

beforeAll(async () => {
  tempRoot = await mkdtemp(path.join(os.tmpdir(), 'posebench-crop-prepare-'));
  const demo = await ensureDemo(projectRoot());
  const dataset = openDataset(demo.datasetDir);
  imagesDir = dataset.imagesDir;
  persons = dataset.persons.slice(0, 10);
  model = await inspectModel(demo.modelFiles.find((f) => path.basename(f).startsWith('demo_regression')) as string);
}, 120_000);
afterAll(async () => {
  if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
});

async function cropFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.rgb')).map((e) => path.join(e.parentPath, e.name));
}

function keypointsOf(run: PipelineResult[]): Map<number, number[]> {
  return new Map(run.map((r) => [r.entryIndex, [...r.keypoints]]));
}

describe('prepareCrops', () => {
  it('makes the crops a run would make: the run then decodes nothing and predicts the same bits', async () => {
    const cacheDir = path.join(tempRoot, 'exact');
    const images = new Set(persons.map((p) => p.image)).size;
    const progress: PrepareCropsProgress[] = [];
    const prepared = await prepareCrops({
      persons,
      imagesDir,
      cacheDir,
      budgetBytes: 1 << 30,
      // The model's size twice and a second size: each size once.
      sizes: [
        { width: 256, height: 256 },
        { width: 256, height: 256 },
        { width: 128, height: 96 },
      ],
      onProgress: (p) => progress.push(p),
      progressEveryMs: 0,
    });
    expect(prepared).toMatchObject({
      imagesTotal: images,
      imagesDone: images,
      imagesDecoded: images,
      cropsMade: 2 * persons.length,
      cropsFound: 0,
      failedImages: 0,
      end: 'done',
    });
    expect(progress.at(-1)).toEqual(prepared);
    expect(progress.map((p) => p.imagesDone)).toEqual([...progress.map((p) => p.imagesDone)].sort((a, b) => a - b));
    const files = await cropFiles(cacheDir);
    expect(files).toHaveLength(2 * persons.length);
    expect((await Promise.all(files.map((f) => stat(f)))).map((s) => s.size).sort((a, b) => a - b)).toEqual([
      ...Array<number>(persons.length).fill(128 * 96 * 3),
      ...Array<number>(persons.length).fill(CROP_256),
    ]);

    const plain: PipelineResult[] = [];
    await runModelsOverDataset({
      models: [model],
      persons,
      imagesDir,
      onResult: (r) => plain.push({ ...r, keypoints: Float32Array.from(r.keypoints) }),
      onFailure: () => undefined,
    });
    const cached: PipelineResult[] = [];
    const summary = await runModelsOverDataset({
      models: [model],
      persons,
      imagesDir,
      cropCache: { dir: cacheDir, budgetBytes: 1 << 30 },
      onResult: (r) => cached.push({ ...r, keypoints: Float32Array.from(r.keypoints) }),
      onFailure: () => undefined,
    });
    expect(summary).toMatchObject({ decodedImages: 0, cropsWarped: 0, cropsFromCache: persons.length, failures: 0 });
    expect(keypointsOf(cached)).toEqual(keypointsOf(plain));

    const again = await prepareCrops({
      persons,
      imagesDir,
      cacheDir,
      budgetBytes: 1 << 30,
      sizes: [
        { width: 256, height: 256 },
        { width: 128, height: 96 },
      ],
    });
    expect(again).toMatchObject({ imagesDecoded: 0, cropsMade: 0, cropsFound: 2 * persons.length, end: 'done' });
  }, 60_000);

  it('stops at the budget instead of filling the folder past it', async () => {
    const cacheDir = path.join(tempRoot, 'budget');
    const result = await prepareCrops({ persons, imagesDir, cacheDir, budgetBytes: 3.5 * CROP_256, sizes: [{ width: 256, height: 256 }] });
    expect(result).toMatchObject({ cropsMade: 3, end: 'budget' });
    expect(await cropFiles(cacheDir)).toHaveLength(3);
  });

  it('makes room from crops of other work, least recently used first, when the budget is reached', async () => {
    const cacheDir = path.join(tempRoot, 'room');
    // Another dataset's crops, used long ago, filling the folder to its budget.
    const others = Array.from({ length: 6 }, (_, i) => path.join(cacheDir, '256x256', 'zz', `other-${i}.rgb`));
    await mkdir(path.dirname(others[0] as string), { recursive: true });
    const longAgo = new Date(Date.now() - 30 * 86_400_000);
    for (const file of others) {
      await writeFile(file, new Uint8Array(CROP_256));
      await utimes(file, longAgo, longAgo);
    }
    const result = await prepareCrops({ persons: persons.slice(0, 3), imagesDir, cacheDir, budgetBytes: 6 * CROP_256, sizes: [{ width: 256, height: 256 }] });
    expect(result).toMatchObject({ cropsMade: 3, end: 'done' });
    // Each time the budget is reached, pruning takes the folder to 80 % of it, oldest first: the
    // others go (2 at a time), this dataset's 3 new crops stay, and the folder stays within budget.
    const files = await cropFiles(cacheDir);
    expect(files.filter((f) => !path.basename(f).startsWith('other-'))).toHaveLength(3);
    expect(files.filter((f) => path.basename(f).startsWith('other-'))).toHaveLength(2);
    expect(files.length).toBeLessThanOrEqual(6);
  });

  it('stops at the first crop it cannot write, saying where and why', async () => {
    const blocker = path.join(tempRoot, 'a-file');
    await writeFile(blocker, 'not a folder');
    const result = await prepareCrops({
      persons,
      imagesDir,
      cacheDir: path.join(blocker, 'crops'),
      budgetBytes: 1 << 30,
      sizes: [{ width: 256, height: 256 }],
    });
    expect(result).toMatchObject({ cropsMade: 0, end: 'unwritable', imagesDone: 0 });
    expect(result.failures[0]).toContain(`cannot write crops to ${path.join(blocker, 'crops')}`);
  });

  it('names a corrupt or missing image, prepares the others, and stops when cancelled', async () => {
    const dir = path.join(tempRoot, 'bad-images');
    await mkdir(dir, { recursive: true });
    const [first, second, ...rest] = persons;
    if (first === undefined || second === undefined) throw new Error('demo dataset too small');
    await writeFile(path.join(dir, first.image), 'not a jpeg at all');
    for (const person of rest) await copyFile(path.join(imagesDir, person.image), path.join(dir, person.image));
    // `second.image` is not copied: missing.
    const cacheDir = path.join(tempRoot, 'bad-cache');
    const result = await prepareCrops({ persons, imagesDir: dir, cacheDir, budgetBytes: 1 << 30, sizes: [{ width: 256, height: 256 }] });
    expect(result.failedImages).toBe(2);
    expect(result.failures.join('\n')).toContain(`${first.image}: `);
    expect(result.failures.join('\n')).toContain(second.image);
    expect(result).toMatchObject({ cropsMade: rest.length, end: 'done' });

    const controller = new AbortController();
    controller.abort();
    const cancelled = await prepareCrops({
      persons,
      imagesDir,
      cacheDir: path.join(tempRoot, 'cancelled'),
      budgetBytes: 1 << 30,
      sizes: [{ width: 256, height: 256 }],
      signal: controller.signal,
    });
    expect(cancelled).toMatchObject({ imagesDone: 0, cropsMade: 0, end: 'cancelled' });
  });
});
