/**
 * Inference-thread side of the image worker: sends image jobs, returns a promise per job.
 *
 * The worker file is resolved next to this module (`new URL('./image-worker.ts', import.meta.url)`):
 * `.ts` under tsx/vitest, `.js` in a bundled build.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ImageJob, ImageJobReply, WorkerInit, WorkerRequest } from './image-worker-protocol.ts';

export function imageWorkerUrl(): URL {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./image-worker${extension}`, import.meta.url);
}

/**
 * How to start the worker. A bundled `.js` worker starts directly. A `.ts` worker (tsx CLI, vitest)
 * needs tsx's loader inside the worker thread: on Node 20 `execArgv: ['--import', 'tsx']` is NOT
 * enough (the worker entry still fails with ERR_UNKNOWN_FILE_EXTENSION ".ts"), so a tiny eval'd
 * bootstrap registers tsx through its ESM API and then imports the worker module. tsx is resolved
 * from this module, not from the process cwd.
 */
export function workerEntry(workerUrl: URL): { entry: URL | string; eval: boolean } {
  if (!workerUrl.pathname.endsWith('.ts')) return { entry: workerUrl, eval: false };
  const tsxApi = pathToFileURL(resolveTsxEsmApi()).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)})` + `.then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return { entry: bootstrap, eval: true };
}

function resolveTsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as {
    exports?: Record<string, { import?: { default?: string } } | string>;
  };
  const entry = manifest.exports?.['./esm/api'];
  const relative = typeof entry === 'object' ? entry.import?.default : undefined;
  if (relative === undefined) throw new Error('tsx does not export ./esm/api: cannot start the .ts image worker');
  return path.join(path.dirname(packageJson), relative);
}

export class ImagePrefetcher {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (reply: ImageJobReply) => void; reject: (e: Error) => void }>();
  private nextJobId = 0;
  private failure: Error | undefined;
  private closed = false;
  /** The worker thread has ended (closed, or crashed). */
  private exited = false;

  constructor(init: WorkerInit) {
    const start = workerEntry(imageWorkerUrl());
    this.worker = new Worker(start.entry, { workerData: init, eval: start.eval });
    this.worker.on('message', (reply: ImageJobReply) => {
      const entry = this.pending.get(reply.jobId);
      if (entry === undefined) return;
      this.pending.delete(reply.jobId);
      entry.resolve(reply);
    });
    this.worker.on('error', (error) => this.failAll(new Error(`image worker crashed: ${error.message}`)));
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (!this.closed) this.failAll(new Error(`image worker exited unexpectedly (code ${code})`));
    });
  }

  request(job: Omit<ImageJob, 'jobId'>): Promise<ImageJobReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const jobId = this.nextJobId++;
    return new Promise<ImageJobReply>((resolve, reject) => {
      this.pending.set(jobId, { resolve, reject });
      const message: WorkerRequest = { type: 'job', job: { ...job, jobId } };
      this.worker.postMessage(message);
    });
  }

  /** Hands used tensor buffers back to the worker to be filled again (they are detached here). */
  recycle(buffers: ArrayBuffer[]): void {
    if (this.closed || this.failure !== undefined || buffers.length === 0) return;
    const message: WorkerRequest = { type: 'recycle', buffers };
    this.worker.postMessage(message, buffers);
  }

  /** The worker starts no further job until `continue()` (the one under way finishes). */
  hold(): void {
    if (this.closed || this.failure !== undefined) return;
    this.worker.postMessage({ type: 'hold' } satisfies WorkerRequest);
  }

  continue(): void {
    if (this.closed || this.failure !== undefined) return;
    this.worker.postMessage({ type: 'continue' } satisfies WorkerRequest);
  }

  /**
   * After the last reply: lets the worker finish its queue (the crop-cache writes that follow each
   * reply) and exit; stops it after `timeoutMs` in any case.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopWorker({ type: 'close' }, timeoutMs);
    for (const entry of this.pending.values()) entry.reject(new Error('image worker closed'));
    this.pending.clear();
  }

  /**
   * Stops the worker (pending jobs are dropped: used on cancel and on errors). It is asked to skip its
   * queue and finish only the job in hand, so a crop-cache write in progress (temporary file + rename)
   * is not cut off and leaves no temporary file; terminated after `timeoutMs` in any case.
   */
  async close(timeoutMs = 2_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.pending.values()) entry.reject(new Error('image worker closed'));
    this.pending.clear();
    if (this.exited) return;
    await this.stopWorker({ type: 'cancel' }, timeoutMs);
  }

  /** Sends `message` (close or cancel) and waits for the worker to exit; terminates it after `timeoutMs`. */
  private async stopWorker(message: WorkerRequest, timeoutMs: number): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage(message);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') await this.worker.terminate();
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}
