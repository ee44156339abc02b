/**
 * The crop cache (crop-cache.ts) on real files, and the pipeline using it: a second run reads the
 * crops the first one wrote, decodes nothing and predicts exactly the same keypoints.
 */
import { mkdtemp, readFile, readdir, rm, stat, truncate, utimes, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../../src-main/core/project-root.ts';
import type { PersonAnnotation } from '../../../../src-main/core/types.ts';
import { openDataset } from '../../../../src-main/datasets/open-dataset.ts';
import { ensureDemo } from '../../../../src-main/demo/ensure-demo.ts';
import {
  cropCacheBudgetBytes,
  cropCacheHit,
  cropCacheKey,
  cropCachePath,
  cropCacheRunOption,
  imageIdentity,
  pruneCropCache,
  readCachedCrop,
  writeCachedCrop,
  type ImageIdentity,
} from '../../../../src-main/inference/runtime/crop-cache.ts';
import { mpiiCropTransform } from '../../../../src-main/inference/preprocess/crop-transform.ts';
import { ImagePrefetcher } from '../../../../src-main/inference/runtime/image-prefetcher.ts';
import { inspectModel, type ModelInfo } from '../../../../src-main/inference/runtime/model-inspect.ts';
import { defaultImageWorkerCount, runModelsOverDataset, type PipelineResult } from '../../../../src-main/inference/runtime/run-pipeline.ts';
import { HAS_SHARED, sharedPath } from '../../../support/shared-fixtures.ts';

let tempRoot = '';
beforeAll(async () => {
  tempRoot = await mkdtemp(path.join(os.tmpdir(), 'posebench-crop-cache-'));
});
afterAll(async () => {
  if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

describe('crop cache files', () => {
  const identity: ImageIdentity = { file: '/data/a.jpg', text: '/data/a.jpg\x00100\x00123\x00456' };
  const matrix = [0.5, 0, 10.25, 0, 0.5, -3.75] as const;

  it('keys change with the image identity, every matrix number and the size, and only then', () => {
    const key = cropCacheKey({ image: identity, imageToInput: matrix, width: 256, height: 256 });
    expect(cropCacheKey({ image: { ...identity }, imageToInput: [...matrix], width: 256, height: 256 })).toBe(key);
    expect(cropCacheKey({ image: { ...identity, text: `${identity.text}1` }, imageToInput: matrix, width: 256, height: 256 })).not.toBe(key);
    for (let i = 0; i < 6; i += 1) {
      const moved = [...matrix] as [number, number, number, number, number, number];
      moved[i] = (moved[i] as number) + 2 ** -40; // one ulp-scale change must not reuse the crop
      expect(cropCacheKey({ image: identity, imageToInput: moved, width: 256, height: 256 })).not.toBe(key);
    }
    expect(cropCacheKey({ image: identity, imageToInput: matrix, width: 256, height: 192 })).not.toBe(key);
    expect(cropCachePath('/c', key, 256, 192)).toBe(path.join('/c', '256x192', key.slice(0, 2), `${key}.rgb`));
  });

  it('an image rewritten in place gets a new identity; a missing file or a folder has none', async () => {
    const file = path.join(tempRoot, 'image.jpg');
    await writeFile(file, 'first');
    const first = imageIdentity(file);
    expect(first?.file).toBe(file);
    await writeFile(file, 'other'); // same size
    await utimes(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const second = imageIdentity(file);
    expect(second?.text).not.toBe(first?.text);
    expect(imageIdentity(path.join(tempRoot, 'absent.jpg'))).toBeNull();
    expect(imageIdentity(tempRoot)).toBeNull();
  });

  it('writes atomically, reads back, and refuses a file of the wrong length', async () => {
    const file = path.join(tempRoot, 'rw', '4x2', 'ab', 'abc.rgb');
    const data = Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => i * 7);
    expect(writeCachedCrop(file, data)).toBeNull();
    expect(readCachedCrop(file, data.length)).toEqual(data);
    expect((await filesUnder(path.join(tempRoot, 'rw'))).map((f) => path.basename(f))).toEqual(['abc.rgb']); // no temp left
    await truncate(file, 10);
    expect(readCachedCrop(file, data.length)).toBeNull();
    expect(readCachedCrop(path.join(tempRoot, 'rw', 'none.rgb'), data.length)).toBeNull();
    // A parent that is a file: the write fails, returns the error, throws nothing.
    const blocked = path.join(tempRoot, 'image.jpg', 'x.rgb');
    expect(writeCachedCrop(blocked, data)).toBeInstanceOf(Error);
  });

  it('a read renews the age of a crop older than an hour, so pruning drops the least recently used', async () => {
    const dir = path.join(tempRoot, 'lru');
    const data = new Uint8Array(2 * 2 * 3).fill(9);
    const used = path.join(dir, '2x2', 'aa', 'used.rgb');
    const unused = path.join(dir, '2x2', 'bb', 'unused.rgb');
    const recent = path.join(dir, '2x2', 'cc', 'recent.rgb');
    for (const file of [used, unused, recent]) expect(writeCachedCrop(file, data)).toBeNull();
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000);
    await utimes(used, hoursAgo(3), hoursAgo(3));
    await utimes(unused, hoursAgo(2), hoursAgo(2));
    await utimes(recent, hoursAgo(0.5), hoursAgo(0.5));
    expect(readCachedCrop(used, data.length)).toEqual(data);
    expect(readCachedCrop(recent, data.length)).toEqual(data);
    expect(Date.now() - (await stat(used)).mtimeMs).toBeLessThan(60_000);
    // Found without reading (crop preparation) renews it the same way.
    const found = path.join(dir, '2x2', 'dd', 'found.rgb');
    expect(writeCachedCrop(found, data)).toBeNull();
    await utimes(found, hoursAgo(5), hoursAgo(5));
    expect(cropCacheHit(found)).toBe(true);
    expect(cropCacheHit(path.join(dir, 'missing.rgb'))).toBe(false);
    expect(Date.now() - (await stat(found)).mtimeMs).toBeLessThan(60_000);
    await rm(found);
    // Read within the hour: not written again.
    expect(Math.abs((await stat(recent)).mtimeMs - hoursAgo(0.5).getTime())).toBeLessThan(2000);
    // Over budget, pruned to 80 %: least recently used first; the crop read just now stays, though written first.
    await pruneCropCache(dir, 2 * data.length);
    expect((await filesUnder(dir)).map((f) => path.basename(f))).toEqual(['used.rgb']);
  });

  it('prunes the oldest crops to 80 % of the budget and drops stale temporary files only', async () => {
    const dir = path.join(tempRoot, 'prune');
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const [i, name] of names.entries()) {
      const file = path.join(dir, '2x2', name.repeat(2), `${name}.rgb`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, Buffer.alloc(100, i));
      await utimes(file, new Date(1_000_000 + i * 1000), new Date(1_000_000 + i * 1000)); // a oldest … e newest
    }
    const staleTemp = path.join(dir, '2x2', 'aa', 'a.rgb.1.x.tmp');
    const freshTemp = path.join(dir, '2x2', 'aa', 'a.rgb.2.y.tmp');
    await writeFile(staleTemp, 'x');
    await utimes(staleTemp, new Date(1_000_000), new Date(1_000_000));
    await writeFile(freshTemp, 'y');

    const within = await pruneCropCache(dir, 10_000);
    expect(within).toMatchObject({ files: 5, bytes: 500, removedFiles: 1 }); // only the stale temp file
    const result = await pruneCropCache(dir, 400); // over: down to 320 bytes → 3 files
    expect(result).toMatchObject({ files: 3, bytes: 300, removedFiles: 2, removedBytes: 200 });
    const left = (await filesUnder(dir)).map((f) => path.basename(f));
    expect(left).toEqual(['a.rgb.2.y.tmp', 'c.rgb', 'd.rgb', 'e.rgb']);
    expect(await pruneCropCache(path.join(tempRoot, 'no-such-dir'), 1)).toEqual({ files: 0, bytes: 0, removedFiles: 0, removedBytes: 0 });
  });

  it('the budget comes from POSEBENCH_CROP_CACHE_MB; 0 turns the cache off', () => {
    expect(cropCacheBudgetBytes({})).toBe(2048 * 1024 * 1024);
    expect(cropCacheBudgetBytes({ POSEBENCH_CROP_CACHE_MB: '1.5' })).toBe(1.5 * 1024 * 1024);
    expect(cropCacheBudgetBytes({ POSEBENCH_CROP_CACHE_MB: '0' })).toBe(0);
    expect(() => cropCacheBudgetBytes({ POSEBENCH_CROP_CACHE_MB: 'lots' })).toThrow(/POSEBENCH_CROP_CACHE_MB/);
    expect(cropCacheRunOption('/c', { POSEBENCH_CROP_CACHE_MB: '0' })).toEqual({});
    expect(cropCacheRunOption(undefined, {})).toEqual({});
    expect(cropCacheRunOption('/c', { POSEBENCH_CROP_CACHE_MB: '1' })).toEqual({ cropCache: { dir: path.join('/c', 'crops'), budgetBytes: 1024 * 1024 } });
  });
});

function collect() {
  const results: PipelineResult[] = [];
  const failures: string[] = [];
  return {
    results,
    failures,
    handlers: {
      onResult: (r: PipelineResult) => results.push({ ...r, keypoints: Float32Array.from(r.keypoints) }),
      onFailure: (f: { entryIndex: number; reason: string }) => failures.push(`${f.entryIndex}: ${f.reason}`),
    },
  };
}

const byKey = (results: readonly PipelineResult[]) => new Map(results.map((r) => [`${r.entryIndex}/${r.modelIndex}`, [...r.keypoints]]));

describe('pipeline with the crop cache (demo dataset and model)', () => {
  let persons: PersonAnnotation[];
  let imagesDir: string;
  let model: ModelInfo;

  beforeAll(async () => {
    const demo = await ensureDemo(projectRoot());
    const dataset = openDataset(demo.datasetDir);
    imagesDir = dataset.imagesDir;
    persons = dataset.persons.slice(0, 12);
    const file = demo.modelFiles.find((f) => path.basename(f).startsWith('demo_regression')) as string;
    model = await inspectModel(file);
  }, 120_000);

  it('a second run reads every crop from the cache, decodes nothing, and predicts the same bits', async () => {
    const dir = path.join(tempRoot, 'pipeline-cache');
    const cropCache = { dir, budgetBytes: 1 << 30 };
    const images = new Set(persons.map((p) => p.image)).size;

    const plain = collect();
    await runModelsOverDataset({ models: [model], persons, imagesDir, ...plain.handlers });

    const first = collect();
    const cold = await runModelsOverDataset({ models: [model], persons, imagesDir, cropCache, ...first.handlers });
    expect(cold).toMatchObject({ decodedImages: images, imagesFromCache: 0, cropsWarped: persons.length, cropsFromCache: 0 });
    const written = await filesUnder(dir);
    expect(written.length).toBe(persons.length);
    for (const file of written) expect((await stat(file)).size).toBe(256 * 256 * 3);

    const second = collect();
    const warm = await runModelsOverDataset({ models: [model], persons, imagesDir, cropCache, ...second.handlers });
    expect(warm).toMatchObject({ decodedImages: 0, imagesFromCache: images, cropsWarped: 0, cropsFromCache: persons.length });
    expect(second.failures).toEqual([]);
    expect(byKey(second.results)).toEqual(byKey(plain.results));
    expect(byKey(first.results)).toEqual(byKey(plain.results));
  });

  it('several image workers: each image decoded once, the same results in the dataset order, the cache shared', async () => {
    const images = new Set(persons.map((p) => p.image)).size;
    const one = collect();
    const single = await runModelsOverDataset({ models: [model], persons, imagesDir, imageWorkers: 1, ...one.handlers });
    const three = collect();
    const dir = path.join(tempRoot, 'pipeline-three-workers');
    const cropCache = { dir, budgetBytes: 1 << 30 };
    const pooled = await runModelsOverDataset({ models: [model], persons, imagesDir, imageWorkers: 3, prefetchPersons: 6, cropCache, ...three.handlers });
    expect(single).toMatchObject({ decodedImages: images, failures: 0 });
    expect(pooled).toMatchObject({ decodedImages: images, cropsWarped: persons.length, failures: 0 });
    expect(three.results.map((r) => r.entryIndex)).toEqual(one.results.map((r) => r.entryIndex));
    expect(byKey(three.results)).toEqual(byKey(one.results));
    const again = collect();
    const warm = await runModelsOverDataset({ models: [model], persons, imagesDir, imageWorkers: 2, cropCache, ...again.handlers });
    expect(warm).toMatchObject({ decodedImages: 0, cropsFromCache: persons.length });
    expect(byKey(again.results)).toEqual(byKey(one.results));
  });

  it('a held image worker starts no job until continued; then it answers them all', async () => {
    const prefetcher = new ImagePrefetcher({
      crops: [{ key: '64x64', width: 64, height: 64 }],
      tensors: [{ key: 't', cropKey: '64x64', color: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], flipped: false }],
    });
    try {
      prefetcher.hold();
      let answered = 0;
      const replies = persons.slice(0, 3).map((person) =>
        prefetcher.request({ imagePath: path.join(imagesDir, person.image), persons: [person] }).then((reply) => {
          answered += 1;
          return reply;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1500)); // ample for three small images
      expect(answered).toBe(0);
      prefetcher.continue();
      const done = await Promise.all(replies);
      expect(done.map((reply) => reply.ok)).toEqual([true, true, true]);
    } finally {
      await prefetcher.close();
    }
  });

  it('the image worker count: one per core beyond the first, at most 3; POSEBENCH_IMAGE_WORKERS overrides', () => {
    const cores = os.availableParallelism();
    expect(defaultImageWorkerCount({})).toBe(Math.max(1, Math.min(3, cores - 1)));
    expect(defaultImageWorkerCount({ POSEBENCH_IMAGE_WORKERS: '2' })).toBe(2);
    expect(defaultImageWorkerCount({ POSEBENCH_IMAGE_WORKERS: '0' })).toBe(Math.max(1, Math.min(3, cores - 1)));
    expect(defaultImageWorkerCount({ POSEBENCH_IMAGE_WORKERS: 'many' })).toBe(Math.max(1, Math.min(3, cores - 1)));
  });

  it('a changed image and a damaged cache file are made again; the results stay exact', async () => {
    const dir = path.join(tempRoot, 'pipeline-invalidate');
    const cropCache = { dir, budgetBytes: 1 << 30 };
    const copyDir = path.join(tempRoot, 'images-copy');
    await mkdir(copyDir, { recursive: true });
    for (const person of persons) await writeFile(path.join(copyDir, person.image), await readFile(path.join(imagesDir, person.image)));

    const plain = collect();
    await runModelsOverDataset({ models: [model], persons, imagesDir: copyDir, ...plain.handlers });
    await runModelsOverDataset({ models: [model], persons, imagesDir: copyDir, cropCache, ...collect().handlers });

    // Same bytes, new mtime: the identity changes, so that image's persons are cropped again.
    const touched = persons[0] as PersonAnnotation;
    await utimes(path.join(copyDir, touched.image), new Date(2020, 0, 1), new Date(2020, 0, 1));
    // A torn cache file (wrong length) of a person on another image: a miss, never a wrong crop.
    const other = persons.find((p) => p.image !== touched.image) as PersonAnnotation;
    const otherIdentity = imageIdentity(path.join(copyDir, other.image)) as ImageIdentity;
    const transform = mpiiCropTransform(other, { width: 256, height: 256 });
    const torn = cropCachePath(dir, cropCacheKey({ image: otherIdentity, imageToInput: transform.imageToInput, width: 256, height: 256 }), 256, 256);
    expect((await stat(torn)).size).toBe(256 * 256 * 3); // the key is the one the worker used
    await truncate(torn, 1000);

    const again = collect();
    const summary = await runModelsOverDataset({ models: [model], persons, imagesDir: copyDir, cropCache, ...again.handlers });
    const touchedPersons = persons.filter((p) => p.image === touched.image).length;
    expect(summary.cropsWarped).toBe(touchedPersons + 1);
    expect(summary.cropsFromCache).toBe(persons.length - summary.cropsWarped);
    expect(byKey(again.results)).toEqual(byKey(plain.results));
  });

  it('a cancelled run leaves no temporary files, and the budget prunes at the end of a run', async () => {
    const dir = path.join(tempRoot, 'pipeline-budget');
    // Budget of 5 crops: the run writes 12, the end-of-run prune keeps the newest ≤ 4 (80 %).
    const cropCache = { dir, budgetBytes: 5 * 256 * 256 * 3 };
    await runModelsOverDataset({ models: [model], persons, imagesDir, cropCache, ...collect().handlers });
    const left = await filesUnder(dir);
    expect(left.length).toBe(4);
    expect(left.every((f) => f.endsWith('.rgb'))).toBe(true);

    const controller = new AbortController();
    const cancelled = collect();
    await runModelsOverDataset({
      models: [model],
      persons,
      imagesDir,
      cropCache: { dir: path.join(tempRoot, 'pipeline-cancel'), budgetBytes: 1 << 30 },
      ...cancelled.handlers,
      onResult: (r) => {
        cancelled.handlers.onResult(r);
        if (cancelled.results.length === 2) controller.abort();
      },
      signal: controller.signal,
    });
    expect((await filesUnder(path.join(tempRoot, 'pipeline-cancel'))).some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});

describe.skipIf(!HAS_SHARED)('pipeline with the crop cache, two input sizes (../shared bench models)', () => {
  it('adding a model with a new input size crops only that size; the cached size is read', async () => {
    const deeppose = await inspectModel(sharedPath('models', 'bench', 'deeppose_shufflenetv2_256.onnx'));
    const heatmap128 = await inspectModel(sharedPath('models', 'bench', 'heatmap_shufflenetv2_128.onnx'));
    const dataset = openDataset(sharedPath('fixtures', 'mpii'));
    const cropCache = { dir: path.join(tempRoot, 'two-sizes'), budgetBytes: 1 << 30 };
    await runModelsOverDataset({ models: [deeppose], persons: dataset.persons, imagesDir: dataset.imagesDir, cropCache, ...collect().handlers });
    const both = collect();
    const summary = await runModelsOverDataset({
      models: [deeppose, heatmap128],
      persons: dataset.persons,
      imagesDir: dataset.imagesDir,
      cropCache,
      ...both.handlers,
    });
    expect(summary).toMatchObject({ decodedImages: 5, imagesFromCache: 0, cropsFromCache: 5, cropsWarped: 5 });
    const plain = collect();
    await runModelsOverDataset({ models: [deeppose, heatmap128], persons: dataset.persons, imagesDir: dataset.imagesDir, ...plain.handlers });
    expect(byKey(both.results)).toEqual(byKey(plain.results));
    const third = await runModelsOverDataset({
      models: [heatmap128, deeppose],
      persons: dataset.persons,
      imagesDir: dataset.imagesDir,
      cropCache,
      ...collect().handlers,
    });
    expect(third).toMatchObject({ decodedImages: 0, imagesFromCache: 5, cropsFromCache: 10, cropsWarped: 0 });
  }, 60_000);
});
