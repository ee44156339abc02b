/**
 * Issue 16 goal, measured (never asserted in timed tests): the paired bootstrap over persons with
 * B = 2000 over 2958 persons × 8 variants — every column (9 table columns, 16 joints at 0.5 and at 0.1)
 * for every variant and Δ for all 28 pairs, with percentile intervals — in < 2 s.
 * With ../shared: the MPII val GT, the five published prediction sets and three perturbed-GT sets
 * (seeded noise) to make 8. Without it: a 2958-person folder repeated from the embedded demo and eight
 * perturbed-GT sets (`source` says so). The per-(person, joint) outcomes are built once per variant
 * (timed apart: `prepareMs`); the goal is on preparation + bootstrap.
 * Then the same 8 sets as variants of a workspace for the report goal (report-bench.ts).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../../src-main/core/project-root.ts';
import type { MatGroundTruth, PersonAnnotation } from '../../src-main/core/types.ts';
import { openDataset, type OpenedDataset } from '../../src-main/datasets/open-dataset.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { pairedBootstrap } from '../../src-main/evaluation/bootstrap.ts';
import { columnTests } from '../../src-main/evaluation/mcnemar.ts';
import { buildPckhInputs, predictionsFromBase } from '../../src-main/evaluation/pckh.ts';
import { personJointOutcomes, type PersonJointOutcomes } from '../../src-main/evaluation/person-tallies.ts';
import { importPredictions } from '../../src-main/formats/predictions-import.ts';
import { sharedPath } from '../support/shared-fixtures.ts';
import { USE_SHARED, goal, note, round, stats, tempDir, type BenchOptions, type Goal } from './bench-util.ts';
import { runReportBench } from './report-bench.ts';
import { perturbedGtPredictions, writeRepeatedDataset } from './synthetic-dataset.ts';

const MPII_VAL_PERSONS = 2958;
const VARIANTS = 8;
const REPLICATES = 2000;
const GOAL_MS = 2000;

export interface StatsBenchResult {
  readonly report: Record<string, unknown>;
  readonly goals: Goal[];
}

interface PredictionSet {
  readonly name: string;
  readonly predictions0Based: Float32Array;
}

export async function runStatsBench(options: BenchOptions): Promise<StatsBenchResult> {
  const temp = tempDir('stats');
  try {
    const { dataset, sets, source } = await prepareSets(temp.dir);
    const gt = dataset.gt as MatGroundTruth;
    const persons: readonly PersonAnnotation[] = dataset.persons;

    const runs = options.quick ? 1 : 3;
    const prepareMs: number[] = [];
    const bootstrapMs: number[] = [];
    const totalMs: number[] = [];
    let outcomes: PersonJointOutcomes[] = [];
    let meanInterval: [number, number] = [Number.NaN, Number.NaN];
    for (let run = 0; run < runs; run++) {
      note(`stats: run ${run + 1}/${runs}: outcomes of ${sets.length} variants, then B = ${REPLICATES}`);
      const t0 = performance.now();
      outcomes = sets.map((s) => personJointOutcomes(buildPckhInputs({ protocol: 'mmpose0x', persons, gt, predictions0Based: s.predictions0Based })));
      const t1 = performance.now();
      const result = pairedBootstrap(outcomes, { replicates: REPLICATES, seed: 1 });
      const t2 = performance.now();
      prepareMs.push(t1 - t0);
      bootstrapMs.push(t2 - t1);
      totalMs.push(t2 - t0);
      meanInterval = [result.variants[0]!.lo[7]!, result.variants[0]!.hi[7]!];
      if (result.pairs.length !== (VARIANTS * (VARIANTS - 1)) / 2) throw new Error(`expected 28 pairs, got ${result.pairs.length}`);
    }

    note('stats: McNemar + Holm for all 28 pairs');
    const m0 = performance.now();
    let tests = 0;
    for (let a = 0; a < outcomes.length; a++) for (let b = a + 1; b < outcomes.length; b++) tests += columnTests(outcomes[a]!, outcomes[b]!).length;
    const mcnemarMs = performance.now() - m0;

    const total = stats(totalMs);
    const report = {
      source,
      persons: persons.length,
      variants: sets.map((s) => s.name),
      replicates: REPLICATES,
      columnsPerVariant: 41,
      pairs: (VARIANTS * (VARIANTS - 1)) / 2,
      runs,
      prepareMs: stats(prepareMs),
      bootstrapMs: stats(bootstrapMs),
      totalMs: total,
      mcnemarAllPairsMs: round(mcnemarMs),
      mcnemarTests: tests,
      // What was computed: the first variant's PCKh interval.
      firstVariantPckhInterval: meanInterval.map((v) => round(v, 3)),
    };
    const reportBench = runReportBench({ datasetRoot: dataset.root, sets, dir: temp.dir, runs });
    const goals = [
      goal(
        'stats: paired bootstrap B=2000, 2958 persons x 8 variants, all columns + 28 pairs (median of runs, incl. outcomes)',
        total.medianMs,
        'ms',
        GOAL_MS,
        {
          note: `${source.dataset}; outcomes ${stats(prepareMs).medianMs} ms + bootstrap ${stats(bootstrapMs).medianMs} ms`,
        },
      ),
      ...reportBench.goals,
    ];
    return { report: { ...report, report: reportBench.report }, goals };
  } finally {
    temp.remove();
  }
}

async function prepareSets(tmp: string): Promise<{ dataset: OpenedDataset; sets: PredictionSet[]; source: { dataset: string; predictions: string } }> {
  if (USE_SHARED) {
    const dataset = openDataset(sharedPath('fixtures', 'mpii-val'));
    const published: [string, 0 | 1][] = [
      ['newell', 1],
      ['tompson', 1],
      ['bearpaw-hg_s1_b1', 0],
      ['bearpaw-hg_s2_b1', 0],
      ['bearpaw-hg_s8_b1', 0],
    ];
    const sets: PredictionSet[] = published.map(([name, base]) => {
      const imported = importPredictions(sharedPath('fixtures', 'mpii-predictions', `${name}.json`), {
        coordinateBase: base,
        expectedCount: dataset.persons.length,
      });
      return { name, predictions0Based: imported.predictions0Based };
    });
    for (let k = 0; sets.length < VARIANTS; k++) sets.push(perturbed(dataset, 0.2 + 0.1 * k, 100 + k));
    return {
      dataset,
      sets,
      source: { dataset: '../shared/fixtures/mpii-val', predictions: 'the 5 published sets + 3 perturbed-GT sets (seeded)' },
    };
  }
  note('stats: ../shared is absent: using a 2958-person folder repeated from the embedded demo');
  const demo = await ensureDemo(projectRoot());
  const root = path.join(tmp, 'synthetic-val');
  writeRepeatedDataset({ source: demo.datasetDir, out: root, persons: MPII_VAL_PERSONS, images: false });
  const dataset = openDataset(root);
  const sets = Array.from({ length: VARIANTS }, (_, k) => perturbed(dataset, 0.2 + 0.02 * k, 200 + k));
  return {
    dataset,
    sets,
    source: { dataset: 'synthetic: the demo dataset repeated to 2958 persons (no ../shared)', predictions: '8 perturbed-GT sets (seeded)' },
  };
}

function perturbed(dataset: OpenedDataset, noise: number, seed: number): PredictionSet {
  const { preds } = perturbedGtPredictions(dataset, noise, seed);
  return { name: `perturbed-gt-${noise.toFixed(2)}`, predictions0Based: predictionsFromBase(preds.flat(2), 0) };
}
