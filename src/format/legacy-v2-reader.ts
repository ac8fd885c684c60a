/**
 * Reader for the seeds' v2 `_proximity.txt` (`# PROXIMITY_TRACKER_V2`): one kill per line, 22 `|`
 * fields (docs/LEGACY.md), then `# HEATMAP`. Each kill becomes an engagement that opens and closes in
 * one step (as our tracker records a kill without prior damage): the killer is its only attacker with
 * 0 damage and 0 hits, the kill context is filled from the line, and there is no path.
 */
import { FieldError, RoundFileError } from './errors.ts';
import { decodeRawBytes } from './escape.ts';
import { decimal, int, intMin, intRange, show, SMALL_MAX } from './fields.ts';
import type { RoundFileNameParts } from './file-name.ts';
import { PlayerRegistry, legacyHeader, mergeCells, legacyHeaderLine, legacyTeam, tornLegacy } from './legacy-common.ts';
import type { LineParser } from './line-parser.ts';
import type { Engagement, KillHeatCell, Outcome, RoundFile, Vec3 } from './types.ts';

export const V2_MAGIC = '# PROXIMITY_TRACKER_V2';

export const V2_KILL_FIELDS = [
  'game_time',
  'killer_slot',
  'killer_guid',
  'killer_name',
  'killer_team',
  'killer_x',
  'killer_y',
  'killer_z',
  'weapon',
  'victim_guid',
  'victim_name',
  'victim_team',
  'victim_x',
  'victim_y',
  'victim_z',
  'distance',
  'engagement_type',
  'allies_near_killer',
  'allies_near_victim',
  'supporting_allies',
  'victim_slot',
  'means_of_death',
] as const;

/** Supporting allies are names; they are resolved to pids once every player of the file is known. */
interface PendingAllies {
  engagement: Engagement;
  killerTeam: string;
  names: string[];
}

function isEngagementType(s: string): boolean {
  const v = s.indexOf('v');
  if (v <= 0 || v === s.length - 1) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (i !== v && (c < 48 || c > 57)) return false;
  }
  return true;
}

export class LegacyV2Reader implements LineParser {
  private section: 'header' | 'kills' | 'heatmap' = 'header';
  private readonly headerValues = new Map<string, string>();
  private readonly registry = new PlayerRegistry();
  private readonly engagements: Engagement[] = [];
  private readonly pending: PendingAllies[] = [];
  private killHeatmap: KillHeatCell[] | null = null;
  private lineNo = 1;

  constructor(
    private readonly file: string,
    private readonly name: RoundFileNameParts | null,
  ) {}

  line(chunk: string, bytes: Uint8Array, start: number, end: number, lineNo: number): void {
    this.lineNo = lineNo;
    if (end > start && bytes[end - 1] === 13) end--; // tolerate CRLF copies
    if (start === end) return; // the seed's writer puts a blank line before # HEATMAP
    const text = chunk.slice(start, end);
    try {
      if (text.charCodeAt(0) === 35) {
        if (text === '# HEATMAP') {
          if (this.section === 'heatmap') throw new FieldError('section', '# HEATMAP repeated');
          this.section = 'heatmap';
          this.killHeatmap = [];
        } else if (this.section === 'header') {
          legacyHeaderLine(text, this.headerValues);
        }
        return; // `# FORMAT: …` and column titles are comments
      }
      if (this.section === 'heatmap') {
        const f = text.split('|');
        if (f.length < 4) throw new FieldError('heatmap_cell', `expected 4 fields, got ${f.length}`);
        this.killHeatmap!.push({
          gx: decimal(f[0]!, 'grid_x'),
          gy: decimal(f[1]!, 'grid_y'),
          axisKills: intMin(f[2]!, 'axis_kills', 0),
          alliesKills: intMin(f[3]!, 'allies_kills', 0),
        });
        return;
      }
      this.section = 'kills';
      this.engagements.push(this.parseKill(text));
    } catch (e) {
      if (e instanceof FieldError) throw new RoundFileError('malformed', this.file, lineNo, e.field, e.message);
      throw e;
    }
  }

  private parseKill(text: string): Engagement {
    const f = text.split('|');
    if (f.length !== 22) {
      // The v2 writer did not escape names, so a `|` in a name shifts every later field: refuse the line
      // rather than guess which name held it.
      throw new FieldError('kill', `expected 22 fields, got ${f.length}${f.length > 22 ? ' (a name probably contains "|")' : ''}`);
    }
    const time = decimal(f[0]!, 'game_time');
    if (time < 0) throw new FieldError('game_time', `negative time ${time}`);
    const killerSlot = int(f[1]!, 'killer_slot');
    const killerTeam = legacyTeam(f[4]!, 'killer_team');
    const victimSlot = intMin(f[20]!, 'victim_slot', 0);
    if (victimSlot > 63) throw new FieldError('victim_slot', `${victimSlot} is outside 0–63`);
    const victimTeam = legacyTeam(f[11]!, 'victim_team');
    const target = this.registry.see(f[9]!, f[10]!, victimTeam, victimSlot);
    const mod = intRange(f[21]!, 'means_of_death', 0, SMALL_MAX);
    const weapon = intRange(f[8]!, 'weapon', 0, SMALL_MAX);
    const killerPos = vec(f, 5, 'killer');
    const victimPos = vec(f, 12, 'victim');
    const distance = f[15] === '' ? null : decimal(f[15]!, 'distance');
    if (distance !== null && distance < 0) throw new FieldError('distance', `negative distance ${distance}`);
    const engagementType = f[16]!;
    if (!isEngagementType(engagementType)) throw new FieldError('engagement_type', `expected <n>v<m>, got ${show(engagementType)}`);
    intMin(f[17]!, 'allies_near_killer', 0); // counts only: the names follow in supporting_allies
    intMin(f[18]!, 'allies_near_victim', 0);

    // A world kill (slot outside 0–63, e.g. 1022) has no killer player.
    const worldKill = killerSlot < 0 || killerSlot > 63;
    const killer = worldKill ? null : this.registry.see(f[2]!, f[3]!, killerTeam, killerSlot);
    let outcome: Outcome = 'killed';
    if (killer === null) outcome = 'died_world';
    else if (killer === target) outcome = 'suicide';
    else if (killerTeam === victimTeam) outcome = 'teamkill';

    const id = this.engagements.length + 1;
    const engagement: Engagement = {
      id,
      startMs: time,
      endMs: time,
      target,
      targetTeam: victimTeam,
      targetClass: null,
      outcome,
      endMod: mod,
      killer: outcome === 'killed' || outcome === 'teamkill' ? killer : null,
      damage: 0,
      hits: 0,
      crossfire: false,
      crossfireDelayMs: null,
      crossfirePairs: [],
      attackers:
        killer !== null && killer !== target
          ? [{ pid: killer, team: killerTeam, damage: 0, hits: 0, firstHitMs: time, lastHitMs: time, gotKill: true, weapons: {} }]
          : [],
      path: [],
      kill:
        outcome === 'killed'
          ? {
              mod,
              weapon,
              killerPos,
              victimPos,
              distance,
              killerAllies: [],
              killerEnemies: [],
              victimAllies: [],
              victimEnemies: [],
              engagementType,
            }
          : null,
    };
    const allies = f[19]!;
    if (outcome === 'killed' && allies !== '' && allies !== 'NONE') {
      this.pending.push({ engagement, killerTeam, names: allies.split(',').map(decodeRawBytes) });
    }
    return engagement;
  }

  finish(unterminated: string): RoundFile {
    if (unterminated !== '' && unterminated !== '\r') throw tornLegacy(this.file, this.lineNo + 1);
    // Resolve supporting ally names to pids: a name that matches exactly one player of the killer's
    // team in this file; ambiguous or unknown names are dropped (docs/LEGACY.md).
    const byName = new Map<string, number | null>();
    for (const p of this.registry.players) {
      const key = p.team + '\u0000' + p.name;
      byName.set(key, byName.has(key) ? null : p.pid);
    }
    for (const { engagement, killerTeam, names } of this.pending) {
      const pids = new Set<number>();
      for (const n of names) {
        const pid = byName.get(killerTeam + '\u0000' + n);
        if (pid != null && pid !== engagement.killer && pid !== engagement.target) pids.add(pid);
      }
      engagement.kill!.killerAllies = [...pids];
    }
    const sections = ['engagements', 'players'];
    if (this.killHeatmap) sections.push('kill_heatmap');
    return {
      header: legacyHeader(this.file, 'legacy-v2', this.headerValues, this.name, sections),
      players: this.registry.players,
      engagements: this.engagements,
      killHeatmap: mergeCells(this.killHeatmap, (a, b) => {
        a.axisKills += b.axisKills;
        a.alliesKills += b.alliesKills;
      }),
      movementHeatmap: null,
    };
  }
}

function vec(f: string[], at: number, who: string): Vec3 | null {
  if (f[at] === '' && f[at + 1] === '' && f[at + 2] === '') return null;
  return {
    x: decimal(f[at]!, `${who}_x`),
    y: decimal(f[at + 1]!, `${who}_y`),
    z: decimal(f[at + 2]!, `${who}_z`),
  };
}
