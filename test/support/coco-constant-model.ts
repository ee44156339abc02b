/**
 * A COCO-17 regression model with constant outputs, for `eval --model` tests on the COCO fixture:
 * input 192×256, keypoint k at normalised input point (k/17 + 0.02, 0.5) for every crop, so each
 * keypoint must land where mmpose's box → centre/scale puts that input point.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { COCO17_JOINT_NAMES } from '../../src-main/core/joints.ts';
import { encodeOnnxModel } from '../../src-main/demo/onnx-writer.ts';

export const CONSTANT_MODEL_K = COCO17_JOINT_NAMES.length;
export const CONSTANT_MODEL_W = 192;
export const CONSTANT_MODEL_H = 256;
/** Normalised (x, y) per keypoint. */
export const CONSTANT_MODEL_COORDS = Array.from({ length: CONSTANT_MODEL_K }, (_, k) => [k / CONSTANT_MODEL_K + 0.02, 0.5]).flat();

/** Writes `constant_coco17.onnx` and its sidecar into `dir`; returns the model path. */
export function writeConstantCocoModel(dir: string): string {
  const K = CONSTANT_MODEL_K;
  const file = path.join(dir, 'constant_coco17.onnx');
  writeFileSync(
    file,
    encodeOnnxModel({
      name: 'constant_coco17',
      nodes: [{ opType: 'Identity', inputs: ['constant_coords'], outputs: ['coords'] }],
      initializers: [{ name: 'constant_coords', dims: [1, K, 2], type: 'float', data: CONSTANT_MODEL_COORDS }],
      inputs: [{ name: 'input', shape: [1, 3, CONSTANT_MODEL_H, CONSTANT_MODEL_W] }],
      outputs: [{ name: 'coords', shape: [1, K, 2] }],
    }),
  );
  writeFileSync(
    file.replace(/\.onnx$/, '.json'),
    JSON.stringify({ keypoints: COCO17_JOINT_NAMES, head: 'regression', input: { color: 'rgb', width: CONSTANT_MODEL_W, height: CONSTANT_MODEL_H } }),
  );
  return file;
}
