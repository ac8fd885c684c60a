/** The library entry (src/index.ts): the public re-exports and the bot facade ProximityImporter. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as lib from '../../src/index.ts';
import { freshDataDir, removeDir, roundFileName, roundFileText, tempDir } from './helpers.ts';

const home = tempDir();
const savedUrl = process.env.DATABASE_URL;
before(() => {
  delete process.env.DATABASE_URL; // the facade follows openStore: $DATABASE_URL would win over dataDir
});
after(() => {
  if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
  removeDir(home);
});

describe('library entry', () => {
  it('re-exports the public API of every area', () => {
    for (const name of [
      'openStore', 'importFile', 'importPaths', 'findRoundFiles', 'archiveOldData', 'dataStats', 'rebuildAggregates',
      'readRoundFile', 'parseRoundFile', 'isRoundFileName', 'RoundFileError',
      'overview', 'leaderboard', 'playerProfile', 'findPlayers', 'duoPartners', 'crossfireDuos',
      'engagementBreakdown', 'hottestZones', 'heatmap', 'maps', 'recentRounds',
      'simulateSession', 'startDashboard', 'ProximityImporter',
    ]) {
      assert.equal(typeof (lib as Record<string, unknown>)[name], 'function', name);
    }
    assert.deepEqual([...lib.OUTCOMES].slice(0, 2), ['killed', 'escaped']);
  });
});

describe('ProximityImporter', () => {
  const outputDir = join(home, 'gamestats');
  const dataDir = join(home, 'pglite');
  mkdirSync(outputDir, { recursive: true });
  // Two rounds of 2025-11-23 (file names in UTC), one of 2025-11-24, one broken file of 2025-11-24.
  const day1a = { startUnix: 1763900000 };
  const day1b = { startUnix: 1763903000, round: 2 };
  const day2 = { startUnix: 1763990000, map: 'goldrush' };
  const broken = { startUnix: 1763993000, map: 'radar' };
  for (const r of [day1a, day1b, day2]) writeFileSync(join(outputDir, roundFileName(r)), roundFileText(r));
  writeFileSync(join(outputDir, roundFileName(broken)), roundFileText(broken).replace('engagements=1', 'engagements=9'));
  writeFileSync(join(outputDir, roundFileName(day2) + '.part'), 'still being written');

  let p: lib.ProximityImporter;
  before(async () => {
    await freshDataDir(dataDir);
    p = new lib.ProximityImporter({ outputDir, dataDir });
  });
  after(() => p?.close());

  it('finds the round files of a session date (never .part files)', async () => {
    const day1 = await p.findFiles('2025-11-23');
    assert.deepEqual(day1.map((f) => f.slice(outputDir.length + 1)), [roundFileName(day1a), roundFileName(day1b)]);
    assert.equal((await p.findFiles()).length, 4);
  });

  it('imports a file once; the second time it is a duplicate', async () => {
    const path = join(outputDir, roundFileName(day1a));
    const first = await p.importFile(path, '2025-11-23');
    assert.equal(first.status, 'imported');
    assert.equal(first.engagements, 1);
    const second = await p.importFile(path);
    assert.equal(second.status, 'duplicate');
  });

  it('imports a session; a bad file comes back rejected with its reason instead of throwing', async () => {
    const day1 = await p.importSession('2025-11-23');
    assert.deepEqual(day1.map((o) => o.status), ['duplicate', 'imported']);
    const day2Outcomes = await p.importSession('2025-11-24');
    assert.deepEqual(day2Outcomes.map((o) => o.status), ['imported', 'rejected']);
    assert.match(day2Outcomes[1]!.reason!, /engagements/);
  });

  it('shares its connection for analytics, and can be closed and reopened', async () => {
    const db = await p.db();
    assert.equal((await lib.overview(db)).rounds, 3);
    await p.close();
    assert.equal((await lib.overview(await p.db())).rounds, 3, 'reopened on next use');
  });
});
