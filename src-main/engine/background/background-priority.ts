/**
 * Who gets the CPU in the engine process: the one rule for background work, in one place.
 *
 * On the 2-core machines posebench targets, a model run, the Browse grid and the background workers
 * compete for the same cores. First wins:
 * 1. **a model run**: users read its throughput and latency, so while one is active no background
 *    work takes a core. Thumbnails Browse asks for are then made in the engine process at normal
 *    priority (the nice-19 worker would get nothing and the grid would stay empty); thumbnail
 *    pre-generation and crop preparation wait.
 * 2. **thumbnails Browse asks for** (ThumbnailQueue: requests newest first), in the low-priority
 *    worker.
 * 3. **thumbnail pre-generation** for the overlay the grid shows: only when no request waits (the
 *    queue's rule) and no run is active.
 * 4. **crop preparation** for the models' input sizes: only when neither a run nor thumbnail
 *    pre-generation is active (both decode the same JPEGs; one at a time keeps each fast).
 *
 * The queue's own ordering (2 before 3) lives in thumbnail-queue.ts; everything that depends on
 * what else the engine is doing is decided here.
 */

export interface BackgroundPrioritySources {
  /** A model run is active (queued or running persons). */
  readonly runActive: () => boolean;
  /** Thumbnail pre-generation is making thumbnails right now (not paused, not done). */
  readonly thumbnailPregenRunning: () => boolean;
}

export interface BackgroundPriority {
  /** Thumbnails may go to the low-priority worker (rule 1: not during a run). */
  mayUseThumbnailWorker(): boolean;
  /** Thumbnail pre-generation may make its next thumbnail (rule 3). */
  mayPregenerateThumbnails(): boolean;
  /** Crop preparation may go on (rule 4). */
  mayPrepareCrops(): boolean;
}

export function createBackgroundPriority(sources: BackgroundPrioritySources): BackgroundPriority {
  return {
    mayUseThumbnailWorker: () => !sources.runActive(),
    mayPregenerateThumbnails: () => !sources.runActive(),
    mayPrepareCrops: () => !sources.runActive() && !sources.thumbnailPregenRunning(),
  };
}

/** No competing work (tests and tools that run one background job alone). */
export const UNCONTENDED: BackgroundPriority = {
  mayUseThumbnailWorker: () => true,
  mayPregenerateThumbnails: () => true,
  mayPrepareCrops: () => true,
};
