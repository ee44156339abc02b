import { describe, expect, it } from 'vitest';
import { analyzeCocoKeypoints, mirrorIndex, torsoKeypoints } from '../../../src-main/evaluation/coco-keypoint-analysis.ts';
import { COCO17_SIGMAS, cocoResultsToDetections, evaluateCocoKeypoints, type OksGroundTruth } from '../../../src-main/evaluation/coco-oks-eval.ts';
import { keypointGroups, partitionStats } from '../../../src-main/evaluation/coco-partition-ap.ts';
import { COCO17_JOINT_NAMES } from '../../../src-main/core/joints.ts';

const NAMES: string[] = [...COCO17_JOINT_NAMES];
const K = NAMES.length;

/** A standing person: keypoints on a grid inside a 100 × 200 box at (x0, y0). */
function person(id: number, x0: number, y0 = 0): OksGroundTruth {
  const keypoints: number[] = [];
  for (let k = 0; k < K; k++) keypoints.push(x0 + (k % 2 === 0 ? 30 : 70), y0 + 10 + k * 10, 2);
  return { id, imageId: 1, keypoints, numKeypoints: K, area: 20000, bbox: [x0, y0, 100, 200], iscrowd: false };
}

describe('per-keypoint analysis', () => {
  it('names left/right pairs and the torso; n/a for sets without them', () => {
    const mirror = mirrorIndex(NAMES);
    expect(NAMES[mirror[NAMES.indexOf('left_wrist')]!]).toBe('right_wrist');
    expect(mirror[0]).toBe(-1);
    expect(torsoKeypoints(NAMES)).toEqual([5, 12]);
    expect(torsoKeypoints(['head', 'tail'])).toBeNull();
  });

  it('classifies good, jitter, inversion, swap and miss; PCK against the box side and torso', () => {
    const a = person(1, 0);
    const b = person(2, 300);
    const pred = Array.from(a.keypoints);
    const lw = NAMES.indexOf('left_wrist'),
      rw = NAMES.indexOf('right_wrist');
    const le = NAMES.indexOf('left_elbow'),
      nose = 0,
      lk = NAMES.indexOf('left_knee');
    // left wrist on the right wrist (inversion)
    pred[3 * lw] = a.keypoints[3 * rw] as number;
    pred[3 * lw + 1] = a.keypoints[3 * rw + 1] as number;
    // left elbow on person b's left elbow (swap)
    pred[3 * le] = b.keypoints[3 * le] as number;
    pred[3 * le + 1] = b.keypoints[3 * le + 1] as number;
    // nose far away (miss), left knee slightly off (jitter: KS between 0.5 and 0.85)
    pred[3 * nose] = 1000;
    pred[3 * lk] = (pred[3 * lk] as number) + 0.7 * Math.sqrt(20000) * 2 * COCO17_SIGMAS[lk]!;
    const dts = cocoResultsToDetections(
      [
        { imageId: 1, keypoints: pred, score: 0.9 },
        { imageId: 1, keypoints: Array.from(b.keypoints), score: 0.8 },
      ],
      false,
    );
    const evaluation = evaluateCocoKeypoints({ imageIds: [1], gts: [a, b], dts, sigmas: COCO17_SIGMAS });
    const analysis = analyzeCocoKeypoints(evaluation, NAMES, COCO17_SIGMAS);
    expect(analysis.persons).toBe(2);
    expect(analysis.matchedPersons).toBe(2);
    const row = (name: string) => analysis.rows[NAMES.indexOf(name)]!;
    expect(row('left_wrist').classes).toMatchObject({ inversion: 0.5, good: 0.5 });
    expect(row('left_elbow').classes).toMatchObject({ swap: 0.5, good: 0.5 });
    expect(row('nose').classes).toMatchObject({ miss: 0.5, good: 0.5 });
    expect(row('left_knee').classes).toMatchObject({ jitter: 0.5, good: 0.5 });
    expect(row('right_ankle').classes.good).toBe(1);
    expect(row('nose').count).toBe(2);
    expect(row('nose').pckBbox).toEqual([0.5, 0.5, 0.5]);
    expect(row('right_ankle').pckTorso).toEqual([1, 1, 1]);
    expect(row('right_ankle').meanErrorBbox).toBe(0);
    expect(row('left_wrist').oksAcc50).toBe(0.5);
  });

  it('a partition over every keypoint gives the full evaluation (results without boxes)', () => {
    const gts = [person(1, 0), person(2, 300)];
    const results = gts.map((g, i) => ({ imageId: 1, keypoints: Array.from(g.keypoints, (v, j) => (j % 3 === 2 ? 1 : v + (i + 1) * 3)), score: 0.5 + i / 10 }));
    const full = evaluateCocoKeypoints({ imageIds: [1], gts, dts: cocoResultsToDetections(results, false), sigmas: COCO17_SIGMAS }).stats;
    const all = partitionStats(
      { imageIds: [1], gts, results, sigmas: COCO17_SIGMAS },
      NAMES.map((_, k) => k),
    );
    expect(all).toEqual(full);
    expect(keypointGroups(NAMES).map((g) => g.name)).toEqual(['face', 'arms', 'legs']);
    expect(keypointGroups(['head', 'tail'])).toEqual([]);
  });
});
