/** The instance detail panel used by Failures and Browse: header, zoomable viewer, joint readout. */
import { OverlayLegend } from './OverlayLegend.tsx';
import { useEffect, useMemo } from 'react';
import { useApi } from '../bridge/queries.ts';
import { useUi } from '../app/ui-store.ts';
import { variantColor } from '../shared/colors.ts';
import { jointLabel } from '../shared/joint-order.ts';
import { InstanceViewer } from './InstanceViewer.tsx';
import { useAnnotate } from './annotate-store.ts';

interface Props {
  /** Variant order of the workspace (for stable colours). */
  readonly variantOrder: readonly string[];
}

export function InstancePanel({ variantOrder }: Props) {
  const open = useUi((s) => s.openInstance);
  const openInstanceView = useUi((s) => s.openInstanceView);
  const close = useUi((s) => s.closeInstance);
  const setView = useUi((s) => s.setView);
  const openInEditor = useAnnotate((s) => s.openInEditor);
  const protocol = useUi((s) => s.protocol);
  const detail = useApi('instance:get', { instanceIndex: open?.index ?? 0, variantIds: open?.variantIds ?? [], protocol }, { enabled: open !== null });

  const position = open ? open.list.indexOf(open.index) : -1;
  const step = (delta: number) => {
    if (!open || position < 0) return;
    const next = open.list[position + delta];
    if (next !== undefined) openInstanceView(next, open.variantIds, open.focusJoint, open.list);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!open || (event.target as HTMLElement | null)?.closest('input, select, textarea')) return;
      if (event.key === 'Escape') close();
      else if (event.key === 'j' || event.key === 'PageDown') step(1);
      else if (event.key === 'k' || event.key === 'PageUp') step(-1);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const overlays = useMemo(
    () =>
      (detail.data?.predictions ?? []).map((prediction) => ({
        prediction,
        color: variantColor(Math.max(0, variantOrder.indexOf(prediction.variantId))),
      })),
    [detail.data, variantOrder],
  );

  if (!open)
    return (
      <div className="instance-panel">
        <div className="empty" style={{ gridRow: '1 / span 3' }}>
          Select an instance to see it here.
        </div>
      </div>
    );
  const focus = open.focusJoint;
  return (
    <section className="instance-panel" aria-label={`Instance ${open.index}`}>
      <header>
        <span className="title">Instance {open.index}</span>
        <span className="muted mono">{detail.data?.image ?? ''}</span>
        {focus !== null ? <span className="muted">focus: {jointLabel(focus)}</span> : null}
        <span style={{ marginLeft: 'auto' }} />
        {position >= 0 ? (
          <span className="muted">
            {position + 1} / {open.list.length}
          </span>
        ) : null}
        <button type="button" onClick={() => step(-1)} disabled={position <= 0} aria-label="Previous instance (k)">
          ‹
        </button>
        <button type="button" onClick={() => step(1)} disabled={position < 0 || position >= open.list.length - 1} aria-label="Next instance (j)">
          ›
        </button>
        <button
          type="button"
          onClick={() => {
            openInEditor(open.index, open.focusJoint);
            setView('annotate');
          }}
          title="Correct this instance's ground truth in the Annotate view"
        >
          Edit GT
        </button>
        <button type="button" onClick={close} aria-label="Close instance">
          ✕
        </button>
      </header>
      {detail.data ? (
        <InstanceViewer detail={detail.data} overlays={overlays} focusJoint={focus} />
      ) : (
        <div className="empty">{detail.error ? detail.error.message : 'Loading…'}</div>
      )}
      <OverlayLegend overlays={overlays} focusJoint={focus} headSize={detail.data?.headSize ?? null} />
    </section>
  );
}
