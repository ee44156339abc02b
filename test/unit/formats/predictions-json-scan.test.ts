/**
 * The byte scanner of prediction json (scanJsonPredictions) against JSON.parse: the same float32 bits
 * for every number form JSON allows, and null (so importPredictions falls back to JSON.parse and its
 * named errors) for anything outside the common shape.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPredictions, scanJsonPredictions } from '../../../src-main/formats/predictions-import.ts';
import { HAS_SHARED, sharedPath } from '../../support/shared-fixtures.ts';
import { catchInputError, makeTempDir, removeDir } from '../datasets/dataset-test-files.ts';

/** What the JSON.parse path stores for a text: Math.fround of the parsed number, then the base shift. */
function viaJsonParse(text: string, base: 0 | 1): { coords: Float32Array; scores: Float32Array | undefined } {
  const preds = (JSON.parse(text) as { preds: number[][][] }).preds;
  const width = preds[0]![0]!.length;
  const coords = new Float32Array(preds.length * 32);
  const scores = width === 3 ? new Float32Array(preds.length * 16) : undefined;
  preds.forEach((person, n) =>
    person.forEach((joint, j) => {
      for (let k = 0; k < 2; k++) {
        const single = Math.fround(joint[k]!);
        coords[(n * 16 + j) * 2 + k] = base === 1 ? Math.fround(single - 1) : single;
      }
      if (scores) scores[n * 16 + j] = joint[2]!;
    }),
  );
  return { coords, scores };
}

const bits = (array: Float32Array): Uint32Array => new Uint32Array(array.buffer, array.byteOffset, array.length);

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Number texts of every JSON form: integers, many fraction digits, exponents, -0, huge and tiny. */
function numberTexts(count: number, seed: number): string[] {
  const random = lcg(seed);
  const fixed = [
    '0',
    '-0',
    '-0.0',
    '0.1',
    '1.5',
    '123.456',
    '1e2',
    '1E-2',
    '-2.5e+3',
    '9007199254740993',
    '9007199254740992.5',
    '0.30000000000000004',
    '1234.5678901234567890123',
    '0.0000000000000000000001',
    '0.00000000000000000000001',
    '1.7976931348623157e308',
    '5e-324',
    '340282356779733661637539395458142568447.9',
    '3.4028235677973366e38',
    '16777217',
    '16777216.5',
    '0.1000000000000000055511151231257827',
  ];
  const texts = [...fixed];
  while (texts.length < count) {
    const r = random();
    const value = (random() - 0.3) * 10 ** Math.floor(random() * 8 - 2);
    if (r < 0.3) texts.push(String(Math.round(value * 100) / 100));
    else if (r < 0.6) texts.push(String(value));
    else if (r < 0.8) texts.push(value.toFixed(Math.floor(random() * 25)).replace(/^(-?)0+(\d)/, '$1$2'));
    else texts.push(value.toExponential(Math.floor(random() * 18)));
  }
  return texts;
}

function predsText(persons: number, width: number, values: string[], space = ''): string {
  let v = 0;
  const next = (): string => values[v++ % values.length]!;
  const people: string[] = [];
  for (let n = 0; n < persons; n++) {
    const joints: string[] = [];
    for (let j = 0; j < 16; j++) joints.push(`[${Array.from({ length: width }, next).join(`,${space}`)}]`);
    people.push(`[${joints.join(`,${space}`)}]`);
  }
  return `{${space}"preds"${space}:${space}[${people.join(`,${space}`)}]${space}}`;
}

describe('scanJsonPredictions', () => {
  it('gives JSON.parse’s float32 bits for every number form, both bases, with and without scores', () => {
    const values = numberTexts(4000, 7);
    for (const [width, base, space] of [
      [2, 0, ''],
      [3, 1, ' '],
      [3, 0, '\n\t '],
      [2, 1, '\r\n'],
    ] as const) {
      const persons = 130;
      const text = predsText(persons, width, values, space);
      const scanned = scanJsonPredictions(Buffer.from(text), { coordinateBase: base, expectedCount: persons });
      expect(scanned, `width ${width} base ${base}`).not.toBeNull();
      const expected = viaJsonParse(text, base);
      expect(Buffer.from(bits(scanned!.predictions0Based)).equals(Buffer.from(bits(expected.coords)))).toBe(true);
      expect(scanned!.scores === undefined).toBe(width === 2);
      if (expected.scores) expect(Buffer.from(bits(scanned!.scores!)).equals(Buffer.from(bits(expected.scores)))).toBe(true);
      expect(scanned!.count).toBe(persons);
    }
  });

  it.skipIf(!HAS_SHARED)('reads the real MPII prediction files (with their other keys) bit for bit as JSON.parse does', () => {
    for (const name of ['bearpaw-hg_s1_b1', 'newell', 'tompson']) {
      const bytes = readFileSync(sharedPath('fixtures', 'mpii-predictions', `${name}.json`));
      for (const base of [0, 1] as const) {
        const scanned = scanJsonPredictions(bytes, { coordinateBase: base, expectedCount: 2958 });
        expect(scanned, name).not.toBeNull();
        expect(Buffer.from(bits(scanned!.predictions0Based)).equals(Buffer.from(bits(viaJsonParse(bytes.toString('utf8'), base).coords))), name).toBe(true);
      }
    }
  });

  it('keeps -0 negative, as JSON.parse does', () => {
    const text = predsText(1, 2, ['-0', '-0.0']);
    const scanned = scanJsonPredictions(Buffer.from(text), { coordinateBase: 0, expectedCount: 1 });
    expect(Object.is(scanned!.predictions0Based[0], -0)).toBe(true);
    expect(Object.is(scanned!.predictions0Based[1], -0)).toBe(true);
  });

  it('walks over other top-level keys, before and after "preds"', () => {
    const good = predsText(2, 2, ['1.5', '2']);
    const meta =
      '"source": "a \\"quoted\\" \\u00e9 path\\\\x", "joints": ["r_ankle", "r_knee"], "n": -1.5e3, "ok": true, "no": false, "none": null, "deep": {"a": [[], {}, [1, {"b": "c"}]]}, "utf8": "é✓"';
    for (const text of [good.replace('{', `{${meta}, `), good.replace(/}$/, `, ${meta}}`), `\n{ ${meta} ,\n${good.slice(1, -1)} }\n`]) {
      expect(JSON.parse(text)).toBeTruthy();
      const scanned = scanJsonPredictions(Buffer.from(text), { coordinateBase: 0, expectedCount: 2 });
      expect(scanned, text).not.toBeNull();
      expect(Buffer.from(bits(scanned!.predictions0Based)).equals(Buffer.from(bits(viaJsonParse(text, 0).coords)))).toBe(true);
    }
  });

  it('declines (null) everything outside the common shape', () => {
    const good = predsText(2, 2, ['1.5', '2']);
    expect(scanJsonPredictions(Buffer.from(good), { coordinateBase: 0, expectedCount: 2 })).not.toBeNull();
    const declined: [string, string, number?][] = [
      ['a byte-order mark', `\ufeff${good}`],
      ['"preds" twice', good.replace(/}$/, ', "preds": []}')],
      ['no "preds"', '{"meta": 1}'],
      ['a malformed other value', good.replace(/}$/, ', "meta": [1,]}')],
      ['an unterminated other string', good.replace(/}$/, ', "meta": "abc}')],
      ['a raw newline in another string', good.replace(/}$/, ', "meta": "a\nb"}')],
      ['a bad escape in another string', good.replace(/}$/, ', "meta": "a\\qb"}')],
      ['an escaped other key', good.replace(/}$/, ', "m\\u0065ta": 1}')],
      ['an escaped key', good.replace('"preds"', '"pr\\u0065ds"')],
      ['too few persons', good, 3],
      ['too many persons', good, 1],
      ['no persons', '{"preds": []}', 0],
      ['NaN', good.replace('1.5', 'NaN')],
      ['a leading zero', good.replace('2]', '02]')],
      ['a bare fraction dot', good.replace('1.5', '1.')],
      ['a leading dot', good.replace('1.5', '.5')],
      ['a plus sign', good.replace('1.5', '+1.5')],
      ['an empty exponent', good.replace('1.5', '1.5e')],
      ['an overflow to Infinity', good.replace('1.5', '1e400')],
      ['null', good.replace('1.5', 'null')],
      ['a string', good.replace('1.5', '"1.5"')],
      ['a third value after two-wide joints', good.replace(/\[1\.5,2\]\]/, '[1.5,2,3]]')],
      ['15 joints', good.replace(/,\[1\.5,2\]\]/, ']')],
      ['trailing text', `${good} x`],
      ['a trailing comma', good.replace(/]]]/, ']],]')],
    ];
    for (const [what, text, count] of declined) {
      expect(scanJsonPredictions(Buffer.from(text), { coordinateBase: 0, expectedCount: count ?? 2 }), what).toBeNull();
    }
  });

  describe('through importPredictions', () => {
    let dir = '';
    beforeAll(() => {
      dir = makeTempDir('preds-scan');
    });
    afterAll(() => removeDir(dir));

    it('reads a file the scanner declines through JSON.parse, and still names what is wrong', () => {
      const withMeta = path.join(dir, 'meta.json');
      writeFileSync(withMeta, predsText(2, 2, ['1.25', '2e1']).replace(/}$/, ', "meta": {"model": "x"}}'));
      expect(Array.from(importPredictions(withMeta, { coordinateBase: 0, expectedCount: 2 }).predictions0Based.slice(0, 2))).toEqual([1.25, 20]);
      const overflow = path.join(dir, 'overflow.json');
      writeFileSync(overflow, predsText(2, 2, ['1.25', '2']).replace('1.25', '1e400'));
      expect(catchInputError(() => importPredictions(overflow, { coordinateBase: 0, expectedCount: 2 })).message).toMatch(
        /preds\[0\]\[0\]\[0\].*finite number/,
      );
    });
  });
});
