/**
 * Field-level parsers shared by every format reader. They throw FieldError (field + problem); the line
 * reader turns it into a RoundFileError with the file and line. No regular expressions: the import of a
 * year of files goes through here, so each parser is one pass over the characters.
 */
import { FieldError } from './errors.ts';
import { TextEncodingError, decodeText } from './escape.ts';
import type { PlayerClass, Team, Vec3 } from './types.ts';

/** Shows a hostile value in a message without letting it flood the log. */
export function show(value: string): string {
  return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
}

/**
 * Bounds that keep every value inside the store's column types (integer, smallint) — a value beyond
 * them is garbage, and is better reported here, with its line and field, than as a database error.
 */
export const INT32_MAX = 2147483647;
/** pids, meansOfDeath and weapon ids are stored as smallint. */
export const SMALL_MAX = 32767;
/** The tracker drops any coordinate with |v| > 1,000,000 (docs/FORMAT.md). */
export const COORD_MAX = 1_000_000;

/** `-?[0-9]+` within ±INT32_MAX. */
export function int(s: string, field: string): number {
  const v = int53(s, field);
  if (v > INT32_MAX || v < -INT32_MAX) throw new FieldError(field, `integer out of range: ${show(s)}`);
  return v;
}

/** Unix seconds: an integer ≥ 0 that may outgrow 32 bits (2038). */
export function unixSeconds(s: string, field: string): number {
  const v = int53(s, field);
  if (v < 0) throw new FieldError(field, `${v} is below the minimum 0`);
  return v;
}

/** `-?[0-9]+`, at most 15 digits so the value is always a safe integer. */
function int53(s: string, field: string): number {
  const n = s.length;
  if (n === 0) throw new FieldError(field, 'empty, expected an integer');
  let i = 0;
  let negative = false;
  if (s.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  if (i === n) throw new FieldError(field, `not an integer: ${show(s)}`);
  if (n - i > 15) throw new FieldError(field, `integer out of range: ${show(s)}`);
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new FieldError(field, `not an integer: ${show(s)}`);
    v = v * 10 + d;
  }
  return negative ? 0 - v : v;
}

/** A count, id or round time: an integer ≥ min. */
export function intMin(s: string, field: string, min: number): number {
  const v = int(s, field);
  if (v < min) throw new FieldError(field, `${v} is below the minimum ${min}`);
  return v;
}

export function intRange(s: string, field: string, min: number, max: number): number {
  const v = int(s, field);
  if (v < min || v > max) throw new FieldError(field, `${v} is outside ${min}–${max}`);
  return v;
}

export function optionalInt(s: string, field: string): number | null {
  return s === '' ? null : int(s, field);
}

export function flag(s: string, field: string): boolean {
  if (s === '1') return true;
  if (s === '0') return false;
  throw new FieldError(field, `expected 0 or 1, got ${show(s)}`);
}

const TEAMS = new Map<string, Team>([
  ['AXIS', 'AXIS'],
  ['ALLIES', 'ALLIES'],
  ['SPECTATOR', 'SPECTATOR'],
]);
export function team(s: string, field: string): Team {
  const t = TEAMS.get(s);
  if (t === undefined) throw new FieldError(field, `unknown team ${show(s)} (AXIS, ALLIES or SPECTATOR)`);
  return t;
}

const CLASSES = new Map<string, PlayerClass>([
  ['SOLDIER', 'SOLDIER'],
  ['MEDIC', 'MEDIC'],
  ['ENGINEER', 'ENGINEER'],
  ['FIELDOPS', 'FIELDOPS'],
  ['COVERTOPS', 'COVERTOPS'],
]);
export function playerClass(s: string, field: string): PlayerClass | null {
  if (s === '') return null;
  const c = CLASSES.get(s);
  if (c === undefined) throw new FieldError(field, `unknown class ${show(s)}`);
  return c;
}

export function enumOf<T extends string>(values: ReadonlySet<string>, s: string, field: string): T {
  if (!values.has(s)) throw new FieldError(field, `unknown value ${show(s)} (expected one of ${[...values].join(', ')})`);
  return s as T;
}

export function text(s: string, field: string): string {
  try {
    return decodeText(s);
  } catch (e) {
    if (e instanceof TextEncodingError) throw new FieldError(field, e.message);
    throw e;
  }
}

/** `x,y,z` of integers, or empty (the tracker drops coordinates the engine reports as garbage). */
export function optionalVec(s: string, field: string): Vec3 | null {
  if (s === '') return null;
  const p = s.split(',');
  if (p.length !== 3) throw new FieldError(field, `expected x,y,z, got ${show(s)}`);
  return { x: coord(p[0]!, field), y: coord(p[1]!, field), z: coord(p[2]!, field) };
}

export function coord(s: string, field: string): number {
  return intRange(s, field, -COORD_MAX, COORD_MAX);
}

/** A `|` list of integers ≥ 1 (pids); empty string = empty list. */
export function pidList(s: string, field: string): number[] {
  if (s === '') return [];
  const parts = s.split('|');
  const out = new Array<number>(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = intRange(parts[i]!, `${field}[${i + 1}]`, 1, SMALL_MAX);
  return out;
}

/**
 * A decimal number as the legacy trackers wrote them (`1234.5`, `-12`, `100.0`), rounded to the nearest
 * integer. One pass, no regex; rejects everything `-?[0-9]+(\.[0-9]+)?` does not match.
 */
export function decimal(s: string, field: string): number {
  const n = s.length;
  let i = 0;
  let negative = false;
  if (n > 0 && s.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  let intPart = 0;
  let digits = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    intPart = intPart * 10 + d;
    digits++;
  }
  if (digits === 0 || digits > 15) throw new FieldError(field, `not a number: ${show(s)}`);
  let frac = 0;
  if (i < n) {
    if (s.charCodeAt(i) !== 46 || i === n - 1) throw new FieldError(field, `not a number: ${show(s)}`);
    let scale = 0.1;
    for (i++; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) throw new FieldError(field, `not a number: ${show(s)}`);
      frac += d * scale;
      scale /= 10;
    }
  }
  // Round half away from zero, so -0.5 and 0.5 are symmetric; never return -0.
  const magnitude = Math.floor(intPart + frac + 0.5);
  if (magnitude > INT32_MAX) throw new FieldError(field, `number out of range: ${show(s)}`);
  return negative && magnitude !== 0 ? -magnitude : magnitude;
}
