/**
 * `posebench bench` through the real CLI on a demo model: the study's "elapse … ms" figures with the
 * environment, and with --pipeline a first run (every image decoded) and a run reading cached crops.
 * Values are checked for shape and consistency only: speed goals live in `npm run bench`.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src-main/core/project-root.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { runPosebench } from '../support/run-cli.ts';

interface PipelineJson {
  images: number;
  decoded_images: number;
  persons: number;
  failures: number;
  ms_per_person: number;
  steady_ms_per_person: number;
  median_ms_per_person: number;
  session_run_interleaved_median_ms: number;
  median_ratio_to_interleaved_session_run: number;
  image_worker_ms_per_person: number;
}

let datasetDir = '';
let modelFile = '';
beforeAll(async () => {
  const demo = await ensureDemo(projectRoot());
  datasetDir = demo.datasetDir;
  modelFile = demo.modelFiles.find((file) => path.basename(file).startsWith('demo_regression')) as string;
}, 120_000);

describe('posebench bench', () => {
  it('prints session.run statistics on one thread and the pipeline, first run and with cached crops', async () => {
    const result = await runPosebench([
      'bench',
      '--model',
      modelFile,
      '--runs',
      '5',
      '--warmup',
      '1',
      '--pipeline',
      '--dataset',
      datasetDir,
      '--max-persons',
      '6',
      '--format',
      'json',
    ]);
    expect(result.stderr).not.toMatch(/posebench: /);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      head: string;
      session_run_ms: { median: number; p95: number; mean: number; min: number; runs: number; warmup: number };
      pipeline: PipelineJson;
      pipeline_cached_crops: PipelineJson;
      environment: { intraOpNumThreads: number; interOpNumThreads: number; ortVersion: string; cores: number };
    };
    expect(report.head).toBe('regression');
    const run = report.session_run_ms;
    expect({ runs: run.runs, warmup: run.warmup }).toEqual({ runs: 5, warmup: 1 });
    expect(run.min).toBeGreaterThan(0);
    expect(run.min).toBeLessThanOrEqual(run.median);
    expect(run.median).toBeLessThanOrEqual(run.p95);
    expect(report.environment).toMatchObject({ intraOpNumThreads: 1, interOpNumThreads: 1, ortVersion: '1.30.0' });
    expect(report.pipeline).toMatchObject({ persons: 6, failures: 0, decoded_images: report.pipeline.images });
    expect(report.pipeline.images).toBeGreaterThan(0);
    expect(report.pipeline_cached_crops).toMatchObject({ persons: 6, failures: 0, decoded_images: 0, images: report.pipeline.images });
    for (const pipeline of [report.pipeline, report.pipeline_cached_crops]) {
      expect(pipeline.steady_ms_per_person).toBeGreaterThan(0);
      expect(pipeline.steady_ms_per_person).toBeLessThanOrEqual(pipeline.ms_per_person);
      // 6 persons, bare timings after persons 2, 4 and 6: both medians exist, and the ratio is theirs.
      expect(pipeline.session_run_interleaved_median_ms).toBeGreaterThan(0);
      expect(pipeline.median_ms_per_person).toBeGreaterThan(0);
      expect(pipeline.median_ratio_to_interleaved_session_run).toBeCloseTo(pipeline.median_ms_per_person / pipeline.session_run_interleaved_median_ms, 9);
      expect(pipeline.image_worker_ms_per_person).toBeGreaterThan(0);
    }
  }, 120_000);

  it('--pipeline without --dataset is a usage error', async () => {
    const result = await runPosebench(['bench', '--model', modelFile, '--pipeline']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--pipeline needs --dataset/);
  });
});
