/**
 * The engine's workspace session: the opened dataset, its variants and runs, in memory for fast UI
 * queries and in the SQLite workspace for durability (predictions per run; evaluations are recomputed
 * from them on open, which takes milliseconds).
 *
 * Engine-side glue over the core (datasets, evaluation, formats, store, inference). The orchestration
 * layer `src-main/workbench/` may take this over; until then it lives here.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ApiRequestError, type DatasetSummary, type RunSummary, type WorkspaceState } from '../../api/contract.ts';
import { MPII_JOINT_COUNT } from '../../core/joints.ts';
import type { PckhProtocol } from '../../core/types.ts';
import { buildPckhInputs, computePckh, type PckhReport } from '../../evaluation/pckh.ts';
import { effectiveAnnotations } from '../../store/corrections-repo.ts';
import { readRunPredictions } from '../../store/predictions-repo.ts';
import { createRun, latestRun, listRunFailures, setRunStatus } from '../../store/runs-repo.ts';
import { storeVariantResults } from '../../store/variant-results.ts';
import { createVariant, findVariantByName, listVariants, setVariantLatency, type VariantRecord } from '../../store/variants-repo.ts';
import type { Workspace } from '../../store/workspace.ts';
import { evaluateRun, jointPredictedOfRun } from '../../workbench/evaluate-run.ts';
import { importPredictionsVariant } from '../../workbench/import-variant.ts';
import { openWorkbench, type Workbench } from '../../workbench/workbench.ts';
import { evaluationFromReport } from './evaluation-adapter.ts';
import type { EmitEvent } from './engine-server.ts';
import type { EngineConfig } from './protocol.ts';
import { stateFileFor } from './workspace-defaults.ts';
import type { DatasetState, VariantEvaluation, VariantState } from './view-model.ts';
import type { OpenedDataset } from '../../datasets/open-dataset.ts';

/** A report for a protocol other than the dataset's, valid while its inputs are the same objects. */
interface CachedEvaluation {
  readonly gtRevision: number;
  readonly predictions: Float32Array;
  readonly jointPredicted: readonly boolean[];
  readonly evaluation: VariantEvaluation;
}

const J = MPII_JOINT_COUNT;
const ALL_PREDICTED: readonly boolean[] = new Array<boolean>(J).fill(true);
const DEFAULT_PROTOCOL: PckhProtocol = 'mmpose0x';

export class EngineSession {
  workbench: Workbench | null = null;
  ws: Workspace | null = null;
  dataset: DatasetState | null = null;
  readonly variants = new Map<string, VariantState>();
  /** store instance id per dataset index (entry order). */
  instanceIds: number[] = [];
  readonly runs = new Map<string, { -readonly [K in keyof RunSummary]: RunSummary[K] } & { controller?: AbortController }>();
  /**
   * Evaluations under the other protocol, keyed `${variantId}|${protocol}`, computed on first request.
   * The dataset's own protocol lives in `variant.evaluation` (kept current by evaluate/applyReport).
   */
  private readonly otherProtocolEvaluations = new Map<string, CachedEvaluation>();

  constructor(
    readonly config: EngineConfig,
    readonly emit: EmitEvent,
  ) {}

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
    this.workbench?.close();
    this.workbench = workbench;
    this.ws = workbench.workspace;
    const opened = workbench.dataset;
    const storeId = workbench.datasetRecord.id;
    const truth = effectiveAnnotations(this.ws, storeId);
    this.instanceIds = truth.instances.map((i) => i.id);
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
      protocol: DEFAULT_PROTOCOL,
      warningCount: warnings.length,
      warnings: warnings.slice(0, 50),
      gtRevision: truth.gtRevision,
      correctedInstanceCount: truth.correctedInstanceIds.length,
    };
    this.dataset = {
      id,
      storeId,
      root: opened.root,
      imagesDir: opened.imagesDir,
      isDemo,
      persons: truth.annotations,
      gt: truth.gt,
      protocol: DEFAULT_PROTOCOL,
      summary,
      missingImages,
    };
    this.variants.clear();
    this.otherProtocolEvaluations.clear();
    for (const record of listVariants(this.ws, { datasetId: storeId })) this.loadStoredVariant(record);
    this.rememberLastDataset(opened.root, isDemo);
    // Stored errors/metrics older than the GT revision (e.g. the engine was killed right after an
    // edit) are re-scored shortly; the in-memory numbers above are already current.
    this.scheduleStoredRefresh();
  }

  private loadStoredVariant(record: VariantRecord): void {
    const ws = this.requireWs();
    const dataset = this.requireDataset();
    const run = latestRun(ws, dataset.storeId!, record.id, ['done']);
    const jointPredicted = (run ? jointPredictedOfRun(run.options) : undefined) ?? jointPredictedOf(record.sidecar);
    const variant: VariantState = {
      id: `v${record.id}`,
      storeId: record.id,
      name: record.name,
      kind: record.kind === 'model' ? 'model' : 'predictions',
      sourcePath: record.sourcePath,
      status: run ? 'ready' : 'pending',
      error: null,
      latency: record.latency ? { medianMs: record.latency.medianMs, p95Ms: record.latency.p95Ms } : null,
      predictions: null,
      predictedCount: 0,
      failureCount: 0,
      jointPredicted,
      evaluation: null,
    };
    if (run) {
      const stored = readRunPredictions(ws, run.id);
      if (stored.instances.length === dataset.persons.length) {
        variant.predictions = stored.coords;
        variant.predictedCount = stored.presentCount;
        variant.failureCount = listRunFailures(ws, run.id).length;
        this.evaluate(variant);
      } else {
        variant.status = 'pending';
        variant.error = 'stored predictions belong to an earlier version of the annotations; run again';
      }
    }
    this.variants.set(variant.id, variant);
  }

  /**
   * After a ground-truth edit, undo or redo: re-reads the effective ground truth and re-scores every
   * variant in memory, so every view shows numbers for the new revision at once. The stored joint
   * errors and metrics rows follow shortly after (scheduleStoredRefresh); they are derived data, and
   * opening a workspace re-scores from the stored predictions anyway.
   */
  refreshGroundTruth(): void {
    const ws = this.requireWs();
    const dataset = this.requireDataset();
    const truth = effectiveAnnotations(ws, dataset.storeId!);
    this.dataset = {
      ...dataset,
      persons: truth.annotations,
      gt: truth.gt,
      summary: { ...dataset.summary, gtRevision: truth.gtRevision, correctedInstanceCount: truth.correctedInstanceIds.length },
    };
    for (const variant of this.variants.values()) if (variant.predictions !== null) this.evaluate(variant);
    // Other-protocol reports are recomputed on their next request (the GT revision keys them anyway).
    this.otherProtocolEvaluations.clear();
    this.scheduleStoredRefresh();
  }

  private storedRefreshTimer: ReturnType<typeof setTimeout> | null = null;

  /** Re-scores the stored runs (joint_errors + metrics rows) against the effective GT, coalescing bursts of edits. */
  scheduleStoredRefresh(delayMs = 250): void {
    if (this.storedRefreshTimer !== null) clearTimeout(this.storedRefreshTimer);
    this.storedRefreshTimer = setTimeout(() => {
      this.storedRefreshTimer = null;
      this.refreshStoredEvaluations();
    }, delayMs);
  }

  /** Stored runs re-scored now (the timer's work; also run on close so nothing stays stale). */
  refreshStoredEvaluations(): number {
    if (this.storedRefreshTimer !== null) {
      clearTimeout(this.storedRefreshTimer);
      this.storedRefreshTimer = null;
    }
    const ws = this.ws;
    const dataset = this.dataset;
    if (ws === null || dataset === null || dataset.storeId === null) return 0;
    let count = 0;
    for (const variant of this.variants.values()) {
      if (variant.storeId === null || variant.status === 'running') continue;
      const run = latestRun(ws, dataset.storeId, variant.storeId, ['done']);
      if (!run || run.errorsGtRevision === dataset.summary.gtRevision) continue;
      try {
        evaluateRun(ws, run.id, dataset.protocol);
        count += 1;
      } catch (error) {
        this.emit('workspace:changed', { reason: `stored metrics of ${variant.name} not refreshed: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    return count;
  }

  /** Latest finished store run of a variant (the one its numbers come from). */
  latestDoneRunId(variant: VariantState): number | null {
    const dataset = this.requireDataset();
    if (variant.storeId === null || dataset.storeId === null) return null;
    return latestRun(this.requireWs(), dataset.storeId, variant.storeId, ['done'])?.id ?? null;
  }

  /** Computes PCKh for a variant with predictions (needs the gt `.mat`), under the dataset's protocol. */
  evaluate(variant: VariantState): void {
    variant.evaluation = this.computeEvaluation(variant, this.requireDataset().protocol);
  }

  private computeEvaluation(variant: VariantState, protocol: PckhProtocol): VariantEvaluation | null {
    const dataset = this.requireDataset();
    if (variant.predictions === null || dataset.gt === null) return null;
    const report = computePckh(
      buildPckhInputs({
        protocol,
        persons: dataset.persons,
        gt: dataset.gt,
        predictions0Based: variant.predictions,
        jointPredicted: variant.jointPredicted,
        sources: { predictions: variant.sourcePath },
      }),
    );
    return evaluationFromReport(report);
  }

  /**
   * A variant's evaluation under `protocol` (null before it has predictions). The dataset's protocol
   * is the one kept on the variant; the other is computed on demand and cached per (variant,
   * protocol, GT revision), and recomputed when a new run replaces the predictions.
   */
  evaluationFor(variant: VariantState, protocol: PckhProtocol): VariantEvaluation | null {
    const dataset = this.requireDataset();
    if (protocol === dataset.protocol || variant.evaluation === null || variant.predictions === null) return variant.evaluation;
    const key = `${variant.id}|${protocol}`;
    const gtRevision = dataset.summary.gtRevision;
    const cached = this.otherProtocolEvaluations.get(key);
    if (cached !== undefined && cached.gtRevision === gtRevision && cached.predictions === variant.predictions && cached.jointPredicted === variant.jointPredicted) {
      return cached.evaluation;
    }
    const evaluation = this.computeEvaluation(variant, protocol);
    if (evaluation === null) return null;
    this.otherProtocolEvaluations.set(key, { gtRevision, predictions: variant.predictions, jointPredicted: variant.jointPredicted, evaluation });
    return evaluation;
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

  /** A variant by id, scored under `protocol`. */
  requireScoredVariant(id: string, protocol: PckhProtocol): VariantState {
    return this.scored(this.requireVariant(id), protocol);
  }

  importPredictionsFile(file: string, name: string | undefined, coordinateBase: 0 | 1): VariantState {
    const dataset = this.requireDataset();
    if (this.workbench === null) throw new ApiRequestError('no workspace is open');
    const imported = importPredictionsVariant(this.workbench, { file, coordinateBase, protocol: dataset.protocol, name });
    const predictions = readRunPredictions(this.requireWs(), imported.runId);
    const variant: VariantState = {
      id: `v${imported.variant.id}`,
      storeId: imported.variant.id,
      name: imported.variant.name,
      kind: 'predictions',
      sourcePath: imported.variant.sourcePath,
      status: 'ready',
      error: null,
      latency: null,
      predictions: predictions.coords,
      predictedCount: predictions.presentCount,
      failureCount: 0,
      jointPredicted: ALL_PREDICTED,
      evaluation: null,
    };
    this.applyReport(variant, imported.report);
    this.variants.set(variant.id, variant);
    return variant;
  }

  applyReport(variant: VariantState, report: PckhReport): void {
    variant.evaluation = evaluationFromReport(report);
  }

  /** Registers a model as a variant (not run yet). */
  addModelVariant(modelPath: string, name: string | undefined, info: { jointPredicted: readonly boolean[]; head: string; width: number; height: number }): VariantState {
    const dataset = this.requireDataset();
    const ws = this.requireWs();
    const resolved = path.resolve(modelPath);
    const existing = [...this.variants.values()].find((v) => v.kind === 'model' && v.sourcePath === resolved);
    if (existing) return existing;
    const record = createVariant(ws, {
      name: this.uniqueName(name ?? path.basename(modelPath).replace(/\.onnx$/i, '')),
      kind: 'model',
      sourcePath: resolved,
      datasetId: dataset.storeId,
      headType: info.head,
      inputSize: { width: info.width, height: info.height },
      sidecar: { jointPredicted: [...info.jointPredicted] },
    });
    const variant: VariantState = {
      id: `v${record.id}`,
      storeId: record.id,
      name: record.name,
      kind: 'model',
      sourcePath: resolved,
      status: 'pending',
      error: null,
      latency: null,
      predictions: null,
      predictedCount: 0,
      failureCount: 0,
      jointPredicted: info.jointPredicted,
      evaluation: null,
    };
    this.variants.set(variant.id, variant);
    return variant;
  }

  /** Starts a store run for a model variant; returns its id. */
  beginStoredRun(variant: VariantState): number {
    const ws = this.requireWs();
    const dataset = this.requireDataset();
    const run = createRun(ws, {
      datasetId: dataset.storeId!,
      variantId: variant.storeId!,
      total: dataset.persons.length,
      options: { source: 'model', jointPredicted: [...variant.jointPredicted] },
    });
    setRunStatus(ws, run.id, 'running');
    return run.id;
  }

  /** Stores a finished (or stopped) model run: predictions and status in one transaction. */
  finishStoredRun(
    storeRunId: number,
    variant: VariantState,
    status: 'done' | 'cancelled' | 'failed',
    predictions: { instanceIds: number[]; xyScore: Float32Array },
    latency: { medianMs: number; p95Ms: number } | null,
  ): void {
    const ws = this.requireWs();
    storeVariantResults(ws, storeRunId, { predictions, finalStatus: status });
    if (latency !== null && variant.storeId !== null) {
      const record = setVariantLatency(ws, variant.storeId, { ...latency, environment: { threads: 1, runtime: 'onnxruntime-node' } });
      variant.latency = record.latency ? { medianMs: record.latency.medianMs, p95Ms: record.latency.p95Ms } : null;
    }
    if (status !== 'done') return;
    // Scored and stored (joint errors + metrics) exactly as the CLI does it.
    const evaluation = evaluateRun(ws, storeRunId, this.requireDataset().protocol);
    const stored = readRunPredictions(ws, storeRunId);
    variant.predictions = stored.coords;
    variant.predictedCount = stored.presentCount;
    variant.failureCount = listRunFailures(ws, storeRunId).length;
    variant.status = 'ready';
    variant.error = null;
    this.applyReport(variant, evaluation.report);
  }

  failStoredRun(storeRunId: number, message: string): void {
    try {
      setRunStatus(this.requireWs(), storeRunId, 'failed', message);
    } catch {
      // already final
    }
  }

  requireDataset(): DatasetState {
    if (this.dataset === null) throw new ApiRequestError('no dataset is open: open a dataset folder first');
    return this.dataset;
  }

  requireWs(): Workspace {
    if (this.ws === null) throw new ApiRequestError('no workspace is open');
    return this.ws;
  }

  requireVariant(id: string): VariantState {
    const variant = this.variants.get(id);
    if (variant === undefined) throw new ApiRequestError(`unknown variant ${JSON.stringify(id)}`);
    return variant;
  }

  lastDataset(): { root: string; isDemo: boolean } | null {
    try {
      const state = JSON.parse(readFileSync(stateFileFor(this.config.dbPath), 'utf8')) as { lastDataset?: { root: string; isDemo: boolean } };
      if (state.lastDataset && existsSync(state.lastDataset.root)) return state.lastDataset;
    } catch {
      // no state yet
    }
    return null;
  }

  private rememberLastDataset(root: string, isDemo: boolean): void {
    const file = stateFileFor(this.config.dbPath);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ lastDataset: { root, isDemo } }, null, 2));
    } catch {
      // best effort: the app still works, it just will not reopen this folder next time
    }
  }

  private uniqueName(base: string): string {
    const ws = this.requireWs();
    let name = base;
    for (let k = 2; findVariantByName(ws, name) !== undefined; k++) name = `${base} (${k})`;
    return name;
  }

  close(): void {
    for (const run of this.runs.values()) run.controller?.abort();
    try {
      if (this.storedRefreshTimer !== null) this.refreshStoredEvaluations();
    } catch {
      // derived data: re-scored on the next open anyway
    }
    this.workbench?.close();
    this.workbench = null;
    this.ws = null;
  }
}

function jointPredictedOf(sidecar: Record<string, unknown> | null): readonly boolean[] {
  const value = sidecar?.['jointPredicted'];
  if (Array.isArray(value) && value.length === J && value.every((v) => typeof v === 'boolean')) return value as boolean[];
  return ALL_PREDICTED;
}
