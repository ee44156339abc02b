/**
 * Builders for the hand-made dataset folders and prediction files used by the datasets tests.
 * Everything is written under os.tmpdir().
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { PosebenchInputError } from '../../../src-main/core/errors.ts';
import os from 'node:os';
import path from 'node:path';

export function makeTempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `posebench-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A plausible 1-based MPII json entry; joint j of person n sits at (100 + 10 j + n, 200 + 5 j). */
export function makeJsonEntry(n: number, image = `img${n}.jpg`): Record<string, unknown> {
  const joints: number[][] = [];
  for (let j = 0; j < 16; j++) joints.push([100 + 10 * j + n, 200 + 5 * j]);
  return { joints_vis: new Array<number>(16).fill(1), joints, image, scale: 1.5 + n, center: [300 + n, 250] };
}

export type LayoutName = 'mmpose' | 'hrnet';

export function annotationPath(root: string, layout: LayoutName, split: 'val' | 'train'): string {
  if (layout === 'mmpose') return path.join(root, 'annotations', `mpii_${split}.json`);
  return path.join(root, 'annot', split === 'val' ? 'valid.json' : 'train.json');
}

export function gtMatPath(root: string, layout: LayoutName): string {
  return layout === 'mmpose' ? path.join(root, 'annotations', 'mpii_gt_val.mat') : path.join(root, 'annot', 'gt_valid.mat');
}

/** Writes an annotation file (text as given, or JSON of `content`) at the layout's place. */
export function writeAnnotation(root: string, layout: LayoutName, split: 'val' | 'train', content: unknown): string {
  const file = annotationPath(root, layout, split);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Writes placeholder image files (not real images: opening a dataset only stats them). */
export function writeImageFiles(root: string, names: readonly string[]): void {
  mkdirSync(path.join(root, 'images'), { recursive: true });
  for (const name of names) writeFileSync(path.join(root, 'images', name), Buffer.alloc(10 + name.length, 7));
}

/**
 * A minimal MAT v5 file with one numeric variable, written independently of the project's MAT code
 * (Level 5 MAT-file format: 128-byte header, one miMATRIX element; data column-major).
 */
export function encodeMatNumeric(name: string, className: 'single' | 'double', dims: readonly number[], columnMajor: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, written by posebench tests', 0, 'latin1');
  header.fill(0, 116, 124); // subsystem data offset
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');

  const element = (type: number, payload: Buffer): Buffer => {
    const tag = Buffer.alloc(8);
    tag.writeUInt32LE(type, 0);
    tag.writeUInt32LE(payload.length, 4);
    const padding = Buffer.alloc((8 - (payload.length % 8)) % 8);
    return Buffer.concat([tag, payload, padding]);
  };
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(className === 'single' ? 7 : 6, 0); // mxSINGLE_CLASS / mxDOUBLE_CLASS
  const dimBytes = Buffer.alloc(4 * dims.length);
  dims.forEach((d, i) => dimBytes.writeInt32LE(d, 4 * i));
  const bytesPer = className === 'single' ? 4 : 8;
  const data = Buffer.alloc(columnMajor.length * bytesPer);
  for (let i = 0; i < columnMajor.length; i++) {
    if (className === 'single') data.writeFloatLE(columnMajor[i] ?? 0, 4 * i);
    else data.writeDoubleLE(columnMajor[i] ?? 0, 8 * i);
  }
  const body = Buffer.concat([
    element(6, flags), // miUINT32 array flags
    element(5, dimBytes), // miINT32 dimensions
    element(1, Buffer.from(name, 'latin1')), // miINT8 name
    element(className === 'single' ? 7 : 9, data), // miSINGLE / miDOUBLE real part
  ]);
  return Buffer.concat([header, element(14, body)]);
}

/**
 * Column-major data for a prediction array given per-person values `value(n, j, k)`.
 * personsFirst: dims [N, 16, K]; otherwise [K, 16, N].
 */
export function predsColumnMajor(count: number, width: number, personsFirst: boolean, value: (n: number, j: number, k: number) => number): { dims: number[]; data: Float64Array } {
  const data = new Float64Array(count * 16 * width);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < 16; j++) {
      for (let k = 0; k < width; k++) {
        const index = personsFirst ? n + count * (j + 16 * k) : k + width * (j + 16 * n);
        data[index] = value(n, j, k);
      }
    }
  }
  return { dims: personsFirst ? [count, 16, width] : [width, 16, count], data };
}

/** Runs `run` and returns the PosebenchInputError it throws (fails the test otherwise). */
export function catchInputError(run: () => unknown): PosebenchInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof PosebenchInputError) return error;
    throw error;
  }
  throw new Error('expected a PosebenchInputError, nothing was thrown');
}
