/**
 * Evaluation of a COCO keypoint results file against a COCO dataset folder: pycocotools' ten numbers
 * (evaluation/coco-oks-eval.ts), the per-keypoint answers (evaluation/coco-keypoint-analysis.ts) and
 * the per-group / per-keypoint AP of mmpose's KeypointPartitionMetric (evaluation/coco-partition-ap.ts).
 * The one function every host calls for these numbers (the CLI's eval and qc, the engine's COCO views).
 *
 * Results are kept in the workspace by workbench/coco-variants.ts; this module only evaluates.
 */
import type { InputWarning } from '../core/errors.ts';
import { detectCocoDataset, openCocoDataset, type OpenedCocoDataset } from '../datasets/coco-dataset.ts';
import { analyzeCocoKeypoints, type KeypointAnalysis } from '../evaluation/coco-keypoint-analysis.ts';
import {
  apPerThreshold,
  cocoResultsToDetections,
  evaluateCocoKeypoints,
  OKS_THRESHOLDS,
  precisionCurve,
  type CocoKeypointStats,
} from '../evaluation/coco-oks-eval.ts';
import { cocoPersonOutcomes, type CocoPersonOutcome } from '../evaluation/coco-person-outcomes.ts';
import { keypointGroups, partitionStats, type PartitionInput } from '../evaluation/coco-partition-ap.ts';
import type { CocoResultsFile } from '../formats/coco-keypoints.ts';
import { readCocoResultsFile } from './coco-variants.ts';

export { detectCocoDataset, openCocoDataset, type OpenedCocoDataset };

export interface CocoPartitionResult {
  readonly name: string;
  readonly keypoints: readonly string[];
  readonly stats: CocoKeypointStats;
}

export interface CocoEvaluationReport {
  readonly predictionsFile: string;
  readonly category: string;
  readonly keypoints: readonly string[];
  readonly sigmaSource: 'file' | 'coco';
  /** GT persons that count in the 'all' area range (not crowd, num_keypoints > 0). */
  readonly instances: number;
  /** Detections of the keypoint category in the results file. */
  readonly detections: number;
  /** pycocotools' stats (fractions; −1 where it gives −1). */
  readonly stats: CocoKeypointStats;
  /** AP (area all) at each OKS threshold 0.50:0.05:0.95 (−1 where no GT counts); its mean is `stats.AP`. */
  readonly apByThreshold: readonly number[];
  /** Interpolated precision at the 101 recall points, area all, at OKS 0.5 and 0.75 (−1 where no GT counts). */
  readonly precisionCurves: readonly { readonly threshold: number; readonly precision: readonly number[] }[];
  readonly analysis: KeypointAnalysis;
  /** Per GT person (the annotation file's keypoint-category order): match, OKS, KS and class per keypoint. */
  readonly outcomes: readonly CocoPersonOutcome[];
  /** AP restricted to each single keypoint (KeypointPartitionMetric with one keypoint), or null when not computed. */
  readonly keypointStats: readonly CocoKeypointStats[] | null;
  /** face / arms / legs for COCO-17 names (none on other sets), or null when not computed. */
  readonly groups: readonly CocoPartitionResult[] | null;
  readonly warnings: readonly InputWarning[];
}

export interface CocoEvaluationOptions {
  /** Compute the partition APs (one more COCOeval per keypoint and per group). Default true. */
  readonly partitions?: boolean;
}

export function evaluateCocoPredictions(dataset: OpenedCocoDataset, predictionsFile: string, options: CocoEvaluationOptions = {}): CocoEvaluationReport {
  return evaluateCocoResults(dataset, predictionsFile, readCocoResultsFile(dataset, predictionsFile).parsed, options);
}

/** The same report for results already in memory (a model run, or a parsed file). */
export function evaluateCocoResults(
  dataset: OpenedCocoDataset,
  source: string,
  results: Pick<CocoResultsFile, 'results' | 'areaFromBbox' | 'warnings'>,
  options: CocoEvaluationOptions = {},
): CocoEvaluationReport {
  const { annotations, sigmas } = dataset;
  const imageIds = annotations.images.map((im) => im.id);
  const evaluation = evaluateCocoKeypoints({
    imageIds,
    gts: annotations.annotations,
    dts: cocoResultsToDetections(results.results, results.areaFromBbox),
    sigmas,
  });
  const names = annotations.category.keypoints;
  const analysis = analyzeCocoKeypoints(evaluation, names, sigmas);
  const outcomes = cocoPersonOutcomes(evaluation, annotations.annotations, names, sigmas);
  let keypointStats: CocoKeypointStats[] | null = null;
  let groups: CocoPartitionResult[] | null = null;
  if (options.partitions !== false) {
    const input: PartitionInput = { imageIds, gts: annotations.annotations, results: results.results, sigmas };
    keypointStats = names.map((_, k) => partitionStats(input, [k]));
    groups = keypointGroups(names).map((group) => ({
      name: group.name,
      keypoints: group.indices.map((k) => names[k]!),
      stats: partitionStats(input, group.indices),
    }));
  }
  return {
    predictionsFile: source,
    category: annotations.category.name,
    keypoints: names,
    sigmaSource: dataset.sigmaSource,
    instances: analysis.persons,
    detections: results.results.length,
    stats: evaluation.stats,
    apByThreshold: apPerThreshold(evaluation),
    precisionCurves: [0.5, 0.75].map((threshold) => ({ threshold, precision: precisionCurve(evaluation, OKS_THRESHOLDS.indexOf(threshold)) })),
    analysis,
    outcomes,
    keypointStats,
    groups,
    warnings: [...results.warnings],
  };
}
