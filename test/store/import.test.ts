/**
 * Import: idempotence, changed files, torn and malformed files, hostile names, concurrent importers
 * and the migration ledger — on PGlite, and on PostgreSQL when DATABASE_URL is set. The tests of one
 * backend share one database and run in order; each compares whole-database snapshots.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeText } from '../../src/format/escape.ts';
import { writeRoundFileV1 } from '../../src/format/v1-writer.ts';
import { findRoundFiles, importFile, importPaths, rebuildAggregates, type Store } from '../../src/store/index.ts';
import { IMPORT_BATCH_SIZE } from '../../src/store/import.ts';
import type { StoreInternals } from '../../src/store/db.ts';
import { loadMigrations, runMigrations } from '../../src/store/migrate.ts';
import { freshDatabases, type TestDb } from './backends.ts';
import { RoundBuilder, fileNameOf, writeRounds } from './fixtures.ts';
import { aggregateSnapshot, counts, snapshot } from './snapshot.ts';

const DAY = 86_400;
const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

function duel(startUnix: number, opts: { serverId?: string; map?: string; names?: [string, string]; extra?: boolean } = {}): RoundBuilder {
  const b = new RoundBuilder({ startUnix, serverId: opts.serverId ?? 'srv-a', map: opts.map ?? 'oasis' });
  const [n1, n2] = opts.names ?? ['Alice', 'Bob'];
  const a = b.player(n1, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1', 'AXIS');
  const c = b.player(n2, 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB2', 'ALLIES');
  b.engagement({ target: c, outcome: 'killed', attackers: [{ pid: a }] });
  b.engagement({ target: a, outcome: 'escaped', attackers: [{ pid: c }] });
  if (opts.extra) b.engagement({ target: a, outcome: 'timeout', attackers: [{ pid: c }] });
  return b;
}

for (const make of await freshDatabases()) {
  describe(`import (${make.name})`, () => {
    let db: TestDb;
    let store: Store;
    let dir: string;
    before(async () => {
      db = make;
      store = await db.open();
      dir = mkdtempSync(join(tmpdir(), 'proximity-import-'));
    });
    after(async () => {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('records every migration with its sha256 and refuses a changed one', async () => {
      const applied = await store.query<{ name: string; sha256: string }>('SELECT name, sha256 FROM schema_migrations ORDER BY name');
      const files = loadMigrations();
      assert.deepEqual(applied, files.map((m) => ({ name: m.name, sha256: m.sha256 })));
      assert.deepEqual(await runMigrations(store as StoreInternals), []); // nothing to do twice
      const edited = files.map((m, i) => (i === 0 ? { ...m, sha256: 'f'.repeat(64) } : m));
      await assert.rejects(runMigrations(store as StoreInternals, edited), /001_schema\.sql was applied with sha256 .* but the file now has f{64}/);
      await assert.rejects(runMigrations(store as StoreInternals, files.slice(1)), /001_schema\.sql is applied .* file is missing/);
    });

    it('imports a round once; re-importing it, or a renamed copy, changes nothing', async () => {
      const [path] = writeRounds(join(dir, 'idem'), [duel(T0).build()]);
      const first = await importFile(store, path!);
      assert.equal(first.status, 'imported');
      assert.equal(first.engagements, 2);
      const s1 = await snapshot(store);
      const again = await importFile(store, path!);
      assert.equal(again.status, 'duplicate');
      assert.equal(again.roundId, first.roundId);
      const copy = join(dir, 'idem', 'copy-of-round_engagements.txt');
      copyFileSync(path!, copy);
      assert.deepEqual((await importPaths(store, [join(dir, 'idem')])).map((o) => o.status), ['duplicate', 'duplicate']);
      assert.deepEqual(await snapshot(store), s1);
    });

    it('rejects a changed file with the same round identity, with the reason', async () => {
      const s1 = await snapshot(store);
      const changed = join(dir, 'changed');
      mkdirSync(changed);
      const path = join(changed, fileNameOf(duel(T0).build()));
      writeFileSync(path, writeRoundFileV1(duel(T0, { extra: true }).build()));
      const out = await importFile(store, path);
      assert.equal(out.status, 'rejected');
      assert.match(out.reason!, /server "srv-a" map "oasis" round 1 started 2026-01-01T00:00:00\.000Z was already imported from .* with different content/);
      assert.deepEqual(await snapshot(store), s1);
    });

    it('rejects torn and malformed files with their reason and imports the good ones beside them', async () => {
      const mixed = join(dir, 'mixed');
      const [good1, good2] = writeRounds(mixed, [duel(T0 + DAY).build(), duel(T0 + 2 * DAY).build()]);
      const text = readFileSync(good1!, 'utf8');
      const torn = join(mixed, '2026-01-05-000000-oasis-round-1_engagements.txt');
      writeFileSync(torn, text.slice(0, text.indexOf('# END')));
      const part = join(mixed, '2026-01-06-000000-oasis-round-1_engagements.txt.part');
      writeFileSync(part, text);
      const bad = join(mixed, '2026-01-07-000000-oasis-round-1_engagements.txt');
      writeFileSync(bad, text.replace(/\n1;/, '\nx;'));
      const before = await counts(store);
      assert.deepEqual(await findRoundFiles(mixed), [good1, good2, torn, bad].sort());
      const out = await importPaths(store, [mixed]);
      const byFile = new Map(out.map((o) => [o.file, o]));
      assert.equal(byFile.get(good1!)!.status, 'imported');
      assert.equal(byFile.get(good2!)!.status, 'imported');
      assert.equal(byFile.get(torn)!.status, 'rejected');
      assert.match(byFile.get(torn)!.reason!, /torn|END/i);
      assert.equal(byFile.get(bad)!.status, 'rejected');
      assert.match(byFile.get(bad)!.reason!, /2026-01-07-000000-oasis-round-1_engagements\.txt:\d+: /);
      const after = await counts(store);
      assert.equal(after.round, before.round! + 2);
      assert.equal(after.combat_engagement, before.combat_engagement! + 4);
      assert.deepEqual(await findRoundFiles(mixed, '2026-01-02'), [good1]);
    });

    it('stores hostile names exactly (SQL metacharacters, quotes, colour codes, emoji, Latin-1 bytes)', async () => {
      const names = ["'; DROP TABLE round; --", 'O\'Brien"\\x', '^1Red^7;|,:=/+%Name', 'emoji🎯 ünïcödé', 'LATIN1PLACEHOLDER'];
      const b = new RoundBuilder({ startUnix: T0 + 10 * DAY, serverId: "srv'; --" });
      const pids = names.map((n, i) => b.player(n, i === 2 ? '' : `C0FFEE${i}`, i % 2 ? 'AXIS' : 'ALLIES'));
      b.engagement({ target: pids[0]!, outcome: 'killed', attackers: [{ pid: pids[1]! }], pairs: [] });
      const bot = b.player('^4[BOT]^7Hostile;Bot', 'OMNIBOT3', 'ALLIES', { isBot: true });
      b.engagement({ target: pids[1]!, outcome: 'killed', attackers: [{ pid: bot }] });
      const round = b.build();
      const hostile = join(dir, 'hostile');
      mkdirSync(hostile);
      const path = join(hostile, fileNameOf(round));
      // A client that sent Latin-1 bytes: "Caf\xe9" is not valid UTF-8, so it is read as Latin-1 "Café".
      writeFileSync(path, writeRoundFileV1(round).replace(encodeText('LATIN1PLACEHOLDER'), 'Caf%E9'));
      assert.equal((await importFile(store, path)).status, 'imported');
      const rows = await store.query<{ player_guid: string; player_name: string }>(
        'SELECT rp.player_guid, rp.player_name FROM round_player rp JOIN round r USING (round_id) WHERE r.server_id = $1 ORDER BY rp.pid',
        ["srv'; --"],
      );
      assert.deepEqual(rows, [
        { player_guid: 'C0FFEE0', player_name: names[0] },
        { player_guid: 'C0FFEE1', player_name: names[1] },
        { player_guid: 'NOGUID:Red;|,:=/+%Name', player_name: names[2] },
        { player_guid: 'C0FFEE3', player_name: names[3] },
        { player_guid: 'C0FFEE4', player_name: 'Café' },
        { player_guid: 'BOT:[BOT]Hostile;Bot', player_name: '^4[BOT]^7Hostile;Bot' },
      ]);
      const [history] = await store.query<{ n: number }>("SELECT count(*) AS n FROM player_name_history WHERE player_name = 'Café'");
      assert.equal(history!.n, 1);
      assert.equal((await store.query('SELECT 1 FROM round LIMIT 1')).length, 1); // the table survived
    });

    it('rejects malformed lines without side effects (fast-check)', async () => {
      const fuzz = join(dir, 'fuzz');
      mkdirSync(fuzz);
      const round = duel(T0 + 20 * DAY).build();
      const lines = writeRoundFileV1(round).split('\n');
      const before = await snapshot(store);
      let rejected = 0;
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: lines.length - 2 }),
          fc.oneof(
            fc.constantFrom('', ';', ';;', 'x', '-1', '99999999999', '%0', '%00', '|', '1,2', '\u00ff', "'"),
            fc.string({ maxLength: 12 }),
          ),
          fc.nat(),
          async (lineNo, junk, where) => {
            const line = lines[lineNo]!;
            const fields = line.split(';');
            const i = where % fields.length;
            fields[i] = where % 3 === 0 ? junk : fields[i] + junk;
            const mutated = [...lines];
            mutated[lineNo] = fields.join(';');
            const path = join(fuzz, `2026-02-01-00000${n++ % 10}-oasis-round-1_engagements.txt`);
            writeFileSync(path, mutated.join('\n'));
            const c0 = await counts(store);
            const out = await importFile(store, path);
            if (out.status === 'imported') {
              // The mutation happened to keep the file valid: undo it so the next run starts equal.
              await store.transaction(async (tx) => {
                await tx.query('DELETE FROM round_detail WHERE round_id = $1', [out.roundId]);
                await tx.query('DELETE FROM imported_file WHERE round_id = $1', [out.roundId]);
                await tx.query('DELETE FROM round WHERE round_id = $1', [out.roundId]);
              });
              await rebuildAggregates(store);
              return;
            }
            assert.equal(out.status, 'rejected');
            assert.ok(out.reason && out.reason.length > 0);
            rejected++;
            assert.deepEqual(await counts(store), c0);
          },
        ),
        { numRuns: 24, seed: 20261123 },
      );
      assert.ok(rejected > 6, `only ${rejected} mutations were rejected`);
      const after = await snapshot(store);
      // Player rows of an undone import stay (players are forever); compare everything else.
      delete (after as Record<string, unknown>).player;
      delete (after as Record<string, unknown>).player_name_history;
      delete (before as Record<string, unknown>).player;
      delete (before as Record<string, unknown>).player_name_history;
      assert.deepEqual(after, before);
    });

    it('two concurrent importPaths over one directory never double anything', async () => {
      const par = join(dir, 'parallel');
      const rounds = Array.from({ length: 8 }, (_, i) => duel(T0 + (30 + i) * DAY, { serverId: 'srv-par', map: i % 2 ? 'oasis' : 'supply' }).build());
      writeRounds(par, rounds);
      const before = await counts(store);
      const [a, b] = await Promise.all([importPaths(store, [par]), importPaths(store, [par])]);
      for (let i = 0; i < rounds.length; i++) {
        assert.deepEqual([a[i]!.status, b[i]!.status].sort(), ['duplicate', 'imported']);
      }
      const after = await counts(store);
      assert.equal(after.round, before.round! + 8);
      assert.equal(after.combat_engagement, before.combat_engagement! + 16);
      const aggregates = await aggregateSnapshot(store);
      await rebuildAggregates(store);
      assert.deepEqual(await aggregateSnapshot(store), aggregates);
    });

    it('imports more files than a batch, each once, outcomes in input order, aggregates as if one by one', async () => {
      const many = join(dir, 'many');
      const n = 2 * IMPORT_BATCH_SIZE + 7;
      const rounds = Array.from({ length: n }, (_, i) =>
        duel(T0 + (60 + i) * DAY, { serverId: 'srv-many', map: i % 3 ? 'oasis' : 'goldrush', names: [`A${i % 4}`, `B${i % 5}`] }).build(),
      );
      const paths = writeRounds(many, rounds);
      const before = await counts(store);
      const out = await importPaths(store, paths);
      assert.deepEqual(out.map((o) => o.file), paths);
      assert.deepEqual(out.map((o) => o.status), paths.map(() => 'imported'));
      const after = await counts(store);
      assert.equal(after.round, before.round! + n);
      // the batch merge equals the contribution of each round added one by one (rebuild from detail)
      const aggregates = await aggregateSnapshot(store);
      const players = await store.query('SELECT * FROM player ORDER BY player_guid');
      const names = await store.query('SELECT * FROM player_name_history ORDER BY player_guid, player_name');
      await rebuildAggregates(store);
      assert.deepEqual(await aggregateSnapshot(store), aggregates);
      // the latest round's names won; every name counts its rounds
      const [alice] = await store.query<{ last_name: string }>(
        "SELECT last_name FROM player WHERE player_guid = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1'",
      );
      assert.equal(alice!.last_name, `A${(n - 1) % 4}`);
      const history = names.filter((r) => (r as { player_guid: string }).player_guid === 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1');
      for (let k = 0; k < 4; k++) {
        const row = history.find((r) => (r as { player_name: string }).player_name === `A${k}`) as { rounds: number } | undefined;
        const expected = Array.from({ length: n }, (_, i) => i).filter((i) => i % 4 === k).length;
        assert.equal(Number(row?.rounds), expected, `rounds of name A${k}`);
      }
      assert.ok(players.length > 0);
    });
  });
}
