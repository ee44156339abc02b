/**
 * The report reads and scores each variant once, read-only (report-data.ts) instead of going through
 * scoredVariants / loadStatisticsData / analyzeErrors: its numbers must be theirs, bit for bit, on a
 * real SQLite workspace (a small generated demo with imported predictions, with and without scores).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../src-main/core/seeded-random.ts';
import type { PckhProtocol } from '../../../../src-main/core/types.ts';
import { ensureDemo } from '../../../../src-main/demo/ensure-demo.ts';
import { variantCalibration } from '../../../../src-main/evaluation/calibration.ts';
import { analyzeErrors } from '../../../../src-main/workbench/analysis.ts';
import { importPredictionsVariant } from '../../../../src-main/workbench/import-variant.ts';
import { buildReport } from '../../../../src-main/workbench/report/build-report.ts';
import { buildReportModel } from '../../../../src-main/workbench/report/report-model.ts';
import { scoredVariants } from '../../../../src-main/workbench/scored-variants.ts';
import { loadStatisticsData, variantStatistics } from '../../../../src-main/workbench/statistics.ts';
import { setVariantVisibility, variantByName } from '../../../../src-main/workbench/variant-management.ts';
import { openWorkbench, type Workbench } from '../../../../src-main/workbench/workbench.ts';

let root = '';
let wb: Workbench;

function noisy(file: string, noise: number, seed: number, withScores: boolean): void {
  const random = mulberry32(seed);
  const preds = wb.dataset.persons.map((person) =>
    person.joints.map((xy) => {
      const [x, y] = xy ?? [0, 0];
      const dx = noise * (random() - 0.5);
      const dy = noise * (random() - 0.5);
      return withScores ? [x + dx, y + dy, Math.max(0, 1 - Math.hypot(dx, dy) / noise + 0.2 * (random() - 0.5))] : [x + dx, y + dy];
    }),
  );
  writeFileSync(file, JSON.stringify({ preds }));
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'posebench-report-model-'));
  const demo = await ensureDemo(root, { count: 40 });
  wb = openWorkbench({ datasetRoot: demo.datasetDir, dbFile: path.join(root, 'ws.sqlite') });
  for (const [name, noise, seed, scores] of [
    ['a', 30, 1, true],
    ['b', 60, 2, false],
    ['c', 45, 3, true],
  ] as const) {
    const file = path.join(root, `${name}.json`);
    noisy(file, noise, seed, scores);
    importPredictionsVariant(wb, { file, coordinateBase: 0, protocol: 'mmpose0x', name });
  }
  setVariantVisibility(wb, variantByName(wb, 'c').id, true);
}, 120_000);

afterAll(() => {
  wb?.close();
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe.each(['mmpose0x', 'mmpose1x'] as PckhProtocol[])('report model under %s', (protocol) => {
  it('PCKh, per joint, curve: equal to scoredVariants; hidden variants left out unless named', () => {
    const model = buildReportModel(wb, { protocol });
    expect(model.variants.map((v) => v.name)).toEqual(['a', 'b']);
    const scored = scoredVariants(wb, { protocol });
    model.variants.forEach((v, i) => {
      const s = scored[i]!;
      expect(v.metrics).toEqual(s.report.metrics);
      expect(v.perJoint.map((j) => j.pckh)).toEqual(s.report.perJoint.map((j) => j.pckh));
      expect(v.toolkit.AUC).toBe(s.report.curve.aucMean);
      expect(v.toolkit.Total).toBe(s.report.metrics.PCKh);
    });
    expect(buildReportModel(wb, { protocol, names: ['c', 'a'] }).variants.map((v) => v.name)).toEqual(['c', 'a']);
  });

  it('error classes equal analyzeErrors; calibration equals variantCalibration over loadStatisticsData; intervals equal variantStatistics', () => {
    const names = ['a', 'b', 'c'];
    const model = buildReportModel(wb, { protocol, names, ci: true, replicates: 150, seed: 9 });
    const errors = analyzeErrors(wb, { protocol, names });
    const data = loadStatisticsData(wb, { protocol, names });
    const statistics = variantStatistics(data, { replicates: 150, seed: 9 });
    model.variants.forEach((v, i) => {
      expect(v.errors).toEqual(errors.variants[i]!.totals);
      const overall = variantCalibration(data.variants[i]!.outcomes, data.variants[i]!.scores).overall;
      expect(v.calibration).toEqual(overall !== null && overall.n > 0 ? overall : null);
      expect(v.ci).toEqual(Object.fromEntries(statistics.variants[i]!.columns.map((c) => [c.name, c.ci])));
    });
    expect(model.variants[1]!.calibration).toBeNull(); // imported without scores
    expect(model.variants[0]!.calibration).not.toBeNull();
  });
});

describe('buildReport', () => {
  it('same workspace and seed → same bytes; a file name and mime per format', () => {
    for (const format of ['markdown', 'latex', 'csv', 'html'] as const) {
      const one = buildReport(wb, { format, protocol: 'mmpose0x', ci: true, replicates: 100, seed: 4 });
      const two = buildReport(wb, { format, protocol: 'mmpose0x', ci: true, replicates: 100, seed: 4 });
      expect(one.bytes.equals(two.bytes)).toBe(true);
      expect(one.fileName).toMatch(new RegExp(`^posebench-report-demo-mpii-mmpose0x\\.(md|tex|csv|html)$`));
      expect(one.mime).toMatch(/; charset=utf-8$/);
    }
  });

  it('no variant with a finished run: a clear error', () => {
    const empty = openWorkbench({ datasetRoot: wb.dataset.root, dbFile: path.join(root, 'empty.sqlite') });
    try {
      expect(() => buildReport(empty, { format: 'csv', protocol: 'mmpose0x' })).toThrow(/no variant with a finished run/);
    } finally {
      empty.close();
    }
  });
});
