/** The report as GitHub-flavoured markdown: the two layouts, the per-joint table, sources and notes. */
import type { ReportModel } from './report-model.ts';
import { jointTable, variantTable, type ReportTable } from './report-table.ts';

/**
 * `|` would end a cell and `*` start emphasis in a variant name. `_` is left alone: GFM does not treat
 * intraword underscores (demo_rle_256) as emphasis, and names stay greppable.
 */
function escapeCell(text: string): string {
  return text.replace(/([\\|*`[\]<>])/g, '\\$1');
}

export function markdownTable(table: ReportTable): string {
  const lines: string[] = [];
  lines.push(`| ${table.header.map(escapeCell).join(' | ')} |`);
  lines.push(`|${table.numeric.map((n) => (n ? ' ---: ' : ' :--- ')).join('|')}|`);
  for (const row of table.rows) {
    const cells = row.cells.map((c) => {
      const text = c.best ? `**${c.text}**` : c.text;
      return c.interval === null ? text : `${text} ${c.interval}`;
    });
    lines.push(`| ${[escapeCell(row.label), ...cells].join(' | ')} |`);
  }
  return lines.join('\n');
}

export function renderMarkdown(model: ReportModel): string {
  const out: string[] = [];
  out.push(`# PCKh report: ${escapeCell(model.dataset)}`);
  out.push('');
  const ci =
    model.ci === null ? 'no intervals' : `${Math.round(model.ci.confidence * 100)} % bootstrap intervals (B = ${model.ci.bootstrap}, seed ${model.ci.seed})`;
  out.push(
    `${model.persons} persons, protocol ${model.protocol}, ${model.variants.length} variant${model.variants.length === 1 ? '' : 's'}, ${ci}. Best per column in bold.`,
  );
  for (const table of [variantTable(model, 'mpii'), variantTable(model, 'mmpose'), jointTable(model)]) {
    out.push('');
    out.push(`## ${table.title}`);
    out.push('');
    out.push(markdownTable(table));
  }
  out.push('');
  out.push('## Sources');
  out.push('');
  for (const v of model.variants) {
    const m = v.manifest;
    const source =
      m === null
        ? 'no manifest stored'
        : `${m.source.kind} \`${m.source.file}\` sha256 \`${m.source.sha256.slice(0, 16)}…\`, posebench ${m.posebench.version}${m.posebench.commit ? ` (${m.posebench.commit.slice(0, 10)}${m.posebench.dirty ? ', uncommitted changes' : ''})` : ''}`;
    const params = v.parameters.count === null && v.parameters.reason !== null ? `; params n/a: ${v.parameters.reason}` : '';
    out.push(`- ${escapeCell(v.name)}: ${source}${params}`);
  }
  out.push('');
  out.push('## Notes');
  out.push('');
  for (const note of model.notes) out.push(`- ${note}`);
  return `${out.join('\n')}\n`;
}
