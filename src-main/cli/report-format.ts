/**
 * Text renderings of a PCKh report: the study-style table, JSON and CSV.
 * Numbers in JSON keep full float64 precision (the acceptance compares them bit for bit).
 */
import { PCKH_GROUPS } from '../core/joints.ts';

export const REPORT_METRIC_KEYS = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1'] as const;
export type ReportMetricKey = (typeof REPORT_METRIC_KEYS)[number];

export interface JointRow {
  readonly name: string;
  readonly count: number;
  readonly pckh: number | null;
  readonly pckhAt01: number | null;
}

/** What the CLI prints per evaluated variant. */
export interface VariantReport {
  readonly variant: string;
  readonly protocol: string;
  readonly instances: number;
  readonly metrics: Readonly<Record<ReportMetricKey, number | null>>;
  readonly perJoint: readonly JointRow[];
  readonly auc?: number | null;
  readonly latencyMs?: number | null;
  /** The latency distribution behind `latencyMs` (median with its spread). */
  readonly latency?: LatencySpread | null;
  readonly failedInstances?: number;
  /** failedInstances / instances, and the limit above which eval exits non-zero (--max-failed-share). */
  readonly failedShare?: number;
  readonly maxFailedShare?: number;
  /** Persons scored with a warning (damaged image): image, entry, message. */
  readonly warnings?: readonly { readonly image: string; readonly entry: number; readonly kind: string; readonly message: string }[];
  /** --ci: the 95 % percentile bootstrap interval of each column (and joint), and how it was drawn. */
  readonly ci?: Readonly<Record<string, readonly [number | null, number | null]>>;
  readonly ciSettings?: { readonly bootstrap: number; readonly seed: number; readonly confidence: number };
  /** Where the numbers come from (workbench/run-manifest.ts). */
  readonly manifest?: Readonly<Record<string, unknown>> | null;
}

export interface LatencySpread {
  readonly n: number;
  readonly medianMs: number;
  readonly p5Ms: number | null;
  readonly p95Ms: number | null;
  readonly iqrMs: number | null;
}

/** The JSON object of `--format json` for one variant (issue 2 item 6). */
export function toJsonReport(report: VariantReport): Record<string, unknown> {
  return {
    variant: report.variant,
    protocol: report.protocol,
    instances: report.instances,
    metrics: { ...report.metrics },
    per_joint: report.perJoint.map((joint) => ({
      name: joint.name,
      count: joint.count,
      pckh: joint.pckh,
      pckh_at_0_1: joint.pckhAt01,
    })),
    ...(report.auc !== undefined ? { auc_0_to_0_5: report.auc } : {}),
    ...(report.latencyMs !== undefined ? { latency_median_ms: report.latencyMs } : {}),
    ...(report.latency !== undefined ? { latency: report.latency === null ? null : snakeCaseKeys(report.latency) } : {}),
    ...(report.failedInstances !== undefined ? { failed_instances: report.failedInstances } : {}),
    ...(report.failedShare !== undefined ? { failed_share: report.failedShare, max_failed_share: report.maxFailedShare ?? null } : {}),
    ...(report.warnings !== undefined ? { warnings: report.warnings } : {}),
    ...(report.ci !== undefined ? { ci: report.ci, ci_settings: report.ciSettings ?? null } : {}),
    ...(report.manifest !== undefined ? { manifest: report.manifest === null ? null : snakeCaseKeys(report.manifest) } : {}),
  };
}

/** JSON output keys are snake_case (`per_joint`, `pckh_at_0_1`); nested objects follow. */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase(), snakeCaseKeys(item)]),
  );
}

function formatPercent(value: number | null | undefined, width: number): string {
  const text = value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(2);
  return text.padStart(width);
}

/**
 * The per-joint table as the ShuffleNetV2 study prints it: one row per variant with
 * Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle, PCKh (Mean) and PCKh@0.1, then the 16 joints.
 */
export function formatTable(reports: readonly VariantReport[]): string {
  const nameWidth = Math.max(8, ...reports.map((report) => report.variant.length));
  const groupNames = PCKH_GROUPS.map((group) => group.name);
  const header = ['Variant'.padEnd(nameWidth), ...groupNames.map((name) => name.padStart(8)), 'PCKh'.padStart(8), 'PCKh@0.1'.padStart(9)];
  const hasLatency = reports.some((report) => report.latencyMs !== undefined && report.latencyMs !== null);
  if (hasLatency) header.push('ms 1-thr'.padStart(8));
  const lines = [header.join(' ')];
  lines.push('-'.repeat(lines[0]!.length));
  for (const report of reports) {
    const cells = [
      report.variant.padEnd(nameWidth),
      ...groupNames.map((name) => formatPercent(report.metrics[name], 8)),
      formatPercent(report.metrics.PCKh, 8),
      formatPercent(report.metrics['PCKh@0.1'], 9),
    ];
    if (hasLatency) {
      cells.push(report.latencyMs === null || report.latencyMs === undefined ? '—'.padStart(8) : report.latencyMs.toFixed(1).padStart(8));
      const spread = report.latency;
      if (spread && spread.p5Ms !== null && spread.p95Ms !== null) cells.push(`(p5–p95 ${spread.p5Ms.toFixed(1)}–${spread.p95Ms.toFixed(1)}, n=${spread.n})`);
    }
    lines.push(cells.join(' '));
  }
  if (hasLatency) lines.push('ms 1-thr: median single-thread onnxruntime session.run latency of the model (interleaved across the variants of a run)');
  lines.push('');
  for (const report of reports) {
    const protocolNote = `${report.protocol}, ${report.instances} instances${report.failedInstances ? `, ${report.failedInstances} failed` : ''}`;
    lines.push(`${report.variant} — per joint (${protocolNote})`);
    lines.push(`${'joint'.padEnd(15)} ${'count'.padStart(6)} ${'PCKh'.padStart(7)} ${'@0.1'.padStart(7)}`);
    for (const joint of report.perJoint) {
      lines.push(`${joint.name.padEnd(15)} ${String(joint.count).padStart(6)} ${formatPercent(joint.pckh, 7)} ${formatPercent(joint.pckhAt01, 7)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per variant: groups, Mean, @0.1, then each joint's PCKh, PCKh@0.1 and count. */
export function formatCsv(reports: readonly VariantReport[]): string {
  const first = reports[0];
  if (first === undefined) return '';
  const jointColumns = first.perJoint.flatMap((joint) => [`${joint.name}_pckh`, `${joint.name}_pckh_at_0_1`, `${joint.name}_count`]);
  const header = [
    'variant',
    'protocol',
    'instances',
    ...REPORT_METRIC_KEYS,
    'latency_median_ms',
    'latency_p5_ms',
    'latency_p95_ms',
    'latency_n',
    'model_sha256',
    ...jointColumns,
  ];
  const rows = reports.map((report) => [
    report.variant,
    report.protocol,
    report.instances,
    ...REPORT_METRIC_KEYS.map((key) => report.metrics[key]),
    report.latencyMs ?? null,
    report.latency?.p5Ms ?? null,
    report.latency?.p95Ms ?? null,
    report.latency?.n ?? null,
    sourceSha256(report.manifest),
    ...report.perJoint.flatMap((joint) => [joint.pckh, joint.pckhAt01, joint.count]),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

function sourceSha256(manifest: Readonly<Record<string, unknown>> | null | undefined): string | null {
  const source = manifest?.['source'] as { sha256?: unknown } | undefined;
  return typeof source?.sha256 === 'string' ? source.sha256 : null;
}
