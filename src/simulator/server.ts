/**
 * The part of the emulator's `EtServer` (docs/API-CONTRACTS.md) the simulator drives. Keeping it as an
 * interface lets tests run the behaviour model against a small stand-in and keeps the simulator honest:
 * it can only do what a real server would see happen.
 */
import type { PlayerClass } from '../format/types.ts';
import type { CombatPort } from './battle.ts';

export type TeamName = 'AXIS' | 'ALLIES' | 'SPECTATOR';

export interface SimServer extends CombatPort {
  readonly levelTime: number;
  readonly gamestate: number;
  connect(p: { name: string; guid?: string; bot?: boolean; slot?: number }): Promise<number>;
  joinTeam(slot: number, team: TeamName, cls?: PlayerClass): Promise<void>;
  disconnect(slot: number): Promise<void>;
  runFrames(n: number): Promise<void>;
  runFor(ms: number): Promise<void>;
  startMatch(): Promise<void>;
  endRound(): Promise<void>;
  changeMap(map: string): Promise<void>;
  mapRestart(): Promise<void>;
  pause(): void;
  unpause(): void;
  quit(): Promise<void>;
  readonly hookErrors: { hook: string; message: string }[];
  readonly hookReturns: { hook: string; values: unknown[] }[];
  gamePath(relative: string): string;
  /**
   * Whether the player is alive in the world (not downed, not in limbo). When the server can tell,
   * the simulator follows the server's reinforcement waves instead of predicting them.
   */
  isAlive?(slot: number): boolean;
  /**
   * True when the server itself swaps the session teams at the restart into stopwatch round 2, as the
   * engine does. Otherwise the simulator makes every player change team in the warmup instead.
   */
  readonly swapsSidesAtRestart?: boolean;
  /**
   * Lets the simulator choose where the server spawns a player at a reinforcement wave (the engine
   * picks a spawn point of the map; the emulator has only fixed test points).
   */
  setSpawnPicker?(pick: (slot: number) => [number, number, number] | null): void;
}

export interface ServerOptions {
  homepath: string;
  maxClients: number;
  fps: number;
  map: string;
  gametype: number;
  cvars: Record<string, string>;
  wallClockStartUnix: number;
  warmup: boolean;
}

export type ServerFactory = (opts: ServerOptions) => Promise<SimServer>;
