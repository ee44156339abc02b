/**
 * posebench bench --model FILE [--runs N] [--warmup N] [--pipeline --dataset DIR [--max-persons N]] [--format json|table]
 * Like the study's "elapse … ms": median, p95 and mean of `session.run` on ONE thread, with the environment.
 *
 * posebench bench --model FILE --dataset DIR --store [--db FILE] [--runs N] [--format json|table]
 * Re-measures the latency of the workspace's variants of that model file (the same measurement a run
 * takes, workbench/variant-management.ts) and keeps it in each variant's latency history.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliUsageError, oneOf, parseCommandArgs, positiveInteger } from '../cli-args.ts';
import { inspectModel } from '../../inference/runtime/model-inspect.ts';
import { benchPipeline, benchSessionRun, environmentInfo, summarise, type PipelineBenchResult } from '../../inference/runtime/latency-bench.ts';
import { openDataset } from '../../datasets/open-dataset.ts';
import { PosebenchInputError } from '../../core/errors.ts';
import { listVariants } from '../../store/variants-repo.ts';
import { measureVariantLatency } from '../../workbench/variant-management.ts';
import { openWorkbench } from '../../workbench/workbench.ts';

async function storeVariantLatency(values: {
  model?: string[];
  dataset?: string;
  db?: string;
  runs?: string;
  format?: string;
  pipeline?: boolean;
}): Promise<number> {
  const format = oneOf('format', values.format, ['json', 'table'], 'table');
  if (values.dataset === undefined) throw new CliUsageError('--store needs --dataset DIR (the workspace whose variant to re-measure)');
  if (values.pipeline) throw new CliUsageError('--store measures session.run only; leave out --pipeline');
  const runs = positiveInteger('runs', values.runs, 50);
  if (runs < 5) throw new CliUsageError('--runs must be at least 5 for a stored distribution');
  const workbench = openWorkbench({ datasetRoot: values.dataset, dbFile: values.db });
  try {
    const stored = [];
    for (const file of values.model ?? []) {
      const resolved = path.resolve(file);
      const variants = listVariants(workbench.workspace, { datasetId: workbench.datasetRecord.id }).filter(
        (v) => v.kind === 'model' && v.sourcePath === resolved,
      );
      if (variants.length === 0) {
        throw new PosebenchInputError(
          { file: resolved },
          "is not a variant of this dataset's workspace: run posebench eval --model with it first (or give --db)",
        );
      }
      for (const variant of variants) {
        const m = await measureVariantLatency(workbench, variant.id, runs);
        stored.push({
          variant: variant.name,
          n: m.n,
          median_ms: m.medianMs,
          p5_ms: m.p5Ms,
          p95_ms: m.p95Ms,
          iqr_ms: m.p75Ms !== null && m.p25Ms !== null ? m.p75Ms - m.p25Ms : null,
          measured_at: m.measuredAt,
        });
      }
    }
    if (format === 'json') process.stdout.write(`${JSON.stringify({ stored }, null, 2)}\n`);
    else
      for (const s of stored)
        process.stdout.write(
          `${s.variant}: median ${s.median_ms.toFixed(2)} ms, p5–p95 ${s.p5_ms?.toFixed(2)}–${s.p95_ms.toFixed(2)} ms, n = ${s.n} (stored in its latency history)\n`,
        );
    return 0;
  } finally {
    workbench.close();
  }
}

export async function runBenchCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('bench', argv, {
    model: { type: 'string', multiple: true },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    pipeline: { type: 'boolean' },
    dataset: { type: 'string' },
    'max-persons': { type: 'string' },
    'flip-test': { type: 'boolean' },
    format: { type: 'string' },
    store: { type: 'boolean' },
    db: { type: 'string' },
  });
  if (values.store) return storeVariantLatency(values);
  const format = oneOf('format', values.format, ['json', 'table'], 'table');
  const modelFiles = values.model ?? [];
  if (modelFiles.length === 0) throw new CliUsageError('posebench bench needs --model FILE');
  if (values.pipeline && values.dataset === undefined) throw new CliUsageError('--pipeline needs --dataset DIR');
  const runs = positiveInteger('runs', values.runs, 50);
  const warmup = positiveInteger('warmup', values.warmup, 5);
  const dataset = values.pipeline && values.dataset !== undefined ? openDataset(values.dataset) : undefined;
  const maxPersons = values['max-persons'] === undefined ? undefined : positiveInteger('max-persons', values['max-persons'], 0);

  const results = [];
  for (const file of modelFiles) {
    const model = await inspectModel(path.resolve(file));
    const sessionRun = await benchSessionRun(model, { runs, warmup });
    const pipelineOptions = {
      ...(maxPersons !== undefined ? { maxPersons } : {}),
      ...(values['flip-test'] ? { flipTest: true } : {}),
      // Bare session.run timed between persons too (pipeline and image workers paused): the
      // ratio then compares figures from the same seconds of a machine whose speed drifts.
      // Every 10 persons; on short runs every third of them, at least every 2nd (the interval right
      // after a pause is not counted).
      interleaveBare: { everyPersons: Math.max(2, Math.min(10, Math.floor(Math.min(maxPersons ?? Infinity, dataset?.persons.length ?? 0) / 3))), runs: 3 },
    };
    // First run: every image decoded and cropped (filling a temporary crop cache); then a run that
    // reads those crops, as a second variant with this input size would.
    const cropCacheDir = dataset ? mkdtempSync(path.join(os.tmpdir(), 'posebench-bench-crops-')) : undefined;
    let pipeline;
    let cached;
    try {
      pipeline = dataset
        ? await benchPipeline(model, dataset.persons, dataset.imagesDir, { ...pipelineOptions, ...(cropCacheDir ? { cropCacheDir } : {}) })
        : undefined;
      cached = dataset
        ? await benchPipeline(model, dataset.persons, dataset.imagesDir, { ...pipelineOptions, ...(cropCacheDir ? { cropCacheDir } : {}) })
        : undefined;
    } finally {
      if (cropCacheDir) rmSync(cropCacheDir, { recursive: true, force: true });
    }
    const pipelineJson = (p: PipelineBenchResult) => {
      const medianPerPerson = summarise(p.personIntervalsMs).medianMs;
      const bareInterleaved = summarise(p.bareSamplesMs).medianMs;
      return {
        ms_per_image: p.msPerImage,
        ms_per_person: p.msPerPerson,
        steady_ms_per_person: p.steadyMsPerPerson,
        median_ms_per_person: medianPerPerson,
        images: p.images,
        decoded_images: p.decodedImages,
        persons: p.persons,
        failures: p.failures,
        ratio_to_session_run_median: p.msPerPerson / sessionRun.medianMs,
        steady_ratio_to_session_run_median: p.steadyMsPerPerson / sessionRun.medianMs,
        median_ratio_to_session_run_median: medianPerPerson / sessionRun.medianMs,
        image_worker_ms_per_person: p.workerMsPerPerson,
        // The issue-3 figure: median cost per person ÷ median of the bare timings taken during the run.
        session_run_interleaved_median_ms: bareInterleaved,
        median_ratio_to_interleaved_session_run: medianPerPerson / bareInterleaved,
      };
    };
    results.push({
      model: model.file,
      head: model.head,
      input: [model.input.width, model.input.height],
      session_run_ms: {
        median: sessionRun.medianMs,
        p95: sessionRun.p95Ms,
        mean: sessionRun.meanMs,
        min: sessionRun.minMs,
        runs: sessionRun.runs,
        warmup: sessionRun.warmup,
      },
      ...(pipeline ? { pipeline: pipelineJson(pipeline) } : {}),
      ...(cached ? { pipeline_cached_crops: pipelineJson(cached) } : {}),
    });
  }
  const environment = await environmentInfo();
  if (format === 'json') {
    const body = results.length === 1 ? { ...results[0], environment } : { models: results, environment };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${environment.cpuModel}, ${environment.cores} cores, onnxruntime-node ${environment.ortVersion}, intra/inter-op threads ${environment.intraOpNumThreads}/${environment.interOpNumThreads}`,
  ];
  for (const result of results) {
    const run = result.session_run_ms;
    lines.push(
      `${path.basename(result.model)} (${result.head}, ${result.input.join('×')}): session.run median ${run.median.toFixed(2)} ms, p95 ${run.p95.toFixed(2)} ms, mean ${run.mean.toFixed(2)} ms over ${run.runs} runs`,
    );
    const ratio = (p: { median_ratio_to_interleaved_session_run: number }) =>
      `${p.median_ratio_to_interleaved_session_run.toFixed(3)}× session.run (medians, same seconds)`;
    if (result.pipeline)
      lines.push(
        `  pipeline, first run: ${result.pipeline.median_ms_per_person.toFixed(2)} ms/person median = ${ratio(result.pipeline)}; ${result.pipeline.ms_per_person.toFixed(2)} ms/person with start-up, ${result.pipeline.ms_per_image.toFixed(2)} ms/image over ${result.pipeline.persons} persons; image worker ${result.pipeline.image_worker_ms_per_person.toFixed(2)} ms/person`,
      );
    if (result.pipeline_cached_crops)
      lines.push(
        `  pipeline, crops cached: ${result.pipeline_cached_crops.median_ms_per_person.toFixed(2)} ms/person median = ${ratio(result.pipeline_cached_crops)}; ${result.pipeline_cached_crops.ms_per_person.toFixed(2)} ms/person with start-up`,
      );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
