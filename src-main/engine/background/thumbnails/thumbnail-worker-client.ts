/**
 * Engine side of the low-priority thumbnail worker (thumbnail-worker.ts): forks it on first use,
 * sends jobs, resolves one promise per job. The worker file is resolved next to this module: `.ts`
 * under tsx/vitest (started with tsx's loader, as fork-engine.ts starts the engine), `.js` in a
 * bundle, where it must be an entry of its own; when it is not there, `usable` is false and the
 * caller makes thumbnails itself.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { forkLowPriorityWorker, workerEntryBeside } from '../low-priority-process.ts';
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
  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { sentAt: number; resolve: (ms: number) => void; reject: (error: Error) => void }>();
  /** When the current worker said it was ready (null: starting). */
  private readyAt: number | null = null;
  private crashes = 0;
  private closed = false;
  private readonly present: boolean;

  constructor(private readonly entry: string | null = thumbnailWorkerEntry()) {
    this.present = entry !== null && existsSync(entry);
  }

  /** False when there is no worker file (a bundle without it), it kept crashing, or after close(). */
  get usable(): boolean {
    return !this.closed && this.present && this.crashes < MAX_CRASHES;
  }

  /** Started and has loaded its code (jobs sent before then wait for its start-up). */
  get ready(): boolean {
    return this.child !== null && this.readyAt !== null;
  }

  /** Starts the worker if it is not running (no job). */
  warmUp(): void {
    if (this.usable && this.child === null) this.start();
  }

  /** The worker's process id, once started (tests check its priority). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Makes the file in the worker; resolves with how long the worker took, from when it had the job
   * and was ready (its start-up does not count).
   */
  make(job: ThumbnailJob): Promise<number> {
    if (!this.usable) return Promise.reject(new Error('the thumbnail worker is not available'));
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { sentAt: Date.now(), resolve, reject });
      try {
        child.send({ id, job } satisfies WorkerRequest);
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  close(): void {
    this.closed = true;
    this.child?.kill();
    this.child = null;
    this.failPending(new Error('the thumbnail worker was closed'));
  }

  private start(): ChildProcess {
    const entry = this.entry!;
    const child = forkLowPriorityWorker(entry);
    this.readyAt = null;
    child.on('message', (reply: WorkerReply) => {
      if ('ready' in reply) {
        if (this.child === child) this.readyAt = Date.now();
        return;
      }
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(Date.now() - Math.max(waiter.sentAt, this.readyAt ?? Date.now()));
      else waiter.reject(new Error(reply.error));
    });
    const gone = (why: string) => {
      if (this.child !== child) return;
      this.child = null;
      if (!this.closed) this.crashes += 1;
      this.failPending(new Error(`the thumbnail worker ${why}`));
    };
    child.on('exit', (code, signal) => gone(`exited (${signal ?? code})`));
    child.on('error', (error) => gone(`failed: ${error.message}`));
    this.child = child;
    return child;
  }

  private failPending(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const waiter of waiting) waiter.reject(error);
  }
}
