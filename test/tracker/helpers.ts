/**
 * Shared helpers for the tracker tests: every test runs the real lua/proximity_tracker.lua in the
 * emulator (src/emulator) and reads what it wrote back through the format reader.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtServer, type EmulatorOptions, type TeamName } from '../../src/emulator/index.ts';
import { parseRoundFile } from '../../src/format/reader.ts';
import type { Engagement, PlayerClass, RoundFile } from '../../src/format/types.ts';

export const MOD = {
  GRENADE_LAUNCHER: 16, MP40: 8, THOMPSON: 9, FALLING: 32, SUICIDE: 33, SHOVE: 60, SWITCHTEAM: 59, KNIFE: 5,
  PANZERFAUST: 15,
} as const;

export interface PlayerSpec {
  name: string;
  team: TeamName;
  cls?: PlayerClass;
  pos?: [number, number, number];
  guid?: string;
  bot?: boolean;
}

export interface Round {
  server: EtServer;
  home: string;
  slots: number[];
}

const CLASS_NUMBER = { SOLDIER: 0, MEDIC: 1, ENGINEER: 2, FIELDOPS: 3, COVERTOPS: 4 } as const;

/** The time a spawn or revive shield lasts in the emulator (and the engine): wait it out before hitting. */
export const SHIELD_MS = 3100;

const homes: string[] = [];

export function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'proximity-tracker-test-'));
  homes.push(home);
  return home;
}

export function cleanupHomes(): void {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
}

export const defaultPlayers: PlayerSpec[] = [
  { name: '^1Attacker', team: 'AXIS', cls: 'MEDIC', pos: [0, 0, 0], guid: '0123456789ABCDEF0123456789ABCDEF' },
  { name: '^4Victim', team: 'ALLIES', cls: 'MEDIC', pos: [200, 0, 0], guid: 'FEDCBA9876543210FEDCBA9876543210' },
  { name: '^1Axis2', team: 'AXIS', cls: 'SOLDIER', pos: [0, 100, 0], guid: '00000000000000000000000000000002' },
  { name: '^4Allied2', team: 'ALLIES', cls: 'MEDIC', pos: [2000, 2000, 0], guid: '00000000000000000000000000000003' },
];

/**
 * A server whose round is live: players connected and on their teams, match started (map_restart into
 * PLAYING, clients re-connected and spawned), positions set. Slots are returned in the order of `players`.
 */
export async function startRound(
  players: PlayerSpec[] = defaultPlayers,
  opts: Partial<EmulatorOptions> = {},
): Promise<Round> {
  const home = tempHome();
  const server = await EtServer.create({ homepath: home, wallClockStartUnix: 1767225600, ...opts });
  const slots: number[] = [];
  for (const p of players) {
    slots.push(await server.connect({ name: p.name, guid: p.guid, bot: p.bot }));
  }
  for (let i = 0; i < players.length; i++) {
    await server.joinTeam(slots[i]!, players[i]!.team, CLASS_NUMBER[players[i]!.cls ?? 'SOLDIER']);
  }
  await server.runFor(200);
  await server.startMatch();
  const place = () => {
    for (let i = 0; i < players.length; i++) {
      const pos = players[i]!.pos;
      if (pos) server.setOrigin(slots[i]!, pos);
    }
  };
  place(); // at once, so heatmap samples do not depend on the emulator's spawn points
  await server.runFor(3500); // clients re-connect and spawn; spawn shields (3 s) expire
  place();
  await server.runFrames(1);
  return { server, home, slots };
}

/** Every finished round file the tracker wrote, parsed (sorted by name). */
export function roundFiles(server: EtServer, dir = 'proximity'): { name: string; text: string; round: RoundFile }[] {
  const path = server.gamePath(dir);
  if (!existsSync(path)) return [];
  return readdirSync(path)
    .filter((n) => n.endsWith('_engagements.txt'))
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(path, name));
      return { name, text: bytes.toString('latin1'), round: parseRoundFile(bytes, name) };
    });
}

export function partFiles(server: EtServer, dir = 'proximity'): string[] {
  const path = server.gamePath(dir);
  if (!existsSync(path)) return [];
  return readdirSync(path).filter((n) => n.endsWith('.part'));
}

/** Ends the round by intermission and returns the single file it produced. */
export async function finishRound(r: Round): Promise<RoundFile> {
  await r.server.endRound();
  await r.server.runFrames(2);
  assertClean(r.server);
  const files = roundFiles(r.server);
  assert.equal(files.length, 1, `expected exactly one round file, got ${files.map((f) => f.name).join(', ')}`);
  return files[0]!.round;
}

/** The tracker never raised an error and never returned a value from a hook. */
export function assertClean(server: EtServer): void {
  assert.deepEqual(server.hookErrors, [], 'hook errors');
  assert.deepEqual(server.hookReturns, [], 'hook returns');
  const errLines = server.console.filter((l) => /proximity: error|error running lua script|ERROR/.test(l));
  assert.deepEqual(errLines, [], 'console errors');
}

/** pid of the player line for a slot (the last connection in that slot). */
export function pidOf(round: RoundFile, slot: number): number {
  const ps = round.players.filter((p) => p.slot === slot);
  assert.ok(ps.length > 0, `no player in slot ${slot}`);
  return ps[ps.length - 1]!.pid;
}

export function only(round: RoundFile, pred: (e: Engagement) => boolean = () => true): Engagement {
  const es = round.engagements.filter(pred);
  assert.equal(es.length, 1, `expected one engagement, got ${JSON.stringify(es.map((e) => e.outcome))}`);
  return es[0]!;
}

/** n hits of `amount` from attacker on target, one per frame (50 ms at the default 20 fps). */
export async function hitEachFrame(server: EtServer, target: number, attacker: number, n: number, amount = 10, mod: number = MOD.MP40): Promise<void> {
  for (let i = 0; i < n; i++) {
    await server.damage(target, attacker, amount, mod);
    await server.runFrames(1);
  }
}
