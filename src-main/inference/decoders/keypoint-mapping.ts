/**
 * From decoder-space points to DecodedKeypoints: input pixels plus 0-based image pixels (spec §5.0).
 */
import { gridToImage, type CropTransform } from '../preprocess/crop-transform.ts';
import type { DecodedKeypoint, DecodedKeypoints } from './decoder-types.ts';

/**
 * `xs`, `ys` are positions on a grid of `gridWidth`×`gridHeight` cells laid over the input (input
 * pixels: the input size; heatmap cells: the heatmap size). Both outputs follow mmpose's
 * `transform_preds`: x_img = cx − S_w/2 + x·S_w/gridWidth.
 */
export function keypointsFromGrid(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  scores: ArrayLike<number>,
  gridWidth: number,
  gridHeight: number,
  transform: CropTransform,
  sigma?: Float32Array,
): DecodedKeypoints {
  const keypoints: DecodedKeypoint[] = [];
  const inputKeypoints: DecodedKeypoint[] = [];
  const toInputX = transform.inputWidth / gridWidth;
  const toInputY = transform.inputHeight / gridHeight;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k]!;
    const y = ys[k]!;
    const score = scores[k]!;
    const [ix, iy] = gridToImage(transform, x, y, gridWidth, gridHeight);
    keypoints.push({ x: ix, y: iy, score });
    inputKeypoints.push({ x: x * toInputX, y: y * toInputY, score });
  }
  return sigma === undefined ? { keypoints, inputKeypoints } : { keypoints, inputKeypoints, sigma };
}
