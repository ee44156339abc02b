/**
 * MPII joint definitions in mmpose order (= the `.mat` order).
 * Source: ../shared/specs/mmpose-mpii.md §1.1–1.2 (configs/_base_/datasets/mpii.py).
 */
export const MPII_JOINT_NAMES = [
  'right_ankle',
  'right_knee',
  'right_hip',
  'left_hip',
  'left_knee',
  'left_ankle',
  'pelvis',
  'thorax',
  'upper_neck',
  'head_top',
  'right_wrist',
  'right_elbow',
  'right_shoulder',
  'left_shoulder',
  'left_elbow',
  'left_wrist',
] as const;

export type MpiiJointName = (typeof MPII_JOINT_NAMES)[number];

export const MPII_JOINT_COUNT = 16;

/** Short names used in `dataset_joints` of the gt `.mat` (spec §1.1). */
export const MPII_MAT_JOINT_NAMES = [
  'rank',
  'rkne',
  'rhip',
  'lhip',
  'lkne',
  'lank',
  'pelv',
  'thor',
  'neck',
  'head',
  'rwri',
  'relb',
  'rsho',
  'lsho',
  'lelb',
  'lwri',
] as const;

/** Left/right pairs (spec §1.2). */
export const MPII_FLIP_PAIRS: readonly (readonly [number, number])[] = [
  [0, 5],
  [1, 4],
  [2, 3],
  [10, 15],
  [11, 14],
  [12, 13],
];

/** flip_index: joint j of a mirrored image is joint MPII_FLIP_INDEX[j] of the original. */
export const MPII_FLIP_INDEX: readonly number[] = [5, 4, 3, 2, 1, 0, 6, 7, 8, 9, 15, 14, 13, 12, 11, 10];

/** Bones drawn by the UI and the demo renderer (MPII skeleton). */
export const MPII_SKELETON: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 2],
  [2, 6],
  [3, 6],
  [3, 4],
  [4, 5],
  [6, 7],
  [7, 8],
  [8, 9],
  [10, 11],
  [11, 12],
  [12, 7],
  [13, 7],
  [13, 14],
  [14, 15],
];

/** Report groups as mmpose prints them (spec §2 item 11): unweighted left/right means. */
export const PCKH_GROUPS = [
  { name: 'Head', joints: [9] },
  { name: 'Shoulder', joints: [13, 12] },
  { name: 'Elbow', joints: [14, 11] },
  { name: 'Wrist', joints: [15, 10] },
  { name: 'Hip', joints: [3, 2] },
  { name: 'Knee', joints: [4, 1] },
  { name: 'Ankle', joints: [5, 0] },
] as const;

export type PckhGroupName = (typeof PCKH_GROUPS)[number]['name'];

/** Joints left out of the Mean: pelvis (6) and thorax (7); upper_neck (8) stays in (spec §0.3). */
export const PCKH_EXCLUDED_FROM_MEAN: readonly number[] = [6, 7];

/** COCO-17 keypoint names in COCO order. */
export const COCO17_JOINT_NAMES = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;

export function mpiiJointIndex(name: string): number | undefined {
  const index = (MPII_JOINT_NAMES as readonly string[]).indexOf(name);
  return index >= 0 ? index : undefined;
}

/** "left_wrist" → "left wrist", for labels and accessible names. */
export function humanJointName(index: number): string {
  const name = MPII_JOINT_NAMES[index];
  return name === undefined ? `joint ${index}` : name.replace('_', ' ');
}
