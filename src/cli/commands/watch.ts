/**
 * `proximity watch DIR`: import each complete round file as it appears, until SIGINT/SIGTERM (exit 0 after
 * a clean shutdown) or, with --once, after one scan (exit 1 if a file was rejected in it).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeDatabase, openCliStore, resolveDatabase, userDataDir, type DatabaseOptions } from '../database.ts';
import { CliError, EXIT_DATA, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { onStopSignal } from '../signals.ts';
import { safeText } from '../terminal.ts';
import { reasonText } from './import.ts';
import { WatchState } from '../watch/state.ts';
import { RoundWatcher, type WatchEvent } from '../watch/watcher.ts';

export interface WatchCommandOptions extends DatabaseOptions {
  interval: number;
  settle: number;
  stateFile?: string;
  serverId?: string;
  once?: boolean;
}

/** One state file per (directory, database): watching the same folder into two databases keeps two. */
export function defaultStateFile(dir: string, opts: DatabaseOptions): string {
  const db = resolveDatabase(opts);
  const identity = `${resolve(dir)}\0${db.databaseUrl ?? resolve(db.dataDir!)}`;
  const key = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  return join(userDataDir(), 'watch', `${key}.json`);
}

export async function runWatch(output: Output, dirArg: string, opts: WatchCommandOptions): Promise<number> {
  const dir = resolve(dirArg);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new CliError(`cannot watch ${safeText(dirArg)}: ${(error as Error).message}`, EXIT_USAGE);
  }
  const statePath = resolve(opts.stateFile ?? defaultStateFile(dir, opts));
  const stop = onStopSignal((signal) => output.err(`${signal}: finishing the current file, then stopping…`));
  const store = await openCliStore(opts);
  try {
    const state = await WatchState.load(statePath, dir, (m) => output.err(output.ce.yellow(m)));
    const watcher = new RoundWatcher({
      dir,
      store,
      state,
      intervalMs: opts.interval,
      settleMs: opts.settle,
      ...(opts.serverId !== undefined ? { serverId: opts.serverId } : {}),
      onEvent: (event) => logEvent(output, event),
    });
    if (opts.once) {
      await watcher.scanOnce();
    } else {
      output.err(
        `Watching ${safeText(dir)} → ${describeDatabase(opts)} (every ${opts.interval} ms; ` +
          `${state.size} file(s) already known; Ctrl+C to stop)`,
      );
      void stop.promise.then(() => watcher.stop());
      await watcher.run();
    }
    const t = watcher.totals;
    output.err(`Watch ${opts.once ? 'scan' : 'stopped'}: ${t.imported} imported, ${t.duplicate} already imported, ${t.rejected} rejected.`);
    return opts.once && t.rejected > 0 ? EXIT_DATA : EXIT_OK;
  } finally {
    stop.dispose();
    await store.close();
  }
}

function logEvent(output: Output, event: WatchEvent): void {
  const { c } = output;
  const time = new Date().toISOString().slice(11, 19);
  switch (event.kind) {
    case 'outcome': {
      const o = event.outcome;
      const file = safeText(o.file);
      if (o.status === 'imported') output.out(`${time} ${c.green('imported')}  ${file} (${o.engagements ?? 0} engagements)`);
      else if (o.status === 'duplicate') output.out(`${time} duplicate ${file}`);
      else output.out(`${time} ${c.red('rejected')}  ${file}: ${safeText(reasonText(o))}`);
      break;
    }
    case 'torn':
      output.out(`${time} ${c.yellow('waiting')}   ${safeText(event.file)}: incomplete (no end marker yet)`);
      break;
    case 'error':
      output.err(`${time} ${output.ce.yellow('warning')} ${safeText(event.file ?? '')}${event.file ? ': ' : ''}${safeText(event.message)}`);
      break;
  }
}
