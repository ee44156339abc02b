/**
 * Issue 16 through the real binary: `posebench compare` and `posebench stats` on variants imported with
 * `eval --predictions` into one workspace. The demo dataset with two seeded noisy prediction sets made
 * from its GT (one with scores); with ../shared, the five published MPII val prediction sets, and the
 * bearpaw s8 vs s2 and s2 vs s1 comparisons printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-main/core/seeded-random.ts';
import { ensureDemo, type EnsureDemoResult } from '../../src-main/demo/ensure-demo.ts';
import { importPredictionsJson, runPosebench } from '../support/run-cli.ts';
import { HAS_SHARED, PROJECT_ROOT, sharedPath, skipWithoutShared } from '../support/shared-fixtures.ts';

interface CompareJson {
  a: string;
  b: string;
  protocol: string;
  persons: number;
  bootstrap: number;
  seed: number;
  confidence: number;
  columns: {
    name: string;
    a: number | null;
    b: number | null;
    a_ci: [number, number];
    delta: number | null;
    delta_ci: [number | null, number | null];
    delta_excludes_zero: boolean;
    mcnemar_p: number | null;
    holm_p: number | null;
  }[];
  notes: string[];
}

interface EvalJson {
  variant: string;
  metrics: Record<string, number | null>;
  per_joint: { name: string; pckh: number | null }[];
}

const TABLE_COLUMNS = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1'];

/**
 * Predictions from the demo GT json (1-based; [-1,-1] for missing joints) as 0-based pixels plus noise of
 * `noise`·scale·200/10 px (a fraction of the person size); with `scores`, a score that falls with the
 * error (so hits tend to score higher), as [x, y, score].
 */
function writeNoisyPredictions(file: string, gtJson: string, noise: number, seed: number, scores: boolean): void {
  const entries = JSON.parse(readFileSync(gtJson, 'utf8')) as { joints: [number, number][]; scale: number }[];
  const random = mulberry32(seed);
  const gaussian = (): number => (random() + random() + random() + random() - 2) * Math.sqrt(3);
  const preds = entries.map((e) =>
    e.joints.map(([x, y]) => {
      const sd = noise * e.scale * 20;
      const dx = sd * gaussian();
      const dy = sd * gaussian();
      const point = [x - 1 + dx, y - 1 + dy];
      if (!scores) return point;
      const err = Math.hypot(dx, dy) / (e.scale * 20);
      return [...point, Math.max(0, Math.min(1, Math.exp((-err * err) / 4) + 0.1 * (random() - 0.5)))];
    }),
  );
  writeFileSync(file, JSON.stringify({ preds }));
}

describe('posebench compare and stats on the demo dataset', () => {
  let dir = '';
  let db = '';
  let demo: EnsureDemoResult;
  const ws = (): string[] => ['--dataset', demo.datasetDir, '--db', db];
  const evals: Record<string, EvalJson> = {};

  beforeAll(async () => {
    demo = await ensureDemo(PROJECT_ROOT);
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-compare-'));
    db = path.join(dir, 'ws.sqlite');
    const gtJson = path.join(demo.datasetDir, 'annotations', 'mpii_val.json');
    writeNoisyPredictions(path.join(dir, 'sharp.json'), gtJson, 0.35, 1, true);
    writeNoisyPredictions(path.join(dir, 'blurry.json'), gtJson, 0.6, 2, false);
    for (const name of ['sharp', 'blurry']) {
      evals[name] = await importPredictionsJson<EvalJson>(ws(), path.join(dir, `${name}.json`), name);
    }
  }, 120_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it("eval --ci adds each column's interval, equal to the one stats/compare give for the same seed", async () => {
    const args = [
      'eval',
      ...ws(),
      '--predictions',
      path.join(dir, 'sharp.json'),
      '--name',
      'sharp',
      '--coordinate-base',
      '0',
      '--format',
      'json',
      '--ci',
      '--bootstrap',
      '300',
      '--seed',
      '3',
    ];
    const first = await runPosebench(args);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as EvalJson & {
      ci: Record<string, [number, number]>;
      ci_settings: { bootstrap: number; seed: number; confidence: number };
    };
    expect(report.ci_settings).toEqual({ bootstrap: 300, seed: 3, confidence: 0.95 });
    expect(Object.keys(report.ci)).toEqual([...TABLE_COLUMNS, ...report.per_joint.map((j) => j.name)]);
    for (const column of TABLE_COLUMNS) {
      const [lo, hi] = report.ci[column]!;
      expect(lo).toBeLessThanOrEqual(report.metrics[column]!);
      expect(hi).toBeGreaterThanOrEqual(report.metrics[column]!);
    }
    const stats = await runPosebench(['stats', ...ws(), '--variant', 'sharp', '--bootstrap', '300', '--seed', '3', '--format', 'json']);
    expect(stats.code, stats.stderr).toBe(0);
    const columns = (JSON.parse(stats.stdout) as { variants: { columns: { name: string; ci: [number, number] }[] }[] }).variants[0]!.columns;
    expect(Object.fromEntries(columns.map((c) => [c.name, c.ci]))).toEqual(report.ci);
    // Deterministic: the same seed gives the same bytes.
    expect((await runPosebench(args)).stdout).toBe(first.stdout);
  }, 120_000);

  it('compare --format json: every column, values equal to eval bit for bit, Δ = a − b, McNemar + Holm on the 9 table columns', async () => {
    const result = await runPosebench([
      'compare',
      ...ws(),
      '--variant',
      'sharp',
      '--variant',
      'blurry',
      '--bootstrap',
      '500',
      '--seed',
      '7',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as CompareJson;
    expect([report.a, report.b, report.persons, report.bootstrap, report.seed, report.protocol]).toEqual(['sharp', 'blurry', 200, 500, 7, 'mmpose0x']);
    expect(report.columns.map((c) => c.name)).toEqual([...TABLE_COLUMNS, ...evals['sharp']!.per_joint.map((j) => j.name)]);
    for (const c of report.columns) {
      const k = TABLE_COLUMNS.indexOf(c.name);
      const fromEval = (e: EvalJson): number | null => (k >= 0 ? e.metrics[c.name]! : e.per_joint.find((j) => j.name === c.name)!.pckh);
      expect({ name: c.name, a: c.a, b: c.b }).toEqual({ name: c.name, a: fromEval(evals['sharp']!), b: fromEval(evals['blurry']!) });
      expect(c.delta).toBe(c.a! - c.b!);
      expect(c.delta_ci[0]!).toBeLessThanOrEqual(c.delta_ci[1]!);
      expect(c.delta_excludes_zero).toBe(c.delta_ci[0]! > 0 || c.delta_ci[1]! < 0);
      if (k >= 0) {
        expect(c.mcnemar_p).toBeGreaterThanOrEqual(0);
        expect(c.holm_p!).toBeGreaterThanOrEqual(c.mcnemar_p!);
      } else {
        expect([c.mcnemar_p, c.holm_p]).toEqual([null, null]);
      }
    }
    // The sharper set is better overall, and clearly so on 200 persons × 14 joints.
    const mean = report.columns.find((c) => c.name === 'PCKh')!;
    expect(mean.delta!).toBeGreaterThan(0);
    expect(mean.delta_excludes_zero).toBe(true);
    expect(mean.holm_p!).toBeLessThan(0.05);

    const again = await runPosebench([
      'compare',
      ...ws(),
      '--variant',
      'sharp',
      '--variant',
      'blurry',
      '--bootstrap',
      '500',
      '--seed',
      '7',
      '--format',
      'json',
    ]);
    expect(again.stdout).toBe(result.stdout); // seeded: the same intervals
  }, 60_000);

  it('compare --protocol mmpose1x: values equal eval --protocol mmpose1x bit for bit', async () => {
    const scored = await runPosebench([
      'eval',
      ...ws(),
      '--predictions',
      path.join(dir, 'sharp.json'),
      '--name',
      'sharp',
      '--coordinate-base',
      '0',
      '--protocol',
      'mmpose1x',
      '--format',
      'json',
    ]);
    expect(scored.code, scored.stderr).toBe(0);
    const eval1x = JSON.parse(scored.stdout) as EvalJson;
    const result = await runPosebench([
      'compare',
      ...ws(),
      '--variant',
      'sharp',
      '--variant',
      'blurry',
      '--protocol',
      'mmpose1x',
      '--bootstrap',
      '200',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as CompareJson;
    expect(report.protocol).toBe('mmpose1x');
    for (const key of TABLE_COLUMNS) expect({ key, a: report.columns.find((c) => c.name === key)!.a }).toEqual({ key, a: eval1x.metrics[key] });
  }, 60_000);

  it('compare --format table marks the Δ whose interval excludes 0', async () => {
    const result = await runPosebench(['compare', ...ws(), '--variant', 'blurry', '--variant', 'sharp', '--bootstrap', '300']);
    expect(result.code, result.stderr).toBe(0);
    const meanLine = result.stdout.split('\n').find((line) => line.startsWith('PCKh '))!;
    expect(meanLine).toMatch(/-\d+\.\d\d\s+\[-\d+\.\d\d, -\d+\.\d\d\]\s+\*/);
    expect(result.stdout).toMatch(/\* the 95% interval of Δ excludes 0/);
    expect(result.stdout).toMatch(/A = blurry\nB = sharp/);
  }, 60_000);

  it('stats --format json: intervals per variant, calibration where scores exist, strata, the occlusion note', async () => {
    const result = await runPosebench(['stats', ...ws(), '--bootstrap', '300', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      persons: number;
      variants: {
        name: string;
        columns: { name: string; value: number | null; ci: [number, number] }[];
        calibration: { overall: { n: number; ece: number | null; auroc: number | null; pckh_at_coverage: { dropped_percent: number; pckh: number }[] } } | null;
        strata: { name: string; strata: { label: string; persons: number; mean: number | null }[] }[];
      }[];
      notes: string[];
    };
    expect(report.persons).toBe(200);
    expect(report.variants.map((v) => v.name)).toEqual(['sharp', 'blurry']);
    const sharp = report.variants[0]!;
    const mean = sharp.columns.find((c) => c.name === 'PCKh')!;
    expect(mean.value).toBe(evals['sharp']!.metrics['PCKh']);
    expect(mean.ci[0]).toBeLessThan(mean.value!);
    expect(mean.ci[1]).toBeGreaterThan(mean.value!);
    // Scores fall with the error, so they rank hits above misses; dropping low scores raises PCKh.
    const calibration = sharp.calibration!;
    expect(calibration.overall.auroc!).toBeGreaterThan(0.7);
    expect(calibration.overall.ece).not.toBeNull();
    expect(calibration.overall.pckh_at_coverage.at(-1)!.pckh).toBeGreaterThan(calibration.overall.pckh_at_coverage[0]!.pckh);
    expect(report.variants[1]!.calibration).toBeNull(); // imported without scores
    expect(sharp.strata.map((s) => s.name)).toEqual(['head_size', 'persons_per_image', 'gt_in_crop']);
    expect(sharp.strata[0]!.strata.map((s) => s.persons).reduce((a, b) => a + b, 0)).toBe(200);
    expect(report.notes.join(' ')).toMatch(/no occlusion flags/);

    const table = await runPosebench(['stats', ...ws(), '--variant', 'sharp', '--bootstrap', '200']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/== sharp/);
    expect(table.stdout).toMatch(/AUROC 0\.\d{3}/);
    expect(table.stdout).toMatch(/no occlusion flags/);
  }, 60_000);

  it('usage errors: one variant, the same variant twice, an unknown variant', async () => {
    const one = await runPosebench(['compare', ...ws(), '--variant', 'sharp']);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/exactly two --variant/);
    const twice = await runPosebench(['compare', ...ws(), '--variant', 'sharp', '--variant', 'sharp']);
    expect(twice.code).toBe(2);
    const unknown = await runPosebench(['compare', ...ws(), '--variant', 'sharp', '--variant', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no variant named "nope"/);
  }, 60_000);
});

skipWithoutShared('compare on the published MPII val prediction sets');

describe.skipIf(!HAS_SHARED)('posebench compare on the five published MPII val prediction sets', () => {
  let dir = '';
  let db = '';
  const dataset = HAS_SHARED ? sharedPath('fixtures', 'mpii-val') : '';
  const predictions = HAS_SHARED ? sharedPath('fixtures', 'mpii-predictions') : '';
  const sets: Record<string, { file: string; base: string }> = {
    newell: { file: 'newell.json', base: '1' },
    tompson: { file: 'tompson.json', base: '1' },
    s1: { file: 'bearpaw-hg_s1_b1.json', base: '0' },
    s2: { file: 'bearpaw-hg_s2_b1.json', base: '0' },
    s8: { file: 'bearpaw-hg_s8_b1.json', base: '0' },
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-compare-mpii-'));
    db = path.join(dir, 'ws.sqlite');
    for (const [name, { file, base }] of Object.entries(sets)) {
      const result = await runPosebench([
        'eval',
        '--dataset',
        dataset,
        '--db',
        db,
        '--predictions',
        path.join(predictions, file),
        '--coordinate-base',
        base,
        '--name',
        name,
        '--format',
        'json',
      ]);
      expect(result.code, result.stderr).toBe(0);
    }
  }, 180_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const expected = HAS_SHARED
    ? (JSON.parse(readFileSync(path.join(sharedPath('fixtures', 'mpii-predictions'), 'expected.json'), 'utf8')) as Record<
        string,
        { mmpose0x: Record<string, number> }
      >)
    : {};

  it.each([
    ['s8', 's2', 'bearpaw-hg_s8_b1', 'bearpaw-hg_s2_b1'],
    ['s2', 's1', 'bearpaw-hg_s2_b1', 'bearpaw-hg_s1_b1'],
  ])(
    '%s vs %s (B = 2000, seed 1): printed; values equal expected.json',
    async (a, b, aKey, bKey) => {
      const json = await runPosebench(['compare', '--dataset', dataset, '--db', db, '--variant', a, '--variant', b, '--format', 'json']);
      expect(json.code, json.stderr).toBe(0);
      const report = JSON.parse(json.stdout) as CompareJson;
      expect(report.persons).toBe(2958);
      expect(report.bootstrap).toBe(2000);
      for (const key of TABLE_COLUMNS) {
        const column = report.columns.find((c) => c.name === key)!;
        expect({ key, a: column.a, b: column.b }).toEqual({ key, a: expected[aKey]!.mmpose0x[key], b: expected[bKey]!.mmpose0x[key] });
      }
      // A stacked hourglass with more stacks is better on the Mean, beyond doubt on 2958 persons.
      const mean = report.columns.find((c) => c.name === 'PCKh')!;
      expect(mean.delta_ci[0]!).toBeGreaterThan(0);
      const table = await runPosebench(['compare', '--dataset', dataset, '--db', db, '--variant', a, '--variant', b]);
      expect(table.code, table.stderr).toBe(0);
      console.info(`\nposebench compare ${a} vs ${b}:\n${table.stdout}`);
    },
    120_000,
  );

  it('stats over the five sets in one workspace: each PCKh equals expected.json', async () => {
    const result = await runPosebench(['stats', '--dataset', dataset, '--db', db, '--bootstrap', '200', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { variants: { name: string; columns: { name: string; value: number }[] }[] };
    expect(report.variants.map((v) => v.name)).toEqual(Object.keys(sets));
    for (const v of report.variants) {
      const key = v.name.startsWith('s') ? `bearpaw-hg_${v.name}_b1` : v.name;
      expect(v.columns.find((c) => c.name === 'PCKh')!.value).toBe(expected[key]!.mmpose0x['PCKh']);
    }
  }, 120_000);
});
