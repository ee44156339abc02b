/**
 * Variants: what produced a set of predictions — an ONNX model (with its sidecar) or a file of
 * imported predictions. Names are unique within a workspace (they label compare views and exports).
 */
import { nowIso, type Workspace } from './workspace.ts';

export type VariantKind = 'model' | 'imported';

export interface NewVariant {
  readonly name: string;
  readonly kind: VariantKind;
  readonly sourcePath: string;
  readonly datasetId?: number | null;
  readonly headType?: string | null;
  readonly inputSize?: { readonly width: number; readonly height: number } | null;
  readonly sidecar?: Readonly<Record<string, unknown>> | null;
  readonly decoderOptions?: Readonly<Record<string, unknown>>;
}

export interface VariantRecord {
  readonly id: number;
  readonly datasetId: number | null;
  readonly name: string;
  readonly kind: VariantKind;
  readonly sourcePath: string;
  readonly headType: string | null;
  readonly inputSize: { width: number; height: number } | null;
  readonly sidecar: Record<string, unknown> | null;
  /** Decoder options set explicitly for this variant (they win over the model's sidecar). */
  readonly decoderOptions: Record<string, unknown>;
  /** Hidden variants leave every table, chart and filter but keep their data. */
  readonly hidden: boolean;
  readonly createdAt: string;
}

interface VariantRow {
  id: number;
  dataset_id: number | null;
  name: string;
  kind: VariantKind;
  source_path: string;
  head_type: string | null;
  input_width: number | null;
  input_height: number | null;
  sidecar_json: string | null;
  decoder_options_json: string | null;
  hidden: number;
  created_at: string;
}

function toRecord(row: VariantRow): VariantRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    name: row.name,
    kind: row.kind,
    sourcePath: row.source_path,
    headType: row.head_type,
    inputSize: row.input_width === null || row.input_height === null ? null : { width: row.input_width, height: row.input_height },
    sidecar: row.sidecar_json === null ? null : (JSON.parse(row.sidecar_json) as Record<string, unknown>),
    decoderOptions: row.decoder_options_json === null ? {} : (JSON.parse(row.decoder_options_json) as Record<string, unknown>),
    hidden: row.hidden === 1,
    createdAt: row.created_at,
  };
}

export class VariantNameTakenError extends Error {
  override readonly name = 'VariantNameTakenError';
  constructor(
    readonly variantName: string,
    file: string,
  ) {
    super(`${file}: a variant named "${variantName}" already exists in this workspace; choose another name`);
  }
}

export function createVariant(ws: Workspace, input: NewVariant): VariantRecord {
  const name = input.name.trim();
  if (name === '') throw new RangeError('a variant needs a non-empty name');
  if (findVariantByName(ws, name)) throw new VariantNameTakenError(name, ws.file);
  const row = ws.db
    .prepare(
      `INSERT INTO variants (dataset_id, name, kind, source_path, head_type, input_width, input_height, sidecar_json, decoder_options_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(
      input.datasetId ?? null,
      name,
      input.kind,
      input.sourcePath,
      input.headType ?? null,
      input.inputSize?.width ?? null,
      input.inputSize?.height ?? null,
      input.sidecar ? JSON.stringify(input.sidecar) : null,
      input.decoderOptions && Object.keys(input.decoderOptions).length > 0 ? JSON.stringify(input.decoderOptions) : null,
      nowIso(),
    ) as VariantRow;
  return toRecord(row);
}

export function getVariant(ws: Workspace, variantId: number): VariantRecord {
  const row = ws.db.prepare('SELECT * FROM variants WHERE id = ?').get(variantId) as VariantRow | undefined;
  if (!row) throw new Error(`${ws.file}: no variant ${variantId}`);
  return toRecord(row);
}

export function findVariantByName(ws: Workspace, name: string): VariantRecord | undefined {
  const row = ws.db.prepare('SELECT * FROM variants WHERE name = ?').get(name.trim()) as VariantRow | undefined;
  return row ? toRecord(row) : undefined;
}

/** All variants, or those usable with one dataset (its own plus the dataset-independent models). */
export function listVariants(ws: Workspace, options: { datasetId?: number } = {}): VariantRecord[] {
  const rows =
    options.datasetId === undefined
      ? ws.db.prepare('SELECT * FROM variants ORDER BY id').all()
      : ws.db.prepare('SELECT * FROM variants WHERE dataset_id IS NULL OR dataset_id = ? ORDER BY id').all(options.datasetId);
  return (rows as VariantRow[]).map(toRecord);
}

/** Replaces the variant's explicit decoder options (an empty object: the sidecar's alone). */
export function setVariantDecoderOptions(ws: Workspace, variantId: number, options: Readonly<Record<string, unknown>>): VariantRecord {
  const json = Object.keys(options).length > 0 ? JSON.stringify(options) : null;
  const row = ws.db.prepare('UPDATE variants SET decoder_options_json = ? WHERE id = ? RETURNING *').get(json, variantId) as VariantRow | undefined;
  if (!row) throw new Error(`${ws.file}: no variant ${variantId}`);
  return toRecord(row);
}

export function setVariantHidden(ws: Workspace, variantId: number, hidden: boolean): VariantRecord {
  const row = ws.db.prepare('UPDATE variants SET hidden = ? WHERE id = ? RETURNING *').get(hidden ? 1 : 0, variantId) as VariantRow | undefined;
  if (!row) throw new Error(`${ws.file}: no variant ${variantId}`);
  return toRecord(row);
}

export function renameVariant(ws: Workspace, variantId: number, newName: string): VariantRecord {
  const name = newName.trim();
  if (name === '') throw new RangeError('a variant needs a non-empty name');
  const other = findVariantByName(ws, name);
  if (other && other.id !== variantId) throw new VariantNameTakenError(name, ws.file);
  const row = ws.db.prepare('UPDATE variants SET name = ? WHERE id = ? RETURNING *').get(name, variantId) as VariantRow | undefined;
  if (!row) throw new Error(`${ws.file}: no variant ${variantId}`);
  return toRecord(row);
}

/** Deletes a variant with its runs, predictions, errors and metrics (the source file is untouched). */
export function deleteVariant(ws: Workspace, variantId: number): void {
  ws.db.prepare('DELETE FROM variants WHERE id = ?').run(variantId);
}

/** What deleting a variant takes with it (for the confirmation that names it). */
export function variantFootprint(ws: Workspace, variantId: number): { runs: number; predictions: number; latencyMeasurements: number } {
  const count = (sql: string) => (ws.db.prepare(sql).get(variantId) as { n: number }).n;
  return {
    runs: count('SELECT COUNT(*) AS n FROM runs WHERE variant_id = ?'),
    predictions: count('SELECT COUNT(*) AS n FROM predictions WHERE run_id IN (SELECT id FROM runs WHERE variant_id = ?)'),
    latencyMeasurements: count('SELECT COUNT(*) AS n FROM latency_measurements WHERE variant_id = ?'),
  };
}
