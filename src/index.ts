/**
 * The library API (`import … from 'proximity'`): everything a stats bot or a script needs, without the
 * CLI. The pieces are owned by their areas (docs/API-CONTRACTS.md); this file only re-exports them and
 * adds `ProximityImporter`, the bot-friendly facade in the spirit of the seeds' ProximityParserV3:
 *
 *   const p = new ProximityImporter({ outputDir: 'gamestats' });
 *   await p.importFile(path);           // → { status: 'imported' | 'duplicate' | 'rejected', … }
 *   await p.importSession('2026-11-22'); // every round file of that session date in outputDir
 *   await p.close();
 */
export * from './format/types.ts';
export { readRoundFile, parseRoundFile, isRoundFileName, RoundFileError } from './format/reader.ts';
export {
  openStore,
  importFile,
  importPaths,
  findRoundFiles,
  archiveOldData,
  dataStats,
  rebuildAggregates,
} from './store/index.ts';
export type { Store, Queryable, ImportOutcome } from './store/index.ts';
export * from './analytics/index.ts';
export type * from './analytics/types.ts';
export { simulateSession } from './simulator/index.ts';
export type { SimulationOptions } from './simulator/index.ts';
export { startDashboard } from './web/server.ts';

import { findRoundFiles, importFile, openStore, type ImportOutcome, type Store } from './store/index.ts';

export interface ProximityImporterOptions {
  /** The directory the tracker writes into (or a copy of it): `proximity_output_dir` on the server. */
  outputDir: string;
  /** PostgreSQL; default $DATABASE_URL, else the embedded database (PGlite) in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  /** Server id for legacy files that carry none (docs/LEGACY.md). */
  serverId?: string;
}

/**
 * Imports round files for a stats bot. The database is opened on first use and kept open until
 * `close()`. Every file is imported in its own transaction and recorded in the import ledger, so calling
 * `importFile` twice for the same file (or after a bot restart) returns `duplicate` and changes nothing.
 * Bad files are not thrown: they come back as `{ status: 'rejected', reason }`.
 */
export class ProximityImporter {
  private store: Promise<Store> | null = null;

  constructor(private readonly opts: ProximityImporterOptions) {}

  /** The open store (opened on first call), for running analytics on the same connection. */
  db(): Promise<Store> {
    if (!this.store) {
      const { databaseUrl, dataDir } = this.opts;
      const opening = openStore({
        ...(databaseUrl !== undefined ? { databaseUrl } : {}),
        ...(dataDir !== undefined ? { dataDir } : {}),
      });
      // A failed open is not cached: the next call tries again (the database may come back).
      opening.catch(() => {
        if (this.store === opening) this.store = null;
      });
      this.store = opening;
    }
    return this.store;
  }

  /**
   * Imports one round file. `sessionDate` is accepted for compatibility with the seeds'
   * `import_file(filepath, session_date)`; the round's own timestamps decide its session date.
   */
  async importFile(path: string, _sessionDate?: string): Promise<ImportOutcome> {
    const store = await this.db();
    return importFile(store, path, this.opts.serverId !== undefined ? { serverId: this.opts.serverId } : undefined);
  }

  /** Round files in outputDir, oldest first; only those of one session date (YYYY-MM-DD) when given. */
  findFiles(sessionDate?: string): Promise<string[]> {
    return findRoundFiles(this.opts.outputDir, sessionDate);
  }

  /** Imports every round file of a session date (or all of outputDir), one after the other. */
  async importSession(sessionDate?: string): Promise<ImportOutcome[]> {
    const outcomes: ImportOutcome[] = [];
    for (const file of await this.findFiles(sessionDate)) outcomes.push(await this.importFile(file));
    return outcomes;
  }

  async close(): Promise<void> {
    const store = this.store;
    this.store = null;
    if (store) await (await store).close();
  }
}
