import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentGtRevision, listInstances, registerDataset } from '../../../src-main/store/datasets-repo.ts';
import {
  applyCorrection,
  correctionHistory,
  correctionLog,
  effectiveAnnotations,
  instanceState,
  redoCorrection,
  undoCorrection,
} from '../../../src-main/store/corrections-repo.ts';
import { closeWorkspace, openWorkspace } from '../../../src-main/store/workspace.ts';
import { tempWorkspace, writeSyntheticDataset } from './store-fixtures.ts';

function setup(count = 4) {
  const ws = tempWorkspace();
  const synthetic = writeSyntheticDataset(path.join(ws.dir, 'mpii'), count, 7);
  const { dataset } = registerDataset(ws, synthetic.input);
  const instances = listInstances(ws, dataset.id);
  return { ws, datasetId: dataset.id, instances, ...synthetic };
}

describe('corrections: apply, undo, redo', () => {
  it('applies an edit on top of the originals without touching them', () => {
    const { ws, datasetId, instances, input, json } = setup();
    const target = instances[2]!;
    applyCorrection(ws, { kind: 'joint', instanceId: target.id, joint: 9, xy: [200.25, 50.5], note: 'head top was on the hat' });

    const effective = effectiveAnnotations(ws, datasetId);
    const person = effective.annotations[2]!;
    expect(person.joints[9]).toEqual([200.25, 50.5]);
    // Corrected json entry: 1-based, other joints and keys exactly as read.
    expect((person.raw.joints as number[][])[9]).toEqual([201.25, 51.5]);
    expect((person.raw.joints as number[][])[8]).toEqual((json[2]!.joints as number[][])[8]);
    expect(person.raw.image).toBe(json[2]!.image);
    expect(person.raw.scale).toBe(json[2]!.scale);
    // Corrected .mat-layout gt: 1-based.
    expect(effective.gt!.positions1Based[(2 * 16 + 9) * 2]).toBe(201.25);
    expect(effective.gt!.positions1Based[(2 * 16 + 9) * 2 + 1]).toBe(51.5);
    // Everything else equals the original, bit for bit; the originals themselves are unchanged.
    const expectedPositions = Float64Array.from(input.gt!.positions1Based);
    expectedPositions[(2 * 16 + 9) * 2] = 201.25;
    expectedPositions[(2 * 16 + 9) * 2 + 1] = 51.5;
    expect(Buffer.from(effective.gt!.positions1Based.buffer).equals(Buffer.from(expectedPositions.buffer))).toBe(true);
    effective.annotations.forEach((p, n) => {
      if (n !== 2) expect(p).toEqual(input.persons[n]);
    });
    expect(input.persons[2]!.joints[9]).not.toEqual([200.25, 50.5]);
    expect(effective.correctedInstanceIds).toEqual([target.id]);
    expect(correctionLog(ws, datasetId)[0]).toMatchObject({ kind: 'joint', joint: 9, note: 'head top was on the hat', status: 'active', entryIndex: 2 });
  });

  it('undo marks the newest edit, redo re-applies it, and a new edit after undo discards the redo tail', () => {
    const { ws, datasetId, instances, input } = setup();
    const id = instances[0]!.id;
    const original = input.persons[0]!.joints[1]!;
    const rev0 = currentGtRevision(ws, datasetId);
    const a = applyCorrection(ws, { kind: 'joint', instanceId: id, joint: 1, xy: [1, 1] });
    const b = applyCorrection(ws, { kind: 'joint', instanceId: id, joint: 1, xy: [2, 2] });
    const c = applyCorrection(ws, { kind: 'joint', instanceId: id, joint: 1, xy: [3, 3] });
    const joint1 = () => instanceState(ws, id).joints[1]!.xy;
    expect(joint1()).toEqual([3, 3]);
    expect(correctionHistory(ws, datasetId)).toEqual({ undoCount: 3, redoCount: 0, canUndo: true, canRedo: false });

    expect(undoCorrection(ws, datasetId)?.id).toBe(c.id);
    expect(joint1()).toEqual([2, 2]);
    expect(undoCorrection(ws, datasetId)?.id).toBe(b.id);
    expect(joint1()).toEqual([1, 1]);
    expect(redoCorrection(ws, datasetId)?.id).toBe(b.id);
    expect(joint1()).toEqual([2, 2]);
    expect(correctionHistory(ws, datasetId)).toEqual({ undoCount: 2, redoCount: 1, canUndo: true, canRedo: true });

    // New edit while c is undone: c is discarded, cannot be redone, but stays in the log.
    const d = applyCorrection(ws, { kind: 'joint', instanceId: id, joint: 1, xy: [4, 4] });
    expect(joint1()).toEqual([4, 4]);
    expect(redoCorrection(ws, datasetId)).toBeNull();
    expect(correctionLog(ws, datasetId).map((e) => [e.id, e.status])).toEqual([
      [a.id, 'active'],
      [b.id, 'active'],
      [c.id, 'discarded'],
      [d.id, 'active'],
    ]);
    // Undo everything: back to the original, then nothing left to undo.
    for (let i = 0; i < 3; i += 1) expect(undoCorrection(ws, datasetId)).not.toBeNull();
    expect(undoCorrection(ws, datasetId)).toBeNull();
    expect(joint1()).toEqual(original);
    expect(effectiveAnnotations(ws, datasetId).annotations).toEqual(input.persons);
    expect(effectiveAnnotations(ws, datasetId).correctedInstanceIds).toEqual([]);
    // Every change of the effective ground truth got a new revision: 4 edits + 2 undo + 1 redo + 3 undo.
    expect(currentGtRevision(ws, datasetId)).toBe(rev0 + 10);
  });

  it('keeps one undo history per dataset', () => {
    const ws = tempWorkspace();
    const one = registerDataset(ws, writeSyntheticDataset(path.join(ws.dir, 'one'), 2, 1).input).dataset.id;
    const two = registerDataset(ws, writeSyntheticDataset(path.join(ws.dir, 'two'), 2, 2).input).dataset.id;
    applyCorrection(ws, { kind: 'joint', instanceId: listInstances(ws, one)[0]!.id, joint: 0, xy: [5, 5] });
    const onTwo = applyCorrection(ws, { kind: 'joint', instanceId: listInstances(ws, two)[0]!.id, joint: 0, xy: [6, 6] });
    expect(undoCorrection(ws, one)?.datasetId).toBe(one);
    expect(correctionHistory(ws, two)).toMatchObject({ undoCount: 1, redoCount: 0 });
    expect(correctionLog(ws, two).map((e) => e.id)).toEqual([onTwo.id]);
  });
});

describe('corrections: kinds', () => {
  it('visibility off removes a joint from evaluation but keeps its position for when it is turned back on', () => {
    const { ws, datasetId, instances, input } = setup();
    const id = instances[1]!.id;
    const xy = input.persons[1]!.joints[4]!;
    applyCorrection(ws, { kind: 'visibility', instanceId: id, joint: 4, visible: false });
    let effective = effectiveAnnotations(ws, datasetId);
    expect(effective.annotations[1]!.joints[4]).toBeNull();
    expect(effective.annotations[1]!.jointsVisible[4]).toBe(0);
    expect((effective.annotations[1]!.raw.joints as number[][])[4]).toEqual([-1, -1]);
    expect((effective.annotations[1]!.raw.joints_vis as number[])[4]).toBe(0);
    expect(effective.gt!.missing[1 * 16 + 4]).toBe(1);
    expect(effective.gt!.positions1Based[(1 * 16 + 4) * 2]).toBe(input.gt!.positions1Based[(1 * 16 + 4) * 2]);

    applyCorrection(ws, { kind: 'visibility', instanceId: id, joint: 4, visible: true });
    effective = effectiveAnnotations(ws, datasetId);
    expect(effective.annotations[1]!.joints[4]).toEqual(xy);
    expect(effective.gt!.missing[1 * 16 + 4]).toBe(0);
    expect((effective.annotations[1]!.raw.joints as number[][])[4]).toEqual([xy[0] + 1, xy[1] + 1]);
  });

  it('placing a joint that was missing makes it annotated; marking a joint without position annotated is refused', () => {
    const { ws, datasetId, instances, input } = setup();
    // Entry 0 has joint 3 missing ([-1,-1], vis 0) in the synthetic data, like real MPII files.
    expect(input.persons[0]!.joints[3]).toBeNull();
    const id = instances[0]!.id;
    expect(() => applyCorrection(ws, { kind: 'visibility', instanceId: id, joint: 3, visible: true })).toThrow(/no position/);
    expect(correctionLog(ws, datasetId)).toEqual([]);
    applyCorrection(ws, { kind: 'joint', instanceId: id, joint: 3, xy: [40, 60] });
    const effective = effectiveAnnotations(ws, datasetId);
    expect(effective.annotations[0]!.joints[3]).toEqual([40, 60]);
    expect(effective.annotations[0]!.jointsVisible[3]).toBe(1);
    expect(effective.gt!.missing[3]).toBe(0);
    expect([effective.gt!.positions1Based[6], effective.gt!.positions1Based[7]]).toEqual([41, 61]);
  });

  it('swap exchanges two joints (position and visibility), and undo swaps back', () => {
    const { ws, datasetId, instances, input } = setup();
    const id = instances[3]!.id;
    const before = input.persons[3]!;
    applyCorrection(ws, { kind: 'swap', instanceId: id, joints: [10, 15] });
    const after = effectiveAnnotations(ws, datasetId).annotations[3]!;
    expect(after.joints[10]).toEqual(before.joints[15]);
    expect(after.joints[15]).toEqual(before.joints[10]);
    undoCorrection(ws, datasetId);
    expect(effectiveAnnotations(ws, datasetId).annotations[3]).toEqual(before);
  });

  it('head box corrections change the gt head box (1-based) and nothing in the json', () => {
    const { ws, datasetId, instances, input } = setup();
    applyCorrection(ws, { kind: 'headbox', instanceId: instances[2]!.id, box: [10, 20, 50, 70] });
    const effective = effectiveAnnotations(ws, datasetId);
    expect(Array.from(effective.gt!.headBoxes1Based.subarray(8, 12))).toEqual([11, 21, 51, 71]);
    expect(Array.from(effective.gt!.headBoxes1Based.subarray(0, 8))).toEqual(Array.from(input.gt!.headBoxes1Based.subarray(0, 8)));
    expect(effective.annotations).toEqual(input.persons);
    const logged = correctionLog(ws, datasetId)[0]!;
    const box = input.gt!.headBoxes1Based;
    expect(logged.previousValue).toEqual({ box: [box[8]! - 1, box[9]! - 1, box[10]! - 1, box[11]! - 1] });
  });

  it('refuses out-of-range joints and non-finite values without recording anything', () => {
    const { ws, datasetId, instances } = setup();
    const id = instances[0]!.id;
    expect(() => applyCorrection(ws, { kind: 'joint', instanceId: id, joint: 16, xy: [1, 1] })).toThrow(RangeError);
    expect(() => applyCorrection(ws, { kind: 'joint', instanceId: id, joint: 2, xy: [Number.NaN, 1] })).toThrow(RangeError);
    expect(() => applyCorrection(ws, { kind: 'swap', instanceId: id, joints: [4, 4] })).toThrow(RangeError);
    expect(() => applyCorrection(ws, { kind: 'joint', instanceId: 999_999, joint: 2, xy: [1, 1] })).toThrow(/no instance/);
    expect(correctionLog(ws, datasetId)).toEqual([]);
  });
});

describe('effective ground truth: the registered persons, the rows and the kept result agree', () => {
  /** Another connection to the same file: nothing registered or kept there, every row decoded. */
  function fromRows(ws: { file: string }, datasetId: number) {
    const other = openWorkspace(ws.file);
    try {
      return effectiveAnnotations(other, datasetId);
    } finally {
      closeWorkspace(other);
    }
  }

  function expectSame(a: ReturnType<typeof effectiveAnnotations>, b: ReturnType<typeof effectiveAnnotations>): void {
    expect(a.instances).toEqual(b.instances);
    expect(a.annotations).toEqual(b.annotations);
    expect(a.annotations.map((p) => p.raw)).toEqual(b.annotations.map((p) => p.raw));
    expect(a.correctedInstanceIds).toEqual(b.correctedInstanceIds);
    expect(a.gtRevision).toBe(b.gtRevision);
    expect(Buffer.from(a.gt!.positions1Based.buffer).equals(Buffer.from(b.gt!.positions1Based.buffer))).toBe(true);
    expect(Buffer.from(a.gt!.missing).equals(Buffer.from(b.gt!.missing))).toBe(true);
    expect(Buffer.from(a.gt!.headBoxes1Based.buffer).equals(Buffer.from(b.gt!.headBoxes1Based.buffer))).toBe(true);
  }

  it('gives the same values with and without corrections, and follows every edit, undo and redo', () => {
    const { ws, datasetId, instances, input } = setup(30);
    const positionsBefore = Float64Array.from(input.gt!.positions1Based);
    expectSame(effectiveAnnotations(ws, datasetId), fromRows(ws, datasetId));
    expect(effectiveAnnotations(ws, datasetId)).toBe(effectiveAnnotations(ws, datasetId)); // kept while nothing changed

    applyCorrection(ws, { kind: 'joint', instanceId: instances[4]!.id, joint: 9, xy: [20.5, 30.25] });
    applyCorrection(ws, { kind: 'visibility', instanceId: instances[7]!.id, joint: 2, visible: false });
    applyCorrection(ws, { kind: 'headbox', instanceId: instances[7]!.id, box: [1, 2, 30, 40] });
    applyCorrection(ws, { kind: 'swap', instanceId: instances[11]!.id, joints: [10, 15] });
    const corrected = effectiveAnnotations(ws, datasetId);
    expect(corrected.annotations[4]!.joints[9]).toEqual([20.5, 30.25]);
    expect(corrected.gt!.positions1Based[(4 * 16 + 9) * 2]).toBe(21.5);
    expectSame(corrected, fromRows(ws, datasetId));
    // The registered persons and gt arrays (shared with the caller's opened dataset) are not written.
    expect(Buffer.from(input.gt!.positions1Based.buffer).equals(Buffer.from(positionsBefore.buffer))).toBe(true);
    expect(input.persons[4]!.joints[9]).not.toEqual([20.5, 30.25]);

    undoCorrection(ws, datasetId);
    const undone = effectiveAnnotations(ws, datasetId);
    expect(undone).not.toBe(corrected);
    expect(undone.correctedInstanceIds).toEqual([instances[4]!.id, instances[7]!.id]);
    expectSame(undone, fromRows(ws, datasetId));
    redoCorrection(ws, datasetId);
    expectSame(effectiveAnnotations(ws, datasetId), fromRows(ws, datasetId));
    expect(effectiveAnnotations(ws, datasetId).correctedInstanceIds).toHaveLength(3);
  });

  it('sees an edit made through another connection', () => {
    const { ws, datasetId, instances } = setup(6);
    const before = effectiveAnnotations(ws, datasetId);
    const other = openWorkspace(ws.file);
    try {
      applyCorrection(other, { kind: 'joint', instanceId: instances[1]!.id, joint: 0, xy: [5, 6] });
    } finally {
      closeWorkspace(other);
    }
    const after = effectiveAnnotations(ws, datasetId);
    expect(after).not.toBe(before);
    expect(after.annotations[1]!.joints[0]).toEqual([5, 6]);
  });
});
