/**
 * The COCO ground-truth review queue (evaluation/coco-gt-review.ts) over a dataset's stored variants:
 * each variant's detections as pycocotools matched them to the (effective) GT persons. The one function
 * `posebench qc` on a COCO folder and the app's review call.
 */
import type { OpenedCocoDataset } from '../datasets/coco-dataset.ts';
import { cocoReviewQueue, type CocoSuspect } from '../evaluation/coco-gt-review.ts';
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
