/**
 * What posebench needs to know about a model before running it: input name/size/normalisation,
 * outputs, head type, joint names and their MPII mapping. Read from the ONNX metadata (a dry run
 * when output dims are symbolic, see onnx-session.ts) and the optional sidecar json.
 */
import path from 'node:path';
import { MPII_JOINT_COUNT } from '../../core/joints.ts';
import { PosebenchInputError } from '../../core/errors.ts';
import type { HeadKind } from '../decoders/decoder-types.ts';
import { defaultKeypointNames, mapModelJointsToMpii } from './joint-mapping.ts';
import { readModelSidecar, sidecarPathFor, type ModelSidecar, type SidecarDecoderOptions } from './model-sidecar.ts';
import { ModelSession, type TensorSpec } from './onnx-session.ts';

/** ImageNet RGB normalisation on the 0–1 scale (spec §4.4), the default for every model. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

export interface ModelInputInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly color: 'rgb' | 'bgr';
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly width: number;
  readonly height: number;
}

/** Plain data (structured-clonable: goes to workers, IPC and the store as is). */
export interface ModelInfo {
  readonly file: string;
  /** File name without `.onnx`, for labels. */
  readonly name: string;
  readonly head: HeadKind;
  /** Where `head` came from. */
  readonly headFrom: 'shapes' | 'sidecar';
  readonly input: ModelInputInfo;
  readonly outputs: readonly TensorSpec[];
  /** Number of joints the model outputs. */
  readonly jointCount: number;
  /** Model output joints in order (mmpose MPII or COCO-17 names). */
  readonly keypoints: readonly string[];
  /** Model joint → MPII index, or null (spec §1.1 order). */
  readonly mpiiMapping: readonly (number | null)[];
  /** For each of the 16 MPII joints, whether this model predicts it. */
  readonly jointPredicted: readonly boolean[];
  /** Model joint → its mirror model joint (flip test, spec §6). */
  readonly modelFlipIndex: readonly number[];
  readonly decoder: SidecarDecoderOptions;
  /** Sidecar path when one was found. */
  readonly sidecar: string | undefined;
}

/** Opens the model once, reads its metadata (and sidecar), releases it. */
export async function inspectModel(file: string): Promise<ModelInfo> {
  const sidecar = await readModelSidecar(file);
  const session = await ModelSession.open(file, { inputSize: sidecarInputSize(sidecar) });
  try {
    return describeModel(session, sidecar);
  } finally {
    await session.release();
  }
}

/** Builds the ModelInfo of an open session (used by inspectModel and by callers that keep the session). */
export function describeModel(session: ModelSession, sidecar: ModelSidecar | undefined): ModelInfo {
  const file = session.file;
  const sidecarFile = sidecar === undefined ? undefined : sidecarPathFor(file);
  const headFromShapes = inferHeadFromOutputs(session.outputs);
  const head = sidecar?.head ?? headFromShapes;
  if (head === undefined) {
    throw new PosebenchInputError(
      { file },
      `cannot tell the head type from the outputs ${describeOutputs(session.outputs)}; ` + `set "head" in ${path.basename(sidecarPathFor(file))}`,
    );
  }
  checkOutputsFitHead(file, sidecarFile, head, session.outputs);
  const jointCount = session.outputs[0]?.shape[1] ?? 0;
  const keypoints = sidecar?.keypoints ?? defaultKeypointNames(jointCount);
  if (keypoints === undefined) {
    throw new PosebenchInputError(
      { file },
      `the model outputs ${jointCount} joints, neither MPII (16) nor COCO-17: list them in ` + `"keypoints" of ${path.basename(sidecarPathFor(file))}`,
    );
  }
  if (keypoints.length !== jointCount) {
    throw new PosebenchInputError({ file: sidecarFile ?? file, field: 'keypoints' }, `lists ${keypoints.length} joints but the model outputs ${jointCount}`);
  }
  const mapping = mapModelJointsToMpii(keypoints);
  if (!mapping.jointPredicted.some(Boolean)) {
    throw new PosebenchInputError({ file: sidecarFile ?? file, field: 'keypoints' }, 'no joint maps to an MPII joint');
  }
  const [, , height, width] = session.input.shape as [number, number, number, number];
  const sidecarSize = sidecarInputSize(sidecar);
  if (sidecarSize !== undefined && (sidecarSize.width !== width || sidecarSize.height !== height)) {
    throw new PosebenchInputError(
      { file: sidecarFile ?? file, field: 'input' },
      `says ${sidecarSize.width}×${sidecarSize.height} but the model takes ${width}×${height}`,
    );
  }
  return {
    file,
    name: path.basename(file).replace(/\.onnx$/i, ''),
    head,
    headFrom: sidecar?.head === undefined ? 'shapes' : 'sidecar',
    input: {
      name: session.input.name,
      shape: session.input.shape,
      color: sidecar?.input?.color ?? 'rgb',
      mean: sidecar?.input?.mean ?? IMAGENET_MEAN,
      std: sidecar?.input?.std ?? IMAGENET_STD,
      width,
      height,
    },
    outputs: session.outputs,
    jointCount,
    keypoints,
    mpiiMapping: mapping.mpiiMapping,
    jointPredicted: mapping.jointPredicted,
    modelFlipIndex: mapping.modelFlipIndex,
    decoder: sidecar?.decoder ?? {},
    sidecar: sidecarFile,
  };
}

/**
 * Head type from output shapes alone (K = joints):
 * regression [1,K,2]; regression+sigma [1,K,4]; heatmap [1,K,H,W];
 * SimCC [1,K,Lx] + [1,K,Ly] (+ sigma [1,K,2]). Soft-argmax heatmaps look like heatmaps: sidecar only.
 */
export function inferHeadFromOutputs(outputs: readonly TensorSpec[]): HeadKind | undefined {
  const ranks = outputs.map((o) => o.shape.length);
  const joints = outputs[0]?.shape[1];
  if (joints === undefined || outputs.some((o) => o.shape[0] !== 1 || o.shape[1] !== joints)) return undefined;
  const last = (o: TensorSpec | undefined) => o?.shape[o.shape.length - 1];
  if (outputs.length === 1) {
    if (ranks[0] === 4) return 'heatmap';
    if (ranks[0] === 3 && last(outputs[0]) === 2) return 'regression';
    if (ranks[0] === 3 && last(outputs[0]) === 4) return 'regression+sigma';
    return undefined;
  }
  if (!ranks.every((rank) => rank === 3)) return undefined;
  const vectors = outputs.filter((o) => (last(o) ?? 0) > 4);
  const sigmas = outputs.filter((o) => last(o) === 2);
  if (vectors.length === 2 && outputs.length === 2) return 'simcc';
  if (vectors.length === 2 && sigmas.length === 1 && outputs.length === 3) return 'simcc+sigma';
  return undefined;
}

function checkOutputsFitHead(file: string, sidecarFile: string | undefined, head: HeadKind, outputs: readonly TensorSpec[]): void {
  const fromShapes = inferHeadFromOutputs(outputs);
  const compatible =
    fromShapes === head ||
    // soft-argmax: heatmap logits, or coords when the soft-argmax is inside the graph (IPR export)
    (head === 'soft-argmax' && (fromShapes === 'heatmap' || fromShapes === 'regression')) ||
    // regression+sigma may also be given as coords [1,K,2] + sigma [1,K,2]
    (head === 'regression+sigma' && outputs.length === 2 && outputs.every((o) => o.shape.length === 3 && o.shape[2] === 2));
  if (!compatible) {
    throw new PosebenchInputError({ file: sidecarFile ?? file, field: 'head' }, `head "${head}" does not fit the model outputs ${describeOutputs(outputs)}`);
  }
}

function describeOutputs(outputs: readonly TensorSpec[]): string {
  return outputs.map((o) => `${o.name} [${o.shape.join(',')}]`).join(', ');
}

function sidecarInputSize(sidecar: ModelSidecar | undefined): { width: number; height: number } | undefined {
  const width = sidecar?.input?.width;
  const height = sidecar?.input?.height;
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}

/** True when a model predicts all 16 MPII joints. */
export function predictsAllMpiiJoints(info: Pick<ModelInfo, 'jointPredicted'>): boolean {
  return info.jointPredicted.length === MPII_JOINT_COUNT && info.jointPredicted.every(Boolean);
}
