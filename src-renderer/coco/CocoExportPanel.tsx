/** Export of a COCO dataset's ground truth (issue 18): COCO json, the original bytes when nothing is corrected. */
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { getBridge } from '../bridge/index.ts';
import { PathForm } from '../runs/PathForms.tsx';

export function CocoExportPanel() {
  const [outFile, setOutFile] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const exporter = useMutation({ mutationFn: () => getBridge().invoke('coco:export', { outFile, overwrite }) });
  return (
    <PathForm
      id="coco-export-title"
      className="coco-export"
      title="Export corrected annotations"
      fieldLabel="Export file (.json)"
      placeholder="/path/to/person_keypoints_fixed.json"
      submitLabel="Export COCO json"
      path={outFile}
      setPath={setOutFile}
      pending={exporter.isPending}
      error={exporter.error}
      done={exporter.data ? `${exporter.data.message}.` : null}
      onSubmit={() => exporter.mutate()}
      extra={
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> overwrite
        </label>
      }
    />
  );
}
