/**
 * "Is the difference real" (issue 16): bootstrap intervals, paired Δ with McNemar/Holm, score
 * calibration and strata for the variants of an open workbench. The variants come from scoredVariants
 * (each scored from its current run exactly as every host does); the per-(person, joint) outcomes are
 * that report's hits and distances (with the inputs rebuilt from the same predictions and effective
 * ground truth for the 1.x zero-head-box case) and are checked against its tallies, so every number
 * here is about the run the tables show.
 *
 * The result shapes are plain JSON (numbers in percent, null where not computable): the CLI prints them
 * and an API channel can return them unchanged.
 */
import { MPII_JOINT_COUNT, MPII_JOINT_NAMES } from '../core/joints.ts';
import { PosebenchInputError } from '../core/errors.ts';
import type { PckhProtocol } from '../core/types.ts';
import { pairedBootstrap, pairDelta, type BootstrapResult, type ColumnIntervals } from '../evaluation/bootstrap.ts';
import { COVERAGE_DROPS, variantCalibration, type CalibrationSummary } from '../evaluation/calibration.ts';
import { columnTests } from '../evaluation/mcnemar.ts';
import { buildPckhInputs, PCKH_COLUMN_JOINTS_OFFSET, PCKH_METRIC_KEYS, type PckhReport } from '../evaluation/pckh.ts';
import { sumOutcomes, type PersonJointOutcomes } from '../evaluation/person-tallies.ts';
import {
  cropStrata,
  crowdStrata,
  gtInsideCrop,
  headSizes,
  headSizeStrata,
  OCCLUSION_NOTE,
  personsPerImage,
  type Stratification,
} from '../evaluation/strata.ts';
import { scoredOutcomes, type ScoredOutcomes } from './scored-outcomes.ts';
import type { Workbench } from './workbench.ts';

const J = MPII_JOINT_COUNT;

export interface StatisticsVariant {
  readonly name: string;
  readonly report: PckhReport;
  readonly outcomes: PersonJointOutcomes;
  /** N×16 per-joint confidence scores of the run; NaN where none (imported predictions without scores). */
  readonly scores: Float32Array;
}

export interface StatisticsData {
  /** The workspace file (named in errors). */
  readonly workspaceFile: string;
  readonly protocol: PckhProtocol;
  readonly persons: number;
  readonly variants: readonly StatisticsVariant[];
  readonly headSizes: Float64Array;
  readonly personsPerImage: Int32Array;
  /** N×16 from gtInsideCrop (the protocol's GT). */
  readonly insideCrop: Uint8Array;
}

export interface StatisticsDataOptions {
  readonly protocol: PckhProtocol;
  /** Variant names, in order; default: every visible variant with a finished run. */
  readonly names?: readonly string[];
}

export function loadStatisticsData(wb: Workbench, options: StatisticsDataOptions): StatisticsData {
  return statisticsDataFrom(wb.workspace.file, options.protocol, scoredOutcomes(wb, options));
}

/** The statistics inputs from variants already scored (a report scores once for all its sections). */
export function statisticsDataFrom(workspaceFile: string, protocol: PckhProtocol, scored: ScoredOutcomes): StatisticsData {
  const { truth, gt, variants: loaded } = scored;
  const variants = loaded.map((s): StatisticsVariant => {
    checkAgainstReport(s.variant.name, s.outcomes, s.report);
    return { name: s.variant.name, report: s.report, outcomes: s.outcomes, scores: s.predictions.scores };
  });
  const gtPositions = loaded[0]?.inputs.gtPositions1Based ?? null;
  const persons = truth.annotations.length;
  return {
    workspaceFile,
    protocol,
    persons,
    variants,
    headSizes: headSizes(gt.headBoxes1Based, persons),
    personsPerImage: personsPerImage(truth.annotations.map((a) => a.image)),
    insideCrop: gtInsideCrop(truth.annotations, gtPositions ?? buildGtOnly(protocol, truth.annotations, gt)),
  };
}

/** The protocol's GT positions when no variant is scored (strata are then empty anyway). */
function buildGtOnly(
  protocol: PckhProtocol,
  persons: Parameters<typeof buildPckhInputs>[0]['persons'],
  gt: Parameters<typeof buildPckhInputs>[0]['gt'],
): Float64Array {
  return buildPckhInputs({ protocol, persons, gt, predictions0Based: new Float32Array(gt.count * J * 2) }).gtPositions1Based;
}

/** The rebuilt outcomes must sum to the scored report's tallies: both describe the same run. */
function checkAgainstReport(name: string, outcomes: PersonJointOutcomes, report: PckhReport): void {
  const sums = sumOutcomes(outcomes);
  for (let j = 0; j < J; j++) {
    const r = report.perJoint[j]!;
    if (sums.count[j] !== r.count || sums.evaluated[j] !== r.evaluated || sums.hitCount[j] !== r.hitCount) {
      throw new Error(
        `statistics: variant "${name}" ${MPII_JOINT_NAMES[j]}: per-person outcomes (${sums.hitCount[j]}/${sums.evaluated[j]}) disagree with its scored report (${r.hitCount}/${r.evaluated})`,
      );
    }
  }
}

/** The compare table's columns: the 9 table columns, then the 16 joints at 0.5. */
export const COMPARE_COLUMNS: readonly string[] = [...PCKH_METRIC_KEYS, ...MPII_JOINT_NAMES];

/** Index of a COMPARE_COLUMNS entry in the bootstrap's column layout. */
function bootstrapColumnIndex(k: number): number {
  return k < PCKH_METRIC_KEYS.length ? k : PCKH_COLUMN_JOINTS_OFFSET + (k - PCKH_METRIC_KEYS.length);
}

const num = (v: number): number | null => (Number.isFinite(v) ? v : null);

export interface CompareColumn {
  readonly name: string;
  readonly a: number | null;
  readonly b: number | null;
  readonly a_ci: [number | null, number | null];
  readonly b_ci: [number | null, number | null];
  readonly delta: number | null;
  readonly delta_ci: [number | null, number | null];
  /** The Δ interval lies entirely above or below 0. */
  readonly delta_excludes_zero: boolean;
  /** Exact McNemar p (groups at 0.5, PCKh = the 14 Mean joints pooled at 0.5, PCKh@0.1 the same at 0.1); null for joints. */
  readonly mcnemar_p: number | null;
  /** Holm-adjusted over the 9 McNemar tests of the table columns. */
  readonly holm_p: number | null;
  /** Discordant (person, joint) pairs: b = A hit & B miss, c = A miss & B hit; null for joints. */
  readonly mcnemar: { readonly b: number; readonly c: number; readonly pairs: number; readonly threshold: number } | null;
}

export interface CompareReport {
  readonly a: string;
  readonly b: string;
  readonly protocol: PckhProtocol;
  readonly persons: number;
  readonly bootstrap: number;
  readonly seed: number;
  readonly confidence: number;
  readonly columns: readonly CompareColumn[];
  readonly notes: readonly string[];
}

export const COMPARE_NOTES: readonly string[] = [
  'Intervals: paired percentile bootstrap over persons (Efron & Tibshirani), the same resample of persons for both variants in each replicate; values in percent.',
  'McNemar (exact binomial) on per-(person, joint) hits: groups at 0.5, PCKh = the 14 Mean joints pooled at 0.5, PCKh@0.1 = the same joints at 0.1; Holm over these 9 tests. Joint columns have no test (their Δ interval answers).',
  "Pooled McNemar treats a person's joints as independent pairs; they are not, so prefer the bootstrap interval when the two disagree.",
];

export interface BootstrapSettings {
  readonly replicates: number;
  readonly seed: number;
}

export function compareVariants(data: StatisticsData, aName: string, bName: string, settings: BootstrapSettings): CompareReport {
  const ia = data.variants.findIndex((v) => v.name === aName);
  const ib = data.variants.findIndex((v) => v.name === bName);
  if (ia < 0 || ib < 0) throw new PosebenchInputError({ file: data.workspaceFile }, `variant "${ia < 0 ? aName : bName}" has no finished run to compare`);
  if (ia === ib) throw new PosebenchInputError({ file: data.workspaceFile }, `compare needs two different variants (got "${aName}" twice)`);
  const a = data.variants[ia]!;
  const b = data.variants[ib]!;
  const boot = pairedBootstrap([a.outcomes, b.outcomes], { replicates: settings.replicates, seed: settings.seed });
  const delta = pairDelta(boot, 0, 1);
  const tests = columnTests(a.outcomes, b.outcomes);
  const columns = COMPARE_COLUMNS.map((name, k): CompareColumn => {
    const c = bootstrapColumnIndex(k);
    const va = boot.variants[0]!;
    const vb = boot.variants[1]!;
    const test = tests.find((t) => t.column === name);
    const lo = delta.lo[c]!;
    const hi = delta.hi[c]!;
    return {
      name,
      a: num(va.estimate[c]!),
      b: num(vb.estimate[c]!),
      a_ci: [num(va.lo[c]!), num(va.hi[c]!)],
      b_ci: [num(vb.lo[c]!), num(vb.hi[c]!)],
      delta: num(delta.estimate[c]!),
      delta_ci: [num(lo), num(hi)],
      delta_excludes_zero: lo > 0 || hi < 0,
      mcnemar_p: test ? test.result.p : null,
      holm_p: test ? test.holmP : null,
      mcnemar: test ? { b: test.result.b, c: test.result.c, pairs: test.result.pairs, threshold: test.threshold } : null,
    };
  });
  return {
    a: aName,
    b: bName,
    protocol: data.protocol,
    persons: data.persons,
    bootstrap: boot.replicates,
    seed: boot.seed,
    confidence: boot.confidence,
    columns,
    notes: COMPARE_NOTES,
  };
}

export interface ColumnWithInterval {
  readonly name: string;
  readonly value: number | null;
  readonly ci: [number | null, number | null];
}

export interface CalibrationJson {
  readonly n: number;
  readonly hits: number;
  readonly ece: number | null;
  readonly auroc: number | null;
  readonly constant_score: boolean;
  readonly score_range: [number | null, number | null];
  readonly bins: readonly { readonly count: number; readonly mean_score: number; readonly hit_rate: number }[];
  readonly pckh_at_coverage: readonly { readonly dropped_percent: number; readonly pckh: number | null }[];
}

export interface VariantStatistics {
  readonly name: string;
  readonly columns: readonly ColumnWithInterval[];
  /** null when the run stored no score for any evaluated joint. */
  readonly calibration: {
    readonly overall: CalibrationJson | null;
    readonly per_joint: readonly ({ readonly name: string } & CalibrationJson)[];
    readonly without_score: number;
  } | null;
  readonly strata: readonly {
    readonly name: string;
    readonly description: string;
    readonly boundaries?: readonly [number, number] | null;
    readonly strata: readonly {
      readonly label: string;
      readonly persons: number;
      readonly mean: number | null;
      readonly per_joint: readonly { readonly name: string; readonly evaluated: number; readonly hits: number; readonly pckh: number | null }[];
    }[];
  }[];
}

export interface StatisticsReport {
  readonly protocol: PckhProtocol;
  readonly persons: number;
  readonly bootstrap: number;
  readonly seed: number;
  readonly confidence: number;
  readonly variants: readonly VariantStatistics[];
  readonly notes: readonly string[];
}

function calibrationJson(c: CalibrationSummary): CalibrationJson {
  return {
    n: c.n,
    hits: c.hits,
    ece: c.ece,
    auroc: c.auroc,
    constant_score: c.constantScore,
    score_range: [c.scoreMin, c.scoreMax],
    bins: c.bins.map((b) => ({ count: b.count, mean_score: b.meanScore, hit_rate: b.hitRate })),
    pckh_at_coverage: COVERAGE_DROPS.map((drop, k) => ({ dropped_percent: drop, pckh: c.pckhAtCoverage[k] ?? null })),
  };
}

function columnsWithIntervals(intervals: ColumnIntervals): ColumnWithInterval[] {
  return COMPARE_COLUMNS.map((name, k) => {
    const c = bootstrapColumnIndex(k);
    return { name, value: num(intervals.estimate[c]!), ci: [num(intervals.lo[c]!), num(intervals.hi[c]!)] };
  });
}

function strataJson(s: Stratification & { readonly boundaries?: readonly [number, number] | null }): VariantStatistics['strata'][number] {
  return {
    name: s.name,
    description: s.description,
    ...(s.boundaries !== undefined ? { boundaries: s.boundaries } : {}),
    strata: s.strata.map((st) => ({
      label: st.label,
      persons: st.persons,
      mean: st.mean,
      per_joint: MPII_JOINT_NAMES.map((name, j) => ({ name, evaluated: st.evaluated[j]!, hits: st.hits[j]!, pckh: st.pckh[j] ?? null })),
    })),
  };
}

export function variantStatistics(data: StatisticsData, settings: BootstrapSettings): StatisticsReport & { readonly bootstrapResult: BootstrapResult } {
  const boot = pairedBootstrap(
    data.variants.map((v) => v.outcomes),
    { replicates: settings.replicates, seed: settings.seed },
  );
  const variants = data.variants.map((v, i): VariantStatistics => {
    const calibration = variantCalibration(v.outcomes, v.scores);
    const hasScores = calibration.overall !== null || calibration.perJoint.some((c) => c !== null);
    return {
      name: v.name,
      columns: columnsWithIntervals(boot.variants[i]!),
      calibration: hasScores
        ? {
            overall: calibration.overall ? calibrationJson(calibration.overall) : null,
            per_joint: calibration.perJoint.flatMap((c, j) => (c ? [{ name: MPII_JOINT_NAMES[j]!, ...calibrationJson(c) }] : [])),
            without_score: calibration.withoutScore,
          }
        : null,
      strata: [
        strataJson(headSizeStrata(v.outcomes, data.headSizes)),
        strataJson(crowdStrata(v.outcomes, data.personsPerImage)),
        strataJson(cropStrata(v.outcomes, data.insideCrop)),
      ],
    };
  });
  return {
    protocol: data.protocol,
    persons: data.persons,
    bootstrap: boot.replicates,
    seed: boot.seed,
    confidence: boot.confidence,
    variants,
    notes: [
      COMPARE_NOTES[0]!,
      'Calibration (PCKh hit at 0.5 vs the per-joint score): 10 equal-count bins; ECE (Guo et al. 2017) only when every score is in [0, 1]; AUROC in the Mann-Whitney form (ties ½); PCKh at coverage drops the lowest-scored joints (ties by expected value). calibration is null when the run stored no scores (imported predictions without a score).',
      "Strata: PCKh at 0.5 per joint; a stratum's mean is 100·Σhits/Σevaluated over the 14 Mean joints.",
      OCCLUSION_NOTE,
    ],
    bootstrapResult: boot,
  };
}
