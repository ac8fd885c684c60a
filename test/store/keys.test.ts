/** Player keys and round identity (pure functions, no database). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cmpC } from '../../src/store/contributions.ts';
import { cleanName, playerKey } from '../../src/store/player-key.ts';
import { roundRows, RoundRowsError } from '../../src/store/round-rows.ts';
import { RoundBuilder } from './fixtures.ts';

describe('player keys', () => {
  it('upper-cases hex guids and keeps anything else a client sends', () => {
    assert.equal(playerKey({ guid: 'abcdef0123456789abcdef0123456789', name: 'x', isBot: false }), 'ABCDEF0123456789ABCDEF0123456789');
    assert.equal(playerKey({ guid: 'not-hex-ß', name: 'x', isBot: false }), 'not-hex-ß');
  });
  it('keys bots by clean name, whatever their guid', () => {
    assert.equal(playerKey({ guid: 'OMNIBOT07', name: '^1[BOT]^7Fritz', isBot: false }), 'BOT:[BOT]Fritz');
    assert.equal(playerKey({ guid: '0123456789ABCDEF0123456789ABCDEF', name: ' Fritz ', isBot: true }), 'BOT:Fritz');
  });
  it('keys guid-less humans by clean name', () => {
    assert.equal(playerKey({ guid: '  ', name: '^^1^2', isBot: false }), 'NOGUID:1'); // '^^' and '^2' are colour codes
    assert.equal(cleanName('^1^2^3'), 'unnamed');
    assert.equal(cleanName('a^'), 'a^');
  });
});

describe('C collation order', () => {
  it('orders by code point like PostgreSQL COLLATE "C" (UTF-8 byte order)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        assert.equal(Math.sign(cmpC(a, b)), bytes);
      }),
      { numRuns: 300, seed: 7 },
    );
    assert.ok(cmpC('\u{1F3AF}', '\uFFFD') > 0); // UTF-16 order would say the opposite
  });
});

describe('round rows', () => {
  it('takes the identity from the header, session date = UTC date of the start', () => {
    const b = new RoundBuilder({ startUnix: Date.UTC(2026, 4, 31, 23, 59, 0) / 1000, serverId: 'srv', map: 'Oasis' });
    b.player('A', 'AA', 'AXIS');
    const rows = roundRows(b.build());
    assert.equal(rows.round.serverId, 'srv');
    assert.equal(rows.round.mapName, 'Oasis');
    assert.equal(rows.round.sessionDate, '2026-05-31');
    assert.equal(rows.round.gridSize, 512);
  });
  it('uses the importer server id and the file name time for legacy rounds, and refuses a round without a time', () => {
    const b = new RoundBuilder({ startUnix: 0 });
    b.player('A', 'AA', 'AXIS');
    const r = b.build();
    r.header.serverId = null;
    r.header.roundStartUnix = null;
    r.header.fileTimestampUnix = 1_700_000_000;
    assert.deepEqual([roundRows(r, { serverId: 'old-box' }).round.serverId, roundRows(r).round.serverId], ['old-box', 'legacy']);
    assert.equal(roundRows(r).round.roundStartUnix, 1_700_000_000);
    r.header.fileTimestampUnix = null;
    assert.throws(() => roundRows(r), RoundRowsError);
  });
  it('refuses an engagement that names an unknown pid', () => {
    const b = new RoundBuilder({ startUnix: 1 });
    const a = b.player('A', 'AA', 'AXIS');
    const c = b.player('C', 'CC', 'ALLIES');
    b.engagement({ target: c, outcome: 'escaped', attackers: [{ pid: a }] });
    const r = b.build();
    r.engagements[0]!.attackers[0]!.pid = 9;
    assert.throws(() => roundRows(r), /pid 9, which has no player line/);
  });
});
