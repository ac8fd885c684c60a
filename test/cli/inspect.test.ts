/** `proximity inspect` and the command line itself (help, usage errors), run as child processes. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cliEnv, removeDir, roundFileText, runCli, tempDir } from './helpers.ts';

const home = tempDir();
const env = cliEnv(home);
after(() => removeDir(home));

describe('command line', () => {
  it('prints help for every command with exit 0, and documents the exit statuses', async () => {
    const top = await runCli(['--help'], env);
    assert.equal(top.code, 0);
    for (const cmd of ['demo', 'simulate', 'import', 'watch', 'inspect', 'report', 'retention', 'stats', 'dashboard', 'rebuild']) {
      assert.match(top.stdout, new RegExp(`^  ${cmd}\\b`, 'm'), `${cmd} listed`);
    }
    assert.match(top.stdout, /Exit status:[\s\S]*1 {2}data problem[\s\S]*2 {2}usage/);
    const sub = await runCli(['watch', '--help'], env);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--interval <ms>/);
    assert.match(sub.stdout, /--database-url <url>/, 'global database options shown');
    const version = await runCli(['--version'], env);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    const report = await runCli(['report', 'player', '--help'], env);
    assert.equal(report.code, 0);
    assert.match(report.stdout, /guid-or-name/);
  });

  it('exits 2 on usage errors', async () => {
    const missing = await runCli(['import'], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument/);
    const unknown = await runCli(['frobnicate'], env);
    assert.equal(unknown.code, 2);
    const badNumber = await runCli(['retention', '--days', 'ten'], env);
    assert.equal(badNumber.code, 2);
    assert.match(badNumber.stderr, /--days must be a whole number/);
  });
});

describe('proximity inspect', () => {
  const dir = tempDir();
  after(() => removeDir(dir));
  const good = join(dir, '2025-11-23-122320-oasis-round-1_engagements.txt');
  writeFileSync(good, roundFileText({ startUnix: 1763900000, victimName: 'Semi;colon|\x1b[31mRed' }));
  const bad = join(dir, '2025-11-23-123320-oasis-round-2_engagements.txt');
  writeFileSync(bad, roundFileText({ startUnix: 1763901000, round: 2 }).replace(';54;3;0;;;', ';5x4;3;0;;;'));

  it('prints a valid file, with hostile names made harmless', async () => {
    const r = await runCli(['inspect', good], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^valid /);
    assert.match(r.stdout, /1 engagements/);
    assert.match(r.stdout, /Semi;colon\|\\x1b\[31mRed/, 'name decoded, escape byte shown, not sent');
    assert.ok(!r.stdout.includes('\x1b'), 'no raw escape byte reaches the terminal');
  });

  it('--json prints the parsed round', async () => {
    const r = await runCli(['inspect', '--json', good], env);
    assert.equal(r.code, 0, r.stderr);
    const round = JSON.parse(r.stdout);
    assert.equal(round.header.map, 'oasis');
    assert.equal(round.header.source, 'proximity-v1');
    assert.equal(round.engagements.length, 1);
    assert.equal(round.engagements[0].outcome, 'killed');
    assert.equal(round.players[1].name, 'Semi;colon|\x1b[31mRed');
  });

  it('names file, line and field of a bad file and exits 1 (also with --json)', async () => {
    const r = await runCli(['inspect', bad], env);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(bad), r.stderr);
    assert.match(r.stderr, /line: +14/);
    assert.match(r.stderr, /field: +damage/);
    const j = await runCli(['inspect', '--json', bad], env);
    assert.equal(j.code, 1);
    const out = JSON.parse(j.stdout);
    assert.equal(out.valid, false);
    assert.deepEqual([out.error.file, out.error.line, out.error.field, out.error.kind], [bad, 14, 'damage', 'malformed']);
  });

  it('reports a torn file as incomplete (exit 1) and a missing file as unreadable (exit 2)', async () => {
    const torn = join(dir, 'torn_engagements.txt');
    const text = roundFileText({ startUnix: 1763902000 });
    writeFileSync(torn, text.slice(0, text.indexOf('# PLAYERS')));
    const r = await runCli(['inspect', torn], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /incomplete/);
    const missing = await runCli(['inspect', join(dir, 'nope_engagements.txt')], env);
    assert.equal(missing.code, 2);
  });
});
