/**
 * Golden traces from the real engine (/work/shared/traces, see its README): replayTrace drives the real
 * tracker through every recorded hook call; the files it writes must say what happened in the recording.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { replayTrace, type ReplayResult } from '../../src/emulator/index.ts';
import { parseRoundFile } from '../../src/format/reader.ts';
import type { Engagement, RoundFile } from '../../src/format/types.ts';
import { cleanupHomes, tempHome } from './helpers.ts';

after(cleanupHomes);

const TRACES = '/work/shared/traces';

/**
 * Event times in the tracker are the time of the last et_RunFrame. The traces record only every 10th frame
 * (plus frames right after an event), so the replayed tracker can see a frame up to 450 ms older than the
 * engine's; on a real server it sees every frame and the times are exact to the frame.
 */
function near(actual: number, expected: number): void {
  assert.ok(actual <= expected && actual >= expected - 450, `${actual} not within 450 ms before ${expected}`);
}

async function replay(name: string): Promise<{ res: ReplayResult; files: { name: string; round: RoundFile }[] }> {
  const res = await replayTrace(join(TRACES, `${name}.jsonl`), { homepath: tempHome() });
  assert.deepEqual(res.hookErrors, [], 'hook errors');
  assert.deepEqual(res.hookReturns, [], 'hook returns');
  assert.deepEqual(res.console.filter((l) => l.startsWith('proximity: error')), []);
  const dir = res.gamePath('proximity');
  const names = existsSync(dir) ? readdirSync(dir).sort() : [];
  assert.deepEqual(names.filter((n) => n.endsWith('.part')), [], 'no torn .part file left');
  const files = names
    .filter((n) => n.endsWith('_engagements.txt'))
    .map((n) => ({ name: n, round: parseRoundFile(readFileSync(join(dir, n)), n) }));
  return { res, files };
}

/** slot → pid in a round file (last connection in the slot). */
function pid(round: RoundFile, slot: number): number {
  const ps = round.players.filter((p) => p.slot === slot);
  return ps[ps.length - 1]!.pid;
}

const tracesPresent = existsSync(TRACES);

describe('tracker on the golden traces', { skip: !tracesPresent && 'traces not present' }, () => {
  it('s1 (warmup only): no round file', async () => {
    const { files } = await replay('s1');
    assert.deepEqual(files, []);
  });

  it('s2 (warmup → live): two kills; the warmup hit is ignored', async () => {
    const { files } = await replay('s2');
    assert.equal(files.length, 1);
    const round = files[0]!.round;
    assert.equal(round.header.endReason, 'shutdown');
    assert.equal(round.header.map, 'hosttest');
    assert.deepEqual(round.engagements.map((e) => e.outcome), ['killed', 'killed']);
    const [k1, k2] = round.engagements as [Engagement, Engagement];
    assert.equal(k1.target, pid(round, 1));
    assert.equal(k1.killer, pid(round, 0));
    assert.equal(k1.hits, 8);
    assert.equal(k1.damage, 8 * 18);
    near(k1.startMs, 17000 - 12300);
    near(k1.endMs, 18050 - 12300);
    assert.deepEqual(k1.attackers[0]!.weapons, { 8: 8 });
    assert.equal(k2.target, pid(round, 2));
    assert.equal(k2.killer, pid(round, 3));
    assert.equal(k2.hits, 7);
    assert.deepEqual(k2.attackers[0]!.weapons, { 9: 7 });
    assert.equal(k2.kill!.weapon, 8); // WP_THOMPSON
    assert.equal(round.players.length, 4);
    const attacker = round.players.find((p) => p.slot === 0)!;
    assert.equal(attacker.name, '^1Attacker');
    assert.equal(attacker.guid, '0123456789ABCDEF0123456789ABCDEF');
    assert.equal(attacker.team, 'AXIS');
    assert.equal(attacker.playerClass, 'MEDIC');
  });

  it('s3 (crossfire): A is a crossfire with delay 0, B is not (1.6 s gap)', async () => {
    const { files } = await replay('s3');
    assert.equal(files.length, 1);
    const round = files[0]!.round;
    const [a, b] = round.engagements as [Engagement, Engagement];
    assert.equal(round.engagements.length, 2);
    assert.equal(a.outcome, 'killed');
    assert.equal(a.target, pid(round, 1));
    assert.equal(a.killer, pid(round, 2));
    assert.equal(a.crossfire, true);
    assert.equal(a.crossfireDelayMs, 0);
    assert.deepEqual(a.crossfirePairs, [{ a: pid(round, 0), b: pid(round, 2), delayMs: 0 }]);
    assert.equal(a.attackers.length, 2);
    assert.equal(a.attackers.find((x) => x.pid === pid(round, 2))!.gotKill, true);
    assert.equal(a.attackers.find((x) => x.pid === pid(round, 0))!.gotKill, false);
    assert.equal(b.outcome, 'killed');
    assert.equal(b.target, pid(round, 3));
    assert.equal(b.crossfire, false);
    assert.equal(b.attackers.length, 2);
    assert.equal(b.hits, 8);
  });

  it('s4 (escape / stand still): slot 1 escaped, slot 3 timed out', async () => {
    const { files } = await replay('s4');
    assert.equal(files.length, 1);
    const round = files[0]!.round;
    const byTarget = (slot: number) => round.engagements.find((e) => e.target === pid(round, slot))!;
    const esc = byTarget(1);
    assert.equal(esc.outcome, 'escaped');
    assert.ok(esc.endMs - esc.attackers[0]!.lastHitMs >= 5000 && esc.endMs - esc.attackers[0]!.lastHitMs < 5600);
    const last = esc.path[esc.path.length - 1]!;
    assert.equal(last.event, 'escape');
    assert.ok(last.x > 900, `escape point x ${last.x}`);
    assert.ok(['timeout', 'round_end'].includes(byTarget(3).outcome));
    assert.equal(byTarget(3).outcome, 'timeout');
    assert.ok(round.movementHeatmap!.some((c) => c.escape === 1));
  });

  it('s5 (world and self deaths, disconnect, slot reuse): the disconnect closes the engagement, the newcomer gets a new pid', async () => {
    const { files } = await replay('s5');
    assert.equal(files.length, 1);
    const round = files[0]!.round;
    // the fall, the /kill and the team switch had no enemy damage before them: no engagement to close
    assert.deepEqual(round.engagements.map((e) => e.outcome), ['disconnected']);
    const slot3 = round.players.filter((p) => p.slot === 3);
    assert.equal(slot3.length, 2);
    assert.notEqual(slot3[0]!.pid, slot3[1]!.pid);
    assert.equal(round.engagements[0]!.target, slot3[0]!.pid);
    assert.equal(slot3[1]!.name, '^2Newcomer');
    assert.equal(slot3[1]!.guid, 'ABCDEF0123456789ABCDEF0123456789');
    near(slot3[0]!.lastSeenMs!, 17300 - 4050);
    near(slot3[1]!.firstSeenMs!, 18300 - 4050);
    const switcher = round.players.find((p) => p.slot === 2)!;
    assert.equal(switcher.team, 'ALLIES', 'the last playing team');
  });

  it('s6 (intermission → map change): written at intermission, never again for that round', async () => {
    const { files } = await replay('s6');
    const first = files.filter((f) => f.round.engagements.length > 0);
    assert.equal(first.length, 1);
    assert.equal(first[0]!.round.header.endReason, 'intermission');
    assert.deepEqual(first[0]!.round.engagements.map((e) => e.outcome), ['killed']);
    // the only other file is the next map's round, which went live at 43150 and ended with the quit
    const others = files.filter((f) => f !== first[0]);
    for (const f of others) {
      assert.equal(f.round.header.endReason, 'shutdown');
      assert.equal(f.round.engagements.length, 0);
    }
    assert.ok(others.length <= 1);
  });

  it('s6sw (stopwatch): a round 1 file and a round 2 file', async () => {
    const { files } = await replay('s6sw');
    const sw = files.filter((f) => f.round.header.gametype === 3 && f.round.header.endReason === 'intermission');
    assert.deepEqual(sw.map((f) => f.round.header.round).sort(), [1, 2]);
    for (const f of sw) {
      assert.deepEqual(f.round.engagements.map((e) => e.outcome), ['killed']);
      assert.match(f.name, new RegExp(`-round-${f.round.header.round}_engagements\\.txt$`));
    }
    const r2 = sw.find((f) => f.round.header.round === 2)!.round;
    assert.equal(r2.engagements[0]!.target, pid(r2, 2));
    assert.equal(r2.engagements[0]!.targetTeam, 'ALLIES', 'teams swapped in round 2');
  });

  it('sB (the fixture fight sequence): crossfire kill, kill, escape, timeout, crossfire kill', async () => {
    const { files } = await replay('sB');
    const main = files.find((f) => f.round.header.endReason === 'intermission')!;
    assert.ok(main);
    const round = main.round;
    const outcomes = round.engagements.map((e) => [e.target, e.outcome, e.crossfire]);
    assert.deepEqual(outcomes, [
      [pid(round, 1), 'killed', true],
      [pid(round, 3), 'killed', false],
      [pid(round, 1), 'escaped', false],
      [pid(round, 3), 'timeout', false],
      [pid(round, 3), 'killed', true],
    ]);
    assert.equal(files.filter((f) => f.round.header.endReason === 'intermission').length, 1);
  });
});
