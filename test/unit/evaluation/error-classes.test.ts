/** Issue 15: error classes per joint, what-if PCKh, and the ground-truth review queue on hand-built persons. */
import { describe, expect, it } from 'vitest';
import { MPII_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import type { MatGroundTruth, PckhProtocol, PersonAnnotation } from '../../../src-main/core/types.ts';
import {
  classifyErrors,
  CLASS_HIT,
  CLASS_INVERSION,
  CLASS_JITTER,
  CLASS_MISS,
  CLASS_SWAP,
  summarizeErrorClasses,
  whatIfColumns,
} from '../../../src-main/evaluation/error-classes.ts';
import { reviewGroundTruth } from '../../../src-main/evaluation/gt-review.ts';
import { buildPckhInputs, computePckh, PCKH_COLUMN_JOINTS_OFFSET, PCKH_METRIC_KEYS } from '../../../src-main/evaluation/pckh.ts';
import { personJointOutcomes } from '../../../src-main/evaluation/person-tallies.ts';
import { groundTruthGeometry } from '../../../src-main/workbench/analysis.ts';

const J = 16;
/** A standing person at (x0, y0), head box 20 px wide/high (h = 0.6·√800 ≈ 16.97 px). */
function person(x0: number, y0: number): [number, number][] {
  const pts: [number, number][] = [];
  for (let j = 0; j < J; j++) pts.push([0, 0]);
  const set = (j: number, x: number, y: number): void => {
    pts[j] = [x0 + x, y0 + y];
  };
  set(0, -20, 200);
  set(5, 20, 200);
  set(1, -20, 150);
  set(4, 20, 150);
  set(2, -20, 100);
  set(3, 20, 100);
  set(6, 0, 100);
  set(7, 0, 30);
  set(8, 0, 20);
  set(9, 0, 0);
  set(10, -60, 100);
  set(15, 60, 100);
  set(11, -50, 60);
  set(14, 50, 60);
  set(12, -30, 30);
  set(13, 30, 30);
  return pts;
}

function dataset(people: { image: string; joints: [number, number][] }[]): { persons: PersonAnnotation[]; gt: MatGroundTruth } {
  const n = people.length;
  const positions1Based = new Float64Array(n * J * 2);
  const headBoxes1Based = new Float64Array(n * 4);
  const persons = people.map((p, i): PersonAnnotation => {
    p.joints.forEach(([x, y], j) => {
      positions1Based[2 * (i * J + j)] = x + 1;
      positions1Based[2 * (i * J + j) + 1] = y + 1;
    });
    const [hx, hy] = p.joints[9]!;
    headBoxes1Based.set([hx - 10 + 1, hy + 1, hx + 10 + 1, hy + 20 + 1], i * 4);
    return {
      entryIndex: i,
      image: p.image,
      center: null,
      scale: 1,
      joints: p.joints.map(([x, y]) => [x, y]),
      jointsVisible: new Array<number>(J).fill(1),
      raw: {},
    };
  });
  return { persons, gt: { count: n, jointNames: [], positions1Based, missing: new Uint8Array(n * J), headBoxes1Based } };
}

const H = 0.6 * Math.sqrt(800);

describe('error classes', () => {
  const a = person(100, 50);
  const b = person(400, 50);
  const { persons, gt } = dataset([
    { image: 'x.jpg', joints: a },
    { image: 'x.jpg', joints: b },
  ]);
  const { geometry } = groundTruthGeometry(persons, gt);
  const pred = new Float32Array(2 * J * 2);
  [...a, ...b].forEach(([x, y], i) => {
    pred[2 * i] = x;
    pred[2 * i + 1] = y;
  });
  const put = (p: number, j: number, x: number, y: number): void => {
    pred[2 * (p * J + j)] = x;
    pred[2 * (p * J + j) + 1] = y;
  };
  put(0, 0, a[5]![0] + 1, a[5]![1]); // right ankle on the left ankle: inversion
  put(0, 10, b[10]![0], b[10]![1] + 2); // right wrist on the other person's right wrist: swap
  put(0, 11, a[11]![0] + 0.8 * H, a[11]![1]); // right elbow 0.8 h off: jitter
  put(0, 12, a[12]![0] + 3 * H, a[12]![1] + 3 * H); // right shoulder far off: miss
  put(1, 13, Number.NaN, Number.NaN); // not predicted: miss

  for (const protocol of ['mmpose0x', 'mmpose1x'] as PckhProtocol[]) {
    it(`classes per joint, what-if with nothing flipped = the report bit for bit (${protocol})`, () => {
      const inputs = buildPckhInputs({ protocol, persons, gt, predictions0Based: pred });
      const report = computePckh(inputs);
      const { classes } = classifyErrors(geometry, pred, report.hits);
      expect(classes[0]).toBe(CLASS_INVERSION);
      expect(classes[10]).toBe(CLASS_SWAP);
      expect(classes[11]).toBe(CLASS_JITTER);
      expect(classes[12]).toBe(CLASS_MISS);
      expect(classes[J + 13]).toBe(CLASS_MISS);
      expect(classes[9]).toBe(CLASS_HIT);
      const outcomes = personJointOutcomes(inputs, report);
      const same = whatIfColumns(outcomes, { classes }, []);
      expect(Object.is(same[PCKH_METRIC_KEYS.indexOf('PCKh')], report.metrics.PCKh)).toBe(true);
      for (let j = 0; j < J; j++) expect(Object.is(same[PCKH_COLUMN_JOINTS_OFFSET + j], report.perJoint[j]!.pckh ?? Number.NaN)).toBe(true);
      const summary = summarizeErrorClasses(
        outcomes,
        { classes },
        report.perJoint.map((j) => j.count),
      );
      expect(summary.pckh).toBe(report.metrics.PCKh);
      expect(summary.per_joint[0]!.pckh).toBe(50);
      expect(summary.per_joint[0]!.pckh_if_inversions_fixed).toBe(100);
      expect(summary.per_joint[10]!.pckh_if_swaps_fixed).toBe(100);
      expect(summary.per_joint[11]!.pckh_if_jitter_fixed).toBe(100);
      expect(summary.per_joint[12]!.pckh_if_jitter_fixed).toBe(50);
      expect(summary.totals).toEqual({ hit: 23, jitter: 1, inversion: 1, swap: 1, miss: 2 });
    });
  }
});

describe('ground-truth review', () => {
  it('finds a pair flip, an upper-body flip, a displaced joint, a duplicate and a misplaced head box', () => {
    const people = [person(100, 50), person(400, 50), person(700, 50), person(1000, 50), person(1000.5, 50.5), person(1300, 50)];
    const truth = people.map((p) => p.map(([x, y]) => [x, y] as [number, number]));
    const swap = (p: number, a: number, b: number): void => {
      const t = truth[p]![a]!;
      truth[p]![a] = truth[p]![b]!;
      truth[p]![b] = t;
    };
    swap(0, 0, 5); // ankles
    for (const [a, b] of [
      [10, 15],
      [11, 14],
      [12, 13],
    ] as const)
      swap(1, a, b); // upper body
    truth[2]![4] = [truth[2]![4]![0] + 1.5 * H, truth[2]![4]![1]]; // left knee displaced
    const { persons, gt } = dataset(truth.map((joints, i) => ({ image: i === 3 || i === 4 ? 'dup.jpg' : `${i}.jpg`, joints })));
    gt.headBoxes1Based.set([1, 1, 5, 5], 5 * 4); // person 5: head box far from its head
    const { geometry, headBoxes1Based } = groundTruthGeometry(persons, gt);
    const predictors = [0.3, -0.4, 0.5].map((d, k) => {
      const coords = new Float32Array(people.length * J * 2);
      people.forEach((p, i) =>
        p.forEach(([x, y], j) => {
          coords[2 * (i * J + j)] = x + d;
          coords[2 * (i * J + j) + 1] = y - d;
        }),
      );
      return { name: `p${k}`, coords };
    });
    const result = reviewGroundTruth({ geometry, headBoxes1Based, predictors });
    const byPerson = (i: number) => result.suspects.filter((s) => s.index === i).map((s) => s.kind);
    expect(byPerson(0)).toEqual(['flip_pair']);
    expect(byPerson(1)).toEqual(['flip_upper_body']);
    expect(byPerson(2)).toEqual(['displaced_joint']);
    expect(byPerson(4)).toEqual(['duplicate_person']);
    expect(byPerson(5)).toContain('head_box_off_head');
    const pair = result.suspects.find((s) => s.index === 0)!;
    expect(pair.proposal).toEqual({ action: 'swap_pairs', pairs: [['right_ankle', 'left_ankle']] });
    expect(pair.predictors).toBe(3);
    const displaced = result.suspects.find((s) => s.index === 2)!;
    expect(displaced.joints).toEqual([MPII_JOINT_NAMES[4]]);
    expect(displaced.proposal.action).toBe('move_joint');
    // Sorted by score, descending.
    for (let i = 1; i < result.suspects.length; i++) expect(result.suspects[i - 1]!.score).toBeGreaterThanOrEqual(result.suspects[i]!.score);
    // One predictor: no predictor-based suspects.
    expect(reviewGroundTruth({ geometry, headBoxes1Based, predictors: predictors.slice(0, 1) }).suspects.every((s) => s.predictors === 0)).toBe(true);
  });

  it('wrong person: the predictors follow another annotated person of the image', () => {
    const a = person(100, 50);
    const b = person(100 + 2 * H, 50 + 4 * H);
    const { persons, gt } = dataset([
      { image: 'x.jpg', joints: a },
      { image: 'x.jpg', joints: b },
    ]);
    const { geometry, headBoxes1Based } = groundTruthGeometry(persons, gt);
    const predictors = [0, 1].map((k) => {
      const coords = new Float32Array(2 * J * 2);
      [...b, ...b].forEach(([x, y], i) => {
        coords[2 * i] = x + k * 0.2;
        coords[2 * i + 1] = y;
      });
      return { name: `p${k}`, coords };
    });
    const kinds = reviewGroundTruth({ geometry, headBoxes1Based, predictors })
      .suspects.filter((s) => s.index === 0)
      .map((s) => s.kind);
    expect(kinds).toEqual(['wrong_person']);
  });
});
