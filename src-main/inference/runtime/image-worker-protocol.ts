/**
 * Messages between the inference thread (run-pipeline.ts) and the image worker (image-worker.ts).
 * Everything is structured-clonable; tensors travel as transferred ArrayBuffers (no copy).
 */
import type { Point2 } from '../../core/types.ts';
import type { CropTransform } from '../preprocess/crop-transform.ts';

/** One crop size shared by every model with that input size. */
export interface CropSpec {
  readonly key: string;
  readonly width: number;
  readonly height: number;
}

/** One tensor layout (crop size + colour order + normalisation) shared by every model using it. */
export interface TensorFormatSpec {
  readonly key: string;
  readonly cropKey: string;
  readonly color: 'rgb' | 'bgr';
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** Also produce the horizontally mirrored tensor (flip test, spec §6). */
  readonly flipped: boolean;
}

export interface WorkerInit {
  readonly crops: readonly CropSpec[];
  readonly tensors: readonly TensorFormatSpec[];
  /** Folder of the persistent crop cache (crop-cache.ts); absent = decode and warp every time. */
  readonly cropCacheDir?: string;
}

/** What the worker needs of a person (not the whole annotation: less to clone). */
export interface JobPerson {
  readonly entryIndex: number;
  readonly image: string;
  readonly center: Point2 | null;
  readonly scale: number;
}

export interface ImageJob {
  readonly jobId: number;
  readonly imagePath: string;
  readonly persons: readonly JobPerson[];
}

export interface PreparedPerson {
  readonly entryIndex: number;
  /** Set when this person could not be cropped (e.g. no centre): the others still run. */
  readonly error?: string;
  /** Crop transform per crop key. */
  readonly transforms: Readonly<Record<string, CropTransform>>;
  /** NCHW float32 per tensor key. */
  readonly tensors: Readonly<Record<string, Float32Array>>;
  /** Mirrored NCHW float32 per tensor key (only for formats with `flipped`). */
  readonly flippedTensors: Readonly<Record<string, Float32Array>>;
}

export type ImageJobReply =
  | {
      readonly jobId: number;
      readonly ok: true;
      /** The image was decoded for this job; false when every crop came from the crop cache. */
      readonly decoded: boolean;
      /**
       * What the decoder warned about (libjpeg: "Corrupt JPEG data: premature end of data segment", …):
       * the image decoded and its persons are scored, but it is damaged. Empty when clean or not decoded.
       */
      readonly decodeWarnings: readonly string[];
      /** Crops read from / newly written to the crop cache for this job. */
      readonly cropsFromCache: number;
      readonly cropsWarped: number;
      readonly prepareMs: number;
      readonly persons: readonly PreparedPerson[];
    }
  | { readonly jobId: number; readonly ok: false; readonly reason: string };

/**
 * `recycle` hands tensor buffers the inference thread has finished with back to the worker, which
 * fills them again instead of allocating: without it every person costs ~1 MB of fresh ArrayBuffers
 * and both threads spend measurable time in garbage collection.
 */
export type WorkerRequest =
  | { readonly type: 'job'; readonly job: ImageJob }
  | { readonly type: 'recycle'; readonly buffers: readonly ArrayBuffer[] }
  /** `hold`: start no further job until `continue` (the job under way finishes). */
  | { readonly type: 'hold' }
  | { readonly type: 'continue' }
  | { readonly type: 'close' }
  /** Cancel: skip the queued jobs, finish the one in hand (its crop-cache writes included), then close. */
  | { readonly type: 'cancel' };
