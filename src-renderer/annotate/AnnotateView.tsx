/**
 * Annotate: correct the ground truth of one instance (editor), see what the corrections change
 * (re-evaluation) and export the corrected annotations.
 */
import { useApi } from '../bridge/queries.ts';
import { useVariants } from '../shared/useVariants.ts';
import './annotate.css';
import { ExportPanel } from './ExportPanel.tsx';
import { InstanceEditor } from './InstanceEditor.tsx';
import { ReevaluationPanel } from './ReevaluationPanel.tsx';

export function AnnotateView() {
  const { order } = useVariants();
  const dataset = useApi('dataset:summary', {});
  const personCount = dataset.data?.personCount ?? 0;
  if (dataset.error) return <div className="view"><div className="error-box">{dataset.error.message}</div></div>;
  if (!dataset.data) return <div className="view"><div className="empty">{dataset.isLoading ? 'Loading…' : 'No dataset is open.'}</div></div>;
  return (
    <div className="annotate-split">
      {personCount > 0 ? <InstanceEditor personCount={personCount} variantIds={order} variantOrder={order} /> : <div className="empty">The dataset has no persons.</div>}
      <aside className="annotate-side" aria-label="Corrections">
        <ReevaluationPanel />
        <ExportPanel />
      </aside>
    </div>
  );
}
