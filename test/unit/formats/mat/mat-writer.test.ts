import { describe, it, expect } from 'vitest';
import { encodeMat, DEFAULT_MAT_HEADER_TEXT } from '../../../../src-main/formats/mat/mat-writer.ts';
import { parseMat } from '../../../../src-main/formats/mat/mat-reader.ts';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import type { MatWritable } from '../../../../src-main/formats/mat/mat-types.ts';
import { C, T, charMatrix, concatBytes, element, header, matrix, numbers } from './mat-test-bytes.ts';

/** Values chosen to exercise each class's range and float rounding. */
const CASES: ReadonlyArray<[string, MatWritable, number[]]> = [
  [
    'dbl',
    { kind: 'numeric', className: 'double', dims: [2, 3], data: [0.1, -1e308, Number.NaN, Infinity, -0, 1 / 3] },
    [0.1, -1e308, Number.NaN, Infinity, -0, 1 / 3],
  ],
  ['sgl', { kind: 'numeric', className: 'single', dims: [3, 1], data: [0.1, 1e10, -2.5] }, [Math.fround(0.1), Math.fround(1e10), -2.5]],
  ['u8', { kind: 'numeric', className: 'uint8', dims: [1, 4], data: [0, 1, 254, 255] }, [0, 1, 254, 255]],
  ['i32', { kind: 'numeric', className: 'int32', dims: [1, 3], data: [-2147483648, 0, 2147483647] }, [-2147483648, 0, 2147483647]],
  ['tiny', { kind: 'numeric', className: 'uint8', dims: [1, 1], data: [7] }, [7]],
  ['threeD', { kind: 'numeric', className: 'double', dims: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }, [1, 2, 3, 4, 5, 6, 7, 8]],
  ['empty', { kind: 'numeric', className: 'double', dims: [0, 0], data: [] }, []],
  ['dblAsU8', { kind: 'numeric', className: 'double', storage: 'uint8', dims: [2, 2], data: [0, 1, 1, 0] }, [0, 1, 1, 0]],
  ['dblAsI16', { kind: 'numeric', className: 'double', storage: 'int16', dims: [1, 2], data: [-300, 300] }, [-300, 300]],
];

function roundTrip(compress: boolean): void {
  const bytes = encodeMat(
    [...CASES.map(([name, value]) => [name, value] as const), ['joints', { kind: 'cell-of-strings', dims: [1, 4], strings: ['rank', 'upper_neck', '', 'é€'] }]],
    { compress },
  );
  const mat = parseMat(bytes, 'roundtrip.mat');
  expect(mat.headerText).toBe(DEFAULT_MAT_HEADER_TEXT);
  expect([...mat.variables.keys()]).toEqual([...CASES.map(([name]) => name), 'joints']);
  for (const [name, written, expected] of CASES) {
    const read = mat.variables.get(name);
    expect(read?.kind, name).toBe('numeric');
    if (read?.kind !== 'numeric' || written.kind !== 'numeric') continue;
    expect(read.className, name).toBe(written.className);
    expect(read.dims, name).toEqual(written.dims);
    expect([...read.data], name).toEqual(expected);
  }
  const joints = mat.variables.get('joints');
  expect(joints).toEqual({
    kind: 'cell',
    dims: [1, 4],
    cells: [
      { kind: 'char', dims: [1, 4], text: 'rank', rows: ['rank'] },
      { kind: 'char', dims: [1, 10], text: 'upper_neck', rows: ['upper_neck'] },
      { kind: 'char', dims: [0, 0], text: '', rows: [] },
      { kind: 'char', dims: [1, 2], text: 'é€', rows: ['é€'] },
    ],
  });
}

describe('encodeMat → parseMat round trip', () => {
  it('plain: every writable class, dims, NaN/±Inf/−0, compact storage, cell of strings', () => roundTrip(false));
  it('compressed (one miCOMPRESSED per variable)', () => roundTrip(true));

  it('writes the header, version 0x0100 and the IM endian indicator', () => {
    const bytes = encodeMat([], { headerText: 'MATLAB 5.0 MAT-file, Platform: posix, Created on: test' });
    expect(bytes.byteLength).toBe(128);
    expect(new TextDecoder().decode(bytes.subarray(0, 54))).toBe('MATLAB 5.0 MAT-file, Platform: posix, Created on: test');
    expect(bytes[60]).toBe(0x20);
    expect([...bytes.subarray(116, 128)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x49, 0x4d]);
  });

  it('lays out a plain variable byte for byte as the MAT v5 spec (and the original MATLAB file) does', () => {
    // Expected bytes built by the independent test builder: flags, dims, full-tag name, data.
    const expected = concatBytes([
      header(DEFAULT_MAT_HEADER_TEXT),
      matrix({ classId: C.double, dims: [1, 2], name: 'abc', body: [element(T.double, numbers('double', [1.5, -2]))] }),
      matrix({ classId: C.double, dims: [1, 3], name: 'mm', body: [element(T.uint8, Uint8Array.of(0, 1, 1), { small: true })] }),
      matrix({ classId: C.cell, dims: [1, 2], name: 'names', body: [charMatrix('rank'), charMatrix('head_top')] }),
    ]);
    const actual = encodeMat([
      ['abc', { kind: 'numeric', className: 'double', dims: [1, 2], data: [1.5, -2] }],
      ['mm', { kind: 'numeric', className: 'double', storage: 'uint8', dims: [1, 3], data: [0, 1, 1] }],
      ['names', { kind: 'cell-of-strings', dims: [1, 2], strings: ['rank', 'head_top'] }],
    ]);
    expect(Buffer.from(actual).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
  });

  it('rejects values, dims and names that cannot be written, naming the variable', () => {
    const bad: ReadonlyArray<[string, MatWritable, RegExp]> = [
      ['a', { kind: 'numeric', className: 'uint8', dims: [1, 1], data: [256] }, /value 256 at index 0 is not a uint8/],
      ['b', { kind: 'numeric', className: 'int32', dims: [1, 1], data: [0.5] }, /not a int32/],
      ['c', { kind: 'numeric', className: 'double', dims: [1, 3], data: [1, 2] }, /2 values but dimensions \[1, 3\] need 3/],
      ['d', { kind: 'numeric', className: 'double', dims: [4], data: [1, 2, 3, 4] }, /at least 2 entries/],
      ['e', { kind: 'numeric', className: 'double', storage: 'uint8', dims: [1, 1], data: [0.5] }, /cannot be stored exactly as uint8/],
      ['f', { kind: 'numeric', className: 'double', storage: 'single', dims: [1, 1], data: [0.1] }, /cannot be stored exactly as single/],
      ['g', { kind: 'numeric', className: 'uint8', storage: 'double', dims: [1, 1], data: [1] }, /class uint8 cannot be stored as double/],
      ['h', { kind: 'cell-of-strings', dims: [1, 3], strings: ['x'] }, /1 strings but cell dimensions \[1, 3\] need 3/],
      ['i', { kind: 'numeric', className: 'double', dims: [1, -1], data: [] }, /bad dimension -1/],
      ['_bad', { kind: 'numeric', className: 'double', dims: [1, 1], data: [1] }, /not a valid MATLAB variable name/],
    ];
    for (const [name, value, message] of bad) {
      let caught: unknown;
      try {
        encodeMat([[name, value]]);
      } catch (error) {
        caught = error;
      }
      expect(caught, name).toBeInstanceOf(PosebenchInputError);
      expect((caught as PosebenchInputError).location.field, name).toBe(name);
      expect((caught as Error).message, name).toMatch(message);
    }
    expect(() =>
      encodeMat([
        ['x', CASES[0]![1]],
        ['x', CASES[0]![1]],
      ]),
    ).toThrow(/written twice/);
    expect(() => encodeMat([], { headerText: 'x'.repeat(117) })).toThrow(/at most 116/);
  });
});
