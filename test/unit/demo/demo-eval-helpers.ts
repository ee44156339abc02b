/**
 * Test-only helpers for checking the demo models: the project's mmpose crop (spec §4.1–4.4), rough
 * decoders per head (spec §5: plain argmax, no refinement) and a plain PCKh@0.5 per joint (spec §2,
 * simplified: no float32 care). The decoders are private on purpose, so the demo is checked
 * independently of the inference module's decoders.
 */
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { MPII_JOINT_COUNT, MPII_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import type { Point2 } from '../../../src-main/core/types.ts';
import { gridToImage, mpiiCropTransform, type CropTransform } from '../../../src-main/inference/preprocess/crop-transform.ts';
import { IMAGENET_RGB, toNchwFloat32 } from '../../../src-main/inference/preprocess/normalize-input.ts';
import { warpAffineBilinear } from '../../../src-main/inference/preprocess/warp-affine.ts';

export const INPUT = 256;

export interface DecodedRgb {
  data: Uint8Array;
  width: number;
  height: number;
}

export async function readRgb(file: string): Promise<DecodedRgb> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** The project's mmpose crop (spec §4.1–4.4): 256×256, ImageNet-normalised NCHW float32. */
export function cropToTensor(image: DecodedRgb, center1Based: readonly number[], scale: number): { tensor: Float32Array; crop: CropTransform } {
  const crop = mpiiCropTransform({ center: [(center1Based[0] ?? 0) - 1, (center1Based[1] ?? 0) - 1], scale }, { width: INPUT, height: INPUT });
  const pixels = warpAffineBilinear({ ...image, channels: 3 }, crop, INPUT, INPUT);
  return { tensor: toNchwFloat32(pixels, INPUT, INPUT, IMAGENET_RGB), crop };
}

export interface SidecarLike {
  keypoints: string[];
  head: string;
}

function argmax(values: ArrayLike<number>, start: number, length: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = values[start + i] ?? -Infinity;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** Rough decode to 0-based input-pixel coordinates in MPII order (plain argmax, no refinement). */
export function decodeToInput(sidecar: SidecarLike, outputs: ort.InferenceSession.OnnxValueMapType): Point2[] {
  const result: Point2[] = Array.from({ length: MPII_JOINT_COUNT }, () => [NaN, NaN] as Point2);
  const tensors = Object.values(outputs) as ort.Tensor[];
  sidecar.keypoints.forEach((name, k) => {
    const j = (MPII_JOINT_NAMES as readonly string[]).indexOf(name);
    let p: Point2;
    if (sidecar.head === 'heatmap') {
      const t = tensors[0]!;
      const [, , h, w] = t.dims as number[];
      const data = t.data as Float32Array;
      const idx = argmax(data, k * h! * w!, h! * w!);
      p = [(idx % w!) * (INPUT / w!), Math.floor(idx / w!) * (INPUT / h!)];
    } else if (sidecar.head === 'simcc') {
      const [tx, ty] = tensors as [ort.Tensor, ort.Tensor];
      const bins = tx.dims[2]!;
      p = [argmax(tx.data as Float32Array, k * bins, bins) / 2, argmax(ty.data as Float32Array, k * bins, bins) / 2];
    } else {
      const t = tensors[0]!;
      const stride = t.dims[2]!;
      const data = t.data as Float32Array;
      p = [data[k * stride]! * INPUT, data[k * stride + 1]! * INPUT];
    }
    result[j] = p;
  });
  return result;
}

/** spec §5.0: input space → 0-based image pixels. */
export function inputToImage(p: Point2, crop: CropTransform): Point2 {
  return gridToImage(crop, p[0], p[1]);
}

export interface GtPerson {
  joints1Based: number[][];
  visible: number[];
  headBox1Based: number[];
}

/** PCKh@0.5 hits per joint for one person (spec §2: +1, 0.6·diag, <=). */
export function pckhHits(pred0Based: Point2[], gt: GtPerson): (boolean | null)[] {
  const [x1, y1, x2, y2] = gt.headBox1Based as [number, number, number, number];
  const hs = 0.6 * Math.hypot(x2 - x1, y2 - y1);
  return pred0Based.map((p, j) => {
    if (gt.visible[j] !== 1) return null;
    const g = gt.joints1Based[j]!;
    return Math.hypot(p[0] + 1 - g[0]!, p[1] + 1 - g[1]!) / hs <= 0.5;
  });
}

export async function createSession(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
}

export async function runModel(session: ort.InferenceSession, input: Float32Array): Promise<ort.InferenceSession.OnnxValueMapType> {
  return session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, INPUT, INPUT]) });
}
