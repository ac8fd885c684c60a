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
  private readonly byKey = new Map<string, Player>();
  private readonly rawNames = new Map<number, string>();
  readonly players: Player[] = [];

  /** guid and name are raw bytes ("binary" strings) as the legacy file holds them. */
  see(guidRaw: string, nameRaw: string, team: Team | null, slot: number | null): number {
    // Keyed by the raw bytes so a known player costs one lookup (GUIDs are ASCII hex; only two byte
    // spellings of one non-ASCII text, UTF-8 and Latin-1, would key apart).
    const key = guidRaw !== '' ? 'g:' + guidRaw : 'n:' + nameRaw;
    let p = this.byKey.get(key);
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
      this.byKey.set(key, p);
      this.players.push(p);
    }
    // The last name, team and slot seen win, as `# PLAYERS` keeps the last ones in our format.
    if (nameRaw !== '' && nameRaw !== this.rawNames.get(p.pid)) {
      p.name = decodeRawBytes(nameRaw);
      this.rawNames.set(p.pid, nameRaw);
    }
    if (team !== null && team !== 'SPECTATOR') p.team = team;
    if (slot !== null) p.slot = slot;
    return p.pid;
  }
}

/** Legacy writers could repeat a cell; our records (and the store) hold one line per cell, so counts are added. */
export function mergeCells<T extends { gx: number; gy: number }>(cells: T[] | null, add: (into: T, from: T) => void): T[] | null {
  if (cells === null) return null;
  const byKey = new Map<string, T>();
  const out: T[] = [];
  for (const c of cells) {
    const key = `${c.gx},${c.gy}`;
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
