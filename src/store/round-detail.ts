/**
 * The detail of one round as the columns of its `round_detail` row (sql/migrations/003_compact_detail.sql,
 * docs/SCHEMA.md): parallel arrays per group (players, engagements, attackers, weapons, crossfire
 * pairs, path points, nearby players; the heatmap cells are added by roundDetailParams). Pure; the
 * views `combat_engagement`, `round_player` and `round_heatmap` turn such a row back into the rows of
 * the old tables, which the store tests compare with the file.
 */
import { OUTCOMES, PATH_EVENTS, type Engagement, type Player, type RoundFile } from '../format/types.ts';

/** 1-based codes, the same lists as proximity_team_name() & co. in the migration. */
const TEAMS = ['AXIS', 'ALLIES', 'SPECTATOR'] as const;
const CLASSES = ['SOLDIER', 'MEDIC', 'ENGINEER', 'FIELDOPS', 'COVERTOPS'] as const;
const code = (list: readonly string[], value: string | null): number | null =>
  value === null ? null : list.indexOf(value) + 1;

/** Nearby-player lists of a kill, in the order of their codes (near_list). */
const NEAR_LISTS = ['killerAllies', 'killerEnemies', 'victimAllies', 'victimEnemies'] as const;

type Column = (number | string | boolean | null)[];
export type RoundDetail = Record<string, Column>;

/** The round_detail columns this module fills, with their SQL types (sql/migrations/003_compact_detail.sql). */
const COLUMNS = [
  ['player_pid', 'smallint[]'], ['player_slot', 'smallint[]'], ['player_guid', 'text[]'],
  ['player_name', 'text[]'], ['player_is_bot', 'boolean[]'], ['player_team', 'smallint[]'],
  ['player_class', 'smallint[]'], ['player_first_seen_ms', 'integer[]'],
  ['player_last_seen_ms', 'integer[]'], ['eng_id_offset', 'integer[]'], ['eng_start_ms', 'integer[]'],
  ['eng_duration_ms', 'integer[]'], ['eng_target', 'smallint[]'], ['eng_target_team', 'smallint[]'],
  ['eng_target_class', 'smallint[]'], ['eng_outcome', 'smallint[]'], ['eng_end_mod', 'smallint[]'],
  ['eng_killer', 'smallint[]'], ['eng_damage', 'integer[]'], ['eng_hits', 'integer[]'],
  ['eng_is_crossfire', 'boolean[]'], ['eng_crossfire_delay_ms', 'integer[]'],
  ['eng_attacker_count', 'smallint[]'], ['eng_pair_count', 'smallint[]'], ['eng_point_count', 'smallint[]'],
  ['eng_near_count', 'smallint[]'], ['eng_x', 'integer[]'], ['eng_y', 'integer[]'], ['eng_z', 'integer[]'],
  ['kill_weapon', 'smallint[]'], ['victim_dx', 'integer[]'], ['victim_dy', 'integer[]'],
  ['victim_dz', 'integer[]'], ['killer_dx', 'integer[]'], ['killer_dy', 'integer[]'],
  ['killer_dz', 'integer[]'], ['kill_distance', 'integer[]'], ['killer_side', 'smallint[]'],
  ['victim_side', 'smallint[]'], ['near_list', 'smallint[]'], ['near_player', 'smallint[]'],
  ['att_player', 'smallint[]'], ['att_team', 'smallint[]'], ['att_damage', 'integer[]'],
  ['att_hits', 'integer[]'], ['att_first_ms', 'integer[]'], ['att_last_ms', 'integer[]'],
  ['att_got_kill', 'boolean[]'], ['att_weapon_count', 'smallint[]'], ['wpn_mod', 'smallint[]'],
  ['wpn_hits', 'integer[]'], ['xf_a', 'smallint[]'], ['xf_b', 'smallint[]'], ['xf_delay_ms', 'integer[]'],
  ['path_dt_ms', 'integer[]'], ['path_dx', 'integer[]'], ['path_dy', 'integer[]'], ['path_dz', 'integer[]'],
  ['path_event', 'smallint[]'],
] as const;
type ColumnName = (typeof COLUMNS)[number][0];

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
): RoundDetail {
  const d = Object.fromEntries(COLUMNS.map(([c]) => [c, [] as Column])) as Record<ColumnName, Column>;

  const players = [...file.players].sort((a, b) => a.pid - b.pid);
  const position = new Map<number, number>();
  players.forEach((p, i) => {
    position.set(p.pid, i + 1);
    d.player_pid.push(p.pid);
    d.player_slot.push(p.slot);
    d.player_guid.push(keyOf(p));
    d.player_name.push(p.name);
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
  return d;
}

/** Heatmap cells of the file, stored in the same row (NULL arrays: section not captured). */
const HEATMAP_COLUMNS = [
  'kill_gx', 'kill_gy', 'kill_axis', 'kill_allies', 'move_gx', 'move_gy', 'move_traversal', 'move_combat', 'move_escape',
] as const;

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

/**
 * `INSERT INTO round_detail … SELECT <roundId>, $first::smallint[], …` for one round: the round id is an
 * SQL expression of the caller's query, the arrays are parameters from `first` on (roundDetailParams).
 */
export function roundDetailInsertSql(roundId: string, first: number, from: string): string {
  const columns = [...COLUMNS.map(([c]) => c), ...HEATMAP_COLUMNS];
  const types = [...COLUMNS.map(([, type]) => type), ...HEATMAP_COLUMNS.map(() => 'integer[]')];
  return (
    `INSERT INTO round_detail (round_id, ${columns.join(', ')}) ` +
    `SELECT ${roundId}, ${types.map((type, i) => `$${first + i}::${type}`).join(', ')} ${from}`
  );
}

/** The array literals of one round_detail row, in the order of roundDetailInsertSql. */
export function roundDetailParams(detail: RoundDetail, heatmap: Record<string, number[] | null>): (string | null)[] {
  return [
    ...COLUMNS.map(([c]) => arrayLiteral(detail[c]!)),
    ...HEATMAP_COLUMNS.map((c) => (heatmap[c] ? arrayLiteral(heatmap[c]) : null)),
  ];
}
