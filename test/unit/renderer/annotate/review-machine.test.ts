/** Issue 15: the review queue's keys and current suspect (review-machine.ts), driven without a DOM. */
import { describe, expect, it } from 'vitest';
import { REVIEW_IDLE, reviewInputForKey, reviewTransition, type ReviewInput, type ReviewState } from '../../../../src-renderer/annotate/review-machine.ts';

const items = (...ids: string[]) => ({ type: 'queue' as const, items: ids.map((id) => ({ id, fixable: id !== 'none' })) });

function drive(inputs: ReviewInput[], start: ReviewState = REVIEW_IDLE) {
  let state = start;
  const effects = [];
  for (const input of inputs) {
    const next = reviewTransition(state, input, (id) => id !== 'none');
    state = next.state;
    effects.push(...next.effects);
  }
  return { state, effects };
}

describe('review machine', () => {
  it('opens the first suspect when the queue arrives, moves with next/previous, stops at the end', () => {
    const { state, effects } = drive([items('a', 'b'), { type: 'next' }, { type: 'next' }, { type: 'previous' }]);
    expect(effects.filter((e) => e.type === 'open').map((e) => (e as { id: string }).id)).toEqual(['a', 'b', 'a']);
    expect(effects.some((e) => e.type === 'refused')).toBe(true);
    expect(state.currentId).toBe('a');
  });

  it('sends one decision at a time, refuses accept without a fix, and continues at the same place when the decided one leaves', () => {
    let run = drive([items('a', 'b', 'c'), { type: 'next' }, { type: 'decide', action: 'accept' }, { type: 'decide', action: 'accept' }]);
    expect(run.effects.filter((e) => e.type === 'send')).toEqual([{ type: 'send', id: 'b', action: 'accept' }]);
    expect(run.effects.at(-1)).toMatchObject({ type: 'refused' });
    run = drive([{ type: 'decided' }, items('a', 'c')], run.state);
    expect(run.state).toMatchObject({ phase: 'browsing', currentId: 'c', position: 1 });
    expect(run.effects).toEqual([{ type: 'open', id: 'c' }]);
    // The last one decided: the one before becomes current; an empty queue leaves none.
    run = drive([{ type: 'decide', action: 'reject' }, { type: 'decided' }, items('a')], run.state);
    expect(run.state.currentId).toBe('a');
    expect(drive([items()], run.state).state.currentId).toBeNull();
    const none = drive([items('none'), { type: 'decide', action: 'accept' }]);
    expect(none.effects.at(-1)).toMatchObject({ type: 'refused' });
    expect(drive([items('none'), { type: 'decide', action: 'defer' }]).effects.at(-1)).toEqual({ type: 'send', id: 'none', action: 'defer' });
  });

  it('keeps the current suspect when the queue is refetched with it still in it', () => {
    const run = drive([items('a', 'b', 'c'), { type: 'select', id: 'c' }, items('x', 'c')]);
    expect(run.state).toMatchObject({ currentId: 'c', position: 1 });
  });

  it('maps keys: Space/N next, Shift+Space/P previous, Enter accept, D reject, L defer; modifiers left to others', () => {
    const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean }> = {}) =>
      reviewInputForKey({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
    expect(key(' ')).toEqual({ type: 'next' });
    expect(key('n')).toEqual({ type: 'next' });
    expect(key(' ', { shiftKey: true })).toEqual({ type: 'previous' });
    expect(key('Enter')).toEqual({ type: 'decide', action: 'accept' });
    expect(key('D')).toEqual({ type: 'decide', action: 'reject' });
    expect(key('l')).toEqual({ type: 'decide', action: 'defer' });
    expect(key('z', { ctrlKey: true })).toBeNull();
    expect(key('d', { ctrlKey: true })).toBeNull();
    expect(key('ArrowLeft')).toBeNull();
  });
});
