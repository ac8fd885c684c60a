/**
 * Golden traces: every trace is replayed into a recorder module that reads, inside each hook, the fields the
 * real recorder read (with pcall) and writes them in the trace's own line format. Its output must equal the
 * trace byte for byte (minus `seq` and the `_meta` lines, which are inputs): values, integer/float types
 * (floats print with a decimal point), netnames, guids from userinfo and the exact error strings for 1022.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { replayTrace } from '../../src/emulator/index.ts';
import { RECORDER, TRACES_DIR, TRACE_NAMES, cleanupHomes, tempHome } from './helpers.ts';

describe('golden trace replay', () => {
  after(cleanupHomes);
  for (const name of TRACE_NAMES) {
    it(`${name}: the recorder module sees exactly what the real game module saw`, async () => {
      const path = `${TRACES_DIR}/${name}.jsonl`;
      // The recorder checks every read inside the hooks; the replayer's own checker (verify) is run on two
      // traces here and on the mismatch case below, to keep the suite fast.
      const verify = name === 's5' || name === 's6sw';
      const r = await replayTrace(path, { homepath: tempHome(), modules: [RECORDER], verify });
      assert.deepEqual(r.hookErrors, []);
      assert.deepEqual(r.hookReturns, []);
      assert.deepEqual(r.mismatches, [], 'the checker VM read different values than recorded');
      const want = readFileSync(path, 'utf8').split('\n').filter((l) => l && !l.includes('"hook":"_meta"'))
        .map((l) => l.replace(/,"seq":\d+/, ''));
      const got = readFileSync(r.gamePath('recorder/trace.jsonl'), 'utf8').split('\n').filter(Boolean);
      assert.equal(got.length, want.length, 'number of hook calls');
      for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `hook line ${i + 1}`);
      const starts = readFileSync(path, 'utf8').split('\n').filter((l) => l.includes('"reason":"module-start"')).length;
      assert.equal(r.vmStarts, starts, 'a new VM per module-start');
    });
  }

  it('reports a field whose value differs from the recording', async () => {
    // A recording whose error text for the world's ps.origin differs from the engine's message.
    const home = tempHome();
    const lines = readFileSync(`${TRACES_DIR}/s5.jsonl`, 'utf8').split('\n').filter(Boolean);
    const edited = lines.map((l) => l.replace('"ps.origin":"tried to get invalid gentity field \\"ps.origin\\""',
      '"ps.origin":"tried to get invalid gentity field \\"origin\\""'));
    assert.notDeepEqual(edited, lines);
    const { writeFileSync } = await import('node:fs');
    const p = `${home}/edited.jsonl`;
    writeFileSync(p, edited.join('\n') + '\n');
    const r = await replayTrace(p, { homepath: home, modules: [RECORDER] });
    assert.ok(r.mismatches.length > 0);
    assert.deepEqual(r.mismatches[0]!.field, 'ps.origin');
    assert.equal(r.mismatches[0]!.ent, 1022);
  });
});
