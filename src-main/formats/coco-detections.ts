/**
 * COCO person-detection files: mmpose's `bbox_file` for top-down COCO evaluation (e.g.
 * `COCO_val2017_detections_AP_H_56_person.json`), a list of `{image_id, category_id, bbox: [x, y, w, h],
 * score}` as detectors write COCO detection results.
 *
 * Read as mmpose 1.x's `BaseCocoStyleDataset._load_detection_results` does
 * (mmpose/datasets/datasets/base/base_coco_style_dataset.py:421–475 at mmpose 1.3.2):
 *  - the file must be a list of objects (is_list_of(det_results, dict));
 *  - entries whose `category_id` is not 1 (person) are skipped, BEFORE their image is looked up, so
 *    a non-person entry may name any image (line 447);
 *  - `coco.loadImgs(det['image_id'])` raises for an image the annotation file does not list (line
 *    450): an error here too;
 *  - `bbox[:4]` as float32 xywh (line 453–454; extra values, such as a score, are ignored) and `score`
 *    as float32 (line 456) — kept here as the file has them, rounded by the consumer;
 *  - order: file order (the ids mmpose gives are running numbers over the person entries, line 471).
 * `filter_cfg=dict(bbox_score_thr=T)` (`filter_data`, lines 477–503) drops boxes whose float32 score is
 * below T (`bbox_score < thr`: equal is kept); mmpose 1.x applies no threshold unless configured (0.x's
 * `det_bbox_thr` defaulted to 0.0 with the same `<` test, topdown_coco_dataset.py:203 on the 0.x branch).
 *
 * Stricter than mmpose, which would crash or crop nonsense later: non-finite numbers, a negative
 * width or height, a missing field — ONE line naming the file and the entry (`[12].bbox`).
 */
import { makeWarning, PosebenchInputError, type InputWarning } from '../core/errors.ts';
import { parseJsonText } from './json-text.ts';

/** mmpose's `_load_detection_results` keeps `category_id == 1` only. */
export const PERSON_CATEGORY_ID = 1;

export interface CocoDetectionBox {
  readonly imageId: number;
  /** x, y, w, h as in the file (the first four values). */
  readonly bbox: readonly [number, number, number, number];
  readonly score: number;
  /** Position in the file's list. */
  readonly entry: number;
}

export interface CocoDetectionsFile {
  readonly file: string;
  /** Person boxes kept (category 1, score not below the threshold), file order. */
  readonly boxes: readonly CocoDetectionBox[];
  /** Person boxes in the file (before the score threshold). */
  readonly personBoxes: number;
  readonly otherCategories: number;
  readonly belowThreshold: number;
  readonly warnings: readonly InputWarning[];
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return 'a string';
  return `${typeof value} ${typeof value === 'number' ? String(value) : ''}`.trim();
}

export interface CocoDetectionsOptions {
  /** mmpose 1.x `filter_cfg.bbox_score_thr`: boxes with float32 score < thr are left out. Default none. */
  readonly scoreThreshold?: number | null;
}

/** Parses a detection file's text against the annotation file's image ids. */
export function parseCocoDetectionsFile(text: string, file: string, imageIds: ReadonlySet<number>, options: CocoDetectionsOptions = {}): CocoDetectionsFile {
  const data = parseJsonText(text, file);
  const fail = (field: string, problem: string): never => {
    throw new PosebenchInputError({ file, field }, problem);
  };
  if (!Array.isArray(data)) {
    throw new PosebenchInputError({ file }, `expected a COCO person-detection list [{"image_id", "category_id", "bbox", "score"}, ...], got ${describe(data)}`);
  }
  const threshold = options.scoreThreshold ?? null;
  const f32Threshold = threshold === null ? null : Math.fround(threshold);
  const number = (value: unknown, field: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, `expected a number, got ${describe(value)}`);
    return value as number;
  };
  const boxes: CocoDetectionBox[] = [];
  let otherCategories = 0,
    personBoxes = 0,
    belowThreshold = 0;
  data.forEach((raw: unknown, i) => {
    const at = `[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      fail(at, `expected an object {"image_id", "category_id", "bbox", "score"}, got ${describe(raw)}`);
    const entry = raw as Record<string, unknown>;
    if (number(entry['category_id'], `${at}.category_id`) !== PERSON_CATEGORY_ID) {
      otherCategories++;
      return;
    }
    personBoxes++;
    const imageId = number(entry['image_id'], `${at}.image_id`);
    if (!imageIds.has(imageId)) fail(`${at}.image_id`, `image ${imageId} is not in the annotation file's images`);
    const rawBox = entry['bbox'];
    if (!Array.isArray(rawBox) || rawBox.length < 4) fail(`${at}.bbox`, `expected [x, y, width, height], got ${describe(rawBox)}`);
    const values = rawBox as unknown[];
    for (let v = 0; v < 4; v++) {
      if (typeof values[v] !== 'number' || !Number.isFinite(values[v])) fail(`${at}.bbox`, `value ${v} is ${describe(values[v])}, expected a number`);
    }
    const bbox = [values[0], values[1], values[2], values[3]] as [number, number, number, number];
    if (bbox[2] < 0 || bbox[3] < 0) fail(`${at}.bbox`, `width ${bbox[2]} × height ${bbox[3]}: a box [x, y, width, height] cannot have a negative side`);
    const score = number(entry['score'], `${at}.score`);
    if (f32Threshold !== null && Math.fround(score) < f32Threshold) {
      belowThreshold++;
      return;
    }
    boxes.push({ imageId, bbox, score, entry: i });
  });
  if (personBoxes === 0) {
    throw new PosebenchInputError(
      { file },
      `no person detections (category_id ${PERSON_CATEGORY_ID}) among its ${data.length} entries; mmpose's bbox_file keeps category 1 only${otherCategories > 0 ? ` (${otherCategories} entries of other categories)` : ''}`,
    );
  }
  const warnings: InputWarning[] = [];
  if (otherCategories > 0)
    warnings.push(makeWarning({ file }, `${otherCategories} detections of other categories than person (${PERSON_CATEGORY_ID}) are left out`));
  if (belowThreshold > 0) warnings.push(makeWarning({ file }, `${belowThreshold} of ${personBoxes} person boxes score below ${threshold} and are left out`));
  return { file, boxes, personBoxes, otherCategories, belowThreshold, warnings };
}
