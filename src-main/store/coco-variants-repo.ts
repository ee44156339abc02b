/**
 * Results evaluated on a COCO keypoint dataset (issue 18), keyed by the dataset's annotation file:
 * imported results files and model runs, each stored as the results list it was read as, so the
 * app shows the same numbers after a restart even when the original file is gone.
 */
import { nowIso, type Workspace } from './workspace.ts';

export type CocoVariantKind = 'predictions' | 'model';

/** One results entry as stored (the COCO results format's fields; 0-based pixels, as COCO defines them). */
export interface StoredCocoResult {
  readonly image_id: number;
  readonly keypoints: readonly number[];
  readonly score: number;
  readonly bbox?: readonly number[];
}

export interface CocoVariantInput {
  readonly annotationFile: string;
  readonly name: string;
  readonly kind: CocoVariantKind;
  readonly sourcePath: string;
  readonly sourceSha256: string;
  readonly results: readonly StoredCocoResult[];
  readonly areaFromBbox: boolean;
}

export interface CocoVariantRecord extends CocoVariantInput {
  readonly id: number;
  readonly createdAt: string;
}

interface CocoVariantRow {
  id: number;
  annotation_file: string;
  name: string;
  kind: CocoVariantKind;
  source_path: string;
  source_sha256: string;
  results: string;
  area_from_bbox: number;
  created_at: string;
}

function toRecord(row: CocoVariantRow): CocoVariantRecord {
  return {
    id: row.id,
    annotationFile: row.annotation_file,
    name: row.name,
    kind: row.kind,
    sourcePath: row.source_path,
    sourceSha256: row.source_sha256,
    results: JSON.parse(row.results) as StoredCocoResult[],
    areaFromBbox: row.area_from_bbox === 1,
    createdAt: row.created_at,
  };
}

/** Stores results under `name`, replacing an earlier variant of that name for the same annotation file. */
export function putCocoVariant(ws: Workspace, input: CocoVariantInput): CocoVariantRecord {
  const row = ws.db
    .prepare<unknown[], CocoVariantRow>(
      `INSERT INTO coco_variants (annotation_file, name, kind, source_path, source_sha256, results, area_from_bbox, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (annotation_file, name) DO UPDATE SET
         kind = excluded.kind, source_path = excluded.source_path, source_sha256 = excluded.source_sha256,
         results = excluded.results, area_from_bbox = excluded.area_from_bbox, created_at = excluded.created_at
       RETURNING *`,
    )
    .get(
      input.annotationFile,
      input.name,
      input.kind,
      input.sourcePath,
      input.sourceSha256,
      JSON.stringify(input.results),
      input.areaFromBbox ? 1 : 0,
      nowIso(),
    );
  if (row === undefined) throw new Error('coco_variants insert returned no row');
  return toRecord(row);
}

export function listCocoVariants(ws: Workspace, annotationFile: string): CocoVariantRecord[] {
  return ws.db.prepare<[string], CocoVariantRow>('SELECT * FROM coco_variants WHERE annotation_file = ? ORDER BY id').all(annotationFile).map(toRecord);
}

/** Names and ids only (no results parsed): to see cheaply whether another process changed the list. */
export function cocoVariantKeys(ws: Workspace, annotationFile: string): string {
  const rows = ws.db
    .prepare<[string], { id: number; name: string; created_at: string }>('SELECT id, name, created_at FROM coco_variants WHERE annotation_file = ? ORDER BY id')
    .all(annotationFile);
  return rows.map((r) => `${r.id}:${r.name}:${r.created_at}`).join('|');
}

export function removeCocoVariant(ws: Workspace, id: number): boolean {
  return ws.db.prepare('DELETE FROM coco_variants WHERE id = ?').run(id).changes > 0;
}
