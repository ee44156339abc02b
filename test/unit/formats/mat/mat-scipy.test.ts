/**
 * Interoperability with scipy.io (what mmpose uses to read mpii_gt_val.mat, spec §1.4): files we
 * write are read by scipy.io.loadmat, and files scipy.io.savemat writes are read by our reader.
 * Skipped, saying why, when /usr/bin/python3 has no scipy (e.g. `apt-get install python3-scipy`).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeMat } from '../../../../src-main/formats/mat/mat-writer.ts';
import { readMatFile } from '../../../../src-main/formats/mat/mat-reader.ts';
import { encodeMpiiGtMat, readMpiiGtMat } from '../../../../src-main/formats/mpii-gt-mat.ts';
import { MPII_MAT_JOINT_NAMES } from '../../../../src-main/core/joints.ts';
import type { MatValue } from '../../../../src-main/formats/mat/mat-types.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../../support/shared-fixtures.ts';

const PYTHON = '/usr/bin/python3';
skipWithoutShared('scipy check of the re-encoded original mpii_gt_val.mat');

function scipyVersion(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import scipy, numpy; print(scipy.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

const SCIPY = scipyVersion();
if (SCIPY === undefined) {
  console.warn(`[skip] scipy interoperability: ${PYTHON} with scipy+numpy is not available (try: apt-get install -y python3-scipy).`);
}

function runPython(script: string, ...args: string[]): unknown {
  const result = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Describes every loadmat variable as JSON: dtype, shape, Fortran-order values / cell strings. */
const DESCRIBE_LOADMAT = `
import sys, json, math
import numpy as np, scipy.io as sio
def num(x):
    x = float(x)
    if math.isnan(x): return 'NaN'
    if math.isinf(x): return 'Infinity' if x > 0 else '-Infinity'
    if x == 0 and math.copysign(1, x) < 0: return '-0'
    return x
out = {}
for k, v in sio.loadmat(sys.argv[1]).items():
    if k.startswith('__'): continue
    if v.dtype == object:
        out[k] = {'dtype': 'object', 'shape': list(v.shape), 'strings': [str(c[0]) if c.size else '' for c in v.flatten(order='F')]}
    else:
        out[k] = {'dtype': str(v.dtype), 'shape': list(v.shape), 'values': [num(x) for x in v.flatten(order='F')]}
print(json.dumps(out))
`;

function jsonNumber(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'posebench-mat-scipy-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe.skipIf(SCIPY === undefined)(`scipy.io interoperability (scipy ${SCIPY ?? 'absent'})`, () => {
  for (const compress of [false, true]) {
    it(`scipy.io.loadmat reads encodeMat output (${compress ? 'compressed' : 'plain'})`, () => {
      const file = path.join(tempDir, `written-${compress}.mat`);
      writeFileSync(
        file,
        encodeMat(
          [
            ['dbl', { kind: 'numeric', className: 'double', dims: [2, 3], data: [0.1, -1e308, Number.NaN, Infinity, -0, 1 / 3] }],
            ['sgl', { kind: 'numeric', className: 'single', dims: [1, 2], data: [0.1, -2.5] }],
            ['u8', { kind: 'numeric', className: 'uint8', dims: [1, 3], data: [0, 7, 255] }],
            ['i32', { kind: 'numeric', className: 'int32', dims: [3, 1], data: [-2147483648, 0, 2147483647] }],
            ['cube', { kind: 'numeric', className: 'double', dims: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }],
            ['compact', { kind: 'numeric', className: 'double', storage: 'uint8', dims: [2, 2], data: [0, 1, 1, 0] }],
            ['dataset_joints', { kind: 'cell-of-strings', dims: [1, 16], strings: [...MPII_MAT_JOINT_NAMES] }],
            ['words', { kind: 'cell-of-strings', dims: [2, 1], strings: ['upper_neck', 'é€'] }],
          ],
          { compress },
        ),
      );
      const seen = runPython(DESCRIBE_LOADMAT, file);
      expect(seen).toEqual({
        dbl: { dtype: 'float64', shape: [2, 3], values: [0.1, -1e308, 'NaN', 'Infinity', '-0', 1 / 3].map((x) => (typeof x === 'number' ? jsonNumber(x) : x)) },
        sgl: { dtype: 'float32', shape: [1, 2], values: [Math.fround(0.1), -2.5] },
        u8: { dtype: 'uint8', shape: [1, 3], values: [0, 7, 255] },
        i32: { dtype: 'int32', shape: [3, 1], values: [-2147483648, 0, 2147483647] },
        cube: { dtype: 'float64', shape: [2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8] },
        // scipy returns the storage type, as for the original file's jnt_missing.
        compact: { dtype: 'uint8', shape: [2, 2], values: [0, 1, 1, 0] },
        dataset_joints: { dtype: 'object', shape: [1, 16], strings: [...MPII_MAT_JOINT_NAMES] },
        words: { dtype: 'object', shape: [2, 1], strings: ['upper_neck', 'é€'] },
      });
    });
  }

  it('mmpose-style access to encodeMpiiGtMat output: shapes, dtypes, head index (N = 3 and N = 1)', () => {
    for (const count of [3, 1]) {
      const positions1Based = Float64Array.from({ length: count * 32 }, (_, i) => 100 + i + 0.5);
      const missing = Uint8Array.from({ length: count * 16 }, (_, i) => (i % 7 === 0 ? 1 : 0));
      const headBoxes1Based = Float64Array.from({ length: count * 4 }, (_, i) => 10 * i + 1);
      const file = path.join(tempDir, `gt-${count}.mat`);
      writeFileSync(file, encodeMpiiGtMat({ count, jointNames: [...MPII_MAT_JOINT_NAMES], positions1Based, missing, headBoxes1Based }, { compress: true }));
      // Same expressions as mmpose 0.x TopDownMpiiDataset.evaluate (spec §1.4, §2).
      const seen = runPython(
        `
import sys, json, numpy as np
from scipy.io import loadmat
gt = loadmat(sys.argv[1])
dataset_joints = gt['dataset_joints']; jnt_missing = gt['jnt_missing']
pos_gt_src = gt['pos_gt_src']; headboxes_src = gt['headboxes_src']
head = np.where(dataset_joints == 'head')[1][0]
jnt_visible = 1 - jnt_missing
print(json.dumps({
  'head': int(head),
  'shapes': [list(pos_gt_src.shape), list(jnt_missing.shape), list(headboxes_src.shape)],
  'dtypes': [str(pos_gt_src.dtype), str(jnt_missing.dtype), str(headboxes_src.dtype)],
  'visible_sum': int(jnt_visible.sum()),
  'gt_last': [float(pos_gt_src[15, 0, -1]) if pos_gt_src.ndim == 3 else float(pos_gt_src[15, 0]), float(pos_gt_src[15, 1, -1]) if pos_gt_src.ndim == 3 else float(pos_gt_src[15, 1])],
  'box0': [float(v) for v in (headboxes_src[:, :, 0] if headboxes_src.ndim == 3 else headboxes_src).flatten()],
}))
`,
        file,
      ) as Record<string, unknown>;
      const squeezed = count === 1;
      expect(seen).toEqual({
        head: 9,
        shapes: [squeezed ? [16, 2] : [16, 2, count], [16, count], squeezed ? [2, 2] : [2, 2, count]],
        dtypes: ['float64', 'uint8', 'float64'],
        visible_sum: count * 16 - missing.reduce((a, b) => a + b, 0),
        gt_last: [positions1Based[(count - 1) * 32 + 30], positions1Based[(count - 1) * 32 + 31]],
        // Row-major flatten of [[x1, y1], [x2, y2]].
        box0: [headBoxes1Based[0], headBoxes1Based[1], headBoxes1Based[2], headBoxes1Based[3]],
      });
    }
  });

  it.skipIf(!HAS_SHARED)('re-encoding the original gt file gives the same arrays and dtypes under scipy', () => {
    const original = sharedPath('fixtures', 'mpii-val', 'annotations', 'mpii_gt_val.mat');
    const file = path.join(tempDir, 'reencoded.mat');
    writeFileSync(file, encodeMpiiGtMat(readMpiiGtMat(original), { compress: true }));
    const seen = runPython(
      `
import sys, json, numpy as np
from scipy.io import loadmat
a = loadmat(sys.argv[1]); b = loadmat(sys.argv[2])
out = {}
for k in ['pos_gt_src', 'jnt_missing', 'headboxes_src']:
    out[k] = [a[k].dtype == b[k].dtype, a[k].shape == b[k].shape, bool(np.array_equal(a[k], b[k], equal_nan=True))]
out['dataset_joints'] = [a['dataset_joints'].shape == b['dataset_joints'].shape, [str(x[0]) for x in a['dataset_joints'][0]] == [str(x[0]) for x in b['dataset_joints'][0]]]
print(json.dumps(out))
`,
      original,
      file,
    );
    expect(seen).toEqual({
      pos_gt_src: [true, true, true],
      jnt_missing: [true, true, true],
      headboxes_src: [true, true, true],
      dataset_joints: [true, true],
    });
  });

  for (const compress of [false, true]) {
    it(`our reader reads scipy.io.savemat output (${compress ? 'compressed' : 'plain'}): integer classes, logical, char matrix, cell, struct`, () => {
      const file = path.join(tempDir, `scipy-${compress}.mat`);
      // Expected values are the literals in this script, echoed back as JSON.
      const expected = runPython(
        `
import sys, json, numpy as np, scipy.io as sio
v = {
  'i8': np.array([[-128, 127]], dtype=np.int8),
  'u16': np.array([[1, 65535]], dtype=np.uint16),
  'i64': np.array([[-(2**53), 5]], dtype=np.int64),
  'u64': np.array([[2**53]], dtype=np.uint64),
  'f32': np.array([[0.5], [-1.25]], dtype=np.float32),
  'm': np.arange(6, dtype=np.float64).reshape(2, 3),
  'flag': np.array([[True, False, True]]),
  'chars': np.array(['ab', 'cd']),
  'cell': np.array([[np.array([[1.5]]), 'rank']], dtype=object),
  'st': {'image': '005808361.jpg', 'scale': 4.718488},
}
sio.savemat(sys.argv[1], v, do_compression=sys.argv[2] == '1')
print(json.dumps({
  'i8': [-128, 127], 'u16': [1, 65535], 'i64': [-(2**53), 5], 'u64': [2**53], 'f32': [0.5, -1.25],
  'm': [float(x) for x in v['m'].flatten(order='F')], 'm_dims': list(v['m'].shape),
}))
`,
        file,
        compress ? '1' : '0',
      ) as Record<string, number[]>;
      const mat = readMatFile(file);
      const data = (name: string): { className: string; dims: readonly number[]; values: number[]; logical: boolean } => {
        const value: MatValue | undefined = mat.variables.get(name);
        if (value?.kind !== 'numeric') throw new Error(`${name} is ${value?.kind}`);
        return { className: value.className, dims: value.dims, values: [...value.data], logical: value.logical === true };
      };
      expect(data('i8')).toEqual({ className: 'int8', dims: [1, 2], values: expected.i8, logical: false });
      expect(data('u16')).toEqual({ className: 'uint16', dims: [1, 2], values: expected.u16, logical: false });
      expect(data('i64')).toEqual({ className: 'int64', dims: [1, 2], values: expected.i64, logical: false });
      expect(data('u64')).toEqual({ className: 'uint64', dims: [1, 1], values: expected.u64, logical: false });
      expect(data('f32')).toEqual({ className: 'single', dims: [2, 1], values: expected.f32, logical: false });
      expect(data('m')).toEqual({ className: 'double', dims: expected.m_dims, values: expected.m, logical: false });
      expect(data('flag')).toEqual({ className: 'uint8', dims: [1, 3], values: [1, 0, 1], logical: true });
      expect(mat.variables.get('chars')).toEqual({ kind: 'char', dims: [2, 2], text: 'ab\ncd', rows: ['ab', 'cd'] });
      expect(mat.variables.get('cell')).toEqual({
        kind: 'cell',
        dims: [1, 2],
        cells: [
          { kind: 'numeric', className: 'double', dims: [1, 1], data: Float64Array.of(1.5) },
          { kind: 'char', dims: [1, 4], text: 'rank', rows: ['rank'] },
        ],
      });
      const st = mat.variables.get('st');
      expect(st?.kind).toBe('struct');
      if (st?.kind !== 'struct') return;
      expect(st.dims).toEqual([1, 1]);
      expect(st.fieldNames).toEqual(['image', 'scale']);
      expect(st.elements[0]?.image).toMatchObject({ kind: 'char', text: '005808361.jpg' });
      expect(st.elements[0]?.scale).toMatchObject({ kind: 'numeric', className: 'double', data: Float64Array.of(4.718488) });
    });
  }
});
