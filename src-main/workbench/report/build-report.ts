/**
 * One call for every host that exports a report: the CLI (`posebench report`) and the app's
 * "Metrics → Export report" (the engine calls this on its open workbench). The model is built once;
 * the renderer is chosen by format. Same workspace + seed → same bytes.
 */
import type { Workbench } from '../workbench.ts';
import { buildReportModel, type ReportModel, type ReportOptions } from './report-model.ts';
import { renderCsv } from './render-csv.ts';
import { renderHtml } from './render-html.ts';
import { renderLatex } from './render-latex.ts';
import { renderMarkdown } from './render-markdown.ts';

import { REPORT_FORMATS, type ReportFormat } from '../../core/types.ts';

export { REPORT_FORMATS, type ReportFormat };

export interface BuildReportOptions extends ReportOptions {
  readonly format: ReportFormat;
}

export interface BuiltReport {
  readonly bytes: Buffer;
  /** A suggested file name (the dataset folder's name, protocol, extension). */
  readonly fileName: string;
  readonly mime: string;
}

const FORMAT_FILES: Record<ReportFormat, { readonly extension: string; readonly mime: string; readonly render: (model: ReportModel) => string }> = {
  markdown: { extension: 'md', mime: 'text/markdown; charset=utf-8', render: renderMarkdown },
  latex: { extension: 'tex', mime: 'application/x-tex; charset=utf-8', render: renderLatex },
  csv: { extension: 'csv', mime: 'text/csv; charset=utf-8', render: renderCsv },
  html: { extension: 'html', mime: 'text/html; charset=utf-8', render: renderHtml },
};

export function renderReport(model: ReportModel, format: ReportFormat): string {
  return FORMAT_FILES[format].render(model);
}

export function buildReport(wb: Workbench, options: BuildReportOptions): BuiltReport {
  const model = buildReportModel(wb, options);
  const file = FORMAT_FILES[options.format];
  const stem = `posebench-report-${model.dataset}-${model.protocol}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  return { bytes: Buffer.from(file.render(model), 'utf8'), fileName: `${stem}.${file.extension}`, mime: file.mime };
}
