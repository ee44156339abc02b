/**
 * Image worker (worker_threads): decode each image once, crop each person once per distinct input
 * size, convert each crop once per distinct tensor format, and send the tensors back transferred.
 * Runs next to the inference thread so `session.run` never waits for JPEG decoding.
 * Jobs are handled strictly one after another (bounded memory, one extra CPU thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { decodeImageRgb } from './image-decode.ts';
import type { ImageJob, ImageJobReply, PreparedPerson, WorkerInit, WorkerRequest } from './image-worker-protocol.ts';
import { prepareTensors } from './prepare-tensors.ts';

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

async function handleJob(job: ImageJob): Promise<void> {
  const start = performance.now();
  let reply: ImageJobReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const image = await decodeImageRgb(job.imagePath);
    const persons: PreparedPerson[] = job.persons.map((person) => prepareTensors(image, person, init));
    for (const person of persons) {
      for (const tensor of [...Object.values(person.tensors), ...Object.values(person.flippedTensors)]) {
        transfer.push(tensor.buffer as ArrayBuffer);
      }
    }
    reply = {
      jobId: job.jobId,
      ok: true,
      imageWidth: image.width,
      imageHeight: image.height,
      prepareMs: performance.now() - start,
      persons,
    };
  } catch (error) {
    reply = { jobId: job.jobId, ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  port?.postMessage(reply, transfer);
}
