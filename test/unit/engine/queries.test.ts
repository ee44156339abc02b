/**
 * The engine's UI queries on small hand-built states: values below are worked out by hand from the
 * inputs written here, not produced by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_COLUMNS, mediaKey, parseMediaKey, type MetricColumn } from '../../../src-main/api/contract.ts';
import { UserError } from '../../../src-main/core/errors.ts';
import { parseRequest } from '../../../src-main/api/request-schemas.ts';
import type { PersonAnnotation } from '../../../src-main/core/types.ts';
import { compareFilter, compareScatter, compareTable, failuresList, instanceDetail, instancesList } from '../../../src-main/engine/queries.ts';
import { personCropBox } from '../../../src-main/core/geometry.ts';
import type { DatasetState, VariantEvaluation, VariantState } from '../../../src-main/engine/view-model.ts';
import { isInsideFolder } from '../../../src-main/core/path-safety.ts';

const J = 16;
const NE = 255;

function person(index: number, center: [number, number] | null, scale: number): PersonAnnotation {
  return {
    entryIndex: index,
    image: `${index}.jpg`,
    center,
    scale,
    joints: Array.from({ length: J }, (_, j) => [10 + j, 20 + j] as [number, number]),
    jointsVisible: new Array<number>(J).fill(1),
    raw: {},
  };
}

function dataset(n: number): DatasetState {
  const persons = Array.from({ length: n }, (_, i) => person(i, [100, 100], 1));
  return {
    id: 'd1',
    storeId: 1,
    root: '/data',
    imagesDir: '/data/images',
    isDemo: false,
    persons,
    gt: null,
    protocol: 'mmpose0x',
    missingImages: new Set<string>(),
    summary: {
      id: 'd1',
      name: 'data',
      root: '/data',
      isDemo: false,
      personCount: n,
      imageCount: n,
      missingImageCount: 0,
      protocol: 'mmpose0x',
      warningCount: 0,
      warnings: [],
      gtRevision: 0,
      correctedInstanceCount: 0,
      kind: 'mpii',
      coco: null,
    },
  };
}

function metrics(pckh: number): Record<MetricColumn, number> {
  return Object.fromEntries(METRIC_COLUMNS.map((c) => [c, c === 'PCKh' ? pckh : 50])) as Record<MetricColumn, number>;
}

function variant(id: string, opts: { pckh: number; latency: number | null; hits?: number[][]; errors?: number[][] }): VariantState {
  const n = opts.hits?.length ?? 0;
  const hits = new Uint8Array(n * J).fill(NE);
  const errors = new Float64Array(n * J).fill(Number.NaN);
  opts.hits?.forEach((row, i) => row.forEach((h, j) => (hits[i * J + j] = h)));
  opts.errors?.forEach((row, i) => row.forEach((e, j) => (errors[i * J + j] = e)));
  const evaluation: VariantEvaluation = {
    protocol: 'mmpose0x',
    metrics: metrics(opts.pckh),
    perJointPckh: new Array<number>(J).fill(50),
    perJointAt01: new Array<number>(J).fill(10),
    perJointCount: new Array<number>(J).fill(n),
    thresholds: [0, 0.5],
    curveMean: [0, opts.pckh],
    curvePerJoint: [],
    auc: 40,
    normalizedErrors: errors,
    hits,
  };
  const predictions = new Float32Array(n * J * 2).fill(5);
  return {
    id,
    storeId: 1,
    name: id,
    kind: 'model',
    sourcePath: `/m/${id}.onnx`,
    status: 'ready',
    error: null,
    latency:
      opts.latency === null
        ? null
        : { medianMs: opts.latency, p5Ms: opts.latency * 0.9, p25Ms: opts.latency, p75Ms: opts.latency, p95Ms: opts.latency * 2, n: 50 },
    hidden: false,
    optionsLabel: '',
    stale: null,
    currentRunId: 1,
    currentIdentityKey: null,
    predictions,
    predictedCount: n,
    failureCount: 0,
    jointPredicted: new Array<boolean>(J).fill(true),
    evaluation,
  };
}

describe('compare queries', () => {
  it('marks the Pareto front: no other variant at least as fast and as accurate', () => {
    const points = compareScatter([
      variant('fast-poor', { pckh: 70, latency: 2 }),
      variant('mid', { pckh: 85, latency: 5 }),
      variant('dominated', { pckh: 80, latency: 6 }), // mid is faster and better
      variant('slow-best', { pckh: 90, latency: 20 }),
      variant('tie-slower', { pckh: 85, latency: 7 }), // mid: same accuracy, faster
      variant('no-latency', { pckh: 99, latency: null }), // imported predictions: not on the plot
    ]);
    const front = Object.fromEntries(points.map((p) => [p.variantId, p.pareto]));
    expect(front).toEqual({ 'fast-poor': true, mid: true, dominated: false, 'slow-best': true, 'tie-slower': false });
  });

  it('filters instances by the hit/miss relation of two variants on one joint', () => {
    // joint 15 per instance: A = [hit, hit, miss, miss, n/e], B = [hit, miss, hit, miss, hit]
    const row = (h: number) => Array.from({ length: J }, (_, j) => (j === 15 ? h : 1));
    const a = variant('A', { pckh: 80, latency: 1, hits: [row(1), row(1), row(0), row(0), row(NE)] });
    const b = variant('B', { pckh: 80, latency: 1, hits: [row(1), row(0), row(1), row(0), row(1)] });
    expect(compareFilter(a, b, 15, 'a-hit-b-miss').instanceIndices).toEqual([1]);
    expect(compareFilter(a, b, 15, 'a-miss-b-hit').instanceIndices).toEqual([2]);
    expect(compareFilter(a, b, 15, 'both-miss').instanceIndices).toEqual([3]);
    expect(compareFilter(a, b, 15, 'both-hit').instanceIndices).toEqual([0]);
    expect(compareFilter(a, b, 3, 'both-hit').total).toBe(5); // every other joint is a hit in both
  });

  it('computes deltas against the first variant', () => {
    const table = compareTable([variant('base', { pckh: 80, latency: 3 }), variant('other', { pckh: 82.5, latency: 4 })]);
    expect(table.baselineId).toBe('base');
    expect(table.rows[0]!.deltas.PCKh).toBe(0);
    expect(table.rows[1]!.deltas.PCKh).toBeCloseTo(2.5, 12);
    expect(table.rows[1]!.deltas.Head).toBe(0);
  });

  it('refuses to compare a variant that has not been evaluated', () => {
    const pending = { ...variant('p', { pckh: 1, latency: 1 }), evaluation: null };
    expect(() => compareTable([pending, variant('q', { pckh: 1, latency: 1 })])).toThrow(UserError);
  });
});

describe('failures and instances', () => {
  const errorsFor = (e15: number) => Array.from({ length: J }, (_, j) => (j === 15 ? e15 : 0.1));
  const hitsFor = (h15: number) => Array.from({ length: J }, (_, j) => (j === 15 ? h15 : 1));

  it('lists annotated instances worst first, unknown errors first, with paging', () => {
    const ds = dataset(5);
    const v = variant('v', {
      pckh: 50,
      latency: 1,
      // instance 2: not evaluated on joint 15; instance 4: evaluated miss with NaN error (zero head box)
      hits: [hitsFor(1), hitsFor(0), hitsFor(NE), hitsFor(0), hitsFor(0)],
      errors: [errorsFor(0.2), errorsFor(0.9), errorsFor(Number.NaN), errorsFor(3.5), errorsFor(Number.NaN)],
    });
    const all = failuresList(ds, v, 15, 0, 10);
    expect(all.total).toBe(4);
    expect(all.missCount).toBe(3);
    expect(all.items.map((i) => i.instanceIndex)).toEqual([4, 3, 1, 0]);
    expect(all.items[0]!.normalizedError).toBeNull();
    expect(all.items[1]!.normalizedError).toBe(3.5);
    expect(all.items.map((i) => i.hit)).toEqual([false, false, false, true]);
    expect(failuresList(ds, v, 15, 1, 2).items.map((i) => i.instanceIndex)).toEqual([3, 1]);
  });

  it('pages a long list in the order of a full sort (ties by instance index, unknown errors first)', () => {
    // 3000 instances, errors from 7 values (many ties), some NaN, some not evaluated.
    const n = 3000;
    const values = [0.05, 0.3, 0.3, 0.5, 0.75, 1.25, Number.NaN];
    const rows = Array.from({ length: n }, (_, i) => ({ e: values[(i * 7919) % 7]!, h: i % 11 === 0 ? NE : (i * 31) % 3 === 0 ? 0 : 1 }));
    const v = variant('v', { pckh: 50, latency: 1, hits: rows.map((r) => hitsFor(r.h)), errors: rows.map((r) => errorsFor(r.e)) });
    const expected = rows
      .map((r, index) => ({ index, e: Number.isNaN(r.e) ? Number.POSITIVE_INFINITY : r.e, h: r.h }))
      .filter((r) => r.h !== NE)
      .sort((a, b) => b.e - a.e || a.index - b.index)
      .map((r) => r.index);
    const ds = dataset(n);
    for (const [offset, limit] of [
      [0, 200],
      [0, 1],
      [150, 200],
      [2500, 200],
      [0, 5000],
      [2700, 10],
      [5000, 10],
      [0, 0],
    ] as const) {
      const page = failuresList(ds, v, 15, offset, limit);
      expect(page.total).toBe(expected.length);
      expect(
        page.items.map((i) => i.instanceIndex),
        `offset ${offset} limit ${limit}`,
      ).toEqual(expected.slice(offset, offset + limit));
    }
  });

  it('filters the browse list by outcome on a joint', () => {
    const ds = dataset(3);
    const v = variant('v', { pckh: 50, latency: 1, hits: [hitsFor(1), hitsFor(0), hitsFor(NE)] });
    expect(instancesList(ds, v, 15, 'miss').items.map((i) => i.instanceIndex)).toEqual([1]);
    expect(instancesList(ds, v, 15, 'hit').items.map((i) => i.instanceIndex)).toEqual([0]);
    expect(instancesList(ds, v, undefined, 'all').total).toBe(3);
    const withGtOnly = instancesList(ds, null, undefined, 'all');
    expect(withGtOnly.items[0]!.pred).toBeNull();
    expect(withGtOnly.items[0]!.gt.slice(0, 4)).toEqual([10, 20, 11, 21]);
    // An error class asked without a variant to classify: nothing has it (as the Failures list says).
    expect(instancesList(ds, null, 15, 'all', 'inversion').total).toBe(0);
  });

  it('crops the person as the top-down pipeline does: centre + 15·s in y, side 1.25·200·s', () => {
    // s = 2: side 500, centre (300, 200 + 30) → x0 = 50, y0 = -20
    expect(personCropBox(person(0, [300, 200], 2))).toEqual([50, -20, 500]);
  });

  it('gives an instance with head size from the head box and refuses unknown indices', () => {
    const ds = dataset(2);
    const gt = {
      count: 2,
      jointNames: [],
      positions1Based: new Float64Array(2 * J * 2).fill(11),
      missing: new Uint8Array(2 * J),
      headBoxes1Based: new Float64Array([1, 1, 31, 41, 1, 1, 2, 2]),
    };
    const withGt: DatasetState = { ...ds, gt };
    const detail = instanceDetail(withGt, [], 0);
    expect(detail.headSize).toBeCloseTo(0.6 * 50, 12); // 0.6 × hypot(30, 40)
    expect(detail.headBox).toEqual([0, 0, 30, 40]);
    expect(detail.gt[0]).toEqual([10, 10]); // .mat positions are 1-based
    expect(() => instanceDetail(withGt, [], 2)).toThrow(/instance 2 does not exist/);
  });
});

describe('contract helpers', () => {
  it('round-trips media keys and rejects malformed ones', () => {
    const key = mediaKey.image('d1-ab', 'sub dir/a%b.jpg');
    expect(parseMediaKey(key)).toEqual({ kind: 'image', datasetId: 'd1-ab', relativePath: 'sub dir/a%b.jpg' });
    expect(parseMediaKey(mediaKey.thumb('d1', 7, 160))).toEqual({ kind: 'thumb', datasetId: 'd1', index: 7, size: 160 });
    expect(parseMediaKey('thumb/d1/-1/160')).toBeNull();
    expect(parseMediaKey('thumb/d1/1/9999')).toBeNull();
    expect(parseMediaKey('img/d1/%E0%A4%A')).toBeNull();
    expect(parseMediaKey('img/d1/a/b')).toBeNull();
  });

  it('validates requests, applies defaults and names the bad field', () => {
    expect(parseRequest('failures:list', { variantId: 'v1', joint: 15 })).toEqual({ variantId: 'v1', joint: 15, offset: 0, limit: 200, protocol: 'mmpose0x' });
    expect(() => parseRequest('failures:list', { variantId: 'v1', joint: 16 })).toThrow(/joint/);
    expect(() => parseRequest('compare:table', { variantIds: ['a'] })).toThrow(/variantIds/);
    expect(() => parseRequest('runs:list', { extra: true })).toThrow(UserError);
  });

  it('keeps paths inside a folder, refusing siblings with a common prefix', () => {
    expect(isInsideFolder('/data/images/a.jpg', '/data/images')).toBe(true);
    expect(isInsideFolder('/data/images/../x.jpg', '/data/images')).toBe(false);
    expect(isInsideFolder('/data/images-evil/a.jpg', '/data/images')).toBe(false);
    expect(isInsideFolder('/data/images', '/data/images')).toBe(false);
  });
});
