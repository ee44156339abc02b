/**
 * cv2.warpAffine(img, M, (w, h), flags=INTER_LINEAR, borderMode=BORDER_CONSTANT, borderValue=0) on a
 * packed RGB uint8 image, reproducing OpenCV ≤ 4.10's fixed-point arithmetic (spec §4.2):
 *
 * - M (image → output) is inverted in double precision exactly as cv::warpAffine does;
 * - each row's start and each column's increment are rounded (half to even, cvRound) to 1/1024 px
 *   (AB_BITS = 10), summed, then truncated to 1/32 px (INTER_BITS = 5) after adding half a step;
 * - the four bilinear weights are 15-bit fixed point, (32−fy)(32−fx)·32 etc., summing to 32768,
 *   and the result is (Σ v·w + 2^14) >> 15;
 * - source pixels outside the image count as 0 (black border).
 *
 * OpenCV's (0,0) weight entry is stored as [32767, 0, 0, 1] (int16 saturation plus its sum fix-up);
 * for uint8 inputs that gives the same result as [32768, 0, 0, 0], which is what is used here.
 * The crafted-image test in test/unit/inference/warp-affine.test.ts checks equality with cv2.
 */
import type { AffineMatrix, CropTransform } from './crop-transform.ts';

export interface RgbSource {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
}

const AB_BITS = 10;
const AB_SCALE = 1 << AB_BITS;
const INTER_BITS = 5;
const INTER_TAB_SIZE = 1 << INTER_BITS;
const ROUND_DELTA = AB_SCALE / INTER_TAB_SIZE / 2; // 16: rounds the 1/1024 sum to the nearest 1/32
const COEF_BITS = 15;
const COEF_ROUND = 1 << (COEF_BITS - 1);
const FACTORED_BITS = COEF_BITS - INTER_BITS; // the common factor 32 of the four weights taken out
const FACTORED_ROUND = 1 << (FACTORED_BITS - 1);

/** cvRound / saturate_cast<int>(double): round half to even (x86 cvtsd2si in the default mode). */
export function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return rounded - value === 0.5 && (rounded & 1) !== 0 ? rounded - 1 : rounded;
}

/** The inverse cv::warpAffine computes from M (double precision, same operation order). */
export function invertAffineLikeOpenCv(m: AffineMatrix): AffineMatrix {
  let d = m[0] * m[4] - m[1] * m[3];
  d = d !== 0 ? 1 / d : 0;
  const a11 = m[4] * d;
  const a22 = m[0] * d;
  const a12 = m[1] * -d;
  const a21 = m[3] * -d;
  const b1 = -a11 * m[2] - a12 * m[5];
  const b2 = -a21 * m[2] - a22 * m[5];
  return [a11, a12, b1, a21, a22, b2];
}

/**
 * Warps `src` into an `outWidth`×`outHeight` RGB uint8 crop. Destination pixel (i, j) samples the source
 * at M⁻¹·(i, j). `transform` is M (image → output) or a CropTransform (its `imageToInput`).
 */
export function warpAffineBilinear(src: RgbSource, transform: AffineMatrix | CropTransform, outWidth: number, outHeight: number, out?: Uint8Array): Uint8Array {
  const { data, width: srcW, height: srcH } = src;
  if (src.channels !== 3) throw new RangeError(`warpAffineBilinear needs 3 channels, got ${String(src.channels)}`);
  if (data.length < srcW * srcH * 3) {
    throw new RangeError(`source buffer has ${data.length} bytes, expected ${srcW * srcH * 3} for ${srcW}×${srcH}×3`);
  }
  if (!Number.isInteger(outWidth) || !Number.isInteger(outHeight) || outWidth <= 0 || outHeight <= 0) {
    throw new RangeError(`output size must be positive integers, got ${outWidth}×${outHeight}`);
  }
  const dst = out ?? new Uint8Array(outWidth * outHeight * 3);
  if (dst.length < outWidth * outHeight * 3) throw new RangeError('output buffer is too small');

  const matrix = isCropTransform(transform) ? transform.imageToInput : transform;
  const inv = invertAffineLikeOpenCv(matrix);

  // Per-column increments in 1/1024 px (cv::WarpAffineInvoker adelta/bdelta).
  const adelta = new Int32Array(outWidth);
  const bdelta = new Int32Array(outWidth);
  for (let x = 0; x < outWidth; x++) {
    adelta[x] = roundHalfEven(inv[0] * x * AB_SCALE);
    bdelta[x] = roundHalfEven(inv[3] * x * AB_SCALE);
  }

  const rowStride = srcW * 3;
  const lastX = srcW - 1;
  const lastY = srcH - 1;
  let o = 0;
  for (let y = 0; y < outHeight; y++) {
    const x0 = roundHalfEven((inv[1] * y + inv[2]) * AB_SCALE) + ROUND_DELTA;
    const y0 = roundHalfEven((inv[4] * y + inv[5]) * AB_SCALE) + ROUND_DELTA;
    for (let x = 0; x < outWidth; x++, o += 3) {
      const fxFull = (x0 + adelta[x]!) >> (AB_BITS - INTER_BITS);
      const fyFull = (y0 + bdelta[x]!) >> (AB_BITS - INTER_BITS);
      const sx = fxFull >> INTER_BITS;
      const sy = fyFull >> INTER_BITS;
      const fx = fxFull & (INTER_TAB_SIZE - 1);
      const fy = fyFull & (INTER_TAB_SIZE - 1);
      if (sx >= 0 && sy >= 0 && sx < lastX && sy < lastY) {
        // Σ v·w with w00 = 32·(32−fy)(32−fx) etc. factorises exactly (integers):
        // 32·((32−fy)·(row0) + fy·(row1)), so (Σ v·w + 2^14) >> 15 = ((32−fy)·row0 + fy·row1 + 2^9) >> 10.
        const gx = INTER_TAB_SIZE - fx;
        const gy = INTER_TAB_SIZE - fy;
        const p = sy * rowStride + sx * 3;
        const q = p + rowStride;
        dst[o] = (gy * (gx * data[p]! + fx * data[p + 3]!) + fy * (gx * data[q]! + fx * data[q + 3]!) + FACTORED_ROUND) >> FACTORED_BITS;
        dst[o + 1] = (gy * (gx * data[p + 1]! + fx * data[p + 4]!) + fy * (gx * data[q + 1]! + fx * data[q + 4]!) + FACTORED_ROUND) >> FACTORED_BITS;
        dst[o + 2] = (gy * (gx * data[p + 2]! + fx * data[p + 5]!) + fy * (gx * data[q + 2]! + fx * data[q + 5]!) + FACTORED_ROUND) >> FACTORED_BITS;
      } else if (sx > lastX || sx + 1 < 0 || sy > lastY || sy + 1 < 0) {
        dst[o] = 0;
        dst[o + 1] = 0;
        dst[o + 2] = 0;
      } else {
        // Partly outside: the missing neighbours are the border value 0 (BORDER_CONSTANT).
        const w00 = (INTER_TAB_SIZE - fy) * (INTER_TAB_SIZE - fx) * INTER_TAB_SIZE;
        const w01 = (INTER_TAB_SIZE - fy) * fx * INTER_TAB_SIZE;
        const w10 = fy * (INTER_TAB_SIZE - fx) * INTER_TAB_SIZE;
        const w11 = fy * fx * INTER_TAB_SIZE;
        const in0x = sx >= 0;
        const in1x = sx + 1 <= lastX;
        const in0y = sy >= 0;
        const in1y = sy + 1 <= lastY;
        const p = sy * rowStride + sx * 3;
        const q = p + rowStride;
        for (let c = 0; c < 3; c++) {
          const v00 = in0y && in0x ? data[p + c]! : 0;
          const v01 = in0y && in1x ? data[p + 3 + c]! : 0;
          const v10 = in1y && in0x ? data[q + c]! : 0;
          const v11 = in1y && in1x ? data[q + 3 + c]! : 0;
          dst[o + c] = (v00 * w00 + v01 * w01 + v10 * w10 + v11 * w11 + COEF_ROUND) >> COEF_BITS;
        }
      }
    }
  }
  return dst;
}

function isCropTransform(value: AffineMatrix | CropTransform): value is CropTransform {
  return !Array.isArray(value) && 'imageToInput' in value;
}
