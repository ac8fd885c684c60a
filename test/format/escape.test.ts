// encodeText/decodeText exactly per docs/FORMAT.md "Encoding".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeText, encodeText } from '../../src/format/reader.ts';
import { wellFormed } from './helpers.ts';

test('reserved separators and % are escaped with upper-case hex; printable ASCII stays', () => {
  assert.equal(encodeText('^1Bob;|x'), '^1Bob%3B%7Cx');
  assert.equal(encodeText('%;|,:=/+'), '%25%3B%7C%2C%3A%3D%2F%2B');
  assert.equal(encodeText(' !"#$&\'()*-.<>?@[\\]^_`{}~'), ' !"#$&\'()*-.<>?@[\\]^_`{}~');
  assert.equal(encodeText('a\tb\nc\x7f'), 'a%09b%0Ac%7F');
});

test('strings are written as UTF-8, byte arrays byte for byte', () => {
  assert.equal(encodeText('é🎯'), '%C3%A9%F0%9F%8E%AF');
  assert.equal(encodeText(new Uint8Array([0x52, 0xe9, 0x3b])), 'R%E9%3B');
});

test('NUL cannot be encoded', () => {
  assert.throws(() => encodeText('a\0b'), /NUL/);
});

test('decoding: UTF-8 when valid, Latin-1 otherwise, lower-case hex accepted', () => {
  assert.equal(decodeText('Caf%C3%A9'), 'Café');
  assert.equal(decodeText('Ren%E9'), 'René');
  assert.equal(decodeText('%c3%a9'), 'é');
  assert.equal(decodeText('%F0%9F%8E%AF'), '🎯');
  assert.equal(decodeText('%C3'), 'Ã'); // a truncated UTF-8 sequence is Latin-1
  assert.equal(decodeText('plain'), 'plain');
  assert.equal(decodeText(''), '');
});

test('decoding errors: bad escapes, %00, raw bytes', () => {
  for (const bad of ['%', '%4', '%4G', '%G4', 'a%0', '%00', 'a\tb', 'caf\u00e9', 'x\x7f']) {
    assert.throws(() => decodeText(bad), { name: 'TextEncodingError' }, bad);
  }
});

test('property: any string without NUL survives encode → decode, and the encoding is 7-bit safe', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')), (s) => {
      const wf = wellFormed(s);
      const enc = encodeText(wf);
      assert.match(enc, /^[\x20-\x7e]*$/);
      assert.doesNotMatch(enc, /[;|,:=/+]/);
      assert.equal(decodeText(enc), wf);
    }),
    { numRuns: 500 },
  );
});

test('property: any bytes without NUL decode to their UTF-8 reading, else Latin-1 — no byte lost', () => {
  fc.assert(
    fc.property(fc.uint8Array({ min: 1, maxLength: 40 }), (bytes) => {
      const dec = decodeText(encodeText(bytes));
      let expected: string;
      try {
        expected = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        expected = Buffer.from(bytes).toString('latin1');
      }
      assert.equal(dec, expected);
      if (dec === Buffer.from(bytes).toString('latin1')) assert.deepEqual(Buffer.from(dec, 'latin1'), Buffer.from(bytes));
      else assert.deepEqual(Buffer.from(dec, 'utf8'), Buffer.from(bytes));
    }),
    { numRuns: 500 },
  );
});

test('a name that starts with a byte-order mark keeps it (U+FEFF is text here, not a marker)', () => {
  const name = '\uFEFFname';
  assert.equal(encodeText(name), '%EF%BB%BFname');
  assert.equal(decodeText('%EF%BB%BFname'), name);
  assert.equal(decodeText(encodeText('\uFEFF')), '\uFEFF');
});
