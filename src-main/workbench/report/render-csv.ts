/**
 * The report as CSV, one row per variant: both layouts' columns, latency, parameters, then each joint.
 * Numbers at full float64 precision (JavaScript's shortest round-trip form, as `eval --format json`
 * prints them), so a script reading the CSV gets the same values; empty = not computable / not given.
 */
import { MPII_TOOLKIT_COLUMNS } from '../../evaluation/mpii-toolkit-columns.ts';
import { PCKH_METRIC_KEYS } from '../../evaluation/pckh.ts';
import type { ReportModel, ReportVariant } from './report-model.ts';

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function renderCsv(model: ReportModel): string {
  const joints = model.variants[0]?.perJoint.map((j) => j.name) ?? [];
  const withCi = model.ci !== null;
  const ciHeader = (name: string): string[] => (withCi ? [`${name}_ci_lo`, `${name}_ci_hi`] : []);
  const header = [
    'variant',
    'kind',
    'protocol',
    'persons',
    ...PCKH_METRIC_KEYS.flatMap((k) => [k, ...ciHeader(k)]),
    ...MPII_TOOLKIT_COLUMNS.flatMap((c) => [`mpii_${c}`, ...(c === 'Head' || c === 'UBody' ? ciHeader(`mpii_${c}`) : [])]),
    'latency_median_ms',
    'latency_p5_ms',
    'latency_p95_ms',
    'latency_n',
    'parameters',
    'model_sha256',
    ...joints.flatMap((j) => [j, ...ciHeader(j), `${j}@0.1`, `${j}_count`]),
  ];
  const ci = (v: ReportVariant, name: string): (number | null)[] => (withCi ? [v.ci?.[name]?.[0] ?? null, v.ci?.[name]?.[1] ?? null] : []);
  const rows = model.variants.map((v) => [
    v.name,
    v.kind,
    model.protocol,
    v.instances,
    ...PCKH_METRIC_KEYS.flatMap((k) => [v.metrics[k], ...ci(v, k)]),
    ...MPII_TOOLKIT_COLUMNS.flatMap((c) => [
      v.toolkit[c],
      ...(withCi && (c === 'Head' || c === 'UBody') ? [v.toolkitCi?.[c][0] ?? null, v.toolkitCi?.[c][1] ?? null] : []),
    ]),
    v.latency?.medianMs ?? null,
    v.latency?.p5Ms ?? null,
    v.latency?.p95Ms ?? null,
    v.latency?.n ?? null,
    v.parameters.count,
    v.manifest?.source.sha256 ?? null,
    ...v.perJoint.flatMap((j) => [j.pckh, ...ci(v, j.name), j.pckhAt01, j.count]),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}
