/**
 * The backends every store test runs against: PGlite in memory always, and PostgreSQL when
 * DATABASE_URL is set — a fresh database per call (proximity_test_<random>), dropped afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreInternals } from '../../src/store/db.ts';
import { loadMigrations } from '../../src/store/migrate.ts';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';

export interface TestDb {
  name: 'pglite' | 'postgres';
  /** Opens (and migrates) a store on this database; may be called more than once. */
  open(): Promise<Store>;
  /** PostgreSQL only: the database URL (for child processes). */
  url?: string;
  drop(): Promise<void>;
}

export const hasPostgres = Boolean(process.env.DATABASE_URL);

export async function freshPostgres(): Promise<TestDb> {
  const admin = process.env.DATABASE_URL!;
  const name = `proximity_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const opened: Store[] = [];
  return {
    name: 'postgres',
    url: url.toString(),
    async open() {
      const s = await openStore({ databaseUrl: url.toString() });
      opened.push(s);
      return s;
    },
    async drop() {
      for (const s of opened) await s.close().catch(() => {});
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * PGlite's initdb costs seconds; every test process after the first starts from a migrated image
 * cached in the temp dir, keyed by the migrations' checksums (so a changed migration makes a new one).
 */
export async function pgliteImage(): Promise<Blob> {
  const key = createHash('sha256').update(loadMigrations().map((m) => m.sha256).join()).digest('hex').slice(0, 16);
  const file = join(tmpdir(), `proximity-pglite-template-${key}.tar`);
  if (!existsSync(file)) {
    const store = (await openStore({ dataDir: 'memory://', databaseUrl: '' })) as StoreInternals;
    const image = await store.dumpImage!();
    await store.close();
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await image.arrayBuffer()));
    renameSync(tmp, file); // atomic: a concurrent test process sees the whole file or none
  }
  return new Blob([readFileSync(file)]);
}

async function openPgliteFromTemplate(): Promise<Store> {
  return openStore({ dataDir: 'memory://', databaseUrl: '', pgliteImage: await pgliteImage() });
}

/** An in-memory PGlite: `open()` returns the same store each time (one process, one database). */
export function freshPglite(): TestDb {
  let store: Promise<Store> | null = null;
  return {
    name: 'pglite',
    open() {
      store ??= openPgliteFromTemplate();
      return store;
    },
    async drop() {
      if (store) await (await store).close();
    },
  };
}

/** One fresh database per available backend. */
export async function freshDatabases(): Promise<TestDb[]> {
  return hasPostgres ? [freshPglite(), await freshPostgres()] : [freshPglite()];
}
