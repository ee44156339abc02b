/**
 * Builds MAT v5 bytes by hand for the reader tests, independently of src-main's writer: type and
 * class numbers are written out here from the MathWorks "MAT-File Format" tables, not imported.
 */
import { deflateSync } from 'node:zlib';

/** Data types (table 1-1). */
export const T = {
  int8: 1,
  uint8: 2,
  int16: 3,
  uint16: 4,
  int32: 5,
  uint32: 6,
  single: 7,
  double: 9,
  int64: 12,
  uint64: 13,
  matrix: 14,
  compressed: 15,
  utf8: 16,
  utf16: 17,
  utf32: 18,
} as const;

/** Array classes (table 1-3). */
export const C = {
  cell: 1,
  struct: 2,
  object: 3,
  char: 4,
  sparse: 5,
  double: 6,
  single: 7,
  int8: 8,
  uint8: 9,
  int16: 10,
  uint16: 11,
  int32: 12,
  uint32: 13,
  int64: 14,
  uint64: 15,
  function: 16,
  opaque: 17,
} as const;

export const FLAG_COMPLEX = 0x08;
export const FLAG_LOGICAL = 0x02;

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

export function header(text: string, options: { bigEndian?: boolean; version?: number } = {}): Uint8Array {
  const bytes = new Uint8Array(128).fill(0x20, 0, 116);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  bytes.fill(0, 116, 124);
  const version = options.version ?? 0x0100;
  if (options.bigEndian) {
    bytes[124] = version >> 8;
    bytes[125] = version & 0xff;
    bytes[126] = 0x4d;
    bytes[127] = 0x49; // 'MI'
  } else {
    bytes[124] = version & 0xff;
    bytes[125] = version >> 8;
    bytes[126] = 0x49;
    bytes[127] = 0x4d; // 'IM'
  }
  return bytes;
}

export interface ElementOptions {
  readonly bigEndian?: boolean;
  /** Use the 4-byte small data element tag (payload must be 1–4 bytes). */
  readonly small?: boolean;
  /** Size written in the tag instead of the payload length (to forge bad tags). */
  readonly declaredSize?: number;
  /** Skip the padding to 8 bytes (miCOMPRESSED is never padded). */
  readonly noPadding?: boolean;
}

export function element(type: number, payload: Uint8Array, options: ElementOptions = {}): Uint8Array {
  const le = !options.bigEndian;
  if (options.small) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, (((options.declaredSize ?? payload.byteLength) << 16) | type) >>> 0, le);
    out.set(payload, 4);
    return out;
  }
  const padded = options.noPadding ? payload.byteLength : Math.ceil(payload.byteLength / 8) * 8;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, le);
  view.setUint32(4, options.declaredSize ?? payload.byteLength, le);
  out.set(payload, 8);
  return out;
}

type NumberKind = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';
const SIZE: Record<NumberKind, number> = { double: 8, single: 4, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8 };

/** Raw numbers in the given storage type. */
export function numbers(kind: NumberKind, values: readonly (number | bigint)[], bigEndian = false): Uint8Array {
  const le = !bigEndian;
  const out = new Uint8Array(values.length * SIZE[kind]);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => {
    const at = i * SIZE[kind];
    switch (kind) {
      case 'double':
        view.setFloat64(at, Number(value), le);
        break;
      case 'single':
        view.setFloat32(at, Number(value), le);
        break;
      case 'int8':
        view.setInt8(at, Number(value));
        break;
      case 'uint8':
        view.setUint8(at, Number(value));
        break;
      case 'int16':
        view.setInt16(at, Number(value), le);
        break;
      case 'uint16':
        view.setUint16(at, Number(value), le);
        break;
      case 'int32':
        view.setInt32(at, Number(value), le);
        break;
      case 'uint32':
        view.setUint32(at, Number(value), le);
        break;
      case 'int64':
        view.setBigInt64(at, BigInt(value), le);
        break;
      case 'uint64':
        view.setBigUint64(at, BigInt(value), le);
        break;
    }
  });
  return out;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

export interface MatrixOptions {
  readonly classId: number;
  readonly flags?: number;
  readonly dims: readonly number[];
  readonly name: string;
  readonly body: readonly Uint8Array[];
  readonly bigEndian?: boolean;
  readonly smallName?: boolean;
}

export function matrix(options: MatrixOptions): Uint8Array {
  const be = options.bigEndian ?? false;
  const flagWord = numbers('uint32', [((options.flags ?? 0) << 8) | options.classId, 0], be);
  const content = concatBytes([
    element(T.uint32, flagWord, { bigEndian: be }),
    element(T.int32, numbers('int32', options.dims, be), { bigEndian: be }),
    element(T.int8, ascii(options.name), { bigEndian: be, small: options.smallName === true && options.name.length > 0 && options.name.length <= 4 }),
    ...options.body,
  ]);
  return element(T.matrix, content, { bigEndian: be });
}

export function compressed(matrixElement: Uint8Array): Uint8Array {
  return element(T.compressed, deflateSync(matrixElement), { noPadding: true });
}

export function matFile(parts: readonly Uint8Array[], options: { bigEndian?: boolean } = {}): Uint8Array {
  return concatBytes([header('MATLAB 5.0 MAT-file, hand-built by posebench tests', options), ...parts]);
}

/** A 1×n char array stored as UTF-8 (as MATLAB wrote the original dataset_joints). */
export function charMatrix(text: string, name = ''): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  return matrix({ classId: C.char, dims: [1, text.length], name, body: [element(T.utf8, utf8, { small: utf8.byteLength > 0 && utf8.byteLength <= 4 })] });
}
