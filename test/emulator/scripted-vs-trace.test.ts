/**
 * The scripted API against the real engine: the golden scenarios are re-enacted with EtServer (same times,
 * same players) while the recorder fixture logs every hook; the (levelTime, hook, args) sequence must equal
 * the trace's, ignoring et_RunFrame (the real recorder skipped most frames). Health is set where the real
 * game's medic regeneration changed it, so the kills land on the same hit.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ENTITYNUM_WORLD } from '../../src/emulator/index.ts';
import { cleanupHomes } from './helpers.ts';
import { connectAndJoin, recordedCalls, shoot, traceCalls, traceHost } from './scripted.ts';

function same(name: string, got: ReturnType<typeof recordedCalls>): void {
  const want = traceCalls(name);
  const fmt = (c: { levelTime: number; hook: string; args: unknown[] }) => `${c.levelTime} ${c.hook} ${JSON.stringify(c.args)}`;
  assert.deepEqual(got.map(fmt), want.map(fmt));
}

describe('EtServer reproduces the engine sequences of the golden traces', () => {
  after(cleanupHomes);

  it('s1: join in warmup, warmup hits and a warmup kill, quit', async () => {
    const s = await traceHost({ warmup: true, cvars: { g_doWarmup: '1' } });
    await connectAndJoin(s);
    for (const t of [6100, 6250]) { await s.runUntil(t); await shoot(s, 0, 1); }
    await s.runUntil(7350);
    s.setField(3, 'health', 132);
    for (let t = 7350; t <= 8400; t += 150) { await s.runUntil(t); await shoot(s, 2, 3); }
    await s.runUntil(10450);
    await s.quit();
    same('s1', recordedCalls(s));
    assert.deepEqual(s.hookErrors, []);
  });

  it('s3: crossfire kill (two attackers, same levelTime), respawn at the Allied wave, second fight', async () => {
    const s = await traceHost();
    await connectAndJoin(s);
    await s.runUntil(8750);
    assert.equal(s.gamestate, 0, 'the countdown ended with map_restart at 4050');
    s.setField(1, 'health', 127);
    for (const t of [8750, 8900, 9050, 9200]) { await s.runUntil(t); await shoot(s, 0, 1); await shoot(s, 2, 1); }
    await s.runUntil(19050);
    s.setField(3, 'health', 131);
    await shoot(s, 0, 3);
    for (let t = 20650; t <= 21550; t += 150) { await s.runUntil(t); await shoot(s, 2, 3); }
    await s.runUntil(23600);
    await s.quit();
    same('s3', recordedCalls(s));
  });

  it('s5: falling death by the world, /kill, disconnect, slot reuse, team switch while alive', async () => {
    const s = await traceHost();
    await connectAndJoin(s);
    await s.runUntil(11000);
    s.setField(1, 'health', 131);
    const fall = await s.damage(1, ENTITYNUM_WORLD, 307, 32, 8);
    assert.deepEqual(fall, { cancelled: false, killed: true, delivered: true });
    assert.equal(s.entity(1)['health'], -176, 'take > 190 sets GIB_HEALTH - 1');
    await s.runUntil(15750);
    await s.suicide(0);
    await s.runUntil(16750);
    await shoot(s, 2, 3);
    await s.runUntil(17300);
    await s.disconnect(3);
    await s.runUntil(18300);
    await s.connect({ name: '^2Newcomer', guid: 'ABCDEF0123456789ABCDEF0123456789', slot: 3 });
    await s.runUntil(18550);
    await s.joinTeam(3, 'ALLIES', 0);
    await s.runUntil(19550);
    await s.joinTeam(2, 'ALLIES', 0);
    await s.runUntil(22550);
    await s.quit();
    same('s5', recordedCalls(s));
  });

  it('s6: timelimit → intermission → nextmap map change → countdown → map_restart', async () => {
    const s = await traceHost({ autoTapout: false, cvars: { timelimit: '0.5', nextmap: 'map hosttest' } });
    await connectAndJoin(s);
    await s.runUntil(8750);
    s.setField(1, 'health', 130);
    for (let t = 8750; t <= 9800; t += 150) { await s.runUntil(t); await shoot(s, 0, 1); }
    await s.runUntil(34100);
    assert.equal(s.gamestate, 3);
    await s.runUntil(45500);
    await s.quit();
    same('s6', recordedCalls(s));
  });

  it('s6sw: stopwatch round 1 → map_restart (sides swapped) → round 2 on g_nextTimeLimit → map change', async () => {
    const s = await traceHost({ autoTapout: false, gametype: 3, stopwatchSwap: true,
      cvars: { timelimit: '0.5', nextmap: 'map_restart 0' } });
    await connectAndJoin(s);
    await s.runUntil(8750);
    s.setField(1, 'health', 130);
    for (let t = 8750; t <= 9800; t += 150) { await s.runUntil(t); await shoot(s, 0, 1); }
    await s.runUntil(34050);
    assert.equal(s.cvar('g_currentRound'), '1');
    assert.equal(s.cvar('g_nextTimeLimit'), '0.500000');
    await s.runUntil(47850);
    assert.equal(s.entity(0)['sess.sessionTeam'], 2, 'round 2: sides swapped');
    s.setCvar('nextmap', 'map hosttest');
    s.setField(2, 'health', 120);
    for (let t = 47850; t <= 48750; t += 150) { await s.runUntil(t); await shoot(s, 3, 2); }
    await s.runUntil(84600);
    await s.quit();
    same('s6sw', recordedCalls(s));
  });
});
