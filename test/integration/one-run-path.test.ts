/**
 * Issue 11: the CLI and the app give the same numbers because they run the same code. Every demo
 * model, and a copy of each whose sidecar turns the flip test on (the case that once gave 92.86 in the
 * CLI and 54.71 in the app), is run by `posebench eval` in a child process and by the engine behind
 * the app (its API, in process, on its own workspace); per-joint PCKh must be bit-identical under
 * both protocols. Then a model's bytes are replaced under the same path with the mtime put back: both
 * hosts must make a new run with the new numbers, never answer from the old one.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Channel, type MetricsTable, type RequestInput, type Response, type RunSummary } from '../../src-main/api/contract.ts';
import { parseRequest } from '../../src-main/api/request-schemas.ts';
import { ensureDemo, type EnsureDemoResult } from '../../src-main/demo/ensure-demo.ts';
import { createEngineService } from '../../src-main/engine/engine-service.ts';
import type { EngineService } from '../../src-main/engine/engine-server.ts';
import { runPosebench } from '../support/run-cli.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';

interface CliVariant {
  variant: string;
  protocol: string;
  metrics: Record<string, number | null>;
  per_joint: { name: string; count: number; pckh: number | null; pckh_at_0_1: number | null }[];
  manifest: { source: { sha256: string }; decoder: { flip_test: boolean } };
}

const PROTOCOLS = ['mmpose0x', 'mmpose1x'] as const;

describe('one run path: posebench eval and the app agree', () => {
  let dir = '';
  let demo: EnsureDemoResult;
  let service: EngineService;
  const models: string[] = [];

  async function call<C extends Channel>(channel: C, request: RequestInput<C>): Promise<Response<C>> {
    const handler = service.handlers[channel] as (req: unknown) => Promise<Response<C>>;
    return handler(parseRequest(channel, request));
  }

  async function runInApp(variantIds: string[]): Promise<RunSummary> {
    const started = await call('runs:start', { variantIds });
    for (let waited = 0; waited < 240_000; waited += 100) {
      const run = (await call('runs:list', {})).find((r) => r.id === started.id)!;
      if (run.status !== 'running') return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the app run did not end');
  }

  async function cliEval(protocol: string, files: readonly string[], db: string): Promise<CliVariant[]> {
    const args = ['eval', '--dataset', demo.datasetDir, '--protocol', protocol, '--format', 'json', '--db', db, '--latency-runs', '5'];
    for (const file of files) args.push('--model', file);
    const result = await runPosebench(args);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { variants?: CliVariant[] } & CliVariant;
    return json.variants ?? [json];
  }

  beforeAll(async () => {
    demo = await ensureDemo(PROJECT_ROOT);
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-one-run-path-'));
    for (const file of demo.modelFiles) {
      models.push(file);
      // The copy: same bytes, sidecar with the flip test on.
      const base = path.basename(file, '.onnx');
      const copy = path.join(dir, `${base}_flip.onnx`);
      copyFileSync(file, copy);
      const sidecar = JSON.parse(readFileSync(file.replace(/\.onnx$/, '.json'), 'utf8')) as { decoder?: Record<string, unknown> };
      sidecar.decoder = { ...sidecar.decoder, flipTest: true };
      writeFileSync(copy.replace(/\.onnx$/, '.json'), JSON.stringify(sidecar));
      models.push(copy);
    }
    service = await createEngineService(
      { dbPath: path.join(dir, 'app.sqlite'), datasetDir: demo.datasetDir, projectRoot: PROJECT_ROOT, cacheDir: path.join(dir, 'app-cache') },
      () => undefined,
    );
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('gives bit-identical per-joint PCKh for every demo model and its flip-test copy, under both protocols', async () => {
    const ids: string[] = [];
    for (const file of models) ids.push((await call('variants:addModel', { modelPath: file })).variant.id);
    const run = await runInApp(ids);
    expect(run.status).toBe('finished');
    const cliDb = path.join(dir, 'cli.sqlite');
    for (const protocol of PROTOCOLS) {
      const cli = await cliEval(protocol, models, cliDb);
      const table: MetricsTable = await call('metrics:table', { protocol });
      expect(cli).toHaveLength(models.length);
      for (const [index, id] of ids.entries()) {
        const app = table.perJoint.find((row) => row.variantId === id)!;
        const printed = cli[index]!;
        expect(printed.manifest.decoder.flip_test).toBe(models[index]!.endsWith('_flip.onnx'));
        expect({ name: printed.variant, pckh: app.pckh, at01: app.pckhAt01 }).toEqual({
          name: printed.variant,
          pckh: printed.per_joint.map((j) => j.pckh),
          at01: printed.per_joint.map((j) => j.pckh_at_0_1),
        });
        const row = table.rows.find((r) => r.variantId === id)!;
        for (const column of ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1']) {
          expect(row.values[column as keyof typeof row.values]).toBe(printed.metrics[column] ?? null);
        }
      }
    }
    // The flip test really changes the heatmap model's numbers (else this test could not tell the hosts apart).
    const heatmap = table0(await call('metrics:table', { protocol: 'mmpose0x' }), ids, models, 'demo_heatmap_256');
    expect(heatmap.flip).not.toEqual(heatmap.plain);
  }, 600_000);

  it('a model replaced under the same path with its mtime put back gives a new run with the new numbers, in the CLI and in the app', async () => {
    const target = path.join(dir, 'swapped.onnx');
    const regression = demo.modelFiles.find((f) => f.includes('regression_256'))!;
    const heatmap = demo.modelFiles.find((f) => f.includes('heatmap_256'))!;
    copyFileSync(regression, target);
    copyFileSync(regression.replace(/\.onnx$/, '.json'), target.replace(/\.onnx$/, '.json'));
    const cliDb = path.join(dir, 'swap-cli.sqlite');
    const [before] = await cliEval('mmpose0x', [target], cliDb);
    const added = await call('variants:addModel', { modelPath: target, name: 'swapped' });
    expect((await runInApp([added.variant.id])).plan[0]?.action).toBe('new');
    const appBefore = (await call('metrics:table', { protocol: 'mmpose0x' })).perJoint.find((r) => r.variantId === added.variant.id)!.pckh;
    expect(appBefore).toEqual(before!.per_joint.map((j) => j.pckh));

    // Other bytes (the heatmap model, with its sidecar), same path, same mtime as before.
    const { atime, mtime } = statSync(target);
    copyFileSync(heatmap, target);
    copyFileSync(heatmap.replace(/\.onnx$/, '.json'), target.replace(/\.onnx$/, '.json'));
    utimesSync(target, atime, mtime);

    const [after] = await cliEval('mmpose0x', [target], cliDb);
    expect(after!.manifest.source.sha256).not.toBe(before!.manifest.source.sha256);
    expect(after!.per_joint.map((j) => j.pckh)).not.toEqual(before!.per_joint.map((j) => j.pckh));

    const listed = (await call('variants:list', {})).find((v) => v.id === added.variant.id)!;
    expect(listed.stale).toMatch(/model file changed/);
    const rerun = await runInApp([added.variant.id]);
    expect(rerun.plan[0]?.action).toBe('new');
    const appAfter = (await call('metrics:table', { protocol: 'mmpose0x' })).perJoint.find((r) => r.variantId === added.variant.id)!.pckh;
    expect(appAfter).toEqual(after!.per_joint.map((j) => j.pckh));
    expect((await call('variants:list', {})).find((v) => v.id === added.variant.id)!.stale).toBeNull();
    // The old run stays in the history; the new one is current.
    const details = await call('variants:details', { variantId: added.variant.id });
    expect(details.runs.map((r) => [r.status, r.current])).toEqual([
      ['done', true],
      ['done', false],
    ]);
    expect(details.runs[0]!.manifest!.source.sha256).toBe(after!.manifest.source.sha256);
  }, 600_000);

  it('eval --format json carries the run manifest, every field filled in', async () => {
    const model = demo.modelFiles.find((f) => f.includes('simcc_256'))!;
    const db = path.join(dir, 'manifest.sqlite');
    const result = await runPosebench([
      'eval',
      '--dataset',
      demo.datasetDir,
      '--model',
      model,
      '--format',
      'json',
      '--db',
      db,
      '--latency-runs',
      '7',
      '--protocol',
      'mmpose1x',
    ]);
    expect(result.code, result.stderr).toBe(0);
    // JSON read back: its shape is asserted field by field below.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const report = JSON.parse(result.stdout) as { manifest: Record<string, any>; latency: Record<string, number> };
    const m = report.manifest;
    const sidecar = JSON.parse(readFileSync(model.replace(/\.onnx$/, '.json'), 'utf8')) as { input: { mean: number[]; std: number[] } };
    const ort = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string };
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(m['manifest_version']).toBe(1);
    expect(m['identity_key']).toMatch(/^[0-9a-f]{32}$/);
    expect(m['source']).toEqual({ kind: 'model', file: path.basename(model), path: model, bytes: statSync(model).size, sha256: sha256Of(model) });
    expect(m['head']).toBe('simcc');
    expect(m['decoder']).toMatchObject({ flip_test: false });
    expect(m['input']).toEqual({ width: 256, height: 256, color: 'rgb', mean: sidecar.input.mean, std: sidecar.input.std });
    expect(m['keypoints']).toHaveLength(16);
    expect(m['protocol']).toBe('mmpose1x');
    expect(m['dataset']).toMatchObject({ root: demo.datasetDir, gt_revision: 0, persons: 200 });
    expect(m['dataset']['fingerprint']).toMatch(/^[0-9a-f]{16,}$/);
    expect(m['posebench']['version']).toBe(pkg.version);
    expect(m['posebench']['commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof m['posebench']['dirty']).toBe('boolean');
    expect(m['code_version']).toBeGreaterThanOrEqual(1);
    expect(m['runtime']).toEqual({ onnxruntime_node: ort.version, node: process.version, intra_op_num_threads: 1, inter_op_num_threads: 1 });
    expect(m['machine']).toEqual({ cpu_model: os.cpus()[0]!.model.trim(), cores: os.cpus().length, os: expect.stringContaining(process.platform) });
    expect(Date.parse(m['started_at'])).toBeLessThanOrEqual(Date.parse(m['finished_at']));
    expect([m['persons_done'], m['persons_failed']]).toEqual([200, 0]);
    expect(m['latency']).toMatchObject({ n: 7, warmup: 5 });
    expect(m['latency']['p5_ms']).toBeLessThanOrEqual(m['latency']['median_ms']);
    expect(m['latency']['median_ms']).toBeLessThanOrEqual(m['latency']['p95_ms']);
    expect(m['latency_error']).toBeNull();
    expect(report.latency).toMatchObject({ n: 7, median_ms: m['latency']['median_ms'] });

    // Imported predictions carry the same manifest, with the prediction file's digest and base.
    const preds = path.join(dir, 'preds.json');
    const persons = JSON.parse(readFileSync(path.join(demo.datasetDir, 'annotations', 'mpii_val.json'), 'utf8')) as { joints: number[][] }[];
    writeFileSync(preds, JSON.stringify({ preds: persons.map((p) => p.joints) }));
    const imported = await runPosebench([
      'eval',
      '--dataset',
      demo.datasetDir,
      '--predictions',
      preds,
      '--coordinate-base',
      '1',
      '--format',
      'json',
      '--db',
      db,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const im = (JSON.parse(imported.stdout) as { manifest: Record<string, any> }).manifest;
    expect(im['source']).toEqual({
      kind: 'predictions',
      file: 'preds.json',
      path: preds,
      bytes: statSync(preds).size,
      sha256: sha256Of(preds),
      coordinate_base: 1,
    });
    expect([im['head'], im['decoder'], im['latency'], im['persons_done']]).toEqual([null, null, null, 200]);
  }, 300_000);
});

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function table0(table: MetricsTable, ids: string[], models: string[], base: string): { plain: unknown; flip: unknown } {
  const row = (suffix: string) => table.perJoint.find((r) => r.variantId === ids[models.findIndex((m) => path.basename(m) === `${base}${suffix}.onnx`)])!.pckh;
  return { plain: row(''), flip: row('_flip') };
}
