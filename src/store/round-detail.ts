/**
 * The detail of one round as its `round_detail` row (sql/migrations/004_packed_detail.sql,
 * docs/SCHEMA.md): the players' keys and names as text arrays, the size of each group (players,
 * engagements, attackers, …), and every number of the round as parallel columns packed into one blob
 * (packed.ts). Pure; the views `combat_engagement`, `round_player` and `round_heatmap` turn such a row
 * back into the rows of the old tables, which the store tests compare with the file.
 */
import { OUTCOMES, PATH_EVENTS, type Engagement, type Player, type RoundFile } from '../format/types.ts';
import { PackError, packColumn, packColumns, type PackValue } from './packed.ts';

/** 1-based codes, the same lists as proximity_team_name() & co. in migration 003. */
const TEAMS = ['AXIS', 'ALLIES', 'SPECTATOR'] as const;
const CLASSES = ['SOLDIER', 'MEDIC', 'ENGINEER', 'FIELDOPS', 'COVERTOPS'] as const;
const code = (list: readonly string[], value: string | null): number | null =>
  value === null ? null : list.indexOf(value) + 1;

/** Nearby-player lists of a kill, in the order of their codes (near_list). */
const NEAR_LISTS = ['killerAllies', 'killerEnemies', 'victimAllies', 'victimEnemies'] as const;

/**
 * The packed columns in blob order: the same list as proximity_packed_columns() in the migration
 * (a store test compares them). A new column may only be appended.
 */
export const PACKED_COLUMNS = [
  // one per `# PLAYERS` line, by pid (player_count)
  'player_pid', 'player_slot', 'player_is_bot', 'player_team', 'player_class', 'player_first_seen_ms',
  'player_last_seen_ms',
  // one per engagement, by engagement id (engagement_count)
  'eng_id_offset', 'eng_start_ms', 'eng_duration_ms', 'eng_target', 'eng_target_team', 'eng_target_class',
  'eng_outcome', 'eng_end_mod', 'eng_killer', 'eng_damage', 'eng_hits', 'eng_is_crossfire',
  'eng_crossfire_delay_ms', 'eng_attacker_count', 'eng_pair_count', 'eng_point_count', 'eng_near_count',
  'eng_x', 'eng_y', 'eng_z', 'kill_weapon', 'victim_dx', 'victim_dy', 'victim_dz', 'killer_dx', 'killer_dy',
  'killer_dz', 'kill_distance', 'killer_side', 'victim_side',
  // nearby players at kills (near_count)
  'near_list', 'near_player',
  // attackers (attacker_count)
  'att_player', 'att_team', 'att_damage', 'att_hits', 'att_first_ms', 'att_last_ms', 'att_got_kill',
  'att_weapon_count',
  // hits per meansOfDeath of an attacker (weapon_count)
  'wpn_mod', 'wpn_hits',
  // crossfire pairs (pair_count)
  'xf_a', 'xf_b', 'xf_delay_ms',
  // position path points (point_count)
  'path_dt_ms', 'path_dx', 'path_dy', 'path_dz', 'path_event',
  // heatmap cells of the file (kill_cell_count, move_cell_count)
  'kill_gx', 'kill_gy', 'kill_axis', 'kill_allies',
  'move_gx', 'move_gy', 'move_traversal', 'move_combat', 'move_escape',
] as const;
export type PackedColumn = (typeof PACKED_COLUMNS)[number];

/** The file's heatmap cells as parallel arrays; null: the file has no such section. */
export type HeatmapColumns = Record<
  'kill_gx' | 'kill_gy' | 'kill_axis' | 'kill_allies' | 'move_gx' | 'move_gy' | 'move_traversal' | 'move_combat' | 'move_escape',
  number[] | null
>;

export interface RoundDetail {
  /** Player keys and names, by pid (the players' positions the packed columns refer to). */
  guids: string[];
  names: string[];
  columns: Record<PackedColumn, PackValue[]>;
  /** Cells of each heatmap section, null when the file does not have that section. */
  killCells: number | null;
  moveCells: number | null;
}

/**
 * Encoding (what keeps the row small once PostgreSQL compresses it: small, repetitive numbers):
 * - children (attackers, their weapons, pairs, path points, nearby players) follow their engagement
 *   (or attacker) in order; the parent stores how many it has (eng_*_count, att_weapon_count);
 * - eng_id_offset = engagement id − its position (0 for ids 1, 2, 3, …);
 * - path points are differences to the previous point; the first point's "previous" is the
 *   engagement start (time) and its anchor eng_x/y/z, which is the first point itself;
 * - the victim position is the difference to the last path point (to 0 without a path), the killer
 *   position the difference to the victim position (to 0 without one).
 */
export function roundDetail(
  file: RoundFile,
  keyOf: (p: Player) => string,
  sides: (e: Engagement) => [number, number] | null,
  heatmap: HeatmapColumns,
): RoundDetail {
  const d = Object.fromEntries(PACKED_COLUMNS.map((c) => [c, [] as PackValue[]])) as Record<PackedColumn, PackValue[]>;
  const guids: string[] = [];
  const names: string[] = [];

  const players = [...file.players].sort((a, b) => a.pid - b.pid);
  const position = new Map<number, number>();
  players.forEach((p, i) => {
    position.set(p.pid, i + 1);
    d.player_pid.push(p.pid);
    d.player_slot.push(p.slot);
    guids.push(keyOf(p));
    names.push(p.name);
    d.player_is_bot.push(p.isBot || keyOf(p).startsWith('BOT:'));
    d.player_team.push(code(TEAMS, p.team));
    d.player_class.push(code(CLASSES, p.playerClass));
    d.player_first_seen_ms.push(p.firstSeenMs);
    d.player_last_seen_ms.push(p.lastSeenMs);
  });
  // Callers have already resolved every pid (roundRows rejects unknown ones).
  const pos = (pid: number): number => position.get(pid)!;
  const diff = (v: number | null | undefined, base: number | null | undefined): number | null =>
    v === null || v === undefined ? null : v - (base ?? 0);

  const engagements = [...file.engagements].sort((a, b) => a.id - b.id);
  engagements.forEach((e, i) => {
    const start = e.startMs;
    d.eng_id_offset.push(e.id - (i + 1));
    d.eng_start_ms.push(start);
    d.eng_duration_ms.push(e.endMs - start);
    d.eng_target.push(pos(e.target));
    d.eng_target_team.push(code(TEAMS, e.targetTeam));
    d.eng_target_class.push(code(CLASSES, e.targetClass));
    d.eng_outcome.push(code(OUTCOMES, e.outcome));
    d.eng_end_mod.push(e.endMod);
    d.eng_killer.push(e.killer === null ? null : pos(e.killer));
    d.eng_damage.push(e.damage);
    d.eng_hits.push(e.hits);
    d.eng_is_crossfire.push(e.crossfire);
    d.eng_crossfire_delay_ms.push(e.crossfireDelayMs);
    d.eng_attacker_count.push(e.attackers.length);
    d.eng_pair_count.push(e.crossfirePairs.length);
    d.eng_point_count.push(e.path.length);

    const first = e.path[0];
    d.eng_x.push(first?.x ?? null);
    d.eng_y.push(first?.y ?? null);
    d.eng_z.push(first?.z ?? null);
    let prev = { t: start, x: first?.x ?? 0, y: first?.y ?? 0, z: first?.z ?? 0 };
    for (const p of e.path) {
      d.path_dt_ms.push(p.t - prev.t);
      d.path_dx.push(p.x - prev.x);
      d.path_dy.push(p.y - prev.y);
      d.path_dz.push(p.z - prev.z);
      d.path_event.push(code(PATH_EVENTS, p.event));
      prev = p;
    }
    const last = e.path.length ? prev : null;

    const k = e.kill;
    const s = sides(e);
    d.kill_weapon.push(k?.weapon ?? null);
    d.victim_dx.push(diff(k?.victimPos?.x, last?.x));
    d.victim_dy.push(diff(k?.victimPos?.y, last?.y));
    d.victim_dz.push(diff(k?.victimPos?.z, last?.z));
    d.killer_dx.push(diff(k?.killerPos?.x, k?.victimPos?.x));
    d.killer_dy.push(diff(k?.killerPos?.y, k?.victimPos?.y));
    d.killer_dz.push(diff(k?.killerPos?.z, k?.victimPos?.z));
    d.kill_distance.push(k?.distance ?? null);
    d.killer_side.push(s ? s[0] : null);
    d.victim_side.push(s ? s[1] : null);
    let near = 0;
    if (k) {
      NEAR_LISTS.forEach((list, li) => {
        for (const pid of k[list]) {
          d.near_list.push(li + 1);
          d.near_player.push(pos(pid));
          near++;
        }
      });
    }
    d.eng_near_count.push(near);

    for (const a of e.attackers) {
      d.att_player.push(pos(a.pid));
      d.att_team.push(code(TEAMS, a.team));
      d.att_damage.push(a.damage);
      d.att_hits.push(a.hits);
      d.att_first_ms.push(a.firstHitMs - start);
      d.att_last_ms.push(a.lastHitMs - start);
      d.att_got_kill.push(a.gotKill);
      // Object.entries lists integer keys in ascending order: the order the view's jsonb object has.
      const weapons = Object.entries(a.weapons);
      d.att_weapon_count.push(weapons.length);
      for (const [mod, hits] of weapons) {
        d.wpn_mod.push(Number(mod));
        d.wpn_hits.push(hits);
      }
    }
    for (const p of e.crossfirePairs) {
      d.xf_a.push(pos(p.a));
      d.xf_b.push(pos(p.b));
      d.xf_delay_ms.push(p.delayMs);
    }
  });
  for (const [name, cells] of Object.entries(heatmap) as [keyof HeatmapColumns, number[] | null][]) d[name] = cells ?? [];
  return { guids, names, columns: d, killCells: heatmap.kill_gx?.length ?? null, moveCells: heatmap.move_gx?.length ?? null };
}

/**
 * A PostgreSQL array literal that reads back exactly: every string element double-quoted with `"` and
 * `\` backslash-escaped (names are hostile input), NULL unquoted. Sent as a text parameter and cast,
 * it costs the server far less than jsonb_populate_record on the same data.
 */
export function arrayLiteral(values: readonly (number | string | boolean | null)[]): string {
  // Array.join makes one flat string (+= would leave a rope of small pieces for the garbage collector,
  // and the literals of a batch live until it is written). Numbers and booleans join as they are.
  if (typeof values[0] !== 'string' && !values.includes(null)) return `{${values.join(',')}}`;
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (typeof v === 'string') parts[i] = `"${v.replace(/["\\]/g, '\\$&')}"`;
    else parts[i] = String(v);
  }
  return `{${parts.join(',')}}`;
}

/** The columns of round_detail the import statement fills, in the order of roundDetailParams. */
const ROW_COLUMNS = [
  ['player_guid', 'text[]'], ['player_name', 'text[]'], ['player_count', 'integer'],
  ['engagement_count', 'integer'], ['attacker_count', 'integer'], ['weapon_count', 'integer'],
  ['pair_count', 'integer'], ['point_count', 'integer'], ['near_count', 'integer'],
  ['kill_cell_count', 'integer'], ['move_cell_count', 'integer'], ['kill_count', 'integer'], ['packed', 'bytea'],
] as const;

/**
 * `INSERT INTO round_detail … SELECT <roundId>, $first::text[], …` for one round: the round id is an
 * SQL expression of the caller's query, the values are parameters from `first` on (roundDetailParams).
 */
export function roundDetailInsertSql(roundId: string, first: number, from: string): string {
  return (
    `INSERT INTO round_detail (round_id, ${ROW_COLUMNS.map(([c]) => c).join(', ')}) ` +
    `SELECT ${roundId}, ${ROW_COLUMNS.map(([, type], i) => `$${first + i}::${type}`).join(', ')} ${from}`
  );
}

/** Thrown for a value the packed columns cannot hold; names the column. */
export class RoundDetailError extends Error {}

/**
 * The parameters of one round_detail row, in the order of roundDetailInsertSql. A heatmap section the
 * file does not have gets a NULL count (its cells read back as NULL arrays, as before).
 */
export function roundDetailParams(detail: RoundDetail): (string | number | null | Buffer)[] {
  const c = detail.columns;
  const packed = packColumns(
    PACKED_COLUMNS.map((name) => {
      try {
        return packColumn(c[name]);
      } catch (e) {
        if (e instanceof PackError) throw new RoundDetailError(`${name}: ${e.message}`);
        throw e;
      }
    }),
  );
  const killed = code(OUTCOMES, 'killed');
  return [
    arrayLiteral(detail.guids),
    arrayLiteral(detail.names),
    detail.guids.length,
    c.eng_start_ms.length,
    c.att_player.length,
    c.wpn_mod.length,
    c.xf_a.length,
    c.path_dt_ms.length,
    c.near_list.length,
    detail.killCells,
    detail.moveCells,
    c.eng_outcome.filter((o) => o === killed).length,
    packed,
  ];
}
