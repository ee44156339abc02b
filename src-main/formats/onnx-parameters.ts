/**
 * Parameter count of an ONNX model: the sum of the element counts of its graph's initializers
 * (`ModelProto.graph` = field 7, `GraphProto.initializer` = field 5, `TensorProto.dims` = field 1,
 * onnx/onnx.proto). onnxruntime-node exposes no initializers, so this reads the protobuf wire format
 * directly — only the few fields needed, skipping everything else by wire type, never decoding tensor data.
 *
 * What it does not count: weights stored as `Constant` nodes or sparse initializers, and subgraphs;
 * `initializers` says how many tensors were summed so a reader can judge.
 */
import { readFileSync } from 'node:fs';

export interface OnnxParameterCount {
  /** Σ over initializers of Π dims (a scalar counts 1). */
  readonly parameters: number;
  readonly initializers: number;
}

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_DIMS = 1;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

export function countOnnxParameters(file: string): OnnxParameterCount {
  return countOnnxParametersInBytes(readFileSync(file));
}

export function countOnnxParametersInBytes(bytes: Uint8Array): OnnxParameterCount {
  let parameters = 0;
  let initializers = 0;
  forEachField(bytes, 0, bytes.length, (field, wire, start, end) => {
    if (field !== MODEL_GRAPH || wire !== WIRE_LEN) return;
    forEachField(bytes, start, end, (gField, gWire, gStart, gEnd) => {
      if (gField !== GRAPH_INITIALIZER || gWire !== WIRE_LEN) return;
      initializers++;
      parameters += tensorElements(bytes, gStart, gEnd);
    });
  });
  return { parameters, initializers };
}

function tensorElements(bytes: Uint8Array, start: number, end: number): number {
  let elements = 1;
  forEachField(bytes, start, end, (field, wire, s, e, value) => {
    if (field !== TENSOR_DIMS) return;
    if (wire === WIRE_VARINT) elements *= value;
    else if (wire === WIRE_LEN) {
      // packed repeated int64
      let at = s;
      while (at < e) {
        const [dim, next] = readVarint(bytes, at, e);
        elements *= dim;
        at = next;
      }
    }
  });
  return elements;
}

/** Calls `visit` for each field of the message in [start, end): LEN fields get their payload range, varints their value. */
function forEachField(
  bytes: Uint8Array,
  start: number,
  end: number,
  visit: (field: number, wire: number, payloadStart: number, payloadEnd: number, value: number) => void,
): void {
  let at = start;
  while (at < end) {
    const [key, afterKey] = readVarint(bytes, at, end);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    at = afterKey;
    if (wire === WIRE_VARINT) {
      const [value, next] = readVarint(bytes, at, end);
      visit(field, wire, at, next, value);
      at = next;
    } else if (wire === WIRE_LEN) {
      const [length, payload] = readVarint(bytes, at, end);
      const payloadEnd = payload + length;
      if (payloadEnd > end) throw new RangeError('ONNX protobuf: a field runs past the end of its message');
      visit(field, wire, payload, payloadEnd, length);
      at = payloadEnd;
    } else if (wire === WIRE_I64) {
      at += 8;
    } else if (wire === WIRE_I32) {
      at += 4;
    } else {
      throw new RangeError(`ONNX protobuf: unsupported wire type ${wire} at byte ${at}`);
    }
  }
  if (at !== end) throw new RangeError('ONNX protobuf: truncated message');
}

/** A varint as a Number (exact below 2^53: dims and lengths are far smaller). */
function readVarint(bytes: Uint8Array, at: number, end: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < end && i < at + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw new RangeError(`ONNX protobuf: bad varint at byte ${at}`);
}
