/**
 * Every engagement outcome, driven through the emulator (docs/FORMAT.md "Engagements — exact definitions").
 * Slots: 0 Axis attacker, 1 Allied victim, 2 Axis, 3 Allied (far away).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MOD, cleanupHomes, finishRound, hitEachFrame, only, pidOf, startRound } from './helpers.ts';

after(cleanupHomes);

describe('tracker outcomes', () => {
  it('killed: attackers, damage, hits, weapons from meansOfDeath, kill context (lesson 11)', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 3, 18, MOD.MP40);
    await server.damage(slots[1]!, slots[0]!, 18, MOD.GRENADE_LAUNCHER);
    const res = await server.damage(slots[1]!, slots[0]!, 400, MOD.MP40);
    assert.equal(res.killed, true);
    await server.runFrames(1);
    const round = await finishRound(r);
    const e = only(round, (x) => x.outcome === 'killed');
    assert.equal(e.target, pidOf(round, slots[1]!));
    assert.equal(e.killer, pidOf(round, slots[0]!));
    assert.equal(e.targetTeam, 'ALLIES');
    assert.equal(e.targetClass, 'MEDIC');
    assert.equal(e.damage, 18 * 4 + 400);
    assert.equal(e.hits, 5);
    assert.equal(e.endMod, MOD.MP40);
    assert.equal(e.crossfire, false);
    assert.equal(e.attackers.length, 1);
    const a = e.attackers[0]!;
    assert.equal(a.gotKill, true);
    assert.deepEqual(a.weapons, { [MOD.MP40]: 4, [MOD.GRENADE_LAUNCHER]: 1 });
    assert.equal(a.firstHitMs, e.startMs);
    assert.equal(a.lastHitMs - a.firstHitMs, 150);
    assert.equal(e.endMs, a.lastHitMs);
    assert.ok(e.kill);
    assert.equal(e.kill.weapon, 3); // WP_MP40
    assert.deepEqual(e.kill.killerPos, { x: 0, y: 0, z: 0 });
    assert.deepEqual(e.kill.victimPos, { x: 200, y: 0, z: 0 });
    assert.equal(e.kill.distance, 200);
    // slot 2 (Axis, 100 u from the killer) supports the killer; slot 3 is far away
    assert.deepEqual(e.kill.killerAllies, [pidOf(round, slots[2]!)]);
    assert.deepEqual(e.kill.victimAllies, []);
    assert.equal(e.kill.engagementType, '2v1');
    assert.deepEqual(e.path.map((p) => p.event), ['start', 'hit', 'hit', 'hit', 'death']);
    assert.ok(round.killHeatmap);
    assert.deepEqual(round.killHeatmap, [{ gx: 0, gy: 0, axisKills: 1, alliesKills: 0 }]);
  });

  it('killed by the first hit: start and death points, one attacker with the kill', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await server.damage(slots[1]!, slots[0]!, 500, MOD.PANZERFAUST);
    await server.runFrames(1);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'killed');
    assert.equal(e.startMs, e.endMs);
    assert.equal(e.hits, 1);
    assert.equal(e.kill!.weapon, 5); // WP_PANZERFAUST
    assert.deepEqual(e.path.map((p) => p.event), ['start', 'death']);
  });

  it('escaped: 5 s without damage and >= 300 u from the last-hit position; escape heat cell', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 2, 10);
    server.setOrigin(slots[1]!, [200 + 800, 0, 0]);
    await server.runFor(5200);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'escaped');
    assert.equal(e.endMs, e.attackers[0]!.lastHitMs + 5000);
    assert.equal(e.endMod, null);
    assert.equal(e.killer, null);
    assert.equal(e.kill, null);
    const last = e.path[e.path.length - 1]!;
    assert.equal(last.event, 'escape');
    assert.deepEqual([last.x, last.y, last.z], [1000, 0, 0]);
    assert.ok(e.path.some((p) => p.event === 'sample'), 'a sample point every 2 s while open');
    const cell = round.movementHeatmap!.find((c) => c.gx === 1 && c.gy === 0);
    assert.ok(cell && cell.escape === 1);
    const combat = round.movementHeatmap!.find((c) => c.gx === 0 && c.gy === 0);
    assert.ok(combat && combat.combat === 2);
  });

  it('timeout: the target stops being attacked but never moves away (lesson 18)', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 1, 10);
    await server.runFor(6000);
    const round = await finishRound(r);
    assert.equal(only(round).outcome, 'timeout');
  });

  it('died_world: killer 1022 (falling) closes the open engagement', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 1, 10);
    await server.damage(slots[1]!, 1022, 500, MOD.FALLING);
    await server.runFrames(1);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'died_world');
    assert.equal(e.endMod, MOD.FALLING);
    assert.equal(e.killer, null);
    assert.equal(e.damage, 10);
    assert.equal(e.path[e.path.length - 1]!.event, 'death');
  });

  it('suicide: /kill closes the open engagement; world/self damage never opens one', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await server.damage(slots[0]!, slots[0]!, 20, MOD.GRENADE_LAUNCHER); // self damage
    await server.damage(slots[2]!, 1022, 20, MOD.FALLING); // world damage
    await server.runFrames(1);
    await hitEachFrame(server, slots[1]!, slots[0]!, 1, 10);
    await server.suicide(slots[1]!);
    await server.runFrames(1);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'suicide');
    assert.equal(e.endMod, MOD.SUICIDE);
    assert.equal(e.target, pidOf(round, slots[1]!));
  });

  it('teamkill: a teammate finishes the target (team damage adds nothing, lesson 17)', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 1, 10);
    await server.damage(slots[1]!, slots[3]!, 30, MOD.THOMPSON); // team damage
    await server.runFrames(1);
    await server.damage(slots[1]!, slots[3]!, 500, MOD.THOMPSON); // team kill
    await server.runFrames(1);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'teamkill');
    assert.equal(e.killer, pidOf(round, slots[3]!));
    assert.equal(e.hits, 1);
    assert.equal(e.damage, 10);
    assert.equal(e.attackers.length, 1);
    assert.equal(e.crossfire, false);
  });

  it('disconnected: the target leaves mid-engagement (lesson 18)', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 2, 10);
    await server.disconnect(slots[1]!);
    await server.runFrames(1);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'disconnected');
    const p = round.players.find((x) => x.pid === e.target)!;
    assert.equal(p.lastSeenMs, e.endMs);
  });

  it('team_changed: the target switches team while alive (MOD_SWITCHTEAM)', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 1, 10);
    await server.joinTeam(slots[1]!, 'AXIS');
    await server.runFrames(2);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'team_changed');
    assert.equal(e.targetTeam, 'ALLIES');
  });

  it('round_end: still open at intermission, closed at the round end time', async () => {
    const r = await startRound();
    const { server, slots } = r;
    await hitEachFrame(server, slots[1]!, slots[0]!, 1, 10);
    await server.runFor(1000);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'round_end');
    assert.equal(e.endMs, round.header.durationMs);
    assert.equal(round.header.endReason, 'intermission');
  });
});
