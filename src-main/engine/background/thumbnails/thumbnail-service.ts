/**
 * Browse's thumbnails in the engine (issue 5: scrolling 3000 instances at 60 fps on two cores):
 * - made in a child process at the lowest CPU priority (thumbnail-worker.ts), so that while the
 *   user scrolls, the browser's frames come first and thumbnails take the time left over. Made in
 *   this process instead, at normal priority: while the priority rule keeps the worker off
 *   (background-priority.ts: a model run is active), for a while after the worker took over a
 *   second for one thumbnail (other programs keep the CPU busy: same reason), UI requests while the
 *   worker starts (Browse's first screen does not wait for it), and everything when there is no
 *   worker (a bundle without its entry);
 * - scheduled by ThumbnailQueue: UI requests newest first, pre-generation only when none wait;
 * - pre-generated (ThumbnailPregenerator) for the overlay the grid shows, from the rows on screen
 *   onwards, so that rows scrolled to later come from the disk cache.
 */
import path from 'node:path';
import type { ThumbOverlaySpec } from '../../../api/contract.ts';
import type { BackgroundPriority } from '../background-priority.ts';
import { personCropBox } from '../../../core/geometry.ts';
import { ThumbnailPregenerator, thumbnailJobFor, type PregenSession, type PregenStatus, type PregenTarget } from './thumbnail-pregen.ts';
import { ThumbnailQueue, type ThumbnailLane } from './thumbnail-queue.ts';
import { ThumbnailWorkerClient } from './thumbnail-worker-client.ts';
import { makeThumbnail, thumbnailPath, type ThumbnailJob } from './thumbnails.ts';

export interface ThumbnailServiceOptions {
  readonly cacheDir: string;
  readonly session: PregenSession;
  /** When the worker and pre-generation may work (background-priority.ts). */
  readonly priority: Pick<BackgroundPriority, 'mayUseThumbnailWorker' | 'mayPregenerateThumbnails'>;
  /** The low-priority worker; null: every thumbnail is made in this process. Default: the real one. */
  readonly worker?: ThumbnailWorkerClient | null;
  /** Without a worker, pre-generation waits until the UI has asked for nothing for this long. */
  readonly quietMs?: number;
  readonly maxPerTarget?: number;
}

export interface ThumbnailService {
  /** The file of a `thumb/…` media key of the open dataset (made now if needed). */
  forMedia(index: number, size: number, spec: ThumbOverlaySpec | undefined): Promise<string>;
  pregenStatus(): PregenStatus;
  /** Thumbnails made since start, per place and lane (tests, diagnostics). */
  counts(): ThumbnailCounts;
  close(): void;
}

export interface ThumbnailCounts {
  readonly worker: { readonly request: number; readonly background: number };
  readonly inProcess: { readonly request: number; readonly background: number };
}

const QUIET_MS_WITHOUT_WORKER = 1000;
/** A worker job slower than this means the CPU is taken by others: requests are made here for a while. */
const WORKER_STARVED_MS = 1000;
const STARVED_BACKOFF_MS = 5000;

export function createThumbnailService(options: ThumbnailServiceOptions): ThumbnailService {
  const { cacheDir, session, priority } = options;
  const worker = options.worker === undefined ? new ThumbnailWorkerClient() : options.worker;
  const counts = { worker: { request: 0, background: 0 }, inProcess: { request: 0, background: 0 } };
  let starvedUntil = 0;
  const workerUsable = () => worker !== null && worker.usable;

  const make = async (job: ThumbnailJob, lane: ThumbnailLane): Promise<void> => {
    // A request does not wait for the worker's start-up (half a second or more): made here meanwhile.
    const workerReady = () => {
      if (worker!.ready) return true;
      worker!.warmUp();
      return false;
    };
    if (workerUsable() && priority.mayUseThumbnailWorker() && (lane === 'background' || (Date.now() >= starvedUntil && workerReady()))) {
      try {
        const took = await worker!.make(job);
        counts.worker[lane] += 1;
        if (took > WORKER_STARVED_MS) starvedUntil = Date.now() + STARVED_BACKOFF_MS;
        return;
      } catch {
        // the worker died or failed on this file: try here, where the error (if any) is reported
      }
    }
    await makeThumbnail(job);
    counts.inProcess[lane] += 1;
  };
  const queue = new ThumbnailQueue(make);
  const quietMs = options.quietMs ?? QUIET_MS_WITHOUT_WORKER;
  const pregen = new ThumbnailPregenerator({
    cacheDir,
    session,
    queue,
    mayWork: () => priority.mayPregenerateThumbnails(),
    quietMs: () => (workerUsable() ? 0 : quietMs),
    ...(options.maxPerTarget !== undefined ? { maxPerTarget: options.maxPerTarget } : {}),
  });

  return {
    forMedia(index, size, spec) {
      const dataset = session.dataset;
      if (dataset === null) return Promise.reject(new Error('no dataset is open'));
      const person = dataset.persons[index];
      if (person === undefined) return Promise.reject(new Error('no such instance'));
      if (spec === undefined) {
        const out = thumbnailPath(cacheDir, dataset.id, index, size);
        return queue.ensure({ imageFile: path.join(dataset.imagesDir, person.image), crop: personCropBox(person), out, size, overlay: null }, 'request');
      }
      const target: PregenTarget = { datasetId: dataset.id, size, spec: { gtColor: spec.gtColor, variantId: spec.variantId, predColor: spec.predColor } };
      // With its image missing, the job is made all the same: the caller gets sharp's error as before.
      const job = thumbnailJobFor(cacheDir, session, target, index, true);
      if (job === null) return Promise.reject(new Error(`unknown variant ${spec.variantId ?? ''}`));
      if (!dataset.missingImages.has(person.image)) pregen.noteRequest(target, index, job.out);
      return queue.ensure(job, 'request');
    },
    pregenStatus: () => pregen.status(),
    counts: () => ({ worker: { ...counts.worker }, inProcess: { ...counts.inProcess } }),
    close() {
      pregen.close();
      worker?.close();
    },
  };
}
