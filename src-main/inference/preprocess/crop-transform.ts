/**
 * mmpose's top-down MPII crop (../shared/specs/mmpose-mpii.md §4.1–4.2) and its inverse (§5.0).
 *
 * A crop is a square window of side S = 1.25·200·s image pixels centred on (cx, cy + 15s), mapped
 * isotropically onto the model input (w×h). Image coordinates are 0-based pixels, an integer being the
 * centre of a pixel (OpenCV convention; no ±0.5 anywhere in mmpose's top-down path).
 */
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
  /** Image pixels → input pixels (what cv2.warpAffine receives, spec §4.2). */
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

const PIXEL_STD = 200; // spec §4.1: pixel_std
const TEST_PADDING = 1.25; // spec §4.1: padding ×1.25 at test time
const CENTER_Y_SHIFT = 15; // spec §4.1: cy + 15·s

export function mpiiCropTransform(
  person: CropPerson,
  input: CropInputSize,
  options: CropTransformOptions = {},
): CropTransform {
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
    // (float32); center -= 1 (float32). TopDownGetBboxCenterScale: scale *= 1.25 (float32);
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
      cy = f(f(jsonY + f(CENTER_Y_SHIFT * scale32)) - 1);
    }
    side = f(f(scale32 * TEST_PADDING) * PIXEL_STD);
  }
  return cropTransformFromBox(cx, cy, side, input);
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
  return [
    transform.cx - transform.sideX * 0.5 + x * (transform.sideX / gridWidth),
    transform.cy - transform.sideY * 0.5 + y * (transform.sideY / gridHeight),
  ];
}

/** Image pixels → input pixels (forward map, spec §4.2). */
export function imageToInputPoint(transform: CropTransform, x: number, y: number): Point2 {
  const m = transform.imageToInput;
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}
