/** Issue 14 item 5: a run's progress is counted over the variants' totals (a resumed run starts at what is stored). */
import { describe, expect, it } from 'vitest';
import type { RunPlanItem } from '../../../src-main/api/contract.ts';
import { describePlanItem, runProgressOverVariants } from '../../../src-renderer/runs/RunCard.tsx';

const item = (action: RunPlanItem['action'], toRun: number, total = 200): RunPlanItem => ({
  variantId: `v-${action}`,
  variantName: action,
  action,
  toRun,
  total,
});

describe('runProgressOverVariants', () => {
  it('a resumed run of 98 left of 200 starts at 102 / 200 and ends at 200 / 200', () => {
    expect(describePlanItem(item('resume', 98))).toBe('resuming: 98 left of 200');
    expect(runProgressOverVariants([item('resume', 98)], 0, 98)).toEqual({ done: 102, total: 200 });
    expect(runProgressOverVariants([item('resume', 98)], 40, 98)).toEqual({ done: 142, total: 200 });
    expect(runProgressOverVariants([item('resume', 98)], 98, 98)).toEqual({ done: 200, total: 200 });
  });
  it("a reused variant counts as done; a new one from 0; without a plan the run's own numbers", () => {
    expect(runProgressOverVariants([item('reuse', 0), item('new', 200)], 50, 200)).toEqual({ done: 250, total: 400 });
    expect(runProgressOverVariants([], 7, 9)).toEqual({ done: 7, total: 9 });
  });
});
