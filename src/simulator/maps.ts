/**
 * Map areas for the simulator. Every coordinate here is an APPROXIMATION in world units of the real
 * ET:Legacy map (overall extent, where each team spawns, the routes attackers take and the objective
 * they fight over), drawn from memory of the layouts, not extracted from the .bsp files. They are
 * only meant to make heatmaps look like the map: spawns, a few corridors, hot chokes and the objective.
 *
 * A lane is a polyline from the attackers' spawn to the objective. Attackers walk it forwards;
 * defenders walk from their spawn to the objective and then back along a lane to a hold point.
 */
import type { Side } from './weapons.ts';

export type Vec3 = [number, number, number];

export interface MapArea {
  /** mapname as the server reports it */
  name: string;
  bounds: { minX: number; maxX: number; minY: number; maxY: number };
  attackers: Side;
  spawns: Record<Side, Vec3>;
  spawnRadius: number;
  lanes: Vec3[][];
  objective: Vec3;
  /** Defenders hold between these fractions of a lane's length (1 = at the objective). */
  hold: [number, number];
  /** Competition timelimit in minutes (the `timelimit` cvar). */
  timelimit: number;
}

export const MAPS: Record<string, MapArea> = {
  oasis: {
    name: 'oasis',
    bounds: { minX: -1500, maxX: 8200, minY: 600, maxY: 9200 },
    attackers: 'ALLIES',
    spawns: { ALLIES: [7400, 5200, -380], AXIS: [-600, 2600, -250] },
    spawnRadius: 350,
    lanes: [
      // old city → water pump → wall breach → Axis anti-tank guns
      [[7400, 5200, -380], [6100, 4600, -380], [4700, 4300, -300], [3300, 3600, -250], [2000, 2400, -250], [900, 1800, -150]],
      // through the long tunnels under the old city
      [[7400, 5200, -380], [6600, 6900, -420], [5000, 7800, -420], [3400, 7200, -360], [2300, 5200, -300], [900, 1800, -150]],
      [[7400, 5200, -380], [5800, 3300, -330], [4100, 2500, -300], [2700, 1700, -250], [900, 1800, -150]],
    ],
    objective: [900, 1800, -150],
    hold: [0.45, 0.85],
    timelimit: 15,
  },
  goldrush: {
    name: 'goldrush',
    bounds: { minX: -3800, maxX: 3800, minY: -3600, maxY: 2600 },
    attackers: 'ALLIES',
    spawns: { ALLIES: [-3100, -2900, 0], AXIS: [2600, 1800, 250] },
    spawnRadius: 300,
    lanes: [
      // tank route: town → bridge → bank courtyard
      [[-3100, -2900, 0], [-2200, -2200, 0], [-900, -1700, 0], [200, -1500, 40], [1300, -600, 120], [2100, 500, 160]],
      [[-3100, -2900, 0], [-2400, -1100, 60], [-1300, 200, 100], [200, 600, 140], [1200, 900, 160], [2100, 500, 160]],
      [[-3100, -2900, 0], [-1500, -3200, 0], [300, -2900, 40], [1700, -2000, 80], [2400, -800, 120], [2100, 500, 160]],
    ],
    objective: [2100, 500, 160],
    hold: [0.4, 0.85],
    timelimit: 15,
  },
  supply: {
    name: 'supply',
    bounds: { minX: -3500, maxX: 3200, minY: -3000, maxY: 3600 },
    attackers: 'ALLIES',
    spawns: { ALLIES: [-2900, -2400, 100], AXIS: [2500, 2900, 300] },
    spawnRadius: 300,
    lanes: [
      // farmhouse → forward bunker → depot gate → crane yard
      [[-2900, -2400, 100], [-1900, -1600, 120], [-900, -500, 150], [300, 400, 200], [1300, 1300, 250], [1900, 2200, 300]],
      [[-2900, -2400, 100], [-2600, -600, 120], [-1700, 900, 160], [-300, 1800, 220], [900, 2500, 260], [1900, 2200, 300]],
      [[-2900, -2400, 100], [-800, -2500, 120], [700, -1500, 160], [1600, -200, 220], [2200, 1100, 260], [1900, 2200, 300]],
    ],
    objective: [1900, 2200, 300],
    hold: [0.45, 0.9],
    timelimit: 12,
  },
  radar: {
    name: 'radar',
    bounds: { minX: -6200, maxX: 4800, minY: -4600, maxY: 5200 },
    attackers: 'ALLIES',
    spawns: { ALLIES: [-4300, -2600, 730], AXIS: [3900, 4300, 1000] },
    spawnRadius: 400,
    lanes: [
      // Allies spawn at the forward bunker; main road → side wall → west radar; the east radar route
      [[-4300, -2600, 730], [-2500, -900, 800], [-900, 500, 850], [600, 1800, 900], [1900, 3000, 950]],
      [[-4300, -2600, 730], [-3300, -3600, 760], [-1200, -2900, 820], [600, -1500, 880], [2200, 0, 920], [3000, 1700, 950], [1900, 3000, 950]],
      [[-4300, -2600, 730], [-4600, -1100, 760], [-4000, 1200, 820], [-2200, 3200, 880], [-200, 4200, 920], [1900, 3000, 950]],
    ],
    objective: [1900, 3000, 950],
    hold: [0.3, 0.65],
    timelimit: 15,
  },
  battery: {
    name: 'battery',
    bounds: { minX: -2400, maxX: 5600, minY: -4200, maxY: 2800 },
    attackers: 'ALLIES',
    spawns: { ALLIES: [-1700, -3600, 40], AXIS: [4700, 1900, 500] },
    spawnRadius: 300,
    lanes: [
      // beach → main entrance → west bunker → gun controls
      [[-1700, -3600, 40], [-600, -2700, 80], [500, -1500, 200], [1600, -500, 320], [2800, 300, 420], [3700, 1000, 480]],
      [[-1700, -3600, 40], [800, -3800, 60], [2600, -3000, 150], [3600, -1600, 280], [4000, -200, 400], [3700, 1000, 480]],
      [[-1700, -3600, 40], [-1900, -1600, 120], [-900, 200, 260], [900, 900, 380], [2500, 1500, 440], [3700, 1000, 480]],
    ],
    objective: [3700, 1000, 480],
    hold: [0.5, 0.9],
    timelimit: 15,
  },
  fueldump: {
    name: 'fueldump',
    bounds: { minX: -3600, maxX: 4400, minY: -4200, maxY: 3600 },
    attackers: 'ALLIES',
    spawns: { ALLIES: [-2900, -3500, -200], AXIS: [3600, 2900, 100] },
    spawnRadius: 350,
    lanes: [
      // tunnel → river bridge → depot yard → fuel dump
      [[-2900, -3500, -200], [-2000, -2300, -180], [-700, -1400, -120], [600, -400, -60], [1700, 700, 0], [2600, 1700, 60]],
      [[-2900, -3500, -200], [-3000, -1300, -160], [-2100, 600, -100], [-600, 1600, -40], [1000, 2300, 20], [2600, 1700, 60]],
      [[-2900, -3500, -200], [-600, -3700, -160], [1300, -2700, -100], [2600, -1300, -40], [3300, 300, 20], [2600, 1700, 60]],
    ],
    objective: [2600, 1700, 60],
    hold: [0.45, 0.9],
    timelimit: 20,
  },
};

/** The default rotation (a typical competitive cup order). */
export const DEFAULT_ROTATION: readonly string[] = ['supply', 'goldrush', 'radar', 'oasis', 'battery', 'fueldump'];

/** Unknown map names get a generic square map so any name can be simulated. */
export function mapArea(name: string): MapArea {
  const known = MAPS[name.toLowerCase()];
  if (known) return known;
  return {
    name,
    bounds: { minX: -3000, maxX: 3000, minY: -3000, maxY: 3000 },
    attackers: 'ALLIES',
    spawns: { ALLIES: [-2500, -2500, 0], AXIS: [2500, 2500, 0] },
    spawnRadius: 300,
    lanes: [
      [[-2500, -2500, 0], [-1200, -1500, 0], [0, -300, 0], [1200, 800, 0], [2000, 1800, 0]],
      [[-2500, -2500, 0], [-2200, -200, 0], [-800, 1200, 0], [800, 2200, 0], [2000, 1800, 0]],
    ],
    objective: [2000, 1800, 0],
    hold: [0.4, 0.85],
    timelimit: 10,
  };
}

/** Cumulative lengths of a polyline (index i = distance from the start to point i). */
export function polylineLengths(points: readonly Vec3[]): number[] {
  const out = [0];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Vec3;
    const b = points[i] as Vec3;
    out.push((out[i - 1] as number) + Math.hypot(b[0] - a[0], b[1] - a[1]));
  }
  return out;
}
