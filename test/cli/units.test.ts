/** Unit tests of the CLI's own pieces: terminal rendering, readiness of round files, the watch state. */
import assert from 'node:assert/strict';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makePalette, playerLabel, playerName, safeText, shellQuote, table, visibleWidth } from '../../src/cli/terminal.ts';
import { hasEndMarker, readiness } from '../../src/cli/watch/readiness.ts';
import { WatchState } from '../../src/cli/watch/state.ts';
import { removeDir, roundFileText, tempDir } from './helpers.ts';

const plain = makePalette(false);

describe('terminal rendering of hostile text', () => {
  it('makes control characters visible instead of sending them to the terminal', () => {
    assert.equal(safeText('a\x1b[2Jb\nc\x07\u009b'), 'a\\x1b[2Jb\\x0ac\\x07\\x9b');
  });
  it('strips ET colour codes from names but keeps a name made only of codes', () => {
    assert.equal(playerName('^1Bob^7;|x'), 'Bob;|x');
    assert.equal(playerName('^1^2'), '^1^2');
    assert.equal(playerName('^3\x1b]0;pwned\x07'), '\\x1b]0;pwned\\x07');
    assert.equal(playerLabel('', '6402DD6B7CB0'), '(unnamed 6402DD6B)');
    assert.equal(playerLabel('^7Olz', '6402DD6B7CB0'), 'Olz');
  });
  it('aligns columns by visible width and right-aligns numbers', () => {
    const out = table(
      [
        { n: 'Ann', k: 5 },
        { n: 'Bartholomew', k: 1234 },
      ],
      [
        { header: 'name', value: (r) => r.n },
        { header: 'kills', value: (r) => r.k },
      ],
      plain,
    ).split('\n');
    assert.deepEqual(out, ['name         kills', 'Ann              5', 'Bartholomew  1,234']);
    const coloured = makePalette(true);
    assert.equal(visibleWidth(coloured.red('abc')), 3);
  });
  it('truncates long cells with an ellipsis', () => {
    const out = table([{ n: 'x'.repeat(30) }], [{ header: 'n', value: (r) => r.n, max: 10 }], plain);
    assert.equal(out.split('\n')[1], 'x'.repeat(9) + '…');
  });
  it('quotes shell arguments only when needed', () => {
    assert.equal(shellQuote('/tmp/a-b_c.txt'), '/tmp/a-b_c.txt');
    assert.equal(shellQuote("/tmp/it's here"), `'/tmp/it'\\''s here'`);
  });
});

describe('round file readiness (watch)', () => {
  const dir = tempDir();
  after(() => removeDir(dir));
  const text = roundFileText({ startUnix: 1763900000 });

  it('recognises the end marker only as a complete last line', () => {
    assert.equal(hasEndMarker(text), true);
    assert.equal(hasEndMarker(text.slice(0, -1)), false, 'END line without its newline may still be growing');
    assert.equal(hasEndMarker(text.slice(0, text.indexOf('# END'))), false);
    assert.equal(hasEndMarker('# ENDING\n'), false);
  });

  it('v1: torn until # END, ready right after', async () => {
    const file = join(dir, 'a_engagements.txt');
    const cut = text.indexOf('# KILL_HEATMAP');
    writeFileSync(file, text.slice(0, cut));
    const now = Date.now();
    assert.equal(await readiness(file, { size: cut, mtimeMs: now }, undefined, now, 5000), 'torn');
    writeFileSync(file, text);
    assert.equal(await readiness(file, { size: text.length, mtimeMs: now }, undefined, now, 5000), 'ready');
  });

  it('legacy: ready once size and mtime were stable for the settle time', async () => {
    const file = join(dir, 'b_proximity.txt');
    writeFileSync(file, '# PROXIMITY_TRACKER_V2\n# map=goldrush\n');
    const size = readFileSync(file).length;
    const now = Date.now();
    const st = { size, mtimeMs: now - 1000 };
    assert.equal(await readiness(file, st, undefined, now, 5000), 'settling', 'written a second ago');
    assert.equal(await readiness(file, st, { ...st, since: now }, now + 3999, 5000), 'settling');
    assert.equal(await readiness(file, st, { ...st, since: now }, now + 4000, 5000), 'ready');
    assert.equal(await readiness(file, { size, mtimeMs: now - 10000 }, undefined, now, 5000), 'ready', 'old file');
    assert.equal(
      await readiness(file, { size, mtimeMs: now - 10000 }, { size: size - 1, mtimeMs: now - 10000, since: now - 20000 }, now, 5000),
      'settling',
      'grew since the last look',
    );
    const future = { size, mtimeMs: now + 3600_000 };
    utimesSync(file, new Date(), new Date(future.mtimeMs));
    assert.equal(await readiness(file, future, { ...future, since: now - 6000 }, now, 5000), 'ready', 'skewed clock');
  });

  it('an empty file is never ready', async () => {
    const file = join(dir, 'c_engagements.txt');
    writeFileSync(file, '');
    assert.equal(await readiness(file, { size: 0, mtimeMs: 0 }, undefined, Date.now(), 0), 'settling');
  });
});

describe('watch state', () => {
  const dir = tempDir();
  after(() => removeDir(dir));

  it('survives a save/load round trip and forgets files that are gone', async () => {
    const path = join(dir, 'nested', 'state.json');
    const warnings: string[] = [];
    const s1 = await WatchState.load(path, dir, (m) => warnings.push(m));
    assert.equal(s1.size, 0);
    s1.set('/x/a_engagements.txt', { size: 10, mtimeMs: 5, status: 'imported' });
    s1.set('/x/b_engagements.txt', { size: 11, mtimeMs: 6, status: 'torn', reason: 'no # END line yet' });
    await s1.save();
    const s2 = await WatchState.load(path, dir, (m) => warnings.push(m));
    assert.deepEqual(s2.get('/x/a_engagements.txt'), { size: 10, mtimeMs: 5, status: 'imported' });
    s2.retainOnly(new Set(['/x/b_engagements.txt']));
    assert.equal(s2.get('/x/a_engagements.txt'), undefined);
    assert.equal(s2.get('constructor'), undefined, 'no prototype keys');
    assert.deepEqual(warnings, []);
  });

  it('starts afresh (with a warning) from a corrupt state file', async () => {
    const path = join(dir, 'corrupt.json');
    writeFileSync(path, '{"version":1,"files":');
    const warnings: string[] = [];
    const s = await WatchState.load(path, dir, (m) => warnings.push(m));
    assert.equal(s.size, 0);
    assert.equal(warnings.length, 1);
  });
});
