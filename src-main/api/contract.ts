/**
 * The one typed API between the workbench UI and its hosts (web host, Electron).
 *
 * Every call is a `domain:verb` channel with a zod request schema (request-schemas.ts, validated at
 * every host boundary) and a response type (here). Events flow engine → UI only. The renderer imports
 * this file, which holds only types and small tables: the schemas (and zod) stay on the Node side; the
 * request types are inferred from them through type-only imports, which the compiler erases.
 */
import type { z } from 'zod';
import type { UserErrorKind } from '../core/errors.ts';
import type { RunManifest } from '../core/run-manifest.ts';
import type { CocoErrorClass, CocoStatName, PckhProtocol, Point2 } from '../core/types.ts';
import type { cocoEditSchema, correctionEditSchema, decoderOptionsSchema, requestSchemas } from './request-schemas.ts';

/** Columns of the per-joint table, in the order the study (and mmpose) prints them. */
export const METRIC_COLUMNS = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1'] as const;
export type MetricColumn = (typeof METRIC_COLUMNS)[number];

/** The PCKh protocols the UI can show, default first (defined once in core/types.ts). */
export { DEFAULT_PCKH_PROTOCOL, PCKH_PROTOCOLS } from '../core/types.ts';
/** pycocotools' ten numbers and coco-analyze's error classes (defined once in core/types.ts). */
export { COCO_ERROR_CLASSES, COCO_STAT_NAMES, type CocoErrorClass, type CocoStatName } from '../core/types.ts';

export type CorrectionEditRequest = z.infer<typeof correctionEditSchema>;
export type DecoderOptionsRequest = z.infer<typeof decoderOptionsSchema>;

export type Channel = keyof typeof requestSchemas;
/** What a caller passes (defaults optional). */
export type RequestInput<C extends Channel> = z.input<(typeof requestSchemas)[C]>;
/** What a handler receives (after validation, defaults applied). */
export type Request<C extends Channel> = z.output<(typeof requestSchemas)[C]>;

// ---------------------------------------------------------------------------------------------
// Response types
// ---------------------------------------------------------------------------------------------

export interface DatasetSummary {
  readonly id: string;
  readonly name: string;
  readonly root: string;
  readonly isDemo: boolean;
  readonly personCount: number;
  readonly imageCount: number;
  readonly missingImageCount: number;
  readonly protocol: PckhProtocol;
  readonly warningCount: number;
  /** The first warnings, as readable messages naming file and entry. */
  readonly warnings: readonly string[];
  /** Ground-truth revision every number in the UI reflects (bumped by each edit, undo, redo). */
  readonly gtRevision: number;
  /** Instances that differ from the original annotations through active corrections. */
  readonly correctedInstanceCount: number;
  /** 'coco': a COCO-format keypoint folder, shown by the COCO views (the `coco:*` channels); null `coco` on MPII. */
  readonly kind: DatasetKind;
  readonly coco: CocoDatasetInfo | null;
}

export type DatasetKind = 'mpii' | 'coco';

export interface CocoDatasetInfo {
  readonly annotationFile: string;
  readonly category: string;
  /** Keypoint names in the file's order (any set: COCO-17 or a custom one). */
  readonly keypoints: readonly string[];
  /** 0-based keypoint index pairs (the file's `skeleton` is 1-based). */
  readonly skeleton: readonly (readonly [number, number])[];
  readonly sigmas: readonly number[];
  /** 'file': the category's own `sigmas`; 'coco': COCO's published σ by keypoint name. */
  readonly sigmaSource: 'file' | 'coco';
  readonly hasImages: boolean;
  /** Persons that count in pycocotools' 'all' range (not crowd, num_keypoints > 0), and crowd regions. */
  readonly countedPersons: number;
  readonly crowdRegions: number;
}

export interface WorkspaceState {
  readonly dbPath: string;
  readonly dataset: DatasetSummary | null;
}

export type VariantKind = 'model' | 'predictions';
export type VariantStatus = 'pending' | 'running' | 'ready' | 'failed';

/** A latency distribution of single-thread `session.run` (ms). Spread fields are null for figures kept from before distributions. */
export interface LatencySummary {
  readonly medianMs: number;
  readonly p5Ms: number | null;
  readonly p25Ms: number | null;
  readonly p75Ms: number | null;
  readonly p95Ms: number;
  /** Timings behind it (0: a single figure carried over from an older workspace). */
  readonly n: number;
}

export interface LatencyHistoryItem extends LatencySummary {
  readonly measuredAt: string;
  /** Workspace run it was measured with (null: a re-measurement). */
  readonly runId: number | null;
  readonly modelSha256: string | null;
  readonly environment: Readonly<Record<string, unknown>>;
}

/** What produced a run's numbers (core/run-manifest.ts, written by workbench/run-manifest.ts). */
export type RunManifestView = RunManifest;

/** One stored run of a variant, for its history in Runs. */
export interface StoredRunView {
  readonly runId: number;
  readonly status: 'queued' | 'running' | 'done' | 'cancelled' | 'failed';
  readonly total: number;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  /** The run the variant's numbers come from. */
  readonly current: boolean;
  readonly error: string | null;
  readonly manifest: RunManifestView | null;
  /** Persons that could not be predicted, one line each (`IMAGE (entry N): reason`), at most 50. */
  readonly failures: readonly string[];
  readonly failureCount: number;
  /** Persons scored with a warning (damaged image), one line each, at most 50. */
  readonly warnings: readonly string[];
  readonly warningCount: number;
}

export interface VariantDetails {
  readonly variant: VariantSummary;
  /** Options set on the variant (over the sidecar's). */
  readonly decoderOptions: DecoderOptionsRequest;
  /** The model sidecar's own decoder options (model variants), for showing what is inherited. */
  readonly sidecarDecoder: Readonly<Record<string, unknown>> | null;
  readonly head: string | null;
  /** Newest first. */
  readonly runs: readonly StoredRunView[];
  /** Newest first. */
  readonly latencyHistory: readonly LatencyHistoryItem[];
  /** What `variants:remove` deletes, for the confirmation. */
  readonly removes: { readonly runs: number; readonly predictions: number; readonly latencyMeasurements: number };
}

export interface AddModelResult {
  readonly variant: VariantSummary;
  /** false: this model with these options was already listed; nothing was added. */
  readonly created: boolean;
  readonly message: string;
}

export interface VariantSummary {
  readonly id: string;
  readonly name: string;
  readonly kind: VariantKind;
  /** File name of the model or prediction file (no folders). */
  readonly source: string;
  readonly status: VariantStatus;
  readonly evaluated: boolean;
  readonly latency: LatencySummary | null;
  readonly predictedCount: number;
  readonly failureCount: number;
  readonly error: string | null;
  /** Hidden variants stay listed here (to show them again) but leave every table, chart and filter. */
  readonly hidden: boolean;
  /** Options set on the variant, e.g. "flip test, DARK" (empty: the sidecar's). */
  readonly optionsLabel: string;
  /** Why the shown numbers are not from this variant's current identity (options or model changed), else null. */
  readonly stale: string | null;
}

/** Percent values; null where not computable (e.g. a joint the model does not predict). */
export type MetricValues = Readonly<Record<MetricColumn, number | null>>;

export interface MetricsRow {
  readonly variantId: string;
  readonly variantName: string;
  readonly values: MetricValues;
  /** Median single-thread latency (= latency.medianMs). */
  readonly latencyMs: number | null;
  readonly latency: LatencySummary | null;
  /**
   * The fastest variant, clearly: its p95 is below every other variant's p5. Without that separation
   * no variant is marked fastest (the medians' order may be noise).
   */
  readonly latencyClearlyBest: boolean;
  readonly count: number;
}

export interface PerJointRow {
  readonly variantId: string;
  readonly variantName: string;
  /** 16 values in MPII order, percent; null where not computable. */
  readonly pckh: readonly (number | null)[];
  readonly pckhAt01: readonly (number | null)[];
  readonly count: readonly number[];
}

export interface MetricsTable {
  readonly protocol: PckhProtocol | null;
  /** Ground-truth revision the numbers were computed against (null without a dataset). */
  readonly gtRevision: number | null;
  readonly columns: readonly MetricColumn[];
  readonly rows: readonly MetricsRow[];
  readonly perJoint: readonly PerJointRow[];
}

export interface CurveSeries {
  readonly variantId: string;
  readonly variantName: string;
  /** percent at each threshold; null where not computable */
  readonly mean: readonly (number | null)[];
  /** [joint][threshold] percent */
  readonly perJoint: readonly (readonly (number | null)[])[];
  readonly auc: number | null;
}

export interface MetricsCurves {
  readonly thresholds: readonly number[];
  readonly series: readonly CurveSeries[];
}

export interface FailureItem {
  readonly instanceIndex: number;
  readonly image: string;
  /** Distance / head size; null when the joint was not predicted. */
  readonly normalizedError: number | null;
  readonly hit: boolean;
  readonly predicted: boolean;
  /** Error class (issue 15, as `posebench analyze`); null without a gt `.mat`. */
  readonly errorClass: ErrorClassName | null;
}

export interface FailuresList {
  readonly variantId: string;
  readonly joint: number;
  /** The class filter applied (total and items are of that class), or null. */
  readonly errorClass: ErrorClassName | null;
  /** Instances where the joint is annotated (visible in the protocol). */
  readonly total: number;
  readonly missCount: number;
  readonly items: readonly FailureItem[];
}

/** Square crop around the person: [x0, y0, side] in 0-based image pixels. */
export type CropBox = readonly [x0: number, y0: number, side: number];

export interface InstanceBrief {
  readonly instanceIndex: number;
  readonly image: string;
  /** false when the image file is missing from the dataset folder (no thumbnail then). */
  readonly imageExists: boolean;
  readonly crop: CropBox;
  /** 32 numbers (x, y per joint), null where missing. */
  readonly gt: readonly (number | null)[];
  /** 32 numbers of the requested variant, or null without a variant. */
  readonly pred: readonly (number | null)[] | null;
}

export interface InstancesList {
  readonly total: number;
  readonly datasetId: string;
  readonly items: readonly InstanceBrief[];
}

export interface InstancePrediction {
  readonly variantId: string;
  readonly variantName: string;
  readonly joints: readonly (Point2 | null)[];
  readonly normalizedErrors: readonly (number | null)[];
  /** hit at threshold 0.5; null where the joint does not count (missing in GT). */
  readonly hits: readonly (boolean | null)[];
}

export interface InstanceDetail {
  readonly instanceIndex: number;
  readonly entryIndex: number;
  readonly image: string;
  readonly imageExists: boolean;
  /** Media key of the full image; the bridge turns it into a URL. */
  readonly imageKey: string;
  readonly crop: CropBox;
  readonly center: Point2 | null;
  readonly scale: number;
  /** 0.6 × head-box diagonal (spec §0.2), pixels. */
  readonly headSize: number;
  /** Head box, 0-based [x1, y1, x2, y2]. */
  readonly headBox: readonly [number, number, number, number];
  readonly gt: readonly (Point2 | null)[];
  /** Joint counts in the protocol (not missing). */
  readonly counted: readonly boolean[];
  readonly predictions: readonly InstancePrediction[];
}

export interface CompareRow {
  readonly variantId: string;
  readonly variantName: string;
  readonly values: MetricValues;
  /** values − baseline values (the first variant); zeros for the baseline. */
  readonly deltas: MetricValues;
  readonly latencyMs: number | null;
  readonly latency: LatencySummary | null;
}

export interface CompareTable {
  readonly baselineId: string;
  readonly columns: readonly MetricColumn[];
  readonly rows: readonly CompareRow[];
}

export interface ScatterPoint {
  readonly variantId: string;
  readonly variantName: string;
  readonly latencyMs: number;
  /** p5–p95 of the latency (error bars); null where only a median is known. */
  readonly latencyP5Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly pckh: number;
  /** On the Pareto front (no other variant is both faster and more accurate). */
  readonly pareto: boolean;
}

export interface CompareFilterResult {
  readonly total: number;
  readonly instanceIndices: readonly number[];
}

export type RunStatus = 'running' | 'finished' | 'cancelled' | 'failed';

/** What a run does for one variant (workbench/run-variants.ts PlannedAction). */
export interface RunPlanItem {
  readonly variantId: string;
  readonly variantName: string;
  readonly action: 'new' | 'resume' | 'retry-failed' | 'reuse';
  /** Persons this run does for the variant, of `total`. */
  readonly toRun: number;
  readonly total: number;
}

export interface RunSummary {
  readonly id: string;
  readonly variantIds: readonly string[];
  /** Empty until the run is planned (identities computed). */
  readonly plan: readonly RunPlanItem[];
  readonly status: RunStatus;
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly etaSeconds: number | null;
  readonly error: string | null;
}

/**
 * Crop preparation for the open dataset (issue 3): the persons' crops for the model variants' input
 * sizes, made ahead at the lowest priority so that runs decode no image.
 */
export interface CropPreparationStatus {
  /** 'off': no crop cache or no worker; 'held': waiting while a run (or thumbnail pre-generation) goes on. */
  readonly state: 'off' | 'idle' | 'running' | 'held' | 'done' | 'failed';
  /** Input sizes being prepared, e.g. "256x256". */
  readonly sizes: readonly string[];
  readonly imagesDone: number;
  readonly imagesTotal: number;
  readonly cropsMade: number;
  readonly cropsFound: number;
  readonly failedImages: number;
  /** Why it stopped early: the cache budget, or an error. */
  readonly note: string | null;
}

/** One joint of the editable ground truth: its position is kept while it is marked missing. */
export interface EditableJoint {
  readonly xy: Point2 | null;
  /** Annotated (counted by PCKh). */
  readonly visible: boolean;
}

/** The effective (corrected) annotation of one instance, as the editor edits it. 0-based pixels. */
export interface InstanceGroundTruth {
  readonly instanceIndex: number;
  readonly joints: readonly EditableJoint[];
  /** [x1, y1, x2, y2], null without a gt `.mat`. */
  readonly headBox: readonly [number, number, number, number] | null;
  /** 0.6 × head-box diagonal (spec §0.2), null without a head box. */
  readonly headSize: number | null;
  /** Active corrections touch this instance. */
  readonly corrected: boolean;
  readonly gtRevision: number;
}

/** Undo/redo state of the open dataset's corrections. */
export interface CorrectionHistory {
  readonly gtRevision: number;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly undoCount: number;
  readonly redoCount: number;
  readonly correctedInstanceCount: number;
}

export interface CorrectionResult {
  readonly history: CorrectionHistory;
  /** Instance the edit (or the undone / redone edit) touched; null when there was nothing to undo/redo. */
  readonly instanceIndex: number | null;
  /** What happened, for a status line. */
  readonly message: string;
}

export type HitVerdict = 'hit' | 'miss' | 'not-evaluated';

export interface VerdictChange {
  readonly instanceIndex: number;
  readonly image: string;
  readonly joint: number;
  readonly before: HitVerdict;
  readonly after: HitVerdict;
  readonly errorBefore: number | null;
  readonly errorAfter: number | null;
}

export interface ReevaluationVariant {
  readonly variantId: string;
  readonly variantName: string;
  /** 16 per-joint PCKh values (percent, MPII order), against the original and the corrected GT. */
  readonly originalPerJoint: readonly (number | null)[];
  readonly correctedPerJoint: readonly (number | null)[];
  readonly originalValues: MetricValues;
  readonly correctedValues: MetricValues;
  readonly changes: readonly VerdictChange[];
}

export interface Reevaluation {
  /** Protocol both sides were scored under. */
  readonly protocol: PckhProtocol;
  readonly gtRevision: number;
  readonly correctedInstanceCount: number;
  readonly variants: readonly ReevaluationVariant[];
}

export interface ExportResult {
  readonly format: 'mpii-json' | 'mpii-mat' | 'coco';
  readonly file: string;
  readonly bytes: number;
  readonly entries: number;
  readonly correctedEntries: number;
  readonly imagesWithoutSize: number;
  readonly message: string;
}

// ---------------------------------------------------------------------------------------------
// Issue 15: error classes and the ground-truth review queue; issue 16: intervals and paired tests.
// Shapes mirror the workbench's plain-JSON results (workbench/analysis.ts, gt-review-queue.ts,
// statistics.ts; snake_case as the CLI prints them): the engine returns them unchanged, so the
// compiler checks that they stay the same, plus the variant ids the UI keys on.
// ---------------------------------------------------------------------------------------------

export const ERROR_CLASSES = ['hit', 'jitter', 'inversion', 'swap', 'miss'] as const;
export type ErrorClassName = (typeof ERROR_CLASSES)[number];

export interface JointErrorClasses extends Readonly<Record<ErrorClassName, number>> {
  readonly name: string;
  readonly count: number;
  /** Joints classified (= evaluated at 0.5). */
  readonly evaluated: number;
  readonly pckh: number | null;
  readonly pckh_if_inversions_fixed: number | null;
  readonly pckh_if_swaps_fixed: number | null;
  readonly pckh_if_jitter_fixed: number | null;
}

export interface VariantErrorClasses {
  readonly variantId: string;
  readonly name: string;
  readonly pckh: number | null;
  readonly pckh_if_inversions_fixed: number | null;
  readonly pckh_if_swaps_fixed: number | null;
  readonly pckh_if_jitter_fixed: number | null;
  /** Over the 14 Mean joints. */
  readonly totals: Readonly<Record<ErrorClassName, number>>;
  /** 16 joints, MPII order. */
  readonly per_joint: readonly JointErrorClasses[];
}

export interface ErrorClassesReport {
  readonly protocol: PckhProtocol;
  readonly persons: number;
  readonly thresholds: { readonly inversion: number; readonly swap: number; readonly jitter: number };
  readonly variants: readonly VariantErrorClasses[];
  readonly notes: readonly string[];
}

export const REVIEW_SUSPECT_KINDS = [
  'flip_pair',
  'flip_upper_body',
  'flip_lower_body',
  'flip_whole_person',
  'displaced_joint',
  'wrong_person',
  'joint_outside_image',
  'head_box_degenerate',
  'head_box_off_head',
  'duplicate_person',
] as const;
export type ReviewSuspectKind = (typeof REVIEW_SUSPECT_KINDS)[number];

export type ReviewProposal =
  | { readonly action: 'swap_pairs'; readonly pairs: readonly (readonly [string, string])[] }
  | { readonly action: 'move_joint'; readonly joint: string; readonly to: readonly [number, number] }
  | { readonly action: 'mark_missing'; readonly joints: readonly string[] }
  | { readonly action: 'none'; readonly reason: string };

/** label_right: the GT stays (rejected); fixed: the proposal was applied (accepted); later: deferred. */
export type ReviewVerdict = 'label_right' | 'fixed' | 'later';

export interface ReviewDecisionView {
  readonly verdict: ReviewVerdict;
  readonly gt_revision: number;
  readonly decided_at: string;
  readonly note: string | null;
}

export interface ReviewSuspect {
  /** `${index}:${kind}:${joints}`: what a decision refers to. */
  readonly id: string;
  /** 0-based dataset entry = the instance index of every other view. */
  readonly index: number;
  readonly image: string;
  readonly kind: ReviewSuspectKind;
  readonly score: number;
  readonly joints: readonly string[];
  /** Predictors that agree, of `of` (0 of 0: a check that needs no predictor). */
  readonly predictors: number;
  readonly of: number;
  readonly evidence: Readonly<Record<string, number | string | null>>;
  readonly proposal: ReviewProposal;
  /** The decision that still applies (same GT of this person, same predictor runs), else null: open. */
  readonly decision: ReviewDecisionView | null;
}

export interface ReviewQueueView {
  readonly predictors: readonly string[];
  readonly persons: number;
  readonly gt_revision: number;
  /** Score descending, as `posebench qc`; decided ones included (the UI filters). */
  readonly suspects: readonly ReviewSuspect[];
}

export interface ReviewDecideResult {
  readonly suspectId: string;
  readonly decision: ReviewDecisionView;
  /** The correction an accepted proposal made (undo works on it), else null. */
  readonly correction: CorrectionResult | null;
  readonly message: string;
}

/** [lo, hi] percentile interval, percent; null ends where not computable. */
export type Interval = readonly [number | null, number | null];

export interface ColumnInterval {
  /** A METRIC_COLUMNS name, then the 16 MPII joint names (at 0.5). */
  readonly name: string;
  readonly value: number | null;
  readonly ci: Interval;
}

export interface VariantIntervals {
  readonly variantId: string;
  readonly name: string;
  readonly columns: readonly ColumnInterval[];
}

export interface StatisticsIntervals {
  readonly protocol: PckhProtocol;
  readonly persons: number;
  readonly bootstrap: number;
  readonly seed: number;
  readonly confidence: number;
  readonly variants: readonly VariantIntervals[];
  readonly notes: readonly string[];
}

export interface PairColumn {
  readonly name: string;
  readonly a: number | null;
  readonly b: number | null;
  readonly a_ci: Interval;
  readonly b_ci: Interval;
  /** a − b */
  readonly delta: number | null;
  readonly delta_ci: Interval;
  readonly delta_excludes_zero: boolean;
  readonly mcnemar_p: number | null;
  readonly holm_p: number | null;
  readonly mcnemar: { readonly b: number; readonly c: number; readonly pairs: number; readonly threshold: number } | null;
}

export interface PairComparison {
  readonly aId: string;
  readonly bId: string;
  /** Variant names (as `posebench compare` prints them). */
  readonly a: string;
  readonly b: string;
  readonly protocol: PckhProtocol;
  readonly persons: number;
  readonly bootstrap: number;
  readonly seed: number;
  readonly confidence: number;
  readonly columns: readonly PairColumn[];
  readonly notes: readonly string[];
}

/** Report formats of `posebench report` (defined once in core/types.ts). */
export { REPORT_FORMATS, type ReportFormat } from '../core/types.ts';

/** A built report (text in every format): the UI saves it as a download. */
export interface BuiltReportView {
  readonly fileName: string;
  readonly mime: string;
  readonly text: string;
  readonly bytes: number;
}

// ---------------------------------------------------------------------------------------------
// COCO keypoint datasets (issue 18): numbers are fractions (the UI shows percent); null where
// pycocotools gives −1 (no GT in that area range) or a share has no keypoints.
// ---------------------------------------------------------------------------------------------

export interface CocoVariantSummary {
  readonly id: string;
  readonly name: string;
  readonly kind: 'predictions' | 'model';
  /** File name of the results file or model (no folders). */
  readonly source: string;
  readonly detections: number;
  readonly importedAt: string;
}

export interface CocoKeypointRow {
  readonly name: string;
  /** Labelled keypoints of matched persons. */
  readonly count: number;
  readonly oksAcc50: number | null;
  readonly oksAcc75: number | null;
  /** PCK at `pckAlphas` of the box's longer side, and of the torso (left_shoulder–right_hip). */
  readonly pckBbox: readonly (number | null)[];
  readonly pckTorso: readonly (number | null)[];
  readonly meanErrorBbox: number | null;
  readonly classes: Readonly<Record<CocoErrorClass, number | null>>;
  /** AP restricted to this keypoint (mmpose's KeypointPartitionMetric with one keypoint). */
  readonly ap: number | null;
}

export interface CocoVariantMetrics {
  readonly variant: CocoVariantSummary;
  readonly stats: Readonly<Record<CocoStatName, number | null>>;
  readonly matchedPersons: number;
  readonly keypoints: readonly CocoKeypointRow[];
  /** face / arms / legs (COCO-17 names only): AP restricted to the group. */
  readonly groups: readonly { readonly name: string; readonly keypoints: readonly string[]; readonly ap: number | null }[];
  /** AP (area all) at each of `oksThresholds`; their mean is AP. */
  readonly apByThreshold: readonly (number | null)[];
  /** Interpolated precision at recall 0, 0.01, …, 1 (area all), at OKS 0.5 and 0.75. */
  readonly precisionCurves: readonly { readonly threshold: number; readonly precision: readonly (number | null)[] }[];
}

export interface CocoMetricsView {
  readonly keypoints: readonly string[];
  /** pycocotools' OKS thresholds 0.50:0.05:0.95. */
  readonly oksThresholds: readonly number[];
  readonly persons: number;
  readonly pckAlphas: readonly number[];
  readonly variants: readonly CocoVariantMetrics[];
}

/** One GT person of a COCO dataset as Browse lists it, with one variant's outcome when asked. */
export interface CocoPersonItem {
  /** Position among the annotation file's keypoint-category annotations. */
  readonly index: number;
  readonly annotationId: number;
  readonly imageId: number;
  readonly fileName: string;
  /** Media key of the image, or null when the dataset has no image folder. */
  readonly imageKey: string | null;
  /** The image's size as the annotation file gives it (null when it gives none). */
  readonly imageWidth: number | null;
  readonly imageHeight: number | null;
  readonly bbox: readonly [number, number, number, number];
  readonly iscrowd: boolean;
  readonly numKeypoints: number;
  /** x, y, v per keypoint (for the card's skeleton). */
  readonly keypoints: readonly number[];
  /** Whether pycocotools counts the person (not crowd, num_keypoints > 0, cocoeval.py:111, 250–254). */
  readonly counted: boolean;
  /** With a variant: OKS with its matched detection (null: missed or ignored). */
  readonly oks: number | null;
  /** With a variant and a keypoint: that keypoint's KS and class (null: unlabelled or unmatched). */
  readonly ks: number | null;
  readonly errorClass: CocoErrorClass | null;
}

export interface CocoPersonsList {
  readonly total: number;
  /** Image ids in the list's order, each once (the image viewer's previous / next). */
  readonly imageIds: readonly number[];
  readonly items: readonly CocoPersonItem[];
}

export interface CocoImagePerson {
  readonly index: number;
  readonly annotationId: number;
  readonly bbox: readonly [number, number, number, number];
  readonly iscrowd: boolean;
  readonly area: number;
  readonly numKeypoints: number;
  /** x, y, v per keypoint (v: 0 unlabelled, 1 labelled but not visible, 2 visible). */
  readonly keypoints: readonly number[];
}

export interface CocoImageVariant {
  readonly variantId: string;
  readonly name: string;
  /** The image's detections, score order; `matchedIndex`: the GT person pycocotools matched at OKS 0.5. */
  readonly detections: readonly {
    readonly keypoints: readonly number[];
    readonly score: number;
    readonly matchedIndex: number | null;
    readonly oks: number | null;
  }[];
  /** Per GT person of the image (same order as `persons`): KS and class per keypoint (null: not counted). */
  readonly persons: readonly { readonly index: number; readonly ks: readonly (number | null)[]; readonly classes: readonly (CocoErrorClass | null)[] }[];
}

export interface CocoImageDetail {
  readonly imageId: number;
  readonly fileName: string;
  readonly imageKey: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly persons: readonly CocoImagePerson[];
  readonly variants: readonly CocoImageVariant[];
}

export interface CocoCorrectionResult {
  /** The annotation index the step touched (null: nothing to undo / redo). */
  readonly index: number | null;
  /** Active corrections (the COCO dataset's GT revision). */
  readonly gtRevision: number;
  readonly undo: number;
  readonly redo: number;
}

export interface CocoExportResult {
  readonly file: string;
  readonly bytes: number;
  /** Persons whose annotation differs from the original (0: the original file's bytes were written). */
  readonly edited: number;
  readonly message: string;
}

export type CocoEditRequest = z.infer<typeof cocoEditSchema>;

/** A suspect label of the COCO review queue (evaluation/coco-gt-review.ts): keypoints by index. */
export interface CocoSuspectView {
  readonly id: string;
  readonly index: number;
  readonly annotationId: number;
  readonly imageId: number;
  readonly fileName: string;
  readonly kind: 'flip' | 'displaced_keypoint' | 'impossible';
  readonly score: number;
  readonly keypoints: readonly number[];
  readonly predictors: number;
  readonly of: number;
  readonly reason: string;
  /** The correction that applies the proposal, or null when it needs none or cannot be one edit. */
  readonly fix: CocoEditRequest | null;
  /** The reviewer's standing decision (kept in the workspace while the person's label and the variants' results are unchanged), or null. */
  readonly decision: { readonly verdict: 'label_right' | 'later'; readonly decidedAt: string } | null;
}

export interface CocoReviewView {
  readonly predictors: readonly string[];
  readonly persons: number;
  readonly suspects: readonly CocoSuspectView[];
}

/** A model run on a COCO dataset started from the app (engine/coco/coco-runs.ts). */
export interface CocoRunView {
  readonly id: string;
  /** The variant it stores as. */
  readonly name: string;
  readonly model: string;
  readonly status: 'running' | 'finished' | 'failed';
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  /** What it stored, or why it failed. */
  readonly message: string | null;
}

/** Two variants on a COCO dataset, keypoint by keypoint (hit: KS ≥ 0.5 with the person matched). */
export interface CocoCompareRow {
  readonly name: string;
  /** Labelled keypoints of counted persons. */
  readonly count: number;
  readonly aHits: number;
  readonly bHits: number;
  readonly aHitBMiss: number;
  readonly aMissBHit: number;
  readonly bothMiss: number;
  readonly aAp: number | null;
  readonly bAp: number | null;
}

export type CocoCompareRelation = 'a-hit-b-miss' | 'a-miss-b-hit' | 'both-miss';

export interface CocoCompareView {
  readonly a: CocoVariantSummary;
  readonly b: CocoVariantSummary;
  readonly aStats: Readonly<Record<CocoStatName, number | null>>;
  readonly bStats: Readonly<Record<CocoStatName, number | null>>;
  readonly rows: readonly CocoCompareRow[];
  /** With a keypoint and a relation: the persons in that cell (B's KS shown). */
  readonly persons: readonly CocoPersonItem[];
}

export interface ResponseMap {
  'workspace:get': WorkspaceState;
  'workspace:open': WorkspaceState;
  'dataset:summary': DatasetSummary | null;
  'variants:list': readonly VariantSummary[];
  'variants:addModel': AddModelResult;
  'variants:details': VariantDetails;
  'variants:rename': VariantSummary;
  'variants:setHidden': VariantSummary;
  'variants:setOptions': VariantSummary;
  'variants:remove': { readonly removed: string; readonly message: string };
  'latency:measure': LatencyHistoryItem;
  /** `message`: whether the file was new, unchanged (reused) or replaced an earlier import of that name. */
  'variants:importPredictions': VariantSummary & { readonly message?: string };
  'metrics:table': MetricsTable;
  'metrics:curves': MetricsCurves;
  'failures:list': FailuresList;
  'instances:list': InstancesList;
  'instance:get': InstanceDetail;
  'compare:table': CompareTable;
  'compare:scatter': readonly ScatterPoint[];
  'compare:filter': CompareFilterResult;
  'runs:start': RunSummary;
  'runs:cancel': RunSummary;
  'runs:list': readonly RunSummary[];
  'crops:status': CropPreparationStatus;
  'corrections:instance': InstanceGroundTruth;
  'corrections:apply': CorrectionResult;
  'corrections:undo': CorrectionResult;
  'corrections:redo': CorrectionResult;
  'corrections:history': CorrectionHistory;
  'corrections:reevaluate': Reevaluation;
  'export:annotations': ExportResult;
  'analysis:errorClasses': ErrorClassesReport;
  'review:queue': ReviewQueueView;
  'review:decide': ReviewDecideResult;
  'stats:variant': StatisticsIntervals;
  'stats:compare': PairComparison;
  'report:build': BuiltReportView;
  'coco:variants': readonly CocoVariantSummary[];
  'coco:importResults': CocoVariantSummary & { readonly message: string };
  'coco:removeVariant': { readonly removed: string; readonly message: string };
  'coco:metrics': CocoMetricsView;
  'coco:persons': CocoPersonsList;
  'coco:image': CocoImageDetail;
  'coco:correct': CocoCorrectionResult;
  'coco:undo': CocoCorrectionResult;
  'coco:redo': CocoCorrectionResult;
  'coco:history': CocoCorrectionResult;
  'coco:export': CocoExportResult;
  'coco:review': CocoReviewView;
  'coco:decide': { readonly suspectId: string; readonly decision: NonNullable<CocoSuspectView['decision']>; readonly message: string };
  'coco:compare': CocoCompareView;
  'coco:runModel': CocoRunView;
  'coco:runs': readonly CocoRunView[];
}

export type Response<C extends Channel> = ResponseMap[C];

/** The compiler checks that every channel has exactly one handler. */
export type ApiHandlers = { [C in Channel]: (req: Request<C>) => Promise<Response<C>> };

// ---------------------------------------------------------------------------------------------
// Events (engine → UI)
// ---------------------------------------------------------------------------------------------

export interface EventMap {
  'run:progress': { runId: string; variantId: string; done: number; total: number; failed: number; etaSeconds: number | null; instancesPerSecond: number };
  'run:finished': RunSummary;
  /** Data changed (variants evaluated, dataset opened): the UI refetches. */
  'workspace:changed': { reason: string };
  /** Edit ▸ Undo / Redo in the desktop menu (sent by the Electron main process, not the engine). */
  'edit:command': { command: 'undo' | 'redo' };
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: readonly EventName[] = ['run:progress', 'run:finished', 'workspace:changed', 'edit:command'];

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Media keys: opaque strings naming an image or a thumbnail; each host maps them to a URL and
// resolves them (through the engine) to a file inside an opened dataset folder or the thumbnail cache.
// ---------------------------------------------------------------------------------------------

export const mediaKey = {
  image: (datasetId: string, relativePath: string): string => `img/${encodeURIComponent(datasetId)}/${encodeURIComponent(relativePath)}`,
  /** With `overlay`, the GT (and the variant's) skeleton is drawn into the thumbnail (Browse: one `<img>` per cell). */
  thumb: (datasetId: string, index: number, size: number, overlay?: ThumbOverlaySpec): string =>
    `thumb/${encodeURIComponent(datasetId)}/${index}/${size}${overlay !== undefined ? `/${encodeURIComponent(thumbOverlayParam(overlay))}` : ''}`,
};

/**
 * Skeletons to draw into a thumbnail: colours as 6 hex digits (no '#'), the variant whose prediction
 * is drawn (null: GT only), and `rev`, a digest of what the UI expects drawn (coordinates), so an edit
 * changes the URL and no browser cache serves the old picture. The engine draws from its own data.
 */
export interface ThumbOverlaySpec {
  readonly gtColor: string;
  readonly variantId: string | null;
  readonly predColor: string | null;
  readonly rev: string;
}

function thumbOverlayParam(spec: ThumbOverlaySpec): string {
  const params = new URLSearchParams({ gt: spec.gtColor, rev: spec.rev });
  if (spec.variantId !== null) params.set('v', spec.variantId);
  if (spec.predColor !== null) params.set('pred', spec.predColor);
  return params.toString();
}

function parseThumbOverlay(param: string): ThumbOverlaySpec | null {
  const params = new URLSearchParams(param);
  const hex = /^[0-9a-f]{6}$/i;
  const gtColor = params.get('gt');
  const rev = params.get('rev');
  const variantId = params.get('v');
  const predColor = params.get('pred');
  if (gtColor === null || !hex.test(gtColor) || rev === null || !/^[0-9a-z]{1,32}$/i.test(rev)) return null;
  if (predColor !== null && !hex.test(predColor)) return null;
  if (variantId !== null && (variantId.length === 0 || variantId.length > 200)) return null;
  return { gtColor, variantId, predColor, rev };
}

export type ParsedMediaKey =
  { kind: 'image'; datasetId: string; relativePath: string } | { kind: 'thumb'; datasetId: string; index: number; size: number; overlay?: ThumbOverlaySpec };

export function parseMediaKey(key: string): ParsedMediaKey | null {
  const parts = key.split('/');
  try {
    if (parts.length === 3 && parts[0] === 'img') {
      return { kind: 'image', datasetId: decodeURIComponent(parts[1]!), relativePath: decodeURIComponent(parts[2]!) };
    }
    if ((parts.length === 4 || parts.length === 5) && parts[0] === 'thumb') {
      const index = Number(parts[2]);
      const size = Number(parts[3]);
      if (!Number.isInteger(index) || index < 0 || !Number.isInteger(size) || size < 32 || size > 512) return null;
      const datasetId = decodeURIComponent(parts[1]!);
      if (parts[4] === undefined) return { kind: 'thumb', datasetId, index, size };
      const overlay = parseThumbOverlay(decodeURIComponent(parts[4]));
      return overlay !== null ? { kind: 'thumb', datasetId, index, size, overlay } : null;
    }
  } catch {
    return null; // malformed percent-encoding
  }
  return null;
}

/** Error shape carried back to the UI. */
export interface ApiErrorPayload {
  readonly name: string;
  readonly message: string;
  /** Set for user-facing errors (core/errors.ts UserError): what kind of mistake, for the UI and the HTTP status. */
  readonly kind?: UserErrorKind;
}
