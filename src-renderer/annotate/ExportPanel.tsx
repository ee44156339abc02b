/**
 * Export the effective (corrected) ground truth: MPII json, MPII gt `.mat` or COCO keypoints, to a
 * path the user types (absolute), replacing an existing file only when "Overwrite" is ticked. The
 * engine writes atomically and refuses the dataset's own annotation files.
 */
import { useState } from 'react';
import type { ExportResult } from '../../src-main/api/contract.ts';
import { getBridge } from '../bridge/index.ts';

type Format = ExportResult['format'];

const FORMATS: readonly { value: Format; label: string; ext: string }[] = [
  { value: 'mpii-json', label: 'MPII json (mmpose)', ext: '.json' },
  { value: 'mpii-mat', label: 'MPII gt .mat', ext: '.mat' },
  { value: 'coco', label: 'COCO keypoints json', ext: '.json' },
];

export function ExportPanel() {
  const [format, setFormat] = useState<Format>('mpii-json');
  const [outFile, setOutFile] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);

  const run = async () => {
    setBusy(true);
    setResult(null);
    try {
      const written = await getBridge().invoke('export:annotations', { format, outFile: outFile.trim(), overwrite });
      setResult({ text: written.message, error: false });
    } catch (error) {
      setResult({ text: error instanceof Error ? error.message : String(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  const ext = FORMATS.find((f) => f.value === format)!.ext;
  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">
        Export annotations <span className="hint">corrected ground truth</span>
      </h2>
      <form
        className="toolbar stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (outFile.trim() !== '') void run();
        }}
      >
        <label>
          Format
          <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Output file
          <input
            type="text"
            aria-label="Output file"
            placeholder={`/absolute/path/annotations-corrected${ext}`}
            value={outFile}
            onChange={(e) => setOutFile(e.target.value)}
            spellCheck={false}
            style={{ flex: 1, minWidth: 0 }}
          />
        </label>
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
          Overwrite if it exists
        </label>
        <div>
          <button type="submit" className="primary" disabled={busy || outFile.trim() === ''}>
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </div>
      </form>
      {format === 'mpii-json' ? (
        <p className="muted" data-testid="export-headbox-note" style={{ margin: '6px 0 0' }}>
          This format has no head boxes (mmpose reads them from the gt .mat): head-box edits go to <b>MPII gt .mat</b>.
        </p>
      ) : null}
      <div
        role="status"
        aria-live="polite"
        className={result?.error ? 'error-box' : result?.text.includes('Warning:') ? 'warn-note' : 'muted'}
        style={{ marginTop: 6, overflowWrap: 'anywhere' }}
      >
        {result?.text ?? ''}
      </div>
    </section>
  );
}
