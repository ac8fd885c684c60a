/**
 * Idempotent import of round files: one transaction per file in which the round, the ledger, the
 * players, the detail rows and the aggregate updates commit together or not at all. The round
 * identity decides duplicates (same identity + same content hash → 'duplicate', a no-op; same
 * identity + different hash → 'rejected'), serialised between importers by a transaction-scoped
 * advisory lock on the identity, with unique constraints as the backstop.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RoundFileError, isRoundFileName, parseRoundFile } from '../format/reader.ts';
import type { Store, StoreInternals } from './db.ts';
import { contributions } from './contributions.ts';
import { describeIdentity, identityKey, roundRows, RoundRowsError, type RoundRows } from './round-rows.ts';

export interface ImportOutcome {
  file: string;
  status: 'imported' | 'duplicate' | 'rejected';
  reason?: string;
  roundId?: number;
  engagements?: number;
}

export interface ImportOptions {
  /** Server id for legacy files, whose header has none (default 'legacy'). */
  serverId?: string;
}

export interface ImportPathsOptions extends ImportOptions {
  onFile?: (o: ImportOutcome, done: number, total: number) => void;
}

/** All writes of one file happen in proximity_import_round (sql/migrations/002_functions.sql): one
 *  round trip per file, with the plans cached in the server. */
const IMPORT_SQL = 'SELECT proximity_import_round($1::jsonb) AS result';

interface ImportResult {
  status: 'imported' | 'duplicate' | 'changed' | 'same_content';
  round_id: number;
  file_name?: string;
  sha256?: string;
}

/** Postgres errors worth one more try: deadlock, serialization failure, unique race. */
const RETRYABLE = new Set(['40P01', '40001', '23505']);

export async function importFile(store: Store, path: string, opts: ImportOptions = {}): Promise<ImportOutcome> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { file: path, status: 'rejected', reason: `${path}: cannot read: ${err.code ?? err.message}` };
  }
  let rows: RoundRows;
  try {
    rows = roundRows(parseRoundFile(bytes, path), opts);
  } catch (e) {
    if (e instanceof RoundFileError) return { file: path, status: 'rejected', reason: e.message };
    if (e instanceof RoundRowsError) return { file: path, status: 'rejected', reason: `${path}: ${e.message}` };
    // Anything else the reader throws is still this file's problem: reject it, never stop the batch.
    return { file: path, status: 'rejected', reason: `${path}: unreadable: ${(e as Error).message}` };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const payload = JSON.stringify({
    identity: identityKey(rows.round),
    sha256,
    file_name: basename(path),
    size: bytes.length,
    round: rows.round,
    players: rows.players,
    names: rows.names,
    detail: rows.detail,
    heatmap: rows.heatmap,
    contrib: contributions(rows),
  });
  for (let attempt = 1; ; attempt++) {
    try {
      const [row] = await store.transaction((tx) => tx.query<{ result: ImportResult }>(IMPORT_SQL, [payload]));
      return outcome(path, rows, sha256, row!.result);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== undefined && RETRYABLE.has(code) && attempt < 4) continue;
      return { file: path, status: 'rejected', reason: `${path}: database: ${(e as Error).message}` };
    }
  }
}

function outcome(path: string, rows: RoundRows, sha256: string, r: ImportResult): ImportOutcome {
  switch (r.status) {
    case 'imported':
      return { file: path, status: 'imported', roundId: r.round_id, engagements: rows.engagements.length };
    case 'duplicate':
      return { file: path, status: 'duplicate', reason: `already imported as round ${r.round_id} from ${r.file_name}`, roundId: r.round_id };
    case 'same_content':
      return { file: path, status: 'duplicate', reason: `the same content was already imported as round ${r.round_id} from ${r.file_name}`, roundId: r.round_id };
    case 'changed':
      return {
        file: path,
        status: 'rejected',
        reason: `${path}: ${describeIdentity(rows.round)} was already imported from ${r.file_name} with different content (sha256 ${r.sha256!.slice(0, 12)}… vs ${sha256.slice(0, 12)}…); not imported twice`,
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
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const i = next++;
      const o = await importFile(store, unique[i]!, opts);
      results[i] = o;
      opts.onFile?.(o, ++done, total);
    }
  };
  const parallelism = Math.max(1, (store as Partial<StoreInternals>).parallelism ?? 1);
  await Promise.all(Array.from({ length: Math.min(parallelism, unique.length) }, worker));
  return [...early, ...results];
}
