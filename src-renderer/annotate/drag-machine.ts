/**
 * The editor's pointer interaction as an explicit state machine (pure TS, no DOM, unit-tested with a
 * pointer-event driver): idle → pointing (button down on a handle) → dragging (moved past the
 * threshold) → idle. Esc or a cancelled pointer while dragging puts the handle back and commits
 * nothing; a release while dragging emits ONE commit; a release without a drag is a click (select).
 *
 * Positions: handles live in image pixels (0-based); the pointer in screen pixels. A drag moves the
 * handle by (pointer delta) / scale from where it was when the button went down, so a drag of d screen
 * pixels at zoom s moves the joint by exactly d / s image pixels.
 */
import { headSizeOfBox } from '../../src-main/core/geometry.ts';
import type { Point2 } from '../../src-main/core/types.ts';

/** A drag starts only once the pointer has moved this far (screen pixels) from where it went down. */
export const DRAG_THRESHOLD_PX = 3;

export type DragTarget = { readonly kind: 'joint'; readonly joint: number } | { readonly kind: 'head-corner'; readonly corner: HeadCorner };

/** 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left. */
export type HeadCorner = 0 | 1 | 2 | 3;

interface Gesture {
  readonly target: DragTarget;
  readonly pointerId: number;
  /** Screen position where the button went down. */
  readonly startX: number;
  readonly startY: number;
  /** Image position of the handle at that moment. */
  readonly origin: Point2;
  /** Screen pixels per image pixel, fixed for the gesture. */
  readonly scale: number;
}

export type DragState =
  { readonly phase: 'idle' } | ({ readonly phase: 'pointing' } & Gesture) | ({ readonly phase: 'dragging'; readonly current: Point2 } & Gesture);

export type DragInput =
  | {
      readonly type: 'pointerdown';
      readonly target: DragTarget;
      readonly pointerId: number;
      readonly x: number;
      readonly y: number;
      readonly origin: Point2;
      readonly scale: number;
      readonly button?: number;
    }
  | { readonly type: 'pointermove'; readonly pointerId: number; readonly x: number; readonly y: number }
  | { readonly type: 'pointerup'; readonly pointerId: number; readonly x: number; readonly y: number }
  | { readonly type: 'pointercancel'; readonly pointerId: number }
  | { readonly type: 'keydown'; readonly key: string };

export type DragEffect =
  /** A click on a handle without dragging. */
  | { readonly type: 'select'; readonly target: DragTarget }
  /** Show the handle at `xy` (while dragging). */
  | { readonly type: 'preview'; readonly target: DragTarget; readonly xy: Point2 }
  /** Put the handle back where it was (Esc, cancelled pointer). Nothing is committed. */
  | { readonly type: 'restore'; readonly target: DragTarget; readonly xy: Point2 }
  /** The drag ended: commit the move (once). */
  | { readonly type: 'commit'; readonly target: DragTarget; readonly from: Point2; readonly to: Point2 };

export interface Transition {
  readonly state: DragState;
  readonly effects: readonly DragEffect[];
}

export const IDLE: DragState = { phase: 'idle' };

function positionAt(gesture: Gesture, x: number, y: number): Point2 {
  return [gesture.origin[0] + (x - gesture.startX) / gesture.scale, gesture.origin[1] + (y - gesture.startY) / gesture.scale];
}

function pastThreshold(gesture: Gesture, x: number, y: number): boolean {
  return Math.hypot(x - gesture.startX, y - gesture.startY) > DRAG_THRESHOLD_PX;
}

const stay = (state: DragState): Transition => ({ state, effects: [] });

export function dragTransition(state: DragState, input: DragInput): Transition {
  switch (state.phase) {
    case 'idle': {
      if (input.type !== 'pointerdown' || (input.button ?? 0) !== 0 || !(input.scale > 0)) return stay(state);
      const { target, pointerId, x, y, origin, scale } = input;
      return stay({ phase: 'pointing', target, pointerId, startX: x, startY: y, origin: [origin[0], origin[1]], scale });
    }
    case 'pointing': {
      if (input.type === 'keydown') return input.key === 'Escape' ? stay(IDLE) : stay(state);
      if (input.type === 'pointerdown') return stay(state);
      if (input.pointerId !== state.pointerId) return stay(state);
      if (input.type === 'pointercancel') return stay(IDLE);
      if (input.type === 'pointerup') return { state: IDLE, effects: [{ type: 'select', target: state.target }] };
      if (!pastThreshold(state, input.x, input.y)) return stay(state);
      const current = positionAt(state, input.x, input.y);
      return { state: { ...state, phase: 'dragging', current }, effects: [{ type: 'preview', target: state.target, xy: current }] };
    }
    case 'dragging': {
      if (input.type === 'keydown') {
        if (input.key !== 'Escape') return stay(state);
        return { state: IDLE, effects: [{ type: 'restore', target: state.target, xy: state.origin }] };
      }
      if (input.type === 'pointerdown' || input.pointerId !== state.pointerId) return stay(state);
      if (input.type === 'pointercancel') return { state: IDLE, effects: [{ type: 'restore', target: state.target, xy: state.origin }] };
      const current = positionAt(state, input.x, input.y);
      if (input.type === 'pointermove') {
        return { state: { ...state, current }, effects: [{ type: 'preview', target: state.target, xy: current }] };
      }
      // pointerup: one commit, unless the handle came back exactly where it started.
      if (current[0] === state.origin[0] && current[1] === state.origin[1]) {
        return { state: IDLE, effects: [{ type: 'restore', target: state.target, xy: state.origin }] };
      }
      return { state: IDLE, effects: [{ type: 'commit', target: state.target, from: state.origin, to: current }] };
    }
  }
}

/** Arrow keys nudge the selected joint by 1 image pixel, 10 with Shift; null for other keys. */
export function nudgeOffset(key: string, shiftKey: boolean): Point2 | null {
  const step = shiftKey ? 10 : 1;
  switch (key) {
    case 'ArrowLeft':
      return [-step, 0];
    case 'ArrowRight':
      return [step, 0];
    case 'ArrowUp':
      return [0, -step];
    case 'ArrowDown':
      return [0, step];
    default:
      return null;
  }
}

/** Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z or Ctrl+Y redo. */
export function historyCommandForKey(event: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey?: boolean }): 'undo' | 'redo' | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !event.shiftKey) return 'redo';
  return null;
}

export type HeadBox = readonly [x1: number, y1: number, x2: number, y2: number];

export function headCornerPoint(box: HeadBox, corner: HeadCorner): Point2 {
  return [corner === 0 || corner === 3 ? box[0] : box[2], corner === 0 || corner === 1 ? box[1] : box[3]];
}

/** The box with one corner moved to `xy` (the opposite corner stays), normalised to x1 ≤ x2, y1 ≤ y2. */
export function moveHeadCorner(box: HeadBox, corner: HeadCorner, xy: Point2): [number, number, number, number] {
  const opposite = headCornerPoint(box, ((corner + 2) % 4) as HeadCorner);
  return [Math.min(xy[0], opposite[0]), Math.min(xy[1], opposite[1]), Math.max(xy[0], opposite[0]), Math.max(xy[1], opposite[1])];
}

/** Head size of the box being edited (core/geometry.ts, the evaluation's own formula). */
export function headSizeOf(box: HeadBox): number {
  return headSizeOfBox(box[0], box[1], box[2], box[3]);
}

/**
 * Tiny external store for what the pointer is doing right now, read by the handles through
 * useSyncExternalStore: a pointer move re-renders only the ground-truth layer, never the editor.
 */
export interface PreviewStore<T> {
  get(): T;
  set(value: T): void;
  subscribe(listener: () => void): () => void;
}

export function createPreviewStore<T>(initial: T): PreviewStore<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * A run of arrow-key nudges on one joint: committed as separate edits (each is saved at once) that
 * share a burst id, so one undo takes back the whole run instead of one pixel per press. A new burst
 * starts on another instance or joint, or after NUDGE_BURST_IDLE_MS without a nudge.
 *
 * The burst also carries the position it last sent: key repeat is faster than a save + refetch, so
 * the next nudge must build on that, not on the (older) ground truth the editor has shown so far.
 */
export interface NudgeBurst {
  readonly id: string;
  readonly instance: number;
  readonly joint: number;
  readonly lastAt: number;
  /** Where the last nudge of this burst put the joint (image pixels). */
  readonly xy: Point2;
}

export const NUDGE_BURST_IDLE_MS = 1000;

export function nextNudgeBurst(
  previous: NudgeBurst | null,
  target: { readonly instance: number; readonly joint: number; readonly shownXy: Point2; readonly offset: Point2 },
  now: number,
  newId: () => string,
): NudgeBurst {
  const continues =
    previous !== null && previous.instance === target.instance && previous.joint === target.joint && now - previous.lastAt <= NUDGE_BURST_IDLE_MS;
  const base = continues ? previous.xy : target.shownXy;
  return {
    id: continues ? previous.id : newId(),
    instance: target.instance,
    joint: target.joint,
    lastAt: now,
    xy: [base[0] + target.offset[0], base[1] + target.offset[1]],
  };
}
