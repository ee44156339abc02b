/**
 * Decoder dispatcher: model outputs of one head type → K keypoints in 0-based image pixels.
 */
import type { CropTransform } from '../preprocess/crop-transform.ts';
import type { DecodedKeypoints, DecodeOptions, HeadKind, ModelOutputs } from './decoder-types.ts';
import { decodeHeatmaps } from './heatmap.ts';
import { decodeRegression, decodeRle } from './regression.ts';
import { selectHeadTensors, type HeadTensors } from './select-outputs.ts';
import { decodeSimcc } from './simcc.ts';
import { decodeSoftArgmax } from './soft-argmax.ts';

export type { DecodedKeypoint, DecodedKeypoints, DecodeOptions, HeadKind, ModelOutputs, OutputTensor } from './decoder-types.ts';
export { DecoderShapeError, HEAD_KINDS } from './decoder-types.ts';

export function decodeOutputs(head: HeadKind, outputs: ModelOutputs, transform: CropTransform, options: DecodeOptions = {}): DecodedKeypoints {
  return decodeHeadTensors(head, selectHeadTensors(head, outputs, options.batchIndex ?? 0), transform, options);
}

/** Decodes tensors already selected (and possibly flip-fused) by selectHeadTensors. */
export function decodeHeadTensors(head: HeadKind, tensors: HeadTensors, transform: CropTransform, options: DecodeOptions = {}): DecodedKeypoints {
  switch (tensors.layout) {
    case 'coords':
      if (head === 'regression+sigma') {
        if (!tensors.sigma) throw new RangeError('regression+sigma needs σ values');
        return decodeRle(tensors.coords, tensors.sigma, tensors.joints, transform, options.sigmaIsLogit ?? true);
      }
      return decodeRegression(tensors.coords, tensors.joints, transform);
    case 'maps':
      if (head === 'soft-argmax') {
        return decodeSoftArgmax(tensors.maps, tensors.joints, tensors.height, tensors.width, transform, {
          beta: options.softArgmaxBeta ?? 1,
          debias: options.softArgmaxDebias ?? false,
        });
      }
      return decodeHeatmaps(tensors.maps, tensors.joints, tensors.height, tensors.width, transform, {
        refine: options.heatmapRefine ?? 'shift',
        mmposeVersion: options.mmposeVersion ?? '0.x',
        blurKernelSize: options.blurKernelSize ?? 11,
      });
    case 'simcc':
      return decodeSimcc(tensors.x, tensors.y, tensors.joints, tensors.lengthX, tensors.lengthY, transform, {
        ...(options.simccSplitRatio !== undefined ? { splitRatio: options.simccSplitRatio } : {}),
        ...(tensors.sigma !== undefined ? { sigma: Float32Array.from(tensors.sigma) } : {}),
      });
  }
}
