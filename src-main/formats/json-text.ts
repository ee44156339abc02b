/**
 * JSON text → value, with syntax errors reported on ONE line: the file, line and column, what V8
 * says is wrong (without its excerpt of the text, which can hold raw newlines and bytes), and a short
 * excerpt of our own with control characters escaped (core/printable-excerpt.ts).
 * Used for the MPII json, prediction files and model sidecars.
 */
import { PosebenchInputError } from '../core/errors.ts';
import { printableExcerpt } from '../core/printable-excerpt.ts';

/** Characters of the text shown after "near" in a syntax error. */
const NEAR_EXCERPT_CHARS = 30;

/**
 * JSON.parse with an error that names the file and, when it can be found, the line and column
 * (`what` starts the message: "malformed JSON", "model sidecar is not valid JSON"). V8 reports "at position N" for most syntax errors but not all (e.g. "Unexpected token"), so the
 * position is located by a small scanner in those cases; it only runs after a failure.
 */
export function parseJsonText(text: string, file: string, what = 'malformed JSON'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PosebenchInputError({ file }, `${what}${describeJsonSyntaxError(text, error)}`);
  }
}

/**
 * " at line L, column C: <reason> near "<excerpt>"" for a JSON.parse failure on `text`; one line,
 * no raw file content.
 */
export function describeJsonSyntaxError(text: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  const fromMessage = /at position (\d+)/.exec(reason);
  const offset = fromMessage?.[1] !== undefined ? Number(fromMessage[1]) : findJsonSyntaxErrorOffset(text);
  const where = offset === null ? '' : ` at ${describeTextOffset(text, offset)}`;
  // Python's json.dump writes NaN/Infinity literally; JSON has no such values.
  const nonJsonNumber = offset !== null && /^-?(NaN|Infinity)/.test(text.slice(offset, offset + 9));
  let hint = nonJsonNumber ? ' (NaN/Infinity are not valid JSON numbers)' : '';
  // Control characters other than tab, CR and LF never occur in JSON text (RFC 8259 §2, §7: not
  // even inside strings, where they must be escaped): in the first 4 kB they mean a binary file.
  if (!nonJsonNumber && /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text.slice(0, 4096))) hint = ' (the file holds binary data, not JSON text)';
  const near =
    offset === null || offset >= text.length ? '' : ` near "${printableExcerpt(text.slice(offset, offset + 4 * NEAR_EXCERPT_CHARS), NEAR_EXCERPT_CHARS)}"`;
  return `${where}${hint}: ${describeV8Reason(reason)}${near}`;
}

/**
 * V8's reason without the parts we say better: its excerpt of the text (`, "…" is not valid JSON`,
 * verbatim, newlines included) and the character offset (we give line and column).
 */
export function describeV8Reason(reason: string): string {
  const withoutExcerpt = reason.replace(/,\s*(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)?\s*is not valid JSON\s*$/, '');
  const withoutPosition = withoutExcerpt.replace(/\s+at position \d+(?:\s*\(line \d+ column \d+\))?\s*$/, '').replace(/\s+in JSON$/, '');
  // The unexpected token itself may be a control character; at most a short phrase remains.
  return printableExcerpt(withoutPosition, 80);
}

/** "line L, column C" (both 1-based) for a character offset. */
export function describeTextOffset(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${end - lineStart + 1}`;
}

/**
 * Offset of the first JSON syntax error in `text`, or null when the scanner finds none.
 * A plain recursive-descent recogniser of RFC 8259 (no values are built).
 */
export function findJsonSyntaxErrorOffset(text: string): number | null {
  let i = 0;
  const fail = (): never => {
    throw new JsonScanError(i);
  };
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const expectWord = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (text[i] !== word[k]) fail();
      i++;
    }
  };
  const scanString = (): void => {
    i++; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail();
      if (c === 92) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++)
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail();
            }
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail();
      } else i++;
    }
    fail();
  };
  const scanNumber = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (match === null || match[0].length === 0) fail();
    else i += match[0].length;
  };
  const scanValue = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail();
        scanString();
        skipSpace();
        if (text[i] !== ':') fail();
        i++;
        scanValue();
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        scanValue();
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '"') scanString();
    else if (c === 't') expectWord('true');
    else if (c === 'f') expectWord('false');
    else if (c === 'n') expectWord('null');
    else scanNumber();
  };
  try {
    scanValue();
    skipSpace();
    if (i < text.length) fail();
    return null;
  } catch (error) {
    if (error instanceof JsonScanError) return error.offset;
    throw error;
  }
}

class JsonScanError {
  constructor(readonly offset: number) {}
}
