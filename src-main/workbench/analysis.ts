/**
 * Issue 15 over an open workbench: why each variant's joints fail (error classes with what-if PCKh)
 * and the ground-truth review queue. The variants are scored by scoredVariants (the runs the tables
 * show, against the effective ground truth); positions are the runs' stored predictions (0-based) and
 * the effective annotations (corrections applied), head sizes from the `.mat` boxes (headSizeOfBox).
 *
 * The results are plain JSON: the CLI prints them, an API channel can return them unchanged.
 */
import path from 'node:path';
import { headSizeOfBox } from '../core/geometry.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { MatGroundTruth, PckhProtocol, PersonAnnotation } from '../core/types.ts';
import { missingGroundTruthError } from '../datasets/dataset-layout.ts';
import { imageDimensions } from '../datasets/image-dimensions.ts';
import {
  classifyErrors,
  DEFAULT_ERROR_CLASS_THRESHOLDS,
  ERROR_CLASS_NOTES,
  personsByImage,
  summarizeErrorClasses,
  type ErrorClassThresholds,
  type GroundTruthGeometry,
  type JointErrorSummary,
  type VariantErrorSummary,
} from '../evaluation/error-classes.ts';
import { reviewGroundTruth, type GtReviewOptions, type GtReviewResult, type PredictorSet } from '../evaluation/gt-review.ts';
import { effectiveAnnotations } from '../store/corrections-repo.ts';
import { readRunPredictions } from '../store/predictions-repo.ts';
import { currentRun } from '../store/runs-repo.ts';
import { listVariants } from '../store/variants-repo.ts';
import { jointPredictedOfRun } from './evaluate-run.ts';
import { scoredOutcomes, type ScoredOutcomes } from './scored-outcomes.ts';
import type { Workbench } from './workbench.ts';

const J = MPII_JOINT_COUNT;

export interface ErrorAnalysisVariant {
  readonly name: string;
  readonly pckh: number | null;
  readonly pckh_if_inversions_fixed: number | null;
  readonly pckh_if_swaps_fixed: number | null;
  readonly pckh_if_jitter_fixed: number | null;
  /** Over the 14 Mean joints. */
  readonly totals: { readonly hit: number; readonly jitter: number; readonly inversion: number; readonly swap: number; readonly miss: number };
  readonly per_joint: readonly JointErrorSummary[];
}

export interface ErrorAnalysisReport {
  readonly protocol: PckhProtocol;
  readonly persons: number;
  readonly thresholds: ErrorClassThresholds;
  readonly variants: readonly ErrorAnalysisVariant[];
  readonly notes: readonly string[];
}

export interface ErrorAnalysisOptions {
  readonly protocol: PckhProtocol;
  /** Variant names in order; default every visible variant with a finished run. */
  readonly names?: readonly string[];
  readonly thresholds?: Partial<ErrorClassThresholds>;
}

/** The ground truth's geometry in 0-based pixels (the annotations' joints; head sizes from the `.mat` boxes). */
export function groundTruthGeometry(
  annotations: readonly PersonAnnotation[],
  gt: MatGroundTruth,
): { geometry: GroundTruthGeometry; headBoxes1Based: Float64Array } {
  const persons = annotations.length;
  const joints0Based = new Float64Array(persons * J * 2).fill(Number.NaN);
  const headSizes = new Float64Array(persons);
  const b = gt.headBoxes1Based;
  annotations.forEach((person, p) => {
    person.joints.forEach((joint, j) => {
      if (joint === null) return;
      joints0Based[2 * (p * J + j)] = joint[0];
      joints0Based[2 * (p * J + j) + 1] = joint[1];
    });
    headSizes[p] = headSizeOfBox(b[4 * p]!, b[4 * p + 1]!, b[4 * p + 2]!, b[4 * p + 3]!);
  });
  return { geometry: { persons, images: annotations.map((a) => a.image), joints0Based, headSizes }, headBoxes1Based: b };
}

export function analyzeErrors(wb: Workbench, options: ErrorAnalysisOptions): ErrorAnalysisReport {
  const thresholds: ErrorClassThresholds = {
    ...DEFAULT_ERROR_CLASS_THRESHOLDS,
    ...(options.thresholds?.inversion !== undefined ? { inversion: options.thresholds.inversion, swap: options.thresholds.inversion } : {}),
    ...(options.thresholds?.swap !== undefined ? { swap: options.thresholds.swap } : {}),
    ...(options.thresholds?.jitter !== undefined ? { jitter: options.thresholds.jitter } : {}),
  };
  const scored = scoredOutcomes(wb, { protocol: options.protocol, ...(options.names !== undefined ? { names: options.names } : {}) });
  const { geometry, summaries } = errorClassSummaries(scored, thresholds);
  const variants = scored.variants.map((s, v): ErrorAnalysisVariant => ({ name: s.variant.name, ...summaries[v]! }));
  return { protocol: options.protocol, persons: geometry.persons, thresholds, variants, notes: ERROR_CLASS_NOTES };
}

/**
 * Each scored variant's error classes and what-if PCKh (analyze, the report): classifyErrors on the
 * run's own hits, summarised over its own per-person outcomes; checked against its report.
 */
export function errorClassSummaries(
  scored: ScoredOutcomes,
  thresholds: ErrorClassThresholds,
): { geometry: GroundTruthGeometry; summaries: VariantErrorSummary[] } {
  const { geometry } = groundTruthGeometry(scored.truth.annotations, scored.gt);
  const sameImage = personsByImage(geometry.images);
  const summaries = scored.variants.map((s) => {
    const classification = classifyErrors(geometry, s.predictions.coords, s.report.hits, thresholds, sameImage);
    const summary = summarizeErrorClasses(
      s.outcomes,
      classification,
      s.report.perJoint.map((j) => j.count),
    );
    // The what-if columns with nothing flipped are the report's own values (same tallies, same code).
    if (!sameNumber(summary.pckh, s.report.metrics.PCKh)) {
      throw new Error(
        `analysis: variant "${s.variant.name}": PCKh from the per-person outcomes (${summary.pckh}) differs from its report (${s.report.metrics.PCKh})`,
      );
    }
    return summary;
  });
  return { geometry, summaries };
}

const sameNumber = (a: number | null, b: number | null): boolean => a === b || (a !== null && b !== null && Object.is(a, b));

export interface GroundTruthReviewOptions extends Partial<GtReviewOptions> {
  /** Predictor names; default every variant (hidden ones included) with a finished run. */
  readonly names?: readonly string[];
  /** Read image sizes from the image headers for the outside-image check (default true). */
  readonly imageSizes?: boolean;
}

export interface GroundTruthReview extends GtReviewResult {
  readonly gt_revision: number;
}

export function reviewWorkbenchGroundTruth(wb: Workbench, options: GroundTruthReviewOptions = {}): GroundTruthReview {
  const truth = effectiveAnnotations(wb.workspace, wb.datasetRecord.id);
  if (truth.gt === null) throw missingGroundTruthError(wb.datasetRecord);
  const { geometry, headBoxes1Based } = groundTruthGeometry(truth.annotations, truth.gt);
  const wanted = options.names !== undefined && options.names.length > 0 ? new Set(options.names) : null;
  const predictors: PredictorSet[] = [];
  for (const variant of listVariants(wb.workspace, { datasetId: wb.datasetRecord.id })) {
    if (wanted !== null && !wanted.has(variant.name)) continue;
    const run = currentRun(wb.workspace, wb.datasetRecord.id, variant.id);
    if (run === undefined) continue;
    const coords = readRunPredictions(wb.workspace, run.id).coords;
    const jointPredicted = jointPredictedOfRun(run.options);
    if (jointPredicted !== undefined) {
      for (let i = 0; i < coords.length / 2; i++) {
        if (jointPredicted[i % J] === false) coords[2 * i] = coords[2 * i + 1] = Number.NaN;
      }
    }
    predictors.push({ name: variant.name, coords });
  }
  const { names: _names, imageSizes: readSizes, ...reviewOptions } = options;
  const imageSizes = readSizes === false ? undefined : knownImageSizes(wb);
  const result = reviewGroundTruth({ geometry, headBoxes1Based, predictors, ...(imageSizes !== undefined ? { imageSizes } : {}) }, reviewOptions);
  return { gt_revision: truth.gtRevision, ...result };
}

/** Sizes of the dataset's images that exist, from their headers (no decoding); unreadable ones left out. */
function knownImageSizes(wb: Workbench): Map<string, { width: number; height: number }> {
  const sizes = new Map<string, { width: number; height: number }>();
  for (const info of wb.dataset.images.values()) {
    if (!info.exists) continue;
    try {
      sizes.set(info.name, imageDimensions(path.join(wb.dataset.imagesDir, info.name)));
    } catch {
      // Not a readable JPEG/PNG header: its persons are not checked for joints outside.
    }
  }
  return sizes;
}
