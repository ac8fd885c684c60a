/**
 * A stand-in for the emulator's EtServer: health, deaths, waves and the game states, plus a small
 * re-implementation of the engagement rules (FORMAT.md) so the behaviour model's statistics can be
 * checked fast and without Lua. The real checks run through the emulator and the real tracker.
 */
import type { ServerOptions, SimServer, TeamName } from '../../src/simulator/server.ts';

interface Client {
  name: string;
  team: TeamName;
  health: number;
  alive: boolean;
  origin: [number, number, number];
}

interface OpenEngagement {
  target: number;
  lastHit: number;
  lastHitPos: [number, number, number];
  lastBy: Map<number, number>;
  crossfire: boolean;
}

export interface FakeEngagementStats {
  total: number;
  killed: number;
  escaped: number;
  timeout: number;
  other: number;
  crossfire: number;
  types: Record<string, number>;
  killsBy: Record<string, number>;
}

export class FakeServer implements SimServer {
  levelTime = 0;
  gamestate: number;
  readonly hookErrors: { hook: string; message: string }[] = [];
  readonly hookReturns: { hook: string; values: unknown[] }[] = [];
  readonly calls: string[] = [];
  readonly clients = new Map<number, Client>();
  readonly eng: FakeEngagementStats = { total: 0, killed: 0, escaped: 0, timeout: 0, other: 0, crossfire: 0, types: {}, killsBy: {} };
  private open = new Map<number, OpenEngagement>();
  private paused = false;
  private liveStart = 0;

  constructor(readonly opts: ServerOptions) {
    this.gamestate = opts.warmup ? 2 : 1;
  }

  static factory = async (o: ServerOptions): Promise<FakeServer> => new FakeServer(o);

  private limbo(team: TeamName): number {
    return Number(this.opts.cvars[team === 'AXIS' ? 'g_redlimbotime' : 'g_bluelimbotime'] ?? 30000);
  }

  async connect(p: { name: string; slot?: number }): Promise<number> {
    let slot = p.slot ?? 0;
    while (this.clients.has(slot)) slot++;
    this.clients.set(slot, { name: p.name, team: 'SPECTATOR', health: 0, alive: false, origin: [0, 0, 0] });
    this.calls.push(`connect ${slot}`);
    return slot;
  }
  async joinTeam(slot: number, team: TeamName): Promise<void> {
    const c = this.clients.get(slot);
    if (!c) throw new Error(`joinTeam: slot ${slot} not connected`);
    if (c.alive) this.closeEngagement(slot, 'team_changed');
    c.team = team;
    c.alive = this.gamestate !== 0; // warmup: spawns at once; live: limbo until the wave
    c.health = 100;
    this.calls.push(`team ${slot} ${team}`);
  }
  async disconnect(slot: number): Promise<void> {
    this.closeEngagement(slot, 'disconnected');
    this.clients.delete(slot);
    this.calls.push(`disconnect ${slot}`);
  }
  setOrigin(slot: number, pos: [number, number, number]): void {
    const c = this.clients.get(slot);
    if (c) c.origin = pos;
  }
  getOrigin(slot: number): [number, number, number] {
    return this.clients.get(slot)?.origin ?? [0, 0, 0];
  }
  async fire(): Promise<void> {}
  async damage(target: number, attacker: number, amount: number, mod: number): Promise<{ cancelled: boolean; killed: boolean }> {
    const t = this.clients.get(target);
    if (!t) throw new Error(`damage: target ${target} not connected`);
    if (attacker !== 1022 && !this.clients.has(attacker)) throw new Error(`damage: attacker ${attacker} not connected`);
    const a = this.clients.get(attacker);
    const wasAlive = t.alive;
    if (wasAlive && a && a.team !== t.team && this.gamestate === 0) this.enemyHit(target, attacker);
    t.health -= amount;
    if (wasAlive && t.health <= 0) {
      t.alive = false;
      this.kill(target, attacker, mod);
      return { cancelled: false, killed: true };
    }
    return { cancelled: false, killed: false };
  }
  async revive(slot: number): Promise<void> {
    const c = this.clients.get(slot);
    if (!c || c.alive) throw new Error(`revive: slot ${slot} is not down`);
    c.alive = true;
    c.health = 62;
  }
  async suicide(slot: number): Promise<void> {
    const c = this.clients.get(slot);
    if (!c || !c.alive) throw new Error(`suicide: slot ${slot} is not alive`);
    c.alive = false;
    this.kill(slot, slot, 33);
  }
  async runFrames(n: number): Promise<void> {
    for (let i = 0; i < n; i++) this.frame();
  }
  async runFor(ms: number): Promise<void> {
    await this.runFrames(Math.ceil(ms / 50));
  }
  async startMatch(): Promise<void> {
    this.gamestate = 0;
    this.liveStart = this.levelTime;
    for (const c of this.clients.values()) if (c.team !== 'SPECTATOR') {
      c.alive = true;
      c.health = 100;
    }
    this.calls.push('startMatch');
  }
  async endRound(): Promise<void> {
    for (const slot of [...this.open.keys()]) this.closeEngagement(slot, 'round_end');
    this.gamestate = 3;
    this.calls.push('endRound');
  }
  async changeMap(map: string): Promise<void> {
    this.gamestate = 2;
    this.calls.push(`changeMap ${map}`);
  }
  async mapRestart(): Promise<void> {
    this.gamestate = 2;
    this.calls.push('mapRestart');
  }
  pause(): void {
    this.paused = true;
  }
  unpause(): void {
    this.paused = false;
  }
  async quit(): Promise<void> {
    this.calls.push('quit');
  }
  isDowned(slot: number): boolean {
    const c = this.clients.get(slot);
    return !!c && !c.alive && c.health > -113;
  }
  isAlive(slot: number): boolean {
    return this.clients.get(slot)?.alive ?? false;
  }
  gamePath(relative: string): string {
    return `${this.opts.homepath}/legacy/${relative}`;
  }

  private frame(): void {
    this.levelTime += 50;
    if (this.gamestate !== 0 || this.paused) return;
    const t = this.levelTime - this.liveStart;
    for (const c of this.clients.values()) {
      if (c.team === 'SPECTATOR' || c.alive) continue;
      const l = this.limbo(c.team);
      if (t % l < 50) {
        c.alive = true;
        c.health = 100;
      }
    }
    for (const [slot, e] of [...this.open]) {
      if (this.levelTime - e.lastHit < 5000) continue;
      const c = this.clients.get(slot);
      const p = c?.origin ?? e.lastHitPos;
      const moved = Math.hypot(p[0] - e.lastHitPos[0], p[1] - e.lastHitPos[1], p[2] - e.lastHitPos[2]);
      this.closeEngagement(slot, moved >= 300 ? 'escaped' : 'timeout');
    }
  }

  private enemyHit(target: number, attacker: number): void {
    let e = this.open.get(target);
    if (!e) {
      e = { target, lastHit: 0, lastHitPos: [0, 0, 0], lastBy: new Map(), crossfire: false };
      this.open.set(target, e);
    }
    for (const [other, at] of e.lastBy) if (other !== attacker && this.levelTime - at <= 1000) e.crossfire = true;
    e.lastBy.set(attacker, this.levelTime);
    e.lastHit = this.levelTime;
    e.lastHitPos = [...(this.clients.get(target)?.origin ?? [0, 0, 0])];
  }

  private kill(victim: number, killer: number, mod: number): void {
    if (this.gamestate !== 0) return;
    const v = this.clients.get(victim);
    const k = this.clients.get(killer);
    if (!v) return;
    if (killer !== victim && k && k.team !== v.team) {
      if (!this.open.has(victim)) this.enemyHit(victim, killer);
      const near = (who: number, team: TeamName): number => {
        const o = this.clients.get(who)?.origin ?? [0, 0, 0];
        let n = 0;
        for (const [s, c] of this.clients) {
          if (s === who || s === victim || s === killer || !c.alive || c.team !== team) continue;
          if (Math.hypot(c.origin[0] - o[0], c.origin[1] - o[1], c.origin[2] - o[2]) <= 300) n++;
        }
        return n;
      };
      const type = `${1 + near(killer, k.team)}v${1 + near(victim, v.team)}`;
      this.eng.types[type] = (this.eng.types[type] ?? 0) + 1;
      this.eng.killsBy[k.team] = (this.eng.killsBy[k.team] ?? 0) + 1;
      this.eng.killsBy[`mod${mod}`] = (this.eng.killsBy[`mod${mod}`] ?? 0) + 1;
      this.closeEngagement(victim, 'killed');
    } else {
      this.closeEngagement(victim, 'other');
    }
  }

  private closeEngagement(slot: number, outcome: string): void {
    const e = this.open.get(slot);
    if (!e) return;
    this.open.delete(slot);
    this.eng.total++;
    if (e.crossfire) this.eng.crossfire++;
    if (outcome === 'killed') this.eng.killed++;
    else if (outcome === 'escaped') this.eng.escaped++;
    else if (outcome === 'timeout') this.eng.timeout++;
    else this.eng.other++;
  }
}
