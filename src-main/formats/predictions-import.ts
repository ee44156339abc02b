/**
 * Imports a prediction file for the MPII val persons: json `{"preds": [N][16][2 or 3]}` or a MAT v5
 * variable `preds` shaped N×16×K or K×16×N (K = 2 for x,y; 3 adds a score).
 *
 * Predictions are float32, as mmpose produces them (spec §2 step 1 and §2.1: the +1 of the protocol is
 * a float32 add). 1-based files are brought to 0-based by subtracting 1 *in float32*:
 * `Math.fround(Math.fround(v) - 1)` (../shared/fixtures/mpii-predictions/EXPECTED.md).
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { makeWarning, PosebenchInputError, type InputWarning } from '../core/errors.ts';
import { MPII_JOINT_COUNT, MPII_JOINT_NAMES } from '../core/joints.ts';
import { printableExcerpt } from '../core/printable-excerpt.ts';
import { notRegularFileError } from '../core/regular-file.ts';
import type { MatNumericArray } from './mat/mat-types.ts';
import { readMatFile } from './mat/mat-reader.ts';
import { parseJsonText } from './json-text.ts';
import { variableList } from './mpii-gt-mat.ts';

export interface ImportPredictionsOptions {
  /** 0 when the file holds 0-based pixels (mmpose), 1 for MATLAB 1-based pixels. */
  readonly coordinateBase: 0 | 1;
  /** Number of persons of the dataset the predictions belong to. */
  readonly expectedCount: number;
}

export interface ImportedPredictions {
  /** index (n * 16 + j) * 2 + axis; 0-based image pixels, float32. */
  readonly predictions0Based: Float32Array;
  /** index n * 16 + j; present only when the file has a score per joint. */
  readonly scores?: Float32Array;
  readonly count: number;
  readonly warnings: InputWarning[];
}

const PREDS_VARIABLE = 'preds';

export function importPredictions(file: string, options: ImportPredictionsOptions, read?: PredictionFileBytes): ImportedPredictions {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return importJsonPredictions(file, options, read);
  if (extension === '.mat') return importMatPredictions(file, options);
  throw new PosebenchInputError({ file }, `unsupported prediction file type "${extension}": expected .json or .mat`);
}

/** Per-value conversion to 0-based float32 (see the header comment). */
function toZeroBased(value: number, coordinateBase: 0 | 1): number {
  const single = Math.fround(value);
  return coordinateBase === 1 ? Math.fround(single - 1) : single;
}

function jointLabel(j: number): string {
  return `joint ${j} (${MPII_JOINT_NAMES[j] ?? '?'})`;
}

function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'string' ? `the string ${printableExcerpt(JSON.stringify(value))}` : `a ${typeof value}`;
}

function checkCount(file: string, count: number, expectedCount: number): void {
  if (count !== expectedCount) {
    throw new PosebenchInputError(
      { file, field: PREDS_VARIABLE },
      `has predictions for ${count} persons, the dataset has ${expectedCount}; they must be in the order of the annotation json`,
    );
  }
}

/** A prediction file's bytes, and the file's fstat when it did not change while they were read. */
export interface PredictionFileBytes {
  readonly bytes: Buffer;
  /** Taken on the descriptor that was read, before and after reading (equal), else null. */
  readonly stats: BigIntStats | null;
}

/**
 * Reads a prediction file whole (regular files only, as readRegularFileSync), with its fstat, so the
 * caller can hash the very bytes it parses (an import: no second read of a 37 MB file).
 */
export function readPredictionFile(file: string): PredictionFileBytes {
  try {
    const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const before = fstatSync(fd, { bigint: true });
      if (!before.isFile()) throw notRegularFileError(file, 'prediction file', before);
      const bytes = readFileSync(fd);
      const after = fstatSync(fd, { bigint: true });
      const same = before.size === after.size && before.mtimeNs === after.mtimeNs && before.ctimeNs === after.ctimeNs && before.ino === after.ino;
      return { bytes, stats: same ? after : null };
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (error instanceof PosebenchInputError) throw error;
    throw new PosebenchInputError({ file }, `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function importJsonPredictions(file: string, options: ImportPredictionsOptions, read?: PredictionFileBytes): ImportedPredictions {
  const bytes = (read ?? readPredictionFile(file)).bytes;
  return scanJsonPredictions(bytes, options) ?? parseJsonPredictions(file, bytes.toString('utf8'), options);
}

/**
 * The common case read straight from the bytes: `{"preds": [[[x, y(, s)] ×16] ×N]}` with only JSON
 * whitespace around the tokens, N = expectedCount, every joint as wide as the first and every number
 * finite. No string, array or number object is built (JSON.parse of a 150,000-person file builds
 * about 7 million and takes 1–2 s; this takes a tenth of that). Anything else — another key, a
 * malformed or non-finite value, a wrong count or shape — returns null, and the file goes through
 * JSON.parse (parseJsonPredictions), which accepts or names the problem exactly as before.
 *
 * Numbers equal JSON.parse's bit for bit: a mantissa of at most 2^53 with at most 22 fraction digits
 * and no exponent is m / 10^f, both exact doubles, so the one correctly rounded division is the
 * correctly rounded decimal (as strtod's; Clinger's fast path); any other number is read by Number()
 * from its text, which rounds correctly like JSON.parse.
 */
export function scanJsonPredictions(bytes: Uint8Array, options: ImportPredictionsOptions): ImportedPredictions | null {
  return new PredsScanner(bytes, options.expectedCount, options.coordinateBase).run();
}

/** The scanner of scanJsonPredictions: the position as a field, not a closure's variable (half the time). */
class PredsScanner {
  i = 0;
  readonly end: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly count: number,
    readonly coordinateBase: 0 | 1,
  ) {
    this.end = bytes.length;
  }

  skipSpace(): void {
    while (this.i < this.end) {
      const c = this.bytes[this.i]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i += 1;
      else return;
    }
  }

  /** Consumes byte `c` after optional whitespace; false when it is not there. */
  expect(c: number): boolean {
    this.skipSpace();
    if (this.i < this.end && this.bytes[this.i] === c) {
      this.i += 1;
      return true;
    }
    return false;
  }

  /** A JSON number after optional whitespace, or NaN when there is none (or it is not finite). */
  number(): number {
    this.skipSpace();
    // The position in a local while the digits are read (the hot loop of the scan).
    const bytes = this.bytes;
    const end = this.end;
    const start = this.i;
    let i = start;
    let negative = false;
    if (i < end && bytes[i] === 0x2d /* - */) {
      negative = true;
      i += 1;
    }
    let mantissa = 0;
    const intStart = i;
    while (i < end) {
      const d = bytes[i]! - 0x30;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      i += 1;
    }
    const intDigits = i - intStart;
    let fraction = 0;
    let exponent = false;
    let valid = intDigits > 0 && (intDigits === 1 || bytes[intStart] !== 0x30); // digits, no leading zero
    if (valid && i < end && bytes[i] === 0x2e /* . */) {
      i += 1;
      const fracStart = i;
      while (i < end) {
        const d = bytes[i]! - 0x30;
        if (d < 0 || d > 9) break;
        mantissa = mantissa * 10 + d;
        i += 1;
      }
      fraction = i - fracStart;
      valid = fraction > 0;
    }
    if (valid && i < end && (bytes[i] === 0x65 || bytes[i] === 0x45) /* e E */) {
      exponent = true;
      i += 1;
      if (i < end && (bytes[i] === 0x2b || bytes[i] === 0x2d)) i += 1;
      const expStart = i;
      while (i < end && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) i += 1;
      valid = i > expStart;
    }
    this.i = i;
    if (!valid) return Number.NaN;
    if (!exponent && mantissa <= Number.MAX_SAFE_INTEGER && fraction <= 22) {
      const value = fraction === 0 ? mantissa : mantissa / POWERS_OF_TEN[fraction]!;
      return negative ? -value : value;
    }
    const value = Number(String.fromCharCode(...bytes.subarray(start, i)));
    return Number.isFinite(value) ? value : Number.NaN;
  }

  /** A string after optional whitespace: 1 when it is exactly "preds", 0 another valid string, -1 none (or escapes in a key). */
  string(key: boolean): number {
    this.skipSpace();
    if (this.i >= this.end || this.bytes[this.i] !== 0x22 /* " */) return -1;
    const start = this.i;
    this.i += 1;
    while (this.i < this.end) {
      const c = this.bytes[this.i]!;
      if (c === 0x22) {
        this.i += 1;
        return this.i - start === PREDS_KEY_BYTES.length && PREDS_KEY_BYTES.equals(this.bytes.subarray(start, this.i)) ? 1 : 0;
      }
      if (c < 0x20) return -1;
      if (c === 0x5c /* \ */) {
        // An escaped key might spell "preds": left to JSON.parse.
        if (key || this.i + 1 >= this.end) return -1;
        const e = this.bytes[this.i + 1]!;
        if (e === 0x75 /* u */) {
          for (let k = 2; k < 6; k++) {
            const h = this.bytes[this.i + k] ?? 0;
            if (!((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) return -1;
          }
          this.i += 6;
        } else if (ESCAPABLE.includes(e)) this.i += 2;
        else return -1;
      } else this.i += 1;
    }
    return -1;
  }

  /** Any JSON value other than the predictions (another top-level key's), checked and skipped. */
  skipValue(depth: number): boolean {
    this.skipSpace();
    if (this.i >= this.end || depth > MAX_SKIPPED_DEPTH) return false;
    const c = this.bytes[this.i]!;
    if (c === 0x22) return this.string(false) >= 0;
    if (c === 0x7b || c === 0x5b) {
      const close = c === 0x7b ? 0x7d : 0x5d;
      this.i += 1;
      if (this.expect(close)) return true;
      do {
        if (c === 0x7b && (this.string(true) < 0 || !this.expect(0x3a))) return false;
        if (!this.skipValue(depth + 1)) return false;
      } while (this.expect(0x2c));
      return this.expect(close);
    }
    for (const word of LITERALS) {
      if (word.equals(this.bytes.subarray(this.i, this.i + word.length))) {
        this.i += word.length;
        return true;
      }
    }
    return !Number.isNaN(this.number());
  }

  /** The predictions array, after the key and colon. */
  preds(): ImportedPredictions | null {
    if (!this.expect(0x5b /* [ */) || this.count === 0) return null;
    let width = 0;
    const predictions0Based = new Float32Array(this.count * MPII_JOINT_COUNT * 2);
    let scores: Float32Array | undefined;
    for (let n = 0; n < this.count; n++) {
      if ((n > 0 && !this.expect(0x2c /* , */)) || !this.expect(0x5b)) return null;
      for (let j = 0; j < MPII_JOINT_COUNT; j++) {
        if ((j > 0 && !this.expect(0x2c)) || !this.expect(0x5b)) return null;
        const slot = n * MPII_JOINT_COUNT + j;
        const x = this.number();
        if (Number.isNaN(x) || !this.expect(0x2c)) return null;
        const y = this.number();
        if (Number.isNaN(y)) return null;
        predictions0Based[slot * 2] = toZeroBased(x, this.coordinateBase);
        predictions0Based[slot * 2 + 1] = toZeroBased(y, this.coordinateBase);
        if (width === 0) {
          // The first joint fixes the width, as in parseJsonPredictions.
          this.skipSpace();
          width = this.i < this.end && this.bytes[this.i] === 0x2c ? 3 : 2;
          if (width === 3) scores = new Float32Array(this.count * MPII_JOINT_COUNT);
        }
        if (scores !== undefined) {
          if (!this.expect(0x2c)) return null;
          const score = this.number();
          if (Number.isNaN(score)) return null;
          scores[slot] = score;
        }
        if (!this.expect(0x5d /* ] */)) return null;
      }
      if (!this.expect(0x5d)) return null;
    }
    if (!this.expect(0x5d)) return null;
    return scores === undefined ? { predictions0Based, count: this.count, warnings: [] } : { predictions0Based, scores, count: this.count, warnings: [] };
  }

  /** The top-level object: "preds" once (JSON.parse would keep the last of several), other keys skipped. */
  run(): ImportedPredictions | null {
    if (!this.expect(0x7b /* { */)) return null;
    let result: ImportedPredictions | null = null;
    if (!this.expect(0x7d /* } */)) {
      do {
        const key = this.string(true);
        if (key < 0 || !this.expect(0x3a /* : */)) return null;
        if (key === 1) {
          if (result !== null) return null;
          result = this.preds();
          if (result === null) return null;
        } else if (!this.skipValue(0)) return null;
      } while (this.expect(0x2c));
      if (!this.expect(0x7d)) return null;
    }
    this.skipSpace();
    return this.i === this.end ? result : null;
  }
}

/** Nesting of other top-level keys' values the scanner walks through (deeper: left to JSON.parse). */
const MAX_SKIPPED_DEPTH = 64;
/** The characters after a backslash in a JSON string, other than u. */
const ESCAPABLE = Buffer.from('"\\/bfnrt', 'latin1');
const LITERALS = ['true', 'false', 'null'].map((word) => Buffer.from(word, 'latin1'));

const PREDS_KEY_BYTES = Buffer.from(`"${PREDS_VARIABLE}"`, 'latin1');
/** 1e0 … 1e22, every one an exact double (parsed from its literal, not computed by a power). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** The general reader: JSON.parse, then every shape and value checked with an error that names it. */
function parseJsonPredictions(file: string, text: string, options: ImportPredictionsOptions): ImportedPredictions {
  const data = parseJsonText(text, file);
  let preds: unknown;
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && PREDS_VARIABLE in data) {
    preds = (data as Record<string, unknown>)[PREDS_VARIABLE];
  } else {
    throw new PosebenchInputError({ file }, `expected an object {"preds": [N][16][2]} at the top level, got ${describeJsonValue(data)}`);
  }
  if (!Array.isArray(preds)) {
    throw new PosebenchInputError({ file, field: PREDS_VARIABLE }, `expected a list [N][16][2], got ${describeJsonValue(preds)}`);
  }
  checkCount(file, preds.length, options.expectedCount);

  const count = preds.length;
  // Width (2: x,y; 3: x,y,score) is fixed by the first joint; every joint must agree.
  const firstJoint: unknown = Array.isArray(preds[0]) ? (preds[0] as unknown[])[0] : undefined;
  const width = Array.isArray(firstJoint) && firstJoint.length === 3 ? 3 : 2;
  const predictions0Based = new Float32Array(count * MPII_JOINT_COUNT * 2);
  const scores = width === 3 ? new Float32Array(count * MPII_JOINT_COUNT) : undefined;

  for (let n = 0; n < count; n++) {
    const person: unknown = preds[n];
    if (!Array.isArray(person) || person.length !== MPII_JOINT_COUNT) {
      const got = Array.isArray(person) ? `${person.length} joints` : describeJsonValue(person);
      throw new PosebenchInputError({ file, entry: n, field: `preds[${n}]` }, `expected ${MPII_JOINT_COUNT} joints, got ${got}`);
    }
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const joint: unknown = person[j];
      if (!Array.isArray(joint) || joint.length !== width) {
        const shape = width === 3 ? '[x, y, score]' : '[x, y]';
        throw new PosebenchInputError(
          { file, entry: n, field: `preds[${n}][${j}]` },
          `${jointLabel(j)}: expected ${shape} (every joint like the file's first one, [x, y] or [x, y, score]), got ${describeJsonValue(joint)}`,
        );
      }
      for (let k = 0; k < width; k++) {
        const value: unknown = joint[k];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new PosebenchInputError(
            { file, entry: n, field: `preds[${n}][${j}][${k}]` },
            `${jointLabel(j)}: expected a finite number, got ${describeJsonValue(value)}`,
          );
        }
        const slot = n * MPII_JOINT_COUNT + j;
        if (k < 2) predictions0Based[slot * 2 + k] = toZeroBased(value, options.coordinateBase);
        else if (scores !== undefined) scores[slot] = value;
      }
    }
  }
  return scores === undefined ? { predictions0Based, count, warnings: [] } : { predictions0Based, scores, count, warnings: [] };
}

/** How the persons, joints and coordinates sit in a 3-D column-major MAT array. */
interface MatPredsLayout {
  readonly personsFirst: boolean;
  readonly count: number;
  /** 2 (x, y) or 3 (x, y, score). */
  readonly width: number;
}

function describeDims(dims: readonly number[]): string {
  return dims.join('×');
}

function resolveMatLayout(file: string, dims3: readonly [number, number, number], expectedCount: number, warnings: InputWarning[]): MatPredsLayout {
  const [d0, d1, d2] = dims3;
  const shapeText = `shape ${describeDims(dims3)}`;
  if (d1 !== MPII_JOINT_COUNT) {
    throw new PosebenchInputError(
      { file, field: PREDS_VARIABLE },
      `${shapeText}: expected ${MPII_JOINT_COUNT} joints along the second dimension (N×16×2 or 2×16×N)`,
    );
  }
  const personsFirstFits = d2 === 2 || d2 === 3;
  const coordsFirstFits = d0 === 2 || d0 === 3;
  if (!personsFirstFits && !coordsFirstFits) {
    throw new PosebenchInputError({ file, field: PREDS_VARIABLE }, `${shapeText}: expected N×16×2 or 2×16×N (or ×3 with scores)`);
  }
  let personsFirst = personsFirstFits;
  if (personsFirstFits && coordsFirstFits) {
    // Only possible for N of 2 or 3: pick the reading whose N matches, N×16×K when both do.
    personsFirst = d0 === expectedCount || d2 !== expectedCount;
    if (d0 === d2) {
      warnings.push(makeWarning({ file, field: PREDS_VARIABLE }, `${shapeText} is ambiguous; read as persons×16×coordinates`));
    }
  }
  return personsFirst ? { personsFirst, count: d0, width: d2 } : { personsFirst, count: d2, width: d0 };
}

function importMatPredictions(file: string, options: ImportPredictionsOptions): ImportedPredictions {
  const mat = readMatFile(file);
  const variable = mat.variables.get(PREDS_VARIABLE);
  if (variable === undefined) {
    const names = [...mat.variables.keys()];
    throw new PosebenchInputError({ file, field: PREDS_VARIABLE }, `no variable "preds" in the file (it has: ${variableList(names)})`);
  }
  if (variable.kind !== 'numeric') {
    throw new PosebenchInputError({ file, field: PREDS_VARIABLE }, `expected a numeric array, got a ${variable.kind} array`);
  }
  const array: MatNumericArray = variable;
  // MATLAB drops trailing singleton dimensions (a 2×16×1 array is stored as 2×16): pad to 3-D.
  const dims = [...array.dims];
  while (dims.length > 3 && dims[dims.length - 1] === 1) dims.pop();
  if (dims.length > 3) {
    throw new PosebenchInputError({ file, field: PREDS_VARIABLE }, `shape ${describeDims(dims)}: expected a 3-D array N×16×2 or 2×16×N`);
  }
  while (dims.length < 3) dims.push(1);
  const dims3: [number, number, number] = [dims[0] ?? 0, dims[1] ?? 0, dims[2] ?? 0];

  const warnings: InputWarning[] = [];
  const layout = resolveMatLayout(file, dims3, options.expectedCount, warnings);
  checkCount(file, layout.count, options.expectedCount);

  const { count, width, personsFirst } = layout;
  const data = array.data;
  const predictions0Based = new Float32Array(count * MPII_JOINT_COUNT * 2);
  const scores = width === 3 ? new Float32Array(count * MPII_JOINT_COUNT) : undefined;
  // Column-major (mat-types.ts): element (i, j, k) of dims [d0, d1, d2] is at i + d0 * (j + d1 * k).
  //   N×16×K: (n, j, k) → n + N * (j + 16 * k)
  //   K×16×N: (k, j, n) → k + K * (j + 16 * n)
  const indexOf = personsFirst
    ? (n: number, j: number, k: number): number => n + count * (j + MPII_JOINT_COUNT * k)
    : (n: number, j: number, k: number): number => k + width * (j + MPII_JOINT_COUNT * n);

  for (let n = 0; n < count; n++) {
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const slot = n * MPII_JOINT_COUNT + j;
      for (let k = 0; k < width; k++) {
        const value = data[indexOf(n, j, k)];
        if (value === undefined || !Number.isFinite(value)) {
          throw new PosebenchInputError(
            { file, entry: n, field: PREDS_VARIABLE },
            `${jointLabel(j)}: ${k === 2 ? 'score' : k === 0 ? 'x' : 'y'} is ${value === undefined ? 'absent' : String(value)}, expected a finite number`,
          );
        }
        if (k < 2) predictions0Based[slot * 2 + k] = toZeroBased(value, options.coordinateBase);
        else if (scores !== undefined) scores[slot] = value;
      }
    }
  }
  return scores === undefined ? { predictions0Based, count, warnings } : { predictions0Based, scores, count, warnings };
}
