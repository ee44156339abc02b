/**
 * `posebench eval --dataset COCO_DIR --model M.onnx` through the real bin/posebench.js, on the 4
 * COCO images of ../shared/fixtures/coco, with a model written here (regression head, 17 COCO
 * keypoints, input 192×256, constant normalised outputs (k/17 + 0.02, 0.5)): every keypoint must land
 * where mmpose's box → centre/scale (padding 1.25, the input's aspect ratio) puts that input point,
 * and the report must be the one the same results give as a results file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectCocoDataset, openCocoDataset } from '../../src-main/datasets/coco-dataset.ts';
import { cocoBoxCropTransform } from '../../src-main/inference/preprocess/coco-box.ts';
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

if (!HAS_SHARED) console.warn('[skip] eval --model on the COCO fixture: ../shared is absent (it holds the 4 COCO images)');

describe.skipIf(!HAS_SHARED)('eval --model on a COCO folder (top-down with GT boxes)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'posebench-coco-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fixture = sharedPath('fixtures', 'coco');

  it("puts each keypoint where mmpose's crop maps the model's output, rescored as mmpose does", { timeout: 60_000 }, async () => {
    const model = writeConstantCocoModel(dir);
    const dataset = openCocoDataset(detectCocoDataset(fixture)!);
    const run = await runCocoModel(dataset, model);
    expect(run.failed).toEqual([]);
    const persons = dataset.annotations.annotations.filter((a) => !a.iscrowd && a.numKeypoints > 0);
    expect(run.results.length).toBe(persons.length);
    expect(run.nms).toEqual({ before: persons.length, kept: persons.length });
    // images as listed; within an image, OKS-NMS keep order (all scores equal here: later person first)
    const ordered = dataset.annotations.images.flatMap((image) =>
      persons
        .filter((p) => p.imageId === image.id)
        .reverse()
        .map((person) => ({ person, image })),
    );
    run.results.forEach((result, i) => {
      const { person, image } = ordered[i]!;
      expect(run.resultBoxes[i]).toEqual({ kind: 'gt', annotationId: person.id });
      expect(result.imageId).toBe(image.id);
      const transform = cocoBoxCropTransform(person.bbox, image.width!, image.height!, { width: W, height: H });
      expect(result.score).toBe(rescore(new Array<number>(K).fill(1), 1));
      expect(result.bbox).toEqual(mmposeResultBox(person.bbox, 'gt', image.width!, image.height!));
      for (let k = 0; k < K; k++) {
        const [x, y] = gridToImage(transform, Math.fround(COORDS[2 * k]!), Math.fround(COORDS[2 * k + 1]!), 1, 1);
        expect(result.keypoints[3 * k]).toBeCloseTo(x, 6);
        expect(result.keypoints[3 * k + 1]).toBeCloseTo(y, 6);
      }
    });

    // the CLI's report equals the one of the same results given as a file
    const resultsFile = path.join(dir, 'model-results.json');
    // with the boxes, as mmpose writes its results (pycocotools then takes the areas from them)
    writeFileSync(
      resultsFile,
      JSON.stringify(run.results.map((r) => ({ image_id: r.imageId, category_id: 1, keypoints: r.keypoints, score: r.score, bbox: r.bbox }))),
    );
    const viaModel = await runPosebench(['eval', '--dataset', fixture, '--model', model, '--format', 'json']);
    expect(viaModel.code, viaModel.stderr).toBe(0);
    const viaFile = await runPosebench(['eval', '--dataset', fixture, '--predictions', resultsFile, '--format', 'json']);
    expect(viaFile.code, viaFile.stderr).toBe(0);
    const a = JSON.parse(viaModel.stdout) as { variant: string; metrics: unknown; per_keypoint: unknown };
    const b = JSON.parse(viaFile.stdout) as { metrics: unknown; per_keypoint: unknown };
    expect(a.variant).toBe('constant_coco17');
    expect(a.metrics).toEqual(b.metrics);
    expect(a.per_keypoint).toEqual(b.per_keypoint);
    expect(readFileSync(resultsFile, 'utf8').length).toBeGreaterThan(0);
  });
});
