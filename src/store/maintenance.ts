/**
 * Retention, data volume and aggregate rebuild: thin wrappers over the SQL functions of
 * sql/migrations/ (002, 003), so the seeds' SQL (`SELECT archive_old_proximity_data(30)`) and
 * the library do exactly the same thing.
 */
import type { Store } from './db.ts';

/** Archives the detail of rounds that started more than `days` days ago; returns rows archived per table. */
export async function archiveOldData(store: Store, days: number): Promise<Record<string, number>> {
  if (!Number.isInteger(days) || days < 0) throw new Error(`days must be a non-negative integer, got ${days}`);
  const [row] = await store.transaction((tx) =>
    tx.query<{ result: Record<string, number> }>('SELECT archive_old_proximity_data($1) AS result', [days]),
  );
  return row!.result;
}

/** Rows and bytes per table. The views over round_detail (combat_engagement, round_player,
 *  round_heatmap) have their row counts and `bytes: null`: their bytes are round_detail's. */
export async function dataStats(store: Store): Promise<{ table: string; rows: number; bytes: number | null }[]> {
  const rows = await store.query<{ table_name: string; row_count: number; total_bytes: number | null }>(
    'SELECT table_name, row_count, total_bytes FROM proximity_data_stats()',
  );
  return rows.map((r) => ({
    table: r.table_name,
    rows: Number(r.row_count),
    bytes: r.total_bytes === null ? null : Number(r.total_bytes),
  }));
}

/** Recomputes every aggregate as its baseline plus the contribution of the detail rows that remain. */
export async function rebuildAggregates(store: Store): Promise<void> {
  await store.transaction((tx) => tx.query('SELECT proximity_rebuild_aggregates()'));
}
