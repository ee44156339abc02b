/**
 * Coordinate-regression heads (spec §5.1 DeepPose, §5.2 RLE).
 * Coordinates are normalised to the input size: x_in = x_norm·w, then §5.0.
 */
import type { CropTransform } from '../preprocess/crop-transform.ts';
import type { DecodedKeypoints } from './decoder-types.ts';
import { keypointsFromGrid } from './keypoint-mapping.ts';

/**
 * DeepPose regression: `coords` holds K joints × `valuesPerJoint` values, (x_norm, y_norm) first.
 * Score 1.0 for every joint (spec §5.1).
 */
export function decodeRegression(coords: Float32Array, joints: number, transform: CropTransform, valuesPerJoint = 2): DecodedKeypoints {
  const { xs, ys } = splitXY(coords, joints, valuesPerJoint);
  // Normalised coordinates are positions on a 1×1 grid over the input.
  return keypointsFromGrid(xs, ys, new Float64Array(joints).fill(1), 1, 1, transform);
}

/**
 * RLE: `coords` K×2 normalised (x, y); `sigma` K×2 (σx, σy). σ = sigmoid(raw) when `sigmaIsLogit`
 * (spec §5.2: mmpose applies the sigmoid at inference); score = 1 − (σx + σy)/2.
 */
export function decodeRle(coords: Float32Array, sigma: Float32Array, joints: number, transform: CropTransform, sigmaIsLogit = true): DecodedKeypoints {
  const { xs, ys } = splitXY(coords, joints, 2);
  const sigmaOut = sigmaIsLogit ? sigmoidFloat32(sigma.subarray(0, joints * 2)) : Float32Array.from(sigma.subarray(0, joints * 2));
  const scores = new Float64Array(joints);
  for (let k = 0; k < joints; k++) {
    // mmpose: (1 - sigma).mean(-1), in float32.
    const f = Math.fround;
    scores[k] = f(f(f(1 - sigmaOut[2 * k]!) + f(1 - sigmaOut[2 * k + 1]!)) / 2);
  }
  return keypointsFromGrid(xs, ys, scores, 1, 1, transform, sigmaOut);
}

/** Element-wise logistic sigmoid, result rounded to float32 (torch `.sigmoid()` on float32). */
export function sigmoidFloat32(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = 1 / (1 + Math.exp(-values[i]!));
  return out;
}

function splitXY(coords: Float32Array, joints: number, valuesPerJoint: number): { xs: Float64Array; ys: Float64Array } {
  if (valuesPerJoint < 2 || coords.length < joints * valuesPerJoint) {
    throw new RangeError(`regression output has ${coords.length} values, expected ${joints}×${valuesPerJoint}`);
  }
  const xs = new Float64Array(joints);
  const ys = new Float64Array(joints);
  for (let k = 0; k < joints; k++) {
    xs[k] = coords[k * valuesPerJoint]!;
    ys[k] = coords[k * valuesPerJoint + 1]!;
  }
  return { xs, ys };
}
