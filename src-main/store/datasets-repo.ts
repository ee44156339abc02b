/**
 * Datasets, their instances (one per person entry) and the original annotations, as imported.
 * The originals are what the PCKh protocols need (spec §2 uses the gt `.mat`, §3 the json joints and
 * the `.mat` head boxes), so evaluation can run from the workspace alone.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { PosebenchInputError } from '../core/errors.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { DatasetLayout, DatasetSplit, MatGroundTruth, PersonAnnotation, Point2 } from '../core/types.ts';
import { blobOf, float64FromBlob, uint8FromBlob } from './blobs.ts';
import { nowIso, type Workspace } from './workspace.ts';
import { canonicalDatasetRoot } from './workspace-path.ts';

const J = MPII_JOINT_COUNT;

/** What registerDataset needs from an opened dataset (the datasets module's result fits it). */
export interface DatasetToRegister {
  readonly root: string;
  readonly layout: DatasetLayout;
  readonly split: DatasetSplit;
  readonly annotationFile: string;
  readonly gtMatFile: string | null;
  /** persons[n] is json entry n (the datasets module's OpenedDataset fits this type). */
  readonly persons: readonly PersonAnnotation[];
  /** The gt `.mat`, whose person n is json entry n (spec §1.3); null when the split has none. */
  readonly gt: MatGroundTruth | null;
  /** Identity of the annotation files' content. Default: datasetFingerprint(annotationFile, gtMatFile). */
  readonly fingerprint?: string;
}

export interface DatasetRecord {
  readonly id: number;
  readonly root: string;
  readonly layout: DatasetLayout;
  readonly split: DatasetSplit;
  readonly annotationFile: string;
  readonly gtMatFile: string | null;
  readonly gtJointNames: string[] | null;
  readonly fingerprint: string;
  readonly gtRevision: number;
  readonly openedAt: string;
  readonly importedAt: string;
}

export interface InstanceRecord {
  readonly id: number;
  readonly entryIndex: number;
  readonly image: string;
}

export interface ReimportSummary {
  /** Entries whose instance (same entry index, same image) was kept, with the originals replaced. */
  readonly kept: number;
  /** Of those, how many have different original values than before. */
  readonly changed: number;
  readonly added: number;
  /** Old instances no longer in the file (or with another image at their index); kept, not deleted. */
  readonly retired: number;
  /** Active corrections now layered on changed originals: worth a look. */
  readonly correctionsOnChanged: number;
  /** Active corrections on retired instances: no longer part of the effective ground truth. */
  readonly correctionsOnRetired: number;
}

export interface RegisterDatasetResult {
  readonly dataset: DatasetRecord;
  readonly status: 'created' | 'unchanged' | 'reimported';
  readonly reimport?: ReimportSummary;
  /** One sentence for the user (CLI/UI) saying what happened. */
  readonly message: string;
}

/** sha256 over the annotation json's bytes and the gt `.mat`'s bytes (content, not mtime: a touch is no change). */
export function datasetFingerprint(annotationFile: string, gtMatFile: string | null): string {
  const hash = createHash('sha256');
  for (const [label, file] of [['json', annotationFile], ['mat', gtMatFile]] as const) {
    hash.update(`${label}:`);
    if (file === null) {
      hash.update('none;');
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new PosebenchInputError({ file }, `cannot read for the workspace fingerprint: ${(error as Error).message}`);
    }
    hash.update(createHash('sha256').update(bytes).digest('hex')).update(';');
  }
  return hash.digest('hex');
}

interface DatasetRow {
  id: number;
  root: string;
  layout: DatasetLayout;
  split: DatasetSplit;
  annotation_file: string;
  gt_mat_file: string | null;
  gt_joint_names_json: string | null;
  fingerprint: string;
  gt_revision: number;
  opened_at: string;
  imported_at: string;
}

function toRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    root: row.root,
    layout: row.layout,
    split: row.split,
    annotationFile: row.annotation_file,
    gtMatFile: row.gt_mat_file,
    gtJointNames: row.gt_joint_names_json === null ? null : (JSON.parse(row.gt_joint_names_json) as string[]),
    fingerprint: row.fingerprint,
    gtRevision: row.gt_revision,
    openedAt: row.opened_at,
    importedAt: row.imported_at,
  };
}

export function getDataset(ws: Workspace, datasetId: number): DatasetRecord {
  const row = ws.db.prepare('SELECT * FROM datasets WHERE id = ?').get(datasetId) as DatasetRow | undefined;
  if (!row) throw new Error(`${ws.file}: no dataset ${datasetId} in this workspace`);
  return toRecord(row);
}

export function findDataset(ws: Workspace, root: string, split: DatasetSplit): DatasetRecord | undefined {
  const row = ws.db
    .prepare('SELECT * FROM datasets WHERE root = ? AND split = ?')
    .get(canonicalDatasetRoot(root), split) as DatasetRow | undefined;
  return row ? toRecord(row) : undefined;
}

export function listDatasets(ws: Workspace): DatasetRecord[] {
  return (ws.db.prepare('SELECT * FROM datasets ORDER BY id').all() as DatasetRow[]).map(toRecord);
}

/** Current ground-truth revision: compare with a stored metric's or run's to know whether it is stale. */
export function currentGtRevision(ws: Workspace, datasetId: number): number {
  return getDataset(ws, datasetId).gtRevision;
}

/** Bumps the dataset's gt revision; call inside the transaction that changes the effective ground truth. */
export function bumpGtRevision(db: Database.Database, datasetId: number): number {
  const row = db
    .prepare('UPDATE datasets SET gt_revision = gt_revision + 1 WHERE id = ? RETURNING gt_revision')
    .get(datasetId) as { gt_revision: number } | undefined;
  if (!row) throw new Error(`no dataset ${datasetId} in this workspace`);
  return row.gt_revision;
}

/** Current (not retired) instances in dataset order (= json order = `.mat` column order). */
export function listInstances(ws: Workspace, datasetId: number): InstanceRecord[] {
  return ws.db
    .prepare(
      `SELECT id, entry_index AS entryIndex, image FROM instances
       WHERE dataset_id = ? AND retired_at IS NULL ORDER BY entry_index`,
    )
    .all(datasetId) as InstanceRecord[];
}

interface OriginalValues {
  raw_json: string;
  center_x: number | null;
  center_y: number | null;
  scale: number;
  joints: Buffer;
  joints_vis: Buffer;
  gt_positions: Buffer | null;
  gt_missing: Buffer | null;
  gt_headbox: Buffer | null;
}

function validateImport(input: DatasetToRegister): void {
  const seen = new Set<number>();
  input.persons.forEach((person, index) => {
    const where = { file: input.annotationFile, entry: index };
    if (!Number.isInteger(person.entryIndex) || person.entryIndex < 0 || seen.has(person.entryIndex)) {
      throw new PosebenchInputError({ ...where, field: 'entryIndex' }, `entry index ${person.entryIndex} is not a new non-negative integer`);
    }
    seen.add(person.entryIndex);
    if (person.joints.length !== J || person.jointsVisible.length !== J) {
      throw new PosebenchInputError({ ...where, field: 'joints' }, `expected ${J} joints and ${J} joints_vis values`);
    }
  });
  const gt = input.gt;
  if (gt !== null) {
    const file = input.gtMatFile ?? '(gt .mat)';
    if (gt.count !== input.persons.length) {
      throw new PosebenchInputError(
        { file, field: 'pos_gt_src' },
        `has ${gt.count} persons but ${input.annotationFile} has ${input.persons.length} entries`,
      );
    }
    if (gt.positions1Based.length !== gt.count * J * 2 || gt.missing.length !== gt.count * J || gt.headBoxes1Based.length !== gt.count * 4) {
      throw new PosebenchInputError({ file }, 'array sizes do not match the person count');
    }
    for (const person of input.persons) {
      if (person.entryIndex >= gt.count) {
        throw new PosebenchInputError({ file: input.annotationFile, entry: person.entryIndex }, `has no column in ${file}`);
      }
    }
  }
}

function originalValues(person: PersonAnnotation, gt: MatGroundTruth | null): OriginalValues {
  const joints = new Float64Array(J * 2).fill(Number.NaN);
  person.joints.forEach((point, j) => {
    if (point) {
      joints[j * 2] = point[0];
      joints[j * 2 + 1] = point[1];
    }
  });
  const n = person.entryIndex;
  return {
    raw_json: JSON.stringify(person.raw),
    center_x: person.center ? person.center[0] : null,
    center_y: person.center ? person.center[1] : null,
    scale: person.scale,
    joints: blobOf(joints),
    joints_vis: blobOf(Uint8Array.from(person.jointsVisible)),
    gt_positions: gt ? Buffer.from(blobOf(gt.positions1Based.subarray(n * J * 2, (n + 1) * J * 2))) : null,
    gt_missing: gt ? Buffer.from(blobOf(gt.missing.subarray(n * J, (n + 1) * J))) : null,
    gt_headbox: gt ? Buffer.from(blobOf(gt.headBoxes1Based.subarray(n * 4, n * 4 + 4))) : null,
  };
}

const ORIGINAL_COLUMNS = 'raw_json, center_x, center_y, scale, joints, joints_vis, gt_positions, gt_missing, gt_headbox';

function sameOriginal(a: OriginalValues, b: OriginalValues): boolean {
  const sameBlob = (x: Buffer | null, y: Buffer | null) => (x === null || y === null ? x === y : x.equals(y));
  return (
    a.raw_json === b.raw_json &&
    Object.is(a.center_x, b.center_x) &&
    Object.is(a.center_y, b.center_y) &&
    Object.is(a.scale, b.scale) &&
    sameBlob(a.joints, b.joints) &&
    sameBlob(a.joints_vis, b.joints_vis) &&
    sameBlob(a.gt_positions, b.gt_positions) &&
    sameBlob(a.gt_missing, b.gt_missing) &&
    sameBlob(a.gt_headbox, b.gt_headbox)
  );
}

/**
 * Registers an opened dataset folder. Idempotent by (realpath of root, split): opening the same folder
 * again reuses its rows (and so its runs and corrections). When the annotation files' fingerprint
 * changed, the originals are re-imported in one transaction, instances being matched by entry index
 * and image, and the result says what changed. The dataset files themselves are never written.
 */
export function registerDataset(ws: Workspace, input: DatasetToRegister): RegisterDatasetResult {
  validateImport(input);
  const root = canonicalDatasetRoot(input.root);
  const fingerprint = input.fingerprint ?? datasetFingerprint(input.annotationFile, input.gtMatFile);
  const jointNamesJson = input.gt ? JSON.stringify(input.gt.jointNames) : null;
  const db = ws.db;
  const now = nowIso();

  const insertInstance = db.prepare('INSERT INTO instances (dataset_id, entry_index, image) VALUES (?, ?, ?) RETURNING id');
  const insertOriginal = db.prepare(
    `INSERT INTO original_annotations (instance_id, ${ORIGINAL_COLUMNS})
     VALUES (@instance_id, @raw_json, @center_x, @center_y, @scale, @joints, @joints_vis, @gt_positions, @gt_missing, @gt_headbox)`,
  );
  const addInstance = (datasetId: number, person: PersonAnnotation) => {
    const { id } = insertInstance.get(datasetId, person.entryIndex, person.image) as { id: number };
    insertOriginal.run({ instance_id: id, ...originalValues(person, input.gt) });
  };

  return db
    .transaction((): RegisterDatasetResult => {
      const existing = db.prepare('SELECT * FROM datasets WHERE root = ? AND split = ?').get(root, input.split) as DatasetRow | undefined;

      if (!existing) {
        const { id } = db
          .prepare(
            `INSERT INTO datasets (root, layout, split, annotation_file, gt_mat_file, gt_joint_names_json, fingerprint, opened_at, imported_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
          )
          .get(root, input.layout, input.split, input.annotationFile, input.gtMatFile, jointNamesJson, fingerprint, now, now) as { id: number };
        for (const person of input.persons) addInstance(id, person);
        return {
          dataset: getDataset(ws, id),
          status: 'created',
          message: `imported ${input.persons.length} annotated persons from ${input.annotationFile} into a new workspace entry`,
        };
      }

      db.prepare('UPDATE datasets SET opened_at = ?, layout = ?, annotation_file = ?, gt_mat_file = ? WHERE id = ?').run(
        now, input.layout, input.annotationFile, input.gtMatFile, existing.id,
      );
      if (existing.fingerprint === fingerprint) {
        return { dataset: getDataset(ws, existing.id), status: 'unchanged', message: 'reopened; annotations unchanged since the last import' };
      }

      const summary = reimportOriginals(db, existing.id, input, now, addInstance);
      db.prepare('UPDATE datasets SET fingerprint = ?, gt_joint_names_json = ?, imported_at = ? WHERE id = ?').run(
        fingerprint, jointNamesJson, now, existing.id,
      );
      bumpGtRevision(db, existing.id);
      return {
        dataset: getDataset(ws, existing.id),
        status: 'reimported',
        reimport: summary,
        message:
          `annotation files changed since the last import: originals re-imported (${summary.changed} of ${summary.kept} kept entries changed, ` +
          `${summary.added} added, ${summary.retired} retired); ${summary.correctionsOnChanged} of your corrections now apply to changed entries` +
          (summary.correctionsOnRetired > 0 ? `, ${summary.correctionsOnRetired} belong to retired entries and no longer apply` : ''),
      };
    })
    .immediate();
}

function reimportOriginals(
  db: Database.Database,
  datasetId: number,
  input: DatasetToRegister,
  now: string,
  addInstance: (datasetId: number, person: PersonAnnotation) => void,
): ReimportSummary {
  const current = db
    .prepare(`SELECT i.id, i.entry_index, i.image, ${ORIGINAL_COLUMNS} FROM instances i JOIN original_annotations o ON o.instance_id = i.id
              WHERE i.dataset_id = ? AND i.retired_at IS NULL`)
    .all(datasetId) as (OriginalValues & { id: number; entry_index: number; image: string })[];
  const byEntry = new Map(current.map((row) => [row.entry_index, row]));
  const retire = db.prepare('UPDATE instances SET retired_at = ? WHERE id = ?');
  const updateOriginal = db.prepare(
    `UPDATE original_annotations SET raw_json = @raw_json, center_x = @center_x, center_y = @center_y, scale = @scale,
       joints = @joints, joints_vis = @joints_vis, gt_positions = @gt_positions, gt_missing = @gt_missing, gt_headbox = @gt_headbox
     WHERE instance_id = @instance_id`,
  );
  const activeCorrections = db.prepare('SELECT COUNT(*) AS n FROM corrections WHERE instance_id = ? AND undone_at IS NULL AND discarded_at IS NULL');
  const countActive = (instanceId: number) => (activeCorrections.get(instanceId) as { n: number }).n;

  let kept = 0, changed = 0, added = 0, retired = 0, correctionsOnChanged = 0, correctionsOnRetired = 0;
  const retireRow = (id: number) => {
    retire.run(now, id);
    retired += 1;
    correctionsOnRetired += countActive(id);
  };
  const toAdd: PersonAnnotation[] = [];
  for (const person of input.persons) {
    const old = byEntry.get(person.entryIndex);
    byEntry.delete(person.entryIndex);
    if (old && old.image === person.image) {
      kept += 1;
      const values = originalValues(person, input.gt);
      if (!sameOriginal(old, values)) {
        changed += 1;
        correctionsOnChanged += countActive(old.id);
        updateOriginal.run({ instance_id: old.id, ...values });
      }
      continue;
    }
    if (old) retireRow(old.id);
    toAdd.push(person);
  }
  for (const leftover of byEntry.values()) retireRow(leftover.id);
  for (const person of toAdd) {
    addInstance(datasetId, person);
    added += 1;
  }
  return { kept, changed, added, retired, correctionsOnChanged, correctionsOnRetired };
}

/** One current instance with its original values decoded (internal form shared with corrections). */
export interface OriginalInstance {
  readonly instance: InstanceRecord;
  readonly annotation: PersonAnnotation;
  /** 1-based pos_gt_src (16*2), jnt_missing (16), head box (4) of this person; null without a gt .mat. */
  readonly gt: { positions1Based: Float64Array; missing: Uint8Array; headBox1Based: Float64Array } | null;
}

/** Current instances of a dataset in entry order, or only `onlyInstanceId` (a cheap single-instance read). */
export function loadOriginalInstances(ws: Workspace, datasetId: number, onlyInstanceId?: number): OriginalInstance[] {
  const base = `SELECT i.id, i.entry_index, i.image, ${ORIGINAL_COLUMNS}
       FROM instances i JOIN original_annotations o ON o.instance_id = i.id
       WHERE i.dataset_id = ? AND i.retired_at IS NULL`;
  const rows = (
    onlyInstanceId === undefined
      ? ws.db.prepare(`${base} ORDER BY i.entry_index`).all(datasetId)
      : ws.db.prepare(`${base} AND i.id = ?`).all(datasetId, onlyInstanceId)
  ) as (OriginalValues & { id: number; entry_index: number; image: string })[];
  return rows.map((row) => {
    const jointsFlat = float64FromBlob(row.joints, 'joints');
    const joints: (Point2 | null)[] = [];
    for (let j = 0; j < J; j += 1) {
      const x = jointsFlat[j * 2] ?? Number.NaN;
      const y = jointsFlat[j * 2 + 1] ?? Number.NaN;
      joints.push(Number.isNaN(x) || Number.isNaN(y) ? null : [x, y]);
    }
    const annotation: PersonAnnotation = {
      entryIndex: row.entry_index,
      image: row.image,
      center: row.center_x === null || row.center_y === null ? null : [row.center_x, row.center_y],
      scale: row.scale,
      joints,
      jointsVisible: Array.from(uint8FromBlob(row.joints_vis)),
      raw: JSON.parse(row.raw_json) as Record<string, unknown>,
    };
    const gt =
      row.gt_positions && row.gt_missing && row.gt_headbox
        ? {
            positions1Based: float64FromBlob(row.gt_positions, 'gt_positions'),
            missing: uint8FromBlob(row.gt_missing),
            headBox1Based: float64FromBlob(row.gt_headbox, 'gt_headbox'),
          }
        : null;
    return { instance: { id: row.id, entryIndex: row.entry_index, image: row.image }, annotation, gt };
  });
}

/** The originals as imported, in dataset order. */
export function loadOriginalAnnotations(ws: Workspace, datasetId: number): PersonAnnotation[] {
  return loadOriginalInstances(ws, datasetId).map((item) => item.annotation);
}

/**
 * Packs per-instance gt values back into the `.mat` layout (spec §1.4), person n = n-th current
 * instance in entry order. Null when the dataset has no gt `.mat`.
 */
export function packGroundTruth(
  jointNames: string[] | null,
  perInstance: readonly (OriginalInstance['gt'])[],
): MatGroundTruth | null {
  if (jointNames === null || perInstance.some((gt) => gt === null)) return null;
  const count = perInstance.length;
  const positions1Based = new Float64Array(count * J * 2);
  const missing = new Uint8Array(count * J);
  const headBoxes1Based = new Float64Array(count * 4);
  perInstance.forEach((gt, n) => {
    if (!gt) return;
    positions1Based.set(gt.positions1Based, n * J * 2);
    missing.set(gt.missing, n * J);
    headBoxes1Based.set(gt.headBox1Based, n * 4);
  });
  return { count, jointNames: [...jointNames], positions1Based, missing, headBoxes1Based };
}

export function loadOriginalGroundTruth(ws: Workspace, datasetId: number): MatGroundTruth | null {
  const dataset = getDataset(ws, datasetId);
  return packGroundTruth(dataset.gtJointNames, loadOriginalInstances(ws, datasetId).map((item) => item.gt));
}
