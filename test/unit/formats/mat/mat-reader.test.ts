import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMat, readMatFile } from '../../../../src-main/formats/mat/mat-reader.ts';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import type { MatValue } from '../../../../src-main/formats/mat/mat-types.ts';
import { C, FLAG_COMPLEX, FLAG_LOGICAL, T, ascii, charMatrix, compressed, concatBytes, element, header, matFile, matrix, numbers } from './mat-test-bytes.ts';

const LABEL = 'test/hand-built.mat';

function expectInputError(run: () => unknown, ...fragments: (string | RegExp)[]): PosebenchInputError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PosebenchInputError);
  const error = caught as PosebenchInputError;
  for (const fragment of fragments) expect(error.message).toMatch(fragment);
  expect(error.message).not.toMatch(/internal/);
  return error;
}

function numericOf(value: MatValue | undefined): { className: string; dims: readonly number[]; data: number[]; logical?: boolean } {
  if (value?.kind !== 'numeric') throw new Error(`expected numeric, got ${value?.kind}`);
  return { className: value.className, dims: value.dims, data: [...value.data], ...(value.logical ? { logical: true } : {}) };
}

describe('parseMat: numeric classes and stored types', () => {
  it('reads every numeric class, converting the stored type to float64 (column-major kept)', () => {
    // A 2×3 matrix [1 2 3; 4 5 6] is stored column-major as 1 4 2 5 3 6.
    const colMajor = [1, 4, 2, 5, 3, 6];
    const file = matFile([
      matrix({ classId: C.double, dims: [2, 3], name: 'd', body: [element(T.double, numbers('double', [0.1, -2.5e300, Number.NaN, Infinity, -0, 6]))] }),
      matrix({ classId: C.single, dims: [1, 2], name: 's', body: [element(T.single, numbers('single', [0.1, -3]))] }),
      matrix({ classId: C.int8, dims: [1, 2], name: 'i8', body: [element(T.int8, numbers('int8', [-128, 127]), { small: true })] }),
      matrix({ classId: C.uint8, dims: [2, 3], name: 'u8', body: [element(T.uint8, numbers('uint8', colMajor))] }),
      matrix({ classId: C.int16, dims: [1, 2], name: 'i16', body: [element(T.int16, numbers('int16', [-32768, 32767]), { small: true })] }),
      matrix({ classId: C.uint16, dims: [1, 1], name: 'u16', body: [element(T.uint16, numbers('uint16', [65535]), { small: true })] }),
      matrix({ classId: C.int32, dims: [1, 2], name: 'i32', body: [element(T.int32, numbers('int32', [-2147483648, 2147483647]))] }),
      matrix({ classId: C.uint32, dims: [1, 1], name: 'u32', body: [element(T.uint32, numbers('uint32', [4294967295]), { small: true })] }),
      matrix({ classId: C.int64, dims: [1, 2], name: 'i64', body: [element(T.int64, numbers('int64', [-(2n ** 53n), 42n]))] }),
      matrix({ classId: C.uint64, dims: [1, 1], name: 'u64', body: [element(T.uint64, numbers('uint64', [2n ** 53n]))] }),
      // MATLAB's compact storage: class double, values stored as miUINT8 / miINT16.
      matrix({ classId: C.double, dims: [2, 3], name: 'dAsU8', body: [element(T.uint8, numbers('uint8', colMajor))] }),
      matrix({ classId: C.double, dims: [1, 2], name: 'dAsI16', body: [element(T.int16, numbers('int16', [-300, 300]), { small: true })] }),
      matrix({ classId: C.uint8, flags: FLAG_LOGICAL, dims: [1, 3], name: 'mask', body: [element(T.uint8, numbers('uint8', [1, 0, 1]), { small: true })] }),
      matrix({ classId: C.double, dims: [0, 0], name: 'empty', body: [element(T.double, new Uint8Array(0))] }),
    ]);
    const mat = parseMat(file, LABEL);
    expect([...mat.variables.keys()]).toEqual(['d', 's', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'dAsU8', 'dAsI16', 'mask', 'empty']);
    expect(mat.headerText).toBe('MATLAB 5.0 MAT-file, hand-built by posebench tests');
    const d = numericOf(mat.variables.get('d'));
    expect(d.className).toBe('double');
    expect(d.dims).toEqual([2, 3]);
    expect(d.data).toEqual([0.1, -2.5e300, Number.NaN, Infinity, -0, 6]);
    expect(Object.is(d.data[4], -0)).toBe(true);
    expect(numericOf(mat.variables.get('s'))).toEqual({ className: 'single', dims: [1, 2], data: [Math.fround(0.1), -3] });
    expect(numericOf(mat.variables.get('i8')).data).toEqual([-128, 127]);
    expect(numericOf(mat.variables.get('u8'))).toEqual({ className: 'uint8', dims: [2, 3], data: colMajor });
    expect(numericOf(mat.variables.get('i16')).data).toEqual([-32768, 32767]);
    expect(numericOf(mat.variables.get('u16')).data).toEqual([65535]);
    expect(numericOf(mat.variables.get('i32')).data).toEqual([-2147483648, 2147483647]);
    expect(numericOf(mat.variables.get('u32')).data).toEqual([4294967295]);
    expect(numericOf(mat.variables.get('i64'))).toEqual({ className: 'int64', dims: [1, 2], data: [-(2 ** 53), 42] });
    expect(numericOf(mat.variables.get('u64'))).toEqual({ className: 'uint64', dims: [1, 1], data: [2 ** 53] });
    expect(numericOf(mat.variables.get('dAsU8'))).toEqual({ className: 'double', dims: [2, 3], data: colMajor });
    expect(numericOf(mat.variables.get('dAsI16'))).toEqual({ className: 'double', dims: [1, 2], data: [-300, 300] });
    expect(numericOf(mat.variables.get('mask'))).toEqual({ className: 'uint8', dims: [1, 3], data: [1, 0, 1], logical: true });
    expect(numericOf(mat.variables.get('empty'))).toEqual({ className: 'double', dims: [0, 0], data: [] });
  });

  it('reads a big-endian (MI) file', () => {
    const be = { bigEndian: true };
    const file = matFile(
      [
        matrix({ ...be, classId: C.double, dims: [1, 3], name: 'x', body: [element(T.double, numbers('double', [1.5, -2, 1e-300], true), be)] }),
        matrix({
          ...be,
          classId: C.int16,
          dims: [1, 2],
          name: 'y',
          smallName: true,
          body: [element(T.int16, numbers('int16', [-2, 513], true), { ...be, small: true })],
        }),
        matrix({ ...be, classId: C.char, dims: [1, 2], name: 'c', body: [element(T.uint16, numbers('uint16', [0x48, 0x3a9], true), { ...be, small: true })] }),
      ],
      be,
    );
    const mat = parseMat(file, LABEL);
    expect(numericOf(mat.variables.get('x')).data).toEqual([1.5, -2, 1e-300]);
    expect(numericOf(mat.variables.get('y')).data).toEqual([-2, 513]);
    expect(mat.variables.get('c')).toMatchObject({ kind: 'char', text: 'H\u03a9' });
  });

  it('reads compressed variables next to plain ones (no padding after miCOMPRESSED)', () => {
    const a = matrix({ classId: C.double, dims: [1, 1], name: 'a', smallName: true, body: [element(T.double, numbers('double', [7]))] });
    const b = matrix({ classId: C.int32, dims: [1, 3], name: 'b', smallName: true, body: [element(T.int32, numbers('int32', [1, 2, 3]))] });
    const packed = compressed(a);
    const file = matFile([packed, b, compressed(b)]);
    // deflate output is rarely a multiple of 8: the next element must start right after it.
    const mat = parseMat(file, LABEL);
    expect(numericOf(mat.variables.get('a')).data).toEqual([7]);
    expect(numericOf(mat.variables.get('b')).data).toEqual([1, 2, 3]);
  });
});

describe('parseMat: char, cell and struct arrays', () => {
  it('decodes char data stored as miUTF8, miUINT8, miUINT16, miUTF16 and miUTF32, and char matrices by row', () => {
    const file = matFile([
      matrix({ classId: C.char, dims: [1, 4], name: 'u8', body: [element(T.utf8, ascii('head'), { small: true })] }),
      matrix({ classId: C.char, dims: [1, 3], name: 'latin', body: [element(T.uint8, Uint8Array.of(0x63, 0x61, 0xe9))] }),
      matrix({ classId: C.char, dims: [1, 2], name: 'utf8multi', body: [element(T.utf8, new TextEncoder().encode('é€'))] }),
      matrix({
        classId: C.char,
        dims: [1, 5],
        name: 'u16',
        body: [
          element(
            T.uint16,
            numbers(
              'uint16',
              [...'thorx'].map((ch) => ch.charCodeAt(0)),
            ),
          ),
        ],
      }),
      matrix({ classId: C.char, dims: [1, 2], name: 'utf16', body: [element(T.utf16, numbers('uint16', [0x41, 0x20ac]), { small: true })] }),
      matrix({ classId: C.char, dims: [1, 1], name: 'utf32', body: [element(T.utf32, numbers('uint32', [0x42]), { small: true })] }),
      // ['ab'; 'cd'] column-major: a c b d
      matrix({ classId: C.char, dims: [2, 2], name: 'rows', body: [element(T.uint16, numbers('uint16', [0x61, 0x63, 0x62, 0x64]))] }),
      matrix({ classId: C.char, dims: [0, 0], name: 'none', body: [element(T.utf8, new Uint8Array(0))] }),
    ]);
    const mat = parseMat(file, LABEL);
    expect(mat.variables.get('u8')).toEqual({ kind: 'char', dims: [1, 4], text: 'head', rows: ['head'] });
    expect(mat.variables.get('latin')).toMatchObject({ text: 'caé' });
    expect(mat.variables.get('utf8multi')).toMatchObject({ text: 'é€' });
    expect(mat.variables.get('u16')).toMatchObject({ text: 'thorx' });
    expect(mat.variables.get('utf16')).toMatchObject({ text: 'A€' });
    expect(mat.variables.get('utf32')).toMatchObject({ text: 'B' });
    expect(mat.variables.get('rows')).toEqual({ kind: 'char', dims: [2, 2], text: 'ab\ncd', rows: ['ab', 'cd'] });
    expect(mat.variables.get('none')).toEqual({ kind: 'char', dims: [0, 0], text: '', rows: [] });
  });

  it('reads a cell array of strings and mixed cells, column-major', () => {
    const file = matFile([
      matrix({ classId: C.cell, dims: [1, 3], name: 'names', body: [charMatrix('rank'), charMatrix('rkne'), charMatrix('upper_neck')] }),
      matrix({
        classId: C.cell,
        dims: [2, 1],
        name: 'mixed',
        body: [
          matrix({ classId: C.double, dims: [1, 1], name: '', body: [element(T.double, numbers('double', [3.25]))] }),
          matrix({ classId: C.cell, dims: [1, 1], name: '', body: [charMatrix('deep')] }),
        ],
      }),
      // A 0-byte miMATRIX is MATLAB's empty value (read as 0×0 double, like scipy).
      matrix({ classId: C.cell, dims: [1, 1], name: 'holder', body: [element(T.matrix, new Uint8Array(0))] }),
    ]);
    const mat = parseMat(file, LABEL);
    const names = mat.variables.get('names');
    expect(names?.kind).toBe('cell');
    if (names?.kind !== 'cell') return;
    expect(names.dims).toEqual([1, 3]);
    expect(names.cells.map((cell) => (cell.kind === 'char' ? cell.text : cell.kind))).toEqual(['rank', 'rkne', 'upper_neck']);
    const mixed = mat.variables.get('mixed');
    expect(mixed).toEqual({
      kind: 'cell',
      dims: [2, 1],
      cells: [
        { kind: 'numeric', className: 'double', dims: [1, 1], data: Float64Array.of(3.25) },
        { kind: 'cell', dims: [1, 1], cells: [{ kind: 'char', dims: [1, 4], text: 'deep', rows: ['deep'] }] },
      ],
    });
    expect(mat.variables.get('holder')).toEqual({
      kind: 'cell',
      dims: [1, 1],
      cells: [{ kind: 'numeric', className: 'double', dims: [0, 0], data: new Float64Array(0) }],
    });
  });

  it('reads struct arrays (field-name length, names, values per element and field)', () => {
    const nameLength = 32;
    const fieldNames = new Uint8Array(nameLength * 2);
    fieldNames.set(ascii('image'), 0);
    fieldNames.set(ascii('scale'), nameLength);
    const value = (x: number): Uint8Array => matrix({ classId: C.double, dims: [1, 1], name: '', body: [element(T.double, numbers('double', [x]))] });
    const file = matFile([
      matrix({
        classId: C.struct,
        dims: [1, 2],
        name: 'people',
        body: [
          element(T.int32, numbers('int32', [nameLength]), { small: true }),
          element(T.int8, fieldNames),
          charMatrix('a.jpg'),
          value(1.5),
          charMatrix('b.jpg'),
          value(2.5),
        ],
      }),
      matrix({
        classId: C.struct,
        dims: [1, 1],
        name: 'nofields',
        body: [element(T.int32, numbers('int32', [1]), { small: true }), element(T.int8, new Uint8Array(0))],
      }),
    ]);
    const mat = parseMat(file, LABEL);
    const people = mat.variables.get('people');
    expect(people?.kind).toBe('struct');
    if (people?.kind !== 'struct') return;
    expect(people.dims).toEqual([1, 2]);
    expect(people.fieldNames).toEqual(['image', 'scale']);
    expect(people.elements.map((e) => [e.image?.kind === 'char' ? e.image.text : '?', e.scale?.kind === 'numeric' ? e.scale.data[0] : '?'])).toEqual([
      ['a.jpg', 1.5],
      ['b.jpg', 2.5],
    ]);
    expect(mat.variables.get('nofields')).toEqual({ kind: 'struct', dims: [1, 1], fieldNames: [], elements: [{}] });
  });

  it('accepts a header with no variables', () => {
    expect(parseMat(matFile([]), LABEL).variables.size).toBe(0);
  });
});

describe('parseMat: unsupported content and bad files give PosebenchInputError naming file and variable', () => {
  it('empty file', () => {
    const error = expectInputError(() => parseMat(new Uint8Array(0), LABEL), LABEL, /empty file/);
    expect(error.location).toEqual({ file: LABEL });
  });

  it('short header, MAT v4 / other files, bad version', () => {
    expectInputError(() => parseMat(header('MATLAB 5.0').subarray(0, 100), LABEL), /truncated/, /128-byte/);
    // A MAT v4 file starts with a numeric type code, not header text.
    const v4 = new Uint8Array(200);
    new DataView(v4.buffer).setInt32(0, 0, true);
    expectInputError(() => parseMat(v4, LABEL), /not a MAT v5 file/);
    expectInputError(() => parseMat(header('MATLAB 5.0', { version: 0x0300 }), LABEL), /unsupported MAT header version 0x0300/);
  });

  it('MAT v7.3 (HDF5) files', () => {
    const v73 = new Uint8Array(1024);
    v73.set(header('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 .', { version: 0x0200 }));
    v73.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 512);
    expectInputError(() => parseMat(v73, LABEL), LABEL, /unsupported MAT v7\.3 \(HDF5\)/);
    const bareHdf5 = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0);
    expectInputError(() => parseMat(bareHdf5, LABEL), /unsupported MAT v7\.3/);
    expectInputError(() => parseMat(header('MATLAB 7.3 MAT-file', { version: 0x0200 }), LABEL), /unsupported MAT v7\.3/);
  });

  it('complex, sparse, object, function handle and opaque arrays name the variable', () => {
    const complex = matrix({
      classId: C.double,
      flags: FLAG_COMPLEX,
      dims: [1, 1],
      name: 'zz',
      body: [element(T.double, numbers('double', [1])), element(T.double, numbers('double', [2]))],
    });
    let error = expectInputError(() => parseMat(matFile([complex]), LABEL), LABEL, /unsupported complex/, /\(zz\)/);
    expect(error.location).toEqual({ file: LABEL, field: 'zz' });
    const sparse = matrix({
      classId: C.sparse,
      dims: [3, 3],
      name: 'sp',
      body: [element(T.int32, numbers('int32', [0])), element(T.int32, numbers('int32', [0, 1, 1, 1])), element(T.double, numbers('double', [5]))],
    });
    error = expectInputError(() => parseMat(matFile([compressed(sparse)]), LABEL), /unsupported sparse/);
    expect(error.location.field).toBe('sp');
    const object = matrix({ classId: C.object, dims: [1, 1], name: 'obj', body: [element(T.int8, ascii('MyClass'))] });
    expectInputError(() => parseMat(matFile([object]), LABEL), /unsupported MATLAB object/, /\(obj\)/);
    const handle = matrix({ classId: C.function, dims: [1, 1], name: 'fh', body: [] });
    expectInputError(() => parseMat(matFile([handle]), LABEL), /unsupported function handle/, /\(fh\)/);
    // Opaque objects (MATLAB strings, tables) have no dimensions sub-element: flags, name, ...
    const opaqueContent = concatBytes([element(T.uint32, numbers('uint32', [C.opaque, 0])), element(T.int8, ascii('label')), element(T.int8, ascii('MCOS'))]);
    expectInputError(() => parseMat(matFile([element(T.matrix, opaqueContent)]), LABEL), /unsupported opaque/, /\(label\)/);
    // Nested: the error names the path inside the variable.
    const nested = matrix({ classId: C.cell, dims: [1, 2], name: 'outer', body: [charMatrix('ok'), complex] });
    error = expectInputError(() => parseMat(matFile([nested]), LABEL), /unsupported complex/);
    expect(error.location.field).toBe('outer{2}');
  });

  it('bad tag sizes and inconsistent elements', () => {
    const good = matrix({ classId: C.double, dims: [1, 2], name: 'v', smallName: true, body: [element(T.double, numbers('double', [1, 2]))] });
    // Top-level tag claiming more bytes than the file has.
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(4, 0xfffffff0, true);
    expectInputError(() => parseMat(matFile([huge]), LABEL), LABEL, /claims 4294967280 bytes/);
    // Small element claiming 7 bytes.
    const badSmall = matrix({ classId: C.double, dims: [1, 1], name: 'w', body: [element(T.uint8, Uint8Array.of(1), { small: true, declaredSize: 7 })] });
    expectInputError(() => parseMat(matFile([badSmall]), LABEL), /small data element claims 7 bytes/, /\(w\)/);
    // Data count that does not match the dimensions.
    const shortData = matrix({ classId: C.double, dims: [2, 2], name: 'm', body: [element(T.double, numbers('double', [1, 2, 3]))] });
    expectInputError(() => parseMat(matFile([shortData]), LABEL), /dimensions need 4/, /\(m\)/);
    // Inner data element running past its miMATRIX.
    const inner = matrix({
      classId: C.double,
      dims: [1, 1],
      name: 'q',
      smallName: true,
      body: [element(T.double, numbers('double', [1]), { declaredSize: 64 })],
    });
    expectInputError(() => parseMat(matFile([inner]), LABEL), /claims 64 bytes/, /\(q\)/);
    // A cell claiming a billion cells.
    const bigCell = matrix({ classId: C.cell, dims: [1, 1_000_000_000], name: 'cc', body: [charMatrix('x')] });
    expectInputError(() => parseMat(matFile([bigCell]), LABEL), /cell array/, /\(cc\)/);
    // Negative dimension, wrong flags type, non-matrix top-level element.
    const negative = matrix({ classId: C.double, dims: [1, -1], name: 'neg', body: [] });
    expectInputError(() => parseMat(matFile([negative]), LABEL), /negative size/);
    expectInputError(() => parseMat(matFile([element(T.double, numbers('double', [1]))]), LABEL), /unexpected data element miDOUBLE at byte 128/);
    // Numeric data stored as a non-numeric type.
    const charData = matrix({ classId: C.double, dims: [1, 1], name: 'ch', body: [element(T.utf8, ascii('a'), { small: true })] });
    expectInputError(() => parseMat(matFile([charData]), LABEL), /stored as miUTF8/, /\(ch\)/);
    // Char count mismatching its dims.
    const charCount = matrix({ classId: C.char, dims: [1, 5], name: 'txt', body: [element(T.utf8, ascii('abc'), { small: true })] });
    expectInputError(() => parseMat(matFile([charCount]), LABEL), /3 characters/, /\(txt\)/);
  });

  it('corrupt compressed data names the variable when its name can be recovered', () => {
    const variable = matrix({
      classId: C.double,
      dims: [1, 400],
      name: 'pos_gt_src',
      body: [
        element(
          T.double,
          numbers(
            'double',
            Array.from({ length: 400 }, (_, i) => i * 1.37),
          ),
        ),
      ],
    });
    const packed = compressed(variable);
    const cut = packed.slice(0, packed.byteLength - 200);
    new DataView(cut.buffer).setUint32(4, cut.byteLength - 8, true);
    const error = expectInputError(() => parseMat(matFile([cut]), LABEL), /corrupt or truncated/);
    expect(error.location).toEqual({ file: LABEL, field: 'pos_gt_src' });
    const garbage = element(
      T.compressed,
      Uint8Array.from({ length: 40 }, (_, i) => (i * 73) & 0xff),
      { noPadding: true },
    );
    expectInputError(() => parseMat(matFile([garbage]), LABEL), /corrupt or truncated/);
  });

  it('truncation at every offset gives a PosebenchInputError or, at an element boundary, the variables before it', () => {
    const nameLength = 8;
    const fieldNames = new Uint8Array(nameLength);
    fieldNames.set(ascii('f'));
    const variables = [
      matrix({ classId: C.double, dims: [2, 2], name: 'dbl', body: [element(T.double, numbers('double', [1, 2, 3, 4]))] }),
      compressed(matrix({ classId: C.cell, dims: [1, 2], name: 'names', body: [charMatrix('rank'), charMatrix('upper_neck')] })),
      matrix({
        classId: C.struct,
        dims: [1, 1],
        name: 'st',
        body: [
          element(T.int32, numbers('int32', [nameLength]), { small: true }),
          element(T.int8, fieldNames),
          matrix({ classId: C.uint8, dims: [1, 3], name: '', body: [element(T.uint8, Uint8Array.of(1, 2, 3), { small: true })] }),
        ],
      }),
      compressed(matrix({ classId: C.single, dims: [3, 1], name: 'sgl', body: [element(T.single, numbers('single', [0.5, 1.5, 2.5]))] })),
    ];
    const file = matFile(variables);
    const full = parseMat(file, LABEL);
    const fullEntries = [...full.variables.entries()];
    expect(fullEntries.map(([name]) => name)).toEqual(['dbl', 'names', 'st', 'sgl']);
    let errors = 0;
    const prefixLengths: number[] = [];
    for (let length = 0; length < file.byteLength; length++) {
      const cut = file.slice(0, length);
      let result;
      try {
        result = parseMat(cut, LABEL);
      } catch (error) {
        expect(error).toBeInstanceOf(PosebenchInputError);
        expect((error as Error).message.startsWith(LABEL)).toBe(true);
        expect((error as Error).message).not.toMatch(/internal/);
        // Cut after the first variable's name element (tag 8 + flags 16 + dims 16 + name 16 bytes):
        // the error names it.
        if (length >= 128 + 56 && length < 128 + variables[0]!.byteLength) {
          expect((error as PosebenchInputError).location.field, `length ${length}`).toBe('dbl');
        }
        errors++;
        continue;
      }
      const entries = [...result.variables.entries()];
      expect(entries.length).toBeLessThan(fullEntries.length);
      expect(entries).toEqual(fullEntries.slice(0, entries.length));
      prefixLengths.push(length);
    }
    // The only truncations that parse are the ends of the header and of each complete variable
    // (the uncompressed 'dbl' and 'st' are whole multiples of 8, so no pad to tolerate).
    let boundary = 128;
    const boundaries = [boundary];
    for (const variable of variables.slice(0, -1)) boundaries.push((boundary += variable.byteLength));
    expect(prefixLengths).toEqual(boundaries);
    expect(errors).toBe(file.byteLength - boundaries.length);
  });
});

describe('readMatFile', () => {
  it('reads from disk and reports unreadable paths as PosebenchInputError', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-mat-'));
    try {
      const file = path.join(dir, 'one.mat');
      writeFileSync(file, matFile([matrix({ classId: C.double, dims: [1, 1], name: 'x', body: [element(T.double, numbers('double', [9]))] })]));
      expect(numericOf(readMatFile(file).variables.get('x')).data).toEqual([9]);
      const missing = path.join(dir, 'nope.mat');
      const error = expectInputError(() => readMatFile(missing), /cannot read the MAT file \(ENOENT\)/);
      expect(error.location.file).toBe(missing);
      expectInputError(() => readMatFile(dir), /MAT file is a directory, not a regular file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
