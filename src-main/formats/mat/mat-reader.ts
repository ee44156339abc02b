/**
 * Reader for MAT v5 (Level 5 MAT-file) files: numeric, logical, char, cell and struct arrays, plain
 * or zlib-compressed (miCOMPRESSED, MATLAB's default `-v7`). Complex, sparse, object, function-handle
 * and MAT v7.3 (HDF5) content is refused with a PosebenchInputError naming the file and variable.
 *
 * Every read is bounds-checked against the enclosing element, so a truncated or corrupt file gives a
 * PosebenchInputError ("... truncated ..."), never a RangeError from DataView.
 * Format reference: MathWorks "MAT-File Format" (Level 5), chapter 1.
 */
import { inflateSync, constants as zlibConstants } from 'node:zlib';
import { PosebenchInputError } from '../../core/errors.ts';
import { oneLine, printableExcerpt } from '../../core/printable-excerpt.ts';
import { readRegularFileSync } from '../../core/regular-file.ts';
import {
  MAT_FLAG_COMPLEX,
  MAT_FLAG_LOGICAL,
  MI,
  MX,
  MX_NUMERIC_CLASS,
  type MatCellArray,
  type MatCharArray,
  type MatFile,
  type MatNumericArray,
  type MatStructArray,
  type MatValue,
} from './mat-types.ts';

const HEADER_BYTES = 128;
const HEADER_TEXT_BYTES = 116;
/** Cells and struct fields nest; a hostile file must not blow the stack. */
const MAX_NESTING = 100;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Cap on the bytes all miCOMPRESSED elements of one file may inflate to: 64× the file size, at most
 * 1 GiB, and never less than 16 MiB. zlib inflates up to ~1032× (a 420 kB "zlib bomb" cost 639 MB
 * before anything was checked); real MAT files compress a few times (the MPII gt .mat about 3×),
 * so 64× leaves room for arrays of zeros. The 16 MiB floor keeps small, highly compressible files
 * (e.g. an all-zero predictions array of 2958 persons: 757 kB from about 1 kB) readable at a cost
 * that is harmless. Enforced by zlib itself (`maxOutputLength`), so nothing beyond it is allocated.
 */
export function maxInflatedBytes(fileBytes: number): number {
  return Math.min(MAX_INFLATED_CEILING, Math.max(MAX_INFLATED_FLOOR, INFLATION_RATIO_LIMIT * fileBytes));
}
const INFLATION_RATIO_LIMIT = 64;
const MAX_INFLATED_CEILING = 1024 * 1024 * 1024;
const MAX_INFLATED_FLOOR = 16 * 1024 * 1024;
/** Compressed bytes looked at to find a damaged element's variable name (inflates to at most ~4 MB). */
const PEEK_COMPRESSED_BYTES = 4096;

const MI_NAMES: Readonly<Record<number, string>> = {
  1: 'miINT8',
  2: 'miUINT8',
  3: 'miINT16',
  4: 'miUINT16',
  5: 'miINT32',
  6: 'miUINT32',
  7: 'miSINGLE',
  9: 'miDOUBLE',
  12: 'miINT64',
  13: 'miUINT64',
  14: 'miMATRIX',
  15: 'miCOMPRESSED',
  16: 'miUTF8',
  17: 'miUTF16',
  18: 'miUTF32',
};

const MI_NUMERIC_SIZE: Readonly<Record<number, number>> = {
  [MI.INT8]: 1,
  [MI.UINT8]: 1,
  [MI.INT16]: 2,
  [MI.UINT16]: 2,
  [MI.INT32]: 4,
  [MI.UINT32]: 4,
  [MI.SINGLE]: 4,
  [MI.DOUBLE]: 8,
  [MI.INT64]: 8,
  [MI.UINT64]: 8,
};

const UNSUPPORTED_CLASSES: Readonly<Record<number, string>> = {
  [MX.OBJECT]: 'MATLAB object (mxOBJECT_CLASS)',
  [MX.SPARSE]: 'sparse array (mxSPARSE_CLASS)',
  [MX.FUNCTION]: 'function handle (mxFUNCTION_CLASS)',
  [MX.OPAQUE]: 'opaque object (mxOPAQUE_CLASS, e.g. string/table/datetime/function handle)',
};

function miName(type: number): string {
  return MI_NAMES[type] ?? `unknown type ${type}`;
}

/** One byte buffer being read (the file, or the inflated contents of one miCOMPRESSED element). */
interface Source {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** How to describe an offset in this buffer in an error message. */
  readonly describeOffset: (offset: number) => string;
}

interface Tag {
  readonly type: number;
  readonly size: number;
  readonly dataStart: number;
  readonly dataEnd: number;
  /** Start of the next element (after 8-byte padding, except after miCOMPRESSED). */
  readonly next: number;
}

class MatParser {
  private readonly littleEndian: boolean;
  /** Inflated bytes still allowed for the rest of the file (maxInflatedBytes). */
  private inflateBudget: number;

  private readonly inflateLimit: number;

  constructor(
    private readonly fileLabel: string,
    littleEndian: boolean,
    private readonly fileBytes: number,
  ) {
    this.littleEndian = littleEndian;
    this.inflateLimit = maxInflatedBytes(fileBytes);
    this.inflateBudget = this.inflateLimit;
  }

  /** Variable and field names come from the file: printed escaped and cut short (core/printable-excerpt.ts). */
  fail(variable: string | undefined, problem: string): never {
    const message = printableExcerpt(problem, 400);
    throw new PosebenchInputError(
      variable === undefined ? { file: this.fileLabel } : { file: this.fileLabel, field: printableExcerpt(variable, 100) },
      message,
    );
  }

  /** Reads the 8-byte (or 4-byte "small data element") tag at `pos`, checking it fits before `end`. */
  readTag(src: Source, pos: number, end: number, variable: string | undefined, what: string): Tag {
    if (end - pos < 8) {
      this.fail(variable, `truncated: ${what} at ${src.describeOffset(pos)} needs an 8-byte tag but only ${Math.max(0, end - pos)} byte(s) remain`);
    }
    const first = src.view.getUint32(pos, this.littleEndian);
    const smallBytes = first >>> 16;
    if (smallBytes !== 0) {
      // Small data element: size in the upper 16 bits, type in the lower, data in the next 4 bytes.
      const type = first & 0xffff;
      if (smallBytes > 4) this.fail(variable, `bad tag for ${what} at ${src.describeOffset(pos)}: small data element claims ${smallBytes} bytes (at most 4)`);
      return { type, size: smallBytes, dataStart: pos + 4, dataEnd: pos + 4 + smallBytes, next: pos + 8 };
    }
    const type = first;
    const size = src.view.getUint32(pos + 4, this.littleEndian);
    const dataStart = pos + 8;
    const dataEnd = dataStart + size;
    if (dataEnd > end) {
      this.fail(
        variable,
        `truncated or bad tag size: ${what} (${miName(type)}) at ${src.describeOffset(pos)} claims ${size} bytes but only ${end - dataStart} remain`,
      );
    }
    // Elements are padded to 8 bytes, except miCOMPRESSED. A missing final pad is tolerated.
    const next = type === MI.COMPRESSED ? dataEnd : Math.min(end, dataStart + Math.ceil(size / 8) * 8);
    return { type, size, dataStart, dataEnd, next };
  }

  /** Parses top-level variables between `start` and `end`, adding them to `out` in file order. */
  parseVariables(src: Source, start: number, end: number, insideCompressed: boolean, out: Map<string, MatValue>): void {
    let pos = start;
    while (pos < end) {
      // A file cut inside a variable: name the variable if its header survived.
      const known =
        end - pos >= 8 && src.view.getUint32(pos, this.littleEndian) === MI.MATRIX && pos + 8 + src.view.getUint32(pos + 4, this.littleEndian) > end
          ? this.peekMatrixName(src.bytes.subarray(pos, end))
          : undefined;
      const tag = this.readTag(src, pos, end, known, known === undefined ? 'variable' : `variable ${known}`);
      if (tag.type === MI.MATRIX) {
        const { name, value } = this.parseMatrix(src, tag, undefined, 0, pos);
        // MATLAB stores its function workspace as a nameless variable; scipy calls it this.
        out.set(name === '' ? '__function_workspace__' : name, value);
      } else if (tag.type === MI.COMPRESSED && !insideCompressed) {
        this.parseCompressed(src, tag, pos, out);
      } else {
        this.fail(undefined, `unexpected data element ${miName(tag.type)} at ${src.describeOffset(pos)}; a variable must be miMATRIX or miCOMPRESSED`);
      }
      pos = tag.next;
    }
  }

  private parseCompressed(src: Source, tag: Tag, tagPos: number, out: Map<string, MatValue>): void {
    const packed = src.bytes.subarray(tag.dataStart, tag.dataEnd);
    let inflated: Uint8Array;
    try {
      // `maxOutputLength` makes zlib stop (RangeError ERR_BUFFER_TOO_LARGE) instead of allocating more.
      inflated = inflateSync(packed, { maxOutputLength: Math.max(1, this.inflateBudget) });
    } catch (error) {
      const variable = this.peekCompressedName(packed);
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        this.fail(
          variable,
          `compressed data at ${src.describeOffset(tagPos)} inflates to more than ${formatBytes(this.inflateLimit)}, ` +
            `the limit for a ${formatBytes(this.fileBytes)} file (64× its size, at least 16 MiB, at most 1 GiB): refused as corrupt or a zip bomb`,
        );
      }
      this.fail(variable, `compressed variable at ${src.describeOffset(tagPos)} is corrupt or truncated (zlib: ${oneLine((error as Error).message)})`);
    }
    this.inflateBudget -= inflated.byteLength;
    const inner: Source = {
      bytes: inflated,
      view: new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength),
      describeOffset: (offset) => `byte ${offset} of the decompressed element at ${src.describeOffset(tagPos)}`,
    };
    this.parseVariables(inner, 0, inflated.byteLength, true, out);
  }

  /** Best effort: the variable name inside damaged compressed data, for the error message. */
  private peekCompressedName(packed: Uint8Array): string | undefined {
    try {
      // Only the start is needed: a few kB of input bound the output (no bomb through the back door).
      const start = packed.subarray(0, PEEK_COMPRESSED_BYTES);
      return this.peekMatrixName(inflateSync(start, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 8 * 1024 * 1024 }));
    } catch {
      return undefined;
    }
  }

  /** Best effort: the name of the miMATRIX starting at `bytes[0]`, even if its data is cut short. */
  peekMatrixName(bytes: Uint8Array): string | undefined {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // miMATRIX tag (8) + array flags (16) + dimensions element, then the name element.
    let pos = 8 + 16;
    if (bytes.byteLength < pos + 8) return undefined;
    const dimsBytes = view.getUint32(pos + 4, this.littleEndian);
    pos += 8 + Math.ceil(dimsBytes / 8) * 8;
    if (bytes.byteLength < pos + 8) return undefined;
    const first = view.getUint32(pos, this.littleEndian);
    const small = first >>> 16;
    const size = small !== 0 ? small : view.getUint32(pos + 4, this.littleEndian);
    const start = pos + (small !== 0 ? 4 : 8);
    if (size === 0 || size > 64 || bytes.byteLength < start + size) return undefined;
    const name = decodeLatin1(bytes.subarray(start, start + size));
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : undefined;
  }

  /**
   * Parses one miMATRIX element. `path` is the MATLAB-style path of this value (`undefined` for a
   * top-level variable, whose name is inside the element).
   */
  parseMatrix(src: Source, tag: Tag, path: string | undefined, depth: number, tagPos: number): { name: string; value: MatValue } {
    if (depth > MAX_NESTING) this.fail(path, `cells/structs nested more than ${MAX_NESTING} deep at ${src.describeOffset(tagPos)}`);
    const end = tag.dataEnd;
    if (tag.size === 0) {
      // MATLAB writes an empty array (e.g. an unset struct field) as a 0-byte miMATRIX; scipy reads 0×0 double.
      return { name: '', value: { kind: 'numeric', className: 'double', dims: [0, 0], data: new Float64Array(0) } };
    }
    const where = path ?? `variable at ${src.describeOffset(tagPos)}`;
    const view = src.view;

    const flagsTag = this.readTag(src, tag.dataStart, end, path, `array flags of ${where}`);
    if (flagsTag.type !== MI.UINT32 || flagsTag.size !== 8) {
      this.fail(path, `bad array flags in ${where}: expected 8 bytes of miUINT32, found ${flagsTag.size} bytes of ${miName(flagsTag.type)}`);
    }
    const flagWord = view.getUint32(flagsTag.dataStart, this.littleEndian);
    const classId = flagWord & 0xff;
    const flagBits = (flagWord >>> 8) & 0xff;

    let pos = flagsTag.next;
    const dims: number[] = [];
    if (classId !== MX.OPAQUE) {
      // Opaque objects have no dimensions sub-element.
      const dimsTag = this.readTag(src, pos, end, path, `dimensions of ${where}`);
      if (dimsTag.type !== MI.INT32 || dimsTag.size % 4 !== 0 || dimsTag.size < 8) {
        this.fail(path, `bad dimensions in ${where}: expected at least 2 miINT32 values, found ${dimsTag.size} bytes of ${miName(dimsTag.type)}`);
      }
      for (let offset = dimsTag.dataStart; offset < dimsTag.dataEnd; offset += 4) {
        const dim = view.getInt32(offset, this.littleEndian);
        if (dim < 0) this.fail(path, `bad dimensions in ${where}: negative size ${dim}`);
        dims.push(dim);
      }
      pos = dimsTag.next;
    }

    const nameTag = this.readTag(src, pos, end, path, `name of ${where}`);
    if (nameTag.type !== MI.INT8 && nameTag.type !== MI.UINT8 && nameTag.type !== MI.UTF8) {
      this.fail(path, `bad array name in ${where}: expected miINT8, found ${miName(nameTag.type)}`);
    }
    const name = decodeLatin1(src.bytes.subarray(nameTag.dataStart, nameTag.dataEnd)).replace(/\0+$/, '');
    pos = nameTag.next;
    const label = path ?? (name === '' ? where : name);

    const unsupported = UNSUPPORTED_CLASSES[classId];
    if (unsupported !== undefined) this.fail(label, `unsupported ${unsupported}; save it as a plain numeric, char, cell or struct array`);
    if (flagBits & MAT_FLAG_COMPLEX) this.fail(label, 'unsupported complex array; save the real and imaginary parts as separate real arrays');

    const count = elementCount(dims);
    let value: MatValue;
    const numericClass = MX_NUMERIC_CLASS[classId];
    if (numericClass !== undefined) {
      const data = this.readNumericData(src, pos, end, label, count);
      const numeric: MatNumericArray =
        flagBits & MAT_FLAG_LOGICAL
          ? { kind: 'numeric', className: numericClass, dims, data, logical: true }
          : { kind: 'numeric', className: numericClass, dims, data };
      value = numeric;
    } else if (classId === MX.CHAR) {
      value = this.readChar(src, pos, end, label, dims, count);
    } else if (classId === MX.CELL) {
      value = this.readCell(src, pos, end, label, dims, count, depth);
    } else if (classId === MX.STRUCT) {
      value = this.readStruct(src, pos, end, label, dims, count, depth);
    } else {
      this.fail(label, `unsupported array class ${classId}`);
    }
    return { name, value };
  }

  private readNumericData(src: Source, pos: number, end: number, label: string, count: number): Float64Array {
    if (count === 0 && end - pos < 8) return new Float64Array(0);
    const tag = this.readTag(src, pos, end, label, `data of ${label}`);
    const itemSize = MI_NUMERIC_SIZE[tag.type];
    if (itemSize === undefined) this.fail(label, `bad numeric data: stored as ${miName(tag.type)}`);
    if (tag.size !== count * itemSize) {
      this.fail(label, `bad numeric data: ${tag.size} bytes of ${miName(tag.type)} is ${tag.size / itemSize} values, but the dimensions need ${count}`);
    }
    return readNumbers(src.view, tag.type, tag.dataStart, count, this.littleEndian);
  }

  private readChar(src: Source, pos: number, end: number, label: string, dims: number[], count: number): MatCharArray {
    let units: string;
    if (count === 0 && end - pos < 8) {
      units = '';
    } else {
      const tag = this.readTag(src, pos, end, label, `characters of ${label}`);
      const raw = src.bytes.subarray(tag.dataStart, tag.dataEnd);
      units = this.decodeChars(raw, tag.type, label);
    }
    // MATLAB chars are UTF-16 code units, stored column-major.
    if (units.length !== count) {
      this.fail(label, `bad char data: ${units.length} characters, but the dimensions ${dims.join('×')} need ${count}`);
    }
    const rowCount = dims[0] ?? 0;
    const columns = rowCount === 0 ? 0 : count / rowCount;
    const rows: string[] = [];
    for (let r = 0; r < rowCount; r++) {
      let row = '';
      for (let c = 0; c < columns; c++) row += units[r + rowCount * c];
      rows.push(row);
    }
    return { kind: 'char', dims, text: rows.join('\n'), rows };
  }

  private decodeChars(raw: Uint8Array, type: number, label: string): string {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    switch (type) {
      case MI.UTF8:
        try {
          return new TextDecoder('utf-8', { fatal: true }).decode(raw);
        } catch {
          this.fail(label, 'bad char data: invalid UTF-8');
        }
      // falls through (unreachable: fail throws)
      case MI.INT8:
      case MI.UINT8:
        return decodeLatin1(raw);
      case MI.UINT16:
      case MI.UTF16: {
        if (raw.byteLength % 2 !== 0) this.fail(label, 'bad char data: odd number of bytes for 16-bit characters');
        let text = '';
        for (let i = 0; i < raw.byteLength; i += 2) text += String.fromCharCode(view.getUint16(i, this.littleEndian));
        return text;
      }
      case MI.UTF32: {
        if (raw.byteLength % 4 !== 0) this.fail(label, 'bad char data: byte count not a multiple of 4 for UTF-32');
        let text = '';
        for (let i = 0; i < raw.byteLength; i += 4) {
          const codePoint = view.getUint32(i, this.littleEndian);
          if (codePoint > 0x10ffff) this.fail(label, `bad char data: invalid code point ${codePoint}`);
          text += String.fromCodePoint(codePoint);
        }
        return text;
      }
      default:
        this.fail(label, `bad char data: stored as ${miName(type)}`);
    }
  }

  private readCell(src: Source, pos: number, end: number, label: string, dims: number[], count: number, depth: number): MatCellArray {
    // Each cell needs at least an 8-byte tag: reject absurd dimensions before looping over them.
    if (count * 8 > end - pos) this.fail(label, `truncated: cell array ${dims.join('×')} needs ${count} elements but only ${end - pos} bytes remain`);
    const cells: MatValue[] = [];
    for (let i = 0; i < count; i++) {
      const cellPath = `${label}{${i + 1}}`;
      const tag = this.readTag(src, pos, end, cellPath, `cell ${cellPath}`);
      if (tag.type !== MI.MATRIX) this.fail(cellPath, `bad cell element: expected miMATRIX, found ${miName(tag.type)}`);
      cells.push(this.parseMatrix(src, tag, cellPath, depth + 1, pos).value);
      pos = tag.next;
    }
    return { kind: 'cell', dims, cells };
  }

  private readStruct(src: Source, pos: number, end: number, label: string, dims: number[], count: number, depth: number): MatStructArray {
    const lengthTag = this.readTag(src, pos, end, label, `field-name length of ${label}`);
    if (lengthTag.type !== MI.INT32 || lengthTag.size !== 4) {
      this.fail(label, `bad struct field-name length: expected one miINT32, found ${lengthTag.size} bytes of ${miName(lengthTag.type)}`);
    }
    const nameLength = src.view.getInt32(lengthTag.dataStart, this.littleEndian);
    pos = lengthTag.next;
    const namesTag = this.readTag(src, pos, end, label, `field names of ${label}`);
    if (namesTag.type !== MI.INT8 && namesTag.type !== MI.UINT8) this.fail(label, `bad struct field names: stored as ${miName(namesTag.type)}`);
    if (nameLength <= 0 ? namesTag.size !== 0 : namesTag.size % nameLength !== 0) {
      this.fail(label, `bad struct field names: ${namesTag.size} bytes is not a multiple of the field-name length ${nameLength}`);
    }
    const fieldCount = nameLength <= 0 ? 0 : namesTag.size / nameLength;
    const fieldNames: string[] = [];
    for (let f = 0; f < fieldCount; f++) {
      const start = namesTag.dataStart + f * nameLength;
      fieldNames.push(decodeLatin1(src.bytes.subarray(start, start + nameLength)).replace(/\0.*$/s, ''));
    }
    pos = namesTag.next;
    if (count * fieldCount * 8 > end - pos) {
      this.fail(
        label,
        `truncated: struct array ${dims.join('×')} with ${fieldCount} fields needs ${count * fieldCount} values but only ${end - pos} bytes remain`,
      );
    }
    const elements: Record<string, MatValue>[] = [];
    for (let i = 0; i < count; i++) {
      const element: Record<string, MatValue> = {};
      for (const field of fieldNames) {
        const fieldPath = count === 1 ? `${label}.${field}` : `${label}(${i + 1}).${field}`;
        const tag = this.readTag(src, pos, end, fieldPath, `field ${fieldPath}`);
        if (tag.type !== MI.MATRIX) this.fail(fieldPath, `bad struct field: expected miMATRIX, found ${miName(tag.type)}`);
        element[field] = this.parseMatrix(src, tag, fieldPath, depth + 1, pos).value;
        pos = tag.next;
      }
      elements.push(element);
    }
    return { kind: 'struct', dims, fieldNames, elements };
  }
}

/** "27.0 MB" (decimal units, as file managers show sizes). */
function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} bytes`;
}

function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (const dim of dims) count *= dim;
  return count;
}

function decodeLatin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function readNumbers(view: DataView, type: number, start: number, count: number, le: boolean): Float64Array {
  const out = new Float64Array(count);
  switch (type) {
    case MI.DOUBLE:
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, le);
      break;
    case MI.SINGLE:
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, le);
      break;
    case MI.INT8:
      for (let i = 0; i < count; i++) out[i] = view.getInt8(start + i);
      break;
    case MI.UINT8:
      for (let i = 0; i < count; i++) out[i] = view.getUint8(start + i);
      break;
    case MI.INT16:
      for (let i = 0; i < count; i++) out[i] = view.getInt16(start + 2 * i, le);
      break;
    case MI.UINT16:
      for (let i = 0; i < count; i++) out[i] = view.getUint16(start + 2 * i, le);
      break;
    case MI.INT32:
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, le);
      break;
    case MI.UINT32:
      for (let i = 0; i < count; i++) out[i] = view.getUint32(start + 4 * i, le);
      break;
    // 64-bit integers beyond 2^53 lose precision in float64 (MatNumericArray keeps float64 data).
    case MI.INT64:
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(start + 8 * i, le));
      break;
    case MI.UINT64:
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigUint64(start + 8 * i, le));
      break;
    default:
      throw new Error(`readNumbers: not a numeric type ${type}`);
  }
  return out;
}

function startsWith(bytes: Uint8Array, offset: number, signature: readonly number[]): boolean {
  if (bytes.byteLength < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

/** Parses a whole MAT v5 file held in memory. `fileLabel` names the file in error messages. */
export function parseMat(bytes: Uint8Array, fileLabel: string): MatFile {
  const fail = (problem: string): never => {
    throw new PosebenchInputError({ file: fileLabel }, problem);
  };
  if (bytes.byteLength === 0) fail('empty file (0 bytes); expected a MAT v5 file');
  if (startsWith(bytes, 0, HDF5_SIGNATURE) || startsWith(bytes, 512, HDF5_SIGNATURE)) {
    fail("unsupported MAT v7.3 (HDF5) file; re-save it in MATLAB with save(..., '-v7')");
  }
  const headerText = decodeLatin1(bytes.subarray(0, Math.min(HEADER_TEXT_BYTES, bytes.byteLength)));
  if (headerText.startsWith('MATLAB 7.3')) fail("unsupported MAT v7.3 (HDF5) file; re-save it in MATLAB with save(..., '-v7')");
  if (bytes.byteLength < HEADER_BYTES) {
    fail(`truncated: ${bytes.byteLength} bytes, shorter than the 128-byte MAT v5 header`);
  }
  const endian = String.fromCharCode(bytes[126] ?? 0, bytes[127] ?? 0);
  if (endian !== 'IM' && endian !== 'MI') {
    fail(`not a MAT v5 file: header bytes 126–127 are not the endian indicator 'IM'/'MI' (MAT v4 and other formats are not supported)`);
  }
  const littleEndian = endian === 'IM';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, littleEndian);
  if (version === 0x0200) fail("unsupported MAT v7.3 (HDF5) file; re-save it in MATLAB with save(..., '-v7')");
  if (version !== 0x0100) fail(`unsupported MAT header version 0x${version.toString(16).padStart(4, '0')} (expected 0x0100, Level 5)`);

  const parser = new MatParser(fileLabel, littleEndian, bytes.byteLength);
  const variables = new Map<string, MatValue>();
  const source: Source = { bytes, view, describeOffset: (offset) => `byte ${offset}` };
  try {
    parser.parseVariables(source, HEADER_BYTES, bytes.byteLength, false, variables);
  } catch (error) {
    if (error instanceof PosebenchInputError) throw error;
    // Every read is bounds-checked; reaching this is a reader bug, still reported against the file.
    throw new PosebenchInputError({ file: fileLabel }, `internal MAT reader error: ${(error as Error).message}`);
  }
  return { headerText: headerText.replace(/[\0 ]+$/, ''), variables };
}

/** Reads and parses a MAT v5 file (synchronously). */
export function readMatFile(path: string): MatFile {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFileSync(path, 'MAT file');
  } catch (error) {
    if (error instanceof PosebenchInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new PosebenchInputError({ file: path }, `cannot read the MAT file (${code})`);
  }
  return parseMat(bytes, path);
}
