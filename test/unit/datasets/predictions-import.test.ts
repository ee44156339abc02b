import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPredictions } from '../../../src-main/formats/predictions-import.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../support/shared-fixtures.ts';
import { encodeMatNumeric, makeTempDir, predsColumnMajor, removeDir, catchInputError } from './dataset-test-files.ts';

const VAL_COUNT = 2958;


/** The preds of a json file as plain numbers, read without the code under test. */
function rawJsonPreds(file: string): number[][][] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { preds: number[][][] }).preds;
}

describe.skipIf(!HAS_SHARED)('importPredictions on the real MPII val prediction files', () => {
  skipWithoutShared('real MPII prediction files (bearpaw .json/.mat, tompson)');
  const predictionsDir = (...parts: string[]): string => sharedPath('fixtures', 'mpii-predictions', ...parts);

  it('bearpaw .json and .mat give bit-identical float32 predictions (0-based)', () => {
    for (const name of ['bearpaw-hg_s1_b1', 'bearpaw-hg_s8_b1']) {
      const fromJson = importPredictions(predictionsDir(`${name}.json`), { coordinateBase: 0, expectedCount: VAL_COUNT });
      const fromMat = importPredictions(predictionsDir(`${name}.mat`), { coordinateBase: 0, expectedCount: VAL_COUNT });
      expect(fromJson.count).toBe(VAL_COUNT);
      expect(fromMat.count).toBe(VAL_COUNT);
      expect(fromJson.predictions0Based.length).toBe(VAL_COUNT * 32);
      expect(Buffer.from(fromMat.predictions0Based.buffer).equals(Buffer.from(fromJson.predictions0Based.buffer))).toBe(true);
      expect(fromJson.scores).toBeUndefined();
      expect(fromMat.warnings).toEqual([]);
    }
  });

  it('0-based json values are the float32 of the file, in (n, j, axis) order', () => {
    const file = predictionsDir('bearpaw-hg_s1_b1.json');
    const raw = rawJsonPreds(file);
    const { predictions0Based } = importPredictions(file, { coordinateBase: 0, expectedCount: VAL_COUNT });
    for (const [n, j] of [[0, 0], [0, 15], [1, 9], [2957, 3], [1234, 12]] as const) {
      const point = raw[n]?.[j];
      expect(predictions0Based[(n * 16 + j) * 2]).toBe(Math.fround(point?.[0] ?? NaN));
      expect(predictions0Based[(n * 16 + j) * 2 + 1]).toBe(Math.fround(point?.[1] ?? NaN));
    }
  });

  it('1-based (tompson) subtracts 1 in float32', () => {
    const file = predictionsDir('tompson.json');
    const raw = rawJsonPreds(file);
    const oneBased = importPredictions(file, { coordinateBase: 1, expectedCount: VAL_COUNT });
    const asIs = importPredictions(file, { coordinateBase: 0, expectedCount: VAL_COUNT });
    let differsFromFloat64 = 0;
    let wrong = 0;
    for (let n = 0; n < VAL_COUNT; n++) {
      for (let j = 0; j < 16; j++) {
        for (let axis = 0; axis < 2; axis++) {
          const v = raw[n]?.[j]?.[axis] ?? NaN;
          const got = oneBased.predictions0Based[(n * 16 + j) * 2 + axis];
          if (got !== Math.fround(Math.fround(v) - 1)) wrong++;
          if (got !== Math.fround(v - 1)) differsFromFloat64++;
          if (asIs.predictions0Based[(n * 16 + j) * 2 + axis] !== Math.fround(v)) wrong++;
        }
      }
    }
    expect(wrong).toBe(0);
    // Informative only: for these 3-decimal values both roundings agree (the hand-made case below differs).
    expect(differsFromFloat64).toBeLessThan(VAL_COUNT * 32);
  });

  it('names the file and both counts when the dataset has another number of persons', () => {
    const file = predictionsDir('bearpaw-hg_s1_b1.mat');
    const error = catchInputError(() => importPredictions(file, { coordinateBase: 0, expectedCount: 5 }));
    expect(error.message).toContain(file);
    expect(error.message).toContain('2958');
    expect(error.message).toContain('has 5');
  });
});

describe('importPredictions on hand-made files', () => {
  let dir = '';
  beforeAll(() => {
    dir = makeTempDir('preds');
  });
  afterAll(() => removeDir(dir));

  const valueAt = (n: number, j: number, k: number): number => (k === 2 ? 0.5 + j / 100 : 10 * n + j + (k === 0 ? 0.25 : 0.75) + 1000 * k);
  const writeJson = (name: string, content: unknown): string => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const jsonPreds = (count: number, width: number): number[][][] =>
    Array.from({ length: count }, (_, n) => Array.from({ length: 16 }, (_, j) => Array.from({ length: width }, (_, k) => valueAt(n, j, k))));
  const writeMat = (name: string, count: number, width: number, personsFirst: boolean, className: 'single' | 'double' = 'single'): string => {
    const { dims, data } = predsColumnMajor(count, width, personsFirst, valueAt);
    const file = path.join(dir, name);
    writeFileSync(file, encodeMatNumeric('preds', className, dims, data));
    return file;
  };
  const expectValues = (result: ReturnType<typeof importPredictions>, count: number, base: 0 | 1): void => {
    expect(result.count).toBe(count);
    for (let n = 0; n < count; n++) {
      for (let j = 0; j < 16; j++) {
        for (let k = 0; k < 2; k++) {
          const v = Math.fround(valueAt(n, j, k));
          expect(result.predictions0Based[(n * 16 + j) * 2 + k]).toBe(base === 1 ? Math.fround(v - 1) : v);
        }
      }
    }
  };

  it('reads json [N][16][3] and keeps the scores', () => {
    const file = writeJson('scores.json', { preds: jsonPreds(4, 3) });
    const result = importPredictions(file, { coordinateBase: 0, expectedCount: 4 });
    expectValues(result, 4, 0);
    expect(result.scores?.length).toBe(64);
    expect(result.scores?.[3 * 16 + 7]).toBe(Math.fround(0.57));
  });

  it('1-based: rounds to float32 before subtracting 1, as EXPECTED.md prescribes', () => {
    // 1 + 2^-30 is 1 in float32, so the 0-based value is exactly 0; subtracting in float64 first
    // would give 2^-30 instead.
    const tiny = 1 + 2 ** -30;
    const preds = jsonPreds(1, 2);
    preds[0]![5] = [tiny, 3 + 2 ** -40];
    const file = writeJson('round.json', { preds });
    const result = importPredictions(file, { coordinateBase: 1, expectedCount: 1 });
    expect(result.predictions0Based[10]).toBe(0);
    expect(result.predictions0Based[11]).toBe(2);
    expect(Math.fround(tiny - 1)).not.toBe(0);
  });

  it('reads MAT N×16×2 and 2×16×N (column-major), single and double, both bases', () => {
    for (const personsFirst of [true, false]) {
      for (const className of ['single', 'double'] as const) {
        const file = writeMat(`p-${personsFirst}-${className}.mat`, 7, 2, personsFirst, className);
        expectValues(importPredictions(file, { coordinateBase: 0, expectedCount: 7 }), 7, 0);
        expectValues(importPredictions(file, { coordinateBase: 1, expectedCount: 7 }), 7, 1);
      }
    }
  });

  it('reads MAT 3×16×N with scores', () => {
    const file = writeMat('p3.mat', 5, 3, false);
    const result = importPredictions(file, { coordinateBase: 1, expectedCount: 5 });
    expectValues(result, 5, 1);
    expect(result.scores?.[4 * 16 + 15]).toBe(Math.fround(0.65));
  });

  it('reads a single person stored 2×16 (MATLAB drops the trailing 1)', () => {
    const { data } = predsColumnMajor(1, 2, false, valueAt);
    const file = path.join(dir, 'one.mat');
    writeFileSync(file, encodeMatNumeric('preds', 'single', [2, 16], data));
    expectValues(importPredictions(file, { coordinateBase: 0, expectedCount: 1 }), 1, 0);
  });

  it('reads 2×16×2 as persons×16×coordinates and warns that it is ambiguous', () => {
    const file = writeMat('amb.mat', 2, 2, true);
    const result = importPredictions(file, { coordinateBase: 0, expectedCount: 2 });
    expectValues(result, 2, 0);
    expect(result.warnings.length).toBe(1);
    expect(result.warnings[0]?.message).toMatch(/ambiguous/);
  });

  it('rejects bad json predictions, naming file, entry and field', () => {
    const base = (): number[][][] => jsonPreds(3, 2);
    const bad: { name: string; content: unknown; entry?: number; text: RegExp }[] = [
      { name: 'wrong count', content: { preds: base().slice(0, 2) }, text: /2 persons, the dataset has 3/ },
      { name: 'no preds', content: { predictions: base() }, text: /"preds"/ },
      { name: 'bare list', content: base(), text: /expected an object/ },
      { name: '15 joints', content: { preds: base().map((p, n) => (n === 1 ? p.slice(0, 15) : p)) }, entry: 1, text: /expected 16 joints, got 15/ },
      { name: 'null joint', content: { preds: base().map((p, n) => (n === 2 ? p.map((q, j) => (j === 4 ? null : q)) : p)) }, entry: 2, text: /joint 4 \(left_knee\).*got null/ },
      { name: 'NaN written as null', content: { preds: base().map((p, n) => (n === 2 ? p.map((q, j) => (j === 6 ? [1, null] : q)) : p)) }, entry: 2, text: /joint 6 \(pelvis\).*finite number, got null/ },
      { name: 'string value', content: { preds: base().map((p, n) => (n === 0 ? p.map((q, j) => (j === 0 ? ['1', 2] : q)) : p)) }, entry: 0, text: /got the string "1"/ },
      { name: 'mixed widths', content: { preds: base().map((p, n) => (n === 1 ? p.map((q, j) => (j === 3 ? [1, 2, 3] : q)) : p)) }, entry: 1, text: /joint 3/ },
    ];
    for (const c of bad) {
      const file = writeJson(`bad-${c.name.replace(/\W+/g, '-')}.json`, c.content);
      const error = catchInputError(() => importPredictions(file, { coordinateBase: 0, expectedCount: 3 }));
      expect(error.location.file, c.name).toBe(file);
      expect(error.message, c.name).toContain(file);
      expect(error.location.entry, c.name).toBe(c.entry);
      if (c.entry !== undefined) expect(error.message, c.name).toContain(`entry ${c.entry}`);
      expect(error.message, c.name).toMatch(c.text);
    }
  });

  it('rejects malformed json text with the line', () => {
    const file = writeJson('broken.json', '{"preds": [\n[[1, 2]],\n[[1, NaN]]]}');
    const error = catchInputError(() => importPredictions(file, { coordinateBase: 0, expectedCount: 2 }));
    expect(error.message).toContain(file);
    expect(error.message).toContain('line 3');
  });

  it('rejects bad MAT predictions, naming file and entry', () => {
    const nanData = predsColumnMajor(4, 2, true, (n, j, k) => (n === 2 && j === 9 && k === 1 ? NaN : valueAt(n, j, k)));
    const nanFile = path.join(dir, 'nan.mat');
    writeFileSync(nanFile, encodeMatNumeric('preds', 'single', nanData.dims, nanData.data));
    const nanError = catchInputError(() => importPredictions(nanFile, { coordinateBase: 0, expectedCount: 4 }));
    expect(nanError.location.entry).toBe(2);
    expect(nanError.message).toContain(nanFile);
    expect(nanError.message).toMatch(/entry 2.*joint 9 \(head_top\): y is NaN/);

    const joints15 = path.join(dir, 'j15.mat');
    writeFileSync(joints15, encodeMatNumeric('preds', 'single', [4, 15, 2], new Float64Array(120)));
    expect(catchInputError(() => importPredictions(joints15, { coordinateBase: 0, expectedCount: 4 })).message).toMatch(/4×15×2: expected 16 joints/);

    const wrongCount = writeMat('count.mat', 6, 2, false);
    expect(catchInputError(() => importPredictions(wrongCount, { coordinateBase: 0, expectedCount: 4 })).message).toMatch(/6 persons, the dataset has 4/);

    const otherName = path.join(dir, 'other.mat');
    writeFileSync(otherName, encodeMatNumeric('pred', 'single', [4, 16, 2], new Float64Array(128)));
    expect(catchInputError(() => importPredictions(otherName, { coordinateBase: 0, expectedCount: 4 })).message).toMatch(/no variable "preds".*pred\)?$/);

    const badShape = path.join(dir, 'shape.mat');
    writeFileSync(badShape, encodeMatNumeric('preds', 'single', [4, 16, 5], new Float64Array(320)));
    expect(catchInputError(() => importPredictions(badShape, { coordinateBase: 0, expectedCount: 4 })).message).toMatch(/4×16×5/);
  });

  it('rejects other file types', () => {
    const file = writeJson('preds.csv', 'x,y');
    expect(catchInputError(() => importPredictions(file, { coordinateBase: 0, expectedCount: 1 })).message).toMatch(/\.csv/);
  });
});
