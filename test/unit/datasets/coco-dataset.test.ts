import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COCO17_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import { detectCocoDataset, openCocoDataset, resolveCocoSigmas } from '../../../src-main/datasets/coco-dataset.ts';
import { COCO17_SIGMAS } from '../../../src-main/evaluation/coco-oks-eval.ts';

const root = mkdtempSync(path.join(tmpdir(), 'posebench-coco-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function cocoFile(keypoints: readonly string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    images: [{ id: 1, file_name: '000000000001.jpg' }, { id: 2, file_name: '000000000002.jpg' }],
    annotations: [{ id: 5, image_id: 1, category_id: 1, keypoints: keypoints.flatMap(() => [1, 1, 2]), num_keypoints: keypoints.length, area: 100, bbox: [0, 0, 10, 10], iscrowd: 0 }],
    categories: [{ id: 1, name: 'person', keypoints, ...extra }],
  });
}

function folder(name: string, files: Record<string, string>, dirs: string[] = []): string {
  const dir = path.join(root, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  for (const d of dirs) mkdirSync(path.join(dir, d), { recursive: true });
  return dir;
}

describe('detectCocoDataset', () => {
  it('finds annotations/*.json, prefers person_keypoints_val2017.json, accepts the json itself', () => {
    const dir = folder('coco', { 'annotations/person_keypoints_val2017.json': cocoFile(COCO17_JOINT_NAMES), 'annotations/captions_val2017.json': '{}' }, ['val2017']);
    expect(detectCocoDataset(dir)?.annotationFile).toBe(path.join(dir, 'annotations', 'person_keypoints_val2017.json'));
    const direct = detectCocoDataset(path.join(dir, 'annotations', 'person_keypoints_val2017.json'));
    expect(direct?.root).toBe(dir);
  });
  it('leaves MPII folders and folders without annotations alone', () => {
    expect(detectCocoDataset(folder('mpii', { 'annotations/mpii_val.json': '[]' }))).toBeNull();
    expect(detectCocoDataset(folder('hrnet', { 'annot/valid.json': '[]', 'annotations/x.json': '{}' }))).toBeNull();
    expect(detectCocoDataset(folder('empty', {}, ['images']))).toBeNull();
  });
  it('asks for the file when several jsons could be meant', () => {
    const dir = folder('several', { 'annotations/a.json': '{}', 'annotations/b.json': '{}' });
    expect(() => detectCocoDataset(dir)).toThrow(/holds 2 json files \(a\.json, b\.json\); give the annotation file itself/);
  });
});

describe('openCocoDataset', () => {
  it('takes COCO sigmas by name, finds val2017/, warns about missing images', () => {
    const dir = folder('open', { 'annotations/person_keypoints_val2017.json': cocoFile(COCO17_JOINT_NAMES), 'val2017/000000000001.jpg': 'x' });
    const opened = openCocoDataset(detectCocoDataset(dir)!);
    expect(opened.imagesDir).toBe(path.join(dir, 'val2017'));
    expect(opened.sigmaSource).toBe('coco');
    expect(Array.from(opened.sigmas)).toEqual(Array.from(COCO17_SIGMAS));
    expect(opened.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/1 of 2 images .* are not there \(first: 000000000002\.jpg\)/)]);
  });
  it('opens without an image folder (predictions only), saying so', () => {
    const dir = folder('bare', { 'annotations/k.json': cocoFile(['left_wrist', 'nose']) });
    const opened = openCocoDataset(detectCocoDataset(dir)!);
    expect(opened.imagesDir).toBeNull();
    expect(Array.from(opened.sigmas)).toEqual([COCO17_SIGMAS[9], COCO17_SIGMAS[0]]);
    expect(opened.warnings.some((w) => /no image folder/.test(w.message))).toBe(true);
  });
  it('a custom set without sigmas is one clear line asking for them; with sigmas it opens', () => {
    const dir = folder('custom', { 'annotations/k.json': cocoFile(['beak', 'left_wing', 'nose']) });
    expect(() => openCocoDataset(detectCocoDataset(dir)!)).toThrow(/k\.json \(category "person"\): keypoints "beak", "left_wing" have no published COCO sigma: add "sigmas": \[3 numbers/);
    const ok = folder('custom-ok', { 'annotations/k.json': cocoFile(['beak', 'left_wing', 'nose'], { sigmas: [0.1, 0.2, 0.3] }) });
    expect(Array.from(openCocoDataset(detectCocoDataset(ok)!).sigmas)).toEqual([0.1, 0.2, 0.3]);
  });
  it('resolveCocoSigmas prefers the file\'s own sigmas', () => {
    const own = Float64Array.from([0.5]);
    expect(resolveCocoSigmas({ id: 1, name: 'p', keypoints: ['nose'], skeleton: [], sigmas: own }, 'f').sigmas).toBe(own);
  });
});
