/**
 * `overview` and `recentRounds`: totals over the whole store and the newest rounds. Round counts come
 * from `round` (kept forever, even after archival), kill and crossfire totals from the forever
 * aggregate `engagement_daily_stats`, so archival never makes the overview shrink.
 */
import { num, numOrNull, str, strOrNull, type Queryable } from './db.ts';
import type { Overview, RecentRound } from './types.ts';

export async function overview(db: Queryable, _options: Record<string, never> = {}): Promise<Overview> {
  const [rounds] = await db.query(
    `SELECT count(*) AS rounds, coalesce(sum(engagements), 0) AS engagements,
            count(DISTINCT map_name) AS maps, count(DISTINCT server_id) AS servers,
            min(round_start_unix) AS first_unix, max(round_start_unix) AS last_unix
       FROM round`,
  );
  const [daily] = await db.query(
    `SELECT coalesce(sum(engagements) FILTER (WHERE outcome = 'killed'), 0) AS kills,
            coalesce(sum(crossfire_engagements), 0) AS crossfires
       FROM engagement_daily_stats`,
  );
  const [people] = await db.query(
    `SELECT count(*) FILTER (WHERE NOT is_bot) AS humans, count(*) FILTER (WHERE is_bot) AS bots FROM player`,
  );
  return {
    rounds: num(rounds?.rounds),
    engagements: num(rounds?.engagements),
    kills: num(daily?.kills),
    crossfireEngagements: num(daily?.crossfires),
    players: num(people?.humans),
    bots: num(people?.bots),
    maps: num(rounds?.maps),
    servers: num(rounds?.servers),
    firstRoundUnix: numOrNull(rounds?.first_unix),
    lastRoundUnix: numOrNull(rounds?.last_unix),
  };
}

export interface RecentRoundsOptions {
  /** Rows (default 20, max 500). */
  limit?: number;
  map?: string;
}

export async function recentRounds(db: Queryable, options: RecentRoundsOptions = {}): Promise<RecentRound[]> {
  const limit = clampLimit(options.limit, 20, 500);
  // Newest first through round_start_idx / round_map_start_idx; kills per round from the round's
  // detail row, null once the round's detail has been archived.
  const rows = await db.query(
    `SELECT r.round_id, r.map_name, r.round_number, r.server_id, r.server_name, r.round_start_unix,
            r.duration_ms, r.engagements, r.players, r.session_date::text AS session_date,
            r.archived_at IS NOT NULL AS archived,
            (SELECT d.kill_count FROM round_detail d WHERE d.round_id = r.round_id) AS kills
       FROM round r
      WHERE ($1::text IS NULL OR r.map_name = $1)
      ORDER BY r.round_start DESC, r.round_id DESC
      LIMIT $2`,
    [options.map ?? null, limit],
  );
  return rows.map((r) => ({
    roundId: num(r.round_id),
    map: str(r.map_name),
    round: num(r.round_number),
    serverId: strOrNull(r.server_id),
    serverName: strOrNull(r.server_name),
    startUnix: numOrNull(r.round_start_unix),
    sessionDate: str(r.session_date),
    durationMs: numOrNull(r.duration_ms),
    engagements: num(r.engagements),
    kills: r.archived ? null : num(r.kills),
    players: num(r.players),
  }));
}

/** Row limits: a default when absent, and a hard ceiling so no request can ask for the whole table. */
export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(max, Math.trunc(limit)));
}
