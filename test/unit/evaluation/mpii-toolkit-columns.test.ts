/**
 * The MPII toolkit's columns (genTablePCK.m / computePCK.m) from a computePckh report, checked against
 * the toolkit's definitions computed independently from the report's per-(person, joint) hits; and
 * their bootstrap intervals, drawn on pairedBootstrap's resamples.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src-main/core/seeded-random.ts';
import { pairedBootstrap } from '../../../src-main/evaluation/bootstrap.ts';
import { HIT_NOT_EVALUATED, PCKH_COLUMN_JOINTS_OFFSET, computePckh } from '../../../src-main/evaluation/pckh.ts';
import { personJointOutcomes } from '../../../src-main/evaluation/person-tallies.ts';
import { toolkitIntervals } from '../../../src-main/evaluation/mpii-toolkit-bootstrap.ts';
import { mpiiToolkitColumns, TOOLKIT_UPPER_BODY_JOINTS } from '../../../src-main/evaluation/mpii-toolkit-columns.ts';
import type { PckhInputs } from '../../../src-main/evaluation/pckh-inputs.ts';
import type { PckhProtocol } from '../../../src-main/core/types.ts';

function randomInputs(protocol: PckhProtocol, n: number, seed: number): PckhInputs {
  const random = mulberry32(seed);
  const gt = new Float64Array(n * 32);
  const pred = new Float32Array(n * 32);
  const visible = new Uint8Array(n * 16);
  const boxes = new Float64Array(n * 4);
  for (let p = 0; p < n; p++) {
    boxes.set([100, 100, 160, 160], p * 4);
    for (let j = 0; j < 16; j++) {
      const k = (p * 16 + j) * 2;
      gt[k] = 100 + 200 * random();
      gt[k + 1] = 100 + 200 * random();
      visible[p * 16 + j] = random() < 0.85 ? 1 : 0;
      pred[k] = gt[k]! - 1 + 60 * (random() - 0.5);
      pred[k + 1] = gt[k + 1]! - 1 + 60 * (random() - 0.5);
    }
  }
  return { protocol, instanceCount: n, predictions0Based: pred, gtPositions1Based: gt, visible, headBoxes1Based: boxes };
}

describe.each(['mmpose0x', 'mmpose1x'] as PckhProtocol[])('mpiiToolkitColumns (%s)', (protocol) => {
  it("Head = mean of upper neck and head top; UBody = arm hits pooled; Total = PCKh; AUC = the mean curve's", () => {
    const report = computePckh(randomInputs(protocol, 300, 7));
    const columns = mpiiToolkitColumns(report);
    expect(columns.Head).toBe((report.perJoint[8]!.pckh! + report.perJoint[9]!.pckh!) / 2);
    let hits = 0;
    let evaluated = 0;
    for (let p = 0; p < report.instances; p++) {
      for (const j of TOOLKIT_UPPER_BODY_JOINTS) {
        const h = report.hits[p * 16 + j]!;
        if (h === HIT_NOT_EVALUATED) continue;
        evaluated++;
        hits += h;
      }
    }
    expect(columns.UBody).toBe((100 * hits) / evaluated);
    expect(TOOLKIT_UPPER_BODY_JOINTS.map((j) => report.perJoint[j]!.name).sort()).toEqual([
      'left_elbow',
      'left_shoulder',
      'left_wrist',
      'right_elbow',
      'right_shoulder',
      'right_wrist',
    ]);
    for (const k of ['Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle'] as const) expect(columns[k]).toBe(report.metrics[k]);
    expect(columns.Total).toBe(report.metrics.PCKh);
    expect(columns.AUC).toBe(report.curve.aucMean);
  });

  it('a joint the model does not predict makes its columns not computable', () => {
    const inputs = { ...randomInputs(protocol, 50, 3), jointPredicted: Array.from({ length: 16 }, (_, j) => j !== 15) };
    const columns = mpiiToolkitColumns(computePckh(inputs));
    expect(columns.UBody).toBeNull();
    expect(columns.Wrist).toBeNull();
    expect(columns.Head).not.toBeNull();
  });
});

describe.each(['mmpose0x', 'mmpose1x'] as PckhProtocol[])('toolkitIntervals (%s)', (protocol) => {
  it("the same resamples as pairedBootstrap: with the neck a copy of the head top, Head's interval is head_top's", () => {
    const inputs = randomInputs(protocol, 400, 11);
    const base = personJointOutcomes(inputs, computePckh(inputs));
    const flags = base.flags.slice();
    for (let p = 0; p < base.persons; p++) flags[p * 16 + 8] = flags[p * 16 + 9]!;
    const outcomes = { ...base, flags };
    const [toolkit] = toolkitIntervals([outcomes], { replicates: 300, seed: 5 });
    const boot = pairedBootstrap([outcomes], { replicates: 300, seed: 5 });
    const c = PCKH_COLUMN_JOINTS_OFFSET + 9;
    expect(toolkit!.Head).toEqual([boot.variants[0]!.lo[c], boot.variants[0]!.hi[c]]);
  });

  it('UBody and Head intervals contain the estimate; no interval for a joint not predicted', () => {
    const inputs = { ...randomInputs(protocol, 300, 13), jointPredicted: Array.from({ length: 16 }, (_, j) => j !== 10) };
    const report = computePckh(inputs);
    const [t] = toolkitIntervals([personJointOutcomes(inputs, report)], { replicates: 200, seed: 1 });
    const columns = mpiiToolkitColumns(report);
    expect(t!.Head[0]!).toBeLessThanOrEqual(columns.Head!);
    expect(t!.Head[1]!).toBeGreaterThanOrEqual(columns.Head!);
    expect(t!.UBody).toEqual([null, null]);
    const full = randomInputs(protocol, 300, 13);
    const fullReport = computePckh(full);
    const [u] = toolkitIntervals([personJointOutcomes(full, fullReport)], { replicates: 200, seed: 1 });
    expect(u!.UBody[0]!).toBeLessThanOrEqual(mpiiToolkitColumns(fullReport).UBody!);
    expect(u!.UBody[1]!).toBeGreaterThanOrEqual(mpiiToolkitColumns(fullReport).UBody!);
  });
});
