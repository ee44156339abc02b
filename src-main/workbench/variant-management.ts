/**
 * Managing variants, the same from the app and the CLI (issue 11): rename, hide/show, set decoder
 * options (a new run identity: the next run is a new one, earlier runs stay in the history), remove
 * (with its runs, predictions and latency history), re-measure latency, and read a variant's history.
 */
import type { VariantDecoderOptions } from '../core/types.ts';
import { PosebenchInputError } from '../core/errors.ts';
import { benchSessionRunsInterleaved, onnxruntimeVersion } from '../inference/runtime/latency-bench.ts';
import { addLatencyMeasurement, listLatencyMeasurements, type LatencyMeasurement } from '../store/latency-repo.ts';
import { currentRun, listRunFailures, listRuns, listRunWarnings, type RunFailure, type RunRecord, type RunWarning } from '../store/runs-repo.ts';
import {
  deleteVariant,
  findVariantByName,
  getVariant,
  listVariants,
  renameVariant,
  setVariantDecoderOptions,
  setVariantHidden,
  variantFootprint,
  type VariantRecord,
} from '../store/variants-repo.ts';
import { decoderOptionsFrom, describeDecoderOptions } from './run-identity.ts';
import { DEFAULT_LATENCY_RUNS, DEFAULT_LATENCY_WARMUP, latencyEnvironment, modelVariantIdentity } from './run-variants.ts';
import { manifestOf, type RunManifest } from './run-manifest.ts';
import type { Workbench } from './workbench.ts';

/** A variant of the open dataset by name (CLI) — one line naming the workspace's variants when absent. */
export function variantByName(wb: Workbench, name: string): VariantRecord {
  const found = findVariantByName(wb.workspace, name);
  if (found !== undefined && (found.datasetId === null || found.datasetId === wb.datasetRecord.id)) return found;
  const names = listVariants(wb.workspace, { datasetId: wb.datasetRecord.id }).map((v) => `"${v.name}"`);
  throw new PosebenchInputError({ file: wb.workspace.file }, `no variant named "${name}" for this dataset (variants: ${names.join(', ') || 'none'})`);
}

export function renameVariantTo(wb: Workbench, variantId: number, name: string): VariantRecord {
  return renameVariant(wb.workspace, variantId, name);
}

export function setVariantVisibility(wb: Workbench, variantId: number, hidden: boolean): VariantRecord {
  return setVariantHidden(wb.workspace, variantId, hidden);
}

/** New explicit decoder options for a model variant; the numbers shown stay those of its last run until it runs again. */
export function setVariantOptions(wb: Workbench, variantId: number, options: VariantDecoderOptions): VariantRecord {
  const variant = getVariant(wb.workspace, variantId);
  if (variant.kind !== 'model')
    throw new PosebenchInputError({ file: variant.sourcePath }, `"${variant.name}" holds imported predictions: decoder options apply to model variants only`);
  return setVariantDecoderOptions(wb.workspace, variantId, { ...options });
}

export interface RemovedVariant {
  readonly name: string;
  readonly runs: number;
  readonly predictions: number;
  readonly latencyMeasurements: number;
}

/** Deletes a variant with everything it produced; its model or prediction file is not touched. */
export function removeVariant(wb: Workbench, variantId: number): RemovedVariant {
  const variant = getVariant(wb.workspace, variantId);
  const footprint = variantFootprint(wb.workspace, variantId);
  deleteVariant(wb.workspace, variantId);
  return { name: variant.name, ...footprint };
}

export function describeRemoval(removed: RemovedVariant): string {
  return `removed "${removed.name}" with ${removed.runs} run${removed.runs === 1 ? '' : 's'}, ${removed.predictions} stored predictions and ${removed.latencyMeasurements} latency measurement${removed.latencyMeasurements === 1 ? '' : 's'} (its file was not touched)`;
}

/**
 * Why a model variant's numbers are not from what would run now, or null: its current run's
 * identity against the current one (model bytes, options, code, runtime). Imported predictions are
 * never stale (each import is its own run).
 */
export async function variantStaleness(wb: Workbench, variant: VariantRecord): Promise<string | null> {
  if (variant.kind !== 'model') return null;
  const run = currentRun(wb.workspace, wb.datasetRecord.id, variant.id);
  if (run === undefined || run.identityKey === null) return null;
  let now;
  try {
    now = await modelVariantIdentity(wb, variant);
  } catch (error) {
    return `the model cannot be read now (${error instanceof Error ? error.message : String(error)})`;
  }
  if (now.key === run.identityKey) return null;
  const manifest = manifestOf(run.manifest);
  if (manifest !== null && manifest.source.sha256 !== now.identity.modelSha256) return 'the model file changed since its last run: run it again';
  if (manifest !== null && JSON.stringify(manifest.decoder) !== JSON.stringify(now.identity.decoder))
    return 'decoder options changed since its last run: run it again';
  return 'posebench or onnxruntime changed since its last run: run it again';
}

/** Re-measures a model variant's single-thread latency now and keeps it in its history. */
export async function measureVariantLatency(wb: Workbench, variantId: number, runs = DEFAULT_LATENCY_RUNS): Promise<LatencyMeasurement> {
  const variant = getVariant(wb.workspace, variantId);
  if (variant.kind !== 'model')
    throw new PosebenchInputError({ file: variant.sourcePath }, `"${variant.name}" holds imported predictions: there is no model to time`);
  const ortVersion = await onnxruntimeVersion();
  const { model, identity, key } = await modelVariantIdentity(wb, variant, ortVersion);
  const [outcome] = await benchSessionRunsInterleaved([model], { runs, warmup: DEFAULT_LATENCY_WARMUP });
  if (outcome === undefined || !outcome.ok) {
    throw new PosebenchInputError({ file: variant.sourcePath }, `latency not measured: ${outcome?.ok === false ? outcome.error : 'no result'}`);
  }
  return addLatencyMeasurement(wb.workspace, {
    variantId,
    runId: null,
    identityKey: key,
    modelSha256: identity.modelSha256,
    ...outcome.stats,
    environment: latencyEnvironment(ortVersion),
  });
}

export interface VariantHistory {
  readonly variant: VariantRecord;
  readonly optionsLabel: string;
  readonly runs: readonly {
    readonly run: RunRecord;
    readonly manifest: RunManifest | null;
    readonly current: boolean;
    readonly failures: readonly RunFailure[];
    readonly warnings: readonly RunWarning[];
  }[];
  readonly latency: readonly LatencyMeasurement[];
  readonly footprint: ReturnType<typeof variantFootprint>;
}

/** A variant's runs (newest first, with manifests) and latency history. */
export function variantHistory(wb: Workbench, variantId: number): VariantHistory {
  const variant = getVariant(wb.workspace, variantId);
  const current = currentRun(wb.workspace, wb.datasetRecord.id, variantId);
  const runs = listRuns(wb.workspace, { datasetId: wb.datasetRecord.id, variantId })
    .reverse()
    .map((run) => ({
      run,
      manifest: manifestOf(run.manifest),
      current: run.id === current?.id,
      failures: listRunFailures(wb.workspace, run.id),
      warnings: listRunWarnings(wb.workspace, run.id),
    }));
  return {
    variant,
    optionsLabel: describeDecoderOptions(decoderOptionsFrom(variant.decoderOptions)),
    runs,
    latency: listLatencyMeasurements(wb.workspace, variantId),
    footprint: variantFootprint(wb.workspace, variantId),
  };
}
