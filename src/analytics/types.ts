/**
 * Result shapes of the analytics functions (docs/METRICS.md defines every number). All plain
 * JSON-serialisable objects: numbers, strings, booleans, null, arrays; unix seconds for times.
 */

/** A rate computed from a sum and a count, clamped to [0, 1]; null when the denominator is 0. */
export interface Rate {
  value: number | null;
  numerator: number;
  denominator: number;
}

export interface Overview {
  rounds: number;
  engagements: number;
  kills: number;
  crossfireEngagements: number;
  /** Distinct human GUIDs, and bots (by name) separately. */
  players: number;
  bots: number;
  maps: number;
  servers: number;
  /** Unix seconds of the first and last round start; null with no rounds. */
  firstRoundUnix: number | null;
  lastRoundUnix: number | null;
}

export const LEADERBOARD_METRICS = [
  'kills',
  'kd',
  'solo_win_rate',
  'escape_rate',
  'focus_survival',
  'crossfire',
  'damage',
] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];

export interface LeaderboardOptions {
  metric: LeaderboardMetric;
  /** Rows to return (default 20, max 200). */
  limit?: number;
  /** Minimum sample size (the metric's denominator) for rate metrics; default per metric (METRICS.md). */
  minSample?: number;
  includeBots?: boolean;
}

export interface LeaderboardRow {
  rank: number;
  guid: string;
  name: string;
  isBot: boolean;
  /** The metric: a count, a ratio (K/D) or a rate in [0, 1]. */
  value: number;
  /** Numerator and denominator the value was computed from (for counts: the count and the rounds played). */
  numerator: number;
  denominator: number;
  /** The sample size compared with `minSample` (METRICS.md, per metric). */
  sample: number;
}

export interface Leaderboard {
  metric: LeaderboardMetric;
  minSample: number;
  rows: LeaderboardRow[];
}

export interface PlayerSearchRow {
  guid: string;
  name: string;
  isBot: boolean;
  /** The known name that matched the search (may differ from the latest name). */
  matchedName: string;
  rounds: number;
  lastSeenUnix: number | null;
}

export interface KnownName {
  name: string;
  firstSeenUnix: number | null;
  lastSeenUnix: number | null;
  rounds: number;
}

export interface WeaponRow {
  mod: number;
  weapon: string;
  hits: number;
  kills: number;
}

export interface OutcomeRow {
  outcome: string;
  count: number;
}

export interface DuoRow {
  partnerGuid: string;
  partnerName: string;
  crossfires: number;
  /** Mean of the pair delays (sum / count), ms. */
  meanDelayMs: number | null;
  killsTogether: number;
}

export interface MapRow {
  map: string;
  rounds: number;
  kills: number;
  deaths: number;
}

export interface PlayerTotals {
  rounds: number;
  kills: number;
  deaths: number;
  /** kills / deaths; kills when deaths = 0 (METRICS.md). */
  kd: number;
  damageGiven: number;
  damageTaken: number;
  engagementsAsTarget: number;
  engagementsAsAttacker: number;
  crossfireParticipations: number;
  soloKills: number;
  soloDeaths: number;
}

export interface PlayerProfile {
  guid: string;
  name: string;
  isBot: boolean;
  names: KnownName[];
  firstSeenUnix: number | null;
  lastSeenUnix: number | null;
  totals: PlayerTotals;
  rates: {
    soloWinRate: Rate;
    escapeRate: Rate;
    focusSurvival: Rate;
    crossfireParticipation: Rate;
  };
  outcomes: OutcomeRow[];
  weapons: WeaponRow[];
  duoPartners: DuoRow[];
  maps: MapRow[];
}

export interface CrossfireDuo {
  guidA: string;
  nameA: string;
  guidB: string;
  nameB: string;
  crossfires: number;
  meanDelayMs: number | null;
  killsTogether: number;
}

export interface BreakdownRow {
  /** Session date `YYYY-MM-DD` (by: 'date') or map name (by: 'map'). */
  key: string;
  rounds: number;
  engagements: number;
  outcomes: Record<string, number>;
  /** Kill engagement types (`1v1`, `2v1`, …) → count. */
  types: Record<string, number>;
  crossfires: number;
}

export interface EngagementBreakdown {
  by: 'date' | 'map';
  rows: BreakdownRow[];
}

export interface ZoneRow {
  gx: number;
  gy: number;
  kills: number;
  axisKills: number;
  alliesKills: number;
}

export interface HeatCell {
  gx: number;
  gy: number;
  axisKills: number;
  alliesKills: number;
  traversal: number;
  combat: number;
  escape: number;
}

export interface Heatmap {
  map: string;
  /** Grid size in game units (the config of the rounds that made the cells). */
  gridSize: number | null;
  cells: HeatCell[];
}

export interface MapSummary {
  map: string;
  rounds: number;
  engagements: number;
  kills: number;
  lastPlayedUnix: number | null;
}

export interface RecentRound {
  roundId: number;
  map: string;
  round: number;
  serverId: string | null;
  serverName: string | null;
  startUnix: number | null;
  /** `YYYY-MM-DD` of the file name (server-local date at round end), as the store keeps it. */
  sessionDate: string;
  durationMs: number | null;
  engagements: number;
  /** Kills in the round; null once the round's detail has been archived. */
  kills: number | null;
  players: number;
}
