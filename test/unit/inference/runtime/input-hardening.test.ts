/**
 * Damaged inputs at the engine level, with real files: images with forged headers or corrupt data,
 * FIFOs in place of images and models, empty and non-ONNX model files, a model returning NaN. Each
 * gives one line naming the file (and the joint, for model outputs); damaged-but-decodable images
 * reach the pipeline's onWarning once; nothing blocks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import { MPII_JOINT_NAMES } from '../../../../src-main/core/joints.ts';
import type { PersonAnnotation } from '../../../../src-main/core/types.ts';
import { parseMpiiJson } from '../../../../src-main/formats/mpii-json.ts';
import { prepareCrops } from '../../../../src-main/inference/runtime/crop-prepare.ts';
import { decodeImageRgb, MAX_IMAGE_FILE_BYTES, MAX_IMAGE_PIXELS } from '../../../../src-main/inference/runtime/image-decode.ts';
import { inspectModel } from '../../../../src-main/inference/runtime/model-inspect.ts';
import { describeRuntimeError, ModelSession } from '../../../../src-main/inference/runtime/onnx-session.ts';
import { runModelsOverDataset, type PipelineFailure, type PipelineResult, type PipelineWarning } from '../../../../src-main/inference/runtime/run-pipeline.ts';
import { annotationJson, imageFile, makeBadInputDemo, writeBadModels, type BadInputDemo, type BadModels } from '../../../support/bad-input-fixtures.ts';

let dir = '';
let demo: BadInputDemo;
let badModels: BadModels;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'posebench-engine-hardening-'));
  demo = await makeBadInputDemo('posebench-engine-hardening-demo-');
  badModels = writeBadModels(path.join(dir, 'models'));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  if (demo !== undefined) await rm(demo.root, { recursive: true, force: true });
});

/** A real 64×48 baseline JPEG with some texture. */
async function smallJpeg(): Promise<Buffer> {
  const width = 64;
  const height = 48;
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 1) raw[i] = (i * 37 + (i >> 6)) & 0xff;
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The JPEG with its SOF0 size fields rewritten: the header now claims width×height. */
function withClaimedSize(jpeg: Buffer, width: number, height: number): Buffer {
  const patched = Buffer.from(jpeg);
  const sof = patched.indexOf(Buffer.from([0xff, 0xc0]));
  if (sof < 0) throw new Error('no SOF0 marker');
  patched.writeUInt16BE(height, sof + 5);
  patched.writeUInt16BE(width, sof + 7);
  return patched;
}

async function inputError(promise: Promise<unknown>): Promise<PosebenchInputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PosebenchInputError);
  return error as PosebenchInputError;
}

/** Fails the test instead of hanging when a FIFO is opened for reading. */
function withinSeconds<T>(promise: Promise<T>, seconds: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${seconds} s (blocked on a FIFO?)`)), seconds * 1000)),
  ]);
}

describe('images', () => {
  it('a JPEG whose header claims 12000×12000 on a small image is refused before decoding, naming the image', async () => {
    const file = path.join(dir, 'forged-12000.jpg');
    await writeFile(file, withClaimedSize(await smallJpeg(), 12000, 12000));
    const rssBefore = process.memoryUsage().rss;
    const error = await inputError(decodeImageRgb(file));
    expect(error.location.file).toBe(file);
    expect(error.message).toMatch(
      /forged-12000\.jpg: its header claims 12000×12000 \(144\.0 megapixels\), over the 67\.1-megapixel decoding limit for a \d+-byte file: not decoded/,
    );
    expect(error.message).not.toMatch(/\n/);
    // Decoding it costs over 400 MB (1.47 GB RSS in the CLI); refused, it costs nothing.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    expect(12000 * 12000).toBeGreaterThan(MAX_IMAGE_PIXELS);
  });

  it('a JPEG with corrupt data decodes and returns the libjpeg warning', async () => {
    const file = path.join(dir, 'short-data.jpg');
    // Claiming 640×480 on 64×48 worth of entropy-coded data: libjpeg warns "premature end of data segment".
    await writeFile(file, withClaimedSize(await smallJpeg(), 640, 480));
    const image = await decodeImageRgb(file);
    expect([image.width, image.height]).toEqual([640, 480]);
    expect(image.warnings).toEqual(['Corrupt JPEG data: premature end of data segment']);
    const clean = path.join(dir, 'clean.jpg');
    await writeFile(clean, await smallJpeg());
    expect((await decodeImageRgb(clean)).warnings).toEqual([]);
  });

  it('a FIFO, a directory and a device are refused with one line, without blocking', async () => {
    const fifo = path.join(dir, 'pipe.jpg');
    execFileSync('mkfifo', [fifo]);
    const fifoError = await inputError(withinSeconds(decodeImageRgb(fifo), 5));
    expect(fifoError.message).toBe(`${fifo}: image file is a FIFO (named pipe), not a regular file: only regular files are read`);
    expect((await inputError(decodeImageRgb(dir))).message).toMatch(/image file is a directory, not a regular file/);
    expect((await inputError(withinSeconds(decodeImageRgb('/dev/zero'), 5))).message).toMatch(/image file is a character device, not a regular file/);
  });
});

describe('image files too large to read', () => {
  it('a 300 MB image file is refused before it is read (sparse file: no disk or memory spent)', async () => {
    const file = path.join(dir, 'huge.jpg');
    await writeFile(file, await smallJpeg());
    await truncate(file, 300 * 1024 * 1024);
    const error = await inputError(decodeImageRgb(file));
    expect(error.message).toBe(`${file}: image file is ${300 * 1024 * 1024} bytes, more than the ${MAX_IMAGE_FILE_BYTES}-byte limit: not read`);
  });
});

describe('model files', () => {
  it('a 0-byte .onnx: one line naming the file and saying it is empty, no runtime source paths', async () => {
    const file = path.join(dir, 'empty.onnx');
    await writeFile(file, Buffer.alloc(0));
    const error = await inputError(ModelSession.open(file));
    expect(error.message).toBe(`${file}: not a loadable ONNX model: the file is empty (0 bytes)`);
  });

  it('a file that is not ONNX: what ORT says, without its internals', async () => {
    const error = await inputError(ModelSession.open(badModels.garbage));
    expect(error.message).toBe(`${badModels.garbage}: not a loadable ONNX model (protobuf parsing failed: not an ONNX model file)`);
    // A protobuf that parses but has no graph: ORT's message carries model.cc:187 and a C++ signature.
    const noGraph = path.join(dir, 'no-graph.onnx');
    await writeFile(noGraph, Buffer.from([0x08, 0x07]));
    const graphless = await inputError(ModelSession.open(noGraph));
    expect(graphless.message).toBe(`${noGraph}: not a loadable ONNX model (ModelProto does not have a graph: not an ONNX model file)`);
    expect(graphless.message).not.toMatch(/onnxruntime|\.cc:|::|\n/);
  });

  it('ONNX Runtime run errors lose source paths and C++ signatures, and stay on one line', () => {
    const message =
      "Non-zero status code returned while running Conv node. Name:'/conv' Status Message: " +
      '/onnxruntime_src/onnxruntime/core/framework/op_kernel.cc:83 virtual OrtValue* onnxruntime::OpKernelContext::OutputMBase(int, const onnxruntime::TensorShape&) shape.Size() must >=0\nsecond line';
    expect(describeRuntimeError(new Error(message))).toBe(
      "Non-zero status code returned while running Conv node. Name:'/conv' Status Message: shape.Size() must >=0 / second line",
    );
  });

  it('a FIFO in place of a model and of its sidecar is refused without blocking', async () => {
    const fifo = path.join(dir, 'pipe.onnx');
    execFileSync('mkfifo', [fifo]);
    expect((await inputError(withinSeconds(ModelSession.open(fifo), 5))).message).toMatch(
      /pipe\.onnx: model file is a FIFO \(named pipe\), not a regular file/,
    );
    const model = path.join(dir, 'sidecar-pipe.onnx');
    await writeFile(model, await readFile(badModels.nan));
    execFileSync('mkfifo', [path.join(dir, 'sidecar-pipe.json')]);
    expect((await inputError(withinSeconds(inspectModel(model), 5))).message).toMatch(
      /sidecar-pipe\.json: model sidecar is a FIFO \(named pipe\), not a regular file/,
    );
  });

  it('a model sidecar with a syntax error: one line with line and column', async () => {
    const model = path.join(dir, 'bad-sidecar.onnx');
    await writeFile(model, await readFile(badModels.nan));
    await writeFile(path.join(dir, 'bad-sidecar.json'), '{\n  "head": "regression",\n  }\n}\n');
    const error = await inputError(inspectModel(model));
    expect(error.message).toBe(
      `${path.join(dir, 'bad-sidecar.json')}: model sidecar is not valid JSON at line 3, column 3: Expected double-quoted property name near "}\\n}\\n"`,
    );
  });
});

describe('pipeline', () => {
  async function persons(): Promise<PersonAnnotation[]> {
    const file = annotationJson(demo.datasetDir);
    return parseMpiiJson(await readFile(file, 'utf8'), file);
  }

  it('a damaged JPEG that still decodes: onWarning once for the image, naming it; its person is scored', async () => {
    const images = path.join(dir, 'damaged-images');
    execFileSync('cp', ['-r', path.join(demo.datasetDir, 'images'), images]);
    // Entry 3's image, cut in the middle of its entropy-coded data and patched to end properly, so
    // libjpeg meets the end of the data early: "premature end of data segment", a warning.
    const original = await readFile(imageFile(demo.datasetDir, 3));
    const damaged = Buffer.concat([original.subarray(0, Math.floor(original.length * 0.6)), Buffer.from([0xff, 0xd9])]);
    await writeFile(path.join(images, path.basename(imageFile(demo.datasetDir, 3))), damaged);
    const all = await persons();
    const model = await inspectModel(demo.modelFiles.find((file) => file.includes('regression_256'))!);
    const warnings: PipelineWarning[] = [];
    const results: PipelineResult[] = [];
    const failures: PipelineFailure[] = [];
    const summary = await runModelsOverDataset({
      models: [model],
      persons: all.slice(0, 5),
      imagesDir: images,
      imageWorkers: 1,
      onResult: (r) => results.push(r),
      onFailure: (f) => failures.push(f),
      onWarning: (w) => warnings.push(w),
    });
    expect(failures).toEqual([]);
    expect(results.map((r) => r.entryIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(summary.damagedImages).toBe(1);
    expect(warnings).toEqual([
      {
        entryIndex: 3,
        image: '000000004.jpg',
        message: expect.stringMatching(
          /^image decoded with decoder warnings \(Corrupt JPEG data: premature end of data segment\): part of it may be grey or garbled/,
        ),
      },
    ]);
    expect(warnings[0]!.message).not.toMatch(/\n/);
  }, 60_000);

  it('a damaged JPEG is never served from the crop cache: prepared or run before, every run still warns', async () => {
    const images = path.join(dir, 'damaged-cached-images');
    execFileSync('cp', ['-r', path.join(demo.datasetDir, 'images'), images]);
    const original = await readFile(imageFile(demo.datasetDir, 3));
    await writeFile(
      path.join(images, path.basename(imageFile(demo.datasetDir, 3))),
      Buffer.concat([original.subarray(0, Math.floor(original.length * 0.6)), Buffer.from([0xff, 0xd9])]),
    );
    const some = (await persons()).slice(0, 5);
    const model = await inspectModel(demo.modelFiles.find((file) => file.includes('regression_256'))!);
    const cropCache = { dir: path.join(dir, 'damaged-crop-cache'), budgetBytes: 1 << 30 };
    const prepared = await prepareCrops({
      persons: some,
      imagesDir: images,
      cacheDir: cropCache.dir,
      budgetBytes: cropCache.budgetBytes,
      sizes: [{ width: model.input.width, height: model.input.height }],
    });
    expect(prepared).toMatchObject({ imagesWithDecodeWarnings: 1, failedImages: 0, end: 'done' });
    for (let run = 0; run < 2; run++) {
      const warnings: PipelineWarning[] = [];
      const failures: PipelineFailure[] = [];
      const summary = await runModelsOverDataset({
        models: [model],
        persons: some,
        imagesDir: images,
        imageWorkers: 1,
        cropCache,
        onResult: () => undefined,
        onFailure: (f) => failures.push(f),
        onWarning: (w) => warnings.push(w),
      });
      expect(failures).toEqual([]);
      expect({ run, images: warnings.map((w) => w.image), fromCache: summary.cropsFromCache }).toEqual({
        run,
        images: ['000000004.jpg'],
        fromCache: some.length - 1,
      });
    }
  }, 60_000);

  it('a model that outputs NaN: each person fails with "model output is NaN/Inf at joint <name>"', async () => {
    const nanModel = await inspectModel(badModels.nan);
    const failures: PipelineFailure[] = [];
    const summary = await runModelsOverDataset({
      models: [nanModel],
      persons: (await persons()).slice(0, 2),
      imagesDir: path.join(demo.datasetDir, 'images'),
      imageWorkers: 1,
      onResult: () => undefined,
      onFailure: (f) => failures.push(f),
    });
    expect(summary.results).toBe(0);
    expect(failures.map((f) => [f.entryIndex, f.modelIndex])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    for (const failure of failures) {
      // coords [1,16,2]: flat index 0 is joint 0 of the model's (default MPII) joints.
      expect(failure.reason).toBe(
        `nan-output.onnx output "coords": non-finite value NaN at flat index 0: model output is NaN/Inf at joint ${MPII_JOINT_NAMES[0]} (model diverged or broken export)`,
      );
    }
  }, 60_000);
});
