/**
 * Writes a RoundFile in the seeds' legacy layouts (docs/LEGACY.md) — for tests and for the import
 * benchmark's year of legacy files; nothing in production writes these. Like the old trackers, the
 * output is unescaped text; the separators a legacy line cannot hold in a name (`;` `|` and line
 * breaks for v3, `|` `,` and line breaks for v2) are replaced by `_`, which the old trackers' files
 * could not represent either.
 */
import type { Engagement, Player, RoundFile, Vec3 } from './types.ts';
import { heatmapSectionLines } from './v1-writer.ts';

function clean(s: string, separators: RegExp): string {
  return s.replace(separators, '_');
}
const V3_UNSAFE = /[;|\n\r]/g;
const V2_UNSAFE = /[|,\n\r]/g;

function playerIndex(round: RoundFile): Map<number, Player> {
  return new Map(round.players.map((p) => [p.pid, p]));
}

function xyz(v: Vec3 | null | undefined): [string, string, string] {
  return v ? [String(v.x), String(v.y), String(v.z)] : ['', '', ''];
}

function v3Line(e: Engagement, players: Map<number, Player>): string {
  const guid = (pid: number | null): string => (pid === null ? '' : clean(players.get(pid)?.guid ?? '', V3_UNSAFE));
  const name = (pid: number | null): string => (pid === null ? '' : clean(players.get(pid)?.name ?? '', V3_UNSAFE));
  const participants = [...new Set(e.crossfirePairs.flatMap((p) => [p.a, p.b]))];
  const first = e.path[0];
  const last = e.path[e.path.length - 1];
  const attackers = e.attackers
    .map((a) =>
      [
        guid(a.pid),
        name(a.pid),
        a.team,
        a.damage,
        a.hits,
        a.firstHitMs,
        a.lastHitMs,
        a.gotKill ? 1 : 0,
        Object.entries(a.weapons)
          .map(([mod, hits]) => `${mod}:${hits}`)
          .join(';'),
      ].join(','),
    )
    .join('|');
  return [
    e.id,
    e.startMs,
    e.endMs,
    e.endMs - e.startMs,
    guid(e.target),
    name(e.target),
    e.targetTeam,
    e.outcome,
    e.damage,
    guid(e.killer),
    name(e.killer),
    e.path.length,
    e.path.map((p) => `${p.t},${p.x},${p.y},${p.z},${p.event}`).join('|'),
    e.attackers.length,
    e.crossfire ? 1 : 0,
    e.crossfireDelayMs ?? '',
    participants.map((pid) => guid(pid)).join(','),
    ...xyz(first),
    ...xyz(last),
    attackers,
  ].join(';');
}

export function writeLegacyV3(round: RoundFile): string {
  const players = playerIndex(round);
  const out = ['# PROXIMITY_TRACKER_V3', `# map=${round.header.map}`, `# round=${round.header.round}`, '# ENGAGEMENTS'];
  for (const e of round.engagements) out.push(v3Line(e, players));
  out.push(...heatmapSectionLines(round));
  return out.join('\n') + '\n';
}

/** v2 records kills only: engagements with outcome `killed` become kill lines, the rest is not representable. */
export function writeLegacyV2(round: RoundFile): string {
  const players = playerIndex(round);
  const p = (pid: number | null): Player | undefined => (pid === null ? undefined : players.get(pid));
  const out = [
    '# PROXIMITY_TRACKER_V2',
    `# map=${round.header.map}`,
    `# round=${round.header.round}`,
    '# FORMAT: game_time|killer_slot|killer_guid|killer_name|killer_team|killer_x|killer_y|killer_z|weapon|victim_guid|victim_name|victim_team|victim_x|victim_y|victim_z|distance|engagement_type|allies_near_killer|allies_near_victim|supporting_allies|victim_slot|means_of_death',
  ];
  for (const e of round.engagements) {
    const k = e.kill;
    if (e.outcome !== 'killed' || k === null || e.killer === null) continue;
    const killer = p(e.killer);
    const victim = p(e.target);
    const killerTeam = e.attackers.find((a) => a.pid === e.killer)?.team ?? killer?.team ?? 'AXIS';
    const allies = k.killerAllies.map((pid) => clean(p(pid)?.name ?? '', V2_UNSAFE));
    out.push(
      [
        e.endMs,
        killer?.slot ?? 0,
        clean(killer?.guid ?? '', V2_UNSAFE),
        clean(killer?.name ?? '', V2_UNSAFE),
        killerTeam,
        ...xyz(k.killerPos),
        k.weapon ?? 0,
        clean(victim?.guid ?? '', V2_UNSAFE),
        clean(victim?.name ?? '', V2_UNSAFE),
        e.targetTeam,
        ...xyz(k.victimPos),
        k.distance ?? '',
        k.engagementType,
        k.killerAllies.length,
        k.victimAllies.length,
        allies.length ? allies.join(',') : 'NONE',
        victim?.slot ?? 0,
        k.mod,
      ].join('|'),
    );
  }
  if (round.killHeatmap) {
    out.push('', '# HEATMAP', '# grid_x|grid_y|axis_kills|allies_kills');
    for (const c of round.killHeatmap) out.push(`${c.gx}|${c.gy}|${c.axisKills}|${c.alliesKills}`);
  }
  return out.join('\n') + '\n';
}
