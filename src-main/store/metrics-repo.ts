/**
 * Metric reports (PCKh tables as the evaluation module produces them), per run, protocol and the
 * ground-truth revision they were computed against — a report older than the dataset's current gt
 * revision is stale after a correction.
 */
import type Database from 'better-sqlite3';
import { nowIso } from './workspace.ts';

export interface MetricsInput {
  readonly runId: number;
  /** e.g. 'mmpose0x' | 'mmpose1x' (core/types PckhProtocol), kept open for other metrics. */
  readonly protocol: string;
  readonly gtRevision: number;
  readonly report: unknown;
}

/** Inside the caller's transaction; replaces a report of the same (run, protocol, gt revision). */
export function upsertMetricsRow(db: Database.Database, input: MetricsInput): void {
  db.prepare(
    `INSERT INTO metrics (run_id, protocol, gt_revision, report_json, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, protocol, gt_revision) DO UPDATE SET report_json = excluded.report_json, created_at = excluded.created_at`,
  ).run(input.runId, input.protocol, input.gtRevision, JSON.stringify(input.report), nowIso());
}
