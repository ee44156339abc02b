/**
 * A stored variant as the engine holds it in memory: its current run's predictions (the run its
 * numbers come from), failure count, newest latency and decoder options. Scoring is the session's
 * job (protocol-evaluations.ts); this only reads the workspace.
 */
import type { LatencySummary } from '../api/contract.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import { shownLatencyMeasurement, type LatencyMeasurement } from '../store/latency-repo.ts';
import { readRunPredictions } from '../store/predictions-repo.ts';
import { currentRun, listRunFailures } from '../store/runs-repo.ts';
import type { VariantRecord } from '../store/variants-repo.ts';
import type { Workspace } from '../store/workspace.ts';
import { jointPredictedOfRun } from '../workbench/evaluate-run.ts';
import { decoderOptionsFrom, describeDecoderOptions } from '../workbench/run-identity.ts';
import type { DatasetState, VariantState } from './view-model.ts';

const ALL_PREDICTED: readonly boolean[] = new Array<boolean>(MPII_JOINT_COUNT).fill(true);

/**
 * The variant read from the workspace, unscored (`evaluation: null`). `stale` is carried over from
 * `previous` (it is computed from the model file, not stored).
 */
export function readStoredVariant(ws: Workspace, dataset: DatasetState, record: VariantRecord, previous: VariantState | undefined): VariantState {
  const run = currentRun(ws, dataset.storeId!, record.id);
  const jointPredicted = (run ? jointPredictedOfRun(run.options) : undefined) ?? jointPredictedOf(record.sidecar);
  const variant: VariantState = {
    id: `v${record.id}`,
    storeId: record.id,
    name: record.name,
    kind: record.kind === 'model' ? 'model' : 'predictions',
    sourcePath: record.sourcePath,
    status: run ? 'ready' : 'pending',
    error: null,
    latency: latencySummary(shownLatencyMeasurement(ws, record.id, run?.identityKey)),
    hidden: record.hidden,
    optionsLabel: describeDecoderOptions(decoderOptionsFrom(record.decoderOptions)),
    stale: previous?.stale ?? null,
    currentRunId: run?.id ?? null,
    currentIdentityKey: run?.identityKey ?? null,
    predictions: null,
    predictedCount: 0,
    failureCount: 0,
    jointPredicted,
    evaluation: null,
  };
  if (run) {
    const stored = readRunPredictions(ws, run.id);
    if (stored.instances.length === dataset.persons.length) {
      variant.predictions = stored.coords;
      variant.predictedCount = stored.presentCount;
      variant.failureCount = listRunFailures(ws, run.id).length;
    } else {
      variant.status = 'pending';
      variant.error = 'stored predictions belong to an earlier version of the annotations; run again';
    }
  }
  return variant;
}

function jointPredictedOf(sidecar: Record<string, unknown> | null): readonly boolean[] {
  const value = sidecar?.['jointPredicted'];
  if (Array.isArray(value) && value.length === MPII_JOINT_COUNT && value.every((v) => typeof v === 'boolean')) return value as boolean[];
  return ALL_PREDICTED;
}

function latencySummary(measurement: LatencyMeasurement | undefined): LatencySummary | null {
  if (measurement === undefined) return null;
  return {
    medianMs: measurement.medianMs,
    p5Ms: measurement.p5Ms,
    p25Ms: measurement.p25Ms,
    p75Ms: measurement.p75Ms,
    p95Ms: measurement.p95Ms,
    n: measurement.n,
  };
}
