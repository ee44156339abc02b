import type { BenchOptions, Goal } from './bench-util.ts';
export async function runUiBench(_options: BenchOptions): Promise<{ report: Record<string, unknown>; goals: Goal[] }> {
  return { report: { skipped: 'not written yet' }, goals: [] };
}
