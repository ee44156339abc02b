/**
 * The real pipeline (worker thread under tsx, sharp, ONNX Runtime) over ../shared/fixtures/mpii.
 */
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COCO17_JOINT_NAMES, MPII_JOINT_NAMES } from '../../../../src-main/core/joints.ts';
import type { PersonAnnotation } from '../../../../src-main/core/types.ts';
import { encodeOnnxModel } from '../../../../src-main/demo/onnx-writer.ts';
import { parseMpiiJson } from '../../../../src-main/formats/mpii-json.ts';
import { inspectModel, type ModelInfo } from '../../../../src-main/inference/runtime/model-inspect.ts';
import { runModelsOverDataset, type PipelineFailure, type PipelineProgress, type PipelineResult } from '../../../../src-main/inference/runtime/run-pipeline.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../../support/shared-fixtures.ts';

skipWithoutShared('engine: pipeline over ../shared/fixtures/mpii');

const imagesDir = () => sharedPath('fixtures', 'mpii', 'images');

async function loadPersons(): Promise<PersonAnnotation[]> {
  const file = sharedPath('fixtures', 'mpii', 'annotations', 'mpii_val.json');
  return parseMpiiJson(await readFile(file, 'utf8'), file);
}

function collect() {
  const results: PipelineResult[] = [];
  const failures: PipelineFailure[] = [];
  const progress: PipelineProgress[] = [];
  return {
    results,
    failures,
    progress,
    handlers: {
      onResult: (r: PipelineResult) => results.push({ ...r, keypoints: Float32Array.from(r.keypoints) }),
      onFailure: (f: PipelineFailure) => failures.push(f),
      onProgress: (p: PipelineProgress) => progress.push(p),
    },
  };
}

describe.skipIf(!HAS_SHARED)('runModelsOverDataset', () => {
  let persons: PersonAnnotation[];
  let deeppose: ModelInfo;
  let rle: ModelInfo;
  let heatmap128: ModelInfo;
  let efficientPose: ModelInfo;
  let tempDir = '';

  beforeAll(async () => {
    persons = await loadPersons();
    deeppose = await inspectModel(sharedPath('models', 'bench', 'deeppose_shufflenetv2_256.onnx'));
    rle = await inspectModel(sharedPath('models', 'bench', 'rle_shufflenetv2_256.onnx'));
    heatmap128 = await inspectModel(sharedPath('models', 'bench', 'heatmap_shufflenetv2_128.onnx'));
    efficientPose = await inspectModel(sharedPath('models', 'real', 'EfficientPoseRT_mpii_224x224.onnx'));
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'posebench-engine-pipeline-'));
  });
  afterAll(async () => {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  it('3 models over 10 persons of 5 images: each image decoded once, every (person, model) predicted once', async () => {
    // Each person twice (second copy with a new entry index): grouping must still decode 5 images.
    const doubled = [...persons, ...persons.map((p, i) => ({ ...p, entryIndex: persons.length + i }))];
    const run = collect();
    const summary = await runModelsOverDataset({ models: [deeppose, rle, heatmap128], persons: doubled, imagesDir: imagesDir(), ...run.handlers });
    expect(summary.decodedImages).toBe(5);
    expect(summary.imagesTotal).toBe(5);
    expect(summary.failedImages).toBe(0);
    expect(run.failures).toEqual([]);
    expect(summary.cancelled).toBe(false);
    const keys = run.results.map((r) => `${r.entryIndex}/${r.modelIndex}`).sort();
    const wanted = doubled.flatMap((p) => [0, 1, 2].map((m) => `${p.entryIndex}/${m}`)).sort();
    expect(keys).toEqual(wanted);
    for (const result of run.results) {
      expect(result.keypoints.length).toBe(48);
      expect(result.keypoints.every(Number.isFinite)).toBe(true);
    }
    // Copies of the same person get the same prediction (same crop, deterministic single thread).
    const byKey = new Map(run.results.map((r) => [`${r.entryIndex}/${r.modelIndex}`, r.keypoints]));
    for (let m = 0; m < 3; m += 1) {
      expect(byKey.get(`${persons.length}/${m}`)).toEqual(byKey.get(`0/${m}`));
    }
    // DeepPose scores are 1.0 by definition (spec §5.1).
    const deepposeScores = run.results.filter((r) => r.modelIndex === 0).flatMap((r) => [...r.keypoints].filter((_, i) => i % 3 === 2));
    expect(new Set(deepposeScores)).toEqual(new Set([1]));
    const last = run.progress.at(-1);
    expect(last).toMatchObject({ done: 10, total: 10, imagesDone: 5, imagesTotal: 5 });
    expect(last?.etaSeconds).toBe(0);
  });

  it('EfficientPose RT through the whole pipeline lands on the OpenCV-made golden predictions', async () => {
    const expected = JSON.parse(await readFile(sharedPath('fixtures', 'mpii-goldens', 'efficientpose_rt_predictions.json'), 'utf8')) as {
      entries: string[];
      preds: number[][][];
    };
    const run = collect();
    const summary = await runModelsOverDataset({ models: [efficientPose], persons, imagesDir: imagesDir(), ...run.handlers });
    expect(summary.decodedImages).toBe(5);
    expect(run.results.length).toBe(5);
    // Our crops equal OpenCV's except a handful of edge pixels (efficientpose-golden.test.ts), so the
    // heatmap argmax may move by a cell at most: 1 cell = S/224 image px, allow 1.5 cells + 0.25 shift.
    for (const result of run.results) {
      const person = persons[result.entryIndex] as PersonAnnotation;
      const want = expected.preds[expected.entries.indexOf(person.image)] as number[][];
      const cell = (1.25 * 200 * person.scale) / 224;
      let within = 0;
      for (let j = 0; j < 16; j += 1) {
        const [x, y] = want[j] as [number, number];
        const dx = (result.keypoints[j * 3] as number) - x;
        const dy = (result.keypoints[j * 3 + 1] as number) - y;
        if (Math.hypot(dx, dy) <= 1.75 * cell) within += 1;
      }
      expect({ image: person.image, within }).toEqual({ image: person.image, within: 16 });
    }
  });

  it('flip test runs the mirrored crop and still returns one result per (person, model)', async () => {
    const run = collect();
    const summary = await runModelsOverDataset({ models: [heatmap128], persons, imagesDir: imagesDir(), flipTest: true, ...run.handlers });
    expect(summary.decodedImages).toBe(5);
    expect(run.results.length).toBe(5);
    const plain = collect();
    await runModelsOverDataset({ models: [heatmap128], persons, imagesDir: imagesDir(), ...plain.handlers });
    // Averaging with the mirrored output changes the heatmap peaks, so the scores differ.
    const scores = (r: PipelineResult) => [...r.keypoints].filter((_, i) => i % 3 === 2);
    expect(scores(run.results[0] as PipelineResult)).not.toEqual(scores(plain.results[0] as PipelineResult));
  });

  it('a corrupt JPEG and a missing image are failures; the other images complete', async () => {
    const dataset = path.join(tempDir, 'corrupt');
    await cp(sharedPath('fixtures', 'mpii'), dataset, { recursive: true });
    const corrupt = persons[1] as PersonAnnotation;
    const missing = persons[3] as PersonAnnotation;
    const corruptFile = path.join(dataset, 'images', corrupt.image);
    const original = await readFile(corruptFile);
    // Keep the JPEG signature so the decoder really tries; the rest is noise.
    const bytes = Buffer.alloc(original.length);
    original.copy(bytes, 0, 0, 4);
    for (let i = 4; i < bytes.length; i += 1) bytes[i] = (i * 131 + 7) & 0xff;
    await writeFile(corruptFile, bytes);
    await unlink(path.join(dataset, 'images', missing.image));

    const run = collect();
    const summary = await runModelsOverDataset({
      models: [deeppose, heatmap128],
      persons,
      imagesDir: path.join(dataset, 'images'),
      ...run.handlers,
    });
    expect(summary.decodedImages).toBe(3);
    expect(summary.failedImages).toBe(2);
    expect(run.results.length).toBe(3 * 2);
    expect(run.failures.map((f) => f.entryIndex).sort()).toEqual([corrupt.entryIndex, missing.entryIndex].sort());
    const corruptFailure = run.failures.find((f) => f.entryIndex === corrupt.entryIndex);
    expect(corruptFailure?.modelIndex).toBeUndefined();
    expect(corruptFailure?.reason).toContain(corruptFile);
    expect(corruptFailure?.reason).toMatch(/cannot decode image/);
    expect(run.failures.find((f) => f.entryIndex === missing.entryIndex)?.reason).toMatch(/not found/);
    expect(run.results.every((r) => r.entryIndex !== corrupt.entryIndex && r.entryIndex !== missing.entryIndex)).toBe(true);
  });

  it('a person without a centre fails alone; the rest of its image still runs', async () => {
    const second = { ...(persons[0] as PersonAnnotation), entryIndex: 99, center: null };
    const run = collect();
    const summary = await runModelsOverDataset({
      models: [deeppose],
      persons: [persons[0] as PersonAnnotation, second],
      imagesDir: imagesDir(),
      ...run.handlers,
    });
    expect(summary.decodedImages).toBe(1);
    expect(run.results.map((r) => r.entryIndex)).toEqual([0]);
    expect(run.failures.map((f) => [f.entryIndex, f.reason])).toEqual([[99, expect.stringMatching(/centre/)]]);
  });

  it('cancel mid-run stops early; resuming with skip completes exactly the rest', async () => {
    const controller = new AbortController();
    const first = collect();
    const summary = await runModelsOverDataset({
      models: [deeppose, heatmap128],
      persons,
      imagesDir: imagesDir(),
      ...first.handlers,
      onResult: (r) => {
        first.handlers.onResult(r);
        if (first.results.length === 3) controller.abort();
      },
      signal: controller.signal,
    });
    expect(summary.cancelled).toBe(true);
    expect(first.results.length).toBe(3);
    expect(summary.decodedImages).toBeLessThan(5);

    const done = new Set(first.results.map((r) => `${r.entryIndex}/${r.modelIndex}`));
    const second = collect();
    const resumed = await runModelsOverDataset({
      models: [deeppose, heatmap128],
      persons,
      imagesDir: imagesDir(),
      skip: (entryIndex, modelIndex) => done.has(`${entryIndex}/${modelIndex}`),
      ...second.handlers,
    });
    expect(resumed.cancelled).toBe(false);
    const all = [...first.results, ...second.results].map((r) => `${r.entryIndex}/${r.modelIndex}`).sort();
    expect(all).toEqual(persons.flatMap((p) => [`${p.entryIndex}/0`, `${p.entryIndex}/1`]).sort());
    // The image whose first model finished before the cancel is decoded again, the others once.
    expect(resumed.decodedImages).toBe(5 - Math.floor(first.results.length / 2));
  });

  it('an already-aborted signal runs nothing', async () => {
    const run = collect();
    const summary = await runModelsOverDataset({ models: [deeppose], persons, imagesDir: imagesDir(), signal: AbortSignal.abort(), ...run.handlers });
    expect(summary).toMatchObject({ cancelled: true, decodedImages: 0, results: 0 });
  });
});

describe.skipIf(!HAS_SHARED)('hand-built models through the pipeline', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'posebench-engine-coco-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('maps COCO joints to MPII by name; pelvis, thorax, upper_neck, head_top stay NaN', async () => {
    // A regression "model" whose output is a constant: joint k at (k/20, 0.5) of the input (normalised).
    const coords = Array.from({ length: 17 }, (_, k) => [k / 20, 0.5]).flat();
    const graph = {
      name: 'coco-constant',
      nodes: [
        {
          opType: 'Constant',
          inputs: [],
          outputs: ['coords'],
          attributes: { value: { kind: 'tensor' as const, value: { name: 'c', dims: [1, 17, 2], type: 'float' as const, data: coords } } },
        },
      ],
      initializers: [],
      inputs: [{ name: 'input', shape: [1, 3, 64, 64] }],
      outputs: [{ name: 'coords', shape: [1, 17, 2] }],
    };
    const file = path.join(dir, 'coco_constant.onnx');
    await writeFile(file, encodeOnnxModel(graph));
    const info = await inspectModel(file);
    expect(info.head).toBe('regression');
    expect(info.keypoints).toEqual([...COCO17_JOINT_NAMES]);
    expect(info.jointPredicted.filter((p) => !p).length).toBe(4);

    const persons = (await loadPersons()).slice(0, 2);
    const run = collect();
    await runModelsOverDataset({ models: [info], persons, imagesDir: imagesDir(), ...run.handlers });
    expect(run.failures).toEqual([]);
    expect(run.results.length).toBe(2);
    for (const result of run.results) {
      const person = persons.find((p) => p.entryIndex === result.entryIndex) as PersonAnnotation;
      const [cx0, cy0] = person.center as [number, number];
      // spec §4.1 / §5.1: x_img = cx − S/2 + x_norm·S with S = 250·s, cy = centre_y + 15·s.
      const side = 250 * person.scale;
      const cy = cy0 + 15 * person.scale;
      for (let j = 0; j < 16; j += 1) {
        const name = MPII_JOINT_NAMES[j] as string;
        const k = (COCO17_JOINT_NAMES as readonly string[]).indexOf(name);
        const [x, y, score] = [result.keypoints[j * 3], result.keypoints[j * 3 + 1], result.keypoints[j * 3 + 2]] as number[];
        if (k < 0) {
          expect({ name, x, y, score }).toEqual({ name, x: NaN, y: NaN, score: NaN });
          continue;
        }
        expect(Math.abs((x as number) - (cx0 - side / 2 + (k / 20) * side))).toBeLessThan(0.01);
        expect(Math.abs((y as number) - cy)).toBeLessThan(0.01);
        expect(score).toBe(1);
      }
    }
  });

  it('a model returning NaN fails per (person, model); the other model and the run go on', async () => {
    // heat = Log(input): the ImageNet-normalised crop has negative values, so NaN.
    const graph = {
      name: 'log',
      nodes: [{ opType: 'Log', inputs: ['input'], outputs: ['heatmaps'] }],
      initializers: [],
      inputs: [{ name: 'input', shape: [1, 3, 32, 32] }],
      outputs: [{ name: 'heatmaps', shape: [1, 3, 32, 32] }],
    };
    const file = path.join(dir, 'nan_log.onnx');
    await writeFile(file, encodeOnnxModel(graph));
    await writeFile(path.join(dir, 'nan_log.json'), JSON.stringify({ keypoints: ['head_top', 'upper_neck', 'thorax'], head: 'heatmap' }));
    const nanModel = await inspectModel(file);
    const good = await inspectModel(sharedPath('models', 'bench', 'deeppose_shufflenetv2_256.onnx'));
    const persons = (await loadPersons()).slice(0, 2);
    const run = collect();
    const summary = await runModelsOverDataset({ models: [good, nanModel], persons, imagesDir: imagesDir(), ...run.handlers });
    expect(summary.decodedImages).toBe(2);
    expect(run.results.map((r) => [r.entryIndex, r.modelIndex])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(run.failures.map((f) => [f.entryIndex, f.modelIndex])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(run.failures[0]?.reason).toMatch(/nan_log\.onnx output "heatmaps": non-finite value NaN/);
  });

  it("an error thrown by the caller's onResult stops the run (it is not recorded as a model failure)", async () => {
    const good = await inspectModel(sharedPath('models', 'bench', 'deeppose_shufflenetv2_256.onnx'));
    const failures: PipelineFailure[] = [];
    const outcome = runModelsOverDataset({
      models: [good],
      persons: await loadPersons(),
      imagesDir: imagesDir(),
      onResult: () => {
        throw new Error('disk full');
      },
      onFailure: (f) => failures.push(f),
    });
    await expect(outcome).rejects.toThrow('disk full');
    expect(failures).toEqual([]);
  });
});
