/**
 * Writing everything one variant produced — predictions, per-joint errors, metric reports, final
 * status — in ONE transaction with prepared statements: either all of it is in the workspace or none.
 * Performance goal (measured by test/bench/variant-write-benchmark.ts, not by tests): 2958 persons × 16 joints in < 200 ms.
 */
import { replaceJointErrorRows, type JointErrorsInput } from './joint-errors-repo.ts';
import { upsertMetricsRow, type MetricsInput } from './metrics-repo.ts';
import { insertPredictionRows, type PredictionBatch } from './predictions-repo.ts';
import { setRunStatus, type RunStatus } from './runs-repo.ts';
import type { Workspace } from './workspace.ts';

export interface VariantResults {
  readonly predictions: PredictionBatch;
  readonly jointErrors?: JointErrorsInput;
  readonly metrics?: readonly Omit<MetricsInput, 'runId'>[];
  /** Status to set in the same transaction (e.g. 'done' for a complete run). */
  readonly finalStatus?: Extract<RunStatus, 'done' | 'cancelled' | 'failed'>;
}

export function storeVariantResults(ws: Workspace, runId: number, results: VariantResults): void {
  const db = ws.db;
  db.transaction(() => {
    insertPredictionRows(db, runId, results.predictions, { pack: true });
    if (results.jointErrors) replaceJointErrorRows(db, runId, results.jointErrors);
    for (const metrics of results.metrics ?? []) upsertMetricsRow(db, { ...metrics, runId });
    if (results.finalStatus) setRunStatus(ws, runId, results.finalStatus);
  }).immediate();
}
