/**
 * Review mode of Annotate (issue 15): the ground-truth review queue beside the editor. The current
 * suspect's person is open in the editor (its joints selected); Enter applies the proposed fix as one
 * ordinary correction (Undo takes it back and the suspect returns), D keeps the label ("label is
 * right"), L leaves it for later, Space / N and P move. Decisions are stored in the workspace by the
 * engine; the queue is fetched again after each one. Keys and the current suspect: review-machine.ts.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { REVIEW_SUSPECT_KINDS, type ReviewSuspect, type ReviewSuspectKind } from '../../src-main/api/contract.ts';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { useAnnotate } from './annotate-store.ts';
import { REVIEW_IDLE, reviewInputForKey, reviewTransition, type ReviewEffect, type ReviewInput, type ReviewState } from './review-machine.ts';
import { evidenceText, jointIndexOf, KIND_LABELS, proposalText, queueCsv, verdictLabel } from './review-format.ts';

const inTextField = (target: EventTarget | null): boolean => (target as HTMLElement | null)?.closest?.('input, select, textarea') != null;

/** Open suspects first (score order), then those left for later; with `showDecided` every suspect in score order. */
export function shownSuspects(all: readonly ReviewSuspect[], kind: ReviewSuspectKind | null, showDecided: boolean): ReviewSuspect[] {
  const ofKind = kind === null ? all : all.filter((s) => s.kind === kind);
  if (showDecided) return [...ofKind];
  return [...ofKind.filter((s) => s.decision === null), ...ofKind.filter((s) => s.decision?.verdict === 'later')];
}

export function ReviewPanel() {
  const client = useQueryClient();
  const queue = useApi('review:queue', {}, { placeholderData: (previous) => previous });
  const kind = useAnnotate((s) => s.reviewKind);
  const showDecided = useAnnotate((s) => s.showDecided);
  const setReview = useAnnotate((s) => s.setReview);
  const openInEditor = useAnnotate((s) => s.openInEditor);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);

  const all = useMemo(() => queue.data?.suspects ?? [], [queue.data]);
  const shown = useMemo(() => shownSuspects(all, kind, showDecided), [all, kind, showDecided]);
  const byId = useMemo(() => new Map(all.map((s) => [s.id, s])), [all]);
  const openCounts = useMemo(() => {
    const counts = new Map<ReviewSuspectKind, number>();
    for (const s of all) if (s.decision === null) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
    return counts;
  }, [all]);
  const openTotal = all.filter((s) => s.decision === null).length;

  const machine = useRef<ReviewState>(REVIEW_IDLE);
  const [current, setCurrent] = useState<ReviewState>(REVIEW_IDLE);
  const latest = useRef(byId);
  latest.current = byId;

  const dispatchRef = useRef<(input: ReviewInput) => void>(() => undefined);
  const runEffect = useCallback(
    async (effect: ReviewEffect) => {
      if (effect.type === 'refused') {
        setStatus({ text: effect.reason, error: true });
        return;
      }
      const suspect = latest.current.get(effect.id);
      if (suspect === undefined) return;
      if (effect.type === 'open') {
        const first = suspect.joints.map(jointIndexOf).find((j) => j !== null) ?? null;
        openInEditor(suspect.index, first);
        return;
      }
      try {
        const result = await getBridge().invoke('review:decide', { suspectId: effect.id, verdict: effect.action });
        setStatus({ text: result.message, error: false });
        // The machine leaves 'deciding' only once the queue shows the decision: a key pressed meanwhile
        // cannot decide the same suspect again.
        await client.invalidateQueries({ queryKey: ['review:queue'] });
        dispatchRef.current({ type: 'decided' });
      } catch (error) {
        setStatus({ text: error instanceof Error ? error.message : String(error), error: true });
        dispatchRef.current({ type: 'failed' });
      }
    },
    [client, openInEditor],
  );
  const dispatch = useCallback(
    (input: ReviewInput) => {
      const fixable = (id: string) => latest.current.get(id)?.proposal.action !== 'none';
      const next = reviewTransition(machine.current, input, fixable);
      machine.current = next.state;
      setCurrent(next.state);
      for (const effect of next.effects) void runEffect(effect);
    },
    [runEffect],
  );
  dispatchRef.current = dispatch;

  // A new queue (fetched, filtered): keep the current suspect or continue where it was.
  useEffect(() => {
    if (queue.data) dispatch({ type: 'queue', items: shown.map((s) => ({ id: s.id, fixable: s.proposal.action !== 'none' })) });
  }, [queue.data, shown, dispatch]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (inTextField(event.target)) return;
      // A drag in the editor owns the keyboard until it ends (Esc puts the joint back there).
      if (document.querySelector('.editor:not([data-drag-phase="idle"])') !== null) return;
      const input = reviewInputForKey(event);
      if (input === null) return;
      // Before any focused button sees it: Enter and Space would also click it.
      event.preventDefault();
      event.stopPropagation();
      if (!event.repeat || input.type === 'next' || input.type === 'previous') dispatch(input);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [dispatch]);

  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    listRef.current?.querySelector('[aria-current="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [current.currentId]);

  const selected = current.currentId !== null ? byId.get(current.currentId) : undefined;
  const deciding = current.phase === 'deciding';

  const exportCsv = () => {
    const url = URL.createObjectURL(new Blob([queueCsv(shown)], { type: 'text/csv' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'posebench-review-queue.csv';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <section className="panel review-panel" aria-labelledby="review-title">
      <h2 id="review-title">
        Ground-truth review{' '}
        <span className="hint" data-testid="review-count">
          {queue.data ? `${openTotal} open of ${all.length} · ${queue.data.predictors.length} predictors` : ''}
        </span>
      </h2>
      <div className="toolbar review-filters">
        <label>
          Kind
          <select
            aria-label="Suspect kind"
            value={kind ?? ''}
            onChange={(e) => setReview({ reviewKind: REVIEW_SUSPECT_KINDS.find((k) => k === e.target.value) ?? null })}
          >
            <option value="">all kinds ({openTotal})</option>
            {REVIEW_SUSPECT_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]} ({openCounts.get(k) ?? 0})
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={showDecided} onChange={(e) => setReview({ showDecided: e.target.checked })} />
          decided too
        </label>
        <button type="button" onClick={exportCsv} disabled={shown.length === 0} title="The suspects listed, with their decisions, as CSV">
          Export CSV
        </button>
      </div>
      {queue.error ? <div className="error-box">{queue.error.message}</div> : null}
      {queue.data && queue.data.predictors.length < 2 ? (
        <p className="muted">
          Fewer than two variants with a finished run: only the checks that need no predictor are made. Run or import more predictions in Runs.
        </p>
      ) : null}
      <div className="review-actions" role="group" aria-label="Decide">
        <button
          type="button"
          className="primary"
          disabled={!selected || deciding || selected.proposal.action === 'none'}
          onClick={() => dispatch({ type: 'decide', action: 'accept' })}
        >
          Accept fix <kbd>Enter</kbd>
        </button>
        <button type="button" disabled={!selected || deciding} onClick={() => dispatch({ type: 'decide', action: 'reject' })}>
          Label is right <kbd>D</kbd>
        </button>
        <button type="button" disabled={!selected || deciding} onClick={() => dispatch({ type: 'decide', action: 'defer' })}>
          Later <kbd>L</kbd>
        </button>
        <button type="button" disabled={shown.length === 0} onClick={() => dispatch({ type: 'next' })}>
          Next <kbd>N</kbd>
        </button>
      </div>
      {selected ? (
        <p className="review-current" data-testid="review-current">
          <strong>{KIND_LABELS[selected.kind]}</strong> · person {selected.index} · {proposalText(selected.proposal)}
        </p>
      ) : null}
      <div role="status" aria-live="polite" className={`review-status${status?.error ? ' error' : ''}`}>
        {status?.text ?? ''}
      </div>
      {queue.data && shown.length === 0 ? (
        <div className="empty">{all.length === 0 ? 'No suspects: the predictors agree with the ground truth.' : 'Nothing left to review here.'}</div>
      ) : null}
      <ol className="review-list" ref={listRef} aria-label="Review queue">
        {shown.map((s, rank) => (
          <li key={s.id} aria-current={s.id === current.currentId ? 'true' : undefined} data-suspect={s.id}>
            <button type="button" className="link" onClick={() => dispatch({ type: 'select', id: s.id })}>
              <span className="review-line">
                <span className="mono review-rank">{rank + 1}</span>
                <span className="review-kind">{KIND_LABELS[s.kind]}</span>
                <span className="muted">person {s.index}</span>
                <span className="mono review-score" title="score: agreeing predictors × evidence in head sizes">
                  {s.score.toFixed(2)}
                </span>
                {s.decision ? <span className={`status-pill verdict-${s.decision.verdict}`}>{verdictLabel(s)}</span> : null}
              </span>
              <span className="review-detail muted" title={`${s.image} · ${evidenceText(s)}`}>
                {evidenceText(s)} · {proposalText(s.proposal)}
              </span>
            </button>
          </li>
        ))}
      </ol>
      <p className="hint muted">Space / N next · P previous · Enter accept · D label right · L later · Ctrl+Z undo</p>
    </section>
  );
}
