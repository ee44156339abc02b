/**
 * The paired bootstrap (src-main/evaluation/bootstrap.ts): replicate columns are computePckh's own
 * columns (bit for bit, both protocols), a resample's columns equal computePckh on the resampled persons,
 * and the percentile interval has its nominal coverage in simulation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MPII_JOINT_COUNT } from '../../../src-main/core/joints.ts';
import { projectRoot } from '../../../src-main/core/project-root.ts';
import { mulberry32 } from '../../../src-main/core/seeded-random.ts';
import type { PckhProtocol } from '../../../src-main/core/types.ts';
import { openDataset, type OpenedDataset } from '../../../src-main/datasets/open-dataset.ts';
import { ensureDemo } from '../../../src-main/demo/ensure-demo.ts';
import {
  BOOTSTRAP_COLUMN_NAMES,
  drawResampleWeights,
  pairDelta,
  pairedBootstrap,
  prepareBootstrap,
  selectQuantile,
  sortedQuantile,
} from '../../../src-main/evaluation/bootstrap.ts';
import {
  buildPckhInputs,
  computePckh,
  PCKH_COLUMN_COUNT,
  PCKH_COLUMN_JOINTS_AT_01_OFFSET,
  PCKH_COLUMN_JOINTS_OFFSET,
  PCKH_METRIC_KEYS,
  type PckhInputs,
  type PckhReport,
} from '../../../src-main/evaluation/pckh.ts';
import {
  COUNTED,
  EVALUATED,
  HIT_01,
  HIT_05,
  personJointOutcomes,
  personJointOutcomesByPerson,
  type PersonJointOutcomes,
} from '../../../src-main/evaluation/person-tallies.ts';

const J = MPII_JOINT_COUNT;
const PROTOCOLS: readonly PckhProtocol[] = ['mmpose0x', 'mmpose1x'];

/** Every column of computePckh's report in writePckhColumns order, NaN for null. */
function reportColumns(report: PckhReport): number[] {
  const nan = (v: number | null): number => (v === null ? Number.NaN : v);
  return [...PCKH_METRIC_KEYS.map((k) => nan(report.metrics[k])), ...report.perJoint.map((r) => nan(r.pckh)), ...report.perJoint.map((r) => nan(r.pckhAt01))];
}

function expectBitIdentical(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  const diffs: string[] = [];
  expected.forEach((e, c) => {
    if (!Object.is(actual[c], e)) diffs.push(`${BOOTSTRAP_COLUMN_NAMES[c]}: ${actual[c]} vs ${e}`);
  });
  expect(diffs, what).toEqual([]);
}

/** Predictions = GT (0-based) + seeded Gaussian-ish noise of `sigma` px. */
function noisyPredictions(gt1Based: Float64Array, sigma: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(gt1Based.length);
  for (let i = 0; i < out.length; i++) {
    const g = (random() + random() + random() + random() - 2) * Math.sqrt(3); // sd 1
    const base = Number.isFinite(gt1Based[i]!) ? gt1Based[i]! - 1 : 0;
    out[i] = base + sigma * g;
  }
  return out;
}

/** The same persons repeated by weight: persons[n] appears weights[n] times. */
function resampledInputs(inputs: PckhInputs, weights: Int32Array): PckhInputs {
  const order: number[] = [];
  weights.forEach((w, n) => {
    for (let k = 0; k < w; k++) order.push(n);
  });
  const pick = <T extends Float32Array | Float64Array | Uint8Array>(source: T, width: number, make: (n: number) => T): T => {
    const out = make(order.length * width);
    order.forEach((n, i) => out.set(source.subarray(n * width, (n + 1) * width), i * width));
    return out;
  };
  return {
    ...inputs,
    instanceCount: order.length,
    predictions0Based: pick(inputs.predictions0Based, J * 2, (n) => new Float32Array(n)),
    gtPositions1Based: pick(inputs.gtPositions1Based, J * 2, (n) => new Float64Array(n)),
    visible: pick(inputs.visible, J, (n) => new Uint8Array(n)),
    headBoxes1Based: pick(inputs.headBoxes1Based, 4, (n) => new Float64Array(n)),
  };
}

/** Hard random inputs: missing joints, NaN GT, ties at 0.5·hs, zero-size head boxes, unpredicted joints. */
function hardRandomInputs(protocol: PckhProtocol, seed: number, persons: number): PckhInputs {
  const random = mulberry32(seed);
  const gt = new Float64Array(persons * J * 2);
  const pred = new Float32Array(persons * J * 2);
  const visible = new Uint8Array(persons * J);
  const boxes = new Float64Array(persons * 4);
  for (let p = 0; p < persons; p++) {
    const x1 = 50 + random() * 400;
    const y1 = 50 + random() * 300;
    // 5 %: a zero-size head box (1.x quirk); otherwise a 3-4-5 box so that hs = 0.6 * 50 = 30 exactly.
    const zero = random() < 0.05;
    boxes.set(zero ? [x1, y1, x1, y1] : [x1, y1, x1 + 30, y1 + 40], p * 4);
    const hs = 30;
    for (let j = 0; j < J; j++) {
      const i = p * J + j;
      visible[i] = random() < 0.88 ? 1 : 0;
      const gx = Math.round(x1 + random() * 200);
      const gy = Math.round(y1 + random() * 300);
      gt[2 * i] = random() < 0.01 ? Number.NaN : gx;
      gt[2 * i + 1] = gy;
      const u = random();
      // 10 % exact ties at 0.5·hs (15 px along x), others spread around the thresholds.
      const d = u < 0.1 ? 0.5 * hs : u < 0.15 ? 0.1 * hs : random() * 1.2 * hs;
      pred[2 * i] = gx - 1 + d;
      pred[2 * i + 1] = gy - 1;
    }
  }
  const jointPredicted = Array.from({ length: J }, (_, j) => j !== 8);
  return { protocol, instanceCount: persons, predictions0Based: pred, gtPositions1Based: gt, visible, headBoxes1Based: boxes, jointPredicted };
}

describe('replicate columns are computePckh columns', () => {
  let demo: OpenedDataset;
  beforeAll(async () => {
    const { datasetDir } = await ensureDemo(projectRoot());
    demo = openDataset(datasetDir);
  }, 120_000);

  it.each(PROTOCOLS)('%s: all weights 1 gives computePckh bit for bit on the demo with two noisy prediction sets', (protocol) => {
    const gt = demo.gt!;
    const variants = [3, 9].map((sigma, k) => {
      const inputs = buildPckhInputs({ protocol, persons: demo.persons, gt, predictions0Based: noisyPredictions(gt.positions1Based, sigma, 11 + k) });
      return { inputs, report: computePckh(inputs), outcomes: personJointOutcomes(inputs) };
    });
    const prepared = prepareBootstrap(variants.map((v) => v.outcomes));
    const out = new Float64Array(variants.length * PCKH_COLUMN_COUNT);
    prepared.replicate(new Int32Array(demo.persons.length).fill(1), out);
    variants.forEach((v, k) => {
      const expected = reportColumns(v.report);
      expect(expected.filter((x) => Number.isFinite(x)).length).toBeGreaterThan(30); // the case is not all null
      expectBitIdentical(out.subarray(k * PCKH_COLUMN_COUNT, (k + 1) * PCKH_COLUMN_COUNT), expected, `variant ${k}`);
    });
  });

  it.each(PROTOCOLS)('%s: hard random cases (zero head boxes, ties, NaN GT, an unpredicted joint), weights 1 and real resamples', (protocol) => {
    for (let seed = 1; seed <= 4; seed++) {
      const inputs = hardRandomInputs(protocol, seed, 120);
      const report = computePckh(inputs);
      if (protocol === 'mmpose1x')
        expect(
          report.perJoint.some((r) => r.evaluated < r.count),
          'a zero-size head box case',
        ).toBe(true);
      const outcomes = personJointOutcomes(inputs, report);
      // From the report's hits and distances = the tally code run person by person.
      expect(Array.from(outcomes.flags)).toEqual(Array.from(personJointOutcomesByPerson(inputs).flags));
      const prepared = prepareBootstrap([outcomes]);
      const out = new Float64Array(PCKH_COLUMN_COUNT);
      prepared.replicate(new Int32Array(120).fill(1), out);
      expectBitIdentical(out, reportColumns(report), `seed ${seed}, weights 1`);
      // A resample's columns = computePckh on the persons drawn (each as often as drawn).
      const weights = new Int32Array(120);
      drawResampleWeights(mulberry32(seed * 7), weights);
      prepared.replicate(weights, out);
      expectBitIdentical(out, reportColumns(computePckh(resampledInputs(inputs, weights))), `seed ${seed}, a resample`);
    }
  });
});

/** Persons with every joint visible and hit at 0.5 with probability p (and at 0.1 with p/3). */
function simulatedOutcomes(random: () => number, persons: number, p: number): PersonJointOutcomes {
  const flags = new Uint8Array(persons * J);
  for (let i = 0; i < flags.length; i++) {
    let f = COUNTED | EVALUATED;
    const u = random();
    if (u < p) f |= HIT_05;
    if (u < p / 3) f |= HIT_01;
    flags[i] = f;
  }
  return { protocol: 'mmpose0x', persons, jointPredicted: new Array<boolean>(J).fill(true), flags };
}

describe('percentile interval coverage by simulation', () => {
  // True PCKh = 100·p for every column (each joint hits with probability p, independently). The interval's
  // coverage is a property of the sampling distribution at this N; B only adds Monte Carlo noise to the
  // 2.5 % / 97.5 % quantiles (at B = 500 their standard error is ~0.1 of the bootstrap sd), which moves
  // coverage by well under a point. So B = 500, N = 300 tests the method, in a few seconds.
  it('the 95 % interval covers the true PCKh in 93–97 % of 400 seeded trials (B = 500, N = 300)', () => {
    const trials = 400;
    const p = 0.8;
    const truth = 100 * p;
    let covered = 0;
    let coveredWrist = 0;
    const random = mulberry32(2026);
    for (let t = 0; t < trials; t++) {
      const outcomes = simulatedOutcomes(random, 300, p);
      const result = pairedBootstrap([outcomes], { replicates: 500, seed: 1000 + t });
      const v = result.variants[0]!;
      const mean = PCKH_METRIC_KEYS.indexOf('PCKh');
      const wrist = PCKH_METRIC_KEYS.indexOf('Wrist');
      if (v.lo[mean]! <= truth && truth <= v.hi[mean]!) covered++;
      if (v.lo[wrist]! <= truth && truth <= v.hi[wrist]!) coveredWrist++;
    }
    const coverage = covered / trials;
    console.info(`[coverage] PCKh ${coverage}, Wrist ${coveredWrist / trials} over ${trials} trials`);
    expect(coverage).toBeGreaterThanOrEqual(0.93);
    expect(coverage).toBeLessThanOrEqual(0.97);
    // A group column (two joints, ~600 pairs) too, with a wider band for its coarser distribution.
    expect(coveredWrist / trials).toBeGreaterThanOrEqual(0.92);
    expect(coveredWrist / trials).toBeLessThanOrEqual(0.98);
  }, 60_000);
});

describe('paired bootstrap mechanics', () => {
  const random = mulberry32(5);
  const a = simulatedOutcomes(random, 200, 0.85);
  const b = simulatedOutcomes(random, 200, 0.75);

  it('is reproducible from its seed and changes with it', () => {
    const r1 = pairedBootstrap([a, b], { replicates: 200, seed: 9 });
    const r2 = pairedBootstrap([a, b], { replicates: 200, seed: 9 });
    const r3 = pairedBootstrap([a, b], { replicates: 200, seed: 10 });
    expect(Array.from(r1.pairs[0]!.lo)).toEqual(Array.from(r2.pairs[0]!.lo));
    expect(Array.from(r1.pairs[0]!.lo)).not.toEqual(Array.from(r3.pairs[0]!.lo));
  });

  it('Δ of a variant with an identical copy is exactly 0 with a [0, 0] interval (pairing)', () => {
    const copy: PersonJointOutcomes = { ...a, flags: a.flags.slice() };
    const r = pairedBootstrap([a, copy], { replicates: 100, seed: 1 });
    const d = r.pairs[0]!;
    for (let c = 0; c < PCKH_COLUMN_COUNT; c++) {
      expect(d.estimate[c]).toBe(0);
      expect(d.lo[c]).toBe(0);
      expect(d.hi[c]).toBe(0);
    }
  });

  it('the paired Δ interval is narrower than one from independent resamples when the variants share person effects', () => {
    // B = A with 5 % of its hits turned into misses: strongly correlated per person.
    const worse: PersonJointOutcomes = { ...a, flags: a.flags.map((f, i) => (f & HIT_05 && i % 20 === 0 ? f & ~HIT_05 : f)) };
    const r = pairedBootstrap([a, worse], { replicates: 400, seed: 3 });
    const mean = PCKH_METRIC_KEYS.indexOf('PCKh');
    const pairedWidth = r.pairs[0]!.hi[mean]! - r.pairs[0]!.lo[mean]!;
    const va = r.variants[0]!;
    const vb = r.variants[1]!;
    const independentWidth = Math.hypot(va.hi[mean]! - va.lo[mean]!, vb.hi[mean]! - vb.lo[mean]!);
    expect(r.pairs[0]!.lo[mean]!).toBeGreaterThan(0);
    expect(pairedWidth).toBeLessThan(independentWidth / 2);
  });

  it('pairDelta(b, a) is the negated, swapped interval of (a, b)', () => {
    const r = pairedBootstrap([a, b], { replicates: 100, seed: 2 });
    const ab = pairDelta(r, 0, 1);
    const ba = pairDelta(r, 1, 0);
    const c = PCKH_COLUMN_JOINTS_OFFSET + 10;
    expect(ba.estimate[c]).toBe(-ab.estimate[c]!);
    expect(ba.lo[c]).toBe(-ab.hi[c]!);
    expect(ba.hi[c]).toBe(-ab.lo[c]!);
  });

  it('columns not computable in a replicate are counted and left out; no persons at all gives NaN', () => {
    // One person has the only visible left_wrist: resamples without them have no left_wrist column.
    const flags = new Uint8Array(30 * J).fill(COUNTED | EVALUATED | HIT_05);
    for (let p = 1; p < 30; p++) flags[p * J + 15] = 0;
    const o: PersonJointOutcomes = { protocol: 'mmpose0x', persons: 30, jointPredicted: new Array<boolean>(J).fill(true), flags };
    const r = pairedBootstrap([o], { replicates: 300, seed: 4 });
    const c = PCKH_COLUMN_JOINTS_OFFSET + 15;
    const missing = r.variants[0]!.undefinedReplicates[c]!;
    // P(person not drawn) = (29/30)^30 ≈ 0.36.
    expect(missing).toBeGreaterThan(60);
    expect(missing).toBeLessThan(160);
    expect(r.variants[0]!.lo[c]).toBe(100);
    expect(r.variants[0]!.undefinedReplicates[PCKH_COLUMN_JOINTS_AT_01_OFFSET + 14]).toBe(0);
  });

  it('sortedQuantile is numpy linear interpolation', () => {
    const x = Float64Array.from([1, 2, 3, 4, 10]);
    expect(sortedQuantile(x, 0.5)).toBe(3);
    expect(sortedQuantile(x, 0.9)).toBeCloseTo(7.6, 12); // h = 3.6: 4 + 0.6·6
    expect(sortedQuantile(x, 0)).toBe(1);
    expect(sortedQuantile(x, 1)).toBe(10);
    expect(Number.isNaN(sortedQuantile(new Float64Array(0), 0.5))).toBe(true);
  });

  it('rejects variants scored on different persons', () => {
    expect(() => pairedBootstrap([a, simulatedOutcomes(random, 10, 0.5)], { replicates: 10, seed: 1 })).toThrow(/same persons/);
  });
});

describe('multinomial weights', () => {
  it('sum to N, and each person is drawn once on average', () => {
    const weights = new Int32Array(1000);
    const random = mulberry32(8);
    const totals = new Float64Array(1000);
    for (let r = 0; r < 200; r++) {
      drawResampleWeights(random, weights);
      expect(weights.reduce((s, w) => s + w, 0)).toBe(1000);
      weights.forEach((w, n) => (totals[n]! += w));
    }
    const mean = totals.reduce((s, t) => s + t, 0) / (1000 * 200);
    expect(mean).toBe(1);
    // Share of persons not drawn ≈ (1 − 1/N)^N ≈ e^−1.
    drawResampleWeights(random, weights);
    const zeros = weights.filter((w) => w === 0).length / 1000;
    expect(zeros).toBeGreaterThan(0.32);
    expect(zeros).toBeLessThan(0.42);
  });
});

describe('selectQuantile', () => {
  it('equals sortedQuantile on values with many ties, for the quantiles an interval takes', () => {
    const random = mulberry32(77);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 300);
      const distinct = 1 + Math.floor(random() * 12);
      const values = Float64Array.from({ length: n }, () => Math.floor(random() * distinct) / 7 - 0.5);
      const sorted = values.slice().sort();
      for (const q of [0.025, 0.5, 0.975, 0, 1, 0.005]) {
        expect(selectQuantile(values.slice(), q)).toBe(sortedQuantile(sorted, q));
      }
      // Upper quantile selected after the lower one, starting at the lower one's index (as the bootstrap does).
      const work = values.slice();
      const lower = selectQuantile(work, 0.025);
      const upper = selectQuantile(work, 0.975, Math.floor((n - 1) * 0.025));
      expect([lower, upper]).toEqual([sortedQuantile(sorted, 0.025), sortedQuantile(sorted, 0.975)]);
    }
  });
});
