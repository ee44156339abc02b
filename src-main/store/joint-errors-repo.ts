/**
 * Per-instance, per-joint normalised errors (distance / head size, spec §2 step 5) and hits of a run,
 * stored with every scored run (the durable copy; the engine answers the views from memory).
 * Only evaluated joints (visible in the ground truth) get a row.
 */
import type Database from 'better-sqlite3';
import { MPII_JOINT_COUNT } from '../core/joints.ts';

const J = MPII_JOINT_COUNT;

/** Index k = n*16 + j belongs to instanceIds[n], joint j. */
export interface JointErrorsInput {
  readonly instanceIds: readonly number[];
  /** NaN/Infinity (zero head box) are stored as NULL: a miss of unknown size. */
  readonly normalizedErrors: Float64Array | Float32Array;
  readonly hits: Uint8Array;
  /** 1 where the joint was evaluated; default: every joint. */
  readonly evaluated?: Uint8Array;
  /** gt revision the errors were computed against (runs.errors_gt_revision). */
  readonly gtRevision: number;
}

function checkInput(input: JointErrorsInput): void {
  const size = input.instanceIds.length * J;
  if (input.normalizedErrors.length !== size || input.hits.length !== size || (input.evaluated && input.evaluated.length !== size)) {
    throw new RangeError(`joint errors: arrays must hold ${J} values per instance (${size} for ${input.instanceIds.length} instances)`);
  }
}

/** Rows per INSERT statement: one native call per chunk instead of per row (the per-call cost dominates). */
const ROWS_PER_INSERT = 500;

/** Replaces the run's joint errors, inside the caller's transaction. */
export function replaceJointErrorRows(db: Database.Database, runId: number, input: JointErrorsInput): void {
  checkInput(input);
  db.prepare('DELETE FROM joint_errors WHERE run_id = ?').run(runId);
  const insertSql = (rows: number) =>
    `INSERT INTO joint_errors (run_id, joint, instance_id, normalized_error, hit) VALUES ${new Array<string>(rows).fill('(?, ?, ?, ?, ?)').join(', ')}`;
  const fullChunk = db.prepare(insertSql(ROWS_PER_INSERT));
  const { instanceIds, normalizedErrors, hits, evaluated } = input;
  // Joint-major, instance-id order appends to the (run_id, joint, instance_id) key: the cheapest insert order.
  const order = instanceIds.map((id, n) => [id, n] as const).sort((a, b) => a[0] - b[0]);
  let params: (number | null)[] = [];
  for (let j = 0; j < J; j += 1) {
    for (const [instanceId, n] of order) {
      const k = n * J + j;
      if (evaluated && evaluated[k] === 0) continue;
      const error = normalizedErrors[k]!;
      params.push(runId, j, instanceId, Number.isFinite(error) ? error : null, hits[k] ? 1 : 0);
      if (params.length === ROWS_PER_INSERT * 5) {
        fullChunk.run(params);
        params = [];
      }
    }
  }
  if (params.length > 0) db.prepare(insertSql(params.length / 5)).run(params);
  db.prepare('UPDATE runs SET errors_gt_revision = ? WHERE id = ?').run(input.gtRevision, runId);
}
