/**
 * Child process of the inference benchmark: one multi-model run over a dataset, alone in its own
 * process so its peak RSS (`process.resourceUsage().maxRSS`, KB on Linux) is the run's and nothing
 * else's. Usage: node --import tsx multi-model-run-child.ts DATASET MODEL.onnx [MODEL.onnx ...]
 * Prints one JSON line on stdout.
 */
import { openDataset } from '../../src-main/datasets/open-dataset.ts';
import { inspectModel } from '../../src-main/inference/engine/model-inspect.ts';
import { runModelsOverDataset } from '../../src-main/inference/engine/run-pipeline.ts';

async function main(): Promise<void> {
  const [datasetRoot, ...modelFiles] = process.argv.slice(2);
  if (datasetRoot === undefined || modelFiles.length === 0) throw new Error('usage: multi-model-run-child.ts DATASET MODEL.onnx...');
  const rssBeforeMB = process.memoryUsage().rss / 1024 / 1024;
  const dataset = openDataset(datasetRoot);
  const models = [];
  for (const file of modelFiles) models.push(await inspectModel(file));
  let results = 0;
  const failures: string[] = [];
  const summary = await runModelsOverDataset({
    models,
    persons: dataset.persons,
    imagesDir: dataset.imagesDir,
    onResult: () => {
      results += 1;
    },
    onFailure: (failure) => {
      if (failures.length < 5) failures.push(`${failure.image}: ${failure.reason}`);
    },
  });
  const maxRssKB = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({
    models: models.map((m) => m.name),
    persons: dataset.persons.length,
    imagesTotal: summary.imagesTotal,
    decodedImages: summary.decodedImages,
    failedImages: summary.failedImages,
    results,
    failures: summary.failures,
    firstFailures: failures,
    elapsedMs: summary.elapsedMs,
    inferenceMs: summary.inferenceMs,
    waitMs: summary.waitMs,
    rssBeforeRunMB: rssBeforeMB,
    peakRssMB: maxRssKB / 1024,
  })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
