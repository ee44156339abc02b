/**
 * The editor's commands to the engine: apply an edit, undo, redo, and arrow-key nudges grouped into
 * one undo step per burst (drag-machine.ts `nextNudgeBurst`). Every command is committed to the
 * workspace by the engine before the queries it changes are refetched; the status line says what was
 * saved or why not.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import type { CorrectionEditRequest } from '../../src-main/api/contract.ts';
import type { Point2 } from '../../src-main/core/types.ts';
import { getBridge } from '../bridge/index.ts';
import { nextNudgeBurst, type NudgeBurst } from './drag-machine.ts';

export type HistoryCommand = 'undo' | 'redo';
export type HistorySource = 'key' | 'menu' | 'button';

export interface CorrectionCommandsOptions {
  /** The instance shown now (read when a command runs, not when it was created). */
  readonly currentIndex: () => number;
  /** An edit committed with its preview kept: the revision the shown GT must reach before the preview goes. */
  readonly onCommittedWithPreview: (gtRevision: number) => void;
  /** A failed edit: drop any preview. */
  readonly onEditFailed: () => void;
  /** Undo/redo of an edit on another instance opens that instance. */
  readonly openInstance: (index: number) => void;
  /** False while a drag is under way: undo/redo wait for it to end. */
  readonly historyAllowed: () => boolean;
}

export interface CorrectionCommands {
  readonly status: { readonly text: string; readonly error: boolean } | null;
  readonly busy: boolean;
  commitEdit(edit: CorrectionEditRequest, keepPreview: boolean): Promise<void>;
  runHistory(command: HistoryCommand, source: HistorySource): void;
  /** Moves `joint` (shown at `shownXy`) by `offset` image pixels as part of the current nudge burst. */
  nudge(joint: number, shownXy: Point2, offset: Point2): void;
}

export function useCorrectionCommands(options: CorrectionCommandsOptions): CorrectionCommands {
  const client = useQueryClient();
  const [status, setStatus] = useState<CorrectionCommands['status']>(null);
  const [busy, setBusy] = useState(false);
  const optionsRef = useRef(options);
  optionsRef.current = options;

  const refresh = useCallback(async () => {
    await Promise.all([
      client.invalidateQueries({ queryKey: ['corrections:instance'] }),
      client.invalidateQueries({ queryKey: ['corrections:history'] }),
      client.invalidateQueries({ queryKey: ['instance:get'] }),
    ]);
  }, [client]);

  // The arrow-key nudge run in progress (see nextNudgeBurst); any other edit or an undo/redo ends it.
  const nudgeBurst = useRef<NudgeBurst | null>(null);
  const burstCounter = useRef(0);

  const commitEdit = useCallback(
    async (edit: CorrectionEditRequest, keepPreview: boolean) => {
      if (edit.kind !== 'joint' || edit.burst === undefined) nudgeBurst.current = null;
      setBusy(true);
      try {
        const result = await getBridge().invoke('corrections:apply', { instanceIndex: optionsRef.current.currentIndex(), edit });
        if (keepPreview) optionsRef.current.onCommittedWithPreview(result.history.gtRevision);
        setStatus({ text: `${result.message} · saved (GT revision ${result.history.gtRevision})`, error: false });
        await refresh();
      } catch (error) {
        optionsRef.current.onEditFailed();
        setStatus({ text: error instanceof Error ? error.message : String(error), error: true });
      } finally {
        setBusy(false);
      }
    },
    [refresh],
  );

  const runHistory = useHistoryRunner(async (command) => {
    if (!optionsRef.current.historyAllowed()) return;
    nudgeBurst.current = null;
    setBusy(true);
    try {
      const result = await getBridge().invoke(command === 'undo' ? 'corrections:undo' : 'corrections:redo', {});
      setStatus({ text: `${result.message} · GT revision ${result.history.gtRevision}`, error: false });
      if (result.instanceIndex !== null && result.instanceIndex !== optionsRef.current.currentIndex()) optionsRef.current.openInstance(result.instanceIndex);
      await refresh();
    } catch (error) {
      setStatus({ text: error instanceof Error ? error.message : String(error), error: true });
    } finally {
      setBusy(false);
    }
  });

  const nudge = useCallback(
    (joint: number, shownXy: Point2, offset: Point2) => {
      const burst = nextNudgeBurst(
        nudgeBurst.current,
        { instance: optionsRef.current.currentIndex(), joint, shownXy, offset },
        performance.now(),
        () => `nudge-${Date.now().toString(36)}-${(burstCounter.current += 1)}`,
      );
      nudgeBurst.current = burst;
      void commitEdit({ kind: 'joint', joint, xy: burst.xy, burst: burst.id }, false);
    },
    [commitEdit],
  );

  return { status, busy, commitEdit, runHistory, nudge };
}

/**
 * Undo/redo can arrive from a key, a button or the desktop Edit menu (whose accelerator may fire for
 * the same key press): a command from a different source within 300 ms of the last is a duplicate.
 */
function useHistoryRunner(run: (command: HistoryCommand) => Promise<void>) {
  const last = useRef<{ at: number; source: string; command: string } | null>(null);
  const runRef = useRef(run);
  runRef.current = run;
  return useCallback((command: HistoryCommand, source: HistorySource) => {
    const now = performance.now();
    const previous = last.current;
    if (previous && previous.command === command && previous.source !== source && source !== 'button' && now - previous.at < 300) return;
    last.current = { at: now, source, command };
    void runRef.current(command);
  }, []);
}
