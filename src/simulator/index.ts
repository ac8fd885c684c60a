/**
 * `simulateSession`: plays a series of ET:Legacy rounds through the emulator running the real Lua
 * tracker, and collects the round files the tracker wrote into `outDir` — byte-identical for a seed.
 */
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeText } from '../format/escape.ts';
import type { RoundPlan, SessionStats } from './match.ts';
import { FRAME_MS, LIMBO_MS, MatchRunner, planRounds } from './match.ts';
import { DEFAULT_ROTATION, mapArea } from './maps.ts';
import { Rng } from './rng.ts';
import { makeRoster } from './roster.ts';
import type { ServerFactory, SimServer } from './server.ts';

export { DEFAULT_ROTATION, MAPS } from './maps.ts';
export type { SimServer, ServerFactory } from './server.ts';
export type { SessionStats } from './match.ts';

export interface SimulationOptions {
  seed: number;
  outDir: string;
  /** rounds to play (stopwatch maps give 2 per map); default 2 */
  rounds?: number;
  /** default: a rotation of the built-in maps */
  maps?: string[];
  /** default 6, max 32 */
  playersPerTeam?: number;
  /** simulated round length (default 600) */
  roundSeconds?: number;
  /** wall clock of the first round (default fixed: deterministic) */
  startUnix?: number;
  /** proximity_server_id (default `sim-<seed>`) */
  serverId?: string;
  onRound?: (info: { file: string; map: string; round: number; engagements: number }) => void;
  // Additions to the contract (all optional):
  /** Warmup before each round (default 10 s; warmup fights must not reach the files). */
  warmupSeconds?: number;
  /** Intermission frames run after each round (default 5 s). */
  intermissionSeconds?: number;
  /** Where the fake fs_homepath lives (default: a temporary directory, removed afterwards). */
  homepath?: string;
  /** Server to drive (default: the emulator's EtServer); tests may pass a stand-in. */
  createServer?: ServerFactory;
  /** Extra cvars for the server (e.g. proximity_* tracker settings). */
  cvars?: Record<string, string>;
  /** Receives the server after each round (tests check hookErrors/hookReturns). */
  onServer?: (server: SimServer) => void;
}

export interface SimulationResult {
  files: string[];
  /** What the simulated players did in the live rounds (addition to the contract). */
  stats: SessionStats;
}

/** 2026-01-01 10:00:00 UTC: a fixed clock keeps file names and headers identical run to run. */
export const DEFAULT_START_UNIX = 1767261600;

export async function simulateSession(opts: SimulationOptions): Promise<SimulationResult> {
  const rounds = opts.rounds ?? 2;
  const perTeam = Math.max(1, Math.min(32, Math.floor(opts.playersPerTeam ?? 6)));
  const roundSeconds = opts.roundSeconds ?? 600;
  if (!(rounds >= 1)) throw new RangeError('rounds must be at least 1');
  if (!(roundSeconds >= 10)) throw new RangeError('roundSeconds must be at least 10');
  if (!Number.isFinite(perTeam)) throw new RangeError('playersPerTeam must be a number from 1 to 32');
  if (!Number.isFinite(opts.seed)) throw new RangeError('seed must be a number');
  const maps = opts.maps && opts.maps.length > 0 ? opts.maps : [...DEFAULT_ROTATION];
  const plan = planRounds(rounds, maps);
  const rng = new Rng(opts.seed);
  await mkdir(opts.outDir, { recursive: true });
  const homepath = opts.homepath ?? (await mkdtemp(join(tmpdir(), 'proximity-sim-')));
  try {
    return await runSession(opts, homepath, plan, rng, perTeam, roundSeconds);
  } finally {
    if (opts.homepath === undefined) await rm(homepath, { recursive: true, force: true });
  }
}

async function runSession(
  opts: SimulationOptions,
  homepath: string,
  plan: RoundPlan[],
  rng: Rng,
  perTeam: number,
  roundSeconds: number,
): Promise<SimulationResult> {
  const roster = makeRoster(rng.fork(), perTeam * 2);
  const createServer = opts.createServer ?? emulatorFactory;
  const files: string[] = [];
  const collected = new Set<string>();
  const first = plan[0] as RoundPlan;
  const firstMap = mapArea(first.map);
  const server = await createServer({
    homepath,
    // Room for everyone plus a free slot or two for reconnects (the engine's maximum is 64).
    maxClients: Math.min(64, perTeam * 2 + 2),
    fps: 1000 / FRAME_MS,
    map: first.map,
    gametype: 3,
    wallClockStartUnix: opts.startUnix ?? DEFAULT_START_UNIX,
    warmup: true,
    cvars: {
      sv_hostname: '^1Proximity ^7Simulated Server',
      timelimit: String(roundSeconds / 60),
      g_redlimbotime: String(firstMap.attackers === 'AXIS' ? LIMBO_MS.attackers : LIMBO_MS.defenders),
      g_bluelimbotime: String(firstMap.attackers === 'ALLIES' ? LIMBO_MS.attackers : LIMBO_MS.defenders),
      proximity_output_dir: 'proximity',
      // Without an id the tracker invents a random one; a seed-derived id keeps files byte-identical and
      // keeps sessions of different seeds apart in the database (same clock, same maps).
      proximity_server_id: opts.serverId ?? `sim-${opts.seed}`,
      ...opts.cvars,
    },
  });
  const outputDir = server.gamePath('proximity');

  const roundDone = async (p: RoundPlan): Promise<void> => {
    opts.onServer?.(server);
    let names: string[] = [];
    try {
      names = (await readdir(outputDir)).filter((n) => n.endsWith('_engagements.txt') && !collected.has(n)).sort();
    } catch {
      names = []; // nothing written yet
    }
    for (const name of names) {
      collected.add(name);
      const dest = join(opts.outDir, name);
      await copyFile(join(outputDir, name), dest);
      files.push(dest);
      const text = await readFile(dest, 'latin1');
      // The header says which round the file belongs to (robust even if a file showed up late).
      opts.onRound?.({ file: dest, map: headerValue(text, 'map') ?? p.map, round: Number(headerValue(text, 'round') ?? p.round), engagements: endCount(text) });
    }
  };

  const runner = new MatchRunner(
    server,
    { rng, roundSeconds, warmupSeconds: opts.warmupSeconds ?? 10, intermissionSeconds: opts.intermissionSeconds ?? 5 },
    { roundDone },
  );
  let quit = false;
  try {
    await server.runFrames(10);
    await runner.connectAll(roster, perTeam);
    for (let i = 0; i < plan.length; ) {
      const group: RoundPlan[] = [plan[i++] as RoundPlan];
      if (i < plan.length && (plan[i] as RoundPlan).round === 2) group.push(plan[i++] as RoundPlan);
      // Every map after the first is reached through a real map change (intermission → next map).
      if (i > group.length) await server.changeMap((group[0] as RoundPlan).map);
      await runner.playMap((group[0] as RoundPlan).map, group, i > group.length);
    }
    quit = true;
    await server.quit();
    opts.onServer?.(server);
    // A file that only appears at shutdown (it should not) is still collected.
    await roundDone(plan[plan.length - 1] as RoundPlan);
  } finally {
    // On an error, still close the Lua states.
    if (!quit) await server.quit().catch(() => undefined);
  }
  return { files, stats: runner.totals };
}

function headerValue(text: string, key: string): string | null {
  const m = new RegExp(`^# ${key}=(.*)$`, 'm').exec(text);
  return m ? decodeText(m[1] as string) : null;
}

function endCount(text: string): number {
  const m = / engagements=(\d+)/.exec(text.slice(text.lastIndexOf('# END')));
  return m ? Number(m[1]) : 0;
}

/** The default server: the ET:Legacy API emulator running lua/proximity_tracker.lua. */
const emulatorFactory: ServerFactory = async (o) => {
  // Loaded lazily so the behaviour model can be used (and tested) without starting Lua.
  const { emulatorFactory: create } = await import('./emulator-adapter.ts');
  return create(o);
};
