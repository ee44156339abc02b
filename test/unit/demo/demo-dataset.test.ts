import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPII_JOINT_COUNT, MPII_MAT_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import type { MatGroundTruth } from '../../../src-main/core/types.ts';
import { ensureDemo } from '../../../src-main/demo/ensure-demo.ts';
import { HARD_JOINTS, MARKER_COLORS } from '../../../src-main/demo/marker-colors.ts';
import { readMpiiGtMat } from '../../../src-main/formats/mpii-gt-mat.ts';
import { readRgb } from './demo-eval-helpers.ts';

interface JsonEntry {
  joints_vis: number[];
  joints: number[][];
  image: string;
  scale: number;
  center: number[];
}

const COUNT = 40;
let datasetDir = '';
let json: JsonEntry[] = [];
let gt: MatGroundTruth;
let root = '';

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'posebench-demo-dataset-'));
  ({ datasetDir } = await ensureDemo(root, { count: COUNT }));
  json = JSON.parse(readFileSync(path.join(datasetDir, 'annotations', 'mpii_val.json'), 'utf8')) as JsonEntry[];
  gt = readMpiiGtMat(path.join(datasetDir, 'annotations', 'mpii_gt_val.mat'));
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('demo dataset files', () => {
  it('has one mmpose json entry and one image per person, with numeric image names (1.x img_id)', () => {
    expect(json).toHaveLength(COUNT);
    const images = readdirSync(path.join(datasetDir, 'images')).sort();
    expect(images).toEqual(json.map((e) => e.image).sort());
    for (const entry of json) {
      expect(Object.keys(entry)).toEqual(['joints_vis', 'joints', 'image', 'scale', 'center']);
      expect(entry.image).toMatch(/^\d{9}\.jpg$/);
      expect(entry.joints).toHaveLength(MPII_JOINT_COUNT);
      expect(entry.joints_vis).toHaveLength(MPII_JOINT_COUNT);
      expect(entry.scale).toBeGreaterThan(0);
    }
  });

  it('marks exactly the out-of-frame joints missing: [-1,-1] with vis 0, in-frame 1-based otherwise', async () => {
    let missing = 0;
    for (const entry of json) {
      const { width, height } = await readRgb(path.join(datasetDir, 'images', entry.image));
      entry.joints.forEach(([x, y], j) => {
        if (entry.joints_vis[j] === 0) {
          missing++;
          expect([x, y]).toEqual([-1, -1]);
        } else {
          // 1-based pixel centres: 1 ≤ x ≤ width.
          expect(x).toBeGreaterThanOrEqual(1);
          expect(x).toBeLessThanOrEqual(width);
          expect(y).toBeGreaterThanOrEqual(1);
          expect(y).toBeLessThanOrEqual(height);
        }
      });
    }
    expect(missing).toBeGreaterThan(0); // some figures are partly out of frame
  });

  it('the .mat agrees with the json: positions = joints, jnt_missing = 1 − vis, same person order', () => {
    expect(gt.count).toBe(COUNT);
    expect(gt.jointNames).toEqual([...MPII_MAT_JOINT_NAMES]);
    json.forEach((entry, n) => {
      for (let j = 0; j < MPII_JOINT_COUNT; j++) {
        expect(gt.positions1Based[(n * MPII_JOINT_COUNT + j) * 2]).toBe(entry.joints[j]![0]);
        expect(gt.positions1Based[(n * MPII_JOINT_COUNT + j) * 2 + 1]).toBe(entry.joints[j]![1]);
        expect(gt.missing[n * MPII_JOINT_COUNT + j]).toBe(1 - entry.joints_vis[j]!);
      }
    });
  });

  it('head boxes sit on the drawn head: centred between upper_neck and head_top, 0.6·diag = 0.6·√2·head length', () => {
    let checked = 0;
    json.forEach((entry, n) => {
      const [x1, y1, x2, y2] = Array.from(gt.headBoxes1Based.slice(n * 4, n * 4 + 4)) as [number, number, number, number];
      expect(x2).toBeGreaterThan(x1);
      expect(y2).toBeGreaterThan(y1);
      if (entry.joints_vis[8] !== 1 || entry.joints_vis[9] !== 1) return;
      const neck = entry.joints[8]!;
      const top = entry.joints[9]!;
      const headLength = Math.hypot(top[0]! - neck[0]!, top[1]! - neck[1]!);
      const headSize = 0.6 * Math.hypot(x2 - x1, y2 - y1); // spec §0 item 2: SC_BIAS · diagonal
      // The box is the square around the head circle whose diameter is the neck–top segment
      // (0.02 px slack: coordinates are stored rounded to 0.01 px).
      expect(Math.abs(headSize - 0.6 * Math.SQRT2 * headLength)).toBeLessThan(0.05);
      expect(Math.abs((x1 + x2) / 2 - (neck[0]! + top[0]!) / 2)).toBeLessThan(0.02);
      expect(Math.abs((y1 + y2) / 2 - (neck[1]! + top[1]!) / 2)).toBeLessThan(0.02);
      checked++;
    });
    expect(checked).toBeGreaterThan(COUNT / 2);
  });

  it("every annotated joint lies inside mmpose's crop (spec §4.1: centre (cx−1, cy+15s−1), side 250·s)", () => {
    for (const entry of json) {
      const cx = entry.center[0]! - 1;
      const cy = entry.center[1]! + 15 * entry.scale - 1;
      const half = 125 * entry.scale;
      entry.joints.forEach(([x, y], j) => {
        if (entry.joints_vis[j] !== 1) return;
        expect(Math.abs(x! - 1 - cx)).toBeLessThan(half);
        expect(Math.abs(y! - 1 - cy)).toBeLessThan(half);
      });
    }
  });

  it('the pixels agree with the annotation: most annotated joints show their marker colour', async () => {
    let near = 0;
    let total = 0;
    for (const entry of json) {
      const image = await readRgb(path.join(datasetDir, 'images', entry.image));
      entry.joints.forEach(([x1, y1], j) => {
        if (entry.joints_vis[j] !== 1) return;
        // 1-based annotation → 0-based pixel.
        const x = Math.round(x1! - 1);
        const y = Math.round(y1! - 1);
        const i = (y * image.width + x) * 3;
        const marker = MARKER_COLORS[j]!;
        const distance = Math.hypot(image.data[i]! - marker[0], image.data[i + 1]! - marker[1], image.data[i + 2]! - marker[2]);
        total++;
        if (distance < 30) near++;
      });
    }
    // Occluders hide some markers; everything else must show the joint's own colour.
    expect(near / total).toBeGreaterThan(0.9);
    expect(near / total).toBeLessThan(1);
  });

  it('wrist and ankle markers are the confusable ones (closest marker pairs)', () => {
    const distance = (a: number, b: number): number => Math.hypot(...MARKER_COLORS[a]!.map((v, c) => v - MARKER_COLORS[b]![c]!));
    const pairs: [number, number, number][] = [];
    for (let a = 0; a < MPII_JOINT_COUNT; a++) for (let b = a + 1; b < MPII_JOINT_COUNT; b++) pairs.push([a, b, distance(a, b)]);
    pairs.sort((p, q) => p[2] - q[2]);
    const closest = pairs.slice(0, 2).map(([a, b]) => [a, b]);
    expect(closest).toEqual(
      expect.arrayContaining([
        [0, 5],
        [10, 15],
      ]),
    );
    expect(HARD_JOINTS).toEqual([0, 5, 10, 15]);
  });
});
