/**
 * Entry of the crop-preparation worker: a child process of the engine that fills the crop cache for
 * the open dataset (crop-prepare.ts) at the lowest CPU priority, so that model runs started later
 * decode no image. One job per process. The engine (crop-preparer.ts) holds it while a run is
 * active — `hold` stops it before its next image, `continue` lets it go on — and replaces it when the
 * dataset or the models' input sizes change. (Holding by message, not SIGSTOP: a stopped process
 * would stay stopped for good if the engine died, never reading that its IPC channel closed.)
 */
import { createHoldGate } from '../../../core/hold-gate.ts';
import { lowerOwnPriority, sendToEngine } from '../low-priority-process.ts';
import type { CropPrepareMessage, CropPrepareRequest } from './crop-preparer.ts';

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
const { prepareCrops } = await import('../../../inference/runtime/crop-prepare.ts');

const send = (message: CropPrepareMessage) => sendToEngine(message);

/** Held while a model run is active (the engine says so). */
const gate = createHoldGate();
let started = false;

process.on('message', (request: CropPrepareRequest) => {
  if ('hold' in request) gate.hold();
  else if ('continue' in request) gate.release();
  else if (!started) {
    started = true;
    void prepareCrops({
      ...request.job,
      progressEveryMs: 500,
      onProgress: (progress) => send({ progress }),
      beforeImage: () => gate.passed(),
    }).then(
      (result) => send({ done: result }),
      (error: unknown) => send({ error: error instanceof Error ? error.message : String(error) }),
    );
  }
});
send({ ready: true });

// The engine owns our lifetime (also while held: the gate does not block the event loop).
process.on('disconnect', () => process.exit(0));
