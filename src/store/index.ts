/** The store: schema migrations, idempotent import, forever aggregates, retention (docs/SCHEMA.md). */
export { openStore, defaultDataDir, type Queryable, type Store, type OpenStoreOptions } from './db.ts';
export { importFile, importPaths, findRoundFiles, type ImportOutcome, type ImportOptions, type ImportPathsOptions } from './import.ts';
export { archiveOldData, dataStats, rebuildAggregates } from './maintenance.ts';
export { playerKey, cleanName } from './player-key.ts';
