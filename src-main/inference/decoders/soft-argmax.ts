/**
 * Integral regression / soft-argmax (spec §5.7; mmpose 1.x `IntegralRegressionHead`, `DSNTHead`):
 * p = softmax over H·W of β·logits; x_norm = Σ p·x/W, y_norm = Σ p·y/H; optional debias; score 1.
 */
import type { CropTransform } from '../preprocess/crop-transform.ts';
import type { DecodedKeypoints } from './decoder-types.ts';
import { keypointsFromGrid } from './keypoint-mapping.ts';

export interface SoftArgmaxOptions {
  /** Temperature β (default 1; mmpose's `debias` configs use 10). */
  readonly beta?: number;
  /** C/(C−1)·(x − 1/(2C)) with C = Σ exp(logits), without β (spec §5.7). Default false. */
  readonly debias?: boolean;
}

/** K×H×W logits → K×2 normalised (x_norm, y_norm) in [0, (W−1)/W] (float64, stable softmax). */
export function softArgmaxNormalized(logits: Float32Array, joints: number, height: number, width: number, options: SoftArgmaxOptions = {}): Float64Array {
  const plane = height * width;
  if (logits.length < joints * plane) {
    throw new RangeError(`soft-argmax output has ${logits.length} values, expected ${joints}×${height}×${width}`);
  }
  const beta = options.beta ?? 1;
  if (!(beta > 0 && Number.isFinite(beta))) throw new RangeError(`soft-argmax beta must be positive, got ${beta}`);
  const out = new Float64Array(joints * 2);
  for (let k = 0; k < joints; k++) {
    const base = k * plane;
    let max = -Infinity;
    for (let i = 0; i < plane; i++) if (logits[base + i]! > max) max = logits[base + i]!;
    let sum = 0;
    let sumX = 0;
    let sumY = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const e = Math.exp(beta * (logits[base + y * width + x]! - max));
        sum += e;
        sumX += e * x;
        sumY += e * y;
      }
    }
    let xNorm = sumX / sum / width;
    let yNorm = sumY / sum / height;
    if (options.debias) {
      // C = Σ exp(logits) = exp(max)·Σ exp(logits − max); use 1/C to stay finite for large logits.
      let sumRaw = 0;
      for (let i = 0; i < plane; i++) sumRaw += Math.exp(logits[base + i]! - max);
      const inverseC = Math.exp(-max) / sumRaw; // 1/C
      // C/(C−1) = 1/(1 − 1/C)
      const gain = 1 / (1 - inverseC);
      xNorm = gain * (xNorm - inverseC / 2);
      yNorm = gain * (yNorm - inverseC / 2);
    }
    out[2 * k] = xNorm;
    out[2 * k + 1] = yNorm;
  }
  return out;
}

/** Decodes K×H×W logits: x_in = x_norm·w, then §5.0. Score 1.0 (spec §5.7). */
export function decodeSoftArgmax(
  logits: Float32Array,
  joints: number,
  height: number,
  width: number,
  transform: CropTransform,
  options: SoftArgmaxOptions = {},
): DecodedKeypoints {
  const normalized = softArgmaxNormalized(logits, joints, height, width, options);
  const xs = new Float64Array(joints);
  const ys = new Float64Array(joints);
  for (let k = 0; k < joints; k++) {
    xs[k] = normalized[2 * k]!;
    ys[k] = normalized[2 * k + 1]!;
  }
  return keypointsFromGrid(xs, ys, new Float64Array(joints).fill(1), 1, 1, transform);
}
