/**
 * Model joints → MPII joints, by mmpose name.
 *
 * A model may output its joints in any order (EfficientPose: head_top first) or another skeleton
 * altogether (COCO-17). Evaluation is always in MPII order (spec §1.1), so every model joint is
 * looked up by name; MPII joints the model does not output are "not predicted" (COCO-17 has no
 * pelvis, thorax, upper_neck or head_top) and stay NaN in the results.
 */
import { COCO17_JOINT_NAMES, MPII_JOINT_COUNT, MPII_JOINT_NAMES, mpiiJointIndex } from '../../core/joints.ts';

export interface JointMapping {
  /** For each model joint, its MPII index, or null when MPII has no such joint (e.g. COCO "nose"). */
  readonly mpiiMapping: (number | null)[];
  /** For each of the 16 MPII joints, whether the model predicts it. */
  readonly jointPredicted: boolean[];
  /** For each model joint, the model joint that is its mirror image (itself for centre joints). */
  readonly modelFlipIndex: number[];
}

const KNOWN_JOINT_NAMES: ReadonlySet<string> = new Set<string>([...MPII_JOINT_NAMES, ...COCO17_JOINT_NAMES]);

export function isKnownJointName(name: string): boolean {
  return KNOWN_JOINT_NAMES.has(name);
}

/** Joint names a model is assumed to output when no sidecar says otherwise, from its joint count. */
export function defaultKeypointNames(jointCount: number): string[] | undefined {
  if (jointCount === MPII_JOINT_COUNT) return [...MPII_JOINT_NAMES];
  if (jointCount === COCO17_JOINT_NAMES.length) return [...COCO17_JOINT_NAMES];
  return undefined;
}

/** "left_wrist" ↔ "right_wrist"; names without a side are their own mirror. */
export function mirroredJointName(name: string): string {
  if (name.startsWith('left_')) return `right_${name.slice('left_'.length)}`;
  if (name.startsWith('right_')) return `left_${name.slice('right_'.length)}`;
  return name;
}

/**
 * Builds the mapping. Names must be unique (checked by the sidecar reader; repeated here because a
 * duplicate would silently let one model joint overwrite another).
 */
export function mapModelJointsToMpii(keypoints: readonly string[]): JointMapping {
  const seen = new Set<string>();
  for (const name of keypoints) {
    if (seen.has(name)) throw new Error(`joint "${name}" is listed twice`);
    seen.add(name);
  }
  const mpiiMapping = keypoints.map((name) => mpiiJointIndex(name) ?? null);
  const jointPredicted = new Array<boolean>(MPII_JOINT_COUNT).fill(false);
  for (const mpiiIndex of mpiiMapping) if (mpiiIndex !== null) jointPredicted[mpiiIndex] = true;
  const modelFlipIndex = keypoints.map((name, index) => {
    const mirror = keypoints.indexOf(mirroredJointName(name));
    // A joint whose mirror the model lacks keeps its own channel: the flip-back can't do better.
    return mirror >= 0 ? mirror : index;
  });
  return { mpiiMapping, jointPredicted, modelFlipIndex };
}

/**
 * Writes one person's decoded model joints (model order, image pixels) into a 16×3 MPII row
 * (x, y, score), NaN for joints the model does not predict.
 */
export function toMpiiKeypoints(
  mapping: { readonly mpiiMapping: readonly (number | null)[] },
  keypoints: readonly { readonly x: number; readonly y: number; readonly score: number }[],
  out: Float32Array = new Float32Array(MPII_JOINT_COUNT * 3),
): Float32Array {
  if (keypoints.length !== mapping.mpiiMapping.length) {
    throw new Error(`decoded ${keypoints.length} joints, the model has ${mapping.mpiiMapping.length}`);
  }
  out.fill(Number.NaN);
  mapping.mpiiMapping.forEach((mpiiIndex, modelIndex) => {
    const keypoint = keypoints[modelIndex];
    if (mpiiIndex === null || keypoint === undefined) return;
    out[mpiiIndex * 3] = keypoint.x;
    out[mpiiIndex * 3 + 1] = keypoint.y;
    out[mpiiIndex * 3 + 2] = keypoint.score;
  });
  return out;
}
