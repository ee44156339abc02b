/**
 * Predictions: one row per (run, instance) holding float32[16*3] = x, y (0-based image pixels), score
 * per joint, exactly as the inference produced them (float32, spec §2 step 1 needs them unrounded).
 */
import type Database from 'better-sqlite3';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import { blobOf, float32FromBlob } from './blobs.ts';
import { concatKeepsBytes, readPackedRows, writePackedPredictions } from './packed-predictions.ts';
import { getRun } from './runs-repo.ts';
import { currentInstances, type InstanceRecord } from './datasets-repo.ts';
import type { Workspace } from './workspace.ts';

const J = MPII_JOINT_COUNT;
export const PREDICTION_FLOATS_PER_INSTANCE = J * 3;

/** Predictions for several instances: xyScore[k*48 + j*3 + {0: x, 1: y, 2: score}] belongs to instanceIds[k]. */
export interface PredictionBatch {
  readonly instanceIds: readonly number[];
  readonly xyScore: Float32Array;
}

/** A whole run in dataset order (current instances of the run's dataset). */
export interface RunPredictions {
  readonly instances: InstanceRecord[];
  /** coords[(n*16 + j)*2 + axis], 0-based pixels; NaN where instance n has no prediction. */
  readonly coords: Float32Array;
  /** scores[n*16 + j]; NaN where instance n has no prediction. */
  readonly scores: Float32Array;
  /** present[n] = 1 when instance n has a prediction. */
  readonly present: Uint8Array;
  readonly presentCount: number;
}

function checkBatch(batch: PredictionBatch): void {
  if (batch.xyScore.length !== batch.instanceIds.length * PREDICTION_FLOATS_PER_INSTANCE) {
    throw new RangeError(
      `prediction batch: ${batch.xyScore.length} floats for ${batch.instanceIds.length} instances (expected ${PREDICTION_FLOATS_PER_INSTANCE} each)`,
    );
  }
}

/** Rows per INSERT statement: one native call per chunk instead of per row (the per-call cost dominates at 150,000 rows). */
const ROWS_PER_INSERT = 500;
const insertSql = (rows: number): string =>
  `INSERT OR REPLACE INTO predictions (run_id, instance_id, xy_score) VALUES ${new Array<string>(rows).fill('(?, ?, ?)').join(', ')}`;

/**
 * Writes rows with prepared statements inside the caller's transaction (no transaction of its own),
 * replaces earlier predictions of the same instances, clears their failures and updates runs.done.
 */
export function insertPredictionRows(db: Database.Database, runId: number, batch: PredictionBatch, options: { pack?: boolean } = {}): void {
  checkBatch(batch);
  // The batch is the run's whole set of rows when the run had none: then it is also the packed copy.
  const packAfter = options.pack === true && db.prepare('SELECT 1 FROM predictions WHERE run_id = ? LIMIT 1').get(runId) === undefined;
  const clearFailure = db.prepare('DELETE FROM run_failures WHERE run_id = ? AND instance_id = ?');
  const hadFailures = (db.prepare('SELECT EXISTS (SELECT 1 FROM run_failures WHERE run_id = ?) AS any').get(runId) as { any: number }).any === 1;
  const count = batch.instanceIds.length;
  const fullChunk = count >= ROWS_PER_INSERT ? db.prepare(insertSql(ROWS_PER_INSERT)) : null;
  let params: (number | Buffer)[] = [];
  for (let k = 0; k < count; k += 1) {
    const instanceId = batch.instanceIds[k]!;
    params.push(runId, instanceId, blobOf(batch.xyScore.subarray(k * PREDICTION_FLOATS_PER_INSTANCE, (k + 1) * PREDICTION_FLOATS_PER_INSTANCE)));
    if (hadFailures) clearFailure.run(runId, instanceId);
    if (fullChunk !== null && params.length === ROWS_PER_INSERT * 3) {
      fullChunk.run(params);
      params = [];
    }
  }
  if (params.length > 0) db.prepare(insertSql(params.length / 3)).run(params);
  if (packAfter && writePackedPredictions(db, runId, batch.instanceIds, batch.xyScore)) {
    // The run's rows are exactly the batch's (distinct ids): no need to count them.
    db.prepare('UPDATE runs SET done = ? WHERE id = ?').run(count, runId);
    return;
  }
  db.prepare('UPDATE runs SET done = (SELECT COUNT(*) FROM predictions WHERE run_id = ?) WHERE id = ?').run(runId, runId);
}

/** Stores a batch of predictions as they come in during a run (one transaction). */
export function writePredictions(ws: Workspace, runId: number, batch: PredictionBatch): void {
  ws.db.transaction(() => insertPredictionRows(ws.db, runId, batch)).immediate();
}

export function readPrediction(ws: Workspace, runId: number, instanceId: number): Float32Array | null {
  const row = ws.db.prepare('SELECT xy_score FROM predictions WHERE run_id = ? AND instance_id = ?').get(runId, instanceId) as { xy_score: Buffer } | undefined;
  return row ? float32FromBlob(row.xy_score, 'xy_score') : null;
}

/**
 * A whole run in dataset order, from ONE record instead of an array and a Buffer per row (150,000
 * rows: about a second and as much garbage per run): the run's packed copy (packed-predictions.ts),
 * or when it has none its rows aggregated by SQLite the same way (group_concat over the xy_score
 * blobs, byte for byte in a UTF-8 database; both aggregates see the rows in one order). A run whose
 * rows do not all hold 48 values is read row by row (readRunPredictionsByRow), which names the
 * offending instance.
 */
export function readRunPredictions(ws: Workspace, runId: number): RunPredictions {
  return ws.db
    .transaction((): RunPredictions => {
      const run = getRun(ws, runId);
      const current = currentInstances(ws, run.datasetId);
      if (!concatKeepsBytes(ws.db)) return readRunPredictionsByRow(ws, runId, run.datasetId);
      const { rowCount, minBytes, maxBytes, instanceIdsText: idsText, xyScore: packed } = readPackedRows(ws.db, runId);
      const rowBytes = PREDICTION_FLOATS_PER_INSTANCE * 4;
      if (rowCount > 0 && (minBytes !== rowBytes || maxBytes !== rowBytes)) return readRunPredictionsByRow(ws, runId, run.datasetId);
      const instances = current.instances as InstanceRecord[];
      const n = instances.length;
      const coords = new Float32Array(n * J * 2).fill(Number.NaN);
      const scores = new Float32Array(n * J).fill(Number.NaN);
      const present = new Uint8Array(n);
      if (rowCount === 0 || idsText === null || packed === null) return { instances, coords, scores, present, presentCount: 0 };
      if (packed.byteLength !== rowCount * rowBytes)
        throw new Error(`${ws.file}: run ${runId}: ${packed.byteLength} bytes of predictions for ${rowCount} rows`);
      // Copied as 32-bit patterns: a trip through JS numbers could canonicalise NaN payloads.
      const aligned = new Uint8Array(packed.byteLength);
      aligned.set(packed);
      const source = new Uint32Array(aligned.buffer);
      const coordBits = new Uint32Array(coords.buffer);
      const scoreBits = new Uint32Array(scores.buffer);
      const indexOf = current.indexOf;
      let presentCount = 0;
      // Row k's id is the k-th number of idsText ("12,13,15"), parsed in place.
      let row = 0;
      let id = 0;
      let digits = 0;
      for (let i = 0; i <= idsText.length; i += 1) {
        const c = i < idsText.length ? idsText.charCodeAt(i) : 0x2c;
        if (c >= 0x30 && c <= 0x39) {
          id = id * 10 + (c - 0x30);
          digits += 1;
          continue;
        }
        if (c !== 0x2c /* , */ || digits === 0 || row >= rowCount) throw new Error(`${ws.file}: run ${runId}: unreadable instance id list of the predictions`);
        const index = indexOf(id);
        if (index >= 0) {
          // else a retired instance's prediction
          const from = row * PREDICTION_FLOATS_PER_INSTANCE;
          for (let j = 0; j < J; j += 1) {
            coordBits[(index * J + j) * 2] = source[from + j * 3]!;
            coordBits[(index * J + j) * 2 + 1] = source[from + j * 3 + 1]!;
            scoreBits[index * J + j] = source[from + j * 3 + 2]!;
          }
          if (present[index] === 0) presentCount += 1;
          present[index] = 1;
        }
        row += 1;
        id = 0;
        digits = 0;
      }
      if (row !== rowCount) throw new Error(`${ws.file}: run ${runId}: ${row} instance ids for ${rowCount} rows of predictions`);
      return { instances, coords, scores, present, presentCount };
    })
    .deferred();
}

/** The row-by-row read (one array and Buffer per instance), for runs holding rows of another size. */
function readRunPredictionsByRow(ws: Workspace, runId: number, datasetId: number): RunPredictions {
  const rows = ws.db
    .prepare(
      `SELECT i.id, i.entry_index, i.image, p.xy_score
       FROM instances i LEFT JOIN predictions p ON p.run_id = ? AND p.instance_id = i.id
       WHERE i.dataset_id = ? AND i.retired_at IS NULL ORDER BY i.entry_index`,
    )
    .raw(true)
    .all(runId, datasetId) as [number, number, string, Buffer | null][];
  const n = rows.length;
  const coords = new Float32Array(n * J * 2).fill(Number.NaN);
  const scores = new Float32Array(n * J).fill(Number.NaN);
  const coordBits = new Uint32Array(coords.buffer);
  const scoreBits = new Uint32Array(scores.buffer);
  const present = new Uint8Array(n);
  const scratch = new Uint8Array(PREDICTION_FLOATS_PER_INSTANCE * 4);
  const source = new Uint32Array(scratch.buffer);
  const instances: InstanceRecord[] = new Array<InstanceRecord>(n);
  let presentCount = 0;
  for (let index = 0; index < n; index += 1) {
    const [id, entryIndex, image, blob] = rows[index]!;
    instances[index] = { id, entryIndex, image };
    if (!blob) continue;
    if (blob.byteLength % 4 !== 0) throw new Error(`workspace blob xy_score has ${blob.byteLength} bytes, not a multiple of 4`);
    if (blob.byteLength !== scratch.byteLength) {
      throw new Error(`${ws.file}: run ${runId} instance ${id} has ${blob.byteLength / 4} prediction values`);
    }
    scratch.set(blob);
    for (let j = 0; j < J; j += 1) {
      coordBits[(index * J + j) * 2] = source[j * 3]!;
      coordBits[(index * J + j) * 2 + 1] = source[j * 3 + 1]!;
      scoreBits[index * J + j] = source[j * 3 + 2]!;
    }
    present[index] = 1;
    presentCount += 1;
  }
  return { instances, coords, scores, present, presentCount };
}

export function predictedInstanceIds(ws: Workspace, runId: number): Set<number> {
  const rows = ws.db.prepare('SELECT instance_id FROM predictions WHERE run_id = ?').pluck().all(runId) as number[];
  return new Set(rows);
}

/**
 * Instances a resumed run still has to predict, in dataset order. Instances that failed before are
 * included unless `retryFailed` is false.
 */
export function pendingInstances(ws: Workspace, runId: number, options: { retryFailed?: boolean } = {}): InstanceRecord[] {
  const run = getRun(ws, runId);
  const skipFailed = options.retryFailed === false;
  return ws.db
    .prepare(
      `SELECT i.id, i.entry_index AS entryIndex, i.image FROM instances i
       WHERE i.dataset_id = @dataset AND i.retired_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.run_id = @run AND p.instance_id = i.id)
         AND (@skipFailed = 0 OR NOT EXISTS (SELECT 1 FROM run_failures f WHERE f.run_id = @run AND f.instance_id = i.id))
       ORDER BY i.entry_index`,
    )
    .all({ dataset: run.datasetId, run: runId, skipFailed: skipFailed ? 1 : 0 }) as InstanceRecord[];
}
