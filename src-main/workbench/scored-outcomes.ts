/**
 * The per-(person, joint) outcomes of every scored variant, rebuilt from its stored predictions
 * against the effective ground truth: what the statistics (intervals, McNemar, calibration, strata)
 * and the error classes both start from, loaded one way.
 */
import type { MatGroundTruth, PckhProtocol } from '../core/types.ts';
import { missingGroundTruthError } from '../datasets/dataset-layout.ts';
import { personJointOutcomes, type PersonJointOutcomes } from '../evaluation/person-tallies.ts';
import { effectiveAnnotations, type EffectiveGroundTruth } from '../store/corrections-repo.ts';
import { scoredVariants, type ScoredVariant } from './scored-variants.ts';
import type { Workbench } from './workbench.ts';

export interface ScoredVariantOutcomes extends ScoredVariant {
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
  const truth = effectiveAnnotations(wb.workspace, wb.datasetRecord.id);
  if (truth.gt === null) throw missingGroundTruthError(wb.datasetRecord);
  const gt = truth.gt;
  const scored = scoredVariants(wb, { protocol: options.protocol, truth, ...(options.names !== undefined ? { names: options.names } : {}) });
  const variants = scored.map((s): ScoredVariantOutcomes => ({ ...s, outcomes: personJointOutcomes(s.inputs, s.report) }));
  return { truth, gt, variants };
}
