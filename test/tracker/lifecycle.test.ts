/**
 * Round lifecycle, identity and configuration, through the emulator: warmup, pause, stopwatch, map change
 * and map_restart fallbacks (never twice), slot reuse, revive, bots, 64 players, cvars.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { EtServer } from '../../src/emulator/index.ts';
import {
  MOD, assertClean, cleanupHomes, defaultPlayers, finishRound, hitEachFrame, only, partFiles, pidOf, roundFiles,
  SHIELD_MS, startRound, tempHome, type PlayerSpec,
} from './helpers.ts';

after(cleanupHomes);

describe('tracker round lifecycle', () => {
  it('warmup only: damage and kills in warmup write nothing (lessons 7, 13)', async () => {
    const server = await EtServer.create({ homepath: tempHome(), warmup: true });
    const a = await server.connect({ name: 'A' });
    const b = await server.connect({ name: 'B' });
    await server.joinTeam(a, 'AXIS');
    await server.joinTeam(b, 'ALLIES');
    await server.runFor(1000);
    await server.damage(b, a, 20, MOD.MP40);
    await server.damage(b, a, 500, MOD.MP40);
    await server.runFor(6000);
    await server.quit();
    assertClean(server);
    assert.deepEqual(roundFiles(server), []);
    assert.deepEqual(partFiles(server), []);
  });

  it('header: identity, effective config, sections; files named by end time, map and round', async () => {
    const r = await startRound(defaultPlayers, {
      map: 'Goldrush;x', cvars: { sv_hostname: '^1My|Server', timelimit: '20', proximity_escape_time_ms: '4000' },
    });
    await hitEachFrame(r.server, r.slots[1]!, r.slots[0]!, 1);
    await r.server.runFor(500);
    const round = await finishRound(r);
    const h = round.header;
    assert.equal(h.source, 'proximity-v1');
    assert.equal(h.trackerVersion, '1.0.0');
    assert.equal(h.map, 'goldrush;x'); // mapname is lower-case in the engine
    assert.equal(h.serverName, '^1My|Server');
    assert.equal(h.round, 1);
    assert.equal(h.gametype, 4);
    assert.equal(h.timelimit, '20');
    assert.equal(h.endReason, 'intermission');
    assert.equal(h.config.escape_time_ms, 4000);
    assert.equal(h.config.crossfire_window_ms, 1000);
    assert.deepEqual(h.sections, ['engagements', 'players', 'kill_heatmap', 'movement_heatmap']);
    assert.ok(h.serverId && h.serverId.length > 0);
    assert.ok(h.roundStartUnix! >= 1767225600 && h.roundEndUnix! >= h.roundStartUnix!);
    const [file] = roundFiles(r.server);
    assert.match(file!.name, /^\d{4}-\d\d-\d\d-\d{6}-goldrush_x-round-1_engagements\.txt$/);
    // the generated server id is kept in server-id.txt and reused
    const stored = readFileSync(r.server.gamePath('proximity/server-id.txt'), 'utf8').trim();
    assert.equal(stored, h.serverId);
    assert.deepEqual(partFiles(r.server), []);
  });

  it('proximity_server_id wins; proximity_heatmaps 0 leaves the heatmap sections out (lesson 24)', async () => {
    const r = await startRound(defaultPlayers, { cvars: { proximity_server_id: 'eu-1', proximity_heatmaps: '0' } });
    await r.server.damage(r.slots[1]!, r.slots[0]!, 500, MOD.MP40);
    await r.server.runFrames(1);
    const round = await finishRound(r);
    assert.equal(round.header.serverId, 'eu-1');
    assert.deepEqual(round.header.sections, ['engagements', 'players']);
    assert.equal(round.killHeatmap, null);
    assert.equal(round.movementHeatmap, null);
    assert.equal(round.header.config.heatmaps, 0);
  });

  it('proximity_enabled 0: nothing is written', async () => {
    const r = await startRound(defaultPlayers, { cvars: { proximity_enabled: '0' } });
    await r.server.damage(r.slots[1]!, r.slots[0]!, 500, MOD.MP40);
    await r.server.endRound();
    await r.server.runFrames(2);
    assertClean(r.server);
    assert.deepEqual(roundFiles(r.server), []);
  });

  it('pause: paused time is kept out of round time and escape timers', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 1);
    server.pause();
    await server.runFor(10_000);
    server.unpause();
    await server.runFor(1000);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'round_end', 'a 10 s pause must not time the engagement out');
    assert.ok(round.header.pausedMs! >= 9000, `paused_ms ${round.header.pausedMs}`);
    assert.ok(e.endMs - e.startMs < 2500, `open ${e.endMs - e.startMs} ms of round time`);
  });

  it('stopwatch: round 1 and round 2 files (g_currentRound normalised, lesson 14)', async () => {
    const r = await startRound(defaultPlayers, { gametype: 3 });
    const { server, slots } = r;
    await server.damage(slots[1]!, slots[0]!, 500, MOD.MP40);
    await server.runFor(20_000); // round 2's time limit is the time round 1 took
    await server.endRound();
    await server.runFor(2000);
    await server.mapRestart();
    await server.runFor(500);
    await server.startMatch();
    await server.runFor(SHIELD_MS + 500);
    await server.damage(slots[0]!, slots[1]!, 500, MOD.THOMPSON);
    await server.runFrames(1);
    await server.endRound();
    await server.runFrames(2);
    assertClean(server);
    const files = roundFiles(server);
    assert.deepEqual(files.map((f) => f.round.header.round), [1, 2]);
    assert.match(files[0]!.name, /-round-1_engagements\.txt$/);
    assert.match(files[1]!.name, /-round-2_engagements\.txt$/);
    for (const f of files) assert.equal(f.round.engagements.length, 1);
  });

  it('map change without intermission: the fallback writes once (lesson 15)', async () => {
    const r = await startRound();
    await hitEachFrame(r.server, r.slots[1]!, r.slots[0]!, 2);
    await r.server.changeMap('radar');
    await r.server.runFor(2000);
    await r.server.quit();
    assertClean(r.server);
    const files = roundFiles(r.server);
    assert.equal(files.length, 1);
    const round = files[0]!.round;
    assert.equal(round.header.endReason, 'shutdown');
    assert.equal(round.header.map, 'oasis');
    assert.equal(only(round).outcome, 'round_end');
  });

  it('intermission then map change: written once, at intermission', async () => {
    const r = await startRound();
    await hitEachFrame(r.server, r.slots[1]!, r.slots[0]!, 2);
    await r.server.endRound();
    await r.server.runFor(1000);
    await r.server.changeMap('radar');
    await r.server.runFor(1000);
    await r.server.quit();
    assertClean(r.server);
    const files = roundFiles(r.server);
    assert.equal(files.length, 1);
    assert.equal(files[0]!.round.header.endReason, 'intermission');
  });

  it('map_restart while live: end_reason map_restart', async () => {
    const r = await startRound();
    await hitEachFrame(r.server, r.slots[1]!, r.slots[0]!, 1);
    await r.server.mapRestart();
    await r.server.runFor(500);
    assertClean(r.server);
    const files = roundFiles(r.server);
    assert.ok(files.length >= 1);
    assert.equal(files[0]!.round.header.endReason, 'map_restart');
  });

  it('slot reuse mid-round: the newcomer gets a new pid (lesson 18)', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 1);
    await server.disconnect(slots[1]!);
    await server.runFor(500);
    const newcomer = await server.connect({ name: '^2Newcomer', guid: 'ABCDEF0123456789ABCDEF0123456789', slot: slots[1]! });
    assert.equal(newcomer, slots[1]);
    await server.joinTeam(newcomer, 'ALLIES');
    await server.runFor(31_000 + SHIELD_MS); // reinforcement wave, then the spawn shield
    server.setOrigin(newcomer, [300, 0, 0]);
    await server.runFrames(1);
    await hitEachFrame(server, newcomer, slots[0]!, 1);
    await server.runFrames(1);
    const round = await finishRound(r);
    const inSlot = round.players.filter((p) => p.slot === slots[1]);
    assert.equal(inSlot.length, 2);
    assert.notEqual(inSlot[0]!.pid, inSlot[1]!.pid);
    assert.equal(inSlot[1]!.name, '^2Newcomer');
    assert.equal(inSlot[1]!.guid, 'ABCDEF0123456789ABCDEF0123456789');
    assert.ok(inSlot[1]!.firstSeenMs! > 0);
    const outcomes = round.engagements.map((e) => [e.target, e.outcome]);
    assert.deepEqual(outcomes, [[inSlot[0]!.pid, 'disconnected'], [inSlot[1]!.pid, 'round_end']]);
  });

  it('revive: the kill stays killed, the revived player can be engaged again; bodies are ignored (lessons 19, 20)', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await server.damage(slots[1]!, slots[0]!, 120, MOD.MP40); // downed, not gibbed
    await server.runFrames(1);
    await server.damage(slots[1]!, slots[0]!, 30, MOD.MP40); // shooting the body
    await server.runFrames(1);
    await server.revive(slots[1]!, slots[3]!);
    await server.runFor(SHIELD_MS);
    await hitEachFrame(server, slots[1]!, slots[2]!, 1);
    const round = await finishRound(r);
    assert.deepEqual(round.engagements.map((e) => e.outcome), ['killed', 'round_end']);
    assert.equal(round.engagements[0]!.hits, 1);
    assert.equal(round.engagements[1]!.attackers[0]!.pid, pidOf(round, slots[2]!));
  });

  it('bots are marked, their OMNIBOT guid kept (lesson 8)', async () => {
    const players: PlayerSpec[] = [...defaultPlayers.slice(0, 2), { name: '[BOT]Fritz', team: 'AXIS', bot: true }];
    const r = await startRound(players);
    await hitEachFrame(r.server, r.slots[1]!, r.slots[2]!, 1);
    const round = await finishRound(r);
    const bot = round.players.find((p) => p.slot === r.slots[2])!;
    assert.equal(bot.isBot, true);
    assert.equal(bot.name, '[BOT]Fritz');
    const human = round.players.find((p) => p.slot === r.slots[0])!;
    assert.equal(human.isBot, false);
    assert.equal(human.guid, '0123456789ABCDEF0123456789ABCDEF');
    assert.equal(human.team, 'AXIS');
    assert.equal(human.firstSeenMs, 0);
  });

  it('a full 64-player round: every pid has a player line, counts match', async () => {
    const players: PlayerSpec[] = [];
    for (let i = 0; i < 64; i++) {
      players.push({ name: `P${i}`, team: i % 2 ? 'ALLIES' : 'AXIS', pos: [(i % 8) * 150, Math.floor(i / 8) * 150, 0] });
    }
    const r = await startRound(players, { maxClients: 64 });
    const { server, slots } = r;
    for (let f = 0; f < 40; f++) {
      for (let k = 0; k < 8; k++) {
        const a = (f * 8 + k) % 64;
        const t = (a + 1 + 2 * (f % 5)) % 64;
        if ((a % 2) !== (t % 2)) await server.damage(slots[t]!, slots[a]!, 25, MOD.MP40);
      }
      await server.runFrames(1);
    }
    const round = await finishRound(r);
    assert.equal(round.players.length, 64);
    const pids = new Set(round.players.map((p) => p.pid));
    for (const e of round.engagements) {
      assert.ok(pids.has(e.target));
      for (const a of e.attackers) assert.ok(pids.has(a.pid));
      if (e.kill) for (const p of [...e.kill.killerAllies, ...e.kill.victimAllies]) assert.ok(pids.has(p));
    }
    assert.ok(round.engagements.some((e) => e.outcome === 'killed'));
    assert.ok(round.engagements.some((e) => e.kill && e.kill.engagementType !== '1v1'));
  });
});
