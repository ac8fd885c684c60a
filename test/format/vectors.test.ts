// Every shared vector in test/vectors/*.txt must parse (hand-* from this area, tracker-* written by the
// real tracker through the emulator), and equal its .expected.json when one exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRoundFile, readRoundFile } from '../../src/format/reader.ts';
import { assertValidRound } from './helpers.ts';

const dir = join(import.meta.dirname, '..', 'vectors');
const vectors = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

test('there are hand-built vectors to check', () => {
  for (const name of ['minimal', 'outcomes', 'crossfire', 'hostile-names', 'empty-sections', 'heatmaps-off']) {
    assert.ok(vectors.includes(`hand-${name}.txt`), `hand-${name}.txt is missing`);
  }
});

for (const file of vectors) {
  test(`vector ${file} parses${existsSync(join(dir, file.replace(/\.txt$/, '.expected.json'))) ? ' to its expected records' : ''}`, async () => {
    const path = join(dir, file);
    const streamed = await readRoundFile(path);
    const inMemory = parseRoundFile(readFileSync(path), path);
    assert.deepEqual(streamed, inMemory, 'streaming and in-memory reading agree');
    assertValidRound(streamed);
    const expectedPath = path.replace(/\.txt$/, '.expected.json');
    if (existsSync(expectedPath)) {
      const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
      // The expected records were made for the bare vector name; the timestamp comes from the name.
      assert.deepEqual(JSON.parse(JSON.stringify(streamed)), expected);
    }
  });
}

test('hand-outcomes covers every outcome, in order of closing', () => {
  const r = parseRoundFile(readFileSync(join(dir, 'hand-outcomes.txt')), 'hand-outcomes.txt');
  assert.deepEqual(
    r.engagements.map((e) => e.outcome).sort(),
    ['died_world', 'disconnected', 'escaped', 'killed', 'round_end', 'suicide', 'team_changed', 'teamkill', 'timeout'],
  );
  assert.deepEqual(r.engagements.map((e) => e.id), [1, 3, 2, 4, 5, 6, 7, 8, 9]);
  const killed = r.engagements[0]!;
  assert.equal(killed.kill?.mod, 8);
  assert.deepEqual(killed.kill?.killerAllies, [3]);
  assert.equal(killed.kill?.engagementType, '2v2');
  assert.equal(r.engagements.find((e) => e.outcome === 'teamkill')?.killer, 2);
  assert.equal(r.engagements.find((e) => e.outcome === 'teamkill')?.kill, null);
  // a reused slot (4) has two pids
  assert.deepEqual(r.players.filter((p) => p.slot === 4).map((p) => p.pid), [5, 6]);
});

test('hand-hostile-names decodes every byte', () => {
  const r = parseRoundFile(readFileSync(join(dir, 'hand-hostile-names.txt')), 'hand-hostile-names.txt');
  const names = r.players.map((p) => p.name);
  assert.deepEqual(names, [
    '^1Bob;|x,:=/+%',
    "'; DROP TABLE players;--",
    'Café 🎯 ^7emoji',
    'René Latin-1 ÿþ',
    '<b>&amp;"quoted"</b> \\ back',
  ]);
  assert.equal(r.players[2]!.guid, '\ttab\nnewline');
  assert.equal(r.header.map, 'te;st|map');
  assert.equal(r.header.serverName, '<script>alert(1)</script> ^1é');
  assert.equal(r.header.serverId, 'id%with=equals');
});

test('absent and captured-but-empty heatmaps differ', () => {
  const off = parseRoundFile(readFileSync(join(dir, 'hand-heatmaps-off.txt')), 'x.txt');
  const empty = parseRoundFile(readFileSync(join(dir, 'hand-empty-sections.txt')), 'x.txt');
  assert.equal(off.killHeatmap, null);
  assert.equal(off.movementHeatmap, null);
  assert.deepEqual(empty.killHeatmap, []);
  assert.deepEqual(empty.movementHeatmap, []);
  assert.deepEqual(off.header.sections, ['engagements', 'players']);
});
