/**
 * Issue 15, the review queue's consensus reading (GtReviewOptions.consensus) and the mirror-aware
 * "right elsewhere" of flips, on hand-built persons with five predictors: each test fails if its rule
 * is taken out (the majority group, the "no predictor on the label" condition, the mirror-aware distance).
 */
import { describe, expect, it } from 'vitest';
import type { GroundTruthGeometry } from '../../../src-main/evaluation/error-classes.ts';
import { mulberry32 } from '../../../src-main/core/seeded-random.ts';
import { agreeingGroup, majorityAgreement, reviewGroundTruth, type PredictorSet } from '../../../src-main/evaluation/gt-review.ts';

const J = 16;
const BOX = 20; // head box side (px): h = 0.6 · √(2 · 20²) ≈ 16.97 px
const H = 0.6 * Math.sqrt(2 * BOX * BOX);
const L_WRIST = 15;

/** A standing person at (x0, y0) (MPII joint order). */
function standing(x0: number, y0: number): [number, number][] {
  const at: [number, number][] = [
    [-20, 200],
    [-20, 150],
    [-20, 100],
    [20, 100],
    [20, 150],
    [20, 200],
    [0, 100],
    [0, 30],
    [0, 20],
    [0, 0],
    [-60, 100],
    [-50, 60],
    [-30, 30],
    [30, 30],
    [50, 60],
    [60, 100],
  ];
  return at.map(([x, y]) => [x0 + x, y0 + y]);
}

/** One person, one image; five predictors that put joint j at `predict(k, j)` (default: the GT ± a pixel). */
function setup(
  gt: [number, number][],
  predict: (k: number, j: number) => [number, number] | null,
): { geometry: GroundTruthGeometry; headBoxes1Based: Float64Array; predictors: PredictorSet[] } {
  const joints0Based = new Float64Array(J * 2);
  gt.forEach(([x, y], j) => joints0Based.set([x, y], 2 * j));
  const [hx, hy] = gt[9]!;
  const headBoxes1Based = Float64Array.from([hx - BOX / 2 + 1, hy + 1, hx + BOX / 2 + 1, hy + BOX + 1]);
  const geometry: GroundTruthGeometry = { persons: 1, images: ['0.jpg'], joints0Based, headSizes: Float64Array.of(H) };
  const jitter = [0.5, -0.5, 0, 1, -1];
  const predictors = jitter.map((d, k): PredictorSet => {
    const coords = new Float32Array(J * 2);
    gt.forEach(([x, y], j) => coords.set(predict(k, j) ?? [x + d, y - d], 2 * j));
    return { name: `p${k}`, coords };
  });
  return { geometry, headBoxes1Based, predictors };
}

describe('review queue consensus: the majority reading', () => {
  it('agreeingGroup: the largest group within the radius of its own median, a strict majority', () => {
    const xs = [0, 1, 0, 40, 80];
    const ys = [0, 0, 1, 40, -30];
    const g = agreeingGroup(xs, ys, 5, majorityAgreement(5));
    expect(majorityAgreement(5)).toBe(3);
    expect(majorityAgreement(3)).toBe(2);
    expect(majorityAgreement(2)).toBe(2);
    expect(g).not.toBeNull();
    expect(g!.agreeing).toBe(3);
    expect([g!.x, g!.y]).toEqual([0, 0]);
    expect(g!.spread).toBe(1);
    // Two groups of two and three: the three; none of four agree.
    expect(agreeingGroup([0, 1, 50, 51, 50], [0, 0, 0, 0, 1], 5, 2)!.agreeing).toBe(3);
    expect(agreeingGroup(xs, ys, 5, 4)).toBeNull();
  });

  const gt = standing(200, 50);
  const [wx, wy] = gt[L_WRIST]!;
  const moved: [number, number] = [wx + 2 * H, wy]; // where three of the five predictors put the wrist

  it('3 of 5 predictors agree 2 h from the label, the other two scattered: displaced (the ⌈2n/3⌉ reading misses it)', () => {
    const scattered: [number, number][] = [
      [wx - 4 * H, wy + 3 * H],
      [wx + 5 * H, wy + 5 * H],
    ];
    const input = setup(gt, (k, j) => (j !== L_WRIST ? null : k < 3 ? [moved[0] + k - 1, moved[1]] : scattered[k - 3]!));
    const raised = reviewGroundTruth(input).suspects.filter((s) => s.kind === 'displaced_joint');
    expect(raised.map((s) => [s.joints, s.predictors, s.of])).toEqual([[['left_wrist'], 3, 5]]);
    expect(raised[0]!.evidence['gt_support']).toBe(0);
    const proposal = raised[0]!.proposal;
    expect(proposal.action === 'move_joint' && proposal.joint === 'left_wrist').toBe(true);
    if (proposal.action === 'move_joint') {
      expect(proposal.to[0]).toBeCloseTo(moved[0], 2);
      expect(proposal.to[1]).toBeCloseTo(moved[1], 2);
    }
    expect(reviewGroundTruth(input, { consensus: 'two_thirds' }).suspects.filter((s) => s.kind === 'displaced_joint')).toEqual([]);
  });

  it('a predictor on the label: the predictors do not agree, no displaced suspect', () => {
    const input = setup(gt, (k, j) => (j !== L_WRIST ? null : k < 3 ? [moved[0] + k - 1, moved[1]] : k === 3 ? [wx + 2, wy - 1] : [wx + 5 * H, wy + 5 * H]));
    expect(reviewGroundTruth(input).suspects.filter((s) => s.kind === 'displaced_joint')).toEqual([]);
  });
});

describe('flips: the predictors right elsewhere, mirror-aware', () => {
  it('a pair the predictors put on the mirror joint (without inverting it) does not count as a miss elsewhere', () => {
    const gt = standing(200, 50);
    const mirror: Record<number, number> = { 10: 15, 11: 14, 12: 13, 13: 12, 14: 11, 15: 10 };
    // Upper body flipped by every predictor; the right hip put on the GT's left hip, the left hip on its own.
    const input = setup(gt, (k, j) => {
      const d = [0.5, -0.5, 0, 1, -1][k]!;
      const m = mirror[j];
      if (m !== undefined) return [gt[m]![0] + d, gt[m]![1] - d];
      if (j === 2) return [gt[3]![0] + d, gt[3]![1] - d];
      return null;
    });
    const flip = reviewGroundTruth(input).suspects.find((s) => s.kind === 'flip_upper_body');
    expect(flip).toBeDefined();
    // The right hip's consensus is 40 px = 2.4 h from its own GT joint, on its mirror's.
    expect(flip!.evidence['others_far_h']).toBeLessThan(0.2);
  });
});

describe('flips: a pair seen through the consensus, and a half seen through a majority', () => {
  const truth = standing(200, 50);
  const jitter = [0.5, -0.5, 0, 1, -1];
  const swapped = (pairs: readonly (readonly [number, number])[]): [number, number][] => {
    const gt = truth.map(([x, y]) => [x, y] as [number, number]);
    for (const [a, b] of pairs) [gt[a], gt[b]] = [gt[b]!, gt[a]!];
    return gt;
  };
  const R_KNEE = 1;
  const L_KNEE = 4;

  it('knees swapped in the GT; every predictor right on the right knee, two right on the left knee, three lost it: a flip_pair by consensus, no displaced joint', () => {
    const gt = swapped([[R_KNEE, L_KNEE]]);
    const [rx, ry] = truth[R_KNEE]!;
    const [lx, ly] = truth[L_KNEE]!;
    // Predictors 2–4 put the left knee far beyond the right one (scattered, so no consensus on it):
    // matched either way their pair is about as far off, so they do not vote; 0 and 1 invert the pair.
    const lost: [number, number][] = [
      [rx - 5 * H, ry - H],
      [rx - 5 * H, ry],
      [rx - 5 * H, ry + H],
    ];
    const input = setup(gt, (k, j) => {
      if (j === R_KNEE) return [rx + 0.1 * H + jitter[k]!, ry - jitter[k]!];
      if (j === L_KNEE) return k < 2 ? [lx + jitter[k]!, ly - jitter[k]!] : lost[k - 2]!;
      return null;
    });
    const suspects = reviewGroundTruth(input).suspects;
    const flip = suspects.find((s) => s.kind === 'flip_pair');
    expect(flip?.joints).toEqual(['right_knee', 'left_knee']);
    expect(flip!.evidence['pairs_by_consensus']).toBe(1);
    // `predictors`: those that invert the pair (the vote's 2 of 5, short of the ⌈2n/3⌉ = 4 it needs alone).
    expect([flip!.predictors, flip!.of]).toEqual([2, 5]);
    expect(suspects.filter((s) => s.kind === 'displaced_joint' && s.joints.includes('right_knee'))).toEqual([]);
  });

  it('right labels, the right knee double-counted on the left one by every predictor and the left knee there by two, lost by three: no flip', () => {
    // The same picture as a flip seen only through the right knee, except that the left knee is put on
    // its own label (where the double count is), never on the right knee's.
    const [lx, ly] = truth[L_KNEE]!;
    const lost: [number, number][] = [
      [lx + 3 * H, ly - 2 * H],
      [lx + 3 * H, ly + 2 * H],
      [lx, ly + 4 * H],
    ];
    const input = setup(truth, (k, j) => {
      if (j === R_KNEE) return [lx + jitter[k]!, ly - jitter[k]!];
      if (j === L_KNEE) return k < 2 ? [lx + 0.1 * H, ly] : lost[k - 2]!;
      return null;
    });
    expect(reviewGroundTruth(input).suspects.filter((s) => s.kind.startsWith('flip'))).toEqual([]);
  });

  it('right labels, both knees put on the left knee by every predictor with noise: no flip in 200 draws', () => {
    const random = mulberry32(7);
    const [lx, ly] = truth[L_KNEE]!;
    const noisy = (): [number, number] => {
      const r = (0.05 + 0.15 * random()) * H;
      const angle = 2 * Math.PI * random();
      return [lx + r * Math.cos(angle), ly + r * Math.sin(angle)];
    };
    let flips = 0;
    for (let draw = 0; draw < 200; draw++) {
      const points = Array.from({ length: 5 }, () => [noisy(), noisy()] as const);
      const input = setup(truth, (k, j) => (j === R_KNEE ? points[k]![0] : j === L_KNEE ? points[k]![1] : null));
      if (reviewGroundTruth(input).suspects.some((s) => s.kind.startsWith('flip'))) flips++;
    }
    expect(flips).toBe(0);
  });

  it('upper body flipped in the GT, the wrists inverted by only 3 of 5 predictors: the wrists join the half (flip_upper_body), not left out', () => {
    const gt = swapped([
      [10, 15],
      [11, 14],
      [12, 13],
    ]);
    const [rwx, rwy] = truth[10]!;
    const input = setup(gt, (k, j) => {
      if (j < 10 || j > 15) return null;
      // Predictors 3 and 4 put both wrists on the right wrist.
      const [x, y] = j === 15 && k >= 3 ? [rwx, rwy] : truth[j]!;
      return [x + jitter[k]!, y - jitter[k]!];
    });
    const flip = reviewGroundTruth(input).suspects.find((s) => s.kind === 'flip_upper_body');
    expect(flip?.joints).toEqual(['right_wrist', 'right_elbow', 'right_shoulder', 'left_shoulder', 'left_elbow', 'left_wrist']);
    expect(flip!.evidence['pairs_by_majority']).toBe(1);
    expect(flip!.evidence['pairs_inverted']).toBe(3);
  });
});
