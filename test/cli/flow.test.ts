/**
 * The main workflow: simulate → import → report → retention/stats through the real command as child
 * processes on a temporary embedded database; import of a directory with a broken file; connection
 * errors. Every report variant is then checked in-process on one open store (each child process pays the
 * embedded database's start-up, so the child runs are kept to the end-to-end path). With DATABASE_URL
 * set, the end-to-end path also runs on a fresh PostgreSQL database created for the test.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reportOn } from '../../src/cli/commands/report.ts';
import { retentionOn, statsOn } from '../../src/cli/commands/maintenance.ts';
import { makePalette } from '../../src/cli/terminal.ts';
import type { Output } from '../../src/cli/output.ts';
import { rebuildAggregates, type Store } from '../../src/store/index.ts';
import { cliEnv, freshDataDir, openEmbedded, removeDir, roundFileName, roundFileText, runCli, tempDir } from './helpers.ts';
import { withFreshPostgres } from './postgres.ts';

const home = tempDir();
const env = cliEnv(home);
after(() => removeDir(home));

const roundsDir = join(home, 'rounds');

before(async () => {
  const r = await runCli(
    ['simulate', '--rounds', '4', '--out', roundsDir, '--seed', '7', '--players', '4', '--round-seconds', '120'],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 4, 'one line per written file');
});

/** An Output that records what a command prints. */
function capture(): Output & { outText: string; errText: string } {
  const palette = makePalette(false);
  const o = {
    outText: '',
    errText: '',
    out: (line = '') => void (o.outText += line + '\n'),
    err: (line = '') => void (o.errText += line + '\n'),
    c: palette,
    ce: palette,
    interactive: false,
    stderr: process.stderr,
  };
  return o;
}

function importAndReport(label: string, db: () => string[]) {
  describe(`simulate → import → report (${label})`, () => {
    it('simulate wrote 4 round files; import takes them once (exit 0, then all duplicates)', async () => {
      assert.equal(readdirSync(roundsDir).filter((f) => f.endsWith('_engagements.txt')).length, 4);
      const first = await runCli(['import', roundsDir, ...db()], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /4 imported \(\d+ engagements\), 0 already imported, 0 rejected/);
      const again = await runCli(['import', '--json', roundsDir, ...db()], env);
      assert.equal(again.code, 0, again.stderr);
      const outcomes = JSON.parse(again.stdout) as { status: string }[];
      assert.deepEqual(outcomes.map((o) => o.status), ['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    });

    it('report prints the headline tables', async () => {
      const text = await runCli(['report', ...db()], env);
      assert.equal(text.code, 0, text.stderr);
      for (const title of ['Overview  4 rounds', 'Most kills', 'Best crossfire duos', 'Engagements by session date', 'Hottest zones on']) {
        assert.ok(text.stdout.includes(title), `${title} in:\n${text.stdout}`);
      }
    });
  });
}

function retentionAndStats(label: string, db: () => string[]) {
  describe(`retention and stats (${label})`, () => {
    it('retention archives old detail rows; stats shows the volume', async () => {
      // The simulated rounds are dated 2026-01-01: more than 1 day old.
      const archive = await runCli(['retention', '--days', '1', '--json', ...db()], env);
      assert.equal(archive.code, 0, archive.stderr);
      const removed = JSON.parse(archive.stdout).removed as Record<string, number>;
      assert.ok(Object.values(removed).reduce((a, b) => a + b, 0) > 0, JSON.stringify(removed));
      const stats = await runCli(['stats', ...db()], env);
      assert.equal(stats.code, 0, stats.stderr);
      assert.match(stats.stdout, /^player_teamplay_stats +\d+/m);
      assert.match(stats.stdout, /total: [\d,]+ rows/);
    });
  });
}

const pgliteDir = join(home, 'pglite');
before(() => freshDataDir(pgliteDir));
const embedded = () => ['--data-dir', pgliteDir];
importAndReport('embedded PGlite', embedded);

describe('every report, in-process on the same database', () => {
  let store: Store;
  before(async () => {
    store = await openEmbedded(pgliteDir);
  });
  after(async () => {
    await store?.close();
  });

  async function report(name: string, args: string[], opts: Record<string, unknown> = {}) {
    const o = capture();
    const code = await reportOn(o, store, name, args, opts);
    return { code, stdout: o.outText, stderr: o.errText };
  }

  let summary: { overview: { rounds: number; kills: number }; leaderboards: { rows: { guid: string; name: string }[] }[] };

  it('summary --json has the numbers the text shows', async () => {
    const j = await report('summary', [], { json: true });
    summary = JSON.parse(j.stdout);
    assert.equal(summary.overview.rounds, 4);
    assert.ok(summary.overview.kills > 0);
    const t = await report('summary', []);
    assert.ok(t.stdout.includes(`${summary.overview.kills} kills`), t.stdout);
    const top = summary.leaderboards[0]!.rows[0]!;
    assert.ok(t.stdout.includes(top.name.replace(/\^./g, '')), 'top killer listed');
  });

  it('player by GUID, by name; unknown is exit 1', async () => {
    const top = summary.leaderboards[0]!.rows[0]!;
    const byGuid = await report('player', [top.guid], { json: true });
    assert.equal(byGuid.code, 0, byGuid.stderr);
    assert.equal(JSON.parse(byGuid.stdout).guid, top.guid);
    const byName = await report('player', [top.name.replace(/\^./g, '')]);
    assert.equal(byName.code, 0, byName.stderr);
    assert.match(byName.stdout, /kills \d+ · deaths \d+ · K\/D/);
    assert.match(byName.stdout, /1v1 win rate/);
    const nobody = await report('player', ['no-such-player-xyz']);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /No player matches/);
  });

  it('leaderboard, duos, engagements by date and map, zones', async () => {
    const lb = await report('leaderboard', [], { metric: 'kd', minSample: 1, json: true });
    const board = JSON.parse(lb.stdout);
    assert.equal(board.metric, 'kd');
    assert.ok(board.rows.length > 0);
    const lbText = await report('leaderboard', [], { metric: 'solo_win_rate', minSample: 1 });
    assert.match(lbText.stdout, /Best 1v1 win rate[\s\S]*\d+\.\d%/);
    const duos = await report('duos', []);
    assert.equal(duos.code, 0);
    assert.match(duos.stdout, /crossfires/);
    const eng = await report('engagements', [], { date: '2026-01-01', json: true });
    const breakdown = JSON.parse(eng.stdout);
    assert.deepEqual(breakdown.rows.map((r: { key: string; rounds: number }) => [r.key, r.rounds]), [['2026-01-01', 4]]);
    const none = await report('engagements', [], { date: '2025-01-01' });
    assert.match(none.stdout, /no engagements in that range/);
    const byMap = await report('engagements', [], { by: 'map' });
    assert.match(byMap.stdout, /supply/);
    const zones = await report('zones', [], { json: true });
    assert.ok(JSON.parse(zones.stdout).length >= 1);
  });

  it('rebuild gives identical aggregates; retention keeps what is recent; stats adds up', async () => {
    await rebuildAggregates(store);
    assert.deepEqual(JSON.parse((await report('summary', [], { json: true })).stdout), summary);
    const keep = capture();
    assert.equal(await retentionOn(keep, store, { days: 36500, json: true }), 0);
    const removed = JSON.parse(keep.outText).removed as Record<string, number>;
    assert.equal(Object.values(removed).reduce((a, b) => a + b, 0), 0);
    const stats = capture();
    await statsOn(stats, store, { json: true });
    const rows = JSON.parse(stats.outText) as { table: string; rows: number }[];
    assert.equal(rows.find((r) => r.table === 'round')?.rows, 4);
  });
});

retentionAndStats('embedded PGlite', embedded);

if (process.env.DATABASE_URL) {
  let url = '';
  let drop: (() => Promise<void>) | null = null;
  before(async () => {
    ({ url, drop } = await withFreshPostgres(process.env.DATABASE_URL!));
  });
  after(async () => {
    await drop?.();
  });
  importAndReport('PostgreSQL from DATABASE_URL', () => ['--database-url', url]);
  retentionAndStats('PostgreSQL from DATABASE_URL', () => ['--database-url', url]);
}

describe('import of a directory with a broken file', () => {
  const dir = join(home, 'mixed');
  mkdirSync(dir, { recursive: true });
  const good1 = { startUnix: 1763900000 };
  const good2 = { startUnix: 1763990000, map: 'goldrush' };
  writeFileSync(join(dir, roundFileName(good1)), roundFileText(good1));
  writeFileSync(join(dir, roundFileName(good2)), roundFileText(good2));
  const broken = { startUnix: 1763950000, map: 'radar' };
  const brokenPath = join(dir, roundFileName(broken));
  writeFileSync(brokenPath, roundFileText(broken).replace('players=2', 'players=3'));
  writeFileSync(join(dir, 'notes.txt'), 'not a round file\n');
  const db = embedded(); // hand-made rounds of another server, next to the simulated ones

  it('imports the good files, names the broken one with its reason, exits 1', async () => {
    const r = await runCli(['import', dir, ...db], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /2 imported \(2 engagements\), 0 already imported, 1 rejected/);
    const line = r.stdout.split('\n').find((l) => l.includes(brokenPath));
    assert.ok(line, `broken file named in:\n${r.stdout}`);
    assert.match(line!, /players/i, 'the reason names the problem');
  });

  it('a path that does not exist, or a database that cannot be reached, is exit 2', async () => {
    const missing = await runCli(['import', join(dir, 'nope'), ...db], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or directory/);
    const unreachable = await runCli(['stats', '--database-url', 'postgres://user:secret@127.0.0.1:1/none'], env);
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, /cannot open the PostgreSQL/);
    assert.ok(!unreachable.stderr.includes('secret'), 'password masked');
  });
});
