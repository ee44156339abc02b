/** COCO results kept in the workspace (store/coco-variants-repo.ts): a real SQLite file, packed and read back exactly. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cocoVariantKeys, listCocoVariants, putCocoVariant, readCocoVariantResults, removeCocoVariant } from '../../../src-main/store/coco-variants-repo.ts';
import { openWorkspace } from '../../../src-main/store/workspace.ts';

describe('coco_variants', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-coco-variants-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps results bit for bit (boxes or none, awkward floats), lists without reading them, replaces by name, removes', () => {
    const ws = openWorkspace(path.join(dir, 'ws.sqlite'));
    try {
      const results = [
        { imageId: 785, score: 0.1 + 0.2, keypoints: [1 / 3, 2e-300, 0.5, -0, 1e300, 0], bbox: [1.5, 2.25, 30, 40.125] },
        { imageId: 42, score: 0.9, keypoints: [Math.PI, Math.E, 1, 5, 6, 0.25] },
      ];
      const base = {
        annotationFile: '/data/coco/annotations/a.json',
        kind: 'predictions' as const,
        sourcePath: '/r.json',
        sourceSha256: 'x',
        areaFromBbox: true,
      };
      const first = putCocoVariant(ws, { ...base, name: 'a', results });
      expect(first.detections).toBe(2);
      expect(readCocoVariantResults(ws, first)).toEqual(results);
      expect(Object.is(readCocoVariantResults(ws, first)[0]!.keypoints[3], -0)).toBe(true);
      const keys = cocoVariantKeys(ws, base.annotationFile);
      const replaced = putCocoVariant(ws, { ...base, name: 'a', sourceSha256: 'y', results: results.slice(1) });
      expect(replaced.id).toBe(first.id);
      expect(readCocoVariantResults(ws, replaced)).toEqual(results.slice(1));
      expect(cocoVariantKeys(ws, base.annotationFile)).not.toBe(keys);
      putCocoVariant(ws, { ...base, name: 'empty', results: [] });
      expect(listCocoVariants(ws, base.annotationFile).map((r) => [r.name, r.detections])).toEqual([
        ['a', 1],
        ['empty', 0],
      ]);
      expect(listCocoVariants(ws, '/other.json')).toEqual([]);
      expect(removeCocoVariant(ws, first.id)).toBe(true);
      expect(() => readCocoVariantResults(ws, first)).toThrow(/no longer in the workspace/);
    } finally {
      ws.db.close();
    }
  });
});
