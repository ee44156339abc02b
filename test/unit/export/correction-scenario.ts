/**
 * The corrections scenario shared by the synthetic (always) and real-fixture (../shared) tests:
 * export a dataset, apply four corrections through the store's applyCorrection in a real workspace
 * (move a joint, mark a joint not annotated, edit a head box, swap left/right shoulders), export again,
 * and check that json, .mat and COCO differ from the source exactly there, by the edited amounts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPII_JOINT_COUNT } from '../../../src-main/core/joints.ts';
import type { MatGroundTruth, Point2 } from '../../../src-main/core/types.ts';
import { openDataset } from '../../../src-main/datasets/open-dataset.ts';
import { computedCorrectionValues, exportAnnotations, type ExportFormat, type ExportSummary } from '../../../src-main/export/export-annotations.ts';
import { roundedMatGroundTruth, type ComputedMatValues } from '../../../src-main/export/export-mpii-mat.ts';
import { roundExportCoordinate } from '../../../src-main/export/export-mpii-json.ts';
import type { CocoKeypointsFile } from '../../../src-main/export/export-coco.ts';
import { readMpiiGtMat } from '../../../src-main/formats/mpii-gt-mat.ts';
import { applyCorrection, effectiveAnnotations, undoCorrection, type EffectiveGroundTruth, type HeadBox } from '../../../src-main/store/corrections-repo.ts';
import { openWorkbench, type Workbench } from '../../../src-main/workbench/workbench.ts';
import { assembleDatasetFolder, diffPaths, makeTempDir, removeDir } from './export-test-support.ts';

const J = MPII_JOINT_COUNT;
const FORMATS: readonly ExportFormat[] = ['mpii-json', 'mpii-mat', 'coco'];
const EXTENSION: Record<ExportFormat, string> = { 'mpii-json': 'json', 'mpii-mat': 'mat', coco: 'coco.json' };

// The edits (entry indices and joints; all four persons must have these joints annotated).
const MOVE = { entry: 1, joint: 10, dx: 7.5, dy: -3.25 }; // right_wrist; COCO keypoint 10
const HIDE = { entry: 2, joint: 14 }; // left_elbow; COCO keypoint 7
const HEADBOX = { entry: 3, delta: [-12, -19.5, 8.5, 9.25] as const };
const SWAP = { entry: 0, joints: [12, 13] as const }; // right/left shoulder; COCO keypoints 6/5

type JsonEntry = { joints: [number, number][]; joints_vis: number[]; [key: string]: unknown };

export interface ScenarioDataset {
  readonly root: string;
  readonly cleanup: () => void;
}

export function describeCorrectionScenario(title: string, prepare: () => Promise<ScenarioDataset>): void {
  describe(title, () => {
    let dataset: ScenarioDataset;
    let work = '';
    let workbench: Workbench;
    let source: JsonEntry[] = [];
    let sourceMat: MatGroundTruth;
    const files = { before: {} as Record<ExportFormat, string>, after: {} as Record<ExportFormat, string>, undone: {} as Record<ExportFormat, string> };
    const summaries: Record<string, ExportSummary> = {};
    let moveTo: Point2 = [0, 0];
    let box: HeadBox = [0, 0, 0, 0];
    let effectiveAfter: EffectiveGroundTruth;
    let computedAfter: ComputedMatValues;

    /** Axes on which the two swapped joints differ (a swap of equal values changes nothing there). */
    const swappedAxes = (): number[] => {
      const joints = source[SWAP.entry]!.joints;
      return [0, 1].filter((axis) => joints[SWAP.joints[0]]![axis] !== joints[SWAP.joints[1]]![axis]);
    };

    const exportAll = (stage: 'before' | 'after' | 'undone'): void => {
      for (const format of FORMATS) {
        const file = path.join(work, `${stage}.${EXTENSION[format]}`);
        summaries[`${stage}:${format}`] = exportAnnotations({
          workspace: workbench.workspace,
          datasetId: workbench.datasetRecord.id,
          dataset: workbench.dataset,
          format,
          outFile: file,
        });
        files[stage][format] = file;
      }
    };

    beforeAll(async () => {
      dataset = await prepare();
      work = makeTempDir('scenario');
      workbench = openWorkbench({ datasetRoot: dataset.root, dbFile: path.join(work, 'workspace.sqlite') });
      source = JSON.parse(readFileSync(workbench.dataset.annotationFile, 'utf8')) as JsonEntry[];
      sourceMat = readMpiiGtMat(workbench.dataset.gtMatFile!);
      exportAll('before');

      const instanceOf = (entry: number): number => {
        const instance = effectiveAnnotations(workbench.workspace, workbench.datasetRecord.id).instances.find((i) => i.entryIndex === entry);
        if (!instance) throw new Error(`no instance for entry ${entry}`);
        return instance.id;
      };
      const moved = source[MOVE.entry]!.joints[MOVE.joint]!;
      moveTo = [moved[0] - 1 + MOVE.dx, moved[1] - 1 + MOVE.dy];
      const box1 = sourceMat.headBoxes1Based.subarray(HEADBOX.entry * 4, HEADBOX.entry * 4 + 4);
      box = [0, 1, 2, 3].map((k) => box1[k]! - 1 + HEADBOX.delta[k]!) as HeadBox;
      const ws = workbench.workspace;
      applyCorrection(ws, { instanceId: instanceOf(MOVE.entry), kind: 'joint', joint: MOVE.joint, xy: moveTo });
      applyCorrection(ws, { instanceId: instanceOf(HIDE.entry), kind: 'visibility', joint: HIDE.joint, visible: false });
      applyCorrection(ws, { instanceId: instanceOf(HEADBOX.entry), kind: 'headbox', box });
      applyCorrection(ws, { instanceId: instanceOf(SWAP.entry), kind: 'swap', joints: SWAP.joints });
      exportAll('after');
      effectiveAfter = effectiveAnnotations(ws, workbench.datasetRecord.id);
      computedAfter = computedCorrectionValues(ws, workbench.datasetRecord.id);
      while (undoCorrection(ws, workbench.datasetRecord.id) !== null);
      exportAll('undone');
    });

    afterAll(() => {
      workbench?.close();
      if (work) removeDir(work);
      dataset?.cleanup();
    });

    it('without corrections, the json export deep-equals the source entries and the .mat equals the source arrays', () => {
      expect(JSON.parse(readFileSync(files.before['mpii-json'], 'utf8'))).toEqual(source);
      const mat = readMpiiGtMat(files.before['mpii-mat']);
      expect(diffPaths(mat, sourceMat)).toEqual([]);
      expect(summaries['before:mpii-json']).toMatchObject({ entries: source.length, correctedEntries: 0 });
    });

    it('the json differs exactly at the moved, hidden and swapped joints, by the edited values', () => {
      const before = JSON.parse(readFileSync(files.before['mpii-json'], 'utf8')) as JsonEntry[];
      const after = JSON.parse(readFileSync(files.after['mpii-json'], 'utf8')) as JsonEntry[];
      const [a, b] = SWAP.joints;
      expect(diffPaths(before, after).sort()).toEqual(
        [
          `[${MOVE.entry}].joints[${MOVE.joint}][0]`,
          `[${MOVE.entry}].joints[${MOVE.joint}][1]`,
          `[${HIDE.entry}].joints[${HIDE.joint}][0]`,
          `[${HIDE.entry}].joints[${HIDE.joint}][1]`,
          `[${HIDE.entry}].joints_vis[${HIDE.joint}]`,
          ...swappedAxes().flatMap((axis) => [`[${SWAP.entry}].joints[${a}][${axis}]`, `[${SWAP.entry}].joints[${b}][${axis}]`]),
        ].sort(),
      );
      expect(after[MOVE.entry]!.joints[MOVE.joint]).toEqual([moveTo[0] + 1, moveTo[1] + 1]);
      expect(after[HIDE.entry]!.joints[HIDE.joint]).toEqual([-1, -1]);
      expect(after[HIDE.entry]!.joints_vis[HIDE.joint]).toBe(0);
      expect(after[SWAP.entry]!.joints[a]).toEqual(source[SWAP.entry]!.joints[b]);
      expect(after[SWAP.entry]!.joints[b]).toEqual(source[SWAP.entry]!.joints[a]);
      expect(summaries['after:mpii-json']).toMatchObject({ entries: source.length, correctedEntries: 4 });
    });

    it('the .mat differs exactly at those joints (positions / jnt_missing) and the edited head box', () => {
      const before = readMpiiGtMat(files.before['mpii-mat']);
      const after = readMpiiGtMat(files.after['mpii-mat']);
      const [a, b] = SWAP.joints;
      const pos = (entry: number, joint: number, axis: number): number => (entry * J + joint) * 2 + axis;
      // Hiding a joint keeps its .mat position (only jnt_missing changes); a swap exchanges the .mat's
      // own values (which differ from the json's by up to 5e-5 px on real MPII files).
      const swapDiffers = [
        [a, b],
        [b, a],
      ].flatMap(([to, from]) =>
        [0, 1]
          .filter((axis) => sourceMat.positions1Based[pos(SWAP.entry, to!, axis)] !== sourceMat.positions1Based[pos(SWAP.entry, from!, axis)])
          .map((axis) => pos(SWAP.entry, to!, axis)),
      );
      expect(diffPaths(before.positions1Based, after.positions1Based).sort()).toEqual(
        [pos(MOVE.entry, MOVE.joint, 0), pos(MOVE.entry, MOVE.joint, 1), ...swapDiffers].map((i) => `[${i}]`).sort(),
      );
      expect(diffPaths(before.missing, after.missing)).toEqual([`[${HIDE.entry * J + HIDE.joint}]`]);
      expect(diffPaths(before.headBoxes1Based, after.headBoxes1Based)).toEqual([0, 1, 2, 3].map((k) => `[${HEADBOX.entry * 4 + k}]`));
      expect(diffPaths(before.jointNames, after.jointNames)).toEqual([]);

      expect(after.positions1Based[pos(MOVE.entry, MOVE.joint, 0)]).toBe(moveTo[0] + 1);
      expect(after.positions1Based[pos(MOVE.entry, MOVE.joint, 1)]).toBe(moveTo[1] + 1);
      expect(after.missing[HIDE.entry * J + HIDE.joint]).toBe(1);
      // Edited head boxes are written rounded to 1/1000 px (the .mat's own values carry float noise).
      expect(Array.from(after.headBoxes1Based.subarray(HEADBOX.entry * 4, HEADBOX.entry * 4 + 4))).toEqual(box.map((v) => roundExportCoordinate(v + 1)));
      for (const axis of [0, 1]) {
        expect(after.positions1Based[pos(SWAP.entry, a, axis)]).toBe(sourceMat.positions1Based[pos(SWAP.entry, b, axis)]);
        expect(after.positions1Based[pos(SWAP.entry, b, axis)]).toBe(sourceMat.positions1Based[pos(SWAP.entry, a, axis)]);
        expect(after.positions1Based[pos(HIDE.entry, HIDE.joint, axis)]).toBe(sourceMat.positions1Based[pos(HIDE.entry, HIDE.joint, axis)]);
      }
    });

    it('the COCO file differs exactly at the mapped keypoints, the head box and the corrected flags', () => {
      const before = JSON.parse(readFileSync(files.before.coco, 'utf8')) as CocoKeypointsFile;
      const after = JSON.parse(readFileSync(files.after.coco, 'utf8')) as CocoKeypointsFile;
      const ann = (entry: number): string => `annotations[${entry}]`;
      const kp = (entry: number, cocoJoint: number, k: number): string => `${ann(entry)}.keypoints[${cocoJoint * 3 + k}]`;
      expect(diffPaths(before, after).sort()).toEqual(
        [
          kp(MOVE.entry, 10, 0),
          kp(MOVE.entry, 10, 1),
          `${ann(MOVE.entry)}.posebench_mpii.corrected`,
          kp(HIDE.entry, 7, 0),
          kp(HIDE.entry, 7, 1),
          kp(HIDE.entry, 7, 2),
          `${ann(HIDE.entry)}.num_keypoints`,
          `${ann(HIDE.entry)}.posebench_mpii.corrected`,
          ...[0, 1, 2, 3].map((k) => `${ann(HEADBOX.entry)}.posebench_mpii.head_box[${k}]`),
          `${ann(HEADBOX.entry)}.posebench_mpii.corrected`,
          ...swappedAxes().flatMap((axis) => [kp(SWAP.entry, 5, axis), kp(SWAP.entry, 6, axis)]),
          `${ann(SWAP.entry)}.posebench_mpii.corrected`,
        ].sort(),
      );
      const keypoints = (entry: number, cocoJoint: number): number[] => after.annotations[entry]!.keypoints.slice(cocoJoint * 3, cocoJoint * 3 + 3);
      expect(keypoints(MOVE.entry, 10)).toEqual([moveTo[0], moveTo[1], 2]);
      expect(keypoints(HIDE.entry, 7)).toEqual([0, 0, 0]);
      expect(after.annotations[HIDE.entry]!.num_keypoints).toBe(before.annotations[HIDE.entry]!.num_keypoints - 1);
      expect(after.annotations[HEADBOX.entry]!.posebench_mpii.head_box).toEqual(box.map(roundExportCoordinate));
      const json = source[SWAP.entry]!.joints;
      expect(keypoints(SWAP.entry, 5)).toEqual([json[12]![0] - 1, json[12]![1] - 1, 2]); // left_shoulder <- old right
      expect(keypoints(SWAP.entry, 6)).toEqual([json[13]![0] - 1, json[13]![1] - 1, 2]);
      expect(after.annotations.filter((a) => a.posebench_mpii.corrected).map((a) => a.id)).toEqual([0, 1, 2, 3].map((n) => n + 1));
    });

    it('the exported json and .mat open as a dataset equal to the effective ground truth', () => {
      const folder = makeTempDir('reopen');
      try {
        assembleDatasetFolder(folder, files.after['mpii-json'], files.after['mpii-mat']);
        const reopened = openDataset(folder);
        const effective = effectiveAfter;
        expect(reopened.persons.map((p) => p.joints)).toEqual(effective.annotations.map((p) => p.joints));
        expect(reopened.persons.map((p) => p.jointsVisible)).toEqual(effective.annotations.map((p) => p.jointsVisible));
        // The exported .mat holds the computed values rounded as the export documents.
        expect(diffPaths(reopened.gt, roundedMatGroundTruth(effective.gt!, computedAfter))).toEqual([]);
      } finally {
        removeDir(folder);
      }
    });

    it('after undoing every correction the exports are byte-identical to the ones made before', () => {
      for (const format of FORMATS) {
        expect(readFileSync(files.undone[format]).equals(readFileSync(files.before[format])), format).toBe(true);
      }
      expect(summaries['undone:coco']).toMatchObject({ correctedEntries: 0 });
    });
  });
}
