import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listInstances, registerDataset } from '../../../src-main/store/datasets-repo.ts';
import {
  hitsVersusMisses,
  instanceJointErrors,
  instancesByMissCount,
  worstInstancesForJoint,
  writeJointErrors,
} from '../../../src-main/store/joint-errors-repo.ts';
import { latestMetrics, listMetrics, saveMetrics } from '../../../src-main/store/metrics-repo.ts';
import { predictedInstanceIds } from '../../../src-main/store/predictions-repo.ts';
import { createRun, getRun, setRunStatus } from '../../../src-main/store/runs-repo.ts';
import { benchmarkVariantWrite, storeVariantResults } from '../../../src-main/store/variant-results.ts';
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
  it('rank the instances of a run on one joint, worst first, unknown-size misses first', () => {
    const { ws, instances, instanceIds, runs, gtRevision } = setup();
    const [a] = runs;
    writeJointErrors(ws, a!.run.id, { instanceIds, normalizedErrors: a!.normalizedErrors, hits: a!.hits, evaluated: a!.evaluated, gtRevision });
    expect(getRun(ws, a!.run.id).errorsGtRevision).toBe(gtRevision);

    for (const joint of [2, 7, 13]) {
      const ranked = worstInstancesForJoint(ws, a!.run.id, joint);
      const expected = instances
        .map((instance, n) => ({ n, instance, error: a!.normalizedErrors[n * 16 + joint]! }))
        .filter(({ n }) => a!.evaluated[n * 16 + joint] === 1)
        .sort((x, y) => (Number.isNaN(y.error) ? 1 : 0) - (Number.isNaN(x.error) ? 1 : 0) || y.error - x.error);
      expect(ranked.map((r) => r.instanceId)).toEqual(expected.map((e) => e.instance.id));
      expect(ranked.map((r) => r.normalizedError)).toEqual(expected.map((e) => (Number.isNaN(e.error) ? null : e.error)));
      expect(ranked.map((r) => r.hit)).toEqual(expected.map((e) => e.error <= 0.5));
    }
    expect(worstInstancesForJoint(ws, a!.run.id, 7)).toHaveLength(N - 1);
    expect(worstInstancesForJoint(ws, a!.run.id, 2)[0]).toMatchObject({ instanceId: instanceIds[5], normalizedError: null, hit: false });
    const page = worstInstancesForJoint(ws, a!.run.id, 13, { limit: 5, offset: 5, onlyMisses: true });
    const misses = worstInstancesForJoint(ws, a!.run.id, 13).filter((r) => !r.hit);
    expect(page).toEqual(misses.slice(5, 10));
    expect(() => worstInstancesForJoint(ws, a!.run.id, 16)).toThrow(RangeError);
  });

  it('find where run A hits and run B misses, per joint and over all joints', () => {
    const { ws, instanceIds, runs, gtRevision } = setup();
    for (const r of runs) writeJointErrors(ws, r.run.id, { instanceIds, normalizedErrors: r.normalizedErrors, hits: r.hits, evaluated: r.evaluated, gtRevision });
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];

    const expectedFor = (joints: number[]) => {
      const rows: { instanceId: number; joint: number; missRunError: number | null }[] = [];
      for (let n = 0; n < N; n += 1) {
        for (const j of joints) {
          const k = n * 16 + j;
          if (a.evaluated[k] && a.hits[k] === 1 && b.hits[k] === 0) {
            rows.push({ instanceId: instanceIds[n]!, joint: j, missRunError: Number.isNaN(b.normalizedErrors[k]!) ? null : b.normalizedErrors[k]! });
          }
        }
      }
      return rows.sort((x, y) => (y.missRunError ?? Infinity) - (x.missRunError ?? Infinity) || x.instanceId - y.instanceId || x.joint - y.joint);
    };
    const oneJoint = hitsVersusMisses(ws, { hitRunId: a.run.id, missRunId: b.run.id, joint: 11 });
    expect(oneJoint.length).toBeGreaterThan(0);
    expect(oneJoint.map(({ instanceId, joint, missRunError }) => ({ instanceId, joint, missRunError }))).toEqual(expectedFor([11]));
    const allJoints = hitsVersusMisses(ws, { hitRunId: a.run.id, missRunId: b.run.id });
    expect(allJoints.map(({ instanceId, joint, missRunError }) => ({ instanceId, joint, missRunError }))).toEqual(
      expectedFor(Array.from({ length: 16 }, (_, j) => j)),
    );
    expect(allJoints.every((row) => row.hitRunError !== null && row.hitRunError <= 0.5)).toBe(true);
  });

  it('list one instance per joint and rank instances by miss count', () => {
    const { ws, instanceIds, runs, gtRevision } = setup();
    const a = runs[0]!;
    writeJointErrors(ws, a.run.id, { instanceIds, normalizedErrors: a.normalizedErrors, hits: a.hits, evaluated: a.evaluated, gtRevision });
    const perJoint = instanceJointErrors(ws, a.run.id, instanceIds[3]!);
    expect(perJoint.map((r) => r.joint)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15]);
    const ranked = instancesByMissCount(ws, a.run.id);
    const missCount = (n: number) => Array.from({ length: 16 }, (_, j) => n * 16 + j).filter((k) => a.evaluated[k] && !a.hits[k]).length;
    const expected = instanceIds.map((id, n) => ({ id, n, misses: missCount(n) })).filter((e) => e.misses > 0).sort((x, y) => y.misses - x.misses || x.n - y.n);
    expect(ranked.map((r) => [r.instanceId, r.misses])).toEqual(expected.map((e) => [e.id, e.misses]));
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
    expect(worstInstancesForJoint(ws, a.run.id, 0)).toHaveLength(N);
    expect(latestMetrics(ws, a.run.id, 'mmpose0x')?.report).toEqual({ PCKh: 88.5, Head: null });
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

  it('is usable as a benchmark (small size here; the 2958-person goal is measured by the bench command)', () => {
    const result = benchmarkVariantWrite({ persons: 50, repeats: 2 });
    expect(result.jointErrorRows).toBe(800);
    expect(result.writeMs).toHaveLength(2);
    expect(result.writeMs.every((ms) => ms > 0)).toBe(true);
  });
});

describe('metrics', () => {
  it('keep one report per run, protocol and gt revision; the newest revision is the latest', () => {
    const { ws, runs } = setup();
    const runId = runs[0]!.run.id;
    saveMetrics(ws, { runId, protocol: 'mmpose0x', gtRevision: 0, report: { PCKh: 1 } });
    saveMetrics(ws, { runId, protocol: 'mmpose0x', gtRevision: 0, report: { PCKh: 2 } });
    saveMetrics(ws, { runId, protocol: 'mmpose0x', gtRevision: 3, report: { PCKh: 3 } });
    saveMetrics(ws, { runId, protocol: 'mmpose1x', gtRevision: 0, report: { PCK: 4 } });
    expect(latestMetrics(ws, runId, 'mmpose0x')?.report).toEqual({ PCKh: 3 });
    expect(latestMetrics(ws, runId, 'mmpose0x', 0)?.report).toEqual({ PCKh: 2 });
    expect(listMetrics(ws, runId).map((m) => [m.protocol, m.gtRevision])).toEqual([['mmpose0x', 0], ['mmpose0x', 3], ['mmpose1x', 0]]);
  });
});
