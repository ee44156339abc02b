/**
 * The engine's in-memory view of a workspace for the UI: the opened dataset and, per variant, its
 * predictions and evaluation arrays. All UI queries (tables, failures, compare filters, overlays)
 * are answered from here with typed-array scans; SQLite is the durable copy.
 */
import type { MetricColumn, VariantKind, VariantStatus, LatencySummary, DatasetSummary } from '../api/contract.ts';
import type { MatGroundTruth, PersonAnnotation, PckhProtocol } from '../core/types.ts';

export interface VariantEvaluation {
  readonly protocol: PckhProtocol;
  readonly metrics: Readonly<Record<MetricColumn, number>>;
  /** 16 each, percent; NaN where the joint is not predicted. */
  readonly perJointPckh: readonly number[];
  readonly perJointAt01: readonly number[];
  readonly perJointCount: readonly number[];
  readonly thresholds: readonly number[];
  /** percent at each threshold */
  readonly curveMean: readonly number[];
  /** [joint][threshold] percent */
  readonly curvePerJoint: readonly (readonly number[])[];
  readonly auc: number;
  /** N*16: distance / head size; NaN where not evaluated. */
  readonly normalizedErrors: Float64Array;
  /** N*16: 1 hit, 0 miss, 255 not evaluated (threshold 0.5). */
  readonly hits: Uint8Array;
}

export interface VariantState {
  readonly id: string;
  /** Row id in the workspace's `variants` table. */
  readonly storeId: number | null;
  name: string;
  readonly kind: VariantKind;
  readonly sourcePath: string;
  status: VariantStatus;
  error: string | null;
  latency: LatencySummary | null;
  hidden: boolean;
  /** Explicit decoder options, e.g. "flip test" (empty: the sidecar's). */
  optionsLabel: string;
  /** Why the numbers shown are not from the variant's current identity, else null. */
  stale: string | null;
  /** The workspace run the numbers come from, and its identity key (null before a run). */
  currentRunId: number | null;
  currentIdentityKey: string | null;
  /** N*16*2, 0-based pixels, NaN where not predicted; null before a run. */
  predictions: Float32Array | null;
  /** Instances with predictions (N*… row present). */
  predictedCount: number;
  failureCount: number;
  jointPredicted: readonly boolean[];
  evaluation: VariantEvaluation | null;
}

export interface DatasetState {
  readonly id: string;
  readonly storeId: number | null;
  readonly root: string;
  readonly imagesDir: string;
  readonly isDemo: boolean;
  readonly persons: readonly PersonAnnotation[];
  readonly gt: MatGroundTruth | null;
  readonly protocol: PckhProtocol;
  readonly summary: DatasetSummary;
  /** Image names (as in the json) whose file is missing. */
  readonly missingImages: ReadonlySet<string>;
}

export const HIT = 1;
export const MISS = 0;
export const NOT_EVALUATED = 255;
