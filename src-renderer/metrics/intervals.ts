/**
 * Bootstrap intervals for the Metrics and Compare views (issue 16), from `stats:variant` (the engine
 * runs the function `posebench stats` runs, same defaults: B = 2000, seed 1), as lookups by variant id
 * and column (METRIC_COLUMNS names) or joint index.
 */
import type { Interval, StatisticsIntervals } from '../../src-main/api/contract.ts';
import { MPII_JOINT_NAMES } from '../../src-main/core/joints.ts';

export interface IntervalLookup {
  /** Interval of a table column (Head … PCKh@0.1) of a variant, or undefined. */
  column(variantId: string, column: string): Interval | undefined;
  /** Interval of a joint's PCKh@0.5 (MPII joint index) of a variant, or undefined. */
  joint(variantId: string, joint: number): Interval | undefined;
  readonly confidence: number;
  readonly bootstrap: number;
}

export function intervalLookup(stats: StatisticsIntervals): IntervalLookup {
  const byVariant = new Map(stats.variants.map((v) => [v.variantId, new Map(v.columns.map((c) => [c.name, c.ci]))]));
  return {
    column: (variantId, column) => byVariant.get(variantId)?.get(column),
    joint: (variantId, joint) => {
      const name = MPII_JOINT_NAMES[joint];
      return name === undefined ? undefined : byVariant.get(variantId)?.get(name);
    },
    confidence: stats.confidence,
    bootstrap: stats.bootstrap,
  };
}

/** "[88.4, 90.0]" (one decimal: the interval's width, not its ends, is what matters). */
export function fmtInterval(ci: Interval | undefined): string {
  if (ci === undefined || ci[0] === null || ci[1] === null) return '';
  return `[${ci[0].toFixed(1)}, ${ci[1].toFixed(1)}]`;
}
