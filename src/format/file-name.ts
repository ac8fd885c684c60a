/**
 * Round file names: `YYYY-MM-DD-HHMMSS-<map>-round-<N>_engagements.txt` (ours and legacy v3) and
 * `…_proximity.txt` (legacy v2). The timestamp, read as UTC, is part of a round's identity: the seeds'
 * importer keyed rounds by date+map+round and merged two plays of one map on one day.
 */

const NAME = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})-(.+)-round-(\d+)_(engagements|proximity)\.txt$/;

export interface RoundFileNameParts {
  timestampUnix: number;
  map: string;
  round: number;
  kind: 'engagements' | 'proximity';
}

export function baseName(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash >= 0 ? path.slice(slash + 1) : path;
}

/** True for names an importer picks up: `*_engagements.txt` and `*_proximity.txt`, never `.part`. */
export function isRoundFileName(name: string): boolean {
  const base = baseName(name);
  return base.endsWith('_engagements.txt') || base.endsWith('_proximity.txt');
}

/** Parses the conventional name; null when the name does not follow it or the date is impossible. */
export function parseRoundFileName(path: string): RoundFileNameParts | null {
  const m = NAME.exec(baseName(path));
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-31 over to March; a name with an impossible date has no timestamp.
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  ) {
    return null;
  }
  return { timestampUnix: ms / 1000, map: m[7]!, round: Number(m[8]), kind: m[9] as 'engagements' | 'proximity' };
}
