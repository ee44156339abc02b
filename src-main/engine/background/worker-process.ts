/**
 * One worker process of the engine's background work (thumbnails, crop preparation), the part every
 * such worker shares: forked on demand at the lowest CPU priority (low-priority-process.ts), the
 * ready handshake (a worker's first message is `{ ready: true }`, sent once its code is loaded, so
 * its start-up is never taken for a busy CPU), typed messages, and the count of unexpected exits (a
 * worker that keeps dying is not started again). Events of a process that was replaced or stopped
 * are ignored, so a late exit never touches its successor.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { forkLowPriorityWorker } from './low-priority-process.ts';

export interface WorkerProcessEvents<Message> {
  /** The worker loaded its code and listens. */
  onReady?(): void;
  onMessage(message: Message): void;
  /** The process ended without stop() (crashed, killed by something else, or exited on its own). */
  onExit?(code: number | null, signal: NodeJS.Signals | null): void;
  /** A process error: `started` is false when the fork itself failed (no process ever ran). */
  onError?(error: Error, started: boolean): void;
}

export class WorkerProcess<Request extends object, Message extends object> {
  private child: ChildProcess | null = null;
  private readyAtMs: number | null = null;
  private exits = 0;
  readonly present: boolean;

  /** `entry`: the worker's file (null or missing: no worker; callers fall back or do nothing). */
  constructor(private readonly entry: string | null) {
    this.present = entry !== null && existsSync(entry);
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Started and its code loaded. */
  get ready(): boolean {
    return this.child !== null && this.readyAtMs !== null;
  }

  /** When the current worker said it was ready (ms since the epoch), null while it starts. */
  get readyAt(): number | null {
    return this.child === null ? null : this.readyAtMs;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Exits that stop() did not cause, over this object's life. */
  get unexpectedExits(): number {
    return this.exits;
  }

  /** Forks a new worker (stopping a running one first). Throws when the fork itself throws. */
  start(events: WorkerProcessEvents<Message>): void {
    if (!this.present) throw new Error('no worker entry file');
    this.stop();
    const child = forkLowPriorityWorker(this.entry!);
    this.child = child;
    this.readyAtMs = null;
    child.on('message', (message: Message) => {
      if (this.child !== child) return;
      if ('ready' in message && (message as { ready?: unknown }).ready === true) {
        this.readyAtMs = Date.now();
        events.onReady?.();
        return;
      }
      events.onMessage(message);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.exits += 1;
      events.onExit?.(code, signal);
    });
    child.on('error', (error) => {
      if (this.child !== child) return;
      events.onError?.(error, child.pid !== undefined);
    });
  }

  /**
   * Sends a request when the channel is open; false otherwise. A worker dying meanwhile is not an
   * error here: its exit event decides what happens next.
   */
  send(request: Request): boolean {
    const child = this.child;
    if (child === null || !child.connected) return false;
    child.send(request, (error) => {
      void error;
    });
    return true;
  }

  /** Ends the worker; its exit is not counted and no event of it is delivered. */
  stop(): void {
    const child = this.child;
    this.child = null;
    this.readyAtMs = null;
    child?.kill();
  }
}
