/**
 * EtServer: a scripted ET:Legacy server around the real Lua modules. Each method performs the engine's
 * sequence of hook calls for one game event (order and state checked against /work/shared/traces), so a
 * test reads like a story: players join, move, hit, kill, leave; the round ends.
 * All work is synchronous inside (wasmoon calls are synchronous); methods return promises per the contract.
 */
import { CS_INTERMISSION, CS_LEVEL_START_TIME, CS_PLAYERS, ENTITYNUM_WORLD, EF_DEAD, GS, MOD, PM, PMF_LIMBO,
  SVF_BOT, TEAM } from './constants.ts';
import { Engine, type HookError, type HookReturn } from './engine.ts';
import { loadLua } from './lua-vm.ts';
import type { EntityValues, Vec3 } from './entities.ts';
import { MOD_NAMES } from './ids.ts';

export type TeamName = 'AXIS' | 'ALLIES' | 'SPECTATOR';
/** Player class: 0 soldier, 1 medic, 2 engineer, 3 field ops, 4 covert ops (PC_*), by number or name. */
export type PlayerClass = 0 | 1 | 2 | 3 | 4 | 'SOLDIER' | 'MEDIC' | 'ENGINEER' | 'FIELDOPS' | 'COVERTOPS';
const CLASS_NUMBERS: Record<string, number> = { SOLDIER: 0, MEDIC: 1, ENGINEER: 2, FIELDOPS: 3, COVERTOPS: 4 };
function classNumber(c: PlayerClass | undefined): number {
  if (c === undefined) return 0;
  return typeof c === 'number' ? c : CLASS_NUMBERS[c] ?? 0;
}

export interface EmulatorOptions {
  homepath: string;
  modules?: string[];
  maxClients?: number;
  fps?: number;
  map?: string;
  gametype?: number;
  cvars?: Record<string, string>;
  wallClockStartUnix?: number;
  warmup?: boolean;
  /** fs_basepath (default = homepath). */
  basepath?: string;
  /**
   * Reinforcement wave offsets in ms after level start: waves come at start + offset + k·limbotime. The engine
   * draws the offsets per map (CS_REINFSEEDS); the default is the golden-trace host's { axis: 0, allies: 1000 }.
   */
  reinforcementOffsets?: { axis: number; allies: number };
  /**
   * Downed players who are not revived tap out by themselves at the first wave at least 1 s after their
   * death (default true). false: they stay wounded until tapout()/revive (what the traces' clients did in s6).
   */
  autoTapout?: boolean;
  /**
   * Stopwatch: the map_restart that starts round 2 swaps every player's session team, as the engine does
   * (trace s6sw: slots 0/2 are Allies from the reconnect on). Default true; false keeps the teams.
   */
  stopwatchSwap?: boolean;
  /**
   * The ET:Legacy version to behave like (default 2.85). Before 2.84 there are no EF_* constants in `et` and
   * no et_Revive hook.
   */
  engineVersion?: number;
}

/** Thrown by connect() when a module rejected a human player (et_ClientConnect returned a string/number). */
export class ConnectionRejected extends Error {
  constructor(readonly slot: number, readonly reason: string) {
    super(`client ${slot} rejected: You are excluded from this server. ${reason}`);
    this.name = 'ConnectionRejected';
  }
}

const GIB_HEALTH = -175;
const FORCE_LIMBO_HEALTH = -113;
const MAX_HEALTH = 100;
/** Explosive MODs (bg_misc.c modTable): they may push health below GIB_HEALTH+1. */
const EXPLOSIVE_MODS = new Set(['MOD_GRENADE', 'MOD_PANZERFAUST', 'MOD_GRENADE_LAUNCHER', 'MOD_GRENADE_PINEAPPLE',
  'MOD_MAPMORTAR', 'MOD_MAPMORTAR_SPLASH', 'MOD_DYNAMITE', 'MOD_AIRSTRIKE', 'MOD_ARTY', 'MOD_EXPLOSIVE', 'MOD_GPG40',
  'MOD_M7', 'MOD_LANDMINE', 'MOD_SATCHEL', 'MOD_MORTAR', 'MOD_MORTAR2', 'MOD_BAZOOKA'].map((n) => MOD[n]!));

type Life = 'spectator' | 'alive' | 'downed' | 'limbo';

interface ClientInfo {
  name: string;
  guid: string;
  bot: boolean;
  life: Life;
  /** Level time at/after which a player in limbo (or downed) respawns; null = wave/none. */
  respawnAt: number | null;
  /** ClientBegin pending at this level time (map change: clients load the new map first). */
  beginAt: number | null;
  cls: number;
  /** Set by shove(): the next MOD_FALLING death is a MOD_SHOVE kill by this client (g_combat.c). */
  shovedBy: number | null;
}

export class EtServer {
  private readonly engine: Engine;
  private readonly opts: EmulatorOptions;
  private readonly frameMs: number;
  private readonly clients = new Map<number, ClientInfo>();
  private levelStartTime = 0;
  private countdownEnd: number | null = null;
  private exitQueuedAt: number | null = null;
  private intermissionAt: number | null = null;
  /** Map change: switch warmup → countdown on the first frame of the new game. */
  private pendingCountdown = false;
  private paused = false;
  private pauseAccum = 0;

  private constructor(opts: EmulatorOptions) {
    this.opts = opts;
    const maxClients = opts.maxClients ?? 20;
    const fps = opts.fps ?? 20;
    this.frameMs = Math.round(1000 / fps);
    const cvars: Record<string, string> = {
      sv_hostname: 'ETL Emulator', sv_maxclients: String(maxClients), sv_fps: String(fps),
      mapname: (opts.map ?? 'oasis').toLowerCase(), g_gametype: String(opts.gametype ?? 4), fs_game: 'legacy',
      fs_homepath: opts.homepath, fs_basepath: opts.basepath ?? opts.homepath, version: 'ET Legacy v2.85.0 linux-x86_64',
      protocol: '84', gamestate: String(opts.warmup ? GS.WARMUP : GS.WARMUP_COUNTDOWN), g_currentRound: '0',
      g_nextTimeLimit: '0', timelimit: '30', match_warmupDamage: '1', g_friendlyFire: '1', g_antiwarp: '1',
      g_antilag: '1', g_redlimbotime: '30000', g_bluelimbotime: '30000', g_warmup: '3', g_doWarmup: '0',
      g_intermissionTime: '60', g_logTimestamp: '1', g_log: '', nextmap: '', developer: '0',
      lua_modules: '', lua_allowedModules: '', g_luaModuleList: '',
      ...(opts.cvars ?? {}),
    };
    this.engine = new Engine({
      homepath: opts.homepath, basepath: opts.basepath, modules: opts.modules, maxClients, cvars,
      wallClockStartUnix: opts.wallClockStartUnix, withEF: (opts.engineVersion ?? 2.85) >= 2.84,
    });
    // et.G_Damage calls G_Damage with no direction, so DAMAGE_NO_KNOCKBACK (8) is OR-ed in (g_combat.c).
    this.engine.onLuaDamage = (target, _inflictor, attacker, damage, dflags, mod) => {
      this.damageSync(target, attacker, damage, mod, dflags | 8);
    };
  }

  /** Map load: VM(s), et_SpawnEntitiesFromString, et_InitGame(levelTime, seed, 0), 6 init frames (+100 ms). */
  static async create(opts: EmulatorOptions): Promise<EtServer> {
    await loadLua();
    const s = new EtServer(opts);
    s.loadGame(0);
    s.finishLoad();
    return s;
  }

  // ---- read-only state -----------------------------------------------------------------------------
  get levelTime(): number { return this.engine.levelTime; }
  get gamestate(): number { return Number(this.engine.cvar('gamestate')); }
  get console(): string[] { return this.engine.console; }
  get hookErrors(): HookError[] { return this.engine.hookErrors; }
  get hookReturns(): HookReturn[] { return this.engine.hookReturns; }
  /** Commands modules queued with trap_SendConsoleCommand. */
  get consoleCommands(): string[] { return this.engine.consoleCommands; }
  /** Commands modules sent to clients with trap_SendServerCommand. */
  get serverCommands(): { client: number; command: string }[] { return this.engine.serverCommands; }
  /** The engine underneath (entities, cvars, VMs) for tests that need to look deeper. */
  get raw(): Engine { return this.engine; }
  gamePath(relative: string): string {
    const p = this.engine.fs.resolve(relative);
    if (p === null) throw new Error(`refused game path: ${relative}`);
    return p;
  }
  cvar(name: string): string { return this.engine.cvar(name); }
  setCvar(name: string, value: string | number): void { this.engine.setCvar(name, value); }
  entity(num: number): EntityValues { return this.engine.entities.values(num); }
  /** Runs Lua in module VM `slot` (default 0) and returns its first result. */
  lua(code: string, slot = 0): unknown {
    const vm = this.engine.vms[slot];
    if (!vm) throw new Error(`no Lua module in slot ${slot}`);
    const r = vm.eval(code);
    this.engine.throwIfDropped();
    return r;
  }
  /** Connected slots (pers.connected != 0). */
  get slots(): number[] { return [...this.clients.keys()].sort((a, b) => a - b); }

  // ---- game load / VM lifecycle --------------------------------------------------------------------
  /** et_InitGame's randomSeed is Com_Milliseconds(): the engine clock (levelTime + 5000 here). */
  private nextSeed(): number {
    return this.engine.levelTime + this.engine.millisecondsOffset;
  }

  /** G_InitGame: new VMs, main chunk, et_SpawnEntitiesFromString, et_InitGame, 6 frames at +100 ms. */
  private loadGame(restart: 0 | 1): void {
    const e = this.engine;
    // A new game module: all entities are zeroed; client session data survive (g_session.c).
    const sessions = new Map<number, EntityValues>();
    for (const slot of this.clients.keys()) sessions.set(slot, { ...e.entities.values(slot) });
    e.entities.clearAll();
    for (const [slot, old] of sessions) {
      const v = e.entities.values(slot);
      for (const k of Object.keys(old)) if (k.startsWith('sess.')) v[k] = old[k]!;
    }
    for (let i = 0; i < 64; i++) e.setConfigstring(CS_PLAYERS + i, '');
    this.levelStartTime = e.levelTime;
    this.exitQueuedAt = null;
    e.setConfigstring(CS_LEVEL_START_TIME, String(e.levelTime));
    e.setConfigstring(CS_INTERMISSION, '0');
    e.updateServerInfo();
    e.startVMs();
    e.dispatch('et_SpawnEntitiesFromString', [], 'observe');
    e.dispatch('et_InitGame', [e.levelTime, this.nextSeed(), restart], 'observe');
    // GAME_INIT_FRAMES: the first one at the load time itself (the trace shows et_RunFrame(T) after InitGame).
    for (let i = 0; i < 6; i++) {
      if (i > 0) e.levelTime += 100;
      this.frameBody();
    }
  }

  /** After init frames: "run another frame to allow things to look at all the players" (+100 ms). */
  private finishLoad(): void {
    this.engine.levelTime += 100;
    this.frameBody();
  }

  // ---- clients -------------------------------------------------------------------------------------
  private info(slot: number): ClientInfo {
    const c = this.clients.get(slot);
    if (!c) throw new Error(`slot ${slot} is not connected`);
    return c;
  }

  private freeSlot(): number {
    for (let i = 0; i < this.engine.maxClients; i++) if (!this.clients.has(i)) return i;
    throw new Error('server is full');
  }

  /** Connects a player (firstTime 1): Connect → UserinfoChanged ×2 → Spawn(c,0,1,1) → Begin. */
  async connect(p: { name: string; guid?: string; bot?: boolean; slot?: number; ip?: string }): Promise<number> {
    const slot = p.slot ?? this.freeSlot();
    if (slot < 0 || slot >= this.engine.maxClients) throw new Error(`slot ${slot} out of range`);
    if (this.clients.has(slot)) throw new Error(`slot ${slot} is already connected`);
    const bot = p.bot ?? false;
    const guid = p.guid ?? (bot ? `OMNIBOT${String(slot).padStart(2, '0')}${'X'.repeat(23)}` : defaultGuid(p.name));
    const info: ClientInfo = { name: p.name, guid, bot, life: 'spectator', respawnAt: null, beginAt: null, cls: 0, shovedBy: null };
    this.engine.userinfo[slot] = userinfoString(p.name, guid, bot ? 'localhost' : (p.ip ?? `10.0.0.${slot + 1}:27960`));
    this.clientConnect(slot, info, true);
    this.clientBegin(slot, true);
    return slot;
  }

  /** ClientConnect: zero the client, session (team) read or initialised, et_ClientConnect, userinfo. */
  private clientConnect(slot: number, info: ClientInfo, firstTime: boolean): void {
    const e = this.engine;
    const v = e.entities.resetClientKeepSession(slot, firstTime);
    v['pers.connected'] = 1;
    if (firstTime) {
      v['sess.sessionTeam'] = TEAM.SPECTATOR;
      v['sess.playerType'] = 0;
      v['sess.latchPlayerType'] = 0;
    }
    v['r.svFlags'] = info.bot ? SVF_BOT : 0;
    v['ps.clientNum'] = slot;
    v['classname'] = 'player';
    this.clients.set(slot, info);
    const r = e.dispatch('et_ClientConnect', [slot, firstTime ? 1 : 0, info.bot ? 1 : 0], 'isstring');
    if (r && !info.bot) {
      const reason = String(r.values[0]);
      this.clients.delete(slot);
      v['pers.connected'] = 0;
      e.console.push(`Connection rejected for client ${slot}: You are excluded from this server. ${reason}`);
      throw new ConnectionRejected(slot, reason);
    }
    e.luaUserinfoChanged(slot);
  }

  /** ClientBegin: connected, in use, spawn (0,1,1) [→ limbo on a playing team], et_ClientBegin once. */
  private clientBegin(slot: number, forceUserinfo: boolean): void {
    const e = this.engine;
    const v = e.entities.values(slot);
    const info = this.info(slot);
    info.beginAt = null;
    v['pers.connected'] = 2;
    v['inuse'] = 1;
    v['pers.enterTime'] = e.levelTime;
    if (forceUserinfo) e.publishPlayer(slot, true);
    this.spawn(slot, 0, 1);
    // Joining a playing team more than 600 ms after level start puts the player straight into limbo.
    if (v['sess.sessionTeam'] !== TEAM.SPECTATOR && e.levelTime - this.levelStartTime > 600) this.limboOnJoin(slot);
    e.dispatch('et_ClientBegin', [slot], 'observe');
  }

  /** Joins a team: `team` command → UserinfoChanged ×2 → Spawn(c,0,1,1) → limbo → spawn at the next wave. */
  async joinTeam(slot: number, team: TeamName, cls?: PlayerClass): Promise<void> {
    this.joinTeamSync(slot, team, classNumber(cls));
  }

  private joinTeamSync(slot: number, team: TeamName, cls: number): void {
    const e = this.engine;
    const info = this.info(slot);
    const letter = team === 'AXIS' ? 'r' : team === 'ALLIES' ? 'b' : 's';
    if (this.clientCommand(slot, ['team', letter, String(cls)])) return;
    const v = e.entities.values(slot);
    const newTeam = team === 'AXIS' ? TEAM.AXIS : team === 'ALLIES' ? TEAM.ALLIES : TEAM.SPECTATOR;
    if (v['sess.sessionTeam'] === newTeam) {
      // Same team: only the class is latched for the next spawn (CS_PLAYERS "lc" changes), no respawn.
      if (v['sess.latchPlayerType'] !== cls) {
        v['sess.latchPlayerType'] = cls;
        info.cls = cls;
        e.publishPlayer(slot);
      }
      return;
    }
    if (info.life === 'alive' && v['sess.sessionTeam'] !== newTeam) {
      // SetTeam kills a living player first: obituary(c, c, MOD_SWITCHTEAM), no damage.
      this.playerDie(slot, slot, MOD['MOD_SWITCHTEAM']!, 0);
    }
    v['sess.sessionTeam'] = newTeam;
    v['sess.latchPlayerType'] = cls;
    v['sess.playerType'] = cls;
    info.cls = cls;
    e.publishPlayer(slot);                // team (and class) in CS_PLAYERS changed
    // ClientBegin runs again (no et_ClientBegin: pers.connected is already CON_CONNECTED)
    const ps = v;
    ps['ps.pm_type'] = PM.NORMAL;
    ps['ps.origin'] = [0, 0, 0];
    ps['ps.stats'] = new Array<number>(16).fill(0);
    e.publishPlayer(slot, true);
    this.spawn(slot, 0, 1);
    if (newTeam !== TEAM.SPECTATOR && e.levelTime - this.levelStartTime > 600) this.limboOnJoin(slot);
  }

  /** Executes a client command: argv is served through trap_Argv; returns true if a module consumed it. */
  private clientCommand(slot: number, argv: string[]): boolean {
    const e = this.engine;
    const saved = e.argv;
    e.argv = argv;
    try {
      return e.dispatch('et_ClientCommand', [slot, argv[0] ?? ''], 'int1') !== null;
    } finally {
      e.argv = saved;
    }
  }

  /** Any client command (say, vsay, ready, …): only et_ClientCommand; returns whether a module consumed it. */
  async command(slot: number, line: string): Promise<boolean> {
    this.info(slot);
    return this.clientCommand(slot, line.trim().split(/\s+/));
  }

  /** A server console / rcon command: et_ConsoleCommand(Argv(0)); returns whether a module consumed it. */
  async consoleCommand(line: string): Promise<boolean> {
    const e = this.engine;
    const saved = e.argv;
    e.argv = line.trim().split(/\s+/);
    try {
      return e.dispatch('et_ConsoleCommand', [e.argv[0] ?? ''], 'int1') !== null;
    } finally {
      e.argv = saved;
    }
  }

  /** ClientSpawn: health, class, origin set, then et_ClientSpawn(c, revived, teamChange, 1). */
  private spawn(slot: number, revived: 0 | 1, teamChange: 0 | 1): void {
    const e = this.engine;
    const v = e.entities.values(slot);
    const info = this.info(slot);
    const team = v['sess.sessionTeam'] as number;
    const stats = v['ps.stats'] as number[];
    v['health'] = MAX_HEALTH;
    stats[0] = MAX_HEALTH;
    stats[3] = MAX_HEALTH;
    stats[4] = v['sess.playerType'] as number;
    v['ps.pm_type'] = PM.NORMAL;
    v['ps.pm_flags'] = (v['ps.pm_flags'] as number) & ~PMF_LIMBO;
    v['ps.eFlags'] = (v['ps.eFlags'] as number) & ~EF_DEAD;
    v['ps.velocity'] = [0, 0, 0];
    v['ps.viewheight'] = 40;
    v['takedamage'] = team === TEAM.SPECTATOR ? 0 : 1;
    if (revived === 0) {
      v['sess.playerType'] = v['sess.latchPlayerType'] as number;   // a latched class applies at spawn
      stats[4] = v['sess.playerType'] as number;
      v['ps.origin'] = this.spawnPoint(slot, team);
      v['ps.viewangles'] = [0, team === TEAM.ALLIES ? 180 : 0, 0];
      v['pers.lastSpawnTime'] = e.levelTime;
      const weapon = team === TEAM.AXIS ? 3 : team === TEAM.ALLIES ? 8 : 0;   // MP40 / Thompson
      v['ps.weapon'] = weapon;
      v['sess.playerWeapon'] = weapon;
      if (team !== TEAM.SPECTATOR) (v['ps.powerups'] as number[])[1] = e.levelTime + 3000;   // spawn shield
    }
    v['r.currentOrigin'] = [...(v['ps.origin'] as Vec3)] as Vec3;
    info.life = team === TEAM.SPECTATOR ? 'spectator' : 'alive';
    info.respawnAt = null;
    info.shovedBy = null;
    e.dispatch('et_ClientSpawn', [slot, revived, teamChange, 1], 'observe');
  }

  private spawnPoint(slot: number, team: number): Vec3 {
    if (team === TEAM.SPECTATOR) return [0, 0, 200];     // intermission point
    const n = [...this.clients.keys()].filter((s) => s < slot && this.engine.entities.values(s)['sess.sessionTeam'] === team).length;
    return [team === TEAM.AXIS ? 0 : 160, (n % 8) * 96, 24.125];
  }

  /** Limbo: health 0, PM_DEAD, PMF_LIMBO; respawn at the next reinforcement wave (next frames in warmup). */
  private goLimbo(slot: number): void {
    const e = this.engine;
    const v = e.entities.values(slot);
    const info = this.info(slot);
    v['ps.pm_type'] = PM.DEAD;
    v['ps.pm_flags'] = (v['ps.pm_flags'] as number) | PMF_LIMBO;
    v['takedamage'] = 0;
    info.life = 'limbo';
    info.respawnAt = this.gamestate === GS.PLAYING ? null : e.levelTime + 100;
  }

  /** ClientBegin on a playing team after the first 600 ms: health 0, straight into limbo. */
  private limboOnJoin(slot: number): void {
    const v = this.engine.entities.values(slot);
    v['health'] = 0;
    (v['ps.stats'] as number[])[0] = 0;
    this.goLimbo(slot);
  }

  setOrigin(slot: number, pos: [number, number, number]): void {
    const v = this.engine.entities.values(slot);
    v['ps.origin'] = [pos[0], pos[1], pos[2]];
    v['r.currentOrigin'] = [pos[0], pos[1], pos[2]];
  }

  getOrigin(slot: number): [number, number, number] {
    const o = this.engine.entities.values(slot)['ps.origin'] as Vec3;
    return [o[0], o[1], o[2]];
  }

  setVelocity(slot: number, vel: [number, number, number]): void {
    this.engine.entities.values(slot)['ps.velocity'] = [vel[0], vel[1], vel[2]];
  }

  setViewAngles(slot: number, angles: [number, number, number]): void {
    this.engine.entities.values(slot)['ps.viewangles'] = [angles[0], angles[1], angles[2]];
  }

  /** Sets any gentity field directly (e.g. 'ps.eFlags', 'sess.playerType'); arrays take [index, value]. */
  setField(num: number, field: string, value: unknown): void {
    const v = this.engine.entities.values(num);
    v[field] = value as never;
  }

  isAlive(slot: number): boolean { return this.clients.get(slot)?.life === 'alive'; }
  lifeState(slot: number): Life | 'disconnected' { return this.clients.get(slot)?.life ?? 'disconnected'; }

  /** et_WeaponFire(c, weapon). Returns whether a module suppressed the shot (first result == 1). */
  async fire(slot: number, weapon: number): Promise<{ suppressed: boolean; firedEntity: number | null }> {
    const info = this.info(slot);
    if (info.life !== 'alive') return { suppressed: true, firedEntity: null };
    const v = this.engine.entities.values(slot);
    v['ps.weapon'] = weapon;
    const r = this.engine.dispatch('et_WeaponFire', [slot, weapon], 'fire');
    return { suppressed: r !== null, firedEntity: r?.secondInt ?? null };
  }

  /**
   * G_DamageExt from the hook on: et_Damage(target, attacker, damage, dflags, mod) with the pre-hit health
   * (uncapped damage) → health update → player_die → et_Obituary(victim, killer 0-63 or 1022, mod).
   * Not delivered (like the engine's early returns) during intermission, to spectators/limbo, to shielded
   * players, or for team damage in warmup / with g_friendlyFire 0.
   */
  async damage(target: number, attacker: number, amount: number, mod: number, dflags = 0):
    Promise<{ cancelled: boolean; killed: boolean; delivered: boolean }> {
    return this.damageSync(target, attacker, amount, mod, dflags);
  }

  private damageSync(target: number, attacker: number, amount: number, mod: number, dflags: number):
    { cancelled: boolean; killed: boolean; delivered: boolean } {
    const e = this.engine;
    const none = { cancelled: false, killed: false, delivered: false };
    const gs = this.gamestate;
    if (gs === GS.INTERMISSION || this.exitQueuedAt !== null) return none;
    const isClient = e.entities.isClient(target);
    const tInfo = this.clients.get(target);
    const tv = e.entities.values(target);
    if (isClient) {
      if (!tInfo || tInfo.life === 'spectator' || tInfo.life === 'limbo') return none;
      if (gs !== GS.PLAYING && e.cvar('match_warmupDamage') === '0') return none;
      const shield = (tv['ps.powerups'] as number[])[1] ?? 0;
      if (shield > e.levelTime && tInfo.life === 'alive') return none;
      const av = e.entities.isClient(attacker) && this.clients.has(attacker) ? e.entities.values(attacker) : null;
      if (av && attacker !== target && av['sess.sessionTeam'] === tv['sess.sessionTeam']) {
        if (e.cvar('g_friendlyFire') === '0') return none;
        if (gs !== GS.PLAYING) return none;    // warmup damage: enemies only
      }
    } else if (tv['takedamage'] === 0) {
      return none;
    }
    const take = Math.trunc(amount);
    if (e.dispatch('et_Damage', [target, attacker, take, dflags, mod], 'int1')) {
      return { cancelled: true, killed: false, delivered: true };
    }
    // After the hook: bookkeeping, then the health drop.
    const before = tv['health'] as number;
    if (isClient) {
      tv['lasthurt_client'] = attacker;
      tv['lasthurt_mod'] = mod;
      tv['lasthurt_time'] = e.levelTime;
      (tv['ps.persistant'] as number[])[5] = attacker;
    }
    let health = before - take;
    if (isClient) {
      if (take > 190) health = GIB_HEALTH - 1;
      else if (!EXPLOSIVE_MODS.has(mod) && health < GIB_HEALTH + 1) health = GIB_HEALTH + 1;
    }
    tv['health'] = health;
    if (!isClient || !tInfo) return { cancelled: false, killed: false, delivered: true };
    this.addDamageStats(target, attacker, take, before);
    let killed = false;
    if (tInfo.life === 'alive' && health <= 0) {
      killed = true;
      this.playerDie(target, attacker, mod, health);
    } else if (tInfo.life === 'downed') {
      if (health <= GIB_HEALTH) this.gib(target);
      else if (health < FORCE_LIMBO_HEALTH) this.goLimbo(target);
    }
    (tv['ps.stats'] as number[])[0] = tv['health'] as number;
    return { cancelled: false, killed, delivered: true };
  }

  private addDamageStats(target: number, attacker: number, take: number, before: number): void {
    if (this.gamestate !== GS.PLAYING || !this.engine.entities.isClient(attacker) || attacker === target) return;
    const tv = this.engine.entities.values(target), av = this.engine.entities.values(attacker);
    const counted = Math.max(0, Math.min(take, before));   // the killing blow counts only the remaining health
    if (av['sess.sessionTeam'] === tv['sess.sessionTeam']) {
      av['sess.team_damage_given'] = (av['sess.team_damage_given'] as number) + counted;
      tv['sess.team_damage_received'] = (tv['sess.team_damage_received'] as number) + counted;
    } else {
      av['sess.damage_given'] = (av['sess.damage_given'] as number) + counted;
      tv['sess.damage_received'] = (tv['sess.damage_received'] as number) + counted;
    }
  }

  /** player_die: PM_DEAD (wounded), stats, "Kill:" log line, et_Obituary once per life; gib at ≤ −175. */
  private playerDie(victim: number, attacker: number, mod: number, health: number): void {
    const e = this.engine;
    const v = e.entities.values(victim);
    const info = this.info(victim);
    // A fall after a shove: the obituary names the pusher and MOD_SHOVE, et_Damage said MOD_FALLING/1022.
    if (mod === MOD['MOD_FALLING'] && info.shovedBy !== null && this.clients.has(info.shovedBy)) {
      attacker = info.shovedBy;
      mod = MOD['MOD_SHOVE']!;
    }
    info.shovedBy = null;
    const killer = e.entities.isClient(attacker) && attacker < 64 ? attacker : ENTITYNUM_WORLD;
    v['health'] = health;
    (v['ps.stats'] as number[])[0] = health;
    v['ps.pm_type'] = PM.DEAD;
    v['ps.eFlags'] = (v['ps.eFlags'] as number) | EF_DEAD;
    v['deathTime'] = e.levelTime;
    v['pers.lastkiller_client'] = killer;
    info.life = 'downed';
    info.respawnAt = null;
    if (this.gamestate === GS.PLAYING) {
      v['sess.deaths'] = (v['sess.deaths'] as number) + 1;
      if (killer !== ENTITYNUM_WORLD && killer !== victim) {
        const kv = e.entities.values(killer);
        kv['pers.lastkilled_client'] = victim;
        if (kv['sess.sessionTeam'] === v['sess.sessionTeam']) kv['sess.team_kills'] = (kv['sess.team_kills'] as number) + 1;
        else kv['sess.kills'] = (kv['sess.kills'] as number) + 1;
      } else if (killer === victim) {
        v['sess.self_kills'] = (v['sess.self_kills'] as number) + 1;
      }
      e.gLogPrintf(`Kill: ${killer} ${victim} ${mod}: ${killer === ENTITYNUM_WORLD ? '<world>' : e.entities.values(killer)['pers.netname']} killed ${v['pers.netname']} by ${MOD_NAMES[mod] ?? mod}\n`);
    }
    if (this.gamestate !== GS.INTERMISSION) e.dispatch('et_Obituary', [victim, killer, mod], 'isstring');
    if (mod === MOD['MOD_SUICIDE'] || mod === MOD['MOD_SWITCHTEAM']) this.goLimbo(victim);
    else if ((v['health'] as number) <= GIB_HEALTH) this.gib(victim);
  }

  private gib(slot: number): void {
    const v = this.engine.entities.values(slot);
    v['ps.eFlags'] = (v['ps.eFlags'] as number) | 0x800;   // EF_GIBBED
    this.goLimbo(slot);
  }

  /** /kill: et_ClientCommand(c, "kill") → et_Obituary(c, c, MOD_SUICIDE), no et_Damage, instant limbo. */
  async suicide(slot: number): Promise<void> {
    if (this.clientCommand(slot, ['kill'])) return;
    const info = this.info(slot);
    if (info.life !== 'alive') return;
    this.playerDie(slot, slot, MOD['MOD_SUICIDE']!, 0);
  }

  /**
   * `pusher` shoves `slot` (the "shove" use-key push): no hook by itself; if `slot` then dies from
   * MOD_FALLING (damage(slot, 1022, n, MOD_FALLING, 8)), et_Obituary reports (slot, pusher, MOD_SHOVE 60).
   */
  shove(slot: number, pusher: number): void {
    this.info(slot).shovedBy = pusher;
  }

  /** A downed player taps out into limbo (respawns at the next wave). */
  async tapout(slot: number): Promise<void> {
    const info = this.info(slot);
    if (info.life === 'downed') this.goLimbo(slot);
  }

  /** Medic revive: et_ClientSpawn(c, 1, 0, 1) (health full, origin +9 z at hook time) then et_Revive. */
  async revive(slot: number, reviver: number): Promise<void> {
    const e = this.engine;
    const info = this.info(slot);
    if (info.life !== 'downed') throw new Error(`slot ${slot} is not downed (${info.life})`);
    const v = e.entities.values(slot);
    const body = [...(v['ps.origin'] as Vec3)] as Vec3;
    v['ps.origin'] = [body[0], body[1], body[2] + 9];
    this.spawn(slot, 1, 0);
    // ReviveEntity overwrites health and origin after the hook.
    v['health'] = Math.floor(MAX_HEALTH / 2);
    (v['ps.stats'] as number[])[0] = v['health'] as number;
    v['ps.origin'] = body;
    v['r.currentOrigin'] = [...body] as Vec3;
    v['pers.lastrevive_client'] = reviver;
    const invulnEnd = e.levelTime + 3000;
    (v['ps.powerups'] as number[])[1] = invulnEnd;
    if ((this.opts.engineVersion ?? 2.85) >= 2.84) e.dispatch('et_Revive', [slot, reviver, invulnEnd], 'int1');
  }

  /** et_ClientDisconnect only (no obituary); then inuse 0, connected 0, team 0. Fields stay stale. */
  async disconnect(slot: number): Promise<void> {
    const e = this.engine;
    this.info(slot);
    e.dispatch('et_ClientDisconnect', [slot], 'observe');
    const v = e.entities.values(slot);
    v['inuse'] = 0;
    v['pers.connected'] = 0;
    v['sess.sessionTeam'] = 0;
    e.setConfigstring(CS_PLAYERS + slot, '');
    this.clients.delete(slot);
  }

  /**
   * Skill upgrade: et_UpgradeSkill(−clientNum, skill) — the engine passes the negated client number
   * (g_stats.c bug) — then et_SetPlayerSkill(clientNum, skill); −1 from a module aborts. Returns whether the
   * upgrade went through.
   */
  async upgradeSkill(slot: number, skill: number): Promise<boolean> {
    this.info(slot);
    if (this.engine.dispatch('et_UpgradeSkill', [-slot, skill], 'minus1')) return false;
    if (this.engine.dispatch('et_SetPlayerSkill', [slot, skill], 'minus1')) return false;
    const sk = this.engine.entities.values(slot)['sess.skill'] as number[];
    sk[skill] = (sk[skill] ?? 0) + 1;
    return true;
  }

  /** A chat line: et_ClientCommand(say) then et_Chat per recipient (v2.83+), text chained through modules. */
  async say(slot: number, text: string, team = false): Promise<void> {
    if (this.clientCommand(slot, [team ? 'say_team' : 'say', ...text.split(' ')])) return;
    const sender = this.engine.entities.values(slot);
    for (const r of this.slots) {
      if (team && this.engine.entities.values(r)['sess.sessionTeam'] !== sender['sess.sessionTeam']) continue;
      this.engine.dispatch('et_Chat', [slot, r, text], 'chat');
    }
  }

  // ---- frames ----------------------------------------------------------------------------------------
  async runFrames(n: number): Promise<void> {
    this.engine.throwIfDropped();
    for (let i = 0; i < n; i++) this.frame();
  }

  async runFor(ms: number): Promise<void> {
    const end = this.engine.levelTime + ms;
    while (this.engine.levelTime + this.frameMs <= end) this.frame();
  }

  /** Runs frames until levelTime ≥ t. */
  async runUntil(t: number): Promise<void> {
    while (this.engine.levelTime < t) this.frame();
  }

  private frame(): void {
    this.engine.levelTime += this.frameMs;
    this.frameBody();
    this.afterFrame();
  }

  /** What the engine does right after a frame: the game's queued console command (map_restart / nextmap). */
  private afterFrame(): void {
    const e = this.engine;
    const t = e.levelTime;
    const gs = this.gamestate;
    if (gs === GS.WARMUP_COUNTDOWN && this.countdownEnd !== null && t > this.countdownEnd) {
      this.restart(GS.PLAYING);
      return;
    }
    if (gs === GS.INTERMISSION && this.intermissionAt !== null &&
        t >= this.intermissionAt + e.cvarInt('g_intermissionTime', 60) * 1000) {
      const next = e.cvar('nextmap').trim();
      if (!next) return;
      this.intermissionAt = null;
      this.execNextmap(next);
    }
  }

  /** `vstr nextmap`: understands "map_restart 0", "map <name>" and "vstr <cvar>". */
  private execNextmap(cmd: string, depth = 0): void {
    const [verb, arg] = cmd.split(/\s+/);
    if (verb === 'map_restart') this.restart(this.gamestate === GS.WARMUP_COUNTDOWN ? GS.PLAYING : GS.WARMUP);
    else if (verb === 'map' && arg) this.changeMapSync(arg);
    else if (verb === 'vstr' && arg && depth < 8) this.execNextmap(this.engine.cvar(arg), depth + 1);
  }

  /** One G_RunFrame at the current levelTime: clients think, exit rules, then et_RunFrame at the end. */
  private frameBody(): void {
    const e = this.engine;
    const t = e.levelTime;
    const prev = t - this.frameMs;
    if (this.paused) {
      this.pauseAccum += this.frameMs;
      while (this.pauseAccum >= 500) {
        this.pauseAccum -= 500;
        e.setConfigstring(CS_LEVEL_START_TIME, String(Number(e.configstring(CS_LEVEL_START_TIME)) + 500));
      }
    }
    if (this.pendingCountdown) {
      this.pendingCountdown = false;
      e.setCvar('gamestate', GS.WARMUP_COUNTDOWN);
    }
    const gs = this.gamestate;
    if (gs === GS.WARMUP_COUNTDOWN && this.countdownEnd === null) {
      this.countdownEnd = t + (e.cvarInt('g_warmup', 3) + 1) * 1000;
    }
    for (const [slot, info] of [...this.clients]) {
      const v = e.entities.values(slot);
      if (v['pers.connected'] === 0) continue;    // not yet re-connected after a map load
      if (info.beginAt !== null) {
        if (t >= info.beginAt) this.clientBegin(slot, false);
        continue;
      }
      if (info.life === 'spectator' && v['pers.connected'] === 2) v['ps.pm_type'] = gs === GS.INTERMISSION ? PM.INTERMISSION : PM.SPECTATOR;
      if (gs === GS.INTERMISSION) continue;
      if (info.life === 'limbo' || info.life === 'downed') {
        const team = v['sess.sessionTeam'] as number;
        let due = false;
        if (info.respawnAt !== null) due = info.life === 'limbo' && t >= info.respawnAt;
        else if (gs === GS.PLAYING && this.waveCrossed(team, prev, t)) {
          due = info.life === 'limbo' ||
            (this.opts.autoTapout !== false && t - (v['deathTime'] as number) >= 1000);
        }
        if (due) this.spawn(slot, 0, 0);
      }
    }
    if (gs !== GS.INTERMISSION && this.exitQueuedAt !== null && t > this.exitQueuedAt) this.beginIntermission();
    this.checkExitRules();
    e.dispatch('et_RunFrame', [t], 'observe');
  }

  private waveCrossed(team: number, prev: number, t: number): boolean {
    const limbo = this.engine.cvarInt(team === TEAM.AXIS ? 'g_redlimbotime' : 'g_bluelimbotime', 30000);
    if (limbo <= 0) return true;
    const offsets = this.opts.reinforcementOffsets ?? { axis: 0, allies: 1000 };
    const base = this.levelStartTime + (team === TEAM.AXIS ? offsets.axis : offsets.allies);
    const k0 = Math.floor((prev - base) / limbo), k1 = Math.floor((t - base) / limbo);
    return k1 > k0;
  }

  /** Timelimit (stopwatch round 2: g_nextTimeLimit) ends the round like CheckExitRules. */
  private checkExitRules(): void {
    const e = this.engine;
    if (this.gamestate !== GS.PLAYING || this.exitQueuedAt !== null) return;
    const stopwatch2 = e.cvar('g_gametype') === '3' && e.cvar('g_currentRound') === '1';
    const limitMin = parseFloat(stopwatch2 ? e.cvar('g_nextTimeLimit') : e.cvar('timelimit')) || 0;
    if (limitMin <= 0) return;
    const start = Number(e.configstring(CS_LEVEL_START_TIME)) || this.levelStartTime;
    if (e.levelTime - start >= limitMin * 60000) this.logExit('Timelimit hit.');
  }

  /** G_LogExit: stopwatch round bookkeeping, CS_INTERMISSION, "Exit:" line; intermission on the next frame. */
  private logExit(reason: string): void {
    const e = this.engine;
    if (e.cvar('g_gametype') === '3') {
      const round = e.cvar('g_currentRound') === '1' ? 1 : 0;
      if (round === 0) {
        const start = Number(e.configstring(CS_LEVEL_START_TIME)) || this.levelStartTime;
        const usedMin = (e.levelTime - start) / 60000;
        const limit = parseFloat(e.cvar('timelimit')) || 0;
        e.setCvar('g_nextTimeLimit', (limit > 0 ? Math.min(usedMin, limit) : usedMin).toFixed(6));
        e.setCvar('g_currentRound', '1');
      } else {
        e.setCvar('g_nextTimeLimit', '0');
        e.setCvar('g_currentRound', '0');
      }
    }
    e.setConfigstring(CS_INTERMISSION, '1');
    this.exitQueuedAt = e.levelTime;
    e.gLogPrintf(`Exit: ${reason}\n`);
  }

  private beginIntermission(): void {
    const e = this.engine;
    this.intermissionAt = e.levelTime;
    this.exitQueuedAt = null;
    e.setCvar('gamestate', GS.INTERMISSION);
    e.updateServerInfo();
    for (const slot of this.clients.keys()) {
      const v = e.entities.values(slot);
      if (v['pers.connected'] === 2) v['ps.pm_type'] = PM.INTERMISSION;
    }
  }

  /** Round exit (stopwatch: g_currentRound / g_nextTimeLimit at exit) → gamestate 3 on the next frame. */
  async endRound(reason = 'Timelimit hit.'): Promise<void> {
    if (this.gamestate === GS.INTERMISSION) return;
    if (this.exitQueuedAt === null) this.logExit(reason);
    while (this.gamestate !== GS.INTERMISSION) this.frame();
  }

  pause(): void { this.paused = true; this.pauseAccum = 0; }
  unpause(): void { this.paused = false; }

  // ---- map_restart / map change / quit --------------------------------------------------------------
  /** Countdown (if not yet running) to its end → map_restart → GS_PLAYING in a new VM; clients reconnect. */
  async startMatch(): Promise<void> {
    const e = this.engine;
    if (this.gamestate === GS.PLAYING) return;
    if (this.gamestate !== GS.WARMUP_COUNTDOWN) {
      e.setCvar('gamestate', GS.WARMUP_COUNTDOWN);
      this.countdownEnd = null;
    }
    // Frames until the countdown runs out; the frame after its end issues map_restart (see afterFrame).
    for (let guard = 0; this.gamestate !== GS.PLAYING; guard++) {
      if (guard > 1_000_000) throw new Error('countdown never ended');
      this.frame();
    }
  }

  /** map_restart: live if the countdown is running, otherwise back to warmup (then countdown). */
  async mapRestart(): Promise<void> {
    this.restart(this.gamestate === GS.WARMUP_COUNTDOWN ? GS.PLAYING : GS.WARMUP);
  }

  private restart(newState: number): void {
    const e = this.engine;
    const fromIntermission = this.gamestate === GS.INTERMISSION;
    // SV_MapRestart_f → SV_TransitionGameState: the new state is visible in et_ShutdownGame(1).
    e.setCvar('gamestate', newState);
    e.dispatch('et_ShutdownGame', [1], 'observe');
    e.stopVMs();
    this.countdownEnd = null;
    // Stopwatch round 1 over (g_currentRound toggled to 1 at exit): the restart into round 2 swaps sides.
    const swap = this.opts.stopwatchSwap !== false && fromIntermission &&
      e.cvar('g_gametype') === '3' && e.cvar('g_currentRound') === '1';
    this.intermissionAt = null;
    if (swap) {
      for (const slot of this.clients.keys()) {
        const v = e.entities.values(slot);
        if (v['sess.sessionTeam'] === TEAM.AXIS) v['sess.sessionTeam'] = TEAM.ALLIES;
        else if (v['sess.sessionTeam'] === TEAM.ALLIES) v['sess.sessionTeam'] = TEAM.AXIS;
      }
    }
    if (newState === GS.PLAYING) this.resetMatchStats();
    for (const info of this.clients.values()) { info.life = 'spectator'; info.respawnAt = null; info.beginAt = null; }
    this.pendingCountdown = newState === GS.WARMUP && e.cvar('g_doWarmup') !== '1';
    this.loadGame(1);
    this.reconnectAll(false);
    this.finishLoad();
  }

  /** level.fResetStats: a new match clears the session stats (not between stopwatch rounds). */
  private resetMatchStats(): void {
    const e = this.engine;
    if (e.cvar('g_gametype') === '3' && e.cvar('g_currentRound') === '1') return;
    for (const slot of this.clients.keys()) {
      const v = e.entities.values(slot);
      for (const k of ['kills', 'deaths', 'gibs', 'self_kills', 'team_kills', 'team_gibs', 'damage_given',
        'damage_received', 'team_damage_given', 'team_damage_received']) v[`sess.${k}`] = 0;
    }
  }

  /** Re-connects every client with firstTime 0 (map change: they begin 1.5–2.25 s later). */
  private reconnectAll(delayedBegin: boolean): void {
    const e = this.engine;
    let i = 0;
    for (const slot of [...this.clients.keys()].sort((a, b) => a - b)) {
      const info = this.clients.get(slot)!;
      info.life = 'spectator';
      info.respawnAt = null;
      try {
        this.clientConnect(slot, info, false);
      } catch (err) {
        // A module may reject the reconnect too: the engine drops that client and goes on with the others.
        if (err instanceof ConnectionRejected) continue;
        throw err;
      }
      if (delayedBegin) info.beginAt = e.levelTime + 1550 + 250 * i++;   // clients load the map (trace s6)
      else this.clientBegin(slot, false);
    }
  }

  /** map <name>: gamestate −1, g_currentRound 0, g_nextTimeLimit 0, et_ShutdownGame(0), new VM, warmup. */
  async changeMap(map: string): Promise<void> {
    this.changeMapSync(map);
  }

  private changeMapSync(map: string): void {
    const e = this.engine;
    e.setCvar('gamestate', GS.INITIALIZE);
    e.setCvar('g_currentRound', '0');
    e.setCvar('g_nextTimeLimit', '0');
    e.dispatch('et_ShutdownGame', [0], 'observe');
    e.stopVMs();
    e.setCvar('mapname', map.toLowerCase());
    e.setCvar('gamestate', GS.WARMUP);
    this.countdownEnd = null;
    this.intermissionAt = null;
    this.resetMatchStats();
    for (const info of this.clients.values()) { info.life = 'spectator'; info.respawnAt = null; info.beginAt = null; }
    // The new game starts in warmup; with g_doWarmup 0 the countdown starts on its first frame.
    const startCountdown = e.cvar('g_doWarmup') !== '1';
    this.loadGameThen(startCountdown);
    this.reconnectAll(true);
    this.finishLoad();
  }

  /** loadGame for a map change: gamestate 2 at et_InitGame, 1 from the first frame (g_doWarmup 0). */
  private loadGameThen(startCountdown: boolean): void {
    this.pendingCountdown = startCountdown;
    this.loadGame(0);
  }

  /** Server shutdown: et_ShutdownGame(0), et_Quit; the Lua states are closed. */
  async quit(): Promise<void> {
    const e = this.engine;
    if (e.vms.length) {
      e.dispatch('et_ShutdownGame', [0], 'observe');
      e.stopVMs();
    }
    e.close();
  }
}

function defaultGuid(name: string): string {
  // Deterministic 32-hex-char guid from the name (real clients send a hash of their etkey).
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (const ch of Buffer.from(name, 'utf8')) {
    h1 = Math.imul(h1 ^ ch, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ ch, 0x5bd1e995) >>> 0;
  }
  const hex = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return hex(h1) + hex(h2) + hex(h1 ^ 0xa5a5a5a5) + hex(h2 ^ 0x5a5a5a5a);
}

function userinfoString(name: string, guid: string, ip: string): string {
  return `\\cg_uinfo\\13 0 30\\g_password\\none\\cl_anonymous\\0\\cl_guid\\${guid}\\rate\\25000\\snaps\\20` +
    `\\name\\${name}\\protocol\\84\\ip\\${ip}`;
}
