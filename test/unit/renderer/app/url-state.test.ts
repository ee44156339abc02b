/** Issue 14 item 3: the hash route carries each view's selections and reads back what it wrote. */
import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type RouteState } from '../../../../src-renderer/app/url-state.ts';

describe('url-state', () => {
  it('round-trips every view with its selections', () => {
    const routes: RouteState[] = [
      { view: 'metrics', protocol: 'mmpose1x' },
      { view: 'failures', protocol: 'mmpose0x', failures: { joint: 15, variantId: 'v 2/ä' }, open: 185 },
      { view: 'failures', failures: { joint: 3, variantId: 'v1', errorClass: 'inversion' } },
      { view: 'metrics', metrics: { intervals: true, errorClasses: true } },
      { view: 'browse', browse: { variantId: 'abc', joint: 3, outcome: 'miss' }, open: 4 },
      { view: 'browse', browse: { variantId: 'abc', errorClass: 'swap' } },
      { view: 'compare', compare: { variantIds: ['a', 'b', 'c'], joint: 10, relation: 'both-miss' } },
      { view: 'annotate', annotate: { instance: 7, joint: 15 } },
      { view: 'annotate', annotate: { instance: 3, review: true, reviewKind: 'flip_pair', showDecided: true } },
      { view: 'runs' },
    ];
    for (const route of routes) {
      const parsed = parseRoute(formatRoute(route));
      expect(parsed.view).toBe(route.view);
      if (route.protocol) expect(parsed.protocol).toBe(route.protocol);
      if (route.failures) expect(parsed.failures).toEqual(route.failures);
      if (route.metrics) expect(parsed.metrics).toEqual(route.metrics);
      if (route.browse) expect(parsed.browse).toEqual(route.browse);
      if (route.compare) expect(parsed.compare).toEqual(route.compare);
      if (route.annotate) expect(parsed.annotate).toEqual(route.annotate);
      expect(parsed.open).toBe(route.open);
    }
  });

  it('ignores what it does not know and writes only the current view', () => {
    expect(parseRoute('#nonsense?fj=99&protocol=x')).toEqual({ view: 'metrics' });
    expect(parseRoute('')).toEqual({ view: 'metrics' });
    expect(parseRoute('#failures?fj=16&open=-1').failures).toEqual({});
    expect(formatRoute({ view: 'runs', failures: { joint: 3 }, open: 2 })).toBe('#runs');
    expect(formatRoute({ view: 'browse', browse: { variantId: null, joint: null, outcome: 'all' } })).toBe('#browse');
    expect(parseRoute('#annotate')).toEqual({ view: 'annotate', annotate: {} });
  });
});
