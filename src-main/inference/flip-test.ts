/**
 * Flip test (spec §6): the model runs on the crop and on its mirror image; the mirrored output is
 * mapped back to the original frame, the two are averaged ((a + b)·0.5 in float32) and decoding runs
 * ONCE on the average (scores come from the averaged output).
 *
 * Flip-back per head:
 * - heatmap: reverse W, take channel flipIndex[j] for joint j, then (shiftHeatmap, default true for
 *   every non-UDP MPII config) move the map right by one column, column 0 keeping its value;
 * - regression / RLE: swap joints (σ too), x' = 1 − x; mmpose 1.x additionally x' −= 1/w
 *   (`shift_coords=True`), 0.x does not (spec §0.7, §6). σ gets its sigmoid BEFORE averaging;
 * - SimCC: x vectors swap joints then reverse; y vectors swap joints only; no shift;
 * - soft-argmax (IPR, 1.x): each output is integrated to coordinates first, then flipped as 1.x
 *   regression coordinates; the average is decoded as regression.
 *
 * `flipIndex` is in the MODEL's joint order: joint j of the mirrored output is joint flipIndex[j] of
 * the original (MPII order: MPII_FLIP_INDEX in core/joints.ts).
 */
import type { CropTransform } from './preprocess/crop-transform.ts';
import { decodeHeadTensors } from './decoders/index.ts';
import type { DecodedKeypoints, DecodeOptions, HeadKind, ModelOutputs } from './decoders/decoder-types.ts';
import { sigmoidFloat32 } from './decoders/regression.ts';
import { selectHeadTensors, type HeadTensors } from './decoders/select-outputs.ts';
import { softArgmaxNormalized } from './decoders/soft-argmax.ts';

export interface FlipTestOptions extends DecodeOptions {
  /** Model-order flip index (see module comment). */
  readonly flipIndex: readonly number[];
  /** Heatmap shift after flip-back (mmpose `shift_heatmap`). Default true. */
  readonly shiftHeatmap?: boolean;
  /** Regression/IPR x −= 1/w after flip-back (1.x `shift_coords`). Default: mmposeVersion === '1.x'. */
  readonly shiftCoords?: boolean;
}

/** Mirror an NCHW float32 tensor along W (img.flip(3) / inputs.flip(-1)). */
export function flipNchwHorizontally(input: Float32Array, dims: readonly number[], out?: Float32Array): Float32Array {
  if (dims.length !== 4) throw new RangeError(`expected NCHW dims, got [${dims.join(',')}]`);
  const width = dims[3]!;
  const rows = dims[0]! * dims[1]! * dims[2]!;
  if (input.length !== rows * width) throw new RangeError(`tensor has ${input.length} values, dims say ${rows * width}`);
  const result = out ?? new Float32Array(input.length);
  if (result === input) throw new RangeError('flipNchwHorizontally cannot work in place');
  for (let r = 0, base = 0; r < rows; r++, base += width) {
    for (let x = 0, mirror = base + width - 1; x < width; x++, mirror--) result[base + x] = input[mirror]!;
  }
  return result;
}

/** Heatmaps K×H×W of the mirrored crop → original frame (spec §6 heatmap row). */
export function flipBackHeatmaps(
  maps: Float32Array,
  joints: number,
  height: number,
  width: number,
  flipIndex: readonly number[],
  shiftHeatmap = true,
): Float32Array {
  checkFlipIndex(flipIndex, joints);
  const plane = height * width;
  const out = new Float32Array(joints * plane);
  for (let j = 0; j < joints; j++) {
    const from = flipIndex[j]! * plane;
    const to = j * plane;
    for (let y = 0; y < height; y++) {
      const src = from + y * width;
      const dst = to + y * width;
      for (let x = 0; x < width; x++) out[dst + x] = maps[src + width - 1 - x]!;
      if (shiftHeatmap) {
        // hm[..., 1:] = hm[..., :-1]: move right by one, column 0 keeps its value.
        for (let x = width - 1; x >= 1; x--) out[dst + x] = out[dst + x - 1]!;
      }
    }
  }
  return out;
}

/**
 * Normalised coordinates K×2 of the mirrored crop → original frame: swap joints, x' = 1 − x
 * (float32), and x' −= 1/w when `shiftCoords` (spec §6 regression rows).
 */
export function flipBackCoords(coords: Float32Array, joints: number, flipIndex: readonly number[], shiftCoords: boolean, inputWidth: number): Float32Array {
  checkFlipIndex(flipIndex, joints);
  const f = Math.fround;
  const shift = f(1 / inputWidth);
  const out = new Float32Array(joints * 2);
  for (let j = 0; j < joints; j++) {
    const from = flipIndex[j]!;
    let x = f(1 - coords[2 * from]!);
    if (shiftCoords) x = f(x - shift);
    out[2 * j] = x;
    out[2 * j + 1] = coords[2 * from + 1]!;
  }
  return out;
}

/** Per-joint pairs (e.g. σx, σy) K×2 of the mirrored crop: swap joints only. */
export function flipBackJointPairs(values: Float32Array, joints: number, flipIndex: readonly number[]): Float32Array {
  checkFlipIndex(flipIndex, joints);
  const out = new Float32Array(joints * 2);
  for (let j = 0; j < joints; j++) {
    out[2 * j] = values[2 * flipIndex[j]!]!;
    out[2 * j + 1] = values[2 * flipIndex[j]! + 1]!;
  }
  return out;
}

/** SimCC vectors of the mirrored crop: x swapped then reversed, y swapped (spec §6, `flip_vectors`). */
export function flipBackSimcc(
  x: Float32Array,
  y: Float32Array,
  joints: number,
  lengthX: number,
  lengthY: number,
  flipIndex: readonly number[],
): { x: Float32Array; y: Float32Array } {
  checkFlipIndex(flipIndex, joints);
  const outX = new Float32Array(joints * lengthX);
  const outY = new Float32Array(joints * lengthY);
  for (let j = 0; j < joints; j++) {
    const fromX = flipIndex[j]! * lengthX;
    for (let i = 0; i < lengthX; i++) outX[j * lengthX + i] = x[fromX + lengthX - 1 - i]!;
    outY.set(y.subarray(flipIndex[j]! * lengthY, (flipIndex[j]! + 1) * lengthY), j * lengthY);
  }
  return { x: outX, y: outY };
}

/** (a + b)·0.5 element-wise in float32. */
export function averageFloat32(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length !== b.length) throw new RangeError(`cannot average ${a.length} and ${b.length} values`);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.fround(a[i]! + b[i]!) * 0.5;
  return out;
}

export interface FusedFlipTest {
  /** Head type to decode the fused tensors with (soft-argmax logits become 'regression'). */
  readonly head: HeadKind;
  readonly tensors: HeadTensors;
  /** Decode options to use on the fused tensors (σ already went through its sigmoid). */
  readonly decodeOptions: DecodeOptions;
}

/** Averages the original outputs with the flipped-back outputs of the mirrored crop (spec §6). */
export function fuseFlipTest(head: HeadKind, original: ModelOutputs, flipped: ModelOutputs, inputWidth: number, options: FlipTestOptions): FusedFlipTest {
  const batch = options.batchIndex ?? 0;
  const a = selectHeadTensors(head, original, batch);
  const b = selectHeadTensors(head, flipped, batch);
  const shiftCoords = options.shiftCoords ?? options.mmposeVersion === '1.x';
  const decodeOptions: DecodeOptions = { ...options, batchIndex: 0 };

  if (a.layout === 'maps' && b.layout === 'maps') {
    sameShape(a.joints === b.joints && a.height === b.height && a.width === b.width);
    if (head === 'soft-argmax') {
      const beta = options.softArgmaxBeta ?? 1;
      const debias = options.softArgmaxDebias ?? false;
      const coordsA = Float32Array.from(softArgmaxNormalized(a.maps, a.joints, a.height, a.width, { beta, debias }));
      const coordsB = Float32Array.from(softArgmaxNormalized(b.maps, b.joints, b.height, b.width, { beta, debias }));
      const back = flipBackCoords(coordsB, b.joints, options.flipIndex, shiftCoords, inputWidth);
      return {
        head: 'regression',
        tensors: { layout: 'coords', joints: a.joints, coords: averageFloat32(coordsA, back) },
        decodeOptions,
      };
    }
    const back = flipBackHeatmaps(b.maps, b.joints, b.height, b.width, options.flipIndex, options.shiftHeatmap ?? true);
    return {
      head,
      tensors: { layout: 'maps', joints: a.joints, height: a.height, width: a.width, maps: averageFloat32(a.maps, back) },
      decodeOptions,
    };
  }

  if (a.layout === 'coords' && b.layout === 'coords') {
    sameShape(a.joints === b.joints);
    const coords = averageFloat32(a.coords, flipBackCoords(b.coords, b.joints, options.flipIndex, shiftCoords, inputWidth));
    if (head !== 'regression+sigma') {
      return { head: head === 'soft-argmax' ? 'regression' : head, tensors: { layout: 'coords', joints: a.joints, coords }, decodeOptions };
    }
    if (!a.sigma || !b.sigma) throw new RangeError('regression+sigma needs σ values');
    // spec §5.2: σ = sigmoid(raw) on each output before averaging.
    const logit = options.sigmaIsLogit ?? true;
    const sigmaA = logit ? sigmoidFloat32(a.sigma) : a.sigma;
    const sigmaB = logit ? sigmoidFloat32(b.sigma) : b.sigma;
    const sigma = averageFloat32(sigmaA, flipBackJointPairs(sigmaB, b.joints, options.flipIndex));
    return {
      head,
      tensors: { layout: 'coords', joints: a.joints, coords, sigma },
      decodeOptions: { ...decodeOptions, sigmaIsLogit: false },
    };
  }

  if (a.layout === 'simcc' && b.layout === 'simcc') {
    sameShape(a.joints === b.joints && a.lengthX === b.lengthX && a.lengthY === b.lengthY);
    const back = flipBackSimcc(b.x, b.y, b.joints, b.lengthX, b.lengthY, options.flipIndex);
    const fused: HeadTensors = {
      layout: 'simcc',
      joints: a.joints,
      lengthX: a.lengthX,
      lengthY: a.lengthY,
      x: averageFloat32(a.x, back.x),
      y: averageFloat32(a.y, back.y),
      ...(a.sigma && b.sigma ? { sigma: averageFloat32(a.sigma, flipBackJointPairs(b.sigma, b.joints, options.flipIndex)) } : {}),
    };
    return { head, tensors: fused, decodeOptions };
  }
  throw new RangeError('original and mirrored outputs have different layouts');
}

/** Flip-test decode: fuse (spec §6), then decode once on the average. */
export function decodeWithFlipTest(
  head: HeadKind,
  original: ModelOutputs,
  flipped: ModelOutputs,
  transform: CropTransform,
  options: FlipTestOptions,
): DecodedKeypoints {
  const fused = fuseFlipTest(head, original, flipped, transform.inputWidth, options);
  return decodeHeadTensors(fused.head, fused.tensors, transform, fused.decodeOptions);
}

function checkFlipIndex(flipIndex: readonly number[], joints: number): void {
  if (flipIndex.length !== joints) throw new RangeError(`flip index has ${flipIndex.length} entries for ${joints} joints`);
  for (const j of flipIndex) {
    if (!Number.isInteger(j) || j < 0 || j >= joints) throw new RangeError(`flip index entry ${j} is not a joint index < ${joints}`);
  }
}

function sameShape(ok: boolean): void {
  if (!ok) throw new RangeError('original and mirrored outputs have different shapes');
}
