/**
 * `posebench prepare` through the real CLI: crops go where `posebench eval --db FILE` looks for them
 * (FILE.cache/crops), one per person and input size; a second call finds them all; bad arguments
 * are usage errors.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src-main/core/project-root.ts';
import { openDataset } from '../../src-main/datasets/open-dataset.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { runPosebench } from '../support/run-cli.ts';

let temp = '';
let datasetDir = '';
let modelFile = '';
beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'posebench-cli-prepare-'));
  const demo = await ensureDemo(projectRoot());
  datasetDir = demo.datasetDir;
  modelFile = demo.modelFiles.find((file) => path.basename(file).startsWith('demo_regression')) as string;
}, 120_000);
afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

async function cropCounts(dir: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const size of await readdir(dir).catch(() => [] as string[])) {
    const files = await readdir(path.join(dir, size), { recursive: true, withFileTypes: true });
    counts[size] = files.filter((f) => f.isFile() && f.name.endsWith('.rgb')).length;
  }
  return counts;
}

describe('posebench prepare', () => {
  it('crops every person per input size into the cache eval uses, once', async () => {
    const db = path.join(temp, 'workspace.sqlite');
    const persons = openDataset(datasetDir).persons.length;
    const first = await runPosebench(['prepare', '--dataset', datasetDir, '--model', modelFile, '--input', '96x128', '--db', db, '--format', 'json']);
    expect(first.stderr).not.toMatch(/posebench: /);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { cropsMade: number; cropsFound: number; failedImages: number; end: string; sizes: string[]; cacheDir: string };
    expect(report).toMatchObject({ cropsMade: 2 * persons, cropsFound: 0, failedImages: 0, end: 'done', sizes: ['96x128', '256x256'] });
    expect(report.cacheDir).toBe(path.join(`${db}.cache`, 'crops'));
    expect(await cropCounts(report.cacheDir)).toEqual({ '256x256': persons, '96x128': persons });

    const again = await runPosebench(['prepare', '--dataset', datasetDir, '--input', '256x256', '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`0 crops made, ${persons} already cached, 0 images failed`);
  }, 120_000);

  it('refuses a malformed --input, no size at all, and a cache turned off', async () => {
    const bad = await runPosebench(['prepare', '--dataset', datasetDir, '--input', '256', '--db', path.join(temp, 'x.sqlite')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--input must be WIDTHxHEIGHT');
    const none = await runPosebench(['prepare', '--dataset', datasetDir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('needs --model FILE.onnx or --input WxH');
    const off = await runPosebench(['prepare', '--dataset', datasetDir, '--input', '64x64', '--db', path.join(temp, 'y.sqlite')], {
      POSEBENCH_CROP_CACHE_MB: '0',
    });
    expect(off.code).toBe(2);
    expect(off.stderr).toContain('crop cache is off');
  });
});
