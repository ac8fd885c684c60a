/**
 * The behaviour model: where every player is and who shoots whom, one server frame at a time.
 *
 * Movement is coarse on purpose (players walk polylines at a fixed speed with a random sideways
 * offset, or wander around a hold point), combat is decided per frame: a player without a target may
 * notice an enemy in range, then fires at the weapon's rate with a distance-dependent hit chance until
 * one of them goes down, the target gets out of sight, or the target runs. Explosives hit everyone in
 * their radius (team mates, the thrower and bodies included), medics walk to downed team mates and
 * revive them, engineers plant dynamite and mines. The model talks to the server only through
 * `CombatPort` (a subset of the emulator's EtServer), and the server's answer (`killed`) is the truth.
 */
import type { PlayerClass } from '../format/types.ts';
import type { MapArea, Vec3 } from './maps.ts';
import { polylineLengths } from './maps.ts';
import type { Rng } from './rng.ts';
import type { Blast, Gun, Loadout, Side } from './weapons.ts';
import { BLASTS, DFLAGS, GUNS, MOD, blastDamage, gunDamage, hitChance } from './weapons.ts';

/** What the model needs from the server (EtServer implements it). */
export interface CombatPort {
  setOrigin(slot: number, pos: [number, number, number]): void;
  fire(slot: number, weapon: number): Promise<void>;
  /** `delivered: false`: the game dropped the hit before et_Damage (spawn shield, limbo, intermission). */
  damage(target: number, attacker: number, amount: number, mod: number, dflags?: number): Promise<{ cancelled: boolean; killed: boolean; delivered?: boolean }>;
  revive(slot: number, reviver: number): Promise<void>;
  suicide(slot: number): Promise<void>;
  /** Whether the player lies wounded and can still be revived (not alive, not in limbo/gibbed). */
  isDowned?(slot: number): boolean;
}

export type LifeState = 'alive' | 'down' | 'limbo';

export interface SimPlayer {
  slot: number;
  side: Side;
  cls: PlayerClass;
  loadout: Loadout;
  state: LifeState;
  /** Skill multiplier on hit chance (0.75–1.25). */
  skill: number;
  pos: Vec3;
  // movement: a polyline and the distance walked along it, plus a sideways offset
  route: Vec3[];
  routeLen: number[];
  routeAt: number;
  offset: [number, number];
  speed: number;
  /** Hold point (defenders) or the objective (attackers at the end of their lane). */
  holdCenter: Vec3;
  holdRadius: number;
  pauseUntil: number;
  lane: number;
  /** Where the server was told to put the next wave spawn (see `pickSpawn`). */
  spawnAt: Vec3 | null;
  // combat
  health: number;
  helmet: boolean;
  target: SimPlayer | null;
  nextShotAt: number;
  retreatUntil: number;
  lastHitAt: number;
  lastHitBy: SimPlayer | null;
  blastReadyAt: Map<Blast, number>;
  mines: number;
  // medic duty
  reviving: SimPlayer | null;
  // body
  downAt: number;
  gibbed: boolean;
  bodyHealth: number;
}

/** Counters of what the model did (diagnostics, tests and the benchmark report). */
export interface BattleStats {
  shots: number;
  hits: number;
  headshots: number;
  kills: number;
  teamkills: number;
  selfkills: number;
  worldDeaths: number;
  revives: number;
  blasts: number;
  bodyHits: number;
}

interface PendingBlast {
  at: number;
  owner: SimPlayer;
  blast: Blast;
  pos: Vec3;
  /** Dynamite can be defused until it goes off. */
  defusable: boolean;
}

interface Mine {
  owner: SimPlayer;
  pos: Vec3;
}

const MAX_HEALTH = 100;
const WORLD = 1022;
const SPEED = 300;

/** Distance with height counting half (floors matter less than walls); Math.hypot is slow in hot loops. */
function dist(a: Vec3, b: Vec3): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  const dz = (a[2] - b[2]) * 0.5;
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

export class Battle {
  readonly players: SimPlayer[] = [];
  readonly stats: BattleStats = { shots: 0, hits: 0, headshots: 0, kills: 0, teamkills: 0, selfkills: 0, worldDeaths: 0, revives: 0, blasts: 0, bodyHits: 0 };
  private readonly pending: PendingBlast[] = [];
  private readonly mineField: Mine[] = [];
  private readonly frameS: number;
  /** Multiplies how quickly players notice enemies (warmup is a free-for-all brawl). */
  aggression = 1;

  constructor(
    private readonly map: MapArea,
    private readonly port: CombatPort,
    private readonly rng: Rng,
    frameMs: number,
  ) {
    this.frameS = frameMs / 1000;
  }

  get attackers(): Side {
    return this.map.attackers;
  }

  /** A player joined a team; he is in limbo until `spawn`. */
  add(slot: number, side: Side, cls: PlayerClass, loadout: Loadout): SimPlayer {
    this.remove(slot);
    const p: SimPlayer = {
      slot, side, cls, loadout, state: 'limbo', skill: this.rng.range(0.75, 1.25),
      pos: [...this.map.spawns[side]], route: [], routeLen: [0], routeAt: 0, offset: [0, 0], speed: SPEED,
      holdCenter: [...this.map.objective], holdRadius: 400, pauseUntil: 0, lane: 0, spawnAt: null,
      health: MAX_HEALTH, helmet: true, target: null, nextShotAt: 0, retreatUntil: 0, lastHitAt: -1e9,
      lastHitBy: null, blastReadyAt: new Map(), mines: 0, reviving: null, downAt: 0, gibbed: false, bodyHealth: 0,
    };
    let i = 0;
    while (i < this.players.length && (this.players[i] as SimPlayer).slot < slot) i++;
    this.players.splice(i, 0, p);
    return p;
  }

  /** A player left (disconnect) or is about to change team: forget him everywhere. */
  remove(slot: number): void {
    const idx = this.players.findIndex((p) => p.slot === slot);
    if (idx < 0) return;
    const gone = this.players[idx] as SimPlayer;
    this.players.splice(idx, 1);
    for (const p of this.players) {
      if (p.target === gone) p.target = null;
      if (p.reviving === gone) p.reviving = null;
      if (p.lastHitBy === gone) p.lastHitBy = null;
    }
    for (let i = this.pending.length - 1; i >= 0; i--) if ((this.pending[i] as PendingBlast).owner === gone) this.pending.splice(i, 1);
    for (let i = this.mineField.length - 1; i >= 0; i--) if ((this.mineField[i] as Mine).owner === gone) this.mineField.splice(i, 1);
  }

  get(slot: number): SimPlayer | undefined {
    return this.players.find((p) => p.slot === slot);
  }

  /** The server spawned the player (reinforcement wave): fresh life at the team's spawn. */
  spawn(p: SimPlayer, now: number): void {
    const sp = this.map.spawns[p.side];
    const r = this.map.spawnRadius;
    p.state = 'alive';
    p.health = MAX_HEALTH;
    p.helmet = true;
    p.target = null;
    p.reviving = null;
    p.gibbed = false;
    p.retreatUntil = 0;
    p.pauseUntil = now + this.rng.range(0, 1500);
    p.pos = p.spawnAt ?? [sp[0] + this.rng.range(-r, r), sp[1] + this.rng.range(-r, r), sp[2]];
    p.spawnAt = null;
    // The main route (first lane) carries about half of the traffic.
    p.lane = this.rng.chance(0.5) ? 0 : this.rng.int(this.map.lanes.length);
    p.speed = SPEED * this.rng.range(0.85, 1.1);
    const lane = this.map.lanes[p.lane] as Vec3[];
    if (p.side === this.map.attackers) {
      this.setRoute(p, [[...p.pos], ...lane.slice(1)]);
      p.holdCenter = [...this.map.objective];
      p.holdRadius = 450;
    } else {
      // Defenders run to the objective and then back down a lane to where they hold.
      const lens = polylineLengths(lane);
      const total = lens[lens.length - 1] as number;
      const holdAt = total * this.rng.range(this.map.hold[0], this.map.hold[1]);
      const back: Vec3[] = [];
      let hold: Vec3 = [...this.map.objective];
      for (let i = lane.length - 1; i >= 0; i--) {
        const l = lens[i] as number;
        const pt = lane[i] as Vec3;
        if (l >= holdAt) {
          back.push(pt);
        } else {
          const nxt = lane[i + 1] as Vec3;
          const seg = (lens[i + 1] as number) - l;
          const f = seg > 0 ? (holdAt - l) / seg : 0;
          hold = [pt[0] + (nxt[0] - pt[0]) * f, pt[1] + (nxt[1] - pt[1]) * f, pt[2] + (nxt[2] - pt[2]) * f];
          back.push(hold);
          break;
        }
      }
      this.setRoute(p, [[...p.pos], ...back]);
      p.holdCenter = hold;
      p.holdRadius = 350;
    }
    this.port.setOrigin(p.slot, this.rounded(p.pos));
  }

  /**
   * The server is spawning `slot` right now (inside its frame): choose the spot in the team's spawn area,
   * so the tracker sees the player there from the first moment; `spawn` then starts from it.
   */
  pickSpawn(slot: number): [number, number, number] | null {
    const p = this.get(slot);
    if (!p) return null;
    const sp = this.map.spawns[p.side];
    const r = this.map.spawnRadius;
    p.spawnAt = [sp[0] + this.rng.range(-r, r), sp[1] + this.rng.range(-r, r), sp[2]];
    return this.rounded(p.spawnAt);
  }

  /**
   * Warmup: players run around the middle of the map instead of starting from the spawns, so there is
   * some shooting before the round goes live (the tracker must ignore all of it).
   */
  scatter(p: SimPlayer): void {
    const lane = this.map.lanes[0] as Vec3[];
    const at = lane[Math.min(lane.length - 1, Math.floor(lane.length / 2) + this.rng.int(2))] as Vec3;
    p.pos = [at[0] + this.rng.range(-400, 400), at[1] + this.rng.range(-400, 400), at[2]];
    p.holdCenter = [...p.pos];
    p.holdRadius = 500;
    this.setRoute(p, [[...p.pos], [...p.pos]]);
    this.port.setOrigin(p.slot, this.rounded(p.pos));
  }

  /** Clears pending explosives and mines (round end / map restart). */
  reset(): void {
    this.pending.length = 0;
    this.mineField.length = 0;
    for (const p of this.players) {
      p.target = null;
      p.reviving = null;
    }
  }

  /** One server frame of decisions; call before the frame is run. */
  async step(now: number): Promise<void> {
    await this.detonations(now);
    this.move(now);
    for (const p of this.players) {
      if (p.state !== 'alive') continue;
      await this.think(p, now);
    }
    await this.downedBodies(now);
  }

  // ------------------------------------------------------------------ movement

  private setRoute(p: SimPlayer, points: Vec3[]): void {
    p.route = points;
    p.routeLen = polylineLengths(points);
    p.routeAt = 0;
    const w = p.route.length > 2 ? 380 : 60;
    p.offset = [this.rng.range(-w, w), this.rng.range(-w, w)];
  }

  private routeEnded(p: SimPlayer): boolean {
    return p.routeAt >= (p.routeLen[p.routeLen.length - 1] as number);
  }

  private pointOnRoute(p: SimPlayer): Vec3 {
    const lens = p.routeLen;
    let i = 1;
    while (i < lens.length - 1 && (lens[i] as number) < p.routeAt) i++;
    const a = p.route[i - 1] as Vec3;
    const b = (p.route[i] ?? a) as Vec3;
    const seg = (lens[i] ?? 0) - (lens[i - 1] as number);
    const f = seg > 0 ? Math.min(1, Math.max(0, (p.routeAt - (lens[i - 1] as number)) / seg)) : 1;
    // The sideways offset fades in after the start so spawns stay compact.
    const fade = Math.min(1, p.routeAt / 400);
    return [a[0] + (b[0] - a[0]) * f + p.offset[0] * fade, a[1] + (b[1] - a[1]) * f + p.offset[1] * fade, a[2] + (b[2] - a[2]) * f];
  }

  private move(now: number): void {
    const b = this.map.bounds;
    for (const p of this.players) {
      if (p.state !== 'alive') continue;
      const fighting = p.target !== null && p.retreatUntil <= now;
      if (fighting) {
        // Strafing on the spot while shooting.
        p.pos[0] += this.rng.range(-12, 12);
        p.pos[1] += this.rng.range(-12, 12);
      } else if (now >= p.pauseUntil) {
        if (this.routeEnded(p)) {
          if (p.retreatUntil > now) {
            // Kept running: keep going a bit further towards home.
            this.retreat(p, now, p.retreatUntil);
          } else if (p.retreatUntil > 0) {
            p.retreatUntil = 0;
            this.resume(p);
          } else {
            // Wander around the hold point with short pauses.
            p.pauseUntil = now + this.rng.range(500, 4000);
            const c = p.holdCenter;
            const ang = this.rng.range(0, Math.PI * 2);
            const r = this.rng.range(0, p.holdRadius);
            this.setRoute(p, [[...p.pos], [c[0] + Math.cos(ang) * r, c[1] + Math.sin(ang) * r, c[2]]]);
            p.offset = [0, 0];
          }
        } else {
          const base = this.pointOnRoute(p);
          p.routeAt += p.speed * (p.retreatUntil > now ? 1.1 : p.route.length > 2 ? 1 : 0.55) * this.frameS;
          const next = this.pointOnRoute(p);
          p.pos = [p.pos[0] + next[0] - base[0], p.pos[1] + next[1] - base[1], next[2]];
          // Pull slowly onto the route so accumulated strafing does not drift away.
          p.pos[0] += (next[0] - p.pos[0]) * 0.05;
          p.pos[1] += (next[1] - p.pos[1]) * 0.05;
        }
      }
      p.pos[0] = Math.min(b.maxX, Math.max(b.minX, p.pos[0]));
      p.pos[1] = Math.min(b.maxY, Math.max(b.minY, p.pos[1]));
      this.port.setOrigin(p.slot, this.rounded(p.pos));
    }
  }

  private rounded(v: Vec3): [number, number, number] {
    // Positions as the engine has them: floats, here with one decimal so files stay stable.
    return [Math.round(v[0] * 8) / 8, Math.round(v[1] * 8) / 8, Math.round(v[2] * 8) / 8];
  }

  /** Run away from the fight towards the own spawn. */
  private retreat(p: SimPlayer, now: number, until: number): void {
    const home = this.map.spawns[p.side];
    const dx = home[0] - p.pos[0];
    const dy = home[1] - p.pos[1];
    const len = Math.hypot(dx, dy) || 1;
    const run = Math.min(len, this.rng.range(700, 1200));
    const side = this.rng.range(-0.5, 0.5);
    const to: Vec3 = [p.pos[0] + ((dx - dy * side) / len) * run, p.pos[1] + ((dy + dx * side) / len) * run, p.pos[2]];
    this.setRoute(p, [[...p.pos], to]);
    p.offset = [0, 0];
    p.target = null;
    p.retreatUntil = until;
    p.pauseUntil = now;
  }

  /** Back to the job after a retreat or a revive: attackers continue the lane, defenders go back to hold. */
  private resume(p: SimPlayer): void {
    if (p.side === this.map.attackers) {
      const lane = this.map.lanes[p.lane] as Vec3[];
      let best = 0;
      let bestD = Infinity;
      for (let i = 0; i < lane.length; i++) {
        const d = dist(p.pos, lane[i] as Vec3);
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      }
      const rest = lane.slice(Math.min(best + 1, lane.length - 1));
      this.setRoute(p, [[...p.pos], ...rest]);
    } else {
      this.setRoute(p, [[...p.pos], p.holdCenter]);
    }
  }

  // ------------------------------------------------------------------ combat

  private async think(p: SimPlayer, now: number): Promise<void> {
    const gun = p.loadout.primary;
    // Lose the target: down, gone out of range, or out of sight (cover, corners).
    const t = p.target;
    if (t) {
      const d = dist(p.pos, t.pos);
      const losRate = (t.retreatUntil > now ? 1.6 : 0.15) + (0.35 * d) / gun.range;
      if (t.state !== 'alive' || d > gun.range * 1.2 || this.rng.chance(losRate * this.frameS)) {
        p.target = null;
        p.pauseUntil = now + this.rng.range(300, 1200);
      }
    }
    if (p.retreatUntil > now) return;
    if (p.reviving) {
      await this.medicDuty(p, now);
      if (p.reviving) return;
    }
    if (!p.target) this.acquire(p, now);
    const used = this.support(p, now);
    if (used !== null) await this.port.fire(p.slot, used);
    const target = p.target as SimPlayer | null;
    if (!target || now < p.nextShotAt) return;
    // Fire (et_WeaponFire), maybe hit (et_Damage), one shot per weapon interval.
    const d = dist(p.pos, target.pos);
    const useKnife = d < 80 && this.rng.chance(0.3);
    const g: Gun = useKnife ? GUNS.knife : gun;
    p.nextShotAt = now + g.shotMs * this.rng.range(0.9, 1.4);
    this.stats.shots++;
    await this.port.fire(p.slot, g.wp);
    const moving = target.retreatUntil > now ? 0.6 : 1;
    if (!this.rng.chance(hitChance(g, d) * p.skill * moving)) return;
    const head = g.headRate > 0 && this.rng.chance(g.headRate);
    const dmg = gunDamage(g, d, head, target.helmet);
    if (head) {
      this.stats.headshots++;
      target.helmet = false;
    }
    this.stats.hits++;
    await this.hit(target, p, dmg, g.mod, g.dflags, now);
  }

  /** Notice an enemy: nearer ones and ones already under fire (focus fire makes crossfires) first. */
  private acquire(p: SimPlayer, now: number): void {
    if (now < p.pauseUntil && p.lastHitAt < now - 1000) return;
    const range = p.loadout.primary.range;
    // Shot at: turn on the attacker quickly.
    const by = p.lastHitBy;
    if (by && by.state === 'alive' && now - p.lastHitAt < 1500 && dist(p.pos, by.pos) < range && this.rng.chance(0.35)) {
      this.engage(p, by, now);
      return;
    }
    // Two passes over the enemies instead of building candidate lists: this runs for every player in
    // every frame, and allocations here were a large share of a 32v32 round.
    let total = 0;
    for (const e of this.players) total += this.noticeWeight(p, e, range, now);
    if (total === 0) return;
    // Per-second chance to notice somebody grows with how many enemies are close.
    if (!this.rng.chance(Math.min(1, 0.05 * this.aggression * total * this.frameS))) return;
    let r = this.rng.next() * total;
    let last: SimPlayer | null = null;
    for (const e of this.players) {
      const w = this.noticeWeight(p, e, range, now);
      if (w === 0) continue;
      last = e;
      r -= w;
      if (r < 0) break;
    }
    if (last) this.engage(p, last, now);
  }

  /** How noticeable enemy `e` is for `p`: 0 out of range, more when near or already under fire. */
  private noticeWeight(p: SimPlayer, e: SimPlayer, range: number, now: number): number {
    if (e.side === p.side || e.state !== 'alive') return 0;
    // Cheap box test first: most enemies are far away.
    if (Math.abs(e.pos[0] - p.pos[0]) > range || Math.abs(e.pos[1] - p.pos[1]) > range) return 0;
    const d = dist(p.pos, e.pos);
    if (d > range) return 0;
    const near = 1 - d / range;
    let w = near * near;
    if (now - e.lastHitAt < 1000) w *= 14;
    return w;
  }

  private engage(p: SimPlayer, t: SimPlayer, now: number): void {
    p.target = t;
    p.nextShotAt = now + this.rng.range(120, 450);
    p.pauseUntil = now;
  }

  /**
   * Explosives and support weapons, used next to (or instead of) the primary. Synchronous (it runs for
   * every player every frame); returns the weapon to report through et_WeaponFire, if one was used.
   */
  private support(p: SimPlayer, now: number): number | null {
    for (const b of p.loadout.blasts) {
      if ((p.blastReadyAt.get(b) ?? 0) > now) continue;
      let aim: SimPlayer | null = null;
      if (b === BLASTS.airstrike || b === BLASTS.arty || b === BLASTS.mortarAllies || b === BLASTS.mortarAxis) {
        // Called on a group of enemies at a distance, not in a duel.
        if (!this.rng.chance((b.cooldownS <= 20 ? 0.08 : 0.015) * this.frameS)) continue;
        aim = this.crowdedEnemy(p, 600, b.range);
      } else if (p.target && this.rng.chance(0.35 * this.frameS)) {
        const d = dist(p.pos, p.target.pos);
        // Nobody sane fires a panzer at his own feet; grenades are thrown at mid range.
        if (d > b.range || (b === BLASTS.panzer && d < 250)) continue;
        aim = p.target;
      } else if (b === BLASTS.satchel && !p.target && this.rng.chance(0.02 * this.frameS)) {
        aim = this.crowdedEnemy(p, 0, b.range);
      }
      if (!aim) continue;
      p.blastReadyAt.set(b, now + b.cooldownS * 1000);
      for (let s = 0; s < b.shells; s++) {
        const pos: Vec3 = [aim.pos[0] + this.rng.normal() * b.spread, aim.pos[1] + this.rng.normal() * b.spread, aim.pos[2]];
        this.pending.push({ at: now + b.delayMs + s * 400, owner: p, blast: b, pos, defusable: false });
      }
      return b.wp;
    }
    for (const b of p.loadout.plants) {
      if ((p.blastReadyAt.get(b) ?? 0) > now) continue;
      if (b === BLASTS.dynamite && p.side === this.map.attackers && dist(p.pos, this.map.objective) < 500 && this.rng.chance(0.1 * this.frameS)) {
        p.blastReadyAt.set(b, now + b.cooldownS * 1000);
        this.pending.push({ at: now + b.delayMs, owner: p, blast: b, pos: [...this.map.objective], defusable: true });
        return b.wp;
      } else if (b === BLASTS.landmine && p.side !== this.map.attackers && p.mines < 3 && this.routeEnded(p) && this.rng.chance(0.03 * this.frameS)) {
        p.blastReadyAt.set(b, now + 20000);
        p.mines++;
        this.mineField.push({ owner: p, pos: [p.pos[0] + this.rng.range(-300, 300), p.pos[1] + this.rng.range(-300, 300), p.pos[2]] });
      }
    }
    return null;
  }

  /** The enemy with the most of his team mates around him, within [minD, maxD]. */
  private crowdedEnemy(p: SimPlayer, minD: number, maxD: number): SimPlayer | null {
    let best: SimPlayer | null = null;
    let bestN = 0;
    for (const e of this.players) {
      if (e.side === p.side || e.state !== 'alive') continue;
      const d = dist(p.pos, e.pos);
      if (d < minD || d > maxD) continue;
      let n = 1;
      for (const o of this.players) if (o !== e && o.side === e.side && o.state === 'alive' && dist(o.pos, e.pos) < 450) n++;
      if (n > bestN) {
        bestN = n;
        best = e;
      }
    }
    return best;
  }

  private async detonations(now: number): Promise<void> {
    for (let i = 0; i < this.pending.length; ) {
      const pb = this.pending[i] as PendingBlast;
      if (pb.at > now) {
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      if (pb.defusable && this.defused(pb)) continue;
      await this.explode(pb.owner, pb.blast, pb.pos, now);
    }
    // Mines: the first enemy to walk over one sets it off.
    for (let i = 0; i < this.mineField.length; ) {
      const m = this.mineField[i] as Mine;
      const victim = this.players.find((e) => e.state === 'alive' && e.side !== m.owner.side && dist(e.pos, m.pos) < 90);
      if (!victim) {
        i++;
        continue;
      }
      this.mineField.splice(i, 1);
      m.owner.mines = Math.max(0, m.owner.mines - 1);
      await this.explode(m.owner, BLASTS.landmine, [...victim.pos], now);
    }
  }

  /** A defending engineer close enough defuses planted dynamite most of the time. */
  private defused(pb: PendingBlast): boolean {
    const engineer = this.players.some((e) => e.state === 'alive' && e.side !== pb.owner.side && e.cls === 'ENGINEER' && dist(e.pos, pb.pos) < 1500);
    return engineer && this.rng.chance(0.6);
  }

  private async explode(owner: SimPlayer, b: Blast, at: Vec3, now: number): Promise<void> {
    this.stats.blasts++;
    // Everyone in the radius takes damage, in slot order (the game walks entities in order).
    const victims = this.players.filter((v) => v.state !== 'limbo' && !v.gibbed && dist(v.pos, at) < b.radius);
    for (const v of victims) {
      if (!this.players.includes(owner)) return; // the thrower left mid-explosion
      const dmg = blastDamage(b, dist(v.pos, at));
      if (dmg <= 0) continue;
      // Players keep clear of their own and their team's explosives (and hide behind cover), so friends
      // get caught less often than the enemies the blast was aimed at.
      if (v.side === owner.side && v.state === 'alive' && !this.rng.chance(v === owner ? 0.5 : 0.3)) continue;
      await this.hit(v, owner, dmg, b.mod, DFLAGS.RADIUS, now);
    }
  }

  /** Apply one hit through the server and update the model with its verdict. */
  private async hit(t: SimPlayer, by: SimPlayer, dmg: number, mod: number, dflags: number, now: number): Promise<void> {
    const res = await this.port.damage(t.slot, by.slot, dmg, mod, dflags);
    if (res.cancelled || res.delivered === false) return;
    if (t.state === 'down') {
      this.stats.bodyHits++;
      t.bodyHealth -= dmg;
      if (t.bodyHealth <= -113) t.gibbed = true; // FORCE_LIMBO_HEALTH: no revive any more
      return;
    }
    if (t.state !== 'alive') return;
    t.health -= dmg;
    if (by.side !== t.side) {
      t.lastHitAt = now;
      t.lastHitBy = by;
    }
    if (res.killed) {
      if (by === t) this.stats.selfkills++;
      else if (by.side === t.side) this.stats.teamkills++;
      else this.stats.kills++;
      // Overkill counts: a panzer on a wounded player leaves a body that cannot be revived.
      this.down(t, now, Math.min(-1, t.health), dmg > 190 || t.health < -113);
      return;
    }
    // Hurt and losing: some run for it (escapes), most fight back.
    if (by.side !== t.side && t.health < 50 && t.retreatUntil <= now && this.rng.chance(0.3)) {
      this.retreat(t, now, now + this.rng.range(3500, 7000));
    } else if (by.side !== t.side && !t.target && by.state === 'alive') {
      this.engage(t, by, now);
    }
  }

  private down(t: SimPlayer, now: number, bodyHealth: number, gib: boolean): void {
    t.state = 'down';
    t.downAt = now;
    t.bodyHealth = bodyHealth;
    t.gibbed = gib;
    t.target = null;
    t.reviving = null;
    t.retreatUntil = 0;
    for (const p of this.players) {
      if (p.target === t) {
        p.target = null;
        p.pauseUntil = now + this.rng.range(200, 900);
      }
    }
    if (gib) return;
    // The nearest free medic within reach comes to revive.
    let medic: SimPlayer | null = null;
    let best = 1300;
    for (const m of this.players) {
      if (m === t || m.side !== t.side || m.cls !== 'MEDIC' || m.state !== 'alive' || m.reviving || m.retreatUntil > now) continue;
      const d = dist(m.pos, t.pos);
      if (d < best && this.rng.chance(0.7)) {
        best = d;
        medic = m;
      }
    }
    if (medic) {
      medic.reviving = t;
      medic.target = null;
      this.setRoute(medic, [[...medic.pos], [...t.pos]]);
      medic.offset = [0, 0];
      medic.pauseUntil = now + this.rng.range(200, 800);
    }
  }

  private async medicDuty(m: SimPlayer, now: number): Promise<void> {
    const t = m.reviving as SimPlayer;
    if (t.state !== 'down' || t.gibbed || now - t.downAt > 25000) {
      m.reviving = null;
      this.resume(m);
      return;
    }
    // Under fire the medic fights first.
    if (now - m.lastHitAt < 800) {
      m.reviving = null;
      return;
    }
    if (dist(m.pos, t.pos) > 70) {
      if (this.routeEnded(m)) this.setRoute(m, [[...m.pos], [...t.pos]]);
      return;
    }
    m.reviving = null;
    if (this.port.isDowned && !this.port.isDowned(t.slot)) {
      // The server disagrees (the body was gibbed or tapped out): nothing to revive.
      t.gibbed = true;
      this.resume(m);
      return;
    }
    await this.port.revive(t.slot, m.slot);
    this.stats.revives++;
    t.state = 'alive';
    t.health = MAX_HEALTH / 2;
    t.helmet = true;
    t.retreatUntil = 0;
    t.pauseUntil = now + this.rng.range(300, 1000);
    this.resume(t);
    this.resume(m);
  }

  /** Bodies get shot at now and then (gibbing), and players tap out or /kill. */
  private async downedBodies(now: number): Promise<void> {
    for (const p of this.players) {
      if (p.state === 'down' && !p.gibbed && now - p.downAt > 300 && this.rng.chance(0.03 * this.frameS)) {
        // An enemy nearby puts a few rounds into the body.
        const e = this.players.find((x) => x.state === 'alive' && x.side !== p.side && dist(x.pos, p.pos) < 600);
        if (e) {
          const g = e.loadout.primary;
          this.stats.bodyHits++;
          await this.hit(p, e, g.body, g.mod, g.dflags, now);
        }
      }
    }
  }

  /** A player types /kill (to respawn sooner or change class). */
  async selfKill(p: SimPlayer, now: number): Promise<void> {
    if (p.state !== 'alive') return;
    await this.port.suicide(p.slot);
    this.stats.selfkills++;
    this.down(p, now, -1, true);
    p.state = 'limbo';
  }

  /** Falls to death (MOD_FALLING from the world, no killer). */
  async fall(p: SimPlayer, now: number): Promise<void> {
    if (p.state !== 'alive') return;
    const res = await this.port.damage(p.slot, WORLD, 300 + this.rng.int(60), MOD.FALLING, DFLAGS.NO_KNOCKBACK);
    if (res.killed) {
      this.stats.worldDeaths++;
      this.down(p, now, -176, true);
    }
  }

  /** Occasional things players do besides fighting, checked once per second per player. */
  async everySecond(now: number, nextWaveIn: (side: Side) => number): Promise<void> {
    for (const p of [...this.players]) {
      if (p.state !== 'alive') continue;
      if (p.retreatUntil > now && p.health < 30 && nextWaveIn(p.side) < 3000 && this.rng.chance(0.4)) {
        await this.selfKill(p, now);
      } else if (!p.target && this.rng.chance(0.0004)) {
        await this.selfKill(p, now);
      } else if (!p.target && !this.routeEnded(p) && this.rng.chance(0.00015)) {
        await this.fall(p, now);
      }
    }
  }
}
