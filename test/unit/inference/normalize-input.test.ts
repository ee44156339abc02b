import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AffineMatrix } from '../../../src-main/inference/preprocess/crop-transform.ts';
import { IMAGENET_RGB, toNchwFloat32 } from '../../../src-main/inference/preprocess/normalize-input.ts';
import { warpAffineBilinear } from '../../../src-main/inference/preprocess/warp-affine.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../support/shared-fixtures.ts';
import { readFloat32File, readRgb } from './image-fixtures.ts';

skipWithoutShared('normalisation vs ../shared/fixtures/mpii-goldens tensors');

describe('toNchwFloat32 (spec §4.4)', () => {
  it('computes (x/255 − mean)/std per channel in NCHW order', () => {
    // 2×1 crop: pixel 0 = (0, 255, 51), pixel 1 = (255, 0, 102).
    const crop = Uint8Array.from([0, 255, 51, 255, 0, 102]);
    const t = toNchwFloat32(crop, 2, 1, IMAGENET_RGB);
    expect(t.length).toBe(6);
    // By hand: (0 − 0.485)/0.229 = −2.117904; (1 − 0.456)/0.224 = 2.428571; (0.2 − 0.406)/0.225 = −0.915556
    //          (1 − 0.485)/0.229 = 2.248908; (0 − 0.456)/0.224 = −2.035714; (0.4 − 0.406)/0.225 = −0.026667
    const expected = [-2.117904, 2.248908, 2.428571, -2.035714, -0.915556, -0.026667];
    expected.forEach((v, i) => expect(t[i]).toBeCloseTo(v, 5));
  });

  it('rounds like float32 torch: ((x/255)_f32 − mean_f32)_f32 / std_f32', () => {
    const crop = new Uint8Array(256 * 3);
    for (let v = 0; v < 256; v++) crop.set([v, v, v], v * 3);
    const t = toNchwFloat32(crop, 256, 1, IMAGENET_RGB);
    // v = 128, channel 0 by hand in float32: 128/255 = 0.50196081 (f32 0x3F008081),
    // − 0.485 (f32) = 0.016960800, / 0.229 (f32) = 0.074064620.
    expect(t[128]).toBeCloseTo(0.07406462, 7);
    for (let i = 0; i < t.length; i++) expect(Math.fround(t[i]!)).toBe(t[i]);
  });

  it('with color "bgr" puts blue in channel 0, and fills a given output array', () => {
    const crop = Uint8Array.from([10, 20, 30]);
    const out = new Float32Array(3).fill(Number.NaN);
    const same = toNchwFloat32(crop, 1, 1, { color: 'bgr', mean: [0, 0, 0], std: [1, 1, 1] }, out);
    expect(same).toBe(out);
    expect(Array.from(out).map((v) => Math.round(v * 255))).toEqual([30, 20, 10]);
  });

  it('rejects short buffers and zero std', () => {
    expect(() => toNchwFloat32(new Uint8Array(5), 2, 1, IMAGENET_RGB)).toThrow(/bytes/);
    expect(() => toNchwFloat32(new Uint8Array(3), 1, 1, { color: 'rgb', mean: [0, 0, 0], std: [1, 0, 1] })).toThrow(/std/);
  });

  describe.skipIf(!HAS_SHARED)('against the golden tensors (fixtures/mpii-goldens/*.f32)', () => {
    interface GoldenEntry {
      image: string;
      input_size: number;
      affine_image_to_input: number[][];
      crop_png: string;
      tensor_f32: string;
      tensor_shape: number[];
    }
    const goldens = (): GoldenEntry[] => JSON.parse(readFileSync(sharedPath('fixtures', 'mpii-goldens', 'index.json'), 'utf8'));

    it('the golden crop PNG normalises to the golden tensor bit for bit', async () => {
      for (const entry of goldens()) {
        const size = entry.input_size;
        const crop = await readRgb(sharedPath('fixtures', 'mpii-goldens', entry.crop_png));
        const expected = await readFloat32File(sharedPath('fixtures', 'mpii-goldens', entry.tensor_f32));
        expect(entry.tensor_shape).toEqual([1, 3, size, size]);
        const tensor = toNchwFloat32(crop.data, size, size, IMAGENET_RGB);
        expect(tensor.length).toBe(expected.length);
        let unequal = 0;
        for (let i = 0; i < tensor.length; i++) if (tensor[i] !== expected[i]) unequal++;
        expect(unequal).toBe(0);
      }
    });

    it('JPEG (sharp) → warp → tensor matches the golden tensor (max |Δ| reported)', async () => {
      let maxAbs = 0;
      let unequal = 0;
      let total = 0;
      for (const entry of goldens()) {
        const size = entry.input_size;
        const source = await readRgb(sharedPath('fixtures', 'mpii', 'images', entry.image));
        const M = entry.affine_image_to_input.flat() as unknown as AffineMatrix;
        const crop = warpAffineBilinear({ ...source, channels: 3 }, M, size, size);
        const tensor = toNchwFloat32(crop, size, size, IMAGENET_RGB);
        const expected = await readFloat32File(sharedPath('fixtures', 'mpii-goldens', entry.tensor_f32));
        for (let i = 0; i < tensor.length; i++) {
          const d = Math.abs(tensor[i]! - expected[i]!);
          if (d > maxAbs) maxAbs = d;
          if (d !== 0) unequal++;
        }
        total += tensor.length;
      }
      console.log(`[normalize-input] JPEG→tensor vs golden .f32: max |Δ| = ${maxAbs}, unequal ${unequal}/${total}`);
      // One grey level is 1/(255·std) ≤ 0.0175 in tensor units: allow exactly that (the warp's ±1).
      expect(maxAbs).toBeLessThanOrEqual(1 / (255 * 0.224) + 1e-6);
    });
  });
});
