import { describe, expect, it } from 'vitest';
import { MPII_FLIP_INDEX } from '../../../src-main/core/joints.ts';
import type { ModelOutputs } from '../../../src-main/inference/decoders/decoder-types.ts';
import { decodeOutputs } from '../../../src-main/inference/decoders/index.ts';
import {
  averageFloat32,
  decodeWithFlipTest,
  flipBackCoords,
  flipBackHeatmaps,
  flipBackSimcc,
  flipNchwHorizontally,
  fuseFlipTest,
} from '../../../src-main/inference/flip-test.ts';
import { cropTransformFromBox } from '../../../src-main/inference/preprocess/crop-transform.ts';

const T256 = cropTransformFromBox(128, 128, 256, { width: 256, height: 256 }); // image = input pixels
const tensor = (data: ArrayLike<number>, dims: number[]) => ({ data: Float32Array.from(data), dims });

describe('flip test helpers (spec §6)', () => {
  it('mirrors an NCHW tensor along W only', () => {
    const input = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // [1,2,2,3]
    expect(Array.from(flipNchwHorizontally(input, [1, 2, 2, 3]))).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
    expect(() => flipNchwHorizontally(input, [1, 2, 6])).toThrow(/NCHW/);
  });

  it('heatmaps: reverse W, take the flip-index channel, shift right by one keeping column 0', () => {
    const maps = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // K=2, H=1, W=4
    expect(Array.from(flipBackHeatmaps(maps, 2, 1, 4, [1, 0], true))).toEqual([8, 8, 7, 6, 4, 4, 3, 2]);
    expect(Array.from(flipBackHeatmaps(maps, 2, 1, 4, [1, 0], false))).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(Array.from(flipBackHeatmaps(maps, 2, 1, 4, [0, 1], false))).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
  });

  it('coordinates: swap joints, x′ = 1 − x, and −1/w only with shiftCoords (1.x)', () => {
    const coords = Float32Array.from([0.1, 0.2, 0.3, 0.4]);
    expect(Array.from(flipBackCoords(coords, 2, [1, 0], false, 256))).toEqual([Math.fround(0.7), Math.fround(0.4), Math.fround(0.9), Math.fround(0.2)]);
    expect(flipBackCoords(coords, 2, [1, 0], true, 256)[0]).toBe(Math.fround(Math.fround(1 - Math.fround(0.3)) - 1 / 256));
  });

  it('SimCC: x vectors swapped then reversed, y vectors swapped only', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]); // K=2, Lx=3
    const y = Float32Array.from([7, 8, 9, 10]); // K=2, Ly=2
    const back = flipBackSimcc(x, y, 2, 3, 2, [1, 0]);
    expect(Array.from(back.x)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(Array.from(back.y)).toEqual([9, 10, 7, 8]);
  });

  it('averages in float32 and validates flip indices', () => {
    expect(Array.from(averageFloat32(Float32Array.from([1, 3]), Float32Array.from([2, 5])))).toEqual([1.5, 4]);
    expect(() => flipBackCoords(new Float32Array(4), 2, [0], false, 256)).toThrow(/flip index/);
    expect(() => flipBackCoords(new Float32Array(4), 2, [0, 2], false, 256)).toThrow(/flip index/);
  });
});

describe('flip-test fusion and decoding', () => {
  it('heatmap: flip-back reverses, swaps channels and shifts; decoding runs once on the average', () => {
    const [K, H, W] = [2, 64, 64];
    const original = new Float32Array(K * H * W);
    const mirrored = new Float32Array(K * H * W);
    original[0 * H * W + 20 * W + 10] = 1; // joint 0 at (10, 20), right neighbour 0.5
    original[0 * H * W + 20 * W + 11] = 0.5;
    mirrored[1 * H * W + 20 * W + 52] = 1; // joint 0 shows as joint 1 in the mirror, at 63 − 11 = 52
    const outputs = (data: Float32Array): ModelOutputs => ({ heatmaps: tensor(data, [1, K, H, W]) });
    const fused = fuseFlipTest('heatmap', outputs(original), outputs(mirrored), 256, { flipIndex: [1, 0] });
    expect(fused.head).toBe('heatmap');
    if (fused.tensors.layout !== 'maps') throw new Error('expected maps');
    // Reverse: 52 → 11; shift: → 12. Average: 0.5 at 10, 0.25 at 11, 0.5 at 12.
    expect(fused.tensors.maps[20 * W + 10]).toBe(0.5);
    expect(fused.tensors.maps[20 * W + 11]).toBe(0.25);
    expect(fused.tensors.maps[20 * W + 12]).toBe(0.5);
    // First maximum 10, right neighbour 0.25 > left 0 → 10.25 → input x 41; score from the average.
    const decoded = decodeWithFlipTest('heatmap', outputs(original), outputs(mirrored), T256, { flipIndex: [1, 0] });
    expect(decoded.keypoints[0]).toEqual({ x: 41, y: 80, score: 0.5 });
    // Without the shift the mirrored peak lands on 11: average 0.5 at 10, 0.75 at 11 → 10.75 → 43.
    const unshifted = decodeWithFlipTest('heatmap', outputs(original), outputs(mirrored), T256, { flipIndex: [1, 0], shiftHeatmap: false });
    expect(unshifted.keypoints[0]).toEqual({ x: 43, y: 80, score: 0.75 });
  });

  it('regression: 1.x shift_coords puts x 0.5/w lower than 0.x (spec §0.7)', () => {
    // An ideal model: joint at input pixel 100 → x_norm = 100/256; on the mirror it is at 255 − 100.
    const x = 100 / 256;
    const xMirrored = (255 - 100) / 256;
    const original: ModelOutputs = { coords: tensor([x, 0.5, 0.2, 0.5], [1, 2, 2]) };
    const mirrored: ModelOutputs = { coords: tensor([0.8, 0.5, xMirrored, 0.5], [1, 2, 2]) }; // joints swapped
    const v0 = decodeWithFlipTest('regression', original, mirrored, T256, { flipIndex: [1, 0], mmposeVersion: '0.x' });
    const v1 = decodeWithFlipTest('regression', original, mirrored, T256, { flipIndex: [1, 0], mmposeVersion: '1.x' });
    expect(v1.keypoints[0]!.x).toBeCloseTo(100, 4); // exact for pixel-centred coordinates
    expect(v0.keypoints[0]!.x).toBeCloseTo(100.5, 4);
    expect(v0.keypoints[0]!.x - v1.keypoints[0]!.x).toBeCloseTo(0.5, 4);
    expect(v0.keypoints[0]!.score).toBe(1);
  });

  it('RLE: σ gets its sigmoid before averaging and the score comes from the average', () => {
    const original: ModelOutputs = { coords_sigma: tensor([0.5, 0.5, 0, 0], [1, 1, 4]) }; // σ = 0.5
    const mirrored: ModelOutputs = { coords_sigma: tensor([0.5, 0.5, Math.log(3), Math.log(3)], [1, 1, 4]) }; // σ = 0.75
    const out = decodeWithFlipTest('regression+sigma', original, mirrored, T256, { flipIndex: [0] });
    expect(out.keypoints[0]!.score).toBeCloseTo(1 - 0.625, 6); // not 1 − sigmoid(mean logit) = 0.366
    expect(Array.from(out.sigma!)).toEqual([expect.closeTo(0.625, 6), expect.closeTo(0.625, 6)]);
    const probabilities = decodeWithFlipTest(
      'regression+sigma',
      { coords_sigma: tensor([0.5, 0.5, 0.2, 0.2], [1, 1, 4]) },
      { coords_sigma: tensor([0.5, 0.5, 0.4, 0.4], [1, 1, 4]) },
      T256,
      { flipIndex: [0], sigmaIsLogit: false },
    );
    expect(probabilities.keypoints[0]!.score).toBeCloseTo(0.7, 6);
  });

  it('SimCC: decoded once on the averaged vectors, score from the average', () => {
    const L = 512;
    const make = (ix: number, iy: number, v: number) => {
      const x = new Float32Array(L);
      const y = new Float32Array(L);
      x[ix] = v;
      y[iy] = v;
      return { simcc_x: tensor(x, [1, 1, L]), simcc_y: tensor(y, [1, 1, L]) };
    };
    // Mirror of bin 200 is bin 311 (reversal i → L−1−i).
    const out = decodeWithFlipTest('simcc', make(200, 50, 0.8), make(311, 50, 0.4), T256, { flipIndex: [0] });
    expect(out.inputKeypoints[0]).toMatchObject({ x: 100, y: 25 });
    expect(out.keypoints[0]!.score).toBeCloseTo(0.6, 6);
  });

  it('soft-argmax logits are integrated first, then flipped as coordinates', () => {
    const [H, W] = [4, 4];
    const original = new Float32Array(H * W).fill(-1e4);
    const mirrored = new Float32Array(H * W).fill(-1e4);
    original[1 * W + 1] = 0; // x_norm = 1/4
    mirrored[1 * W + 2] = 0; // x_norm = 2/4 → flipped 1 − 0.5 = 0.5 (0.x, no shift)
    const outputs = (d: Float32Array): ModelOutputs => ({ logits: tensor(d, [1, 1, H, W]) });
    const fused = fuseFlipTest('soft-argmax', outputs(original), outputs(mirrored), 256, { flipIndex: [0] });
    expect(fused.head).toBe('regression');
    const out = decodeWithFlipTest('soft-argmax', outputs(original), outputs(mirrored), T256, { flipIndex: [0] });
    expect(out.inputKeypoints[0]!.x).toBeCloseTo(((0.25 + 0.5) / 2) * 256, 6);
    expect(out.inputKeypoints[0]!.y).toBeCloseTo(0.25 * 256, 6);
  });

  it('with the MPII flip index and a mirror-consistent model, the flip test agrees with plain decoding', () => {
    // 16 joints regressed at pixel-centred positions; the "mirrored" output is what an exact model gives.
    const K = 16;
    const xs = Array.from({ length: K }, (_, j) => (20 + 13 * j) / 256);
    const ys = Array.from({ length: K }, (_, j) => (30 + 7 * j) / 256);
    const original = new Float32Array(K * 2);
    const mirrored = new Float32Array(K * 2);
    for (let j = 0; j < K; j++) {
      original.set([xs[j]!, ys[j]!], 2 * j);
      const source = MPII_FLIP_INDEX[j]!; // mirrored joint j is original joint flipIndex[j]
      mirrored.set([(255 - xs[source]! * 256) / 256, ys[source]!], 2 * j);
    }
    const plain = decodeOutputs('regression', { coords: tensor(original, [1, K, 2]) }, T256);
    const flipped = decodeWithFlipTest('regression', { coords: tensor(original, [1, K, 2]) }, { coords: tensor(mirrored, [1, K, 2]) }, T256, {
      flipIndex: MPII_FLIP_INDEX,
      mmposeVersion: '1.x',
    });
    for (let j = 0; j < K; j++) {
      expect(flipped.keypoints[j]!.x).toBeCloseTo(plain.keypoints[j]!.x, 3);
      expect(flipped.keypoints[j]!.y).toBeCloseTo(plain.keypoints[j]!.y, 4);
    }
  });

  it('rejects mismatched original/mirrored outputs', () => {
    expect(() =>
      fuseFlipTest('regression', { coords: tensor([0, 0], [1, 1, 2]) }, { coords: tensor([0, 0, 0, 0], [1, 2, 2]) }, 256, { flipIndex: [0] }),
    ).toThrow(/shapes/);
  });
});
