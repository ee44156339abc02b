/** Issue 15: the review queue's words and CSV (quoting, decisions, ranks) and the shown list's order. */
import { describe, expect, it } from 'vitest';
import type { ReviewSuspect } from '../../../../src-main/api/contract.ts';
import { evidenceText, proposalText, queueCsv } from '../../../../src-renderer/annotate/review-format.ts';
import { shownSuspects } from '../../../../src-renderer/annotate/ReviewPanel.tsx';

const suspect = (id: string, patch: Partial<ReviewSuspect> = {}): ReviewSuspect => ({
  id,
  index: 3,
  image: 'a,b "c".jpg',
  kind: 'flip_pair',
  score: 2.5,
  joints: ['right_wrist', 'left_wrist'],
  predictors: 3,
  of: 3,
  evidence: { pairs_inverted: 1, margin_h: 4.3456 },
  proposal: { action: 'swap_pairs', pairs: [['right_wrist', 'left_wrist']] },
  decision: null,
  ...patch,
});

describe('review format', () => {
  it('words proposals and evidence', () => {
    expect(proposalText(suspect('x').proposal)).toBe('swap right wrist ↔ left wrist');
    expect(proposalText({ action: 'move_joint', joint: 'head_top', to: [10.4, 20.6] })).toBe('move head top to (10, 21)');
    expect(proposalText({ action: 'none', reason: 'look' })).toBe('no automatic fix: look');
    expect(evidenceText(suspect('x'))).toBe('3/3 predictors agree · pairs inverted 1, margin h 4.35');
    expect(evidenceText(suspect('x', { predictors: 0, of: 0, evidence: {} }))).toBe('check without predictors');
    // How the pairs were found: only when some were not found by the vote.
    const found = (consensus: number) => suspect('x', { evidence: { pairs_inverted: 2, pairs_by_consensus: consensus, pairs_by_majority: 0 } });
    expect(evidenceText(found(0))).toBe('3/3 predictors agree · pairs inverted 2');
    expect(evidenceText(found(1))).toBe('3/3 predictors agree · pairs inverted 2, pairs by consensus 1');
  });

  it('writes CSV with quoting, ranks and decisions', () => {
    const csv = queueCsv([
      suspect('a'),
      suspect('b', { decision: { verdict: 'label_right', gt_revision: 2, decided_at: '2026-12-07T15:00:00.000Z', note: null } }),
    ])
      .trim()
      .split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toBe(
      '1,3,"a,b ""c"".jpg",flip_pair,2.5,right_wrist left_wrist,3,3,swap right wrist ↔ left wrist,"{""pairs_inverted"":1,""margin_h"":4.3456}",,',
    );
    expect(csv[2]!.endsWith(',label_right,2026-12-07T15:00:00.000Z')).toBe(true);
  });

  it('lists open suspects, then those left for later; decided ones only when asked; by kind', () => {
    const later = { verdict: 'later' as const, gt_revision: 0, decided_at: '', note: null };
    const right = { verdict: 'label_right' as const, gt_revision: 0, decided_at: '', note: null };
    const all = [suspect('l', { decision: later }), suspect('o'), suspect('r', { decision: right }), suspect('w', { kind: 'wrong_person' })];
    expect(shownSuspects(all, null, false).map((s) => s.id)).toEqual(['o', 'w', 'l']);
    expect(shownSuspects(all, null, true).map((s) => s.id)).toEqual(['l', 'o', 'r', 'w']);
    expect(shownSuspects(all, 'wrong_person', false).map((s) => s.id)).toEqual(['w']);
  });
});
