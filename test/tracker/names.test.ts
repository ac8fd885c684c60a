/**
 * Hostile names and GUIDs round-trip through the tracker's file and the reader exactly (lessons 1, 25):
 * every separator of the format, colour codes, percent signs, control characters, bytes >= 0x80.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MOD, cleanupHomes, finishRound, hitEachFrame, roundFiles, startRound, type PlayerSpec } from './helpers.ts';

after(cleanupHomes);

const hostile = [
  '^1Bob;|x',
  'a,b:c=d/e+f%g',
  '%41%%',
  'tab\there',
  'new\nline\r',
  '# END end_reason=shutdown',
  '^7Ünïcødé ✓ 名前',
  'x"z\' <>&', // (a backslash cannot be in a userinfo value)
  '   ',
];

describe('tracker names', () => {
  it('names with every separator, colour codes and non-ASCII bytes come back exactly', async () => {
    const players: PlayerSpec[] = hostile.map((name, i) => ({
      name, team: i % 2 ? 'ALLIES' : 'AXIS', pos: [i * 50, 0, 0],
    }));
    const r = await startRound(players);
    for (let i = 0; i + 1 < players.length; i += 2) {
      await hitEachFrame(r.server, r.slots[i + 1]!, r.slots[i]!, 1);
      await r.server.damage(r.slots[i + 1]!, r.slots[i]!, 500, MOD.MP40);
    }
    await r.server.runFrames(1);
    const round = await finishRound(r);
    for (let i = 0; i < hostile.length; i++) {
      const p = round.players.find((x) => x.slot === r.slots[i]);
      assert.ok(p, `player ${i}`);
      assert.equal(p.name, hostile[i]);
    }
    // the raw file stays 7-bit ASCII with no stray separators inside fields
    const [file] = roundFiles(r.server);
    assert.ok(/^[\x20-\x7e\n]*$/.test(file!.text), 'file is 7-bit ASCII');
    for (const line of file!.text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      const fields = line.split(';');
      assert.ok([25, 9, 4, 5].includes(fields.length), `field count ${fields.length}: ${line.slice(0, 80)}`);
    }
  });
});
