/**
 * Bootstrap intervals for the MPII toolkit columns that mmpose's table does not have: Head (mean of
 * upper neck and head top) and UBody (hits pooled over wrists, elbows and shoulders). The other toolkit
 * columns are mmpose's (Shoulder … Ankle, Total = PCKh) and take pairedBootstrap's intervals.
 *
 * Same resamples as pairedBootstrap: mulberry32(seed), one drawResampleWeights per replicate, nothing
 * else drawn from the stream — so replicate r here weighs the persons exactly as replicate r there, and
 * every interval of a report comes from one set of resamples. Same percentile rule (numpy 'linear'
 * quantiles of the replicates where the column is computable).
 *
 * AUC gets no interval: its curve would need every person's 51-threshold outcome per replicate.
 */
import { MPII_JOINT_COUNT, mpiiJointIndex } from '../core/joints.ts';
import { mulberry32 } from '../core/seeded-random.ts';
import type { PckhProtocol } from '../core/types.ts';
import { DEFAULT_CONFIDENCE, drawResampleWeights, sortedQuantile } from './bootstrap.ts';
import { TOOLKIT_UPPER_BODY_JOINTS } from './mpii-toolkit-columns.ts';
import { EVALUATED, HIT_05, type PersonJointOutcomes } from './person-tallies.ts';

const J = MPII_JOINT_COUNT;
const NECK = mpiiJointIndex('upper_neck')!;
const TOP = mpiiJointIndex('head_top')!;

export interface ToolkitIntervals {
  /** [lo, hi] in percent; null ends where not computable. */
  readonly Head: readonly [number | null, number | null];
  readonly UBody: readonly [number | null, number | null];
}

/** A joint's PCKh from its tallies, as writePckhColumns computes it (0.x product first, 1.x division first). */
function percent(protocol: PckhProtocol, hits: number, evaluated: number): number {
  if (!(evaluated > 0)) return Number.NaN;
  return protocol === 'mmpose0x' ? (100 * hits) / evaluated : 100 * (hits / evaluated);
}

/** Per person: hits and evaluated joints at 0.5 for the neck, the head top and the six arm joints. */
function personTallies(o: PersonJointOutcomes): Uint8Array {
  const t = new Uint8Array(o.persons * 6);
  for (let p = 0; p < o.persons; p++) {
    const at = (j: number): number => o.flags[p * J + j]!;
    const hit = (f: number): number => (f & EVALUATED && f & HIT_05 ? 1 : 0);
    const ev = (f: number): number => (f & EVALUATED ? 1 : 0);
    t[p * 6] = hit(at(NECK));
    t[p * 6 + 1] = ev(at(NECK));
    t[p * 6 + 2] = hit(at(TOP));
    t[p * 6 + 3] = ev(at(TOP));
    let armHits = 0;
    let armEvaluated = 0;
    for (const j of TOOLKIT_UPPER_BODY_JOINTS) {
      armHits += hit(at(j));
      armEvaluated += ev(at(j));
    }
    t[p * 6 + 4] = armHits;
    t[p * 6 + 5] = armEvaluated;
  }
  return t;
}

function interval(values: Float64Array, confidence: number): [number | null, number | null] {
  const kept = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
  if (kept.length === 0) return [null, null];
  const alpha = 1 - confidence;
  return [sortedQuantile(kept, alpha / 2), sortedQuantile(kept, 1 - alpha / 2)];
}

export function toolkitIntervals(
  variants: readonly PersonJointOutcomes[],
  options: { readonly replicates: number; readonly seed: number; readonly confidence?: number },
): ToolkitIntervals[] {
  const persons = variants[0]?.persons ?? 0;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const tallies = variants.map(personTallies);
  // A column not computable on all the data (a joint not predicted) has no interval either.
  const predicted = variants.map((o) => ({
    head: o.jointPredicted[NECK] === true && o.jointPredicted[TOP] === true,
    ubody: TOOLKIT_UPPER_BODY_JOINTS.every((j) => o.jointPredicted[j] === true),
  }));
  const head = variants.map(() => new Float64Array(options.replicates));
  const ubody = variants.map(() => new Float64Array(options.replicates));
  const weights = new Int32Array(persons);
  const random = mulberry32(options.seed);
  const sums = new Float64Array(6);
  for (let r = 0; r < options.replicates; r++) {
    drawResampleWeights(random, weights);
    variants.forEach((o, v) => {
      const t = tallies[v]!;
      sums.fill(0);
      for (let p = 0; p < persons; p++) {
        const w = weights[p]!;
        if (w === 0) continue;
        for (let k = 0; k < 6; k++) sums[k]! += w * t[p * 6 + k]!;
      }
      const neck = percent(o.protocol, sums[0]!, sums[1]!);
      const top = percent(o.protocol, sums[2]!, sums[3]!);
      head[v]![r] = predicted[v]!.head ? (neck + top) / 2 : Number.NaN;
      // The toolkit's pooling, product first as mpiiToolkitColumns.
      ubody[v]![r] = predicted[v]!.ubody && sums[5]! > 0 ? (100 * sums[4]!) / sums[5]! : Number.NaN;
    });
  }
  return variants.map((_, v) => ({ Head: interval(head[v]!, confidence), UBody: interval(ubody[v]!, confidence) }));
}
