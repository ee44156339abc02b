/** The two one-path forms of Runs: import a prediction file, open a dataset folder. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useMutation } from '@tanstack/react-query';
import { getBridge } from '../bridge/index.ts';

/**
 * A panel with one path field and a submit button; `extra` adds controls before the button, `children`
 * content after the outcome (e.g. a list of what was started). Used by Runs (MPII and COCO) and the
 * COCO export.
 */
export function PathForm(props: {
  id: string;
  title: ReactNode;
  /** The section's class (default: a panel). */
  className?: string;
  children?: ReactNode;
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
    <section className={props.className ?? 'panel'} aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (props.path) props.onSubmit();
        }}
      >
        <input
          type="text"
          aria-label={props.fieldLabel}
          placeholder={props.placeholder}
          value={props.path}
          onChange={(e) => props.setPath(e.target.value)}
          style={{ flex: 1, minWidth: 0 }}
        />
        {props.extra}
        <button type="submit" disabled={!props.path || props.pending}>
          {props.submitLabel}
        </button>
      </form>
      {props.error ? <div className="error-box">{props.error.message}</div> : null}
      {props.done ? <div className="muted">{props.done}</div> : null}
      {props.children}
    </section>
  );
}

export function ImportForm({ onDone, clearErrors }: { onDone: () => void; clearErrors: number }) {
  const [file, setFile] = useState('');
  const [base, setBase] = useState<0 | 1>(0);
  const importer = useMutation({ mutationFn: () => getBridge().invoke('variants:importPredictions', { file, coordinateBase: base }), onSuccess: onDone });
  useClearedError(importer, clearErrors);
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
      done={importer.data ? `${importer.data.message ?? `Imported ${importer.data.name}`}.` : null}
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

/** An error box stays until the next success anywhere on Runs (`epoch` counts them). */
export function useClearedError(mutation: { isError: boolean; reset: () => void }, epoch: number): void {
  const seen = useRef(epoch);
  useEffect(() => {
    // Only a new success clears the error, not the error itself arriving.
    if (seen.current === epoch) return;
    seen.current = epoch;
    if (mutation.isError) mutation.reset();
  });
}

export function OpenDatasetForm({ onDone, clearErrors }: { onDone: () => void; clearErrors: number }) {
  const [dir, setDir] = useState('');
  const open = useMutation({
    mutationFn: (request: { datasetDir?: string; demo?: boolean }) => getBridge().invoke('workspace:open', request),
    onSuccess: onDone,
  });
  useClearedError(open, clearErrors);
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
        <input
          type="text"
          aria-label="Dataset folder"
          placeholder="/path/to/mpii or /path/to/coco"
          value={dir}
          onChange={(e) => setDir(e.target.value)}
          style={{ flex: 1, minWidth: 0 }}
        />
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
