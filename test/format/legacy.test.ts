// The seeds' legacy formats: fixtures → expected records, the v3 "weapons reuse ;" hazard, round
// identity from the file name, and the writers used by tests/benchmarks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRoundFile, readRoundFile, RoundFileError } from '../../src/format/reader.ts';
import { writeLegacyV2, writeLegacyV3 } from '../../src/format/legacy-writer.ts';
import { roundFileName, syntheticRound } from '../../src/format/synthetic.ts';
import { assertValidRound } from './helpers.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'legacy');
const V3_FILE = join(dir, '2026-03-14-201500-goldrush-round-1_engagements.txt');
const V3_SAME_MAP_LATER = join(dir, '2026-03-14-223000-goldrush-round-1_engagements.txt');
const V2_FILE = join(dir, '2026-03-14-201500-goldrush-round-1_proximity.txt');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt'))) {
  test(`legacy fixture ${file} → its expected records`, async () => {
    const r = await readRoundFile(join(dir, file));
    assertValidRound(r);
    const expected = JSON.parse(readFileSync(join(dir, file.replace(/\.txt$/, '.expected.json')), 'utf8'));
    assert.deepEqual(JSON.parse(JSON.stringify(r)), expected);
  });
}

test('v3: the weapons list reuses ";" and is taken whole as the last field', async () => {
  const r = await readRoundFile(V3_FILE);
  assert.equal(r.header.source, 'legacy-v3');
  const first = r.engagements[0]!;
  assert.deepEqual(first.attackers[0]!.weapons, { 8: 2, 9: 1 });
  assert.deepEqual(first.attackers[1]!.weapons, { 10: 2 });
  assert.equal(first.attackers.length, 2);
  assert.equal(first.hits, 5);
  assert.deepEqual(first.crossfirePairs, [{ a: 2, b: 3, delayMs: 450 }]);
  // a trailing ";" after the last weapon and numeric teams are accepted
  assert.deepEqual(r.engagements[2]!.attackers[0]!.weapons, { 9: 1 });
  assert.equal(r.engagements[2]!.targetTeam, 'AXIS');
});

test('v3: a "," inside an attacker name does not shift the attacker fields', () => {
  const line = '1;0;10;10;T;Target;ALLIES;escaped;18;;;0;;1;0;;;;;;;;;G,a,b,,c,AXIS,18,1,0,0,0,8:1;9:2';
  const r = parseRoundFile(`# PROXIMITY_TRACKER_V3\n# map=x\n# ENGAGEMENTS\n${line}\n`, 'f_engagements.txt');
  const a = r.engagements[0]!.attackers[0]!;
  assert.equal(r.players.find((p) => p.pid === a.pid)!.name, 'a,b,,c');
  assert.deepEqual(a.weapons, { 8: 1, 9: 2 });
});

test('two rounds of the same map on the same day stay distinct (file timestamp)', async () => {
  const a = await readRoundFile(V3_FILE);
  const b = await readRoundFile(V3_SAME_MAP_LATER);
  assert.equal(a.header.map, b.header.map);
  assert.equal(a.header.round, b.header.round);
  assert.equal(a.header.fileTimestampUnix, Date.UTC(2026, 2, 14, 20, 15, 0) / 1000);
  assert.equal(b.header.fileTimestampUnix, Date.UTC(2026, 2, 14, 22, 30, 0) / 1000);
});

test('legacy identity: no server, no start time; map and round from header or file name', () => {
  const r = parseRoundFile('# PROXIMITY_TRACKER_V3\n# ENGAGEMENTS\n', '/srv/x/2026-01-02-030405-et_ice-round-2_engagements.txt');
  assert.equal(r.header.serverId, null);
  assert.equal(r.header.roundStartUnix, null);
  assert.equal(r.header.map, 'et_ice');
  assert.equal(r.header.round, 2);
  assert.equal(r.header.fileTimestampUnix, Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
  assert.throws(() => parseRoundFile('# PROXIMITY_TRACKER_V3\n# ENGAGEMENTS\n', 'odd-name.txt'), (e: unknown) => e instanceof RoundFileError && e.field === 'map');
});

test('v3: raw UTF-8 and Latin-1 names are decoded without losing a byte', async () => {
  const r = await readRoundFile(join(dir, '2026-03-15-090000-supply-round-2_engagements.txt'));
  assert.deepEqual(r.players.map((p) => p.name), ['Café 🎯', 'René']);
});

test('v3 errors name the line and field', () => {
  const head = '# PROXIMITY_TRACKER_V3\n# map=m\n# ENGAGEMENTS\n';
  const base = '1;0;10;10;T;Target;ALLIES;escaped;18;;;0;;1;0;;;;;;;;;G,a,AXIS,18,1,0,0,0,8:1';
  const check = (line: string, field: string): void => {
    assert.throws(
      () => parseRoundFile(head + line + '\n', 'v3_engagements.txt'),
      (e: unknown) => e instanceof RoundFileError && e.kind === 'malformed' && e.line === 4 && e.field === field,
      line,
    );
  };
  check('1;0;10;10;T;Target;ALLIES', 'engagement');
  check(base.replace('escaped', 'vanished'), 'outcome');
  check(base.replace(';1;0;;;;;;;;;', ';2;0;;;;;;;;;'), 'attacker_count');
  check(base.replace('8:1', '8-1'), 'attackers[1].weapons');
  check(base.replace('ALLIES', 'BLUE'), 'target_team');
  check(base.replace('1;0;10;10', '1;20;10;10'), 'end_time');
  assert.throws(() => parseRoundFile(head + base, 'v3_engagements.txt'), (e: unknown) => e instanceof RoundFileError && e.kind === 'torn');
});

test('v2: kills become one-step killed engagements with kill context and no path', async () => {
  const r = await readRoundFile(V2_FILE);
  assert.equal(r.header.source, 'legacy-v2');
  assert.equal(r.header.map, 'goldrush');
  assert.equal(r.movementHeatmap, null);
  assert.deepEqual(r.killHeatmap, [
    { gx: 2, gy: 11, axisKills: 5, alliesKills: 3 },
    { gx: 3, gy: 11, axisKills: 2, alliesKills: 1 },
  ]);
  const [first, second] = r.engagements;
  assert.equal(first!.outcome, 'killed');
  assert.deepEqual(first!.path, []);
  assert.equal(first!.kill!.weapon, 7);
  assert.equal(first!.kill!.mod, 8);
  assert.deepEqual(first!.kill!.killerPos, { x: 1235, y: 5679, z: 100 }); // 1234.5 rounds half away from zero
  assert.equal(first!.kill!.distance, 103);
  assert.deepEqual(first!.attackers.map((a) => [a.damage, a.hits, a.gotKill]), [[0, 0, true]]);
  // the supporting ally "SlomiX" is resolved to its pid
  const slomix = r.players.find((p) => p.name === 'SlomiX')!.pid;
  assert.deepEqual(second!.kill!.killerAllies, [slomix]);
  assert.equal(second!.kill!.engagementType, '2v1');
  // a world kill (killer slot 1022)
  assert.equal(r.engagements[3]!.outcome, 'died_world');
  assert.equal(r.engagements[3]!.killer, null);
});

test('v2: a "|" in a name shifts the fields and is refused on its line', () => {
  const good = readFileSync(V2_FILE, 'utf8');
  const bad = good.replace('SlomiX|AXIS|1234.5', 'Slo|miX|AXIS|1234.5');
  assert.throws(() => parseRoundFile(bad, 'x_proximity.txt'), (e: unknown) => e instanceof RoundFileError && e.line === 5 && e.field === 'kill' && /22 fields, got 23/.test(e.detail));
});

test('writers: synthetic rounds written as v3/v2 read back with what those formats can carry', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const round = syntheticRound(seed, { engagements: 40 });
    const v3 = parseRoundFile(writeLegacyV3(round), roundFileName(round));
    assertValidRound(v3);
    assert.equal(v3.engagements.length, round.engagements.length);
    const guid = (r: typeof round, pid: number | null): string | null => (pid === null ? null : r.players.find((p) => p.pid === pid)!.guid);
    round.engagements.forEach((e, i) => {
      const b = v3.engagements[i]!;
      assert.deepEqual([b.id, b.startMs, b.endMs, b.outcome, b.damage, b.hits, b.crossfire], [e.id, e.startMs, e.endMs, e.outcome, e.damage, e.hits, e.crossfire]);
      assert.deepEqual(b.path, e.path);
      assert.equal(guid(v3, b.target), guid(round, e.target));
      assert.deepEqual(b.attackers.map((a) => [guid(v3, a.pid), a.damage, a.hits, a.weapons]), e.attackers.map((a) => [guid(round, a.pid), a.damage, a.hits, a.weapons]));
    });
    assert.deepEqual(v3.killHeatmap, round.killHeatmap);
    assert.deepEqual(v3.movementHeatmap, round.movementHeatmap);

    const v2 = parseRoundFile(writeLegacyV2(round), roundFileName(round, 'proximity'));
    assertValidRound(v2);
    const kills = round.engagements.filter((e) => e.outcome === 'killed');
    assert.equal(v2.engagements.length, kills.length);
    kills.forEach((e, i) => {
      const b = v2.engagements[i]!;
      assert.equal(b.outcome, 'killed');
      assert.equal(guid(v2, b.killer), guid(round, e.killer));
      assert.deepEqual(b.kill!.killerPos, e.kill!.killerPos);
      assert.equal(b.kill!.engagementType, e.kill!.engagementType);
      assert.equal(b.kill!.mod, e.kill!.mod);
    });
  }
});

test('legacy heatmaps: a cell written twice is merged by adding its counts', () => {
  const v3 = parseRoundFile('# PROXIMITY_TRACKER_V3\n# map=m\n# ENGAGEMENTS\n# KILL_HEATMAP\n1;2;3;4\n1;2;1;1\n0;0;1;0\n# MOVEMENT_HEATMAP\n5;5;1;2;3\n5;5;1;1;1\n', 'x_engagements.txt');
  assert.deepEqual(v3.killHeatmap, [
    { gx: 1, gy: 2, axisKills: 4, alliesKills: 5 },
    { gx: 0, gy: 0, axisKills: 1, alliesKills: 0 },
  ]);
  assert.deepEqual(v3.movementHeatmap, [{ gx: 5, gy: 5, traversal: 2, combat: 3, escape: 4 }]);
  const v2 = parseRoundFile('# PROXIMITY_TRACKER_V2\n# map=m\n# HEATMAP\n1|2|3|4\n1|2|1|1\n', 'x_proximity.txt');
  assert.deepEqual(v2.killHeatmap, [{ gx: 1, gy: 2, axisKills: 4, alliesKills: 5 }]);
});
