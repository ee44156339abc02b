/**
 * One person of one decoded image → every tensor the models need: one crop per distinct input size
 * (spec §4.1–4.2), one tensor per distinct normalisation (spec §4.4), plus mirrored tensors for
 * the flip test (spec §6: `img.flip(3)` of the normalised tensor). Runs in the image worker.
 */
import { mpiiCropTransform, type CropTransform } from '../preprocess/crop-transform.ts';
import { toNchwFloat32 } from '../preprocess/normalize-input.ts';
import { warpAffineBilinear } from '../preprocess/warp-affine.ts';
import { flipNchwHorizontally } from '../flip-test.ts';
import type { RgbImage } from './image-decode.ts';
import type { JobPerson, PreparedPerson, WorkerInit } from './image-worker-protocol.ts';

export function prepareTensors(image: RgbImage, person: JobPerson, init: WorkerInit): PreparedPerson {
  const transforms: Record<string, CropTransform> = {};
  const tensors: Record<string, Float32Array> = {};
  const flippedTensors: Record<string, Float32Array> = {};
  try {
    if (person.center === null) {
      // spec §4.1: mmpose would crop around (−2,−2), i.e. a black crop: no meaningful prediction.
      throw new Error('the json centre is [-1,-1]: no crop can be made');
    }
    const source = { data: image.data, width: image.width, height: image.height, channels: 3 as const };
    const crops: Record<string, Uint8Array> = {};
    for (const crop of init.crops) {
      const transform = mpiiCropTransform(person, { width: crop.width, height: crop.height });
      transforms[crop.key] = transform;
      crops[crop.key] = warpAffineBilinear(source, transform, crop.width, crop.height);
    }
    for (const format of init.tensors) {
      const crop = crops[format.cropKey];
      const size = init.crops.find((c) => c.key === format.cropKey);
      if (crop === undefined || size === undefined) throw new Error(`internal: no crop ${format.cropKey}`);
      const tensor = toNchwFloat32(crop, size.width, size.height, format);
      tensors[format.key] = tensor;
      if (format.flipped) flippedTensors[format.key] = flipNchwHorizontally(tensor, [1, 3, size.height, size.width]);
    }
    return { entryIndex: person.entryIndex, transforms, tensors, flippedTensors };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { entryIndex: person.entryIndex, error: reason, transforms: {}, tensors: {}, flippedTensors: {} };
  }
}

