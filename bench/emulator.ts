/**
 * Emulator throughput: hook calls per second through the wasmoon bridge, for an empty hook, a hook that
 * reads entity fields (the bridge's hot path) and the real tracker under a fight. Medians of 5 runs.
 * Run: npm run bench -- emulator
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtServer, MOD } from '../src/emulator/index.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function measure(label: string, code: string | null, body: (s: EtServer) => Promise<number>): Promise<void> {
  const rates: number[] = [];
  for (let run = 0; run < 5; run++) {
    const home = mkdtempSync(join(tmpdir(), 'emu-bench-'));
    let modules: string[] | undefined;
    if (code !== null) {
      const p = join(home, 'bench.lua');
      writeFileSync(p, code);
      modules = [p];
    }
    const s = await EtServer.create({ homepath: home, modules, maxClients: 24 });
    for (let i = 0; i < 12; i++) {
      await s.connect({ name: `P${i}` });
      await s.joinTeam(i, i % 2 ? 'ALLIES' : 'AXIS', 1);
    }
    await s.startMatch();
    await s.runFor(3500);
    const t0 = performance.now();
    const calls = await body(s);
    const dt = (performance.now() - t0) / 1000;
    rates.push(calls / dt);
    await s.quit();
    rmSync(home, { recursive: true, force: true });
  }
  console.log(`${label.padEnd(58)} ${Math.round(median(rates)).toLocaleString('en-US').padStart(10)} hook calls/s`);
}

/**
 * The bridge's hot path side by side in one VM: et.gentity_get (raw C closure on the wasm exports) against
 * the same lookup through a wasmoon-wrapped JS function (what a plain `global.set` bridge costs).
 */
async function bridgeRatio(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'emu-bench-'));
  const p = join(home, 'bench.lua');
  writeFileSync(p, '');
  const s = await EtServer.create({ homepath: home, modules: [p] });
  await s.connect({ name: 'P0' });
  const vm = s.raw.vms[0]!;
  // A wasmoon-wrapped equivalent: JS function → getValue per argument → pushValue of the result.
  (vm as unknown as { engine: { global: { set(n: string, v: unknown): void } } }).engine.global.set('slow_get',
    (ent: number, field: string) => s.entity(ent)[field === 'health' ? 'health' : 'ps.origin']);
  const n = 20000;
  const fast: number[] = [], slow: number[] = [];
  for (let r = 0; r < 7; r++) {
    let t0 = performance.now();
    s.lua(`for i = 1, ${n} do local h = et.gentity_get(0, 'health') end`);
    fast.push((performance.now() - t0) / n);
    t0 = performance.now();
    s.lua(`for i = 1, ${n} do local h = slow_get(0, 'health') end`);
    slow.push((performance.now() - t0) / n);
  }
  const f = median(fast), w = median(slow);
  console.log(`gentity_get(0, 'health'): raw bridge ${(f * 1000).toFixed(2)} µs/call, wasmoon-wrapped ${(w * 1000).toFixed(2)} µs/call (×${(w / f).toFixed(1)})`);
  await s.quit();
  rmSync(home, { recursive: true, force: true });
}

export async function run(): Promise<void> {
  await bridgeRatio();
  const frames = async (s: EtServer) => { await s.runFrames(20000); return 20000; };
  await measure('et_RunFrame, empty Lua hook', 'function et_RunFrame(t) end', frames);
  await measure('et_RunFrame reading 12 × (ps.origin, health, team)', `
    function et_RunFrame(t)
      for c = 0, 11 do
        local o = et.gentity_get(c, 'ps.origin')
        local h = et.gentity_get(c, 'health')
        local team = et.gentity_get(c, 'sess.sessionTeam')
      end
    end`, async (s) => { await s.runFrames(2000); return 2000; });
  const fight = async (s: EtServer) => {
    let calls = 0;
    for (let i = 0; i < 3000; i++) {
      const a = (i * 2) % 12, t = (a + 1) % 12;
      await s.fire(a, 3);
      const r = await s.damage(t, a, 18, MOD['MOD_MP40']!);
      calls += 2 + (r.killed ? 1 : 0);
      if (i % 4 === 0) { await s.runFrames(1); calls++; }
      if (r.killed) await s.revive(t, (t + 2) % 12), calls += 2;
    }
    return calls;
  };
  await measure('fight (fire, damage, obituary, revive, frames): empty hooks', `
    function et_WeaponFire() end function et_Damage() end function et_Obituary() end function et_RunFrame() end`, fight);
  await measure('fight: real lua/proximity_tracker.lua', null, fight);
}
