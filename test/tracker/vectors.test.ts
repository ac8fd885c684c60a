/**
 * Shared test vectors (test/vectors/tracker-*.txt): deterministic emulator scenarios whose round file the
 * tracker must keep producing byte for byte. The format area's reader test parses every vector too.
 * Regenerate after an intended change with: UPDATE_VECTORS=1 node scripts/test.mjs test/tracker/vectors.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseRoundFile } from '../../src/format/reader.ts';
import { MOD, SHIELD_MS, cleanupHomes, finishRound, hitEachFrame, roundFiles, startRound, type PlayerSpec } from './helpers.ts';

after(cleanupHomes);

const VECTORS = join(import.meta.dirname, '..', 'vectors');

const scenarios: Record<string, { players: PlayerSpec[]; cvars?: Record<string, string>; play: (s: Awaited<ReturnType<typeof startRound>>) => Promise<void> }> = {
  // crossfire kill, a lone kill, an escape, a timeout, a round_end; hostile names
  'tracker-fights': {
    players: [
      { name: '^1Attacker', team: 'AXIS', cls: 'MEDIC', pos: [0, 0, 0], guid: '0123456789ABCDEF0123456789ABCDEF' },
      { name: '^4Vic;tim|,%', team: 'ALLIES', cls: 'MEDIC', pos: [160, 0, 0], guid: 'FEDCBA9876543210FEDCBA9876543210' },
      { name: '^1Axis2 Ü', team: 'AXIS', cls: 'SOLDIER', pos: [0, 96, 0], guid: '00000000000000000000000000000002' },
      { name: '^4Allied2', team: 'ALLIES', cls: 'ENGINEER', pos: [160, 96, 0], guid: '00000000000000000000000000000003' },
      { name: '[BOT]Otto', team: 'AXIS', cls: 'COVERTOPS', pos: [-900, -900, 0], bot: true },
    ],
    cvars: { proximity_server_id: 'vector-server', sv_hostname: '^2Vector ^7Server', timelimit: '10' },
    async play({ server, slots }) {
      const [a, v, a2, v2, bot] = slots as [number, number, number, number, number];
      for (let i = 0; i < 4; i++) {
        await server.damage(v, a, 18, MOD.MP40);
        await server.damage(v, a2, 18, MOD.MP40);
        await server.runFor(150);
      }
      await server.damage(v, a2, 40, MOD.MP40); // crossfire kill
      await server.runFrames(1);
      await hitEachFrame(server, v2, a, 2, 18, MOD.MP40);
      server.setOrigin(v2, [900, 96, 0]); // escapes
      await server.runFor(5500);
      await hitEachFrame(server, a, v2, 1, 12, MOD.THOMPSON); // a stands still: timeout
      await server.runFor(5500);
      await server.damage(v2, bot, 150, MOD.PANZERFAUST); // one-shot kill by the bot
      await server.runFor(30_000 + SHIELD_MS); // reinforcement wave, spawn shields
      server.setOrigin(v, [200, 0, 0]);
      await hitEachFrame(server, v, a2, 1, 18, MOD.MP40); // still open at round end
      await server.runFor(1000);
    },
  },
};

async function produce(name: string): Promise<string> {
  const sc = scenarios[name]!;
  const r = await startRound(sc.players, { cvars: sc.cvars, wallClockStartUnix: 1767225600 });
  await sc.play(r);
  await finishRound(r);
  return roundFiles(r.server)[0]!.text;
}

describe('tracker shared vectors', () => {
  for (const name of Object.keys(scenarios)) {
    it(`${name}.txt is still produced exactly`, async () => {
      const text = await produce(name);
      const path = join(VECTORS, `${name}.txt`);
      if (process.env.UPDATE_VECTORS === '1') writeFileSync(path, text, 'latin1');
      const stored = readFileSync(path, 'latin1');
      assert.equal(text, stored);
      const round = parseRoundFile(Buffer.from(stored, 'latin1'), `${name}.txt`);
      assert.ok(round.engagements.length >= 4);
    });
  }
});
