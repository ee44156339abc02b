/**
 * ModelSession on tiny hand-built ONNX graphs (no ../shared needed): output validation, symbolic
 * dims learnt by a dry run, input checks.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import { encodeOnnxModel, type OnnxGraph } from '../../../../src-main/demo/onnx-writer.ts';
import { ModelSession } from '../../../../src-main/inference/runtime/onnx-session.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'posebench-engine-session-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** out = Log(image): NaN for negative inputs, -Inf for zeros. */
function logGraph(shape: (number | string)[]): OnnxGraph {
  return {
    name: 'log',
    nodes: [{ opType: 'Log', inputs: ['image'], outputs: ['heat'] }],
    initializers: [],
    inputs: [{ name: 'image', shape }],
    outputs: [{ name: 'heat', shape }],
  };
}

async function writeModel(name: string, graph: OnnxGraph): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, encodeOnnxModel(graph));
  return file;
}

describe('ModelSession', () => {
  it('rejects NaN and Inf outputs naming the model and the output', async () => {
    const file = await writeModel('log-fixed.onnx', logGraph([1, 3, 4, 4]));
    const session = await ModelSession.open(file);
    try {
      expect(session.outputShapesFrom).toBe('metadata');
      expect(session.outputs).toEqual([{ name: 'heat', shape: [1, 3, 4, 4] }]);
      const ok = await session.run(new Float32Array(48).fill(Math.E));
      expect(ok.heat?.dims).toEqual([1, 3, 4, 4]);
      expect(ok.heat?.data[0]).toBeCloseTo(1, 6);

      const negative = new Float32Array(48).fill(1);
      negative[17] = -1;
      await expect(session.run(negative)).rejects.toThrow(/log-fixed\.onnx output "heat": non-finite value NaN at flat index 17/);
      await expect(session.run(new Float32Array(48))).rejects.toThrow(/log-fixed\.onnx output "heat": non-finite value -Infinity/);
      await expect(session.run(new Float32Array(47))).rejects.toThrow(/input has 47 values, the model takes 48/);
    } finally {
      await session.release();
    }
  });

  it('symbolic dims: output shapes come from a dry run at the sidecar input size', async () => {
    const file = await writeModel('log-dynamic.onnx', logGraph(['N', 3, 'H', 'W']));
    const session = await ModelSession.open(file, { inputSize: { width: 6, height: 5 } });
    try {
      expect(session.input.shape).toEqual([1, 3, 5, 6]);
      expect(session.outputShapesFrom).toBe('dry-run');
      expect(session.outputs).toEqual([{ name: 'heat', shape: [1, 3, 5, 6] }]);
    } finally {
      await session.release();
    }
    const error = await ModelSession.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosebenchInputError);
    expect((error as PosebenchInputError).location).toEqual({ file, field: 'image' });
    expect((error as PosebenchInputError).message).toMatch(/input\.width and input\.height/);
  });

  it('refuses inputs that are not one NCHW 3-channel image', async () => {
    const gray = await writeModel('gray.onnx', logGraph([1, 1, 4, 4]));
    await expect(ModelSession.open(gray)).rejects.toThrow(/gray\.onnx \(image\): input must have 3 colour channels/);
    const flat = await writeModel('flat.onnx', logGraph([1, 48]));
    await expect(ModelSession.open(flat)).rejects.toThrow(/flat\.onnx \(image\): input must be NCHW/);
  });
});
