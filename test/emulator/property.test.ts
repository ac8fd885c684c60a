/**
 * Random game stories against the engine's invariants (fixtures/invariants.lua raises inside the hooks on
 * a violation): integer arguments, one et_ClientBegin per connection, one et_Obituary per life with killer
 * 0-63 or 1022 and a PM_DEAD victim, no et_Damage in intermission, no shots from the dead, spawn/revive order.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ENTITYNUM_WORLD, EtServer } from '../../src/emulator/index.ts';
import { FIXTURES, cleanupHomes, tempHome } from './helpers.ts';

type Act =
  | { k: 'connect'; bot: boolean } | { k: 'disconnect'; i: number } | { k: 'team'; i: number; t: number; c: number }
  | { k: 'hit'; i: number; j: number; dmg: number; mod: number } | { k: 'world'; i: number; dmg: number }
  | { k: 'kill'; i: number } | { k: 'revive'; i: number; j: number } | { k: 'tapout'; i: number }
  | { k: 'fire'; i: number } | { k: 'frames'; n: number } | { k: 'start' } | { k: 'end' } | { k: 'restart' }
  | { k: 'map' } | { k: 'pause' };

const idx = fc.nat({ max: 7 });
const act: fc.Arbitrary<Act> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('connect' as const), bot: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('disconnect' as const), i: idx }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('team' as const), i: idx, t: fc.nat({ max: 2 }), c: fc.nat({ max: 4 }) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('hit' as const), i: idx, j: idx, dmg: fc.integer({ min: 1, max: 250 }), mod: fc.constantFrom(8, 9, 15, 4) }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('world' as const), i: idx, dmg: fc.integer({ min: 1, max: 400 }) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('kill' as const), i: idx }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('revive' as const), i: idx, j: idx }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('tapout' as const), i: idx }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('fire' as const), i: idx }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('frames' as const), n: fc.integer({ min: 1, max: 400 }) }), weight: 4 },
  { arbitrary: fc.constant({ k: 'start' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'end' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'restart' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'map' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'pause' as const }), weight: 1 },
);

async function play(s: EtServer, a: Act): Promise<void> {
  const slots = s.slots;
  const pick = (i: number) => slots[i % Math.max(1, slots.length)];
  switch (a.k) {
    case 'connect': if (slots.length < 8) await s.connect({ name: `P${s.levelTime}`, bot: a.bot }); break;
    case 'disconnect': { const c = pick(a.i); if (c !== undefined) await s.disconnect(c); break; }
    case 'team': { const c = pick(a.i); if (c !== undefined) await s.joinTeam(c, (['AXIS', 'ALLIES', 'SPECTATOR'] as const)[a.t]!, a.c as 0); break; }
    case 'hit': { const c = pick(a.i), d = pick(a.j); if (c !== undefined && d !== undefined) await s.damage(c, d, a.dmg, a.mod); break; }
    case 'world': { const c = pick(a.i); if (c !== undefined) await s.damage(c, ENTITYNUM_WORLD, a.dmg, 32, 8); break; }
    case 'kill': { const c = pick(a.i); if (c !== undefined) await s.suicide(c); break; }
    case 'revive': { const c = pick(a.i), d = pick(a.j); if (c !== undefined && d !== undefined && s.lifeState(c) === 'downed') await s.revive(c, d); break; }
    case 'tapout': { const c = pick(a.i); if (c !== undefined) await s.tapout(c); break; }
    case 'fire': { const c = pick(a.i); if (c !== undefined) await s.fire(c, 3); break; }
    case 'frames': await s.runFrames(a.n); break;
    case 'start': if (s.gamestate !== 0 && s.gamestate !== 3) await s.startMatch(); break;
    case 'end': if (s.gamestate === 0) await s.endRound(); break;
    case 'restart': await s.mapRestart(); break;
    case 'map': await s.changeMap(s.cvar('mapname') === 'oasis' ? 'supply' : 'oasis'); break;
    case 'pause': s.pause(); await s.runFrames(20); s.unpause(); break;
  }
}

describe('emulator invariants under random stories', () => {
  after(cleanupHomes);
  it('no invariant of the engine is broken, whatever the order of events', async () => {
    const seen = { obituaries: 0, damages: 0, revives: 0 };
    await fc.assert(fc.asyncProperty(fc.array(act, { minLength: 5, maxLength: 40 }), fc.boolean(), async (acts, warmup) => {
      const s = await EtServer.create({ homepath: tempHome(), modules: [`${FIXTURES}/invariants.lua`], maxClients: 8, warmup,
        cvars: { g_redlimbotime: '2000', g_bluelimbotime: '2000', timelimit: '1' } });
      // A populated server first, so that the random part reaches combat, deaths and revives.
      for (let i = 0; i < 6; i++) {
        await s.connect({ name: `Seed${i}`, bot: i === 5 });
        await s.joinTeam(i, i % 2 ? 'ALLIES' : 'AXIS', (i % 5) as 0);
      }
      if (!warmup) await s.startMatch();
      await s.runFor(3500);
      for (const a of acts) await play(s, a);
      await s.quit();
      seen.obituaries += Number(s.cvar('inv_obituaries')) || 0;
      seen.damages += Number(s.cvar('inv_damages')) || 0;
      seen.revives += Number(s.cvar('inv_revives')) || 0;
      assert.deepEqual(s.hookErrors, []);
      assert.deepEqual(s.hookReturns, []);
      assert.equal(s.raw.dropped, null);
    }), { numRuns: 15, seed: 20261123 });
    // The stories did reach the interesting paths.
    assert.ok(seen.obituaries > 5 && seen.damages > 20 && seen.revives > 0, JSON.stringify(seen));
  });
});
