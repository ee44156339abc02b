/**
 * Writer for MAT v5 (Level 5 MAT-file) files, little-endian, laid out as MATLAB writes them
 * (checked against the original mpii_gt_val.mat): 128-byte header, one miMATRIX per variable,
 * optionally each wrapped in its own miCOMPRESSED (zlib) element as MATLAB's `-v7` does, data of
 * 4 bytes or less as small data elements, char data as miUTF8.
 * scipy.io.loadmat and MATLAB read the result (test/unit/formats/mat checks scipy when it is installed).
 */
import { deflateSync } from 'node:zlib';
import { PosebenchInputError } from '../../core/errors.ts';
import { MI, MX, type MatStorageType, type MatWritable } from './mat-types.ts';

export interface EncodeMatOptions {
  /** Wrap each variable in a zlib-compressed miCOMPRESSED element (default false). */
  readonly compress?: boolean;
  /** Descriptive header text (at most 116 ASCII bytes; padded with spaces). */
  readonly headerText?: string;
}

export const DEFAULT_MAT_HEADER_TEXT = 'MATLAB 5.0 MAT-file, Platform: posix, Created by: posebench';

/** Label used in errors about values handed to the writer (there is no input file). */
const OUTPUT_LABEL = 'MAT output';

const STORAGE: Readonly<Record<MatStorageType, { type: number; size: number; min: number; max: number; integer: boolean }>> = {
  double: { type: MI.DOUBLE, size: 8, min: -Infinity, max: Infinity, integer: false },
  single: { type: MI.SINGLE, size: 4, min: -Infinity, max: Infinity, integer: false },
  int8: { type: MI.INT8, size: 1, min: -128, max: 127, integer: true },
  uint8: { type: MI.UINT8, size: 1, min: 0, max: 255, integer: true },
  int16: { type: MI.INT16, size: 2, min: -32768, max: 32767, integer: true },
  uint16: { type: MI.UINT16, size: 2, min: 0, max: 65535, integer: true },
  int32: { type: MI.INT32, size: 4, min: -2147483648, max: 2147483647, integer: true },
  uint32: { type: MI.UINT32, size: 4, min: 0, max: 4294967295, integer: true },
};

const CLASS_ID: Readonly<Record<'double' | 'single' | 'uint8' | 'int32', number>> = {
  double: MX.DOUBLE,
  single: MX.SINGLE,
  uint8: MX.UINT8,
  int32: MX.INT32,
};

function fail(variable: string, problem: string): never {
  throw new PosebenchInputError({ file: OUTPUT_LABEL, field: variable }, problem);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** A tagged data element; payloads of 1–4 bytes use the 8-byte small data element format. */
function dataElement(type: number, payload: Uint8Array, allowSmall = true): Uint8Array {
  if (allowSmall && payload.byteLength > 0 && payload.byteLength <= 4) {
    const element = new Uint8Array(8);
    new DataView(element.buffer).setUint32(0, ((payload.byteLength << 16) | type) >>> 0, true);
    element.set(payload, 4);
    return element;
  }
  const padded = Math.ceil(payload.byteLength / 8) * 8;
  const element = new Uint8Array(8 + padded);
  const view = new DataView(element.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, payload.byteLength, true);
  element.set(payload, 8);
  return element;
}

function int32Payload(values: readonly number[]): Uint8Array {
  const payload = new Uint8Array(4 * values.length);
  const view = new DataView(payload.buffer);
  values.forEach((value, i) => view.setInt32(4 * i, value, true));
  return payload;
}

function matrixElement(classId: number, dims: readonly number[], name: string, body: readonly Uint8Array[]): Uint8Array {
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, classId, true);
  const content = concat([
    dataElement(MI.UINT32, flags),
    dataElement(MI.INT32, int32Payload(dims)),
    // MATLAB writes the array name with a full tag, even when empty (cell elements).
    dataElement(MI.INT8, asciiBytes(name), false),
    ...body,
  ]);
  return concat([tagOnly(MI.MATRIX, content.byteLength), content]);
}

function tagOnly(type: number, size: number): Uint8Array {
  const tag = new Uint8Array(8);
  const view = new DataView(tag.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, size, true);
  return tag;
}

function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function checkDims(variable: string, dims: readonly number[]): number {
  if (dims.length < 2) fail(variable, `dimensions [${dims.join(', ')}] need at least 2 entries (MATLAB arrays are at least 2-D)`);
  let count = 1;
  for (const dim of dims) {
    if (!Number.isInteger(dim) || dim < 0 || dim > 0x7fffffff) fail(variable, `bad dimension ${dim} in [${dims.join(', ')}]`);
    count *= dim;
  }
  return count;
}

function numericBody(variable: string, value: Extract<MatWritable, { kind: 'numeric' }>): Uint8Array {
  const count = checkDims(variable, value.dims);
  if (value.data.length !== count) {
    fail(variable, `${value.data.length} values but dimensions [${value.dims.join(', ')}] need ${count}`);
  }
  const storageName: MatStorageType = value.storage ?? value.className;
  const storage = STORAGE[storageName];
  // Values of an integer class must be integers of that class; a narrower storage type must hold
  // every value exactly (MATLAB's compact storage of integral doubles).
  const classLimits = value.className === 'uint8' || value.className === 'int32' ? STORAGE[value.className] : undefined;
  if (classLimits !== undefined && !storage.integer) fail(variable, `class ${value.className} cannot be stored as ${storageName}`);
  if (value.className === 'single' && storageName === 'double') fail(variable, 'class single cannot be stored as double');
  const exactSingle = value.className === 'double' && storageName === 'single';

  const payload = new Uint8Array(count * storage.size);
  const view = new DataView(payload.buffer);
  for (let i = 0; i < count; i++) {
    const x = value.data[i] ?? Number.NaN;
    if (classLimits !== undefined && (!Number.isInteger(x) || x < classLimits.min || x > classLimits.max)) {
      fail(variable, `value ${x} at index ${i} is not a ${value.className}`);
    }
    if (storage.integer && (!Number.isInteger(x) || x < storage.min || x > storage.max)) {
      fail(variable, `value ${x} at index ${i} cannot be stored exactly as ${storageName}`);
    }
    if (exactSingle && !Number.isNaN(x) && Math.fround(x) !== x) {
      fail(variable, `value ${x} at index ${i} cannot be stored exactly as single`);
    }
    switch (storage.type) {
      case MI.DOUBLE:
        view.setFloat64(8 * i, x, true);
        break;
      case MI.SINGLE:
        view.setFloat32(4 * i, x, true);
        break;
      case MI.INT8:
        view.setInt8(i, x);
        break;
      case MI.UINT8:
        view.setUint8(i, x);
        break;
      case MI.INT16:
        view.setInt16(2 * i, x, true);
        break;
      case MI.UINT16:
        view.setUint16(2 * i, x, true);
        break;
      case MI.INT32:
        view.setInt32(4 * i, x, true);
        break;
      default:
        view.setUint32(4 * i, x, true);
        break;
    }
  }
  return dataElement(storage.type, payload);
}

function charMatrix(variable: string, text: string): Uint8Array {
  // MATLAB chars are UTF-16 code units; the data is UTF-8 (what MATLAB itself wrote in the original file).
  const dims = text.length === 0 ? [0, 0] : [1, text.length];
  const utf8 = new TextEncoder().encode(text);
  if (text.length > 0 && new TextDecoder().decode(utf8) !== text) fail(variable, 'string is not valid Unicode (lone surrogate)');
  return matrixElement(MX.CHAR, dims, '', [dataElement(MI.UTF8, utf8)]);
}

function variableElement(name: string, value: MatWritable): Uint8Array {
  if (value.kind === 'numeric') {
    const classId = CLASS_ID[value.className];
    return matrixElement(classId, value.dims, name, [numericBody(name, value)]);
  }
  const count = checkDims(name, value.dims);
  if (value.strings.length !== count) {
    fail(name, `${value.strings.length} strings but cell dimensions [${value.dims.join(', ')}] need ${count}`);
  }
  const cells = value.strings.map((text, i) => charMatrix(`${name}{${i + 1}}`, text));
  return matrixElement(MX.CELL, value.dims, name, cells);
}

/**
 * Encodes variables as a MAT v5 file (little-endian). Numeric data is column-major.
 * Throws PosebenchInputError (file "MAT output", field = variable) for invalid names, dims or values.
 */
export function encodeMat(variables: ReadonlyArray<readonly [name: string, value: MatWritable]>, options: EncodeMatOptions = {}): Uint8Array {
  const headerText = options.headerText ?? DEFAULT_MAT_HEADER_TEXT;
  if (headerText.length > 116 || !/^[\x20-\x7e]*$/.test(headerText)) {
    throw new PosebenchInputError({ file: OUTPUT_LABEL }, 'header text must be at most 116 printable ASCII characters');
  }
  const header = new Uint8Array(128);
  header.fill(0x20, 0, 116);
  header.set(asciiBytes(headerText), 0);
  // Bytes 116–123: subsystem data offset, none. Version 0x0100 and 'IM' written little-endian.
  const headerView = new DataView(header.buffer);
  headerView.setUint16(124, 0x0100, true);
  header[126] = 'I'.charCodeAt(0);
  header[127] = 'M'.charCodeAt(0);

  const parts: Uint8Array[] = [header];
  const seen = new Set<string>();
  for (const [name, value] of variables) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name)) fail(name, 'not a valid MATLAB variable name (letter, then letters/digits/_; at most 63 characters)');
    if (seen.has(name)) fail(name, 'variable written twice');
    seen.add(name);
    const element = variableElement(name, value);
    if (options.compress) {
      const packed = deflateSync(element);
      // No padding after miCOMPRESSED (as MATLAB and scipy write it).
      parts.push(tagOnly(MI.COMPRESSED, packed.byteLength), packed);
    } else {
      parts.push(element);
    }
  }
  return concat(parts);
}
