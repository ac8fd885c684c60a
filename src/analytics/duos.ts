/**
 * `crossfireDuos` and `duoPartners`: crossfire pairs from the forever aggregate `crossfire_pairs`
 * (one row per unordered pair, player1_guid < player2_guid). Mean delay = delay_sum_ms / crossfires.
 * Pairs involving a bot are left out unless asked for.
 */
import { num, str, type Queryable } from './db.ts';
import { clampLimit } from './overview.ts';
import { mean } from './rates.ts';
import type { CrossfireDuo, DuoRow } from './types.ts';

const ORDER = `cp.crossfire_engagements DESC, cp.crossfire_kills DESC,
               cp.delay_sum_ms::float8 / nullif(cp.crossfire_engagements, 0) ASC NULLS LAST,
               cp.player1_guid, cp.player2_guid`;

export async function crossfireDuos(
  db: Queryable,
  options: { limit?: number; includeBots?: boolean } = {},
): Promise<CrossfireDuo[]> {
  const rows = await db.query(
    `SELECT cp.player1_guid, p1.last_name AS name1, cp.player2_guid, p2.last_name AS name2,
            cp.crossfire_engagements, cp.crossfire_kills, cp.delay_sum_ms
       FROM crossfire_pairs cp
       JOIN player p1 ON p1.player_guid = cp.player1_guid
       JOIN player p2 ON p2.player_guid = cp.player2_guid
      WHERE cp.crossfire_engagements > 0 AND ($1 OR NOT (p1.is_bot OR p2.is_bot))
      ORDER BY ${ORDER}
      LIMIT $2`,
    [options.includeBots ?? false, clampLimit(options.limit, 20, 500)],
  );
  return rows.map((r) => ({
    guidA: str(r.player1_guid),
    nameA: str(r.name1),
    guidB: str(r.player2_guid),
    nameB: str(r.name2),
    crossfires: num(r.crossfire_engagements),
    meanDelayMs: mean(num(r.delay_sum_ms), num(r.crossfire_engagements)),
    killsTogether: num(r.crossfire_kills),
  }));
}

export async function duoPartners(
  db: Queryable,
  options: { guid: string; limit?: number; includeBots?: boolean },
): Promise<DuoRow[]> {
  // Two index probes (primary key on player1_guid, crossfire_pairs_player2_idx on player2_guid).
  const rows = await db.query(
    `SELECT CASE WHEN cp.player1_guid = $1 THEN cp.player2_guid ELSE cp.player1_guid END AS partner,
            p.last_name, cp.crossfire_engagements, cp.crossfire_kills, cp.delay_sum_ms
       FROM crossfire_pairs cp
       JOIN player p ON p.player_guid = CASE WHEN cp.player1_guid = $1 THEN cp.player2_guid ELSE cp.player1_guid END
      WHERE (cp.player1_guid = $1 OR cp.player2_guid = $1) AND cp.crossfire_engagements > 0
        AND ($2 OR NOT p.is_bot)
      ORDER BY ${ORDER}
      LIMIT $3`,
    [options.guid, options.includeBots ?? true, clampLimit(options.limit, 10, 500)],
  );
  return rows.map((r) => ({
    partnerGuid: str(r.partner),
    partnerName: str(r.last_name),
    crossfires: num(r.crossfire_engagements),
    meanDelayMs: mean(num(r.delay_sum_ms), num(r.crossfire_engagements)),
    killsTogether: num(r.crossfire_kills),
  }));
}
