/**
 * The packed numbers of a round_detail row (sql/migrations/004_packed_detail.sql, docs/SCHEMA.md
 * "Packed detail"): every numeric column of a round in ONE bytea, decoded in SQL by proximity_unpack().
 *
 * Why this layout: PostgreSQL compresses with pglz (the only method every backend has, PGlite
 * included), which finds repeats but has no entropy coding, so a 4-byte integer stays ~4 bytes. Here
 * each column stores only the bytes its values need:
 * - frame of reference: values are stored as (v − min) / step, where step is the greatest common
 *   divisor of the differences (times are multiples of the 50 ms server frame: 2000 ms → 40);
 * - byte planes: with w bytes per value, all low bytes come first, then all second bytes, …; w is the
 *   fewest bytes that hold the largest stored value (often 1);
 * - one datum per round: the whole blob is one TOAST value, which PostgreSQL packs densely in pages,
 *   instead of ~70 small arrays (one header and partly filled chunk each).
 *
 * Blob:   u32 offset[C + 1], then column 0 … column C−1 (offset[k] = start of column k, offset[C] = end;
 *         offset[0] = 4·(C + 1), so the blob says how many columns it holds).
 * Column: u8 flags (bits 0–3: w; bit 4: NULLs present, stored value 0 = NULL and the others +1),
 *         u16 step, u32 min + 2³¹, then w planes of n bytes (n = the group's count, kept beside the blob).
 * All little-endian. Values must be integers within ±(2³¹ − 1): the SQL side decodes to `integer`.
 */

export type PackValue = number | boolean | null;

const HEADER = 7;
const INT32_MAX = 2147483647;

export class PackError extends Error {}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** One column: header and planes (see the module comment). Called ~70 times per round: no allocation but the output. */
export function packColumn(values: readonly PackValue[]): Buffer {
  const n = values.length;
  let min = Infinity;
  let hasNull = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) hasNull = true;
    else {
      const x = +v!;
      if (!Number.isInteger(x) || x > INT32_MAX || x < -INT32_MAX) throw new PackError(`value out of range: ${String(v)}`);
      if (x < min) min = x;
    }
  }
  if (min === Infinity) min = 0;
  let step = 0;
  for (let i = 0; i < n && step !== 1; i++) {
    const v = values[i];
    if (v !== null) step = gcd(step, +v! - min);
  }
  // the header has 16 bits for the step; a larger common divisor is simply not used
  if (step === 0 || step > 0xffff) step = 1;
  const nb = hasNull ? 1 : 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const z = v === null ? 0 : (+v! - min) / step + nb;
    if (z > max) max = z;
  }
  let w = 0;
  for (let m = max; m > 0; m = Math.floor(m / 256)) w++;

  const out = Buffer.alloc(HEADER + w * n);
  out[0] = w | (nb << 4);
  out.writeUInt16LE(step, 1);
  out.writeUInt32LE(min + 2 ** 31, 3);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let z = v === null ? 0 : (+v! - min) / step + nb;
    for (let at = HEADER + i, k = 0; k < w; k++, at += n) {
      out[at] = z % 256;
      z = (z - (z % 256)) / 256;
    }
  }
  return out;
}

/** Columns into one blob with its offset table. */
export function packColumns(columns: readonly Buffer[]): Buffer {
  const directory = Buffer.alloc(4 * (columns.length + 1));
  let at = directory.length;
  columns.forEach((c, k) => {
    directory.writeUInt32LE(at, 4 * k);
    at += c.length;
  });
  directory.writeUInt32LE(at, 4 * columns.length);
  return Buffer.concat([directory, ...columns], at);
}

/** Column k of a blob as numbers (NULL as null); what proximity_unpack() computes in SQL. */
export function unpackColumn(blob: Buffer, k: number, n: number): (number | null)[] {
  const count = blob.readUInt32LE(0) / 4 - 1;
  if (k >= count) return new Array(n).fill(null);
  const c = blob.subarray(blob.readUInt32LE(4 * k), blob.readUInt32LE(4 * k + 4));
  const w = c[0]! & 15;
  const nb = (c[0]! >> 4) & 1;
  const step = c.readUInt16LE(1);
  const min = c.readUInt32LE(3) - 2 ** 31;
  const out = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let p = w - 1; p >= 0; p--) z = z * 256 + c[HEADER + p * n + i]!;
    out[i] = nb && z === 0 ? null : (z - nb) * step + min;
  }
  return out;
}
