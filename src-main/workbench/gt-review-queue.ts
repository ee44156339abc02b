/**
 * The ground-truth review queue with the reviewer's decisions (issue 15): reviewWorkbenchGroundTruth's
 * suspects (the same list `posebench qc` prints), each with its stored decision while that decision
 * still applies. A decision holds while the evidence it was made on is unchanged: the person's
 * effective annotation and the predictors' current runs (a digest, the `evidence_key`). Undoing a fix,
 * a new run or an edit of that person brings the suspect back; edits of other persons do not.
 */
import { createHash } from 'node:crypto';
import { MPII_FLIP_PAIRS, MPII_JOINT_COUNT, MPII_JOINT_NAMES } from '../core/joints.ts';
import { PosebenchInputError } from '../core/errors.ts';
import type { GtSuspect } from '../evaluation/gt-review.ts';
import { effectiveAnnotations, type EffectiveGroundTruth } from '../store/corrections-repo.ts';
import { currentReviewDecisions, recordReviewDecision, type ReviewVerdict } from '../store/review-decisions-repo.ts';
import { currentRun } from '../store/runs-repo.ts';
import { listVariants } from '../store/variants-repo.ts';
import { reviewWorkbenchGroundTruth, type GroundTruthReviewOptions } from './analysis.ts';
import type { Workbench } from './workbench.ts';

const J = MPII_JOINT_COUNT;

export interface QueueDecision {
  readonly verdict: ReviewVerdict;
  readonly gt_revision: number;
  readonly decided_at: string;
  readonly note: string | null;
}

export interface ReviewQueueItem extends GtSuspect {
  /** The decision that still applies (its evidence unchanged), else null: the suspect is open. */
  readonly decision: QueueDecision | null;
}

export interface ReviewQueue {
  readonly predictors: readonly string[];
  readonly persons: number;
  readonly gt_revision: number;
  /** Sorted by score, descending (as qc), decided ones included: the caller filters. */
  readonly suspects: readonly ReviewQueueItem[];
}

/** Which predictor runs the queue's evidence comes from (name:run id), as reviewWorkbenchGroundTruth picks them. */
function predictorRuns(wb: Workbench, names: readonly string[] | undefined): string {
  const wanted = names !== undefined && names.length > 0 ? new Set(names) : null;
  const runs: string[] = [];
  for (const variant of listVariants(wb.workspace, { datasetId: wb.datasetRecord.id })) {
    if (wanted !== null && !wanted.has(variant.name)) continue;
    const run = currentRun(wb.workspace, wb.datasetRecord.id, variant.id);
    if (run !== undefined) runs.push(`${variant.name}:${run.id}`);
  }
  return runs.sort().join('|');
}

/** What a decision about person `index` is judged on: its effective joints and head box, and the predictors' runs. */
function evidenceKey(truth: EffectiveGroundTruth, index: number, predictors: string): string {
  const person = truth.annotations[index];
  const box = truth.gt ? Array.from(truth.gt.headBoxes1Based.subarray(4 * index, 4 * index + 4)) : null;
  const missing = truth.gt ? Array.from(truth.gt.missing.subarray(J * index, J * index + J)) : null;
  const positions = truth.gt ? Array.from(truth.gt.positions1Based.subarray(2 * J * index, 2 * J * (index + 1))) : null;
  const text = JSON.stringify({ joints: person?.joints ?? null, visible: person?.jointsVisible ?? null, box, missing, positions, predictors });
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export function reviewQueue(wb: Workbench, options: GroundTruthReviewOptions = {}): ReviewQueue {
  const review = reviewWorkbenchGroundTruth(wb, options);
  const truth = effectiveAnnotations(wb.workspace, wb.datasetRecord.id);
  const predictors = predictorRuns(wb, options.names);
  const decisions = currentReviewDecisions(wb.workspace, wb.datasetRecord.id);
  const suspects = review.suspects.map((suspect): ReviewQueueItem => {
    const stored = decisions.get(suspect.id);
    const applies = stored !== undefined && stored.evidenceKey === evidenceKey(truth, suspect.index, predictors);
    return {
      ...suspect,
      decision: applies ? { verdict: stored.verdict, gt_revision: stored.gtRevision, decided_at: stored.decidedAt, note: stored.note } : null,
    };
  });
  return { predictors: review.predictors, persons: review.persons, gt_revision: review.gt_revision, suspects };
}

export interface DecideInput {
  readonly suspectId: string;
  readonly verdict: ReviewVerdict;
  readonly note?: string | null;
  /** The predictors the queue was built from (default: every variant with a finished run). */
  readonly names?: readonly string[];
}

/**
 * Stores a decision about a suspect of the current queue, judged on the evidence as it is now: call it
 * after applying a fix, so that undoing the fix (a different annotation) brings the suspect back.
 * `suspect` is the queue item the reviewer saw (it may no longer be raised once the fix is applied).
 */
export function recordDecision(wb: Workbench, suspect: Pick<GtSuspect, 'id' | 'index' | 'kind'>, input: DecideInput): QueueDecision {
  const truth = effectiveAnnotations(wb.workspace, wb.datasetRecord.id);
  const instance = truth.instances[suspect.index];
  if (instance === undefined) throw new PosebenchInputError({ file: wb.workspace.file }, `suspect ${suspect.id}: the dataset has no entry ${suspect.index}`);
  const record = recordReviewDecision(wb.workspace, {
    datasetId: wb.datasetRecord.id,
    instanceId: instance.id,
    suspectId: suspect.id,
    kind: suspect.kind,
    verdict: input.verdict,
    gtRevision: truth.gtRevision,
    evidenceKey: evidenceKey(truth, suspect.index, predictorRuns(wb, input.names)),
    note: input.note ?? null,
  });
  return { verdict: record.verdict, gt_revision: record.gtRevision, decided_at: record.decidedAt, note: record.note };
}

/** A proposal as ground-truth edits in joint indices (what the corrections path applies), or null: nothing to apply. */
export type ProposalEdits =
  | { readonly kind: 'swap'; readonly pairs: readonly (readonly [number, number])[] }
  | { readonly kind: 'joint'; readonly joint: number; readonly xy: readonly [number, number] }
  | { readonly kind: 'missing'; readonly joints: readonly number[] };

function jointIndex(name: string): number {
  const index = (MPII_JOINT_NAMES as readonly string[]).indexOf(name);
  if (index < 0) throw new RangeError(`unknown joint ${JSON.stringify(name)} in a proposal`);
  return index;
}

export function proposalEdits(suspect: Pick<GtSuspect, 'proposal'>): ProposalEdits | null {
  const p = suspect.proposal;
  switch (p.action) {
    case 'swap_pairs':
      return {
        kind: 'swap',
        pairs: p.pairs.map(([a, b]) => {
          const pair: [number, number] = [jointIndex(a), jointIndex(b)];
          // Only the skeleton's left/right pairs are proposals; anything else is a bug upstream.
          if (!MPII_FLIP_PAIRS.some(([x, y]) => (x === pair[0] && y === pair[1]) || (x === pair[1] && y === pair[0])))
            throw new RangeError(`not a left/right pair: ${a}, ${b}`);
          return pair;
        }),
      };
    case 'move_joint':
      return { kind: 'joint', joint: jointIndex(p.joint), xy: [p.to[0], p.to[1]] };
    case 'mark_missing':
      return { kind: 'missing', joints: p.joints.map(jointIndex) };
    case 'none':
      return null;
  }
}
