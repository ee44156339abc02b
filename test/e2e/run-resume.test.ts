/**
 * Issue 3 item 5 through the web host: a run cut off by an engine crash (SIGKILL mid-run) resumes
 * after the restart in the same stored run, without redoing the persons already committed.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-main/api/contract.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { api, tempDir, waitFor } from './e2e-support.ts';

interface StoredPrediction {
  run_id: number;
  instance_id: number;
}

function readStore(db: string): { runs: { id: number; variant_id: number; status: string }[]; predictions: StoredPrediction[] } {
  const reader = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return {
      runs: reader.prepare('SELECT id, variant_id, status FROM runs ORDER BY id').all() as { id: number; variant_id: number; status: string }[],
      predictions: reader.prepare('SELECT run_id, instance_id FROM predictions').all() as StoredPrediction[],
    };
  } finally {
    reader.close();
  }
}

describe('a model run survives an engine crash', () => {
  let host: WebHost;
  let db: string;
  const call = <T>(channel: string, body: unknown = {}) => api<T>(host.url, host.token, channel, body);

  beforeAll(async () => {
    await ensureDemo(PROJECT_ROOT);
    db = path.join(tempDir('posebench-run-resume-'), 'workspace.sqlite');
    host = await startWebHost({ db, log: () => undefined });
  }, 300_000);

  afterAll(async () => {
    await host?.close();
  });

  it('resumes the stored run after a SIGKILL without redoing committed persons', async () => {
    // The demo opens with a run of every demo model; let it commit a few batches, then kill the engine.
    const committed = await waitFor(
      'committed predictions',
      async () => {
        const store = readStore(db);
        const perRun = new Map<number, number>();
        for (const p of store.predictions) perRun.set(p.run_id, (perRun.get(p.run_id) ?? 0) + 1);
        return store.runs.length > 0 && store.runs.every((run) => run.status === 'running' && (perRun.get(run.id) ?? 0) >= 32) ? store : undefined;
      },
      120_000,
    );
    const runsBefore = await call<RunSummary[]>('runs:list');
    expect(runsBefore.some((run) => run.status === 'running')).toBe(true);

    // From here on, log every prediction written (a test-only trigger in this temp workspace), to see
    // afterwards whether any person committed before the crash was predicted again.
    const writer = new Database(db, { fileMustExist: true, timeout: 10_000 });
    writer.exec(`CREATE TABLE test_prediction_writes (run_id INTEGER, instance_id INTEGER);
      CREATE TRIGGER test_log_prediction_writes AFTER INSERT ON predictions
      BEGIN INSERT INTO test_prediction_writes VALUES (new.run_id, new.instance_id); END;`);
    // The committed set, read together with the writes logged so far (one read transaction).
    const snapshot = writer.transaction(() => ({
      stored: writer.prepare('SELECT run_id, instance_id FROM predictions').all() as StoredPrediction[],
      logged: writer.prepare('SELECT run_id, instance_id FROM test_prediction_writes').all() as StoredPrediction[],
    }))();
    writer.close();

    const restarts = host.engine.restartCount;
    host.engine.killForTest();
    await waitFor('the engine restart', async () => (host.engine.restartCount > restarts ? true : undefined), 30_000);
    const killedAt = readStore(db);
    expect(killedAt.predictions.length).toBeGreaterThanOrEqual(committed.predictions.length);
    expect(killedAt.predictions.length).toBeLessThan(killedAt.runs.length * 200);

    await waitFor(
      'the resumed runs to finish',
      async () => {
        const runs = await call<RunSummary[]>('runs:list');
        return runs.length > 0 && runs.every((run) => run.status !== 'running') ? runs : undefined;
      },
      240_000,
    );
    const after = readStore(db);

    // Same stored runs (no new ones), all done, every person predicted once.
    expect(after.runs.map((run) => run.id)).toEqual(killedAt.runs.map((run) => run.id));
    expect(after.runs.every((run) => run.status === 'done')).toBe(true);
    for (const run of after.runs) expect(after.predictions.filter((p) => p.run_id === run.id)).toHaveLength(200);
    // No person committed before the crash was written again; the rest was written exactly once.
    const reader = new Database(db, { readonly: true, fileMustExist: true });
    const writes = reader.prepare('SELECT run_id, instance_id FROM test_prediction_writes').all() as StoredPrediction[];
    reader.close();
    const key = (p: StoredPrediction): string => `${p.run_id}/${p.instance_id}`;
    const loggedAtSnapshot = new Set(snapshot.logged.map(key));
    const committedBeforeLog = new Set(snapshot.stored.map(key).filter((k) => !loggedAtSnapshot.has(k)));
    expect(committedBeforeLog.size).toBeGreaterThan(0);
    expect(writes.filter((p) => committedBeforeLog.has(key(p)))).toEqual([]);
    expect(new Set(writes.map(key)).size).toBe(writes.length);
    expect(new Set([...committedBeforeLog, ...writes.map(key)]).size).toBe(after.predictions.length);

    // The resumed variants are scored like any finished run.
    const table = await call<{ rows: { values: Record<string, number | null> }[] }>('metrics:table');
    expect(table.rows).toHaveLength(after.runs.length);
    for (const row of table.rows) expect(row.values['PCKh']).toBeGreaterThan(30);
  });
});
