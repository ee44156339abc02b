import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../src-main/core/errors.ts';
import { parseMpiiJson } from '../../../src-main/formats/mpii-json.ts';
import { readMpiiGtMat } from '../../../src-main/formats/mpii-gt-mat.ts';
import {
  datasetFingerprint,
  findDataset,
  listDatasets,
  listInstances,
  loadOriginalAnnotations,
  loadOriginalGroundTruth,
  registerDataset,
} from '../../../src-main/store/datasets-repo.ts';
import { applyCorrection, correctionLog, effectiveAnnotations } from '../../../src-main/store/corrections-repo.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../support/shared-fixtures.ts';
import { tempWorkspace, writeSyntheticDataset } from './store-fixtures.ts';

describe('registerDataset', () => {
  it('imports persons and gt so that they read back identical (bit for bit)', () => {
    const ws = tempWorkspace();
    const { input } = writeSyntheticDataset(path.join(ws.dir, 'mpii'), 12);
    const result = registerDataset(ws, input);
    expect(result.status).toBe('created');
    expect(result.dataset.gtRevision).toBe(0);
    expect(loadOriginalAnnotations(ws, result.dataset.id)).toEqual(input.persons);
    const gt = loadOriginalGroundTruth(ws, result.dataset.id)!;
    expect(gt.count).toBe(12);
    expect(gt.jointNames).toEqual(input.gt!.jointNames);
    expect(Buffer.from(gt.positions1Based.buffer).equals(Buffer.from(input.gt!.positions1Based.buffer))).toBe(true);
    expect(Buffer.from(gt.headBoxes1Based.buffer).equals(Buffer.from(input.gt!.headBoxes1Based.buffer))).toBe(true);
    expect(Array.from(gt.missing)).toEqual(Array.from(input.gt!.missing));
  });

  it('is idempotent by folder and split: re-opening reuses the same rows', () => {
    const ws = tempWorkspace();
    const root = path.join(ws.dir, 'mpii');
    const { input } = writeSyntheticDataset(root, 5);
    const first = registerDataset(ws, input);
    const ids = listInstances(ws, first.dataset.id).map((i) => i.id);
    // Same folder named differently (trailing "/.", relative segments) is the same dataset.
    const again = registerDataset(ws, { ...input, root: path.join(root, 'sub', '..', '.') });
    expect(again.status).toBe('unchanged');
    expect(again.dataset.id).toBe(first.dataset.id);
    expect(listInstances(ws, first.dataset.id).map((i) => i.id)).toEqual(ids);
    expect(listDatasets(ws)).toHaveLength(1);
    expect(findDataset(ws, root, 'val')?.id).toBe(first.dataset.id);
    expect(findDataset(ws, root, 'train')).toBeUndefined();
    // A touched but identical file is no change (the fingerprint is the content).
    writeFileSync(input.annotationFile, readFileSync(input.annotationFile));
    expect(registerDataset(ws, input).status).toBe('unchanged');
  });

  it("fingerprints by content, keeping each file's sha256 by its identity (path, size, mtime, ctime, inode)", () => {
    const ws = tempWorkspace();
    const { input } = writeSyntheticDataset(path.join(ws.dir, 'mpii'), 5);
    const plain = datasetFingerprint(input.annotationFile, input.gtMatFile);
    expect(datasetFingerprint(input.annotationFile, input.gtMatFile, ws)).toBe(plain);
    const digests = () => (ws.db.prepare('SELECT path FROM file_digests ORDER BY path').pluck().all() as string[]).map((p) => path.basename(p));
    expect(digests()).toEqual([path.basename(input.annotationFile), path.basename(input.gtMatFile!)].sort());
    // Kept: the same value without reading (a kept digest stands for the file while its identity is unchanged).
    expect(datasetFingerprint(input.annotationFile, input.gtMatFile, ws)).toBe(plain);
    // A rewrite of the same size (other content) changes the identity (mtime/ctime), so it is hashed again.
    const text = readFileSync(input.annotationFile, 'utf8');
    const same = text.replace(/"scale":\s*([0-9])/, (m, d: string) => m.replace(d, d === '9' ? '8' : String(Number(d) + 1)));
    expect(same.length).toBe(text.length);
    expect(same).not.toBe(text);
    writeFileSync(input.annotationFile, same);
    expect(datasetFingerprint(input.annotationFile, input.gtMatFile, ws)).toBe(datasetFingerprint(input.annotationFile, input.gtMatFile));
    expect(datasetFingerprint(input.annotationFile, input.gtMatFile, ws)).not.toBe(plain);
    // A touch (same bytes) is a rehash with the same fingerprint.
    writeFileSync(input.annotationFile, text);
    expect(datasetFingerprint(input.annotationFile, input.gtMatFile, ws)).toBe(plain);
  });

  it('re-imports changed annotation files, keeps instance ids and corrections, and says what changed', () => {
    const ws = tempWorkspace();
    const root = path.join(ws.dir, 'mpii');
    const { input, json } = writeSyntheticDataset(root, 6);
    const { dataset } = registerDataset(ws, input);
    const before = listInstances(ws, dataset.id);
    applyCorrection(ws, { kind: 'joint', instanceId: before[1]!.id, joint: 0, xy: [10, 20] });
    applyCorrection(ws, { kind: 'joint', instanceId: before[5]!.id, joint: 0, xy: [11, 21] });

    // Same seed, so the same data except: entry 1 gets new coordinates, entry 5 a different image
    // (another person), entry 6 is added. The gt is rebuilt from the changed json.
    const { input: changedInput, json: changed } = writeSyntheticDataset(root, 6, 1, (entries) => {
      (entries[1]!.joints as number[][])[2] = [123.5, 234.5];
      entries[5]!.image = 'other.jpg';
      entries.push({ ...structuredClone(entries[0]!), image: 'new.jpg' });
    });
    expect(changed.slice(2, 5)).toEqual(json.slice(2, 5));
    const result = registerDataset(ws, changedInput);

    expect(result.status).toBe('reimported');
    expect(result.reimport).toEqual({ kept: 5, changed: 1, added: 2, retired: 1, correctionsOnChanged: 1, correctionsOnRetired: 1 });
    expect(result.message).toMatch(/re-imported/);
    expect(result.dataset.gtRevision).toBe(dataset.gtRevision + 2 + 1);
    const after = listInstances(ws, dataset.id);
    expect(after.map((i) => i.image)).toEqual(changed.map((e) => e.image));
    expect(after.slice(0, 5).map((i) => i.id)).toEqual(before.slice(0, 5).map((i) => i.id));
    expect(after[5]!.id).not.toBe(before[5]!.id);
    // The correction on the kept entry still applies on top of the new originals; the retired one stays in the log.
    const effective = effectiveAnnotations(ws, dataset.id);
    expect(effective.annotations[1]!.joints[0]).toEqual([10, 20]);
    expect(effective.annotations[1]!.joints[2]).toEqual([122.5, 233.5]);
    expect(effective.correctedInstanceIds).toEqual([before[1]!.id]);
    expect(effective.gt!.count).toBe(7);
    expect(effective.gt!.positions1Based[(1 * 16 + 2) * 2]).toBe(123.5);
    expect(effective.gt!.positions1Based[(1 * 16 + 0) * 2]).toBe(11); // corrected 0-based 10, +1
    expect(correctionLog(ws, dataset.id)).toHaveLength(2);
  });

  it('rejects a gt whose person count differs from the json, naming the .mat', () => {
    const ws = tempWorkspace();
    const { input } = writeSyntheticDataset(path.join(ws.dir, 'mpii'), 4);
    let caught: unknown;
    try {
      registerDataset(ws, { ...input, persons: input.persons.slice(0, 3) });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PosebenchInputError);
    expect((caught as PosebenchInputError).location.file).toBe(input.gtMatFile);
    expect(listDatasets(ws)).toEqual([]);
  });

  it('rejects a person without 16 joints, naming the json entry', () => {
    const ws = tempWorkspace();
    const { input } = writeSyntheticDataset(path.join(ws.dir, 'mpii'), 3);
    const persons = input.persons.map((p, n) => (n === 2 ? { ...p, joints: p.joints.slice(0, 15) } : p));
    expect(() => registerDataset(ws, { ...input, persons, gt: null })).toThrow(/mpii_val\.json entry 2 \(joints\)/);
  });
});

describe.skipIf(!HAS_SHARED)('registerDataset with the real MPII val annotations', () => {
  skipWithoutShared('store import of the real 2958-person MPII val json and gt .mat');

  it('stores all 2958 persons and their gt so that evaluation inputs read back bit-exact', () => {
    const ws = tempWorkspace();
    const annotationFile = sharedPath('fixtures', 'mpii-val', 'annotations', 'mpii_val.json');
    const gtMatFile = sharedPath('fixtures', 'mpii-val', 'annotations', 'mpii_gt_val.mat');
    const persons = parseMpiiJson(readFileSync(annotationFile, 'utf8'), annotationFile);
    const gt = readMpiiGtMat(gtMatFile);
    const { dataset } = registerDataset(ws, {
      root: sharedPath('fixtures', 'mpii-val'),
      layout: 'mmpose',
      split: 'val',
      annotationFile,
      gtMatFile,
      persons,
      gt,
    });
    expect(loadOriginalAnnotations(ws, dataset.id)).toEqual(persons);
    const back = loadOriginalGroundTruth(ws, dataset.id)!;
    expect(back.count).toBe(2958);
    expect(Buffer.from(back.positions1Based.buffer).equals(Buffer.from(gt.positions1Based.buffer))).toBe(true);
    expect(Buffer.from(back.headBoxes1Based.buffer).equals(Buffer.from(gt.headBoxes1Based.buffer))).toBe(true);
    expect(Buffer.from(back.missing).equals(Buffer.from(gt.missing))).toBe(true);
    // With no corrections, the effective ground truth is the original.
    const effective = effectiveAnnotations(ws, dataset.id);
    expect(effective.annotations).toEqual(persons);
    expect(Buffer.from(effective.gt!.positions1Based.buffer).equals(Buffer.from(gt.positions1Based.buffer))).toBe(true);
  });
});
