/**
 * Issues 15/16: the app's error classes, review queue, intervals and paired tests are the CLI's
 * (`analyze`, `qc`, `stats`, `compare`), because both call the same workbench functions. Compared
 * where the hosts could drift apart: under mmpose1x (json entries re-read), after a ground-truth
 * correction made in the app (the CLI reads it from the shared workspace), the engine's intervals over
 * every variant against the CLI's over one (one resample of persons per replicate, whatever the
 * variant count), variant ids against names, and the exported report against `posebench report`. Then a review: accepting a planted L/R flip is a
 * correction that undo takes back (the suspect returns), and a rejection outlives an engine restart.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Channel, type RequestInput, type Response } from '../../src-main/api/contract.ts';
import { parseRequest } from '../../src-main/api/request-schemas.ts';
import { ensureDemo, type EnsureDemoResult } from '../../src-main/demo/ensure-demo.ts';
import { createEngineService } from '../../src-main/engine/engine-service.ts';
import type { EngineService } from '../../src-main/engine/engine-server.ts';
import { runPosebench } from '../support/run-cli.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { plantedPair, readEntries, type PlantedPair, writePlantedPredictions } from '../support/planted-flip.ts';

describe('issues 15/16: the app and the CLI agree on error classes, the review queue and intervals', () => {
  let dir = '';
  let db = '';
  let demo: EnsureDemoResult;
  let planted: PlantedPair = { index: -1, a: -1, b: -1 };
  let service: EngineService | null = null;

  const startEngine = async (): Promise<EngineService> =>
    createEngineService({ dbPath: db, datasetDir: demo.datasetDir, projectRoot: PROJECT_ROOT, cacheDir: path.join(dir, 'cache') }, () => undefined);

  async function call<C extends Channel>(channel: C, request: RequestInput<C>): Promise<Response<C>> {
    const handler = service!.handlers[channel] as (req: unknown) => Promise<Response<C>>;
    return handler(parseRequest(channel, request));
  }

  async function cliJson<T>(args: string[]): Promise<T> {
    const result = await runPosebench([...args, '--dataset', demo.datasetDir, '--db', db, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  }

  beforeAll(async () => {
    demo = await ensureDemo(PROJECT_ROOT);
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-analysis-one-path-'));
    db = path.join(dir, 'ws.sqlite');
    const entries = readEntries(demo.datasetDir);
    planted = plantedPair(entries);
    for (const [k, name] of ['a', 'b', 'c'].entries()) {
      writePlantedPredictions(path.join(dir, `${name}.json`), entries, 0.3 + 0.2 * k, 10 + k, planted);
      await cliJson(['eval', '--predictions', path.join(dir, `${name}.json`), '--name', name, '--coordinate-base', '0']);
    }
    service = await startEngine();
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('after a GT correction in the app, under mmpose1x: analyze, stats and compare equal the CLI bit for bit', async () => {
    // A correction the CLI only sees through the workspace: move a joint of a person other than the planted one.
    const other = planted.index === 0 ? 1 : 0;
    const gt = await call('corrections:instance', { instanceIndex: other });
    const joint = gt.joints.findIndex((j) => j.visible && j.xy !== null);
    const xy = gt.joints[joint]!.xy!;
    await call('corrections:apply', { instanceIndex: other, edit: { kind: 'joint', joint, xy: [xy[0] + 40, xy[1] - 25] } });
    const variants = await call('variants:list', {});
    const id = (name: string) => variants.find((v) => v.name === name)!.id;

    const classes = await call('analysis:errorClasses', { protocol: 'mmpose1x' });
    const cliClasses = await cliJson<{ variants: unknown[] }>(['analyze', '--protocol', 'mmpose1x']);
    expect(classes.variants.map(({ variantId: _id, ...v }) => v)).toEqual(cliClasses.variants);
    expect(classes.variants.map((v) => v.variantId)).toEqual(['a', 'b', 'c'].map(id));
    // Failures filtered by class: the same classes, person by person (every joint of variant c).
    const c = classes.variants[2]!;
    for (let joint = 0; joint < 16; joint++) {
      const all = await call('failures:list', { variantId: id('c'), joint, protocol: 'mmpose1x', limit: 5000 });
      for (const name of ['hit', 'jitter', 'inversion', 'swap', 'miss'] as const) {
        const only = await call('failures:list', { variantId: id('c'), joint, protocol: 'mmpose1x', limit: 5000, errorClass: name });
        expect(only.total, `${name} joint ${joint}`).toBe(c.per_joint[joint]![name]);
        expect(only.items.every((item) => item.errorClass === name)).toBe(true);
        expect(all.items.filter((item) => item.errorClass === name).length).toBe(only.total);
      }
      // Browse's filter: persons whose joint is of the class.
      const browsed = await call('instances:list', { variantId: id('c'), joint, protocol: 'mmpose1x', errorClass: 'inversion' });
      expect(browsed.total).toBe(c.per_joint[joint]!.inversion);
    }

    const stats = await call('stats:variant', { protocol: 'mmpose1x', bootstrap: 400, seed: 7 });
    expect(stats.variants.map((v) => v.name)).toEqual(['a', 'b', 'c']);
    // The CLI over one variant; the engine bootstrapped all three together: the same intervals.
    const cliStats = await cliJson<{ variants: { name: string; columns: unknown[] }[] }>([
      'stats',
      '--variant',
      'b',
      '--protocol',
      'mmpose1x',
      '--bootstrap',
      '400',
      '--seed',
      '7',
    ]);
    expect(stats.variants.find((v) => v.name === 'b')!.columns).toEqual(cliStats.variants[0]!.columns);

    const pair = await call('stats:compare', { a: id('c'), b: id('a'), protocol: 'mmpose1x', bootstrap: 400, seed: 7 });
    const cliPair = await cliJson<Record<string, unknown>>([
      'compare',
      '--variant',
      'c',
      '--variant',
      'a',
      '--protocol',
      'mmpose1x',
      '--bootstrap',
      '400',
      '--seed',
      '7',
    ]);
    const { aId, bId, ...engineReport } = pair;
    expect([aId, bId]).toEqual([id('c'), id('a')]);
    expect(engineReport).toEqual(cliPair);
    expect(pair.columns.some((c) => c.delta_excludes_zero)).toBe(true); // noise 0.7 vs 0.3: a real difference somewhere
    // The defaults are the CLI's (B = 2000, seed 1).
    const defaults = await call('stats:compare', { a: id('c'), b: id('a') });
    expect([defaults.bootstrap, defaults.seed]).toEqual([2000, 1]);

    // Metrics → Export report: the bytes `posebench report` writes.
    for (const format of ['html', 'latex'] as const) {
      const out = path.join(dir, `report.${format}`);
      const printed = await runPosebench([
        'report',
        '--dataset',
        demo.datasetDir,
        '--db',
        db,
        '--protocol',
        'mmpose1x',
        '--ci',
        '--bootstrap',
        '300',
        '--seed',
        '3',
        '--format',
        format,
        '--out',
        out,
      ]);
      expect(printed.code, printed.stderr).toBe(0);
      const built = await call('report:build', { format, protocol: 'mmpose1x', ci: true, bootstrap: 300, seed: 3 });
      expect(built.text).toBe(readFileSync(out, 'utf8'));
      expect(built.bytes).toBe(Buffer.byteLength(built.text));
    }
  }, 180_000);

  it('review: the queue is qc; accepting the planted flip is an undoable correction; a rejection survives a restart', async () => {
    const queue = await call('review:queue', {});
    const cli = await cliJson<{ predictors: string[]; suspects: unknown[] }>(['qc']);
    expect(queue.predictors).toEqual(cli.predictors);
    expect(queue.suspects.map(({ decision: _d, ...s }) => s)).toEqual(cli.suspects);
    const flip = queue.suspects.find((s) => s.index === planted.index && s.kind.startsWith('flip_'))!;
    expect(flip.decision).toBeNull();
    expect(flip.proposal.action).toBe('swap_pairs');

    const before = await call('corrections:instance', { instanceIndex: planted.index });
    const accepted = await call('review:decide', { suspectId: flip.id, verdict: 'accept' });
    expect(accepted.decision.verdict).toBe('fixed');
    expect(accepted.correction?.instanceIndex).toBe(planted.index);
    const after = await call('corrections:instance', { instanceIndex: planted.index });
    expect(after.corrected).toBe(true);
    expect(after.joints[planted.a]!.xy).toEqual(before.joints[planted.b]!.xy);
    expect(after.joints[planted.b]!.xy).toEqual(before.joints[planted.a]!.xy);
    const open = (q: Response<'review:queue'>) => q.suspects.filter((s) => s.decision === null).map((s) => s.id);
    expect(open(await call('review:queue', {}))).not.toContain(flip.id);

    await call('corrections:undo', {});
    expect((await call('corrections:instance', { instanceIndex: planted.index })).joints).toEqual(before.joints);
    const back = (await call('review:queue', {})).suspects.find((s) => s.id === flip.id);
    expect(back?.decision).toBeNull(); // the fix was undone: the suspect is open again

    const rejected = await call('review:decide', { suspectId: flip.id, verdict: 'reject' });
    expect(rejected.correction).toBeNull();
    // Pressed again: nothing new is stored.
    const again = await call('review:decide', { suspectId: flip.id, verdict: 'reject' });
    expect(again.message).toMatch(/already decided \(label_right\)/);
    expect(again.decision).toEqual(rejected.decision);
    await service!.close();
    service = await startEngine();
    const reloaded = (await call('review:queue', {})).suspects.find((s) => s.id === flip.id);
    expect(reloaded?.decision?.verdict).toBe('label_right');
    await expect(call('review:decide', { suspectId: 'nope:flip_pair:x', verdict: 'defer' })).rejects.toThrow(/not in the review queue/);
  }, 180_000);

  it('a run stored by another process (posebench eval on the same workspace) shows in the tables and the intervals alike', async () => {
    const entries = readEntries(demo.datasetDir);
    const before = (await call('metrics:table', {})).rows.find((r) => r.variantName === 'b')!.values.PCKh;
    // The CLI replaces variant b's predictions (its file rewritten, much noisier) while the engine is open.
    writePlantedPredictions(path.join(dir, 'b.json'), entries, 3, 99, planted);
    await cliJson(['eval', '--predictions', path.join(dir, 'b.json'), '--name', 'b', '--coordinate-base', '0']);
    const table = (await call('metrics:table', {})).rows.find((r) => r.variantName === 'b')!;
    const stats = await call('stats:variant', { bootstrap: 200 });
    const intervals = stats.variants.find((v) => v.name === 'b')!;
    // Kept while nothing it depends on changes (the same answer object), recomputed after a change.
    expect(await call('stats:variant', { bootstrap: 200 })).toBe(stats);
    const pckhColumn = intervals.columns.find((c) => c.name === 'PCKh')!;
    expect(table.values.PCKh).not.toBe(before);
    expect(pckhColumn.value).toBe(table.values.PCKh);
    expect(intervals.variantId).toBe(table.variantId);
    // Renamed and hidden by the CLI: the engine follows on its next request.
    expect((await runPosebench(['variants', 'rename', 'b', 'b-noisy', '--dataset', demo.datasetDir, '--db', db])).code).toBe(0);
    expect((await call('variants:list', {})).map((v) => v.name)).toContain('b-noisy');
    const renamed = await call('stats:variant', { bootstrap: 200 });
    expect(renamed).not.toBe(stats);
    expect(renamed.variants.map((v) => v.name)).toContain('b-noisy');
  }, 180_000);
});
