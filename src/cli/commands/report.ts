/**
 * `proximity report …`: the analytics (src/analytics, defined in docs/METRICS.md) in the terminal, or as
 * JSON with --json. A player is found by GUID or by (part of) a name; an ambiguous or unknown player is
 * exit 1 with the candidates listed.
 */
import {
  crossfireDuos,
  duoPartners,
  engagementBreakdown,
  findPlayers,
  hottestZones,
  leaderboard,
  maps,
  playerProfile,
} from '../../analytics/index.ts';
import type { LeaderboardMetric, PlayerProfile, PlayerSearchRow } from '../../analytics/types.ts';
import { modName } from '../../analytics/weapons.ts';
import type { Queryable } from '../../store/index.ts';
import { withStore, type DatabaseOptions } from '../database.ts';
import { CliError, EXIT_DATA, EXIT_OK } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import {
  breakdownTable,
  collectSummary,
  duoTable,
  leaderboardTable,
  METRIC_TITLES,
  printSummary,
  sampleLabel,
  zonesTable,
} from '../summary.ts';
import { formatNumber, percent, playerLabel, playerName, plural, safeText, table } from '../terminal.ts';

export interface ReportOptions extends DatabaseOptions {
  json?: boolean;
  limit?: number;
  metric?: LeaderboardMetric;
  minSample?: number;
  bots?: boolean;
  date?: string;
  from?: string;
  to?: string;
  by?: 'date' | 'map';
  map?: string;
}

export async function runReport(output: Output, name: string, args: string[], opts: ReportOptions): Promise<number> {
  return withStore(opts, (db) => reportOn(output, db, name, args, opts));
}

/** One report on an open database (the CLI opens it; tests reuse one store for many reports). */
export async function reportOn(output: Output, db: Queryable, name: string, args: string[], opts: ReportOptions): Promise<number> {
  switch (name) {
    case 'summary':
      return reportSummary(output, db, opts);
    case 'leaderboard':
      return reportLeaderboard(output, db, opts);
    case 'player':
      return reportPlayer(output, db, args[0]!, opts);
    case 'duos':
      return reportDuos(output, db, args[0], opts);
    case 'engagements':
      return reportEngagements(output, db, opts);
    case 'zones':
      return reportZones(output, db, opts);
    default:
      throw new CliError(`unknown report ${name}`);
  }
}

function json(output: Output, value: unknown): number {
  output.out(JSON.stringify(value, null, 2));
  return EXIT_OK;
}

async function reportSummary(output: Output, db: Queryable, opts: ReportOptions): Promise<number> {
  const summary = await collectSummary(db, opts.limit ?? 5);
  if (opts.json) return json(output, summary);
  printSummary(output, summary);
  return EXIT_OK;
}

async function reportLeaderboard(output: Output, db: Queryable, opts: ReportOptions): Promise<number> {
  const metric = opts.metric ?? 'kills';
  const board = await leaderboard(db, {
    metric,
    limit: opts.limit ?? 20,
    ...(opts.minSample !== undefined ? { minSample: opts.minSample } : {}),
    includeBots: Boolean(opts.bots),
  });
  if (opts.json) return json(output, board);
  const note = board.minSample > 0 ? output.c.dim(` (min. ${board.minSample} ${sampleLabel(metric)}; --min-sample to change)`) : '';
  output.out(output.c.bold(METRIC_TITLES[metric]) + note);
  output.out(board.rows.length ? leaderboardTable(output, board) : output.c.dim('nobody with enough data yet'));
  return EXIT_OK;
}

/** cl_guid (32 hex), or the store's player keys for bots and GUID-less players (docs/SCHEMA.md). */
const GUID_LIKE = /^([0-9a-f]{32}|OMNIBOT.*|BOT:.+|NOGUID:.+)$/i;

/** GUID first (exact), then a name search; exactly one match is needed. */
async function resolvePlayer(output: Output, db: Queryable, query: string): Promise<PlayerProfile | number> {
  if (GUID_LIKE.test(query)) {
    const byGuid = await playerProfile(db, { guid: query });
    if (byGuid) return byGuid;
  }
  const matches: PlayerSearchRow[] = await findPlayers(db, { query, limit: 20, includeBots: true });
  const exact = matches.filter((m) => m.guid.toLowerCase() === query.toLowerCase() || playerName(m.matchedName).toLowerCase() === query.toLowerCase());
  const candidates = exact.length === 1 ? exact : matches;
  if (candidates.length === 1) {
    const profile = await playerProfile(db, { guid: candidates[0]!.guid });
    if (profile) return profile;
  }
  if (candidates.length === 0) {
    output.err(output.ce.red(`No player matches "${safeText(query)}".`));
    return EXIT_DATA;
  }
  output.err(output.ce.yellow(`"${safeText(query)}" matches ${candidates.length} players; name one by GUID:`));
  output.err(
    table(
      candidates,
      [
        { header: 'guid', value: (m) => safeText(m.guid) },
        { header: 'name', value: (m) => playerName(m.name), max: 24 },
        { header: 'matched name', value: (m) => playerName(m.matchedName), max: 24 },
        { header: 'rounds', value: (m) => m.rounds },
      ],
      output.ce,
    ),
  );
  return EXIT_DATA;
}

function date(unix: number | null): string {
  return unix === null ? '-' : new Date(unix * 1000).toISOString().slice(0, 10);
}

async function reportPlayer(output: Output, db: Queryable, query: string, opts: ReportOptions): Promise<number> {
  const found = await resolvePlayer(output, db, query);
  if (typeof found === 'number') return found;
  if (opts.json) return json(output, found);
  const p = found;
  const { c } = output;
  const t = p.totals;
  output.out(`${c.bold(playerName(p.name))}  ${c.dim(safeText(p.guid))}${p.isBot ? ' (bot)' : ''}`);
  output.out(`  seen ${date(p.firstSeenUnix)} – ${date(p.lastSeenUnix)} in ${plural(t.rounds, 'round')}`);
  if (p.names.length > 1) output.out(`  also known as ${p.names.map((n) => playerName(n.name)).filter((n) => n !== playerName(p.name)).join(', ')}`);
  output.out(
    `  kills ${formatNumber(t.kills)} · deaths ${formatNumber(t.deaths)} · K/D ${t.kd.toFixed(2)} · ` +
      `damage ${formatNumber(t.damageGiven)} given / ${formatNumber(t.damageTaken)} taken`,
  );
  output.out(
    `  engaged ${formatNumber(t.engagementsAsTarget)}× as target, ${formatNumber(t.engagementsAsAttacker)}× as attacker · ` +
      `crossfire in ${formatNumber(t.crossfireParticipations)} · solo kills ${t.soloKills}, solo deaths ${t.soloDeaths}`,
  );
  const r = p.rates;
  const rateText = (x: { value: number | null; numerator: number; denominator: number }) =>
    x.value === null ? '-' : `${percent(x.value)} (${x.numerator}/${x.denominator})`;
  output.out(
    `  1v1 win rate ${rateText(r.soloWinRate)} · escape rate ${rateText(r.escapeRate)} · focus-fire survival ${rateText(r.focusSurvival)}`,
  );
  if (p.outcomes.length) {
    output.out();
    output.out(c.bold('As a target'));
    output.out(table(p.outcomes, [{ header: 'outcome', value: (o) => o.outcome }, { header: 'count', value: (o) => o.count }], c));
  }
  if (p.weapons.length) {
    output.out();
    output.out(c.bold('Weapons'));
    output.out(
      table(
        p.weapons.slice(0, 10),
        [
          { header: 'weapon', value: (w) => safeText(w.weapon || modName(w.mod)) },
          { header: 'hits', value: (w) => w.hits },
          { header: 'kills', value: (w) => w.kills },
        ],
        c,
      ),
    );
  }
  if (p.duoPartners.length) {
    output.out();
    output.out(c.bold('Crossfire partners'));
    output.out(
      table(
        p.duoPartners.slice(0, 10),
        [
          { header: 'partner', value: (d) => playerLabel(d.partnerName, d.partnerGuid), max: 24 },
          { header: 'crossfires', value: (d) => d.crossfires },
          { header: 'kills together', value: (d) => d.killsTogether },
          { header: 'mean delay', value: (d) => (d.meanDelayMs === null ? '' : `${Math.round(d.meanDelayMs)} ms`), align: 'right' },
        ],
        c,
      ),
    );
  }
  if (p.maps.length) {
    output.out();
    output.out(c.bold('Maps'));
    output.out(
      table(
        p.maps,
        [
          { header: 'map', value: (m) => safeText(m.map) },
          { header: 'rounds', value: (m) => m.rounds },
          { header: 'kills', value: (m) => m.kills },
          { header: 'deaths', value: (m) => m.deaths },
        ],
        c,
      ),
    );
  }
  return EXIT_OK;
}

async function reportDuos(output: Output, db: Queryable, query: string | undefined, opts: ReportOptions): Promise<number> {
  const limit = opts.limit ?? 20;
  if (query === undefined) {
    const duos = await crossfireDuos(db, { limit });
    if (opts.json) return json(output, duos);
    output.out(output.c.bold('Best crossfire duos'));
    output.out(duos.length ? duoTable(output, duos) : output.c.dim('no crossfire yet'));
    return EXIT_OK;
  }
  const found = await resolvePlayer(output, db, query);
  if (typeof found === 'number') return found;
  const partners = await duoPartners(db, { guid: found.guid, limit });
  if (opts.json) return json(output, { guid: found.guid, name: found.name, partners });
  output.out(output.c.bold(`Crossfire partners of ${playerName(found.name)}`));
  output.out(
    partners.length
      ? table(
          partners,
          [
            { header: 'partner', value: (d) => playerLabel(d.partnerName, d.partnerGuid), max: 24 },
            { header: 'crossfires', value: (d) => d.crossfires },
            { header: 'kills together', value: (d) => d.killsTogether },
            { header: 'mean delay', value: (d) => (d.meanDelayMs === null ? '' : `${Math.round(d.meanDelayMs)} ms`), align: 'right' },
          ],
          output.c,
        )
      : output.c.dim('no crossfire yet'),
  );
  return EXIT_OK;
}

async function reportEngagements(output: Output, db: Queryable, opts: ReportOptions): Promise<number> {
  const from = opts.date ?? opts.from;
  const to = opts.date ?? opts.to;
  const breakdown = await engagementBreakdown(db, {
    by: opts.by ?? 'date',
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(opts.map ? { map: opts.map } : {}),
  });
  if (opts.json) return json(output, breakdown);
  output.out(output.c.bold(`Engagements by ${breakdown.by === 'date' ? 'session date' : 'map'}`));
  const filtered = from || to || opts.map;
  output.out(
    breakdown.rows.length
      ? breakdownTable(output, breakdown)
      : output.c.dim(filtered ? 'no engagements in that range' : 'no engagements yet'),
  );
  return EXIT_OK;
}

async function reportZones(output: Output, db: Queryable, opts: ReportOptions): Promise<number> {
  const limit = opts.limit ?? 5;
  const mapNames = opts.map ? [opts.map] : (await maps(db)).map((m) => m.map);
  const result = [];
  for (const map of mapNames) result.push({ map, zones: await hottestZones(db, { map, limit }) });
  if (opts.json) return json(output, result);
  if (result.length === 0) output.out(output.c.dim('no maps yet'));
  for (const [i, m] of result.entries()) {
    if (i > 0) output.out();
    output.out(output.c.bold(`Hottest zones on ${safeText(m.map)}`));
    output.out(m.zones.length ? zonesTable(output, m.zones) : output.c.dim('no kills with positions on this map'));
  }
  return EXIT_OK;
}
