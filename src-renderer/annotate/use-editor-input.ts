/**
 * The editor's window-level input: pointer moves and releases anywhere (a drag continues outside
 * the image), Esc during a drag, undo/redo keys, arrow-key nudges of the selected joint, and the
 * desktop Edit menu's undo/redo. What each input means is decided elsewhere: drags by the drag
 * machine (drag-machine.ts), keys by `historyCommandForKey` / `nudgeOffset`, commands by
 * use-correction-commands.ts.
 */
import { useEffect, useRef } from 'react';
import type { Point2 } from '../../src-main/core/types.ts';
import { getBridge } from '../bridge/index.ts';
import { historyCommandForKey, nudgeOffset, type DragInput, type DragState } from './drag-machine.ts';
import type { HistoryCommand, HistorySource } from './use-correction-commands.ts';

export interface EditorInputHandlers {
  /** The drag machine's current state (read on every event). */
  readonly dragState: () => DragState;
  readonly dispatch: (input: DragInput) => void;
  readonly runHistory: (command: HistoryCommand, source: HistorySource) => void;
  /** The selected joint and where it is shown now; null when nothing can be nudged. */
  readonly nudgeTarget: () => { readonly joint: number; readonly xy: Point2 } | null;
  readonly nudge: (joint: number, shownXy: Point2, offset: Point2) => void;
}

const inTextField = (target: EventTarget | null): boolean => (target as HTMLElement | null)?.closest?.('input, select, textarea') != null;

export function useEditorInput(handlers: EditorInputHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;

  // Attached once; every listener reads the latest handlers.
  useEffect(() => {
    const dragging = () => latest.current.dragState().phase !== 'idle';
    const onMove = (e: PointerEvent) => {
      if (dragging()) latest.current.dispatch({ type: 'pointermove', pointerId: e.pointerId, x: e.clientX, y: e.clientY });
    };
    const onUp = (e: PointerEvent) => {
      if (dragging()) latest.current.dispatch({ type: 'pointerup', pointerId: e.pointerId, x: e.clientX, y: e.clientY });
    };
    const onCancel = (e: PointerEvent) => {
      if (dragging()) latest.current.dispatch({ type: 'pointercancel', pointerId: e.pointerId });
    };
    const onKey = (e: KeyboardEvent) => {
      if (dragging()) {
        if (e.key === 'Escape') {
          latest.current.dispatch({ type: 'keydown', key: e.key });
          e.preventDefault();
          e.stopPropagation();
        }
        return;
      }
      if (inTextField(e.target)) return;
      const command = historyCommandForKey(e);
      if (command !== null) {
        e.preventDefault();
        latest.current.runHistory(command, 'key');
        return;
      }
      const offset = nudgeOffset(e.key, e.shiftKey);
      if (offset === null || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = latest.current.nudgeTarget();
      if (target === null) return;
      e.preventDefault();
      latest.current.nudge(target.joint, target.xy, offset);
    };
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onCancel);
    window.addEventListener('keydown', onKey, true);
    const offMenu = getBridge().on('edit:command', ({ command }) => {
      // Edit ▸ Undo in the desktop menu: in a text field it is the field's own undo.
      if (inTextField(document.activeElement)) document.execCommand(command);
      else latest.current.runHistory(command, 'menu');
    });
    return () => {
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onCancel);
      window.removeEventListener('keydown', onKey, true);
      offMenu();
    };
  }, []);
}
