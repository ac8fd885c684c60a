/**
 * Fast paths for the data lines of the seeds' v3 `_engagements.txt` (docs/LEGACY.md), the counterpart
 * of v1-fast.ts: each method reads one line in place with a Cursor and returns its record, or null when
 * anything is off — LegacyV3Reader then re-reads the line with its strict parser, which names the
 * problem. What a fast method accepts it must accept exactly as the strict parser does, with the same
 * record and the same effect on the player registry.
 *
 * The registry is why an engagement is read in two phases: first the whole line is checked without
 * touching it, then — only for a line that will be accepted — the players are resolved in the order the
 * strict parser resolves them (target, attackers, killer, crossfire participants), so pids are assigned
 * and names updated exactly as before.
 */
import { INT32_MAX, SMALL_MAX } from './fields.ts';
import type { PlayerRegistry } from './legacy-common.ts';
import { BAR, COLON, COMMA, Cursor, IntSet, Keywords, SEMI, weaponsWith } from './scan.ts';
import {
  OUTCOMES,
  PATH_EVENTS,
  type Attacker,
  type CrossfirePair,
  type Engagement,
  type KillHeatCell,
  type MovementHeatCell,
  type Outcome,
  type PathEvent,
  type PathPoint,
  type Team,
} from './types.ts';

const TEAM_WORDS = new Keywords<Team>(['AXIS', 'ALLIES', 'SPECTATOR']);
/** The engine's team numbers some legacy builds wrote instead of names: 1, 2, 3. */
const TEAM_NUMBERS: readonly Team[] = ['AXIS', 'ALLIES', 'SPECTATOR'];
const OUTCOME_WORDS = new Keywords<Outcome>(OUTCOMES);
const EVENTS = new Keywords<PathEvent>(PATH_EVENTS);

function hasKiller(o: Outcome): boolean {
  return o === 'killed' || o === 'teamkill';
}

export class V3FastParser extends Cursor {
  /** Where each attacker of the line being read starts, and where its name starts and ends (phase one). */
  private readonly attackerAt: number[] = [];
  private readonly nameAt: number[] = [];
  private readonly nameEnd: number[] = [];
  /** scanAttacker's results: the item's end, the comma after the guid, the comma before the team. */
  private itemEnd = 0;
  private guidComma = 0;
  private teamComma = 0;

  /** An `# ENGAGEMENTS` line, or null (nothing registered) when the strict parser must read it. */
  engagement(s: string, b: Uint8Array, start: number, end: number, ids: IntSet, registry: PlayerRegistry): Engagement | null {
    // Phase one: the 23 fields before the first 23 `;`, then the attackers (the rest of the line).
    this.reset(s, b, start, end);
    const id = this.intThen(1, INT32_MAX, SEMI);
    if (ids.has(id)) this.fail();
    const startMs = this.decimalThen(SEMI);
    const endMs = this.decimalThen(SEMI);
    if (startMs < 0 || endMs < startMs) this.fail();
    this.decimalThen(SEMI); // duration: shape only
    const targetGuidAt = this.skipField();
    const targetGuidEnd = this.pos;
    this.expect(SEMI);
    const targetNameAt = this.skipField();
    const targetNameEnd = this.pos;
    this.expect(SEMI);
    const targetTeam = this.legacyTeam();
    this.expect(SEMI);
    const outcome = this.word(OUTCOME_WORDS);
    this.expect(SEMI);
    const damage = this.intThen(0, INT32_MAX, SEMI);
    const killerGuidAt = this.skipField();
    const killerGuidEnd = this.pos;
    this.expect(SEMI);
    const killerNameAt = this.skipField();
    const killerNameEnd = this.pos;
    this.expect(SEMI);
    if (hasKiller(outcome) && killerGuidAt === killerGuidEnd) this.fail();
    const positionCount = this.intThen(0, INT32_MAX, SEMI);
    const path = this.peek() === SEMI ? [] : this.positions();
    this.expect(SEMI);
    if (positionCount !== path.length) this.fail();
    const attackerCount = this.intThen(0, INT32_MAX, SEMI);
    const crossfire = this.flag();
    this.expect(SEMI);
    // Without a crossfire the delay and participants are not read at all, as in the strict parser.
    let crossfireDelayMs: number | null = null;
    if (!crossfire) this.skipField();
    else if (this.peek() !== SEMI) crossfireDelayMs = this.int(0, INT32_MAX);
    this.expect(SEMI);
    const participantsAt = this.skipField();
    const participantsEnd = this.pos;
    this.expect(SEMI);
    for (let i = 0; i < 6; i++) {
      if (this.peek() !== SEMI) this.decimal(); // start/end x,y,z: empty or a decimal, shape only
      this.expect(SEMI);
    }
    if (!this.ok) return null;
    const attackers = this.atEnd() ? [] : this.attackers();
    if (!this.ok || attackers.length !== attackerCount) return null;

    // Phase two: the line is accepted; resolve its players in the strict parser's order.
    const target = registry.seeRange(s, b, targetGuidAt, targetGuidEnd, targetNameAt, targetNameEnd, targetTeam);
    let hits = 0;
    for (let i = 0; i < attackers.length; i++) {
      const a = attackers[i]!;
      a.pid = registry.seeRange(s, b, this.attackerAt[i]!, this.nameAt[i]! - 1, this.nameAt[i]!, this.nameEnd[i]!, a.team);
      hits += a.hits;
    }
    const killer = hasKiller(outcome) ? registry.seeRange(s, b, killerGuidAt, killerGuidEnd, killerNameAt, killerNameEnd, null) : null;
    const crossfirePairs: CrossfirePair[] = [];
    if (crossfire && participantsAt !== participantsEnd) {
      const pair = this.participants(participantsAt, participantsEnd, registry);
      // The one pair is known only with exactly two participants and a delay (docs/LEGACY.md).
      if (pair !== null && crossfireDelayMs !== null && pair[0] !== pair[1]) {
        crossfirePairs.push({ a: Math.min(pair[0], pair[1]), b: Math.max(pair[0], pair[1]), delayMs: crossfireDelayMs });
      }
    }
    return {
      id,
      startMs,
      endMs,
      target,
      targetTeam,
      targetClass: null,
      outcome,
      endMod: null,
      killer,
      damage,
      hits,
      crossfire,
      crossfireDelayMs,
      crossfirePairs,
      attackers,
      path,
      kill: null,
    };
  }

  /**
   * Registers the crossfire participants, guids joined by `,` in s[at, end) (an empty guid is a player
   * keyed by its empty name, as for the strict parser), and returns their pids when there are exactly two.
   */
  private participants(at: number, end: number, registry: PlayerRegistry): [number, number] | null {
    let count = 0;
    let first = 0;
    let second = 0;
    while (true) {
      const comma = Math.min(this.find(',', at), end);
      const pid = registry.seeRange(this.s, this.b, at, comma, comma, comma, null);
      if (count === 0) first = pid;
      else if (count === 1) second = pid;
      count++;
      if (comma === end) break;
      at = comma + 1;
    }
    return count === 2 ? [first, second] : null;
  }

  /** `AXIS`/`ALLIES`/`SPECTATOR` or the engine's `1`/`2`/`3`. */
  private legacyTeam(): Team {
    const c = this.peek();
    if (c >= 49 && c <= 51) {
      this.pos++;
      return TEAM_NUMBERS[c - 49]!;
    }
    return this.word(TEAM_WORDS);
  }

  /** `time,x,y,z,event` (exactly five parts) joined by `|`; decimals, time ≥ 0. */
  private positions(): PathPoint[] {
    const path: PathPoint[] = [];
    do {
      const t = this.decimalThen(COMMA);
      if (t < 0) this.fail();
      const x = this.decimalThen(COMMA);
      const y = this.decimalThen(COMMA);
      const z = this.decimalThen(COMMA);
      const event = this.word(EVENTS);
      path.push({ t, x, y, z, event });
    } while (this.ok && this.eat(BAR));
    return path;
  }

  /**
   * `guid,name,team,damage,hits,first_hit,last_hit,got_kill,weapons` joined by `|`. The name may hold
   * `,`: it is everything between the guid and the last seven parts, which are found from the item's end.
   * Attackers get pid 0 here; phase two fills it in.
   */
  private attackers(): Attacker[] {
    const attackers: Attacker[] = [];
    do {
      const itemAt = this.pos;
      if (!this.scanAttacker()) break; // fewer than nine parts
      const itemEnd = this.itemEnd;
      const guidComma = this.guidComma;
      const teamComma = this.teamComma;
      this.pos = teamComma + 1;
      const team = this.legacyTeam();
      this.expect(COMMA);
      const damage = this.intThen(0, INT32_MAX, COMMA);
      const hits = this.intThen(0, INT32_MAX, COMMA);
      const firstHitMs = this.decimalThen(COMMA);
      const lastHitMs = this.decimalThen(COMMA);
      if (firstHitMs < 0 || lastHitMs < firstHitMs) this.fail();
      const gotKill = this.flag();
      this.expect(COMMA);
      const weapons = this.weapons(itemEnd);
      if (this.pos !== itemEnd) this.fail();

      // Listed twice = same registry key: the guid, or the name when the guid is empty.
      for (let j = 0; j < attackers.length; j++) {
        if (this.sameKey(this.attackerAt[j]!, this.nameAt[j]! - 1, this.nameEnd[j]!, itemAt, guidComma, teamComma)) this.fail();
      }
      this.attackerAt[attackers.length] = itemAt;
      this.nameAt[attackers.length] = guidComma + 1;
      this.nameEnd[attackers.length] = teamComma;
      attackers.push({ pid: 0, team, damage, hits, firstHitMs, lastHitMs, gotKill, weapons });
    } while (this.ok && this.eat(BAR));
    return attackers;
  }

  /**
   * Finds the attacker item's end (the next `|` or the line end), its first comma (after the guid) and
   * its seventh comma from the end (before the team): the name is what lies between, whatever commas it
   * holds. False when the item has fewer than nine parts.
   */
  private scanAttacker(): boolean {
    const b = this.b;
    const itemEnd = this.find('|', this.pos);
    const guidComma = this.find(',', this.pos);
    let teamComma = itemEnd;
    for (let commas = 0; commas < 7 && teamComma > guidComma; ) {
      teamComma--;
      if (b[teamComma] === COMMA) commas++;
    }
    this.itemEnd = itemEnd;
    this.guidComma = guidComma;
    this.teamComma = teamComma;
    if (guidComma >= teamComma) {
      this.fail();
      return false;
    }
    return true;
  }

  /** Whether two attackers (start, guid-ending comma, name-ending comma) are the same registry key. */
  private sameKey(at1: number, comma1: number, end1: number, at2: number, comma2: number, end2: number): boolean {
    const guid1 = comma1 - at1;
    const guid2 = comma2 - at2;
    if (guid1 !== 0 || guid2 !== 0) return guid1 === guid2 && sameBytes(this.b, at1, at2, guid1);
    return end1 - comma1 === end2 - comma2 && sameBytes(this.b, comma1 + 1, comma2 + 1, end1 - comma1 - 1);
  }

  /** `id:count` joined by `;` up to `itemEnd`; empty items (a trailing `;`) skipped, repeated ids added. */
  private weapons(itemEnd: number): Record<number, number> {
    let weapons: Record<number, number> | null = null;
    while (this.ok && this.pos < itemEnd) {
      if (this.eat(SEMI)) continue;
      const mod = this.intThen(0, SMALL_MAX, COLON);
      const count = this.int(0, INT32_MAX);
      if (weapons === null) weapons = weaponsWith(mod, count);
      else weapons[mod] = (weapons[mod] ?? 0) + count;
      if (this.pos < itemEnd) this.expect(SEMI);
    }
    return weapons ?? {};
  }

  /** A `# KILL_HEATMAP` line `grid_x;grid_y;axis_kills;allies_kills[;ignored]`, or null. */
  killCell(s: string, b: Uint8Array, start: number, end: number): KillHeatCell | null {
    this.reset(s, b, start, end);
    const gx = this.decimalThen(SEMI);
    const gy = this.decimalThen(SEMI);
    const axisKills = this.intThen(0, INT32_MAX, SEMI);
    const alliesKills = this.int(0, INT32_MAX);
    if (!this.atEnd()) this.expect(SEMI);
    return this.ok ? { gx, gy, axisKills, alliesKills } : null;
  }

  /** A `# MOVEMENT_HEATMAP` line `grid_x;grid_y;traversal;combat;escape[;ignored]`, or null. */
  movementCell(s: string, b: Uint8Array, start: number, end: number): MovementHeatCell | null {
    this.reset(s, b, start, end);
    const gx = this.decimalThen(SEMI);
    const gy = this.decimalThen(SEMI);
    const traversal = this.intThen(0, INT32_MAX, SEMI);
    const combat = this.intThen(0, INT32_MAX, SEMI);
    const escape = this.int(0, INT32_MAX);
    if (!this.atEnd()) this.expect(SEMI);
    return this.ok ? { gx, gy, traversal, combat, escape } : null;
  }
}

/** b[at1, at1 + length) equals b[at2, at2 + length); compared from the end, where GUIDs that share a prefix differ. */
function sameBytes(b: Uint8Array, at1: number, at2: number, length: number): boolean {
  for (let i = length - 1; i >= 0; i--) if (b[at1 + i] !== b[at2 + i]) return false;
  return true;
}

