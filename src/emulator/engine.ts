/**
 * The engine side shared by the scripted server (EtServer) and the trace replayer: cvars, configstrings,
 * entities, userinfo, the file system, the module VMs and the hook dispatch with the engine's exact
 * return-value tests (g_lua.c G_LuaHook_*).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LuaMultiReturn } from 'wasmoon';
import { CS_PLAYERS, CS_SERVERINFO, ENTITYNUM_WORLD, etConstants } from './constants.ts';
import { EntityTable, lookupField, type FieldValue, type Vec3, type WeaponStat } from './entities.ts';
import { ErrDrop, GameFileSystem } from './filesystem.ts';
import { ModuleVM, type HookArg, type HookCallResult, type RawHandler } from './lua-vm.ts';

export { loadLua } from './lua-vm.ts';

export { ErrDrop } from './filesystem.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_MODULE = join(REPO_ROOT, 'lua', 'proximity_tracker.lua');

export interface EngineOptions {
  homepath: string;
  basepath?: string;
  modules?: string[];
  maxClients?: number;
  cvars?: Record<string, string>;
  wallClockStartUnix?: number;
  /** trap_Milliseconds() = levelTime + this (the engine's real-time clock started earlier). */
  millisecondsOffset?: number;
  /** Export EF_* (v2.84+; default true). */
  withEF?: boolean;
}

/** Cvars with CVAR_SERVERINFO that CS_SERVERINFO publishes (a subset that matters to scripts). */
const SERVERINFO_ORDER = ['sv_hostname', 'mapname', 'g_gametype', 'sv_maxclients', 'timelimit', 'gamestate', 'version',
  'protocol', 'g_needpass', 'sv_privateClients', 'fs_game', 'g_currentRound', 'g_nextTimeLimit'];
const SERVERINFO_KEYS = new Set(SERVERINFO_ORDER.map((k) => k.toLowerCase()));

export interface HookError { hook: string; message: string; module?: string; }
export interface HookReturn { hook: string; values: unknown[]; module?: string; }

/** What a Lua-visible print went through. */
export type ConsoleSink = (line: string) => void;

export class Engine {
  readonly homepath: string;
  readonly basepath: string;
  readonly modules: string[];
  readonly maxClients: number;
  readonly cvars = new Map<string, string>();
  readonly configstrings: string[] = [];
  readonly entities: EntityTable;
  readonly fs: GameFileSystem;
  readonly userinfo: string[] = [];
  readonly console: string[] = [];
  readonly hookErrors: HookError[] = [];
  readonly hookReturns: HookReturn[] = [];
  /** Commands queued by trap_SendConsoleCommand / sent to clients (for tests to inspect). */
  readonly consoleCommands: string[] = [];
  readonly serverCommands: { client: number; command: string }[] = [];
  vms: (ModuleVM | null)[] = [];
  levelTime = 0;
  wallClockStartUnix: number;
  millisecondsOffset: number;
  /** The argv of the command being executed (client or console command). */
  argv: string[] = [];
  dropped: ErrDrop | null = null;
  /** Called when a module asks for a console command (the server decides what it does). */
  onConsoleCommand: ((cmd: string) => void) | null = null;
  /** G_Damage from Lua; the scripted server plugs its damage path in here. */
  onLuaDamage: ((target: number, inflictor: number, attacker: number, damage: number, dflags: number, mod: number) => void) | null = null;
  private printDepth = 0;
  private readonly constants: Record<string, number | string>;
  private nextFreeEntity = 64;

  constructor(opts: EngineOptions) {
    this.homepath = resolve(opts.homepath);
    this.basepath = resolve(opts.basepath ?? opts.homepath);
    this.modules = (opts.modules ?? [DEFAULT_MODULE]).map((m) => resolve(m));
    this.maxClients = opts.maxClients ?? 20;
    this.entities = new EntityTable(this.maxClients);
    this.fs = new GameFileSystem(this.homepath, (msg) => this.drop(msg));
    this.wallClockStartUnix = opts.wallClockStartUnix ?? 1767225600;   // 2026-01-01T00:00:00Z
    this.millisecondsOffset = opts.millisecondsOffset ?? 5000;
    this.constants = etConstants({ withEF: opts.withEF ?? true });
    for (let i = 0; i < this.maxClients; i++) this.userinfo.push('');
    for (const [k, v] of Object.entries(opts.cvars ?? {})) this.cvars.set(k.toLowerCase(), String(v));
    this.updateServerInfo();
  }

  // ---- cvars / configstrings ------------------------------------------------------------------------------
  cvar(name: string): string { return this.cvars.get(name.toLowerCase()) ?? ''; }
  setCvar(name: string, value: string | number): void {
    const key = name.toLowerCase();
    this.cvars.set(key, String(value));
    if (SERVERINFO_KEYS.has(key)) this.updateServerInfo();   // CVAR_SERVERINFO → CS_SERVERINFO
  }
  cvarInt(name: string, dflt = 0): number {
    const n = parseFloat(this.cvar(name));
    return Number.isFinite(n) ? Math.trunc(n) : dflt;
  }
  configstring(i: number): string { return this.configstrings[i] ?? ''; }
  setConfigstring(i: number, s: string): void { this.configstrings[i] = s; }

  /** Recomputes CS_SERVERINFO from the serverinfo cvars the engine publishes. */
  updateServerInfo(): void {
    let s = '';
    for (const k of SERVERINFO_ORDER) {
      const v = this.cvars.get(k.toLowerCase());
      if (v !== undefined) s += `\\${k}\\${v}`;
    }
    this.setConfigstring(CS_SERVERINFO, s);
  }

  // ---- errors, printing ---------------------------------------------------------------------------------
  /** Com_Error(ERR_DROP): remembered so the emulator call fails even if Lua pcall'ed the error away. */
  drop(message: string): ErrDrop {
    const err = new ErrDrop(message);
    if (!this.dropped) {
      this.dropped = err;
      this.console.push(`ERROR: ${message}`);
    }
    return err;
  }

  throwIfDropped(): void {
    if (this.dropped) throw this.dropped;
  }

  /** G_Printf: console + every module's et_Print (text keeps its newline for et_Print). */
  gPrintf(text: string): void {
    this.console.push(text.replace(/\n$/, ''));
    if (this.printDepth > 4) return;   // the real engine would recurse until the C stack dies
    this.printDepth++;
    try {
      this.dispatch('et_Print', [text], 'observe');
    } finally {
      this.printDepth--;
    }
  }

  /** G_LogPrintf: with g_logTimestamp 1 (default) the line starts with "%8i " of level.time. */
  gLogPrintf(text: string): void {
    const line = this.cvar('g_logTimestamp') === '0' ? text : `${String(this.levelTime).padStart(8, ' ')} ${text}`;
    if (this.cvar('g_log')) {
      const [fd] = this.fs.open(this.cvar('g_log'), 2);
      if (fd) {
        this.fs.write(fd, Buffer.from(line, 'utf8'));
        this.fs.close(fd);
      }
    }
    this.gPrintf(line);
  }

  // ---- VMs ------------------------------------------------------------------------------------------------
  /** G_LuaInit: loads every module in order; a failing module is skipped (v2.82+ behaviour). */
  startVMs(): void {
    this.vms = [];
    for (const file of this.modules) {
      const code = readFileSync(file);
      const sha1 = createHash('sha1').update(code).digest('hex').toUpperCase();
      const slot = this.vms.length;
      const holder: { vm: ModuleVM | null } = { vm: null };
      const res = ModuleVM.create({
        fileName: basename(file), code, sha1, bridge: this.bridge(holder), raw: this.rawBridge(holder),
        constants: this.constants, homepath: this.homepath, basepath: this.basepath,
        onBeforeMain: (vm) => { holder.vm = vm; },
      });
      if (res.error !== null) {
        const what = res.kind === 'syntax' ? 'syntax error during pre-compilation' : 'G_LuaStartVM error running lua script';
        this.gPrintf(`Lua 5.4 API: ${what}: ${res.error}\n`);
        this.gPrintf('Lua 5.4 API: Lua VM start failed ( ' + basename(file) + ' )\n');
        this.hookErrors.push({ hook: res.kind === 'syntax' ? '(load)' : '(main chunk)', message: res.error, module: basename(file) });
        if (res.vm) {
          res.vm.call('et_Quit', [], 0);
          res.vm.close();
        }
        this.throwIfDropped();
        continue;
      }
      res.vm!.id = slot;
      this.vms.push(res.vm);
      this.gPrintf(`Lua 5.4 API: Loading ${basename(file)}\n`);
    }
  }

  /**
   * A VM with the full `et` table that is not in the hook list (no et_* hook is ever called in it): the
   * replayer reads entity fields through it exactly as a module would.
   */
  makeDetachedVM(fileName: string, code: Uint8Array): ModuleVM {
    const holder: { vm: ModuleVM | null } = { vm: null };
    const res = ModuleVM.create({
      fileName, code, sha1: '', bridge: this.bridge(holder), raw: this.rawBridge(holder), constants: this.constants,
      homepath: this.homepath, basepath: this.basepath, onBeforeMain: (vm) => { holder.vm = vm; },
    });
    if (!res.vm || res.error) throw new Error(`detached VM failed: ${res.error}`);
    return res.vm;
  }

  /** G_LuaShutdown: et_Quit then lua_close for each VM. */
  stopVMs(): void {
    for (const vm of this.vms) {
      if (!vm) continue;
      this.callOne(vm, 'et_Quit', [], 0);
      vm.close();
    }
    this.vms = [];
  }

  // ---- hook dispatch -----------------------------------------------------------------------------------
  private callOne(vm: ModuleVM, hook: string, args: readonly HookArg[], nres: number): HookCallResult {
    const r = vm.call(hook, args, nres);
    if (r.status === 'error') {
      this.hookErrors.push({ hook, message: r.error!, module: vm.fileName });
      this.throwIfDropped();
      this.gPrintf(`Lua 5.4 API: ${hook} error running lua script: '${r.error}'\n`);
    } else if (r.status === 'ok') {
      const nonNil = r.values.filter((v) => v !== null && v !== undefined);
      if (nonNil.length) this.hookReturns.push({ hook, values: r.values, module: vm.fileName });
    }
    this.throwIfDropped();
    return r;
  }

  /**
   * Calls `hook` in every VM in slot order with the engine's stop rule:
   *  observe  — return ignored;
   *  isstring — lua_isstring(first) stops the loop (connect rejection / obituary);
   *  int1     — lua_tointeger(first) == 1 stops the loop (damage cancel, commands, revive, MG fire);
   *  minus1   — lua_tointeger(first) == -1 stops the loop (skills);
   *  fire     — two results: first == 1 stops (fire skipped); second integer = fired entity.
   * Returns the result that stopped the loop, or null.
   */
  dispatch(hook: string, args: readonly HookArg[], rule: 'observe' | 'isstring' | 'int1' | 'minus1' | 'fire' | 'chat'): HookCallResult | null {
    this.throwIfDropped();     // a dropped server runs no more game code
    const nres = rule === 'observe' ? 0 : rule === 'fire' || rule === 'chat' ? 2 : 1;
    // Snapshot: a hook may shut the VMs down (e.g. a console command that restarts Lua).
    const vms = this.vms;
    let chatArgs = args;
    for (const vm of vms) {
      if (!vm || vm.isClosed) continue;
      const r = this.callOne(vm, hook, rule === 'chat' ? chatArgs : args, nres);
      if (r.status !== 'ok') continue;
      switch (rule) {
        case 'isstring': if (r.firstIsString) return r; break;
        case 'int1': if (r.firstInt === 1) return r; break;
        case 'minus1': if (r.firstInt === -1) return r; break;
        case 'fire': if (r.firstInt === 1) return r; break;
        case 'chat':
          if (r.firstInt !== 0 && r.secondString !== null) chatArgs = [args[0]!, args[1]!, r.secondString];
          break;
        default: break;
      }
    }
    if (rule === 'chat' && chatArgs !== args) {
      return { status: 'ok', values: [1, chatArgs[2]], firstIsString: false, firstInt: 1, secondInt: null, secondString: String(chatArgs[2]) };
    }
    return null;
  }

  // ---- userinfo ---------------------------------------------------------------------------------------
  getUserinfo(cn: number): string {
    if (cn < 0 || cn >= this.maxClients) throw this.drop(`SV_GetUserinfo: bad index ${cn}`);
    return this.userinfo[cn] ?? '';
  }

  setUserinfo(cn: number, s: string): void {
    if (cn < 0 || cn >= this.maxClients) throw this.drop(`SV_SetUserinfo: bad index ${cn}`);
    this.userinfo[cn] = s;
  }

  /** The CS_PLAYERS+cn string the game would publish (n, t, c, …); et_ClientUserinfoChanged fires on change. */
  playerConfigstring(cn: number): string {
    const v = this.entities.values(cn);
    if (v['pers.connected'] === 0) return '';
    return `n\\${v['pers.netname']}\\t\\${v['sess.sessionTeam']}\\c\\${v['sess.playerType']}\\lc\\${v['sess.latchPlayerType']}` +
      `\\r\\${v['sess.rank']}\\m\\0000000\\s\\0000000\\dn\\\\w\\${v['sess.playerWeapon']}\\lw\\${v['sess.latchPlayerWeapon']}` +
      `\\sw\\${v['sess.playerWeapon2']}\\lsw\\${v['sess.latchPlayerWeapon2']}\\mu\\${v['sess.muted']}\\ref\\${v['sess.referee']}` +
      `\\sc\\${v['sess.shoutcaster']}\\u\\${v['sess.uci']}`;
  }

  // ---- the et bridge ------------------------------------------------------------------------------------
  /** JS side of the `et` table for one VM (closures are built once per VM, not per call). */
  private bridge(holder: { vm: ModuleVM | null }): Record<string, unknown> {
    const ents = this.entities;
    // wasmoon cannot push JS null (its promise extension probes `.then`): nil is `undefined` here.
    const M = (...v: unknown[]) => LuaMultiReturn.from(v, (x) => (x === null ? undefined : x)) as unknown as LuaMultiReturn;
    return {
      gset: (ent: number, field: string, a: unknown, b: unknown) => {
        const def = lookupField(field, ents.isClient(ent));
        if (!def) return `tried to set invalid gentity field "${field}"`;
        if (def.readonly) return `tried to set read-only gentity field "${field}"`;
        const vals = ents.values(ent);
        const num = (x: unknown) => (typeof x === 'number' ? x : Number(x) || 0);
        switch (def.type) {
          case 'int': vals[def.name] = Math.trunc(num(a)); break;
          case 'float': vals[def.name] = num(a); break;
          case 'string': vals[def.name] = String(a ?? ''); break;
          case 'vec3': {
            const t = (Array.isArray(a) ? a : []) as unknown[];
            vals[def.name] = [num(t[0]), num(t[1]), num(t[2])];
            break;
          }
          case 'intarr': case 'floatarr': {
            const arr = vals[def.name] as number[];
            const i = Math.trunc(num(a));
            arr[i] = def.type === 'intarr' ? Math.trunc(num(b)) : num(b);
            break;
          }
          default: break;   // entity pointers are silently ignored
        }
        if (def.name === 'health' && ents.isClient(ent)) (vals['ps.stats'] as number[])[0] = vals['health'] as number;
        return undefined;
      },
      cvarset: (name: string, value: string) => this.setCvarFromLua(name, value),
      csset: (i: number, s: string) => this.setConfigstring(i, s),
      consolecmd: (_when: number, cmd: string) => {
        this.consoleCommands.push(cmd);
        this.onConsoleCommand?.(cmd);
      },
      servercmd: (cn: number, cmd: string) => { this.serverCommands.push({ client: cn, command: cmd }); },
      dropclient: (cn: number, reason: string) => { this.consoleCommands.push(`dropclient ${cn} ${reason}`); },
      argc: () => this.argv.length,
      concatargs: (i: number) => this.argv.slice(Math.max(0, i)).join(' '),
      clientnumfromstring: (s: string) => this.clientNumberFromString(s),
      gsay: (cn: number, mode: number, text: string) => { this.serverCommands.push({ client: -1, command: `chat "${text}" ${cn} ${mode}` }); },
      mute: (cn: number, on: number) => { if (ents.isClient(cn)) ents.values(cn)['sess.muted'] = on; },
      setuserinfo: (cn: number, s: string) => this.setUserinfo(cn, s),
      userinfochanged: (cn: number) => this.luaUserinfoChanged(cn),
      gprint: (text: string) => { this.console.push(text.replace(/\n$/, '')); },
      glogprint: (text: string) => this.gLogPrintf(text),
      luaprint: (text: string) => { this.console.push(text); },
      fsopen: (path: string, mode: number) => M(...this.fs.open(path, mode)),
      fsclose: (fd: number) => this.fs.close(fd),
      fsrename: (a: string, b: string) => this.fs.rename(a, b),
      fslist: (dir: string, ext: string) => this.fs.list(dir, ext),
      readfile: (p: string) => {
        try { return readFileSync(p, 'utf8'); } catch { return undefined; }
      },
      unixnow: () => this.wallClockStartUnix + Math.floor(this.levelTime / 1000),
      registermodname: (name: string) => { if (holder.vm && holder.vm.id >= 0) holder.vm.modName = name; },
      findself: () => (holder.vm && holder.vm.id >= 0 ? holder.vm.id : undefined),
      findmod: (slot: number) => {
        const vm = this.vms[slot];
        return vm ? M(vm.modName || vm.fileName, vm.sha1) : M(undefined, undefined);
      },
      ipcsend: (slot: number, msg: string) => {
        const target = this.vms[slot];
        if (!target) return 0;
        this.callOne(target, 'et_IPCReceive', [holder.vm?.id ?? -1, msg], 0);
        return 1;
      },
      gdamage: (target: number, inflictor: number, attacker: number, damage: number, dflags: number, mod: number) => {
        this.onLuaDamage?.(target, inflictor, attacker, damage, dflags, mod);
      },
      skillpoints: (cn: number, skill: number, points: number) => {
        if (!ents.isClient(cn)) return;
        const sp = ents.values(cn)['sess.skillpoints'] as number[];
        sp[skill] = (sp[skill] ?? 0) + points;
      },
      createentity: () => this.nextFreeEntity < ENTITYNUM_WORLD - 1 ? this.nextFreeEntity++ : undefined,
      entitiesfree: () => ENTITYNUM_WORLD - this.nextFreeEntity,
    };
  }

  /**
   * The hot `et` functions as raw C closures (see RawHandler): they read their arguments from the Lua stack
   * and push typed results directly — integers with lua_pushinteger, floats and vec3 components with
   * lua_pushnumber, exactly as g_lua.c does.
   */
  private rawBridge(holder: { vm: ModuleVM | null }): Record<string, RawHandler> {
    const ents = this.entities;
    const vm = () => holder.vm!;
    // Field lookups by the exact spelling used (scripts use few distinct names): skips toLowerCase per call.
    const clientCache = new Map<string, ReturnType<typeof lookupField> | null>();
    const entityCache = new Map<string, ReturnType<typeof lookupField> | null>();
    const lookup = (name: string, isClient: boolean) => {
      const cache = isClient ? clientCache : entityCache;
      let d = cache.get(name);
      if (d === undefined) {
        d = lookupField(name, isClient) ?? null;
        cache.set(name, d);
      }
      return d;
    };
    return {
      /** gget(ent, field, idx) → 0, value | 3, message | 4 (nil) | 5, 5 ints (weapon stat) | 6, 9 numbers. */
      gget: (L) => {
        const m = vm();
        const ent = m.argInt(L, 1);
        const field = m.argString(L, 2);
        const idx = m.argType(L, 3) > 0 ? m.argInt(L, 3) : 0;
        const def = lookup(field, ents.isClient(ent));
        if (!def) {
          m.pushInt(L, 3);
          m.pushString(L, `tried to get invalid gentity field "${field}"`);
          return 2;
        }
        const v = ents.values(ent)[def.name] as FieldValue;
        switch (def.type) {
          case 'int': m.pushInt(L, 0); m.pushInt(L, v as number); return 2;
          case 'float': m.pushInt(L, 0); m.pushFloat(L, v as number); return 2;
          case 'string': m.pushInt(L, 0); m.pushString(L, v as string); return 2;
          case 'vec3': m.pushInt(L, 0); m.pushVec3(L, v as Vec3); return 2;
          case 'intarr': m.pushInt(L, 0); m.pushInt(L, Math.trunc((v as number[])[idx] ?? 0)); return 2;
          case 'floatarr': m.pushInt(L, 0); m.pushFloat(L, (v as number[])[idx] ?? 0); return 2;
          case 'entity':
            if (v === null) { m.pushInt(L, 4); return 1; }
            m.pushInt(L, 0); m.pushInt(L, v as number); return 2;
          case 'wstat': {
            const st = (v as WeaponStat[])[idx] ?? [0, 0, 0, 0, 0];
            m.pushInt(L, 5);
            for (const x of st) m.pushInt(L, x);
            return 6;
          }
          case 'traj': {
            const t = v as { trType: number; trTime: number; trDuration: number; trBase: Vec3; trDelta: Vec3 };
            m.pushInt(L, 6); m.pushInt(L, t.trType); m.pushInt(L, t.trTime); m.pushInt(L, t.trDuration);
            for (const x of [...t.trBase, ...t.trDelta]) m.pushFloat(L, x);
            return 10;
          }
        }
        return 0;
      },
      cvarget: (L) => { const m = vm(); m.pushString(L, this.cvar(m.argString(L, 1)).slice(0, 255)); return 1; },
      csget: (L) => { const m = vm(); m.pushString(L, this.configstring(m.argInt(L, 1))); return 1; },
      argv: (L) => { const m = vm(); m.pushString(L, this.argv[m.argInt(L, 1)] ?? ''); return 1; },
      millis: (L) => { vm().pushInt(L, this.levelTime + this.millisecondsOffset); return 1; },
      getuserinfo: (L) => { const m = vm(); m.pushString(L, this.getUserinfo(m.argInt(L, 1))); return 1; },
      /** fswrite(data, fd): the data's raw bytes (Lua strings are byte strings). */
      fswrite: (L) => {
        const m = vm();
        const data = m.stackBytes(L, 1) ?? new Uint8Array(0);
        m.pushInt(L, this.fs.write(m.argInt(L, 2), data));
        return 1;
      },
      fsread: (L) => {
        const m = vm();
        m.pushBytes(L, this.fs.read(m.argInt(L, 1), m.argInt(L, 2)));
        return 1;
      },
    };
  }

  private setCvarFromLua(name: string, value: string): void {
    this.setCvar(name, value);
    if (name.toLowerCase() === 'lua_modules' || name.toLowerCase() === 'lua_allowedmodules') {
      // g_cvars.c: changing the module list shuts Lua down until the next map load.
      this.stopVMs();
    }
  }

  /** et.ClientUserinfoChanged(cn): re-reads name from userinfo; the hook fires if CS_PLAYERS+cn changed. */
  luaUserinfoChanged(cn: number): void {
    if (!this.entities.isClient(cn)) return;
    const v = this.entities.values(cn);
    if (v['pers.connected'] === 0) return;
    v['pers.netname'] = infoValue(this.userinfo[cn] ?? '', 'name').slice(0, 35);
    this.publishPlayer(cn);
  }

  /** Updates CS_PLAYERS+cn; fires et_ClientUserinfoChanged when it changed (g_client.c:2169). */
  publishPlayer(cn: number, force = false): void {
    const s = this.playerConfigstring(cn);
    if (!force && this.configstring(CS_PLAYERS + cn) === s) return;
    this.setConfigstring(CS_PLAYERS + cn, s);
    this.dispatch('et_ClientUserinfoChanged', [cn], 'observe');
  }

  clientNumberFromString(s: string): number {
    if (/^\d+$/.test(s)) {
      const n = Number(s);
      return n < this.maxClients && this.entities.values(n)['pers.connected'] === 2 ? n : -1;
    }
    const clean = (x: string) => x.replace(/\^[^^]/g, '').toLowerCase();
    const want = clean(s);
    let found = -1;
    for (let i = 0; i < this.maxClients; i++) {
      const v = this.entities.values(i);
      if (v['pers.connected'] !== 2) continue;
      if (clean(String(v['pers.netname'])).includes(want)) {
        if (found >= 0) return -1;
        found = i;
      }
    }
    return found;
  }

  close(): void {
    for (const vm of this.vms) vm?.close();
    this.vms = [];
    this.fs.closeAll();
  }
}

/** Info_ValueForKey (case-insensitive key), JS side. */
export function infoValue(info: string, key: string): string {
  const parts = info.split('\\');
  const want = key.toLowerCase();
  for (let i = info.startsWith('\\') ? 1 : 0; i + 1 < parts.length + 1; i += 2) {
    if ((parts[i] ?? '').toLowerCase() === want) return parts[i + 1] ?? '';
  }
  return '';
}
