import { describe, expect, it } from 'vitest';
import { gaussianKernel1d, modulatedLogHeatmap } from '../../../src-main/inference/decoders/dark.ts';
import { DecoderShapeError, type ModelOutputs } from '../../../src-main/inference/decoders/decoder-types.ts';
import { decodeHeatmaps, heatmapMaxima } from '../../../src-main/inference/decoders/heatmap.ts';
import { decodeOutputs } from '../../../src-main/inference/decoders/index.ts';
import { decodeRegression, decodeRle } from '../../../src-main/inference/decoders/regression.ts';
import { decodeSimcc } from '../../../src-main/inference/decoders/simcc.ts';
import { decodeSoftArgmax } from '../../../src-main/inference/decoders/soft-argmax.ts';
import { cropTransformFromBox } from '../../../src-main/inference/preprocess/crop-transform.ts';

// Crop centred at (1000, 500) with side 512 on a 256 input: x_img = 744 + 2·x_in, y_img = 244 + 2·y_in.
const T256 = cropTransformFromBox(1000, 500, 512, { width: 256, height: 256 });
const toImage = (xIn: number, yIn: number) => [744 + 2 * xIn, 244 + 2 * yIn];
/** A transform whose image coordinates equal the input (= grid) coordinates. */
const identityFor = (width: number, height: number) => cropTransformFromBox(width / 2, height / 2, Math.min(width, height), { width, height });

function blob(width: number, height: number, cx: number, cy: number, sigma: number, peak = 1): Float32Array {
  const map = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) map[y * width + x] = peak * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
  }
  return map;
}

describe('regression and RLE (spec §5.1–5.2)', () => {
  it('maps normalised coordinates through the input size and the crop; score 1', () => {
    const out = decodeRegression(Float32Array.from([0.25, 0.75, 0, 1]), 2, T256);
    expect(out.inputKeypoints[0]).toEqual({ x: 64, y: 192, score: 1 });
    expect(out.keypoints[0]).toEqual({ x: 872, y: 628, score: 1 });
    expect([out.keypoints[1]!.x, out.keypoints[1]!.y]).toEqual(toImage(0, 256));
  });

  it('RLE: σ = sigmoid(raw), score = 1 − mean σ; or σ given as probabilities', () => {
    const coords = Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    // logits: (0, 0) → σ 0.5, 0.5 → score 0.5; (ln 3, −ln 3) → 0.75, 0.25 → 0.5; (2, 0) → 0.880797, 0.5 → 0.309601
    const raw = Float32Array.from([0, 0, Math.log(3), -Math.log(3), 2, 0]);
    const out = decodeRle(coords, raw, 3, T256);
    expect(out.keypoints.map((k) => k.score)).toEqual([0.5, expect.closeTo(0.5, 6), expect.closeTo(0.309601, 6)]);
    expect(Array.from(out.sigma!)).toEqual([0.5, 0.5, expect.closeTo(0.75, 6), expect.closeTo(0.25, 6), expect.closeTo(0.880797, 6), 0.5]);
    expect([out.keypoints[0]!.x, out.keypoints[0]!.y]).toEqual(toImage(128, 128));
    const probabilities = decodeRle(coords, Float32Array.from([0.2, 0.4, 0, 0, 1, 1]), 3, T256, false);
    expect(probabilities.keypoints.map((k) => k.score)).toEqual([expect.closeTo(0.7, 6), 1, 0]);
  });
});

describe('heatmap argmax + quarter shift (spec §5.3)', () => {
  const W = 64;
  const H = 64;

  it('shifts 0.25 towards the higher neighbour and maps with stride w/W', () => {
    const map = new Float32Array(W * H);
    map[20 * W + 10] = 0.9; // peak (10, 20)
    map[20 * W + 11] = 0.5; // right > left (0)
    map[19 * W + 10] = 0.2; // up 0.2 < down 0.3 → +y
    map[21 * W + 10] = 0.3;
    const out = decodeHeatmaps(map, 1, H, W, T256);
    expect(out.keypoints[0]!.score).toBe(Math.fround(0.9));
    expect(out.inputKeypoints[0]).toMatchObject({ x: 41, y: 81 }); // (10.25, 20.25)·4
    expect([out.keypoints[0]!.x, out.keypoints[0]!.y]).toEqual(toImage(41, 81));
    const none = decodeHeatmaps(map, 1, H, W, T256, { refine: 'none' });
    expect(none.inputKeypoints[0]).toMatchObject({ x: 40, y: 80 });
  });

  it('takes the first maximum in row-major order on ties; equal neighbours do not shift', () => {
    const map = new Float32Array(W * H);
    map[7 * W + 8] = 1;
    map[7 * W + 5] = 1;
    map[9 * W + 3] = 1;
    const maxima = heatmapMaxima(map, 1, H, W);
    expect([maxima.xs[0], maxima.ys[0]]).toEqual([5, 7]);
    // neighbours of (5,7) are all 0: sign(0) = 0
    expect(decodeHeatmaps(map, 1, H, W, T256).inputKeypoints[0]).toMatchObject({ x: 20, y: 28 });
  });

  it('maxval ≤ 0 gives (−1, −1) and keeps the raw peak as score', () => {
    const map = new Float32Array(W * H).fill(-0.25);
    map[100] = 0;
    const out = decodeHeatmaps(map, 1, H, W, T256);
    expect(out.inputKeypoints[0]).toEqual({ x: -4, y: -4, score: 0 });
    expect([out.keypoints[0]!.x, out.keypoints[0]!.y]).toEqual(toImage(-4, -4));
  });

  it('0.x and 1.x border rules differ next to the border (spec §5.3 step 2)', () => {
    const at = (px: number, py: number) => {
      const map = new Float32Array(W * H);
      map[py * W + px] = 1;
      if (px + 1 < W) map[py * W + px + 1] = 0.5;
      if (py + 1 < H) map[(py + 1) * W + px] = 0.5;
      const v0 = decodeHeatmaps(map, 1, H, W, T256, { mmposeVersion: '0.x' }).inputKeypoints[0]!;
      const v1 = decodeHeatmaps(map, 1, H, W, T256, { mmposeVersion: '1.x' }).inputKeypoints[0]!;
      return [v0.x / 4, v0.y / 4, v1.x / 4, v1.y / 4];
    };
    // py = 1: 0.x blocks both shifts, 1.x still shifts x.
    expect(at(10, 1)).toEqual([10, 1, 10.25, 1]);
    // px = 1: 0.x none, 1.x shifts y only.
    expect(at(1, 10)).toEqual([1, 10, 1, 10.25]);
    // py = 0: neither shifts x (1.x needs 0 < y) nor y.
    expect(at(10, 0)).toEqual([10, 0, 10, 0]);
    // Inside (2 ≤ p ≤ W−2): both shift.
    expect(at(2, 62)).toEqual([2.25, 62.25, 2.25, 62.25]);
    // px = W−1: no x shift in either; y shift in 1.x only.
    expect(at(63, 10)).toEqual([63, 10, 63, 10.25]);
  });

  it('works on full-resolution heatmaps (stride 1, EfficientPose 224)', () => {
    const t = cropTransformFromBox(100, 100, 448, { width: 224, height: 224 });
    const map = new Float32Array(224 * 224);
    map[50 * 224 + 100] = 0.7;
    map[50 * 224 + 99] = 0.6;
    const out = decodeHeatmaps(map, 1, 224, 224, t);
    expect(out.inputKeypoints[0]).toMatchObject({ x: 99.75, y: 50 });
    expect(out.keypoints[0]).toMatchObject({ x: 100 - 224 + 99.75 * 2, y: 100 - 224 + 100 });
  });
});

describe('DARK (spec §5.4)', () => {
  it('uses OpenCV kernels: σ = 2.0 for k = 11, fixed table for k = 5', () => {
    const k11 = gaussianKernel1d(11);
    const weights = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / 8)); // σ = 2
    const sum = weights.reduce((a, b) => a + b, 0);
    k11.forEach((v, i) => expect(v).toBeCloseTo(weights[i]! / sum, 7));
    expect(Array.from(gaussianKernel1d(5))).toEqual([0.0625, 0.25, 0.375, 0.25, 0.0625]);
    expect(() => gaussianKernel1d(4)).toThrow(/odd/);
  });

  it('finds a sub-pixel Gaussian centre far better than the quarter shift', () => {
    const [W, H] = [64, 48];
    const truth = [
      [20.3, 30.6],
      [40.77, 10.12],
      [9.5, 25.49],
    ] as const;
    const maps = new Float32Array(truth.length * W * H);
    truth.forEach(([x, y], k) => maps.set(blob(W, H, x, y, 2), k * W * H));
    const identity = identityFor(W, H);
    const dark = decodeHeatmaps(maps, truth.length, H, W, identity, { refine: 'dark' });
    const shift = decodeHeatmaps(maps, truth.length, H, W, identity, { refine: 'shift' });
    truth.forEach(([x, y], k) => {
      const d = dark.keypoints[k]!;
      expect(Math.abs(d.x - x)).toBeLessThan(0.02);
      expect(Math.abs(d.y - y)).toBeLessThan(0.02);
      expect(d.score).toBe(shift.keypoints[k]!.score); // score = raw peak, not the blurred one
    });
    const darkError = truth.reduce((s, [x, y], k) => s + Math.hypot(dark.keypoints[k]!.x - x, dark.keypoints[k]!.y - y), 0);
    const shiftError = truth.reduce((s, [x, y], k) => s + Math.hypot(shift.keypoints[k]!.x - x, shift.keypoints[k]!.y - y), 0);
    expect(darkError * 5).toBeLessThan(shiftError);
  });

  it('leaves peaks within 2 cells of the border and maxval ≤ 0 unrefined', () => {
    const [W, H] = [32, 32];
    const maps = new Float32Array(2 * W * H);
    maps.set(blob(W, H, 1.3, 15.2, 2), 0);
    maps.fill(-1, W * H);
    const identity = identityFor(W, H);
    const out = decodeHeatmaps(maps, 2, H, W, identity, { refine: 'dark' });
    expect([out.keypoints[0]!.x, out.keypoints[0]!.y]).toEqual([1, 15]);
    expect([out.keypoints[1]!.x, out.keypoints[1]!.y]).toEqual([-1, -1]);
  });

  it('modulation keeps the original maximum and takes logs', () => {
    const map = blob(16, 16, 7.4, 8.1, 1.5, 0.8);
    const logMap = modulatedLogHeatmap(map, 16, 16, 11);
    expect(Math.max(...Array.from(logMap))).toBeCloseTo(Math.log(Math.max(...Array.from(map))), 6);
    expect(Math.min(...Array.from(logMap))).toBeLessThan(-5); // the blurred tails, not clamped to 1e-10 here
  });
});

describe('SimCC (spec §5.6)', () => {
  it('argmax per axis, score = min of the two maxima, x_in = i/ratio (default Lx/w)', () => {
    const [K, L] = [2, 512];
    const x = new Float32Array(K * L).fill(-1);
    const y = new Float32Array(K * L).fill(-1);
    x[301] = 0.9;
    x[302] = 0.9; // tie: first index wins
    y[100] = 0.6;
    x[L + 10] = -0.2; // joint 1: max x ≤ 0 → missing
    y[L + 20] = 0.8;
    const out = decodeSimcc(x, y, K, L, L, T256);
    expect(out.inputKeypoints[0]).toEqual({ x: 150.5, y: 50, score: Math.fround(0.6) });
    expect([out.keypoints[0]!.x, out.keypoints[0]!.y]).toEqual(toImage(150.5, 50));
    expect(out.inputKeypoints[1]).toEqual({ x: -0.5, y: -0.5, score: Math.fround(-0.2) });
  });

  it('honours an explicit split ratio and passes σ through', () => {
    const L = 640;
    const x = new Float32Array(L);
    const y = new Float32Array(L);
    x[500] = 1;
    y[250] = 1;
    const sigma = Float32Array.from([3, 4]);
    const out = decodeSimcc(x, y, 1, L, L, T256, { splitRatio: 2.5, sigma });
    expect(out.inputKeypoints[0]).toMatchObject({ x: 200, y: 100, score: 1 });
    expect(Array.from(out.sigma!)).toEqual([3, 4]);
    // default ratio 640/320 for a 320 input
    const t320 = cropTransformFromBox(160, 160, 320, { width: 320, height: 320 });
    expect(decodeSimcc(x, y, 1, L, L, t320).inputKeypoints[0]).toMatchObject({ x: 250, y: 125 });
  });
});

describe('soft-argmax / IPR (spec §5.7)', () => {
  it('integrates softmax(β·logits) over the grid; uniform logits give (W−1)/(2W)', () => {
    const uniform = new Float32Array(4 * 4);
    const out = decodeSoftArgmax(uniform, 1, 4, 4, T256);
    expect(out.inputKeypoints[0]!.x).toBeCloseTo((3 / 8) * 256, 10);
    expect(out.inputKeypoints[0]!.score).toBe(1);
    // Two cells in row 0: logits 0 at x=1 and ln 3 at x=2, the rest −1e4: p ∝ 1:3 → x = 1.75/4.
    const two = new Float32Array(16).fill(-1e4);
    two[1] = 0;
    two[2] = Math.log(3);
    expect(decodeSoftArgmax(two, 1, 4, 4, T256).inputKeypoints[0]!.x).toBeCloseTo((1.75 / 4) * 256, 5);
    // β = 2: p ∝ 1:9 → x = 1.9/4
    expect(decodeSoftArgmax(two, 1, 4, 4, T256, { beta: 2 }).inputKeypoints[0]!.x).toBeCloseTo((1.9 / 4) * 256, 5);
    expect(decodeSoftArgmax(two, 1, 4, 4, T256).inputKeypoints[0]!.y).toBeCloseTo(0, 5);
  });

  it('debias: C/(C−1)·(x − 1/(2C)) with C = Σ exp(logits)', () => {
    // Uniform zeros on 4×4: C = 16, x = 3/8 → 16/15·(3/8 − 1/32) = 11/30.
    const out = decodeSoftArgmax(new Float32Array(16), 1, 4, 4, T256, { debias: true });
    expect(out.inputKeypoints[0]!.x).toBeCloseTo((11 / 30) * 256, 9);
    // C ignores β: with β = 5 uniform logits still give C = 16.
    expect(decodeSoftArgmax(new Float32Array(16), 1, 4, 4, T256, { debias: true, beta: 5 }).inputKeypoints[0]!.x).toBeCloseTo((11 / 30) * 256, 9);
  });
});

describe('decodeOutputs dispatcher', () => {
  const tensor = (data: number[], dims: number[]) => ({ data: Float32Array.from(data), dims });

  it('decodes every head type from named outputs', () => {
    expect(decodeOutputs('regression', { coords: tensor([0.25, 0.75], [1, 1, 2]) }, T256).keypoints[0]).toEqual({ x: 872, y: 628, score: 1 });
    const rle = decodeOutputs('regression+sigma', { coords_sigma: tensor([0.25, 0.75, 0, 0], [1, 1, 4]) }, T256);
    expect(rle.keypoints[0]).toEqual({ x: 872, y: 628, score: 0.5 });
    const rleSplit = decodeOutputs('regression+sigma', { sigma: tensor([0.1, 0.3], [1, 1, 2]), coords: tensor([0.25, 0.75], [1, 1, 2]) }, T256, {
      sigmaIsLogit: false,
    });
    expect(rleSplit.keypoints[0]).toEqual({ x: 872, y: 628, score: expect.closeTo(0.8, 6) });
    const hm = new Array(16).fill(0);
    hm[5] = 1; // (1, 1) on 4×4 → stride 64
    expect(decodeOutputs('heatmap', { heatmaps: tensor(hm, [1, 1, 4, 4]) }, T256, { heatmapRefine: 'none' }).inputKeypoints[0]).toMatchObject({
      x: 64,
      y: 64,
    });
    const sx = new Array(512).fill(0);
    const sy = new Array(512).fill(0);
    sx[10] = 1;
    sy[20] = 1;
    // Output order y, x in the record: names decide.
    const simcc = decodeOutputs('simcc', { simcc_y: tensor(sy, [1, 1, 512]), simcc_x: tensor(sx, [1, 1, 512]) }, T256);
    expect(simcc.inputKeypoints[0]).toMatchObject({ x: 5, y: 10 });
    const simccSigma = decodeOutputs(
      'simcc+sigma',
      { simcc_x: tensor(sx, [1, 1, 512]), simcc_y: tensor(sy, [1, 1, 512]), sigma: tensor([7, 8], [1, 1, 2]) },
      T256,
    );
    expect(Array.from(simccSigma.sigma!)).toEqual([7, 8]);
    expect(decodeOutputs('soft-argmax', { logits: tensor(new Array(16).fill(0), [1, 1, 4, 4]) }, T256).inputKeypoints[0]!.x).toBeCloseTo(96, 9);
    // In-graph soft-argmax (the IPR replica): [1,K,2] coordinates.
    expect(decodeOutputs('soft-argmax', { coords: tensor([0.5, 0.5], [1, 1, 2]) }, T256).inputKeypoints[0]).toEqual({ x: 128, y: 128, score: 1 });
  });

  it('decodes the requested batch sample', () => {
    const outputs: ModelOutputs = { coords: tensor([0, 0, 0.5, 0.25], [2, 1, 2]) };
    expect(decodeOutputs('regression', outputs, T256, { batchIndex: 1 }).inputKeypoints[0]).toMatchObject({ x: 128, y: 64 });
    expect(() => decodeOutputs('regression', outputs, T256, { batchIndex: 2 })).toThrow(DecoderShapeError);
  });

  it('explains outputs that do not fit the head', () => {
    expect(() => decodeOutputs('heatmap', { coords: tensor([0, 0], [1, 1, 2]) }, T256)).toThrow(/heatmap.*coords \[1,1,2\]/);
    expect(() => decodeOutputs('simcc', { simcc_x: tensor(new Array(8).fill(0), [1, 1, 8]) }, T256)).toThrow(DecoderShapeError);
    expect(() => decodeOutputs('regression', { coords: tensor([0, 0, 1], [1, 1, 2]) }, T256)).toThrow(/3 values/);
  });
});
