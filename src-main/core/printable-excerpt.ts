/**
 * Making untrusted text safe to print on one terminal line. Pure (no Node imports).
 *
 * Every user-facing message is ONE line. Text that comes from a file (a JSON excerpt, a string value,
 * a runtime's error message) may hold newlines, NUL and other control characters, ANSI escape
 * sequences or bidirectional overrides; printed verbatim they break the line, garble the terminal or
 * reorder what is shown. These helpers escape such characters visibly instead of dropping them, so
 * the user still sees what is in the file.
 */

/** Default length of an excerpt of file content, in characters (the escapes count too). */
export const EXCERPT_MAX_CHARS = 60;

const ELLIPSIS = '…';

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x00: '\\0',
  0x09: '\\t',
  0x0a: '\\n',
  0x0d: '\\r',
};

/**
 * Characters that are not shown as themselves: C0 and C1 controls and DEL (ESC starts ANSI
 * sequences), the Unicode line/paragraph separators, bidirectional formatting characters (U+200E/F,
 * U+202A–U+202E, U+2066–U+2069: "Trojan Source" reordering), the BOM/zero-width no-break space, and
 * lone surrogates (not printable text).
 */
function needsEscape(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

function escapeCode(code: number): string {
  const named = NAMED_ESCAPES[code];
  if (named !== undefined) return named;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Every character that `needsEscape` escaped (`\n`, `\0`, `\x10`, `\u202e`, …); nothing is cut. */
export function escapeControlCharacters(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // A valid surrogate pair is one printable character: keep both halves.
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i += 1;
        continue;
      }
    }
    out += needsEscape(code) ? escapeCode(code) : text[i]!;
  }
  return out;
}

/**
 * An excerpt of untrusted text for a message: control characters escaped, at most `maxChars`
 * characters of output (an ellipsis marks a cut; an escape is never cut in half).
 * Bytes are read as Latin-1, so every byte shows as one character or one `\xNN` escape.
 */
export function printableExcerpt(text: string | Uint8Array, maxChars: number = EXCERPT_MAX_CHARS): string {
  const source = typeof text === 'string' ? text : latin1(text, maxChars + 1);
  const limit = Math.max(1, Math.floor(maxChars));
  let out = '';
  for (let i = 0; i < source.length; i += 1) {
    const code = source.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < source.length && isLowSurrogate(source.charCodeAt(i + 1));
    const piece = pair ? source[i]! + source[i + 1]! : needsEscape(code) ? escapeCode(code) : source[i]!;
    const consumed = pair ? 2 : 1;
    const more = i + consumed < source.length;
    const budget = more ? limit - ELLIPSIS.length : limit;
    if (out.length + piece.length > budget) return out + ELLIPSIS;
    out += piece;
    if (pair) i += 1;
  }
  return out;
}

/**
 * A message made to fit on one line: line breaks (with the indentation after them) become " / ",
 * other control characters are escaped. For messages that are ours but may carry text from elsewhere
 * (a library's multi-line error, a file name with a newline in it).
 */
export function oneLine(message: string): string {
  const joined = message.trim().replace(/[ \t]*(?:\r\n|\r|\n|\u2028|\u2029)+[ \t]*/g, ' / ');
  return escapeControlCharacters(joined);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function latin1(bytes: Uint8Array, maxChars: number): string {
  let text = '';
  const end = Math.min(bytes.length, maxChars);
  for (let i = 0; i < end; i += 1) text += String.fromCharCode(bytes[i]!);
  return text;
}
