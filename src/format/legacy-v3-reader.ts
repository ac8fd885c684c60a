/**
 * Reader for the seeds' v3 `_engagements.txt` (`# PROXIMITY_TRACKER_V3`), layout in docs/LEGACY.md.
 * The hazard of this format: the last field (attackers) holds weapon lists `id:count;…` that reuse the
 * field separator `;`, so a line is cut at its first 23 separators and the rest is taken whole.
 *
 * As in the v1 reader, data lines go through a fast parser (legacy-v3-fast.ts) first; a line it does
 * not accept is read by the strict parsers below, which are the reference and name the problem.
 */
import { FieldError, RoundFileError } from './errors.ts';
import { decimal, enumOf, flag, intMin, intRange, show, SMALL_MAX } from './fields.ts';
import type { RoundFileNameParts } from './file-name.ts';
import { PlayerRegistry, legacyHeader, mergeCells, legacyHeaderLine, legacyTeam, tornLegacy } from './legacy-common.ts';
import { V3FastParser } from './legacy-v3-fast.ts';
import type { LineParser } from './line-parser.ts';
import { CR, HASH, IntSet } from './scan.ts';
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
  type RoundFile,
} from './types.ts';

export const V3_MAGIC = '# PROXIMITY_TRACKER_V3';

export const V3_ENGAGEMENT_FIELDS = [
  'id',
  'start_time',
  'end_time',
  'duration',
  'target_guid',
  'target_name',
  'target_team',
  'outcome',
  'total_damage',
  'killer_guid',
  'killer_name',
  'position_count',
  'positions',
  'attacker_count',
  'is_crossfire',
  'crossfire_delay',
  'crossfire_participants',
  'start_x',
  'start_y',
  'start_z',
  'end_x',
  'end_y',
  'end_z',
  'attackers',
] as const;

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);
const PATH_EVENT_SET: ReadonlySet<string> = new Set(PATH_EVENTS);

type Section = 'header' | 'engagements' | 'kill_heatmap' | 'movement_heatmap';

export class LegacyV3Reader implements LineParser {
  private section: Section = 'header';
  private readonly headerValues = new Map<string, string>();
  private readonly registry = new PlayerRegistry();
  private readonly engagements: Engagement[] = [];
  private readonly ids = new IntSet();
  private killHeatmap: KillHeatCell[] | null = null;
  private movementHeatmap: MovementHeatCell[] | null = null;
  private lineNo = 1;
  private readonly fast = new V3FastParser();

  /** strictOnly: read every line with the strict parsers (tests compare the two readings). */
  constructor(
    private readonly file: string,
    private readonly name: RoundFileNameParts | null,
    private readonly strictOnly = false,
  ) {}

  line(text: string, bytes: Uint8Array, start: number, end: number, lineNo: number): void {
    this.lineNo = lineNo;
    if (end > start && bytes[end - 1] === CR) end--; // tolerate CRLF copies
    if (start === end) return; // the legacy writer left blank lines between sections
    if (!this.strictOnly && bytes[start] !== HASH && this.fastDataLine(text, bytes, start, end)) return;
    this.strictLine(text.slice(start, end), lineNo);
  }

  /** A data line read by the fast parser; false (nothing recorded) when the strict path must read it. */
  private fastDataLine(s: string, b: Uint8Array, start: number, end: number): boolean {
    switch (this.section) {
      case 'engagements': {
        const e = this.fast.engagement(s, b, start, end, this.ids, this.registry);
        if (e === null) return false;
        this.ids.add(e.id);
        this.engagements.push(e);
        return true;
      }
      case 'kill_heatmap': {
        const c = this.fast.killCell(s, b, start, end);
        if (c === null) return false;
        this.killHeatmap!.push(c);
        return true;
      }
      case 'movement_heatmap': {
        const c = this.fast.movementCell(s, b, start, end);
        if (c === null) return false;
        this.movementHeatmap!.push(c);
        return true;
      }
      default:
        return false;
    }
  }

  /** The reference reading of a (non-blank, CR-stripped) line: reports the first problem with its field. */
  private strictLine(text: string, lineNo: number): void {
    try {
      if (text.charCodeAt(0) === 35) return this.hashLine(text, lineNo);
      switch (this.section) {
        case 'header':
          throw new FieldError('section', 'data line before # ENGAGEMENTS');
        case 'engagements':
          this.engagements.push(this.parseEngagement(text, lineNo));
          break;
        case 'kill_heatmap':
          this.killHeatmap!.push(parseKillCell(text.split(';')));
          break;
        case 'movement_heatmap':
          this.movementHeatmap!.push(parseMovementCell(text.split(';')));
          break;
      }
    } catch (e) {
      if (e instanceof FieldError) throw new RoundFileError('malformed', this.file, lineNo, e.field, e.message);
      throw e;
    }
  }

  private hashLine(text: string, lineNo: number): void {
    const order: Section[] = ['header', 'engagements', 'kill_heatmap', 'movement_heatmap'];
    const next: Section | null =
      text === '# ENGAGEMENTS' ? 'engagements' : text === '# KILL_HEATMAP' ? 'kill_heatmap' : text === '# MOVEMENT_HEATMAP' ? 'movement_heatmap' : null;
    if (next === null) {
      if (this.section === 'header') legacyHeaderLine(text, this.headerValues);
      return; // other `#` lines are comments (column titles)
    }
    if (order.indexOf(next) <= order.indexOf(this.section)) {
      throw new RoundFileError('malformed', this.file, lineNo, 'section', `${text.slice(2)} out of order or repeated`);
    }
    if (next === 'kill_heatmap') this.killHeatmap = [];
    if (next === 'movement_heatmap') this.movementHeatmap = [];
    this.section = next;
  }

  private parseEngagement(text: string, lineNo: number): Engagement {
    // Cut at the first 23 `;`: the 24th field (attackers) contains `;` itself.
    const f: string[] = [];
    let start = 0;
    for (let i = 0; i < 23; i++) {
      const semi = text.indexOf(';', start);
      if (semi < 0) throw new FieldError('engagement', `expected 24 fields, got ${f.length + 1}`);
      f.push(text.slice(start, semi));
      start = semi + 1;
    }
    f.push(text.slice(start));

    const id = intMin(f[0]!, 'id', 1);
    if (this.ids.has(id)) throw new FieldError('id', `duplicate engagement id ${id}`);
    this.ids.add(id);
    const startMs = decimal(f[1]!, 'start_time');
    const endMs = decimal(f[2]!, 'end_time');
    if (startMs < 0) throw new FieldError('start_time', `negative time ${startMs}`);
    if (endMs < startMs) throw new FieldError('end_time', `end_time ${endMs} is before start_time ${startMs}`);
    decimal(f[3]!, 'duration'); // redundant (end − start); checked for shape only
    const targetTeam = legacyTeam(f[6]!, 'target_team');
    const target = this.registry.see(f[4]!, f[5]!, targetTeam, null);
    const outcome = enumOf<Outcome>(OUTCOME_SET, f[7]!, 'outcome');
    const damage = intMin(f[8]!, 'total_damage', 0);

    const path = parsePositions(f[12]!);
    const positionCount = intMin(f[11]!, 'position_count', 0);
    if (positionCount !== path.length) {
      throw new FieldError('position_count', `says ${positionCount}, positions has ${path.length}`);
    }
    for (let i = 17; i < 23; i++) if (f[i] !== '') decimal(f[i]!, V3_ENGAGEMENT_FIELDS[i]!); // start/end positions: shape only, the path carries them

    const attackers = this.parseAttackers(f[23]!);
    const attackerCount = intMin(f[13]!, 'attacker_count', 0);
    if (attackerCount !== attackers.length) {
      throw new FieldError('attacker_count', `says ${attackerCount}, attackers has ${attackers.length}`);
    }
    let hits = 0;
    for (const a of attackers) hits += a.hits;

    let killer: number | null = null;
    if (outcome === 'killed' || outcome === 'teamkill') {
      if (f[9] === '') throw new FieldError('killer_guid', `empty for outcome ${outcome}`);
      killer = this.registry.see(f[9]!, f[10]!, null, null);
    }

    const crossfire = flag(f[14]!, 'is_crossfire');
    let crossfireDelayMs: number | null = null;
    const crossfirePairs: CrossfirePair[] = [];
    if (crossfire) {
      crossfireDelayMs = f[15] === '' ? null : intMin(f[15]!, 'crossfire_delay', 0);
      const participants = f[16] === '' ? [] : f[16]!.split(',').map((g) => this.registry.see(g, '', null, null));
      // With two participants the one pair and its delay are known; with more, which pair had the
      // smallest delay is not recorded, so no pairs are invented (docs/LEGACY.md).
      if (participants.length === 2 && crossfireDelayMs !== null && participants[0] !== participants[1]) {
        const [a, b] = participants as [number, number];
        crossfirePairs.push({ a: Math.min(a, b), b: Math.max(a, b), delayMs: crossfireDelayMs });
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

  private parseAttackers(s: string): Attacker[] {
    if (s === '') return [];
    const items = s.split('|');
    const out: Attacker[] = [];
    const seen = new Set<number>();
    for (let i = 0; i < items.length; i++) {
      const at = `attackers[${i + 1}]`;
      const p = items[i]!.split(',');
      if (p.length < 9) throw new FieldError(at, `expected guid,name,team,damage,hits,first_hit,last_hit,got_kill,weapons, got ${show(items[i]!)}`);
      // The name is everything between the guid and the last seven parts, so a `,` in a name survives.
      const n = p.length;
      const nameRaw = p.slice(1, n - 7).join(',');
      const team = legacyTeam(p[n - 7]!, `${at}.team`);
      const pid = this.registry.see(p[0]!, nameRaw, team, null);
      if (seen.has(pid)) throw new FieldError(`${at}.guid`, 'attacker listed twice');
      seen.add(pid);
      const firstHitMs = decimal(p[n - 4]!, `${at}.first_hit`);
      const lastHitMs = decimal(p[n - 3]!, `${at}.last_hit`);
      if (firstHitMs < 0) throw new FieldError(`${at}.first_hit`, `negative time ${firstHitMs}`);
      if (lastHitMs < firstHitMs) throw new FieldError(`${at}.last_hit`, `last_hit ${lastHitMs} is before first_hit ${firstHitMs}`);
      out.push({
        pid,
        team,
        damage: intMin(p[n - 6]!, `${at}.damage`, 0),
        hits: intMin(p[n - 5]!, `${at}.hits`, 0),
        firstHitMs,
        lastHitMs,
        gotKill: flag(p[n - 2]!, `${at}.got_kill`),
        weapons: parseV3Weapons(p[n - 1]!, `${at}.weapons`),
      });
    }
    return out;
  }

  finish(unterminated: string): RoundFile {
    if (unterminated !== '' && unterminated !== '\r') throw tornLegacy(this.file, this.lineNo + 1);
    if (this.section === 'header') {
      throw new RoundFileError('torn', this.file, this.lineNo, 'section', 'no # ENGAGEMENTS section: the file is incomplete');
    }
    const sections = ['engagements', 'players'];
    if (this.killHeatmap) sections.push('kill_heatmap');
    if (this.movementHeatmap) sections.push('movement_heatmap');
    return {
      header: legacyHeader(this.file, 'legacy-v3', this.headerValues, this.name, sections),
      players: this.registry.players,
      engagements: this.engagements,
      killHeatmap: mergeCells(this.killHeatmap, (a, b) => {
        a.axisKills += b.axisKills;
        a.alliesKills += b.alliesKills;
      }),
      movementHeatmap: mergeCells(this.movementHeatmap, (a, b) => {
        a.traversal += b.traversal;
        a.combat += b.combat;
        a.escape += b.escape;
      }),
    };
  }
}

/** `id:count` joined by `;` (the separator reuse this format is known for). */
function parseV3Weapons(s: string, field: string): Record<number, number> {
  const weapons: Record<number, number> = {};
  if (s === '') return weapons;
  for (const item of s.split(';')) {
    if (item === '') continue; // a trailing `;` after the last weapon
    const colon = item.indexOf(':');
    if (colon < 0) throw new FieldError(field, `expected id:count, got ${show(item)}`);
    const mod = intRange(item.slice(0, colon), field, 0, SMALL_MAX);
    weapons[mod] = (weapons[mod] ?? 0) + intMin(item.slice(colon + 1), field, 0);
  }
  return weapons;
}

function parsePositions(s: string): PathPoint[] {
  if (s === '') return [];
  const items = s.split('|');
  const out: PathPoint[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const field = `positions[${i + 1}]`;
    const p = items[i]!.split(',');
    if (p.length !== 5) throw new FieldError(field, `expected time,x,y,z,event, got ${show(items[i]!)}`);
    const t = decimal(p[0]!, `${field}.time`);
    if (t < 0) throw new FieldError(`${field}.time`, `negative time ${t}`);
    out[i] = {
      t,
      x: decimal(p[1]!, `${field}.x`),
      y: decimal(p[2]!, `${field}.y`),
      z: decimal(p[3]!, `${field}.z`),
      event: enumOf<PathEvent>(PATH_EVENT_SET, p[4]!, `${field}.event`),
    };
  }
  return out;
}

export function parseKillCell(f: string[]): KillHeatCell {
  if (f.length < 4) throw new FieldError('kill_cell', `expected 4 fields, got ${f.length}`);
  return {
    gx: decimal(f[0]!, 'grid_x'),
    gy: decimal(f[1]!, 'grid_y'),
    axisKills: intMin(f[2]!, 'axis_kills', 0),
    alliesKills: intMin(f[3]!, 'allies_kills', 0),
  };
}

function parseMovementCell(f: string[]): MovementHeatCell {
  if (f.length < 5) throw new FieldError('movement_cell', `expected 5 fields, got ${f.length}`);
  return {
    gx: decimal(f[0]!, 'grid_x'),
    gy: decimal(f[1]!, 'grid_y'),
    traversal: intMin(f[2]!, 'traversal', 0),
    combat: intMin(f[3]!, 'combat', 0),
    escape: intMin(f[4]!, 'escape', 0),
  };
}
