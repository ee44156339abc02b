/**
 * Results evaluated on a COCO keypoint dataset, kept in the workspace (store/coco-variants-repo.ts)
 * by every host the same way: `posebench eval --dataset COCO_DIR` (results files and model runs) and
 * the app's import. So a model run from the CLI shows in the app, and the app's numbers for it are the
 * CLI's (both evaluate the stored results with workbench/coco-evaluation.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PosebenchInputError } from '../core/errors.ts';
import { readRegularFileSync } from '../core/regular-file.ts';
import type { OpenedCocoDataset } from '../datasets/coco-dataset.ts';
import { parseCocoDetectionsFile, type CocoDetectionsFile } from '../formats/coco-detections.ts';
import { parseCocoResultsFile, type CocoResultRecord, type CocoResultsFile } from '../formats/coco-keypoints.ts';
import { listCocoVariants, putCocoVariant, readCocoVariantResults, type CocoVariantKind, type CocoVariantRecord } from '../store/coco-variants-repo.ts';
import { workspacePathFor } from '../store/workspace-path.ts';
import { openWorkspace, type Workspace } from '../store/workspace.ts';

/** The workspace of a COCO dataset: `dbFile` when given, else the one posebench keeps for its folder. */
export function openCocoWorkspace(dataset: OpenedCocoDataset, dbFile: string | undefined): Workspace {
  return openWorkspace(dbFile ?? workspacePathFor(dataset.root));
}

export type CocoStoreAction = 'new' | 'replaced' | 'reused';

export interface StoredCocoVariant {
  readonly record: CocoVariantRecord;
  readonly action: CocoStoreAction;
}

/** Stores results under `name`, replacing that name's earlier results (an unchanged results file, same `sha256`, is reused). */
export function storeCocoResults(
  ws: Workspace,
  dataset: OpenedCocoDataset,
  variant: { name: string; kind: CocoVariantKind; sourcePath: string; sha256: string },
  results: readonly CocoResultRecord[],
  areaFromBbox: boolean,
): StoredCocoVariant {
  const existing = listCocoVariants(ws, dataset.annotationFile).find((v) => v.name === variant.name);
  // An unchanged results file is reused. A model run is always stored: it was made against the current
  // GT boxes, sidecar and decoders, which its identity does not cover, so its results are the fresh ones.
  if (variant.kind === 'predictions' && existing?.kind === 'predictions' && existing.sourceSha256 === variant.sha256)
    return { record: existing, action: 'reused' };
  const record = putCocoVariant(ws, {
    annotationFile: dataset.annotationFile,
    name: variant.name,
    kind: variant.kind,
    sourcePath: variant.sourcePath,
    sourceSha256: variant.sha256,
    results,
    areaFromBbox,
  });
  return { record, action: existing !== undefined ? 'replaced' : 'new' };
}

/** Reads a COCO results file (one line naming file and entry when it is bad) with its digest. */
export function readCocoResultsFile(dataset: OpenedCocoDataset, file: string): { parsed: CocoResultsFile; sha256: string; absolute: string } {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = readRegularFileSync(absolute, 'COCO results file');
  } catch (error) {
    if (error instanceof PosebenchInputError) throw error;
    throw new PosebenchInputError({ file: absolute }, `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const parsed = parseCocoResultsFile(bytes.toString('utf8'), absolute, dataset.annotations);
  return { parsed, sha256: createHash('sha256').update(bytes).digest('hex'), absolute };
}

/** The results a stored variant holds, as the evaluation reads them. */
export function storedCocoResults(ws: Workspace, record: CocoVariantRecord): CocoResultRecord[] {
  return readCocoVariantResults(ws, record).map((r, entry) => ({ ...r, entry }));
}

/** The default variant name of a file: its base name without the extension. */
export function variantNameOf(file: string): string {
  return path.basename(file, path.extname(file));
}

/** A detector's person boxes for `--bbox-file` (formats/coco-detections.ts), read as one line of error when bad. */
export function readCocoDetections(file: string, dataset: OpenedCocoDataset, scoreThreshold: number | null): CocoDetectionsFile {
  let text: string;
  try {
    text = readRegularFileSync(file, 'COCO person-detection file').toString('utf8');
  } catch (error) {
    if (error instanceof PosebenchInputError) throw error;
    throw new PosebenchInputError({ file }, `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseCocoDetectionsFile(text, file, new Set(dataset.annotations.images.map((im) => im.id)), { scoreThreshold });
}

/** A model run's source identity as stored (the model's bytes and the boxes: GT, or the detection file and its threshold); shown, never used to skip a run. */
export function cocoModelRunIdentity(modelFile: string, bboxFile: string | undefined, scoreThreshold: number | null): string {
  const identity = createHash('sha256').update(readFileSync(modelFile));
  identity.update(bboxFile !== undefined ? readFileSync(bboxFile) : 'gt-boxes').update(String(scoreThreshold));
  return identity.digest('hex');
}
