/**
 * Helpers for the store tests: temp directories and small synthetic MPII-like datasets written to real
 * files (the json, and stand-in bytes for the gt .mat, whose content only matters for the fingerprint).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { MatGroundTruth, PersonAnnotation, Point2 } from '../../../src-main/core/types.ts';
import { MPII_MAT_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import type { DatasetToRegister } from '../../../src-main/store/datasets-repo.ts';
import { closeWorkspace, openWorkspace, type Workspace } from '../../../src-main/store/workspace.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

export function tempDir(prefix = 'posebench-store-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a workspace in a fresh temp dir; closed after the test. */
export function tempWorkspace(): Workspace & { dir: string } {
  const dir = tempDir();
  const ws = openWorkspace(path.join(dir, 'workspace.sqlite'));
  cleanups.push(() => closeWorkspace(ws));
  return Object.assign(ws, { dir });
}

/** Deterministic pseudo-random numbers (values need not be meaningful, only varied and reproducible). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

export interface SyntheticDataset {
  readonly input: DatasetToRegister;
  /** The json entries as written to disk (1-based, MPII format). */
  readonly json: Record<string, unknown>[];
}

/**
 * Writes `<dir>/annotations/mpii_val.json` with `count` persons (joint 3 of every 3rd person missing as
 * [-1,-1]/vis 0, as in the real files) and a gt with the same values, and returns the register input.
 */
export function writeSyntheticDataset(root: string, count: number, seed = 1, tweak?: (json: Record<string, unknown>[]) => void): SyntheticDataset {
  const random = seededRandom(seed);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const json = Array.from({ length: count }, (_, n) => {
    const joints = Array.from({ length: 16 }, (_, j) => (n % 3 === 0 && j === 3 ? [-1, -1] : [round(1 + random() * 600), round(1 + random() * 400)]));
    return {
      joints_vis: joints.map((p) => (p[0] === -1 ? 0 : 1)),
      joints,
      image: `${String(100000 + n).padStart(9, '0')}.jpg`,
      scale: round(1 + random() * 3),
      center: [round(100 + random() * 400), round(100 + random() * 200)],
    };
  });
  tweak?.(json);
  const annotationsDir = path.join(root, 'annotations');
  mkdirSync(annotationsDir, { recursive: true });
  const annotationFile = path.join(annotationsDir, 'mpii_val.json');
  writeFileSync(annotationFile, JSON.stringify(json));
  const gtMatFile = path.join(annotationsDir, 'mpii_gt_val.mat');
  writeFileSync(gtMatFile, Buffer.from(`stand-in gt for ${count} persons, seed ${seed}`));
  return { input: { root, layout: 'mmpose', split: 'val', annotationFile, gtMatFile, persons: toAnnotations(json), gt: toGroundTruth(json, random) }, json };
}

/** json (1-based) → PersonAnnotation (0-based), spec §1.3 / core/types.ts. */
export function toAnnotations(json: Record<string, unknown>[]): PersonAnnotation[] {
  return json.map((entry, entryIndex) => {
    const joints = (entry.joints as number[][]).map((p): Point2 | null => (p[0] === -1 && p[1] === -1 ? null : [p[0]! - 1, p[1]! - 1]));
    const center = entry.center as number[];
    return {
      entryIndex,
      image: entry.image as string,
      center: center[0] === -1 ? null : [center[0]! - 1, center[1]! - 1],
      scale: entry.scale as number,
      joints,
      jointsVisible: [...(entry.joints_vis as number[])],
      raw: entry,
    };
  });
}

/** A gt in `.mat` layout agreeing with the json (positions, missing) plus head boxes. */
function toGroundTruth(json: Record<string, unknown>[], random: () => number): MatGroundTruth {
  const count = json.length;
  const positions1Based = new Float64Array(count * 32);
  const missing = new Uint8Array(count * 16);
  const headBoxes1Based = new Float64Array(count * 4);
  json.forEach((entry, n) => {
    (entry.joints as number[][]).forEach((p, j) => {
      positions1Based[(n * 16 + j) * 2] = p[0]!;
      positions1Based[(n * 16 + j) * 2 + 1] = p[1]!;
      missing[n * 16 + j] = p[0] === -1 ? 1 : 0;
    });
    const x1 = 50 + random() * 300;
    const y1 = 20 + random() * 100;
    headBoxes1Based.set([x1, y1, x1 + 20 + random() * 40, y1 + 20 + random() * 40], n * 4);
  });
  return { count, jointNames: [...MPII_MAT_JOINT_NAMES], positions1Based, missing, headBoxes1Based };
}
