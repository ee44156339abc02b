import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseMpiiJson } from '../../../../src-main/formats/mpii-json.ts';
import { benchPipeline, benchSessionRun, environmentInfo, summarise } from '../../../../src-main/inference/runtime/latency-bench.ts';
import { inspectModel } from '../../../../src-main/inference/runtime/model-inspect.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../../support/shared-fixtures.ts';

skipWithoutShared('engine: latency of the bench models');

describe('latency statistics', () => {
  it('median (even/odd), nearest-rank p95, mean, min', () => {
    expect(summarise([5, 1, 3])).toEqual({ medianMs: 3, p95Ms: 5, meanMs: 3, minMs: 1 });
    expect(summarise([4, 1, 3, 2])).toEqual({ medianMs: 2.5, p95Ms: 4, meanMs: 2.5, minMs: 1 });
    // 20 values 1..20: nearest rank ceil(0.95·20) = 19th value.
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(summarise(twenty).p95Ms).toBe(19);
    expect(summarise([]).medianMs).toBeNaN();
  });

  it('environmentInfo reports the single-thread settings and the ORT version in use', async () => {
    const env = await environmentInfo();
    expect(env.ortVersion).toBe('1.30.0');
    expect(env).toMatchObject({ intraOpNumThreads: 1, interOpNumThreads: 1, node: process.version, cores: os.cpus().length });
    expect(env.cpuModel.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAS_SHARED)('benchmarks on real sessions (few runs: shared machine)', () => {
  it('benchSessionRun times session.run only', async () => {
    const model = await inspectModel(sharedPath('models', 'bench', 'deeppose_shufflenetv2_256.onnx'));
    const stats = await benchSessionRun(model, { runs: 5, warmup: 1 });
    expect(stats.runs).toBe(5);
    expect(stats.warmup).toBe(1);
    expect(stats.minMs).toBeGreaterThan(0);
    expect(stats.minMs).toBeLessThanOrEqual(stats.medianMs);
    expect(stats.medianMs).toBeLessThanOrEqual(stats.p95Ms);
  });

  it('benchPipeline measures the real end-to-end cost per image', async () => {
    const model = await inspectModel(sharedPath('models', 'bench', 'heatmap_shufflenetv2_128.onnx'));
    const file = sharedPath('fixtures', 'mpii', 'annotations', 'mpii_val.json');
    const persons = parseMpiiJson(await readFile(file, 'utf8'), file);
    const result = await benchPipeline(model, persons, sharedPath('fixtures', 'mpii', 'images'));
    expect(result).toMatchObject({ images: 5, persons: 5, failures: 0 });
    expect(result.msPerImage).toBeGreaterThan(0);
    expect(result.msPerImage * result.images).toBeCloseTo(result.totalMs, 6);
  });

  it('interleaves bare session.run timings between persons and leaves their time out of the pipeline cost', async () => {
    const model = await inspectModel(sharedPath('models', 'bench', 'heatmap_shufflenetv2_128.onnx'));
    const file = sharedPath('fixtures', 'mpii', 'annotations', 'mpii_val.json');
    const persons = parseMpiiJson(await readFile(file, 'utf8'), file);
    const result = await benchPipeline(model, persons, sharedPath('fixtures', 'mpii', 'images'), { interleaveBare: { everyPersons: 2, runs: 3 } });
    // 5 persons, a pause after the 2nd and the 4th: 2 × 3 bare runs.
    expect(result.bareSamplesMs).toHaveLength(6);
    expect(result.bareSamplesMs.every((ms) => ms > 0)).toBe(true);
    // The pauses took at least the sum of their timings, and none of it counts as pipeline time.
    const bareSum = result.bareSamplesMs.reduce((sum, ms) => sum + ms, 0);
    expect(result.pausedMs).toBeGreaterThanOrEqual(bareSum);
    expect(result.steadyMsPerPerson * result.persons).toBeCloseTo(result.totalMs - result.startupMs - result.teardownMs, 6);
    // One interval per person after the first, but none right after a pause (persons 3 and 5);
    // pipeline time only, so together at most the steady part.
    expect(result.personIntervalsMs).toHaveLength(2);
    const intervalSum = result.personIntervalsMs.reduce((sum, ms) => sum + ms, 0);
    expect(intervalSum).toBeLessThanOrEqual(result.totalMs - result.startupMs - result.teardownMs);
    expect(Math.min(...result.personIntervalsMs)).toBeGreaterThan(0);
    const plain = await benchPipeline(model, persons, sharedPath('fixtures', 'mpii', 'images'));
    expect(plain.bareSamplesMs).toEqual([]);
    expect(plain.personIntervalsMs).toHaveLength(4);
  });
});
