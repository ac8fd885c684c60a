/**
 * Text fields of the round file format (docs/FORMAT.md, "Encoding"): percent-encoding of every byte
 * outside 0x20–0x7E and of the separators `% ; | , : = / +`, decoded back to UTF-8 when the bytes are
 * valid UTF-8 and to Latin-1 otherwise, so no byte a player put in a name is ever lost.
 */

/** Thrown by decodeText for a field that is not valid percent-encoded text; the reader adds file/line/field. */
export class TextEncodingError extends Error {
  override readonly name = 'TextEncodingError';
}

const HEX = '0123456789ABCDEF';
const utf8Encoder = new TextEncoder();
// ignoreBOM: keep a leading U+FEFF as text; the default would drop it from a name ("no byte lost")
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes written as is: printable ASCII minus the separators the format reserves. */
const PLAIN = new Uint8Array(256);
for (let b = 0x20; b <= 0x7e; b++) PLAIN[b] = 1;
for (const ch of '%;|,:=/+') PLAIN[ch.charCodeAt(0)] = 0;

function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f || PLAIN[c] === 0) return false;
  }
  return true;
}

/**
 * Percent-encodes text for a round file field. A string is taken as Unicode text and written as its
 * UTF-8 bytes; a Uint8Array is written byte for byte (so Latin-1 names from old clients survive).
 * NUL cannot occur in engine strings and `%00` is invalid in the format, so it is refused.
 */
export function encodeText(bytes: string | Uint8Array): string {
  if (typeof bytes === 'string') {
    if (isPlainAscii(bytes)) return bytes; // the common case: no allocation beyond the check
    bytes = utf8Encoder.encode(bytes);
  }
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0) throw new TextEncodingError('NUL byte cannot be encoded (engine strings never hold one)');
    if (PLAIN[b] === 1) out += String.fromCharCode(b);
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 65 && c <= 70) return c - 55; // A-F
  if (c >= 97 && c <= 102) return c - 87; // a-f (the writer uses upper case; reading lower case costs nothing)
  return -1;
}

/**
 * Decodes a percent-encoded field. Throws TextEncodingError when a `%` is not followed by two hex
 * digits, when `%00` occurs, or when the field holds a raw byte outside 0x20–0x7E.
 */
export function decodeText(field: string): string {
  const decoded = tryDecodeText(field, 0, field.length);
  if (decoded === null) throw textError(field);
  return decoded;
}

let scratch = new Uint8Array(256);

/**
 * decodeText of `s[start, end)` without substrings for the checks and without throwing: null when the
 * field is not valid (textError then says why). The readers' fast paths decode in place with it.
 */
export function tryDecodeText(s: string, start: number, end: number): string | null {
  let hasEscape = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return null;
    if (c === 37) hasEscape = true;
  }
  if (!hasEscape) return s.slice(start, end); // the common case: nothing to decode

  if (scratch.length < end - start) scratch = new Uint8Array(Math.max(end - start, 2 * scratch.length));
  const bytes = scratch; // decoded into a reused buffer: no allocation per field
  let n = 0;
  let highBytes = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 37) {
      bytes[n++] = c;
      continue;
    }
    const hi = i + 1 < end ? hexValue(s.charCodeAt(i + 1)) : -1;
    const lo = i + 2 < end ? hexValue(s.charCodeAt(i + 2)) : -1;
    if (hi < 0 || lo < 0) return null;
    const b = (hi << 4) | lo;
    if (b === 0) return null;
    if (b > 0x7f) highBytes = true;
    bytes[n++] = b;
    i += 2;
  }
  const view = bytes.subarray(0, n);
  if (highBytes) {
    try {
      return strictUtf8.decode(view);
    } catch {
      return latin1(view);
    }
  }
  return latin1(view);
}

/**
 * Why `field` is not valid percent-encoded text (only called when it is not): a raw byte anywhere comes
 * first, then the first bad `%` escape or `%00` from the left.
 */
function textError(field: string): TextEncodingError {
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      return new TextEncodingError(`raw byte 0x${c.toString(16).padStart(2, '0')} at offset ${i} (must be percent-encoded)`);
    }
  }
  for (let i = 0; i < field.length; i++) {
    if (field.charCodeAt(i) !== 37) continue;
    const hi = i + 1 < field.length ? hexValue(field.charCodeAt(i + 1)) : -1;
    const lo = i + 2 < field.length ? hexValue(field.charCodeAt(i + 2)) : -1;
    if (hi < 0 || lo < 0) return new TextEncodingError(`"%" at offset ${i} is not followed by two hex digits`);
    if (((hi << 4) | lo) === 0) return new TextEncodingError(`%00 at offset ${i} (engine strings cannot hold NUL)`);
    i += 2;
  }
  throw new Error(`textError called for valid text ${JSON.stringify(field)}`); // unreachable
}

/** Latin-1 maps each byte to the code point of the same value, so every byte sequence decodes. */
export function latin1(bytes: Uint8Array): string {
  // apply takes the typed array as is (a spread would walk it with an iterator); chunks keep the
  // argument count far below engine limits.
  const CHUNK = 8192;
  if (bytes.length <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

/**
 * Decodes raw bytes held in a "binary" string (one char per byte, as the reader keeps lines) — used by
 * the legacy formats, which wrote names unescaped: UTF-8 when valid, else Latin-1.
 */
export function decodeRawBytes(binary: string): string {
  let high = false;
  for (let i = 0; i < binary.length; i++) {
    if (binary.charCodeAt(i) > 0x7f) {
      high = true;
      break;
    }
  }
  if (!high) return binary;
  const bytes = Buffer.from(binary, 'latin1');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return binary;
  }
}
