/**
 * Types shared by the output decoders (spec §5), the flip test (spec §6) and the engine.
 * Every decoder is a pure function of Float32Array outputs and a CropTransform.
 */

/** Head types posebench decodes (same list as the model sidecar's `head`). */
export const HEAD_KINDS = ['regression', 'regression+sigma', 'heatmap', 'simcc', 'simcc+sigma', 'soft-argmax'] as const;
export type HeadKind = (typeof HEAD_KINDS)[number];

/** One model output as ONNX Runtime returns it; `dims` include the batch axis N first. */
export interface OutputTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Model outputs by output name. */
export type ModelOutputs = Readonly<Record<string, OutputTensor>>;

/** A keypoint in 0-based image pixels (or input pixels where stated); score as mmpose defines it. */
export interface DecodedKeypoint {
  readonly x: number;
  readonly y: number;
  readonly score: number;
}

export interface DecodedKeypoints {
  /** K keypoints in the model's own joint order, 0-based IMAGE pixels (spec §5.0). */
  readonly keypoints: DecodedKeypoint[];
  /** The same keypoints in model-INPUT pixels, before the §5.0 mapping. */
  readonly inputKeypoints: DecodedKeypoint[];
  /**
   * Per-joint (σx, σy), K×2 row-major, when the model has a σ output: for 'regression+sigma' after
   * the sigmoid (spec §5.2); for 'simcc+sigma' exactly as the model gave it (not used for location).
   */
  readonly sigma?: Float32Array;
}

/** Heatmap sub-pixel refinement: mmpose's quarter-pixel shift (spec §5.3), DARK (§5.4) or none. */
export type HeatmapRefine = 'shift' | 'quarter' | 'dark' | 'none';

export type MmposeVersion = '0.x' | '1.x';

export interface DecodeOptions {
  /** Default 'shift' (mmpose's default post-processing). 'quarter' is an alias of 'shift'. */
  readonly heatmapRefine?: HeatmapRefine;
  /**
   * Which mmpose the quarter-shift border rule (spec §5.3 step 2) and the regression flip rule
   * (spec §6) follow. Default '0.x'.
   */
  readonly mmposeVersion?: MmposeVersion;
  /** DARK Gaussian kernel size (odd; spec §5.4: 11 for MPII). Default 11. */
  readonly blurKernelSize?: number;
  /** SimCC bins per input pixel (spec §5.6). Default: vector length / input size (512/256 = 2). */
  readonly simccSplitRatio?: number;
  /** Soft-argmax β (spec §5.7). Default 1. */
  readonly softArgmaxBeta?: number;
  /** Soft-argmax debias (spec §5.7, C = Σ exp(logits) without β). Default false. */
  readonly softArgmaxDebias?: boolean;
  /**
   * RLE σ outputs are raw logits needing a sigmoid (spec §5.2). Default true, as in mmpose's heads;
   * set false for models that apply the sigmoid in the graph.
   */
  readonly sigmaIsLogit?: boolean;
  /** Which sample of the batch to decode. Default 0. */
  readonly batchIndex?: number;
}

/** Problems with output shapes are reported with this error (the engine adds the model file). */
export class DecoderShapeError extends Error {
  override readonly name = 'DecoderShapeError';
}
