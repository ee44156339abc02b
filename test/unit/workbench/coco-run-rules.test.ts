/** Which GT persons a COCO model run crops (mmpose's _is_valid_instance), and how runs are kept. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OpenedCocoDataset } from '../../../src-main/datasets/coco-dataset.ts';
import { openWorkspace } from '../../../src-main/store/workspace.ts';
import { validGtInstance } from '../../../src-main/workbench/coco-model-run.ts';
import { storeCocoResults } from '../../../src-main/workbench/coco-variants.ts';

const person = (bbox: [number, number, number, number], keypoints: number[] = [10, 10, 2], extra: { iscrowd?: boolean; numKeypoints?: number } = {}) => ({
  iscrowd: extra.iscrowd ?? false,
  numKeypoints: extra.numKeypoints ?? 1,
  bbox,
  keypoints,
});
const image = { width: 100, height: 80 };

describe("mmpose's _is_valid_instance for GT-box runs", () => {
  it('keeps a box inside the image; drops crowd, no keypoints, a box clipped to nothing, keypoints all at ≤ 0', () => {
    expect(validGtInstance(person([10, 10, 20, 30]), image)).toBe(true);
    expect(validGtInstance(person([10, 10, 20, 30], [10, 10, 2], { iscrowd: true }), image)).toBe(false);
    expect(validGtInstance(person([10, 10, 20, 30], [10, 10, 2], { numKeypoints: 0 }), image)).toBe(false);
    // entirely right of the image: clipped to zero width (np.clip to img_w)
    expect(validGtInstance(person([120, 10, 20, 30]), image)).toBe(false);
    // partly outside: clipped but still positive
    expect(validGtInstance(person([90, 10, 20, 30]), image)).toBe(true);
    expect(validGtInstance(person([10, 10, 20, 30], [0, 0, 1, -5, 0, 2]), image)).toBe(false);
    // without the image size, only the box's own extent counts
    expect(validGtInstance(person([120, 10, 20, 30]), undefined)).toBe(true);
  });
});

describe('keeping COCO runs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-coco-keep-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reuses an unchanged results file, but always stores a model run (its identity does not cover the GT boxes or decoders)', () => {
    const ws = openWorkspace(path.join(dir, 'ws.sqlite'));
    try {
      const dataset = { annotationFile: '/d/annotations/a.json' } as OpenedCocoDataset;
      const results = [{ imageId: 1, keypoints: [1, 2, 0.5], score: 0.9, entry: 0 }];
      const file = { name: 'r', kind: 'predictions' as const, sourcePath: '/r.json', sha256: 'abc' };
      expect(storeCocoResults(ws, dataset, file, results, false).action).toBe('new');
      expect(storeCocoResults(ws, dataset, file, results, false).action).toBe('reused');
      const model = { name: 'm', kind: 'model' as const, sourcePath: '/m.onnx', sha256: 'def' };
      expect(storeCocoResults(ws, dataset, model, results, true).action).toBe('new');
      expect(storeCocoResults(ws, dataset, model, [{ ...results[0]!, score: 0.5 }], true).action).toBe('replaced');
    } finally {
      ws.db.close();
    }
  });
});
