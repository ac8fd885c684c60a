/**
 * Idempotent import of round files: the round, the ledger, the players, the detail and the aggregate
 * updates of a file commit together or not at all (a batch of files shares one transaction). The round
 * identity decides duplicates (same identity + same content hash → 'duplicate', a no-op; same
 * identity + different hash → 'rejected'), serialised between importers by a transaction-scoped
 * advisory lock on the identity, with unique constraints as the backstop.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isRoundFileName } from '../format/reader.ts';
import type { Store, StoreInternals } from './db.ts';
import { batchMerge, prepareFile, type ImportOptions, type PreparedFile, type Unreadable } from './prepare.ts';
import type { RoundRows } from './round-rows.ts';
import { roundDetailInsertSql } from './round-detail.ts';

export type { ImportOptions } from './prepare.ts';

export interface ImportOutcome {
  file: string;
  status: 'imported' | 'duplicate' | 'rejected';
  reason?: string;
  roundId?: number;
  engagements?: number;
}

export interface ImportPathsOptions extends ImportOptions {
  onFile?: (o: ImportOutcome, done: number, total: number) => void;
}

/**
 * Files are written in batches, one transaction per batch (sql/migrations/003_compact_detail.sql): one
 * statement per file, then one merge of the players, names and aggregate contributions of the files
 * that were imported. A batch that fails is retried, then written one file per transaction, so a bad
 * file can never block the others and never half-imports.
 *
 * The statement of a file: the round and ledger rows (proximity_import_round) and, when that imported
 * the round, its round_detail row, the arrays as typed parameters (they parse several times faster
 * than the same arrays in jsonb).
 */
const IMPORT_SQL =
  `WITH r AS (SELECT proximity_import_round($1::jsonb) AS result), ` +
  `d AS (${roundDetailInsertSql(`(r.result->>'round_id')::integer`, 2, `FROM r WHERE r.result->>'status' = 'imported'`)}) ` +
  `SELECT result FROM r`;
const MERGE_SQL = 'SELECT proximity_merge_import($1::jsonb)';

/** Files per transaction: aggregates are merged once per batch (most of their keys recur every round). */
export const IMPORT_BATCH_SIZE = 64;

interface ImportResult {
  status: 'imported' | 'duplicate' | 'changed' | 'same_content';
  round_id: number;
  file_name?: string;
  sha256?: string;
}

/** Postgres errors worth one more try: deadlock, serialization failure, unique race. */
const RETRYABLE = new Set(['40P01', '40001', '23505']);
const errorCode = (e: unknown): string | undefined => (e as { code?: string }).code;

/** A prepared file and its parsed rows (for the batch's merge). */
interface Ready {
  file: PreparedFile;
  rows: RoundRows;
}

/** Writes files in one transaction; every file gets an outcome, or the whole batch throws. */
async function writeBatchOnce(store: Store, batch: readonly Ready[]): Promise<ImportOutcome[]> {
  return store.transaction(async (tx) => {
    const outcomes: ImportOutcome[] = [];
    const imported: RoundRows[] = [];
    for (const { file, rows } of batch) {
      const [row] = await tx.query<{ result: ImportResult }>(IMPORT_SQL, [file.payload, ...file.detail]);
      const o = outcome(file, row!.result);
      if (o.status === 'imported') imported.push(rows);
      outcomes.push(o);
    }
    if (imported.length > 0) await tx.query(MERGE_SQL, [batchMerge(imported)]);
    return outcomes;
  });
}

/** A batch fails as a whole (a file the database refuses, a deadlock, a lost connection): it is retried
 *  when that can help, then written one file per transaction, so a bad file fails alone. */
async function writeBatch(store: Store, batch: readonly Ready[]): Promise<ImportOutcome[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeBatchOnce(store, batch);
    } catch (e) {
      if (RETRYABLE.has(errorCode(e) ?? '') && attempt < 4) continue;
      if (batch.length > 1) {
        // isolate: whatever failed the batch fails only its own file now
        const out: ImportOutcome[] = [];
        for (const r of batch) out.push(...(await writeBatch(store, [r])));
        return out;
      }
      const path = batch[0]!.file.path;
      return [{ file: path, status: 'rejected', reason: `${path}: database: ${(e as Error).message}` }];
    }
  }
}

const rejected = (e: Unreadable): ImportOutcome => ({ file: e.path, status: 'rejected', reason: e.reason });

/** Prepares and writes one batch of files; outcomes in the order of `paths`. */
async function importBatch(store: Store, paths: string[], opts: ImportOptions): Promise<ImportOutcome[]> {
  const ready: (Ready & { at: number })[] = [];
  const outcomes: ImportOutcome[] = new Array(paths.length);
  for (let at = 0; at < paths.length; at++) {
    const p = prepareFile(paths[at]!, opts);
    if ('ok' in p) ready.push({ file: p.ok, rows: p.rows, at });
    else outcomes[at] = rejected(p.error);
    // between files, let other writers' database replies in: the database should never wait on us
    if (paths.length > 1) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const written = ready.length ? await writeBatch(store, ready) : [];
  ready.forEach((r, k) => (outcomes[r.at] = written[k]!));
  return outcomes;
}

export async function importFile(store: Store, path: string, opts: ImportOptions = {}): Promise<ImportOutcome> {
  return (await importBatch(store, [path], opts))[0]!;
}

function outcome(f: PreparedFile, r: ImportResult): ImportOutcome {
  const path = f.path;
  switch (r.status) {
    case 'imported':
      return { file: path, status: 'imported', roundId: r.round_id, engagements: f.engagements };
    case 'duplicate':
      return { file: path, status: 'duplicate', reason: `already imported as round ${r.round_id} from ${r.file_name}`, roundId: r.round_id };
    case 'same_content':
      return { file: path, status: 'duplicate', reason: `the same content was already imported as round ${r.round_id} from ${r.file_name}`, roundId: r.round_id };
    case 'changed':
      return {
        file: path,
        status: 'rejected',
        reason: `${path}: ${f.identity} was already imported from ${r.file_name} with different content (sha256 ${r.sha256!.slice(0, 12)}… vs ${f.sha256.slice(0, 12)}…); not imported twice`,
        roundId: r.round_id,
      };
  }
}

/** Round files in `dir` (not recursive), optionally only those whose name starts with the date, sorted by name. */
export async function findRoundFiles(dir: string, sessionDate?: string): Promise<string[]> {
  if (sessionDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(sessionDate)) {
    throw new Error(`session date must be YYYY-MM-DD, got ${JSON.stringify(sessionDate)}`);
  }
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && isRoundFileName(e.name))
    .filter((e) => sessionDate === undefined || e.name.startsWith(`${sessionDate}-`))
    .map((e) => e.name)
    .sort()
    .map((name) => join(dir, name));
}

/** Imports files and directories (their round files); every file gets an outcome, in input order. */
export async function importPaths(store: Store, paths: string[], opts: ImportPathsOptions = {}): Promise<ImportOutcome[]> {
  const files: string[] = [];
  const early: ImportOutcome[] = [];
  for (const p of paths) {
    try {
      if ((await stat(p)).isDirectory()) files.push(...(await findRoundFiles(p)));
      else files.push(p);
    } catch (e) {
      early.push({ file: p, status: 'rejected', reason: `${p}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
  }
  const unique = [...new Set(files)];
  const total = unique.length + early.length;
  const results: ImportOutcome[] = new Array(unique.length);
  let done = 0;
  for (const o of early) opts.onFile?.(o, ++done, total);
  let next = 0;
  // Each writer takes the next batch of files in name order, prepares it (CPU, while the database
  // writes another writer's batch) and writes it.
  const writer = async (): Promise<void> => {
    while (next < unique.length) {
      const first = next;
      const end = Math.min(unique.length, first + IMPORT_BATCH_SIZE);
      next = end; // claimed before the first await: other writers take the files after `end`
      const outcomes = await importBatch(store, unique.slice(first, end), opts);
      outcomes.forEach((o, k) => {
        results[first + k] = o;
        opts.onFile?.(o, ++done, total);
      });
    }
  };
  // at least two writers, so one batch is prepared while another is written
  const parallelism = Math.max(2, (store as Partial<StoreInternals>).parallelism ?? 1);
  await Promise.all(Array.from({ length: Math.min(parallelism, Math.ceil(unique.length / IMPORT_BATCH_SIZE)) }, writer));
  return [...early, ...results];
}
