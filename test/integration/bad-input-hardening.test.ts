/**
 * Issue 13 ("Hardening") through the real CLI (bin/posebench.js in a child process), one test per
 * case of the table: every bad input gives one clear line (file, entry/person or field, what
 * is wrong), no stack, no raw file bytes, no runtime source paths, and nothing hangs. The web-host
 * cases are in test/e2e/web-host-hardening.test.ts; the pipeline's image warnings (onWarning) in
 * test/unit/inference/runtime/input-hardening.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MPII_JOINT_COUNT } from '../../src-main/core/joints.ts';
import { encodeMpiiGtMat, readMpiiGtMat } from '../../src-main/formats/mpii-gt-mat.ts';
import { runPosebench, type CliResult } from '../support/run-cli.ts';
import {
  BAD_INPUT_PERSONS,
  copyDataset,
  goodPredictions,
  gtMat,
  imageFile,
  makeBadInputDemo,
  writeBadModels,
  type BadInputDemo,
  type BadModels,
} from '../support/bad-input-fixtures.ts';

let demo: BadInputDemo;
let models: BadModels;
let regressionModel: string;
let goodFile: string;

beforeAll(async () => {
  demo = await makeBadInputDemo('posebench-hardening-');
  models = writeBadModels(path.join(demo.root, 'bad-models'));
  regressionModel = demo.modelFiles.find((file) => file.includes('regression_256'))!;
  goodFile = path.join(demo.root, 'good.json');
  writeFileSync(goodFile, JSON.stringify({ preds: goodPredictions(demo.datasetDir) }));
}, 60_000);

/** Control characters (other than the newline ending each line) and bidi overrides. */
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** stderr of a failed command: exactly one line "posebench: FILE…", clean of internals. */
function expectOneLineError(result: CliResult, file: string): string {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('warning: '));
  expect(lines, result.stderr).toHaveLength(1);
  const line = lines[0]!;
  expect(line.startsWith(`posebench: ${file}`), line).toBe(true);
  expect(line).not.toMatch(UNPRINTABLE);
  expect(line).not.toMatch(/onnxruntime_src|\.cc:\d|\n\s+at /);
  return line;
}

function evalPredictions(dataset: string, predictions: string, db: string): Promise<CliResult> {
  return runPosebench(['eval', '--dataset', dataset, '--predictions', predictions, '--format', 'json', '--db', db]);
}

function evalModels(dataset: string, modelFiles: readonly string[], db: string): Promise<CliResult> {
  return runPosebench(['eval', '--dataset', dataset, ...modelFiles.flatMap((file) => ['--model', file]), '--format', 'json', '--db', db]);
}

describe('images', () => {
  it('a JPEG whose header claims 12000×12000: the person fails naming the image and the claimed size', async () => {
    const dataset = copyDataset(demo, 'forged-header');
    const file = imageFile(dataset, 2);
    const patched = Buffer.from(readFileSync(file));
    const sof = patched.indexOf(Buffer.from([0xff, 0xc0]));
    patched.writeUInt16BE(12000, sof + 5);
    patched.writeUInt16BE(12000, sof + 7);
    writeFileSync(file, patched);
    const result = await evalModels(dataset, [regressionModel], path.join(demo.root, 'forged.sqlite'));
    expect(result.stderr).not.toMatch(/^posebench: /m);
    expect(result.stderr).toMatch(
      /^warning: 000000003\.jpg \(entry 2\): .*000000003\.jpg: its header claims 12000×12000 \(144\.0 megapixels\), over the 67\.1-megapixel decoding limit/m,
    );
    const report = JSON.parse(result.stdout) as { failed_instances?: number };
    expect(report.failed_instances).toBe(1);
  }, 120_000);

  it('a JPEG with damaged data that libjpeg only warns about: scored, with one warning line naming the image', async () => {
    const dataset = copyDataset(demo, 'damaged-data');
    const file = imageFile(dataset, 3);
    const original = readFileSync(file);
    // Cut inside the entropy-coded data, then a proper end marker: "premature end of data segment".
    writeFileSync(file, Buffer.concat([original.subarray(0, Math.floor(original.length * 0.6)), Buffer.from([0xff, 0xd9])]));
    const result = await evalModels(dataset, [regressionModel], path.join(demo.root, 'damaged.sqlite'));
    expect(result.code, result.stderr).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('warning: '));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^warning: 000000004\.jpg \(entry 3\): image decoded with decoder warnings \(Corrupt JPEG data: premature end of data segment\): part of it may be grey or garbled/,
      ),
    ]);
    expect((JSON.parse(result.stdout) as { failed_instances?: number }).failed_instances ?? 0).toBe(0);
  }, 120_000);

  it('an image path that is a FIFO: refused with one line, eval does not hang', async () => {
    const dataset = copyDataset(demo, 'fifo-image');
    const file = imageFile(dataset, 4);
    rmSync(file);
    execFileSync('mkfifo', [file]);
    const result = await Promise.race([
      evalModels(dataset, [regressionModel], path.join(demo.root, 'fifo.sqlite')),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('eval hung on the FIFO')), 90_000)),
    ]);
    expect(result.stderr).toMatch(/^warning: .*entry 4 \(image\): image "000000005\.jpg" in .* is a FIFO \(named pipe\), not a regular file/m);
    expect(result.stderr).toMatch(
      /^warning: 000000005\.jpg \(entry 4\): .*000000005\.jpg: image file is a FIFO \(named pipe\), not a regular file: only regular files are read$/m,
    );
    expect((JSON.parse(result.stdout) as { failed_instances?: number }).failed_instances).toBe(1);
  }, 120_000);
});

describe('json files', () => {
  it('json with a stray "}", json with a NaN literal, a model sidecar with a syntax error: one line each', async () => {
    const db = path.join(demo.root, 'json.sqlite');
    const lines = JSON.stringify({ preds: goodPredictions(demo.datasetDir) }, null, 1).split('\n');
    lines[7] = `${lines[7]}\n  }`;
    const stray = path.join(demo.root, 'stray.json');
    writeFileSync(stray, lines.join('\n'));
    expect(expectOneLineError(await evalPredictions(demo.datasetDir, stray, db), stray)).toMatch(/: malformed JSON at line 9, column 3: .* near "}\\n/);

    const nan = path.join(demo.root, 'nan.json');
    writeFileSync(nan, JSON.stringify({ preds: goodPredictions(demo.datasetDir) }, null, 1).replace(/\[\n\s+(-?[\d.]+),/, '[\n  NaN,'));
    expect(expectOneLineError(await evalPredictions(demo.datasetDir, nan, db), nan)).toMatch(
      /: malformed JSON at line \d+, column \d+ \(NaN\/Infinity are not valid JSON numbers\)/,
    );

    const sidecarModel = path.join(demo.root, 'sidecar-broken.onnx');
    writeFileSync(sidecarModel, readFileSync(regressionModel));
    const sidecar = path.join(demo.root, 'sidecar-broken.json');
    writeFileSync(sidecar, '{\n  "head": "regression",\n  "input": {"color": "rgb"}}\n}\n');
    expect(expectOneLineError(await evalModels(demo.datasetDir, [sidecarModel], db), sidecar)).toMatch(
      /: model sidecar is not valid JSON at line 4, column 1: Unexpected non-whitespace character after JSON near "}\\n"$/,
    );
  }, 120_000);

  it('a predictions .json that is binary: no raw bytes reach the terminal, the excerpt is short', async () => {
    const binary = path.join(demo.root, 'binary.json');
    writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
    const line = expectOneLineError(await evalPredictions(demo.datasetDir, binary, path.join(demo.root, 'binary.sqlite')), binary);
    expect(line).toContain('(the file holds binary data, not JSON text)');
    const near = /near "(.*)"$/.exec(line)?.[1] ?? '';
    expect(near.length).toBeGreaterThan(0);
    expect(near.length).toBeLessThanOrEqual(60);
    expect(line.length - binary.length).toBeLessThan(200);
  }, 120_000);
});

describe('gt .mat', () => {
  it("a NaN head box and a NaN annotated joint: a warning per person naming entry and field; the numbers are mmpose's", async () => {
    const dataset = copyDataset(demo, 'nan-gt');
    const gt = readMpiiGtMat(gtMat(dataset));
    const headTop = 9;
    const annotated = (n: number, j: number) => gt.missing[n * MPII_JOINT_COUNT + j] === 0;
    // Person 1: NaN head box. Person 3: NaN position of an annotated head_top.
    expect(annotated(3, headTop)).toBe(true);
    gt.headBoxes1Based[1 * 4 + 3] = Number.NaN;
    gt.positions1Based[(3 * MPII_JOINT_COUNT + headTop) * 2] = Number.NaN;
    writeFileSync(gtMat(dataset), encodeMpiiGtMat(gt));

    const result = await evalPredictions(dataset, goodFile, path.join(demo.root, 'nan-gt.sqlite'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^warning: .*mpii_gt_val\.mat entry 1 \(headboxes_src\): head box .*NaN.* is not finite, so the head size is NaN: every annotated joint of this person is counted as a miss, as mmpose does \(0\.x: the NaN distance\/head size fails the `<=` threshold/m,
    );
    expect(result.stderr).toMatch(
      /^warning: .*mpii_gt_val\.mat entry 3 \(pos_gt_src\): joint 9 \(head_top\) is annotated \(jnt_missing 0\) but its position is NaN\/Inf: counted as a miss under the mmpose 0\.x protocol, as mmpose does/m,
    );
    // spec §2 steps 6–8: the predictions sit on the gt, so every annotated joint is a hit except
    // person 1's (NaN head size) and person 3's head_top (NaN distance); both still count.
    const visibleHeadTops = Array.from({ length: BAD_INPUT_PERSONS }, (_, n) => n).filter((n) => annotated(n, headTop));
    const misses = visibleHeadTops.filter((n) => n === 1 || n === 3).length;
    const report = JSON.parse(result.stdout) as { metrics: Record<string, number> };
    expect(report.metrics['Head']).toBe((100 * (visibleHeadTops.length - misses)) / visibleHeadTops.length);
  }, 120_000);

  it("gt .mat missing: the warning names the dataset folder's file it looked for", async () => {
    const dataset = copyDataset(demo, 'no-gt');
    rmSync(gtMat(dataset));
    const result = await evalPredictions(dataset, goodFile, path.join(demo.root, 'no-gt.sqlite'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `warning: ${gtMat(dataset)}: ground-truth .mat not found: PCKh needs its head boxes (both mmpose protocols), so predictions cannot be scored`,
    );
    // The error names the dataset folder and the file looked for, not the workspace or an internal id.
    expect(result.stderr).toContain(`posebench: ${dataset}: no ground-truth .mat: looked for annotations/mpii_gt_val.mat`);
    expect(result.stderr).not.toMatch(/sqlite|dataset \d+ has/);
  }, 120_000);
});

describe('model files', () => {
  it('a 0-byte .onnx: one line naming the file, saying it is empty, no runtime source paths', async () => {
    const empty = path.join(demo.root, 'empty.onnx');
    writeFileSync(empty, Buffer.alloc(0));
    const line = expectOneLineError(await evalModels(demo.datasetDir, [empty], path.join(demo.root, 'empty.sqlite')), empty);
    expect(line).toBe(`posebench: ${empty}: not a loadable ONNX model: the file is empty (0 bytes)`);
  }, 120_000);

  it('a model that outputs NaN for every person: each person fails with "model output is NaN/Inf at joint J"', async () => {
    const result = await evalModels(demo.datasetDir, [models.nan], path.join(demo.root, 'nan-model.sqlite'));
    // One failure line per person; every person failed, so eval says so and exits 1.
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: nan-output: 10 of 10 persons failed \(every person failed\)/);
    const failures = result.stderr.split('\n').filter((line) => /^warning: \S+\.jpg \(entry \d+\): /.test(line));
    expect(failures).toHaveLength(BAD_INPUT_PERSONS);
    for (const [entry, line] of failures.entries()) {
      expect(line).toBe(
        `warning: ${String(entry + 1).padStart(9, '0')}.jpg (entry ${entry}): nan-output.onnx output "coords": non-finite value NaN at flat index 0: ` +
          'model output is NaN/Inf at joint right_ankle (model diverged or broken export)',
      );
    }
  }, 120_000);
});

describe('MAT files', () => {
  it('a predictions .mat that is a zlib bomb is refused at the cap with one line naming file and variable', async () => {
    // 60 MiB of zeros as a uint8 `preds` variable, deflated: a ~60 kB file.
    const { encodeMat } = await import('../../src-main/formats/mat/mat-writer.ts');
    const zeros = new Uint8Array(60 * 1024 * 1024);
    const bomb = path.join(demo.root, 'bomb.mat');
    writeFileSync(bomb, encodeMat([['preds', { kind: 'numeric', className: 'uint8', dims: [zeros.length, 1], data: zeros }]], { compress: true }));
    expect(readFileSync(bomb).length).toBeLessThan(200 * 1024);
    const line = expectOneLineError(await evalPredictions(demo.datasetDir, bomb, path.join(demo.root, 'bomb.sqlite')), bomb);
    expect(line).toMatch(/bomb\.mat \(preds\): compressed data at byte 128 inflates to more than 16\.8 MB, .*refused as corrupt or a zip bomb$/);
  }, 120_000);
});
