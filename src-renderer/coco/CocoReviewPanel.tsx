/**
 * The COCO ground-truth review queue (issue 18, issue 15's kinds) beside the image: suspects ranked by
 * score with a kind filter; a suspect opens its image with the person focused; "Apply fix" makes its
 * proposal one ordinary correction (Undo takes it back); "Label is right" and "Later" are decisions kept
 * in the workspace (a kept label leaves the list, "decided too" shows it; "later" moves it to the end; a
 * decision lapses when the person's label or the variants' results change). The same queue as `posebench qc`.
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CocoSuspectView } from '../../src-main/api/contract.ts';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { keypointLabel } from './coco-format.ts';

const KIND_LABEL: Readonly<Record<CocoSuspectView['kind'], string>> = {
  flip: 'left/right flip',
  displaced_keypoint: 'displaced keypoint',
  impossible: 'impossible label',
};

export function CocoReviewPanel(props: { keypoints: readonly string[]; current: string | null; onOpen: (suspect: CocoSuspectView) => void }) {
  const client = useQueryClient();
  const review = useApi('coco:review', {}, { placeholderData: (p) => p });
  const [kind, setKind] = useState<CocoSuspectView['kind'] | 'all'>('all');
  const [showDecided, setShowDecided] = useState(false);
  const apply = useMutation({
    mutationFn: (suspect: CocoSuspectView) => getBridge().invoke('coco:correct', { index: suspect.index, edit: suspect.fix! }),
    onSuccess: () => void client.invalidateQueries(),
  });
  const decide = useMutation({
    mutationFn: (input: { suspect: CocoSuspectView; verdict: 'label_right' | 'later' }) =>
      getBridge().invoke('coco:decide', { suspectId: input.suspect.id, verdict: input.verdict }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['coco:review'] }),
  });
  const ofKind = (review.data?.suspects ?? []).filter((s) => kind === 'all' || s.kind === kind);
  const open = ofKind.filter((s) => s.decision === null);
  // As the MPII Review: open suspects first, then those left for later; "decided too" adds the kept labels.
  const suspects = showDecided ? ofKind : [...open, ...ofKind.filter((s) => s.decision?.verdict === 'later')];
  return (
    <section className="coco-review" aria-labelledby="coco-review-title">
      <h3 id="coco-review-title">
        Review queue{' '}
        <span className="muted" data-testid="coco-review-count">
          {review.data
            ? `${open.length} open of ${ofKind.length} · ${review.data.predictors.length} predictor${review.data.predictors.length === 1 ? '' : 's'}`
            : '…'}
        </span>
      </h3>
      <label className="coco-review-filter">
        kind
        <select aria-label="Suspect kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="all">all</option>
          {(Object.keys(KIND_LABEL) as CocoSuspectView['kind'][]).map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      <label className="coco-review-filter">
        <input type="checkbox" checked={showDecided} onChange={(e) => setShowDecided(e.target.checked)} /> decided too
      </label>
      {review.error ? <div className="error-box">{review.error.message}</div> : null}
      {apply.error ? <div className="error-box">{apply.error.message}</div> : null}
      {decide.error ? <div className="error-box">{decide.error.message}</div> : null}
      {review.data && review.data.predictors.length < 2 ? (
        <p className="muted">Flips and displaced keypoints need two or more variants; only impossible labels are checked.</p>
      ) : null}
      <ol className="coco-review-list">
        {suspects.slice(0, 200).map((s) => (
          <li key={s.id} data-suspect={s.id} aria-current={s.id === props.current ? 'true' : undefined}>
            <button type="button" className="link" onClick={() => props.onOpen(s)}>
              <strong>{KIND_LABEL[s.kind]}</strong> · #{s.index} {s.fileName}
              {s.keypoints.length > 0 ? ` · ${s.keypoints.map((k) => keypointLabel(props.keypoints[k] ?? String(k))).join(', ')}` : ''}
            </button>
            <div className="muted">
              {s.reason} · score {s.score.toFixed(2)}
              {s.decision !== null ? (
                <span className={`status-pill verdict-${s.decision.verdict}`}>{s.decision.verdict === 'label_right' ? 'label right' : 'later'}</span>
              ) : null}
            </div>
            <div className="coco-review-actions">
              {s.fix !== null ? (
                <button type="button" disabled={apply.isPending} onClick={() => apply.mutate(s)} aria-label={`Apply the fix of ${s.id}`}>
                  Apply fix
                </button>
              ) : null}
              {s.decision?.verdict !== 'label_right' ? (
                <button
                  type="button"
                  disabled={decide.isPending}
                  onClick={() => decide.mutate({ suspect: s, verdict: 'label_right' })}
                  aria-label={`The label of ${s.id} is right`}
                  title="Keep the label; the suspect comes back only if the label or the variants' results change"
                >
                  Label is right
                </button>
              ) : null}
              {/* On a kept label too: a change of mind puts it back into the list (at the end). */}
              {s.decision?.verdict !== 'later' ? (
                <button
                  type="button"
                  disabled={decide.isPending}
                  onClick={() => decide.mutate({ suspect: s, verdict: 'later' })}
                  aria-label={`Decide ${s.id} later`}
                >
                  Later
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
