/**
 * Runs an ONNX pose model over a COCO keypoint folder top-down, as mmpose 1.x evaluates COCO, with
 * either the GT boxes (the default, mmpose without a `bbox_file`) or a person-detection file
 * (`--bbox-file`, mmpose's `bbox_file`: formats/coco-detections.ts):
 *
 *  - boxes: GT — every non-crowd person with labelled keypoints (`_is_valid_instance`), its box
 *    clipped to the image; detected — every person box of the file, not clipped
 *    (inference/preprocess/coco-box.ts has both crops: centre/scale with padding 1.25 and the model's
 *    aspect ratio); run on one thread, decoded by the same decoders (and flip test) as MPII runs,
 *    mapped back to image pixels;
 *  - rescoring as mmpose's CocoMetric (`score_mode='bbox_keypoint'`, `keypoint_score_thr=0.2`,
 *    mmpose/evaluation/metrics/coco_metric.py:465–475 at mmpose 1.3.2): box score (1 for a GT box,
 *    the detector's float32 score otherwise) × the mean of the keypoint scores above 0.2 (0 when none
 *    is), in float32 as mmpose's numpy scalars;
 *  - OKS-NMS per image (`nms_mode='oks_nms'`, `nms_thr=0.9`, coco_metric.py:476–485 — mmpose runs it
 *    whatever the boxes are) with the category's σ and, as area, the crop's prod(bbox_scale)
 *    (coco_metric.py:242–244: the padded, aspect-fixed scale): evaluation/oks-nms.ts;
 *  - the results as mmpose writes them (`results2json`, coco_metric.py:507–546): per image in keep
 *    order, images in the order their first box comes (GT: the annotation file's images; detections:
 *    the detection file), each with the box it came from (`bbox`, xywh of the float32 xyxy box,
 *    topdown.py:170 → coco_metric.py:221–223, 539–540), so pycocotools' loadRes takes every
 *    detection's area from its box (coco.py:331–340). Evaluated like an imported file.
 *
 * Sequential and in process (no worker pool, no crop cache, nothing stored): the MPII run machinery
 * (workbench/run-variants.ts) is keyed to MPII persons.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PosebenchInputError } from '../core/errors.ts';
import type { OpenedCocoDataset } from '../datasets/coco-dataset.ts';
import { OKS_NMS_THRESHOLD, oksNms } from '../evaluation/oks-nms.ts';
import type { CocoDetectionBox } from '../formats/coco-detections.ts';
import type { CocoResultRecord } from '../formats/coco-keypoints.ts';
import { decodeOutputs, type DecodedKeypoints } from '../inference/decoders/index.ts';
import { decodeWithFlipTest, flipNchwHorizontally } from '../inference/flip-test.ts';
import { cocoBoxCropTransform, cocoDetectedBoxCropTransform } from '../inference/preprocess/coco-box.ts';
import type { CropInputSize, CropTransform } from '../inference/preprocess/crop-transform.ts';
import { toNchwFloat32 } from '../inference/preprocess/normalize-input.ts';
import { warpAffineBilinear } from '../inference/preprocess/warp-affine.ts';
import { decodeImageRgb } from '../inference/runtime/image-decode.ts';
import { describeModel } from '../inference/runtime/model-inspect.ts';
import { readModelSidecar } from '../inference/runtime/model-sidecar.ts';
import { ModelSession } from '../inference/runtime/onnx-session.ts';
import { isCountedGt } from '../evaluation/coco-oks-eval.ts';

/** mmpose CocoMetric's keypoint_score_thr for rescoring. */
export const RESCORE_KEYPOINT_THRESHOLD = 0.2;

/** Where a result's box came from. */
export type CocoRunBox = { readonly kind: 'gt'; readonly annotationId: number } | { readonly kind: 'detection'; readonly entry: number };

export function describeRunBox(box: CocoRunBox): string {
  return box.kind === 'gt' ? `annotation ${box.annotationId}` : `detection [${box.entry}]`;
}

export interface CocoModelRun {
  readonly model: string;
  /** COCO results (each with its `bbox`), after OKS-NMS, in mmpose's order. */
  readonly results: CocoResultRecord[];
  /** The box of each result (same index). */
  readonly resultBoxes: CocoRunBox[];
  /** Boxes that could not be run (image undecodable, degenerate box), with the reason. */
  readonly failed: { readonly box: CocoRunBox; readonly image: string; readonly reason: string }[];
  /** Images with boxes whose file is not in the image folder, and how many boxes each had. */
  readonly missingImages: { readonly image: string; readonly boxes: number }[];
  /** Boxes to run (GT persons or detected person boxes). */
  readonly persons: number;
  readonly boxSource: 'gt' | 'detections';
  /** Instances before OKS-NMS (boxes run) and after. */
  readonly nms: { readonly before: number; readonly kept: number };
}

/**
 * mmpose's rescoring (coco_metric.py:465–475): box score × mean of keypoint scores above the
 * threshold (0 when none is), in float32 as numpy adds, divides and multiplies np.float32 scalars.
 */
export function rescore(keypointScores: readonly number[], boxScore: number): number {
  const f = Math.fround;
  let sum = 0,
    count = 0;
  for (const s of keypointScores) {
    if (s > RESCORE_KEYPOINT_THRESHOLD) {
      sum = f(sum + f(s));
      count++;
    }
  }
  return f((count > 0 ? f(sum / count) : 0) * f(boxScore));
}

export interface CocoModelRunOptions {
  /** Detected person boxes (formats/coco-detections.ts), file order; GT boxes when absent. */
  readonly detections?: readonly CocoDetectionBox[];
  readonly onProgress?: (done: number, total: number) => void;
  /** Checked before each image: an aborted run throws CocoRunCancelled. */
  readonly signal?: AbortSignal;
}

/** Thrown by runCocoModel when its signal is aborted (the app's dataset closed or switched). */
export class CocoRunCancelled extends Error {
  override readonly name = 'CocoRunCancelled';
  constructor() {
    super('the run was cancelled');
  }
}

interface BoxJob {
  readonly box: CocoRunBox;
  readonly bbox: readonly [number, number, number, number];
  /** float32 box score (1 for a GT box). */
  readonly score: number;
}

/**
 * The xywh box mmpose writes with each result: `bbox_xyxy2xywh` of the float32 xyxy box the crop was
 * made from (GT: clipped to the image, base_coco_style_dataset.py:284–290; detected: x2 = x + w
 * unclipped, lines 453–455).
 */
export function mmposeResultBox(
  bbox: readonly [number, number, number, number],
  kind: CocoRunBox['kind'],
  imageWidth: number,
  imageHeight: number,
): [number, number, number, number] {
  const f = Math.fround;
  let x1: number, y1: number, x2: number, y2: number;
  if (kind === 'gt') {
    const clip = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
    x1 = f(clip(bbox[0], imageWidth - 1));
    y1 = f(clip(bbox[1], imageHeight - 1));
    x2 = f(clip(bbox[0] + bbox[2], imageWidth - 1));
    y2 = f(clip(bbox[1] + bbox[3], imageHeight - 1));
  } else {
    x1 = f(bbox[0]);
    y1 = f(bbox[1]);
    x2 = f(x1 + f(bbox[2]));
    y2 = f(y1 + f(bbox[3]));
  }
  return [x1, y1, f(x2 - x1), f(y2 - y1)];
}

/** Boxes per image, images in the order their first box comes. */
/**
 * mmpose's `_is_valid_instance` (base_coco_style_dataset.py): not crowd, num_keypoints > 0, the box
 * clipped to the image (parse_data_info: np.clip of x1, y1, x1 + w, y1 + h to [0, img_w/img_h]) with
 * positive width and height, and some keypoint coordinate > 0 (np.max(keypoints) > 0).
 */
export function validGtInstance(a: OksGroundTruthLike, image: { width: number | null; height: number | null } | undefined): boolean {
  if (!isCountedGt(a)) return false;
  const [x, y, w, h] = a.bbox;
  const clip = (v: number, max: number | null | undefined) => Math.min(Math.max(v, 0), max ?? Infinity);
  const x1 = clip(x, image?.width),
    y1 = clip(y, image?.height),
    x2 = clip(x + w, image?.width),
    y2 = clip(y + h, image?.height);
  if (!(x2 - x1 > 0 && y2 - y1 > 0)) return false;
  let max = -Infinity;
  for (let i = 0; i < a.keypoints.length; i++) if (i % 3 !== 2) max = Math.max(max, a.keypoints[i]!);
  return max > 0;
}

type OksGroundTruthLike = {
  readonly iscrowd: boolean;
  readonly numKeypoints: number;
  readonly bbox: readonly [number, number, number, number];
  readonly keypoints: readonly number[];
};

function boxJobs(dataset: OpenedCocoDataset, detections: readonly CocoDetectionBox[] | undefined): Map<number, BoxJob[]> {
  const byImage = new Map<number, BoxJob[]>();
  const add = (imageId: number, job: BoxJob): void => {
    const list = byImage.get(imageId);
    if (list === undefined) byImage.set(imageId, [job]);
    else list.push(job);
  };
  if (detections === undefined) {
    // images in the annotation file's order (mmpose: coco.getImgIds()), persons in file order
    const order = new Map(dataset.annotations.images.map((im, i) => [im.id, i]));
    const sizes = new Map(dataset.annotations.images.map((im) => [im.id, im]));
    const persons = dataset.annotations.annotations
      .filter((a) => validGtInstance(a, sizes.get(a.imageId)))
      .map((a, i) => ({ a, i }))
      .sort((p, q) => order.get(p.a.imageId)! - order.get(q.a.imageId)! || p.i - q.i);
    for (const { a } of persons) add(a.imageId, { box: { kind: 'gt', annotationId: a.id }, bbox: a.bbox, score: 1 });
  } else {
    for (const d of detections) add(d.imageId, { box: { kind: 'detection', entry: d.entry }, bbox: d.bbox, score: Math.fround(d.score) });
  }
  return byImage;
}

export async function runCocoModel(dataset: OpenedCocoDataset, modelFile: string, options: CocoModelRunOptions = {}): Promise<CocoModelRun> {
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
    const input: CropInputSize = { width: info.input.width, height: info.input.height };
    const imagesById = new Map(dataset.annotations.images.map((im) => [im.id, im]));
    const jobs = boxJobs(dataset, options.detections);
    let total = 0;
    for (const group of jobs.values()) total += group.length;
    const results: CocoResultRecord[] = [];
    const resultBoxes: CocoRunBox[] = [];
    const failed: { box: CocoRunBox; image: string; reason: string }[] = [];
    const missingImages: { image: string; boxes: number }[] = [];
    let done = 0,
      before = 0;
    for (const [imageId, group] of jobs) {
      const image = imagesById.get(imageId)!;
      const file = path.join(dataset.imagesDir, image.fileName);
      if (options.signal?.aborted === true) throw new CocoRunCancelled();
      if (!existsSync(file)) {
        missingImages.push({ image: image.fileName, boxes: group.length });
        done += group.length;
        options.onProgress?.(done, total);
        continue;
      }
      let decoded: Awaited<ReturnType<typeof decodeImageRgb>>;
      try {
        decoded = await decodeImageRgb(file);
      } catch (error) {
        for (const job of group) failed.push({ box: job.box, image: image.fileName, reason: error instanceof Error ? error.message : String(error) });
        done += group.length;
        options.onProgress?.(done, total);
        continue;
      }
      const source = { data: decoded.data, width: decoded.width, height: decoded.height, channels: 3 as const };
      const instances: { result: Omit<CocoResultRecord, 'entry'>; box: CocoRunBox; area: number }[] = [];
      for (const job of group) {
        try {
          const transform: CropTransform =
            job.box.kind === 'gt' ? cocoBoxCropTransform(job.bbox, decoded.width, decoded.height, input) : cocoDetectedBoxCropTransform(job.bbox, input);
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
          instances.push({
            result: {
              imageId,
              keypoints: values,
              score: rescore(scores, job.score),
              bbox: mmposeResultBox(job.bbox, job.box.kind, decoded.width, decoded.height),
            },
            box: job.box,
            // np.prod(bbox_scales) of the float32 scale
            area: Math.fround(transform.sideX * transform.sideY),
          });
        } catch (error) {
          if (error instanceof PosebenchInputError) throw error;
          failed.push({ box: job.box, image: image.fileName, reason: error instanceof Error ? error.message : String(error) });
        }
        done++;
        options.onProgress?.(done, total);
      }
      before += instances.length;
      const keep = oksNms(
        instances.map((inst) => ({ keypoints: inst.result.keypoints, area: inst.area, score: inst.result.score })),
        dataset.sigmas,
        OKS_NMS_THRESHOLD,
      );
      for (const i of keep) {
        const inst = instances[i]!;
        results.push({ ...inst.result, entry: results.length });
        resultBoxes.push(inst.box);
      }
    }
    return {
      model: info.name,
      results,
      resultBoxes,
      failed,
      missingImages,
      persons: total,
      boxSource: options.detections === undefined ? 'gt' : 'detections',
      nms: { before, kept: results.length },
    };
  } finally {
    await session.release();
  }
}
