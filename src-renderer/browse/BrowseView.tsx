/**
 * Browse: a virtualised grid of person thumbnails (lazily generated and cached by the engine, with the
 * GT and the chosen variant's skeleton drawn in; ThumbGrid.tsx); filters by variant, joint and hit/miss
 * or error class (jitter / inversion / swap / gross miss, issue 15); arrow keys move,
 * Enter opens the instance with zoom and pan.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ERROR_CLASSES } from '../../src-main/api/contract.ts';
import { useApi } from '../bridge/queries.ts';
import { useUi, type Outcome } from '../app/ui-store.ts';
import { InstancePanel } from '../annotate/InstancePanel.tsx';
import { GT_COLOR, variantColor } from '../shared/colors.ts';
import { JointSelect, VariantSelect } from '../shared/JointSelect.tsx';
import { useVariants } from '../shared/useVariants.ts';
import { ThumbGrid } from './ThumbGrid.tsx';
import type { ThumbOverlayStyle } from './thumb-url.ts';

export function BrowseView() {
  const { evaluated, visible, order } = useVariants();
  const { variantId, joint, outcome, errorClass } = useUi((s) => s.browse);
  const setBrowse = useUi((s) => s.setBrowse);
  const protocol = useUi((s) => s.protocol);
  const openInstance = useUi((s) => s.openInstance);
  const openInstanceView = useUi((s) => s.openInstanceView);
  const withPredictions = visible.filter((v) => v.predictedCount > 0);
  const chosen = variantId !== null && withPredictions.some((v) => v.id === variantId) ? variantId : null;
  const list = useApi('instances:list', {
    ...(chosen !== null ? { variantId: chosen } : {}),
    ...(joint !== null ? { joint } : {}),
    outcome: chosen !== null ? outcome : 'all',
    // hit/miss and error classes depend on the protocol; without those filters the list does not.
    ...(chosen !== null && (outcome !== 'all' || errorClass !== null) ? { protocol } : {}),
    ...(chosen !== null && errorClass !== null ? { errorClass } : {}),
  });
  const items = list.data?.items ?? [];
  const datasetId = list.data?.datasetId ?? '';
  const indices = useMemo(() => items.map((i) => i.instanceIndex), [items]);
  const predColor = chosen !== null ? variantColor(Math.max(0, order.indexOf(chosen))) : '#000000';
  // Stable while the choice is: the grid's rows are memoised on it.
  const overlay = useMemo<ThumbOverlayStyle>(() => ({ gtColor: GT_COLOR, variantId: chosen, predColor }), [chosen, predColor]);
  const [selected, setSelected] = useState(0);
  useEffect(() => {
    // After a new list, the selection is the open instance when it is in the list (a reload with
    // `open=` in the URL), else the first.
    const current = useUi.getState().openInstance;
    const at = current ? indices.indexOf(current.index) : -1;
    setSelected(Math.max(0, at));
    if (current && at >= 0 && current.list !== indices) openInstanceView(current.index, current.variantIds, current.focusJoint, indices);
  }, [list.data]);

  const open = useCallback(
    (position: number) => {
      const item = items[position];
      if (item) openInstanceView(item.instanceIndex, chosen ? [chosen] : [], joint, indices);
    },
    [items, chosen, joint, indices, openInstanceView],
  );

  const select = useCallback(
    (position: number) => {
      setSelected(position);
      // Arrow keys keep an open pane on the selected instance.
      if (useUi.getState().openInstance !== null) open(position);
    },
    [open],
  );

  return (
    <div className="view-split" style={{ gridTemplateColumns: openInstance ? 'minmax(360px, 1fr) minmax(420px, 1fr)' : '1fr' }}>
      <div className="column" style={{ minHeight: 0 }}>
        <div className="toolbar">
          <VariantSelect
            value={chosen}
            // Without an overlay there is no result to filter on: the filter goes with it.
            onChange={(id) => setBrowse(id === null ? { variantId: null, outcome: 'all', errorClass: null } : { variantId: id })}
            variants={withPredictions}
            allowNone
            label="Overlay"
          />
          <JointSelect value={joint} onChange={(j) => setBrowse({ joint: j })} allowAny />
          <label>
            Result
            <select
              aria-label="Result"
              value={errorClass !== null ? `class:${errorClass}` : outcome}
              disabled={chosen === null || !evaluated.some((v) => v.id === chosen)}
              onChange={(e) => {
                // One picker: hit/miss, or a class of miss (issue 15), which needs no hit/miss filter.
                const value = e.target.value;
                const cls = ERROR_CLASSES.find((c) => `class:${c}` === value) ?? null;
                setBrowse(cls !== null ? { outcome: 'all', errorClass: cls } : { outcome: value as Outcome, errorClass: null });
              }}
            >
              <option value="all">all</option>
              <option value="hit">hits</option>
              <option value="miss">misses</option>
              {ERROR_CLASSES.filter((c) => c !== 'hit').map((c) => (
                <option key={c} value={`class:${c}`} title="error class, as posebench analyze">
                  {c === 'miss' ? 'gross misses' : `${c} errors`}
                </option>
              ))}
            </select>
          </label>
          <span className="muted" aria-live="polite">
            {list.data ? `${list.data.total} instances` : 'loading…'}
          </span>
        </div>
        <ThumbGrid items={items} datasetId={datasetId} overlay={overlay} selected={selected} onSelect={select} onOpen={open} />
      </div>
      {openInstance ? <InstancePanel variantOrder={order} /> : null}
    </div>
  );
}
