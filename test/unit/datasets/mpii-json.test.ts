import { describe, expect, it } from 'vitest';
import {
  describeTextOffset,
  findJsonSyntaxErrorOffset,
  mpiiJsonEntryFromPerson,
  parseJsonText,
  parseMpiiJson,
} from '../../../src-main/formats/mpii-json.ts';
import { makeJsonEntry, catchInputError } from './dataset-test-files.ts';

const FILE = 'some/dir/mpii_val.json';


describe('parseMpiiJson: conversion to 0-based', () => {
  it('subtracts 1 from joints and centre, keeps scale, visibility and the raw entry', () => {
    const entry = makeJsonEntry(0, '005808361.jpg');
    const [person] = parseMpiiJson(JSON.stringify([entry]), FILE);
    expect(person).toBeDefined();
    if (person === undefined) return;
    expect(person.entryIndex).toBe(0);
    expect(person.image).toBe('005808361.jpg');
    expect(person.center).toEqual([299, 249]);
    expect(person.scale).toBe(1.5);
    expect(person.joints[0]).toEqual([99, 199]);
    expect(person.joints[15]).toEqual([249, 274]);
    expect(person.jointsVisible).toEqual(new Array(16).fill(1));
    expect(person.raw).toEqual(entry);
  });

  it('turns [-1,-1] joints, joints_vis 0 and a [-1,-1] centre into null', () => {
    const entry = makeJsonEntry(3);
    (entry.joints as number[][])[4] = [-1, -1];
    (entry.joints_vis as number[])[4] = 0;
    (entry.joints_vis as number[])[7] = 0; // vis 0 with coordinates: not annotated either (spec §1.3)
    entry.center = [-1, -1];
    const [person] = parseMpiiJson(JSON.stringify([entry]), FILE);
    expect(person?.joints[4]).toBeNull();
    expect(person?.joints[7]).toBeNull();
    expect(person?.joints[5]).toEqual([152, 224]);
    expect(person?.center).toBeNull();
    expect(person?.jointsVisible[4]).toBe(0);
  });

  it('writes an unchanged person back exactly as read, and an edited joint +1', () => {
    const entry: Record<string, unknown> = { extra: 'kept', ...makeJsonEntry(1) };
    (entry.joints as number[][])[2] = [982.7591, 0.3];
    (entry.joints as number[][])[3] = [-1, -1];
    (entry.joints_vis as number[])[3] = 0;
    const [person] = parseMpiiJson(JSON.stringify([entry]), FILE);
    if (person === undefined) throw new Error('no person');
    expect(mpiiJsonEntryFromPerson(person)).toEqual(entry);
    const edited = { ...person, joints: person.joints.map((p, j) => (j === 0 ? ([10.25, 20.5] as [number, number]) : p)) };
    const out = mpiiJsonEntryFromPerson(edited);
    expect((out.joints as number[][])[0]).toEqual([11.25, 21.5]);
    expect(out.extra).toBe('kept');
  });
});

describe('parseMpiiJson: strict validation names file, entry and field', () => {
  const entries = (): Record<string, unknown>[] => [makeJsonEntry(0), makeJsonEntry(1), makeJsonEntry(2)];
  const cases: { name: string; mutate: (list: Record<string, unknown>[]) => unknown; entry?: number; field?: string; text: RegExp }[] = [
    { name: 'top level not a list', mutate: () => ({ persons: [] }), text: /JSON list/ },
    { name: 'entry not an object', mutate: (l) => [l[0], [1, 2], l[2]], entry: 1, text: /expected an object/ },
    { name: 'entry null', mutate: (l) => [l[0], l[1], null], entry: 2, text: /got null/ },
    { name: 'missing scale', mutate: (l) => { delete l[2]!.scale; return l; }, entry: 2, field: 'scale', text: /missing field/ },
    { name: 'missing image', mutate: (l) => { delete l[0]!.image; return l; }, entry: 0, field: 'image', text: /missing field/ },
    { name: 'scale as a string', mutate: (l) => { l[1]!.scale = '1.5'; return l; }, entry: 1, field: 'scale', text: /finite number, got a string/ },
    { name: 'scale null (NaN written by some tools)', mutate: (l) => { l[1]!.scale = null; return l; }, entry: 1, field: 'scale', text: /got null/ },
    { name: 'non-positive scale', mutate: (l) => { l[1]!.scale = 0; return l; }, entry: 1, field: 'scale', text: /positive/ },
    { name: 'centre with 3 numbers', mutate: (l) => { l[0]!.center = [1, 2, 3]; return l; }, entry: 0, field: 'center', text: /array of 3/ },
    { name: 'joint with a string', mutate: (l) => { (l[2]!.joints as unknown[])[3] = [5, 'x']; return l; }, entry: 2, field: 'joints[3]', text: /got a string/ },
    { name: 'joint null', mutate: (l) => { (l[2]!.joints as unknown[])[9] = null; return l; }, entry: 2, field: 'joints[9]', text: /got null/ },
    { name: '15 joints', mutate: (l) => { (l[1]!.joints as unknown[]).pop(); return l; }, entry: 1, field: 'joints', text: /expected 16 joints, got 15 joints/ },
    { name: '17 joints_vis', mutate: (l) => { (l[1]!.joints_vis as unknown[]).push(1); return l; }, entry: 1, field: 'joints_vis', text: /expected 16 values, got 17/ },
    { name: 'joints_vis not a list', mutate: (l) => { l[0]!.joints_vis = 1; return l; }, entry: 0, field: 'joints_vis', text: /got a number/ },
    { name: 'joints_vis with a boolean', mutate: (l) => { (l[0]!.joints_vis as unknown[])[2] = true; return l; }, entry: 0, field: 'joints_vis[2]', text: /got a boolean/ },
    { name: 'image outside the images folder', mutate: (l) => { l[2]!.image = '../secret.jpg'; return l; }, entry: 2, field: 'image', text: /relative/ },
    { name: 'image empty', mutate: (l) => { l[2]!.image = ''; return l; }, entry: 2, field: 'image', text: /non-empty/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const error = catchInputError(() => parseMpiiJson(JSON.stringify(c.mutate(entries())), FILE));
      expect(error.location.file).toBe(FILE);
      expect(error.location.entry).toBe(c.entry);
      expect(error.location.field).toBe(c.field);
      expect(error.message.startsWith(FILE)).toBe(true);
      if (c.entry !== undefined) expect(error.message).toContain(`entry ${c.entry}`);
      if (c.field !== undefined) expect(error.message).toContain(`(${c.field})`);
      expect(error.message).toMatch(c.text);
    });
  }
});

describe('malformed JSON reports line and column', () => {
  it('uses the position V8 gives', () => {
    const text = '[\n  {"image": "a.jpg",\n   "scale" 1}\n]';
    const error = catchInputError(() => parseJsonText(text, FILE));
    expect(error.message).toContain(FILE);
    expect(error.message).toContain('line 3, column 12');
  });

  it('finds the position itself when V8 gives none', () => {
    const text = '[\n1,\n2,\n}';
    const error = catchInputError(() => parseJsonText(text, FILE));
    expect(error.message).toContain('line 4, column 1');
  });

  it('points at NaN written by Python and says why', () => {
    const text = '[{"scale": 1.0},\n {"scale": NaN}]';
    const error = catchInputError(() => parseJsonText(text, FILE));
    expect(error.message).toContain('line 2, column 12');
    expect(error.message).toContain('NaN/Infinity are not valid JSON numbers');
  });

  it('scanner agrees with JSON.parse on valid and invalid texts', () => {
    const valid = ['[]', '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', ' 0 ', '"s"'];
    for (const t of valid) expect(findJsonSyntaxErrorOffset(t)).toBeNull();
    expect(findJsonSyntaxErrorOffset('[1,2')).toBe(4);
    expect(findJsonSyntaxErrorOffset('[01]')).toBe(2);
    expect(findJsonSyntaxErrorOffset('{"a":1,}')).toBe(7);
    expect(findJsonSyntaxErrorOffset('[1] x')).toBe(4);
    expect(findJsonSyntaxErrorOffset('')).toBe(0);
  });

  it('describes offsets as 1-based line and column', () => {
    expect(describeTextOffset('ab\ncd', 0)).toBe('line 1, column 1');
    expect(describeTextOffset('ab\ncd', 4)).toBe('line 2, column 2');
  });
});
