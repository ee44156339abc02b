/**
 * Failures: pick a joint and a variant; instances sorted by normalised error, worst first. One click
 * opens the instance with the PCKh tolerance circle (0.5 × head size) around the GT joint.
 */
import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../bridge/queries.ts';
import { useUi } from '../app/ui-store.ts';
import { InstancePanel } from '../annotate/InstancePanel.tsx';
import { JointSelect, VariantSelect } from '../shared/JointSelect.tsx';
import { jointLabel } from '../shared/joint-order.ts';
import { useVariants } from '../shared/useVariants.ts';

const PAGE = 300;

export function FailuresView() {
  const { evaluated, order, loading } = useVariants();
  const { variantId, joint } = useUi((s) => s.failures);
  const setFailures = useUi((s) => s.setFailures);
  const protocol = useUi((s) => s.protocol);
  const openInstance = useUi((s) => s.openInstance);
  const openInstanceView = useUi((s) => s.openInstanceView);
  const [limit, setLimit] = useState(PAGE);
  const chosen = variantId !== null && evaluated.some((v) => v.id === variantId) ? variantId : (evaluated[0]?.id ?? null);

  useEffect(() => setLimit(PAGE), [chosen, joint]);

  const list = useApi('failures:list', { variantId: chosen ?? '', joint, offset: 0, limit, protocol }, { enabled: chosen !== null });
  const indices = useMemo(() => (list.data?.items ?? []).map((item) => item.instanceIndex), [list.data]);

  if (!loading && evaluated.length === 0) return <div className="view"><div className="empty">No evaluated variants yet.</div></div>;
  const data = list.data;
  return (
    <div className="view-split">
      <div className="column panel" style={{ marginBottom: 0, minHeight: 0 }}>
        <div className="toolbar">
          <JointSelect value={joint} onChange={(j) => setFailures({ joint: j ?? 15 })} />
          <VariantSelect value={chosen} onChange={(id) => setFailures({ variantId: id })} variants={evaluated} />
        </div>
        {data ? (
          <div className="muted" style={{ marginBottom: 6 }} aria-live="polite">
            {jointLabel(joint)}: {data.missCount} misses of {data.total} annotated ({data.total > 0 ? ((100 * data.missCount) / data.total).toFixed(1) : '0'}%)
          </div>
        ) : null}
        <div className="list-scroll">
          <table className="data" aria-label={`Failures for ${jointLabel(joint)}, worst first`}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Instance</th>
                <th scope="col">Image</th>
                <th scope="col" title="distance / head size">Error</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {(data?.items ?? []).map((item, rank) => (
                <tr
                  key={item.instanceIndex}
                  className="clickable"
                  aria-selected={openInstance?.index === item.instanceIndex}
                  tabIndex={0}
                  onClick={() => openInstanceView(item.instanceIndex, chosen ? [chosen] : [], joint, indices)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') openInstanceView(item.instanceIndex, chosen ? [chosen] : [], joint, indices);
                  }}
                >
                  <td className="muted">{rank + 1}</td>
                  <td>{item.instanceIndex}</td>
                  <td className="mono">{item.image}</td>
                  <td>{item.normalizedError === null ? (item.predicted ? '∞' : 'not predicted') : item.normalizedError.toFixed(3)}</td>
                  <td className={item.hit ? 'pos' : 'neg'}>{item.hit ? 'hit' : 'miss'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data && data.items.length < data.total ? (
            <div style={{ padding: 8, textAlign: 'center' }}>
              <button type="button" onClick={() => setLimit((l) => l + PAGE)}>
                Show more ({data.total - data.items.length} left)
              </button>
            </div>
          ) : null}
        </div>
      </div>
      <InstancePanel variantOrder={order} />
    </div>
  );
}
