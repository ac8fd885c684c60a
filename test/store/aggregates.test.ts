/**
 * Forever aggregates: the importer's in-memory contributions equal the SQL contributions computed
 * from the detail rows (rebuild after import changes nothing), archival keeps every aggregate, and
 * rebuild after archival gives exactly the pre-archive aggregates.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syntheticRound } from '../../src/format/synthetic.ts';
import type { RoundFile } from '../../src/format/types.ts';
import { archiveOldData, importFile, importPaths, rebuildAggregates, type Store } from '../../src/store/index.ts';
import { freshDatabases, type TestDb } from './backends.ts';
import { RoundBuilder, writeRounds } from './fixtures.ts';
import { aggregateSnapshot, counts } from './snapshot.ts';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);

/** Rounds spread over the last 60 days: synthetic ones (random outcomes, kill contexts, crossfires,
 *  hostile names) and a hand-built one with bots, a name-less human and a reconnecting player. */
function rounds(): RoundFile[] {
  const out: RoundFile[] = [];
  for (let i = 0; i < 12; i++) {
    const r = syntheticRound(100 + i, { startUnix: NOW - (60 - i * 5) * DAY, engagements: 40, playersPerTeam: 4 });
    r.header.serverId = i % 3 ? 'srv-a' : 'srv-b';
    out.push(r);
  }
  const b = new RoundBuilder({ startUnix: NOW - 45 * DAY, map: 'radar' });
  const human = b.player('^2Hu^7man', 'ABCDEF0123456789ABCDEF0123456789', 'AXIS');
  const bot1 = b.player('^1Bot^7One', 'OMNIBOT1', 'ALLIES', { isBot: true });
  const bot2 = b.player('^1Bot^7Two', 'OMNIBOT1', 'ALLIES', { isBot: true }); // same omnibot guid, other bot
  const noguid = b.player('Nameless', '', 'AXIS');
  const again = b.player('^2Hu^7man2', 'abcdef0123456789abcdef0123456789', 'AXIS', { firstSeenMs: 300_000 }); // reconnect, new pid
  b.engagement({ target: bot1, outcome: 'killed', attackers: [{ pid: human }, { pid: noguid }], pairs: [[human, noguid, 0]], kill: { killerAllies: [noguid, again] } })
    .engagement({ target: bot2, outcome: 'killed', attackers: [{ pid: noguid, gotKill: true }, { pid: human }, { pid: again }], killer: noguid, pairs: [[human, again, 400], [noguid, again, 900]], endMs: 20_300 })
    .engagement({ target: human, outcome: 'killed', attackers: [{ pid: bot1 }, { pid: bot2 }], kill: { victimAllies: [noguid], distance: null } })
    .engagement({ target: noguid, outcome: 'teamkill', attackers: [], killer: human })
    .engagement({ target: again, outcome: 'round_end', attackers: [{ pid: bot2 }] });
  b.killHeatmap = [{ gx: -1, gy: -2, axisKills: 3, alliesKills: 0 }];
  b.movementHeatmap = null; // not captured
  out.push(b.build());
  return out;
}

for (const make of await freshDatabases()) {
  describe(`aggregates (${make.name})`, () => {
    let db: TestDb;
    let store: Store;
    let dir: string;
    let paths: string[];
    before(async () => {
      db = make;
      store = await db.open();
      dir = mkdtempSync(join(tmpdir(), 'proximity-agg-'));
      paths = writeRounds(dir, rounds());
      const out = await importPaths(store, paths);
      assert.deepEqual(out.filter((o) => o.status !== 'imported'), []);
    });
    after(async () => {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keys players by guid, bots by clean name, guid-less humans by clean name', async () => {
      const rows = await store.query<{ player_guid: string; last_name: string; is_bot: boolean }>(
        "SELECT player_guid, last_name, is_bot FROM player WHERE player_guid LIKE 'BOT:%' OR player_guid LIKE 'NOGUID:%' OR player_guid LIKE 'ABCDEF%' ORDER BY 1",
      );
      assert.deepEqual(rows, [
        { player_guid: 'ABCDEF0123456789ABCDEF0123456789', last_name: '^2Hu^7man2', is_bot: false },
        { player_guid: 'BOT:BotOne', last_name: '^1Bot^7One', is_bot: true },
        { player_guid: 'BOT:BotTwo', last_name: '^1Bot^7Two', is_bot: true },
        { player_guid: 'NOGUID:Nameless', last_name: 'Nameless', is_bot: false },
      ]);
      const [h] = await store.query<Record<string, unknown>>(
        "SELECT rounds_played, kills, teamkills, engagements_as_attacker, crossfire_engagements, crossfire_delay_sum_ms FROM player_teamplay_stats WHERE player_guid = 'ABCDEF0123456789ABCDEF0123456789'",
      );
      // One round (two connections, one guid), one kill, one teamkill; attacker in 2 engagements (both
      // connections hit the second target: one engagement); in a crossfire pair in 2 engagements, with
      // smallest delays 0 and 400 (the pair of its own two connections still counts for the guid).
      assert.deepEqual(h, { rounds_played: 1, kills: 1, teamkills: 1, engagements_as_attacker: 2, crossfire_engagements: 2, crossfire_delay_sum_ms: 400 });
    });

    it('the import path and the SQL rebuild from detail agree exactly', async () => {
      const imported = await aggregateSnapshot(store);
      assert.ok(imported.player_teamplay_stats!.length > 20);
      assert.ok(imported.crossfire_pairs!.length > 0);
      assert.ok(imported.teammate_pair_stats!.length > 0);
      await rebuildAggregates(store);
      assert.deepEqual(await aggregateSnapshot(store), imported);
    });

    it('archival keeps every aggregate, and rebuild after archival gives the pre-archive aggregates', async () => {
      const pre = await aggregateSnapshot(store);
      const c0 = await counts(store);
      const archived = await archiveOldData(store, 30);
      assert.ok(archived.rounds! > 0 && archived.rounds! < 13, JSON.stringify(archived));
      const c1 = await counts(store);
      assert.equal(c1.combat_engagement, c0.combat_engagement! - archived.combat_engagement!);
      assert.ok(c1.player_teamplay_stats_baseline! > 0);
      assert.deepEqual(await aggregateSnapshot(store), pre);
      await rebuildAggregates(store);
      assert.deepEqual(await aggregateSnapshot(store), pre);
      // archive everything: aggregates = baselines alone
      await archiveOldData(store, 0);
      assert.equal((await counts(store)).combat_engagement, 0);
      await rebuildAggregates(store);
      assert.deepEqual(await aggregateSnapshot(store), pre);
    });

    it('an archived round is still a duplicate, never imported twice', async () => {
      const pre = await aggregateSnapshot(store);
      const out = await importFile(store, paths[0]!);
      assert.equal(out.status, 'duplicate');
      assert.deepEqual(await aggregateSnapshot(store), pre);
    });
  });
}
