/**
 * Runs: one evaluation of a variant over a dataset. A run records progress as it goes so an interrupted
 * run can be resumed (predictions-repo tells which instances are still to do).
 */
import { nowIso, type Workspace } from './workspace.ts';
import { packRunPredictionsFromRows } from './packed-predictions.ts';

export type RunStatus = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export interface RunRecord {
  readonly id: number;
  readonly datasetId: number;
  readonly variantId: number;
  readonly status: RunStatus;
  readonly total: number;
  readonly done: number;
  readonly options: Record<string, unknown> | null;
  /** Digest of what produced the run's numbers (workbench/run-identity.ts); null for runs made before it. */
  readonly identityKey: string | null;
  /** Where the run's numbers come from (workbench/run-manifest.ts), as stored. */
  readonly manifest: Record<string, unknown> | null;
  /** gt revision the stored joint errors were computed against (null: none stored yet). */
  readonly errorsGtRevision: number | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

export interface RunFailure {
  readonly instanceId: number;
  readonly entryIndex: number;
  readonly image: string;
  readonly reason: string;
}

interface RunRow {
  id: number;
  dataset_id: number;
  variant_id: number;
  status: RunStatus;
  total: number;
  done: number;
  options_json: string | null;
  identity_key: string | null;
  manifest_json: string | null;
  errors_gt_revision: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    variantId: row.variant_id,
    status: row.status,
    total: row.total,
    done: row.done,
    options: row.options_json === null ? null : (JSON.parse(row.options_json) as Record<string, unknown>),
    identityKey: row.identity_key,
    manifest: row.manifest_json === null ? null : (JSON.parse(row.manifest_json) as Record<string, unknown>),
    errorsGtRevision: row.errors_gt_revision,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

/** Which status may follow which: a stopped run may be resumed; a finished one is final. */
const NEXT: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled', 'failed', 'done'],
  running: ['done', 'cancelled', 'failed', 'running'],
  cancelled: ['running', 'cancelled'],
  failed: ['running', 'failed'],
  done: ['done'],
};

export function createRun(
  ws: Workspace,
  input: {
    datasetId: number;
    variantId: number;
    total: number;
    options?: Readonly<Record<string, unknown>>;
    identityKey?: string;
    manifest?: Readonly<Record<string, unknown>>;
  },
): RunRecord {
  if (!Number.isInteger(input.total) || input.total < 0) throw new RangeError(`run total ${input.total} is not a count`);
  const row = ws.db
    .prepare(
      `INSERT INTO runs (dataset_id, variant_id, status, total, options_json, identity_key, manifest_json, created_at)
       VALUES (?, ?, 'queued', ?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(
      input.datasetId,
      input.variantId,
      input.total,
      input.options ? JSON.stringify(input.options) : null,
      input.identityKey ?? null,
      input.manifest ? JSON.stringify(input.manifest) : null,
      nowIso(),
    ) as RunRow;
  return toRecord(row);
}

/** Replaces a run's manifest (it is completed when the run ends: end time, persons done and failed). */
export function setRunManifest(ws: Workspace, runId: number, manifest: Readonly<Record<string, unknown>>): void {
  ws.db.prepare('UPDATE runs SET manifest_json = ? WHERE id = ?').run(JSON.stringify(manifest), runId);
}

/**
 * The finished run a variant's numbers come from: the one that finished, or was reused, last (a
 * reused older run, e.g. after a model file was put back, is current again).
 */
export function currentRun(ws: Workspace, datasetId: number, variantId: number): RunRecord | undefined {
  const row = ws.db
    .prepare("SELECT * FROM runs WHERE dataset_id = ? AND variant_id = ? AND status = 'done' ORDER BY current_at DESC, id DESC LIMIT 1")
    .get(datasetId, variantId) as RunRow | undefined;
  return row ? toRecord(row) : undefined;
}

/** Makes a finished run its variant's current one (it was reused). */
export function markRunCurrent(ws: Workspace, runId: number): void {
  ws.db.prepare("UPDATE runs SET current_at = ? WHERE id = ? AND status = 'done'").run(nowIso(), runId);
}

/** Newest run of a variant on a dataset with this identity (the only kind that may be reused or resumed). */
export function latestRunWithIdentity(ws: Workspace, datasetId: number, variantId: number, identityKey: string): RunRecord | undefined {
  const row = ws.db
    .prepare('SELECT * FROM runs WHERE dataset_id = ? AND variant_id = ? AND identity_key = ? ORDER BY id DESC LIMIT 1')
    .get(datasetId, variantId, identityKey) as RunRow | undefined;
  return row ? toRecord(row) : undefined;
}

export function getRun(ws: Workspace, runId: number): RunRecord {
  const row = ws.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!row) throw new Error(`${ws.file}: no run ${runId}`);
  return toRecord(row);
}

export function listRuns(ws: Workspace, filter: { datasetId?: number; variantId?: number } = {}): RunRecord[] {
  const rows = ws.db
    .prepare('SELECT * FROM runs WHERE (@d IS NULL OR dataset_id = @d) AND (@v IS NULL OR variant_id = @v) ORDER BY id')
    .all({ d: filter.datasetId ?? null, v: filter.variantId ?? null }) as RunRow[];
  return rows.map(toRecord);
}

/**
 * Moves a run to a new status. 'running' sets started_at (first time only); 'done'/'cancelled'/'failed'
 * set finished_at; `error` is kept for 'failed' (and cleared when the run is resumed).
 */
export function setRunStatus(ws: Workspace, runId: number, status: RunStatus, error?: string): RunRecord {
  const db = ws.db;
  return db
    .transaction(() => {
      const current = getRun(ws, runId);
      if (!NEXT[current.status].includes(status)) {
        throw new Error(`${ws.file}: run ${runId} cannot go from '${current.status}' to '${status}'`);
      }
      const now = nowIso();
      const row = db
        .prepare(
          `UPDATE runs SET status = @status,
             started_at = CASE WHEN @status = 'running' THEN COALESCE(started_at, @now) ELSE started_at END,
             finished_at = CASE WHEN @status IN ('done', 'cancelled', 'failed') THEN @now ELSE NULL END,
             current_at = CASE WHEN @status = 'done' THEN @now ELSE current_at END,
             error = @error
           WHERE id = @id RETURNING *`,
        )
        .get({ status, now, error: status === 'failed' ? (error ?? 'failed') : null, id: runId }) as RunRow;
      // A finished run is read whole from now on (engine open, scoring): its rows as one record.
      if (status === 'done') packRunPredictionsFromRows(db, runId);
      return toRecord(row);
    })
    .immediate();
}

/** Records that one instance could not be predicted (bad image...), replacing an earlier reason. */
export function recordRunFailure(ws: Workspace, runId: number, instanceId: number, reason: string): void {
  ws.db.prepare('INSERT OR REPLACE INTO run_failures (run_id, instance_id, reason) VALUES (?, ?, ?)').run(runId, instanceId, reason);
}

export function listRunFailures(ws: Workspace, runId: number): RunFailure[] {
  return ws.db
    .prepare(
      `SELECT f.instance_id AS instanceId, i.entry_index AS entryIndex, i.image, f.reason
       FROM run_failures f JOIN instances i ON i.id = f.instance_id WHERE f.run_id = ? ORDER BY i.entry_index`,
    )
    .all(runId) as RunFailure[];
}

/**
 * The one way back from 'done': a finished run whose failed instances are to be tried again (a
 * missing image restored, a corrupt one replaced). It is 'running' until the caller finishes it; each
 * failure goes away when a prediction is written for its instance (writePredictions), or is replaced
 * if it fails again. Returns how many failed instances there are (0: nothing to retry, the run stays
 * 'done').
 */
export function reopenRunForFailedInstances(ws: Workspace, runId: number): number {
  return ws.db
    .transaction(() => {
      const current = getRun(ws, runId);
      if (current.status !== 'done') throw new Error(`${ws.file}: run ${runId} is '${current.status}', not 'done': resume it instead`);
      const failed = listRunFailures(ws, runId).length;
      if (failed > 0) ws.db.prepare("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?").run(runId);
      return failed;
    })
    .immediate();
}

export interface RunWarning {
  readonly instanceId: number;
  readonly entryIndex: number;
  readonly image: string;
  /** e.g. 'image-damaged': the person was scored, but its image decoded with warnings. */
  readonly kind: string;
  readonly message: string;
}

/** Flags a scored person (e.g. its image is damaged); the same flag again replaces the message. */
export function recordRunWarning(ws: Workspace, runId: number, instanceId: number, kind: string, message: string): void {
  ws.db.prepare('INSERT OR REPLACE INTO run_warnings (run_id, instance_id, kind, message) VALUES (?, ?, ?, ?)').run(runId, instanceId, kind, message);
}

export function listRunWarnings(ws: Workspace, runId: number): RunWarning[] {
  return ws.db
    .prepare(
      `SELECT w.instance_id AS instanceId, i.entry_index AS entryIndex, i.image, w.kind, w.message
       FROM run_warnings w JOIN instances i ON i.id = w.instance_id WHERE w.run_id = ? ORDER BY i.entry_index, w.kind`,
    )
    .all(runId) as RunWarning[];
}
