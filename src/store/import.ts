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
import type { Queryable, Store, StoreInternals } from './db.ts';
import { contributions, type Contributions } from './contributions.ts';
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

const ENGAGEMENT_COLUMNS = `engagement_id integer, start_ms integer, end_ms integer, target_pid smallint,
  target_guid text, target_team text, target_class text, outcome text, end_mod smallint,
  killer_pid smallint, killer_guid text, damage integer, hits integer, num_attackers smallint,
  is_crossfire boolean, crossfire_delay_ms integer, crossfire_pairs jsonb, attackers jsonb,
  position_path jsonb, kill_weapon smallint, killer_x integer, killer_y integer, killer_z integer,
  victim_x integer, victim_y integer, victim_z integer, kill_distance integer, killer_allies text[],
  killer_enemies text[], victim_allies text[], victim_enemies text[], killer_side smallint,
  victim_side smallint, engagement_type text`;
const ENGAGEMENT_NAMES = ENGAGEMENT_COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0]).join(', ');

const SQL = {
  locks: `SELECT pg_advisory_xact_lock_shared(proximity_lock_key()),
                 pg_advisory_xact_lock(hashtext('proximity'), hashtext($1))`,
  findRound: `SELECT round_id, content_sha256, file_name FROM round
               WHERE server_id = $1 AND map_name = $2 AND round_number = $3 AND round_start_unix = $4`,
  findHash: `SELECT f.round_id, f.file_name FROM imported_file f WHERE f.content_sha256 = $1`,
  insertRound: `INSERT INTO round (server_id, map_name, round_number, round_start_unix, round_start,
      session_date, round_end, server_name, gametype, duration_ms, paused_ms, end_reason, timelimit,
      tracker_version, source_format, config, sections, grid_size, crossfire_window_ms, nearby_radius,
      engagements, players, file_name, content_sha256)
    SELECT r."serverId", r."mapName", r."roundNumber", r."roundStartUnix", r."roundStart",
      r."sessionDate", r."roundEnd", r."serverName", r.gametype, r."durationMs", r."pausedMs",
      r."endReason", r.timelimit, r."trackerVersion", r."sourceFormat", r.config, r.sections,
      r."gridSize", r."crossfireWindowMs", r."nearbyRadius", r.engagements, r.players, $2, $3
    FROM jsonb_to_record($1::jsonb) AS r("serverId" text, "mapName" text, "roundNumber" smallint,
      "roundStartUnix" bigint, "roundStart" timestamptz, "sessionDate" date, "roundEnd" timestamptz,
      "serverName" text, gametype smallint, "durationMs" integer, "pausedMs" integer,
      "endReason" text, timelimit text, "trackerVersion" text, "sourceFormat" text, config jsonb,
      sections text[], "gridSize" integer, "crossfireWindowMs" integer, "nearbyRadius" integer,
      engagements integer, players integer)
    RETURNING round_id`,
  insertFile: `INSERT INTO imported_file (content_sha256, round_id, file_name, size_bytes) VALUES ($1, $2, $3, $4)`,
  upsertPlayers: `INSERT INTO player AS p (player_guid, is_bot, last_name, first_seen, last_seen)
    SELECT x.player_guid, x.is_bot, x.name, $2::timestamptz, $2::timestamptz
    FROM jsonb_to_recordset($1::jsonb) AS x(player_guid text, is_bot boolean, name text)
    ORDER BY x.player_guid COLLATE "C"
    ON CONFLICT (player_guid) DO UPDATE SET
      last_name = CASE WHEN EXCLUDED.last_seen >= p.last_seen THEN EXCLUDED.last_name ELSE p.last_name END,
      is_bot = CASE WHEN EXCLUDED.last_seen >= p.last_seen THEN EXCLUDED.is_bot ELSE p.is_bot END,
      first_seen = LEAST(p.first_seen, EXCLUDED.first_seen),
      last_seen = GREATEST(p.last_seen, EXCLUDED.last_seen)`,
  upsertNames: `INSERT INTO player_name_history AS h (player_guid, player_name, first_seen, last_seen, rounds)
    SELECT x.player_guid, x.player_name, $2::timestamptz, $2::timestamptz, 1
    FROM jsonb_to_recordset($1::jsonb) AS x(player_guid text, player_name text)
    ORDER BY x.player_guid COLLATE "C", x.player_name COLLATE "C"
    ON CONFLICT (player_guid, player_name) DO UPDATE SET
      first_seen = LEAST(h.first_seen, EXCLUDED.first_seen),
      last_seen = GREATEST(h.last_seen, EXCLUDED.last_seen),
      rounds = h.rounds + 1`,
  insertRoundPlayers: `INSERT INTO round_player (round_id, pid, slot, player_guid, player_name, is_bot,
      team, player_class, first_seen_ms, last_seen_ms)
    SELECT $1, x.pid, x.slot, x.player_guid, x.player_name, x.is_bot, x.team, x.player_class,
      x.first_seen_ms, x.last_seen_ms
    FROM jsonb_to_recordset($2::jsonb) AS x(pid smallint, slot smallint, player_guid text,
      player_name text, is_bot boolean, team text, player_class text, first_seen_ms integer,
      last_seen_ms integer)`,
  insertEngagements: `INSERT INTO combat_engagement (round_id, ${ENGAGEMENT_NAMES})
    SELECT $1, ${ENGAGEMENT_NAMES} FROM jsonb_to_recordset($2::jsonb) AS x(${ENGAGEMENT_COLUMNS})`,
  insertHeatmap: `INSERT INTO round_heatmap (round_id, kill_gx, kill_gy, kill_axis, kill_allies, move_gx,
      move_gy, move_traversal, move_combat, move_escape)
    SELECT $1, x.* FROM jsonb_to_record($2::jsonb) AS x(kill_gx integer[], kill_gy integer[],
      kill_axis integer[], kill_allies integer[], move_gx integer[], move_gy integer[],
      move_traversal integer[], move_combat integer[], move_escape integer[])`,
  mergeSql: `SELECT proximity_merge_sql($1::regclass, format('jsonb_populate_recordset(NULL::%s, $1::jsonb)', $1)) AS sql`,
};

/** Per store, the generated upsert statement of each aggregate (generated from the catalog once). */
const mergeStatements = new WeakMap<Store, Promise<Map<keyof Contributions, string>>>();

function upsertStatements(store: Store): Promise<Map<keyof Contributions, string>> {
  let p = mergeStatements.get(store);
  if (!p) {
    p = (async () => {
      const out = new Map<keyof Contributions, string>();
      for (const table of AGGREGATES) {
        const [row] = await store.query<{ sql: string }>(SQL.mergeSql, [table]);
        out.set(table, row!.sql);
      }
      return out;
    })();
    p.catch(() => mergeStatements.delete(store));
    mergeStatements.set(store, p);
  }
  return p;
}

/** Fixed order = the order in which every importer locks aggregate rows. */
const AGGREGATES: (keyof Contributions)[] = [
  'player_teamplay_stats', 'player_weapon_stats', 'crossfire_pairs', 'teammate_pair_stats',
  'map_kill_heatmap', 'map_movement_heatmap', 'engagement_daily_stats',
];

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
    throw e;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const contribution = contributions(rows);
  const upserts = await upsertStatements(store);
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction((tx) => importRows(tx, path, rows, contribution, upserts, sha256, bytes.length));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== undefined && RETRYABLE.has(code) && attempt < 4) continue;
      return { file: path, status: 'rejected', reason: `${path}: database: ${(e as Error).message}` };
    }
  }
}

async function importRows(
  tx: Queryable,
  path: string,
  rows: RoundRows,
  contribution: Contributions,
  upserts: Map<keyof Contributions, string>,
  sha256: string,
  size: number,
): Promise<ImportOutcome> {
  const r = rows.round;
  await tx.query(SQL.locks, [identityKey(r)]);
  const existing = await tx.query<{ round_id: number; content_sha256: string; file_name: string }>(
    SQL.findRound,
    [r.serverId, r.mapName, r.roundNumber, r.roundStartUnix],
  );
  const prev = existing[0];
  if (prev) {
    if (prev.content_sha256 === sha256) {
      return { file: path, status: 'duplicate', reason: `already imported as round ${prev.round_id} from ${prev.file_name}`, roundId: prev.round_id };
    }
    return {
      file: path,
      status: 'rejected',
      reason: `${path}: ${describeIdentity(r)} was already imported from ${prev.file_name} with different content (sha256 ${prev.content_sha256.slice(0, 12)}… vs ${sha256.slice(0, 12)}…); not imported twice`,
      roundId: prev.round_id,
    };
  }
  const sameContent = (await tx.query<{ round_id: number; file_name: string }>(SQL.findHash, [sha256]))[0];
  if (sameContent) {
    return { file: path, status: 'duplicate', reason: `the same content was already imported as round ${sameContent.round_id} from ${sameContent.file_name}`, roundId: sameContent.round_id };
  }
  const fileName = basename(path);
  const [inserted] = await tx.query<{ round_id: number }>(SQL.insertRound, [JSON.stringify(r), fileName, sha256]);
  const roundId = inserted!.round_id;
  await tx.query(SQL.insertFile, [sha256, roundId, fileName, size]);
  await tx.query(SQL.upsertPlayers, [JSON.stringify(rows.players), r.roundStart]);
  await tx.query(SQL.upsertNames, [JSON.stringify(rows.names), r.roundStart]);
  await tx.query(SQL.insertRoundPlayers, [roundId, JSON.stringify(rows.roundPlayers)]);
  if (rows.engagements.length) await tx.query(SQL.insertEngagements, [roundId, JSON.stringify(rows.engagements)]);
  await tx.query(SQL.insertHeatmap, [roundId, JSON.stringify(rows.heatmap)]);
  for (const table of AGGREGATES) {
    const list = contribution[table];
    if (list.length) await tx.query(upserts.get(table)!, [JSON.stringify(list)]);
  }
  return { file: path, status: 'imported', roundId, engagements: rows.engagements.length };
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
