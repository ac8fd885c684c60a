/**
 * Migrations 003 and 004 convert a database written by the schema of 001+002 (one row per engagement
 * and per round player, round_heatmap as a table) into round_detail's arrays (003), then into its
 * packed blob (004). Proof: import the fixtures with the current schema, copy every row (the views give
 * exactly the old tables' columns) into a database at schema 002, migrate it through both, and compare
 * everything the store keeps.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { StoreInternals } from '../../src/store/db.ts';
import { importPaths, openStore, type Store } from '../../src/store/index.ts';
import { loadMigrations, runMigrations } from '../../src/store/migrate.ts';
import { hasPostgres } from './backends.ts';
import { snapshot } from './snapshot.ts';

const VECTORS = join(import.meta.dirname, '..', 'vectors');
const files = readdirSync(VECTORS).filter((f) => f.endsWith('.txt')).map((f) => join(VECTORS, f));
const SCHEMA_002 = loadMigrations().filter((m) => m.name < '003');

/** Tables of schema 002 in an order that satisfies its foreign keys. */
const OLD_TABLES = [
  'round', 'imported_file', 'player', 'player_name_history', 'round_player', 'combat_engagement', 'round_heatmap',
  'player_teamplay_stats', 'player_weapon_stats', 'crossfire_pairs', 'teammate_pair_stats', 'map_kill_heatmap',
  'map_movement_heatmap', 'engagement_daily_stats',
  'player_teamplay_stats_baseline', 'player_weapon_stats_baseline', 'crossfire_pairs_baseline',
  'teammate_pair_stats_baseline', 'map_kill_heatmap_baseline', 'map_movement_heatmap_baseline',
  'engagement_daily_stats_baseline',
];

interface Backend {
  name: string;
  open(migrations?: typeof SCHEMA_002): Promise<Store>;
  cleanup(): Promise<void>;
}

function pglite(): Backend {
  const stores: Store[] = [];
  return {
    name: 'pglite',
    async open(migrations) {
      const s = await openStore({ dataDir: 'memory://', databaseUrl: '', ...(migrations ? { migrations } : {}) });
      stores.push(s);
      return s;
    },
    async cleanup() {
      for (const s of stores) await s.close();
    },
  };
}

function postgres(): Backend {
  const admin = process.env.DATABASE_URL!;
  const made: string[] = [];
  const stores: Store[] = [];
  return {
    name: 'postgres',
    async open(migrations) {
      const name = `proximity_test_${randomBytes(6).toString('hex')}`;
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      made.push(name);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      const s = await openStore({ databaseUrl: url.toString(), ...(migrations ? { migrations } : {}) });
      stores.push(s);
      return s;
    },
    async cleanup() {
      for (const s of stores) await s.close().catch(() => {});
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      for (const name of made) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

for (const backend of hasPostgres ? [pglite(), postgres()] : [pglite()]) {
  describe(`migrations 003 and 004 (${backend.name})`, () => {
    after(() => backend.cleanup());

    it('convert the 002 tables into packed round_detail rows without changing a row of what the store keeps', async () => {
      const current = await backend.open();
      const outcomes = await importPaths(current, files, { serverId: 'vectors' });
      assert.ok(outcomes.filter((o) => o.status === 'imported').length >= 5, JSON.stringify(outcomes));
      const expected = await snapshot(current);
      assert.ok(expected.combat_engagement!.length > 10);

      const old = await backend.open(SCHEMA_002);
      await old.transaction(async (tx) => {
        for (const table of OLD_TABLES) {
          const rows = await current.query(`SELECT * FROM ${table}`);
          if (rows.length === 0) continue;
          const overriding = table === 'round' ? 'OVERRIDING SYSTEM VALUE' : '';
          await tx.query(
            `INSERT INTO ${table} ${overriding} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`,
            [JSON.stringify(rows)],
          );
        }
      });
      assert.deepEqual(await runMigrations(old as StoreInternals), ['003_compact_detail.sql', '004_packed_detail.sql']);
      assert.deepEqual(await snapshot(old), expected);
      // and the migrated database imports on as usual: every fixture is now a duplicate
      const again = await importPaths(old, files, { serverId: 'vectors' });
      assert.deepEqual(again.map((o) => o.status), outcomes.map((o) => (o.status === 'imported' ? 'duplicate' : o.status)));
    });
  });
}
