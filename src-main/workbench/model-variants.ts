/**
 * ONNX models as variants: inspect, run over the dataset (resuming unfinished runs), measure the
 * single-thread latency, score and store (issue 3 items 5–7).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { PckhProtocol } from '../core/types.ts';
import { cropCacheRunOption } from '../inference/engine/crop-cache.ts';
import { inspectModel, type ModelInfo } from '../inference/engine/model-inspect.ts';
import { benchSessionRun, environmentInfo } from '../inference/engine/latency-bench.ts';
import { runModelsOverDataset, type PipelineProgress } from '../inference/engine/run-pipeline.ts';
import { listInstances } from '../store/datasets-repo.ts';
import { predictedInstanceIds } from '../store/predictions-repo.ts';
import { batchedPredictionWriter } from './batched-prediction-writer.ts';
import { createRun, latestRun, listRunFailures, recordRunFailure, reopenRunForFailedInstances, setRunStatus, type RunRecord } from '../store/runs-repo.ts';
import { createVariant, findVariantByName, getVariant, setVariantLatency, type VariantRecord } from '../store/variants-repo.ts';
import { evaluateRun, type RunEvaluation } from './evaluate-run.ts';
import type { Workbench } from './workbench.ts';


export interface EvaluateModelsOptions {
  readonly modelFiles: readonly string[];
  /** Variant names in model order (default: the model file's base name). */
  readonly names?: readonly string[];
  readonly protocol: PckhProtocol;
  readonly flipTest?: boolean;
  /** Latency runs for the stored single-thread `session.run` figure (0 skips measuring). */
  readonly latencyRuns?: number;
  readonly onProgress?: ((progress: PipelineProgress) => void) | undefined;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** false: decode and warp every image even if earlier runs cached its crops (default: use the cache). */
  readonly cropCache?: boolean;
}

export interface ModelVariantResult extends RunEvaluation {
  readonly variant: VariantRecord;
  readonly model: ModelInfo;
  readonly failedInstances: number;
  readonly cancelled: boolean;
}

/** What identifies a run's output: the model bytes (size + mtime) and the options that change predictions. */
function runOptionsFor(model: ModelInfo, flipTest: boolean): Record<string, unknown> {
  const stat = statSync(model.file);
  return {
    modelFile: model.file,
    modelSize: stat.size,
    modelMtimeMs: Math.round(stat.mtimeMs),
    flipTest,
    jointPredicted: [...model.jointPredicted],
  };
}

function sameRunOptions(run: RunRecord, wanted: Record<string, unknown>): boolean {
  const have = run.options ?? {};
  return ['modelFile', 'modelSize', 'modelMtimeMs', 'flipTest'].every((key) => have[key] === wanted[key]);
}

function variantForModel(wb: Workbench, model: ModelInfo, requestedName: string | undefined): VariantRecord {
  const ws = wb.workspace;
  const baseName = requestedName ?? model.name;
  for (let attempt = 1; ; attempt += 1) {
    const name = attempt === 1 ? baseName : `${baseName} (${attempt})`;
    const existing = findVariantByName(ws, name);
    if (existing === undefined) {
      return createVariant(ws, {
        name,
        kind: 'model',
        sourcePath: model.file,
        datasetId: wb.datasetRecord.id,
        headType: model.head,
        inputSize: { width: model.input.width, height: model.input.height },
        sidecar: { keypoints: [...model.keypoints], input: model.input, decoder: model.decoder, headFrom: model.headFrom },
      });
    }
    if (existing.kind === 'model' && existing.sourcePath === model.file) return existing;
  }
}

export async function evaluateModelVariants(wb: Workbench, options: EvaluateModelsOptions): Promise<ModelVariantResult[]> {
  const ws = wb.workspace;
  const log = options.log ?? (() => {});
  const flipTest = options.flipTest === true;
  const models: ModelInfo[] = [];
  for (const file of options.modelFiles) models.push(await inspectModel(path.resolve(file)));

  const instances = listInstances(ws, wb.datasetRecord.id);
  const instanceIdByEntry = new Map(instances.map((instance) => [instance.entryIndex, instance.id]));
  const variants = models.map((model, index) => variantForModel(wb, model, options.names?.[index]));

  // Resume an unfinished run of the same model bytes and options; reuse a finished one (trying its
  // failed persons again: a missing image may have been restored); else start anew.
  const runs = models.map((model, index) => {
    const wanted = runOptionsFor(model, flipTest);
    const previous = latestRun(ws, wb.datasetRecord.id, variants[index]!.id);
    if (previous && sameRunOptions(previous, wanted) && previous.status !== 'failed') return previous;
    return createRun(ws, { datasetId: wb.datasetRecord.id, variantId: variants[index]!.id, total: instances.length, options: wanted });
  });
  const done = runs.map((run) => predictedInstanceIds(ws, run.id));
  const retried = runs.map((run) => (run.status === 'done' ? listRunFailures(ws, run.id).length : 0));
  const toRun = runs.map((run, index) => (run.status !== 'done' || retried[index]! > 0 ? index : -1)).filter((index) => index >= 0);

  let cancelled = false;
  if (toRun.length > 0) {
    for (const index of toRun) {
      const run = runs[index]!;
      if (retried[index]! > 0) reopenRunForFailedInstances(ws, run.id);
      else if (run.status !== 'running') setRunStatus(ws, run.id, 'running');
      const remaining = instances.length - done[index]!.size;
      const how = retried[index]! > 0 ? ' (trying the failed ones again)' : done[index]!.size > 0 ? ' (resuming)' : '';
      log(`${variants[index]!.name}: ${remaining} of ${instances.length} persons to run${how}`);
    }
    const writer = batchedPredictionWriter(() => ws, toRun.map((index) => runs[index]!.id));
    const summary = await runModelsOverDataset({
      models: toRun.map((index) => models[index]!),
      persons: wb.dataset.persons,
      imagesDir: wb.dataset.imagesDir,
      flipTest,
      ...cropCacheRunOption(options.cropCache === false ? undefined : wb.cacheDir),
      skip: (entryIndex, slot) => done[toRun[slot]!]!.has(instanceIdByEntry.get(entryIndex) ?? -1),
      onResult: (result) => writer.add(result.modelIndex, instanceIdByEntry.get(result.entryIndex)!, result.keypoints),
      onFailure: (failure) => {
        const instanceId = instanceIdByEntry.get(failure.entryIndex);
        if (instanceId === undefined) return;
        const slots = failure.modelIndex === undefined ? toRun.map((_, slot) => slot) : [failure.modelIndex];
        for (const slot of slots) recordRunFailure(ws, runs[toRun[slot]!]!.id, instanceId, failure.reason);
        log(`warning: ${failure.image} (entry ${failure.entryIndex}): ${failure.reason}`);
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    writer.flushAll();
    cancelled = summary.cancelled;
    for (const index of toRun) setRunStatus(ws, runs[index]!.id, cancelled ? 'cancelled' : 'done');
  }

  // Single-thread latency of session.run, stored with the variant for the speed/accuracy views.
  const latencyRuns = options.latencyRuns ?? 20;
  if (latencyRuns > 0 && !cancelled) {
    const environment = await environmentInfo();
    for (const [index, model] of models.entries()) {
      if (variants[index]!.latency !== null && runs[index]!.status === 'done' && !toRun.includes(index)) continue;
      let stats;
      try {
        stats = await benchSessionRun(model, { runs: latencyRuns, warmup: 3 });
      } catch (error) {
        // A model whose outputs fail the checks (NaN, shape) already failed its persons; its latency
        // stays unknown, and the other models' reports must still come out.
        log(`warning: ${model.file}: latency not measured (${error instanceof Error ? error.message : String(error)})`);
        continue;
      }
      variants[index] = setVariantLatency(ws, variants[index]!.id, { medianMs: stats.medianMs, p95Ms: stats.p95Ms, environment: { ...environment, runs: stats.runs, meanMs: stats.meanMs } });
    }
  }

  return models.map((model, index) => {
    const run = runs[index]!;
    const evaluation = evaluateRun(ws, run.id, options.protocol);
    return {
      ...evaluation,
      variant: getVariant(ws, variants[index]!.id),
      model,
      failedInstances: listRunFailures(ws, run.id).length,
      cancelled,
    };
  });
}
