import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel, type OnnxGraph } from '../../../src-main/demo/onnx-writer.ts';

async function run(graph: OnnxGraph, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-onnx-writer-'));
  const file = path.join(dir, 'model.onnx');
  writeFileSync(file, encodeOnnxModel(graph));
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  return session.run(feeds);
}

describe('encodeOnnxModel', () => {
  it('writes a model ONNX Runtime accepts, with every attribute kind the demo uses', async () => {
    // ints (perm), float (alpha), tensor (Constant value), int64 initializer (Reshape shape).
    const graph: OnnxGraph = {
      name: 'attribute_kinds',
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [
        { name: 'y', shape: [3, 2] },
        { name: 'z', shape: [1, 6] },
        { name: 'c', shape: [2] },
      ],
      initializers: [
        { name: 'bias', dims: [3, 1], type: 'float', data: [10, 20, 30] },
        { name: 'shape', dims: [2], type: 'int64', data: [1, 6] },
      ],
      nodes: [
        { opType: 'Transpose', inputs: ['x'], outputs: ['xt'], attributes: { perm: { kind: 'ints', value: [1, 0] } } },
        { opType: 'Add', inputs: ['xt', 'bias'], outputs: ['y'] },
        { opType: 'Reshape', inputs: ['y', 'shape'], outputs: ['y_flat'] },
        { opType: 'LeakyRelu', inputs: ['y_flat'], outputs: ['z'], attributes: { alpha: { kind: 'float', value: 0.25 } } },
        {
          opType: 'Constant',
          inputs: [],
          outputs: ['c'],
          attributes: { value: { kind: 'tensor', value: { name: 'c_value', dims: [2], type: 'float', data: [1.5, -2] } } },
        },
      ],
    };
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, -40, -50, -60]), [2, 3]);
    const out = await run(graph, { x });
    // Transpose: [[1,-40],[2,-50],[3,-60]] + [[10],[20],[30]]
    expect(Array.from(out.y!.data as Float32Array)).toEqual([11, -30, 22, -30, 33, -30]);
    expect(out.y!.dims).toEqual([3, 2]);
    expect(Array.from(out.z!.data as Float32Array)).toEqual([11, -7.5, 22, -7.5, 33, -7.5]);
    expect(Array.from(out.c!.data as Float32Array)).toEqual([1.5, -2]);
  });

  it('encodes multi-byte lengths and negative int attributes (Concat axis −1, 1200-byte raw data)', async () => {
    const big = Array.from({ length: 300 }, (_, i) => i / 7);
    const graph: OnnxGraph = {
      name: 'sizes',
      inputs: [{ name: 'x', shape: [1, 300] }],
      outputs: [
        { name: 'y', shape: [1, 600] },
        { name: 's', shape: [1, 300] },
      ],
      initializers: [{ name: 'w', dims: [1, 300], type: 'float', data: big }],
      nodes: [
        { opType: 'Concat', inputs: ['x', 'w'], outputs: ['y'], attributes: { axis: { kind: 'int', value: -1 } } },
        { opType: 'Softmax', inputs: ['x'], outputs: ['s'], attributes: { axis: { kind: 'int', value: 1 } } },
      ],
    };
    const out = await run(graph, { x: new ort.Tensor('float32', new Float32Array(300), [1, 300]) });
    const y = out.y!.data as Float32Array;
    expect(y[300 + 299]).toBeCloseTo(299 / 7, 5);
    expect((out.s!.data as Float32Array)[0]).toBeCloseTo(1 / 300, 7);
  });

  it('is deterministic and starts with ir_version 8 (field 1 varint)', () => {
    const graph: OnnxGraph = {
      name: 'g',
      inputs: [{ name: 'x', shape: [1] }],
      outputs: [{ name: 'y', shape: [1] }],
      initializers: [],
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
    };
    const a = encodeOnnxModel(graph);
    expect(Buffer.from(a).equals(Buffer.from(encodeOnnxModel(graph)))).toBe(true);
    expect(Array.from(a.slice(0, 2))).toEqual([0x08, 8]);
  });
});
