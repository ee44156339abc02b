/**
 * Latency measurements, single thread:
 * - `benchSessionRun`: bare `session.run` on a fixed random input (what papers call "model latency");
 * - `benchPipeline`: the real end-to-end cost per image through `runModelsOverDataset` (decode, crop,
 *   tensor, run, decode outputs), which is what a user waits for.
 * The gap between the two is the cost of everything that is not the network.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { LatencyDistribution, PersonAnnotation } from '../../core/types.ts';
import type { ModelInfo } from './model-inspect.ts';
import { ModelSession, SINGLE_THREAD_SESSION_OPTIONS, elementCount } from './onnx-session.ts';
import { runModelsOverDataset, type PipelinePauseControl } from './run-pipeline.ts';

export interface LatencyStats {
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly runs: number;
  readonly warmup: number;
}

export interface BenchRunOptions {
  readonly runs?: number;
  readonly warmup?: number;
  /** Seed of the fixed random input (same input for every run and every model of that size). */
  readonly seed?: number;
}

export async function benchSessionRun(model: ModelInfo, options: BenchRunOptions = {}): Promise<LatencyStats> {
  const runs = Math.max(1, Math.floor(options.runs ?? 20));
  const warmup = Math.max(0, Math.floor(options.warmup ?? 3));
  const session = await ModelSession.open(model.file, { inputSize: { width: model.input.width, height: model.input.height } });
  try {
    const input = seededNormalInput(elementCount(session.input.shape), options.seed ?? 1);
    for (let i = 0; i < warmup; i += 1) await session.run(input);
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const start = performance.now();
      await session.run(input);
      times.push(performance.now() - start);
    }
    return { ...summarise(times), runs, warmup };
  } finally {
    await session.release();
  }
}

export type { LatencyDistribution } from '../../core/types.ts';

/**
 * Percentile with linear interpolation between closest ranks, numpy's default (`method='linear'`,
 * Hyndman & Fan type 7): position (n − 1)·q in the sorted sample.
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const low = sorted[below] as number;
  return low + (position - below) * ((sorted[above] as number) - low);
}

export function distributionOf(times: readonly number[], warmup: number): LatencyDistribution {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    n: sorted.length,
    warmup,
    medianMs: percentile(sorted, 0.5),
    p5Ms: percentile(sorted, 0.05),
    p25Ms: percentile(sorted, 0.25),
    p75Ms: percentile(sorted, 0.75),
    p95Ms: percentile(sorted, 0.95),
    meanMs: sorted.length === 0 ? Number.NaN : sorted.reduce((sum, t) => sum + t, 0) / sorted.length,
    minMs: sorted[0] ?? Number.NaN,
  };
}

export type InterleavedLatency = { readonly ok: true; readonly stats: LatencyDistribution } | { readonly ok: false; readonly error: string };

/**
 * Bare single-thread `session.run` latency of several models, measured interleaved: after each
 * model's warm-up, round k times model 1, 2, …, n once each, for `runs` rounds. The machine's speed
 * drifts by 10–25 % within a minute; interleaving puts every model in the same minutes, so their
 * figures compare. A model that cannot be run (bad outputs, load error) gets its error, not a figure.
 */
export async function benchSessionRunsInterleaved(models: readonly ModelInfo[], options: BenchRunOptions = {}): Promise<InterleavedLatency[]> {
  const runs = Math.max(1, Math.floor(options.runs ?? 50));
  const warmup = Math.max(0, Math.floor(options.warmup ?? 5));
  const results: InterleavedLatency[] = models.map(() => ({ ok: false, error: 'not measured' }));
  const runners: ({ session: ModelSession; input: Float32Array } | null)[] = [];
  try {
    for (const [index, model] of models.entries()) {
      try {
        const session = await ModelSession.open(model.file, { inputSize: { width: model.input.width, height: model.input.height } });
        runners.push({ session, input: seededNormalInput(elementCount(session.input.shape), options.seed ?? 1) });
        for (let i = 0; i < warmup; i += 1) await session.run(runners[index]!.input);
      } catch (error) {
        runners[index] = null;
        results[index] = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }
    const times: number[][] = models.map(() => []);
    for (let round = 0; round < runs; round += 1) {
      for (const [index, runner] of runners.entries()) {
        if (runner === null) continue;
        try {
          const start = performance.now();
          await runner.session.run(runner.input);
          times[index]!.push(performance.now() - start);
        } catch (error) {
          runners[index] = null;
          results[index] = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }
    }
    for (const [index, runner] of runners.entries()) if (runner !== null) results[index] = { ok: true, stats: distributionOf(times[index]!, warmup) };
    return results;
  } finally {
    for (const runner of runners) await runner?.session.release();
  }
}

export interface PipelineBenchResult {
  /** Wall time of the whole run divided by the number of images (decode once, all persons). */
  readonly msPerImage: number;
  readonly msPerPerson: number;
  readonly images: number;
  readonly persons: number;
  readonly failures: number;
  readonly totalMs: number;
  /** Fixed start-up of the run (worker start, session load, first decode), see PipelineSummary. */
  readonly startupMs: number;
  /** Fixed end of the run (last crops written, sessions released, cache pruned), see PipelineSummary. */
  readonly teardownMs: number;
  /** (totalMs − startupMs − teardownMs) / images: the per-image cost once running, what a long run converges to. */
  readonly steadyMsPerImage: number;
  /** Of totalMs: inside session.run + output decoding, per image. */
  readonly inferenceMsPerImage: number;
  /** Of totalMs: the inference thread waiting for the image worker, per image. */
  readonly waitMsPerImage: number;
  /** The image worker's own time per person (decode, crop or cache read, tensors), on its own thread. */
  readonly workerMsPerPerson: number;
  /** Images the measured run decoded / served entirely from the crop cache. */
  readonly decodedImages: number;
  readonly imagesFromCache: number;
  /** Time spent in interleaved bare measurements (excluded from every figure above). */
  readonly pausedMs: number;
  /** (totalMs − startupMs − teardownMs) / persons: the mean per-person cost once running. */
  readonly steadyMsPerPerson: number;
  /**
   * Per person after the first: the time from the end of one person (all its models run and decoded,
   * or the person failed) to the end of the next, interleaved pauses excluded, and the first one after
   * each pause left out (the image under way when the workers were held finished during the pause).
   * They cover the steady part of the run but the first person (waits for the worker, messages,
   * session.run, output decoding, progress), so their median is the typical cost per person,
   * comparable with the median of `session.run` alone.
   */
  readonly personIntervalsMs: readonly number[];
  /** Bare `session.run` times measured between persons of this run (interleaveBare), else empty. */
  readonly bareSamplesMs: readonly number[];
}

export interface PipelineBenchOptions {
  /** Limit to the first N persons (keep benchmarks short on shared machines). */
  readonly maxPersons?: number;
  readonly flipTest?: boolean;
  /**
   * Crop cache folder for the measured run (crop-cache.ts). An empty folder measures a first run that
   * also fills it; a filled one measures a run that decodes nothing. Absent: no cache (every image decoded).
   */
  readonly cropCacheDir?: string;
  /**
   * Every `everyPersons` persons, pause the pipeline and time `runs` bare `session.run` calls of the
   * same model (own session, fixed random input). Bare and pipeline figures then come from the same
   * minutes of a machine whose speed drifts; the pauses are excluded from the pipeline's cost.
   */
  readonly interleaveBare?: { readonly everyPersons: number; readonly runs: number };
}

/**
 * End-to-end cost through the real pipeline for one model. A warm-up pass over the first person
 * loads the session and warms caches; it is not counted.
 */
export async function benchPipeline(
  model: ModelInfo,
  persons: readonly PersonAnnotation[],
  imagesDir: string,
  options: PipelineBenchOptions = {},
): Promise<PipelineBenchResult> {
  const selected = persons.slice(0, options.maxPersons ?? persons.length);
  const base = { models: [model], imagesDir, onResult: () => undefined, onProgress: () => undefined };
  const flip = options.flipTest === undefined ? {} : { flipTest: options.flipTest };
  // The warm-up never touches the cache: a cold measurement must find the folder as the caller left it.
  await runModelsOverDataset({ ...base, ...flip, persons: selected.slice(0, 1), onFailure: () => undefined });
  const cache = options.cropCacheDir === undefined ? {} : { cropCache: { dir: options.cropCacheDir, budgetBytes: Number.MAX_SAFE_INTEGER } };
  const interleave = options.interleaveBare;
  const bare = interleave === undefined ? undefined : await openBareRunner(model);
  const bareSamplesMs: number[] = [];
  const personIntervalsMs: number[] = [];
  let personsSeen = 0;
  let lastPersonEnd: number | undefined;
  let skipNextInterval = false;
  const betweenPersons = async (control: PipelinePauseControl) => {
    const now = performance.now();
    if (lastPersonEnd !== undefined && !skipNextInterval) personIntervalsMs.push(now - lastPersonEnd);
    skipNextInterval = false;
    if (bare !== undefined && interleave !== undefined && ++personsSeen % Math.max(1, interleave.everyPersons) === 0) {
      // The workers wait too, or they would prepare images during the pause that the pipeline then
      // gets for free. The image under way when the hold arrives still finishes: the interval after
      // the pause is left out for that.
      const release = control.holdImageWorkers();
      try {
        for (let i = 0; i < interleave.runs; i += 1) bareSamplesMs.push(await bare.timeOneRun());
      } finally {
        release();
      }
      skipNextInterval = true;
    }
    // After the pause: the next interval is pipeline time only.
    lastPersonEnd = performance.now();
  };
  let failures = 0;
  const start = performance.now();
  let summary;
  try {
    summary = await runModelsOverDataset({
      ...base,
      ...flip,
      ...cache,
      persons: selected,
      betweenPersons,
      onFailure: () => {
        failures += 1;
      },
    });
  } finally {
    await bare?.release();
  }
  // Pipeline time only: the interleaved bare timings are not part of its cost.
  const totalMs = performance.now() - start - summary.pausedMs;
  const images = Math.max(1, summary.imagesTotal);
  const steadyMs = totalMs - summary.startupMs - summary.teardownMs;
  return {
    msPerImage: totalMs / images,
    msPerPerson: totalMs / Math.max(1, selected.length),
    images: summary.imagesTotal,
    persons: selected.length,
    failures,
    totalMs,
    startupMs: summary.startupMs,
    teardownMs: summary.teardownMs,
    steadyMsPerImage: steadyMs / images,
    inferenceMsPerImage: summary.inferenceMs / images,
    waitMsPerImage: summary.waitMs / images,
    workerMsPerPerson: summary.workerMs / Math.max(1, selected.length),
    decodedImages: summary.decodedImages,
    imagesFromCache: summary.imagesFromCache,
    pausedMs: summary.pausedMs,
    steadyMsPerPerson: steadyMs / Math.max(1, selected.length),
    personIntervalsMs,
    bareSamplesMs,
  };
}

/** A second session of the model with its fixed input, warmed up, for interleaved bare timings. */
async function openBareRunner(model: ModelInfo): Promise<{ timeOneRun: () => Promise<number>; release: () => Promise<void> }> {
  const session = await ModelSession.open(model.file, { inputSize: { width: model.input.width, height: model.input.height } });
  const input = seededNormalInput(elementCount(session.input.shape), 1);
  for (let i = 0; i < 3; i += 1) await session.run(input);
  return {
    timeOneRun: async () => {
      const start = performance.now();
      await session.run(input);
      return performance.now() - start;
    },
    release: () => session.release(),
  };
}

export interface EnvironmentInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly ortVersion: string;
  readonly node: string;
  readonly platform: string;
  readonly intraOpNumThreads: 1;
  readonly interOpNumThreads: 1;
}

/** The onnxruntime-node version in this process (part of every model run's identity). */
export async function onnxruntimeVersion(): Promise<string> {
  const { env } = await import('onnxruntime-node');
  return env.versions.node ?? env.versions.common ?? 'unknown';
}

export async function environmentInfo(): Promise<EnvironmentInfo> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ortVersion: await onnxruntimeVersion(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    intraOpNumThreads: SINGLE_THREAD_SESSION_OPTIONS.intraOpNumThreads,
    interOpNumThreads: SINGLE_THREAD_SESSION_OPTIONS.interOpNumThreads,
  };
}

/** Median (mean of the middle two for even n), p95 by nearest rank, mean, min. */
export function summarise(times: readonly number[]): Omit<LatencyStats, 'runs' | 'warmup'> {
  if (times.length === 0) return { medianMs: Number.NaN, p95Ms: Number.NaN, meanMs: Number.NaN, minMs: Number.NaN };
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const p95 = sorted[Math.min(n - 1, Math.ceil(0.95 * n) - 1)] as number;
  const mean = sorted.reduce((sum, t) => sum + t, 0) / n;
  return { medianMs: median, p95Ms: p95, meanMs: mean, minMs: sorted[0] as number };
}

/** Deterministic N(0,1)-ish input (Box–Muller over a xorshift32 stream): like a normalised image. */
function seededNormalInput(length: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 4294967296;
  };
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(angle);
    if (i + 1 < length) out[i + 1] = r * Math.sin(angle);
  }
  return out;
}
