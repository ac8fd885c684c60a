/**
 * ET:Legacy weapons as the simulator uses them: meansOfDeath ids (reference §4.1), the damage a hit
 * reports in et_Damage (final damage: headshot ×2 with a 50 minimum, ×0.8 while the helmet is on,
 * distance falloff for bullets) and rough fire rates/accuracy. Numbers are approximations of the
 * game's weapon table, tuned so fights last as long as they do on a public server (an SMG kill takes
 * 6–8 body hits, a rifle 3–4, a panzer or grenade at the impact point kills outright).
 */
import type { PlayerClass } from '../format/types.ts';

export type Side = 'AXIS' | 'ALLIES';

/** meansOfDeath_t ids (bg_public.h), only those the simulator produces. */
export const MOD = {
  GRENADE: 4,
  KNIFE: 5,
  LUGER: 6,
  COLT: 7,
  MP40: 8,
  THOMPSON: 9,
  STEN: 10,
  GARAND: 11,
  FG42: 13,
  PANZERFAUST: 15,
  GRENADE_LAUNCHER: 16, // Axis hand grenade
  FLAMETHROWER: 17,
  GRENADE_PINEAPPLE: 18, // Allied hand grenade
  DYNAMITE: 22,
  AIRSTRIKE: 23,
  ARTY: 26,
  FALLING: 32,
  SUICIDE: 33,
  CARBINE: 37,
  KAR98: 38,
  GPG40: 39,
  M7: 40,
  LANDMINE: 41,
  SATCHEL: 42,
  MOBILE_MG42: 44,
  GARAND_SCOPE: 46,
  K43: 50,
  K43_SCOPE: 51,
  MORTAR: 52, // Allied mortar
  MORTAR2: 63, // Axis mortar
} as const;

/** et_Damage damageFlags the game passes (g_local.h; not exported to Lua). */
export const DFLAGS = { RADIUS: 0x1, NO_KNOCKBACK: 0x8, DISTANCE_FALLOFF: 0x40 } as const;

/** A direct-fire weapon: each shot may hit one target. */
export interface Gun {
  kind: 'gun';
  name: string;
  mod: number;
  /** weapon_t in hand (et_WeaponFire's argument) */
  wp: number;
  body: number;
  /** Damage of a head hit with the helmet off; with the helmet on it is ×0.8. */
  head: number;
  /** Time between shots while firing (ms). */
  shotMs: number;
  /** Hit probability of a shot at point-blank range and at `range`. */
  accNear: number;
  accFar: number;
  /** Beyond this distance the player does not open fire with it. */
  range: number;
  /** Share of hits that land on the head. */
  headRate: number;
  /** Bullets lose damage with distance (dflags 64). */
  falloff: boolean;
  dflags: number;
}

/** An explosive or area weapon: one detonation hits everybody within `radius`, self and team included. */
export interface Blast {
  kind: 'blast';
  name: string;
  mod: number;
  /** weapon_t fired (et_WeaponFire), or null when the game does not call it (artillery, mines) */
  wp: number | null;
  damage: number;
  radius: number;
  /** Throw / call range: the impact point is near a target at most this far away. */
  range: number;
  /** Seconds between two uses by one player (grenade pack, charge bar). */
  cooldownS: number;
  /** Delay between the decision and the detonation (fuse, shell flight, bomber run). */
  delayMs: number;
  /** How far the impact lands from the aimed point (units, standard deviation). */
  spread: number;
  /** Number of detonations (an airstrike drops a line of bombs, artillery several shells). */
  shells: number;
}

export type Weapon = Gun | Blast;

function gun(name: string, mod: number, wp: number, g: Omit<Gun, 'kind' | 'name' | 'mod' | 'wp' | 'dflags'>): Gun {
  return { kind: 'gun', name, mod, wp, ...g, dflags: g.falloff ? DFLAGS.DISTANCE_FALLOFF : 0 };
}

const smg = { body: 18, head: 50, shotMs: 150, accNear: 0.55, accFar: 0.12, range: 1900, headRate: 0.12, falloff: true };

export const GUNS = {
  mp40: gun('MP40', MOD.MP40, 3, smg),
  thompson: gun('Thompson', MOD.THOMPSON, 8, smg),
  sten: gun('Sten', MOD.STEN, 10, { ...smg, body: 14, shotMs: 140 }),
  fg42: gun('FG42', MOD.FG42, 32, { ...smg, body: 16, shotMs: 110, accNear: 0.45, range: 2300 }),
  garand: gun('Garand', MOD.GARAND, 25, { body: 34, head: 68, shotMs: 420, accNear: 0.6, accFar: 0.35, range: 2800, headRate: 0.2, falloff: true }),
  k43: gun('K43', MOD.K43, 31, { body: 34, head: 68, shotMs: 420, accNear: 0.6, accFar: 0.35, range: 2800, headRate: 0.2, falloff: true }),
  garandScope: gun('Garand (scoped)', MOD.GARAND_SCOPE, 40, { body: 50, head: 100, shotMs: 1000, accNear: 0.4, accFar: 0.45, range: 4000, headRate: 0.35, falloff: false }),
  k43Scope: gun('K43 (scoped)', MOD.K43_SCOPE, 41, { body: 50, head: 100, shotMs: 1000, accNear: 0.4, accFar: 0.45, range: 4000, headRate: 0.35, falloff: false }),
  mg42: gun('MG42', MOD.MOBILE_MG42, 47, { body: 18, head: 50, shotMs: 70, accNear: 0.35, accFar: 0.15, range: 2600, headRate: 0.1, falloff: true }),
  luger: gun('Luger', MOD.LUGER, 2, { ...smg, shotMs: 300, accNear: 0.5, range: 1400 }),
  colt: gun('Colt', MOD.COLT, 7, { ...smg, shotMs: 300, accNear: 0.5, range: 1400 }),
  // Flame ticks: short range, small damage every frame, no head hits, no knockback.
  flamer: { kind: 'gun', name: 'Flamethrower', mod: MOD.FLAMETHROWER, wp: 6, body: 6, head: 6, shotMs: 50, accNear: 0.9, accFar: 0.4, range: 700, headRate: 0, falloff: false, dflags: DFLAGS.NO_KNOCKBACK } satisfies Gun,
  knife: gun('Knife', MOD.KNIFE, 1, { body: 10, head: 10, shotMs: 400, accNear: 0.8, accFar: 0.6, range: 90, headRate: 0, falloff: false }),
} as const satisfies Record<string, Gun>;

function blast(name: string, mod: number, wp: number | null, b: Omit<Blast, 'kind' | 'name' | 'mod' | 'wp'>): Blast {
  return { kind: 'blast', name, mod, wp, ...b };
}

export const BLASTS = {
  axisGrenade: blast('Grenade (Axis)', MOD.GRENADE_LAUNCHER, 4, { damage: 250, radius: 250, range: 900, cooldownS: 25, delayMs: 1500, spread: 140, shells: 1 }),
  alliedGrenade: blast('Grenade (Allies)', MOD.GRENADE_PINEAPPLE, 9, { damage: 250, radius: 250, range: 900, cooldownS: 25, delayMs: 1500, spread: 140, shells: 1 }),
  panzer: blast('Panzerfaust', MOD.PANZERFAUST, 5, { damage: 400, radius: 300, range: 2500, cooldownS: 25, delayMs: 250, spread: 90, shells: 1 }),
  gpg40: blast('Rifle grenade (GPG40)', MOD.GPG40, 37, { damage: 250, radius: 250, range: 1800, cooldownS: 15, delayMs: 1200, spread: 150, shells: 1 }),
  m7: blast('Rifle grenade (M7)', MOD.M7, 38, { damage: 250, radius: 250, range: 1800, cooldownS: 15, delayMs: 1200, spread: 150, shells: 1 }),
  airstrike: blast('Airstrike', MOD.AIRSTRIKE, 22, { damage: 400, radius: 400, range: 2500, cooldownS: 60, delayMs: 3500, spread: 300, shells: 3 }),
  arty: blast('Artillery', MOD.ARTY, null, { damage: 400, radius: 400, range: 4000, cooldownS: 60, delayMs: 5000, spread: 400, shells: 4 }),
  mortarAllies: blast('Mortar (Allies)', MOD.MORTAR, 43, { damage: 400, radius: 400, range: 4000, cooldownS: 20, delayMs: 2500, spread: 300, shells: 1 }),
  mortarAxis: blast('Mortar (Axis)', MOD.MORTAR2, 52, { damage: 400, radius: 400, range: 4000, cooldownS: 20, delayMs: 2500, spread: 300, shells: 1 }),
  satchel: blast('Satchel', MOD.SATCHEL, 27, { damage: 250, radius: 250, range: 500, cooldownS: 60, delayMs: 2000, spread: 60, shells: 1 }),
  dynamite: blast('Dynamite', MOD.DYNAMITE, 15, { damage: 400, radius: 400, range: 0, cooldownS: 120, delayMs: 30000, spread: 0, shells: 1 }),
  landmine: blast('Landmine', MOD.LANDMINE, null, { damage: 250, radius: 225, range: 0, cooldownS: 60, delayMs: 0, spread: 0, shells: 1 }),
} as const satisfies Record<string, Blast>;

/** What one player carries for a life. */
export interface Loadout {
  primary: Gun;
  /** Thrown/launched/called explosives, used now and then during fights. */
  blasts: Blast[];
  /** Engineers plant dynamite at the objective and lay mines; covert ops use satchels. */
  plants: Blast[];
}

const CLASS_NAMES: readonly PlayerClass[] = ['SOLDIER', 'MEDIC', 'ENGINEER', 'FIELDOPS', 'COVERTOPS'];
export { CLASS_NAMES };

/** Class weights for a public server (medics and soldiers most common, covert ops rarest). */
export const CLASS_WEIGHTS: Record<PlayerClass, number> = {
  SOLDIER: 3,
  MEDIC: 3,
  ENGINEER: 2,
  FIELDOPS: 2,
  COVERTOPS: 1,
};

/** The class number as sess.playerType (PC_*). */
export const CLASS_NUMBER: Record<PlayerClass, number> = {
  SOLDIER: 0,
  MEDIC: 1,
  ENGINEER: 2,
  FIELDOPS: 3,
  COVERTOPS: 4,
};

/**
 * Picks a loadout the way players do: the team's SMG for most, heavy weapons for soldiers, rifles for
 * some engineers and covert ops.
 */
export function chooseLoadout(cls: PlayerClass, side: Side, roll: (weights: number[]) => number): Loadout {
  const teamSmg = side === 'AXIS' ? GUNS.mp40 : GUNS.thompson;
  const grenade = side === 'AXIS' ? BLASTS.axisGrenade : BLASTS.alliedGrenade;
  switch (cls) {
    case 'SOLDIER': {
      const heavy = roll([3, 3, 2, 1, 1]);
      if (heavy === 0) return { primary: teamSmg, blasts: [grenade], plants: [] };
      if (heavy === 1) return { primary: side === 'AXIS' ? GUNS.luger : GUNS.colt, blasts: [BLASTS.panzer], plants: [] };
      if (heavy === 2) return { primary: GUNS.mg42, blasts: [], plants: [] };
      if (heavy === 3) return { primary: GUNS.flamer, blasts: [], plants: [] };
      return { primary: side === 'AXIS' ? GUNS.luger : GUNS.colt, blasts: [side === 'AXIS' ? BLASTS.mortarAxis : BLASTS.mortarAllies], plants: [] };
    }
    case 'MEDIC':
      return { primary: teamSmg, blasts: roll([3, 1]) === 1 ? [grenade] : [], plants: [] };
    case 'ENGINEER': {
      const rifle = roll([3, 1]) === 1;
      return {
        primary: rifle ? (side === 'AXIS' ? GUNS.k43 : GUNS.garand) : teamSmg,
        blasts: rifle ? [side === 'AXIS' ? BLASTS.gpg40 : BLASTS.m7, grenade] : [grenade],
        plants: [BLASTS.dynamite, BLASTS.landmine],
      };
    }
    case 'FIELDOPS':
      return { primary: teamSmg, blasts: [BLASTS.airstrike, BLASTS.arty, grenade], plants: [] };
    case 'COVERTOPS': {
      const w = roll([2, 2, 1]);
      const primary = w === 0 ? GUNS.sten : w === 1 ? GUNS.fg42 : side === 'AXIS' ? GUNS.k43Scope : GUNS.garandScope;
      return { primary, blasts: [BLASTS.satchel], plants: [] };
    }
  }
}

/** Hit damage of a gun at a distance: head or body, helmet, falloff (as the game reports it). */
export function gunDamage(g: Gun, distance: number, head: boolean, helmetOn: boolean): number {
  let dmg = head ? g.head : g.body;
  if (head && helmetOn) dmg = Math.floor(dmg * 0.8);
  if (g.falloff && distance > 1500) {
    // The game scales bullet damage down to half between 1500 and 2500 units.
    const f = Math.max(0.5, 1 - (distance - 1500) / 2000);
    dmg = Math.max(1, Math.floor(dmg * f));
  }
  return dmg;
}

/** Splash damage at a distance from the impact point (linear falloff, none beyond the radius). */
export function blastDamage(b: Blast, distance: number): number {
  if (distance >= b.radius) return 0;
  return Math.max(1, Math.floor(b.damage * (1 - distance / b.radius)));
}

/** Hit probability of one shot at a distance. */
export function hitChance(g: Gun, distance: number): number {
  const t = Math.min(1, distance / g.range);
  return g.accNear + (g.accFar - g.accNear) * t;
}
