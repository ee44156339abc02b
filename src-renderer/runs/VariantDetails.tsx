/**
 * The details row of a variant in Runs: its management controls, the manifest of the run its numbers
 * come from, its run history and its latency history (with Re-measure latency).
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LatencyHistoryItem, StoredRunView, VariantDetails as VariantDetailsData, VariantSummary } from '../../src-main/api/contract.ts';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { describeLatency, fmtDuration, fmtMs, fmtTime } from '../shared/format.ts';
import { ManifestList } from './ManifestList.tsx';
import { VariantManagement } from './VariantManagement.tsx';

export function VariantDetails({ variant, onRemoved }: { variant: VariantSummary; onRemoved: (variantId: string, message: string) => void }) {
  // From Remove on, the details are not fetched again: the engine's change event may come before the
  // variants list drops the row, and a refetch of a removed variant would fail.
  const [removing, setRemoving] = useState(false);
  const details = useApi('variants:details', { variantId: variant.id }, { enabled: !removing });
  const data = details.data;
  return (
    <div className="variant-details" role="region" aria-label={`Details of ${variant.name}`}>
      {details.error ? <div className="error-box">{details.error.message}</div> : null}
      {data === undefined ? (
        details.error ? null : (
          <div className="muted">Loading details…</div>
        )
      ) : (
        <>
          <VariantManagement details={data} onRemoving={setRemoving} onRemoved={(message) => onRemoved(variant.id, message)} />
          <section aria-label="Current run manifest">
            <h3>Where its numbers come from</h3>
            <CurrentManifest details={data} />
          </section>
          <div className="details-grid">
            <section aria-label="Run history">
              <h3>Run history</h3>
              <RunHistory runs={data.runs} />
            </section>
            <LatencyHistory variant={data.variant} history={data.latencyHistory} />
          </div>
        </>
      )}
    </div>
  );
}

function CurrentManifest({ details }: { details: VariantDetailsData }) {
  const current = details.runs.find((run) => run.current);
  if (current === undefined) return <div className="muted">No run yet: its numbers will come from its first run.</div>;
  if (current.manifest === null)
    return <div className="muted">Run {current.runId} was stored before runs recorded a manifest; run it again to record one.</div>;
  return (
    <>
      <div className="muted run-of">
        run {current.runId}, {current.status}
      </div>
      <ManifestList manifest={current.manifest} />
    </>
  );
}

function RunHistory({ runs }: { runs: readonly StoredRunView[] }) {
  if (runs.length === 0) return <div className="muted">No stored runs.</div>;
  return (
    <div className="table-scroll">
      <table className="data compact" aria-label="Run history">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col" className="left">
              Status
            </th>
            <th scope="col" className="left">
              Started
            </th>
            <th scope="col" title="From start to end">
              Took
            </th>
            <th scope="col">Persons</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.runId} className={run.current ? 'current-run' : undefined}>
              <td>
                {run.runId}
                {run.current ? (
                  <span className="tag current" title="The variant's numbers come from this run">
                    current
                  </span>
                ) : null}
              </td>
              <td className="left">
                <span className={`status-pill ${run.status === 'done' ? 'finished' : run.status}`} title={run.error ?? undefined}>
                  {run.status}
                </span>
              </td>
              <td className="left" title={run.createdAt}>
                {fmtTime(run.createdAt)}
              </td>
              <td title={run.finishedAt !== null ? `finished ${run.finishedAt}` : 'not finished'}>{took(run)}</td>
              <td>{run.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The run's wall time, e.g. "3 s", "2 min 05 s"; "–" while unfinished. */
function took(run: StoredRunView): string {
  if (run.finishedAt === null) return '–';
  return fmtDuration((Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000);
}

function LatencyHistory({ variant, history }: { variant: VariantSummary; history: readonly LatencyHistoryItem[] }) {
  const client = useQueryClient();
  const measure = useMutation({
    mutationFn: () => getBridge().invoke('latency:measure', { variantId: variant.id }),
    onSuccess: () => void client.invalidateQueries(),
  });
  return (
    <section aria-label="Latency history">
      <h3>
        Latency history{' '}
        {variant.kind === 'model' ? (
          <button
            type="button"
            disabled={measure.isPending || variant.status === 'running'}
            onClick={() => measure.mutate()}
            title="Time 50 single-thread session.run calls of this model now"
          >
            {measure.isPending ? 'Measuring…' : 'Re-measure latency'}
          </button>
        ) : null}
      </h3>
      {measure.error ? <div className="error-box">{measure.error.message}</div> : null}
      {history.length === 0 ? (
        <div className="muted">No latency measured yet.</div>
      ) : (
        <div className="table-scroll">
          <table className="data compact" aria-label="Latency history">
            <thead>
              <tr>
                <th scope="col" className="left">
                  Measured at
                </th>
                <th scope="col">Median (ms)</th>
                <th scope="col">p5–p95 (ms)</th>
                <th scope="col">n</th>
                <th scope="col" className="left">
                  From
                </th>
              </tr>
            </thead>
            <tbody>
              {history.map((item, index) => (
                <tr key={`${item.measuredAt}-${index}`} title={describeLatency(item)}>
                  <td className="left" title={item.measuredAt}>
                    {fmtTime(item.measuredAt)}
                  </td>
                  <td>{fmtMs(item.medianMs)}</td>
                  <td>{item.p5Ms === null ? `– to ${fmtMs(item.p95Ms)}` : `${fmtMs(item.p5Ms)}–${fmtMs(item.p95Ms)}`}</td>
                  <td>{item.n}</td>
                  <td className="left">{item.runId !== null ? `run ${item.runId}` : 're-measured'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
