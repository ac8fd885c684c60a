/**
 * The gentity model behind et.gentity_get / et.gentity_set (g_lua.c gentity_fields[] / gclient_fields[]).
 * Values are stored in plain JS per entity; the field table carries the engine's type so the Lua side can
 * push integers as integers and floats/vec3 as floats (Lua 5.4 subtypes matter to scripts).
 */
import { ENTITYNUM_WORLD, MAX_GENTITIES } from './constants.ts';

export type FieldType = 'int' | 'float' | 'string' | 'vec3' | 'intarr' | 'floatarr' | 'entity' | 'wstat' | 'traj';

export interface FieldDef {
  readonly name: string;         // canonical spelling (as in g_lua.c)
  readonly type: FieldType;
  readonly client: boolean;      // lives in gclient_t: only readable when the entity has a client
  readonly readonly: boolean;
  readonly size?: number;        // arrays
}

const I = 'int', F = 'float', S = 'string', V = 'vec3', IA = 'intarr', FA = 'floatarr';
type Row = [string, FieldType, boolean?, number?];   // name, type, readonly, array size

/** gclient_fields[] (client fields: only for slots < sv_maxclients). */
const CLIENT_ROWS: Row[] = [
  ['inactivityTime', I], ['inactivityWarning', I], ['pers.connected', I, true], ['pers.netname', S],
  ['pers.localClient', I, true], ['pers.initialSpawn', I, true], ['pers.enterTime', I, true],
  ['pers.spawnCycles', I], ['pers.teamState.state', I], ['pers.teamState.location', V, true],
  ['pers.teamState.flagsince', F], ['pers.teamState.lastfraggedcarrier', F],
  ['pers.teamState.lasthurtcarrier', F], ['pers.teamState.lastreturnedflag', F],
  ['pers.teamState.lastflagcarrier', F], ['pers.cmd.forwardmove', I], ['pers.cmd.rightmove', I],
  ['pers.cmd.upmove', I], ['pers.cmd.buttons', I], ['pers.cmd.wbuttons', I], ['pers.cmd.weapon', I],
  ['pers.cmd.serverTime', I], ['pers.playerStats.hitRegions', IA, true, 4],
  ['pers.playerStats.selfkills', I, true], ['pers.lastkilled_client', I, true],
  ['pers.lastrevive_client', I, true], ['pers.lastkiller_client', I, true], ['pers.lastammo_client', I, true],
  ['pers.lasthealth_client', I, true], ['pers.lastteambleed_client', I, true],
  ['pers.lastteambleed_dmg', I, true], ['pers.lastSpawnTime', I, true], ['pers.ready', I],
  ['pers.autoActivate', I], ['pers.predictItemPickup', I], ['pers.maxHealth', I],
  ['ps.pm_flags', I, true], ['ps.pm_time', I, true], ['ps.pm_type', I, true], ['ps.eFlags', I, true],
  ['ps.weapon', I, true], ['ps.weaponstate', I, true], ['ps.stats', IA, false, 16],
  ['ps.persistant', IA, false, 16], ['ps.ping', I, true], ['ps.powerups', IA, false, 16],
  ['ps.origin', V], ['ps.viewangles', V], ['ps.velocity', V], ['ps.ammo', IA, false, 64],
  ['ps.ammoclip', IA, false, 64], ['ps.classWeaponTime', I], ['ps.viewheight', I, true],
  ['ps.leanf', F, true], ['ps.clientNum', I, true], ['ps.groundEntityNum', I, true],
  ['ps.weapHeat', IA, true, 64], ['ps.curWeapHeat', I, true], ['ps.identifyClient', I, true],
  ['sess.sessionTeam', I], ['sess.spectatorTime', I], ['sess.spectatorState', I], ['sess.spectatorClient', I],
  ['sess.playerType', I], ['sess.playerWeapon', I], ['sess.playerWeapon2', I], ['sess.latchPlayerType', I],
  ['sess.latchPlayerWeapon', I], ['sess.latchPlayerWeapon2', I], ['sess.ignoreClients', IA, false, 2],
  ['sess.muted', I], ['sess.skillpoints', FA, true, 7], ['sess.startskillpoints', FA, true, 7],
  ['sess.startxptotal', F, true], ['sess.skill', IA, false, 7], ['sess.rank', I], ['sess.medals', IA, false, 7],
  ['sess.referee', I], ['sess.rounds', I], ['sess.spec_invite', I], ['sess.spec_team', I], ['sess.kills', I],
  ['sess.deaths', I], ['sess.gibs', I], ['sess.self_kills', I], ['sess.team_kills', I], ['sess.team_gibs', I],
  ['sess.time_axis', I, true], ['sess.time_allies', I, true], ['sess.time_played', I, true],
  ['sess.damage_given', I], ['sess.damage_received', I], ['sess.team_damage_given', I],
  ['sess.team_damage_received', I], ['sess.aWeaponStats', 'wstat', true, 28],
  ['sess.uci', I], ['sess.shoutcaster', I],
  ['lasthurt_client', I, true], ['lasthurt_mod', I, true], ['lasthurt_time', I, true],
  ['deathTime', I, true], ['respawnTime', I, true], ['disguiseClientNum', I, true], ['combatState', I, true],
  ['topMarker', I], ['deathAnimTime', I, true], ['freezed', I], ['acc', F, true], ['hspct', F, true],
  ['ping', I, true], ['maxlives', I, true],
];
/** Aliases the engine keeps for old scripts. */
const CLIENT_ALIASES: Record<string, string> = {
  'sess.team_damage': 'sess.team_damage_given', 'sess.team_received': 'sess.team_damage_received',
};

/** gentity_fields[] (every entity). */
const ENTITY_ROWS: Row[] = [
  ['activator', 'entity', true], ['chain', 'entity', true], ['classname', S], ['clipmask', I],
  ['closespeed', F], ['count', I], ['count2', I], ['damage', I], ['deathType', I], ['delay', F],
  ['dl_atten', I], ['dl_color', V], ['dl_shader', S, true], ['dl_stylestring', S, true], ['duration', F],
  ['end_size', I], ['enemy', 'entity'], ['entstate', I, true], ['flags', I, true], ['harc', F],
  ['health', I], ['inuse', I], ['isProp', I], ['item', S], ['key', I], ['message', S], ['methodOfDeath', I],
  ['mg42BaseEnt', I], ['missionLevel', I], ['model', S, true], ['model2', S, true], ['nextTrain', 'entity'],
  ['noise_index', I], ['prevTrain', 'entity'], ['props_frame_state', I, true], ['r.absmax', V, true],
  ['r.absmin', V, true], ['r.bmodel', I, true], ['r.contents', I], ['r.currentAngles', V],
  ['r.currentOrigin', V], ['r.eventTime', I], ['r.linked', I, true], ['r.maxs', V], ['r.mins', V],
  ['r.ownerNum', I], ['r.singleClient', I], ['r.svFlags', I], ['r.worldflags', I, true], ['radius', I],
  ['random', F], ['rotate', V], ['s.angles', V], ['s.angles2', V], ['s.apos', 'traj'], ['s.clientNum', I],
  ['s.constantLight', I], ['s.density', I], ['s.dl_intensity', I], ['s.dmgFlags', I], ['s.eFlags', I],
  ['s.eType', I], ['s.effect1Time', I], ['s.effect2Time', I], ['s.effect3Time', I], ['s.frame', I],
  ['s.groundEntityNum', I, true], ['s.loopSound', I], ['s.modelindex', I], ['s.modelindex2', I],
  ['s.number', I, true], ['s.onFireEnd', I], ['s.onFireStart', I], ['s.origin', V], ['s.origin2', V],
  ['s.pos', 'traj'], ['s.powerups', I, true], ['s.solid', I], ['s.teamNum', I], ['s.time', I],
  ['s.time2', I], ['s.weapon', I, true], ['scriptName', S, true], ['semiAutoFire', I], ['sound1to2', I],
  ['sound2to1', I], ['sound2to3', I], ['sound3to2', I], ['soundLoop', I], ['soundPos1', I], ['soundPos2', I],
  ['soundSoftclose', I], ['soundSoftendo', I], ['soundSoftendc', I], ['soundSoftopen', I], ['spawnflags', I],
  ['spawnitem', S, true], ['speed', F], ['splashDamage', I], ['splashMethodOfDeath', I], ['splashRadius', I],
  ['start_size', I], ['tagName', S, true], ['tagParent', 'entity'], ['takedamage', I], ['tankLink', 'entity'],
  ['target', S], ['TargetAngles', V], ['TargetFlag', I, true], ['targetname', S, true], ['teamchain', 'entity'],
  ['teammaster', 'entity'], ['track', S, true], ['varc', F], ['wait', F], ['waterlevel', I, true],
  ['watertype', I, true], ['nextthink', I], ['timestamp', I], ['angle', F], ['pain_debounce_time', I],
  ['fly_sound_debounce_time', I], ['last_move_time', I], ['lastHintCheckTime', I], ['damage_radius', F],
];

function defs(rows: Row[], client: boolean): FieldDef[] {
  return rows.map(([name, type, ro, size]) => ({ name, type, client, readonly: ro ?? false, size }));
}
export const CLIENT_FIELDS = defs(CLIENT_ROWS, true);
export const ENTITY_FIELDS = defs(ENTITY_ROWS, false);
const clientByLower = new Map(CLIENT_FIELDS.map((d) => [d.name.toLowerCase(), d]));
for (const [alias, target] of Object.entries(CLIENT_ALIASES)) clientByLower.set(alias, clientByLower.get(target)!);
const entityByLower = new Map(ENTITY_FIELDS.map((d) => [d.name.toLowerCase(), d]));
const PS_ORIGIN = clientByLower.get('ps.origin')!;
const R_ORIGIN = entityByLower.get('r.currentorigin')!;

/** Looks a field up like _etH_gentity_getfield: case-insensitive, client fields first (clients only). */
export function lookupField(name: string, isClient: boolean): FieldDef | undefined {
  const lower = name.toLowerCase();
  // "origin" is the engine's convenience alias: ps.origin for clients, r.currentOrigin otherwise.
  if (lower === 'origin') return isClient ? PS_ORIGIN : R_ORIGIN;
  if (isClient) {
    const c = clientByLower.get(lower);
    if (c) return c;
  }
  return entityByLower.get(lower);
}

export type Vec3 = [number, number, number];
/** One weapon-stat entry of sess.aWeaponStats: atts, deaths, headshots, hits, kills. */
export type WeaponStat = [number, number, number, number, number];
export type FieldValue = number | string | Vec3 | number[] | WeaponStat[] | null | Record<string, unknown>;

function defaultValue(d: FieldDef): FieldValue {
  switch (d.type) {
    case 'int': case 'float': return 0;
    case 'string': return '';
    case 'vec3': return [0, 0, 0];
    case 'intarr': case 'floatarr': return new Array<number>(d.size ?? 1).fill(0);
    case 'entity': return null;
    case 'wstat': return Array.from({ length: d.size ?? 28 }, () => [0, 0, 0, 0, 0] as WeaponStat);
    case 'traj': return { trType: 0, trTime: 0, trDuration: 0, trBase: [0, 0, 0], trDelta: [0, 0, 0] };
  }
}

/** The values of one entity, keyed by canonical field name. */
export type EntityValues = Record<string, FieldValue>;

export function freshEntity(num: number, withClient: boolean): EntityValues {
  const v: EntityValues = {};
  for (const d of ENTITY_FIELDS) v[d.name] = defaultValue(d);
  if (withClient) for (const d of CLIENT_FIELDS) v[d.name] = defaultValue(d);
  v['s.number'] = num;
  if (num === ENTITYNUM_WORLD) v['classname'] = 'worldspawn';
  return v;
}

/** The 1024 game entities; slots below sv_maxclients carry a gclient. */
export class EntityTable {
  private readonly ents = new Map<number, EntityValues>();
  constructor(readonly maxClients: number) {}

  isClient(num: number): boolean { return num >= 0 && num < this.maxClients; }

  /** The entity's values (created on first use, like the zeroed g_entities array). */
  values(num: number): EntityValues {
    let e = this.ents.get(num);
    if (!e) {
      e = freshEntity(num, this.isClient(num));
      this.ents.set(num, e);
    }
    return e;
  }

  /** Resets a client slot the way ClientConnect zeroes gclient_t (entity fields stay). */
  resetClient(num: number): EntityValues {
    const e = this.values(num);
    for (const d of CLIENT_FIELDS) e[d.name] = defaultValue(d);
    return e;
  }

  /** A new game module: g_entities is zeroed. */
  clearAll(): void { this.ents.clear(); }

  /**
   * ClientConnect: the gclient is zeroed, then the session is read back (sess.* survive reconnects after a
   * map load) unless this is a first-time connect. Entity fields (health, inuse…) keep stale values.
   */
  resetClientKeepSession(num: number, firstTime: boolean): EntityValues {
    const e = this.values(num);
    for (const d of CLIENT_FIELDS) {
      if (!firstTime && d.name.startsWith('sess.')) continue;
      e[d.name] = defaultValue(d);
    }
    return e;
  }

  inRange(num: number): boolean { return num >= 0 && num < MAX_GENTITIES; }
}
