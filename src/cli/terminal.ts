/**
 * Terminal output: colours (only on a TTY), safe rendering of hostile text, and plain-text tables.
 *
 * Player names, map names and server names come from game clients and are hostile input: a name can
 * carry ANSI escape sequences or other control bytes that would rewrite the operator's terminal. Every
 * piece of data text goes through `safeText` before it is printed.
 */
import type { WriteStream } from 'node:tty';

export interface Palette {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  enabled: boolean;
}

/** Colours follow the usual conventions: NO_COLOR disables, FORCE_COLOR forces, otherwise TTY only. */
export function colorEnabled(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.TERM === 'dumb') return false;
  return Boolean((stream as Partial<WriteStream>).isTTY);
}

export function makePalette(enabled: boolean): Palette {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Control characters (C0, DEL, C1) and Unicode line/paragraph separators: never printed raw. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Replaces control characters by a visible `\xNN` escape so the text cannot drive the terminal. */
export function safeText(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** ET colour codes: `^` followed by any printable character (`^1`, `^a`, `^^`…). */
const ET_COLOR = /\^[\x20-\x7e]/g;

/** A player name for the terminal: colour codes removed, control characters made visible. */
export function playerName(name: string | null | undefined): string {
  if (name === null || name === undefined) return '';
  const plain = safeText(name.replace(ET_COLOR, ''));
  return plain.trim() === '' ? safeText(name) || '(unnamed)' : plain;
}

/** A player for tables: the name, or `(unnamed 6402DD6B)` when the name has no visible characters. */
export function playerLabel(name: string | null | undefined, guid: string): string {
  const shown = playerName(name);
  return shown === '(unnamed)' ? `(unnamed ${safeText(guid.slice(0, 8))})` : shown;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Printed width of a string: ANSI colour sequences take no room. Wide characters count as one. */
export function visibleWidth(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
  /** Longest cell in characters (longer cells end in `…`). Only applied to uncoloured cells. */
  max?: number;
}

/** Renders rows as an aligned text table; numbers align right by default. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], palette: Palette): string {
  const cells = rows.map((row) =>
    columns.map((col) => {
      const v = col.value(row);
      const text = v === null || v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : v;
      return col.max && !text.includes('\x1b') ? truncate(text, col.max) : text;
    }),
  );
  const aligns = columns.map(
    (col) => col.align ?? (rows.length > 0 && typeof col.value(rows[0]!) === 'number' ? 'right' : 'left'),
  );
  const widths = columns.map((col, i) => Math.max(visibleWidth(col.header), ...cells.map((r) => visibleWidth(r[i]!))));
  const line = (parts: string[]) =>
    parts
      .map((p, i) => pad(p, widths[i]!, aligns[i]!))
      .join('  ')
      .trimEnd();
  const head = palette.bold(line(columns.map((c) => c.header)));
  return [head, ...cells.map(line)].join('\n');
}

/** Integers with thousands separators; other numbers with up to `digits` decimals. */
export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** `1 round`, `2 rounds`, `1,234 rounds`. */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${formatNumber(n)} ${n === 1 ? word : words}`;
}

export function percent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Quotes a path or name for a POSIX shell when it needs it (for commands the CLI suggests). */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
