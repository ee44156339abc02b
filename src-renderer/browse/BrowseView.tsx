/**
 * Browse: a virtualised grid of person thumbnails (lazily generated and cached by the engine), GT and
 * the chosen variant's skeleton overlaid; filters by variant, joint and hit/miss; arrow keys move,
 * Enter opens the instance with zoom and pan.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { mediaKey, type InstanceBrief } from '../../src-main/api/contract.ts';
import { MPII_SKELETON } from '../../src-main/core/joints.ts';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { useUi, type Outcome } from '../app/ui-store.ts';
import { InstancePanel } from '../annotate/InstancePanel.tsx';
import { GT_COLOR, variantColor } from '../shared/colors.ts';
import { JointSelect, VariantSelect } from '../shared/JointSelect.tsx';
import { useVariants } from '../shared/useVariants.ts';
import { perfMark } from '../shared/perf.ts';

const CELL = 160;
const GAP = 6;
const THUMB_SIZE = 160;

export function BrowseView() {
  const { evaluated, all, order } = useVariants();
  const { variantId, joint, outcome } = useUi((s) => s.browse);
  const setBrowse = useUi((s) => s.setBrowse);
  const openInstance = useUi((s) => s.openInstance);
  const openInstanceView = useUi((s) => s.openInstanceView);
  const withPredictions = all.filter((v) => v.predictedCount > 0);
  const chosen = variantId !== null && withPredictions.some((v) => v.id === variantId) ? variantId : null;
  const list = useApi('instances:list', {
    ...(chosen !== null ? { variantId: chosen } : {}),
    ...(joint !== null ? { joint } : {}),
    outcome: chosen !== null ? outcome : 'all',
  });
  const items = list.data?.items ?? [];
  const datasetId = list.data?.datasetId ?? '';
  const indices = useMemo(() => items.map((i) => i.instanceIndex), [items]);
  const color = chosen !== null ? variantColor(Math.max(0, order.indexOf(chosen))) : '#000';
  const [selected, setSelected] = useState(0);
  useEffect(() => setSelected(0), [list.data]);

  const open = useCallback(
    (position: number) => {
      const item = items[position];
      if (item) openInstanceView(item.instanceIndex, chosen ? [chosen] : [], joint, indices);
    },
    [items, chosen, joint, indices, openInstanceView],
  );

  return (
    <div className="view-split" style={{ gridTemplateColumns: openInstance ? 'minmax(360px, 1fr) minmax(420px, 1fr)' : '1fr' }}>
      <div className="column" style={{ minHeight: 0 }}>
        <div className="toolbar">
          <VariantSelect value={chosen} onChange={(id) => setBrowse({ variantId: id })} variants={withPredictions} allowNone label="Overlay" />
          <JointSelect value={joint} onChange={(j) => setBrowse({ joint: j })} allowAny />
          <label>
            Result
            <select aria-label="Result" value={outcome} disabled={chosen === null || !evaluated.some((v) => v.id === chosen)} onChange={(e) => setBrowse({ outcome: e.target.value as Outcome })}>
              <option value="all">all</option>
              <option value="hit">hits</option>
              <option value="miss">misses</option>
            </select>
          </label>
          <span className="muted" aria-live="polite">
            {list.data ? `${list.data.total} instances` : 'loading…'}
          </span>
        </div>
        <ThumbGrid items={items} datasetId={datasetId} color={color} showPred={chosen !== null} selected={selected} onSelect={setSelected} onOpen={open} />
      </div>
      {openInstance ? <InstancePanel variantOrder={order} /> : null}
    </div>
  );
}

interface GridProps {
  readonly items: readonly InstanceBrief[];
  readonly datasetId: string;
  readonly color: string;
  readonly showPred: boolean;
  readonly selected: number;
  readonly onSelect: (position: number) => void;
  readonly onOpen: (position: number) => void;
}

function ThumbGrid({ items, datasetId, color, showPred, selected, onSelect, onOpen }: GridProps) {
  const parentRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useLayoutEffect(() => {
    const element = parentRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const columns = Math.max(1, Math.floor((width + GAP) / (CELL + GAP)));
  const rows = Math.ceil(items.length / columns);
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => parentRef.current, estimateSize: () => CELL + GAP, overscan: 3 });

  useEffect(() => {
    virtualizer.scrollToIndex(Math.floor(selected / columns), { align: 'auto' });
  }, [selected, columns, virtualizer]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const move: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns };
    const delta = move[event.key];
    if (delta !== undefined) {
      onSelect(Math.min(items.length - 1, Math.max(0, selected + delta)));
      event.preventDefault();
    } else if (event.key === 'Enter') {
      onOpen(selected);
      event.preventDefault();
    }
  };

  // Frame times while scrolling (requestAnimationFrame deltas), for the grid benchmark (p95 ≤ 16.7 ms).
  const sampler = useRef<{ last: number; until: number; running: boolean }>({ last: 0, until: 0, running: false });
  const onScroll = () => {
    const state = sampler.current;
    state.until = performance.now() + 250;
    if (state.running) return;
    state.running = true;
    state.last = 0;
    const tick = (now: number) => {
      if (state.last > 0) perfMark('browse-scroll-frame', now - state.last);
      state.last = now;
      if (now < state.until) requestAnimationFrame(tick);
      else state.running = false;
    };
    requestAnimationFrame(tick);
  };

  return (
    <div
      ref={parentRef}
      className="thumb-grid"
      tabIndex={0}
      role="grid"
      aria-label="Instances"
      aria-rowcount={rows}
      aria-colcount={columns}
      onKeyDown={onKeyDown}
      onScroll={onScroll}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div key={row.key} role="row" aria-rowindex={row.index + 1} style={{ position: 'absolute', top: row.start, left: 0, right: 0, height: CELL }}>
            {Array.from({ length: columns }, (_, c) => {
              const position = row.index * columns + c;
              const item = items[position];
              if (!item) return null;
              return (
                <Thumb
                  key={item.instanceIndex}
                  item={item}
                  datasetId={datasetId}
                  color={color}
                  showPred={showPred}
                  left={c * (CELL + GAP)}
                  selected={position === selected}
                  position={position}
                  onSelect={onSelect}
                  onOpen={onOpen}
                />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

const Thumb = memo(function Thumb({
  item,
  datasetId,
  color,
  showPred,
  left,
  selected,
  position,
  onSelect,
  onOpen,
}: {
  item: InstanceBrief;
  datasetId: string;
  color: string;
  showPred: boolean;
  left: number;
  selected: boolean;
  position: number;
  onSelect: (position: number) => void;
  onOpen: (position: number) => void;
}) {
  const [x0, y0, side] = item.crop;
  const url = getBridge().mediaUrl(mediaKey.thumb(datasetId, item.instanceIndex, THUMB_SIZE));
  return (
    <div
      className="thumb"
      role="gridcell"
      aria-selected={selected}
      aria-label={`Instance ${item.instanceIndex}, ${item.image}`}
      style={{ left, top: 0, width: CELL, height: CELL }}
      onClick={() => {
        onSelect(position);
        onOpen(position);
      }}
    >
      {item.imageExists ? <img src={url} alt="" loading="lazy" decoding="async" draggable={false} /> : <div className="muted" style={{ padding: 6, fontSize: 11 }}>image missing</div>}
      <svg viewBox={`${x0} ${y0} ${side} ${side}`} aria-hidden="true">
        <Bones flat={item.gt} color={GT_COLOR} width={side / 110} />
        {showPred && item.pred ? <Bones flat={item.pred} color={color} width={side / 110} /> : null}
      </svg>
      <div className="label">
        #{item.instanceIndex} · {item.image}
      </div>
    </div>
  );
});

function Bones({ flat, color, width }: { flat: readonly (number | null)[]; color: string; width: number }) {
  let d = '';
  for (const [a, b] of MPII_SKELETON) {
    const ax = flat[a * 2];
    const ay = flat[a * 2 + 1];
    const bx = flat[b * 2];
    const by = flat[b * 2 + 1];
    if (ax == null || ay == null || bx == null || by == null) continue;
    d += `M${ax} ${ay}L${bx} ${by}`;
  }
  return <path d={d} stroke={color} strokeWidth={width} strokeOpacity={0.9} fill="none" strokeLinecap="round" />;
}
