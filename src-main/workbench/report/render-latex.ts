/**
 * The report as LaTeX: one `table` with a `tabular` per layout (MPII toolkit, mmpose) and the
 * per-joint table, ready to \input. Needs \usepackage{booktabs} (rules) and graphicx (\resizebox).
 * Every row has exactly as many `&`-separated cells as the column spec has columns (tested).
 */
import type { ReportModel } from './report-model.ts';
import { jointTable, variantTable, type ReportTable } from './report-table.ts';

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

export function escapeLatex(text: string): string {
  return text
    .replace(/[\\&%$#_{}~^]/g, (c) => LATEX_SPECIALS[c]!)
    .replaceAll('–', '--')
    .replaceAll('—', '---');
}

export function latexTabular(table: ReportTable): string {
  const spec = table.numeric.map((n) => (n ? 'r' : 'l')).join('');
  const lines: string[] = [];
  lines.push(`\\begin{tabular}{${spec}}`);
  lines.push('\\toprule');
  lines.push(`${table.header.map(escapeLatex).join(' & ')} \\\\`);
  lines.push('\\midrule');
  for (const row of table.rows) {
    const cells = row.cells.map((c) => {
      const text = escapeLatex(c.text);
      const value = c.best ? `\\textbf{${text}}` : text;
      return c.interval === null ? value : `${value}\\,{\\scriptsize ${escapeLatex(c.interval)}}`;
    });
    lines.push(`${[escapeLatex(row.label), ...cells].join(' & ')} \\\\`);
  }
  lines.push('\\bottomrule');
  lines.push('\\end{tabular}');
  return lines.join('\n');
}

export function renderLatex(model: ReportModel): string {
  const out: string[] = [];
  out.push(`% posebench report: ${model.dataset}, ${model.persons} persons, protocol ${model.protocol}`);
  out.push('% needs \\usepackage{booktabs,graphicx}; best per column in bold');
  if (model.ci !== null)
    out.push(`% intervals: ${Math.round(model.ci.confidence * 100)} % paired bootstrap over persons, B = ${model.ci.bootstrap}, seed ${model.ci.seed}`);
  for (const table of [variantTable(model, 'mpii'), variantTable(model, 'mmpose'), jointTable(model)]) {
    out.push('');
    out.push('\\begin{table}[t]');
    out.push('\\centering');
    out.push(`\\caption{${escapeLatex(table.title)}}`);
    out.push('\\resizebox{\\linewidth}{!}{%');
    out.push(latexTabular(table));
    out.push('}');
    out.push('\\end{table}');
  }
  out.push('');
  for (const note of model.notes) out.push(`% ${note}`);
  return `${out.join('\n')}\n`;
}
