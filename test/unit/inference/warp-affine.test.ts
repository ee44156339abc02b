import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mpiiCropTransform, type AffineMatrix } from '../../../src-main/inference/preprocess/crop-transform.ts';
import { invertAffineLikeOpenCv, roundHalfEven, warpAffineBilinear } from '../../../src-main/inference/preprocess/warp-affine.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../support/shared-fixtures.ts';
import { compareBytes, readRgb } from './image-fixtures.ts';

skipWithoutShared('warp vs ../shared/fixtures/mpii-goldens crops');

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { data, width, height, channels: 3 as const };
}

const at = (crop: Uint8Array, width: number, x: number, y: number) => Array.from(crop.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));

describe('warpAffineBilinear', () => {
  it('rounds half to even like cvRound', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });

  it('inverts M as cv::warpAffine does', () => {
    const inv = invertAffineLikeOpenCv([2, 0, 10, 0, 4, -8]);
    expect(inv).toEqual([0.5, -0, -5, -0, 0.25, 2]);
  });

  it('copies the source under the identity and translates by whole pixels with a black border', () => {
    const src = image(5, 4, (x, y) => [x * 40, y * 60, 255 - x * 10]);
    expect(Array.from(warpAffineBilinear(src, [1, 0, 0, 0, 1, 0], 5, 4))).toEqual(Array.from(src.data));
    // Output (i, j) samples source (i − 2, j + 1).
    const shifted = warpAffineBilinear(src, [1, 0, 2, 0, 1, -1], 5, 4);
    expect(at(shifted, 5, 2, 0)).toEqual(at(src.data, 5, 0, 1));
    expect(at(shifted, 5, 4, 2)).toEqual(at(src.data, 5, 2, 3));
    expect(at(shifted, 5, 0, 0)).toEqual([0, 0, 0]); // left of the image
    expect(at(shifted, 5, 3, 3)).toEqual([0, 0, 0]); // below the image
  });

  it('interpolates in 1/32 px with 15-bit weights: half a pixel gives ⌊(a+b+1)/2⌋', () => {
    const src = image(2, 1, (x) => (x === 0 ? [10, 0, 255] : [21, 1, 0]));
    // Source x = 0.5 for output x = 0 (M: x_out = x_src − 0.5). Weights 16/32 each.
    const out = warpAffineBilinear(src, [1, 0, -0.5, 0, 1, 0], 1, 1);
    expect(Array.from(out)).toEqual([16, 1, 128]);
    // x_src = 0.25: (24·10 + 8·21)/32 = 12.75 → 13; (24·255)/32 = 191.25 → 191
    expect(Array.from(warpAffineBilinear(src, [1, 0, -0.25, 0, 1, 0], 1, 1))).toEqual([13, 0, 191]);
  });

  it('blends partly-outside samples with the black border', () => {
    const src = image(2, 2, () => [200, 100, 50]);
    // Output (0,0) samples source (−0.5, −0.5): only the bottom-right neighbour (weight 1/4) is inside.
    const out = warpAffineBilinear(src, [1, 0, 0.5, 0, 1, 0.5], 1, 1);
    expect(Array.from(out)).toEqual([50, 25, 13]); // 12.5 rounds up in fixed point
  });

  it('rejects short buffers and bad sizes', () => {
    const src = image(4, 4, () => [1, 2, 3]);
    expect(() => warpAffineBilinear({ ...src, data: src.data.subarray(0, 10) }, [1, 0, 0, 0, 1, 0], 4, 4)).toThrow(/bytes/);
    expect(() => warpAffineBilinear(src, [1, 0, 0, 0, 1, 0], 0, 4)).toThrow(/output size/);
  });

  describe.skipIf(!HAS_SHARED)('against the OpenCV 4.6 golden crops (fixtures/mpii-goldens)', () => {
    interface GoldenEntry {
      entry: number;
      image: string;
      input_size: number;
      affine_image_to_input: number[][];
      crop_png: string;
    }
    const goldens = (): GoldenEntry[] => JSON.parse(readFileSync(sharedPath('fixtures', 'mpii-goldens', 'index.json'), 'utf8'));
    const persons = (): { center: [number, number]; scale: number }[] =>
      JSON.parse(readFileSync(sharedPath('fixtures', 'mpii', 'annotations', 'mpii_val.json'), 'utf8'));

    it('with the golden matrices, crops from the sharp-decoded JPEG equal the PNGs within ±1 grey level', async () => {
      let worst = 0;
      let overOne = 0;
      let unequal = 0;
      let total = 0;
      for (const entry of goldens()) {
        const source = await readRgb(sharedPath('fixtures', 'mpii', 'images', entry.image));
        const expected = await readRgb(sharedPath('fixtures', 'mpii-goldens', entry.crop_png));
        const M = entry.affine_image_to_input.flat() as unknown as AffineMatrix;
        const crop = warpAffineBilinear({ ...source, channels: 3 }, M, entry.input_size, entry.input_size);
        const diff = compareBytes(crop, expected.data);
        worst = Math.max(worst, diff.maxAbs);
        overOne += diff.overOne;
        unequal += diff.unequal;
        total += diff.total;
      }
      console.log(`[warp-affine] golden crops, golden M: max |Δ| = ${worst}, values off by >1: ${overOne}/${total}, unequal: ${unequal}/${total}`);
      // sharp (libvips/libjpeg-turbo) and OpenCV (libjpeg-turbo) decode these baseline JPEGs alike,
      // so the only allowed difference is the ±1 of the warp itself.
      expect(worst).toBeLessThanOrEqual(1);
    });

    it('with mpiiCropTransform (float32 chain) the crops differ only where 1/32-px quantisation flips', async () => {
      let overOne = 0;
      let total = 0;
      let worst = 0;
      for (const entry of goldens()) {
        const person = persons()[entry.entry]!;
        const size = entry.input_size;
        const t = mpiiCropTransform({ center: [person.center[0] - 1, person.center[1] - 1], scale: person.scale }, { width: size, height: size });
        const source = await readRgb(sharedPath('fixtures', 'mpii', 'images', entry.image));
        const expected = await readRgb(sharedPath('fixtures', 'mpii-goldens', entry.crop_png));
        const diff = compareBytes(warpAffineBilinear({ ...source, channels: 3 }, t, size, size), expected.data);
        overOne += diff.overOne;
        total += diff.total;
        worst = Math.max(worst, diff.maxAbs);
      }
      console.log(
        `[warp-affine] golden crops, float32-chain M (Δt ≤ 3e-5 px): max |Δ| = ${worst}, values off by >1: ${overOne}/${total} (${((100 * overOne) / total).toFixed(4)}%)`,
      );
      // The goldens used a float64 centre; mmpose's float32 centre moves M by ≤ 3e-5 px, which moves a
      // few samples across a 1/32-px step: at hard edges that is several grey levels, but rare.
      expect(overOne / total).toBeLessThan(0.001);
    });
  });
});
