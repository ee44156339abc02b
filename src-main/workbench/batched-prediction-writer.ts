/**
 * Commits a run's predictions in small transactions while the pipeline runs, so a crash or quit
 * loses at most a batch per run, and resuming skips everything committed. Shared by the CLI's
 * model runs (model-variants.ts) and the engine's UI runs (engine/run-manager.ts).
 */
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import { writePredictions } from '../store/predictions-repo.ts';
import type { Workspace } from '../store/workspace.ts';

const FLOATS_PER_PERSON = MPII_JOINT_COUNT * 3;
/** Persons per commit: what a crash can cost at most, per run. */
export const COMMIT_EVERY_PERSONS = 16;

export interface BatchedPredictionWriter {
  /** Queues one person's 16×(x, y, score) for the run in `slot`; commits when the batch is full. */
  add(slot: number, instanceId: number, keypoints: Float32Array): void;
  /** Commits whatever is queued, for every run. */
  flushAll(): void;
}

export function batchedPredictionWriter(ws: () => Workspace, runIdOfSlot: readonly number[]): BatchedPredictionWriter {
  const pending = runIdOfSlot.map(() => ({ instanceIds: [] as number[], values: [] as Float32Array[] }));
  const flush = (slot: number): void => {
    const batch = pending[slot]!;
    if (batch.instanceIds.length === 0) return;
    const xyScore = new Float32Array(batch.instanceIds.length * FLOATS_PER_PERSON);
    batch.values.forEach((values, k) => xyScore.set(values, k * FLOATS_PER_PERSON));
    writePredictions(ws(), runIdOfSlot[slot]!, { instanceIds: batch.instanceIds, xyScore });
    batch.instanceIds = [];
    batch.values = [];
  };
  return {
    add(slot, instanceId, keypoints) {
      const batch = pending[slot]!;
      batch.instanceIds.push(instanceId);
      batch.values.push(keypoints);
      if (batch.instanceIds.length >= COMMIT_EVERY_PERSONS) flush(slot);
    },
    flushAll() {
      pending.forEach((_, slot) => flush(slot));
    },
  };
}
