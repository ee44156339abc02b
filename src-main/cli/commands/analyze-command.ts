/**
 * posebench analyze --dataset DIR [--db FILE] [--variant NAME ...] [--protocol mmpose0x|mmpose1x]
 *                   [--inversion 0.5] [--swap 0.5] [--jitter 1.0] [--format table|json|csv]
 *
 * Why each variant's joints fail (issue 15): per joint, the evaluated joints split into hit, jitter,
 * inversion, swap and miss, and the PCKh if the inversions / swaps / jitter were hits.
 * JSON: {"protocol", "persons", "thresholds", "variants": [{"name", "pckh", "pckh_if_inversions_fixed",
 * "pckh_if_swaps_fixed", "pckh_if_jitter_fixed", "totals", "per_joint": [16 × {"name", "count",
 * "evaluated", "hit", "jitter", "inversion", "swap", "miss", "pckh", "pckh_if_inversions_fixed",
 * "pckh_if_swaps_fixed", "pckh_if_jitter_fixed"}]}], "notes"}; src-main/evaluation/error-classes.ts
 * defines the classes.
 */
import { DEFAULT_PCKH_PROTOCOL, PCKH_PROTOCOLS, type PckhProtocol } from '../../core/types.ts';
import { analyzeErrors, type ErrorAnalysisReport } from '../../workbench/analysis.ts';
import { openWorkbench } from '../../workbench/workbench.ts';
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';
import { formatPercent, pad } from './compare-command.ts';

const FORMATS = ['table', 'json', 'csv'] as const;

export function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) throw new CliUsageError(`--${flag} must be a positive number (got "${value}")`);
  return parsed;
}

export async function runAnalyzeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('analyze', argv, {
    dataset: { type: 'string' },
    db: { type: 'string' },
    variant: { type: 'string', multiple: true },
    protocol: { type: 'string' },
    inversion: { type: 'string' },
    swap: { type: 'string' },
    jitter: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.dataset === undefined) throw new CliUsageError('posebench analyze needs --dataset DIR');
  const protocol: PckhProtocol = oneOf('protocol', values.protocol, PCKH_PROTOCOLS, DEFAULT_PCKH_PROTOCOL);
  const format = oneOf('format', values.format, FORMATS, 'table');
  const inversion = positiveNumber('inversion', values.inversion, 0.5);
  const swap = positiveNumber('swap', values.swap, 0.5);
  const jitter = positiveNumber('jitter', values.jitter, 1.0);

  const workbench = openWorkbench({ datasetRoot: values.dataset, dbFile: values.db });
  try {
    if (workbench.registration.status === 'reimported') process.stderr.write(`${workbench.registration.message}\n`);
    const report = analyzeErrors(workbench, {
      protocol,
      thresholds: { inversion, swap, jitter },
      ...(values.variant !== undefined ? { names: values.variant } : {}),
    });
    if (report.variants.length === 0) {
      process.stderr.write('posebench analyze: no variant with a finished run in this workspace\n');
      return 1;
    }
    const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'csv' ? formatAnalyzeCsv(report) : formatAnalyzeTable(report);
    process.stdout.write(text);
    return 0;
  } finally {
    workbench.close();
  }
}

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const CSV_COLUMNS = [
  'count',
  'evaluated',
  'hit',
  'jitter',
  'inversion',
  'swap',
  'miss',
  'pckh',
  'pckh_if_inversions_fixed',
  'pckh_if_swaps_fixed',
  'pckh_if_jitter_fixed',
] as const;

/** One row per variant and joint. */
export function formatAnalyzeCsv(report: ErrorAnalysisReport): string {
  const rows: (string | number | null)[][] = [['variant', 'protocol', 'joint', ...CSV_COLUMNS]];
  for (const v of report.variants) for (const j of v.per_joint) rows.push([v.name, report.protocol, j.name, ...CSV_COLUMNS.map((c) => j[c])]);
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

export function formatAnalyzeTable(report: ErrorAnalysisReport): string {
  const t = report.thresholds;
  const lines: string[] = [`${report.protocol}, ${report.persons} persons; inversion/swap within ${t.inversion} h, jitter within ${t.jitter} h`];
  const header = [
    pad('joint', 15),
    pad('count', 6, true),
    pad('hit', 6, true),
    pad('jitter', 6, true),
    pad('invers', 6, true),
    pad('swap', 6, true),
    pad('miss', 6, true),
    pad('PCKh', 7, true),
    pad('+inv', 7, true),
    pad('+swap', 7, true),
    pad('+jit', 7, true),
  ].join(' ');
  for (const v of report.variants) {
    lines.push(
      '',
      `== ${v.name}: PCKh ${formatPercent(v.pckh)}; if inversions were hits ${formatPercent(v.pckh_if_inversions_fixed)}, swaps ${formatPercent(v.pckh_if_swaps_fixed)}, jitter ${formatPercent(v.pckh_if_jitter_fixed)}`,
    );
    lines.push(header);
    for (const j of v.per_joint) {
      lines.push(
        [
          pad(j.name, 15),
          pad(String(j.count), 6, true),
          pad(String(j.hit), 6, true),
          pad(String(j.jitter), 6, true),
          pad(String(j.inversion), 6, true),
          pad(String(j.swap), 6, true),
          pad(String(j.miss), 6, true),
          pad(formatPercent(j.pckh), 7, true),
          pad(formatPercent(j.pckh_if_inversions_fixed), 7, true),
          pad(formatPercent(j.pckh_if_swaps_fixed), 7, true),
          pad(formatPercent(j.pckh_if_jitter_fixed), 7, true),
        ].join(' '),
      );
    }
  }
  lines.push('');
  for (const note of report.notes) lines.push(note);
  return `${lines.join('\n')}\n`;
}
