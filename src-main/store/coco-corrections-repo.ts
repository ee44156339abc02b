/**
 * Ground-truth corrections on a COCO keypoint dataset (issue 18), per annotation file: each edit is
 * one row holding the annotation's keypoints and box before and after (so undo and redo are row
 * flags, and the effective annotation is the newest active row's `after`). A new edit drops what was
 * undone (the redo stack); an edit of the same burst (a drag's moves, a held key) replaces its row.
 */
import { nowIso, type Workspace } from './workspace.ts';

/** The editable part of a COCO person annotation. */
export interface CocoAnnotationState {
  /** x, y, v per keypoint. */
  readonly keypoints: readonly number[];
  readonly bbox: readonly [number, number, number, number];
}

export interface CocoCorrectionRecord {
  readonly id: number;
  readonly annotationId: number;
  readonly before: CocoAnnotationState;
  readonly after: CocoAnnotationState;
  readonly burst: string | null;
  readonly undone: boolean;
  readonly createdAt: string;
}

interface Row {
  id: number;
  annotation_id: number;
  before: string;
  after: string;
  burst: string | null;
  undone: number;
  created_at: string;
}

function toRecord(row: Row): CocoCorrectionRecord {
  return {
    id: row.id,
    annotationId: row.annotation_id,
    before: JSON.parse(row.before) as CocoAnnotationState,
    after: JSON.parse(row.after) as CocoAnnotationState,
    burst: row.burst,
    undone: row.undone === 1,
    createdAt: row.created_at,
  };
}

/** Every correction of the file, oldest first (active and undone). */
export function listCocoCorrections(ws: Workspace, annotationFile: string): CocoCorrectionRecord[] {
  return ws.db.prepare<[string], Row>('SELECT * FROM coco_corrections WHERE annotation_file = ? ORDER BY id').all(annotationFile).map(toRecord);
}

/** A cheap digest of the file's corrections (to notice another process's edits). */
export function cocoCorrectionsKey(ws: Workspace, annotationFile: string): string {
  const row = ws.db
    .prepare<[string], { n: number; max_id: number | null; undone: number | null }>(
      'SELECT COUNT(*) AS n, MAX(id) AS max_id, SUM(undone) AS undone FROM coco_corrections WHERE annotation_file = ?',
    )
    .get(annotationFile);
  return `${row?.n ?? 0}:${row?.max_id ?? 0}:${row?.undone ?? 0}`;
}

/** Records an edit (one transaction); returns its row. */
export function addCocoCorrection(
  ws: Workspace,
  annotationFile: string,
  edit: { annotationId: number; before: CocoAnnotationState; after: CocoAnnotationState; burst: string | null },
): CocoCorrectionRecord {
  return ws.db.transaction(() => {
    ws.db.prepare('DELETE FROM coco_corrections WHERE annotation_file = ? AND undone = 1').run(annotationFile);
    const newest = ws.db.prepare<[string], Row>('SELECT * FROM coco_corrections WHERE annotation_file = ? ORDER BY id DESC LIMIT 1').get(annotationFile);
    // Same gesture: one row from the gesture's first `before` to its last `after`. Replaced, not updated,
    // so the newest id changes and another process notices (cocoCorrectionsKey).
    let before = edit.before;
    if (edit.burst !== null && newest !== undefined && newest.burst === edit.burst && newest.annotation_id === edit.annotationId) {
      before = JSON.parse(newest.before) as CocoAnnotationState;
      ws.db.prepare('DELETE FROM coco_corrections WHERE id = ?').run(newest.id);
    }
    const row = ws.db
      .prepare<unknown[], Row>(
        'INSERT INTO coco_corrections (annotation_file, annotation_id, before, after, burst, undone, created_at) VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING *',
      )
      .get(annotationFile, edit.annotationId, JSON.stringify(before), JSON.stringify(edit.after), edit.burst, nowIso());
    if (row === undefined) throw new Error('coco_corrections insert returned no row');
    return toRecord(row);
  })();
}

/** Undo: the newest active edit becomes undone. Null when there is none. */
export function undoCocoCorrection(ws: Workspace, annotationFile: string): CocoCorrectionRecord | null {
  const row = ws.db
    .prepare<[string], Row>('SELECT * FROM coco_corrections WHERE annotation_file = ? AND undone = 0 ORDER BY id DESC LIMIT 1')
    .get(annotationFile);
  if (row === undefined) return null;
  ws.db.prepare('UPDATE coco_corrections SET undone = 1 WHERE id = ?').run(row.id);
  return toRecord({ ...row, undone: 1 });
}

/** Redo: the oldest undone edit (undone edits are always the newest rows) becomes active again. */
export function redoCocoCorrection(ws: Workspace, annotationFile: string): CocoCorrectionRecord | null {
  const row = ws.db.prepare<[string], Row>('SELECT * FROM coco_corrections WHERE annotation_file = ? AND undone = 1 ORDER BY id LIMIT 1').get(annotationFile);
  if (row === undefined) return null;
  ws.db.prepare('UPDATE coco_corrections SET undone = 0 WHERE id = ?').run(row.id);
  return toRecord({ ...row, undone: 0 });
}

/** The effective state of each corrected annotation: its newest active edit's `after`. */
export function effectiveCocoCorrections(corrections: readonly CocoCorrectionRecord[]): Map<number, CocoAnnotationState> {
  const out = new Map<number, CocoAnnotationState>();
  for (const c of corrections) if (!c.undone) out.set(c.annotationId, c.after);
  return out;
}
