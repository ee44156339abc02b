/**
 * Runs on a COCO keypoint dataset (issue 18): open another folder, import a COCO results file
 * ([{image_id, category_id, keypoints, score}], what mmpose and detectron2 write) as a variant, see and
 * remove the variants, run a model (GT or detected boxes) as `posebench eval --model` does; runs of
 * the CLI are kept in the same workspace and show here at once.
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
      <CocoModelRunForm onStarted={refresh} />
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
    </div>
  );
}

/** Run a model on this dataset (as `posebench eval --model [--bbox-file]`), with the runs' progress. */
function CocoModelRunForm({ onStarted }: { onStarted: () => void }) {
  const client = useQueryClient();
  const [model, setModel] = useState('');
  const [bboxFile, setBboxFile] = useState('');
  const runs = useApi('coco:runs', {}, { refetchInterval: (query) => (query.state.data?.some((r) => r.status === 'running') ? 1000 : false) });
  const start = useMutation({
    mutationFn: () => getBridge().invoke('coco:runModel', { modelPath: model, ...(bboxFile ? { bboxFile } : {}) }),
    onSuccess: () => {
      onStarted();
      void client.invalidateQueries({ queryKey: ['coco:runs'] });
    },
  });
  return (
    <PathForm
      id="coco-model-title"
      title={
        <>
          Run a model{' '}
          <span className="hint">
            top-down as mmpose: the GT boxes, or a detector&apos;s person boxes (mmpose&apos;s bbox_file); crop, decoders, rescoring and OKS-NMS as{' '}
            <code>posebench eval --model</code>, stored here
          </span>
        </>
      }
      fieldLabel="Model file (.onnx)"
      placeholder="/path/to/model.onnx"
      submitLabel="Run"
      path={model}
      setPath={setModel}
      pending={start.isPending}
      error={start.error}
      done={null}
      onSubmit={() => start.mutate()}
      extra={
        <input
          type="text"
          aria-label="Person boxes (optional bbox_file .json)"
          placeholder="boxes: GT (or /path/to/person_detections.json)"
          value={bboxFile}
          onChange={(e) => setBboxFile(e.target.value)}
          style={{ flex: 1, minWidth: 0 }}
        />
      }
    >
      <ul className="coco-runs" aria-label="COCO model runs">
        {(runs.data ?? []).map((run) => (
          <li key={run.id} data-status={run.status}>
            <strong>{run.name}</strong> ({run.model}) · {run.status}
            {run.status === 'running' ? ` · ${run.done}/${run.total} boxes` : ''}
            {run.message ? <span className={run.status === 'failed' ? 'error' : 'muted'}> · {run.message}</span> : null}
          </li>
        ))}
      </ul>
    </PathForm>
  );
}
