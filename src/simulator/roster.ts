/**
 * Who plays: deterministic player identities for a session. Names look like a real public server's
 * (ET colour codes, clan tags) and a few are deliberately hostile to the file format, SQL and HTML:
 * every separator the round file uses, quotes, angle brackets, '%' and non-ASCII. Names never contain
 * ';' or '"' because the engine drops a client whose userinfo holds them (reference §9).
 */
import type { Rng } from './rng.ts';

export interface Identity {
  name: string;
  /** cl_guid: 32 upper-case hex characters (humans) */
  guid: string;
  bot: boolean;
}

const BASE_NAMES = [
  'SlomiX', 'vid', 'carniee', 'bronze', 'Olz', 'lagger', 'rAzOr', 'ipkiss', 'nohbdy', 'Mr.Wolf',
  'kitty', 'squirrel', 'Pixelated', 'ballz', 'Fargo', 'Reload', 'tuna', 'Dzeko', 'miasma', 'gOdLiKe',
  'panzerbitch', 'medicNOW', 'Tiger', 'Kraut', 'sarge', 'sniper.exe', 'ghost', 'hAppY', 'Jay', 'popcorn',
  'Jürgen', 'Ærøskøbing', 'Zé', 'Ñandú', 'Дима', 'Łukasz', 'Mörser', 'Ölkanne',
];

const HOSTILE_NAMES = [
  "O'Brien", 'a|b,c:d=e/f+g%h', '<script>alert(1)</script>', "Robert'); DROP TABLE players;--",
  '%00%41', '^1R^2a^3i^4n^5b^6o^7w', 'tab\there', '  spaced  ', '\\back\\slash', '`tick`', '${inject}',
];

const TAGS = ['', '', '', '^1[KF]^7', '^4|TG|^7', '^3XoR^7.', '^2eT^7*', '^0<^5X^0>^7 ', '^dmYth^7|'];
const COLOURS = ['', '', '^1', '^2', '^3', '^4', '^5', '^6', '^7', '^9', '^o'];

function hex32(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += rng.u32().toString(16).toUpperCase().padStart(8, '0');
  return s;
}

/** `count` distinct identities; roughly one in twelve has a hostile name. */
export function makeRoster(rng: Rng, count: number): Identity[] {
  const used = new Set<string>();
  const out: Identity[] = [];
  const hostile = rng.shuffle([...HOSTILE_NAMES]);
  const base = rng.shuffle([...BASE_NAMES]);
  for (let i = 0; i < count; i++) {
    let name: string;
    if (i % 12 === 5 && hostile.length > 0) {
      name = hostile.pop() as string;
    } else {
      const core = base[i % base.length] as string;
      const suffix = i >= base.length ? String(Math.floor(i / base.length) + 1) : '';
      name = `${rng.pick(TAGS)}${rng.pick(COLOURS)}${core}${suffix}`;
    }
    while (used.has(name)) name += '_';
    used.add(name);
    out.push({ name, guid: hex32(rng), bot: false });
  }
  return out;
}

/** A fresh identity for someone who joins mid-session (takes a slot somebody left). */
export function newcomer(rng: Rng, n: number): Identity {
  return { name: `${rng.pick(COLOURS)}Newcomer${n}`, guid: hex32(rng), bot: false };
}
