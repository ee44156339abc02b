import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../src-main/core/errors.ts';
import type { PersonAnnotation, Point2 } from '../../../src-main/core/types.ts';
import { exportAnnotations, type ExportFormat } from '../../../src-main/export/export-annotations.ts';
import {
  buildCocoKeypoints,
  COCO17_FROM_MPII,
  cocoAnnotationFor,
  MPII_JOINTS_NOT_IN_COCO,
  type CocoKeypointsFile,
} from '../../../src-main/export/export-coco.ts';
import { mpiiJsonExportEntry, mpiiJsonExportText } from '../../../src-main/export/export-mpii-json.ts';
import { mpiiMatExportBytes } from '../../../src-main/export/export-mpii-mat.ts';
import { parseMpiiJson, parseMpiiJsonEntry } from '../../../src-main/formats/mpii-json.ts';
import { openWorkbench, type Workbench } from '../../../src-main/workbench/workbench.ts';
import { makeTempDir, removeDir, scipyAvailable, writeSyntheticDataset, type SyntheticDataset } from './export-test-support.ts';

describe('MPII json export entries', () => {
  it('keeps key order, extra fields, and a joint that has coordinates but joints_vis 0', () => {
    const raw = {
      joints_vis: [0, ...new Array<number>(15).fill(1)],
      joints: [[12.5, 30], ...Array.from({ length: 15 }, (_, j) => [40 + j, 50.75])],
      image: 'x.jpg',
      extra: { nested: [1, 2] },
      scale: 2,
      center: [100, 120],
    };
    const person = parseMpiiJsonEntry(raw, 'test.json', 0);
    expect(person.joints[0]).toBeNull();
    const entry = mpiiJsonExportEntry(person);
    expect(entry).toEqual(raw);
    expect(Object.keys(entry)).toEqual(Object.keys(raw));
    expect(mpiiJsonExportText([person])).toBe(
      '[{"joints_vis": [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "joints": [[12.5, 30.0], ' +
        Array.from({ length: 15 }, (_, j) => `[${40 + j}.0, 50.75]`).join(', ') +
        '], "image": "x.jpg", "extra": {"nested": [1, 2]}, "scale": 2.0, "center": [100.0, 120.0]}]',
    );
  });

  it('writes a corrected person 1-based, with [-1, -1] / 0 for a joint made missing', () => {
    const raw = JSON.parse(
      JSON.stringify({
        joints_vis: new Array<number>(16).fill(1),
        joints: Array.from({ length: 16 }, (_, j) => [10 + j, 20 + j]),
        image: 'y.jpg',
        scale: 1.5,
        center: [-1, -1],
      }),
    ) as Record<string, unknown>;
    const original = parseMpiiJsonEntry(raw, 'test.json', 3);
    const joints: (Point2 | null)[] = [...original.joints];
    joints[4] = [99.25, 7.5];
    joints[5] = null;
    const corrected: PersonAnnotation = { ...original, joints, jointsVisible: original.jointsVisible.map((v, j) => (j === 5 ? 0 : v)) };
    const entry = mpiiJsonExportEntry(corrected) as { joints: number[][]; joints_vis: number[]; center: number[] };
    expect(entry.joints[4]).toEqual([100.25, 8.5]);
    expect(entry.joints[5]).toEqual([-1, -1]);
    expect(entry.joints_vis[5]).toBe(0);
    expect(entry.joints[6]).toEqual([16, 26]);
    expect(entry.center).toEqual([-1, -1]);
  });
});

describe('COCO export conventions', () => {
  it('maps the 12 body keypoints by name; face keypoints have no MPII joint', () => {
    // MPII order: 0 r_ankle 1 r_knee 2 r_hip 3 l_hip 4 l_knee 5 l_ankle ... 10 r_wrist 11 r_elbow
    // 12 r_shoulder 13 l_shoulder 14 l_elbow 15 l_wrist; COCO: nose, eyes, ears, then l/r pairs.
    expect(COCO17_FROM_MPII).toEqual([null, null, null, null, null, 13, 12, 14, 11, 15, 10, 3, 2, 4, 1, 5, 0]);
    expect(MPII_JOINTS_NOT_IN_COCO).toEqual([6, 7, 8, 9]);
  });

  const person = (center: Point2 | null, joints: (Point2 | null)[]): PersonAnnotation => ({
    entryIndex: 7,
    image: 'p.jpg',
    center,
    scale: 1.5,
    joints,
    jointsVisible: joints.map((p) => (p ? 1 : 0)),
    raw: {},
  });

  it('bbox: the square 200·s box around (cx, cy + 15·s) in 0-based pixels; area w·h; extra MPII joints in the extension', () => {
    const joints: (Point2 | null)[] = Array.from({ length: 16 }, (_, j): Point2 => [10 * j, 5 * j]);
    joints[9] = null;
    const ann = cocoAnnotationFor(person([300, 200], joints), 4, null, false);
    // side 300; centre (300, 200 + 22.5) → x 150, y 72.5
    expect(ann.bbox).toEqual([150, 72.5, 300, 300]);
    expect(ann.area).toBe(90000);
    expect(ann).toMatchObject({ id: 8, image_id: 4, category_id: 1, iscrowd: 0, num_keypoints: 12 });
    expect(ann.keypoints.slice(0, 15)).toEqual(new Array<number>(15).fill(0));
    expect(ann.keypoints.slice(15, 21)).toEqual([130, 65, 2, 120, 60, 2]); // left, right shoulder
    expect(ann.keypoints.slice(48, 51)).toEqual([0, 0, 2]); // right_ankle = MPII joint 0 at (0, 0), annotated
    expect(ann.posebench_mpii).toEqual({
      entry_index: 7,
      center: [300, 200],
      scale: 1.5,
      keypoints: [60, 30, 2, 70, 35, 2, 80, 40, 2, 0, 0, 0],
      corrected: false,
    });
  });

  it('a person without a centre gets the tight box of its joints, or an empty box without joints', () => {
    const joints: (Point2 | null)[] = new Array<Point2 | null>(16).fill(null);
    joints[3] = [40, 80];
    joints[8] = [10, 95.5];
    expect(cocoAnnotationFor(person(null, joints), 1, null, false).bbox).toEqual([10, 80, 30, 15.5]);
    const none = cocoAnnotationFor(person(null, new Array<Point2 | null>(16).fill(null)), 1, null, false);
    expect(none.bbox).toEqual([0, 0, 0, 0]);
    expect(none.num_keypoints).toBe(0);
  });

  it('numbers images by first appearance and leaves out the size of images it cannot read', () => {
    const persons = ['a.jpg', 'b.jpg', 'a.jpg'].map((image, n): PersonAnnotation => ({
      ...person([50, 50], new Array<Point2 | null>(16).fill(null)),
      entryIndex: n,
      image,
    }));
    const result = buildCocoKeypoints({ persons, gt: null, imageSize: (name) => (name === 'a.jpg' ? { width: 10, height: 20 } : null) });
    expect(result.document.images).toEqual([
      { id: 1, file_name: 'a.jpg', width: 10, height: 20 },
      { id: 2, file_name: 'b.jpg' },
    ]);
    expect(result.document.annotations.map((a) => [a.id, a.image_id])).toEqual([
      [1, 1],
      [2, 2],
      [3, 1],
    ]);
    expect(result.imagesWithoutSize).toEqual(['b.jpg']);
    expect(result.document.categories[0]).toMatchObject({ id: 1, name: 'person', posebench_mpii_keypoints: ['pelvis', 'thorax', 'upper_neck', 'head_top'] });
    expect(result.document.categories[0]!.skeleton).toHaveLength(19);
  });
});

describe('export of a synthetic dataset folder', () => {
  let root = '';
  let work = '';
  let data: SyntheticDataset;
  let workbench: Workbench;
  const run = (format: ExportFormat, outFile: string, overwrite = false) =>
    exportAnnotations({ workspace: workbench.workspace, datasetId: workbench.datasetRecord.id, dataset: workbench.dataset, format, outFile, overwrite });

  beforeAll(async () => {
    root = makeTempDir('formats-ds');
    work = makeTempDir('formats-out');
    data = await writeSyntheticDataset(root);
    workbench = openWorkbench({ datasetRoot: root, dbFile: path.join(work, 'workspace.sqlite') });
  });
  afterAll(() => {
    workbench?.close();
    removeDir(root);
    removeDir(work);
  });

  it('mpii-json parses to the same persons and writes floats as floats', () => {
    const out = path.join(work, 'out.json');
    const summary = run('mpii-json', out);
    expect(summary).toMatchObject({ format: 'mpii-json', file: out, entries: 4, correctedEntries: 0, imagesWithoutSize: 0 });
    const text = readFileSync(out, 'utf8');
    expect(JSON.parse(text)).toEqual(data.entries);
    expect(parseMpiiJson(text, out)).toEqual(parseMpiiJson(readFileSync(data.jsonFile, 'utf8'), data.jsonFile));
    // The source was written by JSON.stringify (ints without ".0"); the export follows json.dumps.
    expect(text.startsWith('[{"joints_vis": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "joints": [[100.5, 50.25], [120.5, 60.25]')).toBe(true);
    expect(text).toContain('"scale": 1.25, "center": [250.0, 140.5], "note": "person 0"}');
  });

  it('coco: image sizes from the PNG headers, none for the missing image, keypoints = json − 1', () => {
    const out = path.join(work, 'out.coco.json');
    expect(run('coco', out)).toMatchObject({ entries: 4, imagesWithoutSize: 1 });
    const doc = JSON.parse(readFileSync(out, 'utf8')) as CocoKeypointsFile;
    expect(doc.images).toEqual([
      { id: 1, file_name: 'img_a.png', width: 640, height: 480 },
      { id: 2, file_name: 'img_b.png', width: 320, height: 400 },
      { id: 3, file_name: 'img_c.png' },
    ]);
    const first = doc.annotations[0]!;
    // Person 0: centre (250, 140.5), scale 1.25 → side 250, centre (249, 140.5 + 18.75 − 1 = 158.25).
    expect(first.bbox).toEqual([124, 33.25, 250, 250]);
    expect(first.area).toBe(62500);
    // left_shoulder = MPII 13 at json (100 + 260 + 0.5, 50 + 130 + 0.25) → 0-based (359.5, 179.25).
    expect(first.keypoints.slice(15, 18)).toEqual([359.5, 179.25, 2]);
    expect(first.posebench_mpii.head_box).toEqual([279, 119.5, 329, 189.75]);
    // Person 2 has right_ankle (MPII 0, COCO 16) not annotated.
    expect(doc.annotations[2]!.keypoints.slice(48, 51)).toEqual([0, 0, 0]);
    expect(doc.annotations[2]!.num_keypoints).toBe(11);
    expect(doc.annotations.map((a) => a.image_id)).toEqual([1, 1, 2, 3]);
  });

  it("refuses to replace the dataset's own annotation files, even with overwrite", () => {
    const before = readFileSync(data.jsonFile);
    expect(() => run('mpii-json', data.jsonFile, true)).toThrow(/dataset's own annotation files/);
    expect(() => run('mpii-mat', data.matFile, true)).toThrow(PosebenchInputError);
    expect(() => run('mpii-json', path.join(root, 'annotations', '.', 'mpii_val.json'), true)).toThrow(/own annotation files/);
    expect(readFileSync(data.jsonFile).equals(before)).toBe(true);
  });

  it('writes into the dataset folder only where the user names a path there', () => {
    const inside = path.join(root, 'annotations', 'corrected.json');
    run('mpii-json', inside);
    expect(JSON.parse(readFileSync(inside, 'utf8'))).toEqual(data.entries);
  });

  it('mpii-mat needs a gt .mat and says so', () => {
    expect(() => mpiiMatExportBytes(null, '/some/train-folder')).toThrow(/no ground-truth \.mat.*--format mpii-json or coco/);
  });

  it('an existing output file is refused, then replaced with overwrite', () => {
    const out = path.join(work, 'exists.mat');
    writeFileSync(out, 'keep me');
    expect(() => run('mpii-mat', out)).toThrow(/already exists/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    run('mpii-mat', out, true);
    expect(readFileSync(out).subarray(0, 10).toString('latin1')).toBe('MATLAB 5.0');
  });
});

describe.skipIf(!scipyAvailable())('exported .mat read by scipy.io.loadmat', () => {
  let root = '';
  afterAll(() => removeDir(root));

  it('has the spec §1.4 variables, shapes, dtypes and the source values', async () => {
    root = makeTempDir('scipy');
    const data = await writeSyntheticDataset(path.join(root, 'ds'));
    const workbench = openWorkbench({ datasetRoot: data.root, dbFile: path.join(root, 'workspace.sqlite') });
    const out = path.join(root, 'gt.mat');
    try {
      exportAnnotations({
        workspace: workbench.workspace,
        datasetId: workbench.datasetRecord.id,
        dataset: workbench.dataset,
        format: 'mpii-mat',
        outFile: out,
      });
    } finally {
      workbench.close();
    }
    // The expected arrays in MATLAB (column-major) order, built here from the gt as written.
    const n = data.gt.count;
    const pos: number[] = [];
    for (let p = 0; p < n; p++) for (let axis = 0; axis < 2; axis++) for (let j = 0; j < 16; j++) pos.push(data.gt.positions1Based[(p * 16 + j) * 2 + axis]!);
    const script = [
      'import json, sys, numpy as np, scipy.io as sio',
      'm = sio.loadmat(sys.argv[1]); e = json.load(sys.stdin)',
      "pos = np.array(e['pos']).reshape((e['n'], 2, 16)).transpose(2, 1, 0)",
      "box = np.array(e['box']).reshape((e['n'], 2, 2)).transpose(2, 1, 0)",
      "miss = np.array(e['missing']).reshape((e['n'], 16)).T",
      "print(json.dumps({k: [str(m[k].dtype), list(m[k].shape)] for k in ['pos_gt_src', 'jnt_missing', 'headboxes_src', 'dataset_joints']}))",
      "print(json.dumps([bool(np.array_equal(m['pos_gt_src'], pos)), bool(np.array_equal(m['headboxes_src'], box)), bool(np.array_equal(m['jnt_missing'], miss))]))",
      "print(json.dumps([str(x[0]) for x in m['dataset_joints'][0]]), int(np.where(m['dataset_joints'] == 'head')[1][0]))",
    ].join('\n');
    // headboxes_src(corner, axis, n): python reshape (n, axis, corner) of [x1, y1, x2, y2] per person.
    const box: number[] = [];
    for (let p = 0; p < n; p++) {
      const [x1, y1, x2, y2] = data.gt.headBoxes1Based.subarray(p * 4, p * 4 + 4);
      box.push(x1!, x2!, y1!, y2!);
    }
    const result = spawnSync('/usr/bin/python3', ['-c', script, out], {
      input: JSON.stringify({ n, pos, box, missing: Array.from(data.gt.missing) }),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    const [shapes, equal, names] = result.stdout.trim().split('\n');
    expect(JSON.parse(shapes!)).toEqual({
      pos_gt_src: ['float64', [16, 2, n]],
      jnt_missing: ['uint8', [16, n]],
      headboxes_src: ['float64', [2, 2, n]],
      dataset_joints: ['object', [1, 16]],
    });
    expect(JSON.parse(equal!)).toEqual([true, true, true]);
    expect(names).toBe(
      `${JSON.stringify(['rank', 'rkne', 'rhip', 'lhip', 'lkne', 'lank', 'pelv', 'thor', 'neck', 'head', 'rwri', 'relb', 'rsho', 'lsho', 'lelb', 'lwri']).replaceAll(',', ', ')} 9`,
    );
  });
});
if (!scipyAvailable()) console.warn('[skip] scipy check of the exported .mat: /usr/bin/python3 with scipy is not available (apt-get install python3-scipy)');
