/**
 * Review decisions on COCO keypoint datasets (migration 8), per annotation file: "label is right" or
 * "later" for a suspect of the COCO review queue. Append-only: the newest row of a suspect is its
 * decision. (MPII decisions live in gt_review_decisions, keyed by dataset and instance rows, which COCO
 * datasets do not have.)
 */
import { newestDecisionRows } from './review-decisions-repo.ts';
import { nowIso, type Workspace } from './workspace.ts';

export type CocoReviewVerdict = 'label_right' | 'later';

export interface CocoReviewDecisionInput {
  readonly annotationFile: string;
  readonly suspectId: string;
  readonly kind: string;
  readonly verdict: CocoReviewVerdict;
  /** Digest of what the suspect was judged on (workbench/coco-review.ts, cocoReviewEvidenceKey). */
  readonly evidenceKey: string;
}

export interface CocoReviewDecisionRecord extends CocoReviewDecisionInput {
  readonly id: number;
  readonly decidedAt: string;
}

interface DecisionRow {
  id: number;
  annotation_file: string;
  suspect_id: string;
  kind: string;
  verdict: CocoReviewVerdict;
  evidence_key: string;
  decided_at: string;
}

export function recordCocoReviewDecision(ws: Workspace, input: CocoReviewDecisionInput): CocoReviewDecisionRecord {
  const decidedAt = nowIso();
  const result = ws.db
    .prepare(`INSERT INTO coco_review_decisions (annotation_file, suspect_id, kind, verdict, evidence_key, decided_at) VALUES (?, ?, ?, ?, ?, ?)`)
    .run(input.annotationFile, input.suspectId, input.kind, input.verdict, input.evidenceKey, decidedAt);
  return { ...input, id: Number(result.lastInsertRowid), decidedAt };
}

/** The current decision of every decided suspect of an annotation file (newest row per suspect). */
export function currentCocoReviewDecisions(ws: Workspace, annotationFile: string): Map<string, CocoReviewDecisionRecord> {
  const rows = newestDecisionRows<DecisionRow>(ws, { table: 'coco_review_decisions', scope: 'annotation_file' }, annotationFile);
  return new Map(
    rows.map((row) => [
      row.suspect_id,
      {
        id: row.id,
        annotationFile: row.annotation_file,
        suspectId: row.suspect_id,
        kind: row.kind,
        verdict: row.verdict,
        evidenceKey: row.evidence_key,
        decidedAt: row.decided_at,
      },
    ]),
  );
}
