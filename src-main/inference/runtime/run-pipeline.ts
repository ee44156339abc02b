/**
 * Runs 1..n models over the persons of an MPII dataset, on one inference thread.
 *
 * - Persons are grouped by image; each image is decoded ONCE, each person cropped once per distinct
 *   input size and normalised once per distinct tensor format, shared by every model using it.
 * - Decoding, cropping and tensor conversion run in a worker thread (image-worker.ts) that works a few
 *   persons ahead, so `session.run` does not wait for JPEG decoding.
 * - A missing/corrupt image, or a person that cannot be cropped, is reported through `onFailure` and
 *   the run goes on; a model output that fails validation (shape, NaN/Inf, naming the joint) likewise,
 *   per model. An image that decodes with decoder warnings (libjpeg "Corrupt JPEG data: …") is
 *   scored and reported once through `onWarning`.
 * - Cancel with `signal`; resume by passing a `skip` that returns true for what is already stored.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PersonAnnotation } from '../../core/types.ts';
import { decodeOutputs } from '../decoders/index.ts';
import { decodeWithFlipTest, type FlipTestOptions } from '../flip-test.ts';
import { pruneCropCache } from './crop-cache.ts';
import { ImagePrefetcher } from './image-prefetcher.ts';
import type { CropSpec, ImageJobReply, JobPerson, PreparedPerson, TensorFormatSpec, WorkerInit } from './image-worker-protocol.ts';
import { toMpiiKeypoints } from './joint-mapping.ts';
import type { ModelInfo } from './model-inspect.ts';
import { ModelSession, NonFiniteOutputError } from './onnx-session.ts';

export interface PipelineResult {
  readonly modelIndex: number;
  readonly entryIndex: number;
  /** 16×3 in MPII order: x, y, score; 0-based image pixels; NaN for joints the model does not predict. */
  readonly keypoints: Float32Array;
}

export interface PipelineFailure {
  readonly entryIndex: number;
  /** Absent when the failure concerns the image or the person, not one model. */
  readonly modelIndex?: number;
  readonly image: string;
  readonly reason: string;
}

/** An image that decoded but is damaged (its persons are still scored). Once per image and run. */
export interface PipelineWarning {
  /** The first person of the image in this run (the entry the CLI names next to the image). */
  readonly entryIndex: number;
  readonly image: string;
  /** One line: what the decoder warned about and what it means. */
  readonly message: string;
}

export interface PipelineProgress {
  /** Persons finished (all their models run or failed). */
  readonly done: number;
  readonly total: number;
  readonly imagesDone: number;
  readonly imagesTotal: number;
  readonly imagesPerSecond: number;
  /** Remaining time at the person rate so far; NaN before the first person. */
  readonly etaSeconds: number;
}

export interface RunModelsOptions {
  readonly models: readonly ModelInfo[];
  readonly persons: readonly PersonAnnotation[];
  readonly imagesDir: string;
  /** True = (entry, model) already done: not run. A person whose models are all skipped is not decoded. */
  readonly skip?: (entryIndex: number, modelIndex: number) => boolean;
  /** Overrides every model's sidecar `decoder.flipTest` (spec §6). */
  readonly flipTest?: boolean;
  readonly onResult: (result: PipelineResult) => void;
  readonly onFailure: (failure: PipelineFailure) => void;
  /**
   * A damaged image that still decoded (libjpeg warnings such as "premature end of data segment"):
   * called once per such image when it is decoded, before its persons' results. Not called for an
   * image whose crops all came from the crop cache (it is not decoded again).
   */
  readonly onWarning?: (warning: PipelineWarning) => void;
  readonly onProgress?: (progress: PipelineProgress) => void;
  readonly signal?: AbortSignal;
  /** Persons prepared ahead of the inference thread (default 4 per image worker). */
  readonly prefetchPersons?: number;
  /**
   * Image worker threads (default `defaultImageWorkerCount()`: one per core beyond the inference
   * thread's, at most 3). Images are dealt to them in turn, each still decoded once.
   */
  readonly imageWorkers?: number;
  /**
   * Persistent crop cache (crop-cache.ts): crops made by earlier runs are read instead of decoding and
   * warping again; new ones are added; at the end the folder is pruned to `budgetBytes`.
   */
  readonly cropCache?: { readonly dir: string; readonly budgetBytes: number };
  /**
   * Awaited on the inference thread after each person (its models run, or the person failed); its
   * time is reported as `pausedMs`. For benchmarks that interleave bare `session.run` measurements
   * with the pipeline, so both see the same machine speed (a shared machine drifts by more than the
   * 5 % being measured). A pause should hold the image workers (`holdImageWorkers()` returns the
   * release): otherwise they work ahead meanwhile and the persons after it cost less than they do.
   */
  readonly betweenPersons?: (control: PipelinePauseControl) => Promise<void>;
}

export interface PipelinePauseControl {
  /** Image workers start no further image until the returned function is called. */
  holdImageWorkers(): () => void;
}

export interface PipelineSummary {
  /** Images the worker decoded successfully (each image at most once per run). */
  readonly decodedImages: number;
  /** Images not decoded at all: every crop they needed came from the crop cache. */
  readonly imagesFromCache: number;
  /** Person crops read from the crop cache / made by warping (one per person and input size). */
  readonly cropsFromCache: number;
  readonly cropsWarped: number;
  readonly failedImages: number;
  /** Images that decoded with decoder warnings (each reported through `onWarning`). */
  readonly damagedImages: number;
  readonly imagesTotal: number;
  readonly personsTotal: number;
  readonly personsDone: number;
  readonly results: number;
  readonly failures: number;
  readonly cancelled: boolean;
  readonly elapsedMs: number;
  /** Time inside `session.run` + decoding outputs. */
  readonly inferenceMs: number;
  /** Time spent in `betweenPersons` (not pipeline work). */
  readonly pausedMs: number;
  /** Time the inference thread spent waiting for the worker after the first image (low = decoding is hidden). */
  readonly waitMs: number;
  /**
   * The image worker's own time for the images it prepared (decode, crop or cache read, tensors).
   * Above the inference time, the run is bound by image preparation, whatever the prefetch depth.
   */
  readonly workerMs: number;
  /**
   * From the call to the first prepared image: worker start-up (tsx transpiling under tsx/vitest),
   * session loading and the first decode. Fixed per run, so large only for tiny runs.
   */
  readonly startupMs: number;
  /**
   * From the last person's result to the return: the worker writing its last crops, sessions
   * released, the crop cache pruned. Fixed per run, like `startupMs`.
   */
  readonly teardownMs: number;
}

interface ImageGroup {
  readonly image: string;
  readonly persons: { readonly person: PersonAnnotation; readonly models: number[] }[];
}

interface ModelPlanSpec {
  readonly info: ModelInfo;
  readonly cropKey: string;
  readonly tensorKey: string;
  readonly flip: boolean;
  /** Decoder and flip options from the sidecar, without `flipTest` and `flipIndex`. */
  readonly decodeOptions: Omit<FlipTestOptions, 'flipIndex'>;
}

interface ModelPlan extends ModelPlanSpec {
  readonly session: ModelSession;
}

export async function runModelsOverDataset(options: RunModelsOptions): Promise<PipelineSummary> {
  const { models, signal } = options;
  if (models.length === 0) throw new Error('runModelsOverDataset: no model given');
  const start = performance.now();
  const groups = groupPersonsByImage(options);
  const personsTotal = groups.reduce((n, g) => n + g.persons.length, 0);
  let decodedImages = 0;
  let imagesFromCache = 0;
  let cropsFromCache = 0;
  let cropsWarped = 0;
  let failedImages = 0;
  let damagedImages = 0;
  let personsDone = 0;
  let imagesDone = 0;
  let results = 0;
  let failures = 0;
  let inferenceMs = 0;
  let waitMs = 0;
  let workerMs = 0;
  let pausedMs = 0;
  let cancelled = false;
  let firstImageMs: number | undefined;
  let loopEndMs: number | undefined;

  const summary = (): PipelineSummary => ({
    decodedImages,
    imagesFromCache,
    cropsFromCache,
    cropsWarped,
    failedImages,
    damagedImages,
    imagesTotal: groups.length,
    personsTotal,
    personsDone,
    results,
    failures,
    cancelled,
    elapsedMs: performance.now() - start,
    inferenceMs,
    waitMs,
    workerMs,
    pausedMs,
    startupMs: firstImageMs ?? performance.now() - start,
    teardownMs: loopEndMs === undefined ? 0 : performance.now() - loopEndMs,
  });
  if (groups.length === 0 || signal?.aborted) {
    cancelled = signal?.aborted ?? false;
    return summary();
  }

  // The worker starts (and begins decoding) while the sessions load: its start-up is hidden too.
  const specs = models.map((info) => planSpecFor(info, options.flipTest));
  const init = workerInitFor(specs, options.cropCache?.dir);
  const workerCount = Math.max(1, Math.floor(options.imageWorkers ?? defaultImageWorkerCount()));
  const prefetchers = Array.from({ length: workerCount }, () => new ImagePrefetcher(init));
  const fail = (failure: PipelineFailure) => {
    failures += 1;
    options.onFailure(failure);
  };
  const reportProgress = () => {
    const seconds = (performance.now() - start) / 1000;
    const personRate = personsDone / seconds;
    options.onProgress?.({
      done: personsDone,
      total: personsTotal,
      imagesDone,
      imagesTotal: groups.length,
      imagesPerSecond: seconds > 0 ? imagesDone / seconds : 0,
      etaSeconds: personsDone > 0 ? (personsTotal - personsDone) / personRate : Number.NaN,
    });
  };

  const pauseControl: PipelinePauseControl = {
    holdImageWorkers: () => {
      for (const prefetcher of prefetchers) prefetcher.hold();
      return () => {
        for (const prefetcher of prefetchers) prefetcher.continue();
      };
    },
  };
  const afterPerson = async () => {
    if (options.betweenPersons === undefined) return;
    const pauseStart = performance.now();
    await options.betweenPersons(pauseControl);
    pausedMs += performance.now() - pauseStart;
  };

  // Prefetch: keep up to `prefetchPersons` persons (at least one image) requested ahead.
  const prefetchPersons = Math.max(1, options.prefetchPersons ?? 4 * workerCount);
  const inFlight: { group: ImageGroup; reply: Promise<ImageJobReply>; prefetcher: ImagePrefetcher }[] = [];
  let nextGroup = 0;
  let personsInFlight = 0;
  const topUp = () => {
    while (nextGroup < groups.length && (inFlight.length === 0 || personsInFlight < prefetchPersons)) {
      const group = groups[nextGroup++] as ImageGroup;
      const persons: JobPerson[] = group.persons.map(({ person }) => ({
        entryIndex: person.entryIndex,
        image: person.image,
        center: person.center,
        scale: person.scale,
      }));
      // Dealt in turn: replies are awaited in request order, so results keep the dataset's order.
      const prefetcher = prefetchers[(nextGroup - 1) % workerCount] as ImagePrefetcher;
      const reply = prefetcher.request({ imagePath: path.join(options.imagesDir, group.image), persons });
      reply.catch(() => undefined); // awaited below; avoid unhandled rejection if we stop early
      inFlight.push({ group, reply, prefetcher });
      personsInFlight += persons.length;
    }
  };

  let plans: ModelPlan[] = [];
  try {
    topUp();
    plans = await openSessions(specs);
    while (inFlight.length > 0) {
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      const { group, reply: replyPromise, prefetcher } = inFlight.shift() as (typeof inFlight)[number];
      const waitStart = performance.now();
      const reply = await replyPromise;
      // The wait for the first image is start-up (worker start, first decode), counted in startupMs.
      if (firstImageMs === undefined) firstImageMs = performance.now() - start;
      else waitMs += performance.now() - waitStart;
      personsInFlight -= group.persons.length;
      topUp();

      if (!reply.ok) {
        failedImages += 1;
        for (const { person } of group.persons) {
          fail({ entryIndex: person.entryIndex, image: group.image, reason: reply.reason });
        }
        for (let i = 0; i < group.persons.length; i += 1) {
          personsDone += 1;
          await afterPerson();
        }
      } else {
        workerMs += reply.prepareMs;
        if (reply.decoded) decodedImages += 1;
        else imagesFromCache += 1;
        cropsFromCache += reply.cropsFromCache;
        cropsWarped += reply.cropsWarped;
        const firstPerson = group.persons[0]?.person;
        if (reply.decodeWarnings.length > 0 && firstPerson !== undefined) {
          damagedImages += 1;
          options.onWarning?.({ entryIndex: firstPerson.entryIndex, image: group.image, message: describeDecodeWarnings(reply.decodeWarnings) });
        }
        for (const [index, prepared] of reply.persons.entries()) {
          const planned = group.persons[index];
          if (planned === undefined) continue;
          if (prepared.error !== undefined) {
            fail({ entryIndex: prepared.entryIndex, image: group.image, reason: prepared.error });
            personsDone += 1;
            await afterPerson();
            continue;
          }
          for (const modelIndex of planned.models) {
            if (signal?.aborted) break;
            const plan = plans[modelIndex] as ModelPlan;
            const runStart = performance.now();
            let keypoints: Float32Array;
            try {
              keypoints = await predictPerson(plan, prepared);
            } catch (error) {
              // A model's bad output (shape, NaN/Inf, undecodable) fails this (person, model) only.
              inferenceMs += performance.now() - runStart;
              fail({
                entryIndex: prepared.entryIndex,
                modelIndex,
                image: group.image,
                reason: error instanceof Error ? error.message : String(error),
              });
              continue;
            }
            inferenceMs += performance.now() - runStart;
            results += 1;
            // Outside the try: an error in the caller's handler (e.g. its store) stops the run.
            options.onResult({ modelIndex, entryIndex: prepared.entryIndex, keypoints });
          }
          if (signal?.aborted) {
            cancelled = true;
            break;
          }
          personsDone += 1;
          await afterPerson();
        }
        // Every model of this image's persons has run: the worker may refill their tensors.
        prefetcher.recycle(reply.persons.flatMap((p) => [...Object.values(p.tensors), ...Object.values(p.flippedTensors)].map((t) => t.buffer as ArrayBuffer)));
      }
      if (cancelled) break;
      imagesDone += 1;
      reportProgress();
    }
  } finally {
    loopEndMs = performance.now();
    // A finished run lets the worker write its last crops to the cache; a cancelled or failed one stops it now.
    const finished = !cancelled && inFlight.length === 0 && nextGroup === groups.length;
    await Promise.all(prefetchers.map((prefetcher) => (finished ? prefetcher.drain() : prefetcher.close())));
    for (const plan of plans) await plan.session.release().catch(() => undefined);
  }
  if (options.cropCache !== undefined) {
    await pruneCropCache(options.cropCache.dir, options.cropCache.budgetBytes).catch(() => undefined);
  }
  return summary();
}

/**
 * Image workers for a run: the inference thread keeps one core, the workers share the others (at
 * most 3: beyond that a 5 ms model is no longer waiting). On 2 cores, one worker. Overridden by
 * POSEBENCH_IMAGE_WORKERS.
 */
export function defaultImageWorkerCount(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const fromEnv = Number(env['POSEBENCH_IMAGE_WORKERS']);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return Math.min(fromEnv, 16);
  return Math.max(1, Math.min(3, os.availableParallelism() - 1));
}

/** The pipeline's one-line warning for an image the decoder warned about. */
export function describeDecodeWarnings(warnings: readonly string[]): string {
  return (
    `image decoded with decoder warnings (${warnings.join('; ')}): part of it may be grey or garbled, ` +
    'its persons are scored on what decoded (OpenCV, which mmpose reads images with, also decodes despite such warnings); check or replace the image'
  );
}

/**
 * `session.run`, with a NaN/Inf output named by the model's joint: "model output is NaN/Inf at joint
 * left_wrist". The message keeps the session's "output "X": non-finite value V at flat index I".
 */
async function runNamingJoints(plan: ModelPlan, tensor: Float32Array, mirrored: boolean): ReturnType<ModelSession['run']> {
  try {
    return await plan.session.run(tensor);
  } catch (error) {
    if (!(error instanceof NonFiniteOutputError)) throw error;
    const jointIndex = error.jointIndex();
    const joint = jointIndex === undefined ? undefined : plan.info.keypoints[jointIndex];
    const at = joint === undefined ? '' : ` at joint ${joint}`;
    const crop = mirrored ? ' (on the mirrored crop of the flip test)' : '';
    throw new Error(
      `${error.where}: non-finite value ${error.value} at flat index ${error.flatIndex}: model output is NaN/Inf${at}${crop} (model diverged or broken export)`,
      { cause: error },
    );
  }
}

async function predictPerson(plan: ModelPlan, prepared: PreparedPerson): Promise<Float32Array> {
  const tensor = prepared.tensors[plan.tensorKey];
  const transform = prepared.transforms[plan.cropKey];
  if (tensor === undefined || transform === undefined) throw new Error(`internal: no tensor for ${plan.tensorKey}`);
  const outputs = await runNamingJoints(plan, tensor, false);
  const flippedTensor = plan.flip ? prepared.flippedTensors[plan.tensorKey] : undefined;
  if (plan.flip && flippedTensor === undefined) throw new Error(`internal: no mirrored tensor for ${plan.tensorKey}`);
  const flippedOutputs = flippedTensor === undefined ? undefined : await runNamingJoints(plan, flippedTensor, true);
  let decoded;
  try {
    decoded =
      flippedOutputs === undefined
        ? decodeOutputs(plan.info.head, outputs, transform, plan.decodeOptions)
        : decodeWithFlipTest(plan.info.head, outputs, flippedOutputs, transform, {
            ...plan.decodeOptions,
            flipIndex: plan.info.modelFlipIndex,
          });
  } catch (error) {
    throw new Error(`${plan.info.name}: cannot decode outputs (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  // Finite outputs can still decode to NaN/Inf (e.g. a soft-argmax whose exp overflows): same failure.
  const badJoint = decoded.keypoints.findIndex((k) => !Number.isFinite(k.x) || !Number.isFinite(k.y));
  if (badJoint >= 0) {
    const name = plan.info.keypoints[badJoint] ?? `#${badJoint}`;
    throw new Error(`${path.basename(plan.info.file)}: decoded keypoint is NaN/Inf at joint ${name} (model output overflows the ${plan.info.head} decoder)`);
  }
  return toMpiiKeypoints(plan.info, decoded.keypoints);
}

function groupPersonsByImage(options: RunModelsOptions): ImageGroup[] {
  const byImage = new Map<string, ImageGroup>();
  for (const person of options.persons) {
    const modelIndices = options.models.map((_, modelIndex) => modelIndex).filter((modelIndex) => !(options.skip?.(person.entryIndex, modelIndex) ?? false));
    if (modelIndices.length === 0) continue;
    let group = byImage.get(person.image);
    if (group === undefined) {
      group = { image: person.image, persons: [] };
      byImage.set(person.image, group);
    }
    group.persons.push({ person, models: modelIndices });
  }
  return [...byImage.values()];
}

function planSpecFor(info: ModelInfo, flipOverride: boolean | undefined): ModelPlanSpec {
  const { flipTest, ...decodeOptions } = info.decoder;
  const cropKey = `${info.input.width}x${info.input.height}`;
  const tensorKey = `${cropKey}|${info.input.color}|${info.input.mean.join(',')}|${info.input.std.join(',')}`;
  return { info, cropKey, tensorKey, flip: flipOverride ?? flipTest ?? false, decodeOptions };
}

/** Opens one single-thread session per model; on failure releases those already open. */
async function openSessions(specs: readonly ModelPlanSpec[]): Promise<ModelPlan[]> {
  const plans: ModelPlan[] = [];
  try {
    for (const spec of specs) {
      const { width, height } = spec.info.input;
      plans.push({ ...spec, session: await ModelSession.open(spec.info.file, { inputSize: { width, height } }) });
    }
  } catch (error) {
    for (const plan of plans) await plan.session.release().catch(() => undefined);
    throw error;
  }
  return plans;
}

function workerInitFor(plans: readonly ModelPlanSpec[], cropCacheDir: string | undefined): WorkerInit {
  const crops = new Map<string, CropSpec>();
  const tensors = new Map<string, TensorFormatSpec>();
  for (const plan of plans) {
    const { width, height, color, mean, std } = plan.info.input;
    crops.set(plan.cropKey, { key: plan.cropKey, width, height });
    const existing = tensors.get(plan.tensorKey);
    tensors.set(plan.tensorKey, {
      key: plan.tensorKey,
      cropKey: plan.cropKey,
      color,
      mean,
      std,
      flipped: (existing?.flipped ?? false) || plan.flip,
    });
  }
  return { crops: [...crops.values()], tensors: [...tensors.values()], ...(cropCacheDir === undefined ? {} : { cropCacheDir }) };
}
