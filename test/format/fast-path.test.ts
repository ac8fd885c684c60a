// The readers' fast line parsers (src/format/v1-fast.ts, legacy-v3-fast.ts) against their strict parsers,
// the reference: on valid files, on unusual-but-valid lines and on random damage, reading with and without
// the fast paths gives the same records (same values, same key order) or the same error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseRoundFile, parseRoundFileWith, RoundFileError } from '../../src/format/reader.ts';
import { writeRoundFileV1 } from '../../src/format/v1-writer.ts';
import { writeLegacyV2, writeLegacyV3 } from '../../src/format/legacy-writer.ts';
import { roundFileName, syntheticRound } from '../../src/format/synthetic.ts';
import type { RoundFile } from '../../src/format/types.ts';
import { V1FastParser } from '../../src/format/v1-fast.ts';
import { V3FastParser } from '../../src/format/legacy-v3-fast.ts';
import { PlayerRegistry } from '../../src/format/legacy-common.ts';
import { IntSet } from '../../src/format/scan.ts';
import { wellFormed } from './helpers.ts';

type Reading = { round: RoundFile; json: string } | { error: string };

function read(content: string | Uint8Array, name: string, strictOnly: boolean): Reading {
  try {
    const round = parseRoundFileWith(content, name, { strictOnly });
    return { round, json: JSON.stringify(round) };
  } catch (e) {
    if (e instanceof RoundFileError) return { error: `${e.kind} | ${e.line} | ${e.field} | ${e.message}` };
    throw e;
  }
}

/** Both readings agree; returns the reading. */
function agree(content: string | Uint8Array, name: string): Reading {
  const fast = read(content, name, false);
  const strict = read(content, name, true);
  assert.deepEqual(fast, strict);
  return fast;
}

// ---- unusual but valid lines: the fast path must read them exactly as the strict parser does ----

const MINIMAL = readFileSync(join(import.meta.dirname, '..', 'vectors', 'hand-minimal.txt'), 'latin1');
const ENG = 14;
const PLAYER1 = 16;
function withLine(lineNo: number, text: string): string {
  const l = MINIMAL.split('\n');
  l[lineNo - 1] = text;
  return l.join('\n');
}
function withField(lineNo: number, index: number, value: string): string {
  const f = MINIMAL.split('\n')[lineNo - 1]!.split(';');
  f[index] = value;
  return withLine(lineNo, f.join(';'));
}
function parsed(content: string): RoundFile {
  const r = agree(content, 'round.txt');
  assert.ok('round' in r, 'error' in r ? r.error : '');
  return r.round;
}

test('v1 integers: leading zeros, -0 and the 15-digit limit read alike by both paths', () => {
  assert.equal(parsed(withField(ENG, 0, '007')).engagements[0]!.id, 7);
  const e = parsed(withField(ENG, 1, '-0')).engagements[0]!;
  assert.ok(Object.is(e.startMs, 0), '-0 is read as +0');
  assert.equal(parsed(withField(ENG, 15, '1000,-0,020,0,start')).engagements[0]!.path[0]!.x, 0);
  for (const bad of ['+1000', ' 1000', '1000 ', '1e3', '0x10', '1.0', '', '-', '0000000000001000']) {
    assert.ok('error' in agree(withField(ENG, 1, bad), 'round.txt'), bad);
  }
  assert.ok('error' in agree(withField(ENG, 3, '32768'), 'round.txt')); // pids are smallint
  assert.ok('error' in agree(withField(ENG, 9, '2147483648'), 'round.txt')); // beyond int32
  assert.equal(parsed(withField(ENG, 9, '2147483647')).engagements[0]!.damage, 2147483647);
});

test('v1 fields and parts a later version may append are ignored, but must be 7-bit ASCII', () => {
  const line = MINIMAL.split('\n')[ENG - 1]!;
  assert.deepEqual(parsed(withLine(ENG, line + ';future;1|2,3')).engagements, parsed(MINIMAL).engagements);
  assert.ok('error' in agree(withLine(ENG, line + ';caf\u00e9'), 'round.txt'));
  const extraParts = withField(ENG, 14, '1,AXIS,54,3,1000,1500,1,8:3,new,part').replace('0,start|', '0,start,extra|');
  assert.deepEqual(parsed(extraParts).engagements, parsed(MINIMAL).engagements);
  const player = MINIMAL.split('\n')[PLAYER1 - 1]!;
  assert.deepEqual(parsed(withLine(PLAYER1, player + ';x')).players, parsed(MINIMAL).players);
  assert.deepEqual(parsed(withLine(19, '0;0;1;0;x')).killHeatmap, parsed(MINIMAL).killHeatmap);
});

test('v1 keywords must match whole: prefixes and longer words are errors on both paths', () => {
  for (const [index, value] of [
    [4, 'ALLIE'],
    [4, 'ALLIESX'],
    [5, 'MEDICS'],
    [6, 'kill'],
    [6, 'killedx'],
    [15, '1000,10,20,0,star'],
    [15, '1000,10,20,0,starts'],
    [24, '1v10'],
    [24, '1v'],
  ] as const) {
    assert.ok('error' in agree(withField(ENG, index, value), 'round.txt'), value);
  }
});

test('v1 percent-encoded names and empty classes read alike', () => {
  const r = parsed(withField(PLAYER1, 3, 'Caf%C3%A9%20%3B').replace(';AXIS;MEDIC;', ';AXIS;;'));
  assert.equal(r.players[0]!.name, 'Café ;');
  assert.equal(r.players[0]!.playerClass, null);
  assert.equal(parsed(withField(PLAYER1, 3, 'Ren%E9')).players[0]!.name, 'René');
});

test('config names that Object.prototype has become plain own properties', () => {
  const config = '# config=__proto__:1,constructor:2,tostring:3,hasownproperty:4,heatmaps:1';
  const r = parsed(MINIMAL.replace(/# config=[^\n]*/, config));
  assert.deepEqual(Object.keys(r.header.config), ['__proto__', 'constructor', 'tostring', 'hasownproperty', 'heatmaps']);
  assert.equal(Object.getPrototypeOf(r.header.config), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(r.header.config, '__proto__')?.value, 1);
  assert.equal(r.header.config.constructor, 2);
});

const V3_HEAD = '# PROXIMITY_TRACKER_V3\n# map=m\n# ENGAGEMENTS\n';
const V3_BASE = '1;0;10;10;T;Target;ALLIES;escaped;18;;;1;0,1.5,-2.5,0.4,start;1;0;;;;;;;;;G,a,AXIS,18,1,0,0,0,8:1';
function v3(line: string): RoundFile {
  const r = agree(V3_HEAD + line + '\n', 'x_engagements.txt');
  assert.ok('round' in r, 'error' in r ? r.error : '');
  return r.round;
}

test('v3 decimals are rounded half away from zero by both paths', () => {
  const p = v3(V3_BASE).engagements[0]!.path[0]!;
  assert.deepEqual([p.x, p.y, p.z], [2, -3, 0]);
  for (const bad of ['1.', '.5', '-', '1.5.5', '1e3', '+1', '2147483647.5', '1234567890123456']) {
    assert.ok('error' in agree(V3_HEAD + V3_BASE.replace(',1.5,', `,${bad},`) + '\n', 'x_engagements.txt'), bad);
  }
  assert.equal(v3(V3_BASE.replace(',1.5,', ',2147483647.4,')).engagements[0]!.path[0]!.x, 2147483647);
  // Fractions are summed digit by digit in floating point (fields.ts); both paths take the same steps.
  for (const f of ['0.49999999999999994', '0.5000000000000001', '-0.49999999999999999', '1.23456789012345678901']) {
    agree(V3_HEAD + V3_BASE.replace(',1.5,', `,${f},`) + '\n', 'x_engagements.txt');
  }
});

test('v3 attackers: names with commas, empty guids keyed by name, weapons summed, numeric teams', () => {
  const two = 'G,a,,b,1,18,1,0,0,0,8:1;8:2;|,Name,2,0,0,0,0,0,';
  const r = v3(V3_BASE.replace(';1;0;;;;;;;;;G,a,AXIS,18,1,0,0,0,8:1', `;2;0;;;;;;;;;${two}`));
  const [a, b] = r.engagements[0]!.attackers;
  assert.deepEqual(a!.weapons, { 8: 3 });
  assert.equal(a!.team, 'AXIS');
  assert.equal(b!.team, 'ALLIES');
  assert.deepEqual(r.players.map((p) => [p.guid, p.name]), [
    ['T', 'Target'],
    ['G', 'a,,b'],
    ['', 'Name'],
  ]);
  // the same empty-guid name twice is the same player: listed twice
  const twice = `;2;0;;;;;;;;;,N,AXIS,0,0,0,0,0,|,N,AXIS,0,0,0,0,0,`;
  assert.ok('error' in agree(V3_HEAD + V3_BASE.replace(';1;0;;;;;;;;;G,a,AXIS,18,1,0,0,0,8:1', twice) + '\n', 'x_engagements.txt'));
});

test('v3 crossfire participants register players in the strict order (an empty guid too)', () => {
  const line = V3_BASE.replace(';1;0;;;;;;;;;', ';1;1;450;P1,,G;;;;;;;');
  assert.deepEqual(v3(line).players.map((p) => p.guid), ['T', 'G', 'P1', '']);
  const pair = v3(V3_BASE.replace(';1;0;;;;;;;;;', ';1;1;450;G,T;;;;;;;')).engagements[0]!;
  assert.deepEqual(pair.crossfirePairs, [{ a: 1, b: 2, delayMs: 450 }]);
});

// ---- random damage: both readings agree on every input ----

const NUMBERS = ['0', '-0', '007', '+5', ' 5', '1e3', '', '-', '1.5', '-0.5', '2.5', '1.', '.5', '2147483647', '2147483648', '32767', '32768', '1000001', '-1000001', '9999999999999999', 'NaN'];
const WORDS = ['AXIS', 'ALLIES', 'SPECTATOR', 'axis', 'AXI', 'AXISS', '1', '2', '3', 'MEDIC', 'killed', 'escaped', 'teamkill', 'kill', 'start', 'sample', 'starts', 'death', '', '1v1', '2v1'];
const INSERTS = [';', '|', ',', '/', ':', ';;', ';x', ',x', '|1', '/1', ':1', '-', '+', '.', ' ', '\r', '\t', '\0', '%', '%41', '%00', '\xe9', '\n', '# END', '9', '8:3', ',extra', ';extra;fields', '|1,AXIS,0,0,0,0,0,'];

type Mutation =
  | { kind: 'number' | 'word'; line: number; which: number; value: string }
  | { kind: 'insert'; line: number; at: number; value: string }
  | { kind: 'delete'; line: number; at: number; length: number }
  | { kind: 'empty'; line: number; sep: string; which: number }
  | { kind: 'byte'; line: number; at: number; byte: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('number' as const), line: fc.nat(), which: fc.nat(), value: fc.constantFrom(...NUMBERS) }),
  fc.record({ kind: fc.constant('word' as const), line: fc.nat(), which: fc.nat(), value: fc.constantFrom(...WORDS) }),
  fc.record({ kind: fc.constant('insert' as const), line: fc.nat(), at: fc.nat(), value: fc.constantFrom(...INSERTS) }),
  fc.record({ kind: fc.constant('delete' as const), line: fc.nat(), at: fc.nat(), length: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('empty' as const), line: fc.nat(), sep: fc.constantFrom(';', '|', ',', '/'), which: fc.nat() }),
  fc.record({ kind: fc.constant('byte' as const), line: fc.nat(), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);

function replaceRun(line: string, run: RegExp, which: number, value: string): string {
  const runs = [...line.matchAll(run)];
  if (runs.length === 0) return line;
  const m = runs[which % runs.length]!;
  return line.slice(0, m.index) + value + line.slice(m.index! + m[0].length);
}

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = m.line % lines.length;
  const line = lines[i]!;
  switch (m.kind) {
    case 'number':
      lines[i] = replaceRun(line, /-?[0-9]+(\.[0-9]+)?/g, m.which, m.value);
      break;
    case 'word':
      lines[i] = replaceRun(line, /[A-Za-z_]+/g, m.which, m.value);
      break;
    case 'insert': {
      const at = m.at % (line.length + 1);
      lines[i] = line.slice(0, at) + m.value + line.slice(at);
      break;
    }
    case 'delete': {
      const at = m.at % (line.length + 1);
      lines[i] = line.slice(0, at) + line.slice(at + m.length);
      break;
    }
    case 'empty': {
      const parts = line.split(m.sep);
      parts[m.which % parts.length] = '';
      lines[i] = parts.join(m.sep);
      break;
    }
    case 'byte': {
      const at = m.at % (line.length + 1);
      lines[i] = line.slice(0, at) + String.fromCharCode(m.byte) + line.slice(at + 1);
      break;
    }
  }
  return lines.join('\n');
}

const hostile = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 16 }), fc.constantFrom('^1Bob;|x,:=/+%', 'a,b', 'René', '🎯', '', 'OMNIBOT'))
  .map((s) => wellFormed(s).replaceAll('\0', ''));

const round = fc
  .record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    engagements: fc.integer({ min: 1, max: 20 }),
    perTeam: fc.integer({ min: 1, max: 6 }),
    names: fc.array(hostile, { minLength: 12, maxLength: 12 }),
    heatmaps: fc.boolean(),
  })
  .map((o) => {
    const r = syntheticRound(o.seed, { engagements: o.engagements, playersPerTeam: o.perTeam });
    r.players.forEach((p, i) => (p.name = o.names[i]!));
    if (!o.heatmaps) {
      r.killHeatmap = null;
      r.movementHeatmap = null;
      r.header.sections = ['engagements', 'players'];
    }
    return r;
  });

test('v1: fast and strict readings agree on valid and damaged files', () => {
  fc.assert(
    fc.property(round, fc.array(mutation, { minLength: 0, maxLength: 3 }), (r, ms) => {
      let text = writeRoundFileV1(r);
      for (const m of ms) text = mutate(text, m);
      agree(Buffer.from(text, 'latin1'), roundFileName(r));
    }),
    { numRuns: 600 },
  );
});

test('legacy v3 and v2: fast and strict readings agree on valid and damaged files', () => {
  fc.assert(
    fc.property(round, fc.boolean(), fc.array(mutation, { minLength: 0, maxLength: 3 }), (r, isV3, ms) => {
      let text = isV3 ? writeLegacyV3(r) : writeLegacyV2(r);
      for (const m of ms) text = mutate(text, m);
      agree(Buffer.from(text, 'utf8'), roundFileName(r, isV3 ? 'engagements' : 'proximity'));
    }),
    { numRuns: 500 },
  );
});

test('the fast parsers accept every well-formed line (so valid files never need the strict path)', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const r = syntheticRound(seed, { engagements: 60 });
    const v1 = new V1FastParser();
    let section = '';
    for (const line of writeRoundFileV1(r).split('\n')) {
      if (line === '' || line.startsWith('#')) {
        section = line;
        continue;
      }
      const b = Buffer.from(line, 'latin1');
      const record =
        section === '# ENGAGEMENTS'
          ? v1.engagement(line, b, 0, line.length)
          : section === '# PLAYERS'
            ? v1.player(line, b, 0, line.length)
            : section === '# KILL_HEATMAP'
              ? v1.killCell(line, b, 0, line.length)
              : v1.movementCell(line, b, 0, line.length);
      assert.notEqual(record, null, `v1 ${section}: ${line}`);
    }
    const v3 = new V3FastParser();
    const registry = new PlayerRegistry();
    section = '';
    for (const line of Buffer.from(writeLegacyV3(r), 'utf8').toString('latin1').split('\n')) {
      if (line === '' || line.startsWith('#')) {
        section = line;
        continue;
      }
      const b = Buffer.from(line, 'latin1');
      const record =
        section === '# ENGAGEMENTS'
          ? v3.engagement(line, b, 0, line.length, new IntSet(), registry)
          : section === '# KILL_HEATMAP'
            ? v3.killCell(line, b, 0, line.length)
            : v3.movementCell(line, b, 0, line.length);
      assert.notEqual(record, null, `v3 ${section}: ${line}`);
    }
  }
});
