/**
 * The COCO ground-truth review queue (evaluation/coco-gt-review.ts) over a dataset's stored variants:
 * each variant's detections as pycocotools matched them to the (effective) GT persons. The one function
 * `posebench qc` on a COCO folder and the app's review call.
 */
import { createHash } from 'node:crypto';
import type { OpenedCocoDataset } from '../datasets/coco-dataset.ts';
import { cocoReviewQueue, type CocoSuspect } from '../evaluation/coco-gt-review.ts';
import { currentCocoReviewDecisions, recordCocoReviewDecision, type CocoReviewVerdict } from '../store/coco-review-decisions-repo.ts';
import type { Workspace } from '../store/workspace.ts';
import type { CocoEvaluationReport } from './coco-evaluation.ts';

export interface CocoReview {
  readonly predictors: readonly string[];
  readonly persons: number;
  readonly suspects: readonly CocoSuspect[];
}

export function reviewCocoGroundTruth(dataset: OpenedCocoDataset, variants: readonly { name: string; report: CocoEvaluationReport }[]): CocoReview {
  const { annotations } = dataset;
  const suspects = cocoReviewQueue({
    names: annotations.category.keypoints,
    sigmas: dataset.sigmas,
    persons: annotations.annotations,
    imageSizes: new Map(annotations.images.map((im) => [im.id, { width: im.width, height: im.height }])),
    predictors: variants.map((v) => v.report.outcomes.map((o) => o.detection?.keypoints ?? null)),
  });
  return { predictors: variants.map((v) => v.name), persons: annotations.annotations.length, suspects };
}

/** A variant as the review's decisions see it: its name and which results it holds. */
export interface CocoReviewVariantIdentity {
  readonly name: string;
  readonly sourceSha256: string;
  readonly id: number;
}

/**
 * What a decision about a suspect on image `imageId` is judged on: every (effective) annotation of the
 * image — pycocotools matches a person's detections against the others there, and a duplicate names
 * two — and the variants' results. A decision holds while this digest is unchanged, so a corrected
 * label or new predictions bring the suspect back (as for MPII, workbench/gt-review-queue.ts).
 */
export function cocoReviewEvidenceKey(dataset: OpenedCocoDataset, imageId: number, variants: readonly CocoReviewVariantIdentity[]): string {
  const persons = dataset.annotations.annotations
    .filter((a) => a.imageId === imageId)
    .map((a) => ({ id: a.id, keypoints: a.keypoints, num_keypoints: a.numKeypoints, bbox: a.bbox, iscrowd: a.iscrowd }));
  const text = JSON.stringify({ persons, variants: variants.map((v) => `${v.name}:${v.id}:${v.sourceSha256}`).sort() });
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export interface CocoReviewItem extends CocoSuspect {
  /** The reviewer's standing decision, or null (none, or made on other evidence). */
  readonly decision: { readonly verdict: CocoReviewVerdict; readonly decidedAt: string } | null;
}

/** The queue with each suspect's standing decision (the app's Review; decisions kept in the workspace). */
export function cocoReviewWithDecisions(
  ws: Workspace,
  dataset: OpenedCocoDataset,
  variants: readonly (CocoReviewVariantIdentity & { report: CocoEvaluationReport })[],
): Omit<CocoReview, 'suspects'> & { readonly suspects: readonly CocoReviewItem[] } {
  const review = reviewCocoGroundTruth(dataset, variants);
  const decisions = currentCocoReviewDecisions(ws, dataset.annotationFile);
  const keys = new Map<number, string>();
  const keyOf = (imageId: number): string => {
    let key = keys.get(imageId);
    if (key === undefined) keys.set(imageId, (key = cocoReviewEvidenceKey(dataset, imageId, variants)));
    return key;
  };
  return {
    ...review,
    suspects: review.suspects.map((s): CocoReviewItem => {
      const stored = decisions.get(s.id);
      const applies = stored !== undefined && stored.evidenceKey === keyOf(s.imageId);
      return { ...s, decision: applies ? { verdict: stored.verdict, decidedAt: stored.decidedAt } : null };
    }),
  };
}

/** Records a decision on a suspect of the current queue (judged on the evidence it is raised on now). */
export function decideCocoSuspect(
  ws: Workspace,
  dataset: OpenedCocoDataset,
  variants: readonly (CocoReviewVariantIdentity & { report: CocoEvaluationReport })[],
  suspectId: string,
  verdict: CocoReviewVerdict,
): CocoReviewItem {
  const suspect = reviewCocoGroundTruth(dataset, variants).suspects.find((s) => s.id === suspectId);
  if (suspect === undefined) throw new RangeError(`no suspect ${suspectId} in the review queue (it may have been fixed)`);
  const record = recordCocoReviewDecision(ws, {
    annotationFile: dataset.annotationFile,
    suspectId,
    kind: suspect.kind,
    verdict,
    evidenceKey: cocoReviewEvidenceKey(dataset, suspect.imageId, variants),
  });
  return { ...suspect, decision: { verdict: record.verdict, decidedAt: record.decidedAt } };
}
