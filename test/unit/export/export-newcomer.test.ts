/**
 * Issue 14, item 1 and the COCO bbox: head-box edits are lost by the MPII json (it has no head-box
 * field) and the export says so; corrected coordinates are rounded to 1/1000 px in every format while
 * an unedited export stays byte-equal; COCO boxes are clipped to their image where its size is known.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runExportCommand } from '../../../src-main/cli/commands/export-command.ts';
import { clipBoxToImage, cocoAnnotationFor, type CocoKeypointsFile } from '../../../src-main/export/export-coco.ts';
import { describeExport, exportAnnotations, headBoxWarning, type ExportFormat } from '../../../src-main/export/export-annotations.ts';
import { roundExportCoordinate } from '../../../src-main/export/export-mpii-json.ts';
import type { PersonAnnotation, Point2 } from '../../../src-main/core/types.ts';
import { readMpiiGtMat } from '../../../src-main/formats/mpii-gt-mat.ts';
import { applyCorrection, type HeadBox } from '../../../src-main/store/corrections-repo.ts';
import { openWorkbench, type Workbench } from '../../../src-main/workbench/workbench.ts';
import { makeTempDir, removeDir, writeSyntheticDataset, type SyntheticDataset } from './export-test-support.ts';

describe('roundExportCoordinate', () => {
  it('keeps 3 decimals, integers and short decimals unchanged', () => {
    expect(roundExportCoordinate(1209.2106832851102)).toBe(1209.211);
    expect(roundExportCoordinate(804)).toBe(804);
    expect(roundExportCoordinate(-1)).toBe(-1);
    expect(roundExportCoordinate(100.5)).toBe(100.5);
    expect(roundExportCoordinate(50.25)).toBe(50.25);
    expect(roundExportCoordinate(-0.0001)).toBe(0);
    expect(String(roundExportCoordinate(0.1 + 0.2))).toBe('0.3');
  });
});

describe('headBoxWarning', () => {
  it('speaks only for mpii-json with head-box edits, and points to mpii-mat', () => {
    expect(headBoxWarning('mpii-json', 0)).toBeNull();
    expect(headBoxWarning('mpii-mat', 3)).toBeNull();
    expect(headBoxWarning('coco', 3)).toBeNull();
    expect(headBoxWarning('mpii-json', 1)).toMatch(/1 person .*no head-box field.*mpii-mat/);
    expect(headBoxWarning('mpii-json', 2)).toMatch(/2 persons/);
  });
});

describe('COCO bbox clipped to the image', () => {
  it('clips where the size is known, keeps the box otherwise', () => {
    expect(clipBoxToImage([-20, -62.07, 300, 300], { width: 200, height: 180 })).toEqual([0, 0, 200, 180]);
    expect(clipBoxToImage([10, 20, 30, 40], { width: 200, height: 180 })).toEqual([10, 20, 30, 40]);
    expect(clipBoxToImage([-20, -62.07, 300, 300], null)).toEqual([-20, -62.07, 300, 300]);
    expect(clipBoxToImage([594.2 + 1e-13, 3, 10, 10], null)).toEqual([594.2, 3, 10, 10]);
  });

  it('an annotation whose square box leaves the image gets the clipped box and its area', () => {
    const joints: (Point2 | null)[] = Array.from({ length: 16 }, (_, j): Point2 => [10 * j, 5 * j]);
    const person: PersonAnnotation = { entryIndex: 0, image: 'p.jpg', center: [100, 40], scale: 1, joints, jointsVisible: joints.map(() => 1), raw: {} };
    // Unclipped: side 200, centre (100, 55) → [0, -45, 200, 200].
    expect(cocoAnnotationFor(person, 1, null, false).bbox).toEqual([0, -45, 200, 200]);
    const clipped = cocoAnnotationFor(person, 1, null, false, { width: 150, height: 120 });
    expect(clipped.bbox).toEqual([0, 0, 150, 120]);
    expect(clipped.area).toBe(150 * 120);
    expect(clipped.posebench_mpii.center).toEqual([100, 40]);
  });
});

describe('export after a drag and a head-box edit (synthetic dataset, real workspace)', () => {
  let root = '';
  let work = '';
  let data: SyntheticDataset;
  let workbench: Workbench;
  const run = (format: ExportFormat, name: string) =>
    exportAnnotations({
      workspace: workbench.workspace,
      datasetId: workbench.datasetRecord.id,
      dataset: workbench.dataset,
      format,
      outFile: path.join(work, name),
    });

  beforeAll(async () => {
    root = makeTempDir('newcomer-ds');
    work = makeTempDir('newcomer-out');
    data = await writeSyntheticDataset(root);
    workbench = openWorkbench({ datasetRoot: root, dbFile: path.join(work, 'workspace.sqlite') });
  });
  afterAll(() => {
    workbench?.close();
    removeDir(root);
    removeDir(work);
  });

  it('an unedited export carries no warning and equals the source', () => {
    const summary = run('mpii-json', 'plain.json');
    expect(summary.headBoxEditsNotWritten).toBe(0);
    expect(describeExport(summary)).not.toMatch(/Warning/);
    expect(JSON.parse(readFileSync(summary.file, 'utf8'))).toEqual(data.entries);
  });

  it('rounds the dragged joint to 3 decimals and warns that the head box is only in the .mat', () => {
    const ws = workbench.workspace;
    const instances = workbench.workspace.db
      .prepare('SELECT id, entry_index FROM instances WHERE dataset_id = ? ORDER BY entry_index')
      .all(workbench.datasetRecord.id) as { id: number; entry_index: number }[];
    applyCorrection(ws, { instanceId: instances[1]!.id, kind: 'joint', joint: 10, xy: [1208.2106832851102, 77.123456789] });
    const box: HeadBox = [10.123456, 20.987654321, 60.5, 90];
    applyCorrection(ws, { instanceId: instances[2]!.id, kind: 'headbox', box });

    const json = run('mpii-json', 'edited.json');
    expect(json.headBoxEditsNotWritten).toBe(1);
    expect(describeExport(json)).toMatch(/Warning: head-box edits of 1 person are not in this file.*mpii-mat/);
    const text = readFileSync(json.file, 'utf8');
    expect(text).toContain('[1209.211, 78.123]');
    expect(text).not.toContain('1209.2106');
    const entries = JSON.parse(text) as { joints: number[][] }[];
    // Every other entry and joint as in the source.
    entries.forEach((entry, n) =>
      entry.joints.forEach((p, j) => {
        if (!(n === 1 && j === 10)) expect(p).toEqual((data.entries[n] as { joints: number[][] }).joints[j]);
      }),
    );

    const mat = run('mpii-mat', 'edited.mat');
    expect(mat.headBoxEditsNotWritten).toBe(0);
    expect(describeExport(mat)).not.toMatch(/Warning/);
    const gt = readMpiiGtMat(mat.file);
    expect(gt.positions1Based[(1 * 16 + 10) * 2]).toBe(1209.211);
    expect(gt.positions1Based[(1 * 16 + 10) * 2 + 1]).toBe(78.123);
    expect(Array.from(gt.headBoxes1Based.subarray(8, 12))).toEqual([11.123, 21.988, 61.5, 91]);

    const coco = run('coco', 'edited.coco.json');
    const doc = JSON.parse(readFileSync(coco.file, 'utf8')) as CocoKeypointsFile;
    // right_wrist = COCO keypoint 10.
    expect(doc.annotations[1]!.keypoints.slice(30, 33)).toEqual([1208.211, 77.123, 2]);
    expect(doc.annotations[2]!.posebench_mpii.head_box).toEqual([10.123, 20.988, 60.5, 90]);
    for (const ann of doc.annotations) {
      const image = doc.images.find((i) => i.id === ann.image_id)!;
      const [x, y, w, h] = ann.bbox;
      if (image.width === undefined || image.height === undefined) continue; // size unknown: not clipped
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(image.width);
      expect(y + h).toBeLessThanOrEqual(image.height);
    }
  });

  it('posebench export --format mpii-json says the head-box edit is not written and points to mpii-mat', async () => {
    const db = path.join(work, 'workspace.sqlite');
    workbench.close();
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      expect(await runExportCommand(['--dataset', root, '--db', db, '--format', 'mpii-json', '--out', path.join(work, 'cli.json')])).toBe(0);
      expect(await runExportCommand(['--dataset', root, '--db', db, '--format', 'mpii-mat', '--out', path.join(work, 'cli.mat')])).toBe(0);
    } finally {
      spy.mockRestore();
      workbench = openWorkbench({ datasetRoot: root, dbFile: db });
    }
    const text = lines.join('');
    expect(text).toMatch(/posebench export: wrote mpii-json .*Warning: head-box edits of 1 person are not in this file.*export mpii-mat/);
    expect(text).toMatch(/posebench export: wrote mpii-mat /);
    expect(text.match(/Warning/g)).toHaveLength(1);
  });
});
