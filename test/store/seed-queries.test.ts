/**
 * The seeds' example queries (seed v2 README), copied verbatim, against a hand-built fixture whose
 * every number is predicted below — on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { archiveOldData, dataStats, importPaths, type Store } from '../../src/store/index.ts';
import { freshDatabases, type TestDb } from './backends.ts';
import { RoundBuilder, writeRounds } from './fixtures.ts';

const SEED = {
  oneVsOne: `SELECT player_name, solo_kills, solo_deaths,
       ROUND(100.0 * solo_kills / NULLIF(solo_kills + solo_deaths, 0), 1) as win_rate
FROM player_proximity_stats 
WHERE player_guid = 'ABC123';`,
  hottest: `SELECT grid_x, grid_y, total_kills 
FROM heatmap_by_map 
WHERE map_name = 'goldrush' 
ORDER BY total_kills DESC LIMIT 10;`,
  duos: `SELECT player2_name, kills_within_range, simultaneous_kills
FROM teammate_synergy
WHERE player1_guid = 'ABC123'
ORDER BY kills_within_range DESC LIMIT 5;`,
  breakdown: `SELECT * FROM engagement_breakdown 
WHERE session_date = CURRENT_DATE;`,
  archive: 'SELECT archive_old_proximity_data(30);',
  volume: 'SELECT * FROM proximity_data_stats();',
};

/** Today's rounds (UTC) and one 40 days old; see the expectations in the tests. */
function fixture(dir: string): string[] {
  const now = Math.floor(Date.now() / 1000);
  const today = now - (now % 86_400); // 00:00 UTC today
  const start = today + 60; // today (UTC)

  const r1 = new RoundBuilder({ map: 'goldrush', round: 1, startUnix: start });
  const abc = r1.player('^1Slomi^7X', 'ABC123', 'AXIS');
  const def = r1.player('Target', 'DEF456', 'ALLIES');
  const ghi = r1.player('Teammate', 'GHI789', 'AXIS');
  const jkl = r1.player('Buddy', 'JKL012', 'ALLIES');
  r1.engagement({ target: def, outcome: 'killed', attackers: [{ pid: abc }], kill: { distance: 300 } }) // 1v1
    .engagement({
      target: def, outcome: 'killed', attackers: [{ pid: abc }, { pid: ghi }], killer: abc,
      endMs: 50_000, pairs: [[abc, ghi, 200]], kill: { killerAllies: [ghi], distance: 100 },
    }) // 2v1, assisted, crossfire
    .engagement({ target: jkl, outcome: 'killed', attackers: [{ pid: ghi }], startMs: 49_000, endMs: 50_500 }) // 1v1, simultaneous with the previous
    .engagement({ target: abc, outcome: 'killed', attackers: [{ pid: def }] }) // ABC solo death
    .engagement({ target: jkl, outcome: 'escaped', attackers: [{ pid: abc }] })
    .engagement({ target: abc, outcome: 'killed', attackers: [{ pid: def }], kill: { killerAllies: [jkl] } }); // ganked
  r1.killHeatmap = [
    { gx: 2, gy: 11, axisKills: 5, alliesKills: 3 },
    { gx: 3, gy: 11, axisKills: 2, alliesKills: 1 },
  ];

  const r2 = new RoundBuilder({ map: 'goldrush', round: 2, startUnix: start + 700 });
  r2.player('SlomiX', 'ABC123', 'ALLIES');
  r2.killHeatmap = [{ gx: 2, gy: 11, axisKills: 1, alliesKills: 0 }];
  r2.movementHeatmap = [{ gx: 9, gy: 9, traversal: 40, combat: 0, escape: 0 }];

  const old = new RoundBuilder({ map: 'supply', startUnix: now - 40 * 86_400 });
  const a2 = old.player('SlomiX', 'ABC123', 'AXIS');
  const d2 = old.player('Target', 'DEF456', 'ALLIES');
  old.engagement({ target: d2, outcome: 'killed', attackers: [{ pid: a2 }] }); // 1v1, 40 days ago
  old.killHeatmap = [{ gx: 0, gy: 0, axisKills: 7, alliesKills: 7 }];

  return writeRounds(dir, [r1.build(), r2.build(), old.build()]);
}

for (const make of await freshDatabases()) {
  describe(`seed v2 example queries (${make.name})`, () => {
    let db: TestDb;
    let store: Store;
    let dir: string;
    before(async () => {
      db = make;
      store = await db.open();
      dir = mkdtempSync(join(tmpdir(), 'proximity-seed-'));
      const out = await importPaths(store, fixture(dir));
      assert.deepEqual(out.map((o) => o.status), ['imported', 'imported', 'imported']);
    });
    after(async () => {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('Player 1v1 performance', async () => {
      // solo kills: today's first kill + the 1v1 kill 40 days ago; solo deaths: one (the other was a gank)
      assert.deepEqual(await store.query(SEED.oneVsOne), [
        { player_name: 'SlomiX', solo_kills: 2, solo_deaths: 1, win_rate: 66.7 },
      ]);
      const [full] = await store.query<Record<string, unknown>>(
        "SELECT kills, deaths, assisted_kills, ganked_deaths, crossfire_participations, kill_distance_sum, kill_distance_count FROM player_proximity_stats WHERE player_guid = 'ABC123'",
      );
      assert.deepEqual(full, {
        kills: 3, deaths: 2, assisted_kills: 1, ganked_deaths: 1, crossfire_participations: 1,
        kill_distance_sum: 650, kill_distance_count: 3,
      });
    });

    it('Hottest kill zones', async () => {
      assert.deepEqual(await store.query(SEED.hottest), [
        { grid_x: 2, grid_y: 11, total_kills: 9 },
        { grid_x: 3, grid_y: 11, total_kills: 3 },
        { grid_x: 9, grid_y: 9, total_kills: 0 }, // a movement-only cell
      ]);
    });

    it('Best duo partners', async () => {
      assert.deepEqual(await store.query(SEED.duos), [
        { player2_name: 'Teammate', kills_within_range: 1, simultaneous_kills: 1 },
      ]);
    });

    it('Engagement breakdown', async () => {
      const rows = await store.query<Record<string, unknown>>(SEED.breakdown);
      const brief = rows
        .map((r) => [r.outcome, r.engagement_type, r.engagements, r.pct_of_day, r.crossfire_engagements])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
      assert.deepEqual(brief, [
        ['escaped', null, 1, 16.7, 0],
        ['killed', '1v1', 3, 50, 0],
        ['killed', '2v1', 2, 33.3, 1],
      ]);
    });

    it('data volume', async () => {
      const rows = await store.query<{ table_name: string; row_count: number; total_bytes: number }>(SEED.volume);
      const byName = new Map(rows.map((r) => [r.table_name, r]));
      assert.equal(byName.get('combat_engagement')!.row_count, 7);
      assert.equal(byName.get('round')!.row_count, 3);
      // the engagements and players are stored in round_detail, one row per round
      assert.equal(byName.get('round_detail')!.row_count, 3);
      assert.ok(byName.get('round_detail')!.total_bytes > 0);
      assert.equal(byName.get('combat_engagement')!.total_bytes, null);
      assert.deepEqual(
        (await dataStats(store)).find((s) => s.table === 'round_player'),
        { table: 'round_player', rows: 7, bytes: null },
      );
    });

    it('retention keeps every aggregate', async () => {
      const before1v1 = await store.query(SEED.oneVsOne);
      const hottest = await store.query(SEED.hottest);
      const [res] = await store.query<{ archive_old_proximity_data: Record<string, number> }>(SEED.archive);
      assert.deepEqual(res!.archive_old_proximity_data, { rounds: 1, combat_engagement: 1, round_player: 2, round_heatmap: 1 });
      assert.deepEqual(await store.query(SEED.oneVsOne), before1v1);
      assert.deepEqual(await store.query(SEED.hottest), hottest);
      // nothing left that is older than 30 days
      assert.deepEqual(await archiveOldData(store, 30), { rounds: 0, combat_engagement: 0, round_player: 0, round_heatmap: 0 });
      assert.equal((await store.query("SELECT * FROM heatmap_by_map WHERE map_name = 'supply'")).length, 1);
    });
  });
}
