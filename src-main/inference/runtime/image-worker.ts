/**
 * Image worker (worker_threads): decode each image once, crop each person once per distinct input
 * size, convert each crop once per distinct tensor format, and send the tensors back transferred.
 * Runs next to the inference thread so `session.run` never waits for JPEG decoding.
 * Jobs are handled strictly one after another (bounded memory, one extra CPU thread).
 *
 * With a crop cache folder, crops made before (by any run with the same image, person box and input
 * size) are read instead of made, and an image is decoded only if one of its crops is missing. New
 * crops are written after the reply is posted, so writing never delays the inference thread.
 * Tensor buffers come back from the inference thread once used (`recycle`) and are filled again.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { CropTransform } from '../preprocess/crop-transform.ts';
import { cropCacheFileFor, imageIdentity, readCachedCropInto, writeCachedCrop } from './crop-cache.ts';
import { decodeImageRgb, type DecodedImage } from './image-decode.ts';
import { createHoldGate } from '../../core/hold-gate.ts';
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

/** Returned tensor buffers by length; bounded so a burst of returns cannot grow memory for good. */
const MAX_POOLED_PER_LENGTH = 32;
const tensorPool = new Map<number, Float32Array[]>();
const allocateTensor = (length: number): Float32Array => tensorPool.get(length)?.pop() ?? new Float32Array(length);

/** One read buffer per crop size: a cached crop is turned into tensors before the next one is read. */
const readBuffers = new Map<string, Uint8Array>(init.crops.map((crop) => [crop.key, new Uint8Array(crop.width * crop.height * 3)]));

let queue: Promise<void> = Promise.resolve();
/** Set by 'cancel': queued jobs are skipped (their replies are not awaited any more). */
let cancelled = false;
/** Held while a benchmark pauses the pipeline: no work may get done meanwhile. */
const gate = createHoldGate();

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'close') {
    void queue.then(() => port.close());
  } else if (request.type === 'cancel') {
    // Not terminated from outside mid-job: a crop being written (temporary file + rename) completes.
    cancelled = true;
    gate.release();
    void queue.then(() => port.close());
  } else if (request.type === 'recycle') {
    for (const buffer of request.buffers) {
      const tensor = new Float32Array(buffer);
      const pool = tensorPool.get(tensor.length) ?? [];
      if (pool.length < MAX_POOLED_PER_LENGTH) pool.push(tensor);
      tensorPool.set(tensor.length, pool);
    }
  } else if (request.type === 'hold') {
    gate.hold();
  } else if (request.type === 'continue') {
    gate.release();
  } else {
    const job = request.job;
    queue = queue.then(async () => {
      await gate.passed();
      if (!cancelled) await handleJob(job);
    });
  }
});

async function handleJob(job: ImageJob): Promise<void> {
  const start = performance.now();
  let reply: ImageJobReply;
  const transfer: ArrayBuffer[] = [];
  const toWrite: { file: string; data: Uint8Array }[] = [];
  let image: DecodedImage | null = null;
  const decodeOnce = async (): Promise<DecodedImage> => (image ??= await decodeImageRgb(job.imagePath));
  try {
    const cacheDir = init.cropCacheDir;
    const identity = cacheDir === undefined ? null : imageIdentity(job.imagePath);
    let fromCache = 0;
    let warped = 0;
    const persons: PreparedPerson[] = [];
    for (const person of job.persons) {
      let transforms: Record<string, CropTransform>;
      try {
        transforms = cropTransformsFor(person, init);
      } catch (error) {
        persons.push(failedPerson(person.entryIndex, error));
        continue;
      }
      const crops: Record<string, Uint8Array> = {};
      for (const spec of init.crops) {
        const transform = transforms[spec.key] as CropTransform;
        const file = cacheDir === undefined || identity === null ? null : cropCacheFileFor(cacheDir, identity, transform, spec);
        const readBuffer = readBuffers.get(spec.key) as Uint8Array;
        if (file !== null && readCachedCropInto(file, readBuffer)) {
          crops[spec.key] = readBuffer;
          fromCache += 1;
          continue;
        }
        // A decode failure fails the whole image (reply not ok), as without the cache.
        const crop = warpCrop(await decodeOnce(), transform);
        crops[spec.key] = crop;
        warped += 1;
        if (file !== null) toWrite.push({ file, data: crop });
      }
      try {
        persons.push(tensorsFromCrops(person.entryIndex, transforms, crops, init, allocateTensor));
      } catch (error) {
        persons.push(failedPerson(person.entryIndex, error));
      }
    }
    for (const person of persons) {
      for (const tensor of [...Object.values(person.tensors), ...Object.values(person.flippedTensors)]) {
        transfer.push(tensor.buffer as ArrayBuffer);
      }
    }
    const decodedImage = image as DecodedImage | null;
    reply = {
      jobId: job.jobId,
      ok: true,
      decoded: decodedImage !== null,
      decodeWarnings: decodedImage?.warnings ?? [],
      cropsFromCache: fromCache,
      cropsWarped: warped,
      prepareMs: performance.now() - start,
      persons,
    };
  } catch (error) {
    reply = { jobId: job.jobId, ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  port?.postMessage(reply, transfer);
  // After the reply: the inference thread already has its tensors. An image the decoder warned about
  // is not cached: a later run decodes it again and reports the warning (a cached crop would hide it).
  if ((image as DecodedImage | null)?.warnings.length ?? 0) return;
  for (const { file, data } of toWrite) writeCachedCrop(file, data);
}
