/** PckhReport (evaluation/pckh.ts) → the engine's VariantEvaluation. */
import { METRIC_COLUMNS, type MetricColumn } from '../api/contract.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { PckhReport } from '../evaluation/pckh.ts';
import type { VariantEvaluation } from './view-model.ts';

const J = MPII_JOINT_COUNT;

export function evaluationFromReport(report: PckhReport): VariantEvaluation {
  const metrics = Object.fromEntries(METRIC_COLUMNS.map((c) => [c, report.metrics[c] ?? Number.NaN])) as Record<MetricColumn, number>;
  const thresholds = Array.from(report.curve.thresholds);
  const curvePerJoint: number[][] = [];
  for (let j = 0; j < J; j++) curvePerJoint.push(thresholds.map((_, r) => report.curve.pckAll[r * J + j]!));
  return {
    protocol: report.protocol,
    metrics,
    perJointPckh: report.perJoint.map((p) => p.pckh ?? Number.NaN),
    perJointAt01: report.perJoint.map((p) => p.pckhAt01 ?? Number.NaN),
    perJointCount: report.perJoint.map((p) => p.count),
    thresholds,
    curveMean: Array.from(report.curve.mean),
    curvePerJoint,
    auc: report.curve.aucMean ?? Number.NaN,
    normalizedErrors: report.normalizedErrors,
    hits: report.hits,
  };
}
