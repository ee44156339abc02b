import { mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import { COCO17_JOINT_NAMES, MPII_JOINT_NAMES } from '../../../../src-main/core/joints.ts';
import { mapModelJointsToMpii } from '../../../../src-main/inference/runtime/joint-mapping.ts';
import { inspectModel, inferHeadFromOutputs } from '../../../../src-main/inference/runtime/model-inspect.ts';
import { parseModelSidecar } from '../../../../src-main/inference/runtime/model-sidecar.ts';
import { ModelSession } from '../../../../src-main/inference/runtime/onnx-session.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../../support/shared-fixtures.ts';

skipWithoutShared('engine: model inspection of the bench/real ONNX models');

interface ManifestEntry {
  file: string;
  head: string;
  input: number[];
  outputs: Record<string, number[]>;
}

let tempDir = '';
beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'posebench-engine-inspect-'));
});
afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

async function expectInputError(promise: Promise<unknown>, file: string, field?: string): Promise<PosebenchInputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PosebenchInputError);
  const inputError = error as PosebenchInputError;
  expect(inputError.location.file).toBe(file);
  expect(inputError.message).toContain(file);
  if (field !== undefined) expect(inputError.location.field).toBe(field);
  return inputError;
}

describe.skipIf(!HAS_SHARED)('inspectModel on ../shared/models/bench', () => {
  it('gives every bench model the head type, input and output shapes manifest.json names', async () => {
    const dir = sharedPath('models', 'bench');
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as ManifestEntry[];
    expect(manifest.length).toBe(8);
    for (const entry of manifest) {
      const info = await inspectModel(path.join(dir, entry.file));
      expect({ file: entry.file, head: info.head }).toEqual({ file: entry.file, head: entry.head });
      expect(info.headFrom).toBe('shapes');
      expect(info.input.shape).toEqual(entry.input);
      expect([info.input.height, info.input.width]).toEqual(entry.input.slice(2));
      expect(Object.fromEntries(info.outputs.map((o) => [o.name, o.shape]))).toEqual(entry.outputs);
      // No sidecar: 16 joints are taken as MPII order, ImageNet RGB.
      expect(info.keypoints).toEqual([...MPII_JOINT_NAMES]);
      expect(info.mpiiMapping).toEqual(MPII_JOINT_NAMES.map((_, i) => i));
      expect(info.jointPredicted).toEqual(new Array(16).fill(true));
      expect(info.input.color).toBe('rgb');
      expect(info.input.mean).toEqual([0.485, 0.456, 0.406]);
      expect(info.sidecar).toBeUndefined();
    }
  });

  it('reads the EfficientPose RT sidecar: own joint order mapped to MPII by name', async () => {
    const info = await inspectModel(sharedPath('models', 'real', 'EfficientPoseRT_mpii_224x224.onnx'));
    expect(info.head).toBe('heatmap');
    expect(info.headFrom).toBe('sidecar');
    expect(info.input).toMatchObject({ name: 'input', width: 224, height: 224, color: 'rgb' });
    expect(info.outputs).toEqual([{ name: 'heatmaps', shape: [1, 16, 224, 224] }]);
    // models/real/README.md: "Channel k is MPII joint [9,8,12,11,10,7,13,14,15,6,2,1,0,3,4,5][k]".
    expect(info.mpiiMapping).toEqual([9, 8, 12, 11, 10, 7, 13, 14, 15, 6, 2, 1, 0, 3, 4, 5]);
    // Mirror of channel 2 (right_shoulder) is channel 6 (left_shoulder); head_top is its own.
    expect(info.modelFlipIndex[2]).toBe(6);
    expect(info.modelFlipIndex[0]).toBe(0);
  });
});

describe('bad model files', () => {
  it('random bytes in a .onnx file → PosebenchInputError naming the file', async () => {
    const file = path.join(tempDir, 'garbage.onnx');
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 2654435761) >>> 24;
    await writeFile(file, bytes);
    const error = await expectInputError(inspectModel(file), file);
    expect(error.message).toMatch(/not a loadable ONNX model/);
  });

  it('missing .onnx file → PosebenchInputError naming the file', async () => {
    const file = path.join(tempDir, 'does-not-exist.onnx');
    const error = await expectInputError(ModelSession.open(file), file);
    expect(error.message).toMatch(/not found/);
  });
});

describe('model sidecar validation', () => {
  const file = '/models/x.json';
  const cases: [string, string, string | undefined, RegExp][] = [
    ['not json', '{"head": ', undefined, /not valid JSON/],
    ['unknown head', '{"head":"gaussian"}', 'head', /invalid model sidecar/],
    ['misspelt key', '{"keypionts":[]}', 'keypionts', /unknown key "keypionts"/],
    ['misspelt joint', '{"keypoints":["right_ankle","rigth_knee"]}', 'keypoints.1', /"rigth_knee"/],
    ['duplicate joint', '{"keypoints":["right_ankle","right_ankle"]}', 'keypoints', /unique/],
    ['mean of 2', '{"input":{"mean":[0.5,0.5]}}', 'input.mean', /invalid model sidecar/],
    ['zero std', '{"input":{"std":[0.2,0,0.2]}}', 'input.std.1', /positive/],
    ['bad colour', '{"input":{"color":"rgba"}}', 'input.color', /invalid model sidecar/],
    ['even DARK kernel', '{"decoder":{"blurKernelSize":10}}', 'decoder.blurKernelSize', /odd/],
  ];
  for (const [what, text, field, message] of cases) {
    it(`${what} → error naming the file and field ${field ?? '(none)'}`, () => {
      let caught: unknown;
      try {
        parseModelSidecar(file, text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PosebenchInputError);
      const inputError = caught as PosebenchInputError;
      expect(inputError.location.file).toBe(file);
      expect(inputError.location.field).toBe(field);
      expect(inputError.message).toMatch(message);
    });
  }

  it('accepts the documented fields', () => {
    const sidecar = parseModelSidecar(
      file,
      JSON.stringify({
        keypoints: [...COCO17_JOINT_NAMES],
        input: { color: 'bgr', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
        head: 'simcc',
        decoder: { flipTest: true, simccSplitRatio: 2, heatmapRefine: 'dark' },
      }),
    );
    expect(sidecar.input?.color).toBe('bgr');
    expect(sidecar.decoder?.simccSplitRatio).toBe(2);
  });

  it.skipIf(!HAS_SHARED)('a malformed sidecar next to a real model fails inspectModel naming the sidecar', async () => {
    const model = path.join(tempDir, 'rt.onnx');
    await copyFile(sharedPath('models', 'real', 'EfficientPoseRT_mpii_224x224.onnx'), model);
    const sidecar = path.join(tempDir, 'rt.json');
    await writeFile(sidecar, JSON.stringify({ keypoints: ['head_top', 'upper_neck'], head: 'heatmap' }));
    // Valid json, but 2 joints for a 16-channel model.
    await expectInputError(inspectModel(model), sidecar, 'keypoints');
    await writeFile(sidecar, JSON.stringify({ head: 'simcc' }));
    await expectInputError(inspectModel(model), sidecar, 'head');
    await writeFile(sidecar, '{"input": {"mean": "imagenet"}}');
    await expectInputError(inspectModel(model), sidecar, 'input.mean');
    // Size that contradicts the model's fixed 224×224 input.
    await writeFile(sidecar, '{"input": {"width": 256, "height": 256}}');
    await expectInputError(inspectModel(model), sidecar, 'input');
  });
});

describe('joint mapping and head inference (no models needed)', () => {
  it('COCO-17 predicts 12 MPII joints; pelvis, thorax, upper_neck, head_top are not predicted', () => {
    const mapping = mapModelJointsToMpii(COCO17_JOINT_NAMES);
    expect(mapping.mpiiMapping.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(mapping.mpiiMapping[5]).toBe(13); // left_shoulder
    expect(mapping.mpiiMapping[16]).toBe(0); // right_ankle
    const notPredicted = mapping.jointPredicted.flatMap((p, i) => (p ? [] : [MPII_JOINT_NAMES[i]]));
    expect(notPredicted).toEqual(['pelvis', 'thorax', 'upper_neck', 'head_top']);
    expect(mapping.modelFlipIndex.slice(0, 5)).toEqual([0, 2, 1, 4, 3]);
  });

  it('tells heads apart by shape and refuses ambiguous outputs', () => {
    const spec = (name: string, shape: number[]) => ({ name, shape });
    expect(inferHeadFromOutputs([spec('a', [1, 17, 2])])).toBe('regression');
    expect(inferHeadFromOutputs([spec('a', [1, 17, 4])])).toBe('regression+sigma');
    expect(inferHeadFromOutputs([spec('a', [1, 17, 48, 64])])).toBe('heatmap');
    expect(inferHeadFromOutputs([spec('x', [1, 17, 384]), spec('y', [1, 17, 512])])).toBe('simcc');
    expect(inferHeadFromOutputs([spec('x', [1, 17, 384]), spec('y', [1, 17, 512]), spec('s', [1, 17, 2])])).toBe('simcc+sigma');
    expect(inferHeadFromOutputs([spec('a', [1, 17, 3])])).toBeUndefined();
    expect(inferHeadFromOutputs([spec('x', [1, 17, 384]), spec('y', [1, 16, 512])])).toBeUndefined();
  });
});
