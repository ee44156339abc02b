/**
 * DARK refinement (spec §5.4; mmpose 0.x `post_process='unbiased'`, 1.x `MSRAHeatmap(unbiased=True)`):
 * Gaussian modulation of the heatmap, log, then one Newton step with the Hessian of the log map.
 */

/**
 * cv2.getGaussianKernel(size, sigma, CV_32F): g_i ∝ exp(−i²/(2σ²)), normalised in double, then stored
 * as float32. sigma ≤ 0 means OpenCV's default 0.3·((size−1)·0.5 − 1) + 0.8 (= 2.0 for size 11).
 * OpenCV uses fixed tables for size ≤ 7 with sigma ≤ 0; those are reproduced too.
 */
export function gaussianKernel1d(size: number, sigma = 0): Float32Array {
  if (!Number.isInteger(size) || size <= 0 || size % 2 === 0) throw new RangeError(`kernel size must be odd and positive, got ${size}`);
  const fixed = SMALL_GAUSSIAN_TABLES[size];
  if (sigma <= 0 && fixed !== undefined) return Float32Array.from(fixed);
  const s = sigma > 0 ? sigma : 0.3 * ((size - 1) * 0.5 - 1) + 0.8;
  const scale2x = -0.5 / (s * s);
  const values = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = i - (size - 1) * 0.5;
    values[i] = Math.exp(scale2x * x * x);
    sum += values[i]!;
  }
  sum = 1 / sum;
  const kernel = new Float32Array(size);
  for (let i = 0; i < size; i++) kernel[i] = values[i]! * sum;
  return kernel;
}

// OpenCV small_gaussian_tab (sigma ≤ 0 and size 1, 3, 5, 7).
const SMALL_GAUSSIAN_TABLES: Readonly<Record<number, readonly number[]>> = {
  1: [1],
  3: [0.25, 0.5, 0.25],
  5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
  7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
};

/**
 * One joint's map → L = log(max(blur(map)·m0/max(blur(map)), 1e-10)) with the blur applied to the
 * map zero-padded by (k−1)/2 on every side (mmpose `_gaussian_blur` / `gaussian_blur`). Separable,
 * accumulated in double, rounded to float32 after each pass, as the float32 map is in mmpose.
 */
export function modulatedLogHeatmap(map: Float32Array, height: number, width: number, kernelSize = 11): Float32Array {
  const kernel = gaussianKernel1d(kernelSize);
  const radius = (kernelSize - 1) / 2;
  let originMax = -Infinity;
  for (let i = 0; i < height * width; i++) if (map[i]! > originMax) originMax = map[i]!;

  // Horizontal pass (zeros outside the map).
  const rows = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      const from = Math.max(-radius, -x);
      const to = Math.min(radius, width - 1 - x);
      for (let d = from; d <= to; d++) acc += kernel[d + radius]! * map[base + x + d]!;
      rows[base + x] = acc;
    }
  }
  // Vertical pass.
  const blurred = new Float32Array(height * width);
  let blurredMax = -Infinity;
  for (let y = 0; y < height; y++) {
    const from = Math.max(-radius, -y);
    const to = Math.min(radius, height - 1 - y);
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let d = from; d <= to; d++) acc += kernel[d + radius]! * rows[(y + d) * width + x]!;
      const v = Math.fround(acc);
      blurred[y * width + x] = v;
      if (v > blurredMax) blurredMax = v;
    }
  }
  // heatmap *= origin_max / max(heatmap)  (float32), then log(max(·, 1e-10)).
  const factor = Math.fround(originMax / blurredMax);
  const floor = Math.fround(1e-10);
  for (let i = 0; i < blurred.length; i++) {
    const v = Math.fround(blurred[i]! * factor);
    blurred[i] = Math.log(v > floor ? v : floor);
  }
  return blurred;
}

/**
 * Newton step on the log map at the integer peak (px, py) (spec §5.4 step 3). Only applies when
 * 1 < px < W−2 and 1 < py < H−2 and the Hessian determinant is non-zero; otherwise returns (px, py).
 */
export function darkRefineJoint(logMap: Float32Array, height: number, width: number, px: number, py: number): [number, number] {
  if (!(px > 1 && px < width - 2 && py > 1 && py < height - 2)) return [px, py];
  const at = (x: number, y: number): number => logMap[y * width + x]!;
  const center = at(px, py);
  const dx = 0.5 * (at(px + 1, py) - at(px - 1, py));
  const dy = 0.5 * (at(px, py + 1) - at(px, py - 1));
  const dxx = 0.25 * (at(px + 2, py) - 2 * center + at(px - 2, py));
  const dxy = 0.25 * (at(px + 1, py + 1) - at(px + 1, py - 1) - at(px - 1, py + 1) + at(px - 1, py - 1));
  const dyy = 0.25 * (at(px, py + 2) - 2 * center + at(px, py - 2));
  const det = dxx * dyy - dxy * dxy;
  if (det === 0 || !Number.isFinite(det)) return [px, py];
  // offset = −H⁻¹·(dx, dy), H⁻¹ = [[dyy, −dxy], [−dxy, dxx]] / det
  const offsetX = -(dyy * dx - dxy * dy) / det;
  const offsetY = -(-dxy * dx + dxx * dy) / det;
  return [px + offsetX, py + offsetY];
}
