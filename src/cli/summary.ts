/**
 * The headline analytics, shared by `proximity demo` and `proximity report`: overview, leaderboards,
 * best crossfire duos, the engagement breakdown and the hottest zones of every map. Collected into one
 * plain object first (that is what `--json` prints), then rendered as terminal tables.
 */
import {
  crossfireDuos,
  engagementBreakdown,
  hottestZones,
  leaderboard,
  maps,
  overview,
} from '../analytics/index.ts';
import type {
  BreakdownRow,
  CrossfireDuo,
  EngagementBreakdown,
  Leaderboard,
  LeaderboardMetric,
  MapSummary,
  Overview,
  ZoneRow,
} from '../analytics/types.ts';
import type { Queryable } from '../store/index.ts';
import type { Output } from './output.ts';
import { formatNumber, percent, playerLabel, safeText, table, type Column } from './terminal.ts';

export interface Summary {
  overview: Overview;
  leaderboards: Leaderboard[];
  duos: CrossfireDuo[];
  breakdown: EngagementBreakdown;
  zones: { map: string; rounds: number; zones: ZoneRow[] }[];
}

/** The leaderboards the summary shows, in order. */
const HEADLINE_METRICS: LeaderboardMetric[] = ['kills', 'kd', 'solo_win_rate', 'escape_rate', 'crossfire'];

export const METRIC_TITLES: Record<LeaderboardMetric, string> = {
  kills: 'Most kills',
  kd: 'Best K/D',
  solo_win_rate: 'Best 1v1 win rate',
  escape_rate: 'Best escape rate',
  focus_survival: 'Best focus-fire survival',
  crossfire: 'Most crossfire participation',
  damage: 'Most damage given',
};

/** Metrics that are rates or ratios: only these have a minimum sample (counts rank everyone). */
const SAMPLED = new Set<LeaderboardMetric>(['kd', 'solo_win_rate', 'escape_rate', 'focus_survival', 'crossfire']);

/** `minSample` overrides the analytics' default minimum sample of the rate leaderboards (small demos). */
export async function collectSummary(db: Queryable, limit: number, minSample?: number): Promise<Summary> {
  const leaderboards: Leaderboard[] = [];
  for (const metric of HEADLINE_METRICS) {
    const sample = minSample !== undefined && SAMPLED.has(metric) ? { minSample } : {};
    leaderboards.push(await leaderboard(db, { metric, limit, ...sample }));
  }
  const mapList: MapSummary[] = await maps(db);
  const zones: Summary['zones'] = [];
  for (const m of mapList) zones.push({ map: m.map, rounds: m.rounds, zones: await hottestZones(db, { map: m.map, limit: Math.min(limit, 3) }) });
  return {
    overview: await overview(db),
    leaderboards,
    duos: await crossfireDuos(db, { limit }),
    breakdown: await engagementBreakdown(db, { by: 'date' }),
    zones,
  };
}

function fmtDate(unix: number | null): string {
  return unix === null ? '-' : new Date(unix * 1000).toISOString().slice(0, 10);
}

/** A leaderboard value as the metric means it: a count, a ratio or a percentage. */
export function metricValue(metric: LeaderboardMetric, value: number): string {
  if (metric === 'kd') return value.toFixed(2);
  if (metric === 'kills' || metric === 'damage') return formatNumber(value);
  return percent(value);
}

export function sampleLabel(metric: LeaderboardMetric): string {
  switch (metric) {
    case 'kills':
    case 'damage':
      return 'rounds';
    case 'kd':
      return 'kills+deaths';
    case 'solo_win_rate':
      return '1v1 fights';
    case 'escape_rate':
      return 'engaged';
    case 'focus_survival':
      return 'focused';
    case 'crossfire':
      return 'attacks';
  }
}

export function leaderboardTable(output: Output, board: Leaderboard): string {
  return table(
    board.rows,
    [
      { header: '#', value: (r) => r.rank },
      { header: 'player', value: (r) => playerLabel(r.name, r.guid), max: 24 },
      { header: board.metric === 'kd' ? 'K/D' : board.metric.replace(/_/g, ' '), value: (r) => metricValue(board.metric, r.value), align: 'right' },
      {
        header: sampleLabel(board.metric),
        value: (r) => (board.metric === 'kills' || board.metric === 'damage' ? r.denominator : `${formatNumber(r.numerator)}/${formatNumber(r.denominator)}`),
        align: 'right',
      },
    ],
    output.c,
  );
}

export function duoTable(output: Output, duos: CrossfireDuo[]): string {
  return table(
    duos,
    [
      { header: 'duo', value: (d) => `${playerLabel(d.nameA, d.guidA)} + ${playerLabel(d.nameB, d.guidB)}`, max: 44 },
      { header: 'crossfires', value: (d) => d.crossfires },
      { header: 'kills together', value: (d) => d.killsTogether },
      { header: 'mean delay', value: (d) => (d.meanDelayMs === null ? '' : `${Math.round(d.meanDelayMs)} ms`), align: 'right' },
    ],
    output.c,
  );
}

/** Outcomes with a column of their own; the rest (suicide, teamkill, world, disconnect, …) are "other". */
const OUTCOME_COLUMNS = ['killed', 'escaped', 'timeout'];

export function breakdownTable(output: Output, breakdown: EngagementBreakdown): string {
  const other = (r: BreakdownRow) =>
    Object.entries(r.outcomes).reduce((n, [k, v]) => n + (OUTCOME_COLUMNS.includes(k) ? 0 : v), 0);
  const columns: Column<BreakdownRow>[] = [
    { header: breakdown.by === 'date' ? 'session' : 'map', value: (r) => safeText(r.key) },
    { header: 'rounds', value: (r) => r.rounds },
    { header: 'engagements', value: (r) => r.engagements },
    ...OUTCOME_COLUMNS.map((o): Column<BreakdownRow> => ({ header: o, value: (r) => r.outcomes[o] ?? 0 })),
    { header: 'other', value: other },
    { header: 'crossfire', value: (r) => r.crossfires },
    { header: 'top kill types', value: (r) => topTypes(r.types), align: 'left' },
  ];
  return table(breakdown.rows, columns, output.c);
}

function topTypes(types: Record<string, number>): string {
  const total = Object.values(types).reduce((a, b) => a + b, 0);
  if (total === 0) return '';
  return Object.entries(types)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([k, v]) => `${safeText(k)} ${Math.round((100 * v) / total)}%`)
    .join(', ');
}

export function zonesTable(output: Output, zones: ZoneRow[]): string {
  return table(
    zones,
    [
      { header: 'cell (x,y)', value: (z) => `${z.gx},${z.gy}` },
      { header: 'kills', value: (z) => z.kills },
      { header: 'by axis', value: (z) => z.axisKills },
      { header: 'by allies', value: (z) => z.alliesKills },
    ],
    output.c,
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export function printSummary(output: Output, s: Summary): void {
  const { c } = output;
  const o = s.overview;
  output.out(
    c.bold('Overview') +
      `  ${formatNumber(o.rounds)} rounds · ${formatNumber(o.engagements)} engagements · ${formatNumber(o.kills)} kills · ` +
      `${formatNumber(o.crossfireEngagements)} crossfires · ${formatNumber(o.players)} players · ${o.maps} maps` +
      (o.rounds ? c.dim(`  (${fmtDate(o.firstRoundUnix)} – ${fmtDate(o.lastRoundUnix)})`) : ''),
  );
  if (o.rounds === 0) {
    output.out(c.yellow('No rounds yet: import round files with `proximity import PATH…`.'));
    return;
  }
  for (const board of s.leaderboards) {
    output.out();
    const note = board.minSample > 0 ? c.dim(` (min. ${board.minSample} ${sampleLabel(board.metric)})`) : '';
    output.out(c.bold(METRIC_TITLES[board.metric]) + note);
    output.out(board.rows.length ? indent(leaderboardTable(output, board)) : c.dim('  nobody with enough data yet'));
  }
  output.out();
  output.out(c.bold('Best crossfire duos'));
  output.out(s.duos.length ? indent(duoTable(output, s.duos)) : c.dim('  no crossfire yet'));
  output.out();
  output.out(c.bold('Engagements by session date'));
  output.out(indent(breakdownTable(output, s.breakdown)));
  for (const m of s.zones) {
    if (m.zones.length === 0) continue;
    output.out();
    output.out(c.bold(`Hottest zones on ${safeText(m.map)}`) + c.dim(` (${m.rounds} rounds)`));
    output.out(indent(zonesTable(output, m.zones)));
  }
}
