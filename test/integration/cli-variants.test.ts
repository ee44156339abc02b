/**
 * Variant management and latency history from the CLI (issue 11 items 4–5): the same workspace
 * operations as the app's Runs view, on a real workspace with real demo models, through the real
 * `posebench` binary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemo, type EnsureDemoResult } from '../../src-main/demo/ensure-demo.ts';
import { runPosebench } from '../support/run-cli.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';

interface Listed {
  variants: { name: string; options: string; hidden: boolean; runs: number; latency_median_ms: number | null; latency_p5_ms: number | null }[];
}

describe('posebench variants and bench --store', () => {
  let dir = '';
  let db = '';
  let demo: EnsureDemoResult;
  let model = '';
  const ws = () => ['--dataset', demo.datasetDir, '--db', db];
  const list = async () => {
    const result = await runPosebench(['variants', 'list', ...ws(), '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Listed;
  };

  beforeAll(async () => {
    demo = await ensureDemo(PROJECT_ROOT);
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-variants-'));
    db = path.join(dir, 'ws.sqlite');
    model = demo.modelFiles.find((f) => f.includes('regression_256'))!;
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('lists, renames, hides and re-options variants; eval reuses, then makes a new run for new options', async () => {
    const first = await runPosebench(['eval', ...ws(), '--model', model, '--format', 'json', '--latency-runs', '5']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/200 persons to run/);
    const again = await runPosebench(['eval', ...ws(), '--model', model, '--format', 'json', '--latency-runs', '5']);
    expect(again.stderr).toMatch(/unchanged since its last run.*reusing it/);
    expect(JSON.parse(again.stdout).per_joint).toEqual(JSON.parse(first.stdout).per_joint);

    // An explicit option given on the command line is another variant ("[flip test]").
    const flipped = await runPosebench(['eval', ...ws(), '--model', model, '--flip-test', '--format', 'json', '--latency-runs', '5']);
    expect(flipped.code, flipped.stderr).toBe(0);
    expect(JSON.parse(flipped.stdout).variant).toBe('demo_regression_256 [flip test]');
    let listed = await list();
    expect(listed.variants.map((v) => [v.name, v.options, v.runs])).toEqual([
      ['demo_regression_256', '', 1],
      ['demo_regression_256 [flip test]', 'flip test', 1],
    ]);
    expect(listed.variants[0]!.latency_p5_ms).toBeLessThanOrEqual(listed.variants[0]!.latency_median_ms!);

    expect((await runPosebench(['variants', 'rename', ...ws(), 'demo_regression_256', 'reg'])).code).toBe(0);
    expect((await runPosebench(['variants', 'hide', ...ws(), 'reg'])).code).toBe(0);
    listed = await list();
    expect(listed.variants.map((v) => [v.name, v.hidden])).toEqual([
      ['reg', true],
      ['demo_regression_256 [flip test]', false],
    ]);
    const missing = await runPosebench(['variants', 'hide', ...ws(), 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/no variant named "nope".*"reg"/);

    // New options on "reg": its next eval is a new run; the earlier one stays in its history.
    const setOptions = await runPosebench(['variants', 'set-options', ...ws(), 'reg', '--no-flip-test']);
    expect(setOptions.code, setOptions.stderr).toBe(0);
    const history = await runPosebench(['variants', 'history', ...ws(), 'reg', '--format', 'json']);
    const runsBefore = (JSON.parse(history.stdout) as { runs: unknown[] }).runs.length;
    expect(runsBefore).toBe(1);
  }, 300_000);

  it("bench --store adds a measurement to the variant's latency history", async () => {
    const before = await runPosebench(['variants', 'history', ...ws(), 'demo_regression_256 [flip test]', '--format', 'json']);
    const countBefore = (JSON.parse(before.stdout) as { latency: unknown[] }).latency.length;
    const stored = await runPosebench(['bench', '--model', model, ...ws(), '--store', '--runs', '9', '--format', 'json']);
    expect(stored.code, stored.stderr).toBe(0);
    const json = JSON.parse(stored.stdout) as { stored: { variant: string; n: number; median_ms: number }[] };
    expect(json.stored.map((s) => [s.variant, s.n])).toEqual([
      ['reg', 9],
      ['demo_regression_256 [flip test]', 9],
    ]);
    const after = await runPosebench(['variants', 'history', ...ws(), 'demo_regression_256 [flip test]', '--format', 'json']);
    const latency = (JSON.parse(after.stdout) as { latency: { n: number; run: number | null }[] }).latency;
    expect(latency).toHaveLength(countBefore + 1);
    expect(latency[0]).toMatchObject({ n: 9, run: null });
  }, 300_000);

  it('remove says what goes and needs --yes', async () => {
    const dry = await runPosebench(['variants', 'remove', ...ws(), 'reg']);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(/would delete "reg" with 1 runs, 200 stored predictions and 2 latency measurements.*--yes/);
    expect((await list()).variants).toHaveLength(2);
    const removed = await runPosebench(['variants', 'remove', ...ws(), 'reg', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await list()).variants.map((v) => v.name)).toEqual(['demo_regression_256 [flip test]']);
  }, 120_000);
});
