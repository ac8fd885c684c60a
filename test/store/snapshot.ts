/**
 * A canonical dump of everything the store keeps, for "the database equals …" assertions. Round ids
 * (sequence values, which a rolled-back transaction still consumes) are replaced by the round's
 * identity; import and archive timestamps are left out.
 */
import type { Queryable } from '../../src/store/index.ts';

const ROUND_KEY = `(SELECT r.server_id || '|' || r.map_name || '|' || r.round_number || '|' || r.round_start_unix
                   FROM round r WHERE r.round_id = x.round_id)`;

const AGGREGATES = [
  'player_teamplay_stats', 'player_weapon_stats', 'crossfire_pairs', 'teammate_pair_stats', 'map_kill_heatmap',
  'map_movement_heatmap', 'engagement_daily_stats', 'player_map_stats', 'player_outcome_stats',
];

export async function aggregateSnapshot(db: Queryable): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of AGGREGATES) out[t] = await db.query(`SELECT * FROM ${t} x ORDER BY x::text COLLATE "C"`);
  return out;
}

export async function snapshot(db: Queryable): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {
    round: await db.query(`SELECT server_id, map_name, round_number, round_start_unix, session_date, round_end,
        server_name, gametype, duration_ms, paused_ms, end_reason, timelimit, tracker_version, source_format,
        config, sections, grid_size, crossfire_window_ms, nearby_radius, engagements, players, file_name,
        content_sha256, archived_at IS NOT NULL AS archived
      FROM round ORDER BY server_id, map_name, round_number, round_start_unix`),
    imported_file: await db.query(`SELECT content_sha256, ${ROUND_KEY} AS round, file_name, size_bytes
      FROM imported_file x ORDER BY content_sha256`),
    player: await db.query('SELECT * FROM player ORDER BY player_guid'),
    player_name_history: await db.query('SELECT * FROM player_name_history ORDER BY player_guid, player_name'),
    round_player: await db.query(`SELECT ${ROUND_KEY} AS round, x.* FROM round_player x ORDER BY 1, pid`),
    combat_engagement: await db.query(`SELECT ${ROUND_KEY} AS round, x.* FROM combat_engagement x ORDER BY 1, engagement_id`),
    round_heatmap: await db.query(`SELECT ${ROUND_KEY} AS round, x.* FROM round_heatmap x ORDER BY 1`),
    ...(await aggregateSnapshot(db)),
  };
  for (const t of ['round_player', 'combat_engagement', 'round_heatmap']) {
    for (const row of out[t] as Record<string, unknown>[]) delete row.round_id;
  }
  return out;
}

/** Row counts of every table, a cheap "nothing changed" check. */
export async function counts(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query<{ table_name: string; row_count: number }>('SELECT table_name, row_count FROM proximity_data_stats()');
  return Object.fromEntries(rows.map((r) => [r.table_name, Number(r.row_count)]));
}
