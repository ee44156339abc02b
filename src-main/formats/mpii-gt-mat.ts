/**
 * The MPII ground-truth `.mat` (`annotations/mpii_gt_val.mat`, spec §1.4): reading it into
 * MatGroundTruth and writing it back in the original file's layout.
 *
 * Shapes (MATLAB, column-major): headboxes_src (2,2,N), pos_gt_src (16,2,N), jnt_missing (16,N),
 * dataset_joints (1,16) cell of strings. MATLAB drops trailing singleton dimensions, so N = 1 is
 * stored as (2,2) and (16,2). Values stay 1-based (the file's own convention, core/types.ts).
 */
import { PosebenchInputError } from '../core/errors.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import { printableExcerpt } from '../core/printable-excerpt.ts';
import type { MatGroundTruth } from '../core/types.ts';
import { readMatFile } from './mat/mat-reader.ts';
import type { MatFile, MatNumericArray, MatValue } from './mat/mat-types.ts';
import { encodeMat } from './mat/mat-writer.ts';

const J = MPII_JOINT_COUNT;

/** Names found in the file, escaped and at most 10 of them, for messages. */
export function variableList(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, 10).map((name) => printableExcerpt(name, 64));
  return names.length > 10 ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
}

function describeValue(value: MatValue): string {
  const shape = `(${value.dims.join(',')})`;
  if (value.kind === 'numeric') return `${value.logical ? 'logical' : value.className} ${shape}`;
  return `${value.kind} ${shape}`;
}

/**
 * Reads the person count N from `dims` that must be `leading` followed by N, where MATLAB may have
 * dropped N = 1 and may have kept extra trailing singleton dimensions. Returns undefined on mismatch.
 */
function personCount(dims: readonly number[], leading: readonly number[]): number | undefined {
  const trimmed = [...dims];
  while (trimmed.length > leading.length + 1 && trimmed[trimmed.length - 1] === 1) trimmed.pop();
  if (!leading.every((size, i) => trimmed[i] === size)) return undefined;
  if (trimmed.length === leading.length) return 1;
  if (trimmed.length === leading.length + 1) return trimmed[leading.length];
  return undefined;
}

/** Validates and converts a parsed gt `.mat` (spec §1.4). `fileLabel` names the file in errors. */
export function parseMpiiGtMat(file: MatFile, fileLabel: string): MatGroundTruth {
  const fail = (field: string, problem: string, entry?: number): never => {
    throw new PosebenchInputError(entry === undefined ? { file: fileLabel, field } : { file: fileLabel, entry, field }, problem);
  };
  const expectNumeric = (name: string, leading: readonly number[]): { array: MatNumericArray; count: number } => {
    const expected = `(${[...leading, 'N'].join(',')})`;
    const value = file.variables.get(name);
    if (value === undefined) {
      const present = variableList([...file.variables.keys()]);
      return fail(name, `missing variable ${name} ${expected}; variables present: ${present}`);
    }
    if (value.kind !== 'numeric') return fail(name, `expected a numeric array ${expected}, found ${describeValue(value)}`);
    const count = personCount(value.dims, leading);
    if (count === undefined) return fail(name, `wrong shape: found (${value.dims.join(',')}), expected ${expected}`);
    return { array: value, count };
  };

  const positions = expectNumeric('pos_gt_src', [J, 2]);
  const missing = expectNumeric('jnt_missing', [J]);
  const headBoxes = expectNumeric('headboxes_src', [2, 2]);
  const count = positions.count;
  for (const [name, other] of [
    ['jnt_missing', missing],
    ['headboxes_src', headBoxes],
  ] as const) {
    if (other.count !== count) {
      const expected = name === 'jnt_missing' ? `(${J},${count})` : `(2,2,${count})`;
      fail(
        name,
        `wrong shape: found (${other.array.dims.join(',')}), expected ${expected} to match pos_gt_src (${positions.array.dims.join(',')}) with N = ${count}`,
      );
    }
  }

  const jointNames = readJointNames(file, fail);

  // Column-major pos_gt_src(j, axis, n) is at j + 16*(axis + 2*n); MatGroundTruth wants
  // ((n*16)+j)*2 + axis.
  const positions1Based = new Float64Array(count * J * 2);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < J; j++) {
      for (let axis = 0; axis < 2; axis++) {
        positions1Based[(n * J + j) * 2 + axis] = positions.array.data[j + J * (axis + 2 * n)] ?? Number.NaN;
      }
    }
  }
  // jnt_missing(j, n) at j + 16*n is already the n*16 + j layout.
  const missingFlags = new Uint8Array(count * J);
  for (let i = 0; i < count * J; i++) {
    const flag = missing.array.data[i] ?? Number.NaN;
    if (flag !== 0 && flag !== 1) {
      const n = Math.floor(i / J);
      fail('jnt_missing', `value ${flag} for joint ${i % J} of person ${n} is not 0 or 1`, n);
    }
    missingFlags[i] = flag;
  }
  // headboxes_src(corner, axis, n) at corner + 2*(axis + 2*n); corner 0 = (x1, y1), 1 = (x2, y2).
  const headBoxes1Based = new Float64Array(count * 4);
  for (let n = 0; n < count; n++) {
    const at = (corner: number, axis: number): number => headBoxes.array.data[corner + 2 * (axis + 2 * n)] ?? Number.NaN;
    headBoxes1Based[n * 4 + 0] = at(0, 0);
    headBoxes1Based[n * 4 + 1] = at(0, 1);
    headBoxes1Based[n * 4 + 2] = at(1, 0);
    headBoxes1Based[n * 4 + 3] = at(1, 1);
  }
  return { count, jointNames, positions1Based, missing: missingFlags, headBoxes1Based };
}

function readJointNames(file: MatFile, fail: (field: string, problem: string, entry?: number) => never): string[] {
  const value = file.variables.get('dataset_joints');
  if (value === undefined) return fail('dataset_joints', `missing variable dataset_joints (1,${J}) cell of strings`);
  if (value.kind !== 'cell') return fail('dataset_joints', `expected a (1,${J}) cell of strings, found ${describeValue(value)}`);
  // mmpose finds the head with np.where(dataset_joints == 'head')[1][0]: the row shape matters.
  if (value.dims.length !== 2 || value.dims[0] !== 1 || value.dims[1] !== J) {
    return fail('dataset_joints', `wrong shape: found (${value.dims.join(',')}), expected (1,${J})`);
  }
  return value.cells.map((cell, j) => {
    if (cell.kind !== 'char' || (cell.dims[0] ?? 0) > 1) {
      return fail(`dataset_joints{${j + 1}}`, `expected a string, found ${describeValue(cell)}`);
    }
    return cell.text;
  });
}

/** Reads and validates `mpii_gt_val.mat` (spec §1.4). */
export function readMpiiGtMat(path: string): MatGroundTruth {
  return parseMpiiGtMat(readMatFile(path), path);
}

/** MATLAB drops trailing singleton dimensions: N = 1 is written as (…) without the N. */
function withPersons(leading: readonly number[], count: number): number[] {
  return count === 1 ? [...leading] : [...leading, count];
}

/**
 * Encodes a MatGroundTruth as the four spec §1.4 variables, mirroring the original MATLAB file:
 * class double everywhere, jnt_missing stored compactly as miUINT8 (so scipy.io.loadmat gives
 * uint8, like the original), same variable order minus pos_pred_src. Throws PosebenchInputError
 * if the arrays do not match `count` or jnt_missing is not 0/1.
 */
export function encodeMpiiGtMat(gt: MatGroundTruth, options: { compress?: boolean } = {}): Uint8Array {
  const label = 'MAT output';
  const count = gt.count;
  const check = (field: string, actual: number, expected: number): void => {
    if (actual !== expected) throw new PosebenchInputError({ file: label, field }, `${actual} values, expected ${expected} for ${count} persons`);
  };
  check('pos_gt_src', gt.positions1Based.length, count * J * 2);
  check('jnt_missing', gt.missing.length, count * J);
  check('headboxes_src', gt.headBoxes1Based.length, count * 4);
  check('dataset_joints', gt.jointNames.length, J);
  gt.missing.forEach((flag, i) => {
    if (flag !== 0 && flag !== 1) {
      const n = Math.floor(i / J);
      throw new PosebenchInputError({ file: label, entry: n, field: 'jnt_missing' }, `value ${flag} for joint ${i % J} of person ${n} is not 0 or 1`);
    }
  });

  const positions = new Float64Array(count * J * 2);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < J; j++) {
      for (let axis = 0; axis < 2; axis++) {
        positions[j + J * (axis + 2 * n)] = gt.positions1Based[(n * J + j) * 2 + axis] ?? Number.NaN;
      }
    }
  }
  const headBoxes = new Float64Array(count * 4);
  for (let n = 0; n < count; n++) {
    headBoxes[0 + 2 * (0 + 2 * n)] = gt.headBoxes1Based[n * 4 + 0] ?? Number.NaN;
    headBoxes[0 + 2 * (1 + 2 * n)] = gt.headBoxes1Based[n * 4 + 1] ?? Number.NaN;
    headBoxes[1 + 2 * (0 + 2 * n)] = gt.headBoxes1Based[n * 4 + 2] ?? Number.NaN;
    headBoxes[1 + 2 * (1 + 2 * n)] = gt.headBoxes1Based[n * 4 + 3] ?? Number.NaN;
  }
  return encodeMat(
    [
      ['jnt_missing', { kind: 'numeric', className: 'double', storage: 'uint8', dims: [J, count], data: gt.missing }],
      ['pos_gt_src', { kind: 'numeric', className: 'double', dims: withPersons([J, 2], count), data: positions }],
      ['headboxes_src', { kind: 'numeric', className: 'double', dims: withPersons([2, 2], count), data: headBoxes }],
      ['dataset_joints', { kind: 'cell-of-strings', dims: [1, J], strings: gt.jointNames }],
    ],
    { compress: options.compress ?? false },
  );
}
