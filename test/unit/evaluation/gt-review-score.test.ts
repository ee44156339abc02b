/**
 * Issue 15, the review queue's ranking: the skeletal and "right elsewhere" components of the score, on
 * hand-built persons where everything else about two suspects is equal, so each test fails if its
 * component is taken out of the score.
 */
import { describe, expect, it } from 'vitest';
import type { GroundTruthGeometry } from '../../../src-main/evaluation/error-classes.ts';
import {
  boneFactor,
  disagreementRarity,
  elsewhereFactor,
  reviewGroundTruth,
  skeletonFactor,
  type PredictorSet,
} from '../../../src-main/evaluation/gt-review.ts';

const J = 16;
const BOX = 20; // head box side (px): h = 0.6 · √(2 · 20²)
const H = 0.6 * Math.sqrt(2 * BOX * BOX);

/** A standing person at (x0, y0) (MPII joint order). */
function standing(x0: number, y0: number): [number, number][] {
  const at: Record<number, [number, number]> = {
    0: [-20, 200],
    1: [-20, 150],
    2: [-20, 100],
    3: [20, 100],
    4: [20, 150],
    5: [20, 200],
    6: [0, 100],
    7: [0, 30],
    8: [0, 20],
    9: [0, 0],
    10: [-60, 100],
    11: [-50, 60],
    12: [-30, 30],
    13: [30, 30],
    14: [50, 60],
    15: [60, 100],
  };
  return Array.from({ length: J }, (_, j) => [x0 + at[j]![0], y0 + at[j]![1]]);
}

/** The GT of `gts` (one image each) and three predictors that put every joint at `truths` (± a pixel), with per-person overrides. */
function setup(
  gts: [number, number][][],
  truths: [number, number][][],
  override: (k: number, p: number, j: number) => [number, number] | null = () => null,
): { geometry: GroundTruthGeometry; headBoxes1Based: Float64Array; predictors: PredictorSet[] } {
  const n = gts.length;
  const joints0Based = new Float64Array(n * J * 2);
  const headBoxes1Based = new Float64Array(n * 4);
  gts.forEach((g, p) => {
    g.forEach(([x, y], j) => joints0Based.set([x, y], 2 * (p * J + j)));
    const [hx, hy] = g[9]!;
    headBoxes1Based.set([hx - BOX / 2 + 1, hy + 1, hx + BOX / 2 + 1, hy + BOX + 1], 4 * p);
  });
  const geometry: GroundTruthGeometry = {
    persons: n,
    images: gts.map((_, p) => `${p}.jpg`),
    joints0Based,
    headSizes: new Float64Array(n).fill(H),
  };
  const predictors = [0.5, -0.5, 0].map((d, k): PredictorSet => {
    const coords = new Float32Array(n * J * 2);
    truths.forEach((t, p) =>
      t.forEach(([x, y], j) => {
        const o = override(k, p, j);
        coords.set(o ?? [x + d, y - d], 2 * (p * J + j));
      }),
    );
    return { name: `p${k}`, coords };
  });
  return { geometry, headBoxes1Based, predictors };
}

describe('review queue score components', () => {
  it('factors: bone gap, swap gain, right elsewhere', () => {
    expect(boneFactor(null, 0, 1)).toBe(0.2);
    expect(boneFactor(0, 1, 1)).toBe(0.2);
    expect(boneFactor(2, 1, 1)).toBe(1);
    expect(boneFactor(1, 1, 4)).toBeCloseTo(0.6);
    expect(skeletonFactor(null)).toBe(1);
    expect(skeletonFactor(-1)).toBe(1);
    expect(skeletonFactor(5)).toBe(3);
    expect(elsewhereFactor(0.3, 0.5)).toBe(1);
    expect(elsewhereFactor(1.5, 0.5)).toBe(0.5);
  });

  it('a displaced label that stretches its bone ranks above one the predictors could have rotated', () => {
    // Right wrist (10) moved by 1.5 h: person 0 along the forearm (the GT bone gets 1.5 h longer),
    // person 1 around the elbow (11) by the same 1.5 h (the GT bone keeps its length).
    const truth = [standing(100, 50), standing(400, 50)];
    const gts = truth.map((t) => t.map(([x, y]) => [x, y] as [number, number]));
    const d = 1.5 * H;
    const [ex, ey] = truth[0]![11]!;
    const [wx, wy] = truth[0]![10]!;
    const len = Math.hypot(wx - ex, wy - ey);
    gts[0]![10] = [wx + (d * (wx - ex)) / len, wy + (d * (wy - ey)) / len];
    const theta = 2 * Math.asin(d / (2 * len));
    const [ex1, ey1] = truth[1]![11]!;
    const [vx, vy] = [truth[1]![10]![0] - ex1, truth[1]![10]![1] - ey1];
    gts[1]![10] = [ex1 + vx * Math.cos(theta) - vy * Math.sin(theta), ey1 + vx * Math.sin(theta) + vy * Math.cos(theta)];
    const { suspects } = reviewGroundTruth(setup(gts, truth));
    const stretched = suspects.find((s) => s.index === 0 && s.kind === 'displaced_joint')!;
    const rotated = suspects.find((s) => s.index === 1 && s.kind === 'displaced_joint')!;
    expect(stretched.evidence['distance_h']).toBeCloseTo(rotated.evidence['distance_h'] as number, 1);
    expect(stretched.evidence['bone_h']).toBeGreaterThan(1);
    expect(rotated.evidence['bone_h']).toBeLessThan(0.1);
    expect(stretched.score).toBeGreaterThan(2 * rotated.score);
  });

  it('a displaced label on a person the predictors get right elsewhere ranks above one on a person they miss elsewhere', () => {
    // Both: right knee (1) displaced by 1.2 h, and the head top (9) not agreed on as such. Person 0: the
    // predictors scatter on the head top (no consensus); person 1: they agree 0.9 h off it. Context (the
    // share of other joints within 0.5 h) is the same; only the largest miss elsewhere differs.
    const truth = [standing(100, 50), standing(400, 50)];
    const gts = truth.map((t) => t.map(([x, y]) => [x, y] as [number, number]));
    for (const g of gts) g[1] = [g[1]![0] + 1.2 * H, g[1]![1]];
    const { suspects } = reviewGroundTruth(
      setup(gts, truth, (k, p, j) => {
        if (j !== 9) return null;
        const [x, y] = truth[p]![9]!;
        return p === 0 ? [x + (k - 1) * H, y] : [x + 0.9 * H + 0.3 * k, y];
      }),
    );
    const clean = suspects.find((s) => s.index === 0 && s.kind === 'displaced_joint')!;
    const missed = suspects.find((s) => s.index === 1 && s.kind === 'displaced_joint')!;
    expect(clean.evidence['context']).toBe(missed.evidence['context']);
    expect(clean.evidence['others_far_h']).toBeLessThan(0.5);
    expect(missed.evidence['others_far_h']).toBeGreaterThan(0.85);
    expect(clean.score).toBeGreaterThan(1.3 * missed.score);
  });

  it('a swapped pair scores by how much the swap restores the bone lengths', () => {
    // Elbows (11, 14) swapped in the GT: both forearms and upper arms then cross the body.
    const truth = [standing(100, 50)];
    const gts = truth.map((t) => t.map(([x, y]) => [x, y] as [number, number]));
    [gts[0]![11], gts[0]![14]] = [gts[0]![14]!, gts[0]![11]!];
    const { suspects } = reviewGroundTruth(setup(gts, truth));
    const pair = suspects.find((s) => s.kind === 'flip_pair')!;
    const gain = pair.evidence['bone_gain_h'] as number;
    expect(gain).toBeGreaterThan(2);
    const margin = pair.evidence['margin_h'] as number;
    const votes = (pair.predictors / pair.of) * Math.min(1 + margin, 2);
    expect(pair.score).toBeCloseTo(votes * skeletonFactor(gain), 3);
    expect(pair.score).toBeGreaterThan(2 * votes);
  });

  it('rarity: log10 of 1 / the share of persons at least that far off on the joint (the person asked about is one)', () => {
    const rarity = { sorted: Array.from({ length: J }, () => Float64Array.of(0.1, 0.2, 0.5, 1, 2)) };
    expect(disagreementRarity(rarity, 0, 2)).toBeCloseTo(Math.log10(5), 12);
    expect(disagreementRarity(rarity, 0, 1)).toBeCloseTo(Math.log10(5 / 2), 12);
    expect(disagreementRarity(rarity, 0, 3)).toBeCloseTo(Math.log10(5), 12); // never more than one in n
    expect(disagreementRarity(rarity, 0, 0)).toBe(0);
    expect(disagreementRarity({ sorted: Array.from({ length: J }, () => new Float64Array(0)) }, 0, 1)).toBe(0);
  });

  it('the same displaced wrist ranks higher in a set where wrists are rarely that far off', () => {
    // Person 0: left wrist (15) label 1.2 h off. Persons 1–20: in one set their left wrist labels are 1.5 h
    // off too (a set where that joint is often disputed), in the other they are right.
    const L_WRIST = 15;
    const truth = Array.from({ length: 21 }, (_, p) => standing(100 + 300 * p, 50));
    const labels = (others: number): [number, number][][] =>
      truth.map((t, p) =>
        t.map(([x, y], j) => (j === L_WRIST && (p === 0 || others > 0) ? [x, y + (p === 0 ? 1.2 : others) * H] : [x, y]) as [number, number]),
      );
    const person0 = (others: number) => reviewGroundTruth(setup(labels(others), truth)).suspects.find((s) => s.index === 0 && s.kind === 'displaced_joint')!;
    const disputed = person0(1.5);
    const rare = person0(0);
    expect(disputed.evidence['rarity']).toBe(0);
    expect(rare.evidence['rarity']).toBeCloseTo(Math.log10(21), 3);
    expect(rare.score / disputed.score).toBeCloseTo(1 + Math.log10(21), 2);
  });
});
