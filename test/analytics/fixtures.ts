/**
 * Hand-built rounds for the analytics and web tests, written as real `PROXIMITY_ROUND v1` files
 * (docs/FORMAT.md) and imported through the store's own importer, so the tests exercise the same path
 * as production. Every expected number in test/analytics/*.test.ts is derived by hand from this file;
 * the comments on each engagement say what it contributes.
 */
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeText } from '../../src/format/escape.ts';

export const GUID = {
  alpha: 'A'.repeat(32),
  bravo: 'B'.repeat(32),
  charlie: 'C'.repeat(32),
  delta: 'D'.repeat(32),
  xss1: 'E'.repeat(32),
  xss2: 'F'.repeat(32),
  bot: 'OMNIBOT01',
} as const;

export const XSS_NAME_1 = `<script>alert(1)</script>"'&`;
export const XSS_NAME_2 = `^1<img src=x onerror=alert(1)>`;

type TeamName = 'AXIS' | 'ALLIES';
interface P {
  pid: number;
  guid: string;
  name: string;
  team: TeamName;
  bot?: boolean;
}
interface Atk {
  pid: number;
  damage: number;
  hits: number;
  first: number;
  last: number;
  kill?: boolean;
  weapons: [number, number][];
}
interface E {
  id: number;
  start: number;
  end: number;
  target: number;
  outcome: string;
  killer?: number;
  endMod?: number;
  attackers: Atk[];
  pairs?: [number, number, number][];
  victimPos?: [number, number, number];
  killerPos?: [number, number, number];
  killerAllies?: number[];
  victimAllies?: number[];
  weapon?: number;
}
interface R {
  map: string;
  round: number;
  startUnix: number;
  durationMs: number;
  serverId: string;
  serverName: string;
  players: P[];
  engagements: E[];
  kills: [number, number, number, number][];
  movement: [number, number, number, number, number][];
}

const pos = (p?: [number, number, number]) => (p ? p.join(',') : '');

function engagementLine(r: R, e: E): string {
  const team = (pid: number) => r.players.find((p) => p.pid === pid)!.team;
  const killed = e.outcome === 'killed';
  const damage = e.attackers.reduce((s, a) => s + a.damage, 0);
  const hits = e.attackers.reduce((s, a) => s + a.hits, 0);
  const pairs = e.pairs ?? [];
  const ka = e.killerAllies ?? [];
  const va = e.victimAllies ?? [];
  const fields = [
    e.id,
    e.start,
    e.end,
    e.target,
    team(e.target),
    'SOLDIER',
    e.outcome,
    e.endMod ?? (killed ? 8 : ''),
    e.killer ?? '',
    damage,
    hits,
    pairs.length > 0 ? 1 : 0,
    pairs.length > 0 ? Math.min(...pairs.map((p) => p[2])) : '',
    pairs.map((p) => p.join('/')).join('|'),
    e.attackers
      .map((a) =>
        [a.pid, team(a.pid), a.damage, a.hits, a.first, a.last, a.kill ? 1 : 0, a.weapons.map((w) => w.join(':')).join('/')].join(','),
      )
      .join('|'),
    `${e.start},0,0,0,start`,
    killed ? (e.weapon ?? 3) : '',
    killed ? pos(e.killerPos) : '',
    killed ? pos(e.victimPos) : '',
    killed && e.killerPos && e.victimPos ? Math.round(Math.hypot(e.killerPos[0] - e.victimPos[0], e.killerPos[1] - e.victimPos[1], e.killerPos[2] - e.victimPos[2])) : '',
    killed ? ka.join('|') : '',
    '',
    killed ? va.join('|') : '',
    '',
    killed ? `${1 + ka.length}v${1 + va.length}` : '',
  ];
  return fields.join(';');
}

export function writeRoundV1(r: R): { name: string; text: string } {
  const lines = [
    '# PROXIMITY_ROUND v1',
    '# tracker_version=1.0.0',
    `# server_id=${encodeText(r.serverId)}`,
    `# server_name=${encodeText(r.serverName)}`,
    `# map=${encodeText(r.map)}`,
    `# round=${r.round}`,
    '# gametype=3',
    `# round_start_unix=${r.startUnix}`,
    '# round_start_leveltime=5000',
    '# timelimit=10',
    '# config=crossfire_window_ms:1000,escape_time_ms:5000,escape_distance:300,sample_interval_ms:2000,grid_size:512,nearby_radius:300,movement_sample_ms:1000,max_path_points:48,flush_ms:1000,heatmaps:1',
    '# sections=engagements,players,kill_heatmap,movement_heatmap',
    '# ENGAGEMENTS',
    ...r.engagements.map((e) => engagementLine(r, e)),
    '# PLAYERS',
    ...r.players.map((p) =>
      [p.pid, p.pid - 1, encodeText(p.guid), encodeText(p.name), p.bot ? 1 : 0, p.team, 'SOLDIER', 0, r.durationMs].join(';'),
    ),
    '# KILL_HEATMAP',
    ...r.kills.map((c) => c.join(';')),
    '# MOVEMENT_HEATMAP',
    ...r.movement.map((c) => c.join(';')),
    `# END end_reason=intermission round_end_unix=${r.startUnix + Math.round(r.durationMs / 1000)} duration_ms=${r.durationMs} paused_ms=0 engagements=${r.engagements.length} players=${r.players.length} kill_cells=${r.kills.length} movement_cells=${r.movement.length}`,
  ];
  const end = new Date((r.startUnix + Math.round(r.durationMs / 1000)) * 1000).toISOString();
  const stamp = `${end.slice(0, 10)}-${end.slice(11, 13)}${end.slice(14, 16)}${end.slice(17, 19)}`;
  return { name: `${stamp}-${r.map}-round-${r.round}_engagements.txt`, text: lines.join('\n') + '\n' };
}

/** 2026-01-01 20:00:00 UTC */
export const DAY1 = 1767297600;
/** 2026-01-02 20:00:00 UTC */
export const DAY2 = DAY1 + 86400;

/*
 * Round 1 (supply r1, day 1). Axis: alpha(1) bravo(2) bot(6). Allies: charlie(3) delta(4) xss1(5).
 *  e1 charlie ← alpha+bravo, crossfire alpha/bravo 300 ms, killed by alpha (2v1), victim cell (1,2)
 *  e2 delta   ← alpha only, killed by alpha (1v1), victim cell (1,2)          → alpha solo kill, delta solo death
 *  e3 alpha   ← charlie only, escaped
 *  e4 alpha   ← charlie+delta, crossfire charlie/delta 500 ms, escaped         → alpha focus survival 1/1
 *  e5 bravo   ← xss1 only, killed by xss1 (1v1), victim cell (-1,0)          → xss1 solo kill, bravo solo death
 *  e6 xss1    ← alpha only, round_end
 */
const ROUND1: R = {
  map: 'supply',
  round: 1,
  startUnix: DAY1,
  durationMs: 600_000,
  serverId: 'srv-1',
  serverName: '^1Test ^7Server',
  players: [
    { pid: 1, guid: GUID.alpha, name: '^1Alpha', team: 'AXIS' },
    { pid: 2, guid: GUID.bravo, name: 'Bravo', team: 'AXIS' },
    { pid: 3, guid: GUID.charlie, name: 'Charlie', team: 'ALLIES' },
    { pid: 4, guid: GUID.delta, name: 'Delta', team: 'ALLIES' },
    { pid: 5, guid: GUID.xss1, name: XSS_NAME_1, team: 'ALLIES' },
    { pid: 6, guid: GUID.bot, name: '[BOT]Bot', team: 'AXIS', bot: true },
  ],
  engagements: [
    {
      id: 1, start: 1000, end: 2000, target: 3, outcome: 'killed', killer: 1, weapon: 3,
      attackers: [
        { pid: 1, damage: 80, hits: 4, first: 1000, last: 2000, kill: true, weapons: [[8, 4]] },
        { pid: 2, damage: 40, hits: 2, first: 1300, last: 1300, weapons: [[9, 2]] },
      ],
      pairs: [[1, 2, 300]],
      killerPos: [600, 1100, 0], victimPos: [700, 1200, 0], killerAllies: [2],
    },
    {
      id: 2, start: 3000, end: 3500, target: 4, outcome: 'killed', killer: 1, weapon: 3,
      attackers: [{ pid: 1, damage: 100, hits: 5, first: 3000, last: 3500, kill: true, weapons: [[8, 5]] }],
      killerPos: [600, 1100, 0], victimPos: [800, 1100, 0],
    },
    {
      id: 3, start: 4000, end: 9000, target: 1, outcome: 'escaped',
      attackers: [{ pid: 3, damage: 30, hits: 1, first: 4000, last: 4000, weapons: [[11, 1]] }],
    },
    {
      id: 4, start: 10000, end: 16000, target: 1, outcome: 'escaped',
      attackers: [
        { pid: 3, damage: 20, hits: 1, first: 10000, last: 10000, weapons: [[11, 1]] },
        { pid: 4, damage: 25, hits: 1, first: 10500, last: 10500, weapons: [[9, 1]] },
      ],
      pairs: [[3, 4, 500]],
    },
    {
      id: 5, start: 20000, end: 20100, target: 2, outcome: 'killed', killer: 5, endMod: 9, weapon: 8,
      attackers: [{ pid: 5, damage: 110, hits: 3, first: 20000, last: 20100, kill: true, weapons: [[9, 3]] }],
      killerPos: [-300, 100, 0], victimPos: [-200, 50, 0],
    },
    {
      id: 6, start: 590000, end: 600000, target: 5, outcome: 'round_end',
      attackers: [{ pid: 1, damage: 10, hits: 1, first: 590000, last: 590000, weapons: [[8, 1]] }],
    },
  ],
  // kills by Axis killers in the victims' cells: e1 (700,1200) → (1,2); e2 (800,1100) → (1,2);
  // by Allied killers: e5 (-200,50) → (-1,0)
  kills: [
    [1, 2, 2, 0],
    [-1, 0, 0, 1],
  ],
  movement: [
    [1, 2, 50, 4, 0],
    [0, 0, 30, 2, 2],
    [-1, 0, 10, 1, 0],
  ],
};

/*
 * Round 2 (supply r2, day 1, an hour later). Alpha is now called ^2Alpha2; xss2 joins.
 *  e1 alpha   ← charlie only, killed by charlie (1v1), victim cell (1,2)       → alpha solo death
 *  e2 charlie ← alpha+bravo, crossfire alpha/bravo 100 ms, killed by bravo (2v1), victim cell (1,2)
 *  e3 xss2    ← alpha only, disconnected
 */
const ROUND2: R = {
  map: 'supply',
  round: 2,
  startUnix: DAY1 + 3600,
  durationMs: 480_000,
  serverId: 'srv-1',
  serverName: '^1Test ^7Server',
  players: [
    { pid: 1, guid: GUID.alpha, name: '^2Alpha2', team: 'AXIS' },
    { pid: 2, guid: GUID.bravo, name: 'Bravo', team: 'AXIS' },
    { pid: 3, guid: GUID.charlie, name: 'Charlie', team: 'ALLIES' },
    { pid: 4, guid: GUID.xss2, name: XSS_NAME_2, team: 'ALLIES' },
  ],
  engagements: [
    {
      id: 1, start: 1000, end: 1500, target: 1, outcome: 'killed', killer: 3, endMod: 11, weapon: 25,
      attackers: [{ pid: 3, damage: 90, hits: 2, first: 1000, last: 1500, kill: true, weapons: [[11, 2]] }],
      killerPos: [500, 1000, 0], victimPos: [520, 1030, 0],
    },
    {
      id: 2, start: 5000, end: 6000, target: 3, outcome: 'killed', killer: 2, endMod: 9, weapon: 8,
      attackers: [
        { pid: 1, damage: 50, hits: 2, first: 5000, last: 5000, weapons: [[8, 2]] },
        { pid: 2, damage: 70, hits: 3, first: 5100, last: 6000, kill: true, weapons: [[9, 3]] },
      ],
      pairs: [[1, 2, 100]],
      killerPos: [600, 1300, 0], victimPos: [700, 1300, 0], killerAllies: [1],
    },
    {
      id: 3, start: 8000, end: 8200, target: 4, outcome: 'disconnected',
      attackers: [{ pid: 1, damage: 15, hits: 1, first: 8000, last: 8000, weapons: [[8, 1]] }],
    },
  ],
  kills: [[1, 2, 1, 1]],
  movement: [[1, 2, 20, 3, 0]],
};

/*
 * Round 3 (goldrush r1, day 2).
 *  e1 bravo ← delta only, timeout
 *  e2 delta ← bravo only, team_changed
 */
const ROUND3: R = {
  map: 'goldrush',
  round: 1,
  startUnix: DAY2,
  durationMs: 300_000,
  serverId: 'srv-2',
  serverName: 'Second',
  players: [
    { pid: 1, guid: GUID.bravo, name: 'Bravo', team: 'AXIS' },
    { pid: 2, guid: GUID.delta, name: 'Delta', team: 'ALLIES' },
  ],
  engagements: [
    {
      id: 1, start: 1000, end: 6000, target: 1, outcome: 'timeout',
      attackers: [{ pid: 2, damage: 20, hits: 1, first: 1000, last: 1000, weapons: [[9, 1]] }],
    },
    {
      id: 2, start: 7000, end: 7200, target: 2, outcome: 'team_changed',
      attackers: [{ pid: 1, damage: 5, hits: 1, first: 7000, last: 7000, weapons: [[8, 1]] }],
    },
  ],
  kills: [],
  movement: [[3, -2, 7, 1, 0]],
};

export const FIXTURE_ROUNDS: R[] = [ROUND1, ROUND2, ROUND3];

/** Writes the fixture rounds as files into a fresh temporary directory; returns the directory and paths. */
export async function writeFixtureFiles(rounds: R[] = FIXTURE_ROUNDS): Promise<{ dir: string; files: string[]; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'proximity-analytics-'));
  const files: string[] = [];
  for (const r of rounds) {
    const { name, text } = writeRoundV1(r);
    const path = join(dir, name);
    await writeFile(path, text);
    files.push(path);
  }
  return { dir, files, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
