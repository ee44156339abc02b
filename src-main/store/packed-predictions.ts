/**
 * A run's predictions as one packed record (migration 6, run_predictions_packed): the rows'
 * instance ids as comma-separated text and their xy_score blobs concatenated, in one order. A copy
 * of the `predictions` rows, never the truth: triggers delete it on any change to the run's rows, and
 * readers fall back to the rows (aggregated the same way by SQL) when it is missing.
 */
import type Database from 'better-sqlite3';

/** float32 values per row: x, y, score × 16 joints. */
const ROW_BYTES = 16 * 3 * 4;

/** group_concat hands blobs over as text in the database encoding: byte for byte only in UTF-8. */
export function concatKeepsBytes(db: Database.Database): boolean {
  return db.pragma('encoding', { simple: true }) === 'UTF-8';
}

/**
 * Builds the run's record from its rows in SQL (a finished model run, whose rows came batch by batch),
 * unless it is there already; nothing when the run has no rows or rows of another size. Inside the
 * caller's transaction.
 */
export function packRunPredictionsFromRows(db: Database.Database, runId: number): void {
  if (!concatKeepsBytes(db)) return;
  if (db.prepare('SELECT 1 FROM run_predictions_packed WHERE run_id = ?').get(runId) !== undefined) return;
  db.prepare(
    `INSERT INTO run_predictions_packed (run_id, row_count, instance_ids, xy_score)
     SELECT run_id, COUNT(*), group_concat(instance_id), CAST(group_concat(xy_score, '') AS BLOB)
     FROM predictions WHERE run_id = ? GROUP BY run_id HAVING MIN(length(xy_score)) = ${ROW_BYTES} AND MAX(length(xy_score)) = ${ROW_BYTES}`,
  ).run(runId);
}

/**
 * Writes the record from values the caller just stored as the run's only rows (in its transaction):
 * `instanceIds[k]` holds `xyScore[k*48 .. k*48+48)`. Skipped (the rows alone stand) unless every id
 * is a distinct integer. Returns whether it was written.
 */
export function writePackedPredictions(db: Database.Database, runId: number, instanceIds: readonly number[], xyScore: Float32Array): boolean {
  if (xyScore.byteLength !== instanceIds.length * ROW_BYTES || instanceIds.length === 0 || !distinctIds(instanceIds)) return false;
  db.prepare('INSERT OR REPLACE INTO run_predictions_packed (run_id, row_count, instance_ids, xy_score) VALUES (?, ?, ?, ?)').run(
    runId,
    instanceIds.length,
    instanceIds.join(','),
    Buffer.from(xyScore.buffer, xyScore.byteOffset, xyScore.byteLength),
  );
  return true;
}

/**
 * Every id a non-negative safe integer, none twice. Ids in dataset order usually ascend: one pass, no
 * allocation (a Set of 150,000 ids cost 40–120 ms); otherwise a sorted copy is checked.
 */
function distinctIds(ids: readonly number[]): boolean {
  let ascending = true;
  for (let k = 0; k < ids.length; k += 1) {
    const id = ids[k]!;
    if (!Number.isSafeInteger(id) || id < 0) return false;
    if (k > 0 && id <= ids[k - 1]!) ascending = false;
  }
  if (ascending) return true;
  const sorted = Float64Array.from(ids).sort();
  for (let k = 1; k < sorted.length; k += 1) if (sorted[k] === sorted[k - 1]) return false;
  return true;
}

/** The run's rows as one record: the packed copy when there is one, else aggregated from the rows now. */
export interface PackedRows {
  readonly rowCount: number;
  readonly instanceIdsText: string | null;
  readonly xyScore: Buffer | null;
  /** Smallest and largest row size in bytes (both ROW_BYTES for a packed copy). */
  readonly minBytes: number | null;
  readonly maxBytes: number | null;
}

export function readPackedRows(db: Database.Database, runId: number): PackedRows {
  const packed = db.prepare('SELECT row_count, instance_ids, xy_score FROM run_predictions_packed WHERE run_id = ?').raw(true).get(runId) as
    [number, string, Buffer] | undefined;
  if (packed !== undefined) {
    return { rowCount: packed[0], instanceIdsText: packed[1], xyScore: packed[2], minBytes: ROW_BYTES, maxBytes: ROW_BYTES };
  }
  const [rowCount, minBytes, maxBytes, instanceIdsText, xyScore] = db
    .prepare(
      `SELECT COUNT(*), MIN(length(xy_score)), MAX(length(xy_score)), group_concat(instance_id), CAST(group_concat(xy_score, '') AS BLOB)
       FROM predictions WHERE run_id = ?`,
    )
    .raw(true)
    .get(runId) as [number, number | null, number | null, string | null, Buffer | null];
  return { rowCount, instanceIdsText, xyScore, minBytes, maxBytes };
}
