/**
 * Runs: model variants × the open dataset, through the inference pipeline, with progress events,
 * ETA and cancellation. Predictions are committed to the workspace every few persons (small
 * transactions), so a crash or quit loses at most those; starting the variant again resumes its
 * unfinished stored run without redoing finished persons. A finished run is scored exactly as the CLI
 * does it (workbench/evaluate-run.ts).
 */
import { ApiRequestError, type RunSummary } from '../../api/contract.ts';
import { benchSessionRun } from '../../inference/engine/latency-bench.ts';
import { inspectModel, type ModelInfo } from '../../inference/engine/model-inspect.ts';
import { cropCacheRunOption } from '../../inference/engine/crop-cache.ts';
import { runModelsOverDataset } from '../../inference/engine/run-pipeline.ts';
import { predictedInstanceIds } from '../../store/predictions-repo.ts';
import { batchedPredictionWriter } from '../../workbench/batched-prediction-writer.ts';
import { latestRun, recordRunFailure, reopenRunForFailedInstances, setRunStatus } from '../../store/runs-repo.ts';
import type { EmitEvent } from './engine-server.ts';
import type { EngineSession } from './session.ts';
import type { VariantState } from './view-model.ts';

const PROGRESS_INTERVAL_MS = 200;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type RunEntry = Mutable<RunSummary> & { controller?: AbortController };

export class RunManager {
  private nextRun = 1;
  private readonly modelInfo = new Map<string, ModelInfo>();
  private readonly active = new Set<Promise<void>>();

  constructor(
    private readonly session: EngineSession,
    private readonly emit: EmitEvent,
  ) {}

  async addModel(modelPath: string, name: string | undefined): Promise<VariantState> {
    this.session.requireDataset();
    const info = await inspectModel(modelPath);
    const variant = this.session.addModelVariant(modelPath, name, {
      jointPredicted: info.jointPredicted,
      head: info.head,
      width: info.input.width,
      height: info.input.height,
    });
    this.modelInfo.set(variant.id, info);
    return variant;
  }

  /** The model's inspection (input size, head, joints), inspected once per variant. */
  async modelInfoFor(variant: VariantState): Promise<ModelInfo> {
    let info = this.modelInfo.get(variant.id);
    if (info === undefined) {
      info = await inspectModel(variant.sourcePath);
      this.modelInfo.set(variant.id, info);
    }
    return info;
  }

  list(): RunSummary[] {
    return [...this.session.runs.values()].map(publicSummary).reverse();
  }

  start(variantIds: readonly string[]): RunSummary {
    const dataset = this.session.requireDataset();
    const variants = variantIds.map((id) => this.session.requireVariant(id));
    for (const v of variants) {
      if (v.kind !== 'model') throw new ApiRequestError(`variant "${v.name}" holds imported predictions; only model variants can be run`);
      if (v.status === 'running') throw new ApiRequestError(`variant "${v.name}" is already running`);
    }
    const id = `r${this.nextRun++}`;
    const entry: RunEntry = {
      id,
      variantIds: variants.map((v) => v.id),
      status: 'running',
      done: 0,
      total: dataset.persons.length,
      failed: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      etaSeconds: null,
      error: null,
      controller: new AbortController(),
    };
    this.session.runs.set(id, entry);
    for (const v of variants) {
      v.status = 'running';
      v.error = null;
    }
    const job = this.execute(entry, variants).finally(() => this.active.delete(job));
    this.active.add(job);
    this.emit('workspace:changed', { reason: 'run started' });
    return publicSummary(entry);
  }

  cancel(runId: string): RunSummary {
    const entry = this.session.runs.get(runId);
    if (entry === undefined) throw new ApiRequestError(`unknown run ${JSON.stringify(runId)}`);
    entry.controller?.abort();
    return publicSummary(entry);
  }

  cancelAll(): void {
    for (const entry of this.session.runs.values()) entry.controller?.abort();
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.active]);
  }

  /** The variant's unfinished stored run (stopped, failed or cut off by a crash) to resume, if any. */
  private resumableRun(variant: VariantState): number | null {
    const ws = this.session.requireWs();
    const dataset = this.session.requireDataset();
    if (dataset.storeId === null || variant.storeId === null) return null;
    const previous = latestRun(ws, dataset.storeId, variant.storeId);
    if (previous === undefined) return null;
    if (previous.status === 'done') {
      // As `posebench eval` does: a finished run with failed persons (an image restored or replaced
      // since) tries just those again; a complete one is run again from scratch, as a new run.
      return reopenRunForFailedInstances(ws, previous.id) > 0 ? previous.id : null;
    }
    if (previous.status !== 'running') setRunStatus(ws, previous.id, 'running');
    return previous.id;
  }

  private async execute(entry: RunEntry, variants: VariantState[]): Promise<void> {
    const dataset = this.session.requireDataset();
    const storeRuns: number[] = [];
    const finished: Set<number>[] = [];
    let lastProgress = 0;
    try {
      const models: ModelInfo[] = [];
      for (const v of variants) {
        models.push(await this.modelInfoFor(v));
        const resumed = this.resumableRun(v);
        const storeRun = resumed ?? this.session.beginStoredRun(v);
        storeRuns.push(storeRun);
        finished.push(resumed === null ? new Set() : predictedInstanceIds(this.session.requireWs(), storeRun));
      }
      const writer = batchedPredictionWriter(() => this.session.requireWs(), storeRuns);
      const summary = await runModelsOverDataset({
        models,
        persons: dataset.persons,
        imagesDir: dataset.imagesDir,
        signal: entry.controller!.signal,
        ...cropCacheRunOption(this.session.config.cacheDir),
        skip: (entryIndex, m) => finished[m]!.has(this.session.instanceIds[entryIndex] ?? -1),
        onResult: (result) => {
          const instanceId = this.session.instanceIds[result.entryIndex];
          if (instanceId !== undefined) writer.add(result.modelIndex, instanceId, result.keypoints);
        },
        onFailure: (failure) => {
          entry.failed += 1;
          // Stored per run, so the variant's failure count (and the CLI) name the same instances.
          const instanceId = this.session.instanceIds[failure.entryIndex];
          if (instanceId === undefined) return;
          const slots = failure.modelIndex === undefined ? variants.map((_, m) => m) : [failure.modelIndex];
          for (const m of slots) {
            recordRunFailure(this.session.requireWs(), storeRuns[m]!, instanceId, `${failure.image} (entry ${failure.entryIndex}): ${failure.reason}`);
          }
        },
        onProgress: (progress) => {
          entry.done = progress.done;
          entry.etaSeconds = Number.isFinite(progress.etaSeconds) ? progress.etaSeconds : null;
          const now = Date.now();
          if (now - lastProgress < PROGRESS_INTERVAL_MS && progress.done < progress.total) return;
          lastProgress = now;
          this.emit('run:progress', {
            runId: entry.id,
            variantId: variants[0]!.id,
            done: progress.done,
            total: progress.total,
            failed: entry.failed,
            etaSeconds: entry.etaSeconds,
            instancesPerSecond: progress.imagesPerSecond,
          });
        },
      });
      writer.flushAll();
      const status = summary.cancelled ? 'cancelled' : 'done';
      let variantErrors = 0;
      for (let m = 0; m < variants.length; m++) {
        const variant = variants[m]!;
        // Everything is already committed; this only closes the run (and scores it when done).
        const instanceIds: number[] = [];
        const xyScore = new Float32Array(0);
        // Latency: the bare single-thread session.run, as the study reports it (model only). A model
        // whose outputs fail the checks (NaN, shape) has no latency; its failed persons are stored.
        const latency = status === 'done' ? await benchSessionRun(models[m]!, { runs: 20, warmup: 3 }).catch(() => null) : null;
        try {
          this.session.finishStoredRun(storeRuns[m]!, variant, status, { instanceIds, xyScore }, latency);
        } catch (error) {
          // One variant's store/scoring failure must not lose the other variants' results.
          variantErrors += 1;
          const message = error instanceof Error ? error.message : String(error);
          this.session.failStoredRun(storeRuns[m]!, message);
          variant.status = 'failed';
          variant.error = message;
          entry.error = message;
          continue;
        }
        if (status === 'cancelled') variant.status = variant.evaluation !== null ? 'ready' : 'pending';
      }
      if (variantErrors === variants.length) throw new Error(entry.error ?? 'run failed');
      entry.status = status === 'cancelled' ? 'cancelled' : 'finished';
    } catch (error) {
      entry.status = 'failed';
      entry.error = error instanceof Error ? error.message : String(error);
      for (const storeRunId of storeRuns) this.session.failStoredRun(storeRunId, entry.error);
      for (const v of variants) {
        v.status = 'failed';
        v.error = entry.error;
      }
    } finally {
      entry.finishedAt = new Date().toISOString();
      entry.etaSeconds = null;
      delete entry.controller;
      this.emit('run:finished', publicSummary(entry));
      this.emit('workspace:changed', { reason: `run ${entry.status}` });
    }
  }
}

function publicSummary(entry: RunEntry): RunSummary {
  const { controller: _controller, ...summary } = entry;
  return { ...summary, variantIds: [...summary.variantIds] };
}
