/** The one Pareto rule of the app's scatter and the report. */
import { describe, expect, it } from 'vitest';
import { paretoFront } from '../../../src-main/core/pareto.ts';

describe('paretoFront', () => {
  it('keeps points no other beats in both, counts ties as not beaten, drops exact duplicates of a better point', () => {
    const points = [
      { ms: 1, pckh: 80 }, // fastest
      { ms: 2, pckh: 85 }, // slower, more accurate
      { ms: 2, pckh: 84 }, // beaten by (2, 85)
      { ms: 3, pckh: 85 }, // beaten by (2, 85): slower, not more accurate
      { ms: 4, pckh: 90 }, // most accurate
      { ms: 4, pckh: 90 }, // identical twin: neither beats the other
    ];
    expect(
      paretoFront(
        points,
        (p) => p.ms,
        (p) => p.pckh,
      ),
    ).toEqual([true, true, false, false, true, true]);
  });
});
