/**
 * Plays a session on one server the way a real one runs: players connect and join teams in warmup,
 * the countdown's map_restart starts the live round, the round runs with reinforcement waves, players
 * leave and come back, the round ends into intermission, stopwatch maps restart for round 2 with the
 * teams swapped, and the server moves on to the next map. Every step goes through the server API, so
 * the tracker sees the engine's order of hook calls (reference §2.1, traces s2/s5/s6/s6sw).
 */
import type { PlayerClass } from '../format/types.ts';
import type { BattleStats, SimPlayer } from './battle.ts';
import { Battle } from './battle.ts';
import type { MapArea } from './maps.ts';
import { mapArea } from './maps.ts';
import type { Rng } from './rng.ts';
import type { Identity } from './roster.ts';
import { newcomer } from './roster.ts';
import type { SimServer, TeamName } from './server.ts';
import type { Side } from './weapons.ts';
import { CLASS_NAMES, CLASS_WEIGHTS, chooseLoadout } from './weapons.ts';

export const FRAME_MS = 50;

/** Reinforcement times: attackers respawn faster than defenders on most competitive maps. */
export const LIMBO_MS = { attackers: 20000, defenders: 30000 } as const;

/** A connected player as the session knows him. */
export interface Seat {
  slot: number;
  who: Identity;
  side: Side;
  cls: PlayerClass;
}

export interface RoundPlan {
  map: string;
  /** 1 or 2 (stopwatch) */
  round: number;
}

export interface MatchHooks {
  /** Called after each round's intermission started and the tracker had time to write its file. */
  roundDone(plan: RoundPlan): Promise<void>;
}

export interface MatchOptions {
  rng: Rng;
  roundSeconds: number;
  warmupSeconds: number;
  intermissionSeconds: number;
}

/** Builds the list of rounds: stopwatch maps give round 1 and round 2. */
export function planRounds(rounds: number, maps: readonly string[]): RoundPlan[] {
  const out: RoundPlan[] = [];
  for (let i = 0; out.length < rounds; i++) {
    const map = maps[i % maps.length] as string;
    out.push({ map, round: 1 });
    if (out.length < rounds) out.push({ map, round: 2 });
  }
  return out;
}

function other(side: Side): Side {
  return side === 'AXIS' ? 'ALLIES' : 'AXIS';
}

/** Class line-up of one team: at least one medic and one engineer when the team is big enough. */
export function pickClasses(rng: Rng, n: number): PlayerClass[] {
  const out: PlayerClass[] = [];
  if (n >= 3) out.push('MEDIC', 'ENGINEER');
  const weights = CLASS_NAMES.map((c) => CLASS_WEIGHTS[c]);
  while (out.length < n) out.push(CLASS_NAMES[rng.weighted(weights)] as PlayerClass);
  return rng.shuffle(out);
}

export interface SessionStats extends BattleStats {
  disconnects: number;
  reconnects: number;
  teamSwitches: number;
  pauses: number;
  /** Enemy hits during warmups (the tracker must not count them). */
  warmupHits: number;
}

export class MatchRunner {
  readonly seats: Seat[] = [];
  private battle: Battle | null = null;
  private newcomers = 0;
  /** People who left and may come back (they rejoin the same team). */
  private readonly away: { who: Identity; side: Side; cls: PlayerClass }[] = [];
  /** What happened in the live rounds, summed over the session (and the hits landed in warmups). */
  readonly totals: SessionStats = {
    shots: 0, hits: 0, headshots: 0, kills: 0, teamkills: 0, selfkills: 0, worldDeaths: 0, revives: 0, blasts: 0, bodyHits: 0,
    disconnects: 0, reconnects: 0, teamSwitches: 0, pauses: 0, warmupHits: 0,
  };

  constructor(
    private readonly server: SimServer,
    private readonly opts: MatchOptions,
    private readonly hooks: MatchHooks,
  ) {}

  get stats(): Battle['stats'] | null {
    return this.battle?.stats ?? null;
  }

  /** First map: everybody connects during warmup (join order of the traces) and picks a team. */
  async connectAll(identities: Identity[], playersPerTeam: number): Promise<void> {
    const rng = this.opts.rng;
    const axis = pickClasses(rng, playersPerTeam);
    const allies = pickClasses(rng, playersPerTeam);
    for (let i = 0; i < identities.length; i++) {
      const who = identities[i] as Identity;
      const side: Side = i % 2 === 0 ? 'AXIS' : 'ALLIES';
      const cls = (side === 'AXIS' ? axis : allies)[Math.floor(i / 2)] as PlayerClass;
      const slot = await this.server.connect({ name: who.name, guid: who.guid, bot: who.bot });
      await this.server.joinTeam(slot, side, cls);
      this.seats.push({ slot, who, side, cls });
      // Clients arrive over a few frames, not all at once.
      if (i % 4 === 3) await this.server.runFrames(1);
    }
  }

  /** Plays one map (one or two rounds), starting in warmup on that map. */
  async playMap(mapName: string, rounds: RoundPlan[], newMap = false): Promise<void> {
    const map = mapArea(mapName);
    if (newMap) await this.pickNewClasses();
    for (const plan of rounds) {
      if (plan.round === 2) {
        // Stopwatch: the next map_restart brings round 2 with the sides swapped.
        await this.server.mapRestart();
        for (const s of this.seats) s.side = other(s.side);
        if (!this.server.swapsSidesAtRestart) for (const s of this.seats) await this.server.joinTeam(s.slot, s.side, s.cls);
      }
      await this.warmup(map);
      await this.server.startMatch();
      await this.live(map);
      await this.server.endRound();
      await this.server.runFor(this.opts.intermissionSeconds * 1000);
      await this.hooks.roundDone(plan);
    }
  }

  /**
   * After a map change players load the map (they begin 1.5–2.25 s later) and many pick another class
   * in the warmup: a `team` command with the same team and the new class.
   */
  private async pickNewClasses(): Promise<void> {
    await this.server.runFor(2500);
    for (const side of ['AXIS', 'ALLIES'] as const) {
      const team = this.seats.filter((s) => s.side === side);
      const line = pickClasses(this.opts.rng, team.length);
      for (let i = 0; i < team.length; i++) {
        const seat = team[i] as Seat;
        const cls = line[i] as PlayerClass;
        if (cls === seat.cls) continue;
        seat.cls = cls;
        await this.server.joinTeam(seat.slot, side, cls);
      }
    }
  }

  private newBattle(map: MapArea): Battle {
    const b = new Battle(map, this.server, this.opts.rng, FRAME_MS);
    this.battle = b;
    this.server.setSpawnPicker?.((slot) => b.pickSpawn(slot));
    for (const s of this.seats) b.add(s.slot, s.side, s.cls, chooseLoadout(s.cls, s.side, (w) => this.opts.rng.weighted(w)));
    return b;
  }

  /** A short warmup with some shooting: the tracker must ignore all of it. */
  private async warmup(map: MapArea): Promise<void> {
    const b = this.newBattle(map);
    await this.server.runFrames(2);
    b.aggression = 4;
    for (const p of b.players) {
      b.spawn(p, this.server.levelTime);
      b.scatter(p);
    }
    const frames = Math.round((this.opts.warmupSeconds * 1000) / FRAME_MS);
    for (let f = 0; f < frames; f++) {
      await b.step(this.server.levelTime);
      await this.server.runFrames(1);
    }
    this.totals.warmupHits += b.stats.hits;
  }

  private async live(map: MapArea): Promise<void> {
    const server = this.server;
    const b = this.newBattle(map);
    // After the warmup → live map_restart every player on a team is in the world.
    for (const p of b.players) b.spawn(p, server.levelTime);
    let liveStart = server.levelTime;
    const limbo = (side: Side): number => (side === map.attackers ? LIMBO_MS.attackers : LIMBO_MS.defenders);
    const nextWaveIn = (side: Side): number => {
      const l = limbo(side);
      const t = server.levelTime - liveStart;
      return l - (t % l);
    };
    const events = this.scheduleEvents();
    const frames = Math.round((this.opts.roundSeconds * 1000) / FRAME_MS);
    for (let f = 0; f < frames; f++) {
      const now = server.levelTime;
      const t = now - liveStart;
      // Reinforcement waves: everybody down or in limbo comes back at the team's spawn. The server's
      // own waves win when it can tell us who is alive.
      if (server.isAlive) {
        for (const p of b.players) if (p.state !== 'alive' && server.isAlive(p.slot)) b.spawn(p, now);
      } else {
        for (const side of ['AXIS', 'ALLIES'] as const) {
          if (t > 0 && t % limbo(side) < FRAME_MS) {
            for (const p of b.players) if (p.side === side && p.state !== 'alive') b.spawn(p, now);
          }
        }
      }
      while (events.length > 0 && (events[0] as SessionEvent).at <= t) {
        const ev = events.shift() as SessionEvent;
        if (ev.midFight && ev.waited < 20000 && !this.someoneUnderFire(b, now)) {
          // Waits (up to 20 s) for a moment when somebody is in a fight.
          ev.at += 250;
          ev.waited += 250;
          insertEvent(events, ev);
          break;
        }
        const pausedFor = await this.runEvent(ev, b, now, t, events);
        liveStart += pausedFor;
      }
      await b.step(now);
      if (t % 1000 < FRAME_MS) await b.everySecond(now, nextWaveIn);
      await server.runFrames(1);
    }
    b.reset();
    for (const k of Object.keys(b.stats) as (keyof BattleStats)[]) this.totals[k] += b.stats[k];
  }

  /** Disconnects and rejoins, a team switch now and then, sometimes a short pause. */
  private scheduleEvents(): SessionEvent[] {
    const rng = this.opts.rng;
    const ms = this.opts.roundSeconds * 1000;
    const out: SessionEvent[] = [];
    const leaves = Math.max(1, Math.round(this.seats.length / 10));
    // Half of the leavers quit in the middle of a fight (rage quit, crash): their engagement ends
    // `disconnected`; the same goes for some team switches (`team_changed`).
    for (let i = 0; i < leaves; i++) out.push(sessionEvent(Math.round(rng.range(0.1, 0.55) * ms), 'leave', rng.chance(0.5)));
    if (this.seats.length >= 4 && rng.chance(0.3)) out.push(sessionEvent(Math.round(rng.range(0.2, 0.8) * ms), 'switch', rng.chance(0.5)));
    if (rng.chance(0.15)) out.push(sessionEvent(Math.round(rng.range(0.3, 0.7) * ms), 'pause', false));
    return out.sort((a, b) => a.at - b.at);
  }

  /** Returns how long the round clock stood still (pauses). */
  private async runEvent(ev: SessionEvent, b: Battle, now: number, t: number, events: SessionEvent[]): Promise<number> {
    const rng = this.opts.rng;
    const server = this.server;
    switch (ev.kind) {
      case 'leave': {
        if (this.seats.length <= 2) return 0;
        const seat = this.pickSeat(b, now, ev.midFight);
        await server.disconnect(seat.slot);
        // Somebody takes the free slot a little later (often the same player reconnecting).
        const ms = this.opts.roundSeconds * 1000;
        insertEvent(events, sessionEvent(t + Math.round(rng.range(3000, Math.max(3000, Math.min(40000, 0.3 * ms)))), 'join', false));
        b.remove(seat.slot);
        this.seats.splice(this.seats.indexOf(seat), 1);
        this.away.push({ who: seat.who, side: seat.side, cls: seat.cls });
        this.totals.disconnects++;
        return 0;
      }
      case 'join': {
        const back = this.away.shift();
        if (!back) return 0;
        // Mostly the same person reconnecting (new connection, same guid); sometimes a stranger
        // takes the free slot instead.
        const who = rng.chance(0.6) ? back.who : newcomer(rng, ++this.newcomers);
        const slot = await server.connect({ name: who.name, guid: who.guid, bot: who.bot });
        await server.joinTeam(slot, back.side, back.cls);
        this.seats.push({ slot, who, side: back.side, cls: back.cls });
        this.seats.sort((x, y) => x.slot - y.slot);
        b.add(slot, back.side, back.cls, chooseLoadout(back.cls, back.side, (w) => rng.weighted(w)));
        this.totals.reconnects++;
        return 0;
      }
      case 'switch': {
        // One player changes sides (alive or not): MOD_SWITCHTEAM for the living, limbo on the new team.
        // Players switch to even the teams out: always from the bigger team (either when even).
        const axis = this.seats.filter((s) => s.side === 'AXIS').length;
        const allies = this.seats.length - axis;
        const from: Side | null = axis > allies ? 'AXIS' : allies > axis ? 'ALLIES' : null;
        const seat = this.pickSeat(b, now, ev.midFight, from);
        seat.side = other(seat.side);
        await server.joinTeam(seat.slot, seat.side as TeamName, seat.cls);
        b.add(seat.slot, seat.side, seat.cls, chooseLoadout(seat.cls, seat.side, (w) => rng.weighted(w)));
        this.totals.teamSwitches++;
        return 0;
      }
      case 'pause': {
        const ms = Math.round(rng.range(10, 40)) * 1000;
        this.totals.pauses++;
        server.pause();
        await server.runFor(ms);
        server.unpause();
        return ms;
      }
    }
  }

  private underFire(b: Battle, now: number, side: Side | null = null): Seat[] {
    return this.seats.filter((s) => {
      if (side !== null && s.side !== side) return false;
      const p = b.get(s.slot);
      return p !== undefined && p.state === 'alive' && now - p.lastHitAt < 3000;
    });
  }

  private someoneUnderFire(b: Battle, now: number): boolean {
    return this.underFire(b, now).length > 0;
  }

  /**
   * A random seat (of `side`, if given); for `midFight` one whose player was hit by an enemy in the last
   * 3 s, if any.
   */
  private pickSeat(b: Battle, now: number, midFight: boolean, side: Side | null = null): Seat {
    const rng = this.opts.rng;
    if (midFight) {
      const hurt = this.underFire(b, now, side);
      if (hurt.length > 0) return rng.pick(hurt);
    }
    return rng.pick(side === null ? this.seats : this.seats.filter((s) => s.side === side));
  }

  /** Players of the current battle (tests). */
  get players(): readonly SimPlayer[] {
    return this.battle?.players ?? [];
  }
}

interface SessionEvent {
  /** round time (ms) */
  at: number;
  kind: 'leave' | 'join' | 'switch' | 'pause';
  /** Happens to a player who is in a fight (waits for one, a little). */
  midFight: boolean;
  waited: number;
}

function sessionEvent(at: number, kind: SessionEvent['kind'], midFight: boolean): SessionEvent {
  return { at, kind, midFight, waited: 0 };
}

/** Keeps the event list sorted by time (stable: equal times keep their order). */
function insertEvent(events: SessionEvent[], ev: SessionEvent): void {
  let i = events.length;
  while (i > 0 && (events[i - 1] as SessionEvent).at > ev.at) i--;
  events.splice(i, 0, ev);
}
