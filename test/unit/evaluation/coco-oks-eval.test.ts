import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COCO17_SIGMAS,
  COCO_STAT_NAMES,
  cocoResultsToDetections,
  computeOks,
  evaluateCocoKeypoints,
  numpyLinspace,
  stableDescendingOrder,
  type CocoKeypointStats,
  type OksGroundTruth,
} from '../../../src-main/evaluation/coco-oks-eval.ts';
import { keypointGroups, partitionStats } from '../../../src-main/evaluation/coco-partition-ap.ts';
import { parseCocoKeypointFile, parseCocoResultsFile } from '../../../src-main/formats/coco-keypoints.ts';
import { randomCocoCase, type RandomCocoCase } from '../../support/coco-random-cases.ts';
import { HAS_SHARED, PROJECT_ROOT, sharedPath } from '../../support/shared-fixtures.ts';

const CASES = 600;
const PARTITION_CASES = 100;

/** Why the pycocotools cross-check cannot run here, or null when it can. */
function referenceUnavailable(): string | null {
  if (!HAS_SHARED) return "../shared is absent (a fresh clone has none): it holds coco_ref.py and pycocotools' cocoeval.py";
  const probe = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  if (probe.status !== 0) return 'python3 with numpy is not importable (apt-get install python3-numpy)';
  return null;
}
const UNAVAILABLE = referenceUnavailable();
if (UNAVAILABLE !== null) console.warn(`[skip] OKS AP/AR vs pycocotools: ${UNAVAILABLE}`);

/** Our evaluation of a case, through the real file readers. */
export function evaluateCase(c: RandomCocoCase): CocoKeypointStats {
  const gt = parseCocoKeypointFile(JSON.stringify(c.gt), 'gt.json');
  const res = parseCocoResultsFile(JSON.stringify(c.results), 'res.json', gt);
  const sigmas = gt.category.sigmas ?? COCO17_SIGMAS;
  return evaluateCocoKeypoints({
    imageIds: gt.images.map((im) => im.id),
    gts: gt.annotations,
    dts: cocoResultsToDetections(res.results, res.areaFromBbox),
    sigmas,
  }).stats;
}

describe('numpy conventions', () => {
  it("linspace reproduces pycocotools' thresholds (0.8999999999999999, not 0.9)", () => {
    const t = numpyLinspace(0.5, 0.95, 10);
    expect(t[8]).toBe(0.8999999999999999);
    expect(t[7]).toBe(0.85);
    expect(t[9]).toBe(0.95);
    expect(numpyLinspace(0, 1, 101)[100]).toBe(1);
  });
  it('COCO sigmas are the literals divided by 10.0', () => {
    expect(COCO17_SIGMAS[0]).toBe(0.26 / 10);
    expect(COCO17_SIGMAS.length).toBe(17);
  });
  it('argsort(-score, mergesort): descending, ties in input order', () => {
    const scores = [0.5, 0.9, 0.5, 0.9, 0.1, 0.5];
    expect(Array.from(stableDescendingOrder(scores))).toEqual([1, 3, 0, 2, 5, 4]);
    // long inputs (merge passes) with many ties against JS's stable sort
    for (const n of [17, 100, 1000, 4097]) {
      const keys = Array.from({ length: n }, (_, i) => ((i * 7919) % 13) / 4);
      const want = keys.map((_, i) => i).sort((a, b) => keys[b]! - keys[a]!);
      expect(Array.from(stableDescendingOrder(keys))).toEqual(want);
    }
  });
});

describe('computeOks', () => {
  const gt = (keypoints: number[], extra: Partial<OksGroundTruth> = {}): OksGroundTruth => ({
    id: 1,
    imageId: 1,
    keypoints,
    numKeypoints: 1,
    area: 100,
    bbox: [0, 0, 10, 10],
    iscrowd: false,
    ...extra,
  });
  it('is 1 for a perfect prediction and counts labelled keypoints only', () => {
    const oks = computeOks([gt([5, 5, 2, 0, 0, 0])], [{ id: 1, imageId: 1, keypoints: [5, 5, 1, 90, 90, 1], score: 1, area: 1 }], [0.1, 0.1]);
    expect(oks[0]).toBe(1);
  });
  it('measures the distance to the doubled box when no keypoint is labelled', () => {
    // box [0,0,10,10] → region [-10, 20]²; a point inside it has distance 0
    const oks = computeOks(
      [gt([0, 0, 0, 0, 0, 0], { numKeypoints: 0 })],
      [{ id: 1, imageId: 1, keypoints: [15, 15, 1, -5, 19, 1], score: 1, area: 1 }],
      [0.1, 0.1],
    );
    expect(oks[0]).toBe(1);
  });
});

describe.skipIf(UNAVAILABLE !== null)(`OKS AP/AR equals pycocotools bit for bit (${CASES} seeded random cases)`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'posebench-coco-ref-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('all ten stats of every case', { timeout: 120_000 }, () => {
    const cases = Array.from({ length: CASES }, (_, i) => randomCocoCase(i + 1));
    const manifest = cases.map((c, i) => {
      const gtFile = path.join(dir, `gt-${i}.json`);
      const resFile = path.join(dir, `res-${i}.json`);
      writeFileSync(gtFile, JSON.stringify(c.gt));
      writeFileSync(resFile, JSON.stringify(c.results));
      return { gt: gtFile, res: resFile, sigmas: c.sigmas };
    });
    // KeypointPartitionMetric cross-check: the first PARTITION_CASES cases cut by mmpose's rule (GT
    // keypoints cut, num_keypoints recounted; results cut, without boxes; sigmas cut) into files that
    // pycocotools evaluates as they are; partitionStats must give the same numbers from the full files.
    const partitions = cases.slice(0, PARTITION_CASES).map((c, i) => {
      const names = (c.gt.categories[0] as { keypoints: string[] }).keypoints;
      const group = keypointGroups(names)[i % 3]?.indices ?? [i % names.length, (i + 2) % names.length];
      const indices = i % 2 === 0 ? group : [i % names.length];
      const cutKeypoints = (k: number[]): number[] => indices.flatMap((j) => [k[3 * j]!, k[3 * j + 1]!, k[3 * j + 2]!]);
      const gt = {
        ...c.gt,
        categories: c.gt.categories.map((cat) => ({ ...cat, keypoints: indices.map((j) => names[j]), sigmas: undefined })),
        annotations: (c.gt.annotations as { keypoints: number[] }[]).map((a) => {
          const keypoints = cutKeypoints(a.keypoints);
          return { ...a, keypoints, num_keypoints: indices.filter((_, n) => keypoints[3 * n + 2]! > 0).length };
        }),
      };
      const results = (c.results as { keypoints: number[]; bbox?: number[] }[]).map(({ bbox: _bbox, ...r }) => ({
        ...r,
        keypoints: cutKeypoints(r.keypoints),
      }));
      const fullSigmas = c.sigmas ?? Array.from(COCO17_SIGMAS);
      const gtFile = path.join(dir, `part-gt-${i}.json`);
      const resFile = path.join(dir, `part-res-${i}.json`);
      writeFileSync(gtFile, JSON.stringify(gt));
      writeFileSync(resFile, JSON.stringify(results));
      manifest.push({ gt: gtFile, res: resFile, sigmas: indices.map((j) => fullSigmas[j]!) });
      return indices;
    });
    const manifestFile = path.join(dir, 'cases.json');
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const run = spawnSync('python3', [path.join(PROJECT_ROOT, 'test', 'support', 'coco_ref_batch.py'), sharedPath('reference'), manifestFile], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as (Record<string, number> & { error?: string })[];
    expect(expected.length).toBe(CASES + PARTITION_CASES);

    let exact = 0;
    const mismatches: string[] = [];
    const coverage = { custom: 0, crowd: 0, withBbox: 0, overMaxDets: 0, minusOne: 0, apBetween0And1: 0 };
    cases.forEach((c, i) => {
      const want = expected[i]!;
      expect(want.error, `case ${i + 1}`).toBeUndefined();
      const got = evaluateCase(c);
      const bad = COCO_STAT_NAMES.filter((name) => !Object.is(got[name], want[name]));
      if (bad.length === 0) exact++;
      else mismatches.push(`case ${i + 1}: ${bad.map((n) => `${n} ${got[n]} vs ${want[n]}`).join(', ')}`);
      if (c.sigmas) coverage.custom++;
      if (c.gt.annotations.some((a) => (a as { iscrowd: number }).iscrowd === 1)) coverage.crowd++;
      if (c.results.some((r) => 'bbox' in r)) coverage.withBbox++;
      if (COCO_STAT_NAMES.some((n) => want[n] === -1)) coverage.minusOne++;
      if (want['AP']! > 0 && want['AP']! < 1) coverage.apBetween0And1++;
      const perImage = new Map<number, number>();
      for (const r of c.results as { image_id: number }[]) perImage.set(r.image_id, (perImage.get(r.image_id) ?? 0) + 1);
      if ([...perImage.values()].some((n) => n > 20)) coverage.overMaxDets++;
    });
    let partitionExact = 0;
    partitions.forEach((indices, i) => {
      const c = cases[i]!;
      const gt = parseCocoKeypointFile(JSON.stringify(c.gt), 'gt.json');
      const res = parseCocoResultsFile(JSON.stringify(c.results), 'res.json', gt);
      const got = partitionStats(
        { imageIds: gt.images.map((im) => im.id), gts: gt.annotations, results: res.results, sigmas: gt.category.sigmas ?? COCO17_SIGMAS },
        indices,
      );
      const want = expected[CASES + i]!;
      expect(want.error, `partition case ${i + 1}`).toBeUndefined();
      const bad = COCO_STAT_NAMES.filter((name) => !Object.is(got[name], want[name]));
      if (bad.length === 0) partitionExact++;
      else mismatches.push(`partition case ${i + 1} (${indices.join(',')}): ${bad.map((n) => `${n} ${got[n]} vs ${want[n]}`).join(', ')}`);
    });
    console.log(`[coco-oks] partition AP: ${partitionExact}/${PARTITION_CASES} cases bit-identical to pycocotools on mmpose-cut files`);
    console.log(`[coco-oks] ${exact}/${CASES} cases bit-identical to pycocotools; coverage ${JSON.stringify(coverage)}`);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(exact).toBe(CASES);
    // the generator must reach every situation it claims to
    expect(coverage.custom).toBeGreaterThan(50);
    expect(coverage.crowd).toBeGreaterThan(50);
    expect(coverage.withBbox).toBeGreaterThan(20);
    expect(coverage.overMaxDets).toBeGreaterThan(10);
    expect(coverage.apBetween0And1).toBeGreaterThan(400);
  });
});
