/**
 * mmpose's top-down MPII crop (../shared/specs/mmpose-mpii.md §4.1–4.2) and its inverse (§5.0).
 *
 * A crop is a square window of side S = 1.25·200·s image pixels centred on (cx, cy + 15s), mapped
 * isotropically onto the model input (w×h). Image coordinates are 0-based pixels, an integer being the
 * centre of a pixel (OpenCV convention; no ±0.5 anywhere in mmpose's top-down path).
 */
import { CENTER_Y_SHIFT, PIXEL_STD, TEST_PADDING } from '../../core/geometry.ts';
import type { Point2 } from '../../core/types.ts';

/** Row-major 2×3 affine [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type AffineMatrix = readonly [number, number, number, number, number, number];

export interface CropTransform {
  /** Crop centre, 0-based image pixels (the +15s already applied, spec §4.1). */
  readonly cx: number;
  readonly cy: number;
  /** Padded crop side S = 1.25·200·s in image pixels (spec §4.1). */
  readonly side: number;
  /**
   * Crop width/height in image pixels actually mapped onto the input. Equal to `side` for square
   * inputs (all MPII configs); for a non-square input the short side is widened to the input's
   * aspect ratio, as mmpose 1.x `_fix_aspect_ratio` does (spec §4.1).
   */
  readonly sideX: number;
  readonly sideY: number;
  readonly inputWidth: number;
  readonly inputHeight: number;
  /**
   * Image pixels → input pixels (what cv2.warpAffine receives, spec §4.2). From mpiiCropTransform
   * (float32) it is bit-identical to mmpose 0.x's cv2.getAffineTransform result; otherwise the
   * closed form [[k, 0, w/2 − k·cx], [0, k, h/2 − k·cy]].
   */
  readonly imageToInput: AffineMatrix;
  /** Input pixels → image pixels (spec §5.0; the exact inverse of `imageToInput`). */
  readonly inputToImage: AffineMatrix;
}

export interface CropPerson {
  /** 0-based centre = json centre − 1; `null` when the json centre is [-1, -1]. */
  readonly center: Point2 | null;
  /** json `scale` (person size / 200 px). */
  readonly scale: number;
}

export interface CropInputSize {
  readonly width: number;
  readonly height: number;
}

export interface CropTransformOptions {
  /**
   * 'float32' (default) rounds centre and scale through float32 exactly as mmpose 0.x's dataset and
   * pipeline do (its `center`/`scale` are float32 numpy arrays, spec §4.1 "Values are float32");
   * 'float64' keeps everything in double precision.
   */
  readonly precision?: 'float32' | 'float64';
}

// spec §4.1: pixel_std 200, padding ×1.25 at test time, cy + 15·s (one definition: core/geometry.ts).

export function mpiiCropTransform(person: CropPerson, input: CropInputSize, options: CropTransformOptions = {}): CropTransform {
  const { width, height } = input;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`model input size must be positive integers, got ${width}×${height}`);
  }
  const scale = person.scale;
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`person scale must be a positive finite number, got ${scale}`);
  }
  const center = person.center;
  if (center !== null && !(Number.isFinite(center[0]) && Number.isFinite(center[1]))) {
    throw new RangeError(`person centre must be finite, got [${center[0]}, ${center[1]}]`);
  }

  let cx: number;
  let cy: number;
  let side: number;
  if (options.precision === 'float64') {
    cx = center === null ? -2 : center[0];
    cy = center === null ? -2 : center[1] + CENTER_Y_SHIFT * scale;
    side = TEST_PADDING * PIXEL_STD * scale;
  } else {
    // mmpose 0.x TopDownMpiiDataset: center = float32(json); if center_x != -1: center_y += 15*scale
    // (stored in the float32 array); center -= 1 (float32). TopDownGetBboxCenterScale: scale *= 1.25 (float32);
    // get_affine_transform: scale * 200 (float32).
    const f = Math.fround;
    const scale32 = f(scale);
    if (center === null) {
      // json centre [-1,-1]: no +15s, then −1 → (−2, −2), as mmpose does (spec §4.1).
      cx = -2;
      cy = -2;
    } else {
      const jsonX = f(center[0] + 1);
      const jsonY = f(center[1] + 1);
      cx = f(jsonX - 1);
      // `15 * scale[1]` is a numpy float32 scalar times a Python int: float64 under numpy 1.x's scalar
      // promotion (mmpose 0.x era), so the sum is rounded to float32 once, on assignment.
      cy = f(f(jsonY + CENTER_Y_SHIFT * scale32) - 1);
    }
    side = f(f(scale32 * TEST_PADDING) * PIXEL_STD);
    const box = cropTransformFromBox(cx, cy, side, input);
    // The warp quantises source positions to 1/32 px and rounds half to even, and with float32
    // crop sizes exact ties are common: the last bits of M decide some pixels (up to several grey
    // levels at hard edges). So M is built exactly as mmpose does it: get_affine_transform's three
    // float32 point pairs solved by cv2.getAffineTransform (spec §4.2).
    return { ...box, imageToInput: mmposeAffineFromFloat32Box(cx, cy, f(box.sideX), width, height) };
  }
  return cropTransformFromBox(cx, cy, side, input);
}

/**
 * mmpose 0.x `get_affine_transform(center, scale, rot=0, output_size)` (1.x `get_warp_matrix` builds
 * the same pairs along x): src = (c, c + (0, −S/2), third point), dst = ((w/2, h/2), (w/2, h/2 − w/2),
 * third point), each stored as float32, then cv2.getAffineTransform in double precision.
 */
export function mmposeAffineFromFloat32Box(cx: number, cy: number, sideX: number, width: number, height: number): AffineMatrix {
  const f = Math.fround;
  const third = (a: Point2, b: Point2): Point2 => {
    const dx = f(a[0] - b[0]);
    const dy = f(a[1] - b[1]);
    return [f(b[0] - dy), f(b[1] + dx)];
  };
  const src0: Point2 = [f(cx), f(cy)];
  const src1: Point2 = [f(cx + 0), f(cy + sideX * -0.5)];
  const dst0: Point2 = [f(width * 0.5), f(height * 0.5)];
  const dst1: Point2 = [f(width * 0.5), f(height * 0.5 + width * -0.5)];
  return getAffineTransformLikeOpenCv([src0, src1, third(src0, src1)], [dst0, dst1, third(dst0, dst1)]);
}

/**
 * cv::getAffineTransform: the 6×6 system solved by OpenCV's LU with partial pivoting (hal LUImpl,
 * DECOMP_LU), operation for operation, so the matrix matches OpenCV's to the last bit.
 */
export function getAffineTransformLikeOpenCv(src: readonly [Point2, Point2, Point2], dst: readonly [Point2, Point2, Point2]): AffineMatrix {
  const n = 6;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let i = 0; i < 3; i++) {
    const j = i * 12;
    const k = i * 12 + 6;
    a[j] = a[k + 3] = src[i]![0];
    a[j + 1] = a[k + 4] = src[i]![1];
    a[j + 2] = a[k + 5] = 1;
    b[i * 2] = dst[i]![0];
    b[i * 2 + 1] = dst[i]![1];
  }
  for (let i = 0; i < n; i++) {
    let pivot = i;
    for (let j = i + 1; j < n; j++) if (Math.abs(a[j * n + i]!) > Math.abs(a[pivot * n + i]!)) pivot = j;
    if (Math.abs(a[pivot * n + i]!) < Number.EPSILON * 100) throw new RangeError('degenerate affine point pairs');
    if (pivot !== i) {
      for (let j = i; j < n; j++) {
        const t = a[i * n + j]!;
        a[i * n + j] = a[pivot * n + j]!;
        a[pivot * n + j] = t;
      }
      const t = b[i]!;
      b[i] = b[pivot]!;
      b[pivot] = t;
    }
    const d = -1 / a[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const alpha = a[j * n + i]! * d;
      for (let k = i + 1; k < n; k++) a[j * n + k] = a[j * n + k]! + alpha * a[i * n + k]!;
      b[j] = b[j]! + alpha * b[i]!;
    }
    a[i * n + i] = -d;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= a[i * n + k]! * b[k]!;
    b[i] = s * a[i * n + i]!;
  }
  return [b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!];
}

/**
 * Crop transform for an explicit centre (0-based pixels) and square side S, without MPII's +15s and
 * ×1.25 (those belong to mpiiCropTransform). Non-square inputs widen the short side (spec §4.1).
 */
export function cropTransformFromBox(cx: number, cy: number, side: number, input: CropInputSize): CropTransform {
  const { width: w, height: h } = input;
  if (!(Number.isFinite(side) && side > 0)) throw new RangeError(`crop side must be positive, got ${side}`);
  const aspect = w / h;
  const sideX = aspect > 1 ? side * aspect : side;
  const sideY = aspect < 1 ? side / aspect : side;
  // spec §4.2 (rotation 0): k = w/S_w, M = [[k, 0, w/2 − k·cx], [0, k, h/2 − k·cy]]
  const kx = w / sideX;
  const ky = h / sideY;
  const imageToInput: AffineMatrix = [kx, 0, w / 2 - kx * cx, 0, ky, h / 2 - ky * cy];
  // spec §5.0: x_img = cx − S_w/2 + x_in·S_w/w
  const inputToImage: AffineMatrix = [sideX / w, 0, cx - sideX * 0.5, 0, sideY / h, cy - sideY * 0.5];
  return { cx, cy, side, sideX, sideY, inputWidth: w, inputHeight: h, imageToInput, inputToImage };
}

/**
 * Maps a point given on a grid laid over the input (input pixels: grid = input size; heatmap cells:
 * grid = heatmap size, stride = w/W) to 0-based image pixels, as mmpose's `transform_preds` does
 * (spec §5.0 and §5.3 step 3): x_img = cx − S_w/2 + x·S_w/gridWidth.
 */
export function gridToImage(
  transform: CropTransform,
  x: number,
  y: number,
  gridWidth: number = transform.inputWidth,
  gridHeight: number = transform.inputHeight,
): Point2 {
  return [transform.cx - transform.sideX * 0.5 + x * (transform.sideX / gridWidth), transform.cy - transform.sideY * 0.5 + y * (transform.sideY / gridHeight)];
}

/** Image pixels → input pixels (forward map, spec §4.2). */
export function imageToInputPoint(transform: CropTransform, x: number, y: number): Point2 {
  const m = transform.imageToInput;
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}
