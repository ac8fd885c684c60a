/**
 * The `proximity` command: argument parsing and dispatch. Each command lives in ./commands/ and is loaded
 * only when it runs, so `proximity --help` or `inspect` never start the embedded database or the Lua VM.
 *
 * `main(argv)` returns the exit status instead of exiting, so bin/proximity.js, main-entry.ts and tests
 * all decide themselves what to do with it (see ./exit-codes.ts for the meaning of each status).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CliError, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
import { processOutput, type Output } from './output.ts';
import type { DatabaseOptions } from './database.ts';

/** The package version (package.json is two levels up from both src/cli and dist/cli). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const EXIT_HELP = `
Exit status:
  0  success (for import/watch: every file imported or already imported)
  1  data problem: a file was rejected, inspect found the file invalid, nothing matched
  2  usage, configuration, connection or I/O error

Database: --database-url URL, else --data-dir DIR (embedded PGlite), else $DATABASE_URL,
else the embedded database in the user data dir.`;

function positiveInt(name: string, min = 1) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a whole number.`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be at least ${min}.`);
    return n;
  };
}

function integer(name: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer.`);
    return Number(value);
  };
}

function sessionDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError('expected a date as YYYY-MM-DD.');
  }
  return value;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function dbOptions(cmd: Command): DatabaseOptions {
  const o = cmd.optsWithGlobals<{ databaseUrl?: string; dataDir?: string }>();
  return { databaseUrl: o.databaseUrl, dataDir: o.dataDir };
}

export function buildProgram(output: Output, setExit: (code: number) => void): Command {
  const program = new Command('proximity')
    .description('Combat and teamplay analytics for ET:Legacy servers.')
    .version(packageVersion(), '-V, --version')
    .option('--database-url <url>', 'PostgreSQL connection string (default: $DATABASE_URL)')
    .option('--data-dir <dir>', 'directory of the embedded database (PGlite)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText('after', EXIT_HELP)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(output.ce.red(s)),
    });

  program
    .command('demo')
    .description('simulate a small session, import it into a fresh demo database and show the analytics')
    .option('--rounds <n>', 'rounds to simulate (stopwatch: 2 per map)', positiveInt('--rounds'), 6)
    .option('--players <n>', 'players per team', positiveInt('--players'), 6)
    .option('--round-seconds <s>', 'simulated length of a round', positiveInt('--round-seconds', 10), 300)
    .option('--seed <n>', 'random seed of the simulation', integer('--seed'), 2026)
    .option('--out <dir>', 'where to write the round files (default: <user data dir>/demo/rounds)')
    .addHelpText(
      'after',
      '\nThe demo uses its own embedded database (fresh on every run) in the user data dir, or --data-dir,\n' +
        'or --database-url when given explicitly ($DATABASE_URL is ignored so a real database stays clean).',
    )
    .action(async (opts, cmd: Command) => {
      const { runDemo } = await import('./commands/demo.ts');
      const g = cmd.optsWithGlobals<{ databaseUrl?: string; dataDir?: string }>();
      setExit(await runDemo(output, { ...opts, databaseUrl: g.databaseUrl, dataDir: g.dataDir }));
    });

  program
    .command('simulate')
    .description('write simulated round files (the real tracker running in an emulated server)')
    .requiredOption('--out <dir>', 'directory to write the round files into')
    .option('--rounds <n>', 'rounds to play (stopwatch maps give 2 per map)', positiveInt('--rounds'), 2)
    .option('--seed <n>', 'random seed', integer('--seed'), 1)
    .option('--maps <list>', 'comma-separated map rotation (default: the built-in maps)', list)
    .option('--players <n>', 'players per team (max 32)', positiveInt('--players'))
    .option('--round-seconds <s>', 'simulated length of a round', positiveInt('--round-seconds', 10))
    .option('--server-id <id>', 'server id written into the files')
    .action(async (opts) => {
      const { runSimulate } = await import('./commands/simulate.ts');
      setExit(await runSimulate(output, opts));
    });

  program
    .command('import')
    .description('import round files or directories of round files')
    .argument('<paths...>', 'round files and/or directories')
    .option('--server-id <id>', 'server id for legacy files that carry none')
    .option('--json', 'print the outcome of every file as JSON')
    .addHelpText('after', '\nExit status: 0 all imported or duplicates, 1 some file rejected, 2 usage/connection error.')
    .action(async (paths: string[], opts, cmd: Command) => {
      const { runImport } = await import('./commands/import.ts');
      setExit(await runImport(output, paths, { ...opts, ...dbOptions(cmd) }));
    });

  program
    .command('watch')
    .description('follow a directory the game server writes into and import each complete round file')
    .argument('<dir>', 'directory of round files (the tracker output dir, or a copy synced from it)')
    .option('--interval <ms>', 'poll interval (fs events are only a hint)', positiveInt('--interval', 50), 2000)
    .option('--settle <ms>', 'files without an end marker are imported once unchanged this long', positiveInt('--settle', 0), 5000)
    .option('--state-file <file>', 'where to remember files already seen (default: in the user data dir)')
    .option('--server-id <id>', 'server id for legacy files that carry none')
    .option('--once', 'scan once, import what is complete, and exit')
    .addHelpText('after', '\nStops cleanly on SIGINT/SIGTERM: the file being imported is finished first.')
    .action(async (dir: string, opts, cmd: Command) => {
      const { runWatch } = await import('./commands/watch.ts');
      setExit(await runWatch(output, dir, { ...opts, ...dbOptions(cmd) }));
    });

  program
    .command('inspect')
    .description('validate one round file and print it')
    .argument('<file>', 'a round file (v1 or legacy)')
    .option('--json', 'print the parsed file as JSON')
    .addHelpText('after', '\nExit status: 0 valid, 1 invalid (the error names file, line and field), 2 unreadable.')
    .action(async (file: string, opts) => {
      const { runInspect } = await import('./commands/inspect.ts');
      setExit(await runInspect(output, file, opts));
    });

  const report = program
    .command('report')
    .description('analytics in the terminal: leaderboards, players, duos, engagements, zones');
  const reportJson = () => new Option('--json', 'print the result as JSON');
  const reportAction =
    (name: string) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const opts = cmd.opts();
      const positional = args.slice(0, -2) as string[];
      const { runReport } = await import('./commands/report.ts');
      setExit(await runReport(output, name, positional, { ...opts, ...dbOptions(cmd) }));
    };
  report
    .command('summary', { isDefault: true })
    .description('the headline numbers: overview, leaderboards, best duos, engagements, hottest zones')
    .option('--limit <n>', 'rows per table', positiveInt('--limit'), 5)
    .addOption(reportJson())
    .action(reportAction('summary'));
  report
    .command('leaderboard')
    .description('rank players by a metric')
    .addOption(
      new Option('--metric <metric>', 'what to rank by')
        .choices(['kills', 'kd', 'solo_win_rate', 'escape_rate', 'focus_survival', 'crossfire', 'damage'])
        .default('kills'),
    )
    .option('--limit <n>', 'rows', positiveInt('--limit'), 20)
    .option('--min-sample <n>', 'minimum sample size for rates', positiveInt('--min-sample', 0))
    .option('--bots', 'include bots')
    .addOption(reportJson())
    .action(reportAction('leaderboard'));
  report
    .command('player')
    .description("a player's profile, by GUID or (part of a) name")
    .argument('<guid-or-name>', 'a GUID, or a name to search for (colour codes are ignored)')
    .addOption(reportJson())
    .action(reportAction('player'));
  report
    .command('duos')
    .description('best crossfire duos, or the partners of one player')
    .argument('[guid-or-name]', 'show this player’s duo partners')
    .option('--limit <n>', 'rows', positiveInt('--limit'), 20)
    .addOption(reportJson())
    .action(reportAction('duos'));
  report
    .command('engagements')
    .description('engagement outcomes and kill types by session date (or by map)')
    .option('--date <YYYY-MM-DD>', 'only this session date', sessionDate)
    .option('--from <YYYY-MM-DD>', 'from this session date', sessionDate)
    .option('--to <YYYY-MM-DD>', 'up to this session date', sessionDate)
    .option('--map <name>', 'only this map')
    .addOption(new Option('--by <key>', 'group rows by').choices(['date', 'map']).default('date'))
    .addOption(reportJson())
    .action(reportAction('engagements'));
  report
    .command('zones')
    .description('hottest kill zones per map')
    .option('--map <name>', 'only this map')
    .option('--limit <n>', 'zones per map', positiveInt('--limit'), 5)
    .addOption(reportJson())
    .action(reportAction('zones'));

  program
    .command('retention')
    .description('archive detail rows older than N days (aggregates are kept forever)')
    .requiredOption('--days <n>', 'keep detail rows of the last N days', positiveInt('--days'))
    .option('--json', 'print the result as JSON')
    .action(async (opts, cmd: Command) => {
      const { runRetention } = await import('./commands/maintenance.ts');
      setExit(await runRetention(output, { ...opts, ...dbOptions(cmd) }));
    });

  program
    .command('stats')
    .description('data volume: rows and bytes per table')
    .option('--json', 'print the result as JSON')
    .action(async (opts, cmd: Command) => {
      const { runStats } = await import('./commands/maintenance.ts');
      setExit(await runStats(output, { ...opts, ...dbOptions(cmd) }));
    });

  program
    .command('rebuild')
    .description('rebuild the aggregate tables from the detail rows')
    .action(async (_opts, cmd: Command) => {
      const { runRebuild } = await import('./commands/maintenance.ts');
      setExit(await runRebuild(output, dbOptions(cmd)));
    });

  program
    .command('dashboard')
    .description('start the read-only web dashboard')
    .option('--port <n>', 'port to listen on (0 = any free port)', positiveInt('--port', 0), 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts, cmd: Command) => {
      const { runDashboard } = await import('./commands/dashboard.ts');
      setExit(await runDashboard(output, { ...opts, ...dbOptions(cmd) }));
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const output = processOutput();
  let exitCode = EXIT_OK;
  const program = buildProgram(output, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(output, error);
  }
}

function reportError(output: Output, error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every parsing problem is a usage error (commander already printed it).
    if (error.exitCode === 0) return EXIT_OK;
    return EXIT_USAGE;
  }
  if (error instanceof CliError) {
    output.err(output.ce.red(`proximity: ${error.message}`));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  output.err(output.ce.red(`proximity: unexpected error: ${message}`));
  if (process.env.PROXIMITY_DEBUG && error instanceof Error && error.stack) output.err(error.stack);
  return EXIT_USAGE;
}
