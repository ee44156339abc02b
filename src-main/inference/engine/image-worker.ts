/**
 * Image worker (worker_threads): decode each image once, crop each person once per distinct input
 * size, convert each crop once per distinct tensor format, and send the tensors back transferred.
 * Runs next to the inference thread so `session.run` never waits for JPEG decoding.
 * Jobs are handled strictly one after another (bounded memory, one extra CPU thread).
 *
 * With a crop cache folder, crops made before (by any run with the same image, person box and input
 * size) are read instead of made, and an image is decoded only if one of its crops is missing. New
 * crops are written after the reply is posted, so writing never delays the inference thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { CropTransform } from '../preprocess/crop-transform.ts';
import { cropCacheKey, cropCachePath, imageIdentity, readCachedCrop, writeCachedCrop } from './crop-cache.ts';
import { decodeImageRgb, type RgbImage } from './image-decode.ts';
import type { ImageJob, ImageJobReply, PreparedPerson, WorkerInit, WorkerRequest } from './image-worker-protocol.ts';
import { cropTransformsFor, failedPerson, tensorsFromCrops, warpCrop } from './prepare-tensors.ts';

// One libvips thread and no operation cache: the worker is the ONE extra thread next to the
// single-thread inference, and every image is read once. (libvips settings are process-wide: set
// here, where a pipeline is running, not in image-decode.ts which other code may import.)
sharp.concurrency(1);
sharp.cache(false);

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('image-worker.ts must run as a worker thread');

let queue: Promise<void> = Promise.resolve();

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'close') {
    void queue.then(() => port.close());
    return;
  }
  queue = queue.then(() => handleJob(request.job));
});

interface PlannedPerson {
  readonly entryIndex: number;
  readonly transforms: Record<string, CropTransform> | null;
  readonly error: unknown;
  readonly crops: Record<string, Uint8Array>;
  /** Crop keys still to warp, with the cache file each goes to (or null without a cache). */
  readonly missing: { readonly key: string; readonly file: string | null }[];
}

async function handleJob(job: ImageJob): Promise<void> {
  const start = performance.now();
  let reply: ImageJobReply;
  const transfer: ArrayBuffer[] = [];
  const toWrite: { file: string; data: Uint8Array }[] = [];
  try {
    const planned = await planPersons(job);
    const warped = planned.reduce((n, p) => n + p.missing.length, 0);
    const image: RgbImage | null = warped > 0 ? await decodeImageRgb(job.imagePath) : null;
    let fromCache = 0;
    const persons: PreparedPerson[] = planned.map((person) => {
      if (person.transforms === null) return failedPerson(person.entryIndex, person.error);
      try {
        for (const { key, file } of person.missing) {
          const crop = warpCrop(image as RgbImage, person.transforms[key] as CropTransform);
          person.crops[key] = crop;
          if (file !== null) toWrite.push({ file, data: crop });
        }
        fromCache += Object.keys(person.crops).length - person.missing.length;
        return tensorsFromCrops(person.entryIndex, person.transforms, person.crops, init);
      } catch (error) {
        return failedPerson(person.entryIndex, error);
      }
    });
    for (const person of persons) {
      for (const tensor of [...Object.values(person.tensors), ...Object.values(person.flippedTensors)]) {
        transfer.push(tensor.buffer as ArrayBuffer);
      }
    }
    reply = {
      jobId: job.jobId,
      ok: true,
      decoded: image !== null,
      cropsFromCache: fromCache,
      cropsWarped: warped,
      prepareMs: performance.now() - start,
      persons,
    };
  } catch (error) {
    reply = { jobId: job.jobId, ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  port?.postMessage(reply, transfer);
  // After the reply: the inference thread already has its tensors. Sequential: one extra thread.
  for (const { file, data } of toWrite) await writeCachedCrop(file, data);
}

/** Transforms per person, and the crops the cache already holds. */
async function planPersons(job: ImageJob): Promise<PlannedPerson[]> {
  const cacheDir = init.cropCacheDir;
  const identity = cacheDir === undefined ? null : await imageIdentity(job.imagePath);
  const planned: PlannedPerson[] = [];
  for (const person of job.persons) {
    let transforms: Record<string, CropTransform>;
    try {
      transforms = cropTransformsFor(person, init);
    } catch (error) {
      planned.push({ entryIndex: person.entryIndex, transforms: null, error, crops: {}, missing: [] });
      continue;
    }
    const crops: Record<string, Uint8Array> = {};
    const missing: { key: string; file: string | null }[] = [];
    for (const spec of init.crops) {
      const transform = transforms[spec.key] as CropTransform;
      if (cacheDir === undefined || identity === null) {
        missing.push({ key: spec.key, file: null });
        continue;
      }
      const digest = cropCacheKey({ image: identity, imageToInput: transform.imageToInput, width: spec.width, height: spec.height });
      const file = cropCachePath(cacheDir, digest, spec.width, spec.height);
      const cached = await readCachedCrop(file, spec.width * spec.height * 3);
      if (cached === null) missing.push({ key: spec.key, file });
      else crops[spec.key] = cached;
    }
    planned.push({ entryIndex: person.entryIndex, transforms, error: undefined, crops, missing });
  }
  return planned;
}
