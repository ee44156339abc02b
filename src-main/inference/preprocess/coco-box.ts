/**
 * mmpose 1.x's top-down crop of a COCO person box (GT or detected):
 *
 *  - `BaseCocoStyleDataset.parse_data_info`: the xywh box clipped to the image as float32 xyxy
 *    (x1 = clip(x, 0, w−1), x2 = clip(x + w, 0, w−1), same for y); a detected box (`bbox_file`,
 *    `_load_detection_results`) is NOT clipped: x1 = x, x2 = x + w in float32;
 *  - `bbox_xyxy2cs(bbox, padding=1.25)`: centre = (x1 + x2)/2, (y1 + y2)/2; scale = (x2 − x1, y2 − y1)·1.25;
 *  - `TopdownAffine._fix_aspect_ratio`: the short side widened to the model input's aspect ratio
 *    (w > h·r → h = w/r, else w = h·r);
 *  - `get_warp_matrix(center, scale, 0, input size)`: the same float32 point pairs and OpenCV
 *    getAffineTransform as the MPII crop (crop-transform.ts), then the same warp.
 *
 * All in float32 as mmpose's numpy arrays are. Coordinates are 0-based image pixels.
 */
import { cropTransformFromBox, mmposeAffineFromFloat32Box, type CropInputSize, type CropTransform } from './crop-transform.ts';

export const COCO_BOX_PADDING = 1.25;

/** The crop of a GT box [x, y, w, h] (clipped to the image) in an image of `imageWidth`×`imageHeight` for a model input of `input`. */
export function cocoBoxCropTransform(
  bbox: readonly [number, number, number, number],
  imageWidth: number,
  imageHeight: number,
  input: CropInputSize,
): CropTransform {
  const f = Math.fround;
  const clip = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
  const [x, y, w, h] = bbox;
  return cocoXyxyCropTransform(f(clip(x, imageWidth - 1)), f(clip(y, imageHeight - 1)), f(clip(x + w, imageWidth - 1)), f(clip(y + h, imageHeight - 1)), input);
}

/**
 * The crop of a DETECTED box [x, y, w, h] (mmpose's `bbox_file`): `_load_detection_results` takes
 * `np.array(det['bbox'][:4], dtype=np.float32)` and `bbox_xywh2xyxy` (x2 = x + w in float32), with no
 * clipping to the image (base_coco_style_dataset.py:453–455 at mmpose 1.3.2); then the same
 * centre/scale and aspect fix as a GT box.
 */
export function cocoDetectedBoxCropTransform(bbox: readonly [number, number, number, number], input: CropInputSize): CropTransform {
  const f = Math.fround;
  const x1 = f(bbox[0]),
    y1 = f(bbox[1]);
  return cocoXyxyCropTransform(x1, y1, f(x1 + f(bbox[2])), f(y1 + f(bbox[3])), input);
}

/** The crop of a float32 xyxy box: `bbox_xyxy2cs(padding 1.25)`, `_fix_aspect_ratio`, `get_warp_matrix`. */
export function cocoXyxyCropTransform(x1: number, y1: number, x2: number, y2: number, input: CropInputSize): CropTransform {
  const f = Math.fround;
  const cx = f(f(x1 + x2) * 0.5),
    cy = f(f(y1 + y2) * 0.5);
  let sw = f(f(x2 - x1) * COCO_BOX_PADDING),
    sh = f(f(y2 - y1) * COCO_BOX_PADDING);
  const aspect = input.width / input.height;
  if (sw > f(sh * aspect)) sh = f(sw / aspect);
  else sw = f(sh * aspect);
  // cropTransformFromBox widens the side it is given to the input's aspect ratio: give it the side
  // that the ratio leaves as is
  const box = cropTransformFromBox(cx, cy, aspect > 1 ? sh : sw, input);
  return {
    ...box,
    sideX: sw,
    sideY: sh,
    imageToInput: mmposeAffineFromFloat32Box(cx, cy, sw, input.width, input.height),
    inputToImage: [sw / input.width, 0, cx - sw * 0.5, 0, sh / input.height, cy - sh * 0.5],
  };
}
