/**
 * posebench stats --dataset DIR [--db FILE] [--variant NAME ...] [--protocol mmpose0x|mmpose1x]
 *                 [--bootstrap B] [--seed S] [--format table|json]
 *
 * Per variant (default: every visible variant with a finished run): each column with its
 * paired-bootstrap percentile interval, the calibration of its per-joint scores (ECE, AUROC, reliability
 * bins, PCKh at coverage; null when the run stored no scores) and PCKh by strata (head-size tercile,
 * persons per image, GT joint inside the crop). JSON: {"protocol", "persons", "bootstrap", "seed",
 * "confidence", "variants": [{"name", "columns": [{"name", "value", "ci"}], "calibration", "strata"}],
 * "notes"}; src-main/workbench/statistics.ts has the exact shapes.
 */
import { loadStatisticsData, variantStatistics, type StatisticsReport } from '../../workbench/statistics.ts';
import { openWorkbench } from '../../workbench/workbench.ts';
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';
import { STATISTICS_OPTIONS, statisticsSettings } from '../statistics-options.ts';
import { formatPercent, pad } from './compare-command.ts';

const FORMATS = ['table', 'json'] as const;

export async function runStatsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('stats', argv, { ...STATISTICS_OPTIONS, format: { type: 'string' } });
  if (values.dataset === undefined) throw new CliUsageError('posebench stats needs --dataset DIR');
  const format = oneOf('format', values.format, FORMATS, 'table');
  const { protocol, replicates, seed } = statisticsSettings(values);

  const workbench = openWorkbench({ datasetRoot: values.dataset, dbFile: values.db });
  try {
    if (workbench.registration.status === 'reimported') process.stderr.write(`${workbench.registration.message}\n`);
    const data = loadStatisticsData(workbench, { protocol, ...(values.variant !== undefined ? { names: values.variant } : {}) });
    if (data.variants.length === 0) {
      process.stderr.write('posebench stats: no variant with a finished run in this workspace\n');
      return 1;
    }
    const { bootstrapResult: _omitted, ...report } = variantStatistics(data, { replicates, seed });
    process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatStatsTable(report));
    return 0;
  } finally {
    workbench.close();
  }
}

const fmt3 = (v: number | null): string => (v === null ? '—' : v.toFixed(3));

export function formatStatsTable(report: StatisticsReport): string {
  const level = Math.round(report.confidence * 100);
  const lines: string[] = [];
  lines.push(
    `${report.protocol}, ${report.persons} persons, bootstrap over persons: ${report.bootstrap} replicates, seed ${report.seed}, ${level}% percentile intervals`,
  );
  for (const v of report.variants) {
    lines.push('');
    lines.push(`== ${v.name}`);
    lines.push([pad('column', 16), pad('value', 8, true), pad(`${level}% CI`, 18, true)].join(' '));
    for (const c of v.columns) {
      const ci = c.ci[0] === null || c.ci[1] === null ? '—' : `[${formatPercent(c.ci[0])}, ${formatPercent(c.ci[1])}]`;
      lines.push([pad(c.name, 16), pad(formatPercent(c.value), 8, true), pad(ci, 18, true)].join(' '));
    }
    lines.push('');
    if (v.calibration === null) {
      lines.push('calibration: no per-joint scores stored for this run');
    } else {
      const o = v.calibration.overall;
      lines.push(
        `calibration (hit at 0.5 vs score), 14 Mean joints pooled: n ${o?.n ?? 0}, ECE ${fmt3(o?.ece ?? null)}, AUROC ${fmt3(o?.auroc ?? null)}${o?.constant_score ? ' (constant score: no information)' : ''}`,
      );
      if (o !== null) {
        const cov = o.pckh_at_coverage.filter((p) => p.dropped_percent % 10 === 0).map((p) => `${p.dropped_percent}%: ${formatPercent(p.pckh)}`);
        lines.push(`  PCKh after dropping the lowest-scored joints: ${cov.join(', ')}`);
      }
      lines.push(`  per joint (ECE / AUROC): ${v.calibration.per_joint.map((c) => `${c.name} ${fmt3(c.ece)}/${fmt3(c.auroc)}`).join(', ')}`);
    }
    lines.push('');
    lines.push('strata (PCKh at 0.5, mean over the 14 Mean joints; wrist and ankle means of left/right):');
    for (const s of v.strata) {
      const bounds = s.boundaries ? ` (terciles at ${s.boundaries[0].toFixed(1)}, ${s.boundaries[1].toFixed(1)} px)` : '';
      lines.push(`  ${s.description}${bounds}`);
      for (const st of s.strata) {
        const group = (a: string, b: string): string => {
          const ja = st.per_joint.find((j) => j.name === a)!;
          const jb = st.per_joint.find((j) => j.name === b)!;
          const e = ja.evaluated + jb.evaluated;
          return e > 0 ? ((100 * (ja.hits + jb.hits)) / e).toFixed(2) : '—';
        };
        lines.push(
          `    ${pad(st.label, 8)} persons ${pad(String(st.persons), 5, true)}  mean ${pad(formatPercent(st.mean), 6, true)}  wrist ${pad(group('left_wrist', 'right_wrist'), 6, true)}  ankle ${pad(group('left_ankle', 'right_ankle'), 6, true)}`,
        );
      }
    }
  }
  lines.push('');
  for (const note of report.notes) lines.push(note);
  return `${lines.join('\n')}\n`;
}
