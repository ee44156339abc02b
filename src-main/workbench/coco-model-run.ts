/**
 * Runs an ONNX pose model over a COCO keypoint folder, top-down with the GT boxes (mmpose's default
 * COCO evaluation without a detection file): every non-crowd person with labelled keypoints is
 * cropped as mmpose 1.x does (inference/preprocess/coco-box.ts), run on one thread, decoded by the
 * same decoders (and flip test) as MPII runs, mapped back to image pixels, and rescored as mmpose's
 * CocoMetric does (score_mode 'bbox_keypoint'): box score (1 for a GT box) × the mean of the keypoint
 * scores above keypoint_score_thr 0.2 (0 when none is) — here in float64, where mmpose adds float32
 * numpy scores, so only near-equal scores could order differently. No OKS-NMS: GT boxes are one per
 * person (mmpose's CocoMetric runs oks_nms at 0.9 by default even then, which only merges two
 * persons whose predictions have OKS > 0.9). The results are COCO results, evaluated like an
 * imported file.
 *
 * Sequential and in process (no worker pool, no crop cache, nothing stored): the MPII run machinery
 * (workbench/run-variants.ts) is keyed to MPII persons. `--bbox-file` (detected boxes) is not here yet.
 */
import path from 'node:path';
import { PosebenchInputError } from '../core/errors.ts';
import type { OpenedCocoDataset } from '../datasets/coco-dataset.ts';
import type { CocoResultRecord } from '../formats/coco-keypoints.ts';
import { decodeOutputs, type DecodedKeypoints } from '../inference/decoders/index.ts';
import { decodeWithFlipTest, flipNchwHorizontally } from '../inference/flip-test.ts';
import { cocoBoxCropTransform } from '../inference/preprocess/coco-box.ts';
import { toNchwFloat32 } from '../inference/preprocess/normalize-input.ts';
import { warpAffineBilinear } from '../inference/preprocess/warp-affine.ts';
import { decodeImageRgb } from '../inference/runtime/image-decode.ts';
import { describeModel } from '../inference/runtime/model-inspect.ts';
import { readModelSidecar } from '../inference/runtime/model-sidecar.ts';
import { ModelSession } from '../inference/runtime/onnx-session.ts';

/** mmpose CocoMetric's keypoint_score_thr for rescoring. */
export const RESCORE_KEYPOINT_THRESHOLD = 0.2;

export interface CocoModelRun {
  readonly model: string;
  readonly results: CocoResultRecord[];
  /** Persons that could not be run (image missing or undecodable, degenerate box), with the reason. */
  readonly failed: { readonly annotationId: number; readonly image: string; readonly reason: string }[];
  readonly persons: number;
}

/** mmpose's rescoring: box score × mean of keypoint scores above the threshold (0 when none). */
export function rescore(keypointScores: readonly number[], boxScore: number): number {
  let sum = 0,
    count = 0;
  for (const s of keypointScores) {
    if (s > RESCORE_KEYPOINT_THRESHOLD) {
      sum += s;
      count++;
    }
  }
  return (count > 0 ? sum / count : 0) * boxScore;
}

export async function runCocoModel(dataset: OpenedCocoDataset, modelFile: string, onProgress?: (done: number, total: number) => void): Promise<CocoModelRun> {
  const names = dataset.annotations.category.keypoints;
  if (dataset.imagesDir === null) {
    throw new PosebenchInputError({ file: dataset.root }, 'running a model needs the image folder (val2017/ or images/), which this dataset does not have');
  }
  const sidecar = await readModelSidecar(modelFile);
  const session = await ModelSession.open(
    modelFile,
    sidecar?.input?.width !== undefined && sidecar.input.height !== undefined
      ? { inputSize: { width: sidecar.input.width, height: sidecar.input.height } }
      : {},
  );
  try {
    const info = describeModel(session, sidecar);
    // dataset keypoint k ← model joint modelIndex[k], by name
    const modelIndex = names.map((name) => info.keypoints.indexOf(name));
    const missing = names.filter((_, k) => modelIndex[k]! < 0);
    if (missing.length > 0) {
      throw new PosebenchInputError(
        { file: modelFile },
        `the model does not predict ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''} of the dataset's keypoints (model: ${info.keypoints.slice(0, 4).join(', ')}, …)`,
      );
    }
    const { flipTest, ...decodeOptions } = info.decoder;
    const input = { width: info.input.width, height: info.input.height };
    const persons = dataset.annotations.annotations.filter((a) => !a.iscrowd && a.numKeypoints > 0);
    const byImage = new Map<number, typeof persons>();
    for (const p of persons) byImage.set(p.imageId, [...(byImage.get(p.imageId) ?? []), p]);
    const results: CocoResultRecord[] = [];
    const failed: { annotationId: number; image: string; reason: string }[] = [];
    let done = 0;
    for (const image of dataset.annotations.images) {
      const group = byImage.get(image.id);
      if (group === undefined) continue;
      const file = path.join(dataset.imagesDir, image.fileName);
      let decoded: Awaited<ReturnType<typeof decodeImageRgb>>;
      try {
        decoded = await decodeImageRgb(file);
      } catch (error) {
        for (const p of group) failed.push({ annotationId: p.id, image: image.fileName, reason: error instanceof Error ? error.message : String(error) });
        done += group.length;
        continue;
      }
      const source = { data: decoded.data, width: decoded.width, height: decoded.height, channels: 3 as const };
      for (const person of group) {
        try {
          const transform = cocoBoxCropTransform(person.bbox, decoded.width, decoded.height, input);
          const crop = warpAffineBilinear(source, transform, input.width, input.height);
          const tensor = toNchwFloat32(crop, input.width, input.height, info.input);
          const outputs = await session.run(tensor);
          let keypoints: DecodedKeypoints;
          if (flipTest === true) {
            const flipped = await session.run(flipNchwHorizontally(tensor, session.input.shape));
            keypoints = decodeWithFlipTest(info.head, outputs, flipped, transform, { ...decodeOptions, flipIndex: info.modelFlipIndex });
          } else {
            keypoints = decodeOutputs(info.head, outputs, transform, decodeOptions);
          }
          const values: number[] = [];
          const scores: number[] = [];
          for (let k = 0; k < names.length; k++) {
            const kp = keypoints.keypoints[modelIndex[k]!]!;
            values.push(kp.x, kp.y, kp.score);
            scores.push(kp.score);
          }
          results.push({ imageId: image.id, keypoints: values, score: rescore(scores, 1), entry: results.length });
        } catch (error) {
          if (error instanceof PosebenchInputError) throw error;
          failed.push({ annotationId: person.id, image: image.fileName, reason: error instanceof Error ? error.message : String(error) });
        }
        done++;
        onProgress?.(done, persons.length);
      }
    }
    return { model: info.name, results, failed, persons: persons.length };
  } finally {
    await session.release();
  }
}
