/**
 * Pre-generation of Browse's thumbnails (issue 5): once the grid has asked for a thumbnail with a
 * given overlay (dataset, size, GT colour, variant and its colour), the thumbnails of the dataset's
 * other persons with that overlay are made in the background, starting next to the rows the user
 * looks at and going the way they scroll, so that rows scrolled to later come from the disk cache
 * instead of being made while the browser needs the CPU for its frames.
 *
 * - Each job goes through the queue's background lane: requests from the UI jump ahead of it.
 * - It pauses while a model run is active (runs come first), and, when there is no low-priority
 *   worker process, until the UI has asked for nothing for a moment (`quietMs`).
 * - Another overlay (or dataset) cancels it and starts over for that one; `cancel()` stops it.
 * - Bounded: at most `maxPerTarget` thumbnails made per pass (and only the current overlay's).
 * - The files are exactly those the UI's requests would make: same job, same file name (the name
 *   carries a digest of what is drawn), built from the engine's current data at the time of making.
 *   Data that changes during or after a pass (a GT edit, a finished run) gives other file names: a
 *   UI request for a thumbnail the pass thought done, and that is missing, starts another pass.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ThumbOverlaySpec } from '../../../api/contract.ts';
import { personCropBox } from '../../../core/geometry.ts';
import { thumbnailExists, thumbnailOverlayFor, thumbnailPath, type ThumbnailJob } from './thumbnails.ts';
import type { ThumbnailQueue } from './thumbnail-queue.ts';
import type { DatasetState, VariantState } from '../../view-model.ts';

/** What the pre-generator reads from the engine session (EngineSession has these). */
export interface PregenSession {
  readonly dataset: DatasetState | null;
  readonly variants: ReadonlyMap<string, VariantState>;
}

export interface PregenOptions {
  readonly cacheDir: string;
  readonly session: PregenSession;
  readonly queue: ThumbnailQueue;
  /** False while the CPU belongs to something else (background-priority.ts: a model run). */
  readonly mayWork: () => boolean;
  /**
   * When > 0, each job waits until no UI request came for this long: asked before each job, it is
   * > 0 while thumbnails are made in the engine's own process, at normal priority, next to the browser.
   */
  readonly quietMs?: () => number;
  /** At most this many thumbnails made per pass. */
  readonly maxPerTarget?: number;
  /** How often a paused pass looks again. */
  readonly pollMs?: number;
}

export type PregenState = 'idle' | 'running' | 'paused' | 'done' | 'stopped';

export interface PregenStatus {
  /** The overlay being pre-generated (datasetId/size/gt/variant/pred), or null. */
  readonly target: string | null;
  readonly state: PregenState;
  /** Of the current pass: persons in the dataset, thumbnails made, found made already, failed. */
  readonly total: number;
  readonly made: number;
  readonly existing: number;
  readonly failed: number;
  /** Passes started for the current target (a second one follows changed data). */
  readonly passes: number;
}

const DEFAULT_MAX_PER_TARGET = 6000;
const DEFAULT_POLL_MS = 250;

/** The overlay a pass makes thumbnails for; `rev` (the UI's per-item digest) is not part of it. */
export interface PregenTarget {
  readonly datasetId: string;
  readonly size: number;
  readonly spec: Omit<ThumbOverlaySpec, 'rev'>;
}

export function pregenTargetKey(target: PregenTarget): string {
  const { datasetId, size, spec } = target;
  return `${datasetId}/${size}/${spec.gtColor}/${spec.variantId ?? '-'}/${spec.variantId !== null ? (spec.predColor ?? '-') : '-'}`;
}

/**
 * The job the UI's request for person `index` with this overlay makes, from the session's current
 * data; null when there is no such person or variant in the open dataset, or (unless
 * `evenWithoutImage`) the person's image file is missing.
 */
export function thumbnailJobFor(cacheDir: string, session: PregenSession, target: PregenTarget, index: number, evenWithoutImage = false): ThumbnailJob | null {
  const dataset = session.dataset;
  if (dataset === null || dataset.id !== target.datasetId) return null;
  const person = dataset.persons[index];
  if (person === undefined || (!evenWithoutImage && dataset.missingImages.has(person.image))) return null;
  let variant: VariantState | null = null;
  if (target.spec.variantId !== null) {
    variant = session.variants.get(target.spec.variantId) ?? null;
    if (variant === null) return null;
  }
  const overlay = thumbnailOverlayFor(person, index, { ...target.spec, rev: '' }, variant);
  return {
    imageFile: path.join(dataset.imagesDir, person.image),
    crop: personCropBox(person),
    out: thumbnailPath(cacheDir, dataset.id, index, target.size, overlay),
    size: target.size,
    overlay,
  };
}

/**
 * Which person next: the nearest not yet done from the last requested one, in the direction the
 * requests move (a decaying sum of their steps: a row further down adds about +columns, a row
 * further up about -columns, whatever the order of the cells within a row), then the other way.
 */
export class PregenOrder {
  private readonly done: Uint8Array;
  private trend = 0;
  private last: number | null = null;
  /** Scan positions: the next candidates above and below the last request. */
  private ahead = 0;
  private behind = -1;

  constructor(readonly total: number) {
    this.done = new Uint8Array(total);
  }

  get direction(): 1 | -1 {
    return this.trend >= 0 ? 1 : -1;
  }

  /** A new order over the same persons, aimed where this one was. */
  fresh(): PregenOrder {
    const order = new PregenOrder(this.total);
    order.trend = this.trend;
    order.last = this.last;
    order.ahead = this.ahead;
    order.behind = this.behind;
    return order;
  }

  /** A UI request for person `index`; returns whether this order had already taken it. */
  noteRequest(index: number): boolean {
    if (this.last !== null) this.trend = this.trend * 0.9 + (index - this.last);
    this.last = index;
    this.ahead = index;
    this.behind = index - 1;
    return this.isDone(index);
  }

  isDone(index: number): boolean {
    return index >= 0 && index < this.total && this.done[index] === 1;
  }

  markDone(index: number): void {
    if (index >= 0 && index < this.total) this.done[index] = 1;
  }

  /** The next person to pre-generate (marked done), or null when all are. */
  take(): number | null {
    const next = this.direction === 1 ? (this.up() ?? this.down()) : (this.down() ?? this.up());
    if (next !== null) this.done[next] = 1;
    return next;
  }

  private up(): number | null {
    this.ahead = Math.max(0, this.ahead);
    while (this.ahead < this.total && this.done[this.ahead] === 1) this.ahead += 1;
    return this.ahead < this.total ? this.ahead : null;
  }

  private down(): number | null {
    this.behind = Math.min(this.total - 1, this.behind);
    while (this.behind >= 0 && this.done[this.behind] === 1) this.behind -= 1;
    return this.behind >= 0 ? this.behind : null;
  }
}

interface Pass {
  readonly target: PregenTarget;
  readonly key: string;
  readonly generation: number;
  order: PregenOrder;
  state: PregenState;
  made: number;
  existing: number;
  failed: number;
  passes: number;
  /** A request showed the data changed: run another pass after this one. */
  again: boolean;
  /** Files that failed: a request for one of them is no sign of changed data. */
  readonly failedFiles: Set<string>;
}

export class ThumbnailPregenerator {
  private pass: Pass | null = null;
  private generation = 0;
  private lastRequestAt = 0;
  private closed = false;
  private readonly quietMs: () => number;
  private readonly maxPerTarget: number;
  private readonly pollMs: number;
  /** Settles when the current loop ends (tests wait on it). */
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: PregenOptions) {
    this.quietMs = options.quietMs ?? (() => 0);
    this.maxPerTarget = options.maxPerTarget ?? DEFAULT_MAX_PER_TARGET;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /**
   * The UI asked for person `index` with this overlay (file `out`). Starts pre-generation for the
   * overlay, or re-aims the running one at this person.
   */
  noteRequest(target: PregenTarget, index: number, out: string): void {
    if (this.closed) return;
    this.lastRequestAt = Date.now();
    const key = pregenTargetKey(target);
    const pass = this.pass;
    if (pass === null || pass.key !== key) {
      // A new overlay: aim the pass at this request before it takes its first person.
      const fresh = this.create(target, key, 1);
      fresh.order.noteRequest(index);
      fresh.order.markDone(index);
      this.launch(fresh);
      return;
    }
    const takenBefore = pass.order.noteRequest(index);
    pass.order.markDone(index); // the request makes it
    // Taken by this pass, yet neither made nor being made (nor failed): the data changed since.
    // Checked before the request queues its own job; a synchronous stat, for taken persons only.
    if (takenBefore && !pass.failedFiles.has(out) && !this.options.queue.has(out) && !existsSync(out)) this.dataChanged(pass);
  }

  /** Stops pre-generation (a job already started finishes). */
  cancel(): void {
    this.generation += 1;
    if (this.pass !== null && this.pass.state !== 'done') this.pass.state = 'stopped';
  }

  close(): void {
    this.closed = true;
    this.cancel();
  }

  status(): PregenStatus {
    const pass = this.pass;
    if (pass === null) return { target: null, state: 'idle', total: 0, made: 0, existing: 0, failed: 0, passes: 0 };
    return { target: pass.key, state: pass.state, total: pass.order.total, made: pass.made, existing: pass.existing, failed: pass.failed, passes: pass.passes };
  }

  /** Resolves when the current pass has ended (done, stopped or replaced). */
  settled(): Promise<void> {
    return this.loop;
  }

  private create(target: PregenTarget, key: string, passes: number, order?: PregenOrder): Pass {
    this.generation += 1;
    const total = this.options.session.dataset?.persons.length ?? 0;
    return {
      target,
      key,
      generation: this.generation,
      order: order ?? new PregenOrder(total),
      state: 'running',
      made: 0,
      existing: 0,
      failed: 0,
      passes,
      again: false,
      failedFiles: new Set(),
    };
  }

  private launch(pass: Pass): void {
    this.pass = pass;
    this.loop = this.run(pass);
  }

  private dataChanged(pass: Pass): void {
    if (pass.state === 'done') this.restart(pass);
    else if (pass.state === 'running' || pass.state === 'paused') pass.again = true;
  }

  /** Another pass over the same overlay, aimed where the user is. */
  private restart(pass: Pass): void {
    const total = this.options.session.dataset?.persons.length ?? 0;
    this.launch(this.create(pass.target, pass.key, pass.passes + 1, pass.order.total === total ? pass.order.fresh() : undefined));
  }

  private live(pass: Pass): boolean {
    return !this.closed && pass.generation === this.generation;
  }

  private async run(pass: Pass): Promise<void> {
    const { cacheDir, session, queue } = this.options;
    while (this.live(pass)) {
      if (!this.options.mayWork() || Date.now() - this.lastRequestAt < this.quietMs()) {
        pass.state = 'paused';
        await sleep(this.pollMs);
        continue;
      }
      pass.state = 'running';
      if (pass.made >= this.maxPerTarget) break;
      const index = pass.order.take();
      if (index === null) break;
      const job = thumbnailJobFor(cacheDir, session, pass.target, index);
      if (job === null) {
        // The dataset or the variant is gone: nothing more to do for this overlay.
        if (session.dataset?.id !== pass.target.datasetId || (pass.target.spec.variantId !== null && !session.variants.has(pass.target.spec.variantId))) {
          pass.state = 'stopped';
          return;
        }
        continue; // this person's image is missing
      }
      if (await thumbnailExists(job.out)) {
        pass.existing += 1;
        continue;
      }
      try {
        await queue.ensure(job, 'background');
        pass.made += 1;
      } catch {
        pass.failed += 1;
        pass.failedFiles.add(job.out);
      }
    }
    if (!this.live(pass)) {
      if (pass.state !== 'done') pass.state = 'stopped';
      return;
    }
    pass.state = 'done';
    if (pass.again) this.restart(pass);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
