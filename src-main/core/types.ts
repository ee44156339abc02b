/**
 * Domain types shared by the core modules (datasets, evaluation, inference, store, export).
 *
 * Coordinate convention inside posebench: 0-based image pixels, an integer coordinate being the
 * centre of that pixel (OpenCV / mmpose convention, ../shared/specs/mmpose-mpii.md header).
 * MPII json and `.mat` files are 1-based (MATLAB); they are converted at import and export only.
 * The evaluation module is the one exception: it consumes the protocol's own inputs (1-based GT from
 * the `.mat`/json and 0-based float32 predictions) because bit-exactness with mmpose needs them.
 */

export type Point2 = [x: number, y: number];

export type DatasetLayout = 'mmpose' | 'hrnet';
export type DatasetSplit = 'val' | 'train';
export type PckhProtocol = 'mmpose0x' | 'mmpose1x';
/** Every PCKh protocol (spec §2 mmpose 0.x, §3 mmpose 1.x), the default first. */
export const PCKH_PROTOCOLS = ['mmpose0x', 'mmpose1x'] as const satisfies readonly PckhProtocol[];
/** Formats of `posebench report` and the app's Export report. */
export const REPORT_FORMATS = ['markdown', 'latex', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The ten numbers of pycocotools' `_summarizeKps` (cocoeval.py:473–485), in its order. */
export const COCO_STAT_NAMES = ['AP', 'AP50', 'AP75', 'APm', 'APl', 'AR', 'AR50', 'AR75', 'ARm', 'ARl'] as const;
export type CocoStatName = (typeof COCO_STAT_NAMES)[number];
/** coco-analyze's error classes on keypoint similarity (evaluation/coco-keypoint-analysis.ts). */
export const COCO_ERROR_CLASSES = ['good', 'jitter', 'inversion', 'swap', 'miss'] as const;
export type CocoErrorClass = (typeof COCO_ERROR_CLASSES)[number];
/** mmpose 0.x, the numbers the study and the published MPII tables use (spec §2). */
export const DEFAULT_PCKH_PROTOCOL: PckhProtocol = 'mmpose0x';

/** One person entry of an mmpose/HRNet MPII json, converted to 0-based pixels. */
export interface PersonAnnotation {
  /** Index in the json list (= column in the gt `.mat`). */
  readonly entryIndex: number;
  /** Image file name relative to the dataset's images folder. */
  readonly image: string;
  /** 0-based centre (json centre − 1). `null` when the json centre is [-1,-1]. */
  readonly center: Point2 | null;
  readonly scale: number;
  /** 16 joints, 0-based; a missing joint (json [-1,-1] / vis 0) is `null`. */
  readonly joints: (Point2 | null)[];
  /** json joints_vis (0/1), kept as given. */
  readonly jointsVisible: number[];
  /** The json entry exactly as read, so export can reproduce it untouched. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** The gt `.mat` content (spec §1.4), kept in the file's own 1-based convention. */
export interface MatGroundTruth {
  readonly count: number;
  /** `dataset_joints` names in order. */
  readonly jointNames: string[];
  /** pos_gt_src: index ((n * 16) + j) * 2 + axis, 1-based pixels, float64. */
  readonly positions1Based: Float64Array;
  /** jnt_missing: index n * 16 + j; 1 = missing. */
  readonly missing: Uint8Array;
  /** headboxes_src: index n * 4 + {0: x1, 1: y1, 2: x2, 3: y2}, 1-based pixels. */
  readonly headBoxes1Based: Float64Array;
}

export interface ImageFileInfo {
  readonly name: string;
  readonly exists: boolean;
  readonly bytes: number;
}

/**
 * Decoder options a user sets on a model variant (app or CLI); each wins over the model sidecar's
 * `decoder` value only when given (spec §5.3–5.7, §6). Changing one is a new run identity.
 */
export interface VariantDecoderOptions {
  /** Run the model on the mirrored crop too and average (spec §6). */
  readonly flipTest?: boolean;
  /** Heatmap sub-pixel refinement: mmpose's quarter-pixel shift, DARK, or none (spec §5.3–5.4). */
  readonly heatmapRefine?: 'shift' | 'dark' | 'none';
  /** SimCC bins per input pixel (spec §5.6). */
  readonly simccSplitRatio?: number;
  /** RLE σ outputs are logits that still need a sigmoid (spec §5.2). */
  readonly sigmaIsLogit?: boolean;
}

export const VARIANT_DECODER_OPTION_KEYS = [
  'flipTest',
  'heatmapRefine',
  'simccSplitRatio',
  'sigmaIsLogit',
] as const satisfies readonly (keyof VariantDecoderOptions)[];

/**
 * A latency distribution of single-thread `session.run` timings in ms (percentiles with numpy's
 * linear interpolation): what a run stores and every view shows (median with its spread).
 */
export interface LatencyDistribution {
  readonly n: number;
  readonly warmup: number;
  readonly medianMs: number;
  readonly p5Ms: number;
  readonly p25Ms: number;
  readonly p75Ms: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
}
