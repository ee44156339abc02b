/**
 * Metrics → Export report (issue 16): the report `posebench report` writes (markdown, LaTeX, CSV or a
 * self-contained HTML page), built by the engine on the open workspace and saved as a download. With
 * the intervals toggle on, the report carries them too (--ci).
 */
import { useState } from 'react';
import { REPORT_FORMATS } from '../../src-main/api/contract.ts';
import type { PckhProtocol } from '../../src-main/core/types.ts';
import { getBridge } from '../bridge/index.ts';

type ReportFormat = (typeof REPORT_FORMATS)[number];
const LABELS: Readonly<Record<ReportFormat, string>> = { markdown: 'Markdown', latex: 'LaTeX', csv: 'CSV', html: 'HTML' };

export function ReportExport({ protocol, ci }: { protocol: PckhProtocol; ci: boolean }) {
  const [format, setFormat] = useState<ReportFormat>('html');
  const [state, setState] = useState<{ busy: boolean; text: string; error: boolean }>({ busy: false, text: '', error: false });
  const exportReport = async () => {
    setState({ busy: true, text: 'building the report…', error: false });
    try {
      const report = await getBridge().invoke('report:build', { format, protocol, ci });
      const url = URL.createObjectURL(new Blob([report.text], { type: report.mime }));
      const link = document.createElement('a');
      link.href = url;
      link.download = report.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ busy: false, text: `${report.fileName} (${(report.bytes / 1024).toFixed(1)} KiB)`, error: false });
    } catch (error) {
      setState({ busy: false, text: error instanceof Error ? error.message : String(error), error: true });
    }
  };
  return (
    <span className="report-export">
      <label>
        Report
        <select aria-label="Report format" value={format} onChange={(e) => setFormat(REPORT_FORMATS.find((f) => f === e.target.value) ?? 'html')}>
          {REPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {LABELS[f]}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => void exportReport()} disabled={state.busy} title={`As posebench report --format ${format}${ci ? ' --ci' : ''}`}>
        Export report
      </button>
      <span role="status" className={state.error ? 'error' : 'muted'}>
        {state.text}
      </span>
    </span>
  );
}
