/** COCO review decisions (store/coco-review-decisions-repo.ts): a real SQLite file; the newest row per suspect, per annotation file, survives a reopen. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentCocoReviewDecisions, recordCocoReviewDecision } from '../../../src-main/store/coco-review-decisions-repo.ts';
import { closeWorkspace, openWorkspace } from '../../../src-main/store/workspace.ts';

describe('coco_review_decisions', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-coco-decisions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every decision; the newest of a suspect stands; files are apart; a verdict outside the two is refused', () => {
    const file = path.join(dir, 'ws.sqlite');
    const a = '/data/a/annotations/a.json';
    const b = '/data/b/annotations/b.json';
    let ws = openWorkspace(file);
    try {
      recordCocoReviewDecision(ws, { annotationFile: a, suspectId: 'flip:7:9,10', kind: 'flip', verdict: 'later', evidenceKey: 'k1' });
      recordCocoReviewDecision(ws, { annotationFile: a, suspectId: 'flip:7:9,10', kind: 'flip', verdict: 'label_right', evidenceKey: 'k2' });
      recordCocoReviewDecision(ws, { annotationFile: a, suspectId: 'displaced_keypoint:8:3', kind: 'displaced_keypoint', verdict: 'later', evidenceKey: 'k3' });
      recordCocoReviewDecision(ws, { annotationFile: b, suspectId: 'flip:7:9,10', kind: 'flip', verdict: 'later', evidenceKey: 'k4' });
      expect(() => recordCocoReviewDecision(ws, { annotationFile: a, suspectId: 'x', kind: 'flip', verdict: 'fixed' as 'later', evidenceKey: 'k' })).toThrow(
        /CHECK constraint/,
      );
    } finally {
      closeWorkspace(ws);
    }
    ws = openWorkspace(file);
    try {
      const ofA = currentCocoReviewDecisions(ws, a);
      expect([...ofA.keys()].sort()).toEqual(['displaced_keypoint:8:3', 'flip:7:9,10']);
      expect(ofA.get('flip:7:9,10')).toMatchObject({ verdict: 'label_right', evidenceKey: 'k2', kind: 'flip' });
      expect(currentCocoReviewDecisions(ws, b).get('flip:7:9,10')).toMatchObject({ verdict: 'later', evidenceKey: 'k4' });
      expect(currentCocoReviewDecisions(ws, '/elsewhere.json').size).toBe(0);
      expect(ws.db.prepare('SELECT COUNT(*) AS n FROM coco_review_decisions').get()).toEqual({ n: 4 });
    } finally {
      closeWorkspace(ws);
    }
  });
});
