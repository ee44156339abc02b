/**
 * Browse's thumbnail scheduling (issue 5): the queue's lanes, pre-generation (same files as the UI's
 * requests, cancellable, paused during runs, bounded, aimed where the user scrolls, redone when the
 * data changes) and the low-priority worker process. Real JPEGs made with sharp in a temp folder;
 * fake `make` functions only where the order of the work is what is checked.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThumbOverlaySpec } from '../../../../src-main/api/contract.ts';
import type { PersonAnnotation, Point2 } from '../../../../src-main/core/types.ts';
import {
  ThumbnailPregenerator,
  PregenOrder,
  thumbnailJobFor,
  type PregenSession,
  type PregenTarget,
} from '../../../../src-main/engine/background/thumbnails/thumbnail-pregen.ts';
import { ThumbnailQueue, type ThumbnailLane } from '../../../../src-main/engine/background/thumbnails/thumbnail-queue.ts';
import { createBackgroundPriority, UNCONTENDED } from '../../../../src-main/engine/background/background-priority.ts';
import { createThumbnailService } from '../../../../src-main/engine/background/thumbnails/thumbnail-service.ts';
import { ThumbnailWorkerClient } from '../../../../src-main/engine/background/thumbnails/thumbnail-worker-client.ts';
import { makeThumbnail, type ThumbnailJob } from '../../../../src-main/engine/background/thumbnails/thumbnails.ts';
import type { DatasetState, VariantState } from '../../../../src-main/engine/view-model.ts';

const J = 16;
const PERSONS = 12;
const root = mkdtempSync(path.join(os.tmpdir(), 'posebench-pregen-'));
const imagesDir = path.join(root, 'images');
let cacheCount = 0;
const newCache = (): string => path.join(root, `cache-${++cacheCount}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The engine's rule while a model run is active. */
const RUN_ACTIVE = createBackgroundPriority({ runActive: () => true, thumbnailPregenRunning: () => false });

beforeAll(async () => {
  mkdirSync(imagesDir, { recursive: true });
  // A few distinct images (a gradient and a block, so a wrong crop or scale gives other pixels).
  for (let i = 0; i < 3; i++) {
    const width = 200 + 40 * i;
    const height = 180 + 30 * i;
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 3;
        pixels[o] = (x * 255) / width;
        pixels[o + 1] = (y * 255) / height;
        pixels[o + 2] = x > 60 && x < 120 && y > 50 && y < 110 ? 220 : 30 * i;
      }
    }
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 92 })
      .toFile(path.join(imagesDir, `img${i}.jpg`));
  }
});

function person(k: number, shift = 0): PersonAnnotation {
  const joints: (Point2 | null)[] = Array.from({ length: J }, (_, j) => [60 + ((j * 7 + k * 3) % 80) + shift, 40 + ((j * 11 + k * 5) % 90)]);
  joints[3] = null; // a missing joint
  return {
    entryIndex: k,
    image: `img${k % 3}.jpg`,
    center: [100 + k, 90],
    scale: 0.5 + 0.02 * k,
    joints,
    jointsVisible: joints.map((p) => (p ? 1 : 0)),
    raw: {},
  };
}

function dataset(id: string, persons: readonly PersonAnnotation[], missing: string[] = []): DatasetState {
  return { id, imagesDir, persons, missingImages: new Set(missing) } as unknown as DatasetState;
}

function variant(id: string, persons: readonly PersonAnnotation[], dx: number): VariantState {
  const predictions = new Float32Array(persons.length * J * 2).fill(Number.NaN);
  persons.forEach((p, n) =>
    p.joints.forEach((q, j) => {
      if (q === null || j === 9) return; // joint 9 never predicted
      predictions[(n * J + j) * 2] = q[0] + dx;
      predictions[(n * J + j) * 2 + 1] = q[1] - dx;
    }),
  );
  return { id, predictions } as unknown as VariantState;
}

interface MutableSession extends PregenSession {
  dataset: DatasetState | null;
  variants: Map<string, VariantState>;
}

function session(persons = Array.from({ length: PERSONS }, (_, k) => person(k))): MutableSession {
  return { dataset: dataset('d1', persons), variants: new Map([['v1', variant('v1', persons, 4)]]) };
}

const GT_ONLY: ThumbOverlaySpec = { gtColor: 'f5f5f5', variantId: null, predColor: null, rev: 'x' };
const WITH_V1: ThumbOverlaySpec = { gtColor: 'f5f5f5', variantId: 'v1', predColor: 'e69f00', rev: 'x' };
const targetOf = (spec: ThumbOverlaySpec, size = 64): PregenTarget => ({
  datasetId: 'd1',
  size,
  spec: { gtColor: spec.gtColor, variantId: spec.variantId, predColor: spec.predColor },
});

function jpegsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jpg'))
    .sort();
}

/** A `make` that records the order of the work and finishes each job only when told to. */
function heldMaker() {
  const started: { out: string; lane: ThumbnailLane }[] = [];
  const release: (() => void)[] = [];
  const make = (job: ThumbnailJob, lane: ThumbnailLane) =>
    new Promise<void>((resolve) => {
      started.push({ out: path.basename(job.out), lane });
      release.push(resolve);
    });
  const releaseNext = async () => {
    release.shift()?.();
    await flush();
  };
  return { started, make, releaseNext };
}

/** Lets pending promise chains (and the queue's file checks) run. */
async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('thumbnail queue', () => {
  const job = (name: string): ThumbnailJob => ({
    imageFile: 'unused.jpg',
    crop: [0, 0, 10],
    out: path.join(root, 'queue', `${name}.jpg`),
    size: 64,
    overlay: null,
  });

  it('makes requests newest first, and background jobs only when no request waits', async () => {
    const held = heldMaker();
    const queue = new ThumbnailQueue(held.make);
    void queue.ensure(job('b1'), 'background');
    void queue.ensure(job('b2'), 'background');
    await flush();
    expect(held.started.map((s) => s.out)).toEqual(['b1.jpg']);
    // While b1 is being made (in the worker), requests do not wait for it.
    void queue.ensure(job('r1'), 'request');
    void queue.ensure(job('r2'), 'request');
    void queue.ensure(job('r3'), 'request');
    await flush();
    expect(held.started.map((s) => s.out)).toEqual(['b1.jpg', 'r1.jpg']);
    await held.releaseNext(); // b1 done: b2 must still wait for the requests
    expect(held.started.map((s) => s.out)).toEqual(['b1.jpg', 'r1.jpg']);
    await held.releaseNext(); // r1 done: the newest request next
    await held.releaseNext(); // r3
    await held.releaseNext(); // r2
    expect(held.started.map((s) => s.out)).toEqual(['b1.jpg', 'r1.jpg', 'r3.jpg', 'r2.jpg', 'b2.jpg']);
    await held.releaseNext();
    expect(queue.waiting()).toEqual({ request: 0, background: 0 });
  });

  it('moves a queued background job to the request lane when the UI asks for that file, and makes each file once', async () => {
    const held = heldMaker();
    const queue = new ThumbnailQueue(held.make);
    void queue.ensure(job('p1'), 'background');
    const queued = queue.ensure(job('p2'), 'background');
    void queue.ensure(job('p3'), 'background');
    await flush();
    void queue.ensure(job('q1'), 'request'); // starts next to p1
    await flush();
    const asked = queue.ensure(job('p2'), 'request');
    expect(asked).toBe(queued);
    await held.releaseNext(); // p1
    await held.releaseNext(); // q1 → p2 is a request now, ahead of p3
    await held.releaseNext();
    await held.releaseNext();
    expect(held.started.map((s) => `${s.out}:${s.lane}`)).toEqual(['p1.jpg:background', 'q1.jpg:request', 'p2.jpg:request', 'p3.jpg:background']);
    await expect(asked).resolves.toBe(job('p2').out);
  });

  it('makes a request asked for again the newest one', async () => {
    const held = heldMaker();
    const queue = new ThumbnailQueue(held.make);
    for (const name of ['s0', 's1', 's2', 's3']) void queue.ensure(job(name), 'request');
    await flush();
    void queue.ensure(job('s1'), 'request'); // the user scrolled back to it
    for (let i = 0; i < 4; i++) await held.releaseNext();
    expect(held.started.map((s) => s.out)).toEqual(['s0.jpg', 's1.jpg', 's3.jpg', 's2.jpg']);
  });

  it('does not make a file that exists', async () => {
    const held = heldMaker();
    const queue = new ThumbnailQueue(held.make);
    const existing = job('exists');
    mkdirSync(path.dirname(existing.out), { recursive: true });
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .jpeg()
      .toFile(existing.out);
    await expect(queue.ensure(existing, 'request')).resolves.toBe(existing.out);
    expect(held.started).toEqual([]);
  });
});

describe('pre-generation order', () => {
  it('goes down from the last request while requests move down, up while they move up, then the other way', () => {
    const order = new PregenOrder(40);
    for (const i of [14, 15, 16, 17, 18, 19, 20]) order.noteRequest(i); // one row of 7, then the next
    for (const i of [21, 22, 23, 24, 25, 26, 27]) {
      order.markDone(i);
      order.noteRequest(i);
    }
    expect([order.take(), order.take(), order.take()]).toEqual([28, 29, 30]);
    // Scrolling up: rows 7–13, then 0–6 (cells of a row still come left to right).
    for (const i of [7, 8, 9, 10, 11, 12, 13, 0, 1, 2, 3, 4, 5, 6]) order.noteRequest(i);
    expect(order.direction).toBe(-1);
    for (const i of [7, 8, 9, 10, 11, 12, 13, 0, 1, 2, 3, 4, 5, 6]) order.markDone(i);
    // Below the last request (6) everything is done: the other way, from 6 up, skipping what is done.
    expect([order.take(), order.take()]).toEqual([14, 15]);
    const rest: number[] = [];
    for (let next = order.take(); next !== null; next = order.take()) rest.push(next);
    expect(rest).toEqual([16, 17, 18, 19, 20, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
  });
});

describe('thumbnail pre-generation', () => {
  it('makes the same files, byte for byte, as the UI requests would, for every person with an image', async () => {
    const s = session();
    s.dataset = dataset('d1', s.dataset!.persons, ['img2.jpg']); // persons 2, 5, 8, 11 have no image
    const onDemandCache = newCache();
    const onDemand = createThumbnailService({ cacheDir: onDemandCache, session: s, priority: UNCONTENDED, worker: null });
    for (let i = 0; i < PERSONS; i++) if (i % 3 !== 2) await onDemand.forMedia(i, 64, WITH_V1);
    onDemand.close();

    const pregenCache = newCache();
    const queue = new ThumbnailQueue((job) => makeThumbnail(job));
    const pregen = new ThumbnailPregenerator({ cacheDir: pregenCache, session: s, queue, mayWork: () => true });
    const first = thumbnailJobFor(pregenCache, s, targetOf(WITH_V1), 0)!;
    await queue.ensure(first, 'request'); // what the UI's request for person 0 does
    pregen.noteRequest(targetOf(WITH_V1), 0, first.out);
    await pregen.settled();
    expect(pregen.status()).toMatchObject({ state: 'done', total: PERSONS, made: 7, failed: 0 });

    const made = jpegsIn(pregenCache);
    expect(made).toHaveLength(8);
    expect(made).toEqual(jpegsIn(onDemandCache));
    for (const file of made) expect(readFileSync(path.join(pregenCache, file)).equals(readFileSync(path.join(onDemandCache, file)))).toBe(true);
  });

  it('stops when cancelled, and starts over for another overlay', async () => {
    const s = session();
    const cache = newCache();
    const held = heldMaker();
    const queue = new ThumbnailQueue(held.make);
    const pregen = new ThumbnailPregenerator({ cacheDir: cache, session: s, queue, mayWork: () => true });
    pregen.noteRequest(targetOf(GT_ONLY), 0, thumbnailJobFor(cache, s, targetOf(GT_ONLY), 0)!.out);
    await until('the first background job', () => held.started.length === 1);
    await held.releaseNext();
    await until('the second background job', () => held.started.length === 2);
    pregen.cancel();
    await held.releaseNext();
    await pregen.settled();
    await flush();
    expect(held.started).toHaveLength(2);
    expect(pregen.status().state).toBe('stopped');

    // Another overlay (the grid now draws variant v1): a new pass, with that overlay's files.
    pregen.noteRequest(targetOf(WITH_V1), 5, thumbnailJobFor(cache, s, targetOf(WITH_V1), 5)!.out);
    await until('a job for the new overlay', () => held.started.length === 3);
    const expected = path.basename(thumbnailJobFor(cache, s, targetOf(WITH_V1), 6)!.out);
    expect(held.started[2]!.out).toBe(expected);
    expect(pregen.status().target).toContain('/v1/');
    // Switching overlays again stops this pass too.
    pregen.noteRequest(targetOf(GT_ONLY), 5, thumbnailJobFor(cache, s, targetOf(GT_ONLY), 5)!.out);
    await held.releaseNext();
    await until('a job for the GT-only overlay', () => held.started.length === 4);
    expect(held.started[3]!.out).toBe(path.basename(thumbnailJobFor(cache, s, targetOf(GT_ONLY), 6)!.out));
    pregen.close();
    await held.releaseNext();
    await pregen.settled();
    expect(held.started).toHaveLength(4);
  });

  it('lets UI requests jump ahead of it', async () => {
    const s = session();
    const cache = newCache();
    const held = heldMaker();
    const queue = new ThumbnailQueue(held.make);
    const pregen = new ThumbnailPregenerator({ cacheDir: cache, session: s, queue, mayWork: () => true });
    const jobOf = (i: number) => thumbnailJobFor(cache, s, targetOf(GT_ONLY), i)!;
    pregen.noteRequest(targetOf(GT_ONLY), 0, jobOf(0).out);
    await until('pre-generation of person 1', () => held.started.length === 1);
    expect(held.started[0]).toEqual({ out: path.basename(jobOf(1).out), lane: 'background' });
    // The UI asks for 8 and 9 while person 1 is being made: they go first, newest first.
    for (const i of [8, 9]) {
      pregen.noteRequest(targetOf(GT_ONLY), i, jobOf(i).out);
      void queue.ensure(jobOf(i), 'request');
    }
    await until('the first request', () => held.started.length === 2);
    expect(held.started[1]).toEqual({ out: path.basename(jobOf(8).out), lane: 'request' });
    await held.releaseNext(); // person 1
    await held.releaseNext(); // request 8
    await until('the second request', () => held.started.length === 3);
    expect(held.started[2]).toEqual({ out: path.basename(jobOf(9).out), lane: 'request' });
    await held.releaseNext();
    // Then pre-generation goes on from the last request, downwards.
    await until('pre-generation again', () => held.started.length === 4);
    expect(held.started[3]).toEqual({ out: path.basename(jobOf(10).out), lane: 'background' });
    pregen.close();
    await held.releaseNext();
  });

  it('waits while a model run is active, and makes at most maxPerTarget thumbnails per pass', async () => {
    const s = session();
    const cache = newCache();
    let running = true;
    const made: string[] = [];
    const queue = new ThumbnailQueue(async (job) => {
      made.push(job.out);
      await makeThumbnail(job);
    });
    const pregen = new ThumbnailPregenerator({ cacheDir: cache, session: s, queue, mayWork: () => !running, maxPerTarget: 3, pollMs: 10 });
    pregen.noteRequest(targetOf(GT_ONLY), 0, thumbnailJobFor(cache, s, targetOf(GT_ONLY), 0)!.out);
    await until('the pass to pause', () => pregen.status().state === 'paused');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(made).toEqual([]);
    running = false;
    await pregen.settled();
    expect(made).toHaveLength(3);
    expect(pregen.status()).toMatchObject({ state: 'done', made: 3 });
    expect(jpegsIn(cache)).toHaveLength(3);
  });

  it('runs another pass when a request shows that the data changed (an edited GT gets its new picture)', async () => {
    const s = session();
    const cache = newCache();
    const queue = new ThumbnailQueue((job) => makeThumbnail(job));
    const pregen = new ThumbnailPregenerator({ cacheDir: cache, session: s, queue, mayWork: () => true });
    pregen.noteRequest(targetOf(GT_ONLY), 0, thumbnailJobFor(cache, s, targetOf(GT_ONLY), 0)!.out);
    await pregen.settled();
    expect(pregen.status()).toMatchObject({ state: 'done', made: PERSONS - 1, passes: 1 });
    const before = thumbnailJobFor(cache, s, targetOf(GT_ONLY), 4)!.out;
    expect(existsSync(before)).toBe(true);

    // Person 4's GT is edited (the session gets a new dataset object), the grid asks for its new picture.
    const persons = s.dataset!.persons.map((p, k) => (k === 4 ? person(4, 9) : p));
    s.dataset = dataset('d1', persons);
    const after = thumbnailJobFor(cache, s, targetOf(GT_ONLY), 4)!;
    expect(after.out).not.toBe(before);
    pregen.noteRequest(targetOf(GT_ONLY), 4, after.out);
    await until('a second pass', () => pregen.status().passes === 2);
    await pregen.settled();
    expect(pregen.status()).toMatchObject({ state: 'done', passes: 2 });
    expect(existsSync(after.out)).toBe(true);
    expect(jpegsIn(cache)).toHaveLength(PERSONS + 1);
  });
});

describe('the low-priority thumbnail worker', () => {
  it('runs at the lowest priority and makes the same file as this process', async () => {
    const s = session();
    const workerCache = newCache();
    const worker = new ThumbnailWorkerClient();
    expect(worker.usable).toBe(true);
    const service = createThumbnailService({ cacheDir: workerCache, session: s, priority: UNCONTENDED, worker });
    try {
      // While the worker starts, a request is made here; once it is ready, there.
      const early = await service.forMedia(2, 96, GT_ONLY);
      expect(existsSync(early)).toBe(true);
      await until('the worker to be ready', () => worker.ready);
      const before = service.counts().worker.request;
      const file = await service.forMedia(3, 96, WITH_V1);
      expect(service.counts().worker.request).toBe(before + 1);
      expect(worker.pid).toBeDefined();
      if (process.platform !== 'win32') expect(os.getPriority(worker.pid!)).toBe(19);

      const here = thumbnailJobFor(newCache(), s, targetOf(WITH_V1, 96), 3)!;
      await makeThumbnail(here);
      expect(path.basename(file)).toBe(path.basename(here.out));
      expect(readFileSync(file).equals(readFileSync(here.out))).toBe(true);

      // The worker dies: thumbnails still come, and a new worker takes over.
      const first = worker.pid!;
      process.kill(first, 'SIGKILL');
      await until('the worker to be gone', () => worker.pid === undefined);
      expect(existsSync(await service.forMedia(4, 96, { ...GT_ONLY, gtColor: 'ffffff' }))).toBe(true);
      await until('a new worker', () => worker.ready);
      expect(worker.pid).not.toBe(first);
      // The new worker makes thumbnails: asked directly, since under a loaded machine the service makes
      // requests here for a while after a starved worker job (its documented rule, tested below).
      const next = thumbnailJobFor(newCache(), s, targetOf({ ...WITH_V1, predColor: '0072b2' }, 96), 5)!;
      await worker.make(next);
      expect(existsSync(next.out)).toBe(true);
      expect(existsSync(await service.forMedia(5, 96, { ...WITH_V1, predColor: '0072b2' }))).toBe(true);
    } finally {
      service.close();
    }
  });

  it('makes requests here for a while after the worker took over a second for one (others keep the CPU busy)', async () => {
    const s = session();
    let took = 1500;
    const slow = {
      usable: true,
      ready: true,
      warmUp: () => undefined,
      pid: 1,
      make: async (job: ThumbnailJob) => {
        await makeThumbnail(job);
        return took;
      },
      close: () => undefined,
    } as unknown as ThumbnailWorkerClient;
    const busy = createThumbnailService({ cacheDir: newCache(), session: s, priority: UNCONTENDED, worker: slow });
    try {
      await busy.forMedia(1, 64, undefined); // plain thumbnails: no pre-generation in the way
      expect(busy.counts().worker.request).toBe(1);
      took = 5;
      await busy.forMedia(2, 64, undefined);
      expect(busy.counts()).toEqual({ worker: { request: 1, background: 0 }, inProcess: { request: 1, background: 0 } });
    } finally {
      busy.close();
    }
  });

  it('is not used while a model run is active, and a missing worker file means thumbnails are made here', async () => {
    const s = session();
    const worker = new ThumbnailWorkerClient();
    const during = createThumbnailService({ cacheDir: newCache(), session: s, priority: RUN_ACTIVE, worker });
    try {
      await during.forMedia(1, 64, GT_ONLY);
      expect(during.counts()).toEqual({ worker: { request: 0, background: 0 }, inProcess: { request: 1, background: 0 } });
      expect(worker.pid).toBeUndefined();
    } finally {
      during.close();
    }
    const missing = new ThumbnailWorkerClient(path.join(root, 'no-such-worker.js'));
    expect(missing.usable).toBe(false);
    const without = createThumbnailService({ cacheDir: newCache(), session: s, priority: UNCONTENDED, worker: missing });
    try {
      const file = await without.forMedia(2, 64, GT_ONLY);
      expect(existsSync(file)).toBe(true);
      expect(without.counts().inProcess.request).toBe(1);
    } finally {
      without.close();
    }
  });
});
