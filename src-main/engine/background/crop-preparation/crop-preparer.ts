/**
 * Crop preparation in the engine (issue 3): while a dataset is open and no model runs, a worker
 * process at the lowest CPU priority (crop-prepare-worker.ts) crops every person for the input sizes
 * of the workspace's models into the crop cache. A run started afterwards reads the crops and
 * decodes no image: on a 2-core machine a first run of a fast model over real photos is otherwise
 * bound by JPEG decoding, and the decoding slows the model on the other core.
 *
 * - Held while `mayWork()` is false (a model run is active, Browse's thumbnails are being
 *   pre-generated): told to stop before its next image, and to go on when allowed again.
 * - Another target (dataset, input sizes) replaces the worker; the same target is not redone.
 * - A worker that dies is started again (a few times): it finds the crops already made.
 * - Without a worker entry (a bundle without it) or a cache, nothing is prepared: runs decode.
 */
import type { CropPerson, CropSize, PrepareCropsOptions, PrepareCropsProgress } from '../../../inference/runtime/crop-prepare.ts';
import { workerEntryBeside } from '../low-priority-process.ts';
import { WorkerProcess } from '../worker-process.ts';

/** The job sent to the worker: prepareCrops' options without callbacks. */
export type CropPrepareJob = Omit<PrepareCropsOptions, 'onProgress' | 'signal' | 'progressEveryMs'>;

/** Engine → worker. */
export type CropPrepareRequest = { readonly job: CropPrepareJob } | { readonly hold: true } | { readonly continue: true };

/** Worker → engine. */
export type CropPrepareMessage =
  { readonly ready: true } | { readonly progress: PrepareCropsProgress } | { readonly done: PrepareCropsProgress } | { readonly error: string };

export interface CropPrepareTarget {
  /**
   * Same key = same work (e.g. dataset id + sorted sizes): not started again. (A person whose box
   * is corrected later gets a new crop key: the next run warps that one crop.)
   */
  readonly key: string;
  readonly persons: readonly CropPerson[];
  readonly imagesDir: string;
  readonly sizes: readonly CropSize[];
}

export type CropPrepareState = 'idle' | 'running' | 'held' | 'done' | 'failed';

export interface CropPrepareStatus {
  readonly state: CropPrepareState;
  readonly target: string | null;
  /** The target's input sizes, "WxH". */
  readonly sizes: readonly string[];
  readonly progress: PrepareCropsProgress | null;
  readonly error: string | null;
  /** Workers started for the current target (more than one after a worker died). */
  readonly starts: number;
  readonly pid: number | undefined;
}

export interface CropPreparerOptions {
  /** The crop cache folder and its budget (cropCacheRunOption); null: nothing is prepared. */
  readonly cache: { readonly dir: string; readonly budgetBytes: number } | null;
  /** False while the CPU belongs to something else (a run, thumbnail pre-generation). */
  readonly mayWork: () => boolean;
  /** The worker entry; null: none (nothing is prepared). Default: crop-prepare-worker beside this file. */
  readonly entry?: string | null;
  /** How often `mayWork` is asked while there is work (default 250 ms). */
  readonly pollMs?: number;
}

const MAX_STARTS_PER_TARGET = 5;

export class CropPreparer {
  private target: CropPrepareTarget | null = null;
  private readonly worker: WorkerProcess<CropPrepareRequest, Exclude<CropPrepareMessage, { readonly ready: true }>>;
  private state: CropPrepareState = 'idle';
  private progress: PrepareCropsProgress | null = null;
  private error: string | null = null;
  private starts = 0;
  /** The current worker has loaded and been given its job: it reads hold/continue from then on. */
  private jobSent = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: CropPreparerOptions) {
    this.worker = new WorkerProcess(options.entry === undefined ? workerEntryBeside(import.meta.url, 'crop-prepare-worker') : options.entry);
  }

  /** Whether preparation can happen at all (a cache and a worker entry). */
  get available(): boolean {
    return !this.closed && this.options.cache !== null && this.worker.present;
  }

  /** Prepares `target` (replacing other work), or nothing when it is already being / was prepared. */
  request(target: CropPrepareTarget | null): void {
    if (!this.available) return;
    if (target !== null && target.key === this.target?.key && this.state !== 'failed') return;
    this.endChild();
    this.target = target;
    this.progress = null;
    this.error = null;
    this.starts = 0;
    this.state = target === null || target.sizes.length === 0 || target.persons.length === 0 ? 'idle' : 'held';
    if (this.state === 'held') this.ensureTimer();
    this.tick();
  }

  status(): CropPrepareStatus {
    return {
      state: this.state,
      target: this.target?.key ?? null,
      sizes: (this.target?.sizes ?? []).map(({ width, height }) => `${width}x${height}`),
      progress: this.progress,
      error: this.error,
      starts: this.starts,
      pid: this.worker.pid,
    };
  }

  close(): void {
    this.closed = true;
    this.endChild();
    this.stopTimer();
    this.state = 'idle';
  }

  /** Starts, holds or continues the worker as `mayWork` says. */
  private tick(): void {
    if (this.closed || this.target === null || (this.state !== 'running' && this.state !== 'held')) {
      this.stopTimer();
      return;
    }
    const may = this.options.mayWork();
    if (may && this.state === 'held') {
      if (!this.worker.running) this.startChild(this.target);
      else {
        this.send({ continue: true });
        this.state = 'running';
      }
    } else if (!may && this.state === 'running') {
      this.send({ hold: true });
      this.state = 'held';
    }
  }

  private send(request: CropPrepareRequest): void {
    // Before 'ready' the worker may not listen yet; the state is sent with the job instead.
    if (!this.jobSent && !('job' in request)) return;
    this.worker.send(request); // a worker gone meanwhile: its exit handler decides
  }

  private startChild(target: CropPrepareTarget): void {
    const cache = this.options.cache;
    if (!this.worker.present || cache === null) return;
    if (this.starts >= MAX_STARTS_PER_TARGET) {
      this.fail(`the crop-preparation worker was started ${this.starts} times without finishing`);
      return;
    }
    this.starts += 1;
    // Only what a crop needs crosses the IPC channel (not the joints of every person).
    const persons = target.persons.map(({ entryIndex, image, center, scale }) => ({ entryIndex, image, center, scale }));
    const job: CropPrepareJob = { persons, imagesDir: target.imagesDir, sizes: target.sizes, cacheDir: cache.dir, budgetBytes: cache.budgetBytes };
    this.jobSent = false;
    try {
      this.worker.start({
        onReady: () => {
          this.error = null; // an earlier worker's death is history once this one runs
          this.send({ job });
          this.jobSent = true;
          if (this.state === 'held') this.send({ hold: true });
        },
        onMessage: (message) => {
          if ('progress' in message) this.progress = message.progress;
          else if ('done' in message) {
            this.progress = message.done;
            this.error = null;
            this.state = 'done';
            this.endChild();
          } else this.fail(message.error);
        },
        onExit: (code, signal) => {
          // Killed by something else, or crashed: try again at the next tick (bounded by MAX_STARTS).
          if (this.state === 'running') this.state = 'held';
          if (code !== 0 && this.state === 'held') this.error = `the crop-preparation worker exited (${signal ?? code})`;
        },
        // An error from a send to a worker that just died (channel closed) is followed by its exit
        // (a restart); only a process that never started is a failure here.
        onError: (error, started) => {
          if (!started) this.fail(error.message);
        },
      });
    } catch (error) {
      this.fail(`cannot start the crop-preparation worker (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    this.state = 'running';
  }

  private fail(message: string): void {
    this.error = message;
    this.state = 'failed';
    this.endChild();
  }

  private endChild(): void {
    this.worker.stop();
  }

  private ensureTimer(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.options.pollMs ?? 250);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
