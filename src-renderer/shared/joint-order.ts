import { humanJointName } from '../../src-main/core/joints.ts';

/** Joints in reading order for charts and pickers: head down, right before left. */
export const DISPLAY_JOINT_ORDER: readonly number[] = [9, 8, 12, 13, 11, 14, 10, 15, 2, 3, 1, 4, 0, 5, 6, 7];

export const jointLabel = (index: number): string => humanJointName(index);

/** Short labels for chart axes. */
export const SHORT_JOINT_LABELS: readonly string[] = [
  'R ank',
  'R kne',
  'R hip',
  'L hip',
  'L kne',
  'L ank',
  'pelv',
  'thor',
  'neck',
  'head',
  'R wri',
  'R elb',
  'R sho',
  'L sho',
  'L elb',
  'L wri',
];
