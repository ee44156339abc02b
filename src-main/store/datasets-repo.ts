/**
 * Datasets, their instances (one per person entry) and the original annotations, as imported.
 * The originals are what the PCKh protocols need (spec §2 uses the gt `.mat`, §3 the json joints and
 * the `.mat` head boxes), so evaluation can run from the workspace alone.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { PosebenchInputError } from '../core/errors.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { DatasetLayout, DatasetSplit, MatGroundTruth, PersonAnnotation, Point2 } from '../core/types.ts';
import { blobOf, float64FromBlob, uint8FromBlob } from './blobs.ts';
import { findFileDigest, saveFileDigest, type FileIdentity } from './file-digests-repo.ts';
import { nowIso, type Workspace } from './workspace.ts';
import { canonicalDatasetRoot } from './workspace-path.ts';
import { withLazyRaw } from '../core/lazy-raw.ts';

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

/**
 * sha256 over the annotation json's bytes and the gt `.mat`'s bytes (content, not mtime: a touch is no
 * change). With a workspace, each file's sha256 is kept there by file identity (path, size, mtime,
 * ctime, inode; file-digests-repo.ts, as for model files): reopening an unchanged 150,000-person
 * folder reads neither file again for this; any change to the identity (a touch too) is a rehash.
 */
export function datasetFingerprint(annotationFile: string, gtMatFile: string | null, ws?: Workspace): string {
  const hash = createHash('sha256');
  for (const [label, file] of [
    ['json', annotationFile],
    ['mat', gtMatFile],
  ] as const) {
    hash.update(`${label}:`);
    if (file === null) {
      hash.update('none;');
      continue;
    }
    hash.update(fileSha256(file, ws)).update(';');
  }
  return hash.digest('hex');
}

function fileSha256(file: string, ws: Workspace | undefined): string {
  const before = ws === undefined ? undefined : identityOfFile(file);
  if (ws !== undefined && before !== undefined) {
    const known = findFileDigest(ws, before);
    if (known !== undefined) return known;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new PosebenchInputError({ file }, `cannot read for the workspace fingerprint: ${(error as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // Kept only when the file did not change while it was read.
  if (ws !== undefined && before !== undefined) {
    const after = identityOfFile(file);
    if (after !== undefined && identityKey(after) === identityKey(before)) saveFileDigest(ws, before, sha256);
  }
  return sha256;
}

function identityOfFile(file: string): FileIdentity | undefined {
  const resolved = path.resolve(file);
  const info = statSync(resolved, { bigint: true, throwIfNoEntry: false });
  if (info === undefined) return undefined;
  return { path: resolved, size: Number(info.size), mtimeMs: Number(info.mtimeNs) / 1e6, ctimeMs: Number(info.ctimeNs) / 1e6, inode: info.ino.toString() };
}

const identityKey = (identity: FileIdentity): string => [identity.path, identity.size, identity.mtimeMs, identity.ctimeMs, identity.inode].join('\u0000');

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
  const row = ws.db.prepare('SELECT * FROM datasets WHERE root = ? AND split = ?').get(canonicalDatasetRoot(root), split) as DatasetRow | undefined;
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
  const row = db.prepare('UPDATE datasets SET gt_revision = gt_revision + 1 WHERE id = ? RETURNING gt_revision').get(datasetId) as
    { gt_revision: number } | undefined;
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

/** Current instances of a dataset in entry order, and the index of each instance id in that order. */
export interface CurrentInstances {
  /** Frozen and shared between callers: copy before changing. */
  readonly instances: readonly InstanceRecord[];
  /** Index of an instance id in `instances`, or -1 when it is not a current instance. */
  readonly indexOf: (instanceId: number) => number;
}

const currentInstancesCache = new WeakMap<Database.Database, Map<number, { stamp: string; value: CurrentInstances }>>();

/**
 * listInstances, kept per connection while the dataset's instances are unchanged: every stored run
 * read needs them (150,000 rows: a few hundred ms each time). Instances are only ever inserted or
 * retired (registerDataset, which also moves the fingerprint/import time), and ids only grow, so
 * (fingerprint, import time, count, max id, sum of ids) of the current ones identifies the list.
 * Read inside the caller's transaction for a consistent answer.
 */
export function currentInstances(ws: Workspace, datasetId: number): CurrentInstances {
  const db = ws.db;
  const head = db
    .prepare(
      `SELECT d.fingerprint, d.imported_at,
         (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) || ':' || COALESCE(SUM(id), 0) FROM instances WHERE dataset_id = d.id AND retired_at IS NULL)
       FROM datasets d WHERE d.id = ?`,
    )
    .raw(true)
    .get(datasetId) as [string, string, string] | undefined;
  if (head === undefined) throw new Error(`${ws.file}: no dataset ${datasetId} in this workspace`);
  const stamp = head.join('|');
  let perDataset = currentInstancesCache.get(db);
  const cached = perDataset?.get(datasetId);
  if (cached !== undefined && cached.stamp === stamp) return cached.value;
  const rows = db
    .prepare('SELECT id, entry_index, image FROM instances WHERE dataset_id = ? AND retired_at IS NULL ORDER BY entry_index')
    .raw(true)
    .all(datasetId) as [number, number, string][];
  const instances: InstanceRecord[] = new Array<InstanceRecord>(rows.length);
  let minId = Number.POSITIVE_INFINITY;
  let maxId = Number.NEGATIVE_INFINITY;
  for (let n = 0; n < rows.length; n += 1) {
    const [id, entryIndex, image] = rows[n]!;
    instances[n] = { id, entryIndex, image };
    if (id < minId) minId = id;
    if (id > maxId) maxId = id;
  }
  const value: CurrentInstances = { instances: Object.freeze(instances), indexOf: idLookup(instances, minId, maxId) };
  if (perDataset === undefined) currentInstancesCache.set(db, (perDataset = new Map()));
  perDataset.set(datasetId, { stamp, value });
  return value;
}

/** id → index: a table over the id range when the ids are dense enough (they are, imported together), else a map. */
function idLookup(instances: readonly InstanceRecord[], minId: number, maxId: number): (instanceId: number) => number {
  if (instances.length === 0) return () => -1;
  const span = maxId - minId + 1;
  if (Number.isSafeInteger(span) && span <= 4 * instances.length + 1024) {
    const table = new Int32Array(span).fill(-1);
    instances.forEach((instance, n) => (table[instance.id - minId] = n));
    return (instanceId) => {
      const offset = instanceId - minId;
      return offset >= 0 && offset < span ? table[offset]! : -1;
    };
  }
  const map = new Map<number, number>();
  instances.forEach((instance, n) => map.set(instance.id, n));
  return (instanceId) => map.get(instanceId) ?? -1;
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
      throw new PosebenchInputError({ file, field: 'pos_gt_src' }, `has ${gt.count} persons but ${input.annotationFile} has ${input.persons.length} entries`);
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
  const fingerprint = input.fingerprint ?? datasetFingerprint(input.annotationFile, input.gtMatFile, ws);
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

  const result = db
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
        now,
        input.layout,
        input.annotationFile,
        input.gtMatFile,
        existing.id,
      );
      if (existing.fingerprint === fingerprint) {
        return { dataset: getDataset(ws, existing.id), status: 'unchanged', message: 'reopened; annotations unchanged since the last import' };
      }

      const summary = reimportOriginals(db, existing.id, input, now, addInstance);
      db.prepare('UPDATE datasets SET fingerprint = ?, gt_joint_names_json = ?, imported_at = ? WHERE id = ?').run(
        fingerprint,
        jointNamesJson,
        now,
        existing.id,
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
  rememberRegisteredOriginals(ws, result.dataset, input);
  return result;
}

/**
 * The persons just registered, kept (by reference) as the originals of their dataset: after
 * registration the workspace's originals hold exactly these values (created, unchanged since the
 * import of the same bytes, or re-imported from them), so the first effective-ground-truth read
 * takes them instead of decoding every row again (150,000 persons: seconds, and a second copy in
 * memory). Valid while the dataset's fingerprint and import time are those of this registration;
 * only when every value survives the workspace's encoding unchanged (joints_vis as bytes).
 */
const registeredOriginals = new WeakMap<
  Database.Database,
  Map<number, { fingerprint: string; importedAt: string; persons: readonly PersonAnnotation[]; gt: MatGroundTruth | null }>
>();

function rememberRegisteredOriginals(ws: Workspace, dataset: DatasetRecord, input: DatasetToRegister): void {
  let perDataset = registeredOriginals.get(ws.db);
  if (perDataset === undefined) registeredOriginals.set(ws.db, (perDataset = new Map()));
  perDataset.delete(dataset.id);
  const persons = input.persons;
  for (let n = 0; n < persons.length; n += 1) {
    const person = persons[n]!;
    if (person.entryIndex !== n) return;
    for (const v of person.jointsVisible) if (!(Number.isInteger(v) && v >= 0 && v <= 255) || Object.is(v, -0)) return;
  }
  perDataset.set(dataset.id, { fingerprint: dataset.fingerprint, importedAt: dataset.importedAt, persons, gt: input.gt });
}

/**
 * The originals kept by registerDataset for this dataset, when the workspace still holds them
 * (same fingerprint and import time, the current instances one per entry with the same images);
 * else undefined (read them with loadPackedOriginals). The arrays are shared: `shared` says so.
 */
export function registeredPackedOriginals(ws: Workspace, dataset: DatasetRecord): PackedOriginals | undefined {
  const kept = registeredOriginals.get(ws.db)?.get(dataset.id);
  if (kept === undefined || kept.fingerprint !== dataset.fingerprint || kept.importedAt !== dataset.importedAt) return undefined;
  const { instances } = currentInstances(ws, dataset.id);
  const persons = kept.persons;
  if (instances.length !== persons.length) return undefined;
  for (let n = 0; n < instances.length; n += 1) {
    const instance = instances[n]!;
    if (instance.entryIndex !== n || instance.image !== persons[n]!.image) return undefined;
  }
  const gt = kept.gt;
  return {
    instances: instances as InstanceRecord[],
    annotations: persons.slice(),
    gt: gt === null ? null : { positions1Based: gt.positions1Based, missing: gt.missing, headBoxes1Based: gt.headBoxes1Based },
    shared: true,
  };
}

function reimportOriginals(
  db: Database.Database,
  datasetId: number,
  input: DatasetToRegister,
  now: string,
  addInstance: (datasetId: number, person: PersonAnnotation) => void,
): ReimportSummary {
  const current = db
    .prepare(
      `SELECT i.id, i.entry_index, i.image, ${ORIGINAL_COLUMNS} FROM instances i JOIN original_annotations o ON o.instance_id = i.id
              WHERE i.dataset_id = ? AND i.retired_at IS NULL`,
    )
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

  let kept = 0,
    changed = 0,
    added = 0,
    retired = 0,
    correctionsOnChanged = 0,
    correctionsOnRetired = 0;
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

/** Columns of one original row, in the order of ORIGINAL_SELECT (statements in raw mode: arrays, no per-row objects). */
type OriginalRowArray = [
  id: number,
  entry_index: number,
  image: string,
  raw_json: string,
  center_x: number | null,
  center_y: number | null,
  scale: number,
  joints: Buffer,
  joints_vis: Buffer,
  gt_positions: Buffer | null,
  gt_missing: Buffer | null,
  gt_headbox: Buffer | null,
];

const ORIGINAL_SELECT = `SELECT i.id, i.entry_index, i.image, ${ORIGINAL_COLUMNS}
       FROM instances i JOIN original_annotations o ON o.instance_id = i.id
       WHERE i.dataset_id = ? AND i.retired_at IS NULL`;

function checkBlobSize(blob: Uint8Array, elementSize: number, what: string): void {
  if (blob.byteLength % elementSize !== 0) {
    throw new Error(`workspace blob ${what} has ${blob.byteLength} bytes, not a multiple of ${elementSize}`);
  }
}

/**
 * The annotation of one original row. `raw` (the json entry as imported) is parsed on first access
 * and kept: most readers never look at it (the 0.x protocol, Browse, the engine's views), and parsing
 * 150,000 entries up front cost seconds and hundreds of MB.
 */
function annotationOfRow(row: OriginalRowArray): PersonAnnotation {
  const [, entryIndex, image, rawJson, centerX, centerY, scale, jointsBlob, visBlob] = row;
  checkBlobSize(jointsBlob, 8, 'joints');
  const values = jointsBlob.byteLength / 8;
  const joints: (Point2 | null)[] = [];
  for (let j = 0; j < J; j += 1) {
    const x = j * 2 < values ? jointsBlob.readDoubleLE(j * 16) : Number.NaN;
    const y = j * 2 + 1 < values ? jointsBlob.readDoubleLE(j * 16 + 8) : Number.NaN;
    joints.push(Number.isNaN(x) || Number.isNaN(y) ? null : [x, y]);
  }
  return withLazyRaw(
    {
      entryIndex,
      image,
      center: centerX === null || centerY === null ? null : [centerX, centerY],
      scale,
      joints,
      jointsVisible: Array.from(visBlob),
    },
    rawJson,
  );
}

function gtOfRow(row: OriginalRowArray): OriginalInstance['gt'] {
  const [, , , , , , , , , positions, missing, headBox] = row;
  if (!positions || !missing || !headBox) return null;
  return {
    positions1Based: float64FromBlob(positions, 'gt_positions'),
    missing: uint8FromBlob(missing),
    headBox1Based: float64FromBlob(headBox, 'gt_headbox'),
  };
}

/** Current instances of a dataset in entry order, or only `onlyInstanceId` (a cheap single-instance read). */
export function loadOriginalInstances(ws: Workspace, datasetId: number, onlyInstanceId?: number): OriginalInstance[] {
  const rows = (
    onlyInstanceId === undefined
      ? ws.db.prepare(`${ORIGINAL_SELECT} ORDER BY i.entry_index`).raw(true).all(datasetId)
      : ws.db.prepare(`${ORIGINAL_SELECT} AND i.id = ?`).raw(true).all(datasetId, onlyInstanceId)
  ) as OriginalRowArray[];
  return rows.map((row) => ({ instance: { id: row[0], entryIndex: row[1], image: row[2] }, annotation: annotationOfRow(row), gt: gtOfRow(row) }));
}

/**
 * Every current instance's originals in entry order, with the gt values packed straight into the
 * `.mat` layout (person n = instances[n]) instead of three small arrays per instance: the bulk read
 * behind the effective ground truth (150,000 persons). `gt` is null when any instance has none.
 */
export interface PackedOriginals {
  readonly instances: InstanceRecord[];
  readonly annotations: PersonAnnotation[];
  readonly gt: { readonly positions1Based: Float64Array; readonly missing: Uint8Array; readonly headBoxes1Based: Float64Array } | null;
  /** The gt arrays belong to someone else (the opened dataset): copy before writing into them. */
  readonly shared?: boolean;
}

export function loadPackedOriginals(ws: Workspace, datasetId: number): PackedOriginals {
  const rows = ws.db.prepare(`${ORIGINAL_SELECT} ORDER BY i.entry_index`).raw(true).all(datasetId) as OriginalRowArray[];
  const count = rows.length;
  const instances: InstanceRecord[] = new Array<InstanceRecord>(count);
  const annotations: PersonAnnotation[] = new Array<PersonAnnotation>(count);
  const positions1Based = new Float64Array(count * J * 2);
  const missing = new Uint8Array(count * J);
  const headBoxes1Based = new Float64Array(count * 4);
  const positionBytes = new Uint8Array(positions1Based.buffer);
  const headBoxBytes = new Uint8Array(headBoxes1Based.buffer);
  let allHaveGt = true;
  for (let n = 0; n < count; n += 1) {
    const row = rows[n]!;
    instances[n] = { id: row[0], entryIndex: row[1], image: row[2] };
    annotations[n] = annotationOfRow(row);
    const [, , , , , , , , , positions, missingBlob, headBox] = row;
    if (!positions || !missingBlob || !headBox) {
      allHaveGt = false;
      continue;
    }
    if (!allHaveGt) continue;
    // Bytes copied as they are (bit for bit, NaN payloads included), as float64FromBlob would.
    checkBlobSize(positions, 8, 'gt_positions');
    checkBlobSize(headBox, 8, 'gt_headbox');
    if (positions.byteLength > J * 2 * 8 || missingBlob.byteLength > J || headBox.byteLength > 4 * 8) {
      throw new Error(`${ws.file}: instance ${row[0]} has gt values of the wrong size`);
    }
    positionBytes.set(positions, n * J * 2 * 8);
    missing.set(missingBlob, n * J);
    headBoxBytes.set(headBox, n * 4 * 8);
  }
  return { instances, annotations, gt: allHaveGt ? { positions1Based, missing, headBoxes1Based } : null };
}

/** Instance n of packed originals in the per-instance form (its own copies of the gt values). */
export function originalInstanceAt(packed: PackedOriginals, n: number): OriginalInstance {
  const gt = packed.gt;
  return {
    instance: packed.instances[n]!,
    annotation: packed.annotations[n]!,
    gt:
      gt === null
        ? null
        : {
            positions1Based: gt.positions1Based.slice(n * J * 2, (n + 1) * J * 2),
            missing: gt.missing.slice(n * J, (n + 1) * J),
            headBox1Based: gt.headBoxes1Based.slice(n * 4, n * 4 + 4),
          },
  };
}

/** The originals as imported, in dataset order. */
export function loadOriginalAnnotations(ws: Workspace, datasetId: number): PersonAnnotation[] {
  return loadOriginalInstances(ws, datasetId).map((item) => item.annotation);
}

/**
 * Packs per-instance gt values back into the `.mat` layout (spec §1.4), person n = n-th current
 * instance in entry order. Null when the dataset has no gt `.mat`.
 */
export function packGroundTruth(jointNames: string[] | null, perInstance: readonly OriginalInstance['gt'][]): MatGroundTruth | null {
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
  return packGroundTruth(
    dataset.gtJointNames,
    loadOriginalInstances(ws, datasetId).map((item) => item.gt),
  );
}
