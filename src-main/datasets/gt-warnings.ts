/**
 * Warnings for ground-truth values of the gt `.mat` that PCKh scores in a way the user may not expect:
 * a head box with a NaN/Inf coordinate, or a NaN/Inf position on an annotated joint
 * (jnt_missing = 0). They are NOT changed or dropped: posebench promises mmpose's numbers bit for
 * bit, so each warning says what mmpose does with the value (../shared/specs/mmpose-mpii.md), and the
 * scores stay exactly those (src-main/evaluation/pckh-tally.ts computes them the same way).
 *
 * One warning per person (0-based entry index = the `.mat` column = the json entry), at most
 * MAX_GT_WARNINGS of them plus one summary line.
 */
import { makeWarning, type InputWarning } from '../core/errors.ts';
import { MPII_JOINT_COUNT, MPII_JOINT_NAMES } from '../core/joints.ts';
import type { MatGroundTruth } from '../core/types.ts';
import { headSize } from '../evaluation/pckh-tally.ts';

export const MAX_GT_WARNINGS = 50;

/** What mmpose does with a head size that is not finite (spec §2 steps 4–6, §3 items 2–3). */
function headBoxConsequence(hs: number): string {
  if (Number.isNaN(hs)) {
    return 'so the head size is NaN: every annotated joint of this person is counted as a miss, as mmpose does ' +
      '(0.x: the NaN distance/head size fails the `<=` threshold, spec §2 step 6; 1.x: fails `<`, spec §3 item 3); ' +
      'fix the head box to score this person';
  }
  return 'so the head size is Infinity: every annotated joint whose position and prediction are finite normalises to 0 and is counted as a hit, ' +
    'as mmpose does (distance/Infinity = 0 passes the threshold, spec §2 steps 5–6, §3 item 2); fix the head box to score this person';
}

function jointLabel(j: number): string {
  return `${j} (${MPII_JOINT_NAMES[j] ?? '?'})`;
}

/** Warnings for the head boxes and annotated joint positions of `gt` (read from `file`). */
export function groundTruthWarnings(gt: MatGroundTruth, file: string): InputWarning[] {
  const warnings: InputWarning[] = [];
  let personsWithProblems = 0;
  const add = (warning: InputWarning): void => {
    personsWithProblems += 1;
    if (warnings.length < MAX_GT_WARNINGS) warnings.push(warning);
  };
  for (let n = 0; n < gt.count; n += 1) {
    const box = gt.headBoxes1Based.subarray(n * 4, n * 4 + 4);
    const badJoints: number[] = [];
    for (let j = 0; j < MPII_JOINT_COUNT; j += 1) {
      const i = n * MPII_JOINT_COUNT + j;
      if (gt.missing[i] !== 0) continue;
      if (!Number.isFinite(gt.positions1Based[2 * i]!) || !Number.isFinite(gt.positions1Based[2 * i + 1]!)) badJoints.push(j);
    }
    const boxBad = !box.every(Number.isFinite);
    if (!boxBad && badJoints.length === 0) continue;
    const parts: string[] = [];
    const fields: string[] = [];
    if (boxBad) {
      fields.push('headboxes_src');
      const values = Array.from(box, String).join(', ');
      parts.push(`head box (x1, y1, x2, y2) = (${values}) is not finite, ${headBoxConsequence(headSize(gt.headBoxes1Based, n))}`);
    }
    if (badJoints.length > 0) {
      fields.push('pos_gt_src');
      const which = badJoints.map(jointLabel).join(', ');
      const plural = badJoints.length > 1;
      parts.push(
        `joint${plural ? 's' : ''} ${which} ${plural ? 'are' : 'is'} annotated (jnt_missing 0) but ${plural ? 'their positions are' : 'its position is'} NaN/Inf: ` +
          `counted as a miss${plural ? 'es' : ''} under the mmpose 0.x protocol, as mmpose does (a NaN/Inf distance fails the \`<=\` threshold, spec §2 step 6); ` +
          'mmpose 1.x takes joint positions from the json, not from the .mat (spec §3)',
      );
    }
    add(makeWarning({ file, entry: n, field: fields.join(', ') }, parts.join('; also ')));
  }
  if (personsWithProblems > MAX_GT_WARNINGS) {
    warnings.push(makeWarning({ file }, `${personsWithProblems - MAX_GT_WARNINGS} more persons have a NaN/Inf head box or annotated joint position (${personsWithProblems} in all), scored as mmpose scores them`));
  }
  return warnings;
}
