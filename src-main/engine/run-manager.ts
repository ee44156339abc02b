/**
 * Runs in the engine: ids, cancellation, the already-running check and progress events. The work
 * itself is the one orchestration every host uses (workbench/run-variants.ts): run identity, reuse
 * and resume rules, the pipeline, scoring, latency and manifests are the CLI's, line for line.
 */
import { UserError } from '../core/errors.ts';
import { type AddModelResult, type RunPlanItem, type RunSummary } from '../api/contract.ts';
import type { VariantDecoderOptions } from '../core/types.ts';
import { addModelVariant } from '../workbench/model-variants.ts';
import { describeDecoderOptions } from '../workbench/run-identity.ts';
import { runModelVariants, type RunVariantsEvent } from '../workbench/run-variants.ts';
import type { EmitEvent } from './engine-server.ts';
import { variantSummary } from './queries.ts';
import type { EngineSession } from './session.ts';
import type { VariantState } from './view-model.ts';

const PROGRESS_INTERVAL_MS = 200;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type RunEntry = Mutable<RunSummary> & { controller?: AbortController };

export class RunManager {
  private nextRun = 1;
  private readonly active = new Set<Promise<void>>();
  /** Every run of this engine's life, by id (newest listed first). */
  private readonly entries = new Map<string, RunEntry>();

  constructor(
    private readonly session: EngineSession,
    private readonly emit: EmitEvent,
  ) {}

  /** Lists a model (with options) as a variant; says so when that model with those options is already listed. */
  async addModel(modelPath: string, name: string | undefined, decoderOptions: VariantDecoderOptions = {}): Promise<AddModelResult> {
    this.session.requireDataset();
    const added = await addModelVariant(this.session.requireWorkbench(), { modelFile: modelPath, name, decoderOptions });
    const variant = added.created ? this.session.reloadVariant(added.variant.id) : this.session.requireVariant(`v${added.variant.id}`);
    const options = describeDecoderOptions(decoderOptions);
    const message = added.created
      ? `Added ${variant.name}${options ? ` (${options})` : ''}`
      : `${added.model.name}${options ? ` with ${options}` : ''} is already listed as "${variant.name}"; nothing was added`;
    return { variant: variantSummary(variant), created: added.created, message };
  }

  list(): RunSummary[] {
    return [...this.entries.values()].map(publicSummary).reverse();
  }

  start(variantIds: readonly string[], rerun = false): RunSummary {
    const dataset = this.session.requireDataset();
    const variants = variantIds.map((id) => this.session.requireVariant(id));
    for (const v of variants) {
      if (v.kind !== 'model') throw new UserError('bad-request', `variant "${v.name}" holds imported predictions; only model variants can be run`);
      if (v.status === 'running') throw new UserError('conflict', `variant "${v.name}" is already running`);
    }
    const id = `r${this.nextRun++}`;
    const entry: RunEntry = {
      id,
      variantIds: variants.map((v) => v.id),
      plan: [],
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
    this.entries.set(id, entry);
    for (const v of variants) {
      v.status = 'running';
      v.error = null;
    }
    const job = this.execute(entry, variants, rerun).finally(() => this.active.delete(job));
    this.active.add(job);
    this.emit('workspace:changed', { reason: 'run started' });
    return publicSummary(entry);
  }

  cancel(runId: string): RunSummary {
    const entry = this.entries.get(runId);
    if (entry === undefined) throw new UserError('not-found', `unknown run ${JSON.stringify(runId)}`);
    entry.controller?.abort();
    return publicSummary(entry);
  }

  cancelAll(): void {
    for (const entry of this.entries.values()) entry.controller?.abort();
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.active]);
  }

  private async execute(entry: RunEntry, variants: VariantState[], rerun: boolean): Promise<void> {
    let lastProgress = 0;
    const onEvent = (event: RunVariantsEvent): void => {
      switch (event.type) {
        case 'planned':
          entry.plan = event.variants.map((planned): RunPlanItem => ({
            variantId: `v${planned.variantId}`,
            variantName: planned.name,
            action: planned.action,
            toRun: planned.toRun,
            total: planned.total,
          }));
          entry.total = Math.max(0, ...event.variants.map((planned) => planned.toRun));
          this.emit('workspace:changed', { reason: 'run planned' });
          return;
        case 'progress': {
          const progress = event.progress;
          entry.done = progress.done;
          entry.total = progress.total;
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
          return;
        }
        case 'failure':
          entry.failed += 1;
          return;
        case 'warning':
          // Shown on the variant (e.g. its latency could not be measured) without failing it.
          if (event.variantId !== null) {
            const variant = this.session.variants.get(`v${event.variantId}`);
            if (variant !== undefined) variant.error = event.message;
          }
          return;
        case 'variantDone':
          this.session.adoptRunResult(event.result);
          return;
      }
    };
    try {
      const dataset = this.session.requireDataset();
      const outcome = await runModelVariants(
        this.session.requireWorkbench(),
        { variantIds: variants.map((v) => v.storeId!), protocol: dataset.protocol, cacheDir: this.session.config.cacheDir, rerun },
        onEvent,
        entry.controller!.signal,
      );
      const unscored = outcome.results.filter((result) => result.status === 'done' && result.error !== null);
      if (unscored.length > 0) entry.error = unscored.map((result) => `${result.variant.name}: ${result.error}`).join('; ');
      entry.status = outcome.cancelled ? 'cancelled' : unscored.length === outcome.results.length ? 'failed' : 'finished';
      if (entry.plan.every((item) => item.action === 'reuse')) entry.done = entry.total;
    } catch (error) {
      entry.status = 'failed';
      entry.error = error instanceof Error ? error.message : String(error);
      for (const v of variants) {
        const reloaded = v.storeId === null ? v : this.session.reloadVariant(v.storeId);
        reloaded.status = 'failed';
        reloaded.error = entry.error;
      }
    } finally {
      for (const v of variants) {
        const current = this.session.variants.get(v.id);
        if (current !== undefined && current.status === 'running') current.status = current.evaluation !== null ? 'ready' : 'pending';
      }
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
  return { ...summary, variantIds: [...summary.variantIds], plan: [...summary.plan] };
}
