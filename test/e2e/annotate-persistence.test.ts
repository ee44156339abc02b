/**
 * Ground-truth edits through the web host's API survive the engine process being SIGKILLed right
 * after the call returned: the restarted engine (a new process reading the workspace file) shows the
 * edits, the undo history, and metrics computed against the corrected ground truth; the stored
 * per-run errors and metrics are brought to the new GT revision.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorrectionHistory, CorrectionResult, InstanceGroundTruth, MetricsTable, Reevaluation, RunSummary } from '../../src-main/api/contract.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { api, tempDir, waitFor } from './e2e-support.ts';

const LEFT_WRIST = 15;

describe('ground-truth corrections through the engine', () => {
  let host: WebHost;
  let db: string;
  const call = <T>(channel: string, body: unknown = {}) => api<T>(host.url, host.token, channel, body);

  beforeAll(async () => {
    await ensureDemo(PROJECT_ROOT);
    db = path.join(tempDir('posebench-annotate-kill-'), 'workspace.sqlite');
    host = await startWebHost({ db, log: () => undefined });
    await waitFor('the demo run', async () => {
      const runs = await call<RunSummary[]>('runs:list');
      return runs.length > 0 && runs.every((r) => r.status !== 'running') ? runs : undefined;
    });
  }, 300_000);

  afterAll(async () => {
    await host?.close();
  });

  it('keeps every committed edit when the engine is SIGKILLed, and scores against them after the restart', async () => {
    const before = await call<InstanceGroundTruth>('corrections:instance', { instanceIndex: 2 });
    const wrist = before.joints[LEFT_WRIST]!;
    expect(wrist.visible).toBe(true);
    const moved: [number, number] = [wrist.xy![0] + 23.25, wrist.xy![1] - 11.5];
    const box = before.headBox!;
    const biggerBox: [number, number, number, number] = [box[0] - 4, box[1] - 3, box[2] + 4, box[3] + 3];
    const metricsBefore = await call<MetricsTable>('metrics:table');

    const first = await call<CorrectionResult>('corrections:apply', { instanceIndex: 2, edit: { kind: 'joint', joint: LEFT_WRIST, xy: moved } });
    const second = await call<CorrectionResult>('corrections:apply', { instanceIndex: 2, edit: { kind: 'headbox', box: biggerBox } });
    expect(second.history.gtRevision).toBe(first.history.gtRevision + 1);
    const metricsEdited = await call<MetricsTable>('metrics:table');
    expect(metricsEdited.gtRevision).toBe(second.history.gtRevision);
    const reevaluated = await call<Reevaluation>('corrections:reevaluate');

    // SIGKILL right after the answers: no graceful close, no pending timers run.
    const restarts = host.engine.restartCount;
    host.engine.killForTest();
    await waitFor('the engine restart', async () => (host.engine.restartCount > restarts ? true : undefined), 30_000);
    const after = await call<InstanceGroundTruth>('corrections:instance', { instanceIndex: 2 });
    expect(host.engine.restartCount).toBe(restarts + 1);

    expect(after.joints[LEFT_WRIST]).toEqual({ xy: moved, visible: true });
    expect(after.headBox).toEqual(biggerBox);
    expect(after.corrected).toBe(true);
    expect(after.gtRevision).toBe(second.history.gtRevision);
    // Untouched joints are unchanged.
    for (let j = 0; j < 16; j++) if (j !== LEFT_WRIST) expect(after.joints[j]).toEqual(before.joints[j]);
    const history = await call<CorrectionHistory>('corrections:history');
    expect(history).toMatchObject({ undoCount: 2, redoCount: 0, canUndo: true, gtRevision: second.history.gtRevision, correctedInstanceCount: 1 });

    // The restarted engine scores against the corrected GT: same numbers as right after the edits.
    const metricsAfter = await call<MetricsTable>('metrics:table');
    expect(metricsAfter.gtRevision).toBe(second.history.gtRevision);
    expect(metricsAfter.rows.map((r) => r.values)).toEqual(metricsEdited.rows.map((r) => r.values));
    expect(await call<Reevaluation>('corrections:reevaluate')).toEqual(reevaluated);
    // …and the edit changed something measurable (the moved wrist / bigger box).
    expect(metricsAfter.perJoint.map((r) => r.pckh)).not.toEqual(metricsBefore.perJoint.map((r) => r.pckh));

    // Undo after the restart works on the persisted history.
    const undone = await call<CorrectionResult>('corrections:undo');
    expect(undone.instanceIndex).toBe(2);
    expect((await call<InstanceGroundTruth>('corrections:instance', { instanceIndex: 2 })).headBox).toEqual(box);
  });

  it('brings the stored per-run errors and metrics to the current GT revision', async () => {
    const history = await call<CorrectionHistory>('corrections:history');
    await waitFor(
      'stored runs re-scored',
      async () => {
        const reader = new Database(db, { readonly: true, fileMustExist: true });
        try {
          const runs = reader.prepare(`SELECT id, errors_gt_revision AS rev FROM runs WHERE status = 'done'`).all() as { id: number; rev: number | null }[];
          const metrics = reader.prepare('SELECT run_id FROM metrics WHERE gt_revision = ?').all(history.gtRevision) as { run_id: number }[];
          const withMetrics = new Set(metrics.map((m) => m.run_id));
          return runs.length > 0 && runs.every((r) => r.rev === history.gtRevision && withMetrics.has(r.id)) ? true : undefined;
        } finally {
          reader.close();
        }
      },
      20_000,
    );
  });
});
