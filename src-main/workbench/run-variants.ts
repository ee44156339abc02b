/**
 * The one orchestration of model runs (issue 11), used by the CLI (`eval --model`), the engine process
 * behind the app and `posebench serve`, and the benchmarks. For each model variant asked for:
 *
 * 1. its identity (run-identity.ts): the model bytes' sha256, the effective options, the code and
 *    runtime versions;
 * 2. what to do with the newest stored run of that identity: none (or `rerun`) → a new run; finished
 *    with failed persons → try just those again; finished → reuse it; stopped, failed or cut off → resume
 *    it without redoing its committed persons. A run of another identity is never reused: it stays in
 *    the history, and the variant's numbers come from the new run once it is done;
 * 3. one pass of the inference pipeline over the dataset for every variant that has persons to run
 *    (each image decoded once), predictions committed in small batches;
 * 4. each finished run scored (evaluate-run.ts) and its manifest completed;
 * 5. the single-thread `session.run` latency of every variant whose run ran now or that has no
 *    latency for this identity yet, interleaved across the variants (latency-bench.ts).
 * Progress reaches the caller only through `onEvent`.
 */
import type { PckhProtocol } from '../core/types.ts';
import { cropCacheRunOption } from '../inference/runtime/crop-cache.ts';
import type { ModelInfo } from '../inference/runtime/model-inspect.ts';
import { benchSessionRunsInterleaved, onnxruntimeVersion, type LatencyDistribution } from '../inference/runtime/latency-bench.ts';
import { runModelsOverDataset, type PipelineProgress, type PipelineSummary } from '../inference/runtime/run-pipeline.ts';
import { effectiveAnnotations } from '../store/corrections-repo.ts';
import { addLatencyMeasurement, latestLatencyMeasurement, type LatencyMeasurement } from '../store/latency-repo.ts';
import { predictedInstanceIds } from '../store/predictions-repo.ts';
import {
  createRun,
  getRun,
  latestRunWithIdentity,
  listRunFailures,
  listRunWarnings,
  markRunCurrent,
  recordRunFailure,
  recordRunWarning,
  type RunWarning,
  reopenRunForFailedInstances,
  setRunManifest,
  setRunStatus,
  type RunRecord,
} from '../store/runs-repo.ts';
import { getVariant, type VariantRecord } from '../store/variants-repo.ts';
import { batchedPredictionWriter } from './batched-prediction-writer.ts';
import { evaluateRun, type RunEvaluation } from './evaluate-run.ts';
import { digestFile, type FileDigest } from './file-digest.ts';
import { inspectModelCached } from './model-variants.ts';
import { machineInfo, manifestOf, modelRunManifest, type RunManifest } from './run-manifest.ts';
import { decoderOptionsFrom, identityKey, modelRunIdentity, withDecoderOptions, type ModelRunIdentity } from './run-identity.ts';
import type { Workbench } from './workbench.ts';

/** Bare `session.run` timings per variant after warm-up (issue 11: a distribution, not one number). */
export const DEFAULT_LATENCY_RUNS = 50;
export const DEFAULT_LATENCY_WARMUP = 5;

export interface RunModelVariantsRequest {
  /** Workspace ids of model variants. */
  readonly variantIds: readonly number[];
  /** Protocol the finished runs are scored (and their manifests labelled) under. */
  readonly protocol: PckhProtocol;
  /** false: decode and warp every image even if earlier runs cached its crops (default: use the cache). */
  readonly cropCache?: boolean;
  /** The crop cache's folder when the host keeps it elsewhere than the workbench's default. */
  readonly cacheDir?: string;
  /** 0 skips measuring latency. */
  readonly latencyRuns?: number;
  /** Start new runs even where a finished run of the same identity exists. */
  readonly rerun?: boolean;
}

export type PlannedAction = 'new' | 'resume' | 'retry-failed' | 'reuse';

export interface PlannedVariant {
  readonly variantId: number;
  readonly name: string;
  readonly runId: number;
  readonly action: PlannedAction;
  /** Persons this request runs for the variant (0 when reused). */
  readonly toRun: number;
  readonly total: number;
}

export type RunVariantsEvent =
  | { readonly type: 'planned'; readonly variants: readonly PlannedVariant[] }
  | { readonly type: 'progress'; readonly progress: PipelineProgress }
  | {
      readonly type: 'failure';
      /** The variants the failure concerns (every variant run, when the image itself failed). */
      readonly variantIds: readonly number[];
      readonly entryIndex: number;
      readonly image: string;
      /** One line: `IMAGE (entry N): reason`. */
      readonly message: string;
    }
  | { readonly type: 'warning'; readonly variantId: number | null; readonly message: string }
  | { readonly type: 'variantDone'; readonly result: ModelVariantRunResult };

export interface ModelVariantRunResult {
  readonly variant: VariantRecord;
  readonly model: ModelInfo;
  readonly run: RunRecord;
  readonly action: PlannedAction;
  readonly status: 'done' | 'cancelled' | 'failed';
  /** The run scored under the request's protocol (null unless done and scorable). */
  readonly evaluation: RunEvaluation | null;
  /** Why the variant has no numbers (its run failed, or it could not be scored). */
  readonly error: string | null;
  readonly failedInstances: number;
  readonly manifest: RunManifest | null;
  /** The newest latency measurement of this identity (null: none could be taken). */
  readonly latency: LatencyMeasurement | null;
  /** Persons scored with a warning (their image is damaged), in dataset order. */
  readonly warnings: readonly RunWarning[];
}

export interface RunModelVariantsOutcome {
  readonly results: readonly ModelVariantRunResult[];
  readonly cancelled: boolean;
  /** The pass over the dataset (null when every variant was reused): decodes, cache hits, timings. */
  readonly pipeline: PipelineSummary | null;
}

export interface ModelVariantIdentity {
  readonly digest: FileDigest;
  /** The model as it runs: sidecar decoder options with the variant's explicit ones over them. */
  readonly model: ModelInfo;
  readonly identity: ModelRunIdentity;
  readonly key: string;
}

/** What a run of this model variant would be identified by now (the model file is hashed if it changed). */
export async function modelVariantIdentity(wb: Workbench, variant: VariantRecord, ortVersion?: string): Promise<ModelVariantIdentity> {
  const digest = await digestFile(variant.sourcePath, wb.workspace);
  const model = withDecoderOptions(await inspectModelCached(variant.sourcePath, digest.sha256), decoderOptionsFrom(variant.decoderOptions));
  const identity = modelRunIdentity(model, digest.sha256, ortVersion ?? (await onnxruntimeVersion()));
  return { digest, model, identity, key: identityKey(identity) };
}

interface Plan {
  variant: VariantRecord;
  model: ModelInfo;
  key: string;
  run: RunRecord;
  action: PlannedAction;
  done: Set<number>;
  manifest: RunManifest;
}

export async function runModelVariants(
  wb: Workbench,
  request: RunModelVariantsRequest,
  onEvent: (event: RunVariantsEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<RunModelVariantsOutcome> {
  const ws = wb.workspace;
  const datasetId = wb.datasetRecord.id;
  const truth = effectiveAnnotations(ws, datasetId);
  const instanceIdByEntry = new Map(truth.instances.map((instance) => [instance.entryIndex, instance.id]));
  const total = truth.annotations.length;
  const ortVersion = await onnxruntimeVersion();

  const plans: Plan[] = [];
  for (const variantId of request.variantIds) {
    const variant = getVariant(ws, variantId);
    if (variant.kind !== 'model') throw new Error(`variant "${variant.name}" holds imported predictions; only model variants can be run`);
    const { digest, model, identity, key } = await modelVariantIdentity(wb, variant, ortVersion);
    const previous = request.rerun === true ? undefined : latestRunWithIdentity(ws, datasetId, variant.id, key);
    let action: PlannedAction;
    let run: RunRecord;
    if (previous === undefined) {
      action = 'new';
      const manifest = modelRunManifest({
        identity,
        identityKey: key,
        model,
        bytes: digest.bytes,
        protocol: request.protocol,
        dataset: wb.datasetRecord,
        gtRevision: truth.gtRevision,
        persons: total,
      });
      run = createRun(ws, {
        datasetId,
        variantId: variant.id,
        total,
        options: { jointPredicted: [...model.jointPredicted] },
        identityKey: key,
        manifest: { ...manifest },
      });
    } else if (previous.status === 'done') {
      action = listRunFailures(ws, previous.id).length > 0 ? 'retry-failed' : 'reuse';
      run = previous;
    } else {
      action = 'resume';
      run = previous;
    }
    const manifest =
      manifestOf(run.manifest) ??
      modelRunManifest({
        identity,
        identityKey: key,
        model,
        bytes: digest.bytes,
        protocol: request.protocol,
        dataset: wb.datasetRecord,
        gtRevision: truth.gtRevision,
        persons: total,
      });
    plans.push({ variant, model, key, run, action, done: action === 'new' ? new Set() : predictedInstanceIds(ws, run.id), manifest });
  }

  for (const plan of plans) if (plan.action === 'reuse') markRunCurrent(ws, plan.run.id);
  const toRun = plans.filter((plan) => plan.action !== 'reuse');
  onEvent({
    type: 'planned',
    variants: plans.map((plan) => ({
      variantId: plan.variant.id,
      name: plan.variant.name,
      runId: plan.run.id,
      action: plan.action,
      toRun: plan.action === 'reuse' ? 0 : total - plan.done.size,
      total,
    })),
  });

  let cancelled = false;
  let pipeline: PipelineSummary | null = null;
  if (toRun.length > 0) {
    for (const plan of toRun) {
      if (plan.action === 'retry-failed') reopenRunForFailedInstances(ws, plan.run.id);
      else setRunStatus(ws, plan.run.id, 'running');
    }
    const writer = batchedPredictionWriter(
      () => ws,
      toRun.map((plan) => plan.run.id),
    );
    const personsByImage = new Map<string, number[]>();
    for (const person of truth.annotations) {
      const list = personsByImage.get(person.image);
      if (list === undefined) personsByImage.set(person.image, [person.entryIndex]);
      else list.push(person.entryIndex);
    }
    const summary = await runModelsOverDataset({
      models: toRun.map((plan) => plan.model),
      persons: truth.annotations,
      imagesDir: wb.dataset.imagesDir,
      ...cropCacheRunOption(request.cropCache === false ? undefined : (request.cacheDir ?? wb.cacheDir)),
      skip: (entryIndex, slot) => toRun[slot]!.done.has(instanceIdByEntry.get(entryIndex) ?? -1),
      onResult: (result) => {
        const instanceId = instanceIdByEntry.get(result.entryIndex);
        if (instanceId !== undefined) writer.add(result.modelIndex, instanceId, result.keypoints);
      },
      onFailure: (failure) => {
        const instanceId = instanceIdByEntry.get(failure.entryIndex);
        const slots = failure.modelIndex === undefined ? toRun.map((_, slot) => slot) : [failure.modelIndex];
        const message = `${failure.image} (entry ${failure.entryIndex}): ${failure.reason}`;
        if (instanceId !== undefined) for (const slot of slots) recordRunFailure(ws, toRun[slot]!.run.id, instanceId, message);
        onEvent({ type: 'failure', variantIds: slots.map((slot) => toRun[slot]!.variant.id), entryIndex: failure.entryIndex, image: failure.image, message });
      },
      onWarning: (warning) => {
        // Every person of the image is scored but flagged, in every run that used the image.
        const message = `${warning.image} (entry ${warning.entryIndex}): ${warning.message}`;
        for (const person of personsByImage.get(warning.image) ?? []) {
          const instanceId = instanceIdByEntry.get(person);
          if (instanceId === undefined) continue;
          for (const plan of toRun) if (!plan.done.has(instanceId)) recordRunWarning(ws, plan.run.id, instanceId, 'image-damaged', message);
        }
        onEvent({ type: 'warning', variantId: null, message });
      },
      onProgress: (progress) => onEvent({ type: 'progress', progress }),
      ...(signal ? { signal } : {}),
    });
    writer.flushAll();
    pipeline = summary;
    cancelled = summary.cancelled;
    for (const plan of toRun) setRunStatus(ws, plan.run.id, cancelled ? 'cancelled' : 'done');
  }

  // Latency, interleaved across the variants that need it (before scoring: the numbers then go out
  // together with their latency in each variantDone event).
  const latencyRuns = request.latencyRuns ?? DEFAULT_LATENCY_RUNS;
  const latency = new Map<Plan, { stats: LatencyDistribution } | { error: string }>();
  if (!cancelled && latencyRuns > 0) {
    const needing = plans.filter((plan) => plan.action !== 'reuse' || latestLatencyMeasurement(ws, plan.variant.id, plan.key) === undefined);
    const measured = await benchSessionRunsInterleaved(
      needing.map((plan) => plan.model),
      { runs: latencyRuns, warmup: DEFAULT_LATENCY_WARMUP },
    );
    needing.forEach((plan, index) => {
      const outcome = measured[index]!;
      if (outcome.ok) {
        latency.set(plan, { stats: outcome.stats });
        storeLatency(wb, plan, outcome.stats, ortVersion);
      } else {
        latency.set(plan, { error: outcome.error });
        onEvent({ type: 'warning', variantId: plan.variant.id, message: `${plan.variant.name}: latency not measured (${outcome.error})` });
      }
    });
  }

  const results: ModelVariantRunResult[] = [];
  for (const plan of plans) {
    const run = getRun(ws, plan.run.id);
    const failures = listRunFailures(ws, run.id).length;
    const measuredLatency = latency.get(plan);
    const manifest: RunManifest = {
      ...plan.manifest,
      finishedAt: run.finishedAt,
      personsDone: predictedInstanceIds(ws, run.id).size,
      personsFailed: failures,
      ...(measuredLatency === undefined
        ? {}
        : 'stats' in measuredLatency
          ? { latency: manifestLatency(measuredLatency.stats), latencyError: null }
          : { latency: null, latencyError: measuredLatency.error }),
    };
    if (plan.action !== 'reuse' || measuredLatency !== undefined) setRunManifest(ws, run.id, { ...manifest });
    let evaluation: RunEvaluation | null = null;
    let error: string | null = null;
    const status = run.status === 'done' ? 'done' : run.status === 'failed' ? 'failed' : 'cancelled';
    if (status === 'done') {
      try {
        evaluation = evaluateRun(ws, run.id, request.protocol);
      } catch (scoreError) {
        error = scoreError instanceof Error ? scoreError.message : String(scoreError);
      }
    }
    const result: ModelVariantRunResult = {
      variant: getVariant(ws, plan.variant.id),
      model: plan.model,
      run: getRun(ws, run.id),
      action: plan.action,
      status,
      evaluation,
      error,
      failedInstances: failures,
      manifest,
      latency: latestLatencyMeasurement(ws, plan.variant.id, plan.key) ?? null,
      warnings: listRunWarnings(ws, run.id),
    };
    results.push(result);
    onEvent({ type: 'variantDone', result });
  }
  return { results, cancelled, pipeline };
}

function manifestLatency(stats: LatencyDistribution): RunManifest['latency'] {
  return { n: stats.n, warmup: stats.warmup, medianMs: stats.medianMs, p5Ms: stats.p5Ms, p95Ms: stats.p95Ms, iqrMs: stats.p75Ms - stats.p25Ms };
}

function storeLatency(wb: Workbench, plan: Plan, stats: LatencyDistribution, ortVersion: string): void {
  addLatencyMeasurement(wb.workspace, {
    variantId: plan.variant.id,
    runId: plan.run.id,
    identityKey: plan.key,
    modelSha256: plan.manifest.source.sha256,
    ...stats,
    environment: latencyEnvironment(ortVersion),
  });
}

/** Where a latency figure was taken (stored with it; shown in the variant's latency history). */
export function latencyEnvironment(ortVersion: string): Record<string, unknown> {
  return { ...machineInfo(), onnxruntimeNode: ortVersion, node: process.version, intraOpNumThreads: 1, interOpNumThreads: 1 };
}
