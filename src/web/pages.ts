/**
 * HTML pages of the dashboard: each a pure function from analytics results to markup, built only with
 * the escaping `html` template (./html.ts). Links carry GUIDs and map names through encodeURIComponent
 * and the template escapes them again for the attribute.
 */
import { html, etName, type SafeHtml } from './html.ts';
import { barChart, heatmapSvg, formatNumber, formatRate, HEAT_LAYERS, type HeatLayer } from './charts.ts';
import type {
  Overview,
  Leaderboard,
  LeaderboardMetric,
  PlayerProfile,
  PlayerSearchRow,
  CrossfireDuo,
  EngagementBreakdown,
  Heatmap,
  ZoneRow,
  MapSummary,
  RecentRound,
  Rate,
} from '../analytics/types.ts';
import { LEADERBOARD_METRICS } from '../analytics/types.ts';
import { OUTCOMES } from '../format/types.ts';

export const METRIC_LABELS: Record<LeaderboardMetric, string> = {
  kills: 'Kills',
  kd: 'K/D',
  solo_win_rate: '1v1 win rate',
  escape_rate: 'Escape rate',
  focus_survival: 'Focus-fire survival',
  crossfire: 'Crossfire participation',
  damage: 'Damage',
};

const RATE_METRICS = new Set<LeaderboardMetric>(['solo_win_rate', 'escape_rate', 'focus_survival', 'crossfire']);

export function playerHref(guid: string): string {
  return `/player/${encodeURIComponent(guid)}`;
}
export function mapHref(map: string, layer?: HeatLayer): string {
  return `/maps/${encodeURIComponent(map)}${layer ? `?layer=${layer}` : ''}`;
}

function date(unix: number | null): string {
  if (unix === null) return '–';
  return new Date(unix * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

function duration(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function rate(r: Rate): SafeHtml {
  return html`${formatRate(r.value)} <span class="muted">(${r.numerator}/${r.denominator})</span>`;
}

function playerLink(guid: string, name: string): SafeHtml {
  return html`<a href="${playerHref(guid)}">${etName(name)}</a>`;
}

function card(label: string, value: string | number): SafeHtml {
  return html`<div class="card"><div class="v">${typeof value === 'number' ? formatNumber(value) : value}</div><div class="k">${label}</div></div>`;
}

export function roundsTable(rounds: RecentRound[]): SafeHtml {
  if (rounds.length === 0) return html`<p class="empty">no rounds imported yet</p>`;
  return html`<table><thead><tr><th>Start (UTC)</th><th>Map</th><th class="n">Round</th><th>Server</th><th class="n">Length</th><th class="n">Players</th><th class="n">Engagements</th><th class="n">Kills</th></tr></thead><tbody>${rounds.map(
    (r) => html`<tr><td>${date(r.startUnix)}</td><td><a href="${mapHref(r.map)}">${r.map}</a></td><td class="n">${r.round}</td><td>${etName(r.serverName ?? r.serverId ?? '')}</td><td class="n">${duration(r.durationMs)}</td><td class="n">${r.players}</td><td class="n">${r.engagements}</td><td class="n">${r.kills}</td></tr>`,
  )}</tbody></table>`;
}

export function overviewPage(o: Overview, top: Leaderboard, rounds: RecentRound[]): SafeHtml {
  return html`<h1>Overview</h1>
<div class="cards">${card('rounds', o.rounds)}${card('engagements', o.engagements)}${card('kills', o.kills)}${card('crossfire engagements', o.crossfireEngagements)}${card('players', o.players)}${card('maps', o.maps)}${card('servers', o.servers)}</div>
<p class="muted">Data from ${date(o.firstRoundUnix)} to ${date(o.lastRoundUnix)} (UTC).</p>
<div class="cols"><section><h2>Top killers <a class="muted" href="/leaderboards?metric=kills">more</a></h2>${leaderboardTable(top, 'kills')}</section>
<section><h2>Recent rounds <a class="muted" href="/rounds">more</a></h2>${roundsTable(rounds)}</section></div>`;
}

function metricValue(metric: LeaderboardMetric, v: number): string {
  if (RATE_METRICS.has(metric)) return formatRate(v);
  if (metric === 'kd') return v.toFixed(2);
  return formatNumber(v);
}

function leaderboardTable(board: Leaderboard, metric: LeaderboardMetric): SafeHtml {
  if (board.rows.length === 0) return html`<p class="empty">no player reaches the minimum sample yet</p>`;
  const isRate = RATE_METRICS.has(metric) || metric === 'kd';
  return html`<table><thead><tr><th class="n">#</th><th>Player</th><th class="n">${METRIC_LABELS[metric]}</th>${isRate ? html`<th class="n">${metric === 'kd' ? 'kills/deaths' : 'n/sample'}</th>` : ''}</tr></thead><tbody>${board.rows.map(
    (r) => html`<tr><td class="n">${r.rank}</td><td>${playerLink(r.guid, r.name)}${r.isBot ? html` <span class="muted">bot</span>` : ''}</td><td class="n">${metricValue(metric, r.value)}</td>${isRate ? html`<td class="n muted">${r.numerator}/${r.denominator}</td>` : ''}</tr>`,
  )}</tbody></table>`;
}

const METRIC_HELP: Record<LeaderboardMetric, string> = {
  kills: 'Enemies killed.',
  kd: 'Kills per death by an enemy (kills when never killed); sample = kills + deaths.',
  solo_win_rate: 'Kills / (kills + deaths) in 1v1 fights (no teammate near either side); sample = those fights.',
  escape_rate: 'Engagements as target that ended in an escape, out of those not cut short by round end or disconnect.',
  focus_survival: 'Engagements with 2 or more attackers that the player survived, out of all such engagements.',
  crossfire: 'Share of the engagements a player attacked in which they formed a crossfire with a teammate.',
  damage: 'Damage dealt to enemies.',
};

export function leaderboardPage(board: Leaderboard, includeBots: boolean): SafeHtml {
  const sampled = RATE_METRICS.has(board.metric) || board.metric === 'kd';
  return html`<h1>Leaderboards</h1>
<p class="tabs">${LEADERBOARD_METRICS.map(
    (m) => html`<a href="/leaderboards?metric=${m}"${m === board.metric ? html` class="active"` : ''}>${METRIC_LABELS[m]}</a>`,
  )}</p>
<p class="muted">${METRIC_HELP[board.metric]} ${sampled ? `Only players with a sample of at least ${board.minSample}.` : ''}</p>
<form method="get" action="/leaderboards"><input type="hidden" name="metric" value="${board.metric}">
<label>minimum sample <input type="number" name="min" min="0" value="${board.minSample}" size="5"></label>
<label><input type="checkbox" name="bots" value="1"${includeBots ? html` checked` : ''}> include bots</label>
<button type="submit">Apply</button></form>
${leaderboardTable(board, board.metric)}`;
}

export function searchPage(query: string, rows: PlayerSearchRow[]): SafeHtml {
  return html`<h1>Players</h1>
<form method="get" action="/players"><input type="search" name="q" value="${query}" placeholder="name (colour codes ignored)" aria-label="player name"> <button type="submit">Search</button></form>
${query === '' && rows.length === 0 ? html`<p class="muted">Type part of a name.</p>` : rows.length === 0 ? html`<p class="empty">no player matches</p>` : html`<table><thead><tr><th>Player</th><th>Matched name</th><th class="n">Rounds</th><th>Last seen (UTC)</th></tr></thead><tbody>${rows.map(
    (r) => html`<tr><td>${playerLink(r.guid, r.name)}${r.isBot ? html` <span class="muted">bot</span>` : ''}</td><td>${etName(r.matchedName)}</td><td class="n">${r.rounds}</td><td>${date(r.lastSeenUnix)}</td></tr>`,
  )}</tbody></table>`}`;
}

export function playerPage(p: PlayerProfile): SafeHtml {
  const t = p.totals;
  return html`<h1>${etName(p.name)} ${p.isBot ? html`<span class="muted">bot</span>` : ''}</h1>
<p class="muted">GUID <code>${p.guid}</code> · first seen ${date(p.firstSeenUnix)} · last seen ${date(p.lastSeenUnix)}</p>
<div class="cards">${card('rounds', t.rounds)}${card('kills', t.kills)}${card('deaths', t.deaths)}${card('K/D', t.kd.toFixed(2))}${card('damage given', t.damageGiven)}${card('damage taken', t.damageTaken)}${card('crossfires', t.crossfireParticipations)}</div>
<table><tbody>
<tr><th>1v1 win rate</th><td>${rate(p.rates.soloWinRate)}</td></tr>
<tr><th>Escape rate</th><td>${rate(p.rates.escapeRate)}</td></tr>
<tr><th>Focus-fire survival</th><td>${rate(p.rates.focusSurvival)}</td></tr>
<tr><th>Crossfire participation</th><td>${rate(p.rates.crossfireParticipation)}</td></tr>
</tbody></table>
<div class="cols">
<section><h2>Known names</h2><table><thead><tr><th>Name</th><th class="n">Rounds</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>${p.names.map(
    (n) => html`<tr><td>${etName(n.name)}</td><td class="n">${n.rounds}</td><td>${date(n.firstSeenUnix)}</td><td>${date(n.lastSeenUnix)}</td></tr>`,
  )}</tbody></table></section>
<section><h2>Outcomes as target</h2>${barChart(p.outcomes.map((o) => ({ label: o.outcome, value: o.count })), { colour: '#d9843d' })}</section>
</div>
<div class="cols">
<section><h2>Weapons</h2>${p.weapons.length === 0 ? html`<p class="empty">no hits recorded</p>` : html`<table><thead><tr><th>Weapon</th><th class="n">Hits</th><th class="n">Kills</th></tr></thead><tbody>${p.weapons.map(
    (w) => html`<tr><td>${w.weapon}</td><td class="n">${w.hits}</td><td class="n">${w.kills}</td></tr>`,
  )}</tbody></table>`}</section>
<section><h2>Top duo partners</h2>${duoPartnerTable(p)}</section>
<section><h2>Favourite maps</h2>${p.maps.length === 0 ? html`<p class="empty">no maps</p>` : html`<table><thead><tr><th>Map</th><th class="n">Rounds</th><th class="n">Kills</th><th class="n">Deaths</th></tr></thead><tbody>${p.maps.map(
    (m) => html`<tr><td><a href="${mapHref(m.map)}">${m.map}</a></td><td class="n">${m.rounds}</td><td class="n">${m.kills}</td><td class="n">${m.deaths}</td></tr>`,
  )}</tbody></table>`}</section>
</div>`;
}

function duoPartnerTable(p: PlayerProfile): SafeHtml {
  if (p.duoPartners.length === 0) return html`<p class="empty">no crossfires yet</p>`;
  return html`<table><thead><tr><th>Partner</th><th class="n">Crossfires</th><th class="n">Mean delay</th><th class="n">Kills together</th></tr></thead><tbody>${p.duoPartners.map(
    (d) => html`<tr><td>${playerLink(d.partnerGuid, d.partnerName)}</td><td class="n">${d.crossfires}</td><td class="n">${d.meanDelayMs === null ? '–' : `${Math.round(d.meanDelayMs)} ms`}</td><td class="n">${d.killsTogether}</td></tr>`,
  )}</tbody></table>`;
}

export function duosPage(duos: CrossfireDuo[]): SafeHtml {
  return html`<h1>Crossfire duos</h1>
<p class="muted">Pairs of teammates who hit the same enemy within the crossfire window.</p>
${duos.length === 0 ? html`<p class="empty">no crossfires yet</p>` : html`<table><thead><tr><th>Player</th><th>Partner</th><th class="n">Crossfires</th><th class="n">Mean delay</th><th class="n">Kills together</th></tr></thead><tbody>${duos.map(
    (d) => html`<tr><td>${playerLink(d.guidA, d.nameA)}</td><td>${playerLink(d.guidB, d.nameB)}</td><td class="n">${d.crossfires}</td><td class="n">${d.meanDelayMs === null ? '–' : `${Math.round(d.meanDelayMs)} ms`}</td><td class="n">${d.killsTogether}</td></tr>`,
  )}</tbody></table>`}`;
}

export function breakdownPage(b: EngagementBreakdown, filter: { map?: string; from?: string; to?: string }): SafeHtml {
  const outcomeOrder = (o: string) => {
    const i = (OUTCOMES as readonly string[]).indexOf(o);
    return i < 0 ? OUTCOMES.length : i;
  };
  const outcomes = [...new Set(b.rows.flatMap((r) => Object.keys(r.outcomes)))].sort(
    (x, y) => outcomeOrder(x) - outcomeOrder(y) || (x < y ? -1 : 1),
  );
  // "2v10" after "2v9": compare the two sides as numbers
  const sides = (t: string) => t.split('v').map((n) => Number.parseInt(n, 10) || 0);
  const types = [...new Set(b.rows.flatMap((r) => Object.keys(r.types)))].sort((x, y) => {
    const [a1 = 0, a2 = 0] = sides(x);
    const [b1 = 0, b2 = 0] = sides(y);
    return a1 - b1 || a2 - b2 || (x < y ? -1 : 1);
  });
  return html`<h1>Engagement breakdown</h1>
<p class="tabs"><a href="/breakdown?by=date"${b.by === 'date' ? html` class="active"` : ''}>by session date</a><a href="/breakdown?by=map"${b.by === 'map' ? html` class="active"` : ''}>by map</a></p>
<form method="get" action="/breakdown"><input type="hidden" name="by" value="${b.by}">
<label>map <input type="text" name="map" value="${filter.map ?? ''}" size="12"></label>
<label>from <input type="date" name="from" value="${filter.from ?? ''}"></label>
<label>to <input type="date" name="to" value="${filter.to ?? ''}"></label>
<button type="submit">Filter</button></form>
${b.rows.length === 0 ? html`<p class="empty">no engagements yet</p>` : html`
<h2>Engagements</h2>${barChart(b.rows.map((r) => ({ label: r.key, value: r.engagements })))}
<h2>Outcomes</h2><table><thead><tr><th>${b.by === 'date' ? 'Date' : 'Map'}</th><th class="n">Rounds</th><th class="n">Engagements</th><th class="n">Crossfires</th>${outcomes.map((o) => html`<th class="n">${o}</th>`)}</tr></thead><tbody>${b.rows.map(
    (r) => html`<tr><td>${b.by === 'map' ? html`<a href="${mapHref(r.key)}">${r.key}</a>` : r.key}</td><td class="n">${r.rounds}</td><td class="n">${r.engagements}</td><td class="n">${r.crossfires}</td>${outcomes.map((o) => html`<td class="n">${r.outcomes[o] ?? 0}</td>`)}</tr>`,
  )}</tbody></table>
<h2>Kill engagement types</h2><p class="muted">killer side v victim side, counting teammates within the nearby radius.</p><table><thead><tr><th>${b.by === 'date' ? 'Date' : 'Map'}</th>${types.map((t) => html`<th class="n">${t}</th>`)}</tr></thead><tbody>${b.rows.map(
    (r) => html`<tr><td>${r.key}</td>${types.map((t) => html`<td class="n">${r.types[t] ?? 0}</td>`)}</tr>`,
  )}</tbody></table>`}`;
}

export function mapsPage(list: MapSummary[]): SafeHtml {
  return html`<h1>Maps</h1>
${list.length === 0 ? html`<p class="empty">no maps yet</p>` : html`<table><thead><tr><th>Map</th><th class="n">Rounds</th><th class="n">Engagements</th><th class="n">Kills</th><th>Last played (UTC)</th><th>Heatmaps</th></tr></thead><tbody>${list.map(
    (m) => html`<tr><td><a href="${mapHref(m.map)}">${m.map}</a></td><td class="n">${m.rounds}</td><td class="n">${m.engagements}</td><td class="n">${m.kills}</td><td>${date(m.lastPlayedUnix)}</td><td><a href="${mapHref(m.map, 'kills')}">kills</a> · <a href="${mapHref(m.map, 'traversal')}">movement</a></td></tr>`,
  )}</tbody></table>`}`;
}

const LAYER_LABELS: Record<HeatLayer, string> = {
  kills: 'kills',
  axis_kills: 'kills by Axis',
  allies_kills: 'kills by Allies',
  traversal: 'movement',
  combat: 'hits taken',
  escape: 'escapes',
};

export function heatmapPage(h: Heatmap, layer: HeatLayer, zones: ZoneRow[]): SafeHtml {
  return html`<h1>${h.map}</h1>
<p class="tabs">${HEAT_LAYERS.map(
    (l) => html`<a href="${mapHref(h.map, l)}"${l === layer ? html` class="active"` : ''}>${LAYER_LABELS[l]}</a>`,
  )}</p>
<p class="legend">Grid ${h.gridSize === null ? '' : `${h.gridSize} units, `}${h.cells.length} cells; brighter = more ${LAYER_LABELS[layer]}; north is up. Kills are counted where the victim died.</p>
<div class="cols"><section>${heatmapSvg(h.cells, layer)}</section>
<section><h2>Hottest kill zones</h2>${zones.length === 0 ? html`<p class="empty">no kills on this map</p>` : html`<table><thead><tr><th>Cell</th><th class="n">Kills</th><th class="n">by Axis</th><th class="n">by Allies</th></tr></thead><tbody>${zones.map(
    (z) => html`<tr><td>${z.gx},${z.gy}</td><td class="n">${z.kills}</td><td class="n">${z.axisKills}</td><td class="n">${z.alliesKills}</td></tr>`,
  )}</tbody></table>`}</section></div>`;
}

export function roundsPage(rounds: RecentRound[]): SafeHtml {
  return html`<h1>Recent rounds</h1>${roundsTable(rounds)}`;
}

export function errorPage(status: number, message: string): SafeHtml {
  return html`<h1>${status}</h1><p>${message}</p><p><a href="/">Back to the overview</a></p>`;
}
