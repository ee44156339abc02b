/**
 * Scoring a stored run: its predictions against the dataset's effective ground truth (originals with
 * corrections applied). `scoreRun` only reads; `evaluateRun` also stores the per-joint errors and
 * the metrics report in one transaction (after a run, an import, a GT edit).
 */
import { missingGroundTruthError } from '../datasets/dataset-layout.ts';
import { getDataset, type InstanceRecord } from '../store/datasets-repo.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { PckhProtocol } from '../core/types.ts';
import { buildPckhInputs, computePckh, HIT_NOT_EVALUATED, type PckhReport } from '../evaluation/pckh.ts';
import type { PckhInputs } from '../evaluation/pckh-inputs.ts';
import { effectiveAnnotations, type EffectiveGroundTruth } from '../store/corrections-repo.ts';
import { replaceJointErrorRows } from '../store/joint-errors-repo.ts';
import { upsertMetricsRow } from '../store/metrics-repo.ts';
import { readRunPredictions, type RunPredictions } from '../store/predictions-repo.ts';
import { getRun } from '../store/runs-repo.ts';
import type { Workspace } from '../store/workspace.ts';

export interface RunEvaluation {
  readonly runId: number;
  readonly gtRevision: number;
  readonly report: PckhReport;
  /** Instances without a prediction (failed images): scored as misses, as mmpose would score a bad output. */
  readonly missingPredictions: number;
}

/** `jointPredicted` of a run (models lacking MPII joints), kept in the run's options. */
export function jointPredictedOfRun(options: Readonly<Record<string, unknown>> | null): boolean[] | undefined {
  const value = options?.['jointPredicted'];
  if (Array.isArray(value) && value.length === MPII_JOINT_COUNT && value.every((item) => typeof item === 'boolean')) {
    return value as boolean[];
  }
  return undefined;
}

/** A stored run scored in memory: what evaluateRun stores, and the inputs it was computed from. */
export interface RunScore extends RunEvaluation {
  readonly predictions: RunPredictions;
  readonly inputs: PckhInputs;
}

/**
 * Scores a stored run against the effective ground truth without writing anything (analyses, reports:
 * reading a workspace must not rewrite it). `truth` may be passed when scoring several runs of one
 * dataset, so it is read once. `stored` may be passed by the caller that just stored the run's
 * predictions whole (an import): the same arrays readRunPredictions would return, bit for bit, so the
 * run is not read back (150,000 persons: about half a second). They are used only when they belong to
 * `truth`'s instances, in its order; else the run is read from the workspace.
 */
export function scoreRun(
  ws: Workspace,
  runId: number,
  protocol: PckhProtocol,
  truth: EffectiveGroundTruth = effectiveAnnotations(ws, getRun(ws, runId).datasetId),
  stored?: RunPredictions,
): RunScore {
  const run = getRun(ws, runId);
  if (truth.gt === null) {
    throw missingGroundTruthError(getDataset(ws, run.datasetId));
  }
  const predictions = stored !== undefined && sameInstances(stored.instances, truth.instances) ? stored : readRunPredictions(ws, runId);
  const jointPredicted = jointPredictedOfRun(run.options);
  const inputs = buildPckhInputs({
    protocol,
    persons: truth.annotations,
    gt: truth.gt,
    predictions0Based: predictions.coords,
    ...(jointPredicted ? { jointPredicted } : {}),
  });
  const report = computePckh(inputs);
  return { runId, gtRevision: truth.gtRevision, report, missingPredictions: predictions.instances.length - predictions.presentCount, predictions, inputs };
}

function sameInstances(a: readonly InstanceRecord[], b: readonly InstanceRecord[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let n = 0; n < a.length; n += 1) if (a[n]!.id !== b[n]!.id) return false;
  return true;
}

/**
 * Scores a stored run and stores its per-joint errors and metrics row (one transaction). `stored`: the
 * run's predictions as the caller just stored them (scoreRun).
 */
export function evaluateRun(ws: Workspace, runId: number, protocol: PckhProtocol, stored?: RunPredictions): RunEvaluation {
  const truth = effectiveAnnotations(ws, getRun(ws, runId).datasetId);
  const { report, gtRevision, missingPredictions } = scoreRun(ws, runId, protocol, truth, stored);
  const instanceIds = truth.instances.map((instance) => instance.id);
  const evaluated = new Uint8Array(report.hits.length);
  for (let k = 0; k < report.hits.length; k += 1) evaluated[k] = report.hits[k] === HIT_NOT_EVALUATED ? 0 : 1;
  ws.db
    .transaction(() => {
      replaceJointErrorRows(ws.db, runId, {
        instanceIds,
        normalizedErrors: report.normalizedErrors,
        hits: report.hits,
        evaluated,
        gtRevision,
      });
      upsertMetricsRow(ws.db, { runId, protocol, gtRevision, report: reportForStorage(report) });
    })
    .immediate();
  return { runId, gtRevision, report, missingPredictions };
}

/** The report without its N×16 arrays (those live in run_joint_errors), typed arrays as plain lists. */
export function reportForStorage(report: PckhReport): Record<string, unknown> {
  return {
    protocol: report.protocol,
    instances: report.instances,
    droppedInstances: report.droppedInstances,
    metrics: report.metrics,
    perJoint: report.perJoint,
    curve: {
      thresholds: Array.from(report.curve.thresholds),
      pckAll: Array.from(report.curve.pckAll, (value) => (Number.isNaN(value) ? null : value)),
      mean: Array.from(report.curve.mean, (value) => (Number.isNaN(value) ? null : value)),
      aucPerJoint: report.curve.aucPerJoint,
      aucMean: report.curve.aucMean,
    },
  };
}
