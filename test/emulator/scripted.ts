/**
 * Scripts the golden-trace scenarios with EtServer, so the tests can compare the scripted hook sequence
 * with the real engine's (traces/README.md "Scenarios").
 */
import { readFileSync } from 'node:fs';
import { EtServer, type EmulatorOptions } from '../../src/emulator/index.ts';
import { RECORDER, TRACES_DIR, tempHome } from './helpers.ts';

export const TRACE_PLAYERS = [
  { name: '^1Attacker', guid: '0123456789ABCDEF0123456789ABCDEF', team: 'AXIS', cls: 1 },
  { name: '^4Victim', guid: 'FEDCBA9876543210FEDCBA9876543210', team: 'ALLIES', cls: 1 },
  { name: '^1Axis2', guid: '00000000000000000000000000000002', team: 'AXIS', cls: 0 },
  { name: '^4Allied2', guid: '00000000000000000000000000000003', team: 'ALLIES', cls: 1 },
] as const;

/** The trace host's settings (traces/README.md). */
export async function traceHost(extra: Partial<EmulatorOptions> = {}): Promise<EtServer> {
  const { cvars, ...rest } = extra;
  return EtServer.create({
    homepath: tempHome(), modules: [RECORDER], maxClients: 8, gametype: 2, map: 'hosttest',
    reinforcementOffsets: { axis: 0, allies: 1000 },
    cvars: { g_redlimbotime: '5000', g_bluelimbotime: '5000', g_warmup: '3', g_intermissionTime: '5', timelimit: '0',
      g_antiwarp: '0', nextmap: 'map_restart 0', rec_skip_frames: '1', ...(cvars ?? {}) },
    ...rest,
  });
}

/** Common start: connect all four at 1600, join teams at 1850. */
export async function connectAndJoin(s: EtServer): Promise<void> {
  await s.runUntil(1600);
  for (const p of TRACE_PLAYERS) await s.connect({ name: p.name, guid: p.guid });
  await s.runUntil(1850);
  for (const [i, p] of TRACE_PLAYERS.entries()) await s.joinTeam(i, p.team, p.cls);
}

/** One trace hit: et_WeaponFire (MP40 3 / Thompson 8) then et_Damage with 18 and DAMAGE_DISTANCEFALLOFF. */
export async function shoot(s: EtServer, attacker: number, target: number, mod = 8): Promise<void> {
  await s.fire(attacker, mod === 8 ? 3 : 8);
  await s.damage(target, attacker, 18, mod, 64);
}

export interface Call { levelTime: number; hook: string; args: unknown[]; }

/** (levelTime, hook, args) of every hook line, without et_RunFrame (the recorder skipped most frames). */
export function callsOf(jsonl: string): Call[] {
  return jsonl.split('\n').filter((l) => l && !l.includes('"hook":"_meta"')).map((l) => JSON.parse(l))
    .filter((d) => d.hook !== 'et_RunFrame')
    .map((d) => ({ levelTime: d.levelTime, hook: d.hook, args: Array.isArray(d.args) ? d.args : [] }));
}

export function traceCalls(name: string): Call[] {
  return callsOf(readFileSync(`${TRACES_DIR}/${name}.jsonl`, 'utf8'));
}

export function recordedCalls(s: EtServer): Call[] {
  return callsOf(readFileSync(s.gamePath('recorder/trace.jsonl'), 'utf8'));
}
