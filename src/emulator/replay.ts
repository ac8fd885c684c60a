/**
 * replayTrace: plays a golden hook trace (/work/shared/traces/*.jsonl) into Lua modules. The entity state of
 * every line is rebuilt (ents + argEnts, userinfo from the guid and the name seen in the trace), cvars come
 * from `_meta` lines and each line's gamestate, a new VM starts at every module-start, and the hooks are
 * called with the recorded arguments in the recorded order. Before each hook the recorded field reads are
 * repeated through the emulator's own et.gentity_get (in a private checker VM) and any value, type or error
 * text that differs from the recording is reported.
 */
import { readFileSync } from 'node:fs';
import { Engine, type HookError, type HookReturn } from './engine.ts';
import type { Vec3 } from './entities.ts';
import { ModuleVM, loadLua, type HookArg } from './lua-vm.ts';

/** The fields the real recorder read per entity (traces/README.md "ents"). */
export const RECORDED_FIELDS: Record<string, string> = {
  health: 'health', team: 'sess.sessionTeam', origin: 'ps.origin', netname: 'pers.netname',
  pm_type: 'ps.pm_type', connected: 'pers.connected', stat_health: 'ps.stats', class: 'sess.playerType',
  inuse: 'inuse',
};

export interface TraceLine {
  seq: number;
  levelTime: number;
  hook: string;
  args?: HookArg[] | Record<string, never>;
  gamestate?: string;
  ents?: Record<string, TraceEnt>;
  argEnts?: Record<string, TraceEnt>;
  reason?: string;
  vm?: number;
  cvars?: Record<string, string>;
}

export interface TraceEnt {
  health?: number; team?: number; origin?: number[]; netname?: string; guid?: string; pm_type?: number;
  connected?: number; stat_health?: number; class?: number; inuse?: number; errors?: Record<string, string>;
}

export interface ReplayMismatch {
  seq: number; hook: string; ent: number; field: string; expected: string; actual: string;
}

export interface ReplayResult {
  lines: number;
  hooksCalled: number;
  vmStarts: number;
  mismatches: ReplayMismatch[];
  hookErrors: HookError[];
  hookReturns: HookReturn[];
  console: string[];
  /** The engine after the replay (cvars, entities, fs) for further assertions. */
  engine: Engine;
  gamePath(relative: string): string;
}

/** Hook → the engine's return-value rule (see Engine.dispatch). */
const RULES: Record<string, 'observe' | 'isstring' | 'int1' | 'minus1' | 'fire' | 'chat'> = {
  et_ClientConnect: 'isstring', et_Obituary: 'isstring', et_Damage: 'int1', et_ClientCommand: 'int1',
  et_ConsoleCommand: 'int1', et_Revive: 'int1', et_FixedMGFire: 'int1', et_MountedMGFire: 'int1',
  et_AAGunFire: 'int1', et_UpgradeSkill: 'minus1', et_SetPlayerSkill: 'minus1', et_WeaponFire: 'fire',
  et_Chat: 'chat',
};

export function readTrace(path: string): TraceLine[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as TraceLine);
}

/** Formats a value the way the traces print it: floats with a decimal point (%.9g), integers without. */
export function traceFormat(v: unknown, float: boolean): string {
  if (typeof v !== 'number') return JSON.stringify(v);
  if (!float) return String(v);
  const s = String(Number(v.toPrecision(9)));
  return /[.eEn]/.test(s) ? s : `${s}.0`;
}

/** Lua run in the checker VM: reads the recorded fields with pcall, returns "field=value|…" per entity. */
const CHECKER = String.raw`
local fields = { 'health', 'sess.sessionTeam', 'ps.origin', 'pers.netname', 'ps.pm_type', 'pers.connected',
                 'ps.stats', 'sess.playerType', 'inuse' }
local function fmt(v)
  local t = math.type(v)
  if t == 'integer' then return string.format('%d', v) end
  if t == 'float' then
    local s = string.format('%.9g', v)
    if not s:find('[%.eEn]') then s = s .. '.0' end
    return s
  end
  if type(v) == 'table' then return '[' .. fmt(v[1]) .. ',' .. fmt(v[2]) .. ',' .. fmt(v[3]) .. ']' end
  if type(v) == 'string' then return '"' .. v .. '"' end
  return tostring(v)
end
function __check(ent)
  local out = {}
  for _, f in ipairs(fields) do
    local ok, v = pcall(et.gentity_get, ent, f)
    out[#out + 1] = f .. '=' .. (ok and fmt(v) or ('!' .. tostring(v)))
  end
  return table.concat(out, '\n')
end
`;

function expectedFor(e: TraceEnt): Map<string, string> {
  const m = new Map<string, string>();
  for (const [key, field] of Object.entries(RECORDED_FIELDS)) {
    const err = e.errors?.[field];
    if (err !== undefined) { m.set(field, '!' + err); continue; }
    const v = (e as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (key === 'origin') m.set(field, '[' + (v as number[]).map((x) => traceFormat(x, true)).join(',') + ']');
    else if (key === 'netname') m.set(field, JSON.stringify(v));
    else m.set(field, String(v));
  }
  return m;
}

export async function replayTrace(tracePath: string, opts: {
  homepath: string; modules?: string[]; verify?: boolean;
  /** Unix seconds at levelTime 0 (os.time()/os.date() in the VM); default 2026-01-01T00:00:00Z. */
  wallClockStartUnix?: number;
  /** Extra cvars (e.g. proximity_* config); the trace's own cvars win where they overlap. */
  cvars?: Record<string, string>;
}): Promise<ReplayResult> {
  await loadLua();
  const lines = readTrace(tracePath);
  const firstMeta = lines.find((l) => l.hook === '_meta');
  const maxClients = Number(firstMeta?.cvars?.['sv_maxclients'] ?? 20);
  const engine = new Engine({ homepath: opts.homepath, modules: opts.modules, maxClients,
    cvars: { ...(opts.cvars ?? {}), ...(firstMeta?.cvars ?? {}) }, wallClockStartUnix: opts.wallClockStartUnix });
  // The name for each guid: the first non-empty netname the trace shows (netname is empty during connect).
  const nameByGuid = new Map<string, string>();
  for (const l of lines) {
    for (const e of Object.values(l.ents ?? {})) {
      if (e.guid && e.netname && !nameByGuid.has(e.guid)) nameByGuid.set(e.guid, e.netname);
    }
  }
  const checker = opts.verify === false ? null : makeChecker(engine);
  const result: ReplayResult = {
    lines: lines.length, hooksCalled: 0, vmStarts: 0, mismatches: [], hookErrors: engine.hookErrors,
    hookReturns: engine.hookReturns, console: engine.console, engine,
    gamePath: (rel) => engine.fs.resolve(rel) ?? '',
  };
  let vmsUp = false;
  for (const line of lines) {
    engine.levelTime = line.levelTime;
    if (line.hook === '_meta') {
      for (const [k, v] of Object.entries(line.cvars ?? {})) engine.setCvar(k, v);
      if (line.reason === 'module-start') {
        if (vmsUp) engine.stopVMs();
        engine.entities.clearAll();      // a new game module starts with zeroed entities
        engine.startVMs();
        vmsUp = true;
        result.vmStarts++;
      }
      continue;
    }
    if (line.gamestate !== undefined) engine.setCvar('gamestate', line.gamestate);
    applyState(engine, line, nameByGuid);
    if (checker) verifyLine(engine, checker, line, result);
    const args = Array.isArray(line.args) ? line.args : [];
    result.hooksCalled++;
    if (line.hook === 'et_ClientCommand') {
      const [client, cmd, rest] = args as [number, string, string];
      engine.argv = [cmd, ...(rest ? String(rest).split(' ') : [])];
      engine.dispatch('et_ClientCommand', [client, cmd], 'int1');
      engine.argv = [];
    } else if (line.hook === 'et_Quit') {
      engine.stopVMs();                // et_Quit in every VM, then lua_close
      vmsUp = false;
    } else {
      engine.dispatch(line.hook, args, RULES[line.hook] ?? 'observe');
    }
  }
  if (vmsUp) engine.stopVMs();
  checker?.close();
  engine.fs.closeAll();
  return result;
}

function makeChecker(engine: Engine): ModuleVM {
  const vm = engine.makeDetachedVM('replay-checker.lua', Buffer.from(CHECKER));
  return vm;
}

/** Sets the recorded fields of every entity of the line; slots absent from `ents` are not connected. */
function applyState(engine: Engine, line: TraceLine, nameByGuid: Map<string, string>): void {
  const ents = line.ents ?? {};
  for (let slot = 0; slot < engine.maxClients; slot++) {
    if (!(String(slot) in ents) && !(line.argEnts && String(slot) in line.argEnts)) {
      engine.entities.values(slot)['pers.connected'] = 0;
    }
  }
  const all: [string, TraceEnt][] = [...Object.entries(ents), ...Object.entries(line.argEnts ?? {})];
  for (const [key, e] of all) {
    const num = Number(key);
    const v = engine.entities.values(num);
    const isClient = engine.entities.isClient(num);
    if (e.health !== undefined) v['health'] = e.health;
    if (e.inuse !== undefined) v['inuse'] = e.inuse;
    if (!isClient) continue;
    if (e.team !== undefined) v['sess.sessionTeam'] = e.team;
    if (e.origin) v['ps.origin'] = [e.origin[0] ?? 0, e.origin[1] ?? 0, e.origin[2] ?? 0] as Vec3;
    if (e.netname !== undefined) v['pers.netname'] = e.netname;
    if (e.pm_type !== undefined) v['ps.pm_type'] = e.pm_type;
    if (e.connected !== undefined) v['pers.connected'] = e.connected;
    if (e.stat_health !== undefined) (v['ps.stats'] as number[])[0] = e.stat_health;
    if (e.class !== undefined) v['sess.playerType'] = e.class;
    if (e.guid !== undefined) {
      const name = nameByGuid.get(e.guid) ?? e.netname ?? '';
      engine.userinfo[num] = `\\cl_guid\\${e.guid}\\name\\${name}\\ip\\10.0.0.${num + 1}:27960\\rate\\25000`;
    }
  }
}

function verifyLine(engine: Engine, checker: ModuleVM, line: TraceLine, result: ReplayResult): void {
  const all: [string, TraceEnt][] = [...Object.entries(line.ents ?? {}), ...Object.entries(line.argEnts ?? {})];
  for (const [key, e] of all) {
    const ent = Number(key);
    const got = new Map<string, string>();
    const text = String(checker.call('__check', [ent], 1).values[0]);
    for (const row of text.split('\n')) {
      const i = row.indexOf('=');
      got.set(row.slice(0, i), row.slice(i + 1));
    }
    for (const [field, want] of expectedFor(e)) {
      const have = got.get(field) ?? '(not read)';
      if (have !== want) {
        result.mismatches.push({ seq: line.seq, hook: line.hook, ent, field, expected: want, actual: have });
      }
    }
    if (e.guid !== undefined && engine.entities.isClient(ent)) {
      const guid = /\\cl_guid\\([^\\]*)/i.exec(engine.userinfo[ent] ?? '')?.[1] ?? '';
      if (guid !== e.guid) result.mismatches.push({ seq: line.seq, hook: line.hook, ent, field: 'cl_guid', expected: e.guid, actual: guid });
    }
  }
  engine.throwIfDropped();
}
