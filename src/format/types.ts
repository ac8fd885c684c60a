/**
 * Typed records of one round file (docs/FORMAT.md). The reader produces them for every supported
 * format (our v1 and the seeds' legacy v3/v2); the store imports them. Fields that a legacy format
 * cannot carry are null, never invented.
 */

export type Team = 'AXIS' | 'ALLIES' | 'SPECTATOR';
export type PlayerClass = 'SOLDIER' | 'MEDIC' | 'ENGINEER' | 'FIELDOPS' | 'COVERTOPS';

export const OUTCOMES = [
  'killed',
  'escaped',
  'timeout',
  'died_world',
  'suicide',
  'teamkill',
  'disconnected',
  'team_changed',
  'round_end',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const PATH_EVENTS = ['start', 'hit', 'sample', 'death', 'escape'] as const;
export type PathEvent = (typeof PATH_EVENTS)[number];

export type SourceFormat = 'proximity-v1' | 'legacy-v3' | 'legacy-v2';

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

export interface RoundHeader {
  source: SourceFormat;
  /** Tracker version from the header; null for legacy files. */
  trackerVersion: string | null;
  /** null for legacy files: the importer supplies one (see docs/LEGACY.md). */
  serverId: string | null;
  serverName: string | null;
  map: string;
  /** Normalised round number, 1 or 2. */
  round: number;
  gametype: number | null;
  /** Wall-clock unix seconds when the round went live; null for legacy files. */
  roundStartUnix: number | null;
  /** Wall-clock unix seconds when the round ended; null when unknown. */
  roundEndUnix: number | null;
  durationMs: number | null;
  pausedMs: number | null;
  endReason: 'intermission' | 'map_restart' | 'shutdown' | null;
  timelimit: string | null;
  /** Effective tracker configuration (`config` header key), empty for legacy files. */
  config: Record<string, number>;
  /** Sections the tracker captured. */
  sections: string[];
  /** Unix seconds parsed from the file name's `YYYY-MM-DD-HHMMSS` read as UTC, when the name has one. */
  fileTimestampUnix: number | null;
}

export interface Player {
  /** Round-local player id (a new one per connection). */
  pid: number;
  slot: number | null;
  guid: string;
  name: string;
  isBot: boolean;
  team: Team;
  playerClass: PlayerClass | null;
  firstSeenMs: number | null;
  lastSeenMs: number | null;
}

export interface Attacker {
  pid: number;
  team: Team;
  damage: number;
  hits: number;
  firstHitMs: number;
  lastHitMs: number;
  gotKill: boolean;
  /** meansOfDeath id → hits with it. */
  weapons: Record<number, number>;
}

export interface PathPoint {
  t: number;
  x: number;
  y: number;
  z: number;
  event: PathEvent;
}

export interface CrossfirePair {
  /** pid, a < b */
  a: number;
  b: number;
  delayMs: number;
}

export interface KillContext {
  mod: number;
  weapon: number | null;
  killerPos: Vec3 | null;
  victimPos: Vec3 | null;
  distance: number | null;
  killerAllies: number[];
  killerEnemies: number[];
  victimAllies: number[];
  victimEnemies: number[];
  /** e.g. "2v1" = (1 + killer allies) v (1 + victim allies). */
  engagementType: string;
}

export interface Engagement {
  id: number;
  startMs: number;
  endMs: number;
  /** pid of the target */
  target: number;
  targetTeam: Team;
  targetClass: PlayerClass | null;
  outcome: Outcome;
  endMod: number | null;
  /** pid of the killer (killed, teamkill) */
  killer: number | null;
  damage: number;
  hits: number;
  crossfire: boolean;
  crossfireDelayMs: number | null;
  crossfirePairs: CrossfirePair[];
  attackers: Attacker[];
  path: PathPoint[];
  kill: KillContext | null;
}

export interface KillHeatCell {
  gx: number;
  gy: number;
  axisKills: number;
  alliesKills: number;
}

export interface MovementHeatCell {
  gx: number;
  gy: number;
  traversal: number;
  combat: number;
  escape: number;
}

export interface RoundFile {
  header: RoundHeader;
  players: Player[];
  engagements: Engagement[];
  /** null when the section was not captured */
  killHeatmap: KillHeatCell[] | null;
  movementHeatmap: MovementHeatCell[] | null;
}
