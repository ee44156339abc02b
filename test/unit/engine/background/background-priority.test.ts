/** The engine's one rule for background work: every combination of a run and pre-generation. */
import { describe, expect, it } from 'vitest';
import { createBackgroundPriority } from '../../../../src-main/engine/background/background-priority.ts';

describe('background priority', () => {
  it('a run stops every background job; pre-generation holds crop preparation only', () => {
    const rows = [];
    for (const runActive of [false, true]) {
      for (const thumbnailPregenRunning of [false, true]) {
        const p = createBackgroundPriority({ runActive: () => runActive, thumbnailPregenRunning: () => thumbnailPregenRunning });
        rows.push({ runActive, thumbnailPregenRunning, worker: p.mayUseThumbnailWorker(), pregen: p.mayPregenerateThumbnails(), crops: p.mayPrepareCrops() });
      }
    }
    expect(rows).toEqual([
      { runActive: false, thumbnailPregenRunning: false, worker: true, pregen: true, crops: true },
      { runActive: false, thumbnailPregenRunning: true, worker: true, pregen: true, crops: false },
      { runActive: true, thumbnailPregenRunning: false, worker: false, pregen: false, crops: false },
      { runActive: true, thumbnailPregenRunning: true, worker: false, pregen: false, crops: false },
    ]);
  });

  it('asks its sources on every decision (a run that ends frees the workers at once)', () => {
    let running = true;
    const p = createBackgroundPriority({ runActive: () => running, thumbnailPregenRunning: () => false });
    expect(p.mayPrepareCrops()).toBe(false);
    running = false;
    expect(p.mayPrepareCrops()).toBe(true);
  });
});
