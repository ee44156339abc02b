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
import { COCO17_JOINT_NAMES } from '../../src-main/core/joints.ts';
import { detectCocoDataset, openCocoDataset } from '../../src-main/datasets/coco-dataset.ts';
import { encodeOnnxModel } from '../../src-main/demo/onnx-writer.ts';
import { cocoBoxCropTransform } from '../../src-main/inference/preprocess/coco-box.ts';
import { gridToImage } from '../../src-main/inference/preprocess/crop-transform.ts';
import { rescore, runCocoModel } from '../../src-main/workbench/coco-model-run.ts';
import { runPosebench } from '../support/run-cli.ts';
import { HAS_SHARED, sharedPath } from '../support/shared-fixtures.ts';

if (!HAS_SHARED) console.warn('[skip] eval --model on the COCO fixture: ../shared is absent (it holds the 4 COCO images)');

const K = COCO17_JOINT_NAMES.length;
const W = 192,
  H = 256;
const COORDS = Array.from({ length: K }, (_, k) => [k / K + 0.02, 0.5]).flat();

function writeConstantModel(dir: string): string {
  const file = path.join(dir, 'constant_coco17.onnx');
  writeFileSync(
    file,
    encodeOnnxModel({
      name: 'constant_coco17',
      nodes: [{ opType: 'Identity', inputs: ['constant_coords'], outputs: ['coords'] }],
      initializers: [{ name: 'constant_coords', dims: [1, K, 2], type: 'float', data: COORDS }],
      inputs: [{ name: 'input', shape: [1, 3, H, W] }],
      outputs: [{ name: 'coords', shape: [1, K, 2] }],
    }),
  );
  writeFileSync(
    file.replace(/\.onnx$/, '.json'),
    JSON.stringify({ keypoints: COCO17_JOINT_NAMES, head: 'regression', input: { color: 'rgb', width: W, height: H } }),
  );
  return file;
}

describe.skipIf(!HAS_SHARED)('eval --model on a COCO folder (top-down with GT boxes)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'posebench-coco-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fixture = sharedPath('fixtures', 'coco');

  it("puts each keypoint where mmpose's crop maps the model's output, rescored as mmpose does", { timeout: 60_000 }, async () => {
    const model = writeConstantModel(dir);
    const dataset = openCocoDataset(detectCocoDataset(fixture)!);
    const run = await runCocoModel(dataset, model);
    expect(run.failed).toEqual([]);
    const persons = dataset.annotations.annotations.filter((a) => !a.iscrowd && a.numKeypoints > 0);
    expect(run.results.length).toBe(persons.length);
    // run order: images as listed, each image's persons in file order
    const ordered = dataset.annotations.images.flatMap((image) => persons.filter((p) => p.imageId === image.id).map((person) => ({ person, image })));
    run.results.forEach((result, i) => {
      const { person, image } = ordered[i]!;
      expect(result.imageId).toBe(image.id);
      const transform = cocoBoxCropTransform(person.bbox, image.width!, image.height!, { width: W, height: H });
      expect(result.score).toBe(rescore(new Array<number>(K).fill(1), 1));
      for (let k = 0; k < K; k++) {
        const [x, y] = gridToImage(transform, Math.fround(COORDS[2 * k]!), Math.fround(COORDS[2 * k + 1]!), 1, 1);
        expect(result.keypoints[3 * k]).toBeCloseTo(x, 6);
        expect(result.keypoints[3 * k + 1]).toBeCloseTo(y, 6);
      }
    });

    // the CLI's report equals the one of the same results given as a file
    const resultsFile = path.join(dir, 'model-results.json');
    writeFileSync(resultsFile, JSON.stringify(run.results.map((r) => ({ image_id: r.imageId, category_id: 1, keypoints: r.keypoints, score: r.score }))));
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
