/**
 * Turns one parsed RoundFile into the rows the import statements load (docs/SCHEMA.md). Pure: no
 * database here, so every mapping rule (identity, player keys, kill sides) is testable on its own.
 */
import type { Engagement, Player, RoundFile } from '../format/types.ts';
import { playerKey } from './player-key.ts';
import { roundDetail, type HeatmapColumns, type RoundDetail } from './round-detail.ts';

export class RoundRowsError extends Error {}

export interface RoundIdentity {
  serverId: string;
  mapName: string;
  roundNumber: number;
  roundStartUnix: number;
}

export interface RoundRow extends RoundIdentity {
  roundStart: string; // ISO
  sessionDate: string; // YYYY-MM-DD
  roundEnd: string | null;
  serverName: string | null;
  gametype: number | null;
  durationMs: number | null;
  pausedMs: number | null;
  endReason: string | null;
  timelimit: string | null;
  trackerVersion: string | null;
  sourceFormat: string;
  config: Record<string, number>;
  sections: string[];
  gridSize: number;
  crossfireWindowMs: number;
  nearbyRadius: number;
  engagements: number;
  players: number;
}

export interface PlayerRow {
  player_guid: string;
  is_bot: boolean;
  name: string;
}

export interface RoundPlayerRow {
  pid: number;
  slot: number | null;
  player_guid: string;
  player_name: string;
  is_bot: boolean;
  team: string;
  player_class: string | null;
  first_seen_ms: number | null;
  last_seen_ms: number | null;
}

export interface RoundRows {
  round: RoundRow;
  /** One per guid (the name of its last connection in the file). */
  players: PlayerRow[];
  /** Distinct (guid, name) pairs seen in the round. */
  names: { player_guid: string; player_name: string }[];
  /** The rows of the `round_player` and `combat_engagement` views; the aggregate contributions read them. */
  roundPlayers: RoundPlayerRow[];
  engagements: EngagementRow[];
  /** What is stored: the round_detail row. */
  detail: RoundDetail;
  heatmap: HeatmapColumns;
}

/** Round identity as one string, for advisory locks and messages. */
export function identityKey(id: RoundIdentity): string {
  return JSON.stringify([id.serverId, id.mapName, id.roundNumber, id.roundStartUnix]);
}

export function describeIdentity(id: RoundIdentity): string {
  return `server ${JSON.stringify(id.serverId)} map ${JSON.stringify(id.mapName)} round ${id.roundNumber} started ${new Date(id.roundStartUnix * 1000).toISOString()}`;
}


export function roundRows(file: RoundFile, opts: { serverId?: string } = {}): RoundRows {
  const h = file.header;
  const roundStartUnix = h.roundStartUnix ?? h.fileTimestampUnix;
  if (roundStartUnix === null) {
    throw new RoundRowsError('the round has no start time (no round_start_unix and no timestamp in the file name)');
  }
  const serverId = h.serverId ?? opts.serverId ?? 'legacy';

  const byPid = new Map<number, Player & { key: string }>();
  for (const p of file.players) byPid.set(p.pid, { ...p, key: playerKey(p) });
  const key = (pid: number, what: string): string => {
    const p = byPid.get(pid);
    if (!p) throw new RoundRowsError(`${what} refers to pid ${pid}, which has no player line`);
    return p.key;
  };

  // Per guid, the name of the connection seen last decides the round's name for that guid.
  const lastByGuid = new Map<string, Player & { key: string }>();
  for (const p of byPid.values()) {
    const prev = lastByGuid.get(p.key);
    if (!prev || (p.lastSeenMs ?? 0) >= (prev.lastSeenMs ?? 0)) lastByGuid.set(p.key, p);
  }
  // No order needed: proximity_merge_import upserts in key order (its lock order) itself.
  const players = [...lastByGuid.values()].map((p) => ({
    player_guid: p.key,
    is_bot: p.isBot || p.key.startsWith('BOT:'),
    name: p.name,
  }));
  const nameSet = new Map<string, { player_guid: string; player_name: string }>();
  for (const p of byPid.values()) nameSet.set(JSON.stringify([p.key, p.name]), { player_guid: p.key, player_name: p.name });
  const names = [...nameSet.values()];

  const roundPlayers: RoundPlayerRow[] = [...byPid.values()].map((p) => ({
    pid: p.pid,
    slot: p.slot,
    player_guid: p.key,
    player_name: p.name,
    is_bot: p.isBot || p.key.startsWith('BOT:'),
    team: p.team,
    player_class: p.playerClass,
    first_seen_ms: p.firstSeenMs,
    last_seen_ms: p.lastSeenMs,
  }));

  const engagements = file.engagements.map((e) => engagementRow(e, key));

  const kh = file.killHeatmap;
  const mh = file.movementHeatmap;
  const heatmap = {
    kill_gx: kh ? kh.map((c) => c.gx) : null,
    kill_gy: kh ? kh.map((c) => c.gy) : null,
    kill_axis: kh ? kh.map((c) => c.axisKills) : null,
    kill_allies: kh ? kh.map((c) => c.alliesKills) : null,
    move_gx: mh ? mh.map((c) => c.gx) : null,
    move_gy: mh ? mh.map((c) => c.gy) : null,
    move_traversal: mh ? mh.map((c) => c.traversal) : null,
    move_combat: mh ? mh.map((c) => c.combat) : null,
    move_escape: mh ? mh.map((c) => c.escape) : null,
  };
  const detail = roundDetail(file, (p) => byPid.get(p.pid)!.key, killSides, heatmap);

  const round: RoundRow = {
    serverId,
    mapName: h.map,
    roundNumber: h.round,
    roundStartUnix,
    roundStart: new Date(roundStartUnix * 1000).toISOString(),
    sessionDate: new Date(roundStartUnix * 1000).toISOString().slice(0, 10),
    roundEnd: h.roundEndUnix !== null ? new Date(h.roundEndUnix * 1000).toISOString() : null,
    serverName: h.serverName,
    gametype: h.gametype,
    durationMs: h.durationMs,
    pausedMs: h.pausedMs,
    endReason: h.endReason,
    timelimit: h.timelimit,
    trackerVersion: h.trackerVersion,
    sourceFormat: h.source,
    config: h.config,
    sections: h.sections,
    gridSize: h.config.grid_size ?? 512,
    crossfireWindowMs: h.config.crossfire_window_ms ?? 1000,
    nearbyRadius: h.config.nearby_radius ?? 300,
    engagements: file.engagements.length,
    players: file.players.length,
  };
  return { round, players, names, roundPlayers, engagements, detail, heatmap };
}

/** Killer and victim side of a kill: from its engagement type, else 1 + the ally counts. */
function killSides(e: Engagement): [number, number] | null {
  const k = e.kill;
  if (!k) return null;
  const m = /^(\d+)v(\d+)$/.exec(k.engagementType);
  return m ? [Number(m[1]), Number(m[2])] : [1 + k.killerAllies.length, 1 + k.victimAllies.length];
}

/** What the aggregate contributions read of an engagement (the combat_engagement view's names). */
export interface EngagementRow {
  engagement_id: number;
  start_ms: number;
  end_ms: number;
  target_guid: string;
  target_team: string;
  outcome: string;
  killer_guid: string | null;
  damage: number;
  hits: number;
  num_attackers: number;
  is_crossfire: boolean;
  crossfire_pairs: { a: string; b: string; delay_ms: number }[] | null;
  attackers: { guid: string; damage: number; hits: number; weapons: Record<string, number> }[];
  end_mod: number | null;
  kill_distance: number | null;
  killer_allies: string[] | null;
  killer_side: number | null;
  victim_side: number | null;
  engagement_type: string | null;
}

function engagementRow(e: Engagement, key: (pid: number, what: string) => string): EngagementRow {
  const what = `engagement ${e.id}`;
  const k = e.kill;
  const sides = killSides(e);
  if (k) {
    // every pid the file names must have a player line (round_detail refers to players by position)
    for (const pid of k.killerEnemies) key(pid, what);
    for (const pid of k.victimAllies) key(pid, what);
    for (const pid of k.victimEnemies) key(pid, what);
  }
  return {
    engagement_id: e.id,
    start_ms: e.startMs,
    end_ms: e.endMs,
    target_guid: key(e.target, what),
    target_team: e.targetTeam,
    outcome: e.outcome,
    killer_guid: e.killer !== null ? key(e.killer, what) : null,
    damage: e.damage,
    hits: e.hits,
    num_attackers: e.attackers.length,
    is_crossfire: e.crossfire,
    crossfire_pairs: e.crossfirePairs.length
      ? e.crossfirePairs.map((p) => ({ a: key(p.a, what), b: key(p.b, what), delay_ms: p.delayMs }))
      : null,
    attackers: e.attackers.map((a) => ({ guid: key(a.pid, what), damage: a.damage, hits: a.hits, weapons: a.weapons })),
    end_mod: e.endMod,
    kill_distance: k?.distance ?? null,
    killer_allies: k ? k.killerAllies.map((pid) => key(pid, what)) : null,
    killer_side: sides ? sides[0] : null,
    victim_side: sides ? sides[1] : null,
    // what the combat_engagement view shows: derived from the sides, as stored
    engagement_type: sides ? `${sides[0]}v${sides[1]}` : null,
  };
}
