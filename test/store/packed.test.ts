/**
 * The packed columns of round_detail (src/store/packed.ts, sql/migrations/004_packed_detail.sql): the
 * importer packs in TypeScript, the views unpack in SQL, and migration 004 packs in SQL. All three must
 * agree on every byte and every value, NULLs and the int32 edges included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Store } from '../../src/store/index.ts';
import { PackError, packColumn, packColumns, unpackColumn, type PackValue } from '../../src/store/packed.ts';
import { PACKED_COLUMNS, RoundDetailError, roundDetail, roundDetailParams } from '../../src/store/round-detail.ts';
import { freshDatabases, type TestDb } from './backends.ts';

const INT32 = 2147483647;
/** Values like a round's: small codes, times on a 50 ms grid, coordinates, the int32 edges, NULLs. */
const value = fc.oneof(
  fc.integer({ min: -3, max: 300 }),
  fc.integer({ min: 0, max: 12_000 }).map((t) => t * 50),
  fc.integer({ min: -INT32, max: INT32 }),
  fc.constantFrom(INT32, -INT32, 0),
  fc.constant(null),
);
const column = fc.array(value, { maxLength: 40 });

describe('packed columns (TypeScript)', () => {
  it('read back exactly, in the fewest bytes per value', () => {
    fc.assert(
      fc.property(fc.array(column, { minLength: 1, maxLength: 6 }), (columns) => {
        const blob = packColumns(columns.map(packColumn));
        columns.forEach((c, k) => assert.deepEqual(unpackColumn(blob, k, c.length), c));
      }),
      { numRuns: 300, seed: 4 },
    );
    // 2,000 ms steps on a 50 ms grid: one byte per value; a constant column: none
    assert.equal(packColumn([15_000, 17_000, 19_000, 21_000]).length, 7 + 4);
    assert.equal(packColumn([5, 5, 5]).length, 7);
    assert.equal(packColumn([true, false, null]).length, 7 + 3);
  });

  it('reads a column the blob predates as NULLs', () => {
    assert.deepEqual(unpackColumn(packColumns([packColumn([1, 2])]), 3, 2), [null, null]);
  });

  it('refuses what an integer column cannot hold, naming the column', () => {
    assert.throws(() => packColumn([2 ** 31]), PackError);
    assert.throws(() => packColumn([1.5]), PackError);
    const none = { move_gx: null, move_gy: null, move_traversal: null, move_combat: null, move_escape: null };
    const detail = roundDetail({ players: [], engagements: [] } as never, () => 'x', () => null, {
      kill_gx: [1], kill_gy: [2], kill_axis: [2 ** 40], kill_allies: [0], ...none,
    });
    assert.throws(() => roundDetailParams(detail), (e: unknown) => e instanceof RoundDetailError && /kill_axis/.test(e.message));
  });
});

describe('packed columns (SQL)', () => {
  let dbs: TestDb[] = [];
  const stores: Store[] = [];
  before(async () => {
    dbs = await freshDatabases();
    for (const db of dbs) stores.push(await db.open());
  });
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  it('proximity_packed_columns() lists the importer\'s columns in its order', async () => {
    for (const store of stores) {
      const [row] = await store.query<{ c: string[] }>('SELECT proximity_packed_columns() AS c');
      assert.deepEqual(row!.c, [...PACKED_COLUMNS]);
    }
  });

  it('proximity_pack writes the bytes packColumn writes, and proximity_unpack reads them back', async () => {
    const samples = fc.sample(fc.array(column, { minLength: 3, maxLength: 3 }), { numRuns: 40, seed: 9 });
    samples.push([[], [null, null], [INT32, -INT32, null, 0]]);
    for (const store of stores) {
      for (const columns of samples) {
        const blob = packColumns(columns.map(packColumn));
        const [row] = await store.query<{ sql_blob: Uint8Array; a: number[]; b: number[]; c: number[] }>(
          `SELECT proximity_pack_columns(ARRAY[proximity_pack($1::bigint[]), proximity_pack($2::bigint[]), proximity_pack($3::bigint[])]) AS sql_blob,
                  proximity_unpack($4, 'player_pid', $5) AS a, proximity_unpack($4, 'player_slot', $6) AS b,
                  proximity_unpack($4, 'player_is_bot', $7) AS c`,
          [...columns.map((c) => c as PackValue[]), blob, columns[0]!.length, columns[1]!.length, columns[2]!.length],
        );
        assert.equal(Buffer.from(row!.sql_blob).toString('hex'), blob.toString('hex'));
        assert.deepEqual([row!.a, row!.b, row!.c], columns);
      }
    }
  });
});
