/**
 * Allocation-free scanning for the readers' fast paths.
 *
 * The strict field parsers (fields.ts, and the `parse*` methods of each reader) are the specification:
 * they split a line into substrings and report the first problem with its field name. They are also
 * slow — a substring, and often an error-name string, per field. The fast paths read the same line with
 * a Cursor instead: one left-to-right pass over the line's bytes, numbers accumulated digit by digit,
 * keywords compared in place, no substrings except for text that ends up in a record.
 *
 * A fast path never reports an error. It accepts exactly the lines the strict parser accepts *or gives
 * up*: any token that is not what a well-formed line holds clears `ok` (sticky, so a parser can read a
 * run of fields and test once), and the reader then hands the line to the strict parser, which either
 * names the problem or — for the rare valid line the fast path does not handle — returns the record.
 * So the fast path may be narrower than the format, never wider.
 *
 * The cursor reads bytes (a Uint8Array), not the string: indexing a typed array is cheaper than
 * charCodeAt, whose string may have any of V8's representations. The "binary" string of the same bytes
 * (Latin-1, one char per byte, so the same positions) is kept alongside for the substrings records need.
 */

export const HASH = 35; // #
export const COMMA = 44; // ,
export const MINUS = 45; // -
export const DOT = 46; // .
export const SLASH = 47; // /
export const COLON = 58; // :
export const SEMI = 59; // ;
export const BAR = 124; // |
export const CR = 13; // \r

/** Characters allowed anywhere in a v1 file (7-bit printable ASCII). */
export function isPrintable(c: number): boolean {
  return c >= 0x20 && c <= 0x7e;
}

/** A keyword and its bytes (comparing bytes with bytes is cheaper than with a string's charCodeAt). */
interface Keyword<T extends string> {
  word: T;
  bytes: Uint8Array;
}

/** A fixed set of keywords, looked up by their first character so a match costs one comparison. */
export class Keywords<T extends string> {
  /** Candidates by first character code, longest first (so no keyword can shadow a longer one). */
  readonly byFirst: (Keyword<T>[] | undefined)[] = [];
  constructor(readonly words: readonly T[]) {
    for (const word of [...words].sort((a, b) => b.length - a.length)) {
      (this.byFirst[word.charCodeAt(0)] ??= []).push({ word, bytes: Uint8Array.from(word, (c) => c.charCodeAt(0)) });
    }
  }
}

/** Reads tokens from one line, bytes `b[pos, end)` (`end` excludes the line's `\n`). */
export class Cursor {
  /** The line's text: `s.charCodeAt(i) === b[i]` for every position of the line. */
  s = '';
  b: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  /** False once any token was malformed; everything read after that is meaningless. */
  ok = true;
  /** Where the line starts, and the line as its own (sliced, not copied) string, made on first use. */
  private start = 0;
  private line: string | null = null;

  reset(s: string, b: Uint8Array, start: number, end: number): void {
    this.s = s;
    this.b = b;
    this.pos = start;
    this.end = end;
    this.ok = true;
    this.start = start;
    this.line = null;
  }

  /**
   * Position of the next `ch` at or after `from` within the line, or the line end when there is none.
   * String.indexOf searches long runs (GUIDs, names) several times faster than a byte loop; searching
   * the line's own string, not the whole text, keeps it from ever scanning past the line.
   */
  find(ch: string, from: number): number {
    if (this.line === null) this.line = this.s.slice(this.start, this.end);
    const i = this.line.indexOf(ch, from - this.start);
    return i < 0 ? this.end : i + this.start;
  }

  fail(): void {
    this.ok = false;
  }

  /** The character code at the cursor, -1 at the end of the line. */
  peek(): number {
    return this.pos < this.end ? this.b[this.pos]! : -1;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Consumes `code` when it is next. */
  eat(code: number): boolean {
    if (this.pos < this.end && this.b[this.pos] === code) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** Consumes `code`, which must be next (a separator after a token). */
  expect(code: number): void {
    if (this.pos < this.end && this.b[this.pos] === code) this.pos++;
    else this.ok = false;
  }

  /**
   * An integer within [min, max], as fields.ts `intRange` accepts it: `-?[0-9]{1,15}` (leading zeros
   * allowed, `-0` is 0, no `+`, no spaces). Stops at the first other character, which the caller then
   * checks is the separator that must follow. Returns 0 and fails otherwise.
   */
  int(min: number, max: number): number {
    const b = this.b;
    const end = this.end;
    let i = this.pos;
    let negative = false;
    if (i < end && b[i] === MINUS) {
      negative = true;
      i++;
    }
    const first = i;
    let v = 0;
    while (i < end) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      i++;
    }
    this.pos = i;
    const digits = i - first;
    if (negative) v = 0 - v; // 0 - 0 is +0, as in fields.ts: never -0
    // More than 15 digits is "out of range" for the strict parser whatever their value.
    if (digits === 0 || digits > 15 || v < min || v > max) {
      this.ok = false;
      return 0;
    }
    return v;
  }

  /** int(min, max) followed by the separator `sep` (consumed): one call for the common field shape. */
  intThen(min: number, max: number, sep: number): number {
    const v = this.int(min, max);
    if (this.pos < this.end && this.b[this.pos] === sep) this.pos++;
    else this.ok = false;
    return v;
  }

  /** decimal() followed by the separator `sep` (consumed). */
  decimalThen(sep: number): number {
    const v = this.decimal();
    if (this.pos < this.end && this.b[this.pos] === sep) this.pos++;
    else this.ok = false;
    return v;
  }

  /**
   * A legacy decimal, exactly as fields.ts `decimal` reads it: `-?[0-9]{1,15}(\.[0-9]+)?` rounded half
   * away from zero, |v| ≤ INT32_MAX. Integers (nearly all values) are read here; a fraction is left to
   * decimalFraction, which keeps this method small enough to be inlined.
   */
  decimal(): number {
    const b = this.b;
    const end = this.end;
    let i = this.pos;
    const negative = i < end && b[i] === MINUS;
    if (negative) i++;
    const first = i;
    let intPart = 0;
    while (i < end) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) break;
      intPart = intPart * 10 + d;
      i++;
    }
    if (i < end && b[i] === DOT) return this.decimalFraction(i, i - first, intPart, negative);
    // intPart + 0 + 0.5 floored, as fields.ts computes it, is intPart exactly for ≤ 15 digits.
    this.pos = i;
    const digits = i - first;
    if (digits === 0 || digits > 15 || intPart > 2147483647) {
      this.ok = false;
      return 0;
    }
    return negative && intPart !== 0 ? -intPart : intPart;
  }

  /** decimal() from the `.` at `dot` on: the same floating-point steps as fields.ts, so the same result. */
  private decimalFraction(dot: number, digits: number, intPart: number, negative: boolean): number {
    const b = this.b;
    let i = dot + 1;
    let frac = 0;
    let scale = 0.1;
    while (i < this.end) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) break;
      frac += d * scale;
      scale /= 10;
      i++;
    }
    this.pos = i;
    const magnitude = Math.floor(intPart + frac + 0.5);
    // `12.` has no fraction digits.
    if (digits === 0 || digits > 15 || i === dot + 1 || magnitude > 2147483647) {
      this.ok = false;
      return 0;
    }
    return negative && magnitude !== 0 ? -magnitude : magnitude;
  }

  /** `0` or `1`. */
  flag(): boolean {
    const c = this.peek();
    if (c === 48 || c === 49) {
      this.pos++;
      return c === 49;
    }
    this.ok = false;
    return false;
  }

  /**
   * One of the keywords at the cursor; returns the matching constant, or fails (returning the first
   * keyword). A keyword followed by more letters is left for the separator check that follows to reject.
   */
  word<T extends string>(keywords: Keywords<T>): T {
    const b = this.b;
    const at = this.pos;
    if (at < this.end) {
      const candidates = keywords.byFirst[b[at]!];
      if (candidates !== undefined) {
        for (let k = 0; k < candidates.length; k++) {
          const keyword = candidates[k]!;
          const bytes = keyword.bytes;
          if (at + bytes.length <= this.end && sameBytes(b, at, bytes)) {
            this.pos = at + bytes.length;
            return keyword.word;
          }
        }
      }
    }
    this.ok = false;
    return keywords.words[0]!;
  }

  /** `literal` at the cursor, consumed when it matches. */
  literal(text: string): boolean {
    const b = this.b;
    const at = this.pos;
    if (this.end - at < text.length) return false;
    for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
    this.pos = at + text.length;
    return true;
  }

  /** Moves to the `;` that ends the current (text) field, or the line end; returns where it started. */
  skipField(): number {
    // Empty and short fields are found by looking at a few bytes; longer ones (GUIDs) by find.
    const b = this.b;
    const start = this.pos;
    const near = Math.min(this.end, start + 12);
    let i = start;
    while (i < near && b[i] !== SEMI) i++;
    this.pos = i < near || near === this.end ? i : this.find(';', i);
    return start;
  }

  /**
   * Skips content the format says to ignore (parts or fields after the known ones) up to `stopA`,
   * `stopB` or the line end; it must still be printable ASCII, which v1 requires of every byte.
   */
  skipPrintable(stopA: number, stopB: number): void {
    const b = this.b;
    let i = this.pos;
    while (i < this.end) {
      const c = b[i]!;
      if (c === stopA || c === stopB) break;
      if (!isPrintable(c)) this.ok = false;
      i++;
    }
    this.pos = i;
  }
}

/** True when `word` occurs in `b` at `at` (the caller has checked there is room). */
function sameBytes(b: Uint8Array, at: number, word: Uint8Array): boolean {
  for (let i = 0; i < word.length; i++) if (b[at + i] !== word[i]) return false;
  return true;
}

/**
 * A set of non-negative integers (engagement ids, pids) as flags in an array: they are small and dense
 * in practice, where this is much cheaper than a Set; a huge or sparse one only makes the array sparse.
 */
export class IntSet {
  private readonly flags: boolean[] = [];
  has(n: number): boolean {
    return this.flags[n] === true;
  }
  add(n: number): void {
    this.flags[n] = true;
  }
}

/**
 * `weapons` records (meansOfDeath → hits) are plain objects with integer keys. Creating one as `{}` and
 * then storing a key makes V8 grow the object's element store in the runtime (~150 ns, the costliest
 * step of a whole attacker); copying a one-key template with spread copies a ready store (~40 ns). The
 * result is the same object: own enumerable data properties, Object.prototype.
 */
const WEAPON_TEMPLATES: (Record<number, number> | undefined)[] = [];
export function weaponsWith(mod: number, hits: number): Record<number, number> {
  let template = WEAPON_TEMPLATES[mod];
  if (template === undefined) {
    template = {};
    template[mod] = 0;
    WEAPON_TEMPLATES[mod] = template;
  }
  const weapons = { ...template };
  weapons[mod] = hits;
  return weapons;
}
