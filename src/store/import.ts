/**
 * Idempotent import of round files: the round, the ledger, the players, the detail and the aggregate
 * updates of a file commit together or not at all (a batch of files shares one transaction). The round
 * identity decides duplicates (same identity + same content hash → 'duplicate', a no-op; same
 * identity + different hash → 'rejected'), serialised between importers by a transaction-scoped
 * advisory lock on the identity, with unique constraints as the backstop.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RoundFileError, isRoundFileName, parseRoundFile } from '../format/reader.ts';
import type { Store, StoreInternals } from './db.ts';
import { ContributionSums } from './contributions.ts';
import { roundDetailInsertSql, roundDetailParams } from './round-detail.ts';
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

/**
 * Files are written in batches, one transaction per batch (sql/migrations/003_compact_detail.sql): one
 * statement per file (round, ledger, round_detail row), then one merge of the players, names and
 * aggregate contributions of the files that were imported. A batch that fails is retried, then written
 * one file per transaction, so a bad file can never block the others and never half-imports.
 */
/** One statement per file: the ledger and round (proximity_import_round), and when that imported the
 *  round, its round_detail row with the arrays as typed parameters (they parse several times faster than
 *  the same arrays in jsonb). */
const IMPORT_SQL =
  `WITH r AS (SELECT proximity_import_round($1::jsonb) AS result), ` +
  `d AS (${roundDetailInsertSql(`(r.result->>'round_id')::integer`, 2, `FROM r WHERE r.result->>'status' = 'imported'`)}) ` +
  `SELECT result FROM r`;
const MERGE_SQL = 'SELECT proximity_merge_import($1::jsonb)';

/** Files per transaction: aggregates are merged once per batch (most of their keys recur every round). */
export const IMPORT_BATCH_SIZE = 32;

interface ImportResult {
  status: 'imported' | 'duplicate' | 'changed' | 'same_content';
  round_id: number;
  file_name?: string;
  sha256?: string;
}

/** Postgres errors worth one more try: deadlock, serialization failure, unique race. */
const RETRYABLE = new Set(['40P01', '40001', '23505']);
const errorCode = (e: unknown): string | undefined => (e as { code?: string }).code;

/** A file read, parsed and turned into its import payload, ready for the database. */
interface Prepared {
  path: string;
  rows: RoundRows;
  payload: string;
  sha256: string;
}

async function prepare(path: string, opts: ImportOptions): Promise<Prepared | ImportOutcome> {
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
  });
  return { path, rows, payload, sha256 };
}

/** What the imported files of a batch add to players, names and aggregates, summed per key. */
function batchMerge(imported: readonly RoundRows[]): string {
  const players = new Map<string, { player_guid: string; is_bot: boolean; name: string; first_seen: string; last_seen: string }>();
  const names = new Map<string, { player_guid: string; player_name: string; first_seen: string; last_seen: string; rounds: number }>();
  const sums = new ContributionSums();
  for (const rows of imported) {
    sums.add(rows);
    const t = rows.round.roundStart; // ISO strings of one format: they compare as times
    for (const p of rows.players) {
      const prev = players.get(p.player_guid);
      if (!prev) {
        players.set(p.player_guid, { player_guid: p.player_guid, is_bot: p.is_bot, name: p.name, first_seen: t, last_seen: t });
        continue;
      }
      // the name of the most recent round wins; on a tie the later file, as file-by-file import would
      if (t >= prev.last_seen) Object.assign(prev, { is_bot: p.is_bot, name: p.name, last_seen: t });
      if (t < prev.first_seen) prev.first_seen = t;
    }
    for (const n of rows.names) {
      const k = `${n.player_guid}\u0000${n.player_name}`;
      const prev = names.get(k);
      if (!prev) names.set(k, { ...n, first_seen: t, last_seen: t, rounds: 1 });
      else {
        if (t < prev.first_seen) prev.first_seen = t;
        if (t > prev.last_seen) prev.last_seen = t;
        prev.rounds++;
      }
    }
  }
  return JSON.stringify({
    players: [...players.values()],
    names: [...names.values()],
    contrib: sums.result(),
  });
}

/** Writes a batch in one transaction; every file gets an outcome, or the whole batch throws. */
async function writeBatchOnce(store: Store, batch: readonly Prepared[]): Promise<ImportOutcome[]> {
  return store.transaction(async (tx) => {
    const outcomes: ImportOutcome[] = [];
    const imported: RoundRows[] = [];
    for (const f of batch) {
      const [row] = await tx.query<{ result: ImportResult }>(IMPORT_SQL, [f.payload, ...roundDetailParams(f.rows.detail, f.rows.heatmap)]);
      const o = outcome(f.path, f.rows, f.sha256, row!.result);
      if (o.status === 'imported') imported.push(f.rows);
      outcomes.push(o);
    }
    if (imported.length > 0) await tx.query(MERGE_SQL, [batchMerge(imported)]);
    return outcomes;
  });
}

/** A batch fails as a whole (a file the database refuses, a deadlock, a lost connection): it is retried
 *  when that can help, then written one file per transaction, so a bad file fails alone. */
async function writeBatch(store: Store, batch: readonly Prepared[]): Promise<ImportOutcome[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeBatchOnce(store, batch);
    } catch (e) {
      if (RETRYABLE.has(errorCode(e) ?? '') && attempt < 4) continue;
      if (batch.length > 1) {
        // isolate: whatever failed the batch fails only its own file now
        const out: ImportOutcome[] = [];
        for (const f of batch) out.push(...(await writeBatch(store, [f])));
        return out;
      }
      return [{ file: batch[0]!.path, status: 'rejected', reason: `${batch[0]!.path}: database: ${(e as Error).message}` }];
    }
  }
}

export async function importFile(store: Store, path: string, opts: ImportOptions = {}): Promise<ImportOutcome> {
  const p = await prepare(path, opts);
  if (!('payload' in p)) return p;
  return (await writeBatch(store, [p]))[0]!;
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
  // Each worker takes the next files in name order, prepares them (CPU, while the database works on
  // another worker's batch) and writes them as one batch.
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const first = next;
      const end = Math.min(unique.length, first + IMPORT_BATCH_SIZE);
      next = end; // claimed before the first await: other workers take the files after `end`
      const ready: { i: number; p: Prepared }[] = [];
      const unreadable: { i: number; o: ImportOutcome }[] = [];
      for (let i = first; i < end; i++) {
        const p = await prepare(unique[i]!, opts);
        if ('payload' in p) ready.push({ i, p });
        else unreadable.push({ i, o: p });
      }
      const written = ready.length ? await writeBatch(store, ready.map((r) => r.p)) : [];
      const finished = [...unreadable, ...ready.map((r, k) => ({ i: r.i, o: written[k]! }))].sort((a, b) => a.i - b.i);
      for (const { i, o } of finished) {
        results[i] = o;
        opts.onFile?.(o, ++done, total);
      }
    }
  };
  const parallelism = Math.max(1, (store as Partial<StoreInternals>).parallelism ?? 1);
  await Promise.all(Array.from({ length: Math.min(parallelism, unique.length) }, worker));
  return [...early, ...results];
}
