/**
 * Failures: pick a joint and a variant; instances sorted by normalised error, worst first. One click
 * opens the instance with the PCKh tolerance circle (0.5 × head size) around the GT joint. A class
 * filter (issue 15) keeps the joints of one error class (jitter, inversion, swap, miss, hit).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { ERROR_CLASSES } from '../../src-main/api/contract.ts';
import { useApi } from '../bridge/queries.ts';
import { useUi } from '../app/ui-store.ts';
import { InstancePanel } from '../annotate/InstancePanel.tsx';
import { JointSelect, VariantSelect } from '../shared/JointSelect.tsx';
import { jointLabel } from '../shared/joint-order.ts';
import { useVariants } from '../shared/useVariants.ts';

const PAGE = 300;

export function FailuresView() {
  const { evaluated, order, loading } = useVariants();
  const { variantId, joint, errorClass } = useUi((s) => s.failures);
  const setFailures = useUi((s) => s.setFailures);
  const protocol = useUi((s) => s.protocol);
  const openInstance = useUi((s) => s.openInstance);
  const openInstanceView = useUi((s) => s.openInstanceView);
  const closeInstance = useUi((s) => s.closeInstance);
  const [limit, setLimit] = useState(PAGE);
  const chosen = variantId !== null && evaluated.some((v) => v.id === variantId) ? variantId : (evaluated[0]?.id ?? null);

  useEffect(() => setLimit(PAGE), [chosen, joint, errorClass]);

  const list = useApi(
    'failures:list',
    { variantId: chosen ?? '', joint, offset: 0, limit, protocol, ...(errorClass !== null ? { errorClass } : {}) },
    { enabled: chosen !== null },
  );
  const indices = useMemo(() => (list.data?.items ?? []).map((item) => item.instanceIndex), [list.data]);
  const tbody = useRef<HTMLTableSectionElement>(null);

  // The pane follows the current list (it never shows an instance of another joint or variant).
  const listReady = list.data !== undefined && !list.isPlaceholderData && list.isSuccess;
  useEffect(() => {
    if (!listReady || openInstance === null || chosen === null) return;
    // No variant: restored from a URL that named none (the default variant is shown).
    const sameVariant = openInstance.variantIds.length === 0 || (openInstance.variantIds.length === 1 && openInstance.variantIds[0] === chosen);
    const sameContext = sameVariant && openInstance.focusJoint === joint;
    const sameList = openInstance.list.length === indices.length && openInstance.list.every((v, i) => v === indices[i]);
    if (sameContext && sameList) return;
    // Another joint or variant: its worst instance (the top row). The same pair with a longer list
    // ("Show more", a reload restoring `open=`): the open instance stays when the list has it.
    const target = sameContext && indices.includes(openInstance.index) ? openInstance.index : indices[0];
    if (target === undefined) closeInstance();
    else openInstanceView(target, [chosen], joint, indices);
  }, [listReady, indices, chosen, joint, openInstance, openInstanceView, closeInstance]);

  // The open instance's row stays in sight (after a reload with `open=` too).
  const openIndex = openInstance?.index ?? null;
  useEffect(() => {
    if (openIndex === null) return;
    tbody.current?.querySelector<HTMLTableRowElement>('tr[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [openIndex, indices]);

  const openAt = (position: number) => {
    const index = indices[position];
    if (index === undefined || chosen === null) return;
    openInstanceView(index, [chosen], joint, indices);
    const row = tbody.current?.querySelectorAll<HTMLTableRowElement>('tr')[position];
    row?.focus();
    row?.scrollIntoView({ block: 'nearest' });
  };

  if (!loading && evaluated.length === 0)
    return (
      <div className="view">
        <div className="empty">No evaluated variants yet.</div>
      </div>
    );
  const data = list.data;
  return (
    <div className="view-split">
      <div className="column panel" style={{ marginBottom: 0, minHeight: 0 }}>
        <div className="toolbar">
          <JointSelect value={joint} onChange={(j) => setFailures({ joint: j ?? 15 })} />
          <VariantSelect value={chosen} onChange={(id) => setFailures({ variantId: id })} variants={evaluated} />
          <label title="Error classes (as posebench analyze): jitter within 1 head size, inversion = the person's mirrored joint, swap = another person's joint">
            Class
            <select
              aria-label="Error class"
              value={errorClass ?? ''}
              onChange={(e) => setFailures({ errorClass: ERROR_CLASSES.find((c) => c === e.target.value) ?? null })}
            >
              <option value="">all</option>
              {ERROR_CLASSES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        </div>
        {data ? (
          <div className="muted" style={{ marginBottom: 6 }} aria-live="polite">
            {data.errorClass !== null
              ? `${jointLabel(joint)}: ${data.total} ${data.errorClass === 'hit' ? 'hits' : `${data.errorClass} errors`}`
              : `${jointLabel(joint)}: ${data.missCount} misses of ${data.total} annotated (${data.total > 0 ? ((100 * data.missCount) / data.total).toFixed(1) : '0'}%)`}
          </div>
        ) : null}
        <div className="list-scroll">
          <table className="data" aria-label={`Failures for ${jointLabel(joint)}, worst first`}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Instance</th>
                <th scope="col">Image</th>
                <th scope="col" title="distance / head size">
                  Error
                </th>
                <th scope="col">Result</th>
                <th scope="col" title="Error class, as posebench analyze">
                  Class
                </th>
              </tr>
            </thead>
            <tbody ref={tbody}>
              {(data?.items ?? []).map((item, rank) => (
                <tr
                  key={item.instanceIndex}
                  className="clickable"
                  aria-selected={openInstance?.index === item.instanceIndex}
                  tabIndex={0}
                  onClick={() => openInstanceView(item.instanceIndex, chosen ? [chosen] : [], joint, indices)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') openInstanceView(item.instanceIndex, chosen ? [chosen] : [], joint, indices);
                    else if (e.key === 'ArrowDown') openAt(rank + 1);
                    else if (e.key === 'ArrowUp') openAt(rank - 1);
                    else return;
                    e.preventDefault();
                  }}
                >
                  <td className="muted">{rank + 1}</td>
                  <td>{item.instanceIndex}</td>
                  <td className="mono">{item.image}</td>
                  <td>{item.normalizedError === null ? (item.predicted ? '∞' : 'not predicted') : item.normalizedError.toFixed(3)}</td>
                  <td className={item.hit ? 'pos' : 'neg'}>{item.hit ? 'hit' : 'miss'}</td>
                  <td className="muted">{item.hit ? '' : (item.errorClass ?? '')}</td>
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
