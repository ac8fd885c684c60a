/**
 * The behaviour model and the session logic, against a stand-in server (fast, no Lua): determinism,
 * the round plan, map data sanity, weapon damage rules and the statistical shape of the fights.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { simulateSession } from '../../src/simulator/index.ts';
import { planRounds } from '../../src/simulator/match.ts';
import { MAPS, mapArea } from '../../src/simulator/maps.ts';
import { Rng } from '../../src/simulator/rng.ts';
import { makeRoster } from '../../src/simulator/roster.ts';
import { BLASTS, GUNS, blastDamage, gunDamage } from '../../src/simulator/weapons.ts';
import { FakeServer } from './fake-server.ts';

const tmp = mkdtempSync(join(tmpdir(), 'proximity-sim-model-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function fakeSession(seed: number, extra: Partial<Parameters<typeof simulateSession>[0]> = {}): Promise<FakeServer> {
  let server: FakeServer | null = null;
  await simulateSession({
    seed, outDir: join(tmp, `out-${seed}`), rounds: 2, maps: ['supply'], playersPerTeam: 6, roundSeconds: 600,
    homepath: join(tmp, `home-${seed}`),
    createServer: async (o) => (server = new FakeServer(o)),
    ...extra,
  });
  assert.ok(server);
  return server;
}

describe('Rng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const sa = Array.from({ length: 20 }, () => a.u32());
    assert.deepEqual(sa, Array.from({ length: 20 }, () => b.u32()));
    assert.notDeepEqual(sa, Array.from({ length: 20 }, () => c.u32()));
  });
  it('stays in range', () => {
    const r = new Rng(7);
    for (let i = 0; i < 10000; i++) {
      const x = r.next();
      assert.ok(x >= 0 && x < 1);
      const k = r.int(6);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 6);
    }
  });
});

describe('round plan', () => {
  it('stopwatch maps give round 1 and round 2, then the next map', () => {
    assert.deepEqual(planRounds(3, ['supply', 'radar']), [
      { map: 'supply', round: 1 }, { map: 'supply', round: 2 }, { map: 'radar', round: 1 },
    ]);
    assert.deepEqual(planRounds(1, ['oasis']), [{ map: 'oasis', round: 1 }]);
    assert.equal(planRounds(6, ['oasis']).filter((p) => p.round === 2).length, 3);
  });
});

describe('maps', () => {
  it('spawns, lanes and objectives lie inside the map bounds', () => {
    for (const m of Object.values(MAPS)) {
      const inside = (v: number[]) => v[0]! >= m.bounds.minX && v[0]! <= m.bounds.maxX && v[1]! >= m.bounds.minY && v[1]! <= m.bounds.maxY;
      assert.ok(inside(m.spawns.AXIS) && inside(m.spawns.ALLIES) && inside(m.objective), m.name);
      for (const lane of m.lanes) {
        assert.ok(lane.every(inside), `${m.name} lane`);
        assert.deepEqual(lane[0], m.spawns[m.attackers], `${m.name}: lanes start at the attackers' spawn`);
        assert.deepEqual(lane[lane.length - 1], m.objective, `${m.name}: lanes end at the objective`);
      }
    }
    assert.equal(mapArea('some_custom_map').name, 'some_custom_map');
  });
});

describe('weapons', () => {
  it('reports damage as et_Damage does: headshot ×2 min 50, helmet ×0.8, falloff', () => {
    assert.equal(gunDamage(GUNS.mp40, 500, false, true), 18);
    assert.equal(gunDamage(GUNS.mp40, 500, true, false), 50);
    assert.equal(gunDamage(GUNS.mp40, 500, true, true), 40);
    assert.ok(gunDamage(GUNS.mp40, 2400, false, true) < 18);
    assert.equal(GUNS.mp40.mod, 8);
    assert.equal(GUNS.thompson.mod, 9);
    assert.equal(GUNS.k43.mod, 50);
    assert.equal(BLASTS.panzer.mod, 15);
    assert.equal(blastDamage(BLASTS.panzer, 0), 400);
    assert.equal(blastDamage(BLASTS.panzer, 400), 0);
    assert.ok(blastDamage(BLASTS.axisGrenade, 125) < 250);
  });
});

describe('roster', () => {
  it('gives distinct names and 32-hex guids, some hostile, none with ; or "', () => {
    const r = makeRoster(new Rng(1), 64);
    assert.equal(new Set(r.map((p) => p.name)).size, 64);
    assert.ok(r.every((p) => /^[0-9A-F]{32}$/.test(p.guid)));
    assert.ok(r.every((p) => !p.name.includes(';') && !p.name.includes('"')));
    assert.ok(r.some((p) => /[|,%<']/.test(p.name)));
  });
});

describe('behaviour model (stand-in server)', () => {
  it('is deterministic for a seed and differs between seeds', async () => {
    const opts = { roundSeconds: 90 };
    const a = await fakeSession(11, opts);
    const b = await fakeSession(11, opts);
    const c = await fakeSession(12, opts);
    assert.deepEqual(a.calls, b.calls);
    assert.deepEqual(a.eng, b.eng);
    assert.notDeepEqual(a.eng, c.eng);
  });

  it('drives the session in order: warmup, live, intermission, round 2, quit', async () => {
    const s = await fakeSession(3, { rounds: 3, maps: ['supply', 'radar'], roundSeconds: 60 });
    const phases = s.calls.filter((c) => !/^(connect|team|disconnect)/.test(c));
    assert.deepEqual(phases, ['startMatch', 'endRound', 'mapRestart', 'startMatch', 'endRound', 'changeMap radar', 'startMatch', 'endRound', 'quit']);
    assert.ok(s.calls.some((c) => c.startsWith('disconnect')), 'somebody leaves');
    const firstLeave = s.calls.findIndex((c) => c.startsWith('disconnect'));
    assert.ok(s.calls.slice(firstLeave).some((c) => c.startsWith('connect')), 'and somebody joins after');
  });
});
