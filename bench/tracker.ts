/**
 * Tracker benchmark: cost of the Lua hooks with 64 players, under native lua5.4 (bench/lua/bench.lua with
 * a stub `et` API in Lua) and under wasmoon (through the emulator, minus an empty module). Reports µs per
 * et_Damage and per et_RunFrame, their share of a 50 ms server frame, the max of every hook including
 * the round-end write, and memory after 10 and 60 minutes of stress.
 * Load: stress = 64 hits per frame (1,280 hits/s) over attacker→target pairs that change every ~2 s;
 * quiet = 2 hits/s. Medians of several runs; the machine is shared, compare figures of one run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EtServer } from '../src/emulator/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TRACKER = join(root, 'lua', 'proximity_tracker.lua');
const STUB = join(root, 'bench', 'lua', 'stub_et.lua');
const DRIVER = join(root, 'bench', 'lua', 'bench.lua');
const FRAME_US = 50_000;

type Result = Record<string, number>;

function parse(out: string): Result {
  const r: Result = {};
  for (const line of out.split('\n')) {
    const m = /^(\S+) (-?[0-9.]+)$/.exec(line.trim());
    if (m) r[m[1]!] = Number(m[2]);
    else if (line.startsWith('tracker_error')) console.log('  !', line);
  }
  return r;
}

function runNative(mode: 'stress' | 'quiet' | 'micro', minutes: number): Result {
  const home = mkdtempSync(join(tmpdir(), 'proximity-bench-'));
  try {
    const p = spawnSync('lua5.4', [DRIVER, TRACKER, STUB, mode, String(minutes), home], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`lua5.4 failed: ${p.stderr}`);
    return parse(p.stdout);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * Under wasmoon, through the emulator: 64 players, `hitsPerFrame` et_Damage per 50 ms frame (1 damage each,
 * so nobody dies and every call is delivered). Timed from JS with performance.now() around each batch; run
 * once with the tracker and once with an empty module, the difference is the tracker's own cost in the VM.
 */
async function runEmulator(modules: string[] | undefined, hitsPerFrame: number, frames: number):
  Promise<{ damageUs: number; frameUs: number; maxFrameUs: number }> {
  const home = mkdtempSync(join(tmpdir(), 'proximity-bench-emu-'));
  try {
    const server = await EtServer.create({ homepath: home, maxClients: 64, modules, cvars: { timelimit: '0' } });
    for (let i = 0; i < 64; i++) await server.connect({ name: `P${i}` });
    for (let i = 0; i < 64; i++) await server.joinTeam(i, i % 2 ? 'ALLIES' : 'AXIS');
    await server.runFor(200);
    await server.startMatch();
    await server.runFor(3500);
    for (let i = 0; i < 64; i++) server.setOrigin(i, [(i % 8) * 200, Math.floor(i / 8) * 200, 0]);
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    let damageMs = 0, damageCalls = 0, frameMs = 0, maxFrame = 0;
    for (let f = 0; f < frames; f++) {
      const t0 = performance.now();
      for (let k = 0; k < hitsPerFrame; k++) {
        const a = rnd(64);
        const t = (a + 1 + 2 * rnd(31)) % 64; // always the other team
        await server.damage(t, a, 1, 8);
      }
      damageMs += performance.now() - t0;
      damageCalls += hitsPerFrame;
      const t1 = performance.now();
      await server.runFrames(1);
      const dt = performance.now() - t1;
      frameMs += dt;
      if (dt > maxFrame) maxFrame = dt;
    }
    await server.quit();
    return { damageUs: (damageMs * 1000) / Math.max(1, damageCalls), frameUs: (frameMs * 1000) / frames, maxFrameUs: maxFrame * 1000 };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, d = 2): string => n.toFixed(d);
const share = (us: number): string => `${((us / FRAME_US) * 100).toFixed(3)} %`;

function summarise(label: string, runs: Result[], resolution = ''): void {
  const m = (k: string) => median(runs.map((r) => r[k] ?? 0));
  const maxOf = (k: string) => Math.max(...runs.map((r) => r[k] ?? 0));
  const dmg = m('damage_us');
  const frame = m('frame_us_mean');
  console.log(
    `  ${label.padEnd(24)} et_Damage ${fmt(dmg, 3)} µs/call (${share(dmg)} of a frame; 64 hits ${share(dmg * 64)})` +
      ` | et_RunFrame mean ${fmt(frame)} µs (${share(frame)}), p99 ${fmt(m('p99_et_RunFrame_us'), 0)} µs` +
      ` | et_Obituary p99 ${fmt(m('p99_et_Obituary_us'), 0)} µs | round end ${fmt(m('round_end_us'), 0)} µs` +
      ` | max RunFrame ${fmt(maxOf('max_et_RunFrame_us'), 0)}, Obituary ${fmt(maxOf('max_et_Obituary_us'), 0)},` +
      ` Spawn ${fmt(maxOf('max_et_ClientSpawn_us'), 0)} µs${resolution} (median of ${runs.length})`,
  );
}

export async function run(): Promise<void> {
  const runs = Number(process.env.TRACKER_BENCH_RUNS ?? 5);
  console.log('tracker hook cost, 64 players (reference v3 tracker, same load: 2.7 µs/et_Damage, 5.4 µs/et_RunFrame)');

  const nativeStress: Result[] = [];
  const nativeQuiet: Result[] = [];
  for (let i = 0; i < runs; i++) {
    nativeStress.push(runNative('stress', 2));
    nativeQuiet.push(runNative('quiet', 2));
  }
  const micro = Array.from({ length: runs }, () => runNative('micro', 0));
  const mm = (k: string) => fmt(median(micro.map((r) => r[k] ?? 0)), 3);
  console.log(`  native et_Damage on an open engagement: ${mm('micro_1_us')} µs (1 attacker), ${mm('micro_3_us')} µs (3 attackers, crossfire checks), ${mm('micro_world_us')} µs (world damage, filtered)`);
  summarise('native stress (2 min)', nativeStress);
  summarise('native quiet (2 min)', nativeQuiet);

  // Under wasmoon through the emulator, tracker vs an empty module (the emulator's own cost).
  const empty = join(mkdtempSync(join(tmpdir(), 'proximity-bench-empty-')), 'empty.lua');
  writeFileSync(empty, '-- no hooks\n');
  for (const [label, hits, frames] of [['stress', 64, 600], ['quiet', 0, 600]] as const) {
    const withT: { damageUs: number; frameUs: number; maxFrameUs: number }[] = [];
    const without: { damageUs: number; frameUs: number; maxFrameUs: number }[] = [];
    for (let i = 0; i < 3; i++) {
      withT.push(await runEmulator(undefined, hits, frames));
      without.push(await runEmulator([empty], hits, frames));
    }
    const d = median(withT.map((r) => r.damageUs)) - median(without.map((r) => r.damageUs));
    const fr = median(withT.map((r) => r.frameUs)) - median(without.map((r) => r.frameUs));
    const withD = median(withT.map((r) => r.damageUs)), emptyD = median(without.map((r) => r.damageUs));
    const withF = median(withT.map((r) => r.frameUs)), emptyF = median(without.map((r) => r.frameUs));
    console.log(
      `  wasmoon via emulator ${label.padEnd(6)} (30 s):` +
        (hits ? ` tracker et_Damage +${fmt(d, 2)} µs/call (${share(d * hits)} of a frame for ${hits} hits; ${fmt(withD, 2)} with tracker vs ${fmt(emptyD, 2)} empty module),` : '') +
        ` et_RunFrame +${fmt(fr, 1)} µs/frame (${share(fr)}; ${fmt(withF, 1)} vs ${fmt(emptyF, 1)}) (median of 3; JS-side timing, so GC pauses of the host are included)`,
    );
  }

  // One long stress round: memory must stay bounded and the round-end write must stay small.
  const minutes = Number(process.env.TRACKER_BENCH_MINUTES ?? 60);
  const long = runNative('stress', minutes);
  const hooks = Object.keys(long)
    .filter((k) => k.startsWith('max_'))
    .map((k) => `${k.slice(4, -3)} ${fmt(long[k]!, 0)} µs (p99.9 ${fmt(long[`p999_${k.slice(4, -3)}_us`] ?? 0, 0)}, >1 ms: ${long[`over1ms_${k.slice(4, -3)}`] ?? 0} of ${long[`calls_${k.slice(4, -3)}`] ?? 0})`)
    .join('; ');
  console.log(
    `  ${minutes}-minute stress round (native): memory ${fmt(long.mem_mb_1 ?? 0, 2)} MB @1 min, ${fmt(long.mem_mb_10 ?? 0, 2)} MB @10 min,` +
      ` ${fmt(long.mem_mb_60 ?? 0, 2)} MB @60 min (collectgarbage("count") after a full collection, tracker + stub);` +
      ` ${long.damage_calls} et_Damage calls, ${fmt(long.damage_us ?? 0, 3)} µs each; round-end write ${fmt((long.round_end_us ?? 0) / 1000, 2)} ms`,
  );
  console.log(`  max per hook over the whole round: ${hooks}`);
  console.log('  reference v3 (same load): 2.7 µs/et_Damage, 5.4 µs/et_RunFrame, +22 MB/min, round-end stall 103 ms after 1 min, 1.57 s after 10 min');
}
