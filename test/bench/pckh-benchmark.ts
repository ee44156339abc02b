/**
 * Timing helper for the benchmark runner: PCKh (including the 51-threshold sweep) on given inputs.
 * Goal (spec'd by the project, not a test): 2958 × 16 joints in under 20 ms.
 */
import { computePckh, type PckhReport } from '../../src-main/evaluation/pckh.ts';
import type { PckhInputs } from '../../src-main/evaluation/pckh-inputs.ts';

export interface PckhTiming {
  readonly iterations: number;
  readonly minMs: number;
  readonly medianMs: number;
  readonly meanMs: number;
  /** The last report, so callers can check what was timed. */
  readonly report: PckhReport;
}

export function timePckh(inputs: PckhInputs, iterations = 20, warmup = 3): PckhTiming {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  let report = computePckh(inputs);
  for (let i = 1; i < warmup; i++) report = computePckh(inputs);
  const times = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    report = computePckh(inputs);
    times[i] = performance.now() - start;
  }
  const sorted = times.slice().sort();
  let sum = 0;
  for (const t of times) sum += t;
  return {
    iterations,
    minMs: sorted[0]!,
    medianMs: sorted[Math.floor(iterations / 2)]!,
    meanMs: sum / iterations,
    report,
  };
}
