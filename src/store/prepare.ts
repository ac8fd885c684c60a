/**
 * A round file turned into what the importer sends to the database: the statement parameters of the
 * file, and what a batch of imported files adds to players, names and aggregates. CPU work only (no
 * database), done for one batch while the database writes another.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { RoundFileError, parseRoundFile } from '../format/reader.ts';
import { ContributionSums } from './contributions.ts';
import { RoundDetailError, roundDetailParams } from './round-detail.ts';
import { describeIdentity, identityKey, roundRows, RoundRowsError, type RoundRows } from './round-rows.ts';

export interface ImportOptions {
  /** Server id for legacy files, whose header has none (default 'legacy'). */
  serverId?: string;
}

/** A file ready for the database. */
export interface PreparedFile {
  path: string;
  /** proximity_import_round's jsonb: identity, hash, file name and size, the round row. */
  payload: string;
  /** The round_detail row's parameters (roundDetailInsertSql). */
  detail: (string | number | null | Buffer)[];
  sha256: string;
  engagements: number;
  /** The round identity in words, for messages. */
  identity: string;
}

/** A file that cannot be imported, with the reason (file, line and field when the reader knows them). */
export interface Unreadable {
  path: string;
  reason: string;
}

export type Prepared = { ok: PreparedFile; rows: RoundRows } | { error: Unreadable };

export function prepareFile(path: string, opts: ImportOptions): Prepared {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { error: { path, reason: `${path}: cannot read: ${err.code ?? err.message}` } };
  }
  let rows: RoundRows;
  let detail: PreparedFile['detail'];
  try {
    rows = roundRows(parseRoundFile(bytes, path), opts);
    detail = roundDetailParams(rows.detail);
  } catch (e) {
    if (e instanceof RoundFileError) return { error: { path, reason: e.message } };
    if (e instanceof RoundRowsError) return { error: { path, reason: `${path}: ${e.message}` } };
    if (e instanceof RoundDetailError) return { error: { path, reason: `${path}: cannot store the detail: ${e.message}` } };
    // Anything else the reader throws is still this file's problem: reject it, never stop the batch.
    return { error: { path, reason: `${path}: unreadable: ${(e as Error).message}` } };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const payload = JSON.stringify({
    identity: identityKey(rows.round),
    sha256,
    file_name: basename(path),
    size: bytes.length,
    round: rows.round,
  });
  return {
    ok: {
      path,
      payload,
      detail,
      sha256,
      engagements: rows.engagements.length,
      identity: describeIdentity(rows.round),
    },
    rows,
  };
}

/** proximity_merge_import's jsonb: what the imported files of a batch add to players, names and
 *  aggregates, summed per key. */
export function batchMerge(imported: readonly RoundRows[]): string {
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
  return JSON.stringify({ players: [...players.values()], names: [...names.values()], contrib: sums.result() });
}
