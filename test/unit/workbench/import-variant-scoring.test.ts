/**
 * An import scores the predictions it just stored from its in-memory arrays instead of reading the run
 * back (import-variant.ts → evaluateRun's `stored`): the report must be the one a read from the
 * workspace gives, bit for bit, with and without scores, under both protocols; and arrays that do not
 * belong to the effective ground truth's instances are not used.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemo } from '../../../src-main/demo/ensure-demo.ts';
import type { PckhReport } from '../../../src-main/evaluation/pckh.ts';
import { importPredictions } from '../../../src-main/formats/predictions-import.ts';
import { readJointErrors } from '../../../src-main/store/joint-errors-repo.ts';
import { readRunPredictions } from '../../../src-main/store/predictions-repo.ts';
import { evaluateRun, scoreRun } from '../../../src-main/workbench/evaluate-run.ts';
import { importPredictionsVariant } from '../../../src-main/workbench/import-variant.ts';
import { openWorkbench, type Workbench } from '../../../src-main/workbench/workbench.ts';

const PERSONS = 14;
let root: string;
let workbench: Workbench;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'posebench-import-scoring-'));
  const demo = await ensureDemo(root, { count: PERSONS });
  workbench = openWorkbench({ datasetRoot: demo.datasetDir, dbFile: path.join(root, 'workspace.sqlite') });
});

afterAll(() => {
  workbench?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const bytesOf = (array: Float32Array | Float64Array | Uint8Array): Buffer => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/** The GT moved by a deterministic per-joint offset (some hits, some misses), optionally with a score. */
function noisyPredictions(withScores: boolean): number[][][] {
  return workbench.dataset.persons.map((person, n) =>
    person.joints.map((xy, j) => {
      const [x, y] = xy ?? [0, 0];
      const offset = ((n * 7 + j * 3) % 11) * 1.37;
      return withScores ? [x + offset, y - offset / 3, ((n + j) % 10) / 10] : [x + offset, y - offset / 3];
    }),
  );
}

function expectSameReport(fromMemory: PckhReport, fromStore: PckhReport): void {
  expect(bytesOf(fromMemory.normalizedErrors).equals(bytesOf(fromStore.normalizedErrors))).toBe(true);
  expect(bytesOf(fromMemory.hits).equals(bytesOf(fromStore.hits))).toBe(true);
  expect(bytesOf(fromMemory.curve.pckAll).equals(bytesOf(fromStore.curve.pckAll))).toBe(true);
  expect(bytesOf(fromMemory.curve.mean).equals(bytesOf(fromStore.curve.mean))).toBe(true);
  expect(fromMemory).toEqual(fromStore);
}

describe('importPredictionsVariant scores from memory', () => {
  for (const withScores of [false, true]) {
    it(`gives the report a read of the stored run gives, bit for bit (${withScores ? 'with' : 'without'} scores)`, () => {
      const file = path.join(root, `noisy-${withScores ? 'scores' : 'xy'}.json`);
      writeFileSync(file, JSON.stringify({ preds: noisyPredictions(withScores) }));
      for (const protocol of ['mmpose0x', 'mmpose1x'] as const) {
        const imported = importPredictionsVariant(workbench, { file, coordinateBase: 0, protocol, name: `noisy-${withScores}-${protocol}` });
        expect(imported.action).toBe('new');
        const ws = workbench.workspace;
        const fromStore = scoreRun(ws, imported.runId, protocol);
        expectSameReport(imported.report, fromStore.report);
        expect(imported.missingPredictions).toBe(fromStore.missingPredictions);
        expect(imported.report.metrics.PCKh).toBeGreaterThan(0);
        expect(imported.report.metrics.PCKh).toBeLessThan(100);
        // The stored arrays are the in-memory ones.
        const parsed = importPredictions(file, { coordinateBase: 0, expectedCount: PERSONS });
        const stored = readRunPredictions(ws, imported.runId);
        expect(bytesOf(stored.coords).equals(bytesOf(parsed.predictions0Based))).toBe(true);
        if (withScores) expect(bytesOf(stored.scores).equals(bytesOf(parsed.scores!))).toBe(true);
        else expect(stored.scores.every((value) => Number.isNaN(value))).toBe(true);
        // And the per-joint errors stored with it are the report's.
        const errors = readJointErrors(ws.db, imported.runId)!;
        expect(bytesOf(errors.normalizedErrors).equals(bytesOf(imported.report.normalizedErrors))).toBe(true);
      }
    });
  }

  it('reads the run back when the arrays passed are not of the current instances', () => {
    const file = path.join(root, 'noisy-xy.json');
    const ws = workbench.workspace;
    const imported = importPredictionsVariant(workbench, { file, coordinateBase: 0, protocol: 'mmpose0x', name: 'noisy-false-mmpose0x' });
    expect(imported.action).toBe('reuse');
    const stored = readRunPredictions(ws, imported.runId);
    const foreign = {
      ...stored,
      instances: stored.instances.map((instance) => ({ ...instance, id: instance.id + 100_000 })),
      coords: new Float32Array(stored.coords.length),
    };
    const evaluation = evaluateRun(ws, imported.runId, 'mmpose0x', foreign);
    expectSameReport(evaluation.report, scoreRun(ws, imported.runId, 'mmpose0x').report);
    const shorter = { ...stored, instances: stored.instances.slice(1), coords: new Float32Array(stored.coords.length) };
    expectSameReport(evaluateRun(ws, imported.runId, 'mmpose0x', shorter).report, imported.report);
  });
});
