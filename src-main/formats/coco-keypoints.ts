/**
 * COCO keypoint annotation files (`person_keypoints_val2017.json` and custom sets in the same format)
 * and COCO keypoint results files (`[{image_id, category_id, keypoints, score}]`, what mmpose and
 * detectron2 write and pycocotools' `COCO.loadRes` reads).
 *
 * Values are kept as the file has them (x, y, v triples; 0-based pixels as COCO defines them, so no
 * conversion); only shapes and types are checked. Every bad entry is ONE line naming the file and the
 * entry (`annotations[12].keypoints`), thrown as PosebenchInputError.
 *
 * Only the keypoint category is read (the one category with `keypoints` names); annotations of other
 * categories are counted and left out, as they never meet the keypoint evaluation.
 */
import { makeWarning, PosebenchInputError, type InputWarning } from '../core/errors.ts';
import { parseJsonText } from './json-text.ts';

export interface CocoKeypointCategory {
  readonly id: number;
  readonly name: string;
  /** Keypoint names in file order (K of them). */
  readonly keypoints: readonly string[];
  /** 1-based index pairs, as in the file ([] when absent). */
  readonly skeleton: readonly (readonly [number, number])[];
  /** The category's own `sigmas` (K positive numbers), null when the file has none. */
  readonly sigmas: Float64Array | null;
}

export interface CocoImageEntry {
  readonly id: number;
  readonly fileName: string;
  readonly width: number | null;
  readonly height: number | null;
}

/** One annotation of the keypoint category; structurally what evaluation/coco-oks-eval.ts evaluates. */
export interface CocoPersonAnnotation {
  readonly id: number;
  readonly imageId: number;
  /** x, y, v per keypoint (3·K values); all zeros for a crowd region given without keypoints. */
  readonly keypoints: readonly number[];
  readonly numKeypoints: number;
  readonly area: number;
  readonly bbox: readonly [number, number, number, number];
  readonly iscrowd: boolean;
  /** Position in the file's `annotations` list. */
  readonly entry: number;
}

export interface CocoKeypointFile {
  readonly file: string;
  readonly category: CocoKeypointCategory;
  readonly images: readonly CocoImageEntry[];
  /** Keypoint-category annotations whose image is listed, file order. */
  readonly annotations: readonly CocoPersonAnnotation[];
  readonly warnings: readonly InputWarning[];
}

/** One entry of a results file, for the keypoint category. */
export interface CocoResultRecord {
  readonly imageId: number;
  readonly keypoints: readonly number[];
  readonly score: number;
  readonly bbox?: readonly number[] | undefined;
  /** Position in the results list. */
  readonly entry: number;
}

export interface CocoResultsFile {
  readonly file: string;
  readonly results: readonly CocoResultRecord[];
  /**
   * Whether the FIRST entry of the file has a non-empty `bbox`: pycocotools' loadRes then takes every
   * detection's area from its box instead of its keypoints' extent (coco.py:331 vs 350).
   */
  readonly areaFromBbox: boolean;
  readonly warnings: readonly InputWarning[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `a string`;
  return `${typeof value} ${typeof value === 'number' ? String(value) : ''}`.trim();
}

class Reader {
  constructor(readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new PosebenchInputError({ file: this.file, field }, problem);
  }

  number(value: unknown, field: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, `expected a number, got ${describe(value)}`);
    return value;
  }

  /**
   * A list of finite numbers, returned as the parsed array itself (no copy: keypoint lists of 100,000
   * results stay plain on-heap arrays, which allocate and read faster than as many small typed arrays).
   */
  numbers(value: unknown, field: string, length: number | null, what: string): number[] {
    if (!Array.isArray(value)) this.fail(field, `expected ${what}, got ${describe(value)}`);
    if (length !== null && value.length !== length) this.fail(field, `has ${value.length} values, expected ${what}`);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `value ${i} is ${describe(v)}, expected a number`);
    }
    return value as number[];
  }

  list(data: Json, key: string): unknown[] {
    const value = data[key];
    if (!Array.isArray(value)) this.fail(key, `expected a list "${key}" at the top level, got ${describe(value)}`);
    return value;
  }
}

/** Parses a COCO keypoint annotation file's text. */
export function parseCocoKeypointFile(text: string, file: string): CocoKeypointFile {
  const data = parseJsonText(text, file);
  const r: Reader = new Reader(file);
  if (!isObject(data))
    throw new PosebenchInputError({ file }, `expected a COCO annotation object {"images", "annotations", "categories"}, got ${describe(data)}`);
  const warnings: InputWarning[] = [];
  const category = readKeypointCategory(r, r.list(data, 'categories'));
  const K = category.keypoints.length;

  const images: CocoImageEntry[] = [];
  const imageIds = new Set<number>();
  r.list(data, 'images').forEach((raw, i) => {
    const at = `images[${i}]`;
    if (!isObject(raw)) r.fail(at, `expected an object, got ${describe(raw)}`);
    const id = r.number(raw['id'], `${at}.id`);
    if (imageIds.has(id)) r.fail(`${at}.id`, `image id ${id} is listed twice`);
    imageIds.add(id);
    const fileName = raw['file_name'];
    if (typeof fileName !== 'string' || fileName.length === 0) r.fail(`${at}.file_name`, `expected a file name, got ${describe(fileName)}`);
    const width = raw['width'] === undefined ? null : r.number(raw['width'], `${at}.width`);
    const height = raw['height'] === undefined ? null : r.number(raw['height'], `${at}.height`);
    images.push({ id, fileName, width, height });
  });

  const annotations: CocoPersonAnnotation[] = [];
  const annotationIds = new Set<number>();
  let otherCategories = 0;
  let unknownImages = 0;
  r.list(data, 'annotations').forEach((raw, i) => {
    const at = `annotations[${i}]`;
    if (!isObject(raw)) r.fail(at, `expected an object, got ${describe(raw)}`);
    if (r.number(raw['category_id'], `${at}.category_id`) !== category.id) {
      otherCategories++;
      return;
    }
    const id = r.number(raw['id'], `${at}.id`);
    // pycocotools indexes annotations by id (coco.py:98): a repeated id would silently drop one
    if (annotationIds.has(id)) r.fail(`${at}.id`, `annotation id ${id} is used twice`);
    annotationIds.add(id);
    const imageId = r.number(raw['image_id'], `${at}.image_id`);
    const iscrowdRaw = raw['iscrowd'] ?? 0;
    if (iscrowdRaw !== 0 && iscrowdRaw !== 1 && iscrowdRaw !== true && iscrowdRaw !== false)
      r.fail(`${at}.iscrowd`, `expected 0 or 1, got ${describe(iscrowdRaw)}`);
    const iscrowd = iscrowdRaw === 1 || iscrowdRaw === true;
    // crowd regions often come without keypoints: they then have none labelled (all zeros)
    const keypoints =
      raw['keypoints'] === undefined && iscrowd
        ? new Array<number>(3 * K).fill(0)
        : r.numbers(raw['keypoints'], `${at}.keypoints`, 3 * K, `${3 * K} values (x, y, v for each of the category's ${K} keypoints)`);
    let labelled = 0;
    for (let k = 0; k < K; k++) if (keypoints[3 * k + 2]! > 0) labelled++;
    // pycocotools reads num_keypoints as given (cocoeval.py:111); when absent, count the labelled ones
    const numKeypoints = raw['num_keypoints'] === undefined ? labelled : r.number(raw['num_keypoints'], `${at}.num_keypoints`);
    const bboxValues = r.numbers(raw['bbox'], `${at}.bbox`, 4, '4 values [x, y, width, height]');
    const bbox = [bboxValues[0]!, bboxValues[1]!, bboxValues[2]!, bboxValues[3]!] as const;
    const area = r.number(raw['area'], `${at}.area`);
    if (!imageIds.has(imageId)) {
      unknownImages++;
      return;
    }
    annotations.push({ id, imageId, keypoints, numKeypoints, area, bbox, iscrowd, entry: i });
  });
  if (otherCategories > 0)
    warnings.push(makeWarning({ file }, `${otherCategories} annotations of other categories than "${category.name}" (id ${category.id}) are left out`));
  if (unknownImages > 0)
    warnings.push(
      makeWarning({ file }, `${unknownImages} annotations name an image_id that "images" does not list; they are left out (pycocotools never evaluates them)`),
    );
  return { file, category, images, annotations, warnings };
}

function readKeypointCategory(r: Reader, categories: unknown[]): CocoKeypointCategory {
  const withKeypoints: { raw: Json; at: string }[] = [];
  categories.forEach((raw, i) => {
    if (!isObject(raw)) r.fail(`categories[${i}]`, `expected an object, got ${describe(raw)}`);
    const names = raw['keypoints'];
    if (Array.isArray(names) && names.length > 0) withKeypoints.push({ raw, at: `categories[${i}]` });
  });
  const first = withKeypoints[0];
  if (first === undefined) r.fail('categories', 'no category lists "keypoints" names: not a COCO keypoint annotation file');
  if (withKeypoints.length > 1) {
    r.fail(
      'categories',
      `${withKeypoints.length} categories list keypoints (${withKeypoints.map((c) => c.at).join(', ')}); posebench evaluates one keypoint category per file`,
    );
  }
  const { raw, at } = first;
  const id = r.number(raw['id'], `${at}.id`);
  const name = typeof raw['name'] === 'string' ? raw['name'] : `category ${id}`;
  const names = raw['keypoints'] as unknown[];
  const keypoints = names.map((n, k) => {
    if (typeof n !== 'string' || n.length === 0) r.fail(`${at}.keypoints[${k}]`, `expected a keypoint name, got ${describe(n)}`);
    return n;
  });
  const duplicate = keypoints.find((n, k) => keypoints.indexOf(n) !== k);
  if (duplicate !== undefined) r.fail(`${at}.keypoints`, `keypoint name "${duplicate}" appears twice`);
  const K = keypoints.length;
  const skeleton: [number, number][] = [];
  const rawSkeleton = raw['skeleton'];
  if (rawSkeleton !== undefined) {
    if (!Array.isArray(rawSkeleton)) r.fail(`${at}.skeleton`, `expected a list of [a, b] pairs, got ${describe(rawSkeleton)}`);
    rawSkeleton.forEach((pair, s) => {
      const v = r.numbers(pair, `${at}.skeleton[${s}]`, 2, 'a pair [a, b] of 1-based keypoint numbers');
      const a = v[0]!,
        b = v[1]!;
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < 1 || a > K || b > K)
        r.fail(`${at}.skeleton[${s}]`, `[${a}, ${b}] is not a pair of keypoint numbers 1..${K}`);
      skeleton.push([a, b]);
    });
  }
  let sigmas: Float64Array | null = null;
  if (raw['sigmas'] !== undefined) {
    sigmas = Float64Array.from(r.numbers(raw['sigmas'], `${at}.sigmas`, K, `${K} sigmas, one per keypoint`));
    const bad = sigmas.findIndex((s) => !(s > 0));
    if (bad >= 0) r.fail(`${at}.sigmas`, `sigma ${bad} (${keypoints[bad]}) is ${sigmas[bad]}; sigmas must be positive`);
  }
  return { id, name, keypoints, skeleton, sigmas };
}

/**
 * Parses a COCO keypoint results file against the annotation file it belongs to. Entries of other
 * categories are left out (pycocotools evaluates the GT's categories only, cocoeval.py:96–97); an
 * image_id the annotations do not list is an error, as in pycocotools (coco.py:324–325).
 */
export function parseCocoResultsFile(text: string, file: string, annotations: Pick<CocoKeypointFile, 'category' | 'images'>): CocoResultsFile {
  const data = parseJsonText(text, file);
  const r: Reader = new Reader(file);
  if (!Array.isArray(data)) {
    throw new PosebenchInputError({ file }, `expected a COCO results list [{"image_id", "category_id", "keypoints", "score"}, ...], got ${describe(data)}`);
  }
  const K = annotations.category.keypoints.length;
  const imageIds = new Set(annotations.images.map((im) => im.id));
  const first: unknown = data[0];
  const firstBbox = isObject(first) ? first['bbox'] : undefined;
  const areaFromBbox = Array.isArray(firstBbox) && firstBbox.length > 0;
  const results: CocoResultRecord[] = [];
  let otherCategories = 0;
  data.forEach((raw: unknown, i) => {
    const at = `[${i}]`;
    if (!isObject(raw)) r.fail(at, `expected an object, got ${describe(raw)}`);
    const imageId = r.number(raw['image_id'], `${at}.image_id`);
    if (!imageIds.has(imageId)) r.fail(`${at}.image_id`, `image ${imageId} is not in the annotation file's images`);
    const categoryId = raw['category_id'] === undefined ? annotations.category.id : r.number(raw['category_id'], `${at}.category_id`);
    let bbox: number[] | undefined;
    if (areaFromBbox)
      bbox = r.numbers(
        raw['bbox'],
        `${at}.bbox`,
        4,
        '4 values [x, y, width, height] (the first entry has a bbox, so pycocotools takes every area from the boxes)',
      );
    if (categoryId !== annotations.category.id) {
      otherCategories++;
      return;
    }
    const keypoints = r.numbers(
      raw['keypoints'],
      `${at}.keypoints`,
      3 * K,
      `${3 * K} values (x, y, score for each of the ${K} keypoints of "${annotations.category.name}")`,
    );
    const score = r.number(raw['score'], `${at}.score`);
    results.push({ imageId, keypoints, score, bbox, entry: i });
  });
  const warnings: InputWarning[] = [];
  if (otherCategories > 0) warnings.push(makeWarning({ file }, `${otherCategories} results of other categories than ${annotations.category.id} are left out`));
  return { file, results, areaFromBbox, warnings };
}
