/**
 * Model runs on a COCO keypoint dataset started from the app (issue 18): the same workbench run as
 * `posebench eval --dataset COCO_DIR --model M.onnx [--bbox-file F]` (workbench/coco-model-run.ts: mmpose's
 * crop, decoders, rescoring and OKS-NMS) on the workspace's ground truth, stored the same way
 * (workbench/coco-variants.ts), so the two hosts show the same numbers for the same model.
 * A run goes on in the background (the run awaits each image's decode, so requests are answered
 * between images), reports progress as `run:progress` (a last event with done = total when it ends,
 * however it ends) and announces its end as a workspace change. One run at a time: ONNX Runtime runs
 * on one thread. `cancel()` stops it before its next image (the dataset is closed or switched).
 */
import path from 'node:path';
import type { CocoRunView } from '../../api/contract.ts';
import { UserError } from '../../core/errors.ts';
import { statSync } from 'node:fs';
import { notRegularFileError } from '../../core/regular-file.ts';
import { oneLine } from '../../core/printable-excerpt.ts';
import { CocoRunCancelled, runCocoModel } from '../../workbench/coco-model-run.ts';
import { cocoModelRunIdentity, readCocoDetections, storeCocoResults, variantNameOf } from '../../workbench/coco-variants.ts';
import type { EmitEvent } from '../engine-server.ts';
import type { CocoSession } from './coco-session.ts';

export class CocoRuns {
  private readonly runs: CocoRunView[] = [];
  private active: Promise<void> | null = null;
  private controller: AbortController | null = null;
  private counter = 0;

  constructor(
    private readonly coco: CocoSession,
    private readonly emit: EmitEvent,
    private readonly changed: (reason: string) => void,
  ) {}

  list(): CocoRunView[] {
    return [...this.runs].reverse();
  }

  /** Starts a run; throws (one line) when the model or box file cannot be used, before anything runs. */
  start(modelPath: string, name: string | undefined, bboxFile: string | undefined): CocoRunView {
    if (this.active !== null) throw new UserError('conflict', 'a COCO model run is going; start the next one when it ends');
    const open = this.coco.require();
    const model = path.resolve(modelPath);
    const stats = statSync(model, { throwIfNoEntry: false });
    if (stats === undefined) throw new UserError('bad-input', `${model}: no such model file`);
    if (!stats.isFile()) throw notRegularFileError(model, 'model', stats);
    const detections = bboxFile !== undefined ? readCocoDetections(path.resolve(bboxFile), open.effective, null) : undefined;
    const controller = new AbortController();
    this.controller = controller;
    const id = `coco-run-${++this.counter}`;
    const variantName = name?.trim() || variantNameOf(model);
    let view: CocoRunView = { id, name: variantName, model: path.basename(model), status: 'running', done: 0, total: 0, failed: 0, message: null };
    this.runs.push(view);
    const update = (patch: Partial<CocoRunView>) => {
      view = { ...view, ...patch };
      this.runs[this.runs.findIndex((r) => r.id === id)] = view;
    };
    const started = performance.now();
    this.active = (async () => {
      try {
        const run = await runCocoModel(open.effective, model, {
          ...(detections !== undefined ? { detections: detections.boxes } : {}),
          signal: controller.signal,
          onProgress: (done, total) => {
            update({ done, total });
            const seconds = (performance.now() - started) / 1000;
            const rate = seconds > 0 ? done / seconds : 0;
            this.emit('run:progress', {
              runId: id,
              variantId: id,
              done,
              total,
              failed: 0,
              etaSeconds: rate > 0 ? (total - done) / rate : null,
              instancesPerSecond: rate,
            });
          },
        });
        if (this.coco.open !== open) {
          update({ status: 'failed', message: 'another dataset was opened during the run; nothing was stored' });
          return;
        }
        if (run.nms.before === 0) {
          update({
            status: 'failed',
            failed: run.failed.length,
            message: `no box could be run (${run.failed[0]?.reason ?? 'missing images'}); nothing was stored`,
          });
          return;
        }
        const identity = cocoModelRunIdentity(model, bboxFile !== undefined ? path.resolve(bboxFile) : undefined, null);
        // named as the CLI names it (the model's name) unless a name was given
        const stored = name?.trim() || run.model;
        update({ name: stored });
        storeCocoResults(open.ws, open.effective, { name: stored, kind: 'model', sourcePath: model, sha256: identity }, run.results, true);
        this.coco.syncWithStore();
        update({
          status: 'finished',
          failed: run.failed.length,
          message: `${run.nms.before} instances, ${run.nms.kept} after OKS-NMS at 0.9${run.failed.length > 0 ? `; ${run.failed.length} boxes failed (first: ${oneLine(run.failed[0]!.reason)})` : ''}${run.missingImages.length > 0 ? `; ${run.missingImages.length} images without a file left out` : ''}${detections !== undefined && detections.warnings.length > 0 ? `; box file: ${oneLine(detections.warnings[0]!.message)}` : ''}`,
        });
      } catch (error) {
        update({
          status: 'failed',
          message:
            error instanceof CocoRunCancelled
              ? 'cancelled: the dataset was closed or switched'
              : oneLine(error instanceof Error ? error.message : String(error)),
        });
      } finally {
        this.active = null;
        this.controller = null;
        // the status bar shows a run until its progress reaches its total
        this.emit('run:progress', {
          runId: id,
          variantId: id,
          done: Math.max(1, view.total),
          total: Math.max(1, view.total),
          failed: view.failed,
          etaSeconds: 0,
          instancesPerSecond: 0,
        });
        this.changed('COCO model run ended');
      }
    })();
    return view;
  }

  /** Stops the run going, if any, before its next image (it then reports "cancelled"). */
  cancel(): void {
    this.controller?.abort();
  }

  /** Resolves when no run is going (tests, closing). */
  async idle(): Promise<void> {
    await this.active;
  }
}
