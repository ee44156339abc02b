/**
 * mmpose 1.x's top-down crop of a COCO person box (GT or detected):
 *
 *  - `BaseCocoStyleDataset.parse_data_info`: the xywh box clipped to the image as float32 xyxy
 *    (x1 = clip(x, 0, w−1), x2 = clip(x + w, 0, w−1), same for y);
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

/** The crop of box [x, y, w, h] in an image of `imageWidth`×`imageHeight` for a model input of `input`. */
export function cocoBoxCropTransform(
  bbox: readonly [number, number, number, number],
  imageWidth: number,
  imageHeight: number,
  input: CropInputSize,
): CropTransform {
  const f = Math.fround;
  const clip = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
  const [x, y, w, h] = bbox;
  const x1 = f(clip(x, imageWidth - 1)),
    x2 = f(clip(x + w, imageWidth - 1));
  const y1 = f(clip(y, imageHeight - 1)),
    y2 = f(clip(y + h, imageHeight - 1));
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
