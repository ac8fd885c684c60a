/**
 * Regression tests named after /work/shared/reference/field-lessons.md: each lesson that applies to the
 * tracker is shown impossible here (or in the other test files, whose titles name the lesson).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_MODULE, EtServer } from '../../src/emulator/index.ts';
import {
  MOD, SHIELD_MS, assertClean, cleanupHomes, defaultPlayers, finishRound, hitEachFrame, only, roundFiles, startRound,
  tempHome,
} from './helpers.ts';

after(cleanupHomes);

describe('field lessons', () => {
  it('lesson 1, 9, 10: fractional and garbage positions never break the writer', async () => {
    const r = await startRound();
    const { server, slots } = r;
    server.setOrigin(slots[1]!, [100.7, -0.5, 1e10]); // garbage z: the position is dropped
    server.setOrigin(slots[0]!, [10.4, 20.6, -30.5]);
    await hitEachFrame(server, slots[1]!, slots[0]!, 1);
    server.setOrigin(slots[1]!, [250.5, 99.49, 0.5]);
    await hitEachFrame(server, slots[1]!, slots[0]!, 1);
    await server.damage(slots[1]!, slots[0]!, 500, MOD.MP40);
    await server.runFrames(1);
    const round = await finishRound(r);
    const e = only(round);
    assert.deepEqual(e.path.map((p) => [p.event, p.x, p.y, p.z]), [['start', 251, 99, 1], ['hit', 251, 99, 1], ['death', 251, 99, 1]]);
    assert.deepEqual(e.kill!.killerPos, { x: 10, y: 21, z: -30 });
    assert.equal(e.kill!.distance, Math.round(Math.hypot(251 - 10, 99 - 21, 1 + 30)));
  });

  it('lesson 3: luacheck finds no undefined globals or unused code in lua/', () => {
    const res = spawnSync('luacheck', ['--no-color', 'lua/'], { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8' });
    if (res.error) return; // luacheck not installed here: nothing to check
    assert.equal(res.status, 0, res.stdout);
  });

  it('lessons 4, 5: no hook returns a value; a module loaded after the tracker sees every connect and obituary', async () => {
    const home = tempHome();
    const spy = join(home, 'spy.lua');
    writeFileSync(spy, `
      connects, obits = 0, 0
      function et_ClientConnect() connects = connects + 1 end
      function et_Obituary() obits = obits + 1 end
      function et_RunFrame() et.trap_Cvar_Set("spy", connects .. "/" .. obits) end
    `);
    const r = await startRound(defaultPlayers, { modules: [DEFAULT_MODULE, spy] });
    const { server, slots } = r;
    await server.damage(slots[1]!, slots[0]!, 500, MOD.MP40);
    await server.suicide(slots[2]!);
    await server.runFrames(1);
    assert.equal(server.cvar('spy'), `${defaultPlayers.length}/2`);
    const res = await server.damage(slots[3]!, slots[0]!, 5, MOD.MP40);
    assert.equal(res.cancelled, false, 'et_Damage must never cancel damage');
    await finishRound(r);
  });

  it('lesson 6: an error inside a hook is printed once per kind, never per frame, and the module keeps working', async () => {
    const r = await startRound();
    const { server, slots } = r;
    for (let i = 0; i < 50; i++) {
      server.raw.dispatch('et_Damage', [slots[1]!, slots[0]!, 10, 0, 'x'], 'int1'); // a string mod: an error inside
      await server.runFrames(1);
    }
    const errs = server.console.filter((l) => l.startsWith('proximity: error'));
    assert.equal(errs.length, 1, errs.join('\n'));
    assert.deepEqual(server.hookErrors, [], 'the error never escapes the hook');
    server.console.length = 0;
    await hitEachFrame(server, slots[1]!, slots[0]!, 1);
    const round = await finishRound(r);
    assert.equal(round.engagements.length, 1);
  });

  it('lesson 7: hooks with the world, slots >= sv_maxclients or free slots never touch client fields', async () => {
    const r = await startRound(defaultPlayers, { maxClients: 8 });
    const { server, slots } = r;
    const calls: [string, number[], 'observe' | 'isstring' | 'int1'][] = [
      ['et_ClientConnect', [1022, 1, 0], 'isstring'], ['et_ClientConnect', [12, 1, 0], 'isstring'],
      ['et_ClientUserinfoChanged', [1022], 'observe'], ['et_ClientUserinfoChanged', [63], 'observe'],
      ['et_ClientSpawn', [1022, 0, 1, 1], 'observe'], ['et_ClientSpawn', [7, 0, 1, 1], 'observe'],
      ['et_ClientBegin', [1022], 'observe'], ['et_ClientDisconnect', [1022], 'observe'], ['et_ClientDisconnect', [7], 'observe'],
      ['et_Obituary', [slots[1]!, 1022, MOD.FALLING], 'isstring'], ['et_Obituary', [1022, slots[0]!, MOD.MP40], 'isstring'],
      ['et_Obituary', [slots[1]!, 40, MOD.MP40], 'isstring'], ['et_Damage', [1022, slots[0]!, 10, 0, MOD.MP40], 'int1'],
      ['et_Damage', [slots[0]!, 900, 10, 0, MOD.MP40], 'int1'], ['et_Damage', [50, 1022, 10, 0, MOD.MP40], 'int1'],
    ];
    for (const [hook, args, rule] of calls) {
      server.raw.dispatch(hook, args, rule);
      await server.runFrames(1);
    }
    assert.equal(server.raw.dropped, null, 'no ERR_DROP');
    await finishRound(r);
  });

  it('lesson 13: round time is anchored at PLAYING, not at map load (a long warmup adds nothing)', async () => {
    const server = await EtServer.create({ homepath: tempHome(), warmup: true });
    const a = await server.connect({ name: 'A' });
    const b = await server.connect({ name: 'B' });
    await server.joinTeam(a, 'AXIS');
    await server.joinTeam(b, 'ALLIES');
    await server.runFor(120_000);
    await server.startMatch();
    await server.runFor(SHIELD_MS + 500);
    await server.damage(b, a, 10, MOD.MP40);
    await server.runFrames(1);
    await server.endRound();
    await server.runFrames(2);
    assertClean(server);
    const [file] = roundFiles(server);
    const e = only(file!.round);
    assert.ok(e.startMs > 3000 && e.startMs < 6000, `start_ms ${e.startMs}`);
    assert.ok(file!.round.header.durationMs! < 8000);
  });

  it('lesson 21: no file handle is left open, nothing lands outside <homepath>/legacy/<output_dir>', async () => {
    const r = await startRound(defaultPlayers, { cvars: { proximity_output_dir: '../../escape', proximity_flush_ms: '0' } });
    const { server, slots } = r;
    for (let i = 0; i < 5; i++) await hitEachFrame(server, slots[1]!, slots[0]!, 1);
    await server.runFor(6000); // closes by timeout → flushed to the .part file
    assert.equal(server.raw.fs.openHandleCount(), 0);
    await finishRound(r);
    assert.equal(server.raw.fs.openHandleCount(), 0);
    assert.equal(roundFiles(server, 'proximity').length, 1, 'an unsafe output dir falls back to "proximity"');
  });

  it('lesson 23: every file carries the tracker version and the effective config', async () => {
    const r = await startRound(defaultPlayers, { cvars: { proximity_crossfire_window_ms: '750', proximity_grid_size: 'abc' } });
    await hitEachFrame(r.server, r.slots[1]!, r.slots[0]!, 1);
    const round = await finishRound(r);
    assert.equal(round.header.trackerVersion, '1.0.0');
    assert.equal(round.header.config.crossfire_window_ms, 750);
    assert.equal(round.header.config.grid_size, 512, 'an invalid value falls back to the default');
    assert.deepEqual(Object.keys(round.header.config).sort(), [
      'crossfire_window_ms', 'escape_distance', 'escape_time_ms', 'flush_ms', 'grid_size', 'heatmaps',
      'max_path_points', 'movement_sample_ms', 'nearby_radius', 'sample_interval_ms',
    ]);
  });

  it('lessons 16, 22: reloaded mid-round (lua_restart): the old VM writes at et_Quit, the new one tracks from its first frame', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 1);
    server.raw.stopVMs(); // lua_restart: et_Quit, then the modules are loaded again without et_InitGame
    await server.raw.startVMs();
    await server.runFrames(2);
    await hitEachFrame(server, slots[3]!, slots[2]!, 1);
    await server.damage(slots[3]!, slots[2]!, 500, MOD.MP40);
    await server.runFrames(1);
    await server.endRound();
    await server.runFrames(2);
    assertClean(server);
    const files = roundFiles(server);
    assert.equal(files.length, 2);
    const ends = files.map((f) => f.round.header.endReason).sort();
    assert.deepEqual(ends, ['intermission', 'shutdown']);
    const second = files.find((f) => f.round.header.endReason === 'intermission')!.round;
    const e = only(second);
    assert.equal(e.outcome, 'killed');
    assert.equal(second.players.length, defaultPlayers.length);
    assert.equal(second.players.find((p) => p.slot === slots[2])!.name, '^1Axis2');
  });

  it('lesson 18: a player who left during warmup is not part of the round that goes live in the same VM', async () => {
    const server = await EtServer.create({ homepath: tempHome(), warmup: true });
    const a = await server.connect({ name: 'A' });
    const b = await server.connect({ name: 'B' });
    const c = await server.connect({ name: 'C' });
    await server.joinTeam(a, 'AXIS');
    await server.joinTeam(b, 'ALLIES');
    await server.runFor(500);
    await server.disconnect(c);
    server.setCvar('gamestate', '0'); // goes live without a map_restart (seen in the next frame)
    await server.runFor(SHIELD_MS);
    await server.damage(b, a, 10, MOD.MP40);
    await server.runFrames(1);
    await server.endRound();
    await server.runFrames(2);
    assertClean(server);
    const [file] = roundFiles(server);
    assert.deepEqual(file!.round.players.map((p) => [p.name, p.firstSeenMs]), [['A', 0], ['B', 0]]);
    assert.equal(only(file!.round).outcome, 'round_end');
  });
});
