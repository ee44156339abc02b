/**
 * JSON text in the style of Python's `json.dumps`, which wrote the mmpose/HRNet MPII json files:
 * `", "` and `": "` separators (or `indent=N` with `","`), non-ASCII escaped (`ensure_ascii`), and
 * floats printed by `repr` (`804.0`, `1e-05`, `1e+16`). Writing float fields as floats keeps them
 * floats for Python readers (`json.load` gives `804.0`, not the int `804`), and with the source's
 * layout an unchanged file comes out byte for byte as it was.
 */

export interface PythonJsonLayout {
  /** null: one line (`json.dumps(x)`); N: `json.dumps(x, indent=N)`. */
  readonly indent: number | null;
  /** Whether the text ends with a newline. */
  readonly trailingNewline: boolean;
}

export const COMPACT_PYTHON_LAYOUT: PythonJsonLayout = { indent: null, trailingNewline: false };

/**
 * The layout of an existing json text: indented when the first value starts on the second line
 * (indent = that line's leading spaces), compact otherwise.
 */
export function detectPythonJsonLayout(text: string): PythonJsonLayout {
  const indented = /^[[{]\r?\n( +)\S/.exec(text);
  return {
    indent: indented?.[1] !== undefined ? indented[1].length : null,
    trailingNewline: text.endsWith('\n'),
  };
}

/** A number to be printed as a Python float (`repr(float(x))`) even when it is integral. */
export class PythonFloat {
  constructor(readonly value: number) {}
}

export type PythonJsonValue = null | boolean | number | string | PythonFloat | readonly PythonJsonValue[] | { readonly [key: string]: PythonJsonValue };

/**
 * `repr(x)` of a Python float: the shortest digits that round-trip (the same digits JavaScript
 * prints), in positional notation for decimal exponents -4..15 and scientific otherwise
 * (`float_repr_style = 'short'`), always with a `.0` or an exponent so it reads back as a float.
 */
export function pythonFloatRepr(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`${x} cannot be written as a JSON number`);
  if (Object.is(x, -0)) return '-0.0';
  if (x === 0) return '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(x).toExponential().split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const significand = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${significand}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${integerPart}.${fraction === '' ? '0' : fraction}`;
}

/** Python's `json.dumps` string with `ensure_ascii=True`. */
export function pythonJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    // UTF-16 code units, so astral characters come out as surrogate pairs, as in Python.
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function formatNumber(x: number): string {
  // Integers (e.g. joints_vis) as ints; anything else as a Python float.
  if (Number.isInteger(x) && !Object.is(x, -0) && Math.abs(x) < 2 ** 53) return String(x);
  return pythonFloatRepr(x);
}

/** One value as `json.dumps` would print it; `level` is the current nesting depth for indentation. */
export function formatPythonJson(value: PythonJsonValue, indent: number | null, level = 0): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return pythonJsonString(value);
  if (value instanceof PythonFloat) return pythonFloatRepr(value.value);
  const isList = Array.isArray(value);
  const items: string[] = isList
    ? (value as readonly PythonJsonValue[]).map((item) => formatPythonJson(item, indent, level + 1))
    : Object.entries(value as { readonly [key: string]: PythonJsonValue }).map(
        ([key, item]) => `${pythonJsonString(key)}: ${formatPythonJson(item, indent, level + 1)}`,
      );
  const [open, close] = isList ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return `${open}${close}`;
  if (indent === null) return `${open}${items.join(', ')}${close}`;
  const inner = `\n${' '.repeat(indent * (level + 1))}`;
  return `${open}${inner}${items.join(`,${inner}`)}\n${' '.repeat(indent * level)}${close}`;
}

/**
 * A top-level list, produced item by item (for writeFileAtomic's chunked content), identical to
 * `formatPythonJson(items)` plus the optional trailing newline.
 */
export function* pythonJsonListChunks(items: Iterable<PythonJsonValue>, layout: PythonJsonLayout): Generator<string> {
  const indent = layout.indent;
  const separator = indent === null ? ', ' : `,\n${' '.repeat(indent)}`;
  let first = true;
  for (const item of items) {
    const text = formatPythonJson(item, indent, 1);
    if (first) {
      yield indent === null ? `[${text}` : `[\n${' '.repeat(indent)}${text}`;
      first = false;
    } else {
      yield `${separator}${text}`;
    }
  }
  if (first) yield '[]';
  else yield indent === null ? ']' : '\n]';
  if (layout.trailingNewline) yield '\n';
}
