/**
 * `maps`, `heatmap`, `hottestZones`: per-map summaries and the forever heatmap aggregates
 * (`map_kill_heatmap`, `map_movement_heatmap`, keyed by map, grid size and cell). A map's cells are
 * only comparable at one grid size, so the heatmap uses the grid size of the map's newest round
 * (falling back to the grid size with the most cells when the rounds are gone).
 */
import { num, numOrNull, str, type Queryable } from './db.ts';
import { clampLimit } from './overview.ts';
import type { Heatmap, HeatCell, MapSummary, ZoneRow } from './types.ts';

export async function maps(db: Queryable, _options: Record<string, never> = {}): Promise<MapSummary[]> {
  const rows = await db.query(
    `SELECT r.map_name, r.rounds, r.engagements, r.last_unix, coalesce(k.kills, 0) AS kills
       FROM (SELECT map_name, count(*) AS rounds, sum(engagements) AS engagements,
                    max(round_start_unix) AS last_unix
               FROM round GROUP BY map_name) r
       LEFT JOIN (SELECT map_name, sum(engagements) AS kills
                    FROM engagement_daily_stats WHERE outcome = 'killed' GROUP BY map_name) k
         ON k.map_name = r.map_name
      ORDER BY r.rounds DESC, r.map_name`,
  );
  return rows.map((r) => ({
    map: str(r.map_name),
    rounds: num(r.rounds),
    engagements: num(r.engagements),
    kills: num(r.kills),
    lastPlayedUnix: numOrNull(r.last_unix),
  }));
}

async function gridSizeOf(db: Queryable, map: string): Promise<number | null> {
  const [latest] = await db.query(
    `SELECT grid_size FROM round WHERE map_name = $1 ORDER BY round_start DESC LIMIT 1`,
    [map],
  );
  if (latest) return num(latest.grid_size);
  const [common] = await db.query(
    `SELECT grid_size FROM (
       SELECT grid_size, count(*) AS n FROM map_kill_heatmap WHERE map_name = $1 GROUP BY grid_size
       UNION ALL
       SELECT grid_size, count(*) AS n FROM map_movement_heatmap WHERE map_name = $1 GROUP BY grid_size) g
     GROUP BY grid_size ORDER BY sum(n) DESC, grid_size LIMIT 1`,
    [map],
  );
  return common ? num(common.grid_size) : null;
}

export async function heatmap(db: Queryable, options: { map: string }): Promise<Heatmap> {
  const gridSize = await gridSizeOf(db, options.map);
  if (gridSize === null) return { map: options.map, gridSize: null, cells: [] };
  // Two primary-key range scans merged here rather than the FULL JOIN view, which cannot push the
  // map filter into both sides.
  const [kills, moves] = [
    await db.query(
      `SELECT grid_x, grid_y, axis_kills, allies_kills FROM map_kill_heatmap
        WHERE map_name = $1 AND grid_size = $2`,
      [options.map, gridSize],
    ),
    await db.query(
      `SELECT grid_x, grid_y, traversal, combat, escape FROM map_movement_heatmap
        WHERE map_name = $1 AND grid_size = $2`,
      [options.map, gridSize],
    ),
  ];
  const cells = new Map<string, HeatCell>();
  const cell = (gx: number, gy: number): HeatCell => {
    const key = `${gx},${gy}`;
    let c = cells.get(key);
    if (!c) {
      c = { gx, gy, axisKills: 0, alliesKills: 0, traversal: 0, combat: 0, escape: 0 };
      cells.set(key, c);
    }
    return c;
  };
  for (const k of kills) {
    const c = cell(num(k.grid_x), num(k.grid_y));
    c.axisKills += num(k.axis_kills);
    c.alliesKills += num(k.allies_kills);
  }
  for (const m of moves) {
    const c = cell(num(m.grid_x), num(m.grid_y));
    c.traversal += num(m.traversal);
    c.combat += num(m.combat);
    c.escape += num(m.escape);
  }
  const sorted = [...cells.values()].sort((a, b) => a.gy - b.gy || a.gx - b.gx);
  return { map: options.map, gridSize, cells: sorted };
}

export async function hottestZones(db: Queryable, options: { map: string; limit?: number }): Promise<ZoneRow[]> {
  const gridSize = await gridSizeOf(db, options.map);
  if (gridSize === null) return [];
  const rows = await db.query(
    `SELECT grid_x, grid_y, axis_kills, allies_kills, axis_kills + allies_kills AS kills
       FROM map_kill_heatmap
      WHERE map_name = $1 AND grid_size = $2 AND axis_kills + allies_kills > 0
      ORDER BY axis_kills + allies_kills DESC, grid_x, grid_y
      LIMIT $3`,
    [options.map, gridSize, clampLimit(options.limit, 10, 500)],
  );
  return rows.map((r) => ({
    gx: num(r.grid_x),
    gy: num(r.grid_y),
    kills: num(r.kills),
    axisKills: num(r.axis_kills),
    alliesKills: num(r.allies_kills),
  }));
}
