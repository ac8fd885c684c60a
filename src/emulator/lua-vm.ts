/**
 * One Lua 5.4 VM per module (like lVM[] in g_lua.c), on wasmoon. Hooks are called through the raw C API
 * (lua_getglobal + lua_pcallk on the main state, as G_LuaCall does) instead of wasmoon's function wrappers,
 * which allocate a thread per call: this is the hot path of every benchmark.
 */
import { LuaEngine, LuaFactory, type LuaWasm } from 'wasmoon';
import { PRELUDE } from './prelude.ts';

const LUA_TNIL = 0, LUA_TBOOLEAN = 1, LUA_TNUMBER = 3, LUA_TSTRING = 4, LUA_TFUNCTION = 6;

let luaWasm: LuaWasm | null = null;
let loading: Promise<LuaWasm> | null = null;
/**
 * Loads the Lua wasm module once. Every VM is its own lua_State inside it, created synchronously, so a
 * map_restart in the middle of a frame loop needs no await (the engine restarts VMs mid-frame too).
 */
export async function loadLua(): Promise<void> {
  if (luaWasm) return;
  loading ??= captureExports(() => new LuaFactory().getLuaModule());
  luaWasm = await loading;
}

/**
 * The direct wasm exports of the Lua module. wasmoon's build routes every `module._lua_*` call through an
 * assertion wrapper (`function(){assert(...); return f.apply(null, arguments)}`), which costs more than
 * the Lua C function itself on the hot path; the instance's own exports skip it. Captured by observing
 * WebAssembly.instantiate once while the module loads; if that fails we keep the wrapped functions.
 */
let wasmExports: Record<string, unknown> | null = null;
async function captureExports<T>(load: () => Promise<T>): Promise<T> {
  const wa = (globalThis as unknown as { WebAssembly: unknown }).WebAssembly as { instantiate: (...a: unknown[]) => Promise<unknown> };
  const original = wa.instantiate;
  wa.instantiate = async function (this: unknown, ...args: unknown[]) {
    const r = (await original.apply(this, args)) as { instance?: { exports: Record<string, unknown> }; exports?: Record<string, unknown> };
    const exp = r.instance?.exports ?? r.exports;
    if (exp && typeof exp['lua_pcallk'] === 'function') wasmExports = exp;
    return r;
  };
  try {
    return await load();
  } finally {
    wa.instantiate = original;
  }
}

/** module._lua_* with the direct exports where they exist (same signatures: i64 as BigInt). */
function fastModule(module: RawModule): RawModule {
  if (!wasmExports) return module;
  const exp = wasmExports;
  return new Proxy(module, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop.startsWith('_') && prop !== '_malloc' && prop !== '_free') {
        const f = exp[prop.slice(1)];
        if (typeof f === 'function') return f;
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}
const fastCache = new WeakMap<object, RawModule>();
function rawModuleOf(lua: LuaWasm): RawModule {
  const m = lua.module as unknown as RawModule;
  let f = fastCache.get(m);
  if (!f) {
    // Resolve each function once into a plain object: a Proxy per call would cost what we save.
    const prox = fastModule(m);
    const o = Object.create(m) as RawModule;
    for (const k of RAW_FUNCTIONS) (o as unknown as Record<string, unknown>)[k] = (prox as unknown as Record<string, unknown>)[k];
    f = o;
    fastCache.set(m, f);
  }
  return f;
}
const RAW_FUNCTIONS = ['_lua_gettop', '_lua_settop', '_lua_type', '_lua_pushinteger', '_lua_pushnumber', '_lua_pushlstring',
  '_lua_pcallk', '_lua_isstring', '_lua_isinteger', '_lua_tointegerx', '_lua_tonumberx', '_lua_tolstring', '_lua_getglobal',
  '_luaL_loadbufferx', '_lua_createtable', '_lua_rawseti', '_lua_setfield', '_lua_pushcclosure', '_lua_pushnil', '_lua_error'];

/** A returned value, typed the way the engine's tests see it. */
export interface HookCallResult {
  status: 'missing' | 'ok' | 'error';
  error?: string;
  /** Values the hook returned (nresults as the engine requests), converted to JS; nil → null. */
  values: unknown[];
  /** lua_isstring(L, -nres) of the first result (string or number). */
  firstIsString: boolean;
  /** lua_tointeger(L, first) (0 when not convertible). */
  firstInt: number;
  /** Second result as integer if it is a number, else null (weapon fire / chat). */
  secondInt: number | null;
  secondString: string | null;
}

const MISSING: HookCallResult = Object.freeze({
  status: 'missing', values: [], firstIsString: false, firstInt: 0, secondInt: null, secondString: null,
}) as HookCallResult;

export type HookArg = number | string;

interface RawModule {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(n: number): number;
  _free(p: number): void;
  _lua_gettop(L: number): number;
  _lua_settop(L: number, idx: number): void;
  _lua_type(L: number, idx: number): number;
  _lua_pushinteger(L: number, n: bigint): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushlstring(L: number, p: number, len: number): number;
  _lua_pcallk(L: number, nargs: number, nres: number, errfunc: number, ctx: number, k: number): number;
  _lua_isstring(L: number, idx: number): number;
  _lua_isinteger(L: number, idx: number): number;
  _lua_tointegerx(L: number, idx: number, isnum: number): bigint | number;
  _lua_tonumberx(L: number, idx: number, isnum: number): number;
  _lua_tolstring(L: number, idx: number, lenPtr: number): number;
  _lua_getglobal(L: number, name: number): number;
  _luaL_loadbufferx(L: number, buf: number, len: number, name: number, mode: number): number;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_rawseti(L: number, idx: number, n: bigint): void;
  _lua_setfield(L: number, idx: number, k: number): void;
  _lua_pushcclosure(L: number, fn: number, n: number): void;
  _lua_pushnil(L: number): void;
  _lua_error(L: number): number;
  addFunction(fn: (L: number) => number, sig: string): number;
}

/**
 * A JS function called directly as a C closure (no wasmoon wrapper): it reads its arguments from the Lua
 * stack and pushes its results itself, returning how many. The hot `et` functions use this path: it is an
 * order of magnitude cheaper than wasmoon's generic conversion (measured in bench/emulator.ts).
 */
export type RawHandler = (L: number) => number;

/** lua_upvalueindex(1) = LUA_REGISTRYINDEX - 1 with LUAI_MAXSTACK 1000000. */
const UPVALUE1 = -1001000 - 1;
/** One wasm function per raw name, shared by all VMs; the closure's upvalue picks the VM's handler set. */
const rawFnPtrs = new Map<string, number>();
const rawHandlerSets = new Map<number, Record<string, RawHandler>>();
let nextHandlerSet = 1;
/** Raised from a raw handler: becomes a Lua error with this message (like luaL_error). */
export class LuaRaise extends Error {}

function rawFnPtr(raw: RawModule, name: string): number {
  let p = rawFnPtrs.get(name);
  if (p === undefined) {
    p = (Object.getPrototypeOf(raw) as RawModule).addFunction((L: number) => {
      const set = rawHandlerSets.get(Number(raw._lua_tointegerx(L, UPVALUE1, 0)));
      const fn = set?.[name];
      if (!fn) return 0;
      let message: string;
      try {
        return fn(L);
      } catch (err) {
        message = err instanceof Error ? err.message : String(err);
      }
      const bytes = Buffer.from(message, 'utf8');
      const buf = raw._malloc(bytes.length + 1);
      raw.HEAPU8.set(bytes, buf);
      raw._lua_pushlstring(L, buf, bytes.length);
      raw._free(buf);
      return raw._lua_error(L);
    }, 'ii');
    rawFnPtrs.set(name, p);
  }
  return p;
}

export class ModuleVM {
  private readonly raw: RawModule;
  private readonly L: number;
  private readonly lenPtr: number;
  /** Scratch buffer for pushing short strings without a malloc per call. */
  private scratch = 0;
  private scratchSize = 0;
  private handlerSet = 0;
  /** Hook names as C strings, allocated once (lua_getglobal needs a char*). */
  private readonly namePtrs = new Map<string, number>();
  private closed = false;
  /** The slot (g_lua.c vm->id) once the main chunk succeeded; -1 while it runs. */
  id = -1;
  modName = '';

  private constructor(private readonly engine: LuaEngine, readonly fileName: string, readonly sha1: string) {
    const lua: LuaWasm = engine.global.lua;
    this.raw = rawModuleOf(lua);
    this.L = engine.global.address;
    this.lenPtr = this.raw._malloc(8);
  }

  /**
   * Creates the state, opens all libs, installs the prelude with the given JS bridge, then loads the main
   * chunk (chunk name = the module's file name, no '@', so errors read [string "x.lua"]:LINE:).
   * Returns the VM and null, or null and the engine's error text.
   */
  static create(opts: {
    fileName: string; code: Uint8Array; sha1: string; bridge: Record<string, unknown>;
    constants: Record<string, number | string>; homepath: string; basepath: string;
    raw?: Record<string, RawHandler>;
    onBeforeMain?: (vm: ModuleVM) => void;
  }): { vm: ModuleVM | null; error: string | null; kind?: 'syntax' | 'run' } {
    if (!luaWasm) throw new Error('loadLua() must complete before a VM is created');
    const engine = new LuaEngine(luaWasm, { injectObjects: false, enableProxy: false, openStandardLibs: true });
    const vm = new ModuleVM(engine, opts.fileName, opts.sha1);
    engine.global.set('__et_js', opts.bridge);
    if (opts.raw) vm.installRaw('__et_js', opts.raw);
    engine.global.set('__et_const', opts.constants);
    engine.global.set('__et_home', opts.homepath);
    engine.global.set('__et_base', opts.basepath);
    engine.doStringSync(PRELUDE);
    opts.onBeforeMain?.(vm);
    const r = vm.raw;
    const buf = r._malloc(opts.code.length + 1);
    r.HEAPU8.set(opts.code, buf);
    const name = vm.cstr(opts.fileName);
    const st = r._luaL_loadbufferx(vm.L, buf, opts.code.length, name, 0);
    r._free(buf);
    if (st !== 0) {
      const msg = vm.errorText(-1);
      vm.close(false);
      return { vm: null, error: msg, kind: 'syntax' };
    }
    const run = r._lua_pcallk(vm.L, 0, 0, 0, 0, 0);
    if (run !== 0) {
      const msg = vm.errorText(-1);
      r._lua_settop(vm.L, 0);
      return { vm, error: msg, kind: 'run' };   // caller stops it (et_Quit if defined, then close)
    }
    r._lua_settop(vm.L, 0);
    return { vm, error: null };
  }

  /** Puts each raw handler into the global table `table` as a C closure tagged with this VM's set. */
  private installRaw(table: string, handlers: Record<string, RawHandler>): void {
    const r = this.raw, L = this.L;
    this.handlerSet = nextHandlerSet++;
    rawHandlerSets.set(this.handlerSet, handlers);
    r._lua_getglobal(L, this.cstr(table));
    for (const name of Object.keys(handlers)) {
      r._lua_pushinteger(L, BigInt(this.handlerSet));
      r._lua_pushcclosure(L, rawFnPtr(r, name), 1);
      r._lua_setfield(L, -2, this.cstr(name));
    }
    r._lua_settop(L, -2);
  }

  // ---- raw stack access for RawHandlers ----------------------------------------------------------------
  argType(L: number, i: number): number { return this.raw._lua_type(L, i); }
  argInt(L: number, i: number): number { return Number(this.raw._lua_tointegerx(L, i, 0)); }
  argNumber(L: number, i: number): number { return this.raw._lua_tonumberx(L, i, 0); }
  /** The argument as a JS string (UTF-8; short ASCII strings take a fast path). */
  argString(L: number, i: number): string {
    const r = this.raw;
    const p = r._lua_tolstring(L, i, this.lenPtr);
    if (!p) return '';
    const len = r.HEAPU32[this.lenPtr >> 2]!;
    const heap = r.HEAPU8;
    if (len <= 64) {
      let s = '';
      for (let k = 0; k < len; k++) {
        const c = heap[p + k]!;
        if (c > 127) return Buffer.from(heap.subarray(p, p + len)).toString('utf8');
        s += String.fromCharCode(c);
      }
      return s;
    }
    return Buffer.from(heap.subarray(p, p + len)).toString('utf8');
  }
  pushInt(L: number, n: number): void { this.raw._lua_pushinteger(L, BigInt(n)); }
  pushFloat(L: number, x: number): void { this.raw._lua_pushnumber(L, x); }
  pushNil(L: number): void { this.raw._lua_pushnil(L); }
  pushString(L: number, s: string): void {
    let ascii = s.length <= 256;
    for (let k = 0; ascii && k < s.length; k++) if (s.charCodeAt(k) > 127) ascii = false;
    if (!ascii) { this.pushBytes(L, Buffer.from(s, 'utf8')); return; }
    if (this.scratchSize < s.length + 1) {
      if (this.scratch) this.raw._free(this.scratch);
      this.scratchSize = 512;
      this.scratch = this.raw._malloc(this.scratchSize);
    }
    const heap = this.raw.HEAPU8;
    for (let k = 0; k < s.length; k++) heap[this.scratch + k] = s.charCodeAt(k);
    this.raw._lua_pushlstring(L, this.scratch, s.length);
  }
  /** Pushes a fresh 1-based table of floats (a vec3 as lua_pushnumber makes it). */
  pushVec3(L: number, v: readonly number[]): void {
    const r = this.raw;
    r._lua_createtable(L, 3, 0);
    for (let k = 0; k < 3; k++) {
      r._lua_pushnumber(L, v[k] ?? 0);
      r._lua_rawseti(L, -2, BigInt(k + 1));
    }
  }

  private cstr(s: string): number {
    let p = this.namePtrs.get(s);
    if (p === undefined) {
      const bytes = Buffer.from(s + '\0', 'utf8');
      p = this.raw._malloc(bytes.length);
      this.raw.HEAPU8.set(bytes, p);
      this.namePtrs.set(s, p);
    }
    return p;
  }

  /** Raw bytes of the string at idx (Lua strings are byte strings), or null if not a string/number. */
  stackBytes(L: number, idx: number): Uint8Array | null {
    const p = this.raw._lua_tolstring(L, idx, this.lenPtr);
    if (!p) return null;
    const len = this.raw.HEAPU32[this.lenPtr >> 2]!;
    return this.raw.HEAPU8.slice(p, p + len);
  }

  private stackString(idx: number): string | null {
    const b = this.stackBytes(this.L, idx);
    return b === null ? null : Buffer.from(b).toString('utf8');
  }

  /** The error object's text: a string, or a JS Error raised inside a bridge function, else "(null)". */
  private errorText(idx: number): string {
    const s = this.stackString(idx);
    if (s !== null) return s;
    const v = this.engine.global.getValue(idx);
    return v instanceof Error ? v.message : '(null)';
  }

  /** Pushes raw bytes as a Lua string onto L (for FS reads: byte-exact). */
  pushBytes(L: number, bytes: Uint8Array): void {
    const p = this.raw._malloc(bytes.length + 1);
    this.raw.HEAPU8.set(bytes, p);
    this.raw._lua_pushlstring(L, p, bytes.length);
    this.raw._free(p);
  }

  hasGlobalFunction(name: string): boolean {
    if (this.closed) return false;
    const t = this.raw._lua_getglobal(this.L, this.cstr(name));
    this.raw._lua_settop(this.L, -2);
    return t === LUA_TFUNCTION;
  }

  /**
   * G_LuaCall: lua_getglobal(name); skip if not a function; push args (ints as integers); lua_pcall with no
   * message handler. All results are kept (LUA_MULTRET) so that hookReturns sees every value a hook
   * returned, even from hooks whose results the engine discards; the engine's tests look at the first
   * `nres` results exactly as lua_pcall(…, nres) would leave them (missing ones are nil). The stack is
   * restored afterwards (re-entrant: hooks may call et functions that call hooks of this same VM).
   */
  call(name: string, args: readonly HookArg[], nres: number): HookCallResult {
    if (this.closed) return MISSING;
    const r = this.raw, L = this.L;
    const top = r._lua_gettop(L);
    if (r._lua_getglobal(L, this.cstr(name)) !== LUA_TFUNCTION) {
      r._lua_settop(L, top);
      return MISSING;
    }
    for (const a of args) {
      if (typeof a === 'number') r._lua_pushinteger(L, BigInt(a));
      else this.pushString(L, a);
    }
    const st = r._lua_pcallk(L, args.length, -1, 0, 0, 0);
    if (st !== 0) {
      const msg = this.errorText(-1);
      r._lua_settop(L, top);
      return { status: 'error', error: msg, values: [], firstIsString: false, firstInt: 0, secondInt: null, secondString: null };
    }
    const count = r._lua_gettop(L) - top;
    const first = top + 1;
    const result: HookCallResult = { status: 'ok', values: [], firstIsString: false, firstInt: 0, secondInt: null, secondString: null };
    for (let i = 0; i < count; i++) result.values.push(this.valueAt(first + i));
    if (nres >= 1 && count >= 1) {
      result.firstIsString = r._lua_isstring(L, first) !== 0;
      result.firstInt = Number(r._lua_tointegerx(L, first, 0));
    }
    if (nres >= 2 && count >= 2) {
      const t2 = r._lua_type(L, first + 1);
      if (t2 === LUA_TNUMBER && r._lua_isinteger(L, first + 1)) result.secondInt = Number(r._lua_tointegerx(L, first + 1, 0));
      if (t2 === LUA_TSTRING) result.secondString = this.stackString(first + 1);
    }
    r._lua_settop(L, top);
    return result;
  }

  private valueAt(idx: number): unknown {
    const r = this.raw, L = this.L;
    switch (r._lua_type(L, idx)) {
      case LUA_TNIL: return null;
      case LUA_TBOOLEAN: return this.engine.global.getValue(idx);
      case LUA_TNUMBER:
        return r._lua_isinteger(L, idx) ? Number(r._lua_tointegerx(L, idx, 0)) : r._lua_tonumberx(L, idx, 0);
      case LUA_TSTRING: return this.stackString(idx);
      default: {
        const v = this.engine.global.getValue(idx);
        return typeof v === 'function' ? '<function>' : v;
      }
    }
  }

  /** Runs Lua source in this VM (tests, debugging). Returns the first result. */
  eval(code: string): unknown {
    return this.engine.doStringSync(code);
  }

  memoryUsed(): number { return this.engine.global.getMemoryUsed(); }

  get isClosed(): boolean { return this.closed; }

  close(_quit = true): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.namePtrs.values()) this.raw._free(p);
    this.namePtrs.clear();
    if (this.scratch) this.raw._free(this.scratch);
    this.scratch = 0;
    rawHandlerSets.delete(this.handlerSet);
    this.raw._free(this.lenPtr);
    this.engine.global.close();
  }
}
