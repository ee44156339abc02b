/**
 * Metric reports (PCKh tables as the evaluation module produces them), per run, protocol and the
 * ground-truth revision they were computed against — a report older than the dataset's current gt
 * revision is stale after a correction.
 */
import type Database from 'better-sqlite3';
import { nowIso, type Workspace } from './workspace.ts';

export interface MetricsInput {
  readonly runId: number;
  /** e.g. 'mmpose0x' | 'mmpose1x' (core/types PckhProtocol), kept open for other metrics. */
  readonly protocol: string;
  readonly gtRevision: number;
  readonly report: unknown;
}

export interface MetricsRecord {
  readonly id: number;
  readonly runId: number;
  readonly protocol: string;
  readonly gtRevision: number;
  readonly report: unknown;
  readonly createdAt: string;
}

interface MetricsRow {
  id: number;
  run_id: number;
  protocol: string;
  gt_revision: number;
  report_json: string;
  created_at: string;
}

function toRecord(row: MetricsRow): MetricsRecord {
  return {
    id: row.id,
    runId: row.run_id,
    protocol: row.protocol,
    gtRevision: row.gt_revision,
    // NaN is not json: the report serialiser writes NaN per-joint values as null.
    report: JSON.parse(row.report_json),
    createdAt: row.created_at,
  };
}

/** Inside the caller's transaction; replaces a report of the same (run, protocol, gt revision). */
export function upsertMetricsRow(db: Database.Database, input: MetricsInput): void {
  db.prepare(
    `INSERT INTO metrics (run_id, protocol, gt_revision, report_json, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, protocol, gt_revision) DO UPDATE SET report_json = excluded.report_json, created_at = excluded.created_at`,
  ).run(input.runId, input.protocol, input.gtRevision, JSON.stringify(input.report), nowIso());
}

export function saveMetrics(ws: Workspace, input: MetricsInput): MetricsRecord {
  upsertMetricsRow(ws.db, input);
  return latestMetrics(ws, input.runId, input.protocol)!;
}

/** Newest report of a run for a protocol (highest gt revision), optionally for one gt revision. */
export function latestMetrics(ws: Workspace, runId: number, protocol: string, gtRevision?: number): MetricsRecord | undefined {
  const row = ws.db
    .prepare(
      `SELECT * FROM metrics WHERE run_id = @run AND protocol = @protocol AND (@rev IS NULL OR gt_revision = @rev)
       ORDER BY gt_revision DESC, id DESC LIMIT 1`,
    )
    .get({ run: runId, protocol, rev: gtRevision ?? null }) as MetricsRow | undefined;
  return row ? toRecord(row) : undefined;
}

export function listMetrics(ws: Workspace, runId: number): MetricsRecord[] {
  return (ws.db.prepare('SELECT * FROM metrics WHERE run_id = ? ORDER BY protocol, gt_revision').all(runId) as MetricsRow[]).map(toRecord);
}
