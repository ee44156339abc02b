/**
 * Per-(person, joint) PCKh outcomes, the unit every statistic over persons works on (bootstrap,
 * McNemar, calibration, strata). One byte per (person, joint) of flags saying whether the joint is
 * counted (jnt_count), evaluated at 0.5, a hit at 0.5, a hit at 0.1.
 *
 * Built from computePckh's own per-(person, joint) hits and distances (and, for the one case those do
 * not cover, from the tally code run on that person alone), so every rule (0.x `<=`, 1.x `<`, float32
 * steps, the 1.x zero-head-box quirk, dropped 1.x instances, unpredicted joints) is the one computePckh
 * applies; summing the flags over persons gives computePckh's tallies (tested on hard random cases).
 */
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { PckhProtocol } from '../core/types.ts';
import { computePckh, type PckhReport } from './pckh.ts';
import type { PckhInputs } from './pckh-inputs.ts';
import { headSize, HIT_NOT_EVALUATED, tallyMmpose0x, tallyMmpose1x, type TallyInputs } from './pckh-tally.ts';
import { firstPassedThresholdIndex, PCKH_AT_01_SWEEP_INDEX } from './threshold-sweep.ts';

const J = MPII_JOINT_COUNT;

/** Flag bits of PersonJointOutcomes.flags. */
export const COUNTED = 1;
export const EVALUATED = 2;
export const HIT_05 = 4;
export const HIT_01 = 8;

export interface PersonJointOutcomes {
  readonly protocol: PckhProtocol;
  readonly persons: number;
  readonly jointPredicted: readonly boolean[];
  /** N*16 (index n*16 + j): COUNTED | EVALUATED | HIT_05 | HIT_01 bits. */
  readonly flags: Uint8Array;
}

const ALL_PREDICTED: readonly boolean[] = new Array<boolean>(J).fill(true);

/**
 * The outcomes of every (person, joint). `report` = computePckh(inputs) when the caller has it (e.g. a
 * scored variant): its hits and normalised errors are the tally code's own per-(person, joint) values,
 * and the 0.1 hit is the sweep's comparison (firstPassedThresholdIndex, as pckh-tally.ts applies it) on
 * the same stored distance. The one case the report cannot tell — 1.x persons with a zero-size head box,
 * counted at 0.1 with a 1e6 normaliser but not evaluated at 0.5 (spec §3 item 6) — is tallied person by
 * person with the tally code itself.
 */
export function personJointOutcomes(inputs: PckhInputs, report: PckhReport = computePckh(inputs)): PersonJointOutcomes {
  const n = inputs.instanceCount;
  const jointPredicted = inputs.jointPredicted ?? ALL_PREDICTED;
  if (report.hits.length !== n * J) throw new RangeError(`personJointOutcomes: report has ${report.hits.length / J} persons, inputs ${n}`);
  const comparison = inputs.protocol === 'mmpose1x' ? 'strict' : 'inclusive';
  const flags = new Uint8Array(n * J);
  for (let p = 0; p < n; p++) {
    if (inputs.protocol === 'mmpose1x' && headSize(inputs.headBoxes1Based, p) === 0) {
      tallyOnePerson(inputs, jointPredicted, p, flags);
      continue;
    }
    for (let j = 0; j < J; j++) {
      const i = p * J + j;
      const hit = report.hits[i]!;
      if (hit === HIT_NOT_EVALUATED) continue;
      let f = COUNTED | EVALUATED;
      if (hit === 1) f |= HIT_05;
      if (firstPassedThresholdIndex(report.normalizedErrors[i]!, comparison) <= PCKH_AT_01_SWEEP_INDEX) f |= HIT_01;
      flags[i] = f;
    }
  }
  return { protocol: inputs.protocol, persons: n, jointPredicted, flags };
}

/** pckh-tally.ts on person p alone (views, not copies: the tally functions only read them). */
function tallyOnePerson(inputs: PckhInputs, jointPredicted: readonly boolean[], p: number, flags: Uint8Array): void {
  const tally = inputs.protocol === 'mmpose1x' ? tallyMmpose1x : tallyMmpose0x;
  const one: TallyInputs = {
    instanceCount: 1,
    predictions0Based: inputs.predictions0Based.subarray(p * J * 2, (p + 1) * J * 2),
    gtPositions1Based: inputs.gtPositions1Based.subarray(p * J * 2, (p + 1) * J * 2),
    visible: inputs.visible.subarray(p * J, (p + 1) * J),
    headBoxes1Based: inputs.headBoxes1Based.subarray(p * 4, p * 4 + 4),
    jointPredicted,
  };
  const t = tally(one);
  const at01 = PCKH_AT_01_SWEEP_INDEX * J;
  for (let j = 0; j < J; j++) {
    let f = 0;
    if (t.count[j]! > 0) f |= COUNTED;
    if (t.evaluated[j]! > 0) f |= EVALUATED;
    if (t.hitCount[j]! > 0) f |= HIT_05;
    if (t.sweepHits[at01 + j]! > 0) f |= HIT_01;
    flags[p * J + j] = f;
  }
}

/** Every person through the tally code one by one: the slow reference personJointOutcomes is tested against. */
export function personJointOutcomesByPerson(inputs: PckhInputs): PersonJointOutcomes {
  const n = inputs.instanceCount;
  const jointPredicted = inputs.jointPredicted ?? ALL_PREDICTED;
  const flags = new Uint8Array(n * J);
  for (let p = 0; p < n; p++) tallyOnePerson(inputs, jointPredicted, p, flags);
  return { protocol: inputs.protocol, persons: n, jointPredicted, flags };
}

/** Σ over persons of each flag, per joint: computePckh's count, evaluated, hitCount and pckAll[10] hits. */
export function sumOutcomes(outcomes: PersonJointOutcomes): { count: Int32Array; evaluated: Int32Array; hitCount: Int32Array; hitCountAt01: Int32Array } {
  const count = new Int32Array(J);
  const evaluated = new Int32Array(J);
  const hitCount = new Int32Array(J);
  const hitCountAt01 = new Int32Array(J);
  const { flags, persons } = outcomes;
  for (let p = 0; p < persons; p++) {
    for (let j = 0; j < J; j++) {
      const f = flags[p * J + j]!;
      if (f & COUNTED) count[j]!++;
      if (f & EVALUATED) evaluated[j]!++;
      if (f & HIT_05) hitCount[j]!++;
      if (f & HIT_01) hitCountAt01[j]!++;
    }
  }
  return { count, evaluated, hitCount, hitCountAt01 };
}
