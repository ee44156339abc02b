import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cropTransformFromBox,
  getAffineTransformLikeOpenCv,
  gridToImage,
  imageToInputPoint,
  mpiiCropTransform,
} from '../../../src-main/inference/preprocess/crop-transform.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../support/shared-fixtures.ts';

skipWithoutShared('crop transform vs ../shared/fixtures/mpii-goldens');

interface GoldenEntry {
  entry: number;
  image: string;
  input_size: number;
  affine_image_to_input: [[number, number, number], [number, number, number]];
}
interface JsonPerson {
  center: [number, number];
  scale: number;
}

describe('mpiiCropTransform (spec §4.1–4.2)', () => {
  it('builds centre (cx, cy + 15s), side 1.25·200·s and M = [[k,0,w/2−k·cx],[0,k,h/2−k·cy]]', () => {
    // Worked by hand: 0-based centre (100, 50), s = 1 → cy = 65, S = 250, k = 256/250 = 1.024.
    const t = mpiiCropTransform({ center: [100, 50], scale: 1 }, { width: 256, height: 256 });
    expect(t.cx).toBe(100);
    expect(t.cy).toBe(65);
    expect(t.side).toBe(250);
    expect(t.sideX).toBe(250);
    expect(t.sideY).toBe(250);
    const [a, b, c, d, e, f] = t.imageToInput;
    expect(a).toBeCloseTo(1.024, 12);
    expect(b + 0).toBe(0); // −0 from the LU solve
    expect(c).toBeCloseTo(128 - 102.4, 10); // 25.6
    expect(d + 0).toBe(0);
    expect(e).toBeCloseTo(1.024, 12);
    expect(f).toBeCloseTo(128 - 66.56, 10); // 61.44
    // The crop's left/top edge maps to 0, its centre to w/2, its right edge to w (spec §4.2).
    expect(imageToInputPoint(t, 100 - 125, 65 - 125)[0]).toBeCloseTo(0, 10);
    expect(imageToInputPoint(t, 100 - 125, 65 - 125)[1]).toBeCloseTo(0, 10);
    expect(imageToInputPoint(t, 100, 65)[0]).toBeCloseTo(128, 10);
    expect(imageToInputPoint(t, 225, 190)[0]).toBeCloseTo(256, 10);
  });

  it('rounds centre and scale through float32 like mmpose 0.x arrays, or keeps float64', () => {
    // s = 3.248877 (an MPII val scale) is not a float32 value. By hand: 250·s = 812.21925 in double;
    // fround(fround(fround(s)·1.25)·200) = 812.21923828125; cy = 402 + 15·s = 450.733155 (double).
    const person = { center: [808, 402] as [number, number], scale: 3.248877 };
    const t32 = mpiiCropTransform(person, { width: 256, height: 256 });
    const t64 = mpiiCropTransform(person, { width: 256, height: 256 }, { precision: 'float64' });
    expect(t64.side).toBe(812.21925);
    expect(t64.cy).toBeCloseTo(450.733155, 9);
    expect(t32.side).toBe(812.21923828125);
    expect(Math.fround(t32.cy)).toBe(t32.cy);
    expect(t32.cy).not.toBe(t64.cy);
    expect(Math.abs(t32.cy - 450.733155)).toBeLessThan(3e-5);
    expect(t32.cx).toBe(808);
  });

  it('solves point pairs like cv2.getAffineTransform', () => {
    // (0,0)→(2,3), (1,0)→(4,3), (0,1)→(2,5): x' = 2x + 2, y' = 2y + 3.
    const m = getAffineTransformLikeOpenCv(
      [
        [0, 0],
        [1, 0],
        [0, 1],
      ],
      [
        [2, 3],
        [4, 3],
        [2, 5],
      ],
    );
    expect(m.map((v) => v + 0)).toEqual([2, 0, 2, 0, 2, 3]);
    // A shear: (0,0)→(0,0), (1,0)→(1,1), (0,1)→(3,2): x' = x + 3y, y' = x + 2y.
    const shear = getAffineTransformLikeOpenCv(
      [
        [0, 0],
        [1, 0],
        [0, 1],
      ],
      [
        [0, 0],
        [1, 1],
        [3, 2],
      ],
    );
    expect(shear.map((v) => v + 0)).toEqual([1, 3, 0, 1, 2, 0]);
    expect(() =>
      getAffineTransformLikeOpenCv(
        [
          [0, 0],
          [1, 1],
          [2, 2],
        ],
        [
          [0, 0],
          [1, 0],
          [0, 1],
        ],
      ),
    ).toThrow(/degenerate/);
  });

  it('skips the +15s when the centre is missing (json [-1,-1] → 0-based (−2,−2))', () => {
    const t = mpiiCropTransform({ center: null, scale: 2 }, { width: 256, height: 256 });
    expect(t.cx).toBe(-2);
    expect(t.cy).toBe(-2);
    expect(t.side).toBe(500);
  });

  it('inputToImage is the exact inverse of imageToInput (spec §5.0)', () => {
    const t = mpiiCropTransform({ center: [812.5, 403.25], scale: 3.248877 }, { width: 256, height: 256 });
    for (const [x, y] of [
      [0, 0],
      [255, 255],
      [17.25, 200.75],
      [-3, 300],
    ] as const) {
      const [ix, iy] = gridToImage(t, x, y);
      const m = t.inputToImage;
      expect(m[0] * x + m[1] * y + m[2]).toBeCloseTo(ix, 9);
      expect(m[3] * x + m[4] * y + m[5]).toBeCloseTo(iy, 9);
      const [bx, by] = imageToInputPoint(t, ix, iy);
      expect(bx).toBeCloseTo(x, 9);
      expect(by).toBeCloseTo(y, 9);
    }
    // A heatmap cell maps with stride w/W: cell 16 of a 64-wide map is input pixel 64.
    expect(gridToImage(t, 16, 16, 64, 64)[0]).toBeCloseTo(gridToImage(t, 64, 64)[0], 9);
  });

  it('widens the short side for non-square inputs (mmpose 1.x _fix_aspect_ratio)', () => {
    const t = cropTransformFromBox(0, 0, 200, { width: 192, height: 256 });
    expect(t.sideX).toBe(200);
    expect(t.sideY).toBeCloseTo((200 * 256) / 192, 10);
    expect(t.imageToInput[0]).toBeCloseTo(t.imageToInput[4], 12); // still isotropic
  });

  it('rejects bad scales, centres and input sizes', () => {
    expect(() => mpiiCropTransform({ center: [1, 1], scale: 0 }, { width: 256, height: 256 })).toThrow(/scale/);
    expect(() => mpiiCropTransform({ center: [1, 1], scale: Number.NaN }, { width: 256, height: 256 })).toThrow(/scale/);
    expect(() => mpiiCropTransform({ center: [Number.NaN, 1], scale: 1 }, { width: 256, height: 256 })).toThrow(/centre/);
    expect(() => mpiiCropTransform({ center: [1, 1], scale: 1 }, { width: 0, height: 256 })).toThrow(/input size/);
  });

  describe.skipIf(!HAS_SHARED)('against the golden affines (fixtures/mpii-goldens/index.json)', () => {
    const golden = (): GoldenEntry[] => JSON.parse(readFileSync(sharedPath('fixtures', 'mpii-goldens', 'index.json'), 'utf8'));
    const persons = (): JsonPerson[] => JSON.parse(readFileSync(sharedPath('fixtures', 'mpii', 'annotations', 'mpii_val.json'), 'utf8'));

    it('reproduces every golden matrix bit for bit from the golden convention (float32 s, float64 centre)', () => {
      // The goldens were made with s rounded to float32 and the centre kept in double:
      // cx = x − 1, cy = y + 15·s32 − 1, S = 250·s32. Feeding those to the §4.2 formula gives them exactly.
      const entries = golden();
      expect(entries.map((e) => e.input_size).sort()).toEqual([224, 224, 224, 224, 224, 256, 256, 256, 256, 256]);
      for (const entry of entries) {
        const person = persons()[entry.entry]!;
        const s32 = Math.fround(person.scale);
        const t = cropTransformFromBox(person.center[0] - 1, person.center[1] + 15 * s32 - 1, 250 * s32, {
          width: entry.input_size,
          height: entry.input_size,
        });
        expect(t.imageToInput).toEqual(entry.affine_image_to_input.flat());
      }
    });

    it('mpiiCropTransform (float32 mmpose chain) is within float32 rounding of every golden matrix', () => {
      let worstTranslation = 0;
      let worstScaleRel = 0;
      for (const entry of golden()) {
        const person = persons()[entry.entry]!;
        const size = entry.input_size;
        const t = mpiiCropTransform({ center: [person.center[0] - 1, person.center[1] - 1], scale: person.scale }, { width: size, height: size });
        const g = entry.affine_image_to_input.flat();
        worstScaleRel = Math.max(worstScaleRel, Math.abs(t.imageToInput[0] / g[0]! - 1), Math.abs(t.imageToInput[4] / g[4]! - 1));
        worstTranslation = Math.max(worstTranslation, Math.abs(t.imageToInput[2] - g[2]!), Math.abs(t.imageToInput[5] - g[5]!));
        expect(Math.abs(t.imageToInput[1])).toBeLessThan(1e-15); // LU round-off, as in OpenCV
        expect(Math.abs(t.imageToInput[3])).toBeLessThan(1e-15);
      }
      console.log(
        `[crop-transform] float32 chain vs goldens: max |Δk|/k = ${worstScaleRel.toExponential(2)}, max |Δt| = ${worstTranslation.toExponential(2)} input px`,
      );
      // float32 ulp relative 6e-8; translations ~1e2 px → a few 1e-5 px.
      expect(worstScaleRel).toBeLessThan(2e-7);
      expect(worstTranslation).toBeLessThan(5e-5);
    });
  });
});
