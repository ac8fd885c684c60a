// The streaming reader (chunks split lines anywhere), I/O errors, file names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoundFileName, parseRoundFile, parseRoundFileName, readRoundFile, RoundFileError } from '../../src/format/reader.ts';
import { writeRoundFileV1 } from '../../src/format/v1-writer.ts';
import { writeLegacyV3 } from '../../src/format/legacy-writer.ts';
import { roundFileName, syntheticRound } from '../../src/format/synthetic.ts';

test('a file larger than several stream chunks reads the same as in memory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prox-format-'));
  try {
    const round = syntheticRound(7, { engagements: 3000 });
    const text = writeRoundFileV1(round);
    assert.ok(text.length > 3 * 256 * 1024, `file is ${text.length} bytes`);
    const path = join(dir, roundFileName(round));
    writeFileSync(path, text);
    const streamed = await readRoundFile(path);
    assert.deepEqual(streamed, parseRoundFile(text, path));
    assert.equal(streamed.engagements.length, 3000);
    assert.equal(streamed.header.fileTimestampUnix, round.header.roundEndUnix);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a legacy v3 file with UTF-8 names across stream chunks reads the same as in memory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prox-format-'));
  try {
    const round = syntheticRound(11, { engagements: 1500 });
    round.players.forEach((p, i) => (p.name = `Ünïcode🎯 ${i}`)); // multi-byte characters, some cut by a chunk end
    const bytes = Buffer.from(writeLegacyV3(round), 'utf8');
    assert.ok(bytes.length > 2 * 256 * 1024, `file is ${bytes.length} bytes`);
    const path = join(dir, roundFileName(round));
    writeFileSync(path, bytes);
    const streamed = await readRoundFile(path);
    assert.deepEqual(streamed, parseRoundFile(bytes, path));
    assert.equal(streamed.engagements.length, 1500);
    assert.deepEqual(streamed.players.map((p) => p.name).sort(), round.players.map((p) => p.name).sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing file is an io error naming the file', async () => {
  await assert.rejects(readRoundFile('/nonexistent/dir/x_engagements.txt'), (e: unknown) => {
    assert.ok(e instanceof RoundFileError);
    assert.equal(e.kind, 'io');
    assert.equal(e.file, '/nonexistent/dir/x_engagements.txt');
    assert.match(e.message, /^\/nonexistent\/dir\/x_engagements\.txt:-: -: cannot read: ENOENT/);
    return true;
  });
});

test('a torn file on disk is reported as torn', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prox-format-'));
  try {
    const text = writeRoundFileV1(syntheticRound(3, { engagements: 10 }));
    const path = join(dir, 'torn_engagements.txt');
    writeFileSync(path, text.slice(0, text.lastIndexOf('# END')));
    await assert.rejects(readRoundFile(path), (e: unknown) => e instanceof RoundFileError && e.kind === 'torn' && e.file === path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importable names: *_engagements.txt and *_proximity.txt, never .part', () => {
  assert.ok(isRoundFileName('/x/2026-03-14-201500-goldrush-round-1_engagements.txt'));
  assert.ok(isRoundFileName('2026-03-14-201500-goldrush-round-1_proximity.txt'));
  assert.ok(!isRoundFileName('2026-03-14-201500-goldrush-round-1_engagements.txt.part'));
  assert.ok(!isRoundFileName('server-id.txt'));
  assert.ok(!isRoundFileName('/x_engagements.txt/other.txt'));
});

test('file name parts: UTC timestamp, map with dashes, round; impossible dates have none', () => {
  assert.deepEqual(parseRoundFileName('/a/b/2026-11-23-045959-mp_sub-rc-1-round-2_engagements.txt'), {
    timestampUnix: Date.UTC(2026, 10, 23, 4, 59, 59) / 1000,
    map: 'mp_sub-rc-1',
    round: 2,
    kind: 'engagements',
  });
  assert.equal(parseRoundFileName('2026-02-30-120000-oasis-round-1_engagements.txt'), null);
  assert.equal(parseRoundFileName('2026-01-01-246000-oasis-round-1_engagements.txt'), null);
  assert.equal(parseRoundFileName('oasis_engagements.txt'), null);
});
