/**
 * ET:Legacy API emulator: runs real Lua modules in Lua 5.4 (wasmoon) behind an `et` table that behaves like
 * the engine's, and calls their hooks exactly as the engine does. See docs/EMULATOR.md.
 */
export { EtServer, ConnectionRejected, type EmulatorOptions, type TeamName, type PlayerClass } from './server.ts';
export { Engine, ErrDrop, DEFAULT_MODULE, REPO_ROOT, type HookError, type HookReturn } from './engine.ts';
export { ENTITYNUM_WORLD, ENTITYNUM_NONE, GS, TEAM, PM, MOD, WP, etConstants } from './constants.ts';
export { replayTrace, readTrace, traceFormat, RECORDED_FIELDS, type ReplayResult, type ReplayMismatch, type TraceLine,
  type TraceEnt } from './replay.ts';
export { loadLua } from './lua-vm.ts';
