/**
 * Minimal ONNX protobuf encoder for the demo models (no dependency on the `onnx` package).
 *
 * Field numbers follow ONNX's public schema `onnx/onnx.proto` (proto2):
 *   ModelProto        ir_version=1 opset_import=8 producer_name=2 producer_version=3 graph=7 doc_string=6
 *   OperatorSetIdProto domain=1 version=2
 *   GraphProto        node=1 name=2 initializer=5 doc_string=10 input=11 output=12
 *   NodeProto         input=1 output=2 name=3 op_type=4 attribute=5 domain=7
 *   AttributeProto    name=1 f=2 i=3 s=4 t=5 floats=7 ints=8 type=20
 *   TensorProto       dims=1 data_type=2 int64_data=7 name=8 raw_data=9
 *   ValueInfoProto    name=1 type=2;  TypeProto tensor_type=1;  TypeProto.Tensor elem_type=1 shape=2
 *   TensorShapeProto  dim=1;  Dimension dim_value=1 dim_param=2
 * Repeated scalars are written unpacked (the proto2 default); protobuf parsers accept both forms.
 * Output is deterministic: fields are emitted in a fixed order, floats as little-endian IEEE-754.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LENGTH_DELIMITED = 2;

/** ONNX TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

const enum AttributeType {
  Float = 1,
  Int = 2,
  String = 3,
  Tensor = 4,
  Floats = 6,
  Ints = 7,
}

/** Append-only byte buffer with protobuf primitives. */
class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** Unsigned varint from a bigint (int64 fields; negatives as two's complement, 10 bytes). */
  varint(value: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      out.push(byte);
    } while (v !== 0n);
    this.push(Uint8Array.from(out));
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  varintField(field: number, value: bigint | number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  floatField(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
  }

  bytesField(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.push(bytes);
  }

  stringField(field: number, text: string): void {
    this.bytesField(field, new TextEncoder().encode(text));
  }

  messageField(field: number, write: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    write(inner);
    this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** 'float' data is written as raw_data (little-endian float32); 'int64' as int64_data. */
  readonly type: 'float' | 'int64';
  readonly data: ArrayLike<number>;
}

export type OnnxAttributeValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: OnnxTensor };

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttributeValue>>;
}

export interface OnnxValueInfo {
  readonly name: string;
  /** float32 tensors only (all demo model inputs and outputs are float32). */
  readonly shape: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModelOptions {
  readonly irVersion?: number;
  readonly opsetVersion?: number;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
}

function writeTensor(w: ProtoWriter, tensor: OnnxTensor): void {
  for (const dim of tensor.dims) w.varintField(1, dim);
  w.varintField(2, tensor.type === 'float' ? ONNX_FLOAT : ONNX_INT64);
  if (tensor.type === 'int64') {
    for (let i = 0; i < tensor.data.length; i++) w.varintField(7, BigInt(tensor.data[i] ?? 0));
  }
  w.stringField(8, tensor.name);
  if (tensor.type === 'float') {
    const raw = new Uint8Array(tensor.data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < tensor.data.length; i++) view.setFloat32(i * 4, tensor.data[i] ?? 0, true);
    w.bytesField(9, raw);
  }
}

function writeAttribute(w: ProtoWriter, name: string, attr: OnnxAttributeValue): void {
  w.stringField(1, name);
  switch (attr.kind) {
    case 'float':
      w.floatField(2, attr.value);
      w.varintField(20, AttributeType.Float);
      break;
    case 'int':
      w.varintField(3, attr.value);
      w.varintField(20, AttributeType.Int);
      break;
    case 'string':
      w.stringField(4, attr.value);
      w.varintField(20, AttributeType.String);
      break;
    case 'tensor':
      w.messageField(5, (t) => writeTensor(t, attr.value));
      w.varintField(20, AttributeType.Tensor);
      break;
    case 'floats':
      for (const v of attr.value) w.floatField(7, v);
      w.varintField(20, AttributeType.Floats);
      break;
    case 'ints':
      for (const v of attr.value) w.varintField(8, v);
      w.varintField(20, AttributeType.Ints);
      break;
  }
}

function writeNode(w: ProtoWriter, node: OnnxNode, index: number): void {
  for (const input of node.inputs) w.stringField(1, input);
  for (const output of node.outputs) w.stringField(2, output);
  w.stringField(3, node.name ?? `${node.opType}_${index}`);
  w.stringField(4, node.opType);
  // Sorted so the bytes do not depend on object key insertion order.
  for (const key of Object.keys(node.attributes ?? {}).sort()) {
    const attr = node.attributes?.[key];
    if (attr !== undefined) w.messageField(5, (a) => writeAttribute(a, key, attr));
  }
}

function writeValueInfo(w: ProtoWriter, info: OnnxValueInfo): void {
  w.stringField(1, info.name);
  w.messageField(2, (type) =>
    type.messageField(1, (tensorType) => {
      tensorType.varintField(1, ONNX_FLOAT);
      tensorType.messageField(2, (shape) => {
        for (const dim of info.shape) {
          shape.messageField(1, (d) => {
            if (typeof dim === 'number') d.varintField(1, dim);
            else d.stringField(2, dim);
          });
        }
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, graph: OnnxGraph): void {
  graph.nodes.forEach((node, i) => w.messageField(1, (n) => writeNode(n, node, i)));
  w.stringField(2, graph.name);
  for (const init of graph.initializers) w.messageField(5, (t) => writeTensor(t, init));
  for (const input of graph.inputs) w.messageField(11, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.messageField(12, (v) => writeValueInfo(v, output));
}

/** Serialises a ModelProto (defaults: ir_version 8, opset ai.onnx 17, producer 'posebench'). */
export function encodeOnnxModel(graph: OnnxGraph, options: OnnxModelOptions = {}): Uint8Array {
  const w = new ProtoWriter();
  w.varintField(1, options.irVersion ?? 8);
  w.stringField(2, options.producerName ?? 'posebench');
  if (options.producerVersion !== undefined) w.stringField(3, options.producerVersion);
  if (options.docString !== undefined) w.stringField(6, options.docString);
  w.messageField(7, (g) => writeGraph(g, graph));
  w.messageField(8, (opset) => {
    opset.stringField(1, ''); // '' = the default ai.onnx domain
    opset.varintField(2, options.opsetVersion ?? 17);
  });
  return w.finish();
}
