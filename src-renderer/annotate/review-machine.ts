/**
 * The review queue's keyboard interaction as an explicit state machine (pure TS, no DOM, unit-tested):
 * which suspect is current, and what a key does to it. States: browsing (a current suspect, or none)
 * and deciding (a decision sent to the engine, waiting for its answer: further decisions are refused,
 * so a held Enter cannot apply a fix twice, while next/previous still move).
 *
 * The queue itself is server data: after each decision it is fetched again and handed in with
 * `queue`. The current suspect is kept by id; when it has left the shown list (decided, filtered out,
 * or fixed so the predictors no longer raise it) the suspect now at its former position becomes
 * current, so the reviewer moves down the list without losing their place.
 */

export type ReviewAction = 'accept' | 'reject' | 'defer';

export interface ReviewItem {
  readonly id: string;
  /** Accept is possible (the proposal is an edit). */
  readonly fixable: boolean;
}

export interface ReviewState {
  readonly phase: 'browsing' | 'deciding';
  readonly currentId: string | null;
  /** Position of the current suspect in the shown list (where to continue when it leaves). */
  readonly position: number;
  /** Ids shown, in order. */
  readonly ids: readonly string[];
}

export type ReviewInput =
  | { readonly type: 'queue'; readonly items: readonly ReviewItem[] }
  | { readonly type: 'select'; readonly id: string }
  | { readonly type: 'next' }
  | { readonly type: 'previous' }
  | { readonly type: 'decide'; readonly action: ReviewAction }
  | { readonly type: 'decided' }
  | { readonly type: 'failed' };

export type ReviewEffect =
  /** Show this suspect (open its person in the editor). */
  | { readonly type: 'open'; readonly id: string }
  /** Send the decision to the engine; answer with `decided` or `failed`. */
  | { readonly type: 'send'; readonly id: string; readonly action: ReviewAction }
  /** Nothing happened, and why (status line). */
  | { readonly type: 'refused'; readonly reason: string };

export interface ReviewTransition {
  readonly state: ReviewState;
  readonly effects: readonly ReviewEffect[];
}

export const REVIEW_IDLE: ReviewState = { phase: 'browsing', currentId: null, position: 0, ids: [] };

/** The key a keyboard event means in review, or null (keys the editor or the page keep). */
export function reviewInputForKey(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }): ReviewInput | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case ' ':
      return event.shiftKey ? { type: 'previous' } : { type: 'next' };
    case 'n':
    case 'N':
      return { type: 'next' };
    case 'p':
    case 'P':
      return { type: 'previous' };
    case 'Enter':
      return { type: 'decide', action: 'accept' };
    case 'd':
    case 'D':
      return { type: 'decide', action: 'reject' };
    case 'l':
    case 'L':
      return { type: 'decide', action: 'defer' };
    default:
      return null;
  }
}

function moveTo(state: ReviewState, position: number): ReviewTransition {
  const id = state.ids[position];
  if (id === undefined) return { state, effects: [] };
  return { state: { ...state, currentId: id, position }, effects: [{ type: 'open', id }] };
}

export function reviewTransition(state: ReviewState, input: ReviewInput, fixable: (id: string) => boolean = () => true): ReviewTransition {
  switch (input.type) {
    case 'queue': {
      const ids = input.items.map((item) => item.id);
      const next = { ...state, ids };
      if (ids.length === 0) return { state: { ...next, currentId: null, position: 0 }, effects: [] };
      const kept = state.currentId !== null ? ids.indexOf(state.currentId) : -1;
      if (kept >= 0) return { state: { ...next, position: kept }, effects: [] };
      // The current one left the list (or there was none): continue at the same position.
      return moveTo(next, Math.min(state.position, ids.length - 1));
    }
    case 'select': {
      const position = state.ids.indexOf(input.id);
      return position < 0 ? { state, effects: [] } : moveTo(state, position);
    }
    case 'next':
      if (state.currentId === null) return moveTo(state, 0);
      if (state.position + 1 >= state.ids.length) return { state, effects: [{ type: 'refused', reason: 'this is the last suspect shown' }] };
      return moveTo(state, state.position + 1);
    case 'previous':
      if (state.position <= 0) return { state, effects: [] };
      return moveTo(state, state.position - 1);
    case 'decide': {
      if (state.phase === 'deciding') return { state, effects: [{ type: 'refused', reason: 'still saving the last decision' }] };
      if (state.currentId === null) return { state, effects: [{ type: 'refused', reason: 'no suspect is selected' }] };
      if (input.action === 'accept' && !fixable(state.currentId)) {
        return { state, effects: [{ type: 'refused', reason: 'this suspect has no automatic fix: edit it by hand, then press D (label right) or L (later)' }] };
      }
      return { state: { ...state, phase: 'deciding' }, effects: [{ type: 'send', id: state.currentId, action: input.action }] };
    }
    case 'decided':
    case 'failed':
      return { state: { ...state, phase: 'browsing' }, effects: [] };
  }
}
