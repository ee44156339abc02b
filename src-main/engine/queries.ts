/**
 * Answers to the UI's read queries, computed from the in-memory view model (pure functions, tested
 * in test/unit/engine/queries.test.ts).
 */
import { UserError } from '../core/errors.ts';
import {
  METRIC_COLUMNS,
  mediaKey,
  type CompareFilterResult,
  type CompareTable,
  type ErrorClassName,
  type FailuresList,
  type InstanceDetail,
  type InstancesList,
  type MetricColumn,
  type MetricsCurves,
  type MetricsTable,
  type ScatterPoint,
  type VariantSummary,
} from '../api/contract.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import { headSize as headSizeFromBoxes } from '../evaluation/pckh-tally.ts';
import { personCropBox } from '../core/geometry.ts';
import { paretoFront } from '../core/pareto.ts';
import { DEFAULT_PCKH_PROTOCOL, type PckhProtocol, type Point2 } from '../core/types.ts';
import { HIT, MISS, NOT_EVALUATED, type DatasetState, type VariantState } from './view-model.ts';
import { ERROR_CLASS_CODES, errorClassCodes, errorClassName } from './error-class-cache.ts';

const J = MPII_JOINT_COUNT;

export function variantSummary(v: VariantState): VariantSummary {
  return {
    id: v.id,
    name: v.name,
    kind: v.kind,
    source: v.sourcePath.split(/[\\/]/).pop() ?? v.sourcePath,
    status: v.status,
    evaluated: v.evaluation !== null,
    latency: v.latency,
    predictedCount: v.predictedCount,
    failureCount: v.failureCount,
    error: v.error,
    hidden: v.hidden,
    optionsLabel: v.optionsLabel,
    stale: v.stale,
  };
}

/**
 * The variant to mark fastest, if one is clearly so: its p95 below every other variant's p5
 * (issue 11). Medians closer than the spread are not ranked. Needs at least two variants with
 * distributions.
 */
export function clearlyFastest(variants: readonly VariantState[]): string | null {
  const timed = variants.filter((v) => v.latency !== null);
  if (timed.length < 2) return null;
  const fastest = timed.reduce((best, v) => (v.latency!.medianMs < best.latency!.medianMs ? v : best));
  const others = timed.filter((v) => v !== fastest);
  const separated = others.every((v) => v.latency!.p5Ms !== null && fastest.latency!.p95Ms < v.latency!.p5Ms);
  return separated ? fastest.id : null;
}

export function evaluated(variants: Iterable<VariantState>): VariantState[] {
  return [...variants].filter((v) => v.evaluation !== null);
}

/** `variants` are scored under `protocol` (EngineSession.scoredVariants); the table names it. */
export function metricsTable(
  dataset: DatasetState | null,
  variants: Iterable<VariantState>,
  protocol: PckhProtocol | null = dataset?.protocol ?? null,
): MetricsTable {
  const rows = evaluated(variants);
  const fastest = clearlyFastest(rows);
  return {
    protocol: dataset === null ? null : protocol,
    gtRevision: dataset?.summary.gtRevision ?? null,
    columns: METRIC_COLUMNS,
    rows: rows.map((v) => ({
      variantId: v.id,
      variantName: v.name,
      values: nullableMetrics(v.evaluation!.metrics),
      latencyMs: v.latency?.medianMs ?? null,
      latency: v.latency,
      latencyClearlyBest: v.id === fastest,
      count: v.predictedCount,
    })),
    perJoint: rows.map((v) => ({
      variantId: v.id,
      variantName: v.name,
      pckh: v.evaluation!.perJointPckh.map(finiteOrNull),
      pckhAt01: v.evaluation!.perJointAt01.map(finiteOrNull),
      count: v.evaluation!.perJointCount,
    })),
  };
}

export function metricsCurves(variants: Iterable<VariantState>, onlyIds?: readonly string[]): MetricsCurves {
  let rows = evaluated(variants);
  if (onlyIds !== undefined) rows = rows.filter((v) => onlyIds.includes(v.id));
  return {
    thresholds: rows[0]?.evaluation!.thresholds ?? [],
    series: rows.map((v) => ({
      variantId: v.id,
      variantName: v.name,
      mean: v.evaluation!.curveMean.map(finiteOrNull),
      perJoint: v.evaluation!.curvePerJoint.map((row) => row.map(finiteOrNull)),
      auc: finiteOrNull(v.evaluation!.auc),
    })),
  };
}

/** Instances where `joint` is evaluated, worst normalised error first; unpredicted joints first of all. */
export function failuresList(
  dataset: DatasetState,
  variant: VariantState,
  joint: number,
  offset: number,
  limit: number,
  errorClass: ErrorClassName | null = null,
): FailuresList {
  const evaluation = requireEvaluation(variant);
  const n = dataset.persons.length;
  const classes = errorClassCodes(dataset, variant);
  const wanted = errorClass === null ? null : ERROR_CLASS_CODES[errorClass];
  // Evaluated instances and their errors (non-finite = unpredicted: +Infinity, worst of all).
  const indices = new Uint32Array(n);
  const errors = new Float64Array(n);
  let total = 0;
  let missCount = 0;
  for (let i = 0; i < n; i++) {
    const hit = evaluation.hits[i * J + joint];
    if (hit === NOT_EVALUATED || hit === undefined) continue;
    if (wanted !== null && classes?.[i * J + joint] !== wanted) continue;
    if (hit === MISS) missCount++;
    const error = evaluation.normalizedErrors[i * J + joint]!;
    indices[total] = i;
    errors[total] = Number.isFinite(error) ? error : Number.POSITIVE_INFINITY;
    total++;
  }
  const page = worstFirst(indices.subarray(0, total), errors.subarray(0, total), offset, limit);
  return {
    variantId: variant.id,
    joint,
    errorClass,
    total,
    missCount,
    items: Array.from(page, (k) => {
      const index = indices[k]!;
      const error = errors[k]!;
      return {
        instanceIndex: index,
        image: dataset.persons[index]!.image,
        normalizedError: Number.isFinite(error) ? error : null,
        hit: evaluation.hits[index * J + joint] === HIT,
        predicted: predictedJoint(variant, index, joint),
        errorClass: errorClassName(classes?.[index * J + joint]),
      };
    }),
  };
}

/**
 * Positions k (into `indices`/`errors`) of the page [offset, offset + limit) in the order worst
 * error first, then lower instance index — the order of a full sort, found by keeping only the
 * offset + limit worst in a bounded heap (150,000 persons, a page of 200: no sort of them all).
 */
function worstFirst(indices: Uint32Array, errors: Float64Array, offset: number, limit: number): Uint32Array {
  const total = indices.length;
  const start = Math.min(Math.max(0, offset), total);
  const keep = Math.min(total, start + Math.max(0, limit));
  if (keep <= start) return new Uint32Array(0);
  /** Whether position a comes before position b in the list (worse, or as bad with a lower index). */
  const before = (a: number, b: number): boolean => errors[a]! > errors[b]! || (errors[a] === errors[b] && indices[a]! < indices[b]!);
  let chosen: Uint32Array;
  if (keep * 4 >= total) {
    chosen = new Uint32Array(total);
    for (let k = 0; k < total; k++) chosen[k] = k;
  } else {
    // Heap of the `keep` earliest positions seen so far; its root is the latest of them.
    const heap = new Uint32Array(keep);
    let size = 0;
    const siftDown = (from: number): void => {
      let i = from;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let latest = i;
        if (l < size && before(heap[latest]!, heap[l]!)) latest = l;
        if (r < size && before(heap[latest]!, heap[r]!)) latest = r;
        if (latest === i) return;
        const t = heap[i]!;
        heap[i] = heap[latest]!;
        heap[latest] = t;
        i = latest;
      }
    };
    for (let k = 0; k < total; k++) {
      if (size < keep) {
        let i = size++;
        heap[i] = k;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!before(heap[parent]!, heap[i]!)) break;
          const t = heap[i]!;
          heap[i] = heap[parent]!;
          heap[parent] = t;
          i = parent;
        }
      } else if (before(k, heap[0]!)) {
        heap[0] = k;
        siftDown(0);
      }
    }
    chosen = heap;
  }
  chosen.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  return chosen.slice(start, keep);
}

export function instancesList(
  dataset: DatasetState,
  variant: VariantState | null,
  joint: number | undefined,
  outcome: 'all' | 'hit' | 'miss',
  errorClass: ErrorClassName | null = null,
): InstancesList {
  const items: InstancesList['items'][number][] = [];
  const evaluation = variant?.evaluation ?? null;
  const classes = errorClass !== null && variant !== null ? errorClassCodes(dataset, variant) : null;
  const wantedClass = errorClass === null ? null : ERROR_CLASS_CODES[errorClass];
  // A class asked of a variant without predictions (or of none): nothing has that class, as in failuresList.
  if (wantedClass !== null && classes === null) return { total: 0, datasetId: dataset.id, items };
  dataset.persons.forEach((person, index) => {
    if (classes !== null && wantedClass !== null) {
      if (joint !== undefined) {
        if (classes[index * J + joint] !== wantedClass) return;
      } else {
        let found = false;
        for (let j = 0; j < J && !found; j++) found = classes[index * J + j] === wantedClass;
        if (!found) return;
      }
    }
    if (outcome !== 'all' && evaluation !== null) {
      const wanted = outcome === 'hit' ? HIT : MISS;
      if (joint !== undefined) {
        if (evaluation.hits[index * J + joint] !== wanted) return;
      } else {
        // any joint with that outcome
        let found = false;
        for (let j = 0; j < J && !found; j++) found = evaluation.hits[index * J + j] === wanted;
        if (!found) return;
      }
    }
    items.push({
      instanceIndex: index,
      image: person.image,
      imageExists: !dataset.missingImages.has(person.image),
      crop: personCropBox(person),
      gt: flatJoints(person.joints),
      pred: variant?.predictions ? flatPredictions(variant.predictions, index) : null,
    });
  });
  return { total: items.length, datasetId: dataset.id, items };
}

/**
 * One instance with the variants' predictions, errors and hits (variants scored under `protocol`).
 * The GT shown and the joints counted are the protocol's: the `.mat` (0.x, spec §2 steps 2–3) or the
 * json joints / joints_vis (1.x, spec §3).
 */
export function instanceDetail(
  dataset: DatasetState,
  variants: readonly VariantState[],
  index: number,
  protocol: PckhProtocol = dataset.protocol,
): InstanceDetail {
  const person = dataset.persons[index];
  if (person === undefined) throw new UserError('not-found', `instance ${index} does not exist (the dataset has ${dataset.persons.length})`);
  const gt = dataset.gt;
  let headBox: [number, number, number, number] = [0, 0, 0, 0];
  const counted: boolean[] = new Array<boolean>(J).fill(false);
  if (gt !== null) {
    const b = index * 4;
    headBox = [gt.headBoxes1Based[b]! - 1, gt.headBoxes1Based[b + 1]! - 1, gt.headBoxes1Based[b + 2]! - 1, gt.headBoxes1Based[b + 3]! - 1];
    for (let j = 0; j < J; j++) counted[j] = protocol === 'mmpose1x' ? (person.jointsVisible[j] ?? 0) !== 0 : gt.missing[index * J + j] === 0;
  } else {
    for (let j = 0; j < J; j++) counted[j] = person.joints[j] !== null;
  }
  // The metric's own formula (spec §2 step 4), so the drawn tolerance circle is the one PCKh uses.
  const headSize = headSizeFromBoxes(Float64Array.from(headBox), 0);
  return {
    instanceIndex: index,
    entryIndex: person.entryIndex,
    image: person.image,
    imageExists: !dataset.missingImages.has(person.image),
    imageKey: mediaKey.image(dataset.id, person.image),
    crop: personCropBox(person),
    center: person.center,
    scale: person.scale,
    headSize,
    headBox,
    gt: gtJoints(dataset, index, protocol),
    counted,
    predictions: variants
      .filter((v) => v.predictions !== null)
      .map((v) => {
        const joints: (Point2 | null)[] = [];
        const errors: (number | null)[] = [];
        const hits: (boolean | null)[] = [];
        for (let j = 0; j < J; j++) {
          const x = v.predictions![(index * J + j) * 2]!;
          const y = v.predictions![(index * J + j) * 2 + 1]!;
          joints.push(Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null);
          const e = v.evaluation?.normalizedErrors[index * J + j];
          errors.push(e !== undefined && Number.isFinite(e) ? e : null);
          const h = v.evaluation?.hits[index * J + j];
          hits.push(h === HIT ? true : h === MISS ? false : null);
        }
        return { variantId: v.id, variantName: v.name, joints, normalizedErrors: errors, hits };
      }),
  };
}

/**
 * GT joints shown in the UI, 0-based: the `.mat` positions (what the 0.x protocol scores) when there
 * is a gt `.mat` and the protocol is 0.x, the json joints otherwise (what 1.x scores, spec §3).
 */
export function gtJoints(dataset: DatasetState, index: number, protocol: PckhProtocol = DEFAULT_PCKH_PROTOCOL): (Point2 | null)[] {
  const gt = dataset.gt;
  const person = dataset.persons[index]!;
  if (gt === null || protocol === 'mmpose1x') return person.joints.map((p) => (p === null ? null : [p[0], p[1]]));
  const out: (Point2 | null)[] = [];
  for (let j = 0; j < J; j++) {
    const x = gt.positions1Based[(index * J + j) * 2]!;
    const y = gt.positions1Based[(index * J + j) * 2 + 1]!;
    out.push(gt.missing[index * J + j] === 1 || !Number.isFinite(x) ? (person.joints[j] ?? null) : [x - 1, y - 1]);
  }
  return out;
}

export function compareTable(variants: readonly VariantState[]): CompareTable {
  const rows = variants.map((v) => ({ v, e: requireEvaluation(v) }));
  const base = rows[0]!;
  const deltas = (values: Readonly<Record<MetricColumn, number>>) =>
    nullableMetrics(Object.fromEntries(METRIC_COLUMNS.map((c) => [c, values[c] - base.e.metrics[c]])) as Record<MetricColumn, number>);
  return {
    baselineId: base.v.id,
    columns: METRIC_COLUMNS,
    rows: rows.map(({ v, e }) => ({
      variantId: v.id,
      variantName: v.name,
      values: nullableMetrics(e.metrics),
      deltas: deltas(e.metrics),
      latencyMs: v.latency?.medianMs ?? null,
      latency: v.latency,
    })),
  };
}

/** Latency vs PCKh; a point is on the Pareto front when no other is at least as fast and as accurate, and better in one. */
export function compareScatter(variants: Iterable<VariantState>): ScatterPoint[] {
  const points = evaluated(variants)
    .filter((v) => v.latency !== null && Number.isFinite(v.evaluation!.metrics.PCKh))
    .map((v) => ({
      variantId: v.id,
      variantName: v.name,
      latencyMs: v.latency!.medianMs,
      latencyP5Ms: v.latency!.p5Ms,
      latencyP95Ms: v.latency!.n > 0 ? v.latency!.p95Ms : null,
      pckh: v.evaluation!.metrics.PCKh,
    }));
  const front = paretoFront(
    points,
    (p) => p.latencyMs,
    (p) => p.pckh,
  );
  return points.map((p, i) => ({ ...p, pareto: front[i]! }));
}

export function compareFilter(
  a: VariantState,
  b: VariantState,
  joint: number,
  relation: 'a-hit-b-miss' | 'a-miss-b-hit' | 'both-miss' | 'both-hit',
): CompareFilterResult {
  const ea = requireEvaluation(a);
  const eb = requireEvaluation(b);
  const [wantA, wantB] = {
    'a-hit-b-miss': [HIT, MISS],
    'a-miss-b-hit': [MISS, HIT],
    'both-miss': [MISS, MISS],
    'both-hit': [HIT, HIT],
  }[relation];
  const indices: number[] = [];
  const n = ea.hits.length / J;
  for (let i = 0; i < n; i++) if (ea.hits[i * J + joint] === wantA && eb.hits[i * J + joint] === wantB) indices.push(i);
  return { total: indices.length, instanceIndices: indices };
}

function requireEvaluation(v: VariantState) {
  if (v.evaluation === null) throw new UserError('conflict', `variant "${v.name}" has no evaluation yet: run it first`);
  return v.evaluation;
}

function predictedJoint(v: VariantState, index: number, joint: number): boolean {
  const x = v.predictions?.[(index * J + joint) * 2];
  return x !== undefined && Number.isFinite(x) && v.jointPredicted[joint] !== false;
}

function flatJoints(joints: readonly (Point2 | null)[]): (number | null)[] {
  const out: (number | null)[] = [];
  for (let j = 0; j < J; j++) {
    const p = joints[j];
    out.push(p ? round1(p[0]) : null, p ? round1(p[1]) : null);
  }
  return out;
}

function flatPredictions(predictions: Float32Array, index: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let k = 0; k < J * 2; k++) {
    const v = predictions[index * J * 2 + k]!;
    out.push(Number.isFinite(v) ? round1(v) : null);
  }
  return out;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function nullableMetrics(values: Readonly<Record<MetricColumn, number>>): Record<MetricColumn, number | null> {
  return Object.fromEntries(METRIC_COLUMNS.map((c) => [c, finiteOrNull(values[c])])) as Record<MetricColumn, number | null>;
}
