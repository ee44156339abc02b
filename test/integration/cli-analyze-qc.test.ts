/**
 * Issue 15 through the real binary: `posebench analyze` and `posebench qc` on the demo dataset with
 * three seeded noisy prediction sets made from its GT and imported by `eval --predictions`; in all
 * three, one person's left/right pair is swapped (as if the GT had it the wrong way round), so qc must
 * raise that person's pair.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemo, type EnsureDemoResult } from '../../src-main/demo/ensure-demo.ts';
import { importPredictionsJson, runPosebench } from '../support/run-cli.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { plantedPair, readEntries, writePlantedPredictions, type PlantedPair } from '../support/planted-flip.ts';

describe('posebench analyze and qc on the demo dataset', () => {
  let dir = '';
  let db = '';
  let demo: EnsureDemoResult;
  let planted: PlantedPair = { index: -1, a: -1, b: -1 };
  const ws = (): string[] => ['--dataset', demo.datasetDir, '--db', db];
  const evals: Record<string, { metrics: Record<string, number | null>; per_joint: { name: string; pckh: number | null }[] }> = {};

  beforeAll(async () => {
    demo = await ensureDemo(PROJECT_ROOT);
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-qc-'));
    db = path.join(dir, 'ws.sqlite');
    const entries = readEntries(demo.datasetDir);
    planted = plantedPair(entries);
    for (const [k, name] of ['a', 'b', 'c'].entries()) {
      writePlantedPredictions(path.join(dir, `${name}.json`), entries, 0.3 + 0.2 * k, 10 + k, planted);
      evals[name] = await importPredictionsJson<(typeof evals)[string]>(ws(), path.join(dir, `${name}.json`), name);
    }
  }, 180_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('analyze --format json: 16 joints per variant, classes add up, PCKh equal to eval bit for bit, inversions at the planted pair', async () => {
    const result = await runPosebench(['analyze', ...ws(), '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { variants: { name: string; pckh: number; per_joint: Record<string, number | string | null>[] }[] };
    expect(report.variants.map((v) => v.name)).toEqual(['a', 'b', 'c']);
    for (const v of report.variants) {
      expect(v.pckh).toBe(evals[v.name]!.metrics['PCKh']);
      expect(v.per_joint).toHaveLength(16);
      v.per_joint.forEach((j, index) => {
        expect(j['name']).toBe(evals[v.name]!.per_joint[index]!.name);
        expect(j['pckh']).toBe(evals[v.name]!.per_joint[index]!.pckh);
        expect((j['hit'] as number) + (j['jitter'] as number) + (j['inversion'] as number) + (j['swap'] as number) + (j['miss'] as number)).toBe(j['count']);
        for (const key of ['pckh_if_inversions_fixed', 'pckh_if_swaps_fixed', 'pckh_if_jitter_fixed'])
          expect(j[key] as number).toBeGreaterThanOrEqual(j['pckh'] as number);
      });
      expect(v.per_joint[planted.a]!['inversion'] as number).toBeGreaterThanOrEqual(1);
    }
    const csv = await runPosebench(['analyze', ...ws(), '--variant', 'a', '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n')).toHaveLength(17);
  }, 120_000);

  it('qc --format json: the planted L/R swap is a flip suspect with a swap proposal; sorted by score', async () => {
    const result = await runPosebench(['qc', ...ws(), '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const review = JSON.parse(result.stdout) as {
      predictors: string[];
      suspects: { index: number; kind: string; score: number; joints: string[]; proposal: { action: string } }[];
    };
    expect(review.predictors).toEqual(['a', 'b', 'c']);
    const found = review.suspects.find((s) => s.index === planted.index && s.kind.startsWith('flip_'));
    expect(found, JSON.stringify(review.suspects.slice(0, 5))).toBeDefined();
    expect(found!.proposal.action).toBe('swap_pairs');
    for (let i = 1; i < review.suspects.length; i++) expect(review.suspects[i - 1]!.score).toBeGreaterThanOrEqual(review.suspects[i]!.score);
    const table = await runPosebench(['qc', ...ws(), '--min-predictors', '4']);
    expect(table.code).toBe(0);
    expect(table.stderr).toContain('fewer than --min-predictors 4');
  }, 120_000);
});
