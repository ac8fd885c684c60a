/**
 * `proximity demo`: the newcomer's command. Simulates a small session (the real Lua tracker in the
 * emulated server), imports it into a demo database, prints the headline analytics and the exact commands
 * to try next.
 *
 * The default demo database (<user data dir>/demo/pglite) is recreated on every run (from an empty,
 * migrated copy kept beside it), so re-running always shows the same fresh result. With --data-dir or --database-url the user chose the database: nothing is
 * deleted there, and the import ledger makes a repeated demo import a no-op. $DATABASE_URL alone is
 * ignored on purpose: simulated players must not land in a real stats database by accident.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { simulateSession } from '../../simulator/index.ts';
import { importPaths, type Store } from '../../store/index.ts';
import { isRoundFileName } from '../../format/reader.ts';
import { describeDatabase, openCliStore, userDataDir, withOpenStore, type DatabaseOptions } from '../database.ts';
import { EXIT_DATA, EXIT_OK } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { startProgress } from '../progress.ts';
import { collectSummary, printSummary } from '../summary.ts';
import { formatDuration, playerName, safeText, shellQuote } from '../terminal.ts';
import { printImportSummary } from './import.ts';

export interface DemoOptions extends DatabaseOptions {
  rounds: number;
  players: number;
  roundSeconds: number;
  seed: number;
  out?: string;
}

/** Leaderboard rate minimum for the demo: a short session has small samples. */
const DEMO_MIN_SAMPLE = 5;

async function clearRoundFiles(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (isRoundFileName(name) || name.endsWith('.part')) await rm(join(dir, name), { force: true });
  }
}

/**
 * A fresh demo database without paying for a new database cluster on every run (several seconds): the
 * first run keeps an empty, migrated database (`pristine`) next to it, later runs copy that.
 */
async function freshDemoDatabase(dataDir: string, pristine: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  if (!existsSync(pristine)) {
    const building = `${pristine}.building-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    await (await openCliStore({ dataDir: building })).close();
    await rename(building, pristine);
  }
  await cp(pristine, dataDir, { recursive: true });
}

export async function runDemo(output: Output, opts: DemoOptions): Promise<number> {
  const { c } = output;
  const started = Date.now();
  const demoRoot = join(userDataDir(), 'demo');
  const roundsDir = resolve(opts.out ?? join(demoRoot, 'rounds'));
  const db: DatabaseOptions = opts.databaseUrl
    ? { databaseUrl: opts.databaseUrl }
    : { dataDir: resolve(opts.dataDir ?? join(demoRoot, 'pglite')) };
  const ownDatabase = !opts.databaseUrl && !opts.dataDir;
  const pristine = join(demoRoot, 'pristine');
  if (ownDatabase) await freshDemoDatabase(db.dataDir!, pristine);
  await clearRoundFiles(roundsDir);

  output.out(c.bold('Proximity demo') + c.dim(` — ${opts.rounds} simulated rounds, ${opts.players}v${opts.players}, seed ${opts.seed}`));
  output.out(c.dim(`The real Lua tracker runs in an emulated ET:Legacy server; round files go to ${roundsDir}.`));
  const { files } = await simulateSession({
    seed: opts.seed,
    outDir: roundsDir,
    rounds: opts.rounds,
    playersPerTeam: opts.players,
    roundSeconds: opts.roundSeconds,
    serverId: 'proximity-demo',
    onRound: (info) => output.err(c.dim(`  simulated ${safeText(info.map)} round ${info.round}: ${info.engagements} engagements`)),
  });

  let store: Store;
  try {
    store = await openCliStore(db);
  } catch (error) {
    if (!ownDatabase) throw error;
    // The pristine copy no longer opens (e.g. a migration edited in a development checkout): rebuild.
    await rm(pristine, { recursive: true, force: true });
    await rm(db.dataDir!, { recursive: true, force: true });
    store = await openCliStore(db);
  }
  const result = await withOpenStore(store, async (store) => {
    const progress = startProgress(output, 'Importing', 1);
    const outcomes = await importPaths(store, [roundsDir], {
      onFile: (_o, done, total) => progress.update(done, total),
    }).finally(() => progress.stop());
    printImportSummary(output, outcomes, describeDatabase(db));
    output.out();
    const summary = await collectSummary(store, 5, DEMO_MIN_SAMPLE);
    printSummary(output, summary);
    return { outcomes, summary };
  });

  const dbFlag = db.databaseUrl ? '--database-url "$DATABASE_URL"' : `--data-dir ${shellQuote(db.dataDir!)}`;
  const top = result.summary.leaderboards[0]?.rows[0];
  const firstFile = files[0];
  output.out();
  output.out(c.bold('Try next') + c.dim(` (demo finished in ${formatDuration(Date.now() - started)})`));
  const tries: [string, string][] = [
    [`npx proximity dashboard ${dbFlag}`, 'the web dashboard for this demo data'],
    [`npx proximity report ${dbFlag}`, 'these tables again'],
  ];
  if (top) tries.push([`npx proximity report player ${shellQuote(top.guid)} ${dbFlag}`, `the profile of ${playerName(top.name)}`]);
  tries.push([`npx proximity report duos ${dbFlag}`, 'every crossfire duo']);
  if (firstFile) tries.push([`npx proximity inspect ${shellQuote(firstFile)}`, 'one round file, validated and printed']);
  tries.push(
    ['npx proximity simulate --rounds 20 --out ./rounds', 'more simulated round files'],
    ['npx proximity import ./rounds', 'import round files into your own (default) database'],
    ['npx proximity watch /path/to/legacy/proximity', 'follow a live server (see README.md)'],
    ['npx proximity --help', 'every command'],
  );
  for (const [cmd, what] of tries) {
    output.out(`  ${c.dim(`# ${what}`)}`);
    output.out(`  ${c.cyan(cmd)}`);
  }
  return result.outcomes.some((o) => o.status === 'rejected') ? EXIT_DATA : EXIT_OK;
}
