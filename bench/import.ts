/**
 * Import benchmark: one simulated year (3,650 rounds, ten an evening, three servers) imported into
 * PostgreSQL and into PGlite; database size and bytes per engagement; p50/p95 of the dashboard queries
 * over that year; the same year as legacy v3 files; peak RSS.
 *
 * The year is built from real tracker output: simulateSession (the real Lua tracker in the emulator)
 * plays a pool of rounds, which are cloned into 3,650 files with new identities (round start, file
 * name, server). Pool and year are cached under the temp dir, so later runs measure import only.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; skipped when not
 * reachable), BENCH_IMPORT_PGLITE_FILES (files for PGlite, default all 3,650).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { writeLegacyV3 } from '../src/format/legacy-writer.ts';
import { parseRoundFile } from '../src/format/reader.ts';
import type { RoundFile } from '../src/format/types.ts';
import { writeRoundFileV1 } from '../src/format/v1-writer.ts';
import { archiveOldData, dataStats, importPaths, openStore, type Queryable, type Store } from '../src/store/index.ts';

// Not under a proximity-* name: other test suites clean those up while this runs.
const CACHE = join(tmpdir(), 'store-bench-import-year-v1');
const YEAR_FILES = 3650;
const POOL_SESSIONS = [
  { seed: 11, playersPerTeam: 6 },
  { seed: 12, playersPerTeam: 6 },
  { seed: 13, playersPerTeam: 8 },
  { seed: 14, playersPerTeam: 5 },
  { seed: 15, playersPerTeam: 7 },
  { seed: 16, playersPerTeam: 6 },
];
const ROUNDS_PER_SESSION = 4;
const ROUND_SECONDS = 420;
const YEAR_START = Date.UTC(2025, 0, 1, 18, 0, 0) / 1000;
const SEED_V3_SECONDS = 268; // the seeds' v3 parser: a year of v3 files in 268 s (1,361 engagements/s)

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mb = (bytes: number): string => `${fmt(bytes / 1e6, 1)} MB`;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** Tracker output from the simulator (cached); the synthetic generator if the simulator fails. */
async function pool(): Promise<{ rounds: RoundFile[]; source: string }> {
  const dir = join(CACHE, 'pool');
  const done = join(dir, 'DONE');
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      const { simulateSession } = await import('../src/simulator/index.ts');
      const t0 = performance.now();
      for (const s of POOL_SESSIONS) {
        // one directory per session: sessions share the simulator's fixed clock, so their file names repeat
        await simulateSession({ seed: s.seed, outDir: join(dir, `s${s.seed}`), rounds: ROUNDS_PER_SESSION, playersPerTeam: s.playersPerTeam, roundSeconds: ROUND_SECONDS });
      }
      writeFileSync(done, `simulator ${fmt(performance.now() - t0)} ms\n`);
    } catch (e) {
      console.log(`simulator unavailable (${(e as Error).message.split('\n')[0]}); using the synthetic generator`);
      const { syntheticRound } = await import('../src/format/synthetic.ts');
      for (let i = 0; i < 24; i++) {
        const r = syntheticRound(1000 + i, { engagements: 100, startUnix: YEAR_START + i * 1200 });
        mkdirSync(join(dir, 'synthetic'), { recursive: true });
        writeFileSync(join(dir, 'synthetic', `${i}_engagements.txt`), writeRoundFileV1(r));
      }
      writeFileSync(done, 'synthetic\n');
    }
  }
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('_engagements.txt')).sort();
  return { rounds: files.map((f) => parseRoundFile(readFileSync(join(dir, f)), f)), source: readFileSync(done, 'utf8').trim() };
}

function fileName(r: RoundFile): string {
  const d = new Date((r.header.roundEndUnix ?? r.header.roundStartUnix ?? 0) * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${r.header.map.toLowerCase().replace(/[^a-z0-9_.-]/g, '_')}-round-${r.header.round}_engagements.txt`;
}

/** 3,650 clones of the pool with new identities, as v1 and as legacy v3 files (cached). */
async function year(rounds: RoundFile[]): Promise<{ v1: string; v3: string; engagements: number; bytes: number }> {
  const v1 = join(CACHE, 'year-v1');
  const v3 = join(CACHE, 'year-v3');
  const done = join(CACHE, 'YEAR_DONE');
  if (!existsSync(done)) {
    for (const d of [v1, v3]) {
      rmSync(d, { recursive: true, force: true });
      mkdirSync(d, { recursive: true });
    }
    let engagements = 0;
    for (let i = 0; i < YEAR_FILES; i++) {
      const base = rounds[i % rounds.length]!;
      const day = Math.floor(i / 10);
      const start = YEAR_START + day * 86_400 + (i % 10) * 1200;
      const duration = Math.round((base.header.durationMs ?? 600_000) / 1000);
      const r: RoundFile = {
        ...base,
        header: { ...base.header, serverId: `bench-srv-${i % 3}`, roundStartUnix: start, roundEndUnix: start + duration },
      };
      engagements += r.engagements.length;
      const name = fileName(r);
      writeFileSync(join(v1, name), writeRoundFileV1(r));
      // v3 files carry no round time or server, so clones of one pool round would be byte-identical
      // (and rightly imported once, as the same content); a comment line makes each clone distinct.
      const v3Text = writeLegacyV3(r).replace('\n', `\n# clone ${i} of pool round ${i % rounds.length}\n`);
      writeFileSync(join(v3, name), v3Text);
    }
    writeFileSync(done, String(engagements));
  }
  const bytes = readdirSync(v1).reduce((s, f) => s + statSync(join(v1, f)).size, 0);
  return { v1, v3, engagements: Number(readFileSync(done, 'utf8')), bytes };
}

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function withFreshDatabase<T>(adminUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `proximity_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

interface ImportRun {
  seconds: number;
  /** CPU seconds of this process (reading, parsing, payloads) during the import. */
  nodeCpu: number;
  imported: number;
  rejected: string[];
  engagements: number;
}

async function timeImport(store: Store, dir: string, limit?: number, opts: { serverId?: string } = {}): Promise<ImportRun> {
  let files = readdirSync(dir).filter((f) => f.endsWith('_engagements.txt')).sort().map((f) => join(dir, f));
  if (limit !== undefined) files = files.slice(0, limit);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await importPaths(store, files, {
    ...opts,
    onFile: (_o, done, total) => {
      if (done % 730 === 0 && done < total) process.stdout.write(`  … ${done}/${total} files, ${fmt((performance.now() - t0) / 1000, 1)} s\n`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return {
    seconds,
    nodeCpu: (cpu.user + cpu.system) / 1e6,
    imported: out.filter((o) => o.status === 'imported').length,
    rejected: out.filter((o) => o.status === 'rejected').map((o) => o.reason ?? ''),
    engagements: out.reduce((s, o) => s + (o.engagements ?? 0), 0),
  };
}

function report(label: string, r: ImportRun): void {
  console.log(
    `${label.padEnd(30)} ${fmt(r.seconds, 1).padStart(7)} s  ${fmt(r.engagements / r.seconds).padStart(8)} engagements/s  ` +
      `${r.imported} files imported${r.rejected.length ? `, ${r.rejected.length} REJECTED (${r.rejected[0]})` : ''}; ` +
      `Node CPU ${fmt(r.nodeCpu, 1)} s`,
  );
}

async function sizeReport(label: string, store: Store, engagements: number): Promise<void> {
  const stats = await dataStats(store);
  const total = stats.reduce((s, t) => s + (t.bytes ?? 0), 0);
  const detail = stats.find((t) => t.table === 'round_detail')!;
  const detailBytes = detail.bytes ?? 0;
  const stored = stats.find((t) => t.table === 'combat_engagement')!.rows;
  console.log(
    `${label}: ${mb(total)} in our tables (${fmt(total / engagements)} bytes per engagement imported); ` +
      `round_detail ${mb(detailBytes)} holds ${fmt(stored)} engagements${stored ? ` = ${fmt(detailBytes / stored)} bytes per engagement stored` : ''} (players, attackers, paths, kill context, incl. TOAST and index)`,
  );
  const top = stats.filter((t) => t.bytes !== null).sort((a, b) => b.bytes! - a.bytes!).slice(0, 6);
  console.log(`  largest: ${top.map((t) => `${t.table} ${mb(t.bytes!)} (${fmt(t.rows)} rows)`).join(', ')}`);
}

/** The dashboard's queries: the analytics area's functions when present, else representative SQL. */
async function dashboardQueries(db: Queryable): Promise<[string, () => Promise<unknown>][]> {
  const [top] = await db.query<{ player_guid: string; map_name: string }>(
    `SELECT s.player_guid, (SELECT map_name FROM round ORDER BY round_id DESC LIMIT 1) AS map_name
       FROM player_teamplay_stats s JOIN player p USING (player_guid) WHERE NOT p.is_bot ORDER BY kills DESC LIMIT 1`,
  );
  const guid = top!.player_guid;
  const map = top!.map_name;
  try {
    const a = await import('../src/analytics/index.ts');
    return [
      ['overview', () => a.overview(db)],
      ['leaderboard kills', () => a.leaderboard(db, { metric: 'kills' })],
      ['leaderboard kd', () => a.leaderboard(db, { metric: 'kd' })],
      ['leaderboard escape_rate', () => a.leaderboard(db, { metric: 'escape_rate' })],
      ['leaderboard focus_survival', () => a.leaderboard(db, { metric: 'focus_survival' })],
      ['playerProfile', () => a.playerProfile(db, { guid })],
      ['findPlayers', () => a.findPlayers(db, { query: 'a' })],
      ['duoPartners', () => a.duoPartners(db, { guid })],
      ['crossfireDuos', () => a.crossfireDuos(db)],
      ['engagementBreakdown date', () => a.engagementBreakdown(db, { by: 'date' })],
      ['hottestZones', () => a.hottestZones(db, { map })],
      ['heatmap', () => a.heatmap(db, { map })],
      ['maps', () => a.maps(db)],
      ['recentRounds', () => a.recentRounds(db)],
    ];
  } catch (e) {
    console.log(`(analytics unavailable: ${(e as Error).message.split('\n')[0]}; using representative SQL)`);
    return [
      ['leaderboard', () => db.query('SELECT * FROM player_proximity_stats ORDER BY kills DESC LIMIT 20')],
      ['profile', () => db.query('SELECT * FROM player_proximity_stats WHERE player_guid = $1', [guid])],
      ['duos', () => db.query('SELECT * FROM teammate_synergy WHERE player1_guid = $1 ORDER BY kills_within_range DESC LIMIT 5', [guid])],
      ['breakdown', () => db.query('SELECT * FROM engagement_breakdown ORDER BY session_date DESC LIMIT 200')],
      ['hottest zones', () => db.query('SELECT * FROM heatmap_by_map WHERE map_name = $1 ORDER BY total_kills DESC LIMIT 10', [map])],
    ];
  }
}

async function queryLatencies(db: Queryable): Promise<void> {
  const queries = await dashboardQueries(db);
  console.log('dashboard query             p50 ms   p95 ms   (20 runs after 2 warm-ups)');
  let worst = 0;
  for (const [name, q] of queries) {
    try {
      for (let i = 0; i < 2; i++) await q();
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        await q();
        times.push(performance.now() - t0);
      }
      const p95 = quantile(times, 0.95);
      worst = Math.max(worst, p95);
      console.log(`  ${name.padEnd(26)} ${fmt(quantile(times, 0.5), 1).padStart(6)}   ${fmt(p95, 1).padStart(6)}`);
    } catch (e) {
      console.log(`  ${name.padEnd(26)} failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  console.log(`  worst p95: ${fmt(worst, 1)} ms (target < 50 ms on PostgreSQL)`);
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  const { rounds, source } = await pool();
  const y = await year(rounds);
  console.log(`pool: ${rounds.length} rounds from ${source}; year: ${YEAR_FILES} files, ${fmt(y.engagements)} engagements, ${mb(y.bytes)} of v1 files (prepared in ${fmt((performance.now() - t0) / 1000, 1)} s, cached in ${CACHE})`);

  const pgUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await reachable(pgUrl)) {
    await withFreshDatabase(pgUrl, async (url) => {
      const store = await openStore({ databaseUrl: url });
      try {
        // what a database with the schema but no data takes (PostgreSQL's catalogs, mostly): the year's
        // size is what the import adds to it
        const [empty] = await store.query<{ size: number }>('SELECT pg_database_size(current_database()) AS size');
        const r = await timeImport(store, y.v1);
        report('PostgreSQL, year of v1 files', r);
        console.log(`  target: under 20 s → ${r.seconds < 20 ? 'met' : 'NOT met'}`);
        await store.query('VACUUM ANALYZE');
        await sizeReport('PostgreSQL size (after VACUUM)', store, r.engagements);
        // without the dead row versions the import's updates left (autovacuum reuses that space)
        await store.query('VACUUM FULL');
        await sizeReport('PostgreSQL size (after VACUUM FULL)', store, r.engagements);
        const [db] = await store.query<{ size: number }>('SELECT pg_database_size(current_database()) AS size');
        const added = db!.size - empty!.size;
        console.log(
          `  whole database ${mb(db!.size)}, of which ${mb(empty!.size)} before the import (schema and catalogs): ` +
            `the year added ${mb(added)} → target under 50 MB per year ${added < 50e6 ? 'met' : 'NOT met'}`,
        );
        await queryLatencies(store);
        // The seeds' operating mode: detail kept 30 days, aggregates forever. Archive all but the
        // year's last 30 days, reclaim the space, and measure again.
        const [last] = await store.query<{ t: number }>('SELECT extract(epoch FROM max(round_start))::bigint AS t FROM round');
        const days = Math.ceil((Date.now() / 1000 - (last!.t - 30 * 86_400)) / 86_400);
        const ta = performance.now();
        const archived = await archiveOldData(store, days);
        console.log(`archive_old_proximity_data(${days}) (all but the last 30 days of the year): ${fmt(archived.rounds!)} rounds, ${fmt(archived.combat_engagement!)} engagements in ${fmt((performance.now() - ta) / 1000, 1)} s`);
        await store.query('VACUUM FULL');
        await sizeReport('PostgreSQL size with 30-day retention', store, r.engagements);
        const [db2] = await store.query<{ size: number }>('SELECT pg_database_size(current_database()) AS size');
        console.log(`  whole database incl. catalogs: ${mb(db2!.size)} → target under 50 MB per year ${db2!.size < 50e6 ? 'met' : 'NOT met'} with retention`);
      } finally {
        await store.close();
      }
    });
    await withFreshDatabase(pgUrl, async (url) => {
      const store = await openStore({ databaseUrl: url });
      try {
        const r = await timeImport(store, y.v3, undefined, { serverId: 'legacy-bench' });
        report('PostgreSQL, year of legacy v3', r);
        console.log(
          `  vs the seeds' v3 parser (${SEED_V3_SECONDS} s, kept 23%): ${fmt(SEED_V3_SECONDS / r.seconds, 1)}× faster; ` +
            `kept ${fmt(r.engagements)} of ${fmt(y.engagements)} engagements (${fmt((100 * r.engagements) / y.engagements, 1)}%)`,
        );
      } finally {
        await store.close();
      }
    });
  } else {
    console.log(`PostgreSQL not reachable at ${pgUrl}: skipped`);
  }

  const limit = process.env.BENCH_IMPORT_PGLITE_FILES ? Number(process.env.BENCH_IMPORT_PGLITE_FILES) : undefined;
  const dataDir = join(CACHE, `pglite-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  try {
    const store = await openStore({ dataDir, databaseUrl: '' });
    try {
      const r = await timeImport(store, y.v1, limit);
      report(`PGlite, ${limit ?? 'year of'} v1 files`, r);
      await store.query('VACUUM');
      await sizeReport('PGlite size', store, r.engagements);
    } finally {
      await store.close();
    }
    const du = (d: string): number => readdirSync(d, { withFileTypes: true }).reduce((s, e) => s + (e.isDirectory() ? du(join(d, e.name)) : statSync(join(d, e.name)).size), 0);
    console.log(`  PGlite data directory on disk: ${mb(du(dataDir))}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`peak RSS of the benchmark process: ${mb(process.resourceUsage().maxRSS * 1024)}`);
}
