/**
 * Latency history: every measurement of a variant's single-thread `session.run` time, as a
 * distribution (median, p5, p25, p75, p95, n) with the environment it was taken in. The variant's
 * latency shown in the views is its newest measurement; older ones stay as history.
 */
import type { LatencyDistribution } from '../core/types.ts';
import { nowIso, type Workspace } from './workspace.ts';

/** What was timed, and where: the variant, its run (null: a re-measurement) and the model identity. */
interface MeasurementSource {
  readonly variantId: number;
  readonly runId: number | null;
  readonly identityKey: string | null;
  readonly modelSha256: string | null;
}

export interface LatencyMeasurementInput extends MeasurementSource, LatencyDistribution {
  /** CPU model, cores, OS, runtime versions, threads (stored as json). */
  readonly environment: Readonly<Record<string, unknown>>;
}

/**
 * A stored measurement. Figures carried over from before distributions were kept have n = 0 and
 * only the median and p95 (the spread fields are null).
 */
export interface LatencyMeasurement
  extends
    MeasurementSource,
    Omit<LatencyDistribution, 'p5Ms' | 'p25Ms' | 'p75Ms' | 'meanMs' | 'minMs'>,
    Record<'p5Ms' | 'p25Ms' | 'p75Ms' | 'meanMs' | 'minMs', number | null> {
  readonly id: number;
  readonly environment: Record<string, unknown>;
  readonly measuredAt: string;
}

interface LatencyRow {
  id: number;
  variant_id: number;
  run_id: number | null;
  identity_key: string | null;
  model_sha256: string | null;
  n: number;
  warmup: number;
  median_ms: number;
  p5_ms: number | null;
  p25_ms: number | null;
  p75_ms: number | null;
  p95_ms: number;
  mean_ms: number | null;
  min_ms: number | null;
  environment_json: string;
  measured_at: string;
}

function toMeasurement(row: LatencyRow): LatencyMeasurement {
  return {
    id: row.id,
    variantId: row.variant_id,
    runId: row.run_id,
    identityKey: row.identity_key,
    modelSha256: row.model_sha256,
    n: row.n,
    warmup: row.warmup,
    medianMs: row.median_ms,
    p5Ms: row.p5_ms,
    p25Ms: row.p25_ms,
    p75Ms: row.p75_ms,
    p95Ms: row.p95_ms,
    meanMs: row.mean_ms,
    minMs: row.min_ms,
    environment: JSON.parse(row.environment_json) as Record<string, unknown>,
    measuredAt: row.measured_at,
  };
}

export function addLatencyMeasurement(ws: Workspace, input: LatencyMeasurementInput): LatencyMeasurement {
  const row = ws.db
    .prepare(
      `INSERT INTO latency_measurements (variant_id, run_id, identity_key, model_sha256, n, warmup, median_ms, p5_ms, p25_ms, p75_ms,
         p95_ms, mean_ms, min_ms, environment_json, measured_at)
       VALUES (@variantId, @runId, @identityKey, @modelSha256, @n, @warmup, @medianMs, @p5Ms, @p25Ms, @p75Ms, @p95Ms, @meanMs, @minMs,
         @environment, @measuredAt) RETURNING *`,
    )
    .get({ ...input, environment: JSON.stringify(input.environment), measuredAt: nowIso() }) as LatencyRow;
  return toMeasurement(row);
}

/** A variant's measurements, newest first. */
export function listLatencyMeasurements(ws: Workspace, variantId: number): LatencyMeasurement[] {
  const rows = ws.db.prepare('SELECT * FROM latency_measurements WHERE variant_id = ? ORDER BY id DESC').all(variantId) as LatencyRow[];
  return rows.map(toMeasurement);
}

/** The newest measurement of a variant, optionally only one taken for this run identity. */
export function latestLatencyMeasurement(ws: Workspace, variantId: number, identityKey?: string): LatencyMeasurement | undefined {
  const row = (
    identityKey === undefined
      ? ws.db.prepare('SELECT * FROM latency_measurements WHERE variant_id = ? ORDER BY id DESC LIMIT 1').get(variantId)
      : ws.db.prepare('SELECT * FROM latency_measurements WHERE variant_id = ? AND identity_key = ? ORDER BY id DESC LIMIT 1').get(variantId, identityKey)
  ) as LatencyRow | undefined;
  return row ? toMeasurement(row) : undefined;
}

/**
 * The latency a variant shows (Metrics, Compare, reports, `variants list`): the newest measurement of
 * the run its numbers come from (its identity: model bytes, decoder options, versions), else the
 * variant's newest of any identity (measured before the options changed, or an older run).
 */
export function shownLatencyMeasurement(ws: Workspace, variantId: number, currentIdentityKey: string | null | undefined): LatencyMeasurement | undefined {
  return (currentIdentityKey ? latestLatencyMeasurement(ws, variantId, currentIdentityKey) : undefined) ?? latestLatencyMeasurement(ws, variantId);
}
