/**
 * The simulator end to end: the emulator runs the real lua/proximity_tracker.lua, the simulator plays
 * sessions through it, and the round files it collects are checked with the format reader.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseRoundFile } from '../../src/format/reader.ts';
import type { RoundFile } from '../../src/format/types.ts';
import { simulateSession, type SimulationResult } from '../../src/simulator/index.ts';
import type { SimServer } from '../../src/simulator/server.ts';

const tmp = mkdtempSync(join(tmpdir(), 'proximity-sim-session-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const NAME = /^\d{4}-\d{2}-\d{2}-\d{6}-([a-z0-9_.-]+)-round-([12])_engagements\.txt$/;

function readAll(files: string[]): RoundFile[] {
  return files.map((f) => parseRoundFile(readFileSync(f), basename(f)));
}

describe('simulateSession through the emulator (6v6, supply, both stopwatch rounds of 10 minutes)', () => {
  let result: SimulationResult;
  let rounds: RoundFile[];
  let server: SimServer | null = null;
  const seen: { map: string; round: number; engagements: number }[] = [];

  before(async () => {
    result = await simulateSession({
      seed: 7, outDir: join(tmp, 'shape'), rounds: 2, maps: ['supply'], playersPerTeam: 6, roundSeconds: 600,
      serverId: 'sim-test', onServer: (s) => (server = s), onRound: (i) => seen.push(i),
    });
    rounds = readAll(result.files);
  });

  it('writes one parseable file per round, round 2 marked as such', () => {
    assert.equal(result.files.length, 2);
    assert.deepEqual(result.files.map((f) => NAME.exec(basename(f))?.slice(1)), [['supply', '1'], ['supply', '2']]);
    assert.deepEqual(rounds.map((r) => r.header.round), [1, 2]);
    for (const r of rounds) {
      assert.equal(r.header.map, 'supply');
      assert.equal(r.header.serverId, 'sim-test');
      assert.equal(r.header.gametype, 3);
      assert.equal(r.header.endReason, 'intermission');
      assert.ok(r.header.durationMs !== null && r.header.durationMs >= 599000, `duration ${r.header.durationMs}`);
    }
    assert.deepEqual(seen.map((s) => [s.map, s.round]), [['supply', 1], ['supply', 2]]);
    assert.deepEqual(seen.map((s) => s.engagements), rounds.map((r) => r.engagements.length));
  });

  it('leaves the tracker without errors and its hooks without return values', () => {
    assert.ok(server);
    assert.deepEqual(server.hookErrors, []);
    assert.deepEqual(server.hookReturns, []);
  });

  it('has the statistical shape of a real 6v6 round', () => {
    for (const r of rounds) {
      const e = r.engagements;
      const count = (o: string) => e.filter((x) => x.outcome === o).length;
      assert.ok(e.length >= 60 && e.length <= 180, `engagements per round: ${e.length}`);
      const cf = e.filter((x) => x.crossfire).length / e.length;
      assert.ok(cf >= 0.05 && cf <= 0.35, `crossfire share ${cf}`);
      assert.ok(count('escaped') > 0, 'escapes happen');
      assert.ok(count('killed') > count('escaped'), 'most engagements end in a kill');
      const types = new Map<string, number>();
      for (const x of e) if (x.kill) types.set(x.kill.engagementType, (types.get(x.kill.engagementType) ?? 0) + 1);
      const ranked = [...types].sort((a, b) => b[1] - a[1]);
      assert.equal(ranked[0]?.[0], '1v1', `kills are mostly 1v1: ${JSON.stringify(ranked)}`);
      assert.ok((types.get('2v1') ?? 0) > 0, 'some 2v1 kills');
      const killerTeams = new Set(e.filter((x) => x.outcome === 'killed').map((x) => r.players.find((p) => p.pid === x.killer)?.team));
      assert.deepEqual([...killerTeams].sort(), ['ALLIES', 'AXIS'], 'both teams kill');
      const mods = new Set(e.flatMap((x) => x.attackers.flatMap((a) => Object.keys(a.weapons).map(Number))));
      assert.ok(mods.has(8) && mods.has(9), 'MP40 and Thompson hits');
      assert.ok([...mods].some((m) => [4, 15, 16, 18, 22, 23, 26, 39, 40, 41, 42, 52, 63].includes(m)), 'explosive hits');
      assert.ok(r.killHeatmap!.length > 3 && r.movementHeatmap!.length > 20, 'heatmaps have cells');
    }
  });

  it('has revives, a disconnect and a rejoin that reuses the slot', () => {
    assert.ok(result.stats.revives > 0, 'medics revive');
    assert.ok(result.stats.disconnects > 0 && result.stats.reconnects > 0);
    assert.ok(result.stats.warmupHits > 0, 'there is shooting in warmup too');
    const reused = rounds.some((r) => {
      const bySlot = new Map<number | null, number>();
      for (const p of r.players) bySlot.set(p.slot, (bySlot.get(p.slot) ?? 0) + 1);
      return [...bySlot.values()].some((n) => n > 1);
    });
    assert.ok(reused, 'a slot is used by two connections in one round');
  });

  it('swaps the sides for round 2', () => {
    const teamOf = (r: RoundFile, guid: string) => r.players.find((p) => p.guid === guid && p.team !== 'SPECTATOR')?.team;
    const [r1, r2] = rounds as [RoundFile, RoundFile];
    const swapped = r1.players.filter((p) => {
      const t2 = teamOf(r2, p.guid);
      return t2 !== undefined && t2 !== p.team;
    });
    assert.ok(swapped.length >= 10, `players on the other side in round 2: ${swapped.length}`);
  });
});

describe('simulateSession determinism and rotation', () => {
  const small = { rounds: 2, maps: ['goldrush'], playersPerTeam: 3, roundSeconds: 60, warmupSeconds: 3, intermissionSeconds: 2 };

  it('gives byte-identical files for a seed and different files for another seed', async () => {
    const a = await simulateSession({ seed: 5, outDir: join(tmp, 'a'), ...small });
    const b = await simulateSession({ seed: 5, outDir: join(tmp, 'b'), ...small });
    const c = await simulateSession({ seed: 6, outDir: join(tmp, 'c'), ...small });
    assert.equal(a.files.length, 2);
    assert.deepEqual(a.files.map((f) => basename(f)), b.files.map((f) => basename(f)));
    for (let i = 0; i < a.files.length; i++) assert.ok(readFileSync(a.files[i]!).equals(readFileSync(b.files[i]!)), `file ${i} identical`);
    const same = a.files.every((f, i) => c.files[i] !== undefined && readFileSync(f).equals(readFileSync(c.files[i]!)));
    assert.equal(same, false, 'another seed gives other files');
  });

  it('fills a 64-slot server (32v32) and reuses slots of leavers', async () => {
    const seen: { server?: SimServer } = {};
    const r = await simulateSession({
      seed: 4, outDir: join(tmp, 'full'), rounds: 1, maps: ['fueldump'], playersPerTeam: 32, roundSeconds: 90,
      warmupSeconds: 2, intermissionSeconds: 2, onServer: (s) => (seen.server = s),
    });
    const server = seen.server;
    assert.equal(r.files.length, 1);
    const [round] = readAll(r.files) as [RoundFile];
    const slots = new Set(round.players.map((p) => p.slot));
    assert.equal(slots.size, 64, 'all 64 slots in use');
    assert.ok(round.players.length > 64, 'leavers were replaced in their slots');
    assert.ok(round.engagements.length > 50, `engagements: ${round.engagements.length}`);
    assert.ok(server);
    assert.deepEqual(server.hookErrors, []);
    assert.deepEqual(server.hookReturns, []);
  });

  it('plays the rotation: stopwatch pairs, then the next map; every file parses', async () => {
    const out = join(tmp, 'rotation');
    const r = await simulateSession({ seed: 9, outDir: out, rounds: 3, maps: ['radar', 'oasis'], playersPerTeam: 2, roundSeconds: 30, warmupSeconds: 2, intermissionSeconds: 2 });
    assert.deepEqual(r.files.map((f) => NAME.exec(basename(f))?.slice(1)), [['radar', '1'], ['radar', '2'], ['oasis', '1']]);
    assert.deepEqual(readdirSync(out).sort(), r.files.map((f) => basename(f)).sort(), 'only final files land in outDir');
    const parsed = readAll(r.files);
    assert.deepEqual(parsed.map((p) => [p.header.map, p.header.round]), [['radar', 1], ['radar', 2], ['oasis', 1]]);
    // Files of one session have increasing start times (they are different rounds).
    const starts = parsed.map((p) => p.header.roundStartUnix ?? 0);
    assert.ok(starts[0]! < starts[1]! && starts[1]! < starts[2]!);
  });
});
