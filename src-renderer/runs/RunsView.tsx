/**
 * Runs: pick model variants, start a run over the open dataset, follow its progress (bar, rate, ETA)
 * and cancel it. Also the place to open a dataset folder, add a model and import predictions.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EventMap, RunSummary } from '../../src-main/api/contract.ts';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { fmtDuration, fmtMs } from '../shared/format.ts';
import { useVariants } from '../shared/useVariants.ts';
import { CropPreparationNote } from './CropPreparationNote.tsx';

type Progress = EventMap['run:progress'];

export function RunsView() {
  const client = useQueryClient();
  const { all } = useVariants();
  const runs = useApi('runs:list', {});
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [progress, setProgress] = useState<Record<string, Progress>>({});

  useEffect(() => {
    const bridge = getBridge();
    const off1 = bridge.on('run:progress', (p) => setProgress((prev) => ({ ...prev, [p.runId]: p })));
    const off2 = bridge.on('run:finished', (summary) => {
      setProgress((prev) => {
        const next = { ...prev };
        delete next[summary.id];
        return next;
      });
    });
    return () => {
      off1();
      off2();
    };
  }, []);

  const refresh = () => void client.invalidateQueries();
  const start = useMutation({ mutationFn: (variantIds: string[]) => getBridge().invoke('runs:start', { variantIds }), onSuccess: refresh });
  const cancel = useMutation({ mutationFn: (runId: string) => getBridge().invoke('runs:cancel', { runId }), onSuccess: refresh });

  const models = all.filter((v) => v.kind === 'model');
  const running = all.some((v) => v.status === 'running');
  const selection = models.filter((v) => checked.has(v.id) && v.status !== 'running').map((v) => v.id);

  return (
    <div className="view">
      <section className="panel" aria-labelledby="variants-title">
        <h2 id="variants-title">
          Variants <span className="hint">tick model variants, then start a run over the open dataset</span>
        </h2>
        <table className="data" aria-label="Variants">
          <thead>
            <tr>
              <th scope="col" className="left">Run</th>
              <th scope="col" className="left">Variant</th>
              <th scope="col" className="left">Kind</th>
              <th scope="col" className="left">Source</th>
              <th scope="col" className="left">Status</th>
              <th scope="col">Predicted</th>
              <th scope="col">Failed</th>
              <th scope="col">Latency median (ms)</th>
              <th scope="col">p95 (ms)</th>
            </tr>
          </thead>
          <tbody>
            {all.map((v) => (
              <tr key={v.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Run ${v.name}`}
                    disabled={v.kind !== 'model' || v.status === 'running'}
                    checked={checked.has(v.id)}
                    onChange={(e) => {
                      const next = new Set(checked);
                      if (e.target.checked) next.add(v.id);
                      else next.delete(v.id);
                      setChecked(next);
                    }}
                  />
                </td>
                <td className="left">{v.name}</td>
                <td className="left">{v.kind}</td>
                <td className="mono left">
                  {v.source}
                </td>
                <td className="left">
                  <span className={`status-pill ${v.status}`} title={v.error ?? undefined}>
                    {v.status}
                  </span>
                </td>
                <td>{v.predictedCount}</td>
                <td>{v.failureCount}</td>
                <td>{fmtMs(v.latency?.medianMs)}</td>
                <td>{fmtMs(v.latency?.p95Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="toolbar" style={{ marginTop: 10, marginBottom: 0 }}>
          <button type="button" className="primary" disabled={selection.length === 0 || start.isPending} onClick={() => start.mutate(selection)}>
            Start run ({selection.length})
          </button>
          <button type="button" disabled={models.length === 0} onClick={() => setChecked(new Set(models.map((m) => m.id)))}>
            Select all models
          </button>
          {running ? <span className="muted">a run is in progress</span> : null}
          {start.error ? <span className="error-box">{start.error.message}</span> : null}
        </div>
        <CropPreparationNote />
      </section>

      <section className="panel" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        {(runs.data ?? []).length === 0 ? <div className="muted">No runs in this session yet.</div> : null}
        {(runs.data ?? []).map((run) => (
          <RunRow key={run.id} run={run} live={progress[run.id]} names={run.variantIds.map((id) => all.find((v) => v.id === id)?.name ?? id)} onCancel={() => cancel.mutate(run.id)} />
        ))}
      </section>

      <div className="grid-2">
        <AddModelForm onDone={refresh} />
        <ImportForm onDone={refresh} />
      </div>
      <OpenDatasetForm onDone={refresh} />
    </div>
  );
}

function RunRow({ run, live, names, onCancel }: { run: RunSummary; live: Progress | undefined; names: string[]; onCancel: () => void }) {
  const done = live?.done ?? run.done;
  const total = live?.total ?? run.total;
  const pct = total > 0 ? (100 * done) / total : 0;
  const isRunning = run.status === 'running';
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '1fr 280px auto', gap: 12, alignItems: 'center', padding: '6px 0', borderBottom: '1px solid var(--border)' }} aria-label={`Run ${run.id}`}>
      <div>
        <span className={`status-pill ${run.status}`}>{run.status}</span> <strong>{run.id}</strong> <span className="muted">{names.join(', ')}</span>
        {run.error ? <div className="error-box" style={{ marginTop: 4 }}>{run.error}</div> : null}
      </div>
      <div>
        <div className="progress" role="progressbar" aria-label={`Progress of run ${run.id}`} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
          <div style={{ width: `${pct}%` }} />
        </div>
        <div className="muted" style={{ fontSize: 12, marginTop: 2 }}>
          {done} / {total} instances
          {isRunning && live ? ` · ${live.instancesPerSecond.toFixed(1)}/s · ETA ${fmtDuration(live.etaSeconds)}` : ''}
          {run.failed > 0 ? ` · ${run.failed} failed` : ''}
        </div>
      </div>
      <div>
        {isRunning ? (
          <button type="button" className="danger" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** A panel with one path field and a submit button; `extra` adds controls before the button. */
function PathForm(props: {
  id: string;
  title: string;
  fieldLabel: string;
  placeholder: string;
  submitLabel: string;
  path: string;
  setPath: (path: string) => void;
  pending: boolean;
  error: Error | null;
  done: string | null;
  onSubmit: () => void;
  extra?: ReactNode;
}) {
  return (
    <section className="panel" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (props.path) props.onSubmit();
        }}
      >
        <input type="text" aria-label={props.fieldLabel} placeholder={props.placeholder} value={props.path} onChange={(e) => props.setPath(e.target.value)} style={{ flex: 1 }} />
        {props.extra}
        <button type="submit" disabled={!props.path || props.pending}>
          {props.submitLabel}
        </button>
      </form>
      {props.error ? <div className="error-box">{props.error.message}</div> : null}
      {props.done ? <div className="muted">{props.done}</div> : null}
    </section>
  );
}

function AddModelForm({ onDone }: { onDone: () => void }) {
  const [path, setPath] = useState('');
  const add = useMutation({ mutationFn: () => getBridge().invoke('variants:addModel', { modelPath: path }), onSuccess: onDone });
  return (
    <PathForm
      id="add-model-title"
      title="Add model"
      fieldLabel="Model file (.onnx)"
      placeholder="/path/to/model.onnx"
      submitLabel="Add"
      path={path}
      setPath={setPath}
      pending={add.isPending}
      error={add.error}
      done={add.data ? (add.data.created ? `${add.data.message}. Tick it above and start a run.` : add.data.message) : null}
      onSubmit={() => add.mutate()}
    />
  );
}

function ImportForm({ onDone }: { onDone: () => void }) {
  const [file, setFile] = useState('');
  const [base, setBase] = useState<0 | 1>(0);
  const importer = useMutation({ mutationFn: () => getBridge().invoke('variants:importPredictions', { file, coordinateBase: base }), onSuccess: onDone });
  return (
    <PathForm
      id="import-title"
      title="Import predictions"
      fieldLabel="Prediction file (.json or .mat)"
      placeholder="/path/to/preds.json"
      submitLabel="Import"
      path={file}
      setPath={setFile}
      pending={importer.isPending}
      error={importer.error}
      done={importer.data ? `Imported ${importer.data.name}.` : null}
      onSubmit={() => importer.mutate()}
      extra={
        <label>
          base
          <select aria-label="Coordinate base" value={base} onChange={(e) => setBase(e.target.value === '1' ? 1 : 0)}>
            <option value={0}>0 (mmpose)</option>
            <option value={1}>1 (MATLAB)</option>
          </select>
        </label>
      }
    />
  );
}

function OpenDatasetForm({ onDone }: { onDone: () => void }) {
  const [dir, setDir] = useState('');
  const open = useMutation({
    mutationFn: (request: { datasetDir?: string; demo?: boolean }) => getBridge().invoke('workspace:open', request),
    onSuccess: onDone,
  });
  return (
    <section className="panel" aria-labelledby="open-title">
      <h2 id="open-title">Dataset</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (dir) open.mutate({ datasetDir: dir });
        }}
      >
        <input type="text" aria-label="Dataset folder" placeholder="/path/to/mpii" value={dir} onChange={(e) => setDir(e.target.value)} style={{ flex: 1 }} />
        <button type="submit" disabled={!dir || open.isPending}>
          Open folder
        </button>
        <button type="button" disabled={open.isPending} onClick={() => open.mutate({ demo: true })}>
          Open demo
        </button>
      </form>
      {open.error ? <div className="error-box">{open.error.message}</div> : null}
    </section>
  );
}
