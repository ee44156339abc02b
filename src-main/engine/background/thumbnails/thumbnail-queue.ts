/**
 * The order in which thumbnails are made (issue 5). Two lanes:
 * - `request`: a thumbnail the UI is waiting for. Newest first: while the user scrolls, the newest
 *   requests are the rows now on screen (older ones may have scrolled away).
 * - `background`: pre-generation (thumbnail-pregen.ts). Starts only while no request is queued or
 *   being made, so requests always jump ahead of it; a request never waits for a background job
 *   either (that one runs in the low-priority process, see thumbnail-service.ts).
 * One job per file: asking again for a file that is queued or being made returns the same promise;
 * a request for a queued file makes it the newest request (from either lane).
 */
import { existsSync } from 'node:fs';
import type { ThumbnailJob } from './thumbnails.ts';

export type ThumbnailLane = 'request' | 'background';

/** Makes one thumbnail file (the caller has checked that it does not exist yet). */
export type MakeThumbnail = (job: ThumbnailJob, lane: ThumbnailLane) => Promise<unknown>;

interface Entry {
  readonly job: ThumbnailJob;
  lane: ThumbnailLane;
  queued: boolean;
  start: () => void;
}

export class ThumbnailQueue {
  private readonly entries = new Map<string, { entry: Entry; promise: Promise<string> }>();
  private readonly requests: Entry[] = [];
  private readonly background: Entry[] = [];
  private runningRequests = 0;
  private runningBackground = 0;

  constructor(private readonly make: MakeThumbnail) {}

  /** Resolves with the file once it exists (made now, or found in the cache). */
  ensure(job: ThumbnailJob, lane: ThumbnailLane): Promise<string> {
    const known = this.entries.get(job.out);
    if (known !== undefined) {
      if (lane === 'request') this.promote(known.entry);
      return known.promise;
    }
    // A synchronous stat (microseconds): a cached file is answered at once, and the queue keeps
    // the order of the calls.
    if (existsSync(job.out)) return Promise.resolve(job.out);
    const entry: Entry = { job, lane, queued: true, start: () => undefined };
    const started = new Promise<void>((resolve) => {
      entry.start = resolve;
    });
    (lane === 'request' ? this.requests : this.background).push(entry);
    const promise = this.madeAfter(entry, started).finally(() => this.entries.delete(job.out));
    this.entries.set(job.out, { entry, promise });
    this.pump();
    return promise;
  }

  /** Whether the file is queued or being made. */
  has(out: string): boolean {
    return this.entries.has(out);
  }

  /** Jobs waiting (not yet started), per lane. */
  waiting(): { request: number; background: number } {
    return { request: this.requests.length, background: this.background.length };
  }

  private async madeAfter(entry: Entry, started: Promise<void>): Promise<string> {
    await started;
    const lane = entry.lane;
    try {
      // Made meanwhile by someone else (a job can wait a while in the queue): nothing to do.
      if (!existsSync(entry.job.out)) await this.make(entry.job, lane);
      return entry.job.out;
    } finally {
      if (lane === 'request') this.runningRequests -= 1;
      else this.runningBackground -= 1;
      this.pump();
    }
  }

  /**
   * Asked for again by the UI: now the newest request (a request that waited while the user scrolled
   * away and back is wanted now, not when the older ones are done), or a request at all if it was
   * queued for pre-generation.
   */
  private promote(entry: Entry): void {
    if (!entry.queued) return; // already being made: it finishes where it is
    const from = entry.lane === 'request' ? this.requests : this.background;
    const at = from.indexOf(entry);
    if (at >= 0) from.splice(at, 1);
    this.requests.push(entry);
    entry.lane = 'request';
    this.pump();
  }

  private pump(): void {
    if (this.runningRequests === 0) {
      const next = this.requests.pop();
      if (next !== undefined) {
        this.runningRequests += 1;
        next.queued = false;
        next.start();
      }
    }
    if (this.runningBackground === 0 && this.runningRequests === 0 && this.requests.length === 0) {
      const next = this.background.shift();
      if (next !== undefined) {
        this.runningBackground += 1;
        next.queued = false;
        next.start();
      }
    }
  }
}
