/**
 * Deterministic synthetic rounds that satisfy every rule of docs/FORMAT.md — for the reader's speed
 * script, round-trip tests, and any benchmark that needs a year of files without running the
 * simulator (write them with writeRoundFileV1 / writeLegacyV3 / writeLegacyV2).
 */
import { OUTCOMES, type Attacker, type CrossfirePair, type Engagement, type PathPoint, type Player, type RoundFile, type Team } from './types.ts';

/** mulberry32: tiny, fast, good enough to vary test data deterministically. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['^1Slomix', 'Target', '^4Bob;|x', 'Ünïcode', 'semi;colon', "O'Brien\"--", 'pipe|name', '^7[ET]^3Clan,mate', 'plain', 'emoji🎯', '%percent%', 'x=y+z/w:v'];
const CLASSES = ['SOLDIER', 'MEDIC', 'ENGINEER', 'FIELDOPS', 'COVERTOPS'] as const;
const MAPS = ['oasis', 'goldrush', 'supply', 'radar', 'battery', 'fueldump'];

export interface SyntheticOptions {
  playersPerTeam?: number;
  engagements?: number;
  /** Unix seconds of the round start; default derived from the seed. */
  startUnix?: number;
  map?: string;
  round?: number;
}

export function syntheticRound(seed: number, opts: SyntheticOptions = {}): RoundFile {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const perTeam = opts.playersPerTeam ?? 6;
  const durationMs = 600_000;
  const players: Player[] = [];
  for (let i = 0; i < perTeam * 2; i++) {
    players.push({
      pid: i + 1,
      slot: i,
      guid: (seed * 131 + i).toString(16).toUpperCase().padStart(32, '0'),
      name: `${pick(NAMES)}${i}`,
      isBot: false,
      team: i < perTeam ? 'AXIS' : 'ALLIES',
      playerClass: pick(CLASSES),
      firstSeenMs: 0,
      lastSeenMs: durationMs,
    });
  }
  const teamOf = (pid: number): Team => players[pid - 1]!.team;
  const enemiesOf = (t: Team): number[] => players.filter((p) => p.team !== t).map((p) => p.pid);
  const alliesOf = (t: Team, not: number): number[] => players.filter((p) => p.team === t && p.pid !== not).map((p) => p.pid);
  const some = (xs: number[], max: number): number[] => xs.filter(() => r() < max / Math.max(1, xs.length)).slice(0, max);

  const engagements: Engagement[] = [];
  const n = opts.engagements ?? 100;
  for (let id = 1; id <= n; id++) {
    const target = int(1, players.length);
    const targetTeam = teamOf(target);
    const startMs = int(0, durationMs - 20_000);
    const endMs = startMs + int(0, 15_000);
    let outcome = pick(OUTCOMES);
    if (outcome === 'teamkill' && alliesOf(targetTeam, target).length === 0) outcome = 'suicide';
    const enemies = enemiesOf(targetTeam);
    const attackerPids = some(enemies, 3);
    if (attackerPids.length === 0) attackerPids.push(enemies[0]!);
    const killer = outcome === 'killed' ? attackerPids[0]! : outcome === 'teamkill' ? alliesOf(targetTeam, target)[0]! : null;
    const attackers: Attacker[] = attackerPids.map((pid, i) => {
      const hits = int(0, 6);
      const first = startMs + int(0, endMs - startMs);
      return {
        pid,
        team: teamOf(pid),
        damage: hits * 18,
        hits,
        firstHitMs: first,
        lastHitMs: first + int(0, endMs - first),
        gotKill: outcome === 'killed' && i === 0,
        weapons: hits > 0 ? { [pick([8, 9, 10, 11])]: hits } : {},
      };
    });
    const pairs: CrossfirePair[] = [];
    for (let i = 0; i + 1 < attackerPids.length; i++) {
      if (r() < 0.5) {
        const a = Math.min(attackerPids[i]!, attackerPids[i + 1]!);
        const b = Math.max(attackerPids[i]!, attackerPids[i + 1]!);
        pairs.push({ a, b, delayMs: int(0, 1000) });
      }
    }
    const path: PathPoint[] = [];
    const points = int(1, 8);
    let x = int(-4000, 4000);
    let y = int(-4000, 4000);
    for (let i = 0; i < points; i++) {
      const last = i === points - 1;
      path.push({
        t: Math.min(endMs, startMs + i * 500),
        x: (x += int(-200, 200)),
        y: (y += int(-200, 200)),
        z: int(-50, 300),
        event: i === 0 ? 'start' : last && outcome === 'killed' ? 'death' : last && outcome === 'escaped' ? 'escape' : pick(['hit', 'sample'] as const),
      });
    }
    const killerAllies = outcome === 'killed' ? some(alliesOf(teamOf(killer!), killer!), 2) : [];
    const victimAllies = outcome === 'killed' ? some(alliesOf(targetTeam, target), 2) : [];
    const deathMod = outcome === 'killed' || outcome === 'died_world' || outcome === 'suicide' || outcome === 'teamkill';
    engagements.push({
      id,
      startMs,
      endMs,
      target,
      targetTeam,
      targetClass: r() < 0.9 ? pick(CLASSES) : null,
      outcome,
      endMod: deathMod ? int(1, 70) : null,
      killer,
      damage: attackers.reduce((s, a) => s + a.damage, 0),
      hits: attackers.reduce((s, a) => s + a.hits, 0),
      crossfire: pairs.length > 0,
      crossfireDelayMs: pairs.length > 0 ? Math.min(...pairs.map((p) => p.delayMs)) : null,
      crossfirePairs: pairs,
      attackers,
      path,
      kill:
        outcome === 'killed'
          ? {
              mod: 0, // replaced below by endMod so the two always agree
              weapon: r() < 0.9 ? int(1, 50) : null,
              killerPos: r() < 0.9 ? { x: x + 300, y, z: 0 } : null,
              victimPos: r() < 0.9 ? { x, y, z: 0 } : null,
              distance: r() < 0.9 ? 300 : null,
              killerAllies,
              killerEnemies: some(enemiesOf(teamOf(killer!)).filter((p) => p !== target), 2),
              victimAllies,
              victimEnemies: some(enemiesOf(targetTeam).filter((p) => p !== killer), 2),
              engagementType: `${1 + killerAllies.length}v${1 + victimAllies.length}`,
            }
          : null,
    });
    const e = engagements[engagements.length - 1]!;
    if (e.kill) e.kill.mod = e.endMod!;
  }
  const cells = (count: number): [number, number][] => {
    const seen = new Set<string>();
    const out: [number, number][] = [];
    while (out.length < count) {
      const gx = int(-8, 8);
      const gy = int(-8, 8);
      if (!seen.has(`${gx},${gy}`)) {
        seen.add(`${gx},${gy}`);
        out.push([gx, gy]);
      }
    }
    return out;
  };
  const startUnix = opts.startUnix ?? 1_700_000_000 + seed * 3600;
  return {
    header: {
      source: 'proximity-v1',
      trackerVersion: '1.0.0',
      serverId: 'synthetic',
      serverName: '^1Synthetic ^7Server',
      map: opts.map ?? pick(MAPS),
      round: opts.round ?? int(1, 2),
      gametype: 3,
      roundStartUnix: startUnix,
      roundEndUnix: startUnix + durationMs / 1000,
      durationMs,
      pausedMs: 0,
      endReason: 'intermission',
      timelimit: '10',
      config: { crossfire_window_ms: 1000, escape_time_ms: 5000, escape_distance: 300, grid_size: 512, heatmaps: 1 },
      sections: ['engagements', 'players', 'kill_heatmap', 'movement_heatmap'],
      fileTimestampUnix: null,
    },
    players,
    engagements,
    killHeatmap: cells(20).map(([gx, gy]) => ({ gx, gy, axisKills: int(0, 9), alliesKills: int(1, 9) })),
    movementHeatmap: cells(60).map(([gx, gy]) => ({ gx, gy, traversal: int(1, 400), combat: int(0, 40), escape: int(0, 5) })),
  };
}

/** The conventional file name of a round (`YYYY-MM-DD-HHMMSS-<map>-round-<N>_engagements.txt`), time in UTC. */
export function roundFileName(round: RoundFile, suffix: 'engagements' | 'proximity' = 'engagements'): string {
  const unix = round.header.roundEndUnix ?? round.header.roundStartUnix ?? 0;
  const d = new Date(unix * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  const map = round.header.map.toLowerCase().replace(/[^a-z0-9_.-]/g, '_').slice(0, 64);
  return `${stamp}-${map}-round-${round.header.round}_${suffix}.txt`;
}

export interface SyntheticYearOptions {
  format: 'v1' | 'v3' | 'v2';
  /** Number of files (default 3,650: ten rounds a day for a year). */
  files?: number;
  engagementsPerRound?: number;
  /** Unix seconds of the first round (default 2026-01-01 18:00 UTC). */
  startUnix?: number;
}

/**
 * Writes a year of synthetic round files into `dir` (ten rounds an evening, 20 minutes apart, so a map
 * is played more than once a day) and returns their paths in chronological order. For benchmarks.
 */
export async function writeSyntheticYear(dir: string, opts: SyntheticYearOptions): Promise<string[]> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { writeRoundFileV1 } = await import('./v1-writer.ts');
  const { writeLegacyV2, writeLegacyV3 } = await import('./legacy-writer.ts');
  await mkdir(dir, { recursive: true });
  const count = opts.files ?? 3650;
  const start = opts.startUnix ?? Date.UTC(2026, 0, 1, 18, 0, 0) / 1000;
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const day = Math.floor(i / 10);
    const slot = i % 10;
    const startUnix = start + day * 86400 + slot * 1200;
    const round = syntheticRound(i + 1, {
      engagements: opts.engagementsPerRound ?? 100,
      startUnix,
      map: MAPS[Math.floor(slot / 2) % MAPS.length],
      round: (slot % 2) + 1,
    });
    const text = opts.format === 'v1' ? writeRoundFileV1(round) : opts.format === 'v3' ? writeLegacyV3(round) : writeLegacyV2(round);
    const path = join(dir, roundFileName(round, opts.format === 'v2' ? 'proximity' : 'engagements'));
    await writeFile(path, text);
    paths.push(path);
  }
  return paths;
}
