/**
 * Every variant of the open dataset scored from its current run (the run its numbers come from),
 * against the effective ground truth, under one protocol. The one entry point for analyses that
 * several hosts show (statistics, error classes, ground-truth review, reports): the CLI calls it on a
 * workbench, the engine on its open one, and both get the same per-(person, joint) hits and errors.
 */
import type { PckhProtocol } from '../core/types.ts';
import type { PckhReport } from '../evaluation/pckh.ts';
import { shownLatencyMeasurement, type LatencyMeasurement } from '../store/latency-repo.ts';
import { currentRun, type RunRecord } from '../store/runs-repo.ts';
import { listVariants, type VariantRecord } from '../store/variants-repo.ts';
import { scoreRun } from './evaluate-run.ts';
import { effectiveAnnotations, type EffectiveGroundTruth } from '../store/corrections-repo.ts';
import type { RunPredictions } from '../store/predictions-repo.ts';
import type { PckhInputs } from '../evaluation/pckh-inputs.ts';
import { manifestOf, type RunManifest } from './run-manifest.ts';
import { variantByName } from './variant-management.ts';
import type { Workbench } from './workbench.ts';

export interface ScoredVariant {
  readonly variant: VariantRecord;
  readonly run: RunRecord;
  /** N×16 normalised errors and hits (report.normalizedErrors, report.hits) included. */
  readonly report: PckhReport;
  /** The run's stored predictions and the protocol's inputs the report was computed from. */
  readonly predictions: RunPredictions;
  readonly inputs: PckhInputs;
  readonly manifest: RunManifest | null;
  /** The latency the variant shows (shownLatencyMeasurement; null: imported predictions, or none taken). */
  readonly latency: LatencyMeasurement | null;
}

export interface ScoredVariantsOptions {
  readonly protocol: PckhProtocol;
  /** Only these variants, in this order (by name); default: every visible variant with a finished run. */
  readonly names?: readonly string[];
  /** Include hidden variants when no names are given. */
  readonly includeHidden?: boolean;
  /** The effective ground truth the caller already read (one read per call: a consistent revision). */
  readonly truth?: EffectiveGroundTruth;
}

export function scoredVariants(wb: Workbench, options: ScoredVariantsOptions): ScoredVariant[] {
  const records =
    options.names !== undefined && options.names.length > 0
      ? options.names.map((name) => variantByName(wb, name))
      : listVariants(wb.workspace, { datasetId: wb.datasetRecord.id }).filter((v) => options.includeHidden === true || !v.hidden);
  const scored: ScoredVariant[] = [];
  // Read-only: the effective ground truth once, each run scored in memory (nothing rewritten).
  const truth = options.truth ?? effectiveAnnotations(wb.workspace, wb.datasetRecord.id);
  for (const variant of records) {
    const run = currentRun(wb.workspace, wb.datasetRecord.id, variant.id);
    if (run === undefined) continue;
    const { report, predictions, inputs } = scoreRun(wb.workspace, run.id, options.protocol, truth);
    scored.push({
      variant,
      run,
      report,
      predictions,
      inputs,
      manifest: manifestOf(run.manifest),
      latency: shownLatencyMeasurement(wb.workspace, variant.id, run.identityKey) ?? null,
    });
  }
  return scored;
}
