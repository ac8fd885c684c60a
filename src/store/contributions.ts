/**
 * What one round adds to each forever aggregate, computed in memory from the rows being imported.
 *
 * This is the import's fast path. The SQL functions contrib_<agg>() in sql/migrations/ (002, 003)
 * compute the same numbers from the stored detail rows (archive and rebuild use them); the two must
 * agree exactly, and test/store/aggregates.test.ts proves it (import, then rebuild from detail, then
 * compare). Any change to a definition here must be made there too, and in docs/SCHEMA.md.
 */
import type { EngagementRow as EngagementView, RoundRows } from './round-rows.ts';

type Row = Record<string, string | number | null>;

export interface Contributions {
  player_teamplay_stats: Row[];
  player_weapon_stats: Row[];
  crossfire_pairs: Row[];
  teammate_pair_stats: Row[];
  map_kill_heatmap: Row[];
  map_movement_heatmap: Row[];
  engagement_daily_stats: Row[];
  player_map_stats: Row[];
  player_outcome_stats: Row[];
}

/** Order of text in PostgreSQL's "C" collation: by code point (UTF-8 byte order), not UTF-16 unit. */
export function cmpC(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 units order like code points except across surrogates (U+10000 and up): compare those
    // as code points (equal units before i mean a surrogate here is where the two strings part)
    if ((x & 0xf800) === 0xd800 || (y & 0xf800) === 0xd800) return a.codePointAt(i)! < b.codePointAt(i)! ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}


const PLAYER_COLUMNS = [
  'rounds_played', 'time_played_ms', 'engagements_as_target', 'deaths', 'escapes', 'timeouts',
  'damage_taken', 'hits_taken', 'crossfire_deaths', 'solo_deaths', 'ganked_deaths',
  'engagements_as_attacker', 'damage_dealt', 'hits_dealt', 'kills', 'solo_kills', 'assisted_kills',
  'advantage_kills', 'outnumbered_kills', 'teamkills', 'crossfire_engagements', 'crossfire_kills',
  'crossfire_delay_sum_ms', 'kill_distance_sum', 'kill_distance_count', 'escape_chances',
  'focus_engagements', 'focus_survived',
] as const;
type PlayerCounter = (typeof PLAYER_COLUMNS)[number];

/** Rows of one aggregate by a key of two parts (nested maps: no key strings to build), created on first touch. */
class Table {
  private readonly rows = new Map<string, Map<string | number, Row>>();
  private readonly all: Row[] = [];
  get(k1: string, k2: string | number, make: () => Row): Row {
    let inner = this.rows.get(k1);
    if (!inner) {
      inner = new Map();
      this.rows.set(k1, inner);
    }
    let r = inner.get(k2);
    if (!r) {
      r = make();
      inner.set(k2, r);
      this.all.push(r);
    }
    return r;
  }
  /** The rows in first-touch order: the SQL merge sorts them by key (its lock order) itself. */
  list(): Row[] {
    return this.all;
  }
}

const newPlayerRow = (g: string): Row => {
  const row: Row = { player_guid: g };
  for (const c of PLAYER_COLUMNS) row[c] = 0;
  row.max_kill_distance = null;
  return row;
};

const isKill = (e: EngagementView): boolean => e.outcome === 'killed';
const is1v1 = (e: EngagementView): boolean => e.killer_side === 1 && e.victim_side === 1;
const gt = (a: number | null, b: number | null): boolean => a !== null && b !== null && a > b;

/**
 * The summed contributions of several rounds (an import batch): each key once, its counters added,
 * min_* the least, max_* the greatest: what merging the rounds one by one in SQL gives.
 */
export class ContributionSums {
  private readonly players = new Table();
  private readonly weapons = new Table();
  private readonly pairs = new Table();
  private readonly mates = new Table();
  private readonly killCells = new Table();
  private readonly moveCells = new Table();
  private readonly daily = new Table();
  private readonly perMap = new Table();
  private readonly outcomes = new Table();

  result(): Contributions {
    return {
      player_teamplay_stats: this.players.list(),
      player_weapon_stats: this.weapons.list(),
      crossfire_pairs: this.pairs.list(),
      teammate_pair_stats: this.mates.list(),
      map_kill_heatmap: this.killCells.list(),
      map_movement_heatmap: this.moveCells.list(),
      engagement_daily_stats: this.daily.list(),
      player_map_stats: this.perMap.list(),
      player_outcome_stats: this.outcomes.list(),
    };
  }

  /** Adds what one round contributes. */
  add(rows: RoundRows): void {
    const r = rows.round;
    const es = rows.engagements;
    const { players, weapons, pairs, mates, killCells: kh, moveCells: mh, daily, perMap, outcomes } = this;

    // ---- player_teamplay_stats
    const player = (g: string): Row => players.get(g, '', () => newPlayerRow(g));
    const add = (row: Row, c: PlayerCounter, n: number): void => {
      row[c] = (row[c] as number) + n;
    };
    const playing = new Set<string>();
    for (const p of rows.roundPlayers) {
      if (p.team === 'SPECTATOR') continue;
      const row = player(p.player_guid);
      if (!playing.has(p.player_guid)) {
        playing.add(p.player_guid);
        add(row, 'rounds_played', 1);
      }
      add(row, 'time_played_ms', Math.max((p.last_seen_ms ?? 0) - (p.first_seen_ms ?? 0), 0));
    }
    for (const e of es) {
      const t = player(e.target_guid);
      const killed = isKill(e);
      add(t, 'engagements_as_target', 1);
      add(t, 'deaths', killed ? 1 : 0);
      add(t, 'escapes', e.outcome === 'escaped' ? 1 : 0);
      add(t, 'timeouts', e.outcome === 'timeout' ? 1 : 0);
      add(t, 'damage_taken', e.damage);
      add(t, 'hits_taken', e.hits);
      add(t, 'crossfire_deaths', killed && e.is_crossfire ? 1 : 0);
      add(t, 'solo_deaths', killed && is1v1(e) ? 1 : 0);
      add(t, 'ganked_deaths', killed && gt(e.killer_side, e.victim_side) ? 1 : 0);
      add(t, 'escape_chances', e.outcome !== 'round_end' && e.outcome !== 'disconnected' ? 1 : 0);
      const focus = e.num_attackers >= 2;
      add(t, 'focus_engagements', focus ? 1 : 0);
      add(t, 'focus_survived', focus && (e.outcome === 'escaped' || e.outcome === 'timeout' || e.outcome === 'round_end') ? 1 : 0);

      const byAttacker = new Map<string, { damage: number; hits: number }>();
      for (const a of e.attackers) {
        const s = byAttacker.get(a.guid) ?? { damage: 0, hits: 0 };
        s.damage += a.damage;
        s.hits += a.hits;
        byAttacker.set(a.guid, s);
      }
      for (const [g, s] of byAttacker) {
        const row = player(g);
        add(row, 'engagements_as_attacker', 1);
        add(row, 'damage_dealt', s.damage);
        add(row, 'hits_dealt', s.hits);
      }

      if (e.killer_guid !== null && (killed || e.outcome === 'teamkill')) {
        const k = player(e.killer_guid);
        add(k, 'kills', killed ? 1 : 0);
        add(k, 'solo_kills', killed && is1v1(e) ? 1 : 0);
        add(k, 'assisted_kills', killed && e.num_attackers > 1 ? 1 : 0);
        add(k, 'advantage_kills', killed && gt(e.killer_side, e.victim_side) ? 1 : 0);
        add(k, 'outnumbered_kills', killed && gt(e.victim_side, e.killer_side) ? 1 : 0);
        add(k, 'teamkills', e.outcome === 'teamkill' ? 1 : 0);
        if (killed && e.kill_distance !== null) {
          add(k, 'kill_distance_sum', e.kill_distance);
          add(k, 'kill_distance_count', 1);
          k.max_kill_distance = Math.max((k.max_kill_distance as number | null) ?? -Infinity, e.kill_distance);
        }
      }

      if (e.crossfire_pairs) {
        const minDelay = new Map<string, number>();
        for (const p of e.crossfire_pairs) {
          for (const g of [p.a, p.b]) minDelay.set(g, Math.min(minDelay.get(g) ?? Infinity, p.delay_ms));
        }
        for (const [g, d] of minDelay) {
          const row = player(g);
          add(row, 'crossfire_engagements', 1);
          add(row, 'crossfire_kills', killed && e.killer_guid === g ? 1 : 0);
          add(row, 'crossfire_delay_sum_ms', d);
        }
      }
    }

    // ---- player_weapon_stats
    const weapon = (g: string, mod: number): Row =>
      weapons.get(g, mod, () => ({ player_guid: g, mod, hits: 0, kills: 0 }));
    for (const e of es) {
      for (const a of e.attackers) {
        for (const [mod, hits] of Object.entries(a.weapons)) {
          const row = weapon(a.guid, Number(mod));
          row.hits = (row.hits as number) + hits;
        }
      }
      if (isKill(e) && e.killer_guid !== null && e.end_mod !== null) {
        const row = weapon(e.killer_guid, e.end_mod);
        row.kills = (row.kills as number) + 1;
      }
    }

    // ---- crossfire_pairs
    for (const e of es) {
      if (!e.crossfire_pairs) continue;
      const perPair = new Map<string, { p1: string; p2: string; d: number }>();
      for (const p of e.crossfire_pairs) {
        if (p.a === p.b) continue;
        const [p1, p2] = cmpC(p.a, p.b) < 0 ? [p.a, p.b] : [p.b, p.a];
        const k = `${p1}\u0000${p2}`;
        const prev = perPair.get(k);
        perPair.set(k, { p1, p2, d: Math.min(prev?.d ?? Infinity, p.delay_ms) });
      }
      for (const { p1, p2, d } of perPair.values()) {
        const row = pairs.get(p1, p2, () => ({
          player1_guid: p1, player2_guid: p2, crossfire_engagements: 0, crossfire_kills: 0, delay_sum_ms: 0, min_delay_ms: null,
        }));
        row.crossfire_engagements = (row.crossfire_engagements as number) + 1;
        if (isKill(e) && (e.killer_guid === p1 || e.killer_guid === p2)) row.crossfire_kills = (row.crossfire_kills as number) + 1;
        row.delay_sum_ms = (row.delay_sum_ms as number) + d;
        row.min_delay_ms = Math.min((row.min_delay_ms as number | null) ?? Infinity, d);
      }
    }

    // ---- teammate_pair_stats (directed)
    const mate = (g1: string, g2: string): Row =>
      mates.get(g1, g2, () => ({
        player1_guid: g1, player2_guid: g2, rounds_together: 0, kills_within_range: 0, simultaneous_kills: 0, assisted_kills: 0, crossfire_engagements: 0,
      }));
    const bump = (g1: string, g2: string, c: string): void => {
      const row = mate(g1, g2);
      row[c] = (row[c] as number) + 1;
    };
    const teams = new Map<string, Set<string>>();
    for (const p of rows.roundPlayers) {
      if (p.team === 'SPECTATOR') continue;
      const s = teams.get(p.team) ?? new Set<string>();
      s.add(p.player_guid);
      teams.set(p.team, s);
    }
    // Once per pair per round, even when a guid played on both teams (it switched).
    const together = new Set<Row>();
    for (const members of teams.values()) {
      for (const g1 of members) {
        for (const g2 of members) {
          if (g1 === g2) continue;
          const row = mate(g1, g2);
          if (!together.has(row)) {
            together.add(row);
            row.rounds_together = (row.rounds_together as number) + 1;
          }
        }
      }
    }
    const kills = es.filter((e) => isKill(e) && e.killer_guid !== null);
    for (const k of kills) {
      const g1 = k.killer_guid!;
      for (const ally of new Set(k.killer_allies ?? [])) if (ally !== g1) bump(g1, ally, 'kills_within_range');
      for (const g2 of new Set(k.attackers.map((a) => a.guid))) if (g2 !== g1) bump(g1, g2, 'assisted_kills');
      const partners = new Set<string>();
      for (const k2 of kills) {
        if (k2.target_team === k.target_team && k2.killer_guid !== g1 && Math.abs(k2.end_ms - k.end_ms) <= r.crossfireWindowMs) {
          partners.add(k2.killer_guid!);
        }
      }
      for (const g2 of partners) bump(g1, g2, 'simultaneous_kills');
    }
    for (const e of es) {
      if (!e.crossfire_pairs) continue;
      const seen = new Set<Row>();
      for (const p of e.crossfire_pairs) {
        if (p.a === p.b) continue;
        for (const row of [mate(p.a, p.b), mate(p.b, p.a)]) {
          if (!seen.has(row)) {
            seen.add(row);
            row.crossfire_engagements = (row.crossfire_engagements as number) + 1;
          }
        }
      }
    }

    // ---- heatmaps
    const cells = `${r.mapName}\u0000${r.gridSize}`;
      // grid indices are integers far inside ±2^20: one exact number per cell
      const cellKey = (x: number, y: number): number => x * 2 ** 21 + y;
    const h = rows.heatmap;
    if (h.kill_gx) {
      h.kill_gx.forEach((gx, i) => {
        const gy = h.kill_gy![i]!;
        const row = kh.get(cells, cellKey(gx, gy), () => ({
          map_name: r.mapName, grid_size: r.gridSize, grid_x: gx, grid_y: gy, axis_kills: 0, allies_kills: 0,
        }));
        row.axis_kills = (row.axis_kills as number) + h.kill_axis![i]!;
        row.allies_kills = (row.allies_kills as number) + h.kill_allies![i]!;
      });
    }
    if (h.move_gx) {
      h.move_gx.forEach((gx, i) => {
        const gy = h.move_gy![i]!;
        const row = mh.get(cells, cellKey(gx, gy), () => ({
          map_name: r.mapName, grid_size: r.gridSize, grid_x: gx, grid_y: gy, traversal: 0, combat: 0, escape: 0,
        }));
        row.traversal = (row.traversal as number) + h.move_traversal![i]!;
        row.combat = (row.combat as number) + h.move_combat![i]!;
        row.escape = (row.escape as number) + h.move_escape![i]!;
      });
    }

    // ---- engagement_daily_stats
    const day = `${r.sessionDate}\u0000${r.serverId}\u0000${r.mapName}`;
    const inc = (row: Row, c: string, n: number): void => {
      row[c] = (row[c] as number) + n;
    };
    for (const e of es) {
      const type = e.engagement_type ?? '';
      const row = daily.get(day, `${e.outcome}\u0000${type}`, () => ({
        session_date: r.sessionDate, server_id: r.serverId, map_name: r.mapName, outcome: e.outcome, engagement_type: type,
        engagements: 0, crossfire_engagements: 0, damage: 0, hits: 0, attackers: 0, duration_ms: 0, kill_distance_sum: 0, kill_distance_count: 0,
      }));
      inc(row, 'engagements', 1);
      inc(row, 'crossfire_engagements', e.is_crossfire ? 1 : 0);
      inc(row, 'damage', e.damage);
      inc(row, 'hits', e.hits);
      inc(row, 'attackers', e.num_attackers);
      inc(row, 'duration_ms', e.end_ms - e.start_ms);
      if (e.kill_distance !== null) {
        inc(row, 'kill_distance_sum', e.kill_distance);
        inc(row, 'kill_distance_count', 1);
      }
    }

    // ---- player_map_stats
    const onThisMap = (g: string): Row =>
      perMap.get(g, r.mapName, () => ({
        player_guid: g, map_name: r.mapName, rounds_played: 0, time_played_ms: 0, kills: 0, deaths: 0,
      }));
    const onMap = new Set<string>();
    for (const p of rows.roundPlayers) {
      if (p.team === 'SPECTATOR') continue;
      const row = onThisMap(p.player_guid);
      if (!onMap.has(p.player_guid)) {
        onMap.add(p.player_guid);
        row.rounds_played = (row.rounds_played as number) + 1;
      }
      row.time_played_ms = (row.time_played_ms as number) + Math.max((p.last_seen_ms ?? 0) - (p.first_seen_ms ?? 0), 0);
    }
    for (const e of es) {
      if (!isKill(e)) continue;
      if (e.killer_guid !== null) {
        const row = onThisMap(e.killer_guid);
        row.kills = (row.kills as number) + 1;
      }
      const row = onThisMap(e.target_guid);
      row.deaths = (row.deaths as number) + 1;
    }

    // ---- player_outcome_stats
    for (const e of es) {
      const row = outcomes.get(e.target_guid, e.outcome, () => ({
        player_guid: e.target_guid, outcome: e.outcome, engagements: 0,
      }));
      row.engagements = (row.engagements as number) + 1;
    }

  }
}
