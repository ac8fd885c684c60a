// fast-check fuzzing of the v1 reader: (a) random valid rounds survive write → parse unchanged;
// (b) random damage to valid files only ever yields RoundFileError or a RoundFile that obeys the types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRoundFile, RoundFileError } from '../../src/format/reader.ts';
import { writeRoundFileV1 } from '../../src/format/v1-writer.ts';
import { writeLegacyV2, writeLegacyV3 } from '../../src/format/legacy-writer.ts';
import { syntheticRound } from '../../src/format/synthetic.ts';
import type { RoundFile } from '../../src/format/types.ts';
import { assertValidRound, wellFormed } from './helpers.ts';

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom("'; DROP TABLE players;--", '^1Bob;|x,:=/+%', '<script>alert(1)</script>', 'Ren\u00e9', '🎯^7x', '%00', '%%41'),
).map((s) => wellFormed(s).replaceAll('\0', ''));

const validRound: fc.Arbitrary<RoundFile> = fc
  .record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    engagements: fc.integer({ min: 0, max: 25 }),
    perTeam: fc.integer({ min: 1, max: 8 }),
    names: fc.array(hostileText, { minLength: 16, maxLength: 16 }),
    guids: fc.array(hostileText, { minLength: 16, maxLength: 16 }),
    map: hostileText.filter((s) => s !== ''),
    serverId: hostileText.filter((s) => s !== ''),
    serverName: hostileText,
    timelimit: hostileText,
    killHeatmap: fc.boolean(),
    movementHeatmap: fc.boolean(),
    config: fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), fc.integer({ min: -1e9, max: 1e9 }), { maxKeys: 5 }),
  })
  .map((o) => {
    const r = syntheticRound(o.seed, { engagements: o.engagements, playersPerTeam: o.perTeam });
    r.players.forEach((p, i) => {
      p.name = o.names[i]!;
      p.guid = o.guids[i]!;
    });
    r.header.map = o.map;
    r.header.serverId = o.serverId;
    r.header.serverName = o.serverName;
    r.header.timelimit = o.timelimit;
    r.header.config = { ...o.config };
    if (!o.killHeatmap) r.killHeatmap = null;
    if (!o.movementHeatmap) r.movementHeatmap = null;
    r.header.sections = ['engagements', 'players'];
    if (r.killHeatmap) r.header.sections.push('kill_heatmap');
    if (r.movementHeatmap) r.header.sections.push('movement_heatmap');
    return r;
  });

test('(a) round trip: random valid rounds → v1 text → parse → deep-equal', () => {
  fc.assert(
    fc.property(validRound, (round) => {
      const back = parseRoundFile(writeRoundFileV1(round), 'no-timestamp.txt');
      assert.deepEqual(back, round);
    }),
    { numRuns: 300 },
  );
});

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'drop'; line: number }
  | { kind: 'duplicate'; line: number }
  | { kind: 'inject'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat() }),
  fc.record({
    kind: fc.constant('inject' as const),
    at: fc.nat(),
    text: fc.constantFrom(';', '|', ',', '/', ':', ';x', '|1,AXIS', ';;;', '-', '9', '%', '%0', '\n', '\n# END', 'NaN', '1e9', '99999999999999999'),
  }),
);

function mutate(bytes: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      if (out.length) out[m.at % out.length] = m.byte;
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, m.at % (bytes.length + 1));
    case 'drop':
    case 'duplicate': {
      const lines = bytes.toString('latin1').split('\n');
      const i = m.line % lines.length;
      if (m.kind === 'drop') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i]!);
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 'inject': {
      const at = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text, 'latin1'), bytes.subarray(at)]);
    }
  }
}

function parsesCleanlyOrRejects(content: Buffer, name: string): void {
  let round: RoundFile;
  try {
    round = parseRoundFile(content, name);
  } catch (e) {
    if (e instanceof RoundFileError) {
      assert.ok(['torn', 'malformed', 'unsupported'].includes(e.kind));
      assert.ok(e.message.startsWith(`${name}:`));
      return;
    }
    throw e;
  }
  assertValidRound(round);
}

test('(b) mutations of valid v1 files: RoundFileError or a RoundFile that obeys the types', () => {
  fc.assert(
    fc.property(validRound, fc.array(mutation, { minLength: 1, maxLength: 3 }), (round, ms) => {
      let bytes: Buffer = Buffer.from(writeRoundFileV1(round), 'latin1');
      for (const m of ms) bytes = mutate(bytes, m);
      parsesCleanlyOrRejects(bytes, 'mutated.txt');
    }),
    { numRuns: 600 },
  );
});

test('(b) a torn tail is always reported as torn, never imported', () => {
  fc.assert(
    fc.property(validRound, fc.nat(), (round, cut) => {
      const text = writeRoundFileV1(round);
      const endAt = text.lastIndexOf('# END');
      const at = cut % endAt; // anywhere before the trailer is complete
      assert.throws(() => parseRoundFile(text.slice(0, at), 'torn.txt'), (e: unknown) => e instanceof RoundFileError && e.kind === 'torn');
    }),
    { numRuns: 200 },
  );
});

test('(b) mutations of legacy v3/v2 files: RoundFileError or a valid RoundFile', () => {
  fc.assert(
    fc.property(validRound, fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (round, v3, ms) => {
      let bytes: Buffer = Buffer.from(v3 ? writeLegacyV3(round) : writeLegacyV2(round), 'utf8');
      for (const m of ms) bytes = mutate(bytes, m);
      parsesCleanlyOrRejects(bytes, v3 ? '2026-01-01-120000-oasis-round-1_engagements.txt' : '2026-01-01-120000-oasis-round-1_proximity.txt');
    }),
    { numRuns: 400 },
  );
});
