/**
 * Reader for `PROXIMITY_ROUND v1` (docs/FORMAT.md), fed one line at a time so a file never has to be
 * held in one string. Validation is strict: anything the contract does not allow is reported with the
 * line and field, except what the contract says to ignore (unknown header/END keys, trailing fields).
 *
 * Two parsers per data line: the fast one (v1-fast.ts) reads a well-formed line in place and returns
 * its record; any line it does not accept goes to the strict parsers below, which split it into fields
 * and report the first problem (or, for a valid line the fast one does not handle, return the record).
 * The strict parsers are the reference: the fast ones must accept nothing they reject.
 */
import { FieldError, RoundFileError } from './errors.ts';
import {
  enumOf,
  flag,
  int,
  COORD_MAX,
  coord,
  intMin,
  SMALL_MAX,
  unixSeconds,
  intRange,
  optionalVec,
  pidList,
  playerClass,
  show,
  team,
  text,
} from './fields.ts';
import type { LineParser } from './line-parser.ts';
import { HASH, IntSet } from './scan.ts';
import { V1FastParser } from './v1-fast.ts';
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
  type RoundFile,
  type RoundHeader,
} from './types.ts';

export const V1_MAGIC = '# PROXIMITY_ROUND v1';

export const SECTION_ORDER = ['engagements', 'players', 'kill_heatmap', 'movement_heatmap'] as const;
type Section = (typeof SECTION_ORDER)[number];
const SECTION_LINES = new Map<string, Section>([
  ['# ENGAGEMENTS', 'engagements'],
  ['# PLAYERS', 'players'],
  ['# KILL_HEATMAP', 'kill_heatmap'],
  ['# MOVEMENT_HEATMAP', 'movement_heatmap'],
]);

const HEADER_KEYS = [
  'tracker_version',
  'server_id',
  'server_name',
  'map',
  'round',
  'gametype',
  'round_start_unix',
  'round_start_leveltime',
  'timelimit',
  'config',
  'sections',
] as const;
const KNOWN_HEADER_KEYS = new Set<string>(HEADER_KEYS);

const END_KEYS = [
  'end_reason',
  'round_end_unix',
  'duration_ms',
  'paused_ms',
  'engagements',
  'players',
  'kill_cells',
  'movement_cells',
] as const;

export const ENGAGEMENT_FIELDS = [
  'id',
  'start_ms',
  'end_ms',
  'target',
  'target_team',
  'target_class',
  'outcome',
  'end_mod',
  'killer',
  'damage',
  'hits',
  'crossfire',
  'crossfire_delay_ms',
  'crossfire_pairs',
  'attackers',
  'path',
  'kill_weapon',
  'killer_pos',
  'victim_pos',
  'kill_distance',
  'killer_allies',
  'killer_enemies',
  'victim_allies',
  'victim_enemies',
  'engagement_type',
] as const;
export const PLAYER_FIELDS = [
  'pid',
  'slot',
  'guid',
  'name',
  'is_bot',
  'team',
  'class',
  'first_seen_ms',
  'last_seen_ms',
] as const;
const KILL_CELL_FIELDS = ['grid_x', 'grid_y', 'axis_kills', 'allies_kills'] as const;
const MOVEMENT_CELL_FIELDS = ['grid_x', 'grid_y', 'traversal', 'combat', 'escape'] as const;

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);
const PATH_EVENT_SET: ReadonlySet<string> = new Set(PATH_EVENTS);
const END_REASONS: ReadonlySet<string> = new Set(['intermission', 'map_restart', 'shutdown']);
/** Outcomes decided by a death: they carry the meansOfDeath of that death. */
const DEATH_OUTCOMES: ReadonlySet<string> = new Set(['killed', 'died_world', 'suicide', 'teamkill']);
const KILLER_OUTCOMES: ReadonlySet<string> = new Set(['killed', 'teamkill']);

type State = 'header' | Section | 'end';

function requireEmpty(s: string, field: string, why: string): void {
  if (s !== '') throw new FieldError(field, `must be empty ${why}, got ${show(s)}`);
}

export class V1Reader implements LineParser {
  private readonly file: string;
  private readonly fileTimestampUnix: number | null;
  private state: State = 'header';
  private readonly headerValues = new Map<string, string>();
  private header: RoundHeader | null = null;
  private listedSections = new Set<Section>();
  private readonly seenSections = new Set<Section>();
  private readonly engagements: Engagement[] = [];
  private readonly engagementIds = new IntSet();
  private readonly players: Player[] = [];
  private readonly playerPids = new IntSet();
  /** First place each pid was referenced, so a missing player line is reported where it was used. */
  private readonly pidRefs = new Map<number, { line: number; field: string }>();
  /** The pids in pidRefs: the per-reference check, cheaper than a Map lookup. */
  private readonly referenced = new IntSet();
  private killHeatmap: KillHeatCell[] | null = null;
  private movementHeatmap: MovementHeatCell[] | null = null;
  /** Cells of the current heatmap section, keyed by cellKey(gx, gy). */
  private readonly cellKeys = new Set<number>();
  private lineNo = 1; // the dispatcher consumed line 1 (the magic line)
  private readonly fast = new V1FastParser();

  /** strictOnly: read every line with the strict parsers (tests compare the two readings). */
  constructor(
    file: string,
    fileTimestampUnix: number | null,
    private readonly strictOnly = false,
  ) {
    this.file = file;
    this.fileTimestampUnix = fileTimestampUnix;
  }

  private fail(line: number | null, field: string | null, detail: string): never {
    throw new RoundFileError('malformed', this.file, line, field, detail);
  }

  line(text: string, bytes: Uint8Array, start: number, end: number, lineNo: number): void {
    this.lineNo = lineNo;
    if (!this.strictOnly && start < end && bytes[start] !== HASH && this.fastDataLine(text, bytes, start, end, lineNo)) return;
    this.strictLine(text.slice(start, end), lineNo);
  }

  /**
   * A data line read by the fast parser and checked against the rest of the file; false (nothing
   * recorded) when the fast parser gives up or the line repeats an id, pid or cell — the strict path
   * then re-reads the line and reports it.
   */
  private fastDataLine(s: string, b: Uint8Array, start: number, end: number, lineNo: number): boolean {
    switch (this.state) {
      case 'engagements': {
        const e = this.fast.engagement(s, b, start, end);
        if (e === null || this.engagementIds.has(e.id)) return false;
        this.engagementIds.add(e.id);
        this.engagementRefs(e, lineNo);
        this.engagements.push(e);
        return true;
      }
      case 'players': {
        const p = this.fast.player(s, b, start, end);
        if (p === null || this.playerPids.has(p.pid)) return false;
        this.playerPids.add(p.pid);
        this.players.push(p);
        return true;
      }
      case 'kill_heatmap': {
        const c = this.fast.killCell(s, b, start, end);
        if (c === null || !this.addNewCell(c.gx, c.gy)) return false;
        this.killHeatmap!.push(c);
        return true;
      }
      case 'movement_heatmap': {
        const c = this.fast.movementCell(s, b, start, end);
        if (c === null || !this.addNewCell(c.gx, c.gy)) return false;
        this.movementHeatmap!.push(c);
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * The pid references of a fast-parsed engagement, in the order (and with the field names) the strict
   * parser records them, so a missing player line is reported at the same place either way. A field
   * name is only built for a pid seen for the first time.
   */
  private engagementRefs(e: Engagement, lineNo: number): void {
    this.ref(e.target, lineNo, 'target');
    if (e.killer !== null) this.ref(e.killer, lineNo, 'killer');
    const pairs = e.crossfirePairs;
    for (let i = 0; i < pairs.length; i++) {
      const { a, b } = pairs[i]!;
      if (!this.referenced.has(a)) this.ref(a, lineNo, `crossfire_pairs[${i + 1}]`);
      if (!this.referenced.has(b)) this.ref(b, lineNo, `crossfire_pairs[${i + 1}]`);
    }
    const attackers = e.attackers;
    for (let i = 0; i < attackers.length; i++) {
      const pid = attackers[i]!.pid;
      if (!this.referenced.has(pid)) this.ref(pid, lineNo, `attackers[${i + 1}].pid`);
    }
    const k = e.kill;
    if (k !== null) {
      this.refs(k.killerAllies, lineNo, 'killer_allies');
      this.refs(k.victimAllies, lineNo, 'victim_allies');
      this.refs(k.killerEnemies, lineNo, 'killer_enemies');
      this.refs(k.victimEnemies, lineNo, 'victim_enemies');
    }
  }

  /** The reference reading of a line: reports the first problem with its field. */
  private strictLine(textLine: string, lineNo: number): void {
    if (textLine.length === 0) this.fail(lineNo, null, 'empty line (empty lines are not allowed)');
    this.checkAscii(textLine, lineNo);
    try {
      if (textLine.charCodeAt(0) === 35 /* # */) this.hashLine(textLine, lineNo);
      else this.dataLine(textLine, lineNo);
    } catch (e) {
      if (e instanceof FieldError) this.fail(lineNo, e.field, e.message);
      throw e;
    }
  }

  /** The file is 7-bit ASCII: any other byte is an error, reported with the field it sits in. */
  private checkAscii(textLine: string, lineNo: number): void {
    for (let i = 0; i < textLine.length; i++) {
      const c = textLine.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) {
        let field: string | null = null;
        const eq = textLine.indexOf('=');
        if (this.state === 'header' && textLine.startsWith('# ') && eq > 2 && eq < i) {
          field = textLine.slice(2, eq); // a header value: name its key
        } else if (textLine.charCodeAt(0) !== 35) {
          let index = 0;
          for (let j = 0; j < i; j++) if (textLine.charCodeAt(j) === 59) index++;
          const names: readonly string[] =
            this.state === 'engagements'
              ? ENGAGEMENT_FIELDS
              : this.state === 'players'
                ? PLAYER_FIELDS
                : this.state === 'kill_heatmap'
                  ? KILL_CELL_FIELDS
                  : MOVEMENT_CELL_FIELDS;
          field = names[index] ?? `field ${index + 1}`;
        }
        this.fail(lineNo, field, `raw byte 0x${c.toString(16).padStart(2, '0')} at column ${i + 1} (the file is 7-bit ASCII; text must be percent-encoded)`);
      }
    }
  }

  private hashLine(textLine: string, lineNo: number): void {
    if (this.state === 'end') this.fail(lineNo, null, 'line after # END');
    const section = SECTION_LINES.get(textLine);
    if (section !== undefined) return this.enterSection(section, lineNo);
    if (textLine === '# END' || textLine.startsWith('# END ')) return this.endLine(textLine, lineNo);
    if (this.state !== 'header') this.fail(lineNo, null, `unexpected line ${show(textLine)} in section ${this.state}`);
    if (!textLine.startsWith('# ')) this.fail(lineNo, null, `header line must be "# key=value", got ${show(textLine)}`);
    const eq = textLine.indexOf('=');
    if (eq < 0) this.fail(lineNo, null, `header line must be "# key=value", got ${show(textLine)}`);
    const key = textLine.slice(2, eq);
    if (key === '') this.fail(lineNo, null, 'empty header key');
    if (this.headerValues.has(key)) this.fail(lineNo, key, 'duplicate header key');
    if (KNOWN_HEADER_KEYS.has(key)) this.headerValues.set(key, textLine.slice(eq + 1));
    else this.headerValues.set(key, ''); // unknown keys are ignored (later minor versions), but still unique
  }

  private enterSection(section: Section, lineNo: number): void {
    if (this.state === 'header') this.finishHeader(lineNo);
    if (!this.listedSections.has(section)) {
      this.fail(lineNo, 'sections', `section ${section} is present but not listed in the sections header`);
    }
    if (this.seenSections.has(section)) this.fail(lineNo, 'sections', `section ${section} appears twice`);
    const order = SECTION_ORDER.indexOf(section);
    if (this.state !== 'header' && SECTION_ORDER.indexOf(this.state as Section) > order) {
      this.fail(lineNo, 'sections', `section ${section} after ${this.state} (order is ${SECTION_ORDER.join(', ')})`);
    }
    this.leaveSection();
    this.seenSections.add(section);
    this.state = section;
    if (section === 'kill_heatmap') this.killHeatmap = [];
    if (section === 'movement_heatmap') this.movementHeatmap = [];
    this.cellKeys.clear();
  }

  /** Leaving the players section: every pid referenced so far must have its player line. */
  private leaveSection(): void {
    if (this.state !== 'players') return;
    for (const [pid, ref] of this.pidRefs) {
      if (!this.playerPids.has(pid)) this.fail(ref.line, ref.field, `pid ${pid} has no player line`);
    }
  }

  private finishHeader(lineNo: number): void {
    const h = this.headerValues;
    for (const key of HEADER_KEYS) {
      if (!h.has(key)) this.fail(lineNo, key, 'missing header key (the header ends at the first section line)');
    }
    // Header problems are reported on the first section line, where the header is known to be complete.
    try {
      this.parseHeader(lineNo);
    } catch (e) {
      if (e instanceof FieldError) this.fail(lineNo, e.field, e.message);
      throw e;
    }
  }

  /** The header values, checked in this order (the first problem is the one reported). */
  private parseHeader(lineNo: number): void {
    const h = this.headerValues;
    const trackerVersion = text(h.get('tracker_version')!, 'tracker_version');
    if (trackerVersion === '') this.fail(lineNo, 'tracker_version', 'empty');
    const serverId = text(h.get('server_id')!, 'server_id');
    if (serverId === '') this.fail(lineNo, 'server_id', 'empty');
    const map = text(h.get('map')!, 'map');
    if (map === '') this.fail(lineNo, 'map', 'empty');
    const sections = this.parseSections(h.get('sections')!);
    this.listedSections = new Set(sections as Section[]);
    this.header = {
      source: 'proximity-v1',
      trackerVersion,
      serverId,
      serverName: text(h.get('server_name')!, 'server_name'),
      map,
      round: intRange(h.get('round')!, 'round', 1, 2),
      gametype: int(h.get('gametype')!, 'gametype'),
      roundStartUnix: unixSeconds(h.get('round_start_unix')!, 'round_start_unix'),
      roundEndUnix: null,
      durationMs: null,
      pausedMs: null,
      endReason: null,
      timelimit: text(h.get('timelimit')!, 'timelimit'),
      config: this.parseConfig(h.get('config')!),
      sections,
      fileTimestampUnix: this.fileTimestampUnix,
    };
    intMin(h.get('round_start_leveltime')!, 'round_start_leveltime', 0);
  }

  private parseSections(value: string): string[] {
    const names = value === '' ? [] : value.split(',');
    const seen = new Set<string>();
    for (const name of names) {
      if (!(SECTION_ORDER as readonly string[]).includes(name)) throw new FieldError('sections', `unknown section ${show(name)}`);
      if (seen.has(name)) throw new FieldError('sections', `section ${name} listed twice`);
      seen.add(name);
    }
    for (const required of ['engagements', 'players']) {
      if (!seen.has(required)) throw new FieldError('sections', `${required} must always be captured`);
    }
    return SECTION_ORDER.filter((s) => seen.has(s)); // canonical order, whatever order the key used
  }

  private parseConfig(value: string): Record<string, number> {
    const config: Record<string, number> = {};
    if (value === '') return config;
    for (const pair of value.split(',')) {
      const colon = pair.indexOf(':');
      if (colon <= 0) throw new FieldError('config', `expected name:value, got ${show(pair)}`);
      const name = pair.slice(0, colon);
      if (!isConfigName(name)) throw new FieldError('config', `bad name ${show(name)} (lower-case letters, digits, _)`);
      if (Object.hasOwn(config, name)) throw new FieldError('config', `${name} listed twice`);
      const setting = int(pair.slice(colon + 1), `config.${name}`);
      // A plain own data property. Assignment makes one, except for a name the object inherits
      // (__proto__ is an accessor; frozen intrinsics refuse the others): defineProperty for those.
      if (name in config) Object.defineProperty(config, name, { value: setting, enumerable: true, writable: true, configurable: true });
      else config[name] = setting;
    }
    return config;
  }

  private dataLine(textLine: string, lineNo: number): void {
    switch (this.state) {
      case 'header':
        this.fail(lineNo, null, 'data line before the first section');
        break;
      case 'end':
        this.fail(lineNo, null, 'line after # END');
        break;
      case 'engagements':
        this.engagements.push(this.parseEngagement(textLine.split(';'), lineNo));
        break;
      case 'players':
        this.players.push(this.parsePlayer(textLine.split(';'), lineNo));
        break;
      case 'kill_heatmap':
        this.killHeatmap!.push(this.parseKillCell(textLine.split(';'), lineNo));
        break;
      case 'movement_heatmap':
        this.movementHeatmap!.push(this.parseMovementCell(textLine.split(';'), lineNo));
        break;
    }
  }

  private fieldCount(f: string[], expected: number, lineNo: number, what: string): void {
    if (f.length < expected) this.fail(lineNo, what, `expected ${expected} fields, got ${f.length}`);
  }

  private ref(pid: number, lineNo: number, field: string): number {
    if (!this.referenced.has(pid)) {
      this.referenced.add(pid);
      this.pidRefs.set(pid, { line: lineNo, field });
    }
    return pid;
  }

  private parseEngagement(f: string[], lineNo: number): Engagement {
    this.fieldCount(f, 25, lineNo, 'engagement');
    const id = intMin(f[0]!, 'id', 1);
    if (this.engagementIds.has(id)) throw new FieldError('id', `duplicate engagement id ${id}`);
    this.engagementIds.add(id);
    const startMs = intMin(f[1]!, 'start_ms', 0);
    const endMs = intMin(f[2]!, 'end_ms', 0);
    if (endMs < startMs) throw new FieldError('end_ms', `end_ms ${endMs} is before start_ms ${startMs}`);
    const target = this.ref(intRange(f[3]!, 'target', 1, SMALL_MAX), lineNo, 'target');
    const targetTeam = team(f[4]!, 'target_team');
    const targetClass = playerClass(f[5]!, 'target_class');
    const outcome = enumOf<Outcome>(OUTCOME_SET, f[6]!, 'outcome');

    let endMod: number | null = null;
    if (DEATH_OUTCOMES.has(outcome)) endMod = intRange(f[7]!, 'end_mod', 0, SMALL_MAX);
    else requireEmpty(f[7]!, 'end_mod', `for outcome ${outcome}`);
    let killer: number | null = null;
    if (KILLER_OUTCOMES.has(outcome)) killer = this.ref(intRange(f[8]!, 'killer', 1, SMALL_MAX), lineNo, 'killer');
    else requireEmpty(f[8]!, 'killer', `for outcome ${outcome}`);

    const damage = intMin(f[9]!, 'damage', 0);
    const hits = intMin(f[10]!, 'hits', 0);
    const crossfire = flag(f[11]!, 'crossfire');
    const crossfirePairs = this.parsePairs(f[13]!, lineNo);
    let crossfireDelayMs: number | null = null;
    if (crossfire) {
      crossfireDelayMs = intMin(f[12]!, 'crossfire_delay_ms', 0);
      if (crossfirePairs.length === 0) throw new FieldError('crossfire_pairs', 'crossfire is 1 but there are no pairs');
      let smallest = Infinity;
      for (const p of crossfirePairs) if (p.delayMs < smallest) smallest = p.delayMs;
      if (smallest !== crossfireDelayMs) {
        throw new FieldError('crossfire_delay_ms', `${crossfireDelayMs} is not the smallest pair delay (${smallest})`);
      }
    } else {
      requireEmpty(f[12]!, 'crossfire_delay_ms', 'when crossfire is 0');
      if (crossfirePairs.length > 0) throw new FieldError('crossfire_pairs', 'must be empty when crossfire is 0');
    }
    const attackers = this.parseAttackers(f[14]!, lineNo);
    const path = this.parsePath(f[15]!);

    let kill: KillContext | null = null;
    if (outcome === 'killed') {
      const killerAllies = this.refs(pidList(f[20]!, 'killer_allies'), lineNo, 'killer_allies');
      const victimAllies = this.refs(pidList(f[22]!, 'victim_allies'), lineNo, 'victim_allies');
      const engagementType = f[24]!;
      const expectedType = `${1 + killerAllies.length}v${1 + victimAllies.length}`;
      if (engagementType !== expectedType) {
        throw new FieldError('engagement_type', `${show(engagementType)} does not match the ally lists (${expectedType})`);
      }
      kill = {
        mod: endMod!,
        weapon: f[16] === '' ? null : intRange(f[16]!, 'kill_weapon', 0, SMALL_MAX),
        killerPos: optionalVec(f[17]!, 'killer_pos'),
        victimPos: optionalVec(f[18]!, 'victim_pos'),
        distance: f[19] === '' ? null : intMin(f[19]!, 'kill_distance', 0),
        killerAllies,
        killerEnemies: this.refs(pidList(f[21]!, 'killer_enemies'), lineNo, 'killer_enemies'),
        victimAllies,
        victimEnemies: this.refs(pidList(f[23]!, 'victim_enemies'), lineNo, 'victim_enemies'),
        engagementType,
      };
    } else {
      for (let i = 16; i < 25; i++) requireEmpty(f[i]!, ENGAGEMENT_FIELDS[i]!, `for outcome ${outcome}`);
    }
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

  private refs(pids: number[], lineNo: number, field: string): number[] {
    for (const pid of pids) this.ref(pid, lineNo, field);
    return pids;
  }

  private parsePairs(s: string, lineNo: number): CrossfirePair[] {
    if (s === '') return [];
    const items = s.split('|');
    const pairs: CrossfirePair[] = new Array(items.length);
    const seen = new Set<number>();
    for (let i = 0; i < items.length; i++) {
      const field = `crossfire_pairs[${i + 1}]`;
      const p = items[i]!.split('/');
      if (p.length !== 3) throw new FieldError(field, `expected pidA/pidB/delay_ms, got ${show(items[i]!)}`);
      const a = this.ref(intRange(p[0]!, field, 1, SMALL_MAX), lineNo, field);
      const b = this.ref(intRange(p[1]!, field, 1, SMALL_MAX), lineNo, field);
      if (a >= b) throw new FieldError(field, `pids must be ordered pidA < pidB, got ${a}/${b}`);
      const key = a * 65536 + b;
      if (seen.has(key)) throw new FieldError(field, `duplicate pair ${a}/${b}`);
      seen.add(key);
      pairs[i] = { a, b, delayMs: intMin(p[2]!, field, 0) };
    }
    return pairs;
  }

  private parseAttackers(s: string, lineNo: number): Attacker[] {
    if (s === '') return [];
    const items = s.split('|');
    const attackers: Attacker[] = new Array(items.length);
    const seen = new Set<number>();
    for (let i = 0; i < items.length; i++) {
      const at = `attackers[${i + 1}]`;
      const p = items[i]!.split(',');
      if (p.length < 8) throw new FieldError(at, `expected pid,team,damage,hits,first_ms,last_ms,got_kill,weapons, got ${p.length} parts`);
      const pid = this.ref(intRange(p[0]!, `${at}.pid`, 1, SMALL_MAX), lineNo, `${at}.pid`);
      if (seen.has(pid)) throw new FieldError(`${at}.pid`, `attacker ${pid} listed twice`);
      seen.add(pid);
      const firstHitMs = intMin(p[4]!, `${at}.first_ms`, 0);
      const lastHitMs = intMin(p[5]!, `${at}.last_ms`, 0);
      if (lastHitMs < firstHitMs) throw new FieldError(`${at}.last_ms`, `last_ms ${lastHitMs} is before first_ms ${firstHitMs}`);
      attackers[i] = {
        pid,
        team: team(p[1]!, `${at}.team`),
        damage: intMin(p[2]!, `${at}.damage`, 0),
        hits: intMin(p[3]!, `${at}.hits`, 0),
        firstHitMs,
        lastHitMs,
        gotKill: flag(p[6]!, `${at}.got_kill`),
        weapons: parseWeapons(p[7]!, `${at}.weapons`),
      };
    }
    return attackers;
  }

  private parsePath(s: string): PathPoint[] {
    if (s === '') return [];
    const items = s.split('|');
    const path: PathPoint[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const field = `path[${i + 1}]`;
      const p = items[i]!.split(',');
      if (p.length < 5) throw new FieldError(field, `expected t,x,y,z,event, got ${show(items[i]!)}`);
      path[i] = {
        t: intMin(p[0]!, `${field}.t`, 0),
        x: coord(p[1]!, `${field}.x`),
        y: coord(p[2]!, `${field}.y`),
        z: coord(p[3]!, `${field}.z`),
        event: enumOf<PathEvent>(PATH_EVENT_SET, p[4]!, `${field}.event`),
      };
    }
    return path;
  }

  private parsePlayer(f: string[], lineNo: number): Player {
    this.fieldCount(f, 9, lineNo, 'player');
    const pid = intRange(f[0]!, 'pid', 1, SMALL_MAX);
    if (this.playerPids.has(pid)) throw new FieldError('pid', `duplicate pid ${pid}`);
    this.playerPids.add(pid);
    const firstSeenMs = intMin(f[7]!, 'first_seen_ms', 0);
    const lastSeenMs = intMin(f[8]!, 'last_seen_ms', 0);
    if (lastSeenMs < firstSeenMs) throw new FieldError('last_seen_ms', `last_seen_ms ${lastSeenMs} is before first_seen_ms ${firstSeenMs}`);
    return {
      pid,
      slot: intRange(f[1]!, 'slot', 0, 63),
      guid: text(f[2]!, 'guid'),
      name: text(f[3]!, 'name'),
      isBot: flag(f[4]!, 'is_bot'),
      team: team(f[5]!, 'team'),
      playerClass: playerClass(f[6]!, 'class'),
      firstSeenMs,
      lastSeenMs,
    };
  }

  /** Records a cell; false when the section already had it (one Set operation either way). */
  private addNewCell(gx: number, gy: number): boolean {
    const size = this.cellKeys.size;
    this.cellKeys.add(cellKey(gx, gy));
    return this.cellKeys.size !== size;
  }

  private addCell(gx: number, gy: number): void {
    const key = cellKey(gx, gy);
    if (this.cellKeys.has(key)) throw new FieldError('grid_x', `duplicate cell ${gx},${gy}`);
    this.cellKeys.add(key);
  }

  private parseKillCell(f: string[], lineNo: number): KillHeatCell {
    this.fieldCount(f, 4, lineNo, 'kill_cell');
    const gx = coord(f[0]!, 'grid_x');
    const gy = coord(f[1]!, 'grid_y');
    this.addCell(gx, gy);
    return { gx, gy, axisKills: intMin(f[2]!, 'axis_kills', 0), alliesKills: intMin(f[3]!, 'allies_kills', 0) };
  }

  private parseMovementCell(f: string[], lineNo: number): MovementHeatCell {
    this.fieldCount(f, 5, lineNo, 'movement_cell');
    const gx = coord(f[0]!, 'grid_x');
    const gy = coord(f[1]!, 'grid_y');
    this.addCell(gx, gy);
    return {
      gx,
      gy,
      traversal: intMin(f[2]!, 'traversal', 0),
      combat: intMin(f[3]!, 'combat', 0),
      escape: intMin(f[4]!, 'escape', 0),
    };
  }

  private endLine(textLine: string, lineNo: number): void {
    if (this.state === 'header') this.fail(lineNo, null, '# END before any section');
    this.leaveSection();
    for (const s of this.listedSections) {
      if (!this.seenSections.has(s)) this.fail(lineNo, 'sections', `section ${s} is listed in the header but missing`);
    }
    const values = new Map<string, string>();
    const rest = textLine.length > 6 ? textLine.slice(6).split(' ') : [];
    for (const pair of rest) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new FieldError('END', `expected key=value, got ${show(pair)}`);
      const key = pair.slice(0, eq);
      if (values.has(key)) throw new FieldError(key, 'duplicate # END key');
      values.set(key, pair.slice(eq + 1));
    }
    for (const key of END_KEYS) if (!values.has(key)) throw new FieldError(key, 'missing # END key');
    const header = this.header!;
    header.endReason = enumOf<'intermission' | 'map_restart' | 'shutdown'>(END_REASONS, values.get('end_reason')!, 'end_reason');
    header.roundEndUnix = unixSeconds(values.get('round_end_unix')!, 'round_end_unix');
    if (header.roundStartUnix !== null && header.roundEndUnix < header.roundStartUnix) {
      throw new FieldError('round_end_unix', `round ends (${header.roundEndUnix}) before it starts (${header.roundStartUnix})`);
    }
    header.durationMs = intMin(values.get('duration_ms')!, 'duration_ms', 0);
    header.pausedMs = intMin(values.get('paused_ms')!, 'paused_ms', 0);
    const counts: [string, number][] = [
      ['engagements', this.engagements.length],
      ['players', this.players.length],
      ['kill_cells', this.killHeatmap?.length ?? 0],
      ['movement_cells', this.movementHeatmap?.length ?? 0],
    ];
    for (const [key, actual] of counts) {
      const declared = intMin(values.get(key)!, key, 0);
      if (declared !== actual) throw new FieldError(key, `# END says ${declared} lines, the section has ${actual}`);
    }
    this.state = 'end';
  }

  finish(unterminated: string): RoundFile {
    if (this.state !== 'end') {
      throw new RoundFileError(
        'torn',
        this.file,
        this.lineNo + (unterminated === '' ? 0 : 1),
        'END',
        'no # END line: the file is incomplete (torn: server crash or full disk); nothing is imported',
      );
    }
    if (unterminated !== '') this.fail(this.lineNo + 1, null, 'line after # END');
    return {
      header: this.header!,
      players: this.players,
      engagements: this.engagements,
      killHeatmap: this.killHeatmap,
      movementHeatmap: this.movementHeatmap,
    };
  }
}

/** One number per cell: grid coordinates are within ±COORD_MAX, so the key is exact. */
function cellKey(gx: number, gy: number): number {
  return (gx + COORD_MAX) * (2 * COORD_MAX + 1) + (gy + COORD_MAX);
}

function isConfigName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return name.length > 0;
}

/** `mod:hits` joined by `/`, empty when the attacker has no hits (a kill without prior damage). */
export function parseWeapons(s: string, field: string): Record<number, number> {
  const weapons: Record<number, number> = {};
  if (s === '') return weapons;
  for (const item of s.split('/')) {
    const colon = item.indexOf(':');
    if (colon < 0) throw new FieldError(field, `expected mod:hits, got ${show(item)}`);
    const mod = intRange(item.slice(0, colon), field, 0, SMALL_MAX);
    if (Object.hasOwn(weapons, mod)) throw new FieldError(field, `mod ${mod} listed twice`);
    weapons[mod] = intMin(item.slice(colon + 1), field, 0);
  }
  return weapons;
}
