/**
 * Property-based: random event sequences (fast-check) through the emulator. Whatever happens, the tracker
 * never raises (hookErrors empty), never returns a value from a hook (hookReturns empty, lessons 4-6), and
 * every round it finishes is a file the reader accepts, with every referenced pid in PLAYERS.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { assertClean, cleanupHomes, partFiles, roundFiles, startRound, type PlayerSpec } from './helpers.ts';

after(cleanupHomes);

const players: PlayerSpec[] = [
  { name: 'A;1', team: 'AXIS', pos: [0, 0, 0] },
  { name: 'B|2', team: 'ALLIES', pos: [300, 0, 0] },
  { name: 'C,3', team: 'AXIS', pos: [0, 300, 0] },
  { name: 'D%4', team: 'ALLIES', pos: [600, 600, 0] },
  { name: 'bot', team: 'AXIS', pos: [-300, 0, 0], bot: true },
];

type Action =
  | { k: 'damage'; t: number; a: number; amount: number; mod: number }
  | { k: 'frames'; n: number }
  | { k: 'wait'; ms: number }
  | { k: 'move'; s: number; x: number; y: number }
  | { k: 'suicide'; s: number }
  | { k: 'revive'; s: number; r: number }
  | { k: 'leave'; s: number }
  | { k: 'switch'; s: number }
  | { k: 'pause'; ms: number }
  | { k: 'raw'; hook: string; args: number[] };

const slot = fc.integer({ min: 0, max: 5 });
const anyEntity = fc.oneof(slot, fc.constantFrom(1022, 1023, 63, 100, -1));
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ k: fc.constant('damage' as const), t: slot, a: anyEntity, amount: fc.integer({ min: 0, max: 250 }), mod: fc.integer({ min: 0, max: 66 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('frames' as const), n: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('wait' as const), ms: fc.integer({ min: 100, max: 7000 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('move' as const), s: slot, x: fc.integer({ min: -2e6, max: 2e6 }), y: fc.integer({ min: -5000, max: 5000 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('suicide' as const), s: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('revive' as const), s: slot, r: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('leave' as const), s: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('switch' as const), s: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pause' as const), ms: fc.integer({ min: 50, max: 3000 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('raw' as const),
      hook: fc.constantFrom('et_Damage', 'et_Obituary', 'et_ClientSpawn', 'et_ClientUserinfoChanged', 'et_ClientDisconnect', 'et_ClientBegin'),
      args: fc.array(fc.oneof(anyEntity, fc.integer({ min: -5, max: 70 })), { minLength: 1, maxLength: 5 }),
    }),
  },
);
const ending = fc.constantFrom('intermission', 'changeMap', 'mapRestart', 'quit');

describe('tracker under random event sequences', () => {
  it('never raises, never returns a value, always writes a file the reader accepts', async () => {
    let runs = 0;
    let events = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 60 }), ending, async (actions, end) => {
        runs++;
        const r = await startRound(players, { maxClients: 8 });
        const { server, slots } = r;
        const connected = new Set(slots);
        const rawRule = (hook: string) => (hook === 'et_Damage' ? 'int1' : hook === 'et_Obituary' ? 'isstring' : 'observe');
        for (const act of actions) {
          events++;
          switch (act.k) {
            case 'damage': {
              const a = act.a >= 0 && act.a < 8 && !connected.has(act.a) ? 1022 : act.a;
              if (connected.has(act.t)) await server.damage(act.t, a, act.amount, act.mod);
              break;
            }
            case 'frames': await server.runFrames(act.n); break;
            case 'wait': await server.runFor(act.ms); break;
            case 'move': if (connected.has(act.s)) server.setOrigin(act.s, [act.x, act.y, 0]); break;
            case 'suicide': if (connected.has(act.s)) await server.suicide(act.s); break;
            case 'revive':
              if (connected.has(act.s) && connected.has(act.r) && server.lifeState(act.s) === 'downed') await server.revive(act.s, act.r);
              break;
            case 'leave':
              if (connected.has(act.s)) {
                await server.disconnect(act.s);
                connected.delete(act.s);
              } else {
                await server.connect({ name: `new^${act.s};|`, slot: act.s });
                await server.joinTeam(act.s, act.s % 2 ? 'ALLIES' : 'AXIS');
                connected.add(act.s);
              }
              break;
            case 'switch': if (connected.has(act.s)) await server.joinTeam(act.s, events % 2 ? 'ALLIES' : 'AXIS'); break;
            case 'pause': server.pause(); await server.runFor(act.ms); server.unpause(); break;
            case 'raw': server.raw.dispatch(act.hook, act.args, rawRule(act.hook)); break;
          }
        }
        if (end === 'intermission') await server.endRound();
        else if (end === 'changeMap') await server.changeMap('radar');
        else if (end === 'mapRestart') await server.mapRestart();
        await server.runFrames(2);
        await server.quit();
        assertClean(server);
        const files = roundFiles(server);
        assert.equal(files.length, 1, `one file per round (${end})`);
        assert.deepEqual(partFiles(server), []);
        const round = files[0]!.round;
        const pids = new Set(round.players.map((p) => p.pid));
        for (const e of round.engagements) {
          assert.ok(pids.has(e.target));
          if (e.killer !== null) assert.ok(pids.has(e.killer));
          for (const a of e.attackers) assert.ok(pids.has(a.pid));
          assert.ok(e.endMs >= e.startMs);
          assert.ok(e.path.length <= 48);
          for (const p of e.path) for (const v of [p.x, p.y, p.z]) assert.ok(Math.abs(v) <= 1e6);
        }
      }),
      { numRuns: Number(process.env.TRACKER_PROPERTY_RUNS ?? 150), seed: 20261123, endOnFailure: true },
    );
    assert.ok(runs > 0 && events > 0);
  });
});

