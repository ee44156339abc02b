/**
 * OKS-NMS as mmpose's CocoMetric runs it (mmpose/evaluation/functional/nms.py oks_iou / oks_nms):
 * hand-built cases whose kept indices follow from the definition, the float32 storage of the OKS at
 * the 0.9 threshold, and seeded random images checked against mmpose's numpy code itself (copied
 * below, run by python3 with numpy; skipped, saying so, without it).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src-main/core/seeded-random.ts';
import { COCO17_SIGMAS } from '../../../src-main/evaluation/coco-oks-eval.ts';
import { numpyPairwiseSum, oksIou, oksNms, type OksNmsInstance } from '../../../src-main/evaluation/oks-nms.ts';

const f = Math.fround;

/** A one-keypoint instance at (x, 0) with σ = 0.5 below, so vars = 1 and e = x² / (area + eps) / 2 for area 1 each. */
const one = (x: number, score: number, area = 1): OksNmsInstance => ({ keypoints: [x, 0, 1], area, score });
const SIGMA_HALF = [0.5];

/** x with exp(−x² / (1 + eps) / 2) ≈ target (areas 1, σ 0.5). */
const offsetFor = (target: number): number => Math.sqrt(-Math.log(target) * 2 * (1 + Number.EPSILON));

describe('oksIou', () => {
  it('is 1 for identical poses and follows e = d² / (2σ)² / ((a_g + a_d)/2 + eps) / 2', () => {
    expect(oksIou([3, 4, 1], [3, 4, 1], 10, 10, SIGMA_HALF)).toBe(1);
    // d² = 2, vars = 1, (1 + 3)/2 = 2 → e = 2 / 2 / 2 = 0.5
    expect(oksIou([0, 0, 1], [1, 1, 1], 1, 3, SIGMA_HALF)).toBe(f(Math.exp(-0.5)));
    // two keypoints: the mean
    const two = oksIou([0, 0, 1, 0, 0, 1], [0, 0, 1, 2, 0, 1], 1, 1, [0.5, 0.5]);
    expect(two).toBe(f((1 + Math.exp(-4 / (1 + Number.EPSILON) / 2)) / 2));
  });
  it('with vis_thr uses only keypoints whose scores both exceed it, and is 0 when none does', () => {
    const g = [0, 0, 0.9, 0, 0, 0.1];
    const d = [0, 0, 0.9, 5, 0, 0.9];
    expect(oksIou(g, d, 1, 1, [0.5, 0.5], 0.2)).toBe(1);
    expect(oksIou(g, d, 1, 1, [0.5, 0.5])).toBeLessThan(1);
    expect(oksIou([0, 0, 0.1], [0, 0, 0.1], 1, 1, SIGMA_HALF, 0.2)).toBe(0);
  });
});

describe('oksNms (keep order, greedy suppression at OKS > thr)', () => {
  it('keeps nothing of nothing and the one of one', () => {
    expect(oksNms([], SIGMA_HALF)).toEqual([]);
    expect(oksNms([one(0, 0.3)], SIGMA_HALF)).toEqual([0]);
  });
  it('suppresses a lower-scored near-duplicate and lists the kept in descending score', () => {
    // 0 and 2 are the same pose (OKS 1 > 0.9); 1 is far away (OKS ~0)
    expect(oksNms([one(0, 0.5), one(100, 0.7), one(0, 0.9)], SIGMA_HALF)).toEqual([2, 1]);
  });
  it('is greedy: a suppressed instance suppresses nothing', () => {
    // A (0.9) at 0; B (0.8) at d1 with OKS(A, B) = 0.95 > 0.9 → suppressed; C (0.7) at 2·d1: OKS(A, C) < 0.9 → kept
    // although OKS(B, C) = 0.95 would have removed it had B been kept
    const d1 = offsetFor(0.95);
    expect(oksNms([one(0, 0.9), one(d1, 0.8), one(2 * d1, 0.7)], SIGMA_HALF)).toEqual([0, 2]);
  });
  it('keeps OKS equal to the threshold (retains ious <= thr), removes above it', () => {
    const below = offsetFor(0.85),
      above = offsetFor(0.95);
    expect(oksNms([one(0, 0.9), one(below, 0.8)], SIGMA_HALF)).toEqual([0, 1]);
    expect(oksNms([one(0, 0.9), one(above, 0.8)], SIGMA_HALF)).toEqual([0]);
    expect(oksNms([one(0, 0.9), one(above, 0.8)], SIGMA_HALF, 0.96)).toEqual([0, 1]);
  });
  it('compares the OKS as float32 (mmpose stores it in a float32 array) with thr as float32', () => {
    // OKS 0.900000003 in float64 rounds to float32(0.9): equal to the float32 threshold → retained
    const x = offsetFor(0.900000003);
    const oks64 = Math.exp(-((x * x) / (1 + Number.EPSILON) / 2));
    expect(oks64).toBeGreaterThan(0.9);
    expect(oksIou([0, 0, 1], [x, 0, 1], 1, 1, SIGMA_HALF)).toBe(f(0.9));
    expect(oksNms([one(0, 0.9), one(x, 0.8)], SIGMA_HALF)).toEqual([0, 1]);
    // 0.90000001 rounds to the next float32 up: suppressed
    const y = offsetFor(0.90000001);
    expect(oksIou([0, 0, 1], [y, 0, 1], 1, 1, SIGMA_HALF)).toBeGreaterThan(f(0.9));
    expect(oksNms([one(0, 0.9), one(y, 0.8)], SIGMA_HALF)).toEqual([0]);
  });
  it('takes the areas as given (mmpose: the crop area prod(bbox_scale)): a larger area makes the same offset overlap more', () => {
    const x = offsetFor(0.8); // OKS 0.8 at areas 1
    expect(oksNms([one(0, 0.9), one(x, 0.8)], SIGMA_HALF)).toEqual([0, 1]);
    expect(oksNms([one(0, 0.9, 4), one(x, 0.8, 4)], SIGMA_HALF)).toEqual([0]);
  });
  it('orders equal scores later instance first (argsort()[::-1] of a stable ascending sort)', () => {
    expect(oksNms([one(0, 0.5), one(0, 0.5)], SIGMA_HALF)).toEqual([1]);
    expect(oksNms([one(0, 0.5), one(0, 0.5), one(50, 0.5), one(0, 0.6)], SIGMA_HALF)).toEqual([3, 2]);
    expect(oksNms([one(0, 0.5), one(50, 0.5), one(100, 0.5)], SIGMA_HALF)).toEqual([2, 1, 0]);
  });
  it('checks the keypoint count against the sigmas', () => {
    expect(() => oksNms([one(0, 1)], [0.5, 0.5])).toThrow(/2 sigmas/);
  });
});

/** mmpose 1.3.2 mmpose/evaluation/functional/nms.py oks_iou / oks_nms, as written there (float64 inputs here). */
const MMPOSE_NUMPY = String.raw`
import json, sys
import numpy as np

def oks_iou(g, d, a_g, a_d, sigmas=None, vis_thr=None):
    vars = (sigmas * 2)**2
    xg = g[0::3]
    yg = g[1::3]
    vg = g[2::3]
    ious = np.zeros(len(d), dtype=np.float32)
    for n_d in range(0, len(d)):
        xd = d[n_d, 0::3]
        yd = d[n_d, 1::3]
        vd = d[n_d, 2::3]
        dx = xd - xg
        dy = yd - yg
        e = (dx**2 + dy**2) / vars / ((a_g + a_d[n_d]) / 2 + np.spacing(1)) / 2
        if vis_thr is not None:
            ind = list((vg > vis_thr) & (vd > vis_thr))
            e = e[ind]
        ious[n_d] = np.sum(np.exp(-e)) / len(e) if len(e) != 0 else 0.0
    return ious

def oks_nms(kpts_db, thr, sigmas=None, vis_thr=None):
    if len(kpts_db) == 0:
        return []
    scores = np.array([k['score'] for k in kpts_db])
    kpts = np.array([k['keypoints'].flatten() for k in kpts_db])
    areas = np.array([k['area'] for k in kpts_db])
    order = scores.argsort()[::-1]
    keep = []
    while len(order) > 0:
        i = order[0]
        keep.append(i)
        oks_ovr = oks_iou(kpts[i], kpts[order[1:]], areas[i], areas[order[1:]], sigmas, vis_thr)
        inds = np.where(oks_ovr <= thr)[0]
        order = order[inds + 1]
    return [int(k) for k in keep]

cases = json.load(sys.stdin)
out = {'keep': [], 'sums': []}
for c in cases['images']:
    db = [dict(keypoints=np.array(i['keypoints'], dtype=np.float64), area=i['area'], score=i['score']) for i in c]
    out['keep'].append(oks_nms(db, 0.9, np.array(cases['sigmas'], dtype=np.float64), c[0]['vis_thr'] if len(c) else None))
for a in cases['sums']:
    out['sums'].append(float(np.sum(np.array(a, dtype=np.float64))))
print(json.dumps(out))
`;

function numpyUnavailable(): string | null {
  const probe = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  return probe.status === 0 ? null : 'python3 with numpy is not importable (apt-get install python3-numpy)';
}
const UNAVAILABLE = numpyUnavailable();
if (UNAVAILABLE !== null) console.warn(`[skip] OKS-NMS vs mmpose's numpy oks_nms: ${UNAVAILABLE}`);

describe.skipIf(UNAVAILABLE !== null)("oksNms against mmpose's numpy oks_nms (seeded random images)", () => {
  it('keeps the same instances in the same order on 400 images, and sums as np.sum does', () => {
    const rand = mulberry32(1809);
    const K = 17;
    const images: (OksNmsInstance & { vis_thr: number | null })[][] = [];
    for (let m = 0; m < 400; m++) {
      // a few people, each detected several times with jitter: OKS around the 0.9 threshold
      const people = 1 + Math.floor(rand() * 3);
      const n = Math.floor(rand() * 12);
      const scale = 20 + rand() * 200;
      const visThr = m % 5 === 0 ? 0.3 : null;
      const bases = Array.from({ length: people }, () => Array.from({ length: K }, () => [rand() * 400, rand() * 400]));
      const image: (OksNmsInstance & { vis_thr: number | null })[] = [];
      for (let i = 0; i < n; i++) {
        const base = bases[Math.floor(rand() * people)]!;
        const jitter = rand() * 0.06 * scale;
        const keypoints = base.flatMap(([x, y]) => [x! + (rand() - 0.5) * jitter, y! + (rand() - 0.5) * jitter, rand()]);
        // distinct scores: numpy's argsort orders ties by platform (see oks-nms.ts)
        image.push({ keypoints, area: scale * scale * (0.8 + rand() * 0.4), score: rand(), vis_thr: visThr });
      }
      images.push(image);
    }
    const sums = [5, 8, 17, 23, 128, 133, 300].map((len) => Array.from({ length: len }, () => Math.exp(-rand() * 5)));
    const run = spawnSync('python3', ['-c', MMPOSE_NUMPY], {
      input: JSON.stringify({ images, sigmas: Array.from(COCO17_SIGMAS), sums }),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as { keep: number[][]; sums: number[] };
    let suppressed = 0;
    images.forEach((image, m) => {
      const keep = oksNms(image, COCO17_SIGMAS, 0.9, image[0]?.vis_thr ?? null);
      expect(keep, `image ${m}`).toEqual(expected.keep[m]);
      suppressed += image.length - keep.length;
    });
    // the cases do exercise suppression, and keep some overlapping detections too
    expect(suppressed).toBeGreaterThan(100);
    sums.forEach((a, i) => expect(numpyPairwiseSum(a), `sum of ${a.length}`).toBe(expected.sums[i]));
  });
});
