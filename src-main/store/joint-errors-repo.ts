/**
 * Per-instance, per-joint normalised errors (distance / head size, spec §2 step 5) and hits of a run,
 * for the failure browser ("worst instances on joint J") and compare ("A hits, B misses").
 * Only evaluated joints (visible in the ground truth) get a row.
 */
import type Database from 'better-sqlite3';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { Workspace } from './workspace.ts';

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

export interface JointErrorRow {
  readonly instanceId: number;
  readonly entryIndex: number;
  readonly image: string;
  readonly joint: number;
  readonly normalizedError: number | null;
  readonly hit: boolean;
}

export interface HitMissRow {
  readonly instanceId: number;
  readonly entryIndex: number;
  readonly image: string;
  readonly joint: number;
  readonly hitRunError: number | null;
  readonly missRunError: number | null;
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

export function writeJointErrors(ws: Workspace, runId: number, input: JointErrorsInput): void {
  ws.db.transaction(() => replaceJointErrorRows(ws.db, runId, input)).immediate();
}

function checkJoint(joint: number): void {
  if (!Number.isInteger(joint) || joint < 0 || joint >= J) throw new RangeError(`joint index ${joint} is not in 0..${J - 1}`);
}

/**
 * Instances of a run ranked by their error on one joint, worst first; misses of unknown size (NULL)
 * come first. `onlyMisses` keeps the misses only.
 */
export function worstInstancesForJoint(
  ws: Workspace,
  runId: number,
  joint: number,
  options: { limit?: number; offset?: number; onlyMisses?: boolean } = {},
): JointErrorRow[] {
  checkJoint(joint);
  const rows = ws.db
    .prepare(
      `SELECT e.instance_id AS instanceId, i.entry_index AS entryIndex, i.image, e.joint, e.normalized_error AS normalizedError, e.hit
       FROM joint_errors e JOIN instances i ON i.id = e.instance_id
       WHERE e.run_id = @run AND e.joint = @joint AND (@onlyMisses = 0 OR e.hit = 0)
       ORDER BY e.normalized_error DESC NULLS FIRST, i.entry_index
       LIMIT @limit OFFSET @offset`,
    )
    .all({ run: runId, joint, onlyMisses: options.onlyMisses ? 1 : 0, limit: options.limit ?? -1, offset: options.offset ?? 0 }) as (Omit<JointErrorRow, 'hit'> & { hit: number })[];
  return rows.map((row) => ({ ...row, hit: row.hit === 1 }));
}

/**
 * Joints where `hitRunId` hits and `missRunId` misses (same dataset), on one joint or all joints,
 * ordered by the missing run's error, worst first.
 */
export function hitsVersusMisses(
  ws: Workspace,
  options: { hitRunId: number; missRunId: number; joint?: number; limit?: number },
): HitMissRow[] {
  if (options.joint !== undefined) checkJoint(options.joint);
  return ws.db
    .prepare(
      `SELECT a.instance_id AS instanceId, i.entry_index AS entryIndex, i.image, a.joint,
              a.normalized_error AS hitRunError, b.normalized_error AS missRunError
       FROM joint_errors a
       JOIN joint_errors b ON b.run_id = @miss AND b.joint = a.joint AND b.instance_id = a.instance_id
       JOIN instances i ON i.id = a.instance_id
       WHERE a.run_id = @hit AND (@joint IS NULL OR a.joint = @joint) AND a.hit = 1 AND b.hit = 0
       ORDER BY b.normalized_error DESC NULLS FIRST, i.entry_index, a.joint
       LIMIT @limit`,
    )
    .all({ hit: options.hitRunId, miss: options.missRunId, joint: options.joint ?? null, limit: options.limit ?? -1 }) as HitMissRow[];
}

/** The evaluated joints of one instance in a run (joint order). */
export function instanceJointErrors(ws: Workspace, runId: number, instanceId: number): JointErrorRow[] {
  const rows = ws.db
    .prepare(
      `SELECT e.instance_id AS instanceId, i.entry_index AS entryIndex, i.image, e.joint, e.normalized_error AS normalizedError, e.hit
       FROM joint_errors e JOIN instances i ON i.id = e.instance_id
       WHERE e.run_id = ? AND e.instance_id = ? ORDER BY e.joint`,
    )
    .all(runId, instanceId) as (Omit<JointErrorRow, 'hit'> & { hit: number })[];
  return rows.map((row) => ({ ...row, hit: row.hit === 1 }));
}

/** Instances ranked by how many of their evaluated joints the run misses, most first. */
export function instancesByMissCount(
  ws: Workspace,
  runId: number,
  options: { limit?: number } = {},
): { instanceId: number; entryIndex: number; image: string; misses: number; evaluated: number }[] {
  return ws.db
    .prepare(
      `SELECT e.instance_id AS instanceId, i.entry_index AS entryIndex, i.image,
              SUM(e.hit = 0) AS misses, COUNT(*) AS evaluated
       FROM joint_errors e JOIN instances i ON i.id = e.instance_id
       WHERE e.run_id = ? GROUP BY e.instance_id HAVING misses > 0
       ORDER BY misses DESC, i.entry_index LIMIT ?`,
    )
    .all(runId, options.limit ?? -1) as { instanceId: number; entryIndex: number; image: string; misses: number; evaluated: number }[];
}
