/**
 * Variable names come from the file: a MAT file whose names hold newlines, escape sequences or
 * thousands of bytes still gives a one-line message, names escaped and cut short.
 */
import { describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import { parseMat } from '../../../../src-main/formats/mat/mat-reader.ts';
import { parseMpiiGtMat } from '../../../../src-main/formats/mpii-gt-mat.ts';
import { C, T, element, matFile, matrix, numbers } from './mat-test-bytes.ts';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PosebenchInputError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]/;

describe('hostile variable names', () => {
  it('a gt .mat without the expected variables lists the names it has, escaped and cut short', () => {
    const weird = matrix({ classId: C.double, dims: [1, 1], name: 'x\n\u001b[2Jy', body: [element(T.double, numbers('double', [1]))] });
    const long = matrix({ classId: C.double, dims: [1, 1], name: 'z'.repeat(5000), body: [element(T.double, numbers('double', [1]))] });
    const file = parseMat(matFile([weird, long]), 'gt.mat');
    const message = messageOf(() => parseMpiiGtMat(file, 'gt.mat'));
    expect(message).not.toMatch(UNPRINTABLE);
    expect(message).toContain('variables present: x\\n\\x1b[2Jy, zzz');
    expect(message.length).toBeLessThan(300);
  });

  it('an error inside a variable with a hostile name names it escaped', () => {
    const bad = matrix({ classId: C.double, dims: [1, 3], name: 'p\r\nq', body: [element(T.double, numbers('double', [1]))] });
    const message = messageOf(() => parseMat(matFile([bad]), 'preds.mat'));
    expect(message).not.toMatch(UNPRINTABLE);
    expect(message).toMatch(/^preds\.mat \(p\\r\\nq\): bad numeric data/);
  });
});
