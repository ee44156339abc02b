/**
 * EfficientPose RT (real weights, 16 joints in its own order, sidecar given) on the golden input
 * tensors made with OpenCV (../shared/fixtures/mpii-goldens): session + heatmap decoding + joint
 * mapping must reproduce `efficientpose_rt_predictions.json`.
 *
 * Tolerance: the same ORT build on one thread gives the same heatmaps, so the argmax cells are the
 * same and what remains is arithmetic: the expected values are printed with 4 decimals (±5e-5), our
 * crop transform rounds centre/scale through float32 as mmpose does (≤ ~1e-4 px at x ≈ 1000), and
 * the result is stored as float32 (ulp 6e-5 at 1000 px). 2e-3 px covers these with margin; a wrong
 * cell would be off by ≥ S/224 ≈ 2.6 px (the smallest person here), a wrong joint order by far more.
 * Scores are raw heatmap peaks: 1e-4 covers the 4-decimal rounding.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMpiiJson } from '../../../../src-main/formats/mpii-json.ts';
import { decodeOutputs } from '../../../../src-main/inference/decoders/index.ts';
import { decodeImageRgb } from '../../../../src-main/inference/runtime/image-decode.ts';
import { toMpiiKeypoints } from '../../../../src-main/inference/runtime/joint-mapping.ts';
import { inspectModel, type ModelInfo } from '../../../../src-main/inference/runtime/model-inspect.ts';
import { ModelSession } from '../../../../src-main/inference/runtime/onnx-session.ts';
import { prepareTensors } from '../../../../src-main/inference/runtime/prepare-tensors.ts';
import { mpiiCropTransform } from '../../../../src-main/inference/preprocess/crop-transform.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../../support/shared-fixtures.ts';

skipWithoutShared('engine: EfficientPose RT golden predictions');

interface GoldenIndexEntry {
  entry: number;
  image: string;
  input_size: number;
  affine_image_to_input: number[][];
  tensor_f32: string;
}

interface GoldenPredictions {
  entries: string[];
  preds: number[][][];
}

describe.skipIf(!HAS_SHARED)('EfficientPose RT on the golden 224 tensors', () => {
  const goldens = () => sharedPath('fixtures', 'mpii-goldens');
  let info: ModelInfo;
  let session: ModelSession;
  let index: GoldenIndexEntry[];
  let expected: GoldenPredictions;

  beforeAll(async () => {
    info = await inspectModel(sharedPath('models', 'real', 'EfficientPoseRT_mpii_224x224.onnx'));
    session = await ModelSession.open(info.file);
    index = JSON.parse(await readFile(path.join(goldens(), 'index.json'), 'utf8')) as GoldenIndexEntry[];
    expected = JSON.parse(await readFile(path.join(goldens(), 'efficientpose_rt_predictions.json'), 'utf8')) as GoldenPredictions;
  });
  afterAll(async () => {
    await session?.release();
  });

  it('reproduces efficientpose_rt_predictions.json (MPII order, 0-based image px)', async () => {
    const annotationsFile = sharedPath('fixtures', 'mpii', 'annotations', 'mpii_val.json');
    const persons = parseMpiiJson(await readFile(annotationsFile, 'utf8'), annotationsFile);
    const entries = index.filter((e) => e.input_size === 224);
    expect(entries.map((e) => e.image)).toEqual(expected.entries);
    let worstPx = 0;
    let worstScore = 0;
    for (const [n, entry] of entries.entries()) {
      const person = persons[entry.entry];
      if (person === undefined) throw new Error(`no person ${entry.entry}`);
      const transform = mpiiCropTransform(person, { width: 224, height: 224 });
      // Our crop transform is the golden one (OpenCV's getAffineTransform at rotation 0).
      const [[a, , c], [, e, f]] = entry.affine_image_to_input as [number[], number[]];
      // (OpenCV solves it from float32 points: agreement to ~1e-8 relative, not bit for bit.)
      expect(Math.abs(transform.imageToInput[0] / (a as number) - 1)).toBeLessThan(1e-6);
      expect(Math.abs(transform.imageToInput[4] / (e as number) - 1)).toBeLessThan(1e-6);
      expect(Math.abs(transform.imageToInput[2] - (c as number))).toBeLessThan(1e-3);
      expect(Math.abs(transform.imageToInput[5] - (f as number))).toBeLessThan(1e-3);

      const bytes = await readFile(path.join(goldens(), entry.tensor_f32));
      const tensor = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const outputs = await session.run(tensor);
      const decoded = decodeOutputs(info.head, outputs, transform, { heatmapRefine: 'shift' });
      const keypoints = toMpiiKeypoints(info, decoded.keypoints);
      const want = expected.preds[n] as number[][];
      for (let j = 0; j < 16; j += 1) {
        const [x, y, score] = want[j] as [number, number, number];
        worstPx = Math.max(worstPx, Math.abs((keypoints[j * 3] as number) - x), Math.abs((keypoints[j * 3 + 1] as number) - y));
        worstScore = Math.max(worstScore, Math.abs((keypoints[j * 3 + 2] as number) - score));
      }
    }
    expect(worstPx).toBeLessThan(2e-3);
    expect(worstScore).toBeLessThan(1e-4);
  });

  /*
   * Decode (sharp/libjpeg-turbo vs OpenCV's libjpeg) + crop (TS fixed-point warp vs cv2.warpAffine)
   * + normalisation. When the decoded pixels match, the crops agree almost everywhere; a decoder
   * difference (EXIF rotation, ICC conversion, chroma upsampling, colour order) changes most pixels.
   * The warp's affine differs from OpenCV's in the ~9th digit (see above), which can move a sample by
   * one 1/32-px quantisation step: at a sharp edge that changes a pixel by up to 255/32 ≈ 8 grey levels.
   * (Measured: 8 of the 10 crops bit-identical, the other two differ in < 0.5 % of values, by ≤ 4 levels.)
   */
  it('our decode + crop + tensor (sharp + TS warp) matches the OpenCV tensors', async () => {
    const annotationsFile = sharedPath('fixtures', 'mpii', 'annotations', 'mpii_val.json');
    const persons = parseMpiiJson(await readFile(annotationsFile, 'utf8'), annotationsFile);
    const std = info.input.std;
    for (const entry of index) {
      const person = persons[entry.entry];
      if (person === undefined) throw new Error(`no person ${entry.entry}`);
      const image = await decodeImageRgb(sharedPath('fixtures', 'mpii', 'images', entry.image));
      const size = entry.input_size;
      const key = `${size}`;
      const prepared = prepareTensors(
        image,
        { ...person, entryIndex: entry.entry },
        {
          crops: [{ key, width: size, height: size }],
          tensors: [{ key, cropKey: key, color: 'rgb', mean: info.input.mean, std, flipped: false }],
        },
      );
      expect(prepared.error).toBeUndefined();
      const ours = prepared.tensors[key] as Float32Array;
      const bytes = await readFile(path.join(goldens(), entry.tensor_f32));
      const golden = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      expect(ours.length).toBe(golden.length);
      let worstLevels = 0;
      let differing = 0;
      for (let i = 0; i < golden.length; i += 1) {
        const channel = Math.floor(i / (size * size));
        const levels = Math.round(Math.abs((ours[i] as number) - (golden[i] as number)) * 255 * (std[channel] as number));
        if (levels > 0) differing += 1;
        worstLevels = Math.max(worstLevels, levels);
      }
      const summary = { image: entry.image, size, worstLevelsAtMost8: worstLevels <= 8, under1Percent: differing / golden.length < 0.01 };
      expect(summary).toEqual({ image: entry.image, size, worstLevelsAtMost8: true, under1Percent: true });
    }
  });
});
