/**
 * Export to a COCO person-keypoints json (`images`, `annotations`, `categories`), for tools that read
 * COCO (pycocotools, mmpose's CocoDataset, most training code).
 *
 * Conventions (also written into the file's `info`):
 * - Coordinates: 0-based pixels, an integer being a pixel centre = MPII json value − 1. This is
 *   posebench's internal convention and what mmpose uses for both datasets: it subtracts 1 from
 *   MPII json values (spec §2.3, §4.1) and reads COCO values as they are, so a model sees the same
 *   pixel from either file.
 * - Keypoints: COCO-17 order, `[x, y, v]` × 17, mapped from MPII joints by name (shoulders, elbows,
 *   wrists, hips, knees, ankles). MPII has no nose/eyes/ears: those are `0, 0, 0`. v = 2 for a joint
 *   annotated in MPII (MPII's `joints_vis` means "annotated", spec §1.3, not "visible"), v = 0 and
 *   `0, 0` for a joint that is not.
 * - COCO has no pelvis, thorax, upper_neck or head_top, so they are not in `keypoints`. They define
 *   MPII's head size (with the head box) and are needed to go back to MPII or to compute PCKh, so each
 *   annotation also carries them, with the json centre/scale and the head box, under the extension
 *   field `posebench_mpii` (names in `categories[0].posebench_mpii_keypoints`). COCO tools ignore
 *   unknown fields.
 * - bbox: the square box mmpose itself derives from an MPII person (spec §4.1; 1.x
 *   `bbox_cs2xyxy(center, 200·s)`): centre (cx − 1, cy + 15·s − 1) in 0-based pixels, side 200·s,
 *   written as COCO `[x, y, w, h]` = [centre − 100·s, 200·s, 200·s], clipped to the image where its
 *   size is known (COCO boxes lie inside their image; the unclipped centre and scale stay in
 *   `posebench_mpii`, so the MPII person survives a round trip). Numbers rounded to 1/1000 px.
 *   A person without a centre (json `[-1, -1]`) gets the tight box of its annotated joints instead,
 *   or `[0, 0, 0, 0]` if it has none.
 * - Corrected joint positions and head boxes are rounded to 1/1000 px (a drag gives 1209.2106832851102).
 * - area = w · h of the bbox (MPII has no segmentation); iscrowd 0; category_id 1 (person).
 * - Ids: images 1..K in order of first appearance; annotation id = MPII entry index + 1.
 */
import { COCO17_JOINT_NAMES, MPII_JOINT_NAMES, mpiiJointIndex } from '../core/joints.ts';
import type { MatGroundTruth, PersonAnnotation, Point2 } from '../core/types.ts';
import type { ImageDimensions } from '../datasets/image-dimensions.ts';
import { roundExportCoordinate } from './export-mpii-json.ts';
import type { ComputedMatValues } from './export-mpii-mat.ts';

/** COCO person skeleton, 1-based keypoint indices, as in COCO's `person_keypoints_*.json`. */
export const COCO17_SKELETON: readonly (readonly [number, number])[] = [
  [16, 14],
  [14, 12],
  [17, 15],
  [15, 13],
  [12, 13],
  [6, 12],
  [7, 13],
  [6, 7],
  [6, 8],
  [7, 9],
  [8, 10],
  [9, 11],
  [2, 3],
  [1, 2],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 6],
  [5, 7],
];

/** For each COCO-17 keypoint, the MPII joint of the same name, or null (face keypoints). */
export const COCO17_FROM_MPII: readonly (number | null)[] = COCO17_JOINT_NAMES.map((name) => mpiiJointIndex(name) ?? null);

/** MPII joints COCO-17 has no keypoint for (pelvis, thorax, upper_neck, head_top). */
export const MPII_JOINTS_NOT_IN_COCO: readonly number[] = MPII_JOINT_NAMES.map((_, j) => j).filter((j) => !COCO17_FROM_MPII.includes(j));

/** MPII's person scale is relative to a 200 px box (spec §1.3, pixel_std). */
const PIXEL_STD = 200;
/** spec §4.1: mmpose moves the MPII centre down by 15·s before cropping. */
const CENTER_SHIFT_Y_PER_SCALE = 15;

export const COCO_VISIBILITY_MISSING = 0;
export const COCO_VISIBILITY_LABELLED = 2;

export type CocoBox = [x: number, y: number, width: number, height: number];

export interface CocoImage {
  id: number;
  file_name: string;
  /** Absent when the image file is missing or its header cannot be read. */
  width?: number;
  height?: number;
}

export interface PosebenchMpiiExtension {
  /** Index in the MPII json (= gt `.mat` column). */
  entry_index: number;
  /** json centre − 1 (0-based), null when the json centre is [-1, -1]; unshifted. */
  center: Point2 | null;
  scale: number;
  /** `[x, y, v]` for pelvis, thorax, upper_neck, head_top, same convention as `keypoints`. */
  keypoints: number[];
  /** Head box from the gt `.mat`, 0-based `[x1, y1, x2, y2]`; absent without a gt `.mat`. */
  head_box?: [number, number, number, number];
  /** True when a posebench correction changed this person. */
  corrected: boolean;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: 1;
  keypoints: number[];
  num_keypoints: number;
  bbox: CocoBox;
  area: number;
  iscrowd: 0;
  posebench_mpii: PosebenchMpiiExtension;
}

export interface CocoCategory {
  id: 1;
  name: 'person';
  supercategory: 'person';
  keypoints: string[];
  skeleton: [number, number][];
  posebench_mpii_keypoints: string[];
}

export interface CocoKeypointsFile {
  info: { description: string; posebench_conventions: string };
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

export interface CocoExportInput {
  /** Effective (corrected) persons, in dataset order. */
  readonly persons: readonly PersonAnnotation[];
  /** Effective gt, for the head boxes in the extension field; null without a gt `.mat`. */
  readonly gt: MatGroundTruth | null;
  /** Size of an image by its json name; null when unknown (file missing or unreadable). */
  readonly imageSize: (image: string) => ImageDimensions | null;
  /** Entry indices changed by corrections. */
  readonly correctedEntries?: ReadonlySet<number>;
  /** Values corrections computed (rounded to 1/1000 px in the file). */
  readonly computed?: ComputedMatValues;
}

const CONVENTIONS =
  'keypoints and bbox in 0-based pixels (MPII json value - 1, integer = pixel centre); ' +
  'v = 2 annotated in MPII, 0 not annotated (MPII has no face keypoints); ' +
  'bbox = square 200*scale around (center_x - 1, center_y + 15*scale - 1), as mmpose derives it, clipped to the image when its size is known; ' +
  'area = bbox w*h; posebench_mpii holds pelvis, thorax, upper_neck, head_top, the json center/scale and the head box';

function keypointTriplet(point: Point2 | null | undefined): [number, number, number] {
  return point ? [point[0], point[1], COCO_VISIBILITY_LABELLED] : [0, 0, COCO_VISIBILITY_MISSING];
}

/** spec §4.1: the square box mmpose builds from an MPII centre/scale, as COCO [x, y, w, h]. */
export function mpiiPersonBox(center: Point2, scale: number): CocoBox {
  const side = PIXEL_STD * scale;
  const cx = center[0];
  const cy = center[1] + CENTER_SHIFT_Y_PER_SCALE * scale;
  return [cx - side / 2, cy - side / 2, side, side];
}

/** Tight box around the annotated joints, for persons without a centre. */
function jointsBox(joints: readonly (Point2 | null)[]): CocoBox {
  const present = joints.filter((p): p is Point2 => p !== null);
  if (present.length === 0) return [0, 0, 0, 0];
  const xs = present.map((p) => p[0]);
  const ys = present.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return [x, y, Math.max(...xs) - x, Math.max(...ys) - y];
}

function headBox0Based(gt: MatGroundTruth | null, n: number): [number, number, number, number] | undefined {
  if (gt === null || n >= gt.count) return undefined;
  const at = (k: number): number => (gt.headBoxes1Based[n * 4 + k] ?? Number.NaN) - 1;
  return [at(0), at(1), at(2), at(3)];
}

/** The box clipped to the image `[0, W] × [0, H]`; coordinates rounded to 1/1000 px. */
export function clipBoxToImage(box: CocoBox, size: ImageDimensions | null): CocoBox {
  let [x, y, w, h] = box;
  if (size !== null) {
    const x2 = Math.min(Math.max(x + w, 0), size.width);
    const y2 = Math.min(Math.max(y + h, 0), size.height);
    x = Math.min(Math.max(x, 0), size.width);
    y = Math.min(Math.max(y, 0), size.height);
    w = x2 - x;
    h = y2 - y;
  }
  return [roundExportCoordinate(x), roundExportCoordinate(y), roundExportCoordinate(w), roundExportCoordinate(h)];
}

export function cocoAnnotationFor(
  person: PersonAnnotation,
  imageId: number,
  gt: MatGroundTruth | null,
  corrected: boolean,
  imageSize: ImageDimensions | null = null,
  computed?: ComputedMatValues,
): CocoAnnotation {
  const computedJoints = computed?.joints.get(person.entryIndex);
  const joints =
    computedJoints === undefined
      ? person.joints
      : person.joints.map((p, j): Point2 | null => (p !== null && computedJoints.has(j) ? [roundExportCoordinate(p[0]), roundExportCoordinate(p[1])] : p));
  const keypoints = COCO17_FROM_MPII.flatMap((j) => keypointTriplet(j === null ? null : joints[j]));
  const numKeypoints = COCO17_FROM_MPII.filter((j) => j !== null && joints[j] != null).length;
  const bbox = clipBoxToImage(person.center !== null ? mpiiPersonBox(person.center, person.scale) : jointsBox(joints), imageSize);
  let headBox = headBox0Based(gt, person.entryIndex);
  if (headBox !== undefined && computed?.headBoxes.has(person.entryIndex) === true) {
    headBox = headBox.map(roundExportCoordinate) as [number, number, number, number];
  }
  const extension: PosebenchMpiiExtension = {
    entry_index: person.entryIndex,
    center: person.center === null ? null : [person.center[0], person.center[1]],
    scale: person.scale,
    keypoints: MPII_JOINTS_NOT_IN_COCO.flatMap((j) => keypointTriplet(joints[j])),
    ...(headBox === undefined ? {} : { head_box: headBox }),
    corrected,
  };
  return {
    id: person.entryIndex + 1,
    image_id: imageId,
    category_id: 1,
    keypoints,
    num_keypoints: numKeypoints,
    bbox,
    area: bbox[2] * bbox[3],
    iscrowd: 0,
    posebench_mpii: extension,
  };
}

export interface CocoExportResult {
  readonly document: CocoKeypointsFile;
  /** Image names written without width/height (file missing or unreadable). */
  readonly imagesWithoutSize: string[];
}

export function buildCocoKeypoints(input: CocoExportInput): CocoExportResult {
  const images: CocoImage[] = [];
  const imageIds = new Map<string, number>();
  const imagesWithoutSize: string[] = [];
  const annotations: CocoAnnotation[] = [];
  const sizes = new Map<number, ImageDimensions | null>();
  for (const person of input.persons) {
    let imageId = imageIds.get(person.image);
    if (imageId === undefined) {
      imageId = images.length + 1;
      imageIds.set(person.image, imageId);
      const image: CocoImage = { id: imageId, file_name: person.image };
      const size = input.imageSize(person.image);
      sizes.set(imageId, size);
      if (size !== null) {
        image.width = size.width;
        image.height = size.height;
      } else {
        imagesWithoutSize.push(person.image);
      }
      images.push(image);
    }
    const corrected = input.correctedEntries?.has(person.entryIndex) ?? false;
    annotations.push(cocoAnnotationFor(person, imageId, input.gt, corrected, sizes.get(imageId) ?? null, input.computed));
  }
  const category: CocoCategory = {
    id: 1,
    name: 'person',
    supercategory: 'person',
    keypoints: [...COCO17_JOINT_NAMES],
    skeleton: COCO17_SKELETON.map(([a, b]) => [a, b]),
    posebench_mpii_keypoints: MPII_JOINTS_NOT_IN_COCO.map((j) => MPII_JOINT_NAMES[j]!),
  };
  return {
    document: {
      info: { description: 'MPII person annotations (with posebench ground-truth corrections) in COCO keypoint format', posebench_conventions: CONVENTIONS },
      images,
      annotations,
      categories: [category],
    },
    imagesWithoutSize,
  };
}

/** The file text: JSON, one annotation per line (diffable, still compact). */
export function* cocoKeypointsChunks(document: CocoKeypointsFile): Generator<string> {
  yield `{"info": ${JSON.stringify(document.info)},\n"images": [`;
  yield* listLines(document.images);
  yield '],\n"annotations": [';
  yield* listLines(document.annotations);
  yield `],\n"categories": ${JSON.stringify(document.categories)}}\n`;
}

function* listLines(items: readonly unknown[]): Generator<string> {
  for (let i = 0; i < items.length; i++) yield `${i === 0 ? '\n' : ',\n'}${JSON.stringify(items[i])}`;
  if (items.length > 0) yield '\n';
}
