/**
 * Issue 2 goals, measured (never asserted in timed tests):
 * - open the 2958-person MPII val folder in < 1 s (openDataset: json + gt .mat + stat of images);
 * - PCKh (with the 51-threshold sweep) over 2958 × 16 joints in < 20 ms;
 * - storing one variant's predictions, per-joint errors and metrics in < 200 ms.
 * With ../shared: the real val annotations and the bearpaw hg_s8 predictions. Without it: a
 * 2958-person folder repeated from the embedded demo and perturbed-GT predictions (`source` says so).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { projectRoot } from '../../src-main/core/project-root.ts';
import { measureOpenDataset } from './open-dataset-benchmark.ts';
import { openDataset } from '../../src-main/datasets/open-dataset.ts';
import { timePckh } from './pckh-benchmark.ts';
import { buildPckhInputs } from '../../src-main/evaluation/pckh.ts';
import { importPredictions } from '../../src-main/formats/predictions-import.ts';
import { benchmarkVariantWrite } from './variant-write-benchmark.ts';
import { sharedPath } from '../support/shared-fixtures.ts';
import { USE_SHARED, goal, note, round, tempDir, type BenchOptions, type Goal } from './bench-util.ts';
import { perturbedGtPredictions, writeRepeatedDataset } from './synthetic-dataset.ts';
import { performance } from 'node:perf_hooks';
import { mulberry32 } from '../../src-main/core/seeded-random.ts';
import { mpiiCropTransform } from '../../src-main/inference/preprocess/crop-transform.ts';
import { warpAffineBilinear } from '../../src-main/inference/preprocess/warp-affine.ts';
import { toNchwFloat32 } from '../../src-main/inference/preprocess/normalize-input.ts';

const MPII_VAL_PERSONS = 2958;

export interface CoreBenchResult {
  readonly report: Record<string, unknown>;
  readonly goals: Goal[];
}

export async function runCoreBench(options: BenchOptions): Promise<CoreBenchResult> {
  const temp = tempDir('core');
  try {
    const { root, predictionsFile, coordinateBase, source } = await prepareInputs(temp.dir);

    note(`core: openDataset on ${source.dataset}`);
    const open = measureOpenDataset(root, { runs: options.quick ? 3 : 7 });

    note('core: PCKh timing');
    const dataset = openDataset(root);
    if (dataset.gt === null) throw new Error(`${root}: no gt .mat`);
    const imported = importPredictions(predictionsFile, { coordinateBase, expectedCount: dataset.persons.length });
    const inputs = buildPckhInputs({ protocol: 'mmpose0x', persons: dataset.persons, gt: dataset.gt, predictions0Based: imported.predictions0Based });
    const iterations = options.quick ? 20 : 100;
    const pckh = timePckh(inputs, iterations, 5);

    note('core: variant write timing');
    const write = benchmarkVariantWrite({ persons: MPII_VAL_PERSONS, repeats: options.quick ? 3 : 7 });

    note('core: crop and tensor timing');
    const crop = timeCropAndTensor(options.quick ? 20 : 100);

    const report = {
      source,
      // mmpose crop of a 1280×720 RGB image to 256×256 (OpenCV fixed-point bilinear) and its NCHW tensor.
      crop,
      openDataset: {
        persons: open.persons,
        warnings: open.warnings,
        runs: open.runsMs.length,
        firstMs: round(open.firstMs),
        medianMs: round(open.medianMs),
        runsMs: open.runsMs.map((t) => round(t)),
      },
      pckh: {
        protocol: inputs.protocol,
        instances: inputs.instanceCount,
        joints: 16,
        iterations: pckh.iterations,
        medianMs: round(pckh.medianMs),
        minMs: round(pckh.minMs),
        meanMs: round(pckh.meanMs),
        // What was timed: the mean PCKh of that prediction set.
        pckhMean: pckh.report.metrics.PCKh,
      },
      variantWrite: {
        persons: write.persons,
        jointErrorRows: write.jointErrorRows,
        medianMs: round(write.medianMs),
        writeMs: write.writeMs.map((t) => round(t)),
        data: 'synthetic (benchmarkVariantWrite generates its own 2958-person variant)',
      },
    };
    const goals = [
      goal(`open the ${open.persons}-person val folder (median of ${open.runsMs.length})`, open.medianMs, 'ms', 1000),
      // The first open in this process (cold JIT, as when the user opens the folder after launch).
      goal(`open the ${open.persons}-person val folder (first open in the process)`, open.firstMs, 'ms', 1000),
      goal(`PCKh over ${inputs.instanceCount}×16 joints (median of ${pckh.iterations})`, pckh.medianMs, 'ms', 20),
      goal(`store one variant's predictions + errors, ${write.persons} persons (median of ${write.writeMs.length})`, write.medianMs, 'ms', 200),
    ];
    return { report, goals };
  } finally {
    temp.remove();
  }
}

interface CoreInputs {
  readonly root: string;
  readonly predictionsFile: string;
  readonly coordinateBase: 0 | 1;
  readonly source: { dataset: string; predictions: string };
}

async function prepareInputs(tmp: string): Promise<CoreInputs> {
  if (USE_SHARED) {
    return {
      root: sharedPath('fixtures', 'mpii-val'),
      predictionsFile: sharedPath('fixtures', 'mpii-predictions', 'bearpaw-hg_s8_b1.json'),
      coordinateBase: 0,
      source: { dataset: '../shared/fixtures/mpii-val', predictions: '../shared/fixtures/mpii-predictions/bearpaw-hg_s8_b1.json' },
    };
  }
  note('core: ../shared is absent: using a 2958-person folder repeated from the embedded demo');
  const demo = await ensureDemo(projectRoot());
  const root = path.join(tmp, 'synthetic-val');
  // No images: like ../shared/fixtures/mpii-val, which has annotations only (openDataset just stats them).
  writeRepeatedDataset({ source: demo.datasetDir, out: root, persons: MPII_VAL_PERSONS, images: false });
  const predictionsFile = path.join(tmp, 'perturbed-gt.json');
  writeFileSync(predictionsFile, JSON.stringify(perturbedGtPredictions(openDataset(root), 0.3, 7)));
  return {
    root,
    predictionsFile,
    coordinateBase: 0,
    source: { dataset: 'synthetic: the demo dataset repeated to 2958 persons (no ../shared)', predictions: 'synthetic: perturbed ground truth' },
  };
}

/** Median wall time of the warp and of the tensor conversion for one 256×256 crop of a 1280×720 image. */
function timeCropAndTensor(iterations: number): { warpMedianMs: number; tensorMedianMs: number; iterations: number } {
  const width = 1280;
  const height = 720;
  const random = mulberry32(7);
  const data = new Uint8Array(width * height * 3).map(() => Math.floor(random() * 256));
  const transform = mpiiCropTransform({ center: [640, 300], scale: 3.2 }, { width: 256, height: 256 });
  const crop = new Uint8Array(256 * 256 * 3);
  const tensor = new Float32Array(3 * 256 * 256);
  const warp: number[] = [];
  const convert: number[] = [];
  for (let i = 0; i < iterations + 5; i++) {
    const t0 = performance.now();
    warpAffineBilinear({ data, width, height, channels: 3 }, transform, 256, 256, crop);
    const t1 = performance.now();
    toNchwFloat32(crop, 256, 256, { color: 'rgb', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }, tensor);
    const t2 = performance.now();
    if (i >= 5) {
      warp.push(t1 - t0);
      convert.push(t2 - t1);
    }
  }
  const median = (values: number[]): number => round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!);
  return { warpMedianMs: median(warp), tensorMedianMs: median(convert), iterations };
}
