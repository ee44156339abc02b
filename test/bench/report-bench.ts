/**
 * Issue 16 goal, measured in the 'stats' section: `posebench report` for 8 variants in < 1 s, per
 * format — the whole buildReport (every variant scored from its run, statistics outcomes, error
 * classes, calibration, parameters, rendering) on a real SQLite workspace, without --ci (the bootstrap
 * has its own goal); the --ci figure (B = 2000) is reported beside it.
 * The 8 prediction sets are the stats bench's (written to files and imported as variants first, untimed).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MPII_JOINT_COUNT } from '../../src-main/core/joints.ts';
import { importPredictionsVariant } from '../../src-main/workbench/import-variant.ts';
import { buildReport, REPORT_FORMATS } from '../../src-main/workbench/report/build-report.ts';
import { openWorkbench } from '../../src-main/workbench/workbench.ts';
import { goal, note, round, stats, type Goal } from './bench-util.ts';

const GOAL_MS = 1000;

export interface ReportBenchInput {
  readonly datasetRoot: string;
  readonly sets: readonly { readonly name: string; readonly predictions0Based: Float32Array }[];
  /** A temp folder for the workspace and the prediction files. */
  readonly dir: string;
  readonly runs: number;
}

export function runReportBench(input: ReportBenchInput): { report: Record<string, unknown>; goals: Goal[] } {
  const wb = openWorkbench({ datasetRoot: input.datasetRoot, dbFile: path.join(input.dir, 'report-bench.sqlite') });
  try {
    note(`stats: report: importing ${input.sets.length} prediction sets into a workspace`);
    for (const set of input.sets) {
      const file = path.join(input.dir, `${set.name}.json`);
      const persons = set.predictions0Based.length / (MPII_JOINT_COUNT * 2);
      const preds = Array.from({ length: persons }, (_, p) =>
        Array.from({ length: MPII_JOINT_COUNT }, (_, j) => [
          set.predictions0Based[(p * MPII_JOINT_COUNT + j) * 2]!,
          set.predictions0Based[(p * MPII_JOINT_COUNT + j) * 2 + 1]!,
        ]),
      );
      writeFileSync(file, JSON.stringify({ preds }));
      importPredictionsVariant(wb, { file, coordinateBase: 0, protocol: 'mmpose0x', name: set.name });
    }
    const perFormat: Record<string, ReturnType<typeof stats>> = {};
    const bytes: Record<string, number> = {};
    for (const format of REPORT_FORMATS) {
      const times: number[] = [];
      for (let run = 0; run < input.runs; run++) {
        const t0 = performance.now();
        const built = buildReport(wb, { format, protocol: 'mmpose0x' });
        times.push(performance.now() - t0);
        bytes[format] = built.bytes.length;
      }
      perFormat[format] = stats(times);
    }
    note('stats: report: html with --ci (B = 2000)');
    const c0 = performance.now();
    buildReport(wb, { format: 'html', protocol: 'mmpose0x', ci: true, replicates: 2000, seed: 1 });
    const ciMs = performance.now() - c0;
    const slowest = Math.max(...Object.values(perFormat).map((s) => s.medianMs));
    return {
      report: { variants: input.sets.length, runs: input.runs, perFormatMs: perFormat, bytes, htmlWithCiMs: round(ciMs) },
      goals: [
        goal('stats: report for 8 variants, slowest format (median of runs; model + render, no --ci)', slowest, 'ms', GOAL_MS, {
          note: `${Object.entries(perFormat)
            .map(([f, s]) => `${f} ${s.medianMs} ms`)
            .join(', ')}; html with --ci (B=2000) ${round(ciMs)} ms`,
        }),
      ],
    };
  } finally {
    wb.close();
  }
}
