/**
 * Prepares the crop cache (crop-cache.ts) for a dataset before any run: every person's crop for each
 * input size, made by the same code and under the same keys as the run pipeline's image worker, so a
 * later run reads them and decodes nothing.
 *
 * Why: on a 2-core machine a first run of a fast model over real photos is bound by JPEG decoding,
 * not by the model. Decoding a 1280×720 MPII image and warping its crop takes longer than a 5–7 ms
 * `session.run`, and the decoding on the second core slows the inference on the first one
 * (`npm run bench`, issue 3). Done ahead — when a dataset opens in the app, or with
 * `posebench prepare` — that cost is paid once per dataset and input size, not inside every run.
 *
 * Runs wherever it is called: in-process for the CLI, in a low-priority child process in the engine
 * (crop-prepare-worker.ts). Bad images are counted and named, never thrown: the run reports them.
 */
import path from 'node:path';
import type { PersonAnnotation } from '../../core/types.ts';
import type { CropTransform } from '../preprocess/crop-transform.ts';
import { cropCacheFileFor, cropCacheHit, imageIdentity, pruneCropCache, writeCachedCrop } from './crop-cache.ts';
import { decodeImageRgb, type DecodedImage } from './image-decode.ts';
import type { WorkerInit } from './image-worker-protocol.ts';
import { cropTransformsFor, warpCrop } from './prepare-tensors.ts';

export interface CropSize {
  readonly width: number;
  readonly height: number;
}

/** What a person's crop depends on (a PersonAnnotation has it). */
export type CropPerson = Pick<PersonAnnotation, 'entryIndex' | 'image' | 'center' | 'scale'>;

export interface PrepareCropsOptions {
  readonly persons: readonly CropPerson[];
  readonly imagesDir: string;
  /** Model input sizes (duplicates are made once). */
  readonly sizes: readonly CropSize[];
  /** The crop cache folder (the `dir` of the pipeline's `cropCache` option). */
  readonly cacheDir: string;
  /**
   * The folder's budget: no crop is added that would take it over (the runs' pruning would only
   * delete prepared crops again); room is made from the least recently used crops of other work.
   */
  readonly budgetBytes: number;
  readonly signal?: AbortSignal;
  /** At most every `progressEveryMs` (default 100) and once at the end. */
  readonly onProgress?: (progress: PrepareCropsProgress) => void;
  readonly progressEveryMs?: number;
  /** Awaited before each image: lets a host hold the work (the engine, while a run is active). */
  readonly beforeImage?: () => Promise<void>;
}

/** 'budget': the folder is full of this dataset's crops; 'unwritable': crops cannot be written there. */
export type PrepareCropsEnd = 'done' | 'cancelled' | 'budget' | 'unwritable';

export interface PrepareCropsProgress {
  readonly imagesTotal: number;
  /** Images looked at (all their crops found, made, or the image failed). */
  readonly imagesDone: number;
  /** Images decoded to make missing crops. */
  readonly imagesDecoded: number;
  readonly cropsMade: number;
  /** Crops already in the cache (made by a run or an earlier preparation). */
  readonly cropsFound: number;
  /** Crops that cannot be made (no centre in the json, or an invalid scale), per person and size. */
  readonly cropsImpossible: number;
  readonly failedImages: number;
  /**
   * Images whose decoder warned (a truncated or corrupt JPEG): none of their crops are cached, so the
   * run decodes them itself and reports the warning, as it would without preparation.
   */
  readonly imagesWithDecodeWarnings: number;
  /** The first few failures, as "image: reason" (or why crops cannot be written). */
  readonly failures: readonly string[];
  /** Null while running. */
  readonly end: PrepareCropsEnd | null;
}

const MAX_REPORTED_FAILURES = 5;

export async function prepareCrops(options: PrepareCropsOptions): Promise<PrepareCropsProgress> {
  const { cacheDir, signal } = options;
  const init: WorkerInit = { crops: distinctSizes(options.sizes).map(({ width, height }) => ({ key: `${width}x${height}`, width, height })), tensors: [] };
  const images = personsByImage(options.persons);
  const state = {
    imagesTotal: images.size,
    imagesDone: 0,
    imagesDecoded: 0,
    cropsMade: 0,
    cropsFound: 0,
    cropsImpossible: 0,
    failedImages: 0,
    imagesWithDecodeWarnings: 0,
    failures: [] as string[],
    end: null as PrepareCropsEnd | null,
  };
  const progressEveryMs = options.progressEveryMs ?? 100;
  let lastProgress = 0;
  const report = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastProgress < progressEveryMs) return;
    lastProgress = now;
    options.onProgress?.({ ...state, failures: [...state.failures] });
  };

  // Held before touching the folder at all (pruning deletes files).
  await options.beforeImage?.();
  // Also tells how full the folder is (pruning it first if an earlier run left it over budget).
  let bytes = (await pruneCropCache(cacheDir, options.budgetBytes)).bytes;
  /** Bytes of this dataset's crops in the folder: made or found by this pass. */
  let ownBytes = 0;
  outer: for (const [image, persons] of images) {
    await options.beforeImage?.();
    if (signal?.aborted) {
      state.end = 'cancelled';
      break;
    }
    const imagePath = path.join(options.imagesDir, image);
    let decoded: DecodedImage | null = null;
    try {
      const identity = imageIdentity(imagePath);
      if (identity === null) {
        await decodeImageRgb(imagePath); // throws, naming the file and why (missing, unreadable)
        throw new Error('the image changed while it was being prepared');
      }
      thisImage: for (const person of persons) {
        let transforms: Record<string, CropTransform>;
        try {
          transforms = cropTransformsFor(person, init);
        } catch {
          state.cropsImpossible += init.crops.length;
          continue;
        }
        for (const size of init.crops) {
          const transform = transforms[size.key] as CropTransform;
          const file = cropCacheFileFor(cacheDir, identity, transform, size);
          const cropBytes = size.width * size.height * 3;
          if (cropCacheHit(file)) {
            state.cropsFound += 1;
            ownBytes += cropBytes;
            continue;
          }
          if (bytes + cropBytes > options.budgetBytes) {
            // Make room from the least recently used crops (other datasets, sizes no longer used),
            // unless this dataset alone fills most of the budget: then pruning would eat its own.
            if (ownBytes + cropBytes > 0.8 * options.budgetBytes) {
              state.end = 'budget';
              break outer;
            }
            bytes = (await pruneCropCache(cacheDir, Math.max(0, bytes - 1))).bytes;
            if (bytes + cropBytes > options.budgetBytes) {
              state.end = 'budget';
              break outer;
            }
          }
          if (decoded === null) {
            decoded = await decodeImageRgb(imagePath);
            state.imagesDecoded += 1;
            if (decoded.warnings.length > 0) {
              state.imagesWithDecodeWarnings += 1;
              break thisImage;
            }
          }
          const writeError = writeCachedCrop(file, warpCrop(decoded, transform));
          if (writeError !== null) {
            // A full disk or a read-only folder: every further crop would fail the same way.
            state.failures.push(`cannot write crops to ${cacheDir}: ${writeError.message}`);
            state.end = 'unwritable';
            break outer;
          }
          bytes += cropBytes;
          ownBytes += cropBytes;
          state.cropsMade += 1;
        }
      }
    } catch (error) {
      state.failedImages += 1;
      if (state.failures.length < MAX_REPORTED_FAILURES) {
        state.failures.push(`${image}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    state.imagesDone += 1;
    report(false);
  }
  state.end ??= 'done';
  report(true);
  return { ...state, failures: [...state.failures] };
}

function distinctSizes(sizes: readonly CropSize[]): CropSize[] {
  const byKey = new Map<string, CropSize>();
  for (const size of sizes) byKey.set(`${size.width}x${size.height}`, size);
  return [...byKey.values()];
}

/** Persons grouped by image file, in the dataset's order: each image is decoded at most once. */
function personsByImage(persons: readonly CropPerson[]): Map<string, CropPerson[]> {
  const byImage = new Map<string, CropPerson[]>();
  for (const person of persons) {
    const list = byImage.get(person.image);
    if (list === undefined) byImage.set(person.image, [person]);
    else list.push(person);
  }
  return byImage;
}
