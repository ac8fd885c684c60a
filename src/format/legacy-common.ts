/**
 * What the two legacy readers share: a players table synthesised from GUIDs (the legacy formats have
 * no players section), header `# key=value` lines, and the round identity taken from the header or the
 * file name (docs/LEGACY.md).
 */
import { FieldError, RoundFileError } from './errors.ts';
import { decodeRawBytes } from './escape.ts';
import { int, show } from './fields.ts';
import type { RoundFileNameParts } from './file-name.ts';
import type { Player, RoundHeader, SourceFormat, Team } from './types.ts';

/** Legacy trackers wrote team names, some builds the engine's numbers (1 = Axis, 2 = Allies, 3 = spectator). */
export function legacyTeam(s: string, field: string): Team {
  switch (s) {
    case 'AXIS':
    case '1':
      return 'AXIS';
    case 'ALLIES':
    case '2':
      return 'ALLIES';
    case 'SPECTATOR':
    case '3':
      return 'SPECTATOR';
    default:
      throw new FieldError(field, `unknown team ${show(s)}`);
  }
}

/** One pid per distinct GUID (per name for the rare empty GUID), in order of first appearance. */
export class PlayerRegistry {
  // Keyed by the raw bytes so a known player costs one lookup (GUIDs are ASCII hex; only two byte
  // spellings of one non-ASCII text, UTF-8 and Latin-1, would key apart). Two maps rather than one
  // with prefixed keys: no key string has to be built per lookup.
  private readonly byGuid = new Map<string, Player>();
  private readonly byName = new Map<string, Player>();
  /** The raw name last decoded for each pid (index pid − 1), so an unchanged name is not decoded again. */
  private readonly rawNames: string[] = [];
  /**
   * seeRange's shortcut to known players: slot `guidSample(guid)` holds a recently seen player
   * with a copy of its guid's bytes. Only a cache — a hit is verified byte for byte, and a miss (or
   * another guid in the slot) takes the see() path and then takes the slot. Made on first use (the v2
   * reader never uses it, and its files are small).
   */
  private recent: ({ player: Player; guid: Uint8Array } | undefined)[] | null = null;
  readonly players: Player[] = [];

  /** guid and name are raw bytes ("binary" strings) as the legacy file holds them. */
  see(guidRaw: string, nameRaw: string, team: Team | null, slot: number | null): number {
    const byKey = guidRaw !== '' ? this.byGuid : this.byName;
    const key = guidRaw !== '' ? guidRaw : nameRaw;
    let p = byKey.get(key);
    if (p === undefined) {
      const guid = decodeRawBytes(guidRaw);
      p = {
        pid: this.players.length + 1,
        slot: null,
        guid,
        name: '',
        isBot: guid.toUpperCase().startsWith('OMNIBOT'),
        team: team ?? 'SPECTATOR',
        playerClass: null,
        firstSeenMs: null,
        lastSeenMs: null,
      };
      byKey.set(key, p);
      this.players.push(p);
    }
    // The last name, team and slot seen win, as `# PLAYERS` keeps the last ones in our format.
    if (nameRaw !== '' && nameRaw !== this.rawNames[p.pid - 1]) {
      p.name = decodeRawBytes(nameRaw);
      this.rawNames[p.pid - 1] = nameRaw;
    }
    if (team !== null && team !== 'SPECTATOR') p.team = team;
    if (slot !== null) p.slot = slot;
    return p.pid;
  }

  /**
   * see() for a guid `text[guidAt, guidEnd)` and name `text[nameAt, nameEnd)` of a line (`bytes` are the
   * same bytes): the same result and effect, but a known player with an unchanged name costs no
   * substring and no string hashing — the fast paths resolve several players per line.
   */
  seeRange(text: string, bytes: Uint8Array, guidAt: number, guidEnd: number, nameAt: number, nameEnd: number, team: Team | null): number {
    if (guidAt !== guidEnd) {
      const sample = guidSample(bytes, guidAt, guidEnd);
      const recent = (this.recent ??= new Array(RECENT_SLOTS));
      const known = recent[sample];
      if (known !== undefined && sameBytes(known.guid, bytes, guidAt, guidEnd)) {
        const p = known.player;
        if (nameEnd !== nameAt && !sameText(this.rawNames[p.pid - 1], bytes, nameAt, nameEnd)) {
          const nameRaw = text.slice(nameAt, nameEnd);
          p.name = decodeRawBytes(nameRaw);
          this.rawNames[p.pid - 1] = nameRaw;
        }
        if (team !== null && team !== 'SPECTATOR') p.team = team;
        return p.pid;
      }
      const pid = this.see(text.slice(guidAt, guidEnd), text.slice(nameAt, nameEnd), team, null);
      recent[sample] = { player: this.players[pid - 1]!, guid: bytes.slice(guidAt, guidEnd) };
      return pid;
    }
    return this.see('', text.slice(nameAt, nameEnd), team, null);
  }
}

/** guidSample's range: 8 bits. */
const RECENT_SLOTS = 256;

/**
 * A cheap fingerprint of a guid: its length and two bytes from each end (GUIDs differ at either),
 * multiplicatively mixed so that the cache slot (the top bits) spreads even similar GUIDs.
 */
function guidSample(b: Uint8Array, at: number, end: number): number {
  let h = Math.imul(end - at, 0x9e3779b1);
  if (end - at >= 2) {
    h = Math.imul(h ^ b[at]!, 0x85ebca6b);
    h = Math.imul(h ^ b[at + 1]!, 0xc2b2ae35);
    h = Math.imul(h ^ b[end - 1]!, 0x9e3779b1);
    h = Math.imul(h ^ b[end - 2]!, 0x85ebca6b);
  } else if (end - at === 1) {
    h = Math.imul(h ^ b[at]!, 0x85ebca6b);
  }
  return h >>> 24;
}

/** True when `copy` holds exactly the bytes b[at, end). */
function sameBytes(copy: Uint8Array, b: Uint8Array, at: number, end: number): boolean {
  if (copy.length !== end - at) return false;
  for (let i = 0; i < copy.length; i++) if (copy[i] !== b[at + i]) return false;
  return true;
}

/** True when `raw` (a binary string, or undefined) holds exactly the bytes b[at, end). */
function sameText(raw: string | undefined, b: Uint8Array, at: number, end: number): boolean {
  if (raw === undefined || raw.length !== end - at) return false;
  for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) !== b[at + i]) return false;
  return true;
}

const CELL_KEY_SPAN = 1 << 20;

/** Legacy writers could repeat a cell; our records (and the store) hold one line per cell, so counts are added. */
export function mergeCells<T extends { gx: number; gy: number }>(cells: T[] | null, add: (into: T, from: T) => void): T[] | null {
  if (cells === null) return null;
  const byKey = new Map<number | string, T>();
  const out: T[] = [];
  for (const c of cells) {
    // A number for every realistic cell (no string to build); a string beyond, never equal to a number.
    const key = Math.abs(c.gx) < CELL_KEY_SPAN && Math.abs(c.gy) < CELL_KEY_SPAN ? c.gx * 2 * CELL_KEY_SPAN + c.gy : `${c.gx},${c.gy}`;
    const seen = byKey.get(key);
    if (seen) add(seen, c);
    else {
      byKey.set(key, c);
      out.push(c);
    }
  }
  return out;
}

/** `# key=value` lines of a legacy header; other `#` lines (`# FORMAT: …`, column titles) are comments. */
export function legacyHeaderLine(text: string, values: Map<string, string>): void {
  const eq = text.indexOf('=');
  if (!text.startsWith('# ') || eq < 0) return;
  const key = text.slice(2, eq).trim();
  if (key !== '' && !values.has(key)) values.set(key, text.slice(eq + 1).trim());
}

export function legacyHeader(
  file: string,
  source: SourceFormat,
  values: Map<string, string>,
  name: RoundFileNameParts | null,
  sections: string[],
): RoundHeader {
  const mapValue = values.get('map');
  const map = mapValue !== undefined && mapValue !== '' ? decodeRawBytes(mapValue) : name?.map;
  if (map === undefined) {
    throw new RoundFileError('malformed', file, null, 'map', 'no # map= header and the file name does not carry the map');
  }
  const roundValue = values.get('round');
  let round: number;
  try {
    round = roundValue !== undefined ? int(roundValue, 'round') : (name?.round ?? 1);
  } catch (e) {
    if (e instanceof FieldError) throw new RoundFileError('malformed', file, null, 'round', e.message);
    throw e;
  }
  if (round < 1 || round > 2) {
    throw new RoundFileError('malformed', file, null, 'round', `round ${round} is not 1 or 2`);
  }
  return {
    source,
    trackerVersion: null,
    serverId: null,
    serverName: null,
    map,
    round,
    gametype: null,
    roundStartUnix: null,
    roundEndUnix: null,
    durationMs: null,
    pausedMs: null,
    endReason: null,
    timelimit: null,
    config: {},
    sections,
    fileTimestampUnix: name?.timestampUnix ?? null,
  };
}

export function tornLegacy(file: string, lineNo: number): RoundFileError {
  return new RoundFileError(
    'torn',
    file,
    lineNo,
    null,
    'the last line is not terminated by a newline: the file is incomplete (torn); nothing is imported',
  );
}
