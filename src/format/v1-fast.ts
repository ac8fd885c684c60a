/**
 * Fast paths for the data lines of `PROXIMITY_ROUND v1` (docs/FORMAT.md): each method reads one line in
 * place with a Cursor (scan.ts) and returns its record, or null when anything about the line is off.
 * The V1Reader then re-reads a null line with its strict parser, which reports the problem with line
 * and field — so these methods only have to recognise well-formed lines, never explain bad ones.
 *
 * What a fast method accepts it must accept exactly as the strict parser does, with the same record:
 * every rule of V1Reader.parseEngagement / parsePlayer / parse*Cell is repeated here, in line order
 * rather than in the strict parser's checking order (which only matters for which error is reported).
 * Checks against the rest of the file (duplicate ids, pids and cells, pid references) stay in the
 * reader. Every character of an accepted line is either matched by a token or checked to be printable
 * ASCII, which is what lets the reader skip its separate 7-bit check for these lines.
 */
import { COORD_MAX, INT32_MAX, SMALL_MAX } from './fields.ts';
import { tryDecodeText } from './escape.ts';
import { BAR, COLON, COMMA, Cursor, Keywords, SEMI, SLASH, weaponsWith } from './scan.ts';
import {
  OUTCOMES,
  PATH_EVENTS,
  type Attacker,
  type CrossfirePair,
  type Engagement,
  type KillContext,
  type KillHeatCell,
  type MovementHeatCell,
  type Outcome,
  type PathEvent,
  type PathPoint,
  type Player,
  type PlayerClass,
  type Team,
} from './types.ts';

const TEAMS = new Keywords<Team>(['AXIS', 'ALLIES', 'SPECTATOR']);
const CLASSES = new Keywords<PlayerClass>(['SOLDIER', 'MEDIC', 'ENGINEER', 'FIELDOPS', 'COVERTOPS']);
const OUTCOME_WORDS = new Keywords<Outcome>(OUTCOMES);
const EVENTS = new Keywords<PathEvent>(PATH_EVENTS);

/** Outcomes decided by a death carry its meansOfDeath (`end_mod`); these two also a killer. */
function isDeathOutcome(o: Outcome): boolean {
  return o === 'killed' || o === 'died_world' || o === 'suicide' || o === 'teamkill';
}
function hasKiller(o: Outcome): boolean {
  return o === 'killed' || o === 'teamkill';
}

/** `<1 + killer allies>v<1 + victim allies>`, the common ones made once. */
const TYPE_NAMES: string[][] = Array.from({ length: 16 }, (_, k) => Array.from({ length: 16 }, (_, v) => `${k + 1}v${v + 1}`));
function engagementTypeName(killerAllies: number, victimAllies: number): string {
  return TYPE_NAMES[killerAllies]?.[victimAllies] ?? `${1 + killerAllies}v${1 + victimAllies}`;
}

export class V1FastParser extends Cursor {
  /** An `# ENGAGEMENTS` line (25 fields, later ones ignored), or null. */
  engagement(s: string, b: Uint8Array, start: number, end: number): Engagement | null {
    this.reset(s, b, start, end);
    const id = this.intThen(1, INT32_MAX, SEMI);
    const startMs = this.intThen(0, INT32_MAX, SEMI);
    const endMs = this.intThen(0, INT32_MAX, SEMI);
    if (endMs < startMs) this.fail();
    const target = this.intThen(1, SMALL_MAX, SEMI);
    const targetTeam = this.word(TEAMS);
    this.expect(SEMI);
    const targetClass = this.peek() === SEMI ? null : this.word(CLASSES);
    this.expect(SEMI);
    const outcome = this.word(OUTCOME_WORDS);
    this.expect(SEMI);
    if (!this.ok) return null;

    // Fields that only some outcomes fill must be empty for the others: then `;` follows at once.
    const endMod = isDeathOutcome(outcome) ? this.int(0, SMALL_MAX) : null;
    this.expect(SEMI);
    const killer = hasKiller(outcome) ? this.int(1, SMALL_MAX) : null;
    this.expect(SEMI);
    const damage = this.intThen(0, INT32_MAX, SEMI);
    const hits = this.intThen(0, INT32_MAX, SEMI);
    const crossfire = this.flag();
    this.expect(SEMI);
    const crossfireDelayMs = crossfire ? this.int(0, INT32_MAX) : null;
    this.expect(SEMI);
    const crossfirePairs = this.peek() === SEMI ? [] : this.pairs();
    this.expect(SEMI);
    if (crossfire ? crossfirePairs.length === 0 || smallestDelay(crossfirePairs) !== crossfireDelayMs : crossfirePairs.length > 0) {
      this.fail();
    }
    const attackers = this.peek() === SEMI ? [] : this.attackers();
    this.expect(SEMI);
    const path = this.peek() === SEMI ? [] : this.path();
    this.expect(SEMI);
    if (!this.ok) return null;

    let kill: KillContext | null = null;
    if (outcome === 'killed') {
      kill = this.killContext(endMod!);
    } else {
      for (let i = 16; i < 24; i++) this.expect(SEMI); // kill_weapon … victim_enemies: all empty
    }
    this.lineTail(); // ends engagement_type (empty unless killed)
    if (!this.ok) return null;
    return {
      id,
      startMs,
      endMs,
      target,
      targetTeam,
      targetClass,
      outcome,
      endMod,
      killer,
      damage,
      hits,
      crossfire,
      crossfireDelayMs,
      crossfirePairs,
      attackers,
      path,
      kill,
    };
  }

  /** Fields 17–25 of a `killed` engagement, up to (not including) what follows engagement_type. */
  private killContext(mod: number): KillContext {
    const weapon = this.peek() === SEMI ? null : this.int(0, SMALL_MAX);
    this.expect(SEMI);
    const killerPos = this.optionalVec();
    this.expect(SEMI);
    const victimPos = this.optionalVec();
    this.expect(SEMI);
    const distance = this.peek() === SEMI ? null : this.int(0, INT32_MAX);
    this.expect(SEMI);
    const killerAllies = this.pidList();
    this.expect(SEMI);
    const killerEnemies = this.pidList();
    this.expect(SEMI);
    const victimAllies = this.pidList();
    this.expect(SEMI);
    const victimEnemies = this.pidList();
    this.expect(SEMI);
    const engagementType = engagementTypeName(killerAllies.length, victimAllies.length);
    if (!this.literal(engagementType)) this.fail();
    return { mod, weapon, killerPos, victimPos, distance, killerAllies, killerEnemies, victimAllies, victimEnemies, engagementType };
  }

  /** `pidA/pidB/delay_ms` joined by `|`, pidA < pidB, no pair twice. */
  private pairs(): CrossfirePair[] {
    const pairs: CrossfirePair[] = [];
    do {
      const a = this.intThen(1, SMALL_MAX, SLASH);
      const b = this.intThen(1, SMALL_MAX, SLASH);
      const delayMs = this.int(0, INT32_MAX);
      if (a >= b) this.fail();
      for (let i = 0; i < pairs.length; i++) if (pairs[i]!.a === a && pairs[i]!.b === b) this.fail();
      pairs.push({ a, b, delayMs });
    } while (this.ok && this.eat(BAR));
    return pairs;
  }

  /** `pid,team,damage,hits,first_ms,last_ms,got_kill,weapons[,ignored…]` joined by `|`, no pid twice. */
  private attackers(): Attacker[] {
    const attackers: Attacker[] = [];
    do {
      const pid = this.intThen(1, SMALL_MAX, COMMA);
      const team = this.word(TEAMS);
      this.expect(COMMA);
      const damage = this.intThen(0, INT32_MAX, COMMA);
      const hits = this.intThen(0, INT32_MAX, COMMA);
      const firstHitMs = this.intThen(0, INT32_MAX, COMMA);
      const lastHitMs = this.intThen(0, INT32_MAX, COMMA);
      if (lastHitMs < firstHitMs) this.fail();
      const gotKill = this.flag();
      this.expect(COMMA);
      const weapons = this.weapons();
      if (this.eat(COMMA)) this.skipPrintable(BAR, SEMI); // parts after the 8th are ignored
      for (let i = 0; i < attackers.length; i++) if (attackers[i]!.pid === pid) this.fail();
      attackers.push({ pid, team, damage, hits, firstHitMs, lastHitMs, gotKill, weapons });
    } while (this.ok && this.eat(BAR));
    return attackers;
  }

  /** `mod:hits` joined by `/`, empty when the attacker has no hits; no mod twice. */
  private weapons(): Record<number, number> {
    const next = this.peek();
    if (next === COMMA || next === BAR || next === SEMI) return {};
    let mod = this.intThen(0, SMALL_MAX, COLON);
    let hits = this.int(0, INT32_MAX);
    const weapons = weaponsWith(mod, hits);
    while (this.ok && this.eat(SLASH)) {
      mod = this.intThen(0, SMALL_MAX, COLON);
      hits = this.int(0, INT32_MAX);
      if (weapons[mod] !== undefined) this.fail();
      weapons[mod] = hits;
    }
    return weapons;
  }

  /** `t,x,y,z,event[,ignored…]` joined by `|`. */
  private path(): PathPoint[] {
    const path: PathPoint[] = [];
    do {
      const t = this.intThen(0, INT32_MAX, COMMA);
      const x = this.intThen(-COORD_MAX, COORD_MAX, COMMA);
      const y = this.intThen(-COORD_MAX, COORD_MAX, COMMA);
      const z = this.intThen(-COORD_MAX, COORD_MAX, COMMA);
      const event = this.word(EVENTS);
      if (this.eat(COMMA)) this.skipPrintable(BAR, SEMI); // parts after the 5th are ignored
      path.push({ t, x, y, z, event });
    } while (this.ok && this.eat(BAR));
    return path;
  }

  /** `x,y,z`, or empty. */
  private optionalVec(): { x: number; y: number; z: number } | null {
    if (this.peek() === SEMI) return null;
    const x = this.intThen(-COORD_MAX, COORD_MAX, COMMA);
    const y = this.intThen(-COORD_MAX, COORD_MAX, COMMA);
    const z = this.int(-COORD_MAX, COORD_MAX);
    return { x, y, z };
  }

  /** pids joined by `|` (repeats allowed), empty = []. */
  private pidList(): number[] {
    const pids: number[] = [];
    if (this.peek() === SEMI) return pids;
    do pids.push(this.int(1, SMALL_MAX));
    while (this.ok && this.eat(BAR));
    return pids;
  }

  /** The end of the last known field: the line ends, or `;` and fields a later version appended. */
  private lineTail(): void {
    if (this.atEnd()) return;
    this.expect(SEMI);
    this.skipPrintable(-1, -1);
  }

  /** A percent-encoded text field up to the next `;`, decoded; fails on a bad escape or raw byte. */
  private escapedText(): string {
    const start = this.skipField();
    const decoded = tryDecodeText(this.s, start, this.pos);
    if (decoded === null) {
      this.fail();
      return '';
    }
    return decoded;
  }

  /** A `# PLAYERS` line (9 fields, later ones ignored), or null. */
  player(s: string, b: Uint8Array, start: number, end: number): Player | null {
    this.reset(s, b, start, end);
    const pid = this.intThen(1, SMALL_MAX, SEMI);
    const slot = this.intThen(0, 63, SEMI);
    const guid = this.escapedText();
    this.expect(SEMI);
    const name = this.escapedText();
    this.expect(SEMI);
    const isBot = this.flag();
    this.expect(SEMI);
    const team = this.word(TEAMS);
    this.expect(SEMI);
    const playerClass = this.peek() === SEMI ? null : this.word(CLASSES);
    this.expect(SEMI);
    const firstSeenMs = this.intThen(0, INT32_MAX, SEMI);
    const lastSeenMs = this.int(0, INT32_MAX);
    if (lastSeenMs < firstSeenMs) this.fail();
    this.lineTail();
    if (!this.ok) return null;
    return { pid, slot, guid, name, isBot, team, playerClass, firstSeenMs, lastSeenMs };
  }

  /** A `# KILL_HEATMAP` line `grid_x;grid_y;axis_kills;allies_kills`, or null. */
  killCell(s: string, b: Uint8Array, start: number, end: number): KillHeatCell | null {
    this.reset(s, b, start, end);
    const gx = this.intThen(-COORD_MAX, COORD_MAX, SEMI);
    const gy = this.intThen(-COORD_MAX, COORD_MAX, SEMI);
    const axisKills = this.intThen(0, INT32_MAX, SEMI);
    const alliesKills = this.int(0, INT32_MAX);
    this.lineTail();
    return this.ok ? { gx, gy, axisKills, alliesKills } : null;
  }

  /** A `# MOVEMENT_HEATMAP` line `grid_x;grid_y;traversal;combat;escape`, or null. */
  movementCell(s: string, b: Uint8Array, start: number, end: number): MovementHeatCell | null {
    this.reset(s, b, start, end);
    const gx = this.intThen(-COORD_MAX, COORD_MAX, SEMI);
    const gy = this.intThen(-COORD_MAX, COORD_MAX, SEMI);
    const traversal = this.intThen(0, INT32_MAX, SEMI);
    const combat = this.intThen(0, INT32_MAX, SEMI);
    const escape = this.int(0, INT32_MAX);
    this.lineTail();
    return this.ok ? { gx, gy, traversal, combat, escape } : null;
  }
}

function smallestDelay(pairs: CrossfirePair[]): number {
  let smallest = Infinity;
  for (let i = 0; i < pairs.length; i++) if (pairs[i]!.delayMs < smallest) smallest = pairs[i]!.delayMs;
  return smallest;
}

