/**
 * `findPlayers` and `playerProfile`. A player is a GUID; names are history (player_name_history), so
 * search matches any name a player ever used, with ET colour codes stripped and case ignored, and a
 * profile lists every known name. The search text is bound as a parameter and matched with strpos,
 * so `%`, `_` and regex characters in it are plain text.
 */
import { num, numOrNull, str, type Queryable } from './db.ts';
import { clampLimit } from './overview.ts';
import { duoPartners } from './duos.ts';
import { killDeathRatio, rate } from './rates.ts';
import { modName } from './weapons.ts';
import type { MapRow, OutcomeRow, PlayerProfile, PlayerSearchRow, WeaponRow } from './types.ts';
import { OUTCOMES } from '../format/types.ts';

/** ET colour code: `^` and any character but `^` (same rule as the dashboard's renderer). */
export const COLOUR_CODE_REGEX = '\\^[^^]';

export function stripColourCodes(name: string): string {
  return name.replace(/\^[^^]/g, '');
}

export async function findPlayers(
  db: Queryable,
  options: { query: string; limit?: number; includeBots?: boolean },
): Promise<PlayerSearchRow[]> {
  const needle = stripColourCodes(options.query).trim();
  if (needle === '') return [];
  const rows = await db.query(
    `SELECT DISTINCT ON (h.player_guid)
            h.player_guid, p.last_name, p.is_bot, h.player_name AS matched_name,
            extract(epoch FROM p.last_seen)::bigint AS last_seen_unix,
            (SELECT sum(rounds) FROM player_name_history a WHERE a.player_guid = h.player_guid) AS rounds
       FROM player_name_history h
       JOIN player p ON p.player_guid = h.player_guid
      WHERE strpos(lower(regexp_replace(h.player_name, $2, '', 'g')), lower($1)) > 0
        AND ($3 OR NOT p.is_bot)
      ORDER BY h.player_guid, h.last_seen DESC`,
    [needle, COLOUR_CODE_REGEX, options.includeBots ?? true],
  );
  const list = rows.map((r) => ({
    guid: str(r.player_guid),
    name: str(r.last_name),
    isBot: r.is_bot === true,
    matchedName: str(r.matched_name),
    rounds: num(r.rounds),
    lastSeenUnix: numOrNull(r.last_seen_unix),
  }));
  // Exact (colour-stripped) matches first, then the most recently seen. Case is folded by the
  // database in the match (both sides with the same lower()), and here only to order the results.
  const folded = needle.toLowerCase();
  const exact = (r: PlayerSearchRow) => (stripColourCodes(r.matchedName).toLowerCase() === folded ? 0 : 1);
  list.sort((a, b) => exact(a) - exact(b) || (b.lastSeenUnix ?? 0) - (a.lastSeenUnix ?? 0) || (a.guid < b.guid ? -1 : 1));
  return list.slice(0, clampLimit(options.limit, 20, 200));
}

const PLAYER_COLUMNS = `player_guid, last_name, is_bot,
            extract(epoch FROM first_seen)::bigint AS first_unix,
            extract(epoch FROM last_seen)::bigint AS last_unix`;

/** The player row for a key as given, or upper-cased (human GUIDs are stored upper-case), or a name. */
async function findPlayerRow(db: Queryable, options: { guid?: string; name?: string }): Promise<Record<string, unknown> | null> {
  let key = options.guid;
  if (key === undefined && options.name !== undefined) {
    const [best] = await findPlayers(db, { query: options.name, limit: 1 });
    key = best?.guid;
  }
  if (key === undefined) return null;
  const [row] = await db.query(
    `SELECT ${PLAYER_COLUMNS} FROM player WHERE player_guid = $1 OR player_guid = upper($1)
      ORDER BY player_guid = $1 DESC LIMIT 1`,
    [key],
  );
  return row ?? null;
}

export async function playerProfile(
  db: Queryable,
  options: { guid?: string; name?: string; duoLimit?: number },
): Promise<PlayerProfile | null> {
  const player = await findPlayerRow(db, options);
  if (!player) return null;
  const guid = str(player.player_guid);
  const names = await db.query(
    `SELECT player_name, rounds,
            extract(epoch FROM first_seen)::bigint AS first_unix,
            extract(epoch FROM last_seen)::bigint AS last_unix
       FROM player_name_history WHERE player_guid = $1
      ORDER BY last_seen DESC, player_name`,
    [guid],
  );
  const [s] = await db.query(`SELECT * FROM player_teamplay_stats WHERE player_guid = $1`, [guid]);
  // Outcomes as target, from the forever aggregate (primary-key range scan).
  const asTarget = await db.query(
    `SELECT outcome, engagements AS n FROM player_outcome_stats WHERE player_guid = $1`,
    [guid],
  );
  const outcomeCounts = new Map(asTarget.map((r) => [str(r.outcome), num(r.n)]));
  const outcomes: OutcomeRow[] = OUTCOMES.filter((o) => outcomeCounts.has(o)).map((o) => ({
    outcome: o,
    count: outcomeCounts.get(o) ?? 0,
  }));
  const kills = num(s?.kills);
  const deaths = num(s?.deaths);
  const soloKills = num(s?.solo_kills);
  const soloDeaths = num(s?.solo_deaths);

  return {
    guid,
    name: str(player.last_name),
    isBot: player.is_bot === true,
    names: names.map((n) => ({
      name: str(n.player_name),
      rounds: num(n.rounds),
      firstSeenUnix: numOrNull(n.first_unix),
      lastSeenUnix: numOrNull(n.last_unix),
    })),
    firstSeenUnix: numOrNull(player.first_unix),
    lastSeenUnix: numOrNull(player.last_unix),
    totals: {
      rounds: num(s?.rounds_played),
      kills,
      deaths,
      kd: killDeathRatio(kills, deaths),
      damageGiven: num(s?.damage_dealt),
      damageTaken: num(s?.damage_taken),
      engagementsAsTarget: num(s?.engagements_as_target),
      engagementsAsAttacker: num(s?.engagements_as_attacker),
      crossfireParticipations: num(s?.crossfire_engagements),
      soloKills,
      soloDeaths,
    },
    rates: {
      soloWinRate: rate(soloKills, soloKills + soloDeaths),
      escapeRate: rate(num(s?.escapes), num(s?.escape_chances)),
      focusSurvival: rate(num(s?.focus_survived), num(s?.focus_engagements)),
      crossfireParticipation: rate(num(s?.crossfire_engagements), num(s?.engagements_as_attacker)),
    },
    outcomes,
    weapons: await weapons(db, guid),
    duoPartners: await duoPartners(db, { guid, limit: options.duoLimit ?? 5 }),
    maps: await favouriteMaps(db, guid),
  };
}

/** Hits and kills per meansOfDeath from the forever aggregate player_weapon_stats (primary key). */
async function weapons(db: Queryable, guid: string): Promise<WeaponRow[]> {
  const rows = await db.query(
    `SELECT mod, hits, kills FROM player_weapon_stats WHERE player_guid = $1 ORDER BY kills DESC, hits DESC, mod`,
    [guid],
  );
  return rows.map((r) => ({ mod: num(r.mod), weapon: modName(num(r.mod)), hits: num(r.hits), kills: num(r.kills) }));
}

/** Rounds, kills and deaths per map from the forever aggregate player_map_stats (primary-key range scan). */
async function favouriteMaps(db: Queryable, guid: string): Promise<MapRow[]> {
  const rows = await db.query(
    `SELECT map_name, rounds_played AS rounds, kills, deaths
       FROM player_map_stats WHERE player_guid = $1
      ORDER BY rounds_played DESC, map_name
      LIMIT 10`,
    [guid],
  );
  return rows.map((r) => ({ map: str(r.map_name), rounds: num(r.rounds), kills: num(r.kills), deaths: num(r.deaths) }));
}
