/**
 * Issue 3 goals, measured:
 * - per model, the pipeline's cost per person (decode, crop, tensor, run, decode outputs, through
 *   `runModelsOverDataset`) is at most 1.05 × the bare `session.run` median measured in this run,
 *   for a first run over a dataset (every image decoded and cropped) and for a run that finds the
 *   crops in the crop cache (prepared ahead by `posebench prepare` or the app, or left by another
 *   variant with the same input size, or a re-run);
 * - a 3-model run over N images decodes each image once;
 * - the peak memory of a 3-model run stays under 600 MB (own child process, maxRSS).
 *
 * Datasets: the demo (200 persons, small images) for a stable ratio; with ../shared also the 5 real
 * MPII images, each hard-linked under 20 names (100 real-size JPEG decodes that should be hidden
 * behind inference by the prefetch worker).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { projectRoot } from '../../src-main/core/project-root.ts';
import type { PersonAnnotation } from '../../src-main/core/types.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { openDataset } from '../../src-main/datasets/open-dataset.ts';
import { benchPipeline, benchSessionRun, environmentInfo, summarise, type PipelineBenchResult } from '../../src-main/inference/runtime/latency-bench.ts';
import { inspectModel } from '../../src-main/inference/runtime/model-inspect.ts';
import { prepareCrops } from '../../src-main/inference/runtime/crop-prepare.ts';
import { sharedPath } from '../support/shared-fixtures.ts';
import { USE_SHARED, errorText, goal, note, round, tempDir, type BenchOptions, type Goal } from './bench-util.ts';
import { writeRepeatedDataset } from './synthetic-dataset.ts';

const RATIO_LIMIT = 1.05;
const PEAK_RSS_LIMIT_MB = 600;
const HERE = path.dirname(fileURLToPath(import.meta.url));

interface PipelineDataset {
  readonly key: 'demo' | 'mpiiReal';
  readonly label: string;
  readonly persons: readonly PersonAnnotation[];
  readonly imagesDir: string;
}

export interface InferenceBenchResult {
  readonly report: Record<string, unknown>;
  readonly goals: Goal[];
  readonly environment: unknown;
}

export async function runInferenceBench(options: BenchOptions): Promise<InferenceBenchResult> {
  const temp = tempDir('inference');
  try {
    const demo = await ensureDemo(projectRoot());
    const modelSet = await benchModels(demo.modelFiles);
    note(`inference: ${modelSet.files.length} models from ${modelSet.source}`);

    const demoDataset = openDataset(demo.datasetDir);
    const datasets: PipelineDataset[] = [
      {
        key: 'demo',
        label: `demo dataset (${demoDataset.persons.length} persons, ${demoDataset.images.size} small synthetic images)`,
        persons: demoDataset.persons.slice(0, options.quick ? 40 : demoDataset.persons.length),
        imagesDir: demoDataset.imagesDir,
      },
    ];
    let realRoot: string | undefined;
    if (USE_SHARED) {
      realRoot = path.join(temp.dir, 'mpii-real-repeated');
      const persons = options.quick ? 20 : 100;
      writeRepeatedDataset({ source: sharedPath('fixtures', 'mpii'), out: realRoot, persons });
      const real = openDataset(realRoot);
      datasets.push({
        key: 'mpiiReal',
        label: `the 5 real MPII val images of ../shared/fixtures/mpii, each under ${persons / 5} names (${persons} persons, ${persons} real-size JPEG decodes)`,
        persons: real.persons,
        imagesDir: real.imagesDir,
      });
    } else {
      note('inference: ../shared is absent: no real-size MPII images, demo dataset only');
    }

    // What crop preparation (`posebench prepare`, the app while idle) costs per person, in-process.
    const preparation: Record<string, unknown> = {};
    for (const dataset of datasets) {
      const cacheDir = mkdtempSync(path.join(temp.dir, 'prepare-'));
      const started = performance.now();
      const prepared = await prepareCrops({
        persons: dataset.persons,
        imagesDir: dataset.imagesDir,
        sizes: [{ width: 256, height: 256 }],
        cacheDir,
        budgetBytes: Number.MAX_SAFE_INTEGER,
      });
      const ms = performance.now() - started;
      preparation[dataset.key] = {
        persons: dataset.persons.length,
        cropsMade: prepared.cropsMade,
        imagesDecoded: prepared.imagesDecoded,
        msPerPerson: round(ms / Math.max(1, dataset.persons.length)),
      };
    }

    const runs = options.quick ? 10 : 30;
    const warmup = options.quick ? 2 : 5;
    const warmRepeats = options.quick ? 1 : 3;
    const perModel: Record<string, unknown>[] = [];
    const goals: Goal[] = [];
    for (const file of modelSet.files) {
      const model = await inspectModel(file);
      note(`inference: ${model.name} (${model.head}, ${model.input.width}×${model.input.height})`);
      const bareAlone = await benchSessionRun(model, { runs, warmup });
      // Bare session.run timings are taken between persons of every pipeline run (the pipeline paused,
      // those pauses excluded from its cost): a shared machine's speed drifts by ±10–25 % within
      // seconds, more than the 5 % being measured, so both sides must come from the same seconds.
      const interleaveBare = { everyPersons: options.quick ? 5 : 10, runs: 3 };
      const measure = async (dataset: PipelineDataset, cropCacheDir: string) => {
        const result = await benchPipeline(model, dataset.persons, dataset.imagesDir, { cropCacheDir, interleaveBare });
        const bareMs = median(result.bareSamplesMs);
        // Median against median: this machine's stalls (other tenants, 10–20 ms) land on whatever runs,
        // so a mean-per-person pipeline over a median session.run charges the pipeline for the machine.
        // The mean against the mean is reported beside it (meanRatio).
        return {
          result,
          bareMs,
          steadyRatio: median(result.personIntervalsMs) / bareMs,
          meanRatio: result.steadyMsPerPerson / mean(result.bareSamplesMs),
        };
      };
      const pipelines: Record<string, unknown> = {};
      const allBare: number[] = [];
      for (const dataset of datasets) {
        // A fresh crop cache: the first run decodes and crops everything (and fills the cache); the
        // next runs — another variant with this input size, or a re-run — read the crops instead.
        const cropCacheDir = mkdtempSync(path.join(temp.dir, 'crop-cache-'));
        const cold = await measure(dataset, cropCacheDir);
        const warm = [];
        for (let i = 0; i < warmRepeats; i += 1) warm.push(await measure(dataset, cropCacheDir));
        allBare.push(...cold.result.bareSamplesMs, ...warm.flatMap((w) => w.result.bareSamplesMs));
        const warmRatio = median(warm.map((w) => w.steadyRatio));
        // A run that decoded anything did not read its crops: it does not count as one that did.
        const allFromCache = warm.every((w) => w.result.decodedImages === 0);
        pipelines[dataset.key] = {
          persons: cold.result.persons,
          images: cold.result.images,
          firstRun: pipelineFigures(cold),
          cachedCrops: {
            repeats: warm.length,
            steadyRatio: round(warmRatio),
            meets: allFromCache && warmRatio <= RATIO_LIMIT,
            runs: warm.map(pipelineFigures),
          },
        };
        const cachedGoal = goal(
          `median pipeline ms per person / median bare session.run, ${model.name}, ${dataset.key}, crops cached by an earlier run (median of ${warm.length})`,
          warmRatio,
          '×',
          RATIO_LIMIT,
          {
            note: `runs: ${warm.map((w) => round(w.steadyRatio)).join(', ')}; mean ÷ mean: ${warm.map((w) => round(w.meanRatio)).join(', ')}; every image served from the crop cache: ${allFromCache}`,
          },
        );
        goals.push({ ...cachedGoal, met: cachedGoal.met === true && allFromCache });
        goals.push(
          goal(
            `median pipeline ms per person / median bare session.run, ${model.name}, ${dataset.key}, first run (decode + crop every image)`,
            cold.steadyRatio,
            '×',
            RATIO_LIMIT,
            {
              note: `mean ÷ mean ${round(cold.meanRatio)}; decoded ${cold.result.decodedImages} of ${cold.result.images} images; the image worker's own time ${round(cold.result.workerMsPerPerson)} ms/person vs session.run ${round(cold.bareMs)} ms (${cold.result.workerMsPerPerson > cold.bareMs ? 'bound by JPEG decoding and cropping: prepare the crops ahead' : 'decoding can hide behind inference'})`,
            },
          ),
        );
      }
      perModel.push({
        model: model.name,
        head: model.head,
        input: [model.input.width, model.input.height],
        sessionRun: {
          medianMs: round(median(allBare)),
          interleavedSamples: allBare.length,
          alone: { medianMs: round(bareAlone.medianMs), p95Ms: round(bareAlone.p95Ms), runs, warmup },
        },
        pipeline: pipelines,
      });
    }

    const childDataset = realRoot !== undefined ? writeChildDataset(temp.dir, options) : { root: demo.datasetDir, label: 'demo dataset' };
    const threeModels = pickThreeModels(modelSet.files);
    note(
      `inference: 3-model run through the one run path (workbench/run-variants.ts), in a child process (${threeModels.map((f) => path.basename(f)).join(', ')}) over ${childDataset.label}`,
    );
    const multi = await runChild(childDataset.root, threeModels);
    if ('error' in multi) {
      goals.push(goal('3-model run: images decoded once', null, 'decodes/image', 1, { note: multi.error }));
      goals.push(goal('3-model run: peak RSS', null, 'MB', PEAK_RSS_LIMIT_MB, { note: multi.error }));
    } else {
      const decodedOnce = multi.decodedImages === multi.imagesTotal && multi.failedImages === 0;
      goals.push({
        name: `3-model run over ${multi.imagesTotal} images: each image decoded once (decodedImages / imagesTotal)`,
        value: round(multi.decodedImages / Math.max(1, multi.imagesTotal)),
        unit: 'decodes/image',
        limit: 1,
        met: decodedOnce,
        note: `decodedImages ${multi.decodedImages}, imagesTotal ${multi.imagesTotal}, persons ${multi.persons}, results ${multi.results} (the pipeline's own counter)`,
      });
      goals.push(goal(`3-model run: peak RSS of the child process`, multi.peakRssMB, 'MB', PEAK_RSS_LIMIT_MB));
    }

    const environment = await environmentInfo();
    const report = {
      models: { source: modelSet.source, count: modelSet.files.length },
      datasets: Object.fromEntries(datasets.map((d) => [d.key, d.label])),
      ratioDefinition: `steadyRatio = the median pipeline cost per person once running (the time from the end of one person — its model run and outputs decoded — to the end of the next, through runModelsOverDataset: waits for the image worker, messages, session.run, output decoding, progress; the pauses for bare timings excluded) ÷ the median of the bare session.run timings taken during that run (3 runs of an own session every ${options.quick ? 5 : 10} persons, the pipeline paused); limit ${RATIO_LIMIT}. meanRatio = mean cost per person once running ((wall time − start-up − teardown − pauses) / persons) ÷ the mean of those bare timings; wholeRunRatio = wall time including start-up and teardown / persons ÷ the bare median. firstRun: empty crop cache (every image decoded and cropped during the run); cachedCrops: the crops are read from the crop cache, as in every run after "posebench prepare", after the app prepared the open dataset while no run was active, or after an earlier run with that input size`,
      cropPreparation256: {
        how: 'prepareCrops in the bench process, as posebench prepare runs it (libvips default threads), one size 256×256, empty cache',
        ...preparation,
      },
      perModel,
      threeModelRun: { dataset: childDataset.label, models: threeModels.map((f) => path.basename(f)), ...roundAll(multi) },
    };
    return { report, goals, environment };
  } finally {
    temp.remove();
  }
}

async function benchModels(demoModelFiles: readonly string[]): Promise<{ files: string[]; source: string }> {
  if (USE_SHARED) {
    const dir = sharedPath('models', 'bench');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { file: string }[];
    return { files: manifest.map((entry) => path.join(dir, entry.file)), source: '../shared/models/bench (manifest.json)' };
  }
  return { files: [...demoModelFiles], source: 'models/demo (../shared is absent)' };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
}

/** NaN for no values: a goal on it is then reported as not measured, not as met. */
function median(values: readonly number[]): number {
  return summarise(values).medianMs;
}

function pipelineFigures({ result, bareMs, steadyRatio, meanRatio }: { result: PipelineBenchResult; bareMs: number; steadyRatio: number; meanRatio: number }) {
  return {
    steadyRatio: round(steadyRatio),
    meets: steadyRatio <= RATIO_LIMIT,
    meanRatio: round(meanRatio),
    bareMedianMs: round(bareMs),
    bareMeanMs: round(mean(result.bareSamplesMs)),
    bareSamples: result.bareSamplesMs.length,
    medianMsPerPerson: round(median(result.personIntervalsMs)),
    steadyMsPerPerson: round(result.steadyMsPerPerson),
    wholeRunRatio: round(result.msPerPerson / bareMs),
    startupMs: round(result.startupMs),
    teardownMs: round(result.teardownMs),
    inferenceMsPerImage: round(result.inferenceMsPerImage),
    waitMsPerImage: round(result.waitMsPerImage),
    workerMsPerPerson: round(result.workerMsPerPerson),
    decodedImages: result.decodedImages,
    imagesFromCache: result.imagesFromCache,
    failures: result.failures,
  };
}

/** The three heaviest models (largest files): the worst case for memory. */
function pickThreeModels(files: readonly string[]): string[] {
  const sized = files.map((file) => ({ file, bytes: readFileSync(file).byteLength }));
  sized.sort((a, b) => b.bytes - a.bytes);
  return sized.slice(0, 3).map((entry) => entry.file);
}

/** Real-size images, two persons per image, so "decoded once" covers images with several persons. */
function writeChildDataset(tmp: string, options: BenchOptions): { root: string; label: string } {
  const root = path.join(tmp, 'mpii-real-two-per-image');
  const persons = options.quick ? 20 : 100;
  const built = writeRepeatedDataset({ source: sharedPath('fixtures', 'mpii'), out: root, persons, personsPerImage: 2 });
  return { root, label: `the 5 real MPII images repeated: ${built.persons} persons in ${built.images} images (2 per image)` };
}

interface ChildResult {
  readonly models: string[];
  readonly persons: number;
  readonly imagesTotal: number;
  readonly decodedImages: number;
  readonly failedImages: number;
  readonly results: number;
  readonly failures: number;
  readonly firstFailures: string[];
  readonly elapsedMs: number;
  readonly inferenceMs: number;
  readonly waitMs: number;
  readonly rssBeforeRunMB: number;
  readonly peakRssMB: number;
}

async function runChild(datasetRoot: string, modelFiles: readonly string[]): Promise<ChildResult | { error: string }> {
  const script = path.join(HERE, 'multi-model-run-child.ts');
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, datasetRoot, ...modelFiles], {
      cwd: projectRoot(),
      maxBuffer: 16 * 1024 * 1024,
      timeout: 10 * 60 * 1000,
    });
    const line = stdout.trim().split('\n').pop() ?? '';
    return JSON.parse(line) as ChildResult;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    return { error: `child process failed: ${errorText(error)}${stderr ? ` — ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}` };
  }
}

function roundAll(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]));
}
