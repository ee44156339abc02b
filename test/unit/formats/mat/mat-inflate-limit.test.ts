/**
 * The cap on what miCOMPRESSED elements may inflate to (mat-reader.ts maxInflatedBytes): a zlib bomb
 * is refused by zlib before the memory is spent, naming the file and variable; ordinary compressible
 * files below the floor still read.
 */
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import { maxInflatedBytes, parseMat } from '../../../../src-main/formats/mat/mat-reader.ts';
import { C, T, compressed, element, matFile, matrix, numbers } from './mat-test-bytes.ts';

const LABEL = 'bomb.mat';
const MiB = 1024 * 1024;

/** A valid uint8 variable of `bytes` zeros, deflated: a few kB that inflate to `bytes`. */
function zeroVariable(name: string, bytes: number): Uint8Array {
  // Built around one zero buffer: element() copies the payload once, deflate reads it.
  return compressed(matrix({ classId: C.uint8, dims: [bytes, 1], name, body: [element(T.uint8, new Uint8Array(bytes))] }));
}

function parseError(bytes: Uint8Array): PosebenchInputError {
  try {
    parseMat(bytes, LABEL);
  } catch (error) {
    expect(error).toBeInstanceOf(PosebenchInputError);
    return error as PosebenchInputError;
  }
  throw new Error('expected the file to be refused');
}

describe('MAT reader: inflated-size cap on compressed elements', () => {
  it('the cap is 64× the file size, at least 16 MiB, at most 1 GiB', () => {
    expect(maxInflatedBytes(1_000)).toBe(16 * MiB);
    expect(maxInflatedBytes(420_000)).toBe(26_880_000);
    expect(maxInflatedBytes(100 * MiB)).toBe(1024 * MiB);
  });

  it('a zlib bomb (40 kB inflating to 40 MiB) is refused by zlib with one line naming file and variable', () => {
    const file = matFile([zeroVariable('preds', 40 * MiB)]);
    expect(file.byteLength).toBeLessThan(64 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const error = parseError(file);
    expect(error.location).toEqual({ file: LABEL, field: 'preds' });
    expect(error.message).toMatch(
      /^bomb\.mat \(preds\): compressed data at byte 128 inflates to more than 16\.8 MB, the limit for a [\d.]+ kB file \(64× its size, at least 16 MiB, at most 1 GiB\): refused as corrupt or a zip bomb$/,
    );
    // zlib stopped at the cap: no 40 MiB buffer (nor the 320 MiB of float64 values it would become) was kept.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(24 * MiB);
  });

  it('the cap holds for the whole file: many small bombs add up', () => {
    const parts = Array.from({ length: 5 }, (_, i) => zeroVariable(`v${i}`, 4 * MiB));
    const error = parseError(matFile(parts));
    // 16 MiB allow v0..v3 (4 × 4 MiB + headers just over it): the fourth or fifth is refused.
    expect(error.location.field).toMatch(/^v[34]$/);
    expect(error.message).toMatch(/zip bomb/);
  });

  it('a small, highly compressible but ordinary file still reads (floor of 16 MiB)', () => {
    // 2958 persons × 16 joints × 2 of zeros as double: 757 kB from about 1 kB of deflate.
    const count = 2958 * 16 * 2;
    const preds = compressed(
      matrix({ classId: C.double, dims: [2958, 16, 2], name: 'preds', body: [element(T.double, numbers('double', new Array<number>(count).fill(0)))] }),
    );
    const file = matFile([preds]);
    expect(file.byteLength * 64).toBeLessThan(count * 8);
    const value = parseMat(file, LABEL).variables.get('preds');
    expect(value?.kind).toBe('numeric');
    expect(value?.dims).toEqual([2958, 16, 2]);
  });

  it('a corrupt element still reports zlib corruption, not the cap', () => {
    const broken = element(T.compressed, deflateSync(new Uint8Array(1000)).subarray(0, 6), { noPadding: true });
    expect(parseError(matFile([broken])).message).toMatch(/corrupt or truncated/);
  });
});
