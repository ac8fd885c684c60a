/**
 * The database surface analytics needs: one parameterised query method. Identical to the store's
 * `Queryable` (docs/API-CONTRACTS.md), declared here so analytics can be used with any client that
 * has the same method (a Store, a transaction, a test double).
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * PostgreSQL returns bigint (count, sum) as strings and numeric as strings; PGlite may return them as
 * numbers or bigints. Every numeric column passes through here so results are plain numbers.
 */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

export function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
