/**
 * Re-evaluation after ground-truth corrections (issue 6 item 3): each run scored against the original
 * annotations and against the corrected ones, side by side, with the joints whose hit/miss changed.
 */
import { missingGroundTruthError } from '../datasets/dataset-layout.ts';
import { getDataset } from '../store/datasets-repo.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { PckhProtocol } from '../core/types.ts';
import { buildPckhInputs, computePckh, HIT_NOT_EVALUATED, type PckhReport } from '../evaluation/pckh.ts';
import { effectiveAnnotations } from '../store/corrections-repo.ts';
import { loadOriginalAnnotations, loadOriginalGroundTruth, type InstanceRecord } from '../store/datasets-repo.ts';
import { readRunPredictions } from '../store/predictions-repo.ts';
import { getRun } from '../store/runs-repo.ts';
import type { Workspace } from '../store/workspace.ts';
import { jointPredictedOfRun } from './evaluate-run.ts';

const J = MPII_JOINT_COUNT;

export type HitState = 'hit' | 'miss' | 'not-evaluated';

export interface HitChange {
  readonly instanceId: number;
  readonly entryIndex: number;
  readonly image: string;
  readonly joint: number;
  readonly before: HitState;
  readonly after: HitState;
  readonly errorBefore: number | null;
  readonly errorAfter: number | null;
}

export interface RunReevaluation {
  readonly runId: number;
  readonly original: PckhReport;
  readonly corrected: PckhReport;
  readonly changes: HitChange[];
  readonly gtRevision: number;
}

function hitState(code: number | undefined): HitState {
  return code === HIT_NOT_EVALUATED || code === undefined ? 'not-evaluated' : code === 1 ? 'hit' : 'miss';
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/** Scores one run against original and corrected ground truth and lists every changed joint verdict. */
export function reevaluateRun(ws: Workspace, runId: number, protocol: PckhProtocol): RunReevaluation {
  const run = getRun(ws, runId);
  const corrected = effectiveAnnotations(ws, run.datasetId);
  const originalGt = loadOriginalGroundTruth(ws, run.datasetId);
  if (corrected.gt === null || originalGt === null) {
    throw missingGroundTruthError(getDataset(ws, run.datasetId));
  }
  const predictions = readRunPredictions(ws, runId);
  const jointPredicted = jointPredictedOfRun(run.options);
  const score = (persons: Parameters<typeof buildPckhInputs>[0]['persons'], gt: NonNullable<typeof originalGt>) =>
    computePckh(buildPckhInputs({ protocol, persons, gt, predictions0Based: predictions.coords, ...(jointPredicted ? { jointPredicted } : {}) }));
  const originalReport = score(loadOriginalAnnotations(ws, run.datasetId), originalGt);
  const correctedReport = score(corrected.annotations, corrected.gt);
  return {
    runId,
    original: originalReport,
    corrected: correctedReport,
    changes: hitChanges(corrected.instances, corrected.correctedInstanceIds, originalReport, correctedReport),
    gtRevision: corrected.gtRevision,
  };
}

/** Only corrected instances can change verdicts: compare just those rows. */
function hitChanges(instances: readonly InstanceRecord[], correctedIds: readonly number[], before: PckhReport, after: PckhReport): HitChange[] {
  const corrected = new Set(correctedIds);
  const changes: HitChange[] = [];
  instances.forEach((instance, n) => {
    if (!corrected.has(instance.id)) return;
    for (let j = 0; j < J; j += 1) {
      const k = n * J + j;
      const was = hitState(before.hits[k]);
      const now = hitState(after.hits[k]);
      if (was === now) continue;
      changes.push({
        instanceId: instance.id,
        entryIndex: instance.entryIndex,
        image: instance.image,
        joint: j,
        before: was,
        after: now,
        errorBefore: finiteOrNull(before.normalizedErrors[k]),
        errorAfter: finiteOrNull(after.normalizedErrors[k]),
      });
    }
  });
  return changes;
}
