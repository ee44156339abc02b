/**
 * Timing of openDataset for the benchmark suite (goal: the 2958-person MPII val folder in < 1 s).
 * Each run opens the folder from scratch; the OS file cache is warm after the first run.
 */
import { performance } from 'node:perf_hooks';
import type { DatasetSplit } from '../../src-main/core/types.ts';
import { openDataset } from '../../src-main/datasets/open-dataset.ts';

export interface OpenDatasetTiming {
  readonly root: string;
  readonly persons: number;
  readonly warnings: number;
  /** Wall time of each run, in milliseconds. */
  readonly runsMs: number[];
  readonly firstMs: number;
  readonly medianMs: number;
}

export function measureOpenDataset(root: string, options: { split?: DatasetSplit; runs?: number } = {}): OpenDatasetTiming {
  const runs = Math.max(1, options.runs ?? 5);
  const runsMs: number[] = [];
  let persons = 0;
  let warnings = 0;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const opened = openDataset(root, options.split === undefined ? {} : { split: options.split });
    runsMs.push(performance.now() - start);
    persons = opened.persons.length;
    warnings = opened.warnings.length;
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const medianMs = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { root, persons, warnings, runsMs, firstMs: runsMs[0] ?? 0, medianMs };
}
