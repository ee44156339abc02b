/**
 * posebench compare --dataset DIR [--db FILE] --variant A --variant B [--protocol mmpose0x|mmpose1x]
 *                   [--bootstrap B] [--seed S] [--format table|json]
 *
 * Is the difference between two variants real? Per column (the 9 table columns, then the 16 joints):
 * both values, Δ = A − B with its paired-bootstrap percentile interval (persons resampled, the same
 * resample for both), and for the table columns McNemar's exact p with Holm's correction
 * (src-main/workbench/statistics.ts says what is tested). JSON: {"a", "b", "protocol", "persons",
 * "bootstrap", "seed", "confidence", "columns": [{"name", "a", "b", "a_ci", "b_ci", "delta",
 * "delta_ci", "delta_excludes_zero", "mcnemar_p", "holm_p", "mcnemar"}], "notes"}; values in percent.
 */
import { compareVariants, loadStatisticsData, type CompareReport } from '../../workbench/statistics.ts';
import { openWorkbench } from '../../workbench/workbench.ts';
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';
import { STATISTICS_OPTIONS, statisticsSettings } from '../statistics-options.ts';

const FORMATS = ['table', 'json'] as const;

export async function runCompareCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('compare', argv, { ...STATISTICS_OPTIONS, format: { type: 'string' } });
  if (values.dataset === undefined) throw new CliUsageError('posebench compare needs --dataset DIR');
  const names = values.variant ?? [];
  if (names.length !== 2) throw new CliUsageError(`posebench compare needs exactly two --variant NAME (got ${names.length})`);
  if (names[0] === names[1]) throw new CliUsageError(`posebench compare needs two different variants (got "${names[0]}" twice)`);
  const format = oneOf('format', values.format, FORMATS, 'table');
  const { protocol, replicates, seed } = statisticsSettings(values);

  const workbench = openWorkbench({ datasetRoot: values.dataset, dbFile: values.db });
  try {
    if (workbench.registration.status === 'reimported') process.stderr.write(`${workbench.registration.message}\n`);
    const data = loadStatisticsData(workbench, { protocol, names });
    const report = compareVariants(data, names[0]!, names[1]!, { replicates, seed });
    process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatCompareTable(report));
    return 0;
  } finally {
    workbench.close();
  }
}

export function formatCompareTable(report: CompareReport): string {
  const level = Math.round(report.confidence * 100);
  const lines: string[] = [];
  lines.push(`A = ${report.a}`);
  lines.push(`B = ${report.b}`);
  lines.push(
    `${report.protocol}, ${report.persons} persons, paired bootstrap over persons: ${report.bootstrap} replicates, seed ${report.seed}, ${level}% percentile intervals`,
  );
  lines.push('');
  const header = [
    pad('column', 16),
    pad('A', 8, true),
    pad('B', 8, true),
    pad('Δ (A−B)', 9, true),
    pad(`${level}% CI of Δ`, 20, true),
    '  ',
    pad('McNemar p', 10, true),
    pad('Holm p', 10, true),
  ];
  lines.push(header.join(' '));
  for (const c of report.columns) {
    const ci = c.delta_ci[0] === null || c.delta_ci[1] === null ? '—' : `[${formatSigned(c.delta_ci[0])}, ${formatSigned(c.delta_ci[1])}]`;
    lines.push(
      [
        pad(c.name, 16),
        pad(formatPercent(c.a), 8, true),
        pad(formatPercent(c.b), 8, true),
        pad(c.delta === null ? '—' : formatSigned(c.delta), 9, true),
        pad(ci, 20, true),
        c.delta_excludes_zero ? ' *' : '  ',
        pad(c.mcnemar_p === null ? '' : formatP(c.mcnemar_p), 10, true),
        pad(c.holm_p === null ? '' : formatP(c.holm_p), 10, true),
      ].join(' '),
    );
  }
  lines.push('');
  lines.push(`* the ${level}% interval of Δ excludes 0`);
  for (const note of report.notes) lines.push(note);
  return `${lines.join('\n')}\n`;
}

// Number formatting shared with `posebench stats`.

export function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function formatPercent(value: number | null, digits = 2): string {
  return value === null ? '—' : value.toFixed(digits);
}

export function formatSigned(value: number, digits = 2): string {
  const text = value.toFixed(digits);
  return value >= 0 && !text.startsWith('-') ? `+${text}` : text;
}

/** p-values: 3 significant digits, scientific below 1e-4. */
export function formatP(p: number): string {
  if (p === 0) return '0';
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(3);
}
