import { describe, it, expect } from 'vitest';
import { encodeMpiiGtMat, parseMpiiGtMat } from '../../../../src-main/formats/mpii-gt-mat.ts';
import { parseMat } from '../../../../src-main/formats/mat/mat-reader.ts';
import { encodeMat } from '../../../../src-main/formats/mat/mat-writer.ts';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import { MPII_MAT_JOINT_NAMES } from '../../../../src-main/core/joints.ts';
import type { MatGroundTruth } from '../../../../src-main/core/types.ts';
import type { MatWritable } from '../../../../src-main/formats/mat/mat-types.ts';

const LABEL = 'annotations/mpii_gt_val.mat';

/** Deterministic synthetic GT: values encode (n, j, axis) so any layout mix-up shows. */
function syntheticGt(count: number): MatGroundTruth {
  const positions1Based = new Float64Array(count * 32);
  const missing = new Uint8Array(count * 16);
  const headBoxes1Based = new Float64Array(count * 4);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < 16; j++) {
      positions1Based[(n * 16 + j) * 2] = 1000 * n + 10 * j + 0.25;
      positions1Based[(n * 16 + j) * 2 + 1] = 1000 * n + 10 * j + 0.75;
      missing[n * 16 + j] = (n + j) % 5 === 0 ? 1 : 0;
    }
    headBoxes1Based.set([n + 0.5, n + 1.5, n + 40.5, n + 60.5], n * 4);
  }
  return { count, jointNames: [...MPII_MAT_JOINT_NAMES], positions1Based, missing, headBoxes1Based };
}

/** Column-major variables for the same GT, built directly from the spec §1.4 shapes. */
function specVariables(count: number, dropSingleton = true): Array<[string, MatWritable]> {
  const gt = syntheticGt(count);
  const pos = new Float64Array(16 * 2 * count);
  const boxes = new Float64Array(4 * count);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < 16; j++) {
      for (let a = 0; a < 2; a++) pos[j + 16 * a + 32 * n] = gt.positions1Based[(n * 16 + j) * 2 + a]!;
    }
    // headboxes_src[:, :, n] = [[x1, y1], [x2, y2]], column-major: x1 x2 y1 y2.
    boxes.set([gt.headBoxes1Based[n * 4]!, gt.headBoxes1Based[n * 4 + 2]!, gt.headBoxes1Based[n * 4 + 1]!, gt.headBoxes1Based[n * 4 + 3]!], 4 * n);
  }
  const squeeze = dropSingleton && count === 1;
  return [
    ['dataset_joints', { kind: 'cell-of-strings', dims: [1, 16], strings: [...MPII_MAT_JOINT_NAMES] }],
    ['headboxes_src', { kind: 'numeric', className: 'double', dims: squeeze ? [2, 2] : [2, 2, count], data: boxes }],
    ['pos_gt_src', { kind: 'numeric', className: 'double', dims: squeeze ? [16, 2] : [16, 2, count], data: pos }],
    ['jnt_missing', { kind: 'numeric', className: 'uint8', dims: [16, count], data: gt.missing }],
  ];
}

function parseVariables(variables: Array<[string, MatWritable]>): MatGroundTruth {
  return parseMpiiGtMat(parseMat(encodeMat(variables), LABEL), LABEL);
}

function expectGtError(variables: Array<[string, MatWritable]>, field: string, ...fragments: RegExp[]): PosebenchInputError {
  let caught: unknown;
  try {
    parseVariables(variables);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PosebenchInputError);
  const error = caught as PosebenchInputError;
  expect(error.location.file).toBe(LABEL);
  expect(error.location.field).toBe(field);
  for (const fragment of fragments) expect(error.message).toMatch(fragment);
  return error;
}

function replace(variables: Array<[string, MatWritable]>, name: string, value: MatWritable | null): Array<[string, MatWritable]> {
  return variables.flatMap(([n, v]): Array<[string, MatWritable]> => (n !== name ? [[n, v]] : value === null ? [] : [[n, value]]));
}

describe('parseMpiiGtMat: spec §1.4 layouts', () => {
  it('converts column-major (16,2,N), (16,N), (2,2,N) into MatGroundTruth layouts', () => {
    expect(parseVariables(specVariables(3))).toEqual(syntheticGt(3));
  });

  it('accepts N = 1 with MATLAB-dropped trailing singleton dims, and with them kept', () => {
    expect(parseVariables(specVariables(1, true))).toEqual(syntheticGt(1));
    expect(parseVariables(specVariables(1, false))).toEqual(syntheticGt(1));
  });

  it('accepts N = 0', () => {
    expect(parseVariables(specVariables(0))).toEqual(syntheticGt(0));
  });
});

describe('parseMpiiGtMat: bad files name file, variable, found and expected shapes', () => {
  const good = specVariables(4);
  const data = (n: number): Float64Array => new Float64Array(n);

  it('missing variables', () => {
    for (const name of ['pos_gt_src', 'jnt_missing', 'headboxes_src', 'dataset_joints']) {
      expectGtError(replace(good, name, null), name, new RegExp(`missing variable ${name}`));
    }
  });

  it('wrong class', () => {
    expectGtError(
      replace(good, 'pos_gt_src', { kind: 'cell-of-strings', dims: [1, 1], strings: ['x'] }),
      'pos_gt_src',
      /expected a numeric array \(16,2,N\), found cell \(1,1\)/,
    );
    expectGtError(replace(good, 'jnt_missing', { kind: 'cell-of-strings', dims: [16, 4], strings: Array(64).fill('0') }), 'jnt_missing', /found cell \(16,4\)/);
    expectGtError(
      replace(good, 'dataset_joints', { kind: 'numeric', className: 'double', dims: [1, 16], data: data(16) }),
      'dataset_joints',
      /expected a \(1,16\) cell of strings, found double \(1,16\)/,
    );
    // A cell holding a number instead of a joint name.
    const encodedNumberCell = encodeMat(replace(good, 'dataset_joints', null));
    const mat = parseMat(encodedNumberCell, LABEL);
    const variables = new Map(mat.variables);
    variables.set('dataset_joints', {
      kind: 'cell',
      dims: [1, 16],
      cells: Array.from({ length: 16 }, () => ({ kind: 'numeric', className: 'double', dims: [1, 1], data: data(1) }) as const),
    });
    expect(() => parseMpiiGtMat({ headerText: '', variables }, LABEL)).toThrow(/dataset_joints\{1\}\): expected a string, found double \(1,1\)/);
  });

  it('wrong shapes and inconsistent person counts', () => {
    expectGtError(
      replace(good, 'pos_gt_src', { kind: 'numeric', className: 'double', dims: [16, 3, 4], data: data(192) }),
      'pos_gt_src',
      /found \(16,3,4\), expected \(16,2,N\)/,
    );
    expectGtError(replace(good, 'pos_gt_src', { kind: 'numeric', className: 'double', dims: [15, 2, 4], data: data(120) }), 'pos_gt_src', /found \(15,2,4\)/);
    expectGtError(
      replace(good, 'pos_gt_src', { kind: 'numeric', className: 'double', dims: [16, 2, 4, 2], data: data(256) }),
      'pos_gt_src',
      /found \(16,2,4,2\)/,
    );
    expectGtError(
      replace(good, 'headboxes_src', { kind: 'numeric', className: 'double', dims: [2, 2, 5], data: data(20) }),
      'headboxes_src',
      /found \(2,2,5\), expected \(2,2,4\) to match pos_gt_src \(16,2,4\)/,
    );
    expectGtError(
      replace(good, 'jnt_missing', { kind: 'numeric', className: 'uint8', dims: [4, 16], data: data(64) }),
      'jnt_missing',
      /found \(4,16\), expected \(16,N\)/,
    );
    expectGtError(
      replace(good, 'jnt_missing', { kind: 'numeric', className: 'uint8', dims: [16, 3], data: data(48) }),
      'jnt_missing',
      /found \(16,3\), expected \(16,4\)/,
    );
    expectGtError(
      replace(good, 'dataset_joints', { kind: 'cell-of-strings', dims: [16, 1], strings: [...MPII_MAT_JOINT_NAMES] }),
      'dataset_joints',
      /found \(16,1\), expected \(1,16\)/,
    );
  });

  it('jnt_missing values other than 0/1 name the person', () => {
    const flags = new Float64Array(64);
    flags[2 * 16 + 5] = 2;
    const error = expectGtError(
      replace(good, 'jnt_missing', { kind: 'numeric', className: 'double', dims: [16, 4], data: flags }),
      'jnt_missing',
      /value 2 for joint 5 of person 2/,
    );
    expect(error.location.entry).toBe(2);
  });
});

describe('encodeMpiiGtMat', () => {
  for (const compress of [false, true]) {
    it(`round trips through parseMpiiGtMat (${compress ? 'compressed' : 'plain'}), N = 5, 1 and 0`, () => {
      for (const count of [5, 1, 0]) {
        const gt = syntheticGt(count);
        const mat = parseMat(encodeMpiiGtMat(gt, { compress }), LABEL);
        expect(parseMpiiGtMat(mat, LABEL)).toEqual(gt);
        // Mirrors the original MATLAB file: class double everywhere, N = 1 squeezed.
        expect([...mat.variables.keys()]).toEqual(['jnt_missing', 'pos_gt_src', 'headboxes_src', 'dataset_joints']);
        const pos = mat.variables.get('pos_gt_src');
        expect(pos?.kind === 'numeric' && pos.className).toBe('double');
        expect(pos?.dims).toEqual(count === 1 ? [16, 2] : [16, 2, count]);
        expect(mat.variables.get('headboxes_src')?.dims).toEqual(count === 1 ? [2, 2] : [2, 2, count]);
        const missing = mat.variables.get('jnt_missing');
        expect(missing?.kind === 'numeric' && missing.className).toBe('double');
        expect(missing?.dims).toEqual([16, count]);
      }
    });
  }

  it('writes the column-major spec §1.4 layout (compared with arrays built independently)', () => {
    const gt = syntheticGt(3);
    const viaGt = parseMat(encodeMpiiGtMat(gt), LABEL).variables;
    const viaSpec = new Map(specVariables(3));
    for (const name of ['pos_gt_src', 'headboxes_src', 'jnt_missing'] as const) {
      const a = viaGt.get(name);
      const b = viaSpec.get(name);
      if (a?.kind !== 'numeric' || b?.kind !== 'numeric') throw new Error(`${name} is not numeric`);
      expect([...a.data], name).toEqual(Array.from(b.data));
    }
  });

  it('rejects inconsistent arrays and bad missing flags', () => {
    const gt = syntheticGt(2);
    expect(() => encodeMpiiGtMat({ ...gt, count: 3 })).toThrow(/pos_gt_src\): 64 values, expected 96 for 3 persons/);
    expect(() => encodeMpiiGtMat({ ...gt, jointNames: ['a'] })).toThrow(/dataset_joints/);
    const missing = gt.missing.slice();
    missing[20] = 3;
    expect(() => encodeMpiiGtMat({ ...gt, missing })).toThrow(/value 3 for joint 4 of person 1/);
  });
});
