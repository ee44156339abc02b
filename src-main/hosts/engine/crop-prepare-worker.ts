/**
 * Entry of the crop-preparation worker: a child process of the engine that fills the crop cache for
 * the open dataset (crop-prepare.ts) at the lowest CPU priority, so that model runs started later
 * decode no image. One job per process; the engine (crop-preparer.ts) holds it during runs and
 * replaces it when the dataset or the models' input sizes change.
 */
import { lowerOwnPriority } from './low-priority-process.ts';
import type { CropPrepareJob, CropPrepareMessage } from './crop-preparer.ts';

lowerOwnPriority();

if (typeof process.send !== 'function') {
  process.stderr.write('crop-prepare-worker: must be started with an IPC channel (child_process.fork)\n');
  process.exit(2);
}

// Loaded after the priority is lowered: the threads sharp and libvips start inherit it.
const sharp = (await import('sharp')).default;
// One decoding thread: background work should not take both cores even when they are idle.
sharp.concurrency(1);
sharp.cache(false);
const { prepareCrops } = await import('../../inference/engine/crop-prepare.ts');

const send = (message: CropPrepareMessage) => process.send?.(message);

process.once('message', (job: CropPrepareJob) => {
  void prepareCrops({ ...job, progressEveryMs: 500, onProgress: (progress) => send({ progress }) }).then(
    (result) => send({ done: result }),
    (error: unknown) => send({ error: error instanceof Error ? error.message : String(error) }),
  );
});
send({ ready: true });

// The engine owns our lifetime.
process.on('disconnect', () => process.exit(0));
