/**
 * Broken inputs for the bad-input tests (CLI and web host): a small demo dataset in a temp folder,
 * tiny ONNX models that fail in known ways, malformed dataset folders and prediction files.
 * Everything is generated here with the project's own writers; nothing comes from ../shared.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MPII_JOINT_NAMES } from '../../src-main/core/joints.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { encodeOnnxModel, type OnnxGraph, type OnnxTensor } from '../../src-main/demo/onnx-writer.ts';
import { encodeMat } from '../../src-main/formats/mat/mat-writer.ts';

export const BAD_INPUT_PERSONS = 10;

export interface BadInputDemo {
  readonly root: string;
  /** The pristine 10-person demo dataset (never modified by the tests). */
  readonly datasetDir: string;
  /** demo_heatmap_256, demo_regression_256, ... with sidecars. */
  readonly modelFiles: readonly string[];
}

export async function makeBadInputDemo(prefix: string): Promise<BadInputDemo> {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const demo = await ensureDemo(root, { count: BAD_INPUT_PERSONS });
  return { root, datasetDir: demo.datasetDir, modelFiles: demo.modelFiles };
}

/** A copy of the dataset folder under `root/<name>` to break. */
export function copyDataset(demo: BadInputDemo, name: string): string {
  const target = path.join(demo.root, 'copies', name);
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(demo.datasetDir, target, { recursive: true });
  return target;
}

export function annotationJson(datasetDir: string): string {
  return path.join(datasetDir, 'annotations', 'mpii_val.json');
}

export function gtMat(datasetDir: string): string {
  return path.join(datasetDir, 'annotations', 'mpii_gt_val.mat');
}

export function imageFile(datasetDir: string, entry: number): string {
  return path.join(datasetDir, 'images', `${String(entry + 1).padStart(9, '0')}.jpg`);
}

type JsonEntry = Record<string, unknown> & { joints: number[][]; joints_vis: number[] };

export function readEntries(datasetDir: string): JsonEntry[] {
  return JSON.parse(readFileSync(annotationJson(datasetDir), 'utf8')) as JsonEntry[];
}

export function writeEntries(datasetDir: string, entries: readonly unknown[]): void {
  writeFileSync(annotationJson(datasetDir), JSON.stringify(entries));
}

/** The malformed dataset folders, each with what the error must name. */
export interface BrokenDataset {
  readonly label: string;
  readonly dir: string;
  /** File name the error must name. */
  readonly file: string;
  /** Further text the error must contain (line/column, entry, shape). */
  readonly mentions: readonly RegExp[];
}

export function makeBrokenDatasets(demo: BadInputDemo): BrokenDataset[] {
  const broken: BrokenDataset[] = [];

  const badJson = copyDataset(demo, 'malformed-json');
  const lines = JSON.stringify(readEntries(badJson), null, 1).split('\n');
  lines[5] = `${lines[5]} }}`; // garbage on line 6
  writeFileSync(annotationJson(badJson), lines.join('\n'));
  broken.push({ label: 'malformed json', dir: badJson, file: 'mpii_val.json', mentions: [/line 6/, /column \d+/] });

  const fifteen = copyDataset(demo, 'fifteen-joints');
  const entries = readEntries(fifteen);
  entries[4]!.joints = entries[4]!.joints.slice(0, 15);
  writeEntries(fifteen, entries);
  broken.push({ label: 'entry with 15 joints', dir: fifteen, file: 'mpii_val.json', mentions: [/entry 4\b/, /15/] });

  const shapes = copyDataset(demo, 'mat-wrong-shapes');
  writeFileSync(gtMat(shapes), gtMatWithJoints(15));
  broken.push({ label: '.mat with wrong shapes', dir: shapes, file: 'mpii_gt_val.mat', mentions: [/pos_gt_src/, /shape/] });

  const mismatch = copyDataset(demo, 'count-mismatch');
  writeEntries(mismatch, readEntries(mismatch).slice(0, BAD_INPUT_PERSONS - 1));
  broken.push({ label: 'json/mat count mismatch', dir: mismatch, file: 'mpii_gt_val.mat', mentions: [/10 persons/, /has 9/] });

  const truncated = copyDataset(demo, 'truncated-mat');
  const bytes = readFileSync(gtMat(truncated));
  writeFileSync(gtMat(truncated), bytes.subarray(0, Math.floor(bytes.length / 2)));
  broken.push({ label: 'truncated .mat', dir: truncated, file: 'mpii_gt_val.mat', mentions: [/truncated/] });

  return broken;
}

/** A gt .mat whose pos_gt_src has `joints` rows instead of 16 (the other variables are right). */
function gtMatWithJoints(joints: number): Uint8Array {
  const n = BAD_INPUT_PERSONS;
  return encodeMat([
    [
      'dataset_joints',
      {
        kind: 'cell-of-strings',
        dims: [1, 16],
        strings: ['rank', 'rkne', 'rhip', 'lhip', 'lkne', 'lank', 'pelv', 'thrx', 'neck', 'head', 'rwri', 'relb', 'rsho', 'lsho', 'lelb', 'lwri'],
      },
    ],
    ['jnt_missing', { kind: 'numeric', className: 'double', dims: [16, n], data: new Array<number>(16 * n).fill(0) }],
    ['pos_gt_src', { kind: 'numeric', className: 'double', dims: [joints, 2, n], data: new Array<number>(joints * 2 * n).fill(10) }],
    ['headboxes_src', { kind: 'numeric', className: 'double', dims: [2, 2, n], data: new Array<number>(4 * n).fill(5) }],
  ]);
}

// ---- models -----------------------------------------------------------------------------------

const int64 = (name: string, data: number[]): OnnxTensor => ({ name, dims: [data.length], type: 'int64', data });
const scalar = (name: string, value: number): OnnxTensor => ({ name, dims: [], type: 'float', data: [value] });

/**
 * input [1,3,256,256] → coords [1,16,2]: a slice of the input × 0 + `offset`, then ÷ 0 when
 * `nan` (0/0 = NaN for every element). Uses the input so no optimiser can drop it.
 */
function coordsGraph(name: string, options: { nan: boolean; offset: number }): OnnxGraph {
  const nodes = [
    { opType: 'Slice', inputs: ['input', 'starts', 'ends', 'axes'], outputs: ['slice'] },
    { opType: 'Reshape', inputs: ['slice', 'shape'], outputs: ['flat'] },
    { opType: 'Mul', inputs: ['flat', 'zero'], outputs: ['zeros'] },
    { opType: 'Add', inputs: ['zeros', 'offset'], outputs: [options.nan ? 'shifted' : 'coords'] },
    ...(options.nan ? [{ opType: 'Div', inputs: ['shifted', 'zero'], outputs: ['coords'] }] : []),
  ];
  return {
    name,
    nodes,
    initializers: [
      int64('starts', [0, 0, 0]),
      int64('ends', [1, 16, 2]),
      int64('axes', [1, 2, 3]),
      int64('shape', [1, 16, 2]),
      scalar('zero', 0),
      scalar('offset', options.offset),
    ],
    inputs: [{ name: 'input', shape: [1, 3, 256, 256] }],
    outputs: [{ name: 'coords', shape: [1, 16, 2] }],
  };
}

export interface BadModels {
  /** Not protobuf at all. */
  readonly garbage: string;
  /** Loads, but every output is NaN. */
  readonly nan: string;
  /** Outputs 16 joints; its sidecar lists 17 keypoints. */
  readonly seventeenInSidecar: string;
  /** Regression output; its sidecar says "heatmap". */
  readonly wrongHead: string;
}

export function writeBadModels(dir: string): BadModels {
  mkdirSync(dir, { recursive: true });
  const garbage = path.join(dir, 'garbage.onnx');
  writeFileSync(garbage, Buffer.concat([Buffer.from([0x08, 0x07, 0xff, 0xff]), Buffer.from('not a protobuf model at all')]));
  const nan = path.join(dir, 'nan-output.onnx');
  writeFileSync(nan, encodeOnnxModel(coordsGraph('nan', { nan: true, offset: 0 })));
  const seventeenInSidecar = path.join(dir, 'seventeen.onnx');
  writeFileSync(seventeenInSidecar, encodeOnnxModel(coordsGraph('seventeen', { nan: false, offset: 100 })));
  // The 16 MPII names + COCO's "nose" (a valid name): only the count is wrong.
  writeFileSync(path.join(dir, 'seventeen.json'), JSON.stringify({ keypoints: [...MPII_JOINT_NAMES, 'nose'], head: 'regression' }));
  const wrongHead = path.join(dir, 'wrong-head.onnx');
  writeFileSync(wrongHead, encodeOnnxModel(coordsGraph('wrong-head', { nan: false, offset: 100 })));
  writeFileSync(path.join(dir, 'wrong-head.json'), JSON.stringify({ head: 'heatmap' }));
  return { garbage, nan, seventeenInSidecar, wrongHead };
}

// ---- prediction files -------------------------------------------------------------------------

/** Valid 0-based predictions: every joint at the entry's gt position (so PCKh is 100 on visible joints). */
export function goodPredictions(datasetDir: string): number[][][] {
  return readEntries(datasetDir).map((entry) => entry.joints.map(([x, y]) => [x! - 1, y! - 1]));
}

export interface BrokenPredictions {
  readonly label: string;
  readonly file: string;
  readonly mentions: readonly RegExp[];
}

export function writeBrokenPredictions(dir: string, datasetDir: string): BrokenPredictions[] {
  mkdirSync(dir, { recursive: true });
  const good = goodPredictions(datasetDir);
  const out: BrokenPredictions[] = [];
  const json = (name: string, value: unknown, mentions: RegExp[], label: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    out.push({ label, file, mentions });
  };
  json('wrong-count.json', { preds: good.slice(0, 7) }, [/7 persons/, /10/], 'wrong count');
  json('wrong-joints.json', { preds: good.map((p, n) => (n === 3 ? p.slice(0, 15) : p)) }, [/entry 3\b/, /15 joints/], 'wrong joint count');
  // JSON has no NaN: a producer writing Python's json.dumps(float('nan')) gives the bare token NaN.
  const nanText = JSON.stringify({ preds: good }).replace(/\[(-?[\d.]+),(-?[\d.e-]+)\]/, '[NaN,$2]');
  json('nan-entry.json', nanText, [/line 1/, /column/], 'NaN token');
  json(
    'null-entry.json',
    { preds: good.map((p, n) => (n === 6 ? p.map((j, k) => (k === 2 ? [null, j[1]] : j)) : p)) },
    [/entry 6\b/, /joint 2/],
    'null (NaN written by JSON.stringify)',
  );
  json('not-json.json', 'preds = [[1, 2], [3, 4]]\n', [/line 1/, /column 1/], 'not JSON');
  const noPreds = path.join(dir, 'no-preds.mat');
  writeFileSync(noPreds, encodeMat([['predictions', { kind: 'numeric', className: 'double', dims: [10, 16, 2], data: new Array<number>(320).fill(1) }]]));
  out.push({ label: '.mat without preds', file: noPreds, mentions: [/preds/] });
  return out;
}
