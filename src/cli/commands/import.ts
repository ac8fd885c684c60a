/**
 * `proximity import PATH…`: files and/or directories into the store, each file all or nothing (the
 * store's import ledger makes a re-import a no-op). Prints a summary of imported / duplicate / rejected
 * files, every rejected file with its reason, and exits 0 (all imported or duplicates), 1 (some rejected)
 * or 2 (usage or connection error, e.g. a path that does not exist).
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { importPaths, type ImportOutcome } from '../../store/index.ts';
import { withStore, describeDatabase, type DatabaseOptions } from '../database.ts';
import { CliError, EXIT_DATA, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { startProgress } from '../progress.ts';
import { formatDuration, safeText } from '../terminal.ts';

export interface ImportCommandOptions extends DatabaseOptions {
  serverId?: string;
  json?: boolean;
}

export async function runImport(output: Output, paths: string[], opts: ImportCommandOptions): Promise<number> {
  for (const path of paths) {
    try {
      await stat(path);
    } catch {
      throw new CliError(`no such file or directory: ${safeText(path)}`, EXIT_USAGE);
    }
  }
  const started = Date.now();
  const outcomes = await withStore(opts, async (store) => {
    const progress = startProgress(output, 'Importing');
    try {
      return await importPaths(store, paths, {
        ...(opts.serverId !== undefined ? { serverId: opts.serverId } : {}),
        onFile: (o, done, total) => progress.update(done, total, safeText(basename(o.file))),
      });
    } finally {
      progress.stop();
    }
  });
  if (opts.json) {
    output.out(JSON.stringify(outcomes, null, 2));
  } else {
    printImportSummary(output, outcomes, `${describeDatabase(opts)}, ${formatDuration(Date.now() - started)}`);
  }
  return outcomes.some((o) => o.status === 'rejected') ? EXIT_DATA : EXIT_OK;
}

export function summarize(outcomes: readonly ImportOutcome[]) {
  const count = (s: ImportOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const engagements = outcomes.reduce((n, o) => n + (o.status === 'imported' ? (o.engagements ?? 0) : 0), 0);
  return { imported: count('imported'), duplicate: count('duplicate'), rejected: count('rejected'), engagements };
}

export function printImportSummary(output: Output, outcomes: readonly ImportOutcome[], where: string): void {
  const { c } = output;
  const s = summarize(outcomes);
  if (outcomes.length === 0) {
    output.out(c.yellow('No round files found (names end in _engagements.txt or _proximity.txt).'));
    return;
  }
  output.out(
    `${c.green(`${s.imported} imported`)} (${s.engagements} engagements), ` +
      `${s.duplicate} already imported, ` +
      `${s.rejected ? c.red(`${s.rejected} rejected`) : '0 rejected'} ${c.dim(`— ${where}`)}`,
  );
  const rejected = outcomes.filter((o) => o.status === 'rejected');
  if (rejected.length) {
    output.out(c.red('Rejected files:'));
    for (const o of rejected) output.out(`  ${safeText(o.file)}: ${safeText(reasonText(o))}`);
  }
}

/**
 * The reason of an outcome without the file name it usually starts with (the caller prints the file):
 * `<file>:14: damage: not an integer` → `line 14: damage: not an integer`.
 */
export function reasonText(o: ImportOutcome): string {
  let reason = o.reason ?? o.status;
  if (reason.startsWith(`${o.file}:`)) reason = reason.slice(o.file.length + 1).trimStart();
  return reason.replace(/^(\d+): /, 'line $1: ').replace(/^-: (-: )?/, '');
}
