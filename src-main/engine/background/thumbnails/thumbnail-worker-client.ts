/**
 * Engine side of the low-priority thumbnail worker (thumbnail-worker.ts): forks it on first use,
 * sends jobs, resolves one promise per job. The worker file is resolved next to this module: `.ts`
 * under tsx/vitest (started with tsx's loader, as fork-engine.ts starts the engine), `.js` in a
 * bundle, where it must be an entry of its own; when it is not there, `usable` is false and the
 * caller makes thumbnails itself.
 */
import { workerEntryBeside } from '../low-priority-process.ts';
import { WorkerProcess } from '../worker-process.ts';
import type { ThumbnailJob } from './thumbnails.ts';

export interface WorkerRequest {
  readonly id: number;
  readonly job: ThumbnailJob;
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true }
  | { readonly id: number; readonly ok: false; readonly error: string }
  /** Sent once, when the worker has loaded its code: start-up time is no sign of a busy CPU. */
  | { readonly ready: true };

/** After this many unexpected exits the worker is not started again (something is wrong with it). */
const MAX_CRASHES = 3;

export function thumbnailWorkerEntry(): string {
  return workerEntryBeside(import.meta.url, 'thumbnail-worker');
}

export class ThumbnailWorkerClient {
  private readonly worker: WorkerProcess<WorkerRequest, Exclude<WorkerReply, { readonly ready: true }>>;
  private nextId = 1;
  private readonly pending = new Map<number, { sentAt: number; resolve: (ms: number) => void; reject: (error: Error) => void }>();
  /** Forks that never gave a process (counted with the worker's unexpected exits). */
  private failedStarts = 0;
  private closed = false;

  constructor(entry: string | null = thumbnailWorkerEntry()) {
    this.worker = new WorkerProcess(entry);
  }

  /** False when there is no worker file (a bundle without it), it kept crashing, or after close(). */
  get usable(): boolean {
    return !this.closed && this.worker.present && this.worker.unexpectedExits + this.failedStarts < MAX_CRASHES;
  }

  /** Started and has loaded its code (jobs sent before then wait for its start-up). */
  get ready(): boolean {
    return this.worker.ready;
  }

  /** Starts the worker if it is not running (no job). */
  warmUp(): void {
    if (this.usable && !this.worker.running) this.start();
  }

  /** The worker's process id, once started (tests check its priority). */
  get pid(): number | undefined {
    return this.worker.pid;
  }

  /**
   * Makes the file in the worker; resolves with how long the worker took, from when it had the job
   * and was ready (its start-up does not count).
   */
  make(job: ThumbnailJob): Promise<number> {
    if (!this.usable) return Promise.reject(new Error('the thumbnail worker is not available'));
    if (!this.worker.running) this.start();
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { sentAt: Date.now(), resolve, reject });
      if (!this.worker.send({ id, job })) {
        this.pending.delete(id);
        reject(new Error('the thumbnail worker is not running'));
      }
    });
  }

  close(): void {
    this.closed = true;
    this.worker.stop();
    this.failPending(new Error('the thumbnail worker was closed'));
  }

  private start(): void {
    try {
      this.worker.start({
        onMessage: (reply) => {
          const waiter = this.pending.get(reply.id);
          if (waiter === undefined) return;
          this.pending.delete(reply.id);
          if (reply.ok) waiter.resolve(Date.now() - Math.max(waiter.sentAt, this.worker.readyAt ?? Date.now()));
          else waiter.reject(new Error(reply.error));
        },
        onExit: (code, signal) => this.failPending(new Error(`the thumbnail worker exited (${signal ?? code})`)),
        onError: (error, started) => {
          if (started) return; // its exit follows
          this.failedStarts += 1;
          this.worker.stop();
          this.failPending(new Error(`the thumbnail worker failed: ${error.message}`));
        },
      });
    } catch (error) {
      this.failedStarts += 1;
      this.failPending(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private failPending(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const waiter of waiting) waiter.reject(error);
  }
}
