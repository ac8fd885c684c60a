/**
 * Writes a RoundFile as `PROXIMITY_ROUND v1` text — the reader's inverse, for tests (round-trip
 * fuzzing), benchmarks and fixtures. The real writer is the Lua tracker; this one follows
 * docs/FORMAT.md so the two can be compared field by field.
 */
import { encodeText } from './escape.ts';
import { SECTION_ORDER } from './v1-reader.ts';
import type { Engagement, Player, RoundFile, Vec3 } from './types.ts';

const vec = (v: Vec3 | null): string => (v === null ? '' : `${v.x},${v.y},${v.z}`);
const opt = (n: number | null): string => (n === null ? '' : String(n));

function weapons(w: Record<number, number>): string {
  return Object.entries(w)
    .map(([mod, hits]) => `${mod}:${hits}`)
    .join('/');
}

export function engagementLine(e: Engagement): string {
  const k = e.kill;
  return [
    e.id,
    e.startMs,
    e.endMs,
    e.target,
    e.targetTeam,
    e.targetClass ?? '',
    e.outcome,
    opt(e.endMod),
    opt(e.killer),
    e.damage,
    e.hits,
    e.crossfire ? 1 : 0,
    opt(e.crossfireDelayMs),
    e.crossfirePairs.map((p) => `${p.a}/${p.b}/${p.delayMs}`).join('|'),
    e.attackers
      .map((a) => [a.pid, a.team, a.damage, a.hits, a.firstHitMs, a.lastHitMs, a.gotKill ? 1 : 0, weapons(a.weapons)].join(','))
      .join('|'),
    e.path.map((p) => `${p.t},${p.x},${p.y},${p.z},${p.event}`).join('|'),
    k ? opt(k.weapon) : '',
    k ? vec(k.killerPos) : '',
    k ? vec(k.victimPos) : '',
    k ? opt(k.distance) : '',
    k ? k.killerAllies.join('|') : '',
    k ? k.killerEnemies.join('|') : '',
    k ? k.victimAllies.join('|') : '',
    k ? k.victimEnemies.join('|') : '',
    k ? k.engagementType : '',
  ].join(';');
}

/** The two heatmap sections (v1 and legacy v3 share this layout); nothing for a section not captured. */
export function heatmapSectionLines(round: RoundFile): string[] {
  const out: string[] = [];
  if (round.killHeatmap) {
    out.push('# KILL_HEATMAP');
    for (const c of round.killHeatmap) out.push(`${c.gx};${c.gy};${c.axisKills};${c.alliesKills}`);
  }
  if (round.movementHeatmap) {
    out.push('# MOVEMENT_HEATMAP');
    for (const c of round.movementHeatmap) out.push(`${c.gx};${c.gy};${c.traversal};${c.combat};${c.escape}`);
  }
  return out;
}

export function playerLine(p: Player): string {
  return [
    p.pid,
    p.slot ?? 0,
    encodeText(p.guid),
    encodeText(p.name),
    p.isBot ? 1 : 0,
    p.team,
    p.playerClass ?? '',
    p.firstSeenMs ?? 0,
    p.lastSeenMs ?? 0,
  ].join(';');
}

export function writeRoundFileV1(round: RoundFile, leveltime = 0): string {
  const h = round.header;
  const sections = SECTION_ORDER.filter(
    (s) =>
      s === 'engagements' ||
      s === 'players' ||
      (s === 'kill_heatmap' && round.killHeatmap !== null) ||
      (s === 'movement_heatmap' && round.movementHeatmap !== null),
  );
  const out: string[] = [
    '# PROXIMITY_ROUND v1',
    `# tracker_version=${encodeText(h.trackerVersion ?? '0.0.0')}`,
    `# server_id=${encodeText(h.serverId ?? 'legacy')}`,
    `# server_name=${encodeText(h.serverName ?? '')}`,
    `# map=${encodeText(h.map)}`,
    `# round=${h.round}`,
    `# gametype=${h.gametype ?? 0}`,
    `# round_start_unix=${h.roundStartUnix ?? 0}`,
    `# round_start_leveltime=${leveltime}`,
    `# timelimit=${encodeText(h.timelimit ?? '')}`,
    `# config=${Object.entries(h.config)
      .map(([k, v]) => `${k}:${v}`)
      .join(',')}`,
    `# sections=${sections.join(',')}`,
    '# ENGAGEMENTS',
  ];
  for (const e of round.engagements) out.push(engagementLine(e));
  out.push('# PLAYERS');
  for (const p of round.players) out.push(playerLine(p));
  out.push(...heatmapSectionLines(round));
  out.push(
    `# END end_reason=${h.endReason ?? 'intermission'} round_end_unix=${h.roundEndUnix ?? h.roundStartUnix ?? 0}` +
      ` duration_ms=${h.durationMs ?? 0} paused_ms=${h.pausedMs ?? 0} engagements=${round.engagements.length}` +
      ` players=${round.players.length} kill_cells=${round.killHeatmap?.length ?? 0}` +
      ` movement_cells=${round.movementHeatmap?.length ?? 0}`,
  );
  return out.join('\n') + '\n';
}
