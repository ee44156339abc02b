/**
 * Heatmap heads (spec §5.3 MSRA "default", §5.4 DARK). Heatmaps are K×H×W float32, row-major;
 * any stride works (w/W = 4 for SimpleBaseline/HRNet, 1 for EfficientPose's full-size maps).
 */
import { firstArgmax } from './argmax.ts';
import type { CropTransform } from '../preprocess/crop-transform.ts';
import type { DecodedKeypoints, HeatmapRefine, MmposeVersion } from './decoder-types.ts';
import { darkRefineJoint, modulatedLogHeatmap } from './dark.ts';
import { keypointsFromGrid } from './keypoint-mapping.ts';

export interface HeatmapDecodeOptions {
  /** Default 'shift' ('quarter' is the same). */
  readonly refine?: HeatmapRefine;
  /** Border rule of the quarter shift (spec §5.3 step 2). Default '0.x'. */
  readonly mmposeVersion?: MmposeVersion;
  /** DARK kernel size, odd. Default 11 (spec §5.4). */
  readonly blurKernelSize?: number;
}

export interface HeatmapMaxima {
  /** Integer argmax per joint, −1 where maxval ≤ 0 (spec §5.3 step 1). */
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Raw peak value per joint. */
  readonly scores: Float64Array;
}

/**
 * Argmax per joint; ties go to the first index in row-major order (numpy argmax). A NaN-only or
 * all-≤0 map gives (−1, −1) with the peak (or NaN) as score.
 */
export function heatmapMaxima(heatmaps: Float32Array, joints: number, height: number, width: number): HeatmapMaxima {
  const plane = height * width;
  if (heatmaps.length < joints * plane) {
    throw new RangeError(`heatmap output has ${heatmaps.length} values, expected ${joints}×${height}×${width}`);
  }
  const xs = new Float64Array(joints);
  const ys = new Float64Array(joints);
  const scores = new Float64Array(joints);
  for (let k = 0; k < joints; k++) {
    const [best, bestValue] = firstArgmax(heatmaps, k * plane, plane);
    scores[k] = bestValue;
    if (bestValue > 0) {
      xs[k] = best % width;
      ys[k] = (best - (best % width)) / width;
    } else {
      xs[k] = -1;
      ys[k] = -1;
    }
  }
  return { xs, ys, scores };
}

/**
 * mmpose's quarter-pixel shift towards the higher neighbour, in place on `xs`/`ys` (spec §5.3 step 2).
 * 0.x shifts both axes only if 1 < px < W−1 and 1 < py < H−1; 1.x tests each axis separately
 * (x: 1 < x < W−1 and 0 < y < H; y: 1 < y < H−1 and 0 < x < W). sign(0) = 0.
 */
export function applyQuarterShift(heatmaps: Float32Array, height: number, width: number, maxima: HeatmapMaxima, version: MmposeVersion = '0.x'): void {
  const plane = height * width;
  for (let k = 0; k < maxima.xs.length; k++) {
    const px = maxima.xs[k]!;
    const py = maxima.ys[k]!;
    const row = k * plane + py * width;
    let dx = 0;
    let dy = 0;
    if (version === '0.x') {
      if (px > 1 && px < width - 1 && py > 1 && py < height - 1) {
        dx = Math.sign(heatmaps[row + px + 1]! - heatmaps[row + px - 1]!);
        dy = Math.sign(heatmaps[row + width + px]! - heatmaps[row - width + px]!);
      }
    } else {
      if (px > 1 && px < width - 1 && py > 0 && py < height) {
        dx = Math.sign(heatmaps[row + px + 1]! - heatmaps[row + px - 1]!);
      }
      if (py > 1 && py < height - 1 && px > 0 && px < width) {
        dy = Math.sign(heatmaps[row + width + px]! - heatmaps[row - width + px]!);
      }
    }
    // A NaN difference gives NaN, as numpy's sign would; keep the point instead.
    maxima.xs[k] = px + 0.25 * (Number.isNaN(dx) ? 0 : dx);
    maxima.ys[k] = py + 0.25 * (Number.isNaN(dy) ? 0 : dy);
  }
}

/** Decodes K×H×W heatmaps to image pixels: argmax, refinement, x_img = cx − S/2 + px·S/W (spec §5.3). */
export function decodeHeatmaps(
  heatmaps: Float32Array,
  joints: number,
  height: number,
  width: number,
  transform: CropTransform,
  options: HeatmapDecodeOptions = {},
): DecodedKeypoints {
  const maxima = heatmapMaxima(heatmaps, joints, height, width);
  const refine = options.refine ?? 'shift';
  if (refine === 'shift' || refine === 'quarter') {
    applyQuarterShift(heatmaps, height, width, maxima, options.mmposeVersion ?? '0.x');
  } else if (refine === 'dark') {
    const kernel = options.blurKernelSize ?? 11;
    const plane = height * width;
    for (let k = 0; k < joints; k++) {
      // spec §5.4 step 3 only refines 1 < px < W−2, 1 < py < H−2; skip the blur when it cannot apply.
      const px = maxima.xs[k]!;
      const py = maxima.ys[k]!;
      if (!(px > 1 && px < width - 2 && py > 1 && py < height - 2)) continue;
      const logMap = modulatedLogHeatmap(heatmaps.subarray(k * plane, (k + 1) * plane), height, width, kernel);
      const [x, y] = darkRefineJoint(logMap, height, width, px, py);
      maxima.xs[k] = x;
      maxima.ys[k] = y;
    }
  } else if (refine !== 'none') {
    throw new RangeError(`unknown heatmap refinement "${String(refine)}"`);
  }
  return keypointsFromGrid(maxima.xs, maxima.ys, maxima.scores, width, height, transform);
}
