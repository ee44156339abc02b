/**
 * core/printable-excerpt.ts and its use for JSON syntax errors (formats/json-text.ts): every message
 * is one line, with file content escaped and cut short.
 */
import { describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../src-main/core/errors.ts';
import { escapeControlCharacters, oneLine, printableExcerpt } from '../../../src-main/core/printable-excerpt.ts';
import { describeV8Reason, parseJsonText } from '../../../src-main/formats/json-text.ts';

/** No line break of any kind, no control character, no bidi override. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function jsonError(text: string): string {
  try {
    parseJsonText(text, 'preds.json');
  } catch (error) {
    expect(error).toBeInstanceOf(PosebenchInputError);
    return (error as Error).message;
  }
  throw new Error('expected a syntax error');
}

describe('printableExcerpt', () => {
  it('escapes control characters visibly and keeps ordinary text, accents and emoji', () => {
    expect(printableExcerpt('a\nb\tc\r\0d\u0010\u001b[31m')).toBe('a\\nb\\tc\\r\\0d\\x10\\x1b[31m');
    expect(printableExcerpt('\u202egnp.exe\u2028')).toBe('\\u202egnp.exe\\u2028');
    expect(printableExcerpt('café 😀 ok')).toBe('café 😀 ok');
    expect(printableExcerpt('lone \ud800 half')).toBe('lone \\ud800 half');
  });

  it('cuts at maxChars with an ellipsis, never inside an escape', () => {
    expect(printableExcerpt('x'.repeat(100))).toBe(`${'x'.repeat(59)}…`);
    expect(printableExcerpt('x'.repeat(60))).toBe('x'.repeat(60));
    const cut = printableExcerpt(`${'y'.repeat(58)}\u0000zzz`);
    expect(cut).toBe(`${'y'.repeat(58)}…`);
    expect(cut.length).toBeLessThanOrEqual(60);
  });

  it('reads bytes as Latin-1, one escape per control byte', () => {
    expect(printableExcerpt(Uint8Array.from([0x7b, 0x00, 0x10, 0xff, 0x41]))).toBe('{\\0\\x10ÿA');
  });

  it('oneLine joins lines and escapes what is left', () => {
    expect(oneLine('first\n  second\r\nthird\u0007\n')).toBe('first / second / third\\x07');
    expect(escapeControlCharacters('a\nb')).toBe('a\\nb');
  });
});

describe('JSON syntax errors are one line without raw file content', () => {
  it('a stray "}" in a multi-line file: V8\'s excerpt with its raw newlines is not repeated', () => {
    const text = '[\n  [1, 2],\n  }\n  [3, 4]\n]\n';
    const message = jsonError(text);
    expect(message).not.toMatch(UNPRINTABLE);
    expect(message).toBe('preds.json: malformed JSON at line 3, column 3: Unexpected token \'}\' near "}\\n  [3, 4]\\n]\\n"');
  });

  it('a NaN literal: one line, the NaN hint, and the position', () => {
    const message = jsonError('{"preds": [\n [NaN, 1]\n]}');
    expect(message).not.toMatch(UNPRINTABLE);
    expect(message).toMatch(/^preds\.json: malformed JSON at line 2, column 3 \(NaN\/Infinity are not valid JSON numbers\): Unexpected token 'N' near "NaN, 1\]\\n\]}"$/);
  });

  it('binary content: control bytes escaped, excerpt at most 30 characters, says the file is binary', () => {
    const binary = String.fromCharCode(...Array.from({ length: 300 }, (_, i) => (i * 7) % 32));
    const message = jsonError(binary);
    expect(message).not.toMatch(UNPRINTABLE);
    expect(message).toContain('(the file holds binary data, not JSON text)');
    expect(message).toContain("Unexpected token '\\0'");
    const near = /near "(.*)"$/.exec(message)?.[1] ?? '';
    expect(near.length).toBeLessThanOrEqual(30);
    expect(near.startsWith('\\0\\x07\\x0e\\x15')).toBe(true);
    expect(message.length).toBeLessThan(200);
  });

  it('V8 reasons lose their excerpt and offset, whatever V8 version wrote them', () => {
    expect(describeV8Reason('Unexpected token \'}\', "[1,\n}\n, 2]" is not valid JSON')).toBe("Unexpected token '}'");
    expect(describeV8Reason('Unexpected token \'N\', "{"a": NaN, "b": 11111"... is not valid JSON')).toBe("Unexpected token 'N'");
    expect(describeV8Reason('Unexpected token \'N\', ..."eds": [\n [NaN, 1]\n]}" is not valid JSON')).toBe("Unexpected token 'N'");
    expect(describeV8Reason("Expected ',' or ']' after array element in JSON at position 6")).toBe("Expected ',' or ']' after array element");
    expect(describeV8Reason("Expected ',' or ']' after array element in JSON at position 6 (line 2 column 1)")).toBe("Expected ',' or ']' after array element");
    expect(describeV8Reason('Unexpected non-whitespace character after JSON at position 55')).toBe('Unexpected non-whitespace character after JSON');
  });
});
