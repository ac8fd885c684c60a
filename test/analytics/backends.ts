/**
 * Test backends: an in-memory PGlite store always, and a fresh PostgreSQL database (created for the
 * test file, dropped afterwards) when DATABASE_URL is set. Both get the fixture rounds imported
 * through the store's own importer.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, importPaths, type Store } from '../../src/store/index.ts';
import { writeFixtureFiles } from './fixtures.ts';

export interface Backend {
  name: 'pglite' | 'postgres';
  open(): Promise<{ store: Store; close(): Promise<void> }>;
}

async function openPglite(): Promise<{ store: Store; close(): Promise<void> }> {
  // openStore prefers DATABASE_URL over dataDir; hide it so this backend is always PGlite.
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    const store = await openStore({ dataDir: 'memory://' });
    return { store, close: () => store.close() };
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
}

async function openFreshPostgres(url: string): Promise<{ store: Store; close(): Promise<void> }> {
  const name = `proximity_analytics_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`); // name is generated above: [a-z0-9_] only
  const target = new URL(url);
  target.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: target.toString() });
  return {
    store,
    close: async () => {
      await store.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}

export const BACKENDS: Backend[] = [
  { name: 'pglite', open: openPglite },
  ...(process.env.DATABASE_URL
    ? [{ name: 'postgres' as const, open: () => openFreshPostgres(process.env.DATABASE_URL as string) }]
    : []),
];

/** Opens a store on the backend and imports the fixture rounds; fails loudly if any file is not imported. */
export async function openWithFixtures(backend: Backend): Promise<{ store: Store; close(): Promise<void> }> {
  const opened = await backend.open();
  const files = await writeFixtureFiles();
  try {
    const outcomes = await importPaths(opened.store, files.files);
    const bad = outcomes.filter((o) => o.status !== 'imported');
    if (bad.length > 0) throw new Error(`fixture import failed: ${JSON.stringify(bad)}`);
  } catch (e) {
    await opened.close();
    throw e;
  } finally {
    await files.cleanup();
  }
  return opened;
}
