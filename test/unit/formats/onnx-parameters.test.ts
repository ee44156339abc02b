/**
 * The ONNX parameter count (formats/onnx-parameters.ts) on models written by the demo's own protobuf
 * writer (dims unpacked, as onnx.proto2 writes them), on packed dims (as other writers may emit them),
 * and on damaged bytes.
 */
import { describe, expect, it } from 'vitest';
import { buildDemoGraph, DEMO_MODEL_SPECS, encodeDemoModel } from '../../../src-main/demo/demo-models.ts';
import { countOnnxParametersInBytes } from '../../../src-main/formats/onnx-parameters.ts';

/** Minimal protobuf writer for hand-made messages. */
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}
const len = (field: number, payload: number[]): number[] => [...varint((field << 3) | 2), ...varint(payload.length), ...payload];

describe('countOnnxParametersInBytes', () => {
  it.each(DEMO_MODEL_SPECS.map((s) => [s.name, s] as const))('%s: Σ Π dims of the graph initializers', (_name, spec) => {
    const expected = buildDemoGraph(spec).initializers.reduce((sum, t) => sum + t.dims.reduce((p, d) => p * d, 1), 0);
    const counted = countOnnxParametersInBytes(encodeDemoModel(spec));
    expect(counted).toEqual({ parameters: expected, initializers: buildDemoGraph(spec).initializers.length });
    expect(expected).toBeGreaterThan(0);
  });

  it('packed dims, a scalar initializer, and fields it must skip (name, raw_data, doc strings)', () => {
    const packed = len(1, [...varint(64), ...varint(3), ...varint(3), ...varint(3)]); // dims 64×3×3×3
    const tensorA = [...packed, ...len(8, [0x77]), ...len(9, new Array<number>(20).fill(0))];
    const scalar = [...len(8, [0x62]), ...varint((2 << 3) | 0), ...varint(1)]; // no dims = 1 element
    const graph = [...len(1, []), ...len(5, tensorA), ...len(5, scalar), ...len(10, [0x61])];
    const model = new Uint8Array([...varint((1 << 3) | 0), ...varint(8), ...len(7, graph), ...len(6, [0x64, 0x6f, 0x63])]);
    expect(countOnnxParametersInBytes(model)).toEqual({ parameters: 64 * 27 + 1, initializers: 2 });
  });

  it('a truncated file is an error, not a wrong count', () => {
    const bytes = encodeDemoModel(DEMO_MODEL_SPECS[0]!);
    expect(() => countOnnxParametersInBytes(bytes.subarray(0, Math.floor(bytes.length / 2)))).toThrow(/ONNX protobuf/);
  });
});
