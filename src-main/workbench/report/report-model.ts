/**
 * The paper-ready report (issue 16 item 4), built once from an open workbench; the renderers
 * (render-markdown/latex/csv/html.ts) only format it, so every format shows the same numbers.
 *
 * Where each number comes from (one code path per number, the one the other commands use; the variants
 * are read and scored once, read-only, by report-data.ts):
 *  - PCKh columns, per joint, the 51-threshold curve and its AUC: computePckh over the variant's
 *    current run under the protocol (what `eval --format json` prints);
 *  - the MPII toolkit's Head / UBody columns: evaluation/mpii-toolkit-columns.ts over that report;
 *  - intervals (--ci): variantStatistics (what `eval --ci` and `stats` print for the same seed); the
 *    toolkit's Head and UBody: evaluation/mpii-toolkit-bootstrap.ts on the same resamples;
 *  - latency: the measurement the variant shows everywhere (store/latency-repo.ts shownLatencyMeasurement:
 *    its current run's identity first; median, p5–p95, n), as Metrics shows it;
 *  - parameters: the sum of the ONNX graph's initializer element counts (formats/onnx-parameters.ts);
 *  - error classes: analyzeErrors' steps (`posebench analyze`); calibration: variantCalibration over
 *    the per-person outcomes and the run's stored scores (`posebench stats`);
 *  - manifests: the runs' stored manifests.
 * No clock is read: the same workspace and seed give the same model.
 */
import path from 'node:path';
import type { PckhProtocol } from '../../core/types.ts';
import { DEFAULT_BOOTSTRAP_REPLICATES } from '../../evaluation/bootstrap.ts';
import type { CalibrationSummary } from '../../evaluation/calibration.ts';
import { toolkitIntervals, type ToolkitIntervals } from '../../evaluation/mpii-toolkit-bootstrap.ts';
import { mpiiToolkitColumns, type MpiiToolkitColumn } from '../../evaluation/mpii-toolkit-columns.ts';
import type { PckhMetricKey } from '../../evaluation/pckh.ts';
import { PCKH_SWEEP_THRESHOLDS } from '../../evaluation/threshold-sweep.ts';
import { PosebenchInputError } from '../../core/errors.ts';
import type { VariantErrorSummary } from '../../evaluation/error-classes.ts';
import type { RunManifest } from '../run-manifest.ts';
import { variantStatistics } from '../statistics.ts';
import type { Workbench } from '../workbench.ts';
import { modelParameters, type ModelParameters } from './model-parameters.ts';
import { loadReportData } from './report-data.ts';

export const DEFAULT_REPORT_SEED = 1;

export interface ReportOptions {
  readonly protocol: PckhProtocol;
  /** Variant names in order; default every visible variant with a finished run. */
  readonly names?: readonly string[];
  /** Bootstrap intervals for every column (--ci). */
  readonly ci?: boolean;
  readonly replicates?: number;
  readonly seed?: number;
}

export type Interval = readonly [number | null, number | null];

export interface ReportLatency {
  readonly n: number;
  readonly medianMs: number;
  readonly p5Ms: number | null;
  readonly p95Ms: number | null;
}

export interface ReportVariant {
  readonly name: string;
  readonly kind: 'model' | 'imported';
  readonly instances: number;
  /** mmpose's columns (Head … Ankle, PCKh, PCKh@0.1), percent, full float64. */
  readonly metrics: Readonly<Record<PckhMetricKey, number | null>>;
  /** The MPII toolkit's columns (Head = neck + head top, UBody, Total, AUC). */
  readonly toolkit: Readonly<Record<MpiiToolkitColumn, number | null>>;
  readonly perJoint: readonly { readonly name: string; readonly count: number; readonly pckh: number | null; readonly pckhAt01: number | null }[];
  /** Column name (PCKH_METRIC_KEYS, then joint names) → interval; null without --ci. */
  readonly ci: Readonly<Record<string, Interval>> | null;
  /** The toolkit's own Head and UBody intervals (same resamples); null without --ci. */
  readonly toolkitCi: ToolkitIntervals | null;
  /** The mean curve at the 51 thresholds (null where not computable). */
  readonly meanCurve: readonly (number | null)[];
  readonly latency: ReportLatency | null;
  readonly parameters: ModelParameters;
  /** Error classes over the 14 Mean joints (posebench analyze). */
  readonly errors: VariantErrorSummary['totals'];
  /** null when the run stored no scores. */
  readonly calibration: CalibrationSummary | null;
  readonly manifest: RunManifest | null;
}

export interface ReportModel {
  /** The dataset folder's name (not its path: a report is shared). */
  readonly dataset: string;
  readonly persons: number;
  readonly protocol: PckhProtocol;
  readonly thresholds: readonly number[];
  readonly ci: { readonly bootstrap: number; readonly seed: number; readonly confidence: number } | null;
  readonly variants: readonly ReportVariant[];
  readonly notes: readonly string[];
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function buildReportModel(wb: Workbench, options: ReportOptions): ReportModel {
  const data = loadReportData(wb, options.protocol, options.names);
  if (data.variants.length === 0)
    throw new PosebenchInputError({ file: wb.workspace.file }, 'no variant with a finished run to report (run `posebench eval` first)');
  const replicates = options.replicates ?? DEFAULT_BOOTSTRAP_REPLICATES;
  const seed = options.seed ?? DEFAULT_REPORT_SEED;
  const statisticsData = options.ci === true ? data.statisticsData() : null;
  const statistics = statisticsData === null ? null : variantStatistics(statisticsData, { replicates, seed });
  const toolkitCi =
    statisticsData === null || statistics === null
      ? null
      : toolkitIntervals(
          statisticsData.variants.map((v) => v.outcomes),
          { replicates, seed, confidence: statistics.confidence },
        );

  const variants = data.variants.map((s, i): ReportVariant => {
    const columns = statistics?.variants[i]?.columns ?? null;
    const latency = s.latency;
    return {
      name: s.variant.name,
      kind: s.variant.kind,
      instances: s.report.instances,
      metrics: s.report.metrics,
      toolkit: mpiiToolkitColumns(s.report),
      perJoint: s.report.perJoint.map((j) => ({ name: j.name, count: j.count, pckh: j.pckh, pckhAt01: j.pckhAt01 })),
      ci: columns === null ? null : Object.fromEntries(columns.map((c) => [c.name, c.ci])),
      toolkitCi: toolkitCi?.[i] ?? null,
      meanCurve: Array.from(s.report.curve.mean, finite),
      latency: latency === null ? null : { n: latency.n, medianMs: latency.medianMs, p5Ms: latency.p5Ms, p95Ms: latency.p95Ms },
      parameters: s.variant.kind === 'model' ? modelParameters(s.variant.sourcePath) : { count: null, reason: 'imported predictions (no model file)' },
      errors: s.errors.totals,
      calibration: s.calibration,
      manifest: s.manifest,
    };
  });

  const notes = [
    `mmpose layout: mmpose's PCKh columns under protocol ${options.protocol} (Head = head top; groups are left/right means; PCKh = the Mean over 14 joints, pelvis and thorax left out; PCKh@0.1 at threshold 0.1).`,
    "MPII toolkit layout (genTablePCK.m / computePCK.m / evaluatePCKh.m of the MPII evaluation toolkit, Andriluka et al. CVPR'14): Head = mean of upper neck and head top; UBody = hits over wrists, elbows and shoulders pooled; Total = the pooled hit rate over the 14 joints (= mmpose's Mean); AUC = area under the Total curve over thresholds 0–0.5 rescaled to [0, 1], in percent. Computed from this protocol's per-joint tallies.",
    'Latency: the newest single-thread onnxruntime session.run measurement of each model (median, p5–p95, n timings); imported predictions have none.',
    "Parameters: the sum of the element counts of the ONNX graph's initializers (weights stored as constants); FLOPs are not computed.",
  ];
  if (statistics !== null)
    notes.push(
      `Intervals: ${Math.round(statistics.confidence * 100)} % paired percentile bootstrap over persons, B = ${statistics.bootstrap}, seed ${statistics.seed} (posebench stats); the toolkit's Head and UBody from the same resamples; AUC has no interval.`,
    );

  return {
    dataset: path.basename(wb.dataset.root),
    persons: data.variants[0]!.report.instances,
    protocol: options.protocol,
    thresholds: Array.from(PCKH_SWEEP_THRESHOLDS),
    ci: statistics === null ? null : { bootstrap: statistics.bootstrap, seed: statistics.seed, confidence: statistics.confidence },
    variants,
    notes,
  };
}
