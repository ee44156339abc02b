/**
 * posebench bench --model FILE [--runs N] [--warmup N] [--pipeline --dataset DIR [--max-persons N]] [--format json|table]
 * Like the study's "elapse … ms": median, p95 and mean of `session.run` on ONE thread, with the environment.
 */
import path from 'node:path';
import { CliUsageError, oneOf, parseCommandArgs, positiveInteger } from '../cli-args.ts';
import { inspectModel } from '../../inference/engine/model-inspect.ts';
import { benchPipeline, benchSessionRun, environmentInfo } from '../../inference/engine/latency-bench.ts';
import { openDataset } from '../../datasets/open-dataset.ts';

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
  });
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
    const pipeline = dataset
      ? await benchPipeline(model, dataset.persons, dataset.imagesDir, {
          ...(maxPersons !== undefined ? { maxPersons } : {}),
          ...(values['flip-test'] ? { flipTest: true } : {}),
        })
      : undefined;
    results.push({
      model: model.file,
      head: model.head,
      input: [model.input.width, model.input.height],
      session_run_ms: { median: sessionRun.medianMs, p95: sessionRun.p95Ms, mean: sessionRun.meanMs, min: sessionRun.minMs, runs: sessionRun.runs, warmup: sessionRun.warmup },
      ...(pipeline ? { pipeline: { ms_per_image: pipeline.msPerImage, ms_per_person: pipeline.msPerPerson, images: pipeline.images, persons: pipeline.persons, failures: pipeline.failures, ratio_to_session_run_median: pipeline.msPerPerson / sessionRun.medianMs } } : {}),
    });
  }
  const environment = await environmentInfo();
  if (format === 'json') {
    const body = results.length === 1 ? { ...results[0], environment } : { models: results, environment };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  const lines = [`${environment.cpuModel}, ${environment.cores} cores, onnxruntime-node ${environment.ortVersion}, intra/inter-op threads ${environment.intraOpNumThreads}/${environment.interOpNumThreads}`];
  for (const result of results) {
    const run = result.session_run_ms;
    lines.push(`${path.basename(result.model)} (${result.head}, ${result.input.join('×')}): session.run median ${run.median.toFixed(2)} ms, p95 ${run.p95.toFixed(2)} ms, mean ${run.mean.toFixed(2)} ms over ${run.runs} runs`);
    if (result.pipeline) lines.push(`  pipeline: ${result.pipeline.ms_per_person.toFixed(2)} ms/person, ${result.pipeline.ms_per_image.toFixed(2)} ms/image over ${result.pipeline.persons} persons`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
