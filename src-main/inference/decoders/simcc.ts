/**
 * SimCC / SimDR (spec §5.6; mmpose 1.x `SimCCLabel.decode` / `get_simcc_maximum`): one classification
 * vector per axis and joint, `splitRatio` bins per input pixel.
 */
import { firstArgmax } from './argmax.ts';
import type { CropTransform } from '../preprocess/crop-transform.ts';
import type { DecodedKeypoints } from './decoder-types.ts';
import { keypointsFromGrid } from './keypoint-mapping.ts';

export interface SimccDecodeOptions {
  /** Bins per input pixel on both axes (mmpose `simcc_split_ratio`). Default: Lx/w and Ly/h. */
  readonly splitRatio?: number;
  /** Extra per-joint output (e.g. σ), passed through untouched as `sigma`. */
  readonly sigma?: Float32Array;
}

/**
 * `simccX` is K×Lx, `simccY` K×Ly. ix, iy = first argmax; score = min(max x, max y) on the raw values
 * (no softmax); score ≤ 0 → ix = iy = −1 (then x_in = −1/ratio). x_in = ix/ratio, then §5.0.
 */
export function decodeSimcc(
  simccX: Float32Array,
  simccY: Float32Array,
  joints: number,
  lengthX: number,
  lengthY: number,
  transform: CropTransform,
  options: SimccDecodeOptions = {},
): DecodedKeypoints {
  if (simccX.length < joints * lengthX || simccY.length < joints * lengthY) {
    throw new RangeError(`SimCC outputs have ${simccX.length}/${simccY.length} values, expected ${joints}×${lengthX} and ${joints}×${lengthY}`);
  }
  const ratioX = options.splitRatio ?? lengthX / transform.inputWidth;
  const ratioY = options.splitRatio ?? lengthY / transform.inputHeight;
  if (!(ratioX > 0 && ratioY > 0 && Number.isFinite(ratioX) && Number.isFinite(ratioY))) {
    throw new RangeError(`SimCC split ratio must be positive, got ${ratioX}/${ratioY}`);
  }
  const xs = new Float64Array(joints);
  const ys = new Float64Array(joints);
  const scores = new Float64Array(joints);
  for (let k = 0; k < joints; k++) {
    const [ix, maxX] = firstArgmax(simccX, k * lengthX, lengthX);
    const [iy, maxY] = firstArgmax(simccY, k * lengthY, lengthY);
    // mmpose: mask = max_x > max_y; max_x[mask] = max_y[mask]  →  min, NaN-propagating like numpy.
    const score = maxX > maxY ? maxY : maxX;
    scores[k] = score;
    const missing = !(score > 0);
    // Positions in input pixels (grid = input size).
    xs[k] = (missing ? -1 : ix) / ratioX;
    ys[k] = (missing ? -1 : iy) / ratioY;
  }
  return keypointsFromGrid(xs, ys, scores, transform.inputWidth, transform.inputHeight, transform, options.sigma);
}
