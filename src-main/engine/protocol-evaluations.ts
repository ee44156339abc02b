/**
 * A variant's PCKh under a protocol, from its in-memory predictions and the effective ground truth.
 * The dataset's own protocol is kept on the variant (`variant.evaluation`); the other protocol is
 * computed on first request and cached per (variant, protocol), valid while the GT revision and the
 * prediction and joint-predicted arrays are the same objects (a new run or edit replaces them).
 */
import type { PckhProtocol } from '../core/types.ts';
import { buildPckhInputs, computePckh } from '../evaluation/pckh.ts';
import { evaluationFromReport } from './evaluation-adapter.ts';
import type { DatasetState, VariantEvaluation, VariantState } from './view-model.ts';

interface CachedEvaluation {
  readonly gtRevision: number;
  readonly predictions: Float32Array;
  readonly jointPredicted: readonly boolean[];
  readonly evaluation: VariantEvaluation;
}

export class ProtocolEvaluations {
  /** Keyed `${variantId}|${protocol}`. */
  private readonly cache = new Map<string, CachedEvaluation>();

  /** PCKh of a variant with predictions (null without predictions or a gt `.mat`). */
  compute(dataset: DatasetState, variant: VariantState, protocol: PckhProtocol): VariantEvaluation | null {
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

  /** The variant's evaluation under `protocol`: its own for the dataset's protocol, else cached. */
  under(dataset: DatasetState, variant: VariantState, protocol: PckhProtocol): VariantEvaluation | null {
    if (protocol === dataset.protocol || variant.evaluation === null || variant.predictions === null) return variant.evaluation;
    const key = `${variant.id}|${protocol}`;
    const gtRevision = dataset.summary.gtRevision;
    const cached = this.cache.get(key);
    if (
      cached !== undefined &&
      cached.gtRevision === gtRevision &&
      cached.predictions === variant.predictions &&
      cached.jointPredicted === variant.jointPredicted
    ) {
      return cached.evaluation;
    }
    const evaluation = this.compute(dataset, variant, protocol);
    if (evaluation === null) return null;
    this.cache.set(key, { gtRevision, predictions: variant.predictions, jointPredicted: variant.jointPredicted, evaluation });
    return evaluation;
  }

  /** Drops every cached report (another dataset, or the ground truth changed). */
  clear(): void {
    this.cache.clear();
  }
}
