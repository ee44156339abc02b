/**
 * Runs on a COCO keypoint dataset (issue 18): open another folder, import a COCO results file
 * ([{image_id, category_id, keypoints, score}], what mmpose and detectron2 write) as a variant, see and
 * remove the variants. Model runs on COCO are `posebench eval --dataset DIR --model M.onnx`, which keeps
 * them in the same workspace (they show here at once).
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { variantColor } from '../shared/colors.ts';
import { OpenDatasetForm, PathForm, useClearedError } from '../runs/PathForms.tsx';
import '../runs/runs.css';

export function CocoRunsView() {
  const client = useQueryClient();
  const workspace = useApi('workspace:get', {});
  const info = workspace.data?.dataset?.coco ?? null;
  const variants = useApi('coco:variants', {});
  const [successes, setSuccesses] = useState(0);
  const refresh = () => {
    setSuccesses((n) => n + 1);
    void client.invalidateQueries();
  };
  const [file, setFile] = useState('');
  const importer = useMutation({ mutationFn: () => getBridge().invoke('coco:importResults', { file }), onSuccess: refresh });
  useClearedError(importer, successes);
  const remove = useMutation({ mutationFn: (variantId: string) => getBridge().invoke('coco:removeVariant', { variantId }), onSuccess: refresh });
  useClearedError(remove, successes);
  return (
    <div className="view runs-view">
      <section className="panel" aria-labelledby="coco-variants-title">
        <h2 id="coco-variants-title">
          Variants{' '}
          <span className="hint">
            results evaluated on{' '}
            {info
              ? `${info.category} (${info.keypoints.length} keypoints, σ ${info.sigmaSource === 'file' ? 'from the file' : 'COCO published'})`
              : 'this dataset'}
            , kept in the workspace
          </span>
        </h2>
        {(variants.data ?? []).length === 0 ? (
          <div className="empty">No results yet: import a COCO results file below.</div>
        ) : (
          <table className="data" aria-label="COCO variants">
            <thead>
              <tr>
                <th scope="col" style={{ textAlign: 'left' }}>
                  Variant
                </th>
                <th scope="col" style={{ textAlign: 'left' }}>
                  Source
                </th>
                <th scope="col">Detections</th>
                <th scope="col" style={{ textAlign: 'left' }}>
                  Imported
                </th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {(variants.data ?? []).map((v, i) => (
                <tr key={v.id}>
                  <th scope="row" style={{ textAlign: 'left' }}>
                    <span className="swatch" style={{ background: variantColor(i) }} aria-hidden="true" />
                    {v.name}
                  </th>
                  <td style={{ textAlign: 'left' }}>{v.source}</td>
                  <td>{v.detections}</td>
                  <td style={{ textAlign: 'left' }} className="muted">
                    {v.importedAt.replace('T', ' ').slice(0, 19)}
                  </td>
                  <td>
                    <button type="button" onClick={() => remove.mutate(v.id)} disabled={remove.isPending} aria-label={`Remove ${v.name}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {remove.error ? <div className="error-box">{remove.error.message}</div> : null}
      </section>
      <PathForm
        id="coco-import-title"
        title="Import COCO results"
        fieldLabel="COCO results file (.json)"
        placeholder="/path/to/keypoints_val2017_results.json"
        submitLabel="Import"
        path={file}
        setPath={setFile}
        pending={importer.isPending}
        error={importer.error}
        done={importer.data ? `${importer.data.message}.` : null}
        onSubmit={() => importer.mutate()}
      />
      <OpenDatasetForm onDone={refresh} clearErrors={successes} />
      <section className="panel">
        <h2>Models</h2>
        <p className="muted">
          Run a model on this folder with <code>posebench eval --dataset {workspace.data?.dataset?.root ?? 'DIR'} --model M.onnx --format json</code> (top-down
          on the GT boxes, mmpose's crop, decoders and rescoring).
        </p>
      </section>
    </div>
  );
}
