/** Strata (src-main/evaluation/strata.ts) on hand-built cases. */
import { describe, expect, it } from 'vitest';
import { MPII_JOINT_COUNT } from '../../../src-main/core/joints.ts';
import { COUNTED, EVALUATED, HIT_05, type PersonJointOutcomes } from '../../../src-main/evaluation/person-tallies.ts';
import {
  CROP_UNKNOWN,
  cropStrata,
  crowdStrata,
  gtInsideCrop,
  headSizes,
  headSizeStrata,
  INSIDE_CROP,
  OUTSIDE_CROP,
  personsPerImage,
  stratify,
} from '../../../src-main/evaluation/strata.ts';

const J = MPII_JOINT_COUNT;
const E = COUNTED | EVALUATED;

function outcomes(persons: number, flagOf: (p: number, j: number) => number): PersonJointOutcomes {
  const flags = new Uint8Array(persons * J);
  for (let p = 0; p < persons; p++) for (let j = 0; j < J; j++) flags[p * J + j] = flagOf(p, j);
  return { protocol: 'mmpose0x', persons, jointPredicted: new Array<boolean>(J).fill(true), flags };
}

describe('stratify', () => {
  it('counts evaluated joints and hits per stratum; the mean pools the 14 Mean joints', () => {
    // 4 persons; persons 0, 1 in stratum A, 2, 3 in B. Person p hits every joint except when j < p.
    const o = outcomes(4, (p, j) => (p === 3 && j === 9 ? 0 : E | (j < p ? 0 : HIT_05)));
    const [a, b] = stratify(o, ['A', 'B'], (p) => (p < 2 ? 0 : 1));
    expect(a!.persons).toBe(2);
    expect(a!.evaluated[0]).toBe(2);
    expect(a!.hits[0]).toBe(1); // person 1 misses joint 0
    expect(a!.pckh[0]).toBe(50);
    expect(b!.evaluated[9]).toBe(1); // person 3's head_top is not evaluated
    expect(b!.hits[2]).toBe(1); // person 2 misses joints 0, 1; person 3 misses 0, 1, 2
    // Stratum A: 28 Mean joints evaluated, 1 miss.
    expect(a!.mean).toBeCloseTo((100 * 27) / 28, 12);
    // Stratum B: person 2 has 14 Mean joints (misses 0, 1), person 3 has 13 (misses 0, 1, 2; no head_top).
    expect(b!.mean).toBeCloseTo((100 * (12 + 10)) / 27, 12);
  });
});

describe('head-size terciles', () => {
  it('boundaries are the ⅓ and ⅔ quantiles of the evaluated persons; head size = 0.6 × diagonal', () => {
    // Six 3-4-5 head boxes scaled by 1..6: diagonals 5..30, head sizes 3, 6, …, 18.
    const boxes = new Float64Array(6 * 4);
    for (let p = 0; p < 6; p++) boxes.set([10, 10, 10 + 3 * (p + 1), 10 + 4 * (p + 1)], p * 4);
    const sizes = headSizes(boxes, 6);
    expect(Array.from(sizes)).toEqual([3, 6, 9, 12, 15, 18].map((v) => Math.sqrt(((v / 3) * 3) ** 2 + ((v / 3) * 4) ** 2) * 0.6));
    const o = outcomes(6, (p) => E | (p >= 2 ? HIT_05 : 0));
    const s = headSizeStrata(o, sizes);
    // numpy linear quantiles of [3, 6, 9, 12, 15, 18]: h = 5/3 → 8, h = 10/3 → 13.
    expect(s.boundaries![0]).toBeCloseTo(8, 12);
    expect(s.boundaries![1]).toBeCloseTo(13, 12);
    expect(s.strata.map((st) => st.persons)).toEqual([2, 2, 2]);
    expect(s.strata.map((st) => st.mean)).toEqual([0, 100, 100]);
  });
});

describe('persons per image', () => {
  it('1 / 2–3 / 4+', () => {
    const images = ['a', 'b', 'b', 'c', 'c', 'c', 'd', 'd', 'd', 'd'];
    const perImage = personsPerImage(images);
    expect(Array.from(perImage)).toEqual([1, 2, 2, 3, 3, 3, 4, 4, 4, 4]);
    const o = outcomes(10, (p) => E | (p < 3 ? HIT_05 : 0));
    const s = crowdStrata(o, perImage);
    expect(s.strata.map((st) => st.label)).toEqual(['1', '2-3', '4+']);
    expect(s.strata.map((st) => st.persons)).toEqual([1, 5, 4]);
    expect(s.strata.map((st) => st.evaluated[0])).toEqual([1, 5, 4]);
    expect(s.strata.map((st) => st.hits[0])).toEqual([1, 2, 0]);
  });
});

describe('GT inside the crop', () => {
  it("uses mmpose's box: centre (cx, cy + 15s), side 1.25·200·s, edges inclusive", () => {
    // 0-based centre (100, 100), s = 1: cy = 115, side 250 → x in [-25, 225], y in [-10, 240].
    const persons = [
      { center: [100, 100] as [number, number], scale: 1 },
      { center: null, scale: 0 },
    ];
    const gt = new Float64Array(2 * J * 2).fill(51); // 0-based (50, 50): inside
    gt[2 * 1] = 226; // joint 1 at 0-based x = 225: on the right edge, inside
    gt[2 * 2] = 227; // joint 2 at x = 226: outside
    gt[2 * 3 + 1] = -10; // joint 3 at y = -11: outside (above)
    gt[2 * 4] = Number.NaN; // joint 4: unknown
    const inside = gtInsideCrop(persons, gt);
    expect(inside[0]).toBe(INSIDE_CROP);
    expect(inside[1]).toBe(INSIDE_CROP);
    expect(inside[2]).toBe(OUTSIDE_CROP);
    expect(inside[3]).toBe(OUTSIDE_CROP);
    expect(inside[4]).toBe(CROP_UNKNOWN);
    expect(inside[J]).toBe(CROP_UNKNOWN); // no usable scale
    const o = outcomes(2, () => E | HIT_05);
    const s = cropStrata(o, inside);
    expect(s.strata.map((st) => st.evaluated.reduce((a, b) => a + b, 0))).toEqual([J - 3, 2]);
  });
});
