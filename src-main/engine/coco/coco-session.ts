/**
 * The engine's state for an open COCO-format keypoint dataset (issue 18): the annotation file read
 * once, the workspace that keeps the results evaluated on it (store/coco-variants-repo.ts), and per
 * variant the evaluation report — computed by the workbench function `posebench eval` calls
 * (workbench/coco-evaluation.ts), so the app and the CLI print the same ten numbers and per-keypoint
 * rows. Reports are made on first use and kept until the variant changes.
 *
 * COCO datasets have their own corrections (store/coco-corrections-repo.ts), runs (coco-runs.ts) and no
 * PCKh: the MPII session (session.ts) is closed while one is open, and the UI switches to the COCO
 * views on `DatasetSummary.kind`.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { CocoDatasetInfo, CocoVariantSummary, DatasetSummary } from '../../api/contract.ts';
import { DEFAULT_PCKH_PROTOCOL } from '../../core/types.ts';
import { UserError } from '../../core/errors.ts';
import type { CocoDatasetLocation, OpenedCocoDataset } from '../../datasets/coco-dataset.ts';
import type { CocoResultRecord } from '../../formats/coco-keypoints.ts';
import { cocoVariantKeys, listCocoVariants, removeCocoVariant, type CocoVariantRecord } from '../../store/coco-variants-repo.ts';
import type { Workspace } from '../../store/workspace.ts';
import {
  addCocoCorrection,
  cocoCorrectionsKey,
  listCocoCorrections,
  redoCocoCorrection,
  undoCocoCorrection,
  type CocoAnnotationState,
} from '../../store/coco-corrections-repo.ts';
import {
  annotationState,
  applyCocoEdit,
  effectiveCocoDataset,
  exportCocoAnnotations,
  storedCocoCorrections,
  type CocoEdit,
  type CocoExportResult,
} from '../../workbench/coco-corrections.ts';
import { evaluateCocoResults, openCocoDataset, type CocoEvaluationReport } from '../../workbench/coco-evaluation.ts';
import { openCocoWorkspace, readCocoResultsFile, storeCocoResults, storedCocoResults, variantNameOf } from '../../workbench/coco-variants.ts';
import { isCountedGt } from '../../evaluation/coco-oks-eval.ts';

export interface CocoVariantState {
  readonly id: string;
  readonly record: CocoVariantRecord;
  /** Read from the workspace on first use. */
  results: CocoResultRecord[] | null;
  /** Entry indices of `results` per image id, made on first use (the image view asks image by image). */
  byImage: Map<number, number[]> | null;
  report: CocoEvaluationReport | null;
}

export interface OpenCoco {
  readonly id: string;
  /** The annotation file as read. */
  readonly dataset: OpenedCocoDataset;
  /** With the corrections applied: what every number and view uses. */
  effective: OpenedCocoDataset;
  /** Corrected persons (annotation id → state) that differ from the file. */
  corrected: ReadonlyMap<number, CocoAnnotationState>;
  readonly ws: Workspace;
  summary: DatasetSummary;
  readonly variants: Map<string, CocoVariantState>;
  /** What the workspace held when last read (cocoVariantKeys, cocoCorrectionsKey), to notice changes by other processes. */
  storedKeys: string;
  correctionsKey: string;
}

export class CocoSession {
  private current: OpenCoco | null = null;

  constructor(private readonly dbPath: string | undefined) {}

  get open(): OpenCoco | null {
    return this.current;
  }

  require(): OpenCoco {
    if (this.current === null) throw new UserError('conflict', 'no COCO dataset is open: open a COCO keypoint folder first');
    return this.current;
  }

  /** Reads the folder (a malformed one throws and leaves the open dataset alone), then switches to it. */
  openDataset(location: CocoDatasetLocation): DatasetSummary {
    const dataset = openCocoDataset(location);
    const ws = openCocoWorkspace(dataset, this.dbPath);
    this.close();
    const id = `c-${createHash('sha1').update(dataset.annotationFile).digest('hex').slice(0, 10)}`;
    const summary = cocoSummary(id, dataset);
    this.current = { id, dataset, effective: dataset, corrected: new Map(), ws, summary, variants: new Map(), storedKeys: '', correctionsKey: '' };
    this.syncWithStore();
    return this.current.summary;
  }

  close(): void {
    this.current?.ws.db.close();
    this.current = null;
  }

  /** Reloads the variant list when another process (or window) changed it. Returns whether it changed. */
  syncWithStore(): boolean {
    const open = this.current;
    if (open === null) return false;
    const correctionsChanged = this.syncCorrections();
    return this.syncVariants() || correctionsChanged;
  }

  /** Re-reads the corrections when they changed: the effective GT, the summary, and every report is stale. */
  private syncCorrections(): boolean {
    const open = this.require();
    const key = cocoCorrectionsKey(open.ws, open.dataset.annotationFile);
    if (key === open.correctionsKey) return false;
    const { corrected, activeEdits } = storedCocoCorrections(open.ws, open.dataset);
    open.corrected = corrected;
    open.effective = effectiveCocoDataset(open.dataset, corrected);
    open.summary = { ...open.summary, gtRevision: activeEdits, correctedInstanceCount: corrected.size };
    for (const variant of open.variants.values()) variant.report = null;
    open.correctionsKey = key;
    return true;
  }

  private syncVariants(): boolean {
    const open = this.require();
    const keys = cocoVariantKeys(open.ws, open.dataset.annotationFile);
    if (keys === open.storedKeys) return false;
    const previous = open.variants;
    const next = new Map<string, CocoVariantState>();
    for (const record of listCocoVariants(open.ws, open.dataset.annotationFile)) {
      const id = `c${record.id}`;
      const before = previous.get(id);
      const same = before !== undefined && before.record.createdAt === record.createdAt && before.record.name === record.name;
      next.set(id, same ? before : { id, record, results: null, byImage: null, report: null });
    }
    open.variants.clear();
    for (const [id, state] of next) open.variants.set(id, state);
    open.storedKeys = keys;
    return true;
  }

  variantSummaries(): CocoVariantSummary[] {
    return [...this.require().variants.values()].map(summaryOf);
  }

  requireVariant(id: string): CocoVariantState {
    const variant = this.require().variants.get(id);
    if (variant === undefined) throw new UserError('not-found', `unknown COCO variant ${JSON.stringify(id)}`);
    return variant;
  }

  /** The variant's results (file order), read from the workspace once. */
  results(variant: CocoVariantState): CocoResultRecord[] {
    variant.results ??= storedCocoResults(this.require().ws, variant.record);
    return variant.results;
  }

  /** The variant's results on one image (file order), by an index made once per variant. */
  resultsOnImage(variant: CocoVariantState, imageId: number): { result: CocoResultRecord; entry: number }[] {
    const results = this.results(variant);
    if (variant.byImage === null) {
      const byImage = new Map<number, number[]>();
      results.forEach((r, entry) => {
        const list = byImage.get(r.imageId);
        if (list === undefined) byImage.set(r.imageId, [entry]);
        else list.push(entry);
      });
      variant.byImage = byImage;
    }
    return (variant.byImage.get(imageId) ?? []).map((entry) => ({ result: results[entry]!, entry }));
  }

  /**
   * The variant's evaluation report (workbench/coco-evaluation.ts, as `posebench eval` prints it).
   * `partitions`: with the per-keypoint and group APs (one more COCOeval per keypoint and group: on a
   * val2017-sized set seconds, not the fraction of a second the rest takes), which only Metrics and
   * Compare show; a report made with them serves every other view too.
   */
  report(variant: CocoVariantState, options: { partitions?: boolean } = {}): CocoEvaluationReport {
    const partitions = options.partitions === true;
    if (variant.report === null || (partitions && variant.report.keypointStats === null)) {
      const { record } = variant;
      variant.report = evaluateCocoResults(
        this.require().effective,
        record.sourcePath,
        { results: this.results(variant), areaFromBbox: record.areaFromBbox, warnings: [] },
        { partitions },
      );
    }
    return variant.report;
  }

  /** Imports a COCO results file as a variant (a new name, or replacing the results of that name). */
  importResults(file: string, name: string | undefined): { variant: CocoVariantState; message: string } {
    const open = this.require();
    const { parsed, sha256, absolute } = readCocoResultsFile(open.dataset, file);
    const variantName = name?.trim() || variantNameOf(absolute);
    const { record, action } = storeCocoResults(
      open.ws,
      open.dataset,
      { name: variantName, kind: 'predictions', sourcePath: absolute, sha256 },
      parsed.results,
      parsed.areaFromBbox,
    );
    this.syncWithStore();
    const variant = this.requireVariant(`c${record.id}`);
    // the results just stored are in memory already: no need to read them back
    if (action !== 'reused') variant.results ??= [...parsed.results];
    const warnings =
      parsed.warnings.length > 0 ? ` (${parsed.warnings.length} warning${parsed.warnings.length === 1 ? '' : 's'}: ${parsed.warnings[0]!.message})` : '';
    const message =
      action === 'reused'
        ? `${variantName}: the file is unchanged since its last import; its numbers are reused`
        : action === 'replaced'
          ? `${variantName}: the file changed since its last import; its results were replaced${warnings}`
          : `Imported ${variantName}${warnings}`;
    return { variant, message };
  }

  /** One edit of a person's GT (index: position among the file's keypoint annotations), committed at once. */
  correct(index: number, edit: CocoEdit, burst: string | null): { annotationId: number } {
    const open = this.require();
    const person = open.effective.annotations.annotations[index];
    if (person === undefined)
      throw new UserError('not-found', `no annotation at index ${index} (the file has ${open.effective.annotations.annotations.length})`);
    const before = annotationState(person);
    const after = applyCocoEdit(person, before, edit);
    addCocoCorrection(open.ws, open.dataset.annotationFile, { annotationId: person.id, before, after, burst });
    this.syncCorrections();
    return { annotationId: person.id };
  }

  /** Undo or redo the newest step; the annotation index it touched, or null when there was none. */
  step(direction: 'undo' | 'redo'): number | null {
    const open = this.require();
    const row = direction === 'undo' ? undoCocoCorrection(open.ws, open.dataset.annotationFile) : redoCocoCorrection(open.ws, open.dataset.annotationFile);
    this.syncCorrections();
    if (row === null) return null;
    const index = open.dataset.annotations.annotations.findIndex((a) => a.id === row.annotationId);
    return index >= 0 ? index : null;
  }

  /** Can undo / redo now (for the UI's buttons). */
  history(): { undo: number; redo: number } {
    const open = this.require();
    const rows = listCocoCorrections(open.ws, open.dataset.annotationFile);
    return { undo: rows.filter((r) => !r.undone).length, redo: rows.filter((r) => r.undone).length };
  }

  exportAnnotations(outFile: string, overwrite: boolean): CocoExportResult {
    const open = this.require();
    return exportCocoAnnotations(open.dataset, open.corrected, outFile, overwrite);
  }

  removeVariant(id: string): string {
    const variant = this.requireVariant(id);
    removeCocoVariant(this.require().ws, variant.record.id);
    this.syncWithStore();
    return variant.record.name;
  }
}

export function summaryOf(variant: CocoVariantState): CocoVariantSummary {
  const { record } = variant;
  return {
    id: variant.id,
    name: record.name,
    kind: record.kind,
    source: path.basename(record.sourcePath),
    detections: record.detections,
    importedAt: record.createdAt,
  };
}

function cocoSummary(id: string, dataset: OpenedCocoDataset): DatasetSummary {
  const { annotations } = dataset;
  const warnings = dataset.warnings.map((w) => w.message);
  const counted = annotations.annotations.filter(isCountedGt).length;
  const coco: CocoDatasetInfo = {
    annotationFile: dataset.annotationFile,
    category: annotations.category.name,
    keypoints: annotations.category.keypoints,
    skeleton: annotations.category.skeleton.map(([a, b]) => [a - 1, b - 1] as const),
    sigmas: [...dataset.sigmas],
    sigmaSource: dataset.sigmaSource,
    hasImages: dataset.imagesDir !== null,
    countedPersons: counted,
    crowdRegions: annotations.annotations.filter((a) => a.iscrowd).length,
  };
  return {
    id,
    name: path.basename(dataset.root),
    root: dataset.root,
    isDemo: false,
    personCount: annotations.annotations.length,
    imageCount: annotations.images.length,
    missingImageCount: 0,
    // PCKh does not apply; the field keeps the MPII default for hosts that read it regardless.
    protocol: DEFAULT_PCKH_PROTOCOL,
    warningCount: warnings.length,
    warnings: warnings.slice(0, 50),
    gtRevision: 0,
    correctedInstanceCount: 0,
    kind: 'coco',
    coco,
  };
}
