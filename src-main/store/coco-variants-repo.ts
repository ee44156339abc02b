/**
 * Results evaluated on a COCO keypoint dataset (issue 18), keyed by the dataset's annotation file:
 * imported results files and model runs, each stored as the results list it was read as (packed into
 * one float64 record: 100,000 detections write and read in tens of milliseconds, where json text
 * took seconds), so the app shows the same numbers after a restart even when the original file is gone.
 * Listing reads no results; `readCocoVariantResults` unpacks one variant's.
 */
import { nowIso, type Workspace } from './workspace.ts';

export type CocoVariantKind = 'predictions' | 'model';

/** One results entry (the COCO results format's fields; 0-based pixels, as COCO defines them). */
export interface StoredCocoResult {
  readonly imageId: number;
  /** x, y, score per keypoint. */
  readonly keypoints: readonly number[];
  readonly score: number;
  readonly bbox?: readonly number[] | undefined;
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

export interface CocoVariantRecord extends Omit<CocoVariantInput, 'results'> {
  readonly id: number;
  readonly detections: number;
  readonly createdAt: string;
}

interface CocoVariantRow {
  id: number;
  annotation_file: string;
  name: string;
  kind: CocoVariantKind;
  source_path: string;
  source_sha256: string;
  detections: number;
  area_from_bbox: number;
  created_at: string;
}

const RECORD_COLUMNS = 'id, annotation_file, name, kind, source_path, source_sha256, detections, area_from_bbox, created_at';

function toRecord(row: CocoVariantRow): CocoVariantRecord {
  return {
    id: row.id,
    annotationFile: row.annotation_file,
    name: row.name,
    kind: row.kind,
    sourcePath: row.source_path,
    sourceSha256: row.source_sha256,
    detections: row.detections,
    areaFromBbox: row.area_from_bbox === 1,
    createdAt: row.created_at,
  };
}

/** Entry layout: image_id, score, has_bbox, bbox (4), then the keypoints (3K). */
const HEAD = 7;

export function packCocoResults(results: readonly StoredCocoResult[]): Buffer {
  const K3 = results[0]?.keypoints.length ?? 0;
  const stride = HEAD + K3;
  const out = new Float64Array(results.length * stride);
  results.forEach((r, i) => {
    if (r.keypoints.length !== K3) throw new Error(`results entry ${i} has ${r.keypoints.length / 3} keypoints, the first ${K3 / 3}`);
    const o = i * stride;
    out[o] = r.imageId;
    out[o + 1] = r.score;
    const bbox = r.bbox !== undefined && r.bbox.length >= 4 ? r.bbox : null;
    out[o + 2] = bbox !== null ? 1 : 0;
    for (let j = 0; j < 4; j++) out[o + 3 + j] = bbox !== null ? bbox[j]! : 0;
    for (let j = 0; j < K3; j++) out[o + HEAD + j] = r.keypoints[j]!;
  });
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export function unpackCocoResults(blob: Buffer, detections: number): StoredCocoResult[] {
  if (detections === 0) return [];
  // copy into an aligned buffer: SQLite's blob may start at any byte offset
  const values = new Float64Array(blob.byteLength / 8);
  new Uint8Array(values.buffer).set(blob);
  const stride = values.length / detections;
  if (!Number.isInteger(stride) || stride < HEAD) throw new Error(`a stored results record of ${values.length} values does not hold ${detections} entries`);
  const out: StoredCocoResult[] = new Array<StoredCocoResult>(detections);
  for (let i = 0; i < detections; i++) {
    const o = i * stride;
    const keypoints = Array.from(values.subarray(o + HEAD, o + stride));
    const bbox = values[o + 2] === 1 ? Array.from(values.subarray(o + 3, o + 7)) : undefined;
    out[i] = { imageId: values[o]!, score: values[o + 1]!, keypoints, ...(bbox !== undefined ? { bbox } : {}) };
  }
  return out;
}

/** Stores results under `name`, replacing an earlier variant of that name for the same annotation file. */
export function putCocoVariant(ws: Workspace, input: CocoVariantInput): CocoVariantRecord {
  const row = ws.db
    .prepare<unknown[], CocoVariantRow>(
      `INSERT INTO coco_variants (annotation_file, name, kind, source_path, source_sha256, results, detections, area_from_bbox, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (annotation_file, name) DO UPDATE SET
         kind = excluded.kind, source_path = excluded.source_path, source_sha256 = excluded.source_sha256,
         results = excluded.results, detections = excluded.detections, area_from_bbox = excluded.area_from_bbox,
         created_at = excluded.created_at
       RETURNING ${RECORD_COLUMNS}`,
    )
    .get(
      input.annotationFile,
      input.name,
      input.kind,
      input.sourcePath,
      input.sourceSha256,
      packCocoResults(input.results),
      input.results.length,
      input.areaFromBbox ? 1 : 0,
      nowIso(),
    );
  if (row === undefined) throw new Error('coco_variants insert returned no row');
  return toRecord(row);
}

export function listCocoVariants(ws: Workspace, annotationFile: string): CocoVariantRecord[] {
  return ws.db
    .prepare<[string], CocoVariantRow>(`SELECT ${RECORD_COLUMNS} FROM coco_variants WHERE annotation_file = ? ORDER BY id`)
    .all(annotationFile)
    .map(toRecord);
}

/** One variant's results, in file order. */
export function readCocoVariantResults(ws: Workspace, record: CocoVariantRecord): StoredCocoResult[] {
  const row = ws.db.prepare<[number], { results: Buffer }>('SELECT results FROM coco_variants WHERE id = ?').get(record.id);
  if (row === undefined) throw new Error(`COCO variant ${record.id} is no longer in the workspace`);
  return unpackCocoResults(row.results, record.detections);
}

/** Names and ids only (no results read): to see cheaply whether another process changed the list. */
export function cocoVariantKeys(ws: Workspace, annotationFile: string): string {
  const rows = ws.db
    .prepare<[string], { id: number; name: string; created_at: string }>('SELECT id, name, created_at FROM coco_variants WHERE annotation_file = ? ORDER BY id')
    .all(annotationFile);
  return rows.map((r) => `${r.id}:${r.name}:${r.created_at}`).join('|');
}

export function removeCocoVariant(ws: Workspace, id: number): boolean {
  return ws.db.prepare('DELETE FROM coco_variants WHERE id = ?').run(id).changes > 0;
}
