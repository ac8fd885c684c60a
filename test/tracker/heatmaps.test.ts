/**
 * Heatmaps (docs/FORMAT.md): traversal samples every living team player once per movement_sample_ms,
 * combat counts enemy hits in the target's cell, escape counts escape points, kills count in the victim's
 * cell by the killer's team. Spectators and dead players are not sampled.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MOD, cleanupHomes, finishRound, hitEachFrame, startRound, type PlayerSpec } from './helpers.ts';

after(cleanupHomes);

const players: PlayerSpec[] = [
  // far from the spawn points, so a cell only counts samples taken after the players were placed
  // (startRound places them when the match starts)
  { name: 'A', team: 'AXIS', pos: [10_100, 100, 0] },       // cell (19,0)
  { name: 'B', team: 'ALLIES', pos: [10_600, 100, 0] },     // cell (20,0)
  { name: 'C', team: 'AXIS', pos: [-10_100, -600, 0] },     // cell (-20,-2)
  { name: 'S', team: 'SPECTATOR', pos: [5000, 5000, 0] },   // cell (9,9): never sampled
];

describe('tracker heatmaps', () => {
  it('traversal: each living player once per second in its cell; combat and kill cells', async () => {
    const r = await startRound(players);
    const { server, slots } = r;
    const cell = (round: Awaited<ReturnType<typeof finishRound>>, gx: number, gy: number) =>
      round.movementHeatmap!.find((c) => c.gx === gx && c.gy === gy);
    await server.runFor(10_000);
    await hitEachFrame(server, slots[1]!, slots[0]!, 3, 10, MOD.MP40); // 3 combat hits in (20,0)
    await server.damage(slots[2]!, slots[1]!, 500, MOD.THOMPSON);       // C killed by Allies in (-20,-2)
    await server.runFrames(1);
    await server.runFor(10_000); // C is down: not sampled any more
    const round = await finishRound(r);
    const a = cell(round, 19, 0)!;
    const b = cell(round, 20, 0)!;
    const c = cell(round, -20, -2)!;
    // placed when the match started: A and B stood there ~23.7 s, C ~13.7 s until it died; one sample
    // per second each
    assert.ok(a.traversal >= 22 && a.traversal <= 25, `A traversal ${a.traversal}`);
    assert.ok(b.traversal >= 22 && b.traversal <= 25, `B traversal ${b.traversal}`);
    assert.ok(c.traversal >= 12 && c.traversal <= 15, `C traversal ${c.traversal} (dead after ~14 s)`);
    assert.equal(b.combat, 3);
    assert.equal(a.combat, 0);
    assert.equal(cell(round, 9, 9), undefined, 'the spectator is never sampled');
    assert.deepEqual(round.killHeatmap, [{ gx: -20, gy: -2, axisKills: 0, alliesKills: 1 }]);
    for (const m of round.movementHeatmap!) assert.equal(m.escape, 0);
  });
});
