/**
 * Runs: the workspace's variants (details, management), start a run over the open dataset — reusing
 * what is unchanged unless asked to run again — follow its progress and plan, cancel it. Also the
 * place to open a dataset folder, add a model (with decoder options) and import predictions.
 */
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { useUi } from '../app/ui-store.ts';
import { useVariants } from '../shared/useVariants.ts';
import { AddModelForm } from './AddModelForm.tsx';
import { CropPreparationNote } from './CropPreparationNote.tsx';
import { ImportForm, OpenDatasetForm, useClearedError } from './PathForms.tsx';
import { RunCard, type RunProgress } from './RunCard.tsx';
import { VariantsTable } from './VariantsTable.tsx';
import './runs.css';

export function RunsView() {
  const client = useQueryClient();
  const { all } = useVariants();
  const runs = useApi('runs:list', {});
  const stored = useUi((s) => s.runs);
  const setRuns = useUi((s) => s.setRuns);
  const checked = useMemo(() => new Set(stored.checked), [stored.checked]);
  const expanded = useMemo(() => new Set(stored.expanded), [stored.expanded]);
  const [rerun, setRerun] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [progress, setProgress] = useState<Record<string, RunProgress>>({});

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

  // Every success on this page counts: an error box from an earlier attempt goes with the next one.
  const [successes, setSuccesses] = useState(0);
  const refresh = () => {
    setSuccesses((n) => n + 1);
    void client.invalidateQueries();
  };
  const start = useMutation({
    mutationFn: (request: { variantIds: string[]; rerun: boolean }) => getBridge().invoke('runs:start', request),
    onSuccess: refresh,
  });
  useClearedError(start, successes);
  const cancel = useMutation({ mutationFn: (runId: string) => getBridge().invoke('runs:cancel', { runId }), onSuccess: refresh });
  // Runs of this dataset only (the engine's list spans the session): a run whose variants are all
  // unknown here belongs to a dataset opened before.
  const known = new Set(all.map((v) => v.id));
  const datasetRuns = (runs.data ?? []).filter((run) => run.variantIds.some((id) => known.has(id)));
  const nameOf = (run: { plan: readonly { variantId: string; variantName: string }[] }, id: string) =>
    all.find((v) => v.id === id)?.name ?? run.plan.find((item) => item.variantId === id)?.variantName ?? id;

  const models = all.filter((v) => v.kind === 'model');
  const running = all.some((v) => v.status === 'running');
  const selection = models.filter((v) => checked.has(v.id) && v.status !== 'running').map((v) => v.id);
  const toggleIn = (set: ReadonlySet<string>, id: string, on: boolean): string[] => {
    const next = new Set(set);
    if (on) next.add(id);
    else next.delete(id);
    return [...next];
  };

  return (
    <div className="view runs-view">
      <section className="panel" aria-labelledby="variants-title">
        <h2 id="variants-title">
          Variants <span className="hint">tick model variants, then start a run over the open dataset; ▸ opens a variant’s details</span>
        </h2>
        {notice ? (
          <div className="notice" role="status" aria-label="Variant notice">
            {notice}{' '}
            <button type="button" className="link" onClick={() => setNotice(null)} aria-label="Dismiss">
              ×
            </button>
          </div>
        ) : null}
        <VariantsTable
          variants={all}
          checked={checked}
          onCheck={(id, on) => setRuns({ checked: toggleIn(checked, id, on) })}
          expanded={expanded}
          onToggle={(id) => setRuns({ expanded: toggleIn(expanded, id, !expanded.has(id)) })}
          onRemoved={(id, message) => {
            setNotice(message);
            setRuns({ checked: stored.checked.filter((x) => x !== id), expanded: stored.expanded.filter((x) => x !== id) });
          }}
        />
        <div className="toolbar" style={{ marginTop: 10, marginBottom: 0 }}>
          <button
            type="button"
            className="primary"
            disabled={selection.length === 0 || start.isPending}
            onClick={() => start.mutate({ variantIds: selection, rerun })}
          >
            Start run ({selection.length})
          </button>
          <label title="By default a variant whose model file, options, code and dataset are unchanged since its last finished run keeps that run's numbers and nothing runs">
            <input type="checkbox" checked={rerun} onChange={(e) => setRerun(e.target.checked)} />
            Run again even if unchanged
          </label>
          <button type="button" disabled={models.length === 0} onClick={() => setRuns({ checked: models.filter((m) => !m.hidden).map((m) => m.id) })}>
            Select all models
          </button>
          {running ? <span className="muted">a run is in progress</span> : null}
          {start.error ? <span className="error-box">{start.error.message}</span> : null}
        </div>
        <CropPreparationNote />
      </section>

      <section className="panel" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        {datasetRuns.length === 0 ? <div className="muted">No runs on this dataset in this session yet.</div> : null}
        {datasetRuns.map((run) => (
          <RunCard key={run.id} run={run} live={progress[run.id]} names={run.variantIds.map((id) => nameOf(run, id))} onCancel={() => cancel.mutate(run.id)} />
        ))}
      </section>

      <div className="grid-2">
        <AddModelForm
          clearErrors={successes}
          onDone={(result) => {
            // A new variant is ticked for the next run: adding a model is nearly always followed by running it.
            if (result.created) setRuns({ checked: [...stored.checked.filter((id) => id !== result.variant.id), result.variant.id] });
            refresh();
          }}
        />
        <div>
          <ImportForm onDone={refresh} clearErrors={successes} />
          <OpenDatasetForm onDone={refresh} clearErrors={successes} />
        </div>
      </div>
    </div>
  );
}
