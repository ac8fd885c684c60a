/**
 * The seeds' housekeeping functions: `retention --days N` (archive_old_proximity_data: detail rows older
 * than N days go, the forever aggregates stay), `stats` (proximity_data_stats: rows and bytes per table)
 * and `rebuild` (aggregates recomputed from the detail rows).
 */
import { archiveOldData, dataStats, rebuildAggregates, type Store } from '../../store/index.ts';
import { describeDatabase, withStore, type DatabaseOptions } from '../database.ts';
import { EXIT_OK } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { formatBytes, formatDuration, safeText, table } from '../terminal.ts';

export async function runRetention(output: Output, opts: DatabaseOptions & { days: number; json?: boolean }): Promise<number> {
  return withStore(opts, (store) => retentionOn(output, store, opts));
}

export async function retentionOn(output: Output, store: Store, opts: DatabaseOptions & { days: number; json?: boolean }): Promise<number> {
  const removed = await archiveOldData(store, opts.days);
  if (opts.json) {
    output.out(JSON.stringify({ days: opts.days, removed }, null, 2));
    return EXIT_OK;
  }
  const rows = Object.entries(removed);
  const total = rows.reduce((n, [, v]) => n + v, 0);
  output.out(`Archived detail rows older than ${opts.days} day(s) in the ${describeDatabase(opts)}: ${total} row(s).`);
  if (rows.length) {
    output.out(
      table(rows, [
        { header: 'table', value: ([k]) => safeText(k) },
        { header: 'rows removed', value: ([, v]) => v },
      ], output.c),
    );
  }
  output.out(output.c.dim('Aggregated forever stats are kept.'));
  return EXIT_OK;
}

export async function runStats(output: Output, opts: DatabaseOptions & { json?: boolean }): Promise<number> {
  return withStore(opts, (store) => statsOn(output, store, opts));
}

export async function statsOn(output: Output, store: Store, opts: DatabaseOptions & { json?: boolean }): Promise<number> {
  const stats = await dataStats(store);
  if (opts.json) {
    output.out(JSON.stringify(stats, null, 2));
    return EXIT_OK;
  }
  output.out(`Data volume of the ${describeDatabase(opts)}:`);
  output.out(
    table(stats, [
      { header: 'table', value: (r) => safeText(r.table) },
      { header: 'rows', value: (r) => r.rows },
      { header: 'size', value: (r) => (r.bytes === null ? 'in round_detail' : formatBytes(r.bytes)), align: 'right' },
    ], output.c),
  );
  // the views' rows are stored in round_detail: count every stored row and byte once
  const tables = stats.filter((r) => r.bytes !== null);
  const rows = tables.reduce((n, r) => n + r.rows, 0);
  const bytes = tables.reduce((n, r) => n + (r.bytes ?? 0), 0);
  output.out(output.c.bold(`total: ${rows.toLocaleString('en-US')} rows in ${tables.length} tables, ${formatBytes(bytes)}`));
  return EXIT_OK;
}

export async function runRebuild(output: Output, opts: DatabaseOptions): Promise<number> {
  const started = Date.now();
  await withStore(opts, (store) => rebuildAggregates(store));
  output.out(`Rebuilt the aggregates of the ${describeDatabase(opts)} in ${formatDuration(Date.now() - started)}.`);
  return EXIT_OK;
}
