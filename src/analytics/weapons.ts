/**
 * Display names of ET:Legacy meansOfDeath ids (MOD_*, bg_public.h; shared/reference/etl-lua-api.md §4.1).
 * The tracker records weapons as meansOfDeath, never as the weapon in hand (field lesson 11), so the
 * dashboard names them from this table. Unknown ids (a newer engine) are shown as `MOD <id>`.
 */
const MOD_NAMES: readonly string[] = [
  'Unknown', 'MG42 (fixed)', 'Browning (tank)', 'MG42 (tank)', 'Grenade', 'Knife', 'Luger', 'Colt',
  'MP40', 'Thompson', 'Sten', 'Garand', 'Silenced Luger', 'FG42', 'FG42 (scoped)', 'Panzerfaust',
  'Grenade (Axis)', 'Flamethrower', 'Grenade (Allies)', 'Map mortar', 'Map mortar splash', 'Kicked',
  'Dynamite', 'Airstrike', 'Syringe', 'Ammo', 'Artillery', 'Water', 'Slime', 'Lava', 'Crush',
  'Telefrag', 'Falling', 'Suicide', 'Target laser', 'Trigger hurt', 'Explosive', 'Carbine', 'K98',
  'GPG40', 'M7', 'Landmine', 'Satchel', 'Smoke bomb', 'Mobile MG42', 'Silenced Colt', 'Garand (scoped)',
  'Construction crush', 'Construction death', 'Construction death (no attacker)', 'K43', 'K43 (scoped)',
  'Mortar (Allies)', 'Akimbo Colt', 'Akimbo Luger', 'Akimbo silenced Colt', 'Akimbo silenced Luger',
  'Smoke grenade', 'Swap places', 'Switch team', 'Shove', 'Ka-Bar', 'Mobile Browning', 'Mortar (Axis)',
  'Bazooka', 'Backstab', 'MP34',
];

export function modName(mod: number | null | undefined): string {
  if (mod === null || mod === undefined) return 'unknown';
  return MOD_NAMES[mod] ?? `MOD ${mod}`;
}
