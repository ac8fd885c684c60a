/**
 * Analytics over the hand-built rounds of ./fixtures.ts, imported through the store. Every expected
 * number below is worked out by hand from the fixture comments (docs/METRICS.md definitions).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as a from '../../src/analytics/index.ts';
import { archiveOldData, type Store } from '../../src/store/index.ts';
import { BACKENDS, openWithFixtures } from './backends.ts';
import { GUID, DAY1, DAY2, XSS_NAME_1, XSS_NAME_2 } from './fixtures.ts';

const BOT_GUID = 'BOT:[BOT]Bot';

for (const backend of BACKENDS) {
  describe(`analytics on ${backend.name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    before(async () => {
      ({ store, close } = await openWithFixtures(backend));
    });
    after(async () => {
      await close();
    });

    test('overview counts rounds, engagements, kills, players, maps and the date range', async () => {
      assert.deepEqual(await a.overview(store), {
        rounds: 3,
        engagements: 11,
        kills: 5,
        crossfireEngagements: 3,
        players: 6,
        bots: 1,
        maps: 2,
        servers: 2,
        firstRoundUnix: DAY1,
        lastRoundUnix: DAY2,
      });
    });

    test('leaderboard: kills and damage are counts ranked with stable tie-breaks', async () => {
      const kills = await a.leaderboard(store, { metric: 'kills' });
      assert.deepEqual(
        kills.rows.map((r) => [r.rank, r.guid, r.value]),
        [
          [1, GUID.alpha, 2],
          [2, GUID.bravo, 1],
          [3, GUID.charlie, 1],
          [4, GUID.xss1, 1],
        ],
      );
      const damage = await a.leaderboard(store, { metric: 'damage' });
      assert.deepEqual(
        damage.rows.map((r) => [r.guid, r.value]),
        [
          [GUID.alpha, 255],
          [GUID.charlie, 140],
          [GUID.bravo, 115],
          [GUID.xss1, 110],
          [GUID.delta, 45],
        ],
      );
    });

    test('leaderboard: K/D, with kills as the value when there are no deaths', async () => {
      const kd = await a.leaderboard(store, { metric: 'kd', minSample: 0 });
      assert.deepEqual(
        kd.rows.map((r) => [r.guid, r.value, r.numerator, r.denominator, r.sample]),
        [
          [GUID.alpha, 2, 2, 1, 3],
          [GUID.bravo, 1, 1, 1, 2],
          [GUID.xss1, 1, 1, 0, 1],
          [GUID.charlie, 0.5, 1, 2, 3],
          [GUID.delta, 0, 0, 1, 1],
        ],
      );
    });

    test('leaderboard: the minimum sample keeps small samples off the board', async () => {
      const byDefault = await a.leaderboard(store, { metric: 'kd' });
      assert.equal(byDefault.minSample, 20);
      assert.deepEqual(byDefault.rows, []);
      const min2 = await a.leaderboard(store, { metric: 'solo_win_rate', minSample: 2 });
      assert.deepEqual(min2.rows.map((r) => r.guid), [GUID.alpha]);
      const kd3 = await a.leaderboard(store, { metric: 'kd', minSample: 3 });
      assert.deepEqual(kd3.rows.map((r) => r.guid), [GUID.alpha, GUID.charlie]);
    });

    test('leaderboard: 1v1 win rate, escape rate, focus-fire survival, crossfire participation', async () => {
      const rows = async (metric: a.LeaderboardMetric) =>
        (await a.leaderboard(store, { metric, minSample: 1 })).rows.map((r) => [r.guid, round3(r.value), r.numerator, r.denominator]);
      assert.deepEqual(await rows('solo_win_rate'), [
        [GUID.charlie, 1, 1, 1],
        [GUID.xss1, 1, 1, 1],
        [GUID.alpha, 0.5, 1, 2],
        [GUID.bravo, 0, 0, 1],
        [GUID.delta, 0, 0, 1],
      ]);
      assert.deepEqual(await rows('escape_rate'), [
        [GUID.alpha, 0.667, 2, 3],
        [GUID.bravo, 0, 0, 2],
        [GUID.charlie, 0, 0, 2],
        [GUID.delta, 0, 0, 2],
      ]);
      assert.deepEqual(await rows('focus_survival'), [
        [GUID.alpha, 1, 1, 1],
        [GUID.charlie, 0, 0, 2],
      ]);
      assert.deepEqual(await rows('crossfire'), [
        [GUID.bravo, 0.667, 2, 3],
        [GUID.delta, 0.5, 1, 2],
        [GUID.alpha, 0.4, 2, 5],
        [GUID.charlie, 0.333, 1, 3],
        [GUID.xss1, 0, 0, 1],
      ]);
    });

    test('leaderboard: bots only when asked for', async () => {
      const withBots = await a.leaderboard(store, { metric: 'kills', includeBots: true });
      assert.equal(withBots.rows.some((r) => r.isBot), false, 'the bot has no kills, so it is not ranked');
      const search = await a.findPlayers(store, { query: 'bot', includeBots: false });
      assert.deepEqual(search, []);
      const searchBots = await a.findPlayers(store, { query: 'bot' });
      assert.deepEqual(searchBots.map((r) => [r.guid, r.isBot]), [[BOT_GUID, true]]);
    });

    test('playerProfile: names are history, rates with their samples, weapons, duos, maps', async () => {
      const p = await a.playerProfile(store, { guid: GUID.alpha });
      assert.ok(p);
      assert.equal(p.name, '^2Alpha2');
      assert.deepEqual(
        p.names.map((n) => [n.name, n.rounds, n.lastSeenUnix]),
        [
          ['^2Alpha2', 1, DAY1 + 3600],
          ['^1Alpha', 1, DAY1],
        ],
      );
      assert.equal(p.firstSeenUnix, DAY1);
      assert.equal(p.lastSeenUnix, DAY1 + 3600);
      assert.deepEqual(p.totals, {
        rounds: 2,
        kills: 2,
        deaths: 1,
        kd: 2,
        damageGiven: 255,
        damageTaken: 165,
        engagementsAsTarget: 3,
        engagementsAsAttacker: 5,
        crossfireParticipations: 2,
        soloKills: 1,
        soloDeaths: 1,
      });
      assert.deepEqual(p.rates.soloWinRate, { value: 0.5, numerator: 1, denominator: 2 });
      assert.deepEqual(p.rates.escapeRate, { value: 2 / 3, numerator: 2, denominator: 3 });
      assert.deepEqual(p.rates.focusSurvival, { value: 1, numerator: 1, denominator: 1 });
      assert.deepEqual(p.rates.crossfireParticipation, { value: 0.4, numerator: 2, denominator: 5 });
      assert.deepEqual(p.outcomes, [
        { outcome: 'killed', count: 1 },
        { outcome: 'escaped', count: 2 },
      ]);
      assert.deepEqual(p.weapons, [{ mod: 8, weapon: 'MP40', hits: 13, kills: 2 }]);
      assert.deepEqual(p.duoPartners, [
        { partnerGuid: GUID.bravo, partnerName: 'Bravo', crossfires: 2, meanDelayMs: 200, killsTogether: 2 },
      ]);
      assert.deepEqual(p.maps, [{ map: 'supply', rounds: 2, kills: 2, deaths: 1 }]);
    });

    test('playerProfile: lookup by lower-case GUID and by name; unknown is null; empty rates are null', async () => {
      assert.equal((await a.playerProfile(store, { guid: GUID.alpha.toLowerCase() }))?.guid, GUID.alpha);
      assert.equal((await a.playerProfile(store, { name: 'alpha2' }))?.guid, GUID.alpha);
      assert.equal(await a.playerProfile(store, { guid: 'nobody' }), null);
      assert.equal(await a.playerProfile(store, { name: 'nobody' }), null);
      const x = await a.playerProfile(store, { guid: GUID.xss1 });
      assert.ok(x);
      assert.equal(x.name, XSS_NAME_1);
      assert.deepEqual(x.rates.escapeRate, { value: null, numerator: 0, denominator: 0 });
      assert.equal(x.totals.kd, 1);
      const bot = await a.playerProfile(store, { guid: BOT_GUID });
      assert.equal(bot?.isBot, true);
    });

    test('findPlayers: colour codes stripped, case ignored, any past name, wildcards are literal', async () => {
      const alpha = await a.findPlayers(store, { query: 'ALPHA' });
      assert.deepEqual(alpha.map((r) => [r.guid, r.name, r.matchedName]), [[GUID.alpha, '^2Alpha2', '^2Alpha2']]);
      // '^1' in the query is a colour code too: "^1alpha2" searches for "alpha2"
      assert.deepEqual((await a.findPlayers(store, { query: '^1alpha2' })).map((r) => r.guid), [GUID.alpha]);
      // an old name still finds the player
      const old = await a.findPlayers(store, { query: 'Alpha' });
      assert.equal(old.length, 1);
      assert.deepEqual(await a.findPlayers(store, { query: '%' }), []);
      assert.deepEqual(await a.findPlayers(store, { query: '_' }), []);
      assert.deepEqual(await a.findPlayers(store, { query: '   ' }), []);
      assert.deepEqual((await a.findPlayers(store, { query: '<script>' })).map((r) => [r.guid, r.name]), [[GUID.xss1, XSS_NAME_1]]);
      assert.deepEqual((await a.findPlayers(store, { query: 'onerror' })).map((r) => [r.guid, r.name]), [[GUID.xss2, XSS_NAME_2]]);
      assert.deepEqual((await a.findPlayers(store, { query: "'; DROP TABLE player; --" })), []);
      assert.equal((await a.overview(store)).players, 6);
    });

    test('crossfireDuos and duoPartners: counts, mean delay from sums, kills together', async () => {
      assert.deepEqual(await a.crossfireDuos(store), [
        { guidA: GUID.alpha, nameA: '^2Alpha2', guidB: GUID.bravo, nameB: 'Bravo', crossfires: 2, meanDelayMs: 200, killsTogether: 2 },
        { guidA: GUID.charlie, nameA: 'Charlie', guidB: GUID.delta, nameB: 'Delta', crossfires: 1, meanDelayMs: 500, killsTogether: 0 },
      ]);
      assert.deepEqual(await a.duoPartners(store, { guid: GUID.delta }), [
        { partnerGuid: GUID.charlie, partnerName: 'Charlie', crossfires: 1, meanDelayMs: 500, killsTogether: 0 },
      ]);
      assert.deepEqual(await a.duoPartners(store, { guid: GUID.xss1 }), []);
    });

    test('engagementBreakdown by session date and by map', async () => {
      const byDate = await a.engagementBreakdown(store, { by: 'date' });
      assert.deepEqual(byDate, {
        by: 'date',
        rows: [
          {
            key: '2026-01-01',
            rounds: 2,
            engagements: 9,
            crossfires: 3,
            outcomes: { killed: 5, escaped: 2, round_end: 1, disconnected: 1 },
            types: { '2v1': 2, '1v1': 3 },
          },
          { key: '2026-01-02', rounds: 1, engagements: 2, crossfires: 0, outcomes: { timeout: 1, team_changed: 1 }, types: {} },
        ],
      });
      const byMap = await a.engagementBreakdown(store, { by: 'map' });
      assert.deepEqual(byMap.rows.map((r) => [r.key, r.rounds, r.engagements]), [
        ['supply', 2, 9],
        ['goldrush', 1, 2],
      ]);
      const filtered = await a.engagementBreakdown(store, { by: 'date', from: '2026-01-02', to: '2026-01-02' });
      assert.deepEqual(filtered.rows.map((r) => r.key), ['2026-01-02']);
      const oneMap = await a.engagementBreakdown(store, { by: 'date', map: 'goldrush' });
      assert.deepEqual(oneMap.rows.map((r) => [r.key, r.engagements]), [['2026-01-02', 2]]);
      const latest = await a.engagementBreakdown(store, { by: 'date', limit: 1 });
      assert.deepEqual(latest.rows.map((r) => r.key), ['2026-01-02']);
    });

    test('heatmap sums kill and movement cells of every round of a map; hottestZones ranks kill cells', async () => {
      const h = await a.heatmap(store, { map: 'supply' });
      assert.deepEqual(h, {
        map: 'supply',
        gridSize: 512,
        cells: [
          { gx: -1, gy: 0, axisKills: 0, alliesKills: 1, traversal: 10, combat: 1, escape: 0 },
          { gx: 0, gy: 0, axisKills: 0, alliesKills: 0, traversal: 30, combat: 2, escape: 2 },
          { gx: 1, gy: 2, axisKills: 3, alliesKills: 1, traversal: 70, combat: 7, escape: 0 },
        ],
      });
      assert.deepEqual(await a.hottestZones(store, { map: 'supply' }), [
        { gx: 1, gy: 2, kills: 4, axisKills: 3, alliesKills: 1 },
        { gx: -1, gy: 0, kills: 1, axisKills: 0, alliesKills: 1 },
      ]);
      assert.deepEqual(await a.hottestZones(store, { map: 'supply', limit: 1 }), [{ gx: 1, gy: 2, kills: 4, axisKills: 3, alliesKills: 1 }]);
      assert.deepEqual(await a.hottestZones(store, { map: 'goldrush' }), []);
      assert.deepEqual((await a.heatmap(store, { map: 'goldrush' })).cells, [
        { gx: 3, gy: -2, axisKills: 0, alliesKills: 0, traversal: 7, combat: 1, escape: 0 },
      ]);
      assert.deepEqual(await a.heatmap(store, { map: 'nowhere' }), { map: 'nowhere', gridSize: null, cells: [] });
    });

    test('maps and recentRounds', async () => {
      assert.deepEqual(await a.maps(store), [
        { map: 'supply', rounds: 2, engagements: 9, kills: 5, lastPlayedUnix: DAY1 + 3600 },
        { map: 'goldrush', rounds: 1, engagements: 2, kills: 0, lastPlayedUnix: DAY2 },
      ]);
      const rounds = await a.recentRounds(store);
      assert.deepEqual(
        rounds.map((r) => [r.map, r.round, r.serverId, r.startUnix, r.sessionDate, r.durationMs, r.engagements, r.kills, r.players]),
        [
          ['goldrush', 1, 'srv-2', DAY2, '2026-01-02', 300000, 2, 0, 2],
          ['supply', 2, 'srv-1', DAY1 + 3600, '2026-01-01', 480000, 3, 2, 4],
          ['supply', 1, 'srv-1', DAY1, '2026-01-01', 600000, 6, 3, 6],
        ],
      );
      assert.equal(rounds[2]?.serverName, '^1Test ^7Server');
      assert.deepEqual((await a.recentRounds(store, { map: 'goldrush' })).length, 1);
      assert.deepEqual((await a.recentRounds(store, { limit: 1 })).map((r) => r.map), ['goldrush']);
    });

    test('results are plain JSON (no Date, bigint or undefined)', async () => {
      const all = [
        await a.overview(store),
        await a.leaderboard(store, { metric: 'kd', minSample: 0 }),
        await a.playerProfile(store, { guid: GUID.alpha }),
        await a.crossfireDuos(store),
        await a.engagementBreakdown(store),
        await a.heatmap(store, { map: 'supply' }),
        await a.maps(store),
        await a.recentRounds(store),
      ];
      for (const value of all) assert.deepEqual(JSON.parse(JSON.stringify(value)), value);
    });

    // Last: it edits an aggregate row to simulate inconsistent sums (as legacy data can produce).
    test('rates are clamped to [0, 1] and keep their raw numerator and denominator', async () => {
      await store.query(
        `UPDATE player_teamplay_stats SET crossfire_engagements = 10 WHERE player_guid = $1`,
        [GUID.charlie],
      );
      const cf = await a.leaderboard(store, { metric: 'crossfire', minSample: 1 });
      assert.deepEqual(cf.rows[0], {
        rank: 1, guid: GUID.charlie, name: 'Charlie', isBot: false, value: 1, numerator: 10, denominator: 3, sample: 3,
      });
      const p = await a.playerProfile(store, { guid: GUID.charlie });
      assert.deepEqual(p?.rates.crossfireParticipation, { value: 1, numerator: 10, denominator: 3 });
      assert.deepEqual(a.rate(-1, 4), { value: 0, numerator: -1, denominator: 4 });
      assert.deepEqual(a.rate(3, 0), { value: null, numerator: 3, denominator: 0 });
    });

    // Last of all: archives every round's detail, then checks that everything docs/METRICS.md marks
    // *(forever)* is unchanged and only the *(detail)* parts are gone.
    test('after archival the forever numbers stay (profiles included), only per-round kills empty', async () => {
      const snapshot = async () => ({
        overview: await a.overview(store),
        boards: await Promise.all(
          a.LEADERBOARD_METRICS.map((metric) => a.leaderboard(store, { metric, minSample: 1, includeBots: true })),
        ),
        duos: await a.crossfireDuos(store),
        breakdown: await a.engagementBreakdown(store, { by: 'date' }),
        heatmap: await a.heatmap(store, { map: 'supply' }),
        maps: await a.maps(store),
        profile: await a.playerProfile(store, { guid: GUID.alpha }),
      });
      const before = await snapshot();
      const archived = await archiveOldData(store, 30);
      assert.ok(Object.values(archived).some((n) => n > 0), `something was archived: ${JSON.stringify(archived)}`);
      const after = await snapshot();
      assert.deepEqual(after.overview, before.overview);
      assert.deepEqual(after.boards, before.boards);
      assert.deepEqual(after.duos, before.duos);
      assert.deepEqual(after.breakdown, before.breakdown);
      assert.deepEqual(after.heatmap, before.heatmap);
      assert.deepEqual(after.maps, before.maps);
      assert.ok(after.profile && before.profile);
      assert.deepEqual(after.profile.totals, before.profile.totals);
      assert.deepEqual(after.profile.rates, before.profile.rates);
      assert.deepEqual(after.profile.weapons, before.profile.weapons);
      assert.deepEqual(after.profile.names, before.profile.names);
      assert.deepEqual(after.profile.duoPartners, before.profile.duoPartners);
      // outcomes and maps come from forever aggregates (player_outcome_stats, player_map_stats)
      assert.deepEqual(after.profile.outcomes, before.profile.outcomes);
      assert.deepEqual(after.profile.maps, before.profile.maps);
      assert.ok(before.profile.outcomes.length > 0 && before.profile.maps.length > 0);
      const rounds = await a.recentRounds(store);
      assert.deepEqual(rounds.map((r) => [r.map, r.kills, r.engagements]), [
        ['goldrush', null, 2],
        ['supply', null, 3],
        ['supply', null, 6],
      ]);
    });
  });
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
