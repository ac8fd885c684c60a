/**
 * Crossfire exactly as docs/FORMAT.md defines it. Runs at sv_fps 1000 (1 ms frames) so delays like 999 ms
 * are reachable. Slots: 0 and 2 Axis attackers, 4 a third Axis attacker, 1 the Allied target.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RoundFile } from '../../src/format/types.ts';
import { MOD, cleanupHomes, finishRound, only, pidOf, startRound, type PlayerSpec } from './helpers.ts';

after(cleanupHomes);

const players: PlayerSpec[] = [
  { name: 'A', team: 'AXIS', pos: [0, 0, 0] },
  { name: 'T', team: 'ALLIES', pos: [500, 0, 0] },
  { name: 'B', team: 'AXIS', pos: [0, 300, 0] },
  { name: 'F', team: 'ALLIES', pos: [3000, 3000, 0] },
  { name: 'C', team: 'AXIS', pos: [0, -300, 0] },
];

/** Plays hits [attackerIndex, delayBeforeMs] on the target and returns the round. */
async function play(hits: [number, number][]): Promise<{ round: RoundFile; slots: number[] }> {
  const r = await startRound(players, { fps: 1000 });
  for (const [who, wait] of hits) {
    if (wait > 0) await r.server.runFor(wait);
    await r.server.damage(r.slots[1]!, r.slots[who]!, 5, MOD.MP40);
  }
  await r.server.runFrames(1);
  return { round: await finishRound(r), slots: r.slots };
}

describe('tracker crossfire', () => {
  for (const [delay, pair] of [[999, true], [1000, true], [1001, false]] as const) {
    it(`two attackers ${delay} ms apart: ${pair ? 'a pair' : 'no pair'}`, async () => {
      const { round, slots } = await play([[0, 0], [2, delay]]);
      const e = only(round);
      assert.equal(e.outcome, 'round_end');
      assert.equal(e.crossfire, pair);
      if (pair) {
        const [a, b] = [pidOf(round, slots[0]!), pidOf(round, slots[2]!)].sort((x, y) => x - y);
        assert.deepEqual(e.crossfirePairs, [{ a, b, delayMs: delay }]);
        assert.equal(e.crossfireDelayMs, delay);
      } else {
        assert.deepEqual(e.crossfirePairs, []);
        assert.equal(e.crossfireDelayMs, null);
      }
    });
  }

  it('hits in the same frame make a pair with delay 0', async () => {
    const { round } = await play([[0, 0], [2, 0]]);
    const e = only(round);
    assert.equal(e.crossfire, true);
    assert.equal(e.crossfireDelayMs, 0);
  });

  it('three attackers: every pair within the window, smallest delay reported', async () => {
    const { round, slots } = await play([[0, 0], [2, 300], [4, 200]]);
    const e = only(round);
    const pid = (i: number) => pidOf(round, slots[i]!);
    const key = (a: number, b: number) => (a < b ? `${a}/${b}` : `${b}/${a}`);
    const got = Object.fromEntries(e.crossfirePairs.map((p) => [`${p.a}/${p.b}`, p.delayMs]));
    assert.deepEqual(got, { [key(pid(0), pid(2))]: 300, [key(pid(0), pid(4))]: 500, [key(pid(2), pid(4))]: 200 });
    assert.equal(e.crossfireDelayMs, 200);
    assert.equal(e.attackers.length, 3);
    for (const p of e.crossfirePairs) assert.ok(p.a < p.b);
  });

  it('an attacker who hits again later pairs with one who hit in between', async () => {
    const { round } = await play([[0, 0], [2, 1500], [0, 500]]);
    const e = only(round);
    assert.equal(e.crossfirePairs.length, 1);
    assert.equal(e.crossfirePairs[0]!.delayMs, 500);
  });

  it('a pair keeps the smallest delay seen', async () => {
    const { round } = await play([[0, 0], [2, 800], [0, 100]]);
    const e = only(round);
    assert.equal(e.crossfirePairs.length, 1);
    assert.equal(e.crossfirePairs[0]!.delayMs, 100);
  });

  it('team damage never makes a crossfire (lesson 17)', async () => {
    const r = await startRound(players, { fps: 1000 });
    await r.server.damage(r.slots[1]!, r.slots[0]!, 5, MOD.MP40);
    await r.server.damage(r.slots[1]!, r.slots[3]!, 5, MOD.THOMPSON); // teammate of the target
    await r.server.runFrames(1);
    const e = only(await finishRound(r));
    assert.equal(e.crossfire, false);
    assert.equal(e.attackers.length, 1);
  });
});
