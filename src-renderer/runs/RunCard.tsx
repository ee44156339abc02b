/** One run of this session: status, what it does per variant (its plan in words), progress, Cancel. */
import type { EventMap, RunPlanItem, RunSummary } from '../../src-main/api/contract.ts';
import { fmtDuration } from '../shared/format.ts';

export type RunProgress = EventMap['run:progress'];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "resuming: 98 left of 200", "unchanged since its last run: reused", "trying 2 failed persons again", "200 persons". */
export function describePlanItem(item: RunPlanItem): string {
  switch (item.action) {
    case 'reuse':
      return 'unchanged since its last run: reused';
    case 'resume':
      return `resuming: ${item.toRun} left of ${item.total}`;
    case 'retry-failed':
      return `trying ${plural(item.toRun, 'failed person')} again`;
    case 'new':
      return plural(item.toRun, 'person');
  }
}

export function RunCard({ run, live, names, onCancel }: { run: RunSummary; live: RunProgress | undefined; names: readonly string[]; onCancel: () => void }) {
  const done = live?.done ?? run.done;
  const total = live?.total ?? run.total;
  const pct = total > 0 ? (100 * done) / total : 0;
  const isRunning = run.status === 'running';
  return (
    <div className="run-card" aria-label={`Run ${run.id}`} role="group">
      <div style={{ minWidth: 0 }}>
        <span className={`status-pill ${run.status}`}>{run.status}</span> <strong>{run.id}</strong>
        {run.plan.length > 0 ? (
          <ul className="run-plan" aria-label={`Plan of run ${run.id}`}>
            {run.plan.map((item) => (
              <li key={item.variantId}>
                <span>{item.variantName}</span>: <span className={item.action === 'reuse' ? 'muted' : undefined}>{describePlanItem(item)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted"> {names.join(', ')}{isRunning ? ' · planning…' : ''}</span>
        )}
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
