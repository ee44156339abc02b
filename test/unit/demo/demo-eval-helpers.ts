/**
 * Test-only helpers for checking the demo models: a private mmpose-style crop (spec §4.1–4.4), rough
 * decoders per head (spec §5) and a plain PCKh@0.5 per joint (spec §2, simplified: no float32 care).
 * Deliberately independent of the inference module so the demo is checked on its own.
 */
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { MPII_JOINT_COUNT, MPII_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import type { Point2 } from '../../../src-main/core/types.ts';

export const INPUT = 256;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

export interface DecodedRgb { data: Uint8Array; width: number; height: number }

export async function readRgb(file: string): Promise<DecodedRgb> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export interface CropBox { cx: number; cy: number; side: number }

/** spec §4.1: 0-based centre (cx−1, cy+15s−1), side 250·s. */
export function mpiiCrop(center1Based: readonly number[], scale: number): CropBox {
  return { cx: (center1Based[0] ?? 0) - 1, cy: (center1Based[1] ?? 0) + 15 * scale - 1, side: 250 * scale };
}

/** Bilinear warp to 256×256 (black border), ImageNet-normalised NCHW float32 (spec §4.2, §4.4). */
export function cropToTensor(image: DecodedRgb, box: CropBox): Float32Array {
  const k = INPUT / box.side;
  const out = new Float32Array(3 * INPUT * INPUT);
  const sample = (x: number, y: number, c: number): number =>
    x < 0 || y < 0 || x >= image.width || y >= image.height ? 0 : image.data[(y * image.width + x) * 3 + c] ?? 0;
  for (let j = 0; j < INPUT; j++) {
    const sy = (j - INPUT / 2) / k + box.cy;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let i = 0; i < INPUT; i++) {
      const sx = (i - INPUT / 2) / k + box.cx;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const v = (1 - fy) * ((1 - fx) * sample(x0, y0, c) + fx * sample(x0 + 1, y0, c))
          + fy * ((1 - fx) * sample(x0, y0 + 1, c) + fx * sample(x0 + 1, y0 + 1, c));
        out[c * INPUT * INPUT + j * INPUT + i] = (Math.round(v) / 255 - (MEAN[c] ?? 0)) / (STD[c] ?? 1);
      }
    }
  }
  return out;
}

export interface SidecarLike { keypoints: string[]; head: string }

function argmax(values: ArrayLike<number>, start: number, length: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = values[start + i] ?? -Infinity;
    if (v > bestValue) { bestValue = v; best = i; }
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
export function inputToImage(p: Point2, box: CropBox): Point2 {
  return [box.cx - box.side / 2 + (p[0] * box.side) / INPUT, box.cy - box.side / 2 + (p[1] * box.side) / INPUT];
}

export interface GtPerson { joints1Based: number[][]; visible: number[]; headBox1Based: number[] }

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
