/** A scored run as the CLI and the UI tables show it (one row per variant). */
import type { LatencySpread, VariantReport } from './report-format.ts';
import type { PckhReport } from '../evaluation/pckh.ts';

export function toVariantReport(
  variantName: string,
  report: PckhReport,
  extra: {
    latencyMs?: number | null;
    latency?: LatencySpread | null;
    failedInstances?: number;
    maxFailedShare?: number;
    warnings?: VariantReport['warnings'];
    manifest?: Readonly<Record<string, unknown>> | null;
  } = {},
): VariantReport {
  return {
    variant: variantName,
    protocol: report.protocol,
    instances: report.instances,
    metrics: report.metrics,
    perJoint: report.perJoint.map((joint) => ({
      name: joint.name,
      count: joint.count,
      pckh: joint.pckh,
      pckhAt01: joint.pckhAt01,
    })),
    auc: report.curve.aucMean,
    ...(extra.latencyMs !== undefined ? { latencyMs: extra.latencyMs } : {}),
    ...(extra.latency !== undefined ? { latency: extra.latency } : {}),
    ...(extra.failedInstances !== undefined ? { failedInstances: extra.failedInstances } : {}),
    ...(extra.failedInstances !== undefined && extra.maxFailedShare !== undefined
      ? { failedShare: report.instances > 0 ? extra.failedInstances / report.instances : 0, maxFailedShare: extra.maxFailedShare }
      : {}),
    ...(extra.warnings !== undefined ? { warnings: extra.warnings } : {}),
    ...(extra.manifest !== undefined ? { manifest: extra.manifest } : {}),
  };
}
