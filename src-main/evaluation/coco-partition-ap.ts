/**
 * AP/AR restricted to a group of keypoints, as mmpose 1.x's `KeypointPartitionMetric`
 * (mmpose/evaluation/metrics/keypoint_partition_metric.py): GT and predicted keypoints cut to the
 * group, `num_keypoints` recounted on the cut GT (labelled ones, v > 0), sigmas cut to the group,
 * the GT `area` and `bbox` kept; then the same COCOeval. The predicted area comes from the cut
 * keypoints' extent, as pycocotools' loadRes computes it for the results mmpose writes (no boxes,
 * coco.py:350–359) — so a single-keypoint group's detections have area 0.
 *
 * Groups for COCO-17: face (nose, eyes, ears), arms (shoulders, elbows, wrists), legs (hips, knees,
 * ankles); and every single keypoint on any keypoint set.
 */
import { cocoResultsToDetections, evaluateCocoKeypoints, type CocoKeypointStats, type CocoResultEntry, type OksGroundTruth } from './coco-oks-eval.ts';

export interface KeypointGroup {
  readonly name: string;
  readonly indices: readonly number[];
}

const COCO17_GROUP_NAMES: readonly (readonly [string, readonly string[]])[] = [
  ['face', ['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear']],
  ['arms', ['left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist']],
  ['legs', ['left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle']],
];

/** face / arms / legs when every one of their keypoint names is present; none for other sets. */
export function keypointGroups(names: readonly string[]): KeypointGroup[] {
  const groups: KeypointGroup[] = [];
  for (const [name, members] of COCO17_GROUP_NAMES) {
    const indices = members.map((m) => names.indexOf(m));
    if (indices.every((i) => i >= 0)) groups.push({ name, indices });
  }
  return groups;
}

export interface PartitionInput {
  readonly imageIds: readonly number[];
  readonly gts: readonly OksGroundTruth[];
  /** The results as read (keypoints of the full set). */
  readonly results: readonly CocoResultEntry[];
  /** Sigmas of the full set. */
  readonly sigmas: ArrayLike<number>;
}

/** The group's (x, y, v) triples; a plain array (100,000 small typed arrays per group cost seconds of allocation). */
function cut(keypoints: ArrayLike<number>, indices: readonly number[]): number[] {
  const out: number[] = [];
  for (const k of indices) out.push(keypoints[3 * k]!, keypoints[3 * k + 1]!, keypoints[3 * k + 2]!);
  return out;
}

/** The ten stats over the group's keypoints only. */
export function partitionStats(input: PartitionInput, indices: readonly number[]): CocoKeypointStats {
  const gts: OksGroundTruth[] = input.gts.map((g) => {
    const keypoints = cut(g.keypoints, indices);
    let numKeypoints = 0;
    for (let i = 0; i < indices.length; i++) if (keypoints[3 * i + 2]! > 0) numKeypoints++;
    return { ...g, keypoints, numKeypoints };
  });
  const results: CocoResultEntry[] = input.results.map((r) => ({ imageId: r.imageId, score: r.score, keypoints: cut(r.keypoints, indices) }));
  const sigmas = Float64Array.from(indices, (k) => input.sigmas[k]!);
  return evaluateCocoKeypoints({ imageIds: input.imageIds, gts, dts: cocoResultsToDetections(results, false), sigmas }).stats;
}
