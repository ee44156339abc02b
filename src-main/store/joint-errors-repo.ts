/**
 * Per-instance, per-joint normalised errors (distance / head size, spec §2 step 5) and hits of a run,
 * stored with every scored run as one record of typed arrays (migration 4; the durable copy: the
 * engine answers the views from memory and analyses re-score from the stored predictions).
 */
import type Database from 'better-sqlite3';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import { blobOf, float64FromBlob, uint8FromBlob } from './blobs.ts';

const J = MPII_JOINT_COUNT;

/** `hits` value of a joint that was not evaluated (not visible in the ground truth). */
export const JOINT_NOT_EVALUATED = 255;

/** Index k = n*16 + j belongs to instanceIds[n], joint j. */
export interface JointErrorsInput {
  readonly instanceIds: readonly number[];
  /** NaN/Infinity (zero head box) are kept: a miss of unknown size. */
  readonly normalizedErrors: Float64Array | Float32Array;
  readonly hits: Uint8Array;
  /** 1 where the joint was evaluated; default: every joint. */
  readonly evaluated?: Uint8Array;
  /** gt revision the errors were computed against (runs.errors_gt_revision). */
  readonly gtRevision: number;
}

export interface StoredJointErrors {
  readonly instanceIds: Float64Array;
  readonly normalizedErrors: Float64Array;
  /** 1 hit, 0 miss, JOINT_NOT_EVALUATED. */
  readonly hits: Uint8Array;
}

function checkInput(input: JointErrorsInput): void {
  const size = input.instanceIds.length * J;
  if (input.normalizedErrors.length !== size || input.hits.length !== size || (input.evaluated && input.evaluated.length !== size)) {
    throw new RangeError(`joint errors: arrays must hold ${J} values per instance (${size} for ${input.instanceIds.length} instances)`);
  }
}

/** Replaces the run's joint errors, inside the caller's transaction. */
export function replaceJointErrorRows(db: Database.Database, runId: number, input: JointErrorsInput): void {
  checkInput(input);
  const { instanceIds, normalizedErrors, hits, evaluated } = input;
  const stored = new Uint8Array(hits.length);
  for (let k = 0; k < hits.length; k++) stored[k] = evaluated && evaluated[k] === 0 ? JOINT_NOT_EVALUATED : hits[k] ? 1 : 0;
  db.prepare('INSERT OR REPLACE INTO run_joint_errors (run_id, instance_ids, normalized_errors, hits) VALUES (?, ?, ?, ?)').run(
    runId,
    blobOf(Float64Array.from(instanceIds)),
    blobOf(normalizedErrors instanceof Float64Array ? normalizedErrors : Float64Array.from(normalizedErrors)),
    blobOf(stored),
  );
  db.prepare('UPDATE runs SET errors_gt_revision = ? WHERE id = ?').run(input.gtRevision, runId);
}

/** The run's stored joint errors, or null when it was never scored (or scored before migration 4). */
export function readJointErrors(db: Database.Database, runId: number): StoredJointErrors | null {
  const row = db.prepare('SELECT instance_ids, normalized_errors, hits FROM run_joint_errors WHERE run_id = ?').get(runId) as
    { instance_ids: Buffer; normalized_errors: Buffer; hits: Buffer } | undefined;
  if (row === undefined) return null;
  return {
    instanceIds: float64FromBlob(row.instance_ids, 'run_joint_errors.instance_ids'),
    normalizedErrors: float64FromBlob(row.normalized_errors, 'run_joint_errors.normalized_errors'),
    hits: uint8FromBlob(row.hits),
  };
}
