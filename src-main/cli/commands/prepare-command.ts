/**
 * posebench prepare (--dataset DIR | --demo) (--model FILE.onnx ... | --input WxH ...) [--db FILE] [--format table|json]
 *
 * Fills the crop cache for a dataset ahead of `eval` (crop-prepare.ts): later runs of models with
 * these input sizes read every crop instead of decoding images, so their cost per person is the
 * model's own. Worth it before benchmarking fast models on real photos, or while training runs.
 */
import path from 'node:path';
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';
import { openDataset } from '../../datasets/open-dataset.ts';
import { cropCacheRunOption } from '../../inference/runtime/crop-cache.ts';
import { prepareCrops, type CropSize, type PrepareCropsProgress } from '../../inference/runtime/crop-prepare.ts';
import { inspectModel } from '../../inference/runtime/model-inspect.ts';
import { defaultCacheDir } from '../../store/workspace-path.ts';

export async function runPrepareCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('prepare', argv, {
    dataset: { type: 'string' },
    demo: { type: 'boolean' },
    model: { type: 'string', multiple: true },
    input: { type: 'string', multiple: true },
    db: { type: 'string' },
    format: { type: 'string' },
  });
  const format = oneOf('format', values.format, ['table', 'json'], 'table');
  let datasetRoot = values.dataset;
  let modelFiles = values.model ?? [];
  if (values.demo) {
    if (datasetRoot !== undefined) throw new CliUsageError('give either --dataset or --demo, not both');
    const { ensureDemo } = await import('../../demo/ensure-demo.ts');
    const { projectRoot } = await import('../../core/project-root.ts');
    const demo = await ensureDemo(projectRoot());
    datasetRoot = demo.datasetDir;
    if (modelFiles.length === 0 && values.input === undefined) modelFiles = [...demo.modelFiles];
  }
  if (datasetRoot === undefined) throw new CliUsageError('posebench prepare needs --dataset DIR (or --demo)');
  const sizes: CropSize[] = (values.input ?? []).map(parseInputSize);
  for (const file of modelFiles) {
    const { width, height } = (await inspectModel(path.resolve(file))).input;
    sizes.push({ width, height });
  }
  if (sizes.length === 0) throw new CliUsageError("posebench prepare needs --model FILE.onnx or --input WxH (the models' input sizes)");

  // The same folder and budget as `posebench eval` with this --db (or none).
  const { cropCache } = cropCacheRunOption(defaultCacheDir(values.db));
  if (cropCache === undefined) throw new CliUsageError('the crop cache is off (POSEBENCH_CROP_CACHE_MB=0): nothing to prepare');
  const dataset = openDataset(datasetRoot);
  for (const warning of dataset.warnings) process.stderr.write(`warning: ${warning.message}\n`);

  const started = Date.now();
  const result = await prepareCrops({
    persons: dataset.persons,
    imagesDir: dataset.imagesDir,
    sizes,
    cacheDir: cropCache.dir,
    budgetBytes: cropCache.budgetBytes,
    progressEveryMs: 2000,
    onProgress: (p) => {
      if (p.end === null) process.stderr.write(`prepared ${p.imagesDone}/${p.imagesTotal} images (${p.cropsMade} crops made, ${p.cropsFound} found)\n`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  for (const failure of result.failures) process.stderr.write(`warning: ${failure}\n`);
  if (format === 'json') {
    const sizeNames = [...new Set(sizes.map((s) => `${s.width}x${s.height}`))];
    process.stdout.write(`${JSON.stringify({ ...result, sizes: sizeNames, cacheDir: cropCache.dir, seconds }, null, 2)}\n`);
  } else {
    process.stdout.write(`${summaryLine(result, seconds)}\ncrop cache: ${cropCache.dir}\n`);
  }
  return result.failedImages > 0 ? 1 : 0;
}

function summaryLine(result: PrepareCropsProgress, seconds: number): string {
  const ending = result.end === 'budget' ? ' — stopped at the cache budget (raise POSEBENCH_CROP_CACHE_MB)' : '';
  return `${result.imagesDone}/${result.imagesTotal} images: ${result.cropsMade} crops made, ${result.cropsFound} already cached, ${result.failedImages} images failed, in ${seconds.toFixed(1)} s${ending}`;
}

function parseInputSize(text: string): CropSize {
  const match = /^(\d+)x(\d+)$/.exec(text.trim());
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (match === null || !(width > 0 && height > 0 && width <= 4096 && height <= 4096)) {
    throw new CliUsageError(`--input must be WIDTHxHEIGHT in pixels, e.g. 256x256 (got "${text}")`);
  }
  return { width, height };
}
