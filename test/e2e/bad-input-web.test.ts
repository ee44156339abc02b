/**
 * Bad input through the web host's API (real HTTP with the token, real engine process): malformed
 * dataset folders on `workspace:open`, malformed prediction files on `variants:importPredictions`,
 * broken models on `variants:addModel` / `runs:start`, bad export targets. Each error names the file
 * (and entry); the open dataset, stored variants and their results stay usable.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddModelResult, MetricsTable, RunSummary, VariantSummary, WorkspaceState } from '../../src-main/api/contract.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import {
  copyDataset,
  goodPredictions,
  imageFile,
  makeBadInputDemo,
  makeBrokenDatasets,
  writeBadModels,
  writeBrokenPredictions,
  type BadInputDemo,
  type BadModels,
} from '../support/bad-input-fixtures.ts';
import { api, waitFor } from './e2e-support.ts';

let demo: BadInputDemo;
let models: BadModels;
let dataset: string;
let host: WebHost;

/** POST that must fail: returns the error message the UI shows. */
async function apiError(channel: string, body: unknown): Promise<string> {
  const response = await fetch(new URL(`/api/${channel}`, host.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-posebench-token': host.token },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { ok: boolean; error?: { message: string } };
  expect(json.ok, `${channel} should have failed`).toBe(false);
  return json.error?.message ?? '';
}

const call = <T>(channel: string, body: unknown = {}) => api<T>(host.url, host.token, channel, body);

/** The run's summary once it is no longer running. */
const runEnded = (runId: string, what: string) =>
  waitFor(
    what,
    async () => {
      const mine = (await call<RunSummary[]>('runs:list')).find((r) => r.id === runId);
      return mine !== undefined && mine.status !== 'running' ? mine : undefined;
    },
    120_000,
  );

beforeAll(async () => {
  demo = await makeBadInputDemo('posebench-bad-web-');
  models = writeBadModels(path.join(demo.root, 'bad-models'));
  // The dataset the user works on has one corrupt JPEG (entry 2).
  dataset = copyDataset(demo, 'working');
  const corrupt = imageFile(dataset, 2);
  writeFileSync(corrupt, readFileSync(corrupt).subarray(0, 600));
  host = await startWebHost({ dataset, db: path.join(demo.root, 'workspace.sqlite'), log: () => undefined });
}, 120_000);

afterAll(async () => {
  await host?.close();
});

describe('web host API on bad input', () => {
  it('workspace:open of a malformed folder answers with the file and entry; the open dataset stays usable', async () => {
    const before = await call<WorkspaceState>('workspace:get');
    expect(before.dataset?.root).toBe(dataset);
    for (const broken of makeBrokenDatasets(demo)) {
      const message = await apiError('workspace:open', { datasetDir: broken.dir });
      expect(message, broken.label).toContain(path.join(broken.dir, 'annotations', broken.file));
      for (const mention of broken.mentions) expect(message, broken.label).toMatch(mention);
      expect(message).not.toMatch(/\n\s+at /);
    }
    const after = await call<WorkspaceState>('workspace:get');
    expect(after.dataset).toEqual(before.dataset);
    const table = await call<MetricsTable>('metrics:table');
    expect(table).toBeDefined();
  }, 60_000);

  it('a malformed folder opened during a run leaves the run going', async () => {
    const heatmap = (
      await call<AddModelResult>('variants:addModel', { modelPath: demo.modelFiles.find((f) => f.includes('heatmap_256'))!, name: 'running-while-open' })
    ).variant;
    const run = await call<RunSummary>('runs:start', { variantIds: [heatmap.id] });
    const [broken] = makeBrokenDatasets(demo);
    await apiError('workspace:open', { datasetDir: broken!.dir });
    const ended = await runEnded(run.id, 'the run to end');
    expect(ended.status).toBe('finished');
  }, 90_000);

  it('variants:importPredictions of a malformed file names it and the entry; the same-named variant keeps its results', async () => {
    const goodFile = path.join(demo.root, 'mine.json');
    writeFileSync(goodFile, JSON.stringify({ preds: goodPredictions(dataset) }));
    const mine = await call<VariantSummary>('variants:importPredictions', { file: goodFile, name: 'mine' });
    expect(mine.status).toBe('ready');
    const metricsBefore = await call<MetricsTable>('metrics:table');

    for (const broken of writeBrokenPredictions(path.join(demo.root, 'predictions'), dataset)) {
      const message = await apiError('variants:importPredictions', { file: broken.file, name: 'mine' });
      expect(message, broken.label).toContain(broken.file);
      for (const mention of broken.mentions) expect(message, broken.label).toMatch(mention);
      if (broken.file.endsWith('.json')) {
        // The same file overwritten with broken content, re-imported.
        writeFileSync(goodFile, readFileSync(broken.file));
        const again = await apiError('variants:importPredictions', { file: goodFile, name: 'mine' });
        expect(again).toContain('mine.json');
      }
    }
    const variants = await call<VariantSummary[]>('variants:list');
    expect(variants.filter((v) => v.kind === 'predictions').map((v) => [v.name, v.status, v.predictedCount])).toEqual([['mine', 'ready', 10]]);
    expect(await call<MetricsTable>('metrics:table')).toEqual(metricsBefore);
  }, 60_000);

  it('broken models are named; a NaN model fails its persons while the other variant of the run is stored and scored', async () => {
    expect(await apiError('variants:addModel', { modelPath: models.garbage })).toMatch(/garbage\.onnx: not a loadable ONNX model/);
    expect(await apiError('variants:addModel', { modelPath: models.seventeenInSidecar })).toMatch(/seventeen\.json \(keypoints\): lists 17 joints/);

    const nan = (await call<AddModelResult>('variants:addModel', { modelPath: models.nan })).variant;
    const regression = (await call<AddModelResult>('variants:addModel', { modelPath: demo.modelFiles.find((f) => f.includes('regression_256'))! })).variant;
    const run = await call<RunSummary>('runs:start', { variantIds: [nan.id, regression.id] });
    const finished = await runEnded(run.id, 'the run to end');
    expect(finished.status).toBe('finished');
    const variants = await call<VariantSummary[]>('variants:list');
    const nanAfter = variants.find((v) => v.id === nan.id)!;
    const regressionAfter = variants.find((v) => v.id === regression.id)!;
    // The corrupt JPEG fails entry 2 for both models; the NaN model fails every person.
    expect([regressionAfter.status, regressionAfter.predictedCount, regressionAfter.failureCount]).toEqual(['ready', 9, 1]);
    expect(regressionAfter.latency?.medianMs).toBeGreaterThan(0);
    expect([nanAfter.predictedCount, nanAfter.failureCount]).toEqual([0, 10]);
    const table = await call<MetricsTable>('metrics:table');
    expect(JSON.stringify(table)).toContain(regression.id);
  }, 180_000);

  it('starting a finished variant with failures again, after its image is repaired, runs just that person', async () => {
    const regression = (await call<VariantSummary[]>('variants:list')).find((v) => v.kind === 'model' && v.name.includes('regression_256'))!;
    expect([regression.predictedCount, regression.failureCount]).toEqual([9, 1]);
    copyFileSync(imageFile(demo.datasetDir, 2), imageFile(dataset, 2));
    const run = await call<RunSummary>('runs:start', { variantIds: [regression.id] });
    const finished = await runEnded(run.id, 'the retry to end');
    expect(finished).toMatchObject({ status: 'finished', done: 1, failed: 0 });
    const after = (await call<VariantSummary[]>('variants:list')).find((v) => v.id === regression.id)!;
    expect([after.status, after.predictedCount, after.failureCount]).toEqual(['ready', 10, 0]);

    // Complete now, and unchanged: starting it again reuses that run (as `posebench eval` does)...
    const again = await call<RunSummary>('runs:start', { variantIds: [regression.id] });
    const reused = await runEnded(again.id, 'the reuse to end');
    expect(reused).toMatchObject({ status: 'finished', failed: 0, plan: [{ variantId: regression.id, action: 'reuse', toRun: 0, total: 10 }] });
    // ...and "run again" runs every person afresh, as a new run.
    const rerun = await call<RunSummary>('runs:start', { variantIds: [regression.id], rerun: true });
    const full = await runEnded(rerun.id, 'the full run to end');
    expect(full).toMatchObject({ status: 'finished', done: 10, failed: 0, plan: [{ action: 'new', toRun: 10 }] });
  }, 180_000);

  it('export:annotations to a missing folder or over an existing file is refused, nothing written', async () => {
    const missing = path.join(demo.root, 'no-such-folder', 'out.json');
    expect(await apiError('export:annotations', { format: 'mpii-json', outFile: missing })).toMatch(/does not exist/);
    expect(existsSync(path.dirname(missing))).toBe(false);
    const existing = path.join(demo.root, 'existing.json');
    writeFileSync(existing, 'keep me');
    expect(await apiError('export:annotations', { format: 'coco', outFile: existing })).toMatch(/already exists/);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
  }, 60_000);
});
