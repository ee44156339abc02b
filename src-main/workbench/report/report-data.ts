/**
 * Everything a report needs about its variants, in one read-only pass: the variants scored once
 * (scored-outcomes.ts, as every analysis scores them), then the error classes (analyzeErrors' steps)
 * and calibration from those same outcomes; `statisticsData` is what loadStatisticsData builds, from
 * the same scoring, for the intervals (tested equal to `eval`, `stats` and `analyze` output).
 */
import type { PckhProtocol } from '../../core/types.ts';
import { variantCalibration, type CalibrationSummary } from '../../evaluation/calibration.ts';
import { DEFAULT_ERROR_CLASS_THRESHOLDS, type VariantErrorSummary } from '../../evaluation/error-classes.ts';
import type { PckhReport } from '../../evaluation/pckh.ts';
import type { LatencyMeasurement } from '../../store/latency-repo.ts';
import type { RunRecord } from '../../store/runs-repo.ts';
import type { VariantRecord } from '../../store/variants-repo.ts';
import { errorClassSummaries } from '../analysis.ts';
import type { RunManifest } from '../run-manifest.ts';
import { scoredOutcomes } from '../scored-outcomes.ts';
import { statisticsDataFrom, type StatisticsData } from '../statistics.ts';
import type { Workbench } from '../workbench.ts';

export interface ReportVariantData {
  readonly variant: VariantRecord;
  readonly run: RunRecord;
  readonly report: PckhReport;
  readonly manifest: RunManifest | null;
  /** The latency the variant shows (scoredVariants' choice: shownLatencyMeasurement). */
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
  const { summaries } = errorClassSummaries(scored, DEFAULT_ERROR_CLASS_THRESHOLDS);
  const variants = scored.variants.map((s, v): ReportVariantData => {
    const overall = variantCalibration(s.outcomes, s.predictions.scores).overall;
    return {
      variant: s.variant,
      run: s.run,
      report: s.report,
      manifest: s.manifest,
      latency: s.latency,
      errors: summaries[v]!,
      calibration: overall !== null && overall.n > 0 ? overall : null,
    };
  });
  return { variants, statisticsData: () => statisticsDataFrom(wb.workspace.file, protocol, scored) };
}
