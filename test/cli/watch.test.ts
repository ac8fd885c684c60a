/**
 * `proximity watch` as a child process: a file written in pieces is imported once, when complete; a
 * restart imports nothing twice (and does not even look at known files again); SIGTERM exits 0 after a
 * clean shutdown.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, cliEnv, finished, freshDataDir, removeDir, roundFileName, roundFileText, runCli, startCli, tempDir, waitFor } from './helpers.ts';

const home = tempDir();
const env = cliEnv(home);
after(() => removeDir(home));

const dir = join(home, 'server-output');
const stateFile = join(home, 'watch-state.json');
const db = ['--data-dir', join(home, 'pglite')];
const watchArgs = ['watch', dir, '--interval', '100', '--settle', '300', '--state-file', stateFile, ...db];

function lines(text: string, word: string): string[] {
  return text.split('\n').filter((l) => l.includes(` ${word}`));
}

describe('proximity watch', () => {
  before(() => freshDataDir(join(home, 'pglite')));
  it('imports complete files once, waits for torn ones, and stops cleanly on SIGTERM', async () => {
    mkdirSync(dir, { recursive: true });
    const a = { startUnix: 1763900000, map: 'oasis' };
    const aPath = join(dir, roundFileName(a));
    writeFileSync(aPath, roundFileText(a));

    const child = startCli(watchArgs, env);
    const done = finished(child);
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));

    await waitFor(() => lines(stdout, 'imported').length === 1, 'the existing file to be imported');
    assert.ok(lines(stdout, 'imported')[0]!.includes(aPath));

    // A file arriving in pieces: first everything but the trailer, then the rest.
    const b = { startUnix: 1763910000, map: 'goldrush', round: 2 };
    const bPath = join(dir, roundFileName(b));
    const text = roundFileText(b);
    const cut = text.indexOf('# KILL_HEATMAP');
    writeFileSync(bPath, text.slice(0, cut));
    await waitFor(() => lines(stdout, 'waiting').some((l) => l.includes(bPath)), 'the torn file to be noticed');
    await new Promise((r) => setTimeout(r, 400)); // several polls while torn: still not imported
    assert.equal(lines(stdout, 'imported').length, 1);
    assert.equal(lines(stdout, 'rejected').length, 0, 'a torn file is not rejected');
    appendFileSync(bPath, text.slice(cut));
    await waitFor(() => lines(stdout, 'imported').length === 2, 'the completed file to be imported');
    assert.ok(lines(stdout, 'imported')[1]!.includes(bPath));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(lines(stdout, 'imported').length, 2, 'imported once');
    assert.equal(lines(stdout, 'duplicate').length, 0, 'not even looked at again');

    // A legacy v2 file has no end marker: imported once it has stopped changing, with all its lines.
    const legacyName = '2026-03-14-201500-goldrush-round-1_proximity.txt';
    const legacy = readFileSync(join(REPO, 'test/fixtures/legacy', legacyName), 'latin1');
    const legacyPath = join(dir, legacyName);
    const half = legacy.indexOf('\n', legacy.length >> 1) + 1;
    writeFileSync(legacyPath, legacy.slice(0, half), 'latin1');
    appendFileSync(legacyPath, legacy.slice(half), 'latin1');
    await waitFor(() => lines(stdout, 'imported').length === 3, 'the legacy file to be imported');
    assert.ok(lines(stdout, 'imported')[2]!.includes(`${legacyPath} (4 engagements)`), stdout);

    child.kill('SIGTERM');
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Watch stopped: 3 imported, 0 already imported, 0 rejected/);
  });

  it('after a restart, imports only the new file and does not revisit known ones', async () => {
    const c = { startUnix: 1763920000, map: 'radar' };
    const cPath = join(dir, roundFileName(c));
    writeFileSync(cPath, roundFileText(c));
    const r = await runCli([...watchArgs, '--once'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lines(r.stdout, 'imported').length, 1);
    assert.ok(lines(r.stdout, 'imported')[0]!.includes(cPath));
    assert.equal(lines(r.stdout, 'duplicate').length, 0, 'known files skipped by size+mtime, not re-read');
    assert.match(r.stderr, /Watch scan: 1 imported, 0 already imported, 0 rejected/);
  });

  it('without its state file, the import ledger still makes everything a duplicate', async () => {
    rmSync(stateFile);
    const r = await runCli([...watchArgs, '--once'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Watch scan: 0 imported, 4 already imported, 0 rejected/);
  });

  it('a bad file is rejected once (exit 1 with --once) and looked at again only when it changes', async () => {
    const d = { startUnix: 1763930000, map: 'fueldump' };
    const e = { startUnix: 1763940000, map: 'battery' };
    const dPath = join(dir, roundFileName(d));
    const ePath = join(dir, roundFileName(e));
    writeFileSync(dPath, roundFileText(d).replace('players=2', 'players=5'));
    writeFileSync(ePath, roundFileText(e).replace('players=2', 'players=7'));
    const first = await runCli([...watchArgs, '--once'], env);
    assert.equal(first.code, 1);
    assert.equal(lines(first.stdout, 'rejected').length, 2);
    writeFileSync(dPath, roundFileText(d)); // fixed; the other one stays as it was
    const second = await runCli([...watchArgs, '--once'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.ok(lines(second.stdout, 'imported')[0]?.includes(dPath), second.stdout);
    assert.equal(lines(second.stdout, 'rejected').length, 0, 'the unchanged bad file is not judged again');
  });

  it('refuses a directory that does not exist (exit 2)', async () => {
    const r = await runCli(['watch', join(home, 'missing'), '--once', ...db], env);
    assert.equal(r.code, 2);
  });
});

describe('proximity dashboard', () => {
  it('serves the dashboard on the port it prints, read-only, locks the database, and stops cleanly on SIGINT', async () => {
    const child = startCli(['dashboard', '--port', '0', ...db], env);
    const done = finished(child);
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => /Dashboard: (http:\/\/\S+)/.test(stdout), 'the dashboard URL');
    const url = /Dashboard: (http:\/\/\S+)/.exec(stdout)![1]!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, 'bound to localhost by default');
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const write = await fetch(url, { method: 'POST', body: 'x' });
    assert.ok(write.status >= 400, `POST refused (${write.status})`);
    // The embedded database serves one process at a time: a second command is refused, not let in.
    const second = await runCli(['watch', dir, '--once', ...db], env);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /in use by another proximity process \(pid \d+: dashboard/);
    child.kill('SIGINT');
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Dashboard stopped/);
  });
});
