/**
 * Opening the store for a command. Explicit beats implicit: `--database-url`, then `--data-dir` (the
 * embedded database there), then DATABASE_URL, then the embedded database in the user data dir. A database that cannot be opened is a usage/connection
 * error (exit 2), reported in one line with the password masked.
 */
import { resolve } from 'node:path';
import envPaths from 'env-paths';
import { defaultDataDir, openStore, type Store } from '../store/index.ts';
import { CliError, EXIT_USAGE } from './exit-codes.ts';
import { lockDataDir } from './lock.ts';

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir?: string;
}

/** The user data dir of Proximity (XDG_DATA_HOME on Linux), the one the store's default database is in. */
export function userDataDir(): string {
  return envPaths('proximity', { suffix: '' }).data;
}

export function defaultEmbeddedDir(): string {
  return defaultDataDir();
}

/** The connection the options select, resolved the way openStore resolves it. */
export function resolveDatabase(opts: DatabaseOptions): { databaseUrl?: string; dataDir?: string } {
  if (opts.databaseUrl) return { databaseUrl: opts.databaseUrl };
  if (opts.dataDir) return { dataDir: opts.dataDir };
  if (process.env.DATABASE_URL) return { databaseUrl: process.env.DATABASE_URL };
  return { dataDir: defaultEmbeddedDir() };
}

/** Human description of the database, safe to print: credentials in URLs are masked. */
export function describeDatabase(opts: DatabaseOptions): string {
  const resolved = resolveDatabase(opts);
  if (resolved.databaseUrl) return `PostgreSQL ${maskUrl(resolved.databaseUrl)}`;
  return `embedded database in ${resolved.dataDir}`;
}

export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

export async function openCliStore(opts: DatabaseOptions): Promise<Store> {
  const resolved = resolveDatabase(opts);
  const unlock = resolved.dataDir ? lockDataDir(resolve(resolved.dataDir)) : () => {};
  let store: Store;
  try {
    store = await openStore(resolved.databaseUrl ? { databaseUrl: resolved.databaseUrl } : { dataDir: resolved.dataDir! });
  } catch (error) {
    unlock();
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot open the ${describeDatabase(opts)}: ${message}`, EXIT_USAGE);
  }
  // The same store, with the lock released once it is closed.
  return Object.assign(Object.create(store) as Store, {
    close: async () => {
      try {
        await store.close();
      } finally {
        unlock();
      }
    },
  });
}

/** Runs `fn` with an open store and always closes it, also when `fn` throws. */
export async function withStore<T>(opts: DatabaseOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  return withOpenStore(await openCliStore(opts), fn);
}

export async function withOpenStore<T>(store: Store, fn: (store: Store) => Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
