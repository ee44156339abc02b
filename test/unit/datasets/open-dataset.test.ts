import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPII_MAT_JOINT_NAMES } from '../../../src-main/core/joints.ts';
import type { MatGroundTruth } from '../../../src-main/core/types.ts';
import { headSize } from '../../../src-main/datasets/head-size.ts';
import { encodeMpiiGtMat } from '../../../src-main/formats/mpii-gt-mat.ts';
import { MAX_MISSING_IMAGE_WARNINGS } from '../../../src-main/datasets/image-index.ts';
import { measureOpenDataset } from '../../bench/open-dataset-benchmark.ts';
import { openDataset, parsePersons } from '../../../src-main/datasets/open-dataset.ts';
import { parseMpiiJson } from '../../../src-main/formats/mpii-json.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../support/shared-fixtures.ts';
import { annotationPath, gtMatPath, makeJsonEntry, makeTempDir, removeDir, writeAnnotation, writeImageFiles, catchInputError } from './dataset-test-files.ts';


interface JsonEntry {
  image: string;
  center: number[];
  scale: number;
  joints: number[][];
  joints_vis: number[];
}

let tempRoot = '';
let folderCount = 0;
beforeAll(() => {
  tempRoot = makeTempDir('datasets');
});
afterAll(() => removeDir(tempRoot));
function newFolder(label: string): string {
  const dir = path.join(tempRoot, `${label}-${folderCount++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe.skipIf(!HAS_SHARED)('openDataset on the real MPII fixtures', () => {
  skipWithoutShared('real MPII dataset folders (fixtures/mpii, fixtures/mpii-val)');
  const mpiiRoot = sharedPath('fixtures', 'mpii');
  const valRoot = sharedPath('fixtures', 'mpii-val');

  it('opens fixtures/mpii (mmpose layout, 5 persons with images)', () => {
    const opened = openDataset(mpiiRoot);
    expect(opened.layout).toBe('mmpose');
    expect(opened.split).toBe('val');
    expect(opened.root).toBe(path.resolve(mpiiRoot));
    expect(opened.annotationFile).toBe(path.join(mpiiRoot, 'annotations', 'mpii_val.json'));
    expect(opened.gtMatFile).toBe(path.join(mpiiRoot, 'annotations', 'mpii_gt_val.mat'));
    expect(opened.imagesDir).toBe(path.join(mpiiRoot, 'images'));
    expect(opened.warnings).toEqual([]);
    expect(opened.persons.length).toBe(5);
    expect(opened.gt?.count).toBe(5);

    const raw = JSON.parse(readFileSync(opened.annotationFile, 'utf8')) as JsonEntry[];
    opened.persons.forEach((person, n) => {
      const entry = raw[n]!;
      expect(person.entryIndex).toBe(n);
      expect(person.image).toBe(entry.image);
      expect(person.raw).toEqual(entry);
      expect(person.center).toEqual([entry.center[0]! - 1, entry.center[1]! - 1]);
      entry.joints.forEach((p, j) => {
        if (p[0] === -1 && p[1] === -1) expect(person.joints[j]).toBeNull();
        else expect(person.joints[j]).toEqual([p[0]! - 1, p[1]! - 1]);
      });
    });
    expect(opened.persons[0]?.joints[0]).toEqual([803, 710]);

    const files = readdirSync(opened.imagesDir);
    expect(opened.images.size).toBe(files.length);
    for (const name of files) {
      expect(opened.images.get(name)).toEqual({ name, exists: true, bytes: statSync(path.join(opened.imagesDir, name)).size });
    }
  });

  it('the json joints (0-based) agree with the gt .mat (1-based) wherever the .mat has the joint', () => {
    for (const root of [mpiiRoot, valRoot]) {
      const { persons, gt } = openDataset(root);
      if (gt === null) throw new Error('no gt');
      let compared = 0;
      let disagreements = 0;
      persons.forEach((person, n) => {
        for (let j = 0; j < 16; j++) {
          if (gt.missing[n * 16 + j] === 1) continue;
          const joint = person.joints[j];
          const gx = gt.positions1Based[(n * 16 + j) * 2];
          const gy = gt.positions1Based[(n * 16 + j) * 2 + 1];
          compared++;
          if (joint === null || joint === undefined || Math.abs(joint[0] + 1 - (gx ?? NaN)) > 1e-3 || Math.abs(joint[1] + 1 - (gy ?? NaN)) > 1e-3) disagreements++;
        }
      });
      expect(compared).toBeGreaterThan(persons.length * 10);
      expect(disagreements, root).toBe(0);
    }
  });

  it('opens fixtures/mpii-val (2958 persons, no images folder) with one summarised warning', () => {
    // Speed is the benchmark's business (npm run bench); here only what the benchmark helper returns.
    const timing = measureOpenDataset(valRoot, { runs: 1 });
    expect(timing.persons).toBe(2958);

    const opened = openDataset(valRoot);
    expect(opened.gt?.count).toBe(2958);
    expect(opened.warnings.length).toBe(1);
    expect(opened.warnings[0]?.location.file).toBe(path.join(valRoot, 'images'));
    expect(opened.warnings[0]?.message).toMatch(/images folder not found.*2958 entries/);
    expect([...opened.images.values()].every((info) => !info.exists && info.bytes === 0)).toBe(true);
    const missingJoints = opened.persons.reduce((sum, p) => sum + p.joints.filter((q) => q === null).length, 0);
    const rawMissing = (JSON.parse(readFileSync(opened.annotationFile, 'utf8')) as JsonEntry[])
      .reduce((sum, e) => sum + e.joints.filter((q, j) => (q[0] === -1 && q[1] === -1) || e.joints_vis[j] === 0).length, 0);
    expect(missingJoints).toBe(rawMissing);
    expect(missingJoints).toBeGreaterThan(0);
  });

  it('opens the same data in the HRNet layout (annot/valid.json, annot/gt_valid.mat)', () => {
    const root = newFolder('hrnet-real');
    mkdirSync(path.join(root, 'annot'));
    copyFileSync(path.join(mpiiRoot, 'annotations', 'mpii_val.json'), path.join(root, 'annot', 'valid.json'));
    copyFileSync(path.join(mpiiRoot, 'annotations', 'mpii_gt_val.mat'), path.join(root, 'annot', 'gt_valid.mat'));
    const images = readdirSync(path.join(mpiiRoot, 'images'));
    mkdirSync(path.join(root, 'images'));
    for (const name of images) copyFileSync(path.join(mpiiRoot, 'images', name), path.join(root, 'images', name));

    const hrnet = openDataset(root);
    const mmpose = openDataset(mpiiRoot);
    expect(hrnet.layout).toBe('hrnet');
    expect(hrnet.annotationFile).toBe(path.join(root, 'annot', 'valid.json'));
    expect(hrnet.gtMatFile).toBe(path.join(root, 'annot', 'gt_valid.mat'));
    expect(hrnet.warnings).toEqual([]);
    expect(hrnet.persons).toEqual(mmpose.persons);
    expect(hrnet.gt).toEqual(mmpose.gt);
    expect([...hrnet.images.values()].every((info) => info.exists)).toBe(true);
  });

  it('rejects a json/.mat pair with different person counts, naming both files and counts', () => {
    const root = newFolder('count-mismatch');
    const entries = JSON.parse(readFileSync(path.join(mpiiRoot, 'annotations', 'mpii_val.json'), 'utf8')) as unknown[];
    const json = writeAnnotation(root, 'mmpose', 'val', entries.slice(0, 4));
    copyFileSync(path.join(mpiiRoot, 'annotations', 'mpii_gt_val.mat'), gtMatPath(root, 'mmpose'));
    const error = catchInputError(() => openDataset(root));
    expect(error.message).toContain(gtMatPath(root, 'mmpose'));
    expect(error.message).toContain(json);
    expect(error.message).toMatch(/has 5 persons but .* has 4/);
  });
});

/** A gt .mat content for json entries (1-based), head box of person n = (10n, 20) – (10n + 30, 60). */
function gtForEntries(entries: readonly Record<string, unknown>[]): MatGroundTruth {
  const count = entries.length;
  const positions1Based = new Float64Array(count * 32);
  const missing = new Uint8Array(count * 16);
  const headBoxes1Based = new Float64Array(count * 4);
  entries.forEach((entry, n) => {
    (entry.joints as number[][]).forEach((p, j) => {
      positions1Based[(n * 16 + j) * 2] = p[0] ?? NaN;
      positions1Based[(n * 16 + j) * 2 + 1] = p[1] ?? NaN;
      missing[n * 16 + j] = p[0] === -1 && p[1] === -1 ? 1 : 0;
    });
    headBoxes1Based.set([10 * n, 20, 10 * n + 30, 60], n * 4);
  });
  return { count, jointNames: [...MPII_MAT_JOINT_NAMES], positions1Based, missing, headBoxes1Based };
}

describe('openDataset on hand-built folders', () => {
  it('opens an HRNet val folder (annot/valid.json + annot/gt_valid.mat)', () => {
    const root = newFolder('hrnet-val');
    const entries = [makeJsonEntry(0, 'a.jpg'), makeJsonEntry(1, 'b.jpg'), makeJsonEntry(2, 'c.jpg')];
    (entries[1]!.joints as number[][])[6] = [-1, -1];
    (entries[1]!.joints_vis as number[])[6] = 0;
    writeAnnotation(root, 'hrnet', 'val', entries);
    writeFileSync(gtMatPath(root, 'hrnet'), encodeMpiiGtMat(gtForEntries(entries)));
    writeImageFiles(root, ['a.jpg', 'b.jpg', 'c.jpg']);
    const opened = openDataset(root);
    expect(opened.layout).toBe('hrnet');
    expect(opened.gtMatFile).toBe(gtMatPath(root, 'hrnet'));
    expect(opened.warnings).toEqual([]);
    expect(opened.gt?.count).toBe(3);
    expect(opened.gt?.missing[16 + 6]).toBe(1);
    expect(opened.persons[1]?.joints[6]).toBeNull();
    expect(opened.persons[2]?.joints[15]).toEqual([251, 274]);
    // 0.6 × |(30, 40)| = 30
    if (opened.gt === null) throw new Error('no gt');
    expect(headSize(opened.gt, 2)).toBe(30);
  });

  it('rejects a json/.mat count mismatch, naming both files and both counts', () => {
    const root = newFolder('hrnet-mismatch');
    const entries = [makeJsonEntry(0), makeJsonEntry(1), makeJsonEntry(2)];
    const json = writeAnnotation(root, 'hrnet', 'val', entries);
    writeFileSync(gtMatPath(root, 'hrnet'), encodeMpiiGtMat(gtForEntries(entries.slice(0, 2))));
    const error = catchInputError(() => openDataset(root));
    expect(error.location.file).toBe(gtMatPath(root, 'hrnet'));
    expect(error.message).toContain(json);
    expect(error.message).toMatch(/gt_valid\.mat: has 2 persons but .*valid\.json has 3/);
  });

  it('opens an HRNet train split (no gt .mat) and reports missing images per entry', () => {
    const root = newFolder('hrnet-train');
    const entries = [makeJsonEntry(0, 'a.jpg'), makeJsonEntry(1, 'b.jpg'), makeJsonEntry(2, 'a.jpg'), makeJsonEntry(3, 'sub/c.jpg')];
    writeAnnotation(root, 'hrnet', 'train', entries);
    writeImageFiles(root, ['a.jpg']); // placeholder bytes: opening must not decode them
    const opened = openDataset(root, { split: 'train' });
    expect(opened.layout).toBe('hrnet');
    expect(opened.split).toBe('train');
    expect(opened.gt).toBeNull();
    expect(opened.gtMatFile).toBeNull();
    expect(opened.persons.map((p) => p.image)).toEqual(['a.jpg', 'b.jpg', 'a.jpg', 'sub/c.jpg']);
    expect(opened.persons[1]?.joints[2]).toEqual([120, 209]);
    expect(opened.images.get('a.jpg')).toEqual({ name: 'a.jpg', exists: true, bytes: 15 });
    expect(opened.images.get('b.jpg')).toEqual({ name: 'b.jpg', exists: false, bytes: 0 });
    expect(opened.warnings.map((w) => [w.location.entry, w.location.field])).toEqual([[1, 'image'], [3, 'image']]);
    expect(opened.warnings[0]?.message).toContain(annotationPath(root, 'hrnet', 'train'));
    expect(opened.warnings[0]?.message).toMatch(/entry 1 \(image\): image "b\.jpg" not found/);
  });

  it('summarises missing images past the per-entry limit', () => {
    const root = newFolder('many-missing');
    const count = MAX_MISSING_IMAGE_WARNINGS + 25;
    writeAnnotation(root, 'mmpose', 'train', Array.from({ length: count }, (_, n) => makeJsonEntry(n)));
    writeImageFiles(root, ['img0.jpg']);
    const opened = openDataset(root, { split: 'train' });
    expect(opened.warnings.length).toBe(MAX_MISSING_IMAGE_WARNINGS + 1);
    expect(opened.warnings.at(-1)?.message).toMatch(/24 more entries .* \(74 entries, 74 distinct images missing in all\)/);
  });

  it('warns (one warning) when the images folder is missing, and when the val split has no gt .mat', () => {
    const root = newFolder('no-images');
    writeAnnotation(root, 'mmpose', 'val', [makeJsonEntry(0), makeJsonEntry(1)]);
    const opened = openDataset(root);
    expect(opened.gt).toBeNull();
    expect(opened.gtMatFile).toBeNull();
    expect(opened.warnings.map((w) => w.location.file)).toEqual([gtMatPath(root, 'mmpose'), path.join(root, 'images')]);
    expect(opened.warnings[0]?.message).toMatch(/ground-truth \.mat not found/);
  });

  it('prefers the mmpose layout when both are present, and says so', () => {
    const root = newFolder('both');
    writeAnnotation(root, 'mmpose', 'train', [makeJsonEntry(0)]);
    writeAnnotation(root, 'hrnet', 'train', [makeJsonEntry(0), makeJsonEntry(1)]);
    writeImageFiles(root, ['img0.jpg', 'img1.jpg']);
    const opened = openDataset(root, { split: 'train' });
    expect(opened.layout).toBe('mmpose');
    expect(opened.persons.length).toBe(1);
    expect(opened.warnings.length).toBe(1);
    expect(opened.warnings[0]?.message).toMatch(/both an mmpose .* and an HRNet/);
  });

  it('rejects an unrecognised folder, listing what was looked for', () => {
    const root = newFolder('empty');
    const error = catchInputError(() => openDataset(root));
    expect(error.location.file).toBe(root);
    expect(error.message).toContain('annotations/mpii_val.json (mmpose layout)');
    expect(error.message).toContain('annot/valid.json (HRNet layout)');

    const trainOnly = newFolder('train-only');
    writeAnnotation(trainOnly, 'hrnet', 'train', [makeJsonEntry(0)]);
    expect(catchInputError(() => openDataset(trainOnly)).message).toMatch(/found annot\/train\.json, which is the train split/);

    const annotationsPicked = path.join(newFolder('picked'), 'annotations');
    mkdirSync(annotationsPicked);
    writeFileSync(path.join(annotationsPicked, 'mpii_val.json'), '[]');
    expect(catchInputError(() => openDataset(annotationsPicked)).message).toMatch(/annotation folder itself: choose its parent/);

    expect(catchInputError(() => openDataset(path.join(root, 'does-not-exist'))).message).toMatch(/does-not-exist: dataset folder does not exist/);
    const aFile = path.join(root, 'file.txt');
    writeFileSync(aFile, 'x');
    expect(catchInputError(() => openDataset(aFile)).message).toMatch(/file\.txt: expected a dataset folder, got a file/);
  });

  describe('rejects a bad annotation json, naming the file, the entry and the field', () => {
    const good = (): Record<string, unknown>[] => [makeJsonEntry(0), makeJsonEntry(1), makeJsonEntry(2)];
    const cases: { name: string; content: () => unknown; entry?: number; field?: string; text: RegExp }[] = [
      { name: 'malformed JSON', content: () => JSON.stringify(good(), null, 2).replace('"scale": 2.5', '"scale" 2.5'), text: /malformed JSON at line \d+, column \d+/ },
      { name: 'NaN in JSON', content: () => JSON.stringify(good()).replace('"scale":2.5', '"scale":NaN'), text: /line 1, column \d+ \(NaN\/Infinity/ },
      { name: 'top level object', content: () => ({ annotations: good() }), text: /JSON list/ },
      { name: 'entry not an object', content: () => [...good(), 'x.jpg'], entry: 3, text: /expected an object/ },
      { name: 'missing joints_vis', content: () => good().map((e, n) => (n === 1 ? { ...e, joints_vis: undefined } : e)), entry: 1, field: 'joints_vis', text: /missing field/ },
      { name: 'centre not numbers', content: () => good().map((e, n) => (n === 2 ? { ...e, center: ['1', 2] } : e)), entry: 2, field: 'center', text: /got a string/ },
      { name: '14 joints', content: () => good().map((e, n) => (n === 0 ? { ...e, joints: (e.joints as unknown[]).slice(2) } : e)), entry: 0, field: 'joints', text: /got 14 joints/ },
      { name: 'joints_vis of 15', content: () => good().map((e, n) => (n === 2 ? { ...e, joints_vis: (e.joints_vis as unknown[]).slice(1) } : e)), entry: 2, field: 'joints_vis', text: /got 15 values/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const root = newFolder('bad-json');
        const file = writeAnnotation(root, 'mmpose', 'val', c.content());
        const error = catchInputError(() => openDataset(root));
        expect(error.location.file).toBe(file);
        expect(error.message.startsWith(file)).toBe(true);
        expect(error.location.entry).toBe(c.entry);
        expect(error.location.field).toBe(c.field);
        if (c.entry !== undefined) expect(error.message).toContain(`entry ${c.entry}`);
        expect(error.message).toMatch(c.text);
      });
    }
  });
});

describe('parsePersons: entry by entry, the same persons and errors as parseMpiiJson', () => {
  const entries = [0, 1, 2].map((n) => ({
    image: `im ${n} "quoted" \\ back.jpg`,
    center: [100.5 + n, 200],
    scale: 1.5,
    joints: Array.from({ length: 16 }, (_, j) => (j === 3 ? [-1, -1] : [10 + j, 20.25 + n])),
    joints_vis: Array.from({ length: 16 }, (_, j) => (j === 3 || j === 7 ? 0 : 1)),
    extra: { nested: [[1, { a: ']' }]], text: '{[' },
  }));

  it('gives parseMpiiJson\'s persons (raw parsed on first access) for compact and spaced text', () => {
    for (const text of [JSON.stringify(entries), JSON.stringify(entries, null, 2), ` \n[ ${entries.map((e) => JSON.stringify(e)).join(' ,\r\n\t')} ] \n`, '[]', ' [ ] ']) {
      const expected = parseMpiiJson(text, 'a.json');
      const persons = parsePersons(text, 'a.json');
      expect(persons).toEqual(expected);
      expect(persons.map((p) => p.raw)).toEqual(expected.map((p) => p.raw));
      if (persons.length > 0) expect(persons[0]!.raw).toBe(persons[0]!.raw);
    }
  });

  it('reports exactly parseMpiiJson\'s error for malformed text and bad entries', () => {
    const good = JSON.stringify(entries);
    const bad = [
      good.slice(0, -1), // cut
      `${good}x`,
      good.replace('"scale":1.5', '"scale":"1.5"'),
      good.replace('"joints_vis":[', '"joints_vis":[7,'),
      good.replace('[{', '[{]'),
      '{"a": 1}',
      '[1, 2]',
      good.replace('100.5', 'NaN'),
      '',
    ];
    for (const text of bad) {
      let expected = '';
      try {
        parseMpiiJson(text, 'a.json');
      } catch (error) {
        expected = (error as Error).message;
      }
      expect(expected, text.slice(0, 40)).not.toBe('');
      expect(() => parsePersons(text, 'a.json')).toThrow(expected);
    }
  });
});
