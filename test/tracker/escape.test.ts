/**
 * Escape / timeout edges (4999/5000 ms, 299/300 u) at sv_fps 1000, and the position path rules.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MOD, cleanupHomes, finishRound, hitEachFrame, only, startRound, type PlayerSpec } from './helpers.ts';

after(cleanupHomes);

const players: PlayerSpec[] = [
  { name: 'A', team: 'AXIS', pos: [0, 0, 0] },
  { name: 'T', team: 'ALLIES', pos: [1000, 1000, 0] },
];

async function escapeCase(waitMs: number, moveBy: number) {
  const r = await startRound(players, { fps: 1000 });
  await r.server.damage(r.slots[1]!, r.slots[0]!, 5, MOD.MP40);
  await r.server.runFrames(1); // the position of the hit is read in this frame
  r.server.setOrigin(r.slots[1]!, [1000 + moveBy, 1000, 0]);
  await r.server.runFor(waitMs - 1);
  return only(await finishRound(r));
}

describe('tracker escape and timeout', () => {
  it('4999 ms after the last hit the engagement is still open', async () => {
    const e = await escapeCase(4999, 400);
    assert.equal(e.outcome, 'round_end');
  });

  it('5000 ms after the last hit it is decided: escaped at >= 300 u', async () => {
    const e = await escapeCase(5000, 400);
    assert.equal(e.outcome, 'escaped');
    assert.equal(e.endMs - e.attackers[0]!.lastHitMs, 5000);
  });

  it('exactly 300 u away is an escape', async () => {
    assert.equal((await escapeCase(5000, 300)).outcome, 'escaped');
  });

  it('299 u away is a timeout', async () => {
    const e = await escapeCase(5000, 299);
    assert.equal(e.outcome, 'timeout');
    assert.equal(e.endMs - e.attackers[0]!.lastHitMs, 5000);
    assert.ok(!e.path.some((p) => p.event === 'escape'));
  });

  it('path: start, at most one hit point per frame, samples every 2 s, capped with the death point kept', async () => {
    const r = await startRound(players, { cvars: { proximity_max_path_points: '5' } });
    const { server, slots } = r;
    await server.damage(slots[1]!, slots[0]!, 5, MOD.MP40);
    await server.damage(slots[1]!, slots[0]!, 5, MOD.MP40); // same frame: one point
    await server.runFrames(1);
    await server.runFor(4100); // two samples (2 s and 4 s after the start)
    await hitEachFrame(server, slots[1]!, slots[0]!, 6, 5);
    await server.damage(slots[1]!, slots[0]!, 500, MOD.MP40);
    await server.runFrames(1);
    const round = await finishRound(r);
    const e = only(round);
    assert.equal(e.outcome, 'killed');
    assert.equal(e.hits, 9);
    assert.equal(e.path.length, 5);
    assert.deepEqual(e.path.map((p) => p.event), ['start', 'sample', 'sample', 'hit', 'death']);
    assert.equal(e.path[1]!.t - e.path[0]!.t, 2000);
    assert.equal(e.path[2]!.t - e.path[0]!.t, 4000);
    assert.equal(round.header.config.max_path_points, 5);
  });
});
