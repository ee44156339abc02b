/** Run identity (issue 11 item 2): what makes two runs the same, and explicit options over the sidecar. */
import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../src-main/inference/runtime/model-inspect.ts';
import {
  decoderOptionsFrom,
  describeDecoderOptions,
  identityKey,
  modelRunIdentity,
  sameDecoderOptions,
  withDecoderOptions,
} from '../../../src-main/workbench/run-identity.ts';

const model = {
  file: '/m/a.onnx',
  name: 'a',
  head: 'heatmap',
  headFrom: 'shapes',
  input: { name: 'input', shape: [1, 3, 256, 256], color: 'rgb', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], width: 256, height: 256 },
  outputs: [],
  jointCount: 16,
  keypoints: ['right_ankle'],
  mpiiMapping: [0],
  jointPredicted: [true],
  modelFlipIndex: [0],
  decoder: { flipTest: true, heatmapRefine: 'dark' },
  sidecar: '/m/a.json',
} as unknown as ModelInfo;

describe('run identity', () => {
  it('lets an explicit option win only when given; the sidecar decides the rest', () => {
    expect(withDecoderOptions(model, {}).decoder).toEqual({ flipTest: true, heatmapRefine: 'dark' });
    expect(withDecoderOptions(model, { flipTest: false }).decoder).toEqual({ flipTest: false, heatmapRefine: 'dark' });
    const noSidecar = { ...model, decoder: {} } as ModelInfo;
    expect(withDecoderOptions(noSidecar, {}).decoder).toEqual({ flipTest: false });
  });

  it('changes with the model bytes, each option, the code and the runtime; not with key order', () => {
    const base = identityKey(modelRunIdentity(withDecoderOptions(model, {}), 'aa', '1.30.0'));
    expect(identityKey(modelRunIdentity(withDecoderOptions(model, {}), 'aa', '1.30.0'))).toBe(base);
    expect(identityKey(modelRunIdentity(withDecoderOptions(model, {}), 'ab', '1.30.0'))).not.toBe(base);
    expect(identityKey(modelRunIdentity(withDecoderOptions(model, { flipTest: false }), 'aa', '1.30.0'))).not.toBe(base);
    expect(identityKey(modelRunIdentity(withDecoderOptions(model, { heatmapRefine: 'shift' }), 'aa', '1.30.0'))).not.toBe(base);
    expect(identityKey(modelRunIdentity(withDecoderOptions(model, {}), 'aa', '1.31.0'))).not.toBe(base);
    const reordered = { ...model, decoder: { heatmapRefine: 'dark', flipTest: true } } as ModelInfo;
    expect(identityKey(modelRunIdentity(withDecoderOptions(reordered, {}), 'aa', '1.30.0'))).toBe(base);
    const identity = modelRunIdentity(withDecoderOptions(model, {}), 'aa', '1.30.0');
    expect(identityKey({ ...identity, codeVersion: identity.codeVersion + 1 })).not.toBe(base);
    expect(identityKey({ ...identity, input: { ...identity.input, color: 'bgr' } })).not.toBe(base);
  });

  it('reads stored options strictly and labels them', () => {
    expect(decoderOptionsFrom({ flipTest: true, heatmapRefine: 'quarter', simccSplitRatio: -1, extra: 1 })).toEqual({ flipTest: true });
    expect(sameDecoderOptions({ flipTest: true }, { flipTest: true })).toBe(true);
    expect(sameDecoderOptions({}, { flipTest: false })).toBe(false);
    expect(describeDecoderOptions({ flipTest: true, heatmapRefine: 'dark', simccSplitRatio: 2 })).toBe('flip test, DARK, split ratio 2');
    expect(describeDecoderOptions({})).toBe('');
  });
});
