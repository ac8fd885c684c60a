// Shared checks for the format tests: a RoundFile that obeys the types and the format's invariants.
import assert from 'node:assert/strict';
import { OUTCOMES, PATH_EVENTS, type RoundFile } from '../../src/format/types.ts';

const TEAMS = new Set(['AXIS', 'ALLIES', 'SPECTATOR']);
const CLASSES = new Set(['SOLDIER', 'MEDIC', 'ENGINEER', 'FIELDOPS', 'COVERTOPS']);

function isInt(v: unknown, min = -Infinity): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && !Object.is(v, -0);
}

/** Fails unless every number is a finite integer in range, every enum is known, every pid resolves. */
export function assertValidRound(r: RoundFile): void {
  const pids = new Set(r.players.map((p) => p.pid));
  assert.equal(pids.size, r.players.length, 'unique pids');
  for (const p of r.players) {
    assert.ok(isInt(p.pid, 1));
    assert.ok(p.slot === null || (isInt(p.slot, 0) && p.slot <= 63));
    assert.equal(typeof p.name, 'string');
    assert.equal(typeof p.guid, 'string');
    assert.ok(TEAMS.has(p.team));
    assert.ok(p.playerClass === null || CLASSES.has(p.playerClass));
    assert.ok(p.firstSeenMs === null || isInt(p.firstSeenMs, 0));
    assert.ok(p.lastSeenMs === null || isInt(p.lastSeenMs, 0));
  }
  const ref = (pid: number | null | undefined): void => {
    if (pid === null || pid === undefined) return;
    assert.ok(pids.has(pid), `pid ${pid} has a player`);
  };
  const ids = new Set<number>();
  for (const e of r.engagements) {
    assert.ok(isInt(e.id, 1));
    assert.ok(!ids.has(e.id), 'unique engagement ids');
    ids.add(e.id);
    assert.ok(isInt(e.startMs, 0) && isInt(e.endMs, 0) && e.startMs <= e.endMs);
    ref(e.target);
    ref(e.killer);
    assert.ok(TEAMS.has(e.targetTeam));
    assert.ok((OUTCOMES as readonly string[]).includes(e.outcome));
    assert.ok(isInt(e.damage, 0) && isInt(e.hits, 0));
    assert.ok(e.endMod === null || isInt(e.endMod));
    assert.equal(typeof e.crossfire, 'boolean');
    assert.ok(e.crossfireDelayMs === null || isInt(e.crossfireDelayMs, 0));
    for (const p of e.crossfirePairs) {
      ref(p.a);
      ref(p.b);
      assert.ok(p.a < p.b && isInt(p.delayMs, 0));
    }
    for (const a of e.attackers) {
      ref(a.pid);
      assert.ok(TEAMS.has(a.team));
      assert.ok(isInt(a.damage, 0) && isInt(a.hits, 0) && isInt(a.firstHitMs, 0) && a.firstHitMs <= a.lastHitMs);
      for (const [mod, hits] of Object.entries(a.weapons)) assert.ok(isInt(Number(mod), 0) && isInt(hits, 0));
    }
    for (const p of e.path) {
      assert.ok(isInt(p.t, 0) && isInt(p.x) && isInt(p.y) && isInt(p.z));
      assert.ok((PATH_EVENTS as readonly string[]).includes(p.event));
    }
    if (e.kill) {
      assert.ok(isInt(e.kill.mod));
      assert.ok(e.kill.distance === null || isInt(e.kill.distance, 0));
      for (const v of [e.kill.killerPos, e.kill.victimPos]) if (v) assert.ok(isInt(v.x) && isInt(v.y) && isInt(v.z));
      for (const list of [e.kill.killerAllies, e.kill.killerEnemies, e.kill.victimAllies, e.kill.victimEnemies]) list.forEach(ref);
      assert.match(e.kill.engagementType, /^\d+v\d+$/);
    }
  }
  for (const c of r.killHeatmap ?? []) assert.ok(isInt(c.gx) && isInt(c.gy) && isInt(c.axisKills, 0) && isInt(c.alliesKills, 0));
  for (const c of r.movementHeatmap ?? []) {
    assert.ok(isInt(c.gx) && isInt(c.gy) && isInt(c.traversal, 0) && isInt(c.combat, 0) && isInt(c.escape, 0));
  }
  assert.ok(r.header.round === 1 || r.header.round === 2);
  assert.equal(typeof r.header.map, 'string');
}

/** Replaces lone surrogates (which no byte sequence can produce) with U+FFFD, like String#toWellFormed. */
export function wellFormed(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
