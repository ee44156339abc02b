/** Export of a COCO dataset's ground truth (issue 18): COCO json, the original bytes when nothing is corrected. */
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { getBridge } from '../bridge/index.ts';

export function CocoExportPanel() {
  const [outFile, setOutFile] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const exporter = useMutation({ mutationFn: () => getBridge().invoke('coco:export', { outFile, overwrite }) });
  return (
    <section aria-labelledby="coco-export-title" className="coco-export">
      <h3 id="coco-export-title">Export corrected annotations</h3>
      <form
        className="toolbar stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (outFile) exporter.mutate();
        }}
      >
        <input
          type="text"
          aria-label="Export file (.json)"
          placeholder="/path/to/person_keypoints_fixed.json"
          value={outFile}
          onChange={(e) => setOutFile(e.target.value)}
        />
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> overwrite
        </label>
        <button type="submit" disabled={!outFile || exporter.isPending}>
          Export COCO json
        </button>
      </form>
      {exporter.error ? <div className="error-box">{exporter.error.message}</div> : null}
      {exporter.data ? <div className="muted">{exporter.data.message}.</div> : null}
    </section>
  );
}
