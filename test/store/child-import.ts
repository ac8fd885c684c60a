/**
 * Child process for the crash and multi-process tests:
 *   node --import tsx test/store/child-import.ts '{"databaseUrl"|"dataDir", "paths", "hangInside"}'
 * Imports the paths and prints the outcomes as one JSON line. With hangInside it prints INSIDE once
 * the first file's import statement has run inside its transaction, then hangs there, so the
 * parent can SIGKILL it mid-transaction at a known point: every row of the file is written, nothing
 * is committed.
 */
import { importPaths, openStore, type Queryable, type Store } from '../../src/store/index.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as {
  databaseUrl?: string;
  dataDir?: string;
  paths: string[];
  hangInside?: boolean;
};
const store: Store = await openStore({ databaseUrl: opts.databaseUrl ?? '', dataDir: opts.dataDir });
if (opts.hangInside) {
  const transaction = store.transaction.bind(store);
  (store as { transaction: Store['transaction'] }).transaction = (fn) =>
    transaction((tx) =>
      fn({
        async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
          const rows = await (tx as Queryable).query<T>(sql, params);
          if (sql.includes('proximity_import_round')) {
            process.stdout.write('INSIDE\n');
            await new Promise(() => {}); // hang until killed
          }
          return rows;
        },
      }),
    );
}
process.stdout.write('READY\n');
const out = await importPaths(store, opts.paths);
process.stdout.write(JSON.stringify(out) + '\n');
await store.close();
