/**
 * `posebench eval --dataset COCO_DIR --model M.onnx --bbox-file DETS.json` (issue 18): top-down on
 * detected person boxes as mmpose 1.x evaluates COCO with a `bbox_file` — boxes not clipped, rescored
 * with the box score, OKS-NMS at 0.9 per image — on the 4 COCO images of ../shared/fixtures/coco with
 * the constant model of test/support/coco-constant-model.ts; and malformed detection files, each ONE
 * line on stderr and a non-zero exit.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectCocoDataset, openCocoDataset } from '../../src-main/datasets/coco-dataset.ts';
import { parseCocoDetectionsFile } from '../../src-main/formats/coco-detections.ts';
import { cocoDetectedBoxCropTransform } from '../../src-main/inference/preprocess/coco-box.ts';
import { gridToImage } from '../../src-main/inference/preprocess/crop-transform.ts';
import { mmposeResultBox, rescore, runCocoModel } from '../../src-main/workbench/coco-model-run.ts';
import {
  CONSTANT_MODEL_COORDS as COORDS,
  CONSTANT_MODEL_H as H,
  CONSTANT_MODEL_K as K,
  CONSTANT_MODEL_W as W,
  writeConstantCocoModel,
} from '../support/coco-constant-model.ts';
import { runPosebench } from '../support/run-cli.ts';
import { HAS_SHARED, sharedPath } from '../support/shared-fixtures.ts';

if (!HAS_SHARED) console.warn('[skip] eval --model --bbox-file on the COCO fixture: ../shared is absent (it holds the 4 COCO images)');

interface Det {
  image_id: unknown;
  category_id: unknown;
  bbox: unknown;
  score: unknown;
}

describe.skipIf(!HAS_SHARED)('eval --model --bbox-file on a COCO folder (detected boxes, OKS-NMS)', () => {
  // a skipped suite's body still runs to collect its tests: without the fixture, none is collected
  if (!HAS_SHARED) {
    it.skip('needs ../shared/fixtures/coco', () => undefined);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bbox-helper-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fixture = sharedPath('fixtures', 'coco');
  const model = writeConstantCocoModel(dir);
  const dataset = openCocoDataset(detectCocoDataset(fixture)!);
  const persons = dataset.annotations.annotations.filter((a) => !a.iscrowd && a.numKeypoints > 0);
  // one box per person (shifted, one past the image's left edge), distinct scores; a near-duplicate
  // of the first person (1 px off, lower score: OKS ≈ 1 > 0.9, suppressed); a low-scoring box far
  // from everyone; and a non-person entry naming an unknown image (skipped before the image lookup,
  // as mmpose does)
  const first = persons[0]!;
  const dets: Det[] = [
    { image_id: 999999, category_id: 3, bbox: [0, 0, 10, 10], score: 0.99 },
    ...persons.map((p, i) => ({
      image_id: p.imageId,
      category_id: 1,
      bbox: [p.bbox[0] - (i === 1 ? 60 : 2.5), p.bbox[1] + 1.25, p.bbox[2] + 3, p.bbox[3]],
      score: 0.95 - i * 0.03,
    })),
    { image_id: first.imageId, category_id: 1, bbox: [first.bbox[0] - 1.5, first.bbox[1] + 1.25, first.bbox[2] + 3, first.bbox[3]], score: 0.2 },
    { image_id: first.imageId, category_id: 1, bbox: [5, 5, 30, 40], score: 0.05, extra: 1 } as Det,
  ];
  const bboxFile = path.join(dir, 'detections.json');
  writeFileSync(bboxFile, JSON.stringify(dets));

  it('crops each detected box unclipped, rescores with its float32 score, suppresses the duplicate', { timeout: 60_000 }, async () => {
    const detections = parseCocoDetectionsFile(JSON.stringify(dets), bboxFile, new Set(dataset.annotations.images.map((im) => im.id)));
    expect(detections.boxes.length).toBe(persons.length + 2);
    expect(detections.otherCategories).toBe(1);
    const run = await runCocoModel(dataset, model, { detections: detections.boxes });
    expect(run.failed).toEqual([]);
    expect(run.boxSource).toBe('detections');
    expect(run.nms).toEqual({ before: persons.length + 2, kept: persons.length + 1 });
    // the duplicate (entry persons.length + 1) is gone; everything else kept
    const kept = run.resultBoxes.map((b) => (b.kind === 'detection' ? b.entry : -1));
    expect(kept).not.toContain(persons.length + 1);
    expect(new Set(kept).size).toBe(persons.length + 1);
    // per image in descending score, images in the order of their first box
    const imageOrder = [...new Set(persons.map((p) => p.imageId))];
    expect([...new Set(run.results.map((r) => r.imageId))]).toEqual(imageOrder);
    for (let i = 1; i < run.results.length; i++) {
      if (run.results[i]!.imageId === run.results[i - 1]!.imageId) expect(run.results[i]!.score).toBeLessThanOrEqual(run.results[i - 1]!.score);
    }
    run.results.forEach((result, i) => {
      const det = dets[kept[i]!]!;
      const bbox = det.bbox as [number, number, number, number];
      expect(result.imageId).toBe(det.image_id);
      expect(result.score).toBe(rescore(new Array<number>(K).fill(1), Math.fround(det.score as number)));
      expect(result.score).toBe(Math.fround(det.score as number));
      expect(result.bbox).toEqual(mmposeResultBox(bbox, 'detection', 0, 0));
      const transform = cocoDetectedBoxCropTransform(bbox, { width: W, height: H });
      for (let k = 0; k < K; k++) {
        const [x, y] = gridToImage(transform, Math.fround(COORDS[2 * k]!), Math.fround(COORDS[2 * k + 1]!), 1, 1);
        expect(result.keypoints[3 * k]).toBeCloseTo(x, 6);
        expect(result.keypoints[3 * k + 1]).toBeCloseTo(y, 6);
      }
    });
    // the box past the left edge is not clipped: its keypoints start left of x = 0
    const left = run.results[kept.indexOf(2)]!;
    expect(left.keypoints[0]).toBeLessThan(0);

    // through the CLI: the same report as these results given as a file (with their boxes)
    const resultsFile = path.join(dir, 'results.json');
    writeFileSync(
      resultsFile,
      JSON.stringify(run.results.map((r) => ({ image_id: r.imageId, category_id: 1, keypoints: r.keypoints, score: r.score, bbox: r.bbox }))),
    );
    const viaModel = await runPosebench(['eval', '--dataset', fixture, '--model', model, '--bbox-file', bboxFile, '--format', 'json']);
    expect(viaModel.code, viaModel.stderr).toBe(0);
    expect(viaModel.stderr).toContain('1 detections of other categories than person (1) are left out');
    const viaFile = await runPosebench(['eval', '--dataset', fixture, '--predictions', resultsFile, '--format', 'json']);
    expect(viaFile.code, viaFile.stderr).toBe(0);
    const a = JSON.parse(viaModel.stdout) as { metrics: Record<string, number>; per_keypoint: unknown; detections: number; boxes: Record<string, unknown> };
    const b = JSON.parse(viaFile.stdout) as { metrics: unknown; per_keypoint: unknown };
    expect(a.metrics).toEqual(b.metrics);
    expect(a.per_keypoint).toEqual(b.per_keypoint);
    expect(a.detections).toBe(persons.length + 1);
    expect(a.boxes).toEqual({
      source: 'detections',
      file: bboxFile,
      person_boxes: persons.length + 2,
      score_threshold: null,
      run: persons.length + 2,
      instances: persons.length + 2,
      after_oks_nms: persons.length + 1,
    });

    // --bbox-score-thr: float32 score < thr dropped, equal kept (the duplicate scores 0.2: kept, then suppressed)
    const thr = await runPosebench(['eval', '--dataset', fixture, '--model', model, '--bbox-file', bboxFile, '--bbox-score-thr', '0.2', '--format', 'json']);
    expect(thr.code, thr.stderr).toBe(0);
    expect(thr.stderr).toContain(`1 of ${persons.length + 2} person boxes score below 0.2 and are left out`);
    const t = JSON.parse(thr.stdout) as { boxes: Record<string, unknown> };
    expect(t.boxes['instances']).toBe(persons.length + 1);
    expect(t.boxes['after_oks_nms']).toBe(persons.length);
  });

  it('says in one line which boxes have no image file, and evaluates the rest', { timeout: 60_000 }, async () => {
    const copy = path.join(dir, 'coco-missing');
    cpSync(fixture, copy, { recursive: true });
    const gone = dataset.annotations.images.find((im) => im.id === first.imageId)!;
    rmSync(path.join(copy, 'images', gone.fileName));
    const r = await runPosebench(['eval', '--dataset', copy, '--model', model, '--bbox-file', bboxFile, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('without a file'));
    const onImage = dets.filter((d) => d.category_id === 1 && d.image_id === first.imageId).length;
    expect(lines).toEqual([expect.stringContaining(`${onImage} boxes on 1 images without a file`)]);
    expect(lines[0]).toContain(gone.fileName);
  });

  it('rejects malformed detection files in one line naming the file and the entry, exit non-zero', { timeout: 60_000 }, async () => {
    const good = { image_id: first.imageId, category_id: 1, bbox: [10, 10, 50, 80], score: 0.9 };
    const cases: { name: string; content: string; expect: RegExp }[] = [
      { name: 'not-a-list', content: JSON.stringify({ annotations: [] }), expect: /expected a COCO person-detection list/ },
      { name: 'negative-width', content: JSON.stringify([good, { ...good, bbox: [10, 10, -5, 20] }]), expect: /\[1\]\.bbox.*negative side/ },
      {
        name: 'unknown-image',
        content: JSON.stringify([good, good, { ...good, image_id: 4242 }]),
        expect: /\[2\]\.image_id.*image 4242 is not in the annotation file's images/,
      },
      { name: 'non-finite-score', content: JSON.stringify([{ ...good, score: 'nan' }]), expect: /\[0\]\.score.*expected a number/ },
      {
        name: 'infinite-box',
        content: '[{"image_id": 785, "category_id": 1, "bbox": [1e999, 0, 5, 5], "score": 0.5}]',
        expect: /\[0\]\.bbox.*value 0 is number Infinity/,
      },
      { name: 'short-box', content: JSON.stringify([{ ...good, bbox: [1, 2, 3] }]), expect: /\[0\]\.bbox.*expected \[x, y, width, height\]/ },
      { name: 'no-category', content: JSON.stringify([{ image_id: first.imageId, bbox: [1, 2, 3, 4], score: 1 }]), expect: /\[0\]\.category_id/ },
      { name: 'no-person', content: JSON.stringify([{ ...good, category_id: 2 }]), expect: /no person detections \(category_id 1\)/ },
      { name: 'syntax', content: '[{"image_id": 785,', expect: /malformed JSON/ },
    ];
    for (const c of cases) {
      const file = path.join(dir, `${c.name}.json`);
      writeFileSync(file, c.content);
      const r = await runPosebench(['eval', '--dataset', fixture, '--model', model, '--bbox-file', file, '--format', 'json']);
      expect(r.code, c.name).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines, `${c.name}: ${r.stderr}`).toHaveLength(1);
      expect(lines[0], c.name).toContain(file);
      expect(lines[0], c.name).toMatch(c.expect);
      expect(r.stdout, c.name).toBe('');
    }
    // --bbox-file without --model, and a bad threshold: usage errors
    const noModel = await runPosebench(['eval', '--dataset', fixture, '--predictions', bboxFile, '--bbox-file', bboxFile]);
    expect(noModel.code).not.toBe(0);
    expect(noModel.stderr).toContain('--bbox-file gives the person boxes for --model runs');
    const badThr = await runPosebench(['eval', '--dataset', fixture, '--model', model, '--bbox-file', bboxFile, '--bbox-score-thr', 'high']);
    expect(badThr.code).not.toBe(0);
    expect(badThr.stderr).toContain('--bbox-score-thr expects a number');
  });
});
