/**
 * Ground truth that mmpose scores in surprising ways (NaN/Inf head boxes and annotated joint
 * positions in the gt .mat) gives one warning per person naming entry and field, while the PCKh
 * numbers stay exactly mmpose's; a dataset without its gt .mat is described by folder and file;
 * images that are FIFOs are named as such, never opened.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MPII_JOINT_COUNT } from '../../../src-main/core/joints.ts';
import type { MatGroundTruth } from '../../../src-main/core/types.ts';
import { missingGroundTruthError } from '../../../src-main/datasets/dataset-layout.ts';
import { groundTruthWarnings } from '../../../src-main/datasets/gt-warnings.ts';
import { imageDimensions } from '../../../src-main/datasets/image-dimensions.ts';
import { openDataset } from '../../../src-main/datasets/open-dataset.ts';
import { buildPckhInputs, computePckh } from '../../../src-main/evaluation/pckh.ts';
import { encodeMpiiGtMat, readMpiiGtMat } from '../../../src-main/formats/mpii-gt-mat.ts';
import { parseMpiiJson } from '../../../src-main/formats/mpii-json.ts';
import { catchInputError, gtMatPath, makeJsonEntry, makeTempDir, removeDir, writeAnnotation, writeImageFiles } from './dataset-test-files.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const newFolder = (label: string): string => {
  const dir = makeTempDir(label);
  dirs.push(dir);
  return dir;
};

const PERSONS = 4;

/** Ground truth matching makeJsonEntry(n) (1-based), every joint annotated, head boxes 20 px wide. */
function groundTruth(): MatGroundTruth {
  const positions1Based = new Float64Array(PERSONS * MPII_JOINT_COUNT * 2);
  const headBoxes1Based = new Float64Array(PERSONS * 4);
  for (let n = 0; n < PERSONS; n++) {
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      positions1Based[(n * MPII_JOINT_COUNT + j) * 2] = 100 + 10 * j + n;
      positions1Based[(n * MPII_JOINT_COUNT + j) * 2 + 1] = 200 + 5 * j;
    }
    headBoxes1Based.set([100, 100, 120, 120], n * 4);
  }
  const jointNames = ['rank', 'rkne', 'rhip', 'lhip', 'lkne', 'lank', 'pelv', 'thor', 'neck', 'head', 'rwri', 'relb', 'rsho', 'lsho', 'lelb', 'lwri'];
  return { count: PERSONS, jointNames, positions1Based, missing: new Uint8Array(PERSONS * MPII_JOINT_COUNT), headBoxes1Based };
}

/** A val folder whose gt .mat has a NaN head box (person 1) and a NaN head_top position (person 2). */
function folderWithNanGroundTruth(): { root: string; gt: MatGroundTruth } {
  const root = newFolder('nan-gt');
  writeAnnotation(root, 'mmpose', 'val', Array.from({ length: PERSONS }, (_, n) => makeJsonEntry(n)));
  writeImageFiles(root, Array.from({ length: PERSONS }, (_, n) => `img${n}.jpg`));
  const gt = groundTruth();
  gt.headBoxes1Based[1 * 4 + 2] = Number.NaN;
  gt.positions1Based[(2 * MPII_JOINT_COUNT + 9) * 2 + 1] = Number.NaN;
  writeFileSync(gtMatPath(root, 'mmpose'), encodeMpiiGtMat(gt));
  return { root, gt };
}

describe('NaN in the gt .mat', () => {
  it('a NaN head box: one warning naming the person and field, saying what mmpose does', () => {
    const { root } = folderWithNanGroundTruth();
    const opened = openDataset(root);
    const warning = opened.warnings.find((w) => w.location.entry === 1);
    expect(warning?.location).toEqual({ file: gtMatPath(root, 'mmpose'), entry: 1, field: 'headboxes_src' });
    expect(warning?.message).toMatch(/mpii_gt_val\.mat entry 1 \(headboxes_src\): head box \(x1, y1, x2, y2\) = \(100, 100, NaN, 120\) is not finite, so the head size is NaN: every annotated joint of this person is counted as a miss, as mmpose does \(0\.x: the NaN distance\/head size fails the `<=` threshold/);
    expect(warning?.message).not.toMatch(/\n/);
  });

  it('a NaN position on an annotated joint: one warning naming person, field and joint', () => {
    const { root } = folderWithNanGroundTruth();
    const opened = openDataset(root);
    const warning = opened.warnings.find((w) => w.location.entry === 2);
    expect(warning?.location).toEqual({ file: gtMatPath(root, 'mmpose'), entry: 2, field: 'pos_gt_src' });
    expect(warning?.message).toMatch(/entry 2 \(pos_gt_src\): joint 9 \(head_top\) is annotated \(jnt_missing 0\) but its position is NaN\/Inf: counted as a miss under the mmpose 0\.x protocol, as mmpose does \(a NaN\/Inf distance fails the `<=` threshold/);
    expect(opened.warnings.filter((w) => /NaN/.test(w.message))).toHaveLength(2);
  });

  it('the numbers stay mmpose\'s: those joints are misses that count, nothing is dropped or repaired', () => {
    const { root } = folderWithNanGroundTruth();
    const gt = readMpiiGtMat(gtMatPath(root, 'mmpose'));
    const persons = parseMpiiJson(JSON.stringify(Array.from({ length: PERSONS }, (_, n) => makeJsonEntry(n))), 'val.json');
    // Perfect predictions: every finite joint is a hit.
    const predictions = new Float32Array(PERSONS * MPII_JOINT_COUNT * 2);
    for (let i = 0; i < predictions.length; i++) predictions[i] = groundTruth().positions1Based[i]! - 1;
    const report = computePckh(buildPckhInputs({ protocol: 'mmpose0x', persons, gt, predictions0Based: predictions }));
    const hit = (n: number, j: number) => report.hits[n * MPII_JOINT_COUNT + j];
    for (let j = 0; j < MPII_JOINT_COUNT; j++) expect(hit(1, j)).toBe(0);
    expect(hit(2, 9)).toBe(0);
    expect(hit(2, 8)).toBe(1);
    const headTop = report.perJoint[9]!;
    expect(headTop.count).toBe(PERSONS);
    // (100 · 2 hits) / 4, spec §2 step 8.
    expect(headTop.pckh).toBe((100 * 2) / 4);
  });

  it('an Inf head box says its joints become hits (distance/Infinity = 0), as in mmpose', () => {
    const gt = groundTruth();
    gt.headBoxes1Based[0] = Number.NEGATIVE_INFINITY;
    const [warning] = groundTruthWarnings(gt, 'gt.mat');
    expect(warning?.message).toMatch(/^gt\.mat entry 0 \(headboxes_src\): head box .* = \(-Infinity, 100, 120, 120\) is not finite, so the head size is Infinity: every annotated joint whose position and prediction are finite normalises to 0 and is counted as a hit/);
  });

  it('a missing joint (jnt_missing 1) with a NaN position is not warned about: it is never evaluated', () => {
    const gt = groundTruth();
    gt.positions1Based[0] = Number.NaN;
    gt.missing[0] = 1;
    expect(groundTruthWarnings(gt, 'gt.mat')).toEqual([]);
  });
});

describe('missing gt .mat', () => {
  it('names the dataset folder and the file looked for, not a workspace or an internal id', () => {
    const root = newFolder('no-gt');
    const error = missingGroundTruthError({ root, layout: 'mmpose', split: 'val' });
    expect(error.location).toEqual({ file: root });
    expect(error.message).toBe(`${root}: no ground-truth .mat: looked for annotations/mpii_gt_val.mat (mmpose layout), which PCKh needs for the head boxes; put the val split's gt .mat there and open the folder again`);
    expect(missingGroundTruthError({ root, layout: 'hrnet', split: 'val' }).message).toContain('looked for annot/gt_valid.mat (HRNet layout)');
    expect(missingGroundTruthError({ root, layout: 'mmpose', split: 'train' }).message).toMatch(/the train split has no ground-truth \.mat .*annotations\/mpii_gt_val\.mat/);
  });
});

describe('images that are not regular files', () => {
  it('a FIFO image is named as a FIFO in the dataset warnings, and imageDimensions refuses it without blocking', () => {
    const root = newFolder('fifo');
    writeAnnotation(root, 'mmpose', 'train', [makeJsonEntry(0), makeJsonEntry(1), makeJsonEntry(2)]);
    writeImageFiles(root, ['img0.jpg']);
    execFileSync('mkfifo', [path.join(root, 'images', 'img1.jpg')]);
    mkdirSync(path.join(root, 'images', 'img2.jpg'));
    const opened = openDataset(root, { split: 'train' });
    const messages = opened.warnings.map((w) => w.message);
    expect(messages).toEqual([
      expect.stringMatching(/entry 1 \(image\): image "img1\.jpg" in .* is a FIFO \(named pipe\), not a regular file: it is never opened, its persons fail$/),
      expect.stringMatching(/entry 2 \(image\): image "img2\.jpg" in .* is a directory, not a regular file/),
    ]);
    const error = catchInputError(() => imageDimensions(path.join(root, 'images', 'img1.jpg')));
    expect(error.message).toMatch(/img1\.jpg: image file is a FIFO \(named pipe\), not a regular file: only regular files are read$/);
  });
});
