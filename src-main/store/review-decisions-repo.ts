/**
 * Ground-truth review decisions (issue 15), per dataset: what a reviewer said about a suspect of the
 * review queue. Append-only, like the corrections log: the newest row of a suspect is its decision, so
 * a changed mind is one more row and the history stays.
 */
import { nowIso, type Workspace } from './workspace.ts';

export type ReviewVerdict = 'label_right' | 'fixed' | 'later';

export interface ReviewDecisionInput {
  readonly datasetId: number;
  readonly instanceId: number;
  readonly suspectId: string;
  readonly kind: string;
  readonly verdict: ReviewVerdict;
  readonly gtRevision: number;
  /** Digest of what the suspect was judged on (the person's GT, the predictors' runs). */
  readonly evidenceKey: string;
  readonly note?: string | null;
}

export interface ReviewDecisionRecord extends Required<ReviewDecisionInput> {
  readonly id: number;
  readonly decidedAt: string;
}

interface DecisionRow {
  id: number;
  dataset_id: number;
  instance_id: number;
  suspect_id: string;
  kind: string;
  verdict: ReviewVerdict;
  gt_revision: number;
  evidence_key: string;
  note: string | null;
  decided_at: string;
}

function toRecord(row: DecisionRow): ReviewDecisionRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    instanceId: row.instance_id,
    suspectId: row.suspect_id,
    kind: row.kind,
    verdict: row.verdict,
    gtRevision: row.gt_revision,
    evidenceKey: row.evidence_key,
    note: row.note,
    decidedAt: row.decided_at,
  };
}

export function recordReviewDecision(ws: Workspace, input: ReviewDecisionInput): ReviewDecisionRecord {
  const decidedAt = nowIso();
  const result = ws.db
    .prepare(
      `INSERT INTO gt_review_decisions (dataset_id, instance_id, suspect_id, kind, verdict, gt_revision, evidence_key, note, decided_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(input.datasetId, input.instanceId, input.suspectId, input.kind, input.verdict, input.gtRevision, input.evidenceKey, input.note ?? null, decidedAt);
  return { ...input, note: input.note ?? null, id: Number(result.lastInsertRowid), decidedAt };
}

/**
 * The newest row of each suspect in an append-only decision log, within one scope (a dataset's MPII
 * decisions, an annotation file's COCO ones): the suspect's current decision.
 */
export function newestDecisionRows<Row>(
  ws: Workspace,
  log: { readonly table: 'gt_review_decisions'; readonly scope: 'dataset_id' } | { readonly table: 'coco_review_decisions'; readonly scope: 'annotation_file' },
  scopeValue: number | string,
): Row[] {
  return ws.db
    .prepare(
      `SELECT d.* FROM ${log.table} d
       JOIN (SELECT suspect_id, MAX(id) AS id FROM ${log.table} WHERE ${log.scope} = ? GROUP BY suspect_id) newest ON newest.id = d.id`,
    )
    .all(scopeValue) as Row[];
}

/** The current decision of every decided suspect of a dataset (newest row per suspect). */
export function currentReviewDecisions(ws: Workspace, datasetId: number): Map<string, ReviewDecisionRecord> {
  const rows = newestDecisionRows<DecisionRow>(ws, { table: 'gt_review_decisions', scope: 'dataset_id' }, datasetId);
  return new Map(rows.map((row) => [row.suspect_id, toRecord(row)]));
}
