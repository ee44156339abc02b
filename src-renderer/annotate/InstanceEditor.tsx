/**
 * Ground-truth editor for one instance: drag joints and head-box corners (drag-machine.ts decides
 * when a drag starts, Esc puts it back, release commits once), arrows nudge the selected joint in
 * image pixels, mark missing / present, swap left/right, undo / redo. Every edit is committed to the
 * workspace by the engine before the view updates; the predictions of every evaluated variant stay
 * visible throughout.
 */
import { OverlayLegend } from './OverlayLegend.tsx';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { CorrectionEditRequest, InstanceGroundTruth } from '../../src-main/api/contract.ts';
import { MPII_FLIP_INDEX, MPII_FLIP_PAIRS } from '../../src-main/core/joints.ts';
import type { Point2 } from '../../src-main/core/types.ts';
import { useApi } from '../bridge/queries.ts';
import { useUi } from '../app/ui-store.ts';
import { variantColor } from '../shared/colors.ts';
import { JointSelect } from '../shared/JointSelect.tsx';
import { jointLabel } from '../shared/joint-order.ts';
import { useAnnotate } from './annotate-store.ts';
import { createPreviewStore, dragTransition, IDLE, moveHeadCorner, type DragEffect, type DragInput, type DragState, type DragTarget } from './drag-machine.ts';
import { EditableGtLayer, type DragPreview } from './EditableGtLayer.tsx';
import { InstanceViewer } from './InstanceViewer.tsx';
import { useCorrectionCommands } from './use-correction-commands.ts';
import { useEditorInput } from './use-editor-input.ts';

const THRESHOLD = 0.5;

interface Props {
  readonly personCount: number;
  readonly variantIds: readonly string[];
  readonly variantOrder: readonly string[];
}

export function InstanceEditor({ personCount, variantIds, variantOrder }: Props) {
  const index = useAnnotate((s) => Math.min(s.instanceIndex, Math.max(0, personCount - 1)));
  const selected = useAnnotate((s) => s.selectedJoint);
  const openInEditor = useAnnotate((s) => s.openInEditor);
  const selectJoint = useAnnotate((s) => s.selectJoint);
  const protocol = useUi((s) => s.protocol);
  const detail = useApi('instance:get', { instanceIndex: index, variantIds: [...variantIds], protocol });
  const gt = useApi('corrections:instance', { instanceIndex: index });
  const history = useApi('corrections:history', {});

  const preview = useMemo(() => createPreviewStore<DragPreview | null>(null), []);
  const machine = useRef<DragState>(IDLE);
  const rootRef = useRef<HTMLDivElement>(null);
  /** Revision the shown ground truth must reach before the committed preview is dropped (no snap-back). */
  const awaitedRevision = useRef<number | null>(null);

  // Latest values for the window listeners (attached once).
  const latest = useRef({ index, selected, gt: gt.data as InstanceGroundTruth | undefined });
  latest.current = { index, selected, gt: gt.data };

  useEffect(() => {
    if (awaitedRevision.current !== null && gt.data && gt.data.gtRevision >= awaitedRevision.current) {
      awaitedRevision.current = null;
      preview.set(null);
    }
  }, [gt.data, preview]);

  // A different instance: forget any gesture and preview.
  useEffect(() => {
    machine.current = IDLE;
    awaitedRevision.current = null;
    preview.set(null);
  }, [index, preview]);

  const { status, busy, commitEdit, runHistory, nudge } = useCorrectionCommands({
    currentIndex: () => latest.current.index,
    onCommittedWithPreview: (gtRevision) => {
      awaitedRevision.current = gtRevision;
    },
    onEditFailed: () => {
      awaitedRevision.current = null;
      preview.set(null);
    },
    openInstance: openInEditor,
    historyAllowed: () => machine.current.phase === 'idle',
  });

  const runEffects = useCallback(
    (effects: readonly DragEffect[]) => {
      for (const effect of effects) {
        if (effect.type === 'preview') preview.set({ target: effect.target, xy: effect.xy });
        else if (effect.type === 'restore') preview.set(null);
        else if (effect.type === 'select') {
          if (effect.target.kind === 'joint') selectJoint(effect.target.joint);
        } else {
          const current = latest.current.gt;
          const edit = editForCommit(effect.target, effect.to, current);
          if (edit === null) {
            preview.set(null);
            continue;
          }
          if (effect.target.kind === 'joint') selectJoint(effect.target.joint);
          void commitEdit(edit, true);
        }
      }
    },
    [preview, selectJoint, commitEdit],
  );

  const dispatch = useCallback(
    (input: DragInput) => {
      const next = dragTransition(machine.current, input);
      machine.current = next.state;
      // The phase on the DOM (no React state per pointer event): styling and tests read it.
      rootRef.current?.setAttribute('data-drag-phase', next.state.phase);
      runEffects(next.effects);
      return next;
    },
    [runEffects],
  );

  const onHandleDown = useCallback(
    (target: DragTarget, origin: Point2, event: React.PointerEvent, scale: number) => {
      if (event.button !== 0) return;
      event.preventDefault();
      event.stopPropagation();
      (rootRef.current?.querySelector('.viewer') as HTMLElement | null)?.focus({ preventScroll: true });
      if (target.kind === 'joint') selectJoint(target.joint); // once per gesture, not per move
      dispatch({ type: 'pointerdown', target, pointerId: event.pointerId, x: event.clientX, y: event.clientY, origin, scale, button: event.button });
    },
    [dispatch, selectJoint],
  );

  useEditorInput({
    dragState: () => machine.current,
    dispatch,
    runHistory,
    nudgeTarget: () => {
      const { selected: joint, gt: current } = latest.current;
      const xy = joint === null ? undefined : current?.joints[joint]?.xy;
      return joint !== null && xy ? { joint, xy } : null;
    },
    nudge,
  });

  const overlays = useMemo(
    () => (detail.data?.predictions ?? []).map((prediction) => ({ prediction, color: variantColor(Math.max(0, variantOrder.indexOf(prediction.variantId))) })),
    [detail.data, variantOrder],
  );

  const gtData = gt.data;
  const gtLayer = useCallback(
    (scale: number) =>
      gtData ? (
        <EditableGtLayer gt={gtData} scale={scale} selectedJoint={selected} preview={preview} threshold={THRESHOLD} onHandleDown={onHandleDown} />
      ) : null,
    [gtData, selected, preview, onHandleDown],
  );

  const joint = selected !== null && gtData ? gtData.joints[selected] : undefined;
  const partner = selected !== null ? MPII_FLIP_INDEX[selected]! : null;
  const hasPartner = partner !== null && partner !== selected;
  const crop = detail.data?.crop;
  const canEdit = gtData !== undefined && !busy;

  return (
    <section className="editor" aria-label={`Annotate instance ${index}`} ref={rootRef} data-drag-phase="idle">
      <div className="toolbar editor-toolbar">
        <label>
          Instance
          <input
            type="number"
            aria-label="Instance number"
            min={0}
            max={personCount - 1}
            value={index}
            onChange={(e) => {
              const value = Number(e.target.value);
              if (Number.isInteger(value) && value >= 0 && value < personCount) openInEditor(value);
            }}
            style={{ width: 72 }}
          />
        </label>
        <button type="button" aria-label="Previous instance" disabled={index <= 0} onClick={() => openInEditor(index - 1)}>
          ‹
        </button>
        <button type="button" aria-label="Next instance" disabled={index >= personCount - 1} onClick={() => openInEditor(index + 1)}>
          ›
        </button>
        <span className="muted mono">{detail.data?.image ?? ''}</span>
        {gtData?.corrected ? <span className="status-pill running">corrected</span> : null}
        <span style={{ marginLeft: 'auto' }} />
        <button type="button" onClick={() => runHistory('undo', 'button')} disabled={busy || !history.data?.canUndo} title="Undo (Ctrl+Z)">
          Undo{history.data ? ` (${history.data.undoCount})` : ''}
        </button>
        <button type="button" onClick={() => runHistory('redo', 'button')} disabled={busy || !history.data?.canRedo} title="Redo (Ctrl+Shift+Z)">
          Redo{history.data ? ` (${history.data.redoCount})` : ''}
        </button>
      </div>
      <div className="toolbar editor-toolbar">
        <JointSelect value={selected} onChange={(j) => selectJoint(j)} label="Selected joint" allowAny />
        {joint && joint.xy ? (
          <button type="button" disabled={!canEdit} onClick={() => void commitEdit({ kind: 'visibility', joint: selected!, visible: !joint.visible }, false)}>
            {joint.visible ? 'Mark missing' : 'Mark present'}
          </button>
        ) : null}
        {selected !== null && joint && !joint.xy && crop ? (
          <button
            type="button"
            disabled={!canEdit}
            onClick={() => void commitEdit({ kind: 'joint', joint: selected, xy: [crop[0] + crop[2] / 2, crop[1] + crop[2] / 2] }, false)}
          >
            Place joint
          </button>
        ) : null}
        {hasPartner ? (
          <button type="button" disabled={!canEdit} onClick={() => void commitEdit({ kind: 'swap', pairs: [[selected!, partner!]] }, false)}>
            Swap {jointLabel(selected!)} ↔ {jointLabel(partner!)}
          </button>
        ) : null}
        <button
          type="button"
          disabled={!canEdit}
          onClick={() => void commitEdit({ kind: 'swap', pairs: MPII_FLIP_PAIRS.map(([a, b]) => [a, b] as [number, number]) }, false)}
        >
          Swap all left/right
        </button>
        <span className="muted">
          {joint?.xy ? `${jointLabel(selected!)} at (${joint.xy[0].toFixed(1)}, ${joint.xy[1].toFixed(1)}) px${joint.visible ? '' : ', missing'}` : ''}
        </span>
      </div>
      {detail.data ? (
        <InstanceViewer
          detail={detail.data}
          overlays={overlays}
          focusJoint={selected}
          threshold={THRESHOLD}
          gtLayer={gtLayer}
          label={`Instance ${index} editor: drag ground-truth joints or head-box corners, arrows nudge the selected joint (Shift: 10 px), Esc cancels a drag, + and − zoom, 0 fits`}
        />
      ) : (
        <div className="empty">{detail.error ? detail.error.message : 'Loading…'}</div>
      )}
      <OverlayLegend className="editor-footer" compact overlays={overlays} focusJoint={selected} headSize={gtData?.headSize ?? null} threshold={THRESHOLD}>
        {gtData ? <span>GT revision {gtData.gtRevision}</span> : null}
        <span
          role="status"
          aria-live="polite"
          className={status?.error ? 'editor-status error' : 'editor-status'}
          title={status?.text}
          style={{ color: status?.error ? 'var(--bad)' : undefined }}
        >
          {status?.text ?? ''}
        </span>
      </OverlayLegend>
    </section>
  );
}

function editForCommit(target: DragTarget, to: Point2, gt: InstanceGroundTruth | undefined): CorrectionEditRequest | null {
  if (target.kind === 'joint') return { kind: 'joint', joint: target.joint, xy: [to[0], to[1]] };
  if (!gt?.headBox) return null;
  return { kind: 'headbox', box: moveHeadCorner(gt.headBox, target.corner, to) };
}
