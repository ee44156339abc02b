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

/**
 * Persons predicted and to predict, counted over the variants' totals, not over this run's share: a
 * run resuming 98 of 200 starts at 102 / 200, a reused variant counts as done. `done` is the run's
 * own progress (persons it went through).
 */
export function runProgressOverVariants(plan: readonly RunPlanItem[], done: number, runTotal: number): { done: number; total: number } {
  if (plan.length === 0) return { done, total: runTotal };
  let predicted = 0;
  let total = 0;
  for (const item of plan) {
    predicted += item.total - item.toRun + Math.min(done, item.toRun);
    total += item.total;
  }
  return { done: predicted, total };
}

export function RunCard({ run, live, names, onCancel }: { run: RunSummary; live: RunProgress | undefined; names: readonly string[]; onCancel: () => void }) {
  const counted = runProgressOverVariants(run.plan, live?.done ?? run.done, live?.total ?? run.total);
  const done = counted.done;
  const total = counted.total;
  const pct = total > 0 ? (100 * done) / total : 0;
  const isRunning = run.status === 'running';
  const several = run.plan.length > 1;
  const stopped = run.status === 'cancelled';
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
          <span className="muted">
            {' '}
            {names.join(', ')}
            {isRunning ? ' · planning…' : ''}
          </span>
        )}
        {run.error ? (
          <div className="error-box" style={{ marginTop: 4 }}>
            {run.error}
          </div>
        ) : null}
      </div>
      <div>
        <div className="progress" role="progressbar" aria-label={`Progress of run ${run.id}`} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
          <div style={{ width: `${pct}%` }} />
        </div>
        <div className="muted" style={{ fontSize: 12, marginTop: 2 }}>
          {done} / {total} persons predicted{several ? ` (over ${run.plan.length} variants)` : ''}
          {isRunning && live ? ` · ${live.instancesPerSecond.toFixed(1)}/s · ETA ${fmtDuration(live.etaSeconds)}` : ''}
          {stopped && done < total ? ' · kept; Start run resumes with the rest' : ''}
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
