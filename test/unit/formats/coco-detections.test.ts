import { describe, expect, it } from 'vitest';
import { parseCocoDetectionsFile } from '../../../src-main/formats/coco-detections.ts';

const IMAGES = new Set([1, 2]);
const parse = (entries: unknown, threshold: number | null = null) =>
  parseCocoDetectionsFile(JSON.stringify(entries), 'dets.json', IMAGES, { scoreThreshold: threshold });

describe("parseCocoDetectionsFile (mmpose's _load_detection_results)", () => {
  it('keeps category 1 in file order, the first four bbox values, and skips other categories before looking up their image', () => {
    const d = parse([
      { image_id: 2, category_id: 1, bbox: [1, 2, 3, 4, 0.9], score: 0.5 },
      { image_id: 77, category_id: 18, bbox: [0, 0, 1, 1], score: 0.9 },
      { image_id: 1, category_id: 1, bbox: [5, 6, 0, 8], score: 0 },
    ]);
    expect(d.boxes).toEqual([
      { imageId: 2, bbox: [1, 2, 3, 4], score: 0.5, entry: 0 },
      { imageId: 1, bbox: [5, 6, 0, 8], score: 0, entry: 2 },
    ]);
    expect([d.personBoxes, d.otherCategories, d.belowThreshold]).toEqual([2, 1, 0]);
    expect(d.warnings.map((w) => w.message)).toEqual(['dets.json: 1 detections of other categories than person (1) are left out']);
  });
  it('drops float32 scores below the threshold and keeps equal ones (filter_data: bbox_score < thr)', () => {
    const entries = [0.3, 0.29999999999, 0.2999999, -0.1].map((score) => ({ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score }));
    // 0.29999999999 (below 0.3 in float64) is float32(0.3), kept; 0.2999999 is below it
    expect(parse(entries, 0.3).boxes.map((b) => b.entry)).toEqual([0, 1]);
    // no threshold (mmpose 1.x default): every box, even negative scores
    expect(parse(entries).boxes).toHaveLength(4);
    expect(parse(entries, 0).boxes.map((b) => b.entry)).toEqual([0, 1, 2]);
  });
  it('names the entry of a malformed box', () => {
    expect(() => parse([{ image_id: 1, category_id: 1, bbox: [0, 0, 1, -1], score: 1 }])).toThrow(/dets\.json \(\[0\]\.bbox\): width 1 × height -1/);
    expect(() => parse([{ image_id: 3, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }])).toThrow(/\[0\]\.image_id\): image 3 is not in/);
    expect(() => parse([{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: null }])).toThrow(/\[0\]\.score\): expected a number, got null/);
    expect(() => parse([])).toThrow(/no person detections/);
  });
});
