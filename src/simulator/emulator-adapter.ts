/**
 * Connects the simulator to the emulator's EtServer (src/emulator). The emulator follows the contract
 * (docs/API-CONTRACTS.md) with two small differences the adapter absorbs: classes are PC_* numbers, and
 * a stopwatch round 2 does not swap the teams by itself (the engine swaps the session teams at the
 * restart into round 2), so the adapter swaps `sess.sessionTeam` the same way. And the emulator spawns
 * every player at one of a few fixed test points (x 0/160), which would put a spawn in the wrong place of
 * the map for one frame; the adapter moves a (non-revive) spawn to the simulator's spawn area right before
 * et_ClientSpawn runs, as the engine would have placed him there (G_SelectSpawnPoint before the hook).
 */
import { EtServer } from '../emulator/index.ts';
import type { PlayerClass } from '../format/types.ts';
import type { ServerFactory, SimServer, TeamName } from './server.ts';
import { CLASS_NUMBER } from './weapons.ts';

export function adaptEmulator(s: EtServer): SimServer {
  let picker: ((slot: number) => [number, number, number] | null) | null = null;
  const engine = s.raw;
  const dispatch = engine.dispatch.bind(engine);
  engine.dispatch = (hook, args, rule) => {
    // et_ClientSpawn(c, revived 0, …): a wave spawn, or the spawn after a map_restart / team join.
    if (picker && hook === 'et_ClientSpawn' && args[1] === 0) {
      const slot = args[0] as number;
      const pos = picker(slot);
      if (pos) s.setOrigin(slot, pos);
    }
    return dispatch(hook, args, rule);
  };
  return {
    get levelTime() {
      return s.levelTime;
    },
    get gamestate() {
      return s.gamestate;
    },
    get hookErrors() {
      return s.hookErrors;
    },
    get hookReturns() {
      return s.hookReturns;
    },
    connect: (p) => s.connect(p),
    joinTeam: (slot: number, team: TeamName, cls?: PlayerClass) =>
      s.joinTeam(slot, team, (cls ? CLASS_NUMBER[cls] : 0) as 0 | 1 | 2 | 3 | 4),
    disconnect: (slot) => s.disconnect(slot),
    setOrigin: (slot, pos) => s.setOrigin(slot, pos),
    fire: async (slot, weapon) => {
      await s.fire(slot, weapon);
    },
    damage: async (target, attacker, amount, mod, dflags) => {
      const r = await s.damage(target, attacker, amount, mod, dflags);
      return { cancelled: r.cancelled, killed: r.killed, delivered: r.delivered };
    },
    revive: (slot, reviver) => s.revive(slot, reviver),
    suicide: (slot) => s.suicide(slot),
    runFrames: (n) => s.runFrames(n),
    runFor: (ms) => s.runFor(ms),
    startMatch: () => s.startMatch(),
    endRound: () => s.endRound(),
    changeMap: (map) => s.changeMap(map),
    mapRestart: () => s.mapRestart(),
    pause: () => s.pause(),
    unpause: () => s.unpause(),
    quit: () => s.quit(),
    gamePath: (rel) => s.gamePath(rel),
    isAlive: (slot) => s.isAlive(slot),
    isDowned: (slot) => s.lifeState(slot) === 'downed',
    setSpawnPicker: (pick) => {
      picker = pick;
    },
    swapsSidesAtRestart: true, // EtServer's stopwatchSwap (default on), as the engine does
  };
}

export const emulatorFactory: ServerFactory = async (o) => adaptEmulator(await EtServer.create(o));
