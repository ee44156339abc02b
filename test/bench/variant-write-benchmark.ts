/**
 * Times storeVariantResults (src-main/store/variant-results.ts) for N persons × 16 joints on a fresh
 * workspace file in a temp directory: the "store one variant's predictions + per-joint errors" goal of
 * `npm run -s bench` (core section). Benchmark code, so it lives with the benchmarks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MPII_JOINT_COUNT, MPII_MAT_JOINT_NAMES } from '../../src-main/core/joints.ts';
import type { PersonAnnotation, Point2 } from '../../src-main/core/types.ts';
import { listInstances, registerDataset } from '../../src-main/store/datasets-repo.ts';
import { PREDICTION_FLOATS_PER_INSTANCE } from '../../src-main/store/predictions-repo.ts';
import { createRun, setRunStatus } from '../../src-main/store/runs-repo.ts';
import { storeVariantResults } from '../../src-main/store/variant-results.ts';
import { createVariant } from '../../src-main/store/variants-repo.ts';
import { closeWorkspace, openWorkspace } from '../../src-main/store/workspace.ts';

const J = MPII_JOINT_COUNT;

/** A small deterministic generator, so benchmark data is the same every time. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function syntheticAnnotations(count: number, random: () => number): PersonAnnotation[] {
  return Array.from({ length: count }, (_, n): PersonAnnotation => {
    const joints: Point2[] = Array.from({ length: J }, () => [random() * 1000, random() * 700]);
    return {
      entryIndex: n,
      image: `${String(n).padStart(9, '0')}.jpg`,
      center: [500, 350],
      scale: 2 + random(),
      joints,
      jointsVisible: new Array<number>(J).fill(1),
      raw: { image: `${String(n).padStart(9, '0')}.jpg`, joints: joints.map(([x, y]) => [x + 1, y + 1]) },
    };
  });
}

export interface VariantWriteBenchmark {
  readonly persons: number;
  readonly jointErrorRows: number;
  /** Wall time of each storeVariantResults call (one fresh run each). */
  readonly writeMs: number[];
  readonly medianMs: number;
}

/**
 * Times storeVariantResults for `persons` × 16 joints on a fresh workspace file in a temp directory
 * (deleted afterwards unless `keepDir`).
 */
export function benchmarkVariantWrite(options: { persons?: number; repeats?: number; dir?: string; keepDir?: boolean } = {}): VariantWriteBenchmark {
  const persons = options.persons ?? 2958;
  const repeats = options.repeats ?? 3;
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'posebench-store-bench-'));
  const random = lcg(12345);
  const ws = openWorkspace(path.join(dir, 'bench.sqlite'));
  try {
    const { dataset } = registerDataset(ws, {
      root: path.join(dir, 'synthetic-dataset'),
      layout: 'mmpose',
      split: 'val',
      annotationFile: path.join(dir, 'synthetic-dataset', 'annotations', 'mpii_val.json'),
      gtMatFile: null,
      persons: syntheticAnnotations(persons, random),
      gt: null,
      fingerprint: 'synthetic',
    });
    const instanceIds = listInstances(ws, dataset.id).map((instance) => instance.id);
    const xyScore = Float32Array.from({ length: persons * PREDICTION_FLOATS_PER_INSTANCE }, () => random() * 1000);
    const normalizedErrors = Float64Array.from({ length: persons * J }, () => random() * 2);
    const hits = Uint8Array.from(normalizedErrors, (e) => (e <= 0.5 ? 1 : 0));
    const writeMs: number[] = [];
    for (let r = 0; r < repeats; r += 1) {
      const variant = createVariant(ws, { name: `bench-${r}`, kind: 'imported', sourcePath: 'synthetic', datasetId: dataset.id });
      const run = createRun(ws, { datasetId: dataset.id, variantId: variant.id, total: persons });
      setRunStatus(ws, run.id, 'running');
      const start = performance.now();
      storeVariantResults(ws, run.id, {
        predictions: { instanceIds, xyScore },
        jointErrors: { instanceIds, normalizedErrors, hits, gtRevision: dataset.gtRevision },
        metrics: [{ protocol: 'mmpose0x', gtRevision: dataset.gtRevision, report: { jointNames: MPII_MAT_JOINT_NAMES } }],
        finalStatus: 'done',
      });
      writeMs.push(performance.now() - start);
    }
    const sorted = [...writeMs].sort((a, b) => a - b);
    return { persons, jointErrorRows: persons * J, writeMs, medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN };
  } finally {
    closeWorkspace(ws);
    if (!options.keepDir && options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
