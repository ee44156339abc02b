/**
 * The engine's workspace session: the opened dataset, its variants and runs, in memory for fast UI
 * queries and in the SQLite workspace for durability (predictions per run; evaluations are recomputed
 * from them on open, which takes milliseconds).
 *
 * Engine-side glue over the core (datasets, evaluation, formats, store, inference). The orchestration
 * layer `src-main/workbench/` may take this over; until then it lives here.
 */
import { UserError } from '../core/errors.ts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type DatasetSummary, type LatencySummary, type RunSummary, type WorkspaceState } from '../api/contract.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { PckhProtocol } from '../core/types.ts';
import { buildPckhInputs, computePckh, type PckhReport } from '../evaluation/pckh.ts';
import { effectiveAnnotations } from '../store/corrections-repo.ts';
import { readRunPredictions } from '../store/predictions-repo.ts';
import { latestLatencyMeasurement, type LatencyMeasurement } from '../store/latency-repo.ts';
import { currentRun, listRunFailures } from '../store/runs-repo.ts';
import { getVariant, listVariants, type VariantRecord } from '../store/variants-repo.ts';
import type { Workspace } from '../store/workspace.ts';
import { evaluateRun, jointPredictedOfRun } from '../workbench/evaluate-run.ts';
import { decoderOptionsFrom, describeDecoderOptions } from '../workbench/run-identity.ts';
import type { ModelVariantRunResult } from '../workbench/run-variants.ts';
import { importPredictionsVariant } from '../workbench/import-variant.ts';
import { openWorkbench, type Workbench } from '../workbench/workbench.ts';
import { evaluationFromReport } from './evaluation-adapter.ts';
import type { EmitEvent } from './engine-server.ts';
import type { EngineConfig } from './protocol.ts';
import { stateFileFor } from '../store/workspace-path.ts';
import type { DatasetState, VariantEvaluation, VariantState } from './view-model.ts';
import type { OpenedDataset } from '../datasets/open-dataset.ts';

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

  /** The in-memory state of a stored variant: its current run's predictions, scored; its newest latency. */
  loadStoredVariant(record: VariantRecord): VariantState {
    const ws = this.requireWs();
    const dataset = this.requireDataset();
    const run = currentRun(ws, dataset.storeId!, record.id);
    const jointPredicted = (run ? jointPredictedOfRun(run.options) : undefined) ?? jointPredictedOf(record.sidecar);
    const previous = this.variants.get(`v${record.id}`);
    const variant: VariantState = {
      id: `v${record.id}`,
      storeId: record.id,
      name: record.name,
      kind: record.kind === 'model' ? 'model' : 'predictions',
      sourcePath: record.sourcePath,
      status: run ? 'ready' : 'pending',
      error: null,
      latency: latencySummary(latestLatencyMeasurement(ws, record.id, run?.identityKey ?? undefined) ?? latestLatencyMeasurement(ws, record.id)),
      hidden: record.hidden,
      optionsLabel: describeDecoderOptions(decoderOptionsFrom(record.decoderOptions)),
      stale: previous?.stale ?? null,
      currentRunId: run?.id ?? null,
      currentIdentityKey: run?.identityKey ?? null,
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
      const run = currentRun(ws, dataset.storeId, variant.storeId);
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
    return currentRun(this.requireWs(), dataset.storeId, variant.storeId)?.id ?? null;
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

  importPredictionsFile(file: string, name: string | undefined, coordinateBase: 0 | 1): { variant: VariantState; action: 'new' | 'reuse' | 'replaced' } {
    const dataset = this.requireDataset();
    if (this.workbench === null) throw new UserError('conflict', 'no workspace is open');
    const imported = importPredictionsVariant(this.workbench, { file, coordinateBase, protocol: dataset.protocol, name });
    const variant = this.reloadVariant(imported.variant.id);
    this.applyReport(variant, imported.report);
    return { variant, action: imported.action };
  }

  applyReport(variant: VariantState, report: PckhReport): void {
    variant.evaluation = evaluationFromReport(report);
  }

  requireDataset(): DatasetState {
    if (this.dataset === null) throw new UserError('conflict', 'no dataset is open: open a dataset folder first');
    return this.dataset;
  }

  requireWorkbench(): Workbench {
    if (this.workbench === null) throw new UserError('conflict', 'no workspace is open');
    return this.workbench;
  }

  /** Visible variants (hidden ones leave every table, chart and filter), scored under `protocol`. */
  visibleScoredVariants(protocol: PckhProtocol): VariantState[] {
    return this.scoredVariants(protocol).filter((variant) => !variant.hidden);
  }

  requireWs(): Workspace {
    if (this.ws === null) throw new UserError('conflict', 'no workspace is open');
    return this.ws;
  }

  requireVariant(id: string): VariantState {
    const variant = this.variants.get(id);
    if (variant === undefined) throw new UserError('not-found', `unknown variant ${JSON.stringify(id)}`);
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

function latencySummary(measurement: LatencyMeasurement | undefined): LatencySummary | null {
  if (measurement === undefined) return null;
  return {
    medianMs: measurement.medianMs,
    p5Ms: measurement.p5Ms,
    p25Ms: measurement.p25Ms,
    p75Ms: measurement.p75Ms,
    p95Ms: measurement.p95Ms,
    n: measurement.n,
  };
}
