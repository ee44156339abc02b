/**
 * The engine's workspace session: the open workspace and dataset and the variants' in-memory state
 * (predictions and scores, for fast UI queries); the SQLite workspace holds what must survive
 * (predictions per run; evaluations are recomputed from them on open, which takes milliseconds).
 *
 * Its jobs are in their own modules: reading a stored variant (stored-variant.ts), scoring under
 * either protocol (protocol-evaluations.ts), keeping stored rows at the GT revision
 * (stored-evaluation-refresh.ts), remembering the last dataset (last-dataset.ts). Runs are the run
 * manager's (run-manager.ts).
 */
import { UserError } from '../core/errors.ts';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { type DatasetSummary, type WorkspaceState } from '../api/contract.ts';
import { DEFAULT_PCKH_PROTOCOL, type PckhProtocol } from '../core/types.ts';
import type { PckhReport } from '../evaluation/pckh.ts';
import { effectiveAnnotations } from '../store/corrections-repo.ts';
import { currentRun } from '../store/runs-repo.ts';
import { getDataset } from '../store/datasets-repo.ts';
import { getVariant, listVariants, type VariantRecord } from '../store/variants-repo.ts';
import type { Workspace } from '../store/workspace.ts';
import type { ModelVariantRunResult } from '../workbench/run-variants.ts';
import { importPredictionsVariant } from '../workbench/import-variant.ts';
import { openWorkbench, type Workbench } from '../workbench/workbench.ts';
import { evaluationFromReport } from './evaluation-adapter.ts';
import type { EmitEvent } from './engine-server.ts';
import { readLastDataset, rememberLastDataset, type LastDataset } from './last-dataset.ts';
import type { EngineConfig } from './protocol.ts';
import { ProtocolEvaluations } from './protocol-evaluations.ts';
import { StoredEvaluationRefresh } from './stored-evaluation-refresh.ts';
import { readStoredVariant } from './stored-variant.ts';
import type { DatasetState, VariantEvaluation, VariantState } from './view-model.ts';
import type { OpenedDataset } from '../datasets/open-dataset.ts';

export class EngineSession {
  private currentWorkbench: Workbench | null = null;
  private currentDataset: DatasetState | null = null;
  private instanceIdList: number[] = [];
  readonly variants = new Map<string, VariantState>();
  private readonly evaluations = new ProtocolEvaluations();
  private readonly storedRefresh = new StoredEvaluationRefresh(
    () => {
      const ws = this.ws;
      const dataset = this.currentDataset;
      if (ws === null || dataset === null || dataset.storeId === null) return null;
      return { ws, datasetStoreId: dataset.storeId, protocol: dataset.protocol, gtRevision: dataset.summary.gtRevision, variants: this.variants.values() };
    },
    (variant, error) =>
      this.emit('workspace:changed', { reason: `stored metrics of ${variant.name} not refreshed: ${error instanceof Error ? error.message : String(error)}` }),
  );

  constructor(
    readonly config: EngineConfig,
    readonly emit: EmitEvent,
  ) {}

  /** The open workbench (workspace + dataset record), or null. */
  get workbench(): Workbench | null {
    return this.currentWorkbench;
  }

  get ws(): Workspace | null {
    return this.currentWorkbench?.workspace ?? null;
  }

  get dataset(): DatasetState | null {
    return this.currentDataset;
  }

  /** Store instance id per dataset index (entry order). */
  get instanceIds(): readonly number[] {
    return this.instanceIdList;
  }

  workspaceState(): WorkspaceState {
    return { dbPath: this.ws?.file ?? this.config.dbPath ?? '', dataset: this.dataset?.summary ?? null };
  }

  /**
   * Opens a dataset folder: reads it, registers it in the workspace, loads its stored variants.
   * The ground truth used everywhere is the workspace's effective one (originals + corrections), the
   * same the CLI scores against.
   */
  openDatasetFolder(dir: string, isDemo: boolean, alreadyOpened?: OpenedDataset): void {
    const workbench = openWorkbench({ datasetRoot: dir, dbFile: this.config.dbPath, ...(alreadyOpened ? { opened: alreadyOpened } : {}) });
    this.currentWorkbench?.close();
    this.currentWorkbench = workbench;
    const ws = workbench.workspace;
    const opened = workbench.dataset;
    const storeId = workbench.datasetRecord.id;
    const truth = effectiveAnnotations(ws, storeId);
    this.instanceIdList = truth.instances.map((i) => i.id);
    const missingImages = new Set<string>();
    for (const [name, info] of opened.images) if (!info.exists) missingImages.add(name);
    const missingImageCount = missingImages.size;
    const id = `d${storeId}-${createHash('sha1').update(opened.root).digest('hex').slice(0, 8)}`;
    const warnings = opened.warnings.map((w) => w.message);
    if (workbench.registration.status === 'reimported') warnings.unshift(workbench.registration.message);
    const summary: DatasetSummary = {
      id,
      name: path.basename(opened.root),
      root: opened.root,
      isDemo,
      personCount: truth.annotations.length,
      imageCount: opened.images.size,
      missingImageCount,
      protocol: DEFAULT_PCKH_PROTOCOL,
      warningCount: warnings.length,
      warnings: warnings.slice(0, 50),
      gtRevision: truth.gtRevision,
      correctedInstanceCount: truth.correctedInstanceIds.length,
      kind: 'mpii',
      coco: null,
    };
    this.currentDataset = {
      id,
      storeId,
      root: opened.root,
      imagesDir: opened.imagesDir,
      isDemo,
      persons: truth.annotations,
      gt: truth.gt,
      protocol: DEFAULT_PCKH_PROTOCOL,
      summary,
      missingImages,
    };
    this.variants.clear();
    this.evaluations.clear();
    for (const record of listVariants(ws, { datasetId: storeId })) this.loadStoredVariant(record);
    rememberLastDataset(this.config.dbPath, { root: opened.root, isDemo });
    // Stored errors/metrics older than the GT revision (e.g. the engine was killed right after an
    // edit) are re-scored shortly; the in-memory numbers above are already current.
    this.storedRefresh.schedule();
  }

  /**
   * Brings the in-memory state up to what the workspace holds now. Another process may have changed it
   * (`posebench eval` storing a run, `variants rename/hide/remove`, an edit from a second window): the
   * views read this state, the analyses read the workspace, and a value must not come from one and its
   * interval from the other. Cheap: one row per variant and the dataset's GT revision. Variants running
   * in this engine are left alone. Returns whether anything changed.
   */
  syncWithStore(): boolean {
    const ws = this.ws;
    const dataset = this.currentDataset;
    if (ws === null || dataset === null || dataset.storeId === null) return false;
    let changed = false;
    if (getDataset(ws, dataset.storeId).gtRevision !== dataset.summary.gtRevision) {
      this.refreshGroundTruth();
      changed = true;
    }
    const stored = new Set<string>();
    for (const record of listVariants(ws, { datasetId: dataset.storeId })) {
      const id = `v${record.id}`;
      stored.add(id);
      const state = this.variants.get(id);
      if (state?.status === 'running') continue;
      const runId = currentRun(ws, dataset.storeId, record.id)?.id ?? null;
      if (state === undefined || state.name !== record.name || state.hidden !== record.hidden || state.currentRunId !== runId) {
        this.loadStoredVariant(record);
        changed = true;
      }
    }
    for (const [id, state] of this.variants) {
      if (state.storeId !== null && !stored.has(id) && state.status !== 'running') {
        this.variants.delete(id);
        changed = true;
      }
    }
    return changed;
  }

  /** The in-memory state of a stored variant: its current run's predictions, scored; its newest latency. */
  loadStoredVariant(record: VariantRecord): VariantState {
    const variant = readStoredVariant(this.requireWs(), this.requireDataset(), record, this.variants.get(`v${record.id}`));
    if (variant.predictions !== null) this.evaluate(variant);
    this.variants.set(variant.id, variant);
    return variant;
  }

  /** Re-reads a variant from the workspace (after a run, an import, a rename or new options). */
  reloadVariant(storeId: number): VariantState {
    return this.loadStoredVariant(getVariant(this.requireWs(), storeId));
  }

  /**
   * Takes a finished request's result for one variant (workbench/run-variants.ts): a done run becomes
   * the variant's numbers (scored exactly as the CLI scores it); a stopped one leaves the earlier
   * numbers in place.
   */
  adoptRunResult(result: ModelVariantRunResult): VariantState {
    const variant = this.reloadVariant(result.variant.id);
    if (result.status === 'done' && result.evaluation !== null && variant.currentRunId === result.run.id) {
      this.applyReport(variant, result.evaluation.report);
      variant.stale = null;
    }
    if (result.error !== null) {
      variant.status = 'failed';
      variant.error = result.error;
    }
    return variant;
  }

  /**
   * After a ground-truth edit, undo or redo: re-reads the effective ground truth and re-scores every
   * variant in memory, so every view shows numbers for the new revision at once. The stored joint
   * errors and metrics rows follow shortly after (stored-evaluation-refresh.ts).
   */
  refreshGroundTruth(): void {
    const ws = this.requireWs();
    const dataset = this.requireDataset();
    const truth = effectiveAnnotations(ws, dataset.storeId!);
    this.currentDataset = {
      ...dataset,
      persons: truth.annotations,
      gt: truth.gt,
      summary: { ...dataset.summary, gtRevision: truth.gtRevision, correctedInstanceCount: truth.correctedInstanceIds.length },
    };
    for (const variant of this.variants.values()) if (variant.predictions !== null) this.evaluate(variant);
    // Other-protocol reports are recomputed on their next request (the GT revision keys them anyway).
    this.evaluations.clear();
    this.storedRefresh.schedule();
  }

  /** Re-scores the stored runs now (tests; close does it for a pending refresh). */
  refreshStoredEvaluations(): number {
    return this.storedRefresh.now();
  }

  /** Latest finished store run of a variant (the one its numbers come from). */
  latestDoneRunId(variant: VariantState): number | null {
    const dataset = this.requireDataset();
    if (variant.storeId === null || dataset.storeId === null) return null;
    return currentRun(this.requireWs(), dataset.storeId, variant.storeId)?.id ?? null;
  }

  /** Computes PCKh for a variant with predictions (needs the gt `.mat`), under the dataset's protocol. */
  evaluate(variant: VariantState): void {
    const dataset = this.requireDataset();
    variant.evaluation = this.evaluations.compute(dataset, variant, dataset.protocol);
  }

  /** A variant's evaluation under `protocol` (null before it has predictions); see protocol-evaluations.ts. */
  evaluationFor(variant: VariantState, protocol: PckhProtocol): VariantEvaluation | null {
    return this.evaluations.under(this.requireDataset(), variant, protocol);
  }

  /** The variant as the queries see it under `protocol`: the same state with that protocol's evaluation. */
  scored(variant: VariantState, protocol: PckhProtocol): VariantState {
    const evaluation = this.evaluationFor(variant, protocol);
    return evaluation === variant.evaluation ? variant : { ...variant, evaluation };
  }

  /** Every variant, scored under `protocol` (see scored). */
  scoredVariants(protocol: PckhProtocol): VariantState[] {
    return [...this.variants.values()].map((variant) => this.scored(variant, protocol));
  }

  /** Visible variants (hidden ones leave every table, chart and filter), scored under `protocol`. */
  visibleScoredVariants(protocol: PckhProtocol): VariantState[] {
    return this.scoredVariants(protocol).filter((variant) => !variant.hidden);
  }

  /** A variant by id, scored under `protocol`. */
  requireScoredVariant(id: string, protocol: PckhProtocol): VariantState {
    return this.scored(this.requireVariant(id), protocol);
  }

  importPredictionsFile(file: string, name: string | undefined, coordinateBase: 0 | 1): { variant: VariantState; action: 'new' | 'reuse' | 'replaced' } {
    const dataset = this.requireDataset();
    const imported = importPredictionsVariant(this.requireWorkbench(), { file, coordinateBase, protocol: dataset.protocol, name });
    const variant = this.reloadVariant(imported.variant.id);
    this.applyReport(variant, imported.report);
    return { variant, action: imported.action };
  }

  applyReport(variant: VariantState, report: PckhReport): void {
    variant.evaluation = evaluationFromReport(report);
  }

  requireDataset(): DatasetState {
    if (this.currentDataset === null) throw new UserError('conflict', 'no dataset is open: open a dataset folder first');
    return this.currentDataset;
  }

  requireWorkbench(): Workbench {
    if (this.currentWorkbench === null) throw new UserError('conflict', 'no workspace is open');
    return this.currentWorkbench;
  }

  requireWs(): Workspace {
    return this.requireWorkbench().workspace;
  }

  requireVariant(id: string): VariantState {
    const variant = this.variants.get(id);
    if (variant === undefined) throw new UserError('not-found', `unknown variant ${JSON.stringify(id)}`);
    return variant;
  }

  lastDataset(): LastDataset | null {
    return readLastDataset(this.config.dbPath);
  }

  /** Closes the dataset and its workspace (another kind of dataset, a COCO folder, is being opened). */
  closeDataset(): void {
    this.close();
    this.currentDataset = null;
    this.instanceIdList = [];
    this.variants.clear();
    this.evaluations.clear();
  }

  /** Closes the workspace; a pending refresh of stored rows is done first. Runs are stopped by the run manager. */
  close(): void {
    try {
      if (this.storedRefresh.pending) this.storedRefresh.now();
    } catch {
      // derived data: re-scored on the next open anyway
    }
    this.currentWorkbench?.close();
    this.currentWorkbench = null;
  }
}
