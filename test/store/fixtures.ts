/**
 * Hand-built rounds for the store tests: a tiny builder over the RoundFile records, so each test
 * states exactly which players, engagements and kills exist and can predict every aggregate.
 * Files are written with the format area's v1 writer (the reader's inverse).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRoundFileV1 } from '../../src/format/v1-writer.ts';
import type { Attacker, CrossfirePair, Engagement, Outcome, Player, RoundFile, Team } from '../../src/format/types.ts';

export interface RoundOptions {
  serverId?: string;
  map?: string;
  round?: number;
  startUnix: number;
  durationMs?: number;
}

export interface HitSpec {
  pid: number;
  damage?: number;
  hits?: number;
  firstMs?: number;
  lastMs?: number;
  gotKill?: boolean;
  weapons?: Record<number, number>;
}

export interface KillSpec {
  distance?: number | null;
  killerAllies?: number[];
  victimAllies?: number[];
  killerEnemies?: number[];
  victimEnemies?: number[];
  weapon?: number | null;
  mod?: number;
  victimPos?: [number, number, number];
}

export interface EngagementSpec {
  target: number;
  outcome: Outcome;
  attackers: HitSpec[];
  killer?: number | null;
  startMs?: number;
  endMs?: number;
  pairs?: [number, number, number][];
  kill?: KillSpec;
}

export class RoundBuilder {
  readonly players: Player[] = [];
  readonly engagements: Engagement[] = [];
  killHeatmap: RoundFile['killHeatmap'] = [];
  movementHeatmap: RoundFile['movementHeatmap'] = [];
  constructor(readonly opts: RoundOptions) {}

  player(name: string, guid: string, team: Team, more: Partial<Player> = {}): number {
    const pid = this.players.length + 1;
    this.players.push({
      pid,
      slot: pid - 1,
      guid,
      name,
      isBot: false,
      team,
      playerClass: 'SOLDIER',
      firstSeenMs: 0,
      lastSeenMs: this.opts.durationMs ?? 600_000,
      ...more,
    });
    return pid;
  }

  private team(pid: number): Team {
    const p = this.players.find((x) => x.pid === pid);
    if (!p) throw new Error(`no player ${pid}`);
    return p.team;
  }

  engagement(spec: EngagementSpec): this {
    const id = this.engagements.length + 1;
    const startMs = spec.startMs ?? id * 10_000;
    const endMs = spec.endMs ?? startMs + 2_000;
    const killer = spec.killer ?? (spec.outcome === 'killed' ? (spec.attackers.find((a) => a.gotKill)?.pid ?? spec.attackers[0]!.pid) : null);
    const attackers: Attacker[] = spec.attackers.map((a) => ({
      pid: a.pid,
      team: this.team(a.pid),
      damage: a.damage ?? 50,
      hits: a.hits ?? 2,
      firstHitMs: a.firstMs ?? startMs,
      lastHitMs: a.lastMs ?? startMs + 500,
      gotKill: a.gotKill ?? (spec.outcome === 'killed' && a.pid === killer),
      weapons: a.weapons ?? { 8: a.hits ?? 2 },
    }));
    const pairs: CrossfirePair[] = (spec.pairs ?? []).map(([a, b, delayMs]) => ({ a: Math.min(a, b), b: Math.max(a, b), delayMs }));
    const k = spec.kill ?? {};
    const killerAllies = k.killerAllies ?? [];
    const victimAllies = k.victimAllies ?? [];
    const killed = spec.outcome === 'killed';
    const pos = k.victimPos ?? [100, 200, 0];
    this.engagements.push({
      id,
      startMs,
      endMs,
      target: spec.target,
      targetTeam: this.team(spec.target),
      targetClass: 'MEDIC',
      outcome: spec.outcome,
      endMod: ['killed', 'teamkill', 'suicide', 'died_world'].includes(spec.outcome) ? (k.mod ?? 8) : null,
      killer: killed || spec.outcome === 'teamkill' ? killer : null,
      damage: attackers.reduce((s, a) => s + a.damage, 0),
      hits: attackers.reduce((s, a) => s + a.hits, 0),
      crossfire: pairs.length > 0,
      crossfireDelayMs: pairs.length ? Math.min(...pairs.map((p) => p.delayMs)) : null,
      crossfirePairs: pairs,
      attackers,
      path: [
        { t: startMs, x: pos[0], y: pos[1], z: pos[2], event: 'start' },
        { t: endMs, x: pos[0], y: pos[1], z: pos[2], event: killed ? 'death' : 'sample' },
      ],
      kill: killed
        ? {
            mod: k.mod ?? 8,
            weapon: k.weapon === undefined ? 8 : k.weapon,
            killerPos: { x: 0, y: 0, z: 0 },
            victimPos: { x: pos[0], y: pos[1], z: pos[2] },
            distance: k.distance === undefined ? 250 : k.distance,
            killerAllies,
            killerEnemies: k.killerEnemies ?? [],
            victimAllies,
            victimEnemies: k.victimEnemies ?? [],
            engagementType: `${1 + killerAllies.length}v${1 + victimAllies.length}`,
          }
        : null,
    });
    return this;
  }

  build(): RoundFile {
    const o = this.opts;
    const durationMs = o.durationMs ?? 600_000;
    return {
      header: {
        source: 'proximity-v1',
        trackerVersion: '1.0.0',
        serverId: o.serverId ?? 'srv-test',
        serverName: '^1Test ^7Server',
        map: o.map ?? 'goldrush',
        round: o.round ?? 1,
        gametype: 3,
        roundStartUnix: o.startUnix,
        roundEndUnix: o.startUnix + Math.round(durationMs / 1000),
        durationMs,
        pausedMs: 0,
        endReason: 'intermission',
        timelimit: '10',
        config: { crossfire_window_ms: 1000, grid_size: 512, nearby_radius: 300 },
        sections: ['engagements', 'players', 'kill_heatmap', 'movement_heatmap'],
        fileTimestampUnix: null,
      },
      players: this.players,
      engagements: [...this.engagements],
      killHeatmap: this.killHeatmap,
      movementHeatmap: this.movementHeatmap,
    };
  }
}

/** The conventional file name of a round, time in UTC. */
export function fileNameOf(r: RoundFile): string {
  const d = new Date((r.header.roundEndUnix ?? r.header.roundStartUnix ?? 0) * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  return `${stamp}-${r.header.map.toLowerCase().replace(/[^a-z0-9_.-]/g, '_')}-round-${r.header.round}_engagements.txt`;
}

/** Writes rounds as v1 files into dir; returns their paths in order. */
export function writeRounds(dir: string, rounds: RoundFile[]): string[] {
  mkdirSync(dir, { recursive: true });
  return rounds.map((r) => {
    const path = join(dir, fileNameOf(r));
    writeFileSync(path, writeRoundFileV1(r));
    return path;
  });
}
