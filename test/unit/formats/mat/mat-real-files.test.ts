/**
 * The real MPII `.mat` files in ../shared: the plain 5-person gt file, the original zlib-compressed
 * MATLAB gt file (N = 2958) and a published prediction set. Values are checked against the json
 * files next to them, which were derived independently (spec §1.3/§1.4).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../../support/shared-fixtures.ts';
import { parseMat, readMatFile } from '../../../../src-main/formats/mat/mat-reader.ts';
import { encodeMpiiGtMat, parseMpiiGtMat, readMpiiGtMat } from '../../../../src-main/formats/mpii-gt-mat.ts';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import { MPII_MAT_JOINT_NAMES } from '../../../../src-main/core/joints.ts';
import type { MatGroundTruth } from '../../../../src-main/core/types.ts';
import type { MatNumericArray } from '../../../../src-main/formats/mat/mat-types.ts';

skipWithoutShared('real MPII .mat files (mpii_gt_val.mat, bearpaw predictions)');

const PLAIN_GT = sharedPath('fixtures', 'mpii', 'annotations', 'mpii_gt_val.mat');
const PLAIN_JSON = sharedPath('fixtures', 'mpii', 'annotations', 'mpii_val.json');
const FULL_GT = sharedPath('fixtures', 'mpii-val', 'annotations', 'mpii_gt_val.mat');
const FULL_JSON = sharedPath('fixtures', 'mpii-val', 'annotations', 'mpii_val.json');
const BEARPAW_MAT = sharedPath('fixtures', 'mpii-predictions', 'bearpaw-hg_s1_b1.mat');
const BEARPAW_JSON = sharedPath('fixtures', 'mpii-predictions', 'bearpaw-hg_s1_b1.json');

interface JsonPerson {
  joints: [number, number][];
  joints_vis: number[];
}

function numeric(file: ReturnType<typeof readMatFile>, name: string): MatNumericArray {
  const value = file.variables.get(name);
  if (value?.kind !== 'numeric') throw new Error(`${name}: expected numeric, got ${value?.kind}`);
  return value;
}

/** json joints are the same 1-based GT rounded to 4 decimals; missing joints are [-1,-1]. */
function expectGtMatchesJson(gt: MatGroundTruth, json: JsonPerson[]): void {
  expect(gt.count).toBe(json.length);
  let maxDiff = 0;
  let missingCount = 0;
  json.forEach((person, n) => {
    for (let j = 0; j < 16; j++) {
      const [x, y] = person.joints[j]!;
      if (gt.missing[n * 16 + j] === 1) {
        missingCount++;
        expect([x, y], `person ${n} joint ${j}`).toEqual([-1, -1]);
        expect(person.joints_vis[j]).toBe(0);
      } else {
        maxDiff = Math.max(maxDiff, Math.abs(gt.positions1Based[(n * 16 + j) * 2]! - x), Math.abs(gt.positions1Based[(n * 16 + j) * 2 + 1]! - y));
      }
    }
  });
  expect(maxDiff).toBeLessThan(1e-4);
  expect(missingCount).toBeGreaterThan(0);
}

describe.skipIf(!HAS_SHARED)('real MPII .mat files', () => {
  it('plain gt file (5 persons): classes, shapes, joint names, values vs json', () => {
    const mat = readMatFile(PLAIN_GT);
    expect(mat.headerText).toMatch(/^MATLAB 5\.0 MAT-file/);
    expect(numeric(mat, 'pos_gt_src')).toMatchObject({ className: 'double', dims: [16, 2, 5] });
    expect(numeric(mat, 'headboxes_src')).toMatchObject({ className: 'double', dims: [2, 2, 5] });
    expect(numeric(mat, 'jnt_missing')).toMatchObject({ className: 'uint8', dims: [16, 5] });
    const gt = readMpiiGtMat(PLAIN_GT);
    expect(gt.jointNames).toEqual([...MPII_MAT_JOINT_NAMES]);
    expectGtMatchesJson(gt, JSON.parse(readFileSync(PLAIN_JSON, 'utf8')) as JsonPerson[]);
  });

  it('original compressed gt file (N = 2958): classes, shapes, pos_pred_src, values vs json', () => {
    const mat = readMatFile(FULL_GT);
    expect(mat.headerText).toMatch(/^MATLAB 5\.0 MAT-file, Platform: PCWIN64/);
    expect([...mat.variables.keys()]).toEqual(['jnt_missing', 'pos_pred_src', 'pos_gt_src', 'headboxes_src', 'dataset_joints']);
    // MATLAB stored class-double jnt_missing as miUINT8; the class is still double.
    expect(numeric(mat, 'jnt_missing')).toMatchObject({ className: 'double', dims: [16, 2958] });
    expect(numeric(mat, 'pos_pred_src')).toMatchObject({ className: 'double', dims: [16, 2, 2958] });
    expect(numeric(mat, 'pos_gt_src')).toMatchObject({ className: 'double', dims: [16, 2, 2958] });
    expect(numeric(mat, 'headboxes_src')).toMatchObject({ className: 'double', dims: [2, 2, 2958] });
    const joints = mat.variables.get('dataset_joints');
    expect(joints?.kind === 'cell' && joints.dims).toEqual([1, 16]);
    const gt = parseMpiiGtMat(mat, FULL_GT);
    expect(gt.jointNames).toEqual([...MPII_MAT_JOINT_NAMES]);
    const json = JSON.parse(readFileSync(FULL_JSON, 'utf8')) as JsonPerson[];
    expectGtMatchesJson(gt, json);
    // Head boxes are real boxes: x1 < x2 and y1 < y2 for every person.
    for (let n = 0; n < gt.count; n++) {
      const [x1, y1, x2, y2] = gt.headBoxes1Based.subarray(n * 4, n * 4 + 4);
      expect(x1! < x2! && y1! < y2!, `person ${n}`).toBe(true);
    }
  });

  /** Bit-for-bit comparison (toEqual on 100k-element typed arrays is slow). */
  function expectSameGt(actual: MatGroundTruth, expected: MatGroundTruth): void {
    const bits = (array: Float64Array | Uint8Array): Buffer => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    expect(actual.count).toBe(expected.count);
    expect(actual.jointNames).toEqual(expected.jointNames);
    expect(bits(actual.positions1Based).equals(bits(expected.positions1Based))).toBe(true);
    expect(bits(actual.headBoxes1Based).equals(bits(expected.headBoxes1Based))).toBe(true);
    expect(bits(actual.missing).equals(bits(expected.missing))).toBe(true);
  }

  it('the plain file holds exactly the first 5 persons of the original', () => {
    const plain = readMpiiGtMat(PLAIN_GT);
    const full = readMpiiGtMat(FULL_GT);
    expect(plain.positions1Based).toEqual(full.positions1Based.slice(0, 5 * 32));
    expect(plain.headBoxes1Based).toEqual(full.headBoxes1Based.slice(0, 5 * 4));
    expect(plain.missing).toEqual(full.missing.slice(0, 5 * 16));
  });

  it('bearpaw predictions: preds (2958,16,2) single, values vs json', () => {
    const preds = numeric(readMatFile(BEARPAW_MAT), 'preds');
    expect(preds.className).toBe('single');
    expect(preds.dims).toEqual([2958, 16, 2]);
    const json = JSON.parse(readFileSync(BEARPAW_JSON, 'utf8')) as { preds: [number, number][][] };
    let maxDiff = 0;
    let notSingle = 0;
    json.preds.forEach((person, n) =>
      person.forEach(([x, y], j) => {
        // Column-major (n, j, axis): n + 2958 * (j + 16 * axis).
        const px = preds.data[n + 2958 * j]!;
        const py = preds.data[n + 2958 * (j + 16)]!;
        if (Math.fround(px) !== px || Math.fround(py) !== py) notSingle++;
        maxDiff = Math.max(maxDiff, Math.abs(px - x), Math.abs(py - y));
      }),
    );
    expect(json.preds.length).toBe(2958);
    expect(notSingle).toBe(0);
    // The json is rounded to 3 decimals.
    expect(maxDiff).toBeLessThanOrEqual(5.001e-4);
  });

  it('encodeMpiiGtMat of the original round trips exactly (plain and compressed)', () => {
    const gt = readMpiiGtMat(FULL_GT);
    for (const compress of [false, true]) {
      const bytes = encodeMpiiGtMat(gt, { compress });
      expectSameGt(parseMpiiGtMat(parseMat(bytes, 'reencoded.mat'), 'reencoded.mat'), gt);
    }
  });

  it('the plain gt file cut inside a variable names that variable', () => {
    const bytes = readFileSync(PLAIN_GT);
    const full = readMatFile(PLAIN_GT);
    expect([...full.variables.keys()]).toEqual(['dataset_joints', 'headboxes_src', 'pos_gt_src', 'jnt_missing']);
    // Cut 40 bytes before the end: inside jnt_missing's 80 data bytes (the last variable).
    const tail = bytes.subarray(0, bytes.byteLength - 40);
    let caught: unknown;
    try {
      parseMat(tail, PLAIN_GT);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PosebenchInputError);
    expect((caught as PosebenchInputError).location).toEqual({ file: PLAIN_GT, field: 'jnt_missing' });
    expect((caught as Error).message).toMatch(/truncated/);
  });

  it('the original compressed file truncated at many offsets gives PosebenchInputError naming the file', () => {
    const bytes = readFileSync(FULL_GT);
    const offsets = [0, 1, 64, 127, 128, 129, 135, 136, 500, 2000, 2241, 2242, 2250, 10_000, 300_000, 600_000, 1_000_000, bytes.byteLength - 1];
    for (let i = 0; i < 40; i++) offsets.push(Math.floor(((i + 0.37) / 40) * bytes.byteLength));
    for (const length of offsets) {
      let caught: unknown;
      try {
        parseMpiiGtMat(parseMat(bytes.subarray(0, length), FULL_GT), FULL_GT);
      } catch (error) {
        caught = error;
      }
      expect(caught, `length ${length}`).toBeInstanceOf(PosebenchInputError);
      expect((caught as Error).message.startsWith(FULL_GT), `length ${length}`).toBe(true);
      expect((caught as Error).message).not.toMatch(/internal/);
    }
  });
});
