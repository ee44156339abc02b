import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listInstances, registerDataset } from '../../../src-main/store/datasets-repo.ts';
import { JOINT_NOT_EVALUATED, readJointErrors, replaceJointErrorRows } from '../../../src-main/store/joint-errors-repo.ts';
import { upsertMetricsRow } from '../../../src-main/store/metrics-repo.ts';
import { predictedInstanceIds } from '../../../src-main/store/predictions-repo.ts';
import { createRun, getRun, setRunStatus } from '../../../src-main/store/runs-repo.ts';
import { storeVariantResults } from '../../../src-main/store/variant-results.ts';
import { createVariant } from '../../../src-main/store/variants-repo.ts';
import { seededRandom, tempWorkspace, writeSyntheticDataset } from './store-fixtures.ts';

const N = 40;

/** Two runs on one dataset with random errors; hit = error <= 0.5 (spec §2 step 6); joint 7 of person 3 not evaluated. */
function setup() {
  const ws = tempWorkspace();
  const { dataset } = registerDataset(ws, writeSyntheticDataset(path.join(ws.dir, 'mpii'), N, 9).input);
  const instances = listInstances(ws, dataset.id);
  const instanceIds = instances.map((i) => i.id);
  const random = seededRandom(42);
  const runs = ['A', 'B'].map((name) => {
    const variant = createVariant(ws, { name, kind: 'imported', sourcePath: `${name}.json`, datasetId: dataset.id });
    const run = createRun(ws, { datasetId: dataset.id, variantId: variant.id, total: N });
    const normalizedErrors = Float64Array.from({ length: N * 16 }, () => random() * 1.2);
    normalizedErrors[5 * 16 + 2] = Number.NaN; // zero head box: a miss of unknown size
    const hits = Uint8Array.from(normalizedErrors, (e) => (e <= 0.5 ? 1 : 0));
    const evaluated = new Uint8Array(N * 16).fill(1);
    evaluated[3 * 16 + 7] = 0;
    return { run, normalizedErrors, hits, evaluated };
  });
  return { ws, datasetId: dataset.id, instances, instanceIds, runs, gtRevision: dataset.gtRevision };
}

describe('joint errors', () => {
  it("stores the run's arrays as one record (not evaluated = 255, a non-finite error kept as is); replacing overwrites it", () => {
    const { ws, instanceIds, runs, gtRevision } = setup();
    const a = runs[0]!;
    expect(readJointErrors(ws.db, a.run.id)).toBeNull();
    ws.db
      .transaction(() =>
        replaceJointErrorRows(ws.db, a.run.id, { instanceIds, normalizedErrors: a.normalizedErrors, hits: a.hits, evaluated: a.evaluated, gtRevision }),
      )
      .immediate();
    const stored = readJointErrors(ws.db, a.run.id)!;
    expect(Array.from(stored.instanceIds)).toEqual(instanceIds);
    expect(Array.from(stored.normalizedErrors)).toEqual(Array.from(a.normalizedErrors)); // NaN at person 5, joint 2 included
    expect(stored.hits[3 * 16 + 7]).toBe(JOINT_NOT_EVALUATED); // person 3's joint 7 was not evaluated
    expect(stored.hits[5 * 16 + 2]).toBe(0);
    expect(Array.from(stored.hits).filter((h, k) => h !== JOINT_NOT_EVALUATED && h !== a.hits[k])).toEqual([]);
    expect(getRun(ws, a.run.id).errorsGtRevision).toBe(gtRevision);
    // Replaced wholesale (a re-score after a GT edit).
    ws.db
      .transaction(() =>
        replaceJointErrorRows(ws.db, a.run.id, {
          instanceIds: instanceIds.slice(0, 1),
          normalizedErrors: new Float64Array(16),
          hits: new Uint8Array(16).fill(1),
          gtRevision,
        }),
      )
      .immediate();
    expect(readJointErrors(ws.db, a.run.id)!.hits).toEqual(new Uint8Array(16).fill(1));
    expect(ws.db.prepare('SELECT COUNT(*) AS n FROM run_joint_errors WHERE run_id = ?').get(a.run.id)).toEqual({ n: 1 });
  });

  it('refuses arrays of the wrong length', () => {
    const { ws, instanceIds, runs, gtRevision } = setup();
    const a = runs[0]!;
    expect(() => replaceJointErrorRows(ws.db, a.run.id, { instanceIds, normalizedErrors: a.normalizedErrors.subarray(1), hits: a.hits, gtRevision })).toThrow(
      RangeError,
    );
  });
});

describe('storeVariantResults', () => {
  it('writes predictions, joint errors, metrics and the final status in one transaction', () => {
    const { ws, instanceIds, runs, gtRevision } = setup();
    const a = runs[0]!;
    setRunStatus(ws, a.run.id, 'running');
    const xyScore = new Float32Array(N * 48).fill(0.25);
    storeVariantResults(ws, a.run.id, {
      predictions: { instanceIds, xyScore },
      jointErrors: { instanceIds, normalizedErrors: a.normalizedErrors, hits: a.hits, gtRevision },
      metrics: [{ protocol: 'mmpose0x', gtRevision, report: { PCKh: 88.5, Head: null } }],
      finalStatus: 'done',
    });
    expect(getRun(ws, a.run.id)).toMatchObject({ status: 'done', done: N, errorsGtRevision: gtRevision });
    expect(readJointErrors(ws.db, a.run.id)!.instanceIds).toHaveLength(N);
    expect(
      JSON.parse(
        (ws.db.prepare("SELECT report_json FROM metrics WHERE run_id = ? AND protocol = 'mmpose0x'").get(a.run.id) as { report_json: string }).report_json,
      ),
    ).toEqual({ PCKh: 88.5, Head: null });
  });

  it('writes nothing when any part fails', () => {
    const { ws, instanceIds, runs, gtRevision } = setup();
    const b = runs[1]!;
    setRunStatus(ws, b.run.id, 'running');
    expect(() =>
      storeVariantResults(ws, b.run.id, {
        predictions: { instanceIds, xyScore: new Float32Array(N * 48) },
        // One value short: the joint-error part throws after the predictions were inserted.
        jointErrors: { instanceIds, normalizedErrors: b.normalizedErrors.subarray(1), hits: b.hits, gtRevision },
        finalStatus: 'done',
      }),
    ).toThrow(RangeError);
    expect(predictedInstanceIds(ws, b.run.id).size).toBe(0);
    expect(getRun(ws, b.run.id)).toMatchObject({ status: 'running', done: 0 });
  });
});

describe('metrics', () => {
  it('keep one report per run, protocol and gt revision (a re-score replaces it)', () => {
    const { ws, runs } = setup();
    const runId = runs[0]!.run.id;
    const save = (protocol: string, gtRevision: number, report: unknown) => upsertMetricsRow(ws.db, { runId, protocol, gtRevision, report });
    save('mmpose0x', 0, { PCKh: 1 });
    save('mmpose0x', 0, { PCKh: 2 });
    save('mmpose0x', 3, { PCKh: 3 });
    save('mmpose1x', 0, { PCK: 4 });
    const rows = ws.db
      .prepare('SELECT protocol, gt_revision AS rev, report_json AS json FROM metrics WHERE run_id = ? ORDER BY protocol, gt_revision')
      .all(runId) as { protocol: string; rev: number; json: string }[];
    expect(rows.map((r) => [r.protocol, r.rev, JSON.parse(r.json)])).toEqual([
      ['mmpose0x', 0, { PCKh: 2 }],
      ['mmpose0x', 3, { PCKh: 3 }],
      ['mmpose1x', 0, { PCK: 4 }],
    ]);
  });
});
