/**
 * Annotate: correct the ground truth of one instance (editor), see what the corrections change
 * (re-evaluation) and export the corrected annotations; or review the ground-truth review queue
 * (Review mode, issue 15) with the same editor showing each suspect's person.
 */
import { useApi } from '../bridge/queries.ts';
import { useVariants } from '../shared/useVariants.ts';
import './annotate.css';
import { useAnnotate } from './annotate-store.ts';
import { ExportPanel } from './ExportPanel.tsx';
import { InstanceEditor } from './InstanceEditor.tsx';
import { ReevaluationPanel } from './ReevaluationPanel.tsx';
import { ReviewPanel } from './ReviewPanel.tsx';

export function AnnotateView() {
  const { order } = useVariants();
  const dataset = useApi('dataset:summary', {});
  const mode = useAnnotate((s) => s.mode);
  const setMode = useAnnotate((s) => s.setMode);
  const personCount = dataset.data?.personCount ?? 0;
  if (dataset.error)
    return (
      <div className="view">
        <div className="error-box">{dataset.error.message}</div>
      </div>
    );
  if (!dataset.data)
    return (
      <div className="view">
        <div className="empty">{dataset.isLoading ? 'Loading…' : 'No dataset is open.'}</div>
      </div>
    );
  return (
    <div className={`annotate-split${mode === 'review' ? ' reviewing' : ''}`}>
      {personCount > 0 ? (
        <InstanceEditor personCount={personCount} variantIds={order} variantOrder={order} />
      ) : (
        <div className="empty">The dataset has no persons.</div>
      )}
      <aside className="annotate-side" aria-label={mode === 'review' ? 'Review' : 'Corrections'}>
        <div className="mode-switch" role="tablist" aria-label="Annotate mode">
          <button type="button" role="tab" aria-selected={mode === 'edit'} onClick={() => setMode('edit')}>
            Edit
          </button>
          <button type="button" role="tab" aria-selected={mode === 'review'} onClick={() => setMode('review')}>
            Review
          </button>
        </div>
        {mode === 'review' ? <ReviewPanel /> : null}
        <ReevaluationPanel />
        {mode === 'edit' ? <ExportPanel /> : null}
      </aside>
    </div>
  );
}
