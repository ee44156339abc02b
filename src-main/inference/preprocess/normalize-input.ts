/**
 * uint8 RGB HWC crop → normalised float32 NCHW tensor [1, 3, h, w] (spec §4.4).
 *
 * mmpose 0.x order of operations, in float32: ToTensor computes x/255, NormalizeTensor then
 * (x/255 − mean)/std. Each step is done in double and rounded with Math.fround; for a single
 * division or subtraction of float32 operands that equals the float32 operation (double has more
 * than 2·24+2 bits), so the tensor is bit-identical to torch's float32 result. As there are only 256
 * input values per channel, the values come from a 3×256 lookup table.
 */

export interface TensorNormalization {
  /** Channel order the model expects: 'rgb' (tensor channel 0 = R) or 'bgr' (channel 0 = B). */
  readonly color: 'rgb' | 'bgr';
  /** Per tensor channel, on the 0–1 scale (e.g. ImageNet [0.485, 0.456, 0.406] for RGB). */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/** ImageNet RGB normalisation on the 0–1 scale (spec §4.4). */
export const IMAGENET_RGB: TensorNormalization = {
  color: 'rgb',
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

const tableCache = new Map<string, Float32Array>();

/** 3×256 table: value of tensor channel c for uint8 input v at [c*256 + v]. */
export function normalizationTable(normalization: TensorNormalization): Float32Array {
  const key = `${normalization.mean.join(',')}|${normalization.std.join(',')}`;
  const cached = tableCache.get(key);
  if (cached) return cached;
  const f = Math.fround;
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const mean = f(normalization.mean[c]!);
    const std = f(normalization.std[c]!);
    if (!(Number.isFinite(mean) && Number.isFinite(std) && std !== 0)) {
      throw new RangeError(`normalisation channel ${c}: mean ${mean} / std ${std} must be finite, std non-zero`);
    }
    for (let v = 0; v < 256; v++) {
      table[c * 256 + v] = f(f(f(v / 255) - mean) / std);
    }
  }
  tableCache.set(key, table);
  return table;
}

/**
 * `crop`: width·height·3 bytes, RGB, row-major. Returns (or fills `out`) a Float32Array of 3·h·w
 * values, NCHW with N = 1. With color 'bgr' tensor channel 0 is taken from the crop's blue channel.
 */
export function toNchwFloat32(crop: Uint8Array, width: number, height: number, normalization: TensorNormalization, out?: Float32Array): Float32Array {
  const plane = width * height;
  if (crop.length < plane * 3) throw new RangeError(`crop has ${crop.length} bytes, expected ${plane * 3}`);
  const tensor = out ?? new Float32Array(plane * 3);
  if (tensor.length < plane * 3) throw new RangeError(`output tensor has ${tensor.length} values, expected ${plane * 3}`);
  const table = normalizationTable(normalization);
  const bgr = normalization.color === 'bgr';
  // Tensor channel c reads crop channel src[c].
  const s0 = bgr ? 2 : 0;
  const s2 = bgr ? 0 : 2;
  const o1 = plane;
  const o2 = plane * 2;
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    tensor[i] = table[crop[p + s0]!]!;
    tensor[o1 + i] = table[256 + crop[p + 1]!]!;
    tensor[o2 + i] = table[512 + crop[p + s2]!]!;
  }
  return tensor;
}
