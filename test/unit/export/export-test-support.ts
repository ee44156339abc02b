/**
 * Helpers for the export tests: temp folders, a small synthetic MPII dataset folder written to real
 * files (json, gt .mat, PNG images), and a structural diff that lists where two values differ.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { MPII_JOINT_COUNT, MPII_MAT_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import type { MatGroundTruth } from '../../../src-main/core/types.ts';
import { encodeMpiiGtMat } from '../../../src-main/formats/mpii-gt-mat.ts';

export function makeTempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `posebench-export-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface SyntheticDataset {
  readonly root: string;
  readonly jsonFile: string;
  readonly matFile: string;
  /** The entries as written (1-based). */
  readonly entries: Record<string, unknown>[];
  /** The gt as written. */
  readonly gt: MatGroundTruth;
  readonly imageSizes: Readonly<Record<string, { width: number; height: number }>>;
}

const IMAGE_SIZES = { 'img_a.png': { width: 640, height: 480 }, 'img_b.png': { width: 320, height: 400 } } as const;

/**
 * Four persons on two real PNG images (a third image name has no file). Joint j of person n sits at
 * (100 + 20 j + n + 0.5, 50 + 10 j + 0.25): exact in binary, so -1/+1 round trips are exact too.
 * Person 2 has joint 0 not annotated ([-1,-1], vis 0). Every entry carries an extra field, to check
 * that export keeps what it does not know. The gt `.mat` positions are the json values plus a tiny
 * offset (like the real file, whose values are not the json's bit for bit), so a test can tell
 * which source a value came from.
 */
export async function writeSyntheticDataset(root: string): Promise<SyntheticDataset> {
  const images = ['img_a.png', 'img_a.png', 'img_b.png', 'img_c.png'];
  const entries = images.map((image, n) => {
    const joints: number[][] = [];
    const vis: number[] = [];
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const missing = n === 2 && j === 0;
      joints.push(missing ? [-1, -1] : [100 + 20 * j + n + 0.5, 50 + 10 * j + 0.25]);
      vis.push(missing ? 0 : 1);
    }
    // Key order as in the real files; `note` is an extra field.
    return { joints_vis: vis, joints, image, scale: 1.25 + n / 4, center: [250 + n, 140.5], note: `person ${n}` };
  });
  const count = entries.length;
  const positions1Based = new Float64Array(count * MPII_JOINT_COUNT * 2);
  const missing = new Uint8Array(count * MPII_JOINT_COUNT);
  const headBoxes1Based = new Float64Array(count * 4);
  entries.forEach((entry, n) => {
    entry.joints.forEach(([x, y], j) => {
      const isMissing = entry.joints_vis[j] === 0;
      missing[n * MPII_JOINT_COUNT + j] = isMissing ? 1 : 0;
      positions1Based[(n * MPII_JOINT_COUNT + j) * 2] = isMissing ? 0 : x! + 1e-6;
      positions1Based[(n * MPII_JOINT_COUNT + j) * 2 + 1] = isMissing ? 0 : y! - 1e-6;
    });
    headBoxes1Based.set([280 + n, 120.5, 330 + n, 190.75], n * 4);
  });
  const gt: MatGroundTruth = { count, jointNames: [...MPII_MAT_JOINT_NAMES], positions1Based, missing, headBoxes1Based };

  const annotations = path.join(root, 'annotations');
  mkdirSync(annotations, { recursive: true });
  const jsonFile = path.join(annotations, 'mpii_val.json');
  writeFileSync(jsonFile, JSON.stringify(entries));
  const matFile = path.join(annotations, 'mpii_gt_val.mat');
  writeFileSync(matFile, encodeMpiiGtMat(gt, { compress: true }));
  mkdirSync(path.join(root, 'images'), { recursive: true });
  for (const [name, size] of Object.entries(IMAGE_SIZES)) {
    await sharp({ create: { width: size.width, height: size.height, channels: 3, background: { r: 40, g: 90, b: 140 } } })
      .png()
      .toFile(path.join(root, 'images', name));
  }
  return { root, jsonFile, matFile, entries, gt, imageSizes: IMAGE_SIZES };
}

/** A dataset folder in mmpose layout from a json file and a gt `.mat` (copied), without images. */
export function assembleDatasetFolder(root: string, jsonFile: string, matFile: string): void {
  mkdirSync(path.join(root, 'annotations'), { recursive: true });
  copyFileSync(jsonFile, path.join(root, 'annotations', 'mpii_val.json'));
  copyFileSync(matFile, path.join(root, 'annotations', 'mpii_gt_val.mat'));
}

/**
 * Paths (`a.b[3].c`) at which two JSON-like values differ. Typed arrays compare element-wise.
 * Numbers compare with Object.is, so -0/0 and NaN are told apart / matched exactly.
 */
export function diffPaths(a: unknown, b: unknown, at = ''): string[] {
  const isArrayLike = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || ArrayBuffer.isView(v);
  if (isArrayLike(a) && isArrayLike(b)) {
    if (a.length !== b.length) return [`${at}.length`];
    const out: string[] = [];
    for (let i = 0; i < a.length; i++) out.push(...diffPaths(a[i], b[i], `${at}[${i}]`));
    return out;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !isArrayLike(a) && !isArrayLike(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const out: string[] = [];
    for (const key of keys) out.push(...diffPaths((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], at === '' ? key : `${at}.${key}`));
    return out;
  }
  return Object.is(a, b) ? [] : [at];
}

/** Whether /usr/bin/python3 can import scipy.io (used to check exported `.mat` files independently). */
export function scipyAvailable(): boolean {
  const result = spawnSync('/usr/bin/python3', ['-c', 'import scipy.io'], { stdio: 'ignore' });
  return result.status === 0;
}
