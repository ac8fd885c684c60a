/**
 * Simulator benchmark: how fast the simulator plays 10-minute rounds through the emulator and the real
 * Lua tracker (6v6 and 32v32), and how much of that is the behaviour model alone (a stand-in server
 * without Lua), measured side by side in one run. Each figure is the median of a few runs; a run is
 * one whole session of one round (server start, connects, 10 s warmup, the round, intermission).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateSession } from '../src/simulator/index.ts';
import { FakeServer } from '../test/simulator/fake-server.ts';

const ROUND_SECONDS = 600;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function timeRound(perTeam: number, seed: number, withLua: boolean, dir: string): Promise<{ ms: number; engagements: number }> {
  let engagements = 0;
  const t0 = performance.now();
  await simulateSession({
    seed, outDir: join(dir, `${perTeam}-${seed}-${withLua}`), rounds: 1, maps: ['supply'], playersPerTeam: perTeam,
    roundSeconds: ROUND_SECONDS, onRound: (i) => (engagements += i.engagements),
    ...(withLua ? {} : { createServer: async (o) => new FakeServer(o) }),
  });
  return { ms: performance.now() - t0, engagements };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'proximity-bench-sim-'));
  try {
    console.log(`one ${ROUND_SECONDS / 60}-minute round per run (map supply); median of the runs; wall time includes server start, connects, warmup and intermission`);
    console.log('setup            runs  median ms  rounds/s  game-s per wall-s  engagements  model-only ms  Lua+emulator share');
    for (const [perTeam, runs] of [[6, 5], [32, 3]] as const) {
      const lua: number[] = [];
      const model: number[] = [];
      let eng = 0;
      for (let i = 0; i < runs; i++) {
        // Interleaved so load changes on the machine hit both the same way.
        const r = await timeRound(perTeam, 100 + i, true, dir);
        lua.push(r.ms);
        eng = r.engagements;
        model.push((await timeRound(perTeam, 100 + i, false, dir)).ms);
      }
      const m = median(lua);
      const mm = median(model);
      console.log(
        `${`${perTeam}v${perTeam}`.padEnd(16)} ${String(runs).padStart(4)}  ${m.toFixed(0).padStart(9)}  ${(1000 / m).toFixed(3).padStart(8)}  ${((ROUND_SECONDS * 1000) / m).toFixed(0).padStart(17)}  ${String(eng).padStart(11)}  ${mm.toFixed(0).padStart(13)}  ${(((m - mm) / m) * 100).toFixed(0).padStart(17)}%`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
