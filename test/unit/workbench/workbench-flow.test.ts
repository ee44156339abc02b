/**
 * The workbench flow on a small generated demo (no ../shared needed): import predictions as a variant,
 * run ONNX models with cancel + resume, correct the ground truth and re-evaluate.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemo } from '../../../src-main/demo/ensure-demo.ts';
import { MPII_JOINT_COUNT } from '../../../src-main/core/joints.ts';
import { applyCorrection, undoCorrection } from '../../../src-main/store/corrections-repo.ts';
import { listInstances } from '../../../src-main/store/datasets-repo.ts';
import { predictedInstanceIds } from '../../../src-main/store/predictions-repo.ts';
import { listRuns } from '../../../src-main/store/runs-repo.ts';
import { openWorkbench, type Workbench } from '../../../src-main/workbench/workbench.ts';
import { importPredictionsVariant } from '../../../src-main/workbench/import-variant.ts';
import { addModelVariant } from '../../../src-main/workbench/model-variants.ts';
import { runModelVariants, type PlannedVariant } from '../../../src-main/workbench/run-variants.ts';
import { reevaluateRun } from '../../../src-main/workbench/reevaluate.ts';

const J = MPII_JOINT_COUNT;
const PERSONS = 12;
let root: string;
let datasetDir: string;
let modelFiles: string[];
let workbench: Workbench;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'posebench-workbench-'));
  const demo = await ensureDemo(root, { count: PERSONS });
  datasetDir = demo.datasetDir;
  modelFiles = demo.modelFiles;
  workbench = openWorkbench({ datasetRoot: datasetDir, dbFile: path.join(root, 'workspace.sqlite') });
});

afterAll(() => workbench?.close());

/** Ground truth moved by (dx, dy) as 0-based predictions; missing joints predicted at 0,0. */
function shiftedGroundTruth(dx: number, dy: number): number[][][] {
  return workbench.dataset.persons.map((person) => person.joints.map((xy) => (xy ? [xy[0] + dx, xy[1] + dy] : [0, 0])));
}

describe('workbench flow', () => {
  it('imports predictions as a variant: exact GT scores 100 on every annotated joint, a far shift scores 0', () => {
    const exactFile = path.join(root, 'exact.json');
    writeFileSync(exactFile, JSON.stringify({ preds: shiftedGroundTruth(0, 0) }));
    const exact = importPredictionsVariant(workbench, { file: exactFile, coordinateBase: 0, protocol: 'mmpose0x' });
    expect(exact.variant.name).toBe('exact');
    expect(exact.report.metrics.PCKh).toBe(100);
    expect(exact.report.instances).toBe(PERSONS);

    const farFile = path.join(root, 'far.json');
    writeFileSync(farFile, JSON.stringify({ preds: shiftedGroundTruth(500, 500) }));
    const far = importPredictionsVariant(workbench, { file: farFile, coordinateBase: 0, protocol: 'mmpose0x' });
    expect(far.report.metrics.PCKh).toBe(0);
    // Re-importing the same bytes keeps one variant with one run (reused).
    const again = importPredictionsVariant(workbench, { file: farFile, coordinateBase: 0, protocol: 'mmpose0x' });
    expect(again.variant.id).toBe(far.variant.id);
    expect(again.action).toBe('reuse');
    expect(listRuns(workbench.workspace, { variantId: far.variant.id })).toHaveLength(1);
  });

  it('runs two demo models, resumes a cancelled run without redoing finished persons', async () => {
    const models = modelFiles.slice(0, 2);
    const controller = new AbortController();
    let results = 0;
    const variantIds: number[] = [];
    for (const file of models) variantIds.push((await addModelVariant(workbench, { modelFile: file })).variant.id);
    const first = await runModelVariants(
      workbench,
      { variantIds, protocol: 'mmpose0x', latencyRuns: 0 },
      (event) => {
        if (event.type !== 'progress') return;
        results = event.progress.done;
        if (event.progress.done >= 4) controller.abort();
      },
      controller.signal,
    );
    expect(first.cancelled).toBe(true);
    expect(first.results.every((result) => result.status === 'cancelled')).toBe(true);
    expect(results).toBeLessThan(PERSONS);
    const doneAfterCancel = first.results.map((result) => predictedInstanceIds(workbench.workspace, result.run.id).size);
    expect(Math.max(...doneAfterCancel)).toBeLessThan(PERSONS);

    const planned: PlannedVariant[] = [];
    const resumed = await runModelVariants(workbench, { variantIds, protocol: 'mmpose0x', latencyRuns: 5 }, (event) => {
      if (event.type === 'planned') planned.push(...event.variants);
    });
    expect(resumed.results.map((result) => result.run.id)).toEqual(first.results.map((result) => result.run.id));
    expect(planned.map((item) => item.action)).toEqual(['resume', 'resume']);
    expect(planned.map((item) => item.toRun)).toEqual(doneAfterCancel.map((done) => PERSONS - done));
    for (const result of resumed.results) {
      expect(result.status).toBe('done');
      expect(predictedInstanceIds(workbench.workspace, result.run.id).size).toBe(PERSONS);
      expect(result.latency?.medianMs).toBeGreaterThan(0);
      expect(result.latency?.n).toBe(5);
      expect(result.evaluation!.report.metrics.PCKh).toBeGreaterThan(30);
    }

    // Asked again: the same identity, finished, is reused (no new run, nothing run).
    const reused = await runModelVariants(workbench, { variantIds, protocol: 'mmpose0x', latencyRuns: 5 });
    expect(reused.results.map((result) => result.action)).toEqual(['reuse', 'reuse']);
    expect(reused.results.map((result) => result.run.id)).toEqual(first.results.map((result) => result.run.id));

    // A fresh workspace running the same models from scratch gives the very same numbers.
    const fresh = openWorkbench({ datasetRoot: datasetDir, dbFile: path.join(root, 'fresh.sqlite') });
    try {
      const freshIds: number[] = [];
      for (const file of models) freshIds.push((await addModelVariant(fresh, { modelFile: file })).variant.id);
      const scratch = await runModelVariants(fresh, { variantIds: freshIds, protocol: 'mmpose0x', latencyRuns: 0 });
      expect(scratch.results.map((result) => result.evaluation!.report.metrics)).toEqual(resumed.results.map((result) => result.evaluation!.report.metrics));
    } finally {
      fresh.close();
    }
  });

  it('re-evaluates against corrected ground truth and lists the verdicts that changed', () => {
    const exact = importPredictionsVariant(workbench, { file: path.join(root, 'exact.json'), coordinateBase: 0, protocol: 'mmpose0x' });
    const instances = listInstances(workbench.workspace, workbench.datasetRecord.id);
    const person = workbench.dataset.persons.findIndex((p) => p.joints[15] !== null);
    const instance = instances[person]!;
    const wrist = workbench.dataset.persons[person]!.joints[15]!;
    applyCorrection(workbench.workspace, { instanceId: instance.id, kind: 'joint', joint: 15, xy: [wrist[0] + 200, wrist[1]] });

    const result = reevaluateRun(workbench.workspace, exact.runId, 'mmpose0x');
    expect(result.original.metrics.PCKh).toBe(100);
    expect(result.corrected.metrics.PCKh).toBeLessThan(100);
    expect(result.changes).toEqual([expect.objectContaining({ instanceId: instance.id, joint: 15, before: 'hit', after: 'miss' })]);
    // Predictions are float32 (as mmpose's), so "exact" is exact to float32 rounding.
    expect(result.changes[0]!.errorBefore).toBeLessThan(1e-5);
    expect(result.changes[0]!.errorAfter).toBeGreaterThan(0.5);
    expect(result.corrected.perJoint[15]!.hitCount).toBe(result.original.perJoint[15]!.hitCount - 1);
    for (let j = 0; j < J; j += 1) {
      if (j !== 15) expect(result.corrected.perJoint[j]).toEqual(result.original.perJoint[j]);
    }

    undoCorrection(workbench.workspace, workbench.datasetRecord.id);
    const undone = reevaluateRun(workbench.workspace, exact.runId, 'mmpose0x');
    expect(undone.changes).toEqual([]);
    expect(undone.corrected.metrics).toEqual(undone.original.metrics);
  });
});
