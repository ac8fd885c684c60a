/**
 * `engagementBreakdown`: outcomes and kill engagement types per session date or per map, from the
 * forever aggregate `engagement_daily_stats` (one row per day, server, map, outcome and type), plus
 * round counts from `round`. Both tables are small (hundreds of rows per month), so a grouped scan with
 * the date/map filters stays well under the latency budget.
 */
import { num, str, type Queryable } from './db.ts';
import { clampLimit } from './overview.ts';
import type { BreakdownRow, EngagementBreakdown } from './types.ts';

export interface BreakdownOptions {
  by?: 'date' | 'map';
  map?: string;
  /** Inclusive session-date range, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  /** Keys to return (default 90, max 1000): the newest dates, or the maps with most engagements. */
  limit?: number;
}

export async function engagementBreakdown(db: Queryable, options: BreakdownOptions = {}): Promise<EngagementBreakdown> {
  const by = options.by ?? 'date';
  const limit = clampLimit(options.limit, 90, 1000);
  let from = options.from ?? null;
  if (by === 'date' && from === null) {
    // Only the newest `limit` dates are shown: find the oldest of them in `round` (small, indexed on
    // session_date) so the aggregate scan is a primary-key range instead of the whole history.
    const [cutoff] = await db.query(
      `SELECT session_date::text AS d FROM round
        WHERE ($1::text IS NULL OR map_name = $1) AND ($2::date IS NULL OR session_date <= $2::date)
        GROUP BY session_date ORDER BY session_date DESC LIMIT 1 OFFSET $3`,
      [options.map ?? null, options.to ?? null, limit - 1],
    );
    if (cutoff) from = str(cutoff.d);
  }
  const params = [options.map ?? null, from, options.to ?? null];
  const filter = `($1::text IS NULL OR map_name = $1)
              AND ($2::date IS NULL OR session_date >= $2::date)
              AND ($3::date IS NULL OR session_date <= $3::date)`;
  // The grouping column is one of two constants chosen by the validated `by`, never input text.
  const keyExpr = by === 'date' ? `session_date::text` : `map_name`;
  const stats = await db.query(
    `SELECT ${keyExpr} AS key, outcome, engagement_type,
            sum(engagements) AS engagements, sum(crossfire_engagements) AS crossfires
       FROM engagement_daily_stats
      WHERE ${filter}
      GROUP BY 1, 2, 3`,
    params,
  );
  const rounds = await db.query(
    `SELECT ${keyExpr} AS key, count(*) AS rounds FROM round WHERE ${filter} GROUP BY 1`,
    params,
  );
  const rows = new Map<string, BreakdownRow>();
  const row = (key: string): BreakdownRow => {
    let r = rows.get(key);
    if (!r) {
      r = { key, rounds: 0, engagements: 0, crossfires: 0, outcomes: {}, types: {} };
      rows.set(key, r);
    }
    return r;
  };
  for (const s of stats) {
    const r = row(str(s.key));
    const n = num(s.engagements);
    const outcome = str(s.outcome);
    r.engagements += n;
    r.crossfires += num(s.crossfires);
    r.outcomes[outcome] = (r.outcomes[outcome] ?? 0) + n;
    const type = str(s.engagement_type);
    if (outcome === 'killed' && type !== '') r.types[type] = (r.types[type] ?? 0) + n;
  }
  for (const c of rounds) row(str(c.key)).rounds = num(c.rounds);
  let list = [...rows.values()];
  if (by === 'date') {
    // the newest `limit` dates, shown oldest first (a time axis)
    list.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    list = list.slice(0, limit).reverse();
  } else {
    list.sort((a, b) => b.engagements - a.engagements || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    list = list.slice(0, limit);
  }
  return { by, rows: list };
}
