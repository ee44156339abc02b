/**
 * Everything a report needs about its variants, in ONE read-only pass per variant: the run's stored
 * predictions read once, scored once (buildPckhInputs + computePckh, as evaluateRun does), then the
 * per-(person, joint) outcomes, error classes and calibration from that same report.
 *
 * Why not scoredVariants + loadStatisticsData + analyzeErrors: each of those scores every variant again
 * through evaluateRun, which also rewrites the run's 47k per-joint error rows; three times over 8
 * variants that is seconds, for a report that must take < 1 s and should not write to the workspace.
 * The numbers are the same functions' (tested equal to `eval`, `stats` and `analyze` output): the
 * variants are chosen as scoredVariants chooses them, the error classes are analyzeErrors' steps, and
 * `statisticsData` is the StatisticsData that loadStatisticsData would build, handed to
 * variantStatistics for the intervals.
 */
import { MPII_JOINT_COUNT } from '../../core/joints.ts';
import type { PckhProtocol } from '../../core/types.ts';
import { missingGroundTruthError } from '../../datasets/dataset-layout.ts';
import { variantCalibration, type CalibrationSummary } from '../../evaluation/calibration.ts';
import { classifyErrors, DEFAULT_ERROR_CLASS_THRESHOLDS, personsByImage, summarizeErrorClasses, type VariantErrorSummary } from '../../evaluation/error-classes.ts';
import { buildPckhInputs, computePckh, type PckhReport } from '../../evaluation/pckh.ts';
import { personJointOutcomes } from '../../evaluation/person-tallies.ts';
import { gtInsideCrop, headSizes, personsPerImage } from '../../evaluation/strata.ts';
import { effectiveAnnotations } from '../../store/corrections-repo.ts';
import { listLatencyMeasurements, type LatencyMeasurement } from '../../store/latency-repo.ts';
import { readRunPredictions } from '../../store/predictions-repo.ts';
import { currentRun, type RunRecord } from '../../store/runs-repo.ts';
import { listVariants, type VariantRecord } from '../../store/variants-repo.ts';
import { groundTruthGeometry } from '../analysis.ts';
import { jointPredictedOfRun } from '../evaluate-run.ts';
import { manifestOf, type RunManifest } from '../run-manifest.ts';
import type { StatisticsData, StatisticsVariant } from '../statistics.ts';
import { variantByName } from '../variant-management.ts';
import type { Workbench } from '../workbench.ts';

export interface ReportVariantData {
  readonly variant: VariantRecord;
  readonly run: RunRecord;
  readonly report: PckhReport;
  readonly manifest: RunManifest | null;
  /** Newest latency measurement (scoredVariants' choice). */
  readonly latency: LatencyMeasurement | null;
  readonly errors: VariantErrorSummary;
  /** The 14 Mean joints pooled; null when no finite score was stored. */
  readonly calibration: CalibrationSummary | null;
}

export interface ReportData {
  readonly variants: readonly ReportVariantData[];
  /** For variantStatistics (--ci): the same shape loadStatisticsData builds (its strata inputs made on demand). */
  statisticsData(): StatisticsData;
}

/** scoredVariants' selection: the named variants in order, else every visible one; those with a current run. */
function chooseVariants(wb: Workbench, names: readonly string[] | undefined): { variant: VariantRecord; run: RunRecord }[] {
  const records = names !== undefined && names.length > 0
    ? names.map((name) => variantByName(wb, name))
    : listVariants(wb.workspace, { datasetId: wb.datasetRecord.id }).filter((v) => !v.hidden);
  return records.flatMap((variant) => {
    const run = currentRun(wb.workspace, wb.datasetRecord.id, variant.id);
    return run === undefined ? [] : [{ variant, run }];
  });
}

export function loadReportData(wb: Workbench, protocol: PckhProtocol, names?: readonly string[]): ReportData {
  const chosen = chooseVariants(wb, names);
  const truth = effectiveAnnotations(wb.workspace, wb.datasetRecord.id);
  if (truth.gt === null) throw missingGroundTruthError(wb.datasetRecord);
  const gt = truth.gt;
  const { geometry } = groundTruthGeometry(truth.annotations, gt);
  const sameImage = personsByImage(geometry.images);
  let gtPositions: Float64Array | null = null;
  const statisticsVariants: StatisticsVariant[] = [];
  const variants = chosen.map(({ variant, run }): ReportVariantData => {
    const predictions = readRunPredictions(wb.workspace, run.id);
    const jointPredicted = jointPredictedOfRun(run.options);
    const inputs = buildPckhInputs({ protocol, persons: truth.annotations, gt, predictions0Based: predictions.coords, ...(jointPredicted ? { jointPredicted } : {}) });
    const report = computePckh(inputs);
    gtPositions ??= inputs.gtPositions1Based;
    const outcomes = personJointOutcomes(inputs, report);
    statisticsVariants.push({ name: variant.name, report, outcomes, scores: predictions.scores });
    const classification = classifyErrors(geometry, predictions.coords, report.hits, DEFAULT_ERROR_CLASS_THRESHOLDS, sameImage);
    const overall = variantCalibration(outcomes, predictions.scores).overall;
    return {
      variant,
      run,
      report,
      manifest: manifestOf(run.manifest),
      latency: listLatencyMeasurements(wb.workspace, variant.id)[0] ?? null,
      errors: summarizeErrorClasses(outcomes, classification, report.perJoint.map((j) => j.count)),
      calibration: overall !== null && overall.n > 0 ? overall : null,
    };
  });
  const persons = truth.annotations.length;
  const positions = gtPositions as Float64Array | null;
  return {
    variants,
    statisticsData: () => ({
      workspaceFile: wb.workspace.file,
      protocol,
      persons,
      variants: statisticsVariants,
      headSizes: headSizes(gt.headBoxes1Based, persons),
      personsPerImage: personsPerImage(truth.annotations.map((a) => a.image)),
      insideCrop: positions === null ? new Uint8Array(persons * MPII_JOINT_COUNT) : gtInsideCrop(truth.annotations, positions),
    }),
  };
}
