/**
 * Process-level guarantees: an importer killed with SIGKILL in the middle of a file's transaction
 * leaves the database as if that file had never been started (PGlite on disk and PostgreSQL), and
 * two importer processes on one directory against one PostgreSQL database never double anything.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { syntheticRound } from '../../src/format/synthetic.ts';
import { importPaths, openStore, rebuildAggregates, type Store } from '../../src/store/index.ts';
import { loadMigrations } from '../../src/store/migrate.ts';
import { freshPostgres, hasPostgres, pgliteImage } from './backends.ts';
import { writeRounds } from './fixtures.ts';
import { aggregateSnapshot, snapshot } from './snapshot.ts';
import { runChild, startChild } from './spawn.ts';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const tmp = mkdtempSync(join(tmpdir(), 'proximity-crash-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Two small rounds and one large one (500 engagements). */
function files(dir: string): { small: string[]; large: string } {
  const small = writeRounds(join(dir, 'small'), [0, 1].map((i) => syntheticRound(500 + i, { startUnix: T0 + i * 3600, engagements: 30 })));
  const [large] = writeRounds(join(dir, 'large'), [syntheticRound(600, { startUnix: T0 + 10 * 3600, engagements: 500, playersPerTeam: 12 })]);
  return { small, large: large! };
}

/** Kills a child importer inside the large file's transaction; returns once it is dead. */
async function killMidImport(target: { databaseUrl?: string; dataDir?: string }, large: string): Promise<void> {
  const c = startChild({ ...target, paths: [large], hangInside: true });
  await c.waitFor('INSIDE');
  c.child.kill('SIGKILL');
  assert.equal(await c.done, null); // killed by a signal, no exit code
}

describe('SIGKILL in the middle of an import (PGlite on disk)', () => {
  it('leaves the database as if the file had never been started', async () => {
    const dataDir = join(tmp, 'pglite');
    const { small, large } = files(join(tmp, 'pglite-files'));
    let store: Store = await openStore({ dataDir, databaseUrl: '', pgliteImage: await pgliteImage() });
    assert.ok((await importPaths(store, small)).every((o) => o.status === 'imported'));
    const before = await snapshot(store);
    await store.close();

    await killMidImport({ dataDir }, large);

    store = await openStore({ dataDir, databaseUrl: '' });
    try {
      assert.deepEqual(await snapshot(store), before);
      const [out] = await importPaths(store, [large]);
      assert.equal(out!.status, 'imported'); // no ledger entry, no half round left behind
      assert.equal(out!.engagements, 500);
      const aggregates = await aggregateSnapshot(store);
      await rebuildAggregates(store);
      assert.deepEqual(await aggregateSnapshot(store), aggregates);
    } finally {
      await store.close();
    }
  });
});

describe('PostgreSQL processes', { skip: !hasPostgres && 'DATABASE_URL is not set' }, () => {
  it('SIGKILL mid-import leaves the database equal to a clean import', async () => {
    const { small, large } = files(join(tmp, 'pg-files'));
    const crashed = await freshPostgres();
    const clean = await freshPostgres();
    try {
      const store = await crashed.open();
      await importPaths(store, small);
      const before = await snapshot(store);
      await killMidImport({ databaseUrl: crashed.url! }, large);
      assert.deepEqual(await snapshot(store), before);
      assert.equal((await importPaths(store, [large]))[0]!.status, 'imported');

      const reference = await clean.open();
      await importPaths(reference, small);
      await importPaths(reference, [large]);
      assert.deepEqual(await snapshot(store), await snapshot(reference));
    } finally {
      await crashed.drop();
      await clean.drop();
    }
  });

  it('two importer processes on the same directory import each round exactly once', async () => {
    const dir = join(tmp, 'two-procs');
    writeRounds(dir, Array.from({ length: 10 }, (_, i) => syntheticRound(700 + i, { startUnix: T0 + i * 1800, engagements: 30 })));
    const shared = await freshPostgres();
    const clean = await freshPostgres();
    try {
      // Not migrated yet: the two children also race to apply the migrations.
      const [a, b] = await Promise.all([
        runChild({ databaseUrl: shared.url!, paths: [dir] }),
        runChild({ databaseUrl: shared.url!, paths: [dir] }),
      ]);
      assert.equal(a.length, 10);
      for (let i = 0; i < 10; i++) {
        assert.equal(a[i]!.file, b[i]!.file);
        assert.deepEqual([a[i]!.status, b[i]!.status].sort(), ['duplicate', 'imported']);
      }
      const reference = await clean.open();
      await importPaths(reference, [dir]);
      const store = await shared.open();
      assert.deepEqual(await snapshot(store), await snapshot(reference));
    } finally {
      await shared.drop();
      await clean.drop();
    }
  });

  it('three stores opening a fresh database at once migrate it exactly once', async () => {
    const db = await freshPostgres();
    try {
      const url = db.url!;
      const stores = await Promise.all([openStore({ databaseUrl: url }), openStore({ databaseUrl: url }), openStore({ databaseUrl: url })]);
      const rows = await stores[0]!.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
      assert.equal(Number(rows[0]!.n), loadMigrations().length);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await db.drop();
    }
  });
});
