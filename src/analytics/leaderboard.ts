/**
 * `leaderboard`: players ranked by one metric (docs/METRICS.md, "Leaderboards"). Each metric is a
 * numerator and a denominator from the forever aggregate `player_teamplay_stats` (one row per player:
 * a scan and a sort of a few thousand rows at most). Rates are clamped to [0, 1] both for ranking (in
 * SQL) and in the result, and a player is only ranked once the metric's sample reaches `minSample`.
 */
import { num, str, type Queryable } from './db.ts';
import { clampLimit } from './overview.ts';
import type { Leaderboard, LeaderboardMetric, LeaderboardOptions, LeaderboardRow } from './types.ts';

interface MetricSql {
  /** Column expressions of player_teamplay_stats; constant text, never built from input. */
  numerator: string;
  denominator: string;
  sample: string;
  kind: 'count' | 'ratio' | 'rate';
  defaultMinSample: number;
}

const METRICS: Record<LeaderboardMetric, MetricSql> = {
  kills: { numerator: 'kills', denominator: 'rounds_played', sample: 'kills', kind: 'count', defaultMinSample: 0 },
  damage: { numerator: 'damage_dealt', denominator: 'rounds_played', sample: 'damage_dealt', kind: 'count', defaultMinSample: 0 },
  kd: { numerator: 'kills', denominator: 'deaths', sample: 'kills + deaths', kind: 'ratio', defaultMinSample: 20 },
  solo_win_rate: {
    numerator: 'solo_kills',
    denominator: 'solo_kills + solo_deaths',
    sample: 'solo_kills + solo_deaths',
    kind: 'rate',
    defaultMinSample: 20,
  },
  escape_rate: { numerator: 'escapes', denominator: 'escape_chances', sample: 'escape_chances', kind: 'rate', defaultMinSample: 20 },
  focus_survival: {
    numerator: 'focus_survived',
    denominator: 'focus_engagements',
    sample: 'focus_engagements',
    kind: 'rate',
    defaultMinSample: 10,
  },
  crossfire: {
    numerator: 'crossfire_engagements',
    denominator: 'engagements_as_attacker',
    sample: 'engagements_as_attacker',
    kind: 'rate',
    defaultMinSample: 20,
  },
};

const VALUE_SQL: Record<MetricSql['kind'], string> = {
  count: 'm.num',
  ratio: 'CASE WHEN m.den > 0 THEN m.num / m.den ELSE m.num END',
  rate: 'CASE WHEN m.den > 0 THEN least(1.0, greatest(0.0, m.num / m.den)) END',
};

export function defaultMinSample(metric: LeaderboardMetric): number {
  return METRICS[metric].defaultMinSample;
}

export async function leaderboard(db: Queryable, options: LeaderboardOptions): Promise<Leaderboard> {
  const metric = METRICS[options.metric];
  if (!metric) throw new Error(`unknown leaderboard metric: ${String(options.metric)}`);
  const minSample = Math.max(0, Math.trunc(options.minSample ?? metric.defaultMinSample));
  const limit = clampLimit(options.limit, 20, 200);
  const rows = await db.query(
    `SELECT m.player_guid, p.last_name, p.is_bot, m.num, m.den, m.sample, ${VALUE_SQL[metric.kind]} AS value
       FROM (SELECT player_guid, (${metric.numerator})::float8 AS num, (${metric.denominator})::float8 AS den,
                    (${metric.sample})::float8 AS sample
               FROM player_teamplay_stats) m
       JOIN player p ON p.player_guid = m.player_guid
      WHERE ($1 OR NOT p.is_bot) AND m.sample >= $2 AND m.sample > 0
        ${metric.kind === 'rate' ? 'AND m.den > 0' : ''}
      ORDER BY value DESC, m.sample DESC, m.player_guid
      LIMIT $3`,
    [options.includeBots ?? false, minSample, limit],
  );
  const out: LeaderboardRow[] = rows.map((r, i) => ({
    rank: i + 1,
    guid: str(r.player_guid),
    name: str(r.last_name),
    isBot: r.is_bot === true,
    value: num(r.value),
    numerator: num(r.num),
    denominator: num(r.den),
    sample: num(r.sample),
  }));
  return { metric: options.metric, minSample, rows: out };
}
