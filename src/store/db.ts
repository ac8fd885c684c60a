/**
 * One `Store` interface over two backends: embedded PGlite (a data directory, the default) and a real
 * PostgreSQL server (`pg` Pool, when a database URL is given). Both return the same JavaScript values:
 * int8 and numeric as numbers (counts and sums stay far below 2^53), date as 'YYYY-MM-DD' strings,
 * timestamptz as Date, json/jsonb parsed, arrays as arrays.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import envPaths from 'env-paths';
import pg from 'pg';
import { runMigrations, type Migration } from './migrate.ts';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Store extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A transaction handle that can also run a multi-statement script (migrations). */
export interface ScriptQueryable extends Queryable {
  exec(sql: string): Promise<void>;
}

/** Internal view of a store: transactions whose handle can run scripts, and the import concurrency. */
export interface StoreInternals extends Store {
  scriptTransaction<T>(fn: (tx: ScriptQueryable) => Promise<T>): Promise<T>;
  /** How many files importPaths may import at once (PGlite is one process: 1). */
  readonly parallelism: number;
  /** PGlite only: the data directory as a tarball (see OpenStoreOptions.pgliteImage). */
  dumpImage?: () => Promise<Blob>;
}

export interface OpenStoreOptions {
  /** PostgreSQL connection string. When neither this nor `dataDir` is given, `DATABASE_URL` is used. */
  databaseUrl?: string;
  /** PGlite data directory; `memory://` for an in-memory database (tests). */
  dataDir?: string;
  /** PGlite only: start from this data directory image (a `dumpDataDir()` tarball) — tests use a
   *  migrated template to skip initdb. */
  pgliteImage?: Blob;
  /** PostgreSQL only: files importPaths imports at once (default 4). */
  importParallelism?: number;
  /** Apply only these migrations (default: all in sql/migrations). Tests of a migration use it to
   *  build a database at an older schema. */
  migrations?: Migration[];
}

const OID = { int8: 20, numeric: 1700, date: 1082 } as const;

const toNumber = (v: string): number => Number(v);
const asIs = (v: string): string => v;

export function defaultDataDir(): string {
  return join(envPaths('proximity', { suffix: '' }).data, 'pglite');
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  // An explicit choice wins: `dataDir` alone means PGlite even when DATABASE_URL is set in the environment.
  const url = opts.databaseUrl ?? (opts.dataDir === undefined ? process.env.DATABASE_URL : undefined);
  const store = url ? openPostgres(url, opts.importParallelism ?? 4) : await openPglite(opts.dataDir ?? defaultDataDir(), opts.pgliteImage);
  try {
    await runMigrations(store, opts.migrations);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

async function openPglite(dataDir: string, image?: Blob): Promise<StoreInternals> {
  if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({
    dataDir,
    ...(image ? { loadDataDir: image } : {}),
    parsers: { [OID.int8]: toNumber, [OID.numeric]: toNumber, [OID.date]: asIs },
  });
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): ScriptQueryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      return (await q.query<T>(sql, params as unknown[] | undefined)).rows;
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
  });
  const self = wrap(db);
  return {
    kind: 'pglite',
    parallelism: 1,
    query: self.query,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    scriptTransaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
    dumpImage: () => db.dumpDataDir('none'),
  } as StoreInternals;
}

function openPostgres(url: string, parallelism: number): StoreInternals {
  const typeParsers: Record<number, (v: string) => unknown> = {
    [OID.int8]: toNumber,
    [OID.numeric]: toNumber,
    [OID.date]: asIs,
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: parallelism + 2,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        typeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener Node
  // would crash the process. The next query gets a fresh connection.
  pool.on('error', () => {});
  const wrap = (c: pg.Pool | pg.PoolClient): ScriptQueryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      return (await c.query(sql, params as unknown[] | undefined)).rows as T[];
    },
    async exec(sql: string): Promise<void> {
      await c.query(sql); // no parameters: simple protocol, multi-statement scripts allowed
    },
  });
  const transaction = async <T>(fn: (tx: ScriptQueryable) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone; do not return it to the pool
      }
      throw e;
    } finally {
      client.release(broken);
    }
  };
  const self = wrap(pool);
  return {
    kind: 'postgres',
    parallelism,
    query: self.query,
    transaction,
    scriptTransaction: transaction,
    close: () => pool.end(),
  };
}
