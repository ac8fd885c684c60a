/**
 * The detail of one round as the columns of its `round_detail` row (sql/migrations/003_compact_detail.sql,
 * docs/SCHEMA.md): parallel arrays per group (players, engagements, attackers, weapons, crossfire
 * pairs, path points, nearby players). Pure; the views `combat_engagement` and `round_player` turn
 * such a row back into the rows of the old tables, which the store tests compare with the file.
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

const COLUMNS = [
  'player_pid', 'player_slot', 'player_guid', 'player_name', 'player_is_bot', 'player_team', 'player_class',
  'player_first_seen_ms', 'player_last_seen_ms',
  'eng_id', 'eng_start_ms', 'eng_duration_ms', 'eng_target', 'eng_target_team', 'eng_target_class', 'eng_outcome',
  'eng_end_mod', 'eng_killer', 'eng_damage', 'eng_hits', 'eng_is_crossfire', 'eng_crossfire_delay_ms',
  'kill_weapon', 'killer_x', 'killer_y', 'killer_z', 'victim_x', 'victim_y', 'victim_z', 'kill_distance',
  'killer_side', 'victim_side',
  'near_engagement', 'near_list', 'near_player',
  'att_engagement', 'att_player', 'att_team', 'att_damage', 'att_hits', 'att_first_ms', 'att_last_ms', 'att_got_kill',
  'wpn_attacker', 'wpn_mod', 'wpn_hits',
  'xf_engagement', 'xf_a', 'xf_b', 'xf_delay_ms',
  'path_engagement', 'path_t_ms', 'path_x', 'path_y', 'path_z', 'path_event',
] as const;

/**
 * @param keyOf the player key (guid) of a player line
 * @param sides killer and victim side of a killed engagement (as stored in the engagement rows)
 */
export function roundDetail(
  file: RoundFile,
  keyOf: (p: Player) => string,
  sides: (e: Engagement) => [number, number] | null,
): RoundDetail {
  const d = Object.fromEntries(COLUMNS.map((c) => [c, [] as Column])) as Record<(typeof COLUMNS)[number], Column>;

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

  const engagements = [...file.engagements].sort((a, b) => a.id - b.id);
  engagements.forEach((e, i) => {
    const ord = i + 1;
    const start = e.startMs;
    d.eng_id.push(e.id);
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

    const k = e.kill;
    const s = sides(e);
    d.kill_weapon.push(k?.weapon ?? null);
    d.killer_x.push(k?.killerPos?.x ?? null);
    d.killer_y.push(k?.killerPos?.y ?? null);
    d.killer_z.push(k?.killerPos?.z ?? null);
    d.victim_x.push(k?.victimPos?.x ?? null);
    d.victim_y.push(k?.victimPos?.y ?? null);
    d.victim_z.push(k?.victimPos?.z ?? null);
    d.kill_distance.push(k?.distance ?? null);
    d.killer_side.push(s ? s[0] : null);
    d.victim_side.push(s ? s[1] : null);
    if (k) {
      NEAR_LISTS.forEach((list, li) => {
        for (const pid of k[list]) {
          d.near_engagement.push(ord);
          d.near_list.push(li + 1);
          d.near_player.push(pos(pid));
        }
      });
    }

    for (const a of e.attackers) {
      d.att_engagement.push(ord);
      d.att_player.push(pos(a.pid));
      d.att_team.push(code(TEAMS, a.team));
      d.att_damage.push(a.damage);
      d.att_hits.push(a.hits);
      d.att_first_ms.push(a.firstHitMs - start);
      d.att_last_ms.push(a.lastHitMs - start);
      d.att_got_kill.push(a.gotKill);
      const attacker = d.att_engagement.length;
      // Object.entries lists integer keys in ascending order: the order the view's jsonb object has.
      for (const [mod, hits] of Object.entries(a.weapons)) {
        d.wpn_attacker.push(attacker);
        d.wpn_mod.push(Number(mod));
        d.wpn_hits.push(hits);
      }
    }
    for (const p of e.crossfirePairs) {
      d.xf_engagement.push(ord);
      d.xf_a.push(pos(p.a));
      d.xf_b.push(pos(p.b));
      d.xf_delay_ms.push(p.delayMs);
    }
    for (const p of e.path) {
      d.path_engagement.push(ord);
      d.path_t_ms.push(p.t - start);
      d.path_x.push(p.x);
      d.path_y.push(p.y);
      d.path_z.push(p.z);
      d.path_event.push(code(PATH_EVENTS, p.event));
    }
  });
  return d;
}
