/**
 * Ground-truth corrections: a history layer over the original annotations, which are never modified
 * (and neither are the dataset's files). Every edit, undo and redo is one transaction. Undo marks the
 * newest active edit undone; redo re-applies the oldest undone one; a new edit after undo discards the
 * redo tail, as in any editor (discarded rows stay in the log). The effective ground truth is the
 * originals with the active edits replayed in order.
 *
 * Correction values are in posebench's 0-based pixels; the effective `.mat`-layout ground truth gets
 * them +1 (spec §1.4 is 1-based), the effective json entry (`raw`) likewise (spec §1.3).
 */
import type Database from 'better-sqlite3';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { MatGroundTruth, PersonAnnotation, Point2 } from '../core/types.ts';
import {
  bumpGtRevision,
  getDataset,
  loadOriginalInstances,
  loadPackedOriginals,
  originalInstanceAt,
  registeredPackedOriginals,
  type InstanceRecord,
  type OriginalInstance,
} from './datasets-repo.ts';
import { nowIso, type Workspace } from './workspace.ts';

const J = MPII_JOINT_COUNT;

export type CorrectionKind = 'joint' | 'visibility' | 'headbox' | 'swap';

/** Head box in 0-based pixels: top-left (x1, y1), bottom-right (x2, y2). */
export type HeadBox = [x1: number, y1: number, x2: number, y2: number];

export type CorrectionEdit = {
  readonly instanceId: number;
  readonly note?: string;
  /** Edits sharing a group key are undone and redone together (a multi-pair swap, a burst of nudges). */
  readonly groupKey?: string;
} & (
  | { readonly kind: 'joint'; readonly joint: number; readonly xy: Point2 } // place or move; the joint becomes annotated
  | { readonly kind: 'visibility'; readonly joint: number; readonly visible: boolean } // annotated (evaluated) or not; keeps the position
  | { readonly kind: 'headbox'; readonly box: HeadBox }
  | { readonly kind: 'swap'; readonly joints: readonly [number, number] } // e.g. left/right mislabelled
);

export interface JointState {
  /** Position, 0-based; kept while the joint is marked not annotated, so toggling back restores it. */
  readonly xy: Point2 | null;
  /** Annotated (json joints_vis = 1, `.mat` jnt_missing = 0). */
  readonly visible: boolean;
}

export interface InstanceState {
  readonly joints: JointState[];
  /** 0-based head box, or null when the dataset has no gt `.mat`. */
  readonly headBox: HeadBox | null;
}

export type CorrectionStatus = 'active' | 'undone' | 'discarded';

export interface CorrectionEntry {
  readonly id: number;
  readonly datasetId: number;
  readonly instanceId: number;
  readonly entryIndex: number;
  readonly image: string;
  readonly kind: CorrectionKind;
  readonly joint: number | null;
  readonly previousValue: unknown;
  readonly newValue: unknown;
  readonly note: string | null;
  readonly groupKey: string | null;
  readonly createdAt: string;
  readonly undoneAt: string | null;
  readonly discardedAt: string | null;
  readonly status: CorrectionStatus;
}

export interface HistoryState {
  readonly undoCount: number;
  readonly redoCount: number;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

export interface EffectiveGroundTruth {
  readonly datasetId: number;
  readonly gtRevision: number;
  /** Current instances in dataset order; annotations[n] and gt person n belong to instances[n]. */
  readonly instances: InstanceRecord[];
  /**
   * Originals with active corrections applied. For corrected entries `raw` is the corrected json entry
   * (joints/joints_vis updated, everything else as read), so export and the 1.x protocol see the edits.
   */
  readonly annotations: PersonAnnotation[];
  /** `.mat`-layout ground truth with corrected positions, jnt_missing and head boxes (1-based). */
  readonly gt: MatGroundTruth | null;
  readonly correctedInstanceIds: number[];
}

interface CorrectionRow {
  id: number;
  dataset_id: number;
  instance_id: number;
  entry_index: number;
  image: string;
  kind: CorrectionKind;
  joint: number | null;
  previous_value_json: string;
  new_value_json: string;
  note: string | null;
  group_key: string | null;
  created_at: string;
  undone_at: string | null;
  discarded_at: string | null;
}

const ACTIVE = 'undone_at IS NULL AND discarded_at IS NULL';

function toEntry(row: CorrectionRow): CorrectionEntry {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    instanceId: row.instance_id,
    entryIndex: row.entry_index,
    image: row.image,
    kind: row.kind,
    joint: row.joint,
    previousValue: JSON.parse(row.previous_value_json),
    newValue: JSON.parse(row.new_value_json),
    note: row.note,
    groupKey: row.group_key,
    createdAt: row.created_at,
    undoneAt: row.undone_at,
    discardedAt: row.discarded_at,
    status: row.discarded_at !== null ? 'discarded' : row.undone_at !== null ? 'undone' : 'active',
  };
}

const SELECT_ENTRY = `SELECT c.*, i.entry_index, i.image FROM corrections c JOIN instances i ON i.id = c.instance_id`;

function entryById(db: Database.Database, id: number): CorrectionEntry {
  return toEntry(db.prepare(`${SELECT_ENTRY} WHERE c.id = ?`).get(id) as CorrectionRow);
}

// ---- state replay -------------------------------------------------------------------------------

function initialState(original: OriginalInstance): InstanceState {
  const joints = original.annotation.joints.map((xy, j): JointState => ({
    xy: xy ? [xy[0], xy[1]] : null,
    visible: xy !== null && original.annotation.jointsVisible[j] === 1,
  }));
  const box = original.gt?.headBox1Based;
  const headBox: HeadBox | null = box ? [box[0]! - 1, box[1]! - 1, box[2]! - 1, box[3]! - 1] : null;
  return { joints, headBox };
}

interface Touched {
  readonly joints: Set<number>;
  headBox: boolean;
  /**
   * Where each joint's `.mat` position now comes from: the original `.mat` value of joint k (k), or the
   * edited position (null). Visibility edits and swaps keep (move) the `.mat`'s own values, which can
   * differ from the json's by up to 5e-5 px on MPII val: they must not be replaced by json-derived ones.
   */
  readonly matPositionSource: (number | null)[];
}

function untouched(): Touched {
  return { joints: new Set(), headBox: false, matPositionSource: Array.from({ length: J }, (_, j) => j) };
}

function replay(state: InstanceState, kind: CorrectionKind, joint: number | null, value: unknown, touched?: Touched): InstanceState {
  const joints = [...state.joints];
  switch (kind) {
    case 'joint': {
      const { xy } = value as { xy: Point2 };
      joints[joint!] = { xy: [xy[0], xy[1]], visible: true };
      touched?.joints.add(joint!);
      if (touched) touched.matPositionSource[joint!] = null;
      return { ...state, joints };
    }
    case 'visibility': {
      const { visible } = value as { visible: boolean };
      const current = joints[joint!]!;
      joints[joint!] = { xy: current.xy, visible: visible && current.xy !== null };
      touched?.joints.add(joint!);
      return { ...state, joints };
    }
    case 'headbox': {
      const { box } = value as { box: HeadBox };
      if (touched) touched.headBox = true;
      return { ...state, headBox: [...box] };
    }
    case 'swap': {
      // Relative on replay: after a re-import it still swaps whatever the new originals hold.
      const [a, b] = (value as { joints: [number, number] }).joints;
      const stateA = joints[a]!;
      joints[a] = joints[b]!;
      joints[b] = stateA;
      touched?.joints.add(a).add(b);
      if (touched) {
        const sourceA = touched.matPositionSource[a]!;
        touched.matPositionSource[a] = touched.matPositionSource[b]!;
        touched.matPositionSource[b] = sourceA;
      }
      return { ...state, joints };
    }
  }
}

function activeRowsFor(db: Database.Database, where: string, id: number): Pick<CorrectionRow, 'instance_id' | 'kind' | 'joint' | 'new_value_json'>[] {
  return db.prepare(`SELECT instance_id, kind, joint, new_value_json FROM corrections WHERE ${where} = ? AND ${ACTIVE} ORDER BY id`).all(id) as Pick<
    CorrectionRow,
    'instance_id' | 'kind' | 'joint' | 'new_value_json'
  >[];
}

function loadOriginalInstance(ws: Workspace, instanceId: number): OriginalInstance {
  const row = ws.db.prepare('SELECT dataset_id, retired_at FROM instances WHERE id = ?').get(instanceId) as
    { dataset_id: number; retired_at: string | null } | undefined;
  if (!row) throw new Error(`${ws.file}: no instance ${instanceId}`);
  if (row.retired_at !== null) throw new Error(`${ws.file}: instance ${instanceId} was retired by a re-import and cannot be edited`);
  const [original] = loadOriginalInstances(ws, row.dataset_id, instanceId);
  if (!original) throw new Error(`${ws.file}: instance ${instanceId} has no original annotation`);
  return original;
}

/** Current effective state of one instance (originals + active corrections): what the editor shows. */
export function instanceState(ws: Workspace, instanceId: number): InstanceState {
  let state = initialState(loadOriginalInstance(ws, instanceId));
  for (const row of activeRowsFor(ws.db, 'instance_id', instanceId)) {
    state = replay(state, row.kind, row.joint, JSON.parse(row.new_value_json));
  }
  return state;
}

// ---- edits ----------------------------------------------------------------------------------------

function checkJoint(joint: number): void {
  if (!Number.isInteger(joint) || joint < 0 || joint >= J) throw new RangeError(`joint index ${joint} is not in 0..${J - 1}`);
}

function checkFinite(values: readonly number[], what: string): void {
  if (!values.every(Number.isFinite)) throw new RangeError(`${what} must be finite numbers, got ${JSON.stringify(values)}`);
}

function describeEdit(edit: CorrectionEdit, before: InstanceState): { joint: number | null; previous: unknown; next: unknown } {
  switch (edit.kind) {
    case 'joint': {
      checkJoint(edit.joint);
      checkFinite(edit.xy, 'joint position');
      return { joint: edit.joint, previous: before.joints[edit.joint], next: { xy: [edit.xy[0], edit.xy[1]], visible: true } };
    }
    case 'visibility': {
      checkJoint(edit.joint);
      const current = before.joints[edit.joint]!;
      if (edit.visible && current.xy === null) {
        throw new RangeError(`joint ${edit.joint} has no position: place it (a 'joint' edit) instead of marking it annotated`);
      }
      return { joint: edit.joint, previous: current, next: { xy: current.xy, visible: edit.visible } };
    }
    case 'headbox': {
      if (before.headBox === null) throw new RangeError('this dataset has no gt .mat, so no head boxes to correct');
      checkFinite(edit.box, 'head box');
      return { joint: null, previous: { box: before.headBox }, next: { box: [...edit.box] } };
    }
    case 'swap': {
      const [a, b] = edit.joints;
      checkJoint(a);
      checkJoint(b);
      if (a === b) throw new RangeError(`cannot swap joint ${a} with itself`);
      return {
        joint: a,
        previous: { joints: [a, b], states: [before.joints[a], before.joints[b]] },
        next: { joints: [a, b], states: [before.joints[b], before.joints[a]] },
      };
    }
  }
}

/** Records one edit (one transaction); discards the redo tail of its dataset; bumps the gt revision. */
export function applyCorrection(ws: Workspace, edit: CorrectionEdit): CorrectionEntry {
  const db = ws.db;
  return db
    .transaction(() => {
      const original = loadOriginalInstance(ws, edit.instanceId);
      const datasetId = (db.prepare('SELECT dataset_id FROM instances WHERE id = ?').get(edit.instanceId) as { dataset_id: number }).dataset_id;
      const before = instanceState(ws, original.instance.id);
      const { joint, previous, next } = describeEdit(edit, before);
      const now = nowIso();
      db.prepare(`UPDATE corrections SET discarded_at = ? WHERE dataset_id = ? AND undone_at IS NOT NULL AND discarded_at IS NULL`).run(now, datasetId);
      const { id } = db
        .prepare(
          `INSERT INTO corrections (dataset_id, instance_id, kind, joint, previous_value_json, new_value_json, note, group_key, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(datasetId, edit.instanceId, edit.kind, joint, JSON.stringify(previous), JSON.stringify(next), edit.note ?? null, edit.groupKey ?? null, now) as {
        id: number;
      };
      bumpGtRevision(db, datasetId);
      return entryById(db, id);
    })
    .immediate();
}

/** Undoes the dataset's newest active edit; null when there is nothing to undo. */
export function undoCorrection(ws: Workspace, datasetId: number): CorrectionEntry | null {
  const db = ws.db;
  return db
    .transaction(() => {
      const row = db.prepare(`SELECT id FROM corrections WHERE dataset_id = ? AND ${ACTIVE} ORDER BY id DESC LIMIT 1`).get(datasetId) as
        { id: number } | undefined;
      if (!row) return null;
      db.prepare('UPDATE corrections SET undone_at = ? WHERE id = ?').run(nowIso(), row.id);
      bumpGtRevision(db, datasetId);
      return entryById(db, row.id);
    })
    .immediate();
}

/** Re-applies the dataset's oldest undone (not discarded) edit; null when there is nothing to redo. */
export function redoCorrection(ws: Workspace, datasetId: number): CorrectionEntry | null {
  const db = ws.db;
  return db
    .transaction(() => {
      const row = db
        .prepare(`SELECT id FROM corrections WHERE dataset_id = ? AND undone_at IS NOT NULL AND discarded_at IS NULL ORDER BY id LIMIT 1`)
        .get(datasetId) as { id: number } | undefined;
      if (!row) return null;
      db.prepare('UPDATE corrections SET undone_at = NULL WHERE id = ?').run(row.id);
      bumpGtRevision(db, datasetId);
      return entryById(db, row.id);
    })
    .immediate();
}

export function correctionHistory(ws: Workspace, datasetId: number): HistoryState {
  const row = ws.db
    .prepare(
      `SELECT COALESCE(SUM(undone_at IS NULL), 0) AS undo, COALESCE(SUM(undone_at IS NOT NULL), 0) AS redo
       FROM corrections WHERE dataset_id = ? AND discarded_at IS NULL`,
    )
    .get(datasetId) as { undo: number; redo: number };
  return { undoCount: row.undo, redoCount: row.redo, canUndo: row.undo > 0, canRedo: row.redo > 0 };
}

/** Every edit ever made on the dataset (or one instance), oldest first, with its status. */
export function correctionLog(ws: Workspace, datasetId: number, options: { instanceId?: number } = {}): CorrectionEntry[] {
  const rows =
    options.instanceId === undefined
      ? ws.db.prepare(`${SELECT_ENTRY} WHERE c.dataset_id = ? ORDER BY c.id`).all(datasetId)
      : ws.db.prepare(`${SELECT_ENTRY} WHERE c.dataset_id = ? AND c.instance_id = ? ORDER BY c.id`).all(datasetId, options.instanceId);
  return (rows as CorrectionRow[]).map(toEntry);
}

// ---- effective ground truth ----------------------------------------------------------------------

function correctedRaw(raw: Readonly<Record<string, unknown>>, state: InstanceState, touched: ReadonlySet<number>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...raw };
  const joints = Array.isArray(raw.joints) ? raw.joints.map((p: unknown) => (Array.isArray(p) ? [...p] : p)) : null;
  const vis = Array.isArray(raw.joints_vis) ? [...raw.joints_vis] : null;
  for (const j of touched) {
    const s = state.joints[j]!;
    // spec §1.3: json is 1-based; a joint that is not annotated is [-1, -1] with joints_vis 0.
    if (joints && j < joints.length) joints[j] = s.visible && s.xy ? [s.xy[0] + 1, s.xy[1] + 1] : [-1, -1];
    if (vis && j < vis.length) vis[j] = s.visible ? 1 : 0;
  }
  if (joints) copy.joints = joints;
  if (vis) copy.joints_vis = vis;
  return copy;
}

function applyToInstance(original: OriginalInstance, state: InstanceState, touched: Touched): { annotation: PersonAnnotation; gt: OriginalInstance['gt'] } {
  const base = original.annotation;
  const joints = [...base.joints];
  const jointsVisible = [...base.jointsVisible];
  for (const j of touched.joints) {
    const s = state.joints[j]!;
    joints[j] = s.visible && s.xy ? [s.xy[0], s.xy[1]] : null;
    jointsVisible[j] = s.visible ? 1 : 0;
  }
  const annotation: PersonAnnotation = { ...base, joints, jointsVisible, raw: correctedRaw(base.raw, state, touched.joints) };
  if (!original.gt) return { annotation, gt: null };
  const positions1Based = Float64Array.from(original.gt.positions1Based);
  const missing = Uint8Array.from(original.gt.missing);
  const headBox1Based = Float64Array.from(original.gt.headBox1Based);
  for (const j of touched.joints) {
    const s = state.joints[j]!;
    const source = touched.matPositionSource[j];
    if (source !== null && source !== undefined) {
      positions1Based[j * 2] = original.gt.positions1Based[source * 2]!;
      positions1Based[j * 2 + 1] = original.gt.positions1Based[source * 2 + 1]!;
    } else if (s.xy) {
      positions1Based[j * 2] = s.xy[0] + 1;
      positions1Based[j * 2 + 1] = s.xy[1] + 1;
    }
    missing[j] = s.visible && s.xy ? 0 : 1;
  }
  if (touched.headBox && state.headBox) headBox1Based.set(state.headBox.map((v) => v + 1));
  return { annotation, gt: { positions1Based, missing, headBox1Based } };
}

/**
 * Originals with the active corrections applied, in dataset order: the ground truth evaluation and
 * export use. Joints no correction touched keep their original values bit for bit.
 *
 * Kept per connection and dataset while nothing it depends on changed: the gt revision (bumped by
 * every edit, undo, redo and re-import, by any process), the dataset's fingerprint and import time,
 * the current instances and the corrections log (count and newest id of each, checked on every
 * call). Importing a variant, scoring a run and opening the engine each asked for it, and at 150,000
 * persons a read costs seconds. Callers share the result: treat it as read-only.
 */
export function effectiveAnnotations(ws: Workspace, datasetId: number): EffectiveGroundTruth {
  return ws.db
    .transaction(() => {
      const dataset = getDataset(ws, datasetId);
      const stamp = effectiveStamp(ws.db, datasetId, dataset);
      const perDataset = effectiveCache.get(ws.db);
      const cached = perDataset?.get(datasetId);
      if (cached !== undefined && cached.stamp === stamp) return cached.value;
      const value = computeEffectiveAnnotations(ws, datasetId, dataset);
      if (perDataset === undefined) effectiveCache.set(ws.db, new Map([[datasetId, { stamp, value }]]));
      else perDataset.set(datasetId, { stamp, value });
      return value;
    })
    .deferred();
}

const effectiveCache = new WeakMap<Database.Database, Map<number, { stamp: string; value: EffectiveGroundTruth }>>();

/** What the effective ground truth of a dataset depends on, as one string (read inside the caller's transaction). */
function effectiveStamp(db: Database.Database, datasetId: number, dataset: ReturnType<typeof getDataset>): string {
  const instances = db
    .prepare('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS maxId, COALESCE(SUM(id), 0) AS sumId FROM instances WHERE dataset_id = ? AND retired_at IS NULL')
    .get(datasetId) as { n: number; maxId: number; sumId: number };
  const corrections = db.prepare(`SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS maxId FROM corrections WHERE dataset_id = ? AND ${ACTIVE}`).get(datasetId) as {
    n: number;
    maxId: number;
  };
  return [
    dataset.gtRevision,
    dataset.fingerprint,
    dataset.importedAt,
    dataset.gtJointNames?.join(',') ?? '',
    instances.n,
    instances.maxId,
    instances.sumId,
    corrections.n,
    corrections.maxId,
  ].join('|');
}

function computeEffectiveAnnotations(ws: Workspace, datasetId: number, dataset: ReturnType<typeof getDataset>): EffectiveGroundTruth {
  const packed = registeredPackedOriginals(ws, dataset) ?? loadPackedOriginals(ws, datasetId);
  const byInstance = new Map<number, Pick<CorrectionRow, 'kind' | 'joint' | 'new_value_json'>[]>();
  for (const row of activeRowsFor(ws.db, 'dataset_id', datasetId)) {
    const list = byInstance.get(row.instance_id) ?? [];
    list.push(row);
    byInstance.set(row.instance_id, list);
  }
  const annotations = packed.annotations;
  let gt = packed.gt;
  if (gt !== null && packed.shared === true && byInstance.size > 0) {
    gt = { positions1Based: gt.positions1Based.slice(), missing: gt.missing.slice(), headBoxes1Based: gt.headBoxes1Based.slice() };
  }
  const corrected: number[] = [];
  if (byInstance.size > 0) {
    packed.instances.forEach((instance, n) => {
      const rows = byInstance.get(instance.id);
      if (!rows) return;
      corrected.push(instance.id);
      const original = originalInstanceAt(packed, n);
      const touched = untouched();
      let state = initialState(original);
      for (const row of rows) state = replay(state, row.kind, row.joint, JSON.parse(row.new_value_json), touched);
      const result = applyToInstance(original, state, touched);
      annotations[n] = result.annotation;
      if (gt !== null && result.gt !== null) {
        gt.positions1Based.set(result.gt.positions1Based, n * J * 2);
        gt.missing.set(result.gt.missing, n * J);
        gt.headBoxes1Based.set(result.gt.headBox1Based, n * 4);
      }
    });
  }
  return {
    datasetId,
    gtRevision: dataset.gtRevision,
    instances: packed.instances,
    annotations,
    gt:
      dataset.gtJointNames === null || gt === null
        ? null
        : {
            count: packed.instances.length,
            jointNames: [...dataset.gtJointNames],
            positions1Based: gt.positions1Based,
            missing: gt.missing,
            headBoxes1Based: gt.headBoxes1Based,
          },
    correctedInstanceIds: corrected,
  };
}
