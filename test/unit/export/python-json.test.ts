import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  detectPythonJsonLayout,
  formatPythonJson,
  PythonFloat,
  pythonFloatRepr,
  pythonJsonListChunks,
  pythonJsonString,
  type PythonJsonValue,
} from '../../../src-main/export/python-json.ts';

const PYTHON = '/usr/bin/python3';
const HAS_PYTHON = spawnSync(PYTHON, ['-c', 'import json'], { stdio: 'ignore' }).status === 0;
if (!HAS_PYTHON) console.warn(`[skip] comparison with Python's json.dumps: ${PYTHON} is not available`);

/** Runs Python on a json input (stdin) and returns its stdout. */
function python(code: string, input: string): string {
  const result = spawnSync(PYTHON, ['-c', code], { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

/** Deterministic doubles across magnitudes: integers, halves, long fractions, tiny and huge values. */
function sampleDoubles(): number[] {
  let state = 0x2468ace;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const values = [
    0.1,
    0.5,
    1,
    804,
    982.7591,
    4.718488,
    1e-4,
    1e-5,
    9.99e-5,
    1e15,
    1e16,
    123456789012345.6,
    2 ** 53,
    5e-324,
    1.7976931348623157e308,
    1 / 3,
    -2.5,
    -1,
  ];
  for (let i = 0; i < 300; i++) {
    const exponent = Math.floor(next() * 44) - 22;
    values.push((next() - 0.3) * 10 ** exponent);
  }
  return values;
}

describe('pythonFloatRepr', () => {
  it('prints what Python repr prints for known cases', () => {
    expect(pythonFloatRepr(804)).toBe('804.0');
    expect(pythonFloatRepr(-1)).toBe('-1.0');
    expect(pythonFloatRepr(982.7591)).toBe('982.7591');
    expect(pythonFloatRepr(0.0001)).toBe('0.0001');
    expect(pythonFloatRepr(0.00001)).toBe('1e-05');
    expect(pythonFloatRepr(1.5e-7)).toBe('1.5e-07');
    expect(pythonFloatRepr(1e15)).toBe('1000000000000000.0');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(1.5e300)).toBe('1.5e+300');
    expect(pythonFloatRepr(0)).toBe('0.0');
    expect(pythonFloatRepr(-0)).toBe('-0.0');
    expect(() => pythonFloatRepr(Number.NaN)).toThrow(RangeError);
    expect(() => pythonFloatRepr(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('always parses back to the same double', () => {
    for (const x of sampleDoubles()) expect(Number(pythonFloatRepr(x))).toBe(x);
  });

  it.skipIf(!HAS_PYTHON)('agrees with Python repr on 300+ doubles of every magnitude', () => {
    const values = sampleDoubles();
    const expected = python('import json,sys\nfor v in json.load(sys.stdin): print(repr(float(v)))', JSON.stringify(values)).trim().split('\n');
    expect(values.map(pythonFloatRepr)).toEqual(expected);
  });
});

describe('formatPythonJson', () => {
  const sample: PythonJsonValue = [
    {
      joints_vis: [1, 0],
      joints: [
        [new PythonFloat(804), new PythonFloat(711.5)],
        [new PythonFloat(-1), new PythonFloat(-1)],
      ],
      image: 'a.jpg',
      scale: new PythonFloat(4.718488),
      center: [new PythonFloat(966), new PythonFloat(340)],
    },
    { image: 'caf\u00e9 "q" \\ \n\t\u0001 \u{1F600}', empty: [], nested: {}, flag: true, nothing: null },
  ];
  const pythonInput = (indent: string): string =>
    // Python gets the same structure with floats marked by their repr.
    python(
      `import json,sys\ndata=json.load(sys.stdin)\nfor k in ('joints','scale','center'):\n  v=data[0][k]\n  data[0][k]=[[float(c) for c in p] for p in v] if k=='joints' else ([float(c) for c in v] if isinstance(v,list) else float(v))\nsys.stdout.write(json.dumps(data${indent}))`,
      JSON.stringify([
        {
          joints_vis: [1, 0],
          joints: [
            [804, 711.5],
            [-1, -1],
          ],
          image: 'a.jpg',
          scale: 4.718488,
          center: [966, 340],
        },
        { image: 'caf\u00e9 "q" \\ \n\t\u0001 \u{1F600}', empty: [], nested: {}, flag: true, nothing: null },
      ]),
    );

  it('writes floats as floats and ints as ints, like json.dumps', () => {
    const text = formatPythonJson(sample, null);
    expect(
      text.startsWith('[{"joints_vis": [1, 0], "joints": [[804.0, 711.5], [-1.0, -1.0]], "image": "a.jpg", "scale": 4.718488, "center": [966.0, 340.0]}, '),
    ).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(sample, (_k, v: unknown) => (v instanceof PythonFloat ? v.value : v))));
  });

  it.skipIf(!HAS_PYTHON)('equals json.dumps(data) and json.dumps(data, indent=4) byte for byte', () => {
    expect(formatPythonJson(sample, null)).toBe(pythonInput(''));
    expect(formatPythonJson(sample, 4)).toBe(pythonInput(', indent=4'));
    expect(formatPythonJson(sample, 2)).toBe(pythonInput(', indent=2'));
  });

  it('escapes like ensure_ascii: quotes, backslash, control characters, non-ASCII as UTF-16 units', () => {
    expect(pythonJsonString('a"b\\c\n\r\t\b\f\u0001\u007f\u00e9\u{1F600}')).toBe('"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u007f\\u00e9\\ud83d\\ude00"');
  });

  it('produces a list in chunks identical to the one-piece text, for both layouts and an empty list', () => {
    const items = sample as PythonJsonValue[];
    for (const indent of [null, 4]) {
      for (const trailingNewline of [false, true]) {
        const chunks = [...pythonJsonListChunks(items, { indent, trailingNewline })];
        expect(chunks.length).toBeGreaterThan(2);
        expect(chunks.join('')).toBe(formatPythonJson(items, indent) + (trailingNewline ? '\n' : ''));
      }
    }
    expect([...pythonJsonListChunks([], { indent: null, trailingNewline: false })].join('')).toBe('[]');
    expect([...pythonJsonListChunks([], { indent: 4, trailingNewline: true })].join('')).toBe('[]\n');
  });
});

describe('detectPythonJsonLayout', () => {
  it('tells a one-line file from an indented one, and sees the final newline', () => {
    expect(detectPythonJsonLayout('[{"a": 1}]')).toEqual({ indent: null, trailingNewline: false });
    expect(detectPythonJsonLayout('[\n    {\n        "a": 1\n    }\n]\n')).toEqual({ indent: 4, trailingNewline: true });
    expect(detectPythonJsonLayout('[\n  {\n')).toEqual({ indent: 2, trailingNewline: true });
    expect(detectPythonJsonLayout('[\r\n\t{')).toEqual({ indent: null, trailingNewline: false });
  });
});
