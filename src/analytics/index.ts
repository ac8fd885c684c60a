/**
 * Read-only analytics over the store (docs/METRICS.md defines every number). Each function takes a
 * `Queryable` (a Store or a transaction) and options, runs parameterised SQL only, and returns plain
 * JSON-serialisable objects.
 */
export type { Queryable } from './db.ts';
export * from './types.ts';
export { overview, recentRounds, type RecentRoundsOptions } from './overview.ts';
export { leaderboard, defaultMinSample } from './leaderboard.ts';
export { findPlayers, playerProfile, stripColourCodes } from './players.ts';
export { crossfireDuos, duoPartners } from './duos.ts';
export { engagementBreakdown, type BreakdownOptions } from './breakdown.ts';
export { maps, heatmap, hottestZones } from './maps.ts';
export { modName } from './weapons.ts';
export { rate, killDeathRatio } from './rates.ts';
