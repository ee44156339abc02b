/**
 * computePckh against an independent reference written here from the spec text
 * (../shared/specs/mmpose-mpii.md §2, §2.1, §3), mirroring mmpose's numpy code step by step:
 * arrays in mmpose's layout, one full pass per threshold, the 1.x in-place head-size overwrite,
 * the 1.x instance filter, masked arrays, numpy's pairwise sum of 16 slots. Equality is exact
 * (Object.is, so NaN matches NaN and 0 does not match -0).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MPII_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import type { PckhProtocol } from '../../../src-main/core/types.ts';
import { computePckh, type PckhInputs, type PckhReport } from '../../../src-main/evaluation/pckh.ts';
import { buildPckhInputs, predictionsFromBase } from '../../../src-main/evaluation/pckh-inputs.ts';
import { parseMpiiJson } from '../../../src-main/formats/mpii-json.ts';
import { readMpiiGtMat } from '../../../src-main/formats/mpii-gt-mat.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../support/shared-fixtures.ts';
import { mulberry32 } from '../../../src-main/core/seeded-random.ts';

const K = 16;
const METRIC_KEYS = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1'] as const;

// ---------------------------------------------------------------------------------------------
// Reference implementation (spec-derived, deliberately naive)
// ---------------------------------------------------------------------------------------------

/** np.arange(0, 0.5 + 0.01, 0.01): length ceil((stop-start)/step); buf[0]=start, buf[1]=start+step, buf[i]=start+i*(buf[1]-buf[0]). */
function refRng(): number[] {
  const start = 0;
  const step = 0.01;
  const stop = 0.5 + 0.01;
  const length = Math.ceil((stop - start) / step);
  const buf = [start, start + step];
  const delta = buf[1]! - buf[0]!;
  for (let i = 2; i < length; i++) buf.push(start + i * delta);
  return buf;
}
const RNG = refRng();

/** spec §2.1: numpy pairwise sum of the 16 slots (masked slots already 0), added to the identity 0. */
function refSum16(a: readonly number[]): number {
  expect(a.length).toBe(16);
  const r: number[] = [];
  for (let k = 0; k < 8; k++) r.push(a[k]! + a[k + 8]!);
  return 0 + (r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!)));
}

interface RefCase {
  n: number;
  /** index (n*16 + j)*2 + axis, float32 values, 0-based. */
  preds: Float32Array;
  gt: Float64Array;
  vis: Uint8Array;
  headboxes: Float64Array;
  predicted: boolean[];
}

/** What mmpose itself computes (NaN / -100 sentinels included) plus per-person details at 0.5. */
interface RefRaw {
  pckh: number[]; // PCKh[j] at 0.5
  pckAll: number[][]; // float32 values, [r][j]
  sentinel05: boolean[]; // 1.x acc == -1 at 0.5; 0.x count == 0
  sentinelSweep: boolean[][]; // [r][j]
  jntCount: number[];
  evaluated: number[];
  hitCount: number[];
  normErr: number[]; // N*16, NaN where not evaluated
  hits: number[]; // N*16, 255 where not evaluated
  keptInstances: number;
}

function refMpii0x(c: RefCase): RefRaw {
  const N = c.n;
  // preds = preds[..., :2] + 1.0 (float32), pos_pred_src = transpose -> (16, 2, N)
  const pred = (j: number, ax: number, n: number): number => Math.fround(c.preds[(n * K + j) * 2 + ax]! + 1.0);
  const gtAt = (j: number, ax: number, n: number): number => c.gt[(n * K + j) * 2 + ax]!;
  // jnt_visible = 1 - jnt_missing (here given directly as vis)
  const visible = (j: number, n: number): number => (c.vis[n * K + j] ? 1 : 0);
  // uv_err = np.linalg.norm(pos_pred_src - pos_gt_src, axis=1)
  const uvErr: number[][] = [];
  for (let j = 0; j < K; j++) {
    const row: number[] = [];
    for (let n = 0; n < N; n++) {
      const ex = pred(j, 0, n) - gtAt(j, 0, n);
      const ey = pred(j, 1, n) - gtAt(j, 1, n);
      row.push(Math.sqrt(ex * ex + ey * ey));
    }
    uvErr.push(row);
  }
  // headsizes = norm(headboxes_src[1] - headboxes_src[0], axis=0); headsizes *= SC_BIAS
  const headsizes: number[] = [];
  for (let n = 0; n < N; n++) {
    const a = c.headboxes[n * 4 + 2]! - c.headboxes[n * 4]!;
    const b = c.headboxes[n * 4 + 3]! - c.headboxes[n * 4 + 1]!;
    let hs = Math.sqrt(a * a + b * b);
    hs *= 0.6;
    headsizes.push(hs);
  }
  // scaled_uv_err = uv_err / scale * jnt_visible
  const scaled = uvErr.map((row, j) => row.map((e, n) => (e / headsizes[n]!) * visible(j, n)));
  const jntCount = Array.from({ length: K }, (_, j) => {
    let s = 0;
    for (let n = 0; n < N; n++) s += visible(j, n);
    return s;
  });
  const lessThan = (t: number): number[] => scaled.map((row, j) => row.reduce((acc, v, n) => acc + (v <= t ? 1 : 0) * visible(j, n), 0));
  const hits05 = lessThan(0.5);
  const pckh = hits05.map((h, j) => (100.0 * h) / jntCount[j]!);
  const pckAll = RNG.map((t) => lessThan(t).map((h, j) => Math.fround((100.0 * h) / jntCount[j]!)));
  const normErr: number[] = [];
  const hits: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < K; j++) {
      const ok = visible(j, n) === 1;
      normErr.push(ok ? scaled[j]![n]! : Number.NaN);
      hits.push(ok ? (scaled[j]![n]! <= 0.5 ? 1 : 0) : 255);
    }
  }
  return {
    pckh,
    pckAll,
    sentinel05: jntCount.map((cnt) => cnt === 0),
    sentinelSweep: RNG.map(() => jntCount.map((cnt) => cnt === 0)),
    jntCount,
    evaluated: jntCount.slice(),
    hitCount: hits05,
    normErr,
    hits,
    keptInstances: N,
  };
}

function refMpii1x(c: RefCase): RefRaw {
  // Dataset: GT keypoints are float32; _is_valid_instance drops persons with np.max(keypoints) <= 0.
  const kept: number[] = [];
  for (let n = 0; n < c.n; n++) {
    let max = -Infinity;
    let sawNaN = false;
    for (let i = 0; i < K * 2; i++) {
      const v = Math.fround(c.gt[n * K * 2 + i]!);
      if (Number.isNaN(v)) sawNaN = true;
      else if (v > max) max = v;
    }
    const npMax = sawNaN ? Number.NaN : max;
    if (!(npMax <= 0)) kept.push(n);
  }
  const M = kept.length;
  // mask = joints_vis.astype(bool); pred_coords = pred + 1.0 (float32); norm_size_head = [hs, hs]
  const mask = (m: number, j: number): boolean => c.vis[kept[m]! * K + j] !== 0;
  const P = (m: number, j: number, ax: number): number => Math.fround(c.preds[(kept[m]! * K + j) * 2 + ax]! + 1.0);
  const G = (m: number, j: number, ax: number): number => Math.fround(c.gt[(kept[m]! * K + j) * 2 + ax]!);
  const normFactor: number[][] = kept.map((n) => {
    const a = c.headboxes[n * 4 + 2]! - c.headboxes[n * 4]!;
    const b = c.headboxes[n * 4 + 3]! - c.headboxes[n * 4 + 1]!;
    let hs = Math.sqrt(a * a + b * b);
    hs *= 0.6;
    return [hs, hs];
  });
  // _calc_distances: returns distances.T as [K][M] float32, -1 = invalid; overwrites normFactor in place.
  const calcDistances = (): number[][] => {
    const localMask = kept.map((_, m) => Array.from({ length: K }, (__, j) => mask(m, j)));
    for (let m = 0; m < M; m++) {
      const zeros = (normFactor[m]![0] === 0 ? 1 : 0) + (normFactor[m]![1] === 0 ? 1 : 0);
      if (zeros) localMask[m]!.fill(false);
    }
    const distances = Array.from({ length: M }, () => new Array<number>(K).fill(-1));
    for (let m = 0; m < M; m++) for (let ax = 0; ax < 2; ax++) if (normFactor[m]![ax]! <= 0) normFactor[m]![ax] = 1e6;
    for (let m = 0; m < M; m++) {
      for (let j = 0; j < K; j++) {
        if (!localMask[m]![j]) continue;
        const dx = Math.fround(P(m, j, 0) - G(m, j, 0)) / normFactor[m]![0]!;
        const dy = Math.fround(P(m, j, 1) - G(m, j, 1)) / normFactor[m]![1]!;
        distances[m]![j] = Math.fround(Math.sqrt(dx * dx + dy * dy));
      }
    }
    return Array.from({ length: K }, (_, j) => distances.map((row) => row[j]!));
  };
  // _distance_acc: valid = d != -1; (d[valid] < thr).sum() / valid.sum(), or -1
  const distanceAcc = (d: number[], thr: number): { acc: number; valid: number; hits: number } => {
    const valid = d.filter((v) => v !== -1);
    if (valid.length > 0) {
      const hits = valid.filter((v) => v < thr).length;
      return { acc: hits / valid.length, valid: valid.length, hits };
    }
    return { acc: -1, valid: 0, hits: 0 };
  };
  const keypointPck = (thr: number): { acc: number[]; valid: number[]; hits: number[]; distances: number[][] } => {
    const distances = calcDistances();
    const per = distances.map((d) => distanceAcc(d, thr));
    return { acc: per.map((p) => p.acc), valid: per.map((p) => p.valid), hits: per.map((p) => p.hits), distances };
  };
  const main = keypointPck(0.5);
  const jntCount = Array.from({ length: K }, (_, j) => {
    let s = 0;
    for (let m = 0; m < M; m++) s += mask(m, j) ? 1 : 0;
    return s;
  });
  const pckh = main.acc.map((a) => 100.0 * a);
  const sweep = RNG.map((t) => keypointPck(t).acc);
  const pckAll = sweep.map((row) => row.map((a) => Math.fround(100.0 * a)));

  const normErr = new Array<number>(c.n * K).fill(Number.NaN);
  const hits = new Array<number>(c.n * K).fill(255);
  for (let m = 0; m < M; m++) {
    for (let j = 0; j < K; j++) {
      const d = main.distances[j]![m]!;
      if (d === -1) continue;
      normErr[kept[m]! * K + j] = d;
      hits[kept[m]! * K + j] = d < 0.5 ? 1 : 0;
    }
  }
  return {
    pckh,
    pckAll,
    sentinel05: main.acc.map((a) => a === -1),
    sentinelSweep: sweep.map((row) => row.map((a) => a === -1)),
    jntCount,
    evaluated: main.valid,
    hitCount: main.hits,
    normErr,
    hits,
    keptInstances: M,
  };
}

interface RefReport {
  metrics: Record<(typeof METRIC_KEYS)[number], number | null>;
  perJoint: { count: number; evaluated: number; hitCount: number; pckh: number | null; pckhAt01: number | null; predicted: boolean }[];
  pckAll: number[];
  mean: number[];
  aucPerJoint: (number | null)[];
  aucMean: number | null;
  normErr: number[];
  hits: number[];
  droppedInstances: number;
}

/** The masked-array tail (spec §2 items 10–11) and the report's documented null rules. */
function refReport(protocol: PckhProtocol, c: RefCase): RefReport {
  const raw = protocol === 'mmpose0x' ? refMpii0x(c) : refMpii1x(c);
  // PCKh.mask[6:8] = True, plus joints the model does not predict (treated exactly like 6 and 7).
  const masked = Array.from({ length: K }, (_, j) => j === 6 || j === 7 || !c.predicted[j]);
  let total = 0;
  for (let j = 0; j < K; j++) if (!masked[j]) total += raw.jntCount[j]!;
  const ratio = raw.jntCount.map((cnt) => cnt / total);
  const weighted = (values: readonly number[]): number => refSum16(values.map((v, j) => (masked[j] ? 0 : v * ratio[j]!)));

  const jointNull05 = (j: number): boolean => !c.predicted[j] || raw.sentinel05[j]!;
  const jointNullSweep = (r: number, j: number): boolean => !c.predicted[j] || raw.sentinelSweep[r]![j]!;
  const weighsSentinel = (isNull: (j: number) => boolean): boolean => {
    for (let j = 0; j < K; j++) if (!masked[j] && isNull(j) && raw.jntCount[j]! > 0) return true;
    return false;
  };
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

  const P = raw.pckh;
  const pair = (a: number, b: number): number | null => (jointNull05(a) || jointNull05(b) ? null : 0.5 * (P[a]! + P[b]!));
  const meanCurve = RNG.map((_, r) => {
    const v = weighted(raw.pckAll[r]!);
    return weighsSentinel((j) => jointNullSweep(r, j)) || !Number.isFinite(v) ? Number.NaN : v;
  });
  const pckAll: number[] = [];
  for (let r = 0; r < RNG.length; r++) for (let j = 0; j < K; j++) pckAll.push(jointNullSweep(r, j) ? Number.NaN : raw.pckAll[r]![j]!);

  const auc = (y: (r: number) => number): number => {
    let area = 0;
    for (let r = 1; r < RNG.length; r++) area += (RNG[r]! - RNG[r - 1]!) * (y(r - 1) + y(r)) * 0.5;
    return area / (RNG[RNG.length - 1]! - RNG[0]!);
  };

  const metrics = {
    Head: jointNull05(9) ? null : P[9]!,
    Shoulder: pair(13, 12),
    Elbow: pair(14, 11),
    Wrist: pair(15, 10),
    Hip: pair(3, 2),
    Knee: pair(4, 1),
    Ankle: pair(5, 0),
    PCKh: weighsSentinel(jointNull05) ? null : finite(weighted(P)),
    'PCKh@0.1': finite(meanCurve[10]!),
  };
  const normErr = raw.normErr.slice();
  const hits = raw.hits.slice();
  for (let n = 0; n < c.n; n++) {
    for (let j = 0; j < K; j++) {
      if (c.predicted[j]) continue;
      normErr[n * K + j] = Number.NaN;
      hits[n * K + j] = 255;
    }
  }
  return {
    metrics,
    perJoint: Array.from({ length: K }, (_, j) => ({
      count: c.predicted[j] ? raw.jntCount[j]! : 0,
      evaluated: c.predicted[j] ? raw.evaluated[j]! : 0,
      hitCount: c.predicted[j] ? raw.hitCount[j]! : 0,
      pckh: jointNull05(j) ? null : P[j]!,
      pckhAt01: jointNullSweep(10, j) ? null : raw.pckAll[10]![j]!,
      predicted: c.predicted[j]!,
    })),
    pckAll,
    mean: meanCurve,
    aucPerJoint: Array.from({ length: K }, (_, j) => (jointNullSweep(0, j) ? null : auc((r) => raw.pckAll[r]![j]!))),
    aucMean: finite(auc((r) => meanCurve[r]!)),
    normErr,
    hits,
    droppedInstances: c.n - raw.keptInstances,
  };
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

function mismatches(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>): string[] {
  const out: string[] = [];
  if (actual.length !== expected.length) return [`${label}: length ${actual.length} vs ${expected.length}`];
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) out.push(`${label}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
  return out;
}

function compareWithReference(report: PckhReport, ref: RefReport): string[] {
  const out: string[] = [];
  for (const key of METRIC_KEYS) {
    if (!Object.is(report.metrics[key], ref.metrics[key])) out.push(`metrics.${key}: ${report.metrics[key]} vs ${ref.metrics[key]}`);
  }
  expect(Object.keys(report.metrics).sort()).toEqual([...METRIC_KEYS].sort());
  report.perJoint.forEach((joint, j) => {
    const e = ref.perJoint[j]!;
    for (const field of ['count', 'evaluated', 'hitCount', 'pckh', 'pckhAt01', 'predicted'] as const) {
      if (!Object.is(joint[field], e[field])) out.push(`perJoint[${j}].${field}: ${joint[field]} vs ${e[field]}`);
    }
    if (joint.index !== j || joint.name !== MPII_JOINT_NAMES[j]) out.push(`perJoint[${j}] index/name`);
  });
  out.push(...mismatches('curve.pckAll', report.curve.pckAll, ref.pckAll));
  out.push(...mismatches('curve.mean', report.curve.mean, ref.mean));
  out.push(...mismatches('curve.thresholds', report.curve.thresholds, RNG));
  report.curve.aucPerJoint.forEach((v, j) => {
    if (!Object.is(v, ref.aucPerJoint[j])) out.push(`aucPerJoint[${j}]: ${v} vs ${ref.aucPerJoint[j]}`);
  });
  if (!Object.is(report.curve.aucMean, ref.aucMean)) out.push(`aucMean: ${report.curve.aucMean} vs ${ref.aucMean}`);
  out.push(...mismatches('normalizedErrors', report.normalizedErrors, ref.normErr));
  out.push(...mismatches('hits', report.hits, ref.hits));
  if (report.droppedInstances !== ref.droppedInstances) out.push(`droppedInstances ${report.droppedInstances} vs ${ref.droppedInstances}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Seeded random cases
// ---------------------------------------------------------------------------------------------

interface GeneratedCase extends RefCase {
  /** Joints constructed to sit exactly on a threshold: [n, j, threshold]. */
  ties: [number, number, number][];
}

/** Head box 30×40 (diagonal 50): hs = 0.6 * 50 = 30 exactly, so errors of 15 / 3 / 6 px are exact ties. */
const TIE_BOX_W = 30;
const TIE_BOX_H = 40;
const TIE_ERRORS: readonly [number, number, number][] = [
  [15, 0, 0.5],
  [9, 12, 0.5],
  [0, 3, 0.1],
  [3, 0, 0.1],
  [6, 0, 0.2],
  [0, 0, 0],
];

function generateCase(seed: number, protocol: PckhProtocol): GeneratedCase {
  const rand = mulberry32(seed);
  const n = 1 + Math.floor(rand() * (rand() < 0.1 ? 250 : 60));
  const preds = new Float32Array(n * K * 2);
  const gt = new Float64Array(n * K * 2);
  const vis = new Uint8Array(n * K);
  const headboxes = new Float64Array(n * 4);
  const ties: [number, number, number][] = [];
  const neverVisibleJoint = rand() < 0.15 ? Math.floor(rand() * K) : -1;
  const spread = rand() < 0.3 ? 3 : 0.8;

  for (let p = 0; p < n; p++) {
    const tieBox = rand() < 0.15;
    const x1 = tieBox ? 50 + Math.floor(rand() * 900) : 1 + rand() * 1000;
    const y1 = tieBox ? 20 + Math.floor(rand() * 600) : 1 + rand() * 700;
    let w = tieBox ? TIE_BOX_W : 4 + rand() * 120;
    let h = tieBox ? TIE_BOX_H : 4 + rand() * 120;
    if (!tieBox && rand() < 0.05) {
      w = 0; // zero-size head box: 0.x gives inf/NaN (a miss), 1.x's in-place quirk (§3 item 6)
      h = 0;
    }
    headboxes.set([x1, y1, x1 + w, y1 + h], p * 4);
    const hs = 0.6 * Math.sqrt(w * w + h * h);
    const dropPerson = protocol === 'mmpose1x' && rand() < 0.03; // all GT <= 0: 1.x drops the instance

    for (let j = 0; j < K; j++) {
      const i = p * K + j;
      let gx = tieBox ? 2 + Math.floor(rand() * 1500) : 1 + rand() * 1500;
      let gy = tieBox ? 2 + Math.floor(rand() * 1000) : 1 + rand() * 1000;
      let visible = rand() < 0.85 && j !== neverVisibleJoint;
      if (protocol === 'mmpose1x' && !visible) {
        gx = -1; // json: a missing joint is [-1,-1] with joints_vis 0
        gy = -1;
      } else if (!visible && rand() < 0.3) {
        gx = rand() < 0.5 ? Number.NaN : -1;
      }
      if (visible && rand() < 0.02) gx = Number.NaN; // NaN GT on an evaluated joint: a miss
      if (dropPerson) {
        gx = rand() < 0.5 ? -1 : 0;
        gy = -1;
        visible = rand() < 0.5;
      }
      gt[2 * i] = gx;
      gt[2 * i + 1] = gy;
      vis[i] = visible ? 1 : 0;

      let px: number;
      let py: number;
      if (tieBox && !Number.isNaN(gx) && gx > 0 && rand() < 0.6) {
        const [ex, ey, t] = TIE_ERRORS[Math.floor(rand() * TIE_ERRORS.length)]!;
        // P = pred + 1 = G + error exactly (integers, exact in float32)
        px = gx - 1 + ex;
        py = gy - 1 + ey;
        if (visible) ties.push([p, j, t]);
      } else {
        const radius = hs * rand() * spread;
        const angle = rand() * 2 * Math.PI;
        px = (Number.isNaN(gx) ? 500 : gx) - 1 + radius * Math.cos(angle);
        py = gy - 1 + radius * Math.sin(angle);
        if (rand() < 0.02) px = Math.fround(px) + 0.5; // arbitrary half-pixel values
      }
      preds[2 * i] = px;
      preds[2 * i + 1] = py;
    }
  }

  let predicted = new Array<boolean>(K).fill(true);
  const roll = rand();
  if (roll < 0.1)
    predicted = predicted.map((_, j) => ![6, 7, 8, 9].includes(j)); // a COCO-17 model
  else if (roll < 0.25) predicted = predicted.map(() => rand() > 0.15);
  else if (roll < 0.27) predicted = predicted.fill(false);
  if (!predicted.every(Boolean) && rand() < 0.5) {
    // unpredicted joints may hold garbage or NaN: they must not matter
    for (let p = 0; p < n; p++) for (let j = 0; j < K; j++) if (!predicted[j]) preds[(p * K + j) * 2] = Number.NaN;
  }
  return { n, preds, gt, vis, headboxes, predicted, ties };
}

function inputsOf(protocol: PckhProtocol, c: RefCase): PckhInputs {
  const inputs: PckhInputs = {
    protocol,
    instanceCount: c.n,
    predictions0Based: c.preds,
    gtPositions1Based: c.gt,
    visible: c.vis,
    headBoxes1Based: c.headboxes,
  };
  if (!c.predicted.every(Boolean)) inputs.jointPredicted = c.predicted;
  return inputs;
}

/** The Mean summed left to right / in closed form: what an almost-right port would produce. */
function naiveMeans(c: RefCase): { leftToRight: number; closedForm: number } {
  const raw = refMpii0x(c);
  const masked = (j: number): boolean => j === 6 || j === 7 || !c.predicted[j];
  let total = 0;
  let hitsTotal = 0;
  for (let j = 0; j < K; j++) {
    if (masked(j)) continue;
    total += raw.jntCount[j]!;
    hitsTotal += raw.hitCount[j]!;
  }
  let leftToRight = 0;
  for (let j = 0; j < K; j++) if (!masked(j)) leftToRight += raw.pckh[j]! * (raw.jntCount[j]! / total);
  return { leftToRight, closedForm: (100 * hitsTotal) / total };
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

const CASES_PER_PROTOCOL = 300;

describe.each(['mmpose0x', 'mmpose1x'] as const)('computePckh %s equals the spec reference bit for bit', (protocol) => {
  it(`${CASES_PER_PROTOCOL} seeded random cases (missing joints, NaN GT, ties, zero head boxes, unpredicted joints)`, () => {
    const failures: string[] = [];
    const seen = { ties05: 0, ties01: 0, zeroHead: 0, nanGt: 0, unpredicted: 0, nullMean: 0, dropped: 0 };
    for (let s = 0; s < CASES_PER_PROTOCOL; s++) {
      const seed = 1000 + s * 7919 + (protocol === 'mmpose1x' ? 1 : 0);
      const c = generateCase(seed, protocol);
      const report = computePckh(inputsOf(protocol, c));
      const ref = refReport(protocol, c);
      const diff = compareWithReference(report, ref);
      if (diff.length > 0) failures.push(`seed ${seed}: ${diff.slice(0, 5).join('; ')}`);

      // The constructed ties really are ties (otherwise the case would not test <= versus <).
      for (const [p, j, t] of c.ties) {
        if (!c.predicted[j]) continue;
        const r = report.normalizedErrors[p * K + j]!;
        if (Number.isNaN(r)) continue; // zero head box (1.x) or dropped person
        if (Math.fround(r) !== Math.fround(t) && r !== t) failures.push(`seed ${seed}: tie at ${p},${j} is ${r}, not ${t}`);
        if (t === 0.5) {
          seen.ties05++;
          const expectedHit = protocol === 'mmpose0x' ? 1 : 0; // spec §0 item 2: 0.x <=, 1.x <
          if (report.hits[p * K + j] !== expectedHit) failures.push(`seed ${seed}: tie at 0.5 scored ${report.hits[p * K + j]}`);
        }
        if (t === 0.1) seen.ties01++;
      }
      for (let p = 0; p < c.n; p++) if (c.headboxes[p * 4] === c.headboxes[p * 4 + 2] && c.headboxes[p * 4 + 1] === c.headboxes[p * 4 + 3]) seen.zeroHead++;
      for (let i = 0; i < c.n * K; i++) if (c.vis[i] && Number.isNaN(c.gt[2 * i]!)) seen.nanGt++;
      if (!c.predicted.every(Boolean)) seen.unpredicted++;
      if (report.metrics.PCKh === null) seen.nullMean++;
      seen.dropped += report.droppedInstances;
    }
    expect(failures).toEqual([]);
    // The random cases must actually reach every edge they are meant to cover.
    expect(seen.ties05).toBeGreaterThan(50);
    expect(seen.ties01).toBeGreaterThan(50);
    expect(seen.zeroHead).toBeGreaterThan(20);
    expect(seen.nanGt).toBeGreaterThan(20);
    expect(seen.unpredicted).toBeGreaterThan(20);
    expect(seen.nullMean).toBeGreaterThan(0);
    if (protocol === 'mmpose1x') expect(seen.dropped).toBeGreaterThan(0);
  });
});

describe('what the reference distinguishes', () => {
  it('a left-to-right Mean or 100*Σhits/Σcount would differ in the last bits on these cases (spec §2.1)', () => {
    let leftToRightDiffers = 0;
    let closedFormDiffers = 0;
    let compared = 0;
    for (let s = 0; s < 200; s++) {
      const c = generateCase(5000 + s, 'mmpose0x');
      const mean = computePckh(inputsOf('mmpose0x', c)).metrics.PCKh;
      if (mean === null) continue;
      compared++;
      const naive = naiveMeans(c);
      if (naive.leftToRight !== mean) leftToRightDiffers++;
      if (naive.closedForm !== mean) closedFormDiffers++;
    }
    expect(compared).toBeGreaterThan(100);
    expect(leftToRightDiffers).toBeGreaterThan(0);
    expect(closedFormDiffers).toBeGreaterThan(0);
  });

  it('0.x and 1.x disagree on an exact 0.5 tie and agree elsewhere on a hand-made case', () => {
    // One person, head box 30x40 -> hs = 30; joint 0 is 15 px off (r = 0.5 exactly), joint 1 is 3 px off.
    const preds = new Float32Array(K * 2);
    const gt = new Float64Array(K * 2);
    for (let j = 0; j < K; j++) {
      gt[2 * j] = 100 + j;
      gt[2 * j + 1] = 200;
      preds[2 * j] = 100 + j - 1;
      preds[2 * j + 1] = 200 - 1;
    }
    preds[0] = 100 - 1 + 15;
    preds[2] = 101 - 1 + 3;
    const c: RefCase = {
      n: 1,
      preds,
      gt,
      vis: new Uint8Array(K).fill(1),
      headboxes: Float64Array.from([10, 10, 40, 50]),
      predicted: new Array<boolean>(K).fill(true),
    };
    const r0 = computePckh(inputsOf('mmpose0x', c));
    const r1 = computePckh(inputsOf('mmpose1x', c));
    expect(r0.normalizedErrors[0]).toBe(0.5);
    expect(r0.hits[0]).toBe(1);
    expect(r1.hits[0]).toBe(0);
    expect(r0.metrics.Ankle).toBe(100);
    expect(r1.metrics.Ankle).toBe(50);
    expect(r0.normalizedErrors[1]).toBe(0.1);
    // at t = 0.1 (index 10): 0.x counts the 0.1 tie as a hit, 1.x's float32 d = fround(0.1) > 0.1 does not
    expect(r0.perJoint[1]!.pckhAt01).toBe(100);
    expect(r1.perJoint[1]!.pckhAt01).toBe(0);
    expect(compareWithReference(r0, refReport('mmpose0x', c))).toEqual([]);
    expect(compareWithReference(r1, refReport('mmpose1x', c))).toEqual([]);
  });

  it('1.x zero-size head box: left out at 0.5, counted as a hit in the sweep (spec §3 item 6)', () => {
    const preds = new Float32Array(2 * K * 2);
    const gt = new Float64Array(2 * K * 2);
    for (let i = 0; i < 2 * K; i++) {
      gt[2 * i] = 300 + i;
      gt[2 * i + 1] = 300;
      preds[2 * i] = 300 + i - 1 + 40; // far: 40 px against hs = 30
      preds[2 * i + 1] = 300 - 1;
    }
    const headboxes = Float64Array.from([10, 10, 40, 50, 7, 7, 7, 7]); // person 1 has a zero-size box
    const c: RefCase = { n: 2, preds, gt, vis: new Uint8Array(2 * K).fill(1), headboxes, predicted: new Array<boolean>(K).fill(true) };
    const r1 = computePckh(inputsOf('mmpose1x', c));
    const r0 = computePckh(inputsOf('mmpose0x', c));
    expect(r1.perJoint[0]!.evaluated).toBe(1);
    expect(r1.perJoint[0]!.count).toBe(2);
    expect(r1.perJoint[0]!.pckh).toBe(0);
    expect(r1.perJoint[0]!.pckhAt01).toBe(50); // the zero-box person is a hit at t = 0.1
    expect(r1.hits[K]).toBe(255);
    expect(r0.perJoint[0]!.evaluated).toBe(2);
    expect(r0.perJoint[0]!.pckhAt01).toBe(0); // 0.x: 40/0 = inf is a miss
    expect(r0.hits[K]).toBe(0);
    expect(compareWithReference(r1, refReport('mmpose1x', c))).toEqual([]);
    expect(compareWithReference(r0, refReport('mmpose0x', c))).toEqual([]);
  });

  it('no persons: every value is null / NaN, nothing throws', () => {
    const c: RefCase = {
      n: 0,
      preds: new Float32Array(0),
      gt: new Float64Array(0),
      vis: new Uint8Array(0),
      headboxes: new Float64Array(0),
      predicted: new Array<boolean>(K).fill(true),
    };
    for (const protocol of ['mmpose0x', 'mmpose1x'] as const) {
      const report = computePckh(inputsOf(protocol, c));
      expect(Object.values(report.metrics).every((v) => v === null)).toBe(true);
      expect(compareWithReference(report, refReport(protocol, c))).toEqual([]);
    }
  });

  it('rejects inputs whose array sizes do not match the person count', () => {
    const c = generateCase(42, 'mmpose0x');
    expect(() => computePckh({ ...inputsOf('mmpose0x', c), visible: c.vis.subarray(1) })).toThrow(/visible has/);
    expect(() => computePckh({ ...inputsOf('mmpose0x', c), jointPredicted: [true] })).toThrow(/jointPredicted/);
  });
});

// ---------------------------------------------------------------------------------------------
// Real data: the published MPII val predictions against EXPECTED.md / expected.json
// ---------------------------------------------------------------------------------------------

interface ExpectedEntry {
  coordinate_base: 0 | 1;
  mmpose0x: Record<string, number>;
}

describe.skipIf(!HAS_SHARED)('real MPII val predictions (../shared/fixtures/mpii-predictions)', () => {
  skipWithoutShared('real-data PCKh acceptance');
  const load = () => {
    const gtPath = sharedPath('fixtures', 'mpii-val', 'annotations', 'mpii_gt_val.mat');
    const jsonPath = sharedPath('fixtures', 'mpii-val', 'annotations', 'mpii_val.json');
    const gt = readMpiiGtMat(gtPath);
    const persons = parseMpiiJson(readFileSync(jsonPath, 'utf8'), jsonPath);
    const expected = JSON.parse(readFileSync(sharedPath('fixtures', 'mpii-predictions', 'expected.json'), 'utf8')) as Record<string, ExpectedEntry>;
    return { gt, persons, expected };
  };
  const data = HAS_SHARED ? load() : undefined;
  const names = data ? Object.keys(data.expected) : [];

  it('has the five reference prediction sets', () => {
    expect(names.length).toBe(5);
  });

  it.each(names)('%s: mmpose0x metrics equal expected.json exactly', (name) => {
    const { gt, persons, expected } = data!;
    const entry = expected[name]!;
    const file = sharedPath('fixtures', 'mpii-predictions', `${name}.json`);
    const preds = (JSON.parse(readFileSync(file, 'utf8')) as { preds: number[][][] }).preds;
    expect(preds.length).toBe(gt.count);
    const predictions0Based = predictionsFromBase(preds.flat(2), entry.coordinate_base);
    expect(predictions0Based.length).toBe(gt.count * K * 2);

    const inputs0x = buildPckhInputs({ protocol: 'mmpose0x', persons, gt, predictions0Based });
    const report = computePckh(inputs0x);
    expect(Object.keys(report.metrics)).toEqual(Object.keys(entry.mmpose0x));
    for (const key of Object.keys(entry.mmpose0x)) {
      expect(report.metrics[key as (typeof METRIC_KEYS)[number]], key).toBe(entry.mmpose0x[key]);
    }
    expect(report.instances).toBe(2958);

    // The whole report (curve, per-person values) also equals the reference, for both protocols.
    const refCase = (inputs: PckhInputs): RefCase => ({
      n: inputs.instanceCount,
      preds: inputs.predictions0Based,
      gt: inputs.gtPositions1Based,
      vis: inputs.visible,
      headboxes: inputs.headBoxes1Based,
      predicted: new Array<boolean>(K).fill(true),
    });
    expect(compareWithReference(report, refReport('mmpose0x', refCase(inputs0x)))).toEqual([]);
    const inputs1x = buildPckhInputs({ protocol: 'mmpose1x', persons, gt, predictions0Based });
    const report1x = computePckh(inputs1x);
    expect(compareWithReference(report1x, refReport('mmpose1x', refCase(inputs1x)))).toEqual([]);
    // spec §3: on the real val files the json and the .mat agree, so 1.x differs from 0.x by a few
    // tie/rounding effects at most, never by whole percents.
    expect(Math.abs(report1x.metrics.PCKh! - report.metrics.PCKh!)).toBeLessThan(0.05);
  });
});
