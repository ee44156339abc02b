import { describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../src-main/core/errors.ts';
import { MPII_MAT_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import type { MatGroundTruth, PersonAnnotation } from '../../../src-main/core/types.ts';
import { computePckh } from '../../../src-main/evaluation/pckh.ts';
import { buildPckhInputs, predictionsFromBase } from '../../../src-main/evaluation/pckh-inputs.ts';
import { parseMpiiJsonEntry } from '../../../src-main/formats/mpii-json.ts';

const K = 16;

function jsonEntry(shift: number): Record<string, unknown> {
  const joints = Array.from({ length: K }, (_, j) => [100.1 + j + shift, 0.1 + 2 * j]);
  const jointsVis = Array.from({ length: K }, () => 1);
  joints[4] = [-1, -1]; // missing
  jointsVis[4] = 0;
  jointsVis[7] = 0; // not visible, coordinates given
  return { image: '000000001.jpg', center: [300, 200], scale: 2.5, joints, joints_vis: jointsVis };
}

function gtFor(count: number): MatGroundTruth {
  const positions1Based = new Float64Array(count * K * 2);
  for (let i = 0; i < positions1Based.length; i++) positions1Based[i] = 50 + i * 1.25;
  const missing = new Uint8Array(count * K);
  missing[3] = 1;
  missing[K + 9] = 1;
  const headBoxes1Based = new Float64Array(count * 4);
  for (let n = 0; n < count; n++) headBoxes1Based.set([10 + n, 20, 40 + n, 60], n * 4);
  return { count, jointNames: [...MPII_MAT_JOINT_NAMES], positions1Based, missing, headBoxes1Based };
}

describe('predictionsFromBase (EXPECTED.md rule)', () => {
  it('0-based values are rounded to float32 and nothing else', () => {
    const out = predictionsFromBase([0.1, 620.3, -1], 0);
    expect(Array.from(out)).toEqual([Math.fround(0.1), Math.fround(620.3), -1]);
  });

  it("1-based values lose 1 in float32, so the protocol's float32 +1 gives the file value back", () => {
    const values = Array.from({ length: 5000 }, (_, i) => 2 + i * 0.397);
    const out = predictionsFromBase(values, 1);
    for (let i = 0; i < values.length; i++) {
      expect(Math.fround(out[i]! + 1)).toBe(Math.fround(values[i]!));
      // the subtraction happens after rounding to float32, not in float64
      expect(out[i]).toBe(Math.fround(Math.fround(values[i]!) - 1));
    }
  });
});

describe('buildPckhInputs', () => {
  const persons: PersonAnnotation[] = [0, 1].map((n) => parseMpiiJsonEntry(jsonEntry(n), 'val.json', n));
  const predictions0Based = new Float32Array(2 * K * 2).fill(77);

  it('mmpose0x takes GT and visibility (1 - jnt_missing) from the .mat (spec §2.2)', () => {
    const gt = gtFor(2);
    const inputs = buildPckhInputs({ protocol: 'mmpose0x', persons, gt, predictions0Based });
    expect(inputs.instanceCount).toBe(2);
    expect(inputs.gtPositions1Based).toEqual(gt.positions1Based);
    expect(inputs.visible[3]).toBe(0);
    expect(inputs.visible[K + 9]).toBe(0);
    expect(inputs.visible[4]).toBe(1); // json says missing; 0.x ignores the json
    expect(Array.from(inputs.visible).filter((v) => v === 0).length).toBe(2);
    expect(inputs.headBoxes1Based).toEqual(gt.headBoxes1Based);
    expect(inputs.predictions0Based).toBe(predictions0Based);
    expect(inputs.jointPredicted).toBeUndefined();
  });

  it('mmpose1x takes GT and mask from the json, the exact json values, [-1,-1] for missing (spec §3)', () => {
    const gt = gtFor(2);
    const inputs = buildPckhInputs({ protocol: 'mmpose1x', persons, gt, predictions0Based });
    // 0.1 - 1 + 1 is not 0.1 in float64: the raw json value must be used, not the 0-based point + 1
    expect(0.1 - 1 + 1).not.toBe(0.1);
    expect(inputs.gtPositions1Based[1]).toBe(0.1);
    expect(inputs.gtPositions1Based[0]).toBe(100.1);
    expect(inputs.gtPositions1Based[(K + 2) * 2]).toBe(100.1 + 2 + 1);
    expect([inputs.gtPositions1Based[8], inputs.gtPositions1Based[9]]).toEqual([-1, -1]);
    expect(inputs.visible[4]).toBe(0);
    expect(inputs.visible[7]).toBe(0);
    expect(inputs.visible[3]).toBe(1); // the .mat's jnt_missing is not used by 1.x
    expect(inputs.headBoxes1Based).toEqual(gt.headBoxes1Based);
  });

  it('an edited 0-based point (raw json no longer matches) is converted with +1', () => {
    const gt = gtFor(1);
    const person = persons[0]!;
    const joints = person.joints.slice();
    joints[0] = [500.25, 300.5];
    const edited: PersonAnnotation = { ...person, joints };
    const inputs = buildPckhInputs({ protocol: 'mmpose1x', persons: [edited], gt, predictions0Based: new Float32Array(K * 2) });
    expect([inputs.gtPositions1Based[0], inputs.gtPositions1Based[1]]).toEqual([501.25, 301.5]);
    expect(inputs.gtPositions1Based[2]).toBe(101.1); // untouched joint keeps its raw value
  });

  it('passes jointPredicted through and computePckh accepts the result', () => {
    const jointPredicted = Array.from({ length: K }, (_, j) => ![6, 7, 8, 9].includes(j));
    const inputs = buildPckhInputs({ protocol: 'mmpose1x', persons, gt: gtFor(2), predictions0Based, jointPredicted });
    expect(inputs.jointPredicted).toBe(jointPredicted);
    const report = computePckh(inputs);
    expect(report.metrics.Head).toBeNull();
    expect(report.perJoint[9]!.predicted).toBe(false);
    expect(report.perJoint[0]!.count).toBe(2);
  });

  it('throws PosebenchInputError naming the sources when the person counts differ', () => {
    const gt = gtFor(3);
    const attempt = (): unknown =>
      buildPckhInputs({
        protocol: 'mmpose0x',
        persons,
        gt,
        predictions0Based: new Float32Array(3 * K * 2),
        sources: { annotations: 'mpii_val.json', groundTruth: 'mpii_gt_val.mat' },
      });
    expect(attempt).toThrow(PosebenchInputError);
    expect(attempt).toThrow(/mpii_val\.json.*2 persons.*mpii_gt_val\.mat has 3/);
    expect(() => buildPckhInputs({ protocol: 'mmpose0x', persons, gt: gtFor(2), predictions0Based: new Float32Array(3 * K * 2) })).toThrow(
      /^predictions: holds predictions for 3 persons but ground-truth \.mat has 2 persons$/,
    );
    expect(() => buildPckhInputs({ protocol: 'mmpose0x', persons, gt: gtFor(2), predictions0Based: new Float32Array(7) })).toThrow(
      /7 values, not a whole number of persons/,
    );
  });
});
