/**
 * One person of one decoded image → every tensor the models need: one crop per distinct input size
 * (spec §4.1–4.2), one tensor per distinct normalisation (spec §4.4), plus mirrored tensors for
 * the flip test (spec §6: `img.flip(3)` of the normalised tensor). Runs in the image worker.
 *
 * The three steps are separate so that the worker can take some crops from the crop cache
 * (crop-cache.ts) and warp only the others: transforms → crops → tensors.
 */
import { mpiiCropTransform, type CropTransform } from '../preprocess/crop-transform.ts';
import { toNchwFloat32 } from '../preprocess/normalize-input.ts';
import { warpAffineBilinear } from '../preprocess/warp-affine.ts';
import { flipNchwHorizontally } from '../flip-test.ts';
import type { RgbImage } from './image-decode.ts';
import type { JobPerson, PreparedPerson, WorkerInit } from './image-worker-protocol.ts';

/** Crop transform per crop key. Throws for a person no crop can be made of. */
export function cropTransformsFor(person: JobPerson, init: WorkerInit): Record<string, CropTransform> {
  if (person.center === null) {
    // spec §4.1: mmpose would crop around (−2,−2), i.e. a black crop: no meaningful prediction.
    throw new Error('the json centre is [-1,-1]: no crop can be made');
  }
  const transforms: Record<string, CropTransform> = {};
  for (const crop of init.crops) {
    transforms[crop.key] = mpiiCropTransform(person, { width: crop.width, height: crop.height });
  }
  return transforms;
}

/** The uint8 RGB crop (cv2.warpAffine, spec §4.2) of one crop key. */
export function warpCrop(image: RgbImage, transform: CropTransform): Uint8Array {
  const source = { data: image.data, width: image.width, height: image.height, channels: 3 as const };
  return warpAffineBilinear(source, transform, transform.inputWidth, transform.inputHeight);
}

/** Where tensors are written: a recycled buffer of that length, or a new one. */
export type TensorAllocator = (length: number) => Float32Array;
const freshTensor: TensorAllocator = (length) => new Float32Array(length);

/** Crops (one per crop key) → the person's tensors, plus mirrored ones where a format asks for them. */
export function tensorsFromCrops(
  entryIndex: number,
  transforms: Readonly<Record<string, CropTransform>>,
  crops: Readonly<Record<string, Uint8Array>>,
  init: WorkerInit,
  allocate: TensorAllocator = freshTensor,
): PreparedPerson {
  const tensors: Record<string, Float32Array> = {};
  const flippedTensors: Record<string, Float32Array> = {};
  for (const format of init.tensors) {
    const crop = crops[format.cropKey];
    const size = init.crops.find((c) => c.key === format.cropKey);
    if (crop === undefined || size === undefined) throw new Error(`internal: no crop ${format.cropKey}`);
    const length = 3 * size.width * size.height;
    const tensor = toNchwFloat32(crop, size.width, size.height, format, allocate(length));
    tensors[format.key] = tensor;
    if (format.flipped) flippedTensors[format.key] = flipNchwHorizontally(tensor, [1, 3, size.height, size.width], allocate(length));
  }
  return { entryIndex, transforms, tensors, flippedTensors };
}

export function failedPerson(entryIndex: number, error: unknown): PreparedPerson {
  const reason = error instanceof Error ? error.message : String(error);
  return { entryIndex, error: reason, transforms: {}, tensors: {}, flippedTensors: {} };
}

/** All three steps on a decoded image (no cache). */
export function prepareTensors(image: RgbImage, person: JobPerson, init: WorkerInit): PreparedPerson {
  try {
    const transforms = cropTransformsFor(person, init);
    const crops: Record<string, Uint8Array> = {};
    for (const crop of init.crops) crops[crop.key] = warpCrop(image, transforms[crop.key] as CropTransform);
    return tensorsFromCrops(person.entryIndex, transforms, crops, init);
  } catch (error) {
    return failedPerson(person.entryIndex, error);
  }
}
