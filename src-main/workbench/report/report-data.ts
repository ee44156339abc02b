/**
 * Everything a report needs about its variants, in one read-only pass: the variants scored once
 * (scored-outcomes.ts, as every analysis scores them), then the error classes (analyzeErrors' steps)
 * and calibration from those same outcomes; `statisticsData` is what loadStatisticsData builds, from
 * the same scoring, for the intervals (tested equal to `eval`, `stats` and `analyze` output).
 */
import type { PckhProtocol } from '../../core/types.ts';
import { variantCalibration, type CalibrationSummary } from '../../evaluation/calibration.ts';
import {
  classifyErrors,
  DEFAULT_ERROR_CLASS_THRESHOLDS,
  personsByImage,
  summarizeErrorClasses,
  type VariantErrorSummary,
} from '../../evaluation/error-classes.ts';
import type { PckhReport } from '../../evaluation/pckh.ts';
import type { LatencyMeasurement } from '../../store/latency-repo.ts';
import type { RunRecord } from '../../store/runs-repo.ts';
import type { VariantRecord } from '../../store/variants-repo.ts';
import { groundTruthGeometry } from '../analysis.ts';
import type { RunManifest } from '../run-manifest.ts';
import { scoredOutcomes } from '../scored-outcomes.ts';
import { statisticsDataFrom, type StatisticsData } from '../statistics.ts';
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

export function loadReportData(wb: Workbench, protocol: PckhProtocol, names?: readonly string[]): ReportData {
  const scored = scoredOutcomes(wb, { protocol, ...(names !== undefined ? { names } : {}) });
  const { truth, gt } = scored;
  const { geometry } = groundTruthGeometry(truth.annotations, gt);
  const sameImage = personsByImage(geometry.images);
  const variants = scored.variants.map((s): ReportVariantData => {
    const classification = classifyErrors(geometry, s.predictions.coords, s.report.hits, DEFAULT_ERROR_CLASS_THRESHOLDS, sameImage);
    const overall = variantCalibration(s.outcomes, s.predictions.scores).overall;
    return {
      variant: s.variant,
      run: s.run,
      report: s.report,
      manifest: s.manifest,
      latency: s.latency,
      errors: summarizeErrorClasses(
        s.outcomes,
        classification,
        s.report.perJoint.map((j) => j.count),
      ),
      calibration: overall !== null && overall.n > 0 ? overall : null,
    };
  });
  return { variants, statisticsData: () => statisticsDataFrom(wb.workspace.file, protocol, scored) };
}
