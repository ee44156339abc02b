/**
 * Child process of the inference benchmark: one multi-model run over a dataset through the one run
 * path every host uses (workbench/run-variants.ts: workspace, identity, pipeline, stored predictions,
 * scoring), alone in its own process so its peak RSS (`process.resourceUsage().maxRSS`, KB on Linux)
 * is the run's and nothing else's. A temporary workspace, no crop cache (every image decoded), no
 * latency measurement. Usage: node --import tsx multi-model-run-child.ts DATASET MODEL.onnx [MODEL.onnx ...]
 * Prints one JSON line on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addModelVariant } from '../../src-main/workbench/model-variants.ts';
import { runModelVariants } from '../../src-main/workbench/run-variants.ts';
import { openWorkbench } from '../../src-main/workbench/workbench.ts';

async function main(): Promise<void> {
  const [datasetRoot, ...modelFiles] = process.argv.slice(2);
  if (datasetRoot === undefined || modelFiles.length === 0) throw new Error('usage: multi-model-run-child.ts DATASET MODEL.onnx...');
  const rssBeforeMB = process.memoryUsage().rss / 1024 / 1024;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-bench-run-'));
  const workbench = openWorkbench({ datasetRoot, dbFile: path.join(dir, 'ws.sqlite') });
  try {
    const variantIds: number[] = [];
    const names: string[] = [];
    for (const file of modelFiles) {
      const added = await addModelVariant(workbench, { modelFile: file });
      variantIds.push(added.variant.id);
      names.push(added.variant.name);
    }
    const failures: string[] = [];
    let failureCount = 0;
    const outcome = await runModelVariants(workbench, { variantIds, protocol: 'mmpose0x', cropCache: false, latencyRuns: 0 }, (event) => {
      if (event.type !== 'failure') return;
      failureCount += 1;
      if (failures.length < 5) failures.push(event.message);
    });
    const summary = outcome.pipeline;
    if (summary === null) throw new Error('nothing ran (every variant reused)');
    const maxRssKB = process.resourceUsage().maxRSS;
    process.stdout.write(
      `${JSON.stringify({
        models: names,
        persons: workbench.dataset.persons.length,
        imagesTotal: summary.imagesTotal,
        decodedImages: summary.decodedImages,
        failedImages: summary.failedImages,
        results: summary.results,
        failures: failureCount,
        firstFailures: failures,
        elapsedMs: summary.elapsedMs,
        inferenceMs: summary.inferenceMs,
        waitMs: summary.waitMs,
        rssBeforeRunMB: rssBeforeMB,
        peakRssMB: maxRssKB / 1024,
      })}\n`,
    );
  } finally {
    workbench.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
