/**
 * Applies sql/migrations/NNN_*.sql in name order, once each, recording name + sha256 in
 * `schema_migrations`. Refuses to open a database whose applied migrations differ from the files
 * (edited, or missing because the database is newer than this code): silently running against a
 * schema we do not know would corrupt data. Everything runs in one transaction under an advisory
 * lock, so two processes opening the same PostgreSQL database at once apply each file exactly once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoreInternals } from './db.ts';

/** Arbitrary constant: the advisory lock that serialises migrations between processes. */
const MIGRATION_LOCK = 7405830184;

export interface Migration {
  name: string;
  sql: string;
  sha256: string;
}

/** Finds sql/migrations by walking up from this module (works from src/ and from dist/src/). */
export function migrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'sql', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('sql/migrations not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function loadMigrations(dir = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, sha256: createHash('sha256').update(sql).digest('hex') };
    });
}

export async function runMigrations(store: StoreInternals, migrations = loadMigrations()): Promise<string[]> {
  return store.scriptTransaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Map(
      (await tx.query<{ name: string; sha256: string }>('SELECT name, sha256 FROM schema_migrations')).map(
        (r) => [r.name, r.sha256],
      ),
    );
    const byName = new Map(migrations.map((m) => [m.name, m]));
    for (const [name, sha] of applied) {
      const file = byName.get(name);
      if (!file) {
        throw new Error(`migration ${name} is applied in the database but its file is missing: the database is newer than this code`);
      }
      if (file.sha256 !== sha) {
        throw new Error(`migration ${name} was applied with sha256 ${sha} but the file now has ${file.sha256}: never edit an applied migration, add a new one`);
      }
    }
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.name)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)', [m.name, m.sha256]);
      done.push(m.name);
    }
    return done;
  });
}
