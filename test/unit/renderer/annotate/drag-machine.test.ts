/**
 * The editor's drag state machine driven by sequences of pointer/key events (a small pointer driver,
 * tldraw-style): phases after each event, and exactly which previews / restores / commits it emits.
 */
import { describe, expect, it } from 'vitest';
import {
  createPreviewStore,
  dragTransition,
  DRAG_THRESHOLD_PX,
  headCornerPoint,
  headSizeOf,
  historyCommandForKey,
  IDLE,
  moveHeadCorner,
  nextNudgeBurst,
  NUDGE_BURST_IDLE_MS,
  nudgeOffset,
  type DragEffect,
  type DragInput,
  type DragState,
  type DragTarget,
} from '../../../../src-renderer/annotate/drag-machine.ts';
import type { Point2 } from '../../../../src-main/core/types.ts';

const WRIST: DragTarget = { kind: 'joint', joint: 15 };

/** Feeds events one by one; records the phase after each and every effect. */
class PointerDriver {
  state: DragState = IDLE;
  readonly phases: string[] = [];
  readonly effects: DragEffect[] = [];

  constructor(
    private readonly scale: number,
    private readonly origin: Point2,
    private readonly target: DragTarget = WRIST,
  ) {}

  send(input: DragInput): this {
    const next = dragTransition(this.state, input);
    this.state = next.state;
    this.phases.push(next.state.phase);
    this.effects.push(...next.effects);
    return this;
  }
  down(x: number, y: number, pointerId = 1, button = 0): this {
    return this.send({ type: 'pointerdown', target: this.target, pointerId, x, y, origin: this.origin, scale: this.scale, button });
  }
  move(x: number, y: number, pointerId = 1): this {
    return this.send({ type: 'pointermove', pointerId, x, y });
  }
  up(x: number, y: number, pointerId = 1): this {
    return this.send({ type: 'pointerup', pointerId, x, y });
  }
  cancel(pointerId = 1): this {
    return this.send({ type: 'pointercancel', pointerId });
  }
  key(key: string): this {
    return this.send({ type: 'keydown', key });
  }
  commits() {
    return this.effects.filter((e) => e.type === 'commit');
  }
}

describe('drag state machine', () => {
  it('idle → pointing → dragging → idle with exactly one commit on release, scaled to image pixels', () => {
    const driver = new PointerDriver(2, [100, 50]).down(10, 10).move(11, 11).move(30, 10).move(50, 30).up(50, 30);
    expect(driver.phases).toEqual(['pointing', 'pointing', 'dragging', 'dragging', 'idle']);
    // 40 px right and 20 px down on screen at scale 2 = 20 and 10 image pixels.
    expect(driver.commits()).toEqual([{ type: 'commit', target: WRIST, from: [100, 50], to: [120, 60] }]);
    const previews = driver.effects.filter((e) => e.type === 'preview').map((e) => (e as { xy: Point2 }).xy);
    expect(previews).toEqual([
      [110, 50],
      [120, 60],
    ]);
  });

  it('does not start a drag within the threshold; a release there is a click (select), no commit', () => {
    const d = DRAG_THRESHOLD_PX;
    const driver = new PointerDriver(1, [5, 5])
      .down(100, 100)
      .move(100 + d, 100)
      .move(100, 100 + d)
      .up(100 + d, 100);
    expect(driver.phases).toEqual(['pointing', 'pointing', 'pointing', 'idle']);
    expect(driver.effects).toEqual([{ type: 'select', target: WRIST }]);
  });

  it('starts dragging just past the threshold (diagonal distance counts)', () => {
    const driver = new PointerDriver(1, [0, 0]).down(0, 0).move(2.2, 2.2);
    expect(driver.state.phase).toBe('dragging');
  });

  it('Esc mid-drag restores the handle and the following release commits nothing', () => {
    const driver = new PointerDriver(1, [40, 40]).down(0, 0).move(20, 0).key('Escape').move(30, 0).up(30, 0);
    expect(driver.phases).toEqual(['pointing', 'dragging', 'idle', 'idle', 'idle']);
    expect(driver.commits()).toEqual([]);
    expect(driver.effects.at(-1)).toEqual({ type: 'restore', target: WRIST, xy: [40, 40] });
  });

  it('Esc while pointing just cancels; other keys do nothing', () => {
    const driver = new PointerDriver(1, [0, 0]).down(0, 0).key('a').key('Escape').up(0, 0);
    expect(driver.phases).toEqual(['pointing', 'pointing', 'idle', 'idle']);
    expect(driver.effects).toEqual([]);
  });

  it('a cancelled pointer (lost capture) restores without committing', () => {
    const driver = new PointerDriver(1, [3, 4]).down(0, 0).move(10, 10).cancel();
    expect(driver.commits()).toEqual([]);
    expect(driver.effects.at(-1)).toEqual({ type: 'restore', target: WRIST, xy: [3, 4] });
    expect(driver.state).toEqual(IDLE);
  });

  it('ignores other pointers, other buttons and a second pointerdown during a gesture', () => {
    const right = new PointerDriver(1, [0, 0]).down(0, 0, 1, 2);
    expect(right.state).toEqual(IDLE);
    const driver = new PointerDriver(1, [0, 0]).down(0, 0, 1).move(50, 50, 2).down(5, 5, 3).up(50, 50, 2);
    expect(driver.phases).toEqual(['pointing', 'pointing', 'pointing', 'pointing']);
    driver.move(10, 0, 1).up(10, 0, 1);
    expect(driver.commits()).toEqual([{ type: 'commit', target: WRIST, from: [0, 0], to: [10, 0] }]);
  });

  it('dragging back to the exact start commits nothing', () => {
    const driver = new PointerDriver(4, [7, 7]).down(0, 0).move(20, 0).up(0, 0);
    expect(driver.commits()).toEqual([]);
    expect(driver.effects.at(-1)?.type).toBe('restore');
  });

  it('drives head-box corners the same way', () => {
    const corner: DragTarget = { kind: 'head-corner', corner: 2 };
    const driver = new PointerDriver(0.5, [60, 40], corner).down(0, 0).move(-10, 5).up(-10, 5);
    expect(driver.commits()).toEqual([{ type: 'commit', target: corner, from: [60, 40], to: [40, 50] }]);
  });
});

describe('editor helpers', () => {
  it('nudges by 1 image pixel, 10 with Shift, only for arrow keys', () => {
    expect(nudgeOffset('ArrowLeft', false)).toEqual([-1, 0]);
    expect(nudgeOffset('ArrowRight', true)).toEqual([10, 0]);
    expect(nudgeOffset('ArrowUp', false)).toEqual([0, -1]);
    expect(nudgeOffset('ArrowDown', true)).toEqual([0, 10]);
    expect(nudgeOffset('a', false)).toBeNull();
  });

  it('maps undo/redo shortcuts', () => {
    const k = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) =>
      historyCommandForKey({ key, ctrlKey: false, metaKey: false, shiftKey: false, ...mods });
    expect(k('z', { ctrlKey: true })).toBe('undo');
    expect(k('Z', { ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(k('z', { metaKey: true, shiftKey: true })).toBe('redo');
    expect(k('y', { ctrlKey: true })).toBe('redo');
    expect(k('z')).toBeNull();
    expect(k('z', { ctrlKey: true, altKey: true })).toBeNull();
  });

  it('moves a head-box corner keeping the opposite one, normalising when it crosses over', () => {
    const box = [10, 20, 50, 60] as const;
    expect(headCornerPoint(box, 0)).toEqual([10, 20]);
    expect(headCornerPoint(box, 1)).toEqual([50, 20]);
    expect(headCornerPoint(box, 2)).toEqual([50, 60]);
    expect(headCornerPoint(box, 3)).toEqual([10, 60]);
    expect(moveHeadCorner(box, 2, [70, 65])).toEqual([10, 20, 70, 65]);
    expect(moveHeadCorner(box, 0, [60, 70])).toEqual([50, 60, 60, 70]); // dragged past the opposite corner
    expect(moveHeadCorner(box, 1, [40, 0])).toEqual([10, 0, 40, 60]);
    // spec §0.2: 0.6 × diagonal; a 30×40 box has diagonal 50.
    expect(headSizeOf([0, 0, 30, 40])).toBeCloseTo(30, 12);
  });

  it('preview store notifies subscribers on change only', () => {
    const store = createPreviewStore<number | null>(null);
    let calls = 0;
    const off = store.subscribe(() => calls++);
    store.set(3);
    store.set(3);
    store.set(null);
    off();
    store.set(4);
    expect(calls).toBe(2);
    expect(store.get()).toBe(4);
  });
});

describe('nudge bursts', () => {
  it('continue on the same instance and joint within the idle time, and start anew otherwise', () => {
    let n = 0;
    const newId = () => `b${(n += 1)}`;
    const at = (instance: number, joint: number, offset: Point2 = [1, 0]) => ({ instance, joint, shownXy: [100, 50] as Point2, offset });
    const first = nextNudgeBurst(null, at(3, 10), 1000, newId);
    expect(first).toEqual({ id: 'b1', instance: 3, joint: 10, lastAt: 1000, xy: [101, 50] });
    const held = nextNudgeBurst(first, at(3, 10, [0, 10]), 1000 + NUDGE_BURST_IDLE_MS, newId);
    // Exactly at the limit still continues, and builds on the burst's own last position, not on the
    // position shown (which lags behind the saves while a key repeats).
    expect(held).toEqual({ id: 'b1', instance: 3, joint: 10, lastAt: 1000 + NUDGE_BURST_IDLE_MS, xy: [101, 60] });
    const later = nextNudgeBurst(held, at(3, 10), held.lastAt + NUDGE_BURST_IDLE_MS + 1, newId);
    expect(later).toMatchObject({ id: 'b2', xy: [101, 50] });
    expect(nextNudgeBurst(held, at(3, 11), held.lastAt + 1, newId)).toMatchObject({ id: 'b3', xy: [101, 50] });
    expect(nextNudgeBurst(held, at(4, 10), held.lastAt + 1, newId)).toMatchObject({ id: 'b4', xy: [101, 50] });
  });
});
