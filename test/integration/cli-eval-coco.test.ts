/**
 * `posebench eval` on a COCO keypoint folder through the real bin/posebench.js: the 4-image,
 * 14-person fixture in ../shared/fixtures/coco with predictions made here (the GT perturbed, a missed
 * person, a false positive, score ties); the ten numbers equal 100 × coco_ref.py's (pycocotools' own
 * cocoeval.py) bit for bit. Also: an annotations-only copy (no image folder) evaluates with a warning,
 * a custom keypoint set without sigmas fails in one line, and MPII folders still take the MPII path.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COCO_STAT_NAMES } from '../../src-main/evaluation/coco-oks-eval.ts';
import { perturbedResults, type GtAnnotation } from '../support/coco-perturbed-results.ts';
import { runPosebench } from '../support/run-cli.ts';
import { HAS_SHARED, sharedPath } from '../support/shared-fixtures.ts';

function referenceUnavailable(): string | null {
  if (!HAS_SHARED) return '../shared is absent (a fresh clone has none): it holds the COCO fixture and coco_ref.py';
  if (spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status !== 0)
    return 'python3 with numpy is not importable (apt-get install python3-numpy)';
  return null;
}
const UNAVAILABLE = referenceUnavailable();
if (UNAVAILABLE !== null) console.warn(`[skip] posebench eval on the COCO fixture: ${UNAVAILABLE}`);

interface CocoJson {
  instances: number;
  detections: number;
  metrics: Record<string, number | null>;
  per_keypoint: { name: string; count: number; oks_acc_50: number | null; pck_bbox_0_1: number | null; pck_torso_0_2: number | null; ap?: number | null }[];
  groups?: { name: string }[];
}

describe.skipIf(UNAVAILABLE !== null)('posebench eval on a COCO folder (../shared/fixtures/coco)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'posebench-coco-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fixture = sharedPath('fixtures', 'coco');
  const gtFile = path.join(fixture, 'annotations', 'test_coco.json');

  it('prints the ten numbers of pycocotools (×100) bit for bit, and per-keypoint rows', { timeout: 60_000 }, async () => {
    const gt = JSON.parse(readFileSync(gtFile, 'utf8')) as { annotations: GtAnnotation[]; images: unknown[] };
    expect(gt.images.length).toBe(4);
    expect(gt.annotations.length).toBe(14);
    for (const [seed, noise] of [
      [1, 3],
      [2, 12],
    ] as const) {
      const resFile = path.join(dir, `results-${seed}.json`);
      writeFileSync(resFile, JSON.stringify(perturbedResults(gt, seed, noise)));
      const ref = spawnSync('python3', [sharedPath('reference', 'coco_ref.py'), gtFile, resFile], { encoding: 'utf8' });
      expect(ref.status, ref.stderr).toBe(0);
      const expected = JSON.parse(ref.stdout) as Record<string, number>;

      const result = await runPosebench(['eval', '--dataset', fixture, '--predictions', resFile, '--format', 'json']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as CocoJson;
      for (const name of COCO_STAT_NAMES) {
        const want = expected[name]!;
        expect(report.metrics[name], name).toBe(want === -1 ? null : 100 * want);
      }
      expect(report.per_keypoint.map((k) => k.name)).toContain('left_wrist');
      expect(report.per_keypoint.length).toBe(17);
      for (const row of report.per_keypoint) {
        expect(row.count).toBeGreaterThan(0);
        expect(row.oks_acc_50).not.toBeNull();
        expect(row.pck_torso_0_2).not.toBeNull();
        expect(typeof row.ap).toBe('number');
      }
      expect(report.groups?.map((g) => g.name)).toEqual(['face', 'arms', 'legs']);
    }
    // the table and csv forms print the same AP
    const resFile = path.join(dir, 'results-1.json');
    const table = await runPosebench(['eval', '--dataset', fixture, '--predictions', resFile]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/AP50/);
    const csv = await runPosebench(['eval', '--dataset', fixture, '--predictions', resFile, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\n')[0]).toMatch(/^variant,scope,name,AP,AP50/);
  });

  it('evaluates an annotations-only folder (no images) with a warning; a custom set without sigmas fails in one line', { timeout: 60_000 }, async () => {
    const bare = path.join(dir, 'bare');
    mkdirSync(path.join(bare, 'annotations'), { recursive: true });
    cpSync(gtFile, path.join(bare, 'annotations', 'test_coco.json'));
    const gt = JSON.parse(readFileSync(gtFile, 'utf8')) as { annotations: GtAnnotation[]; categories: { keypoints: string[] }[] };
    const resFile = path.join(dir, 'bare-results.json');
    writeFileSync(resFile, JSON.stringify(perturbedResults(gt, 3, 5)));
    const ok = await runPosebench(['eval', '--dataset', bare, '--predictions', resFile, '--format', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/no image folder/);

    const custom = path.join(dir, 'custom');
    mkdirSync(path.join(custom, 'annotations'), { recursive: true });
    const renamed = { ...gt, categories: gt.categories.map((c) => ({ ...c, keypoints: c.keypoints.map((n, k) => (k === 0 ? 'snout' : n)) })) };
    writeFileSync(path.join(custom, 'annotations', 'animals.json'), JSON.stringify(renamed));
    const bad = await runPosebench(['eval', '--dataset', custom, '--predictions', resFile]);
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split('\n');
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/animals\.json.*"snout".*sigmas/);

    // a bad results entry: file and entry named, one line
    const badResults = path.join(dir, 'bad-results.json');
    writeFileSync(badResults, JSON.stringify([{ image_id: 785, category_id: 1, keypoints: [1, 2, 3], score: 0.5 }]));
    const badEntry = await runPosebench(['eval', '--dataset', bare, '--predictions', badResults]);
    expect(badEntry.code).toBe(1);
    expect(
      badEntry.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('warning:')),
    ).toEqual([expect.stringMatching(/bad-results\.json \(\[0\]\.keypoints\): has 3 values, expected 51/)]);
  });
});
