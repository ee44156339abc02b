/**
 * The per-(person, joint) outcomes of every scored variant, rebuilt from its stored predictions
 * against the effective ground truth: what the statistics (intervals, McNemar, calibration, strata)
 * and the error classes both start from, loaded one way.
 */
import type { MatGroundTruth, PckhProtocol } from '../core/types.ts';
import { missingGroundTruthError } from '../datasets/dataset-layout.ts';
import { buildPckhInputs } from '../evaluation/pckh.ts';
import type { PckhInputs } from '../evaluation/pckh-inputs.ts';
import { personJointOutcomes, type PersonJointOutcomes } from '../evaluation/person-tallies.ts';
import { effectiveAnnotations, type EffectiveGroundTruth } from '../store/corrections-repo.ts';
import { readRunPredictions, type RunPredictions } from '../store/predictions-repo.ts';
import { jointPredictedOfRun } from './evaluate-run.ts';
import { scoredVariants, type ScoredVariant } from './scored-variants.ts';
import type { Workbench } from './workbench.ts';

export interface ScoredVariantOutcomes extends ScoredVariant {
  readonly predictions: RunPredictions;
  /** The protocol's inputs for this run (the same ones its report was computed from). */
  readonly inputs: PckhInputs;
  /** The scored report's own per-(person, joint) hits and distances. */
  readonly outcomes: PersonJointOutcomes;
}

export interface ScoredOutcomes {
  readonly truth: EffectiveGroundTruth;
  readonly gt: MatGroundTruth;
  readonly variants: readonly ScoredVariantOutcomes[];
}

export interface ScoredOutcomesOptions {
  readonly protocol: PckhProtocol;
  /** Variant names, in order; default: every visible variant with a finished run. */
  readonly names?: readonly string[];
}

export function scoredOutcomes(wb: Workbench, options: ScoredOutcomesOptions): ScoredOutcomes {
  const scored = scoredVariants(wb, { protocol: options.protocol, ...(options.names !== undefined ? { names: options.names } : {}) });
  const truth = effectiveAnnotations(wb.workspace, wb.datasetRecord.id);
  if (truth.gt === null) throw missingGroundTruthError(wb.datasetRecord);
  const gt = truth.gt;
  const variants = scored.map((s): ScoredVariantOutcomes => {
    const predictions = readRunPredictions(wb.workspace, s.run.id);
    const jointPredicted = jointPredictedOfRun(s.run.options);
    const inputs = buildPckhInputs({
      protocol: options.protocol,
      persons: truth.annotations,
      gt,
      predictions0Based: predictions.coords,
      ...(jointPredicted ? { jointPredicted } : {}),
    });
    return { ...s, predictions, inputs, outcomes: personJointOutcomes(inputs, s.report) };
  });
  return { truth, gt, variants };
}
