/** Round lifecycle: VM restarts, the cvars each hook sees, stopwatch bookkeeping, reconnects. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { EtServer } from '../../src/emulator/index.ts';
import { cleanupHomes, luaModule, tempHome } from './helpers.ts';

const WATCH = `
vmid = tostring({}):sub(8)
function note(s) local f = et.trap_FS_FOpenFile('watch.log', et.FS_APPEND) et.trap_FS_Write(s .. '\\n', #s + 1, f) et.trap_FS_FCloseFile(f) end
local function cv() return et.trap_Cvar_Get('gamestate') .. '/' .. et.trap_Cvar_Get('g_currentRound') .. '/' .. et.trap_Cvar_Get('g_nextTimeLimit') end
note('main ' .. cv())
function et_InitGame(t, seed, restart) note('init ' .. restart .. ' ' .. cv()) end
function et_ShutdownGame(restart) note('shutdown ' .. restart .. ' ' .. cv() .. ' ' .. et.trap_Cvar_Get('mapname')) end
function et_Quit() note('quit') end
function et_ClientConnect(c, first, bot) note('connect ' .. c .. ' ' .. first) end
function et_ClientBegin(c) note('begin ' .. c) end
local last
function et_RunFrame(t) local g = cv() if g ~= last then note('frame ' .. g) last = g end end
`;

function watchLog(s: EtServer): string[] {
  return readFileSync(s.gamePath('watch.log'), 'utf8').trim().split('\n');
}

describe('lifecycle', () => {
  after(cleanupHomes);

  it('warmup → countdown → map_restart: gamestate 0 already in et_ShutdownGame(1); reconnect with firstTime 0', async () => {
    const s = await EtServer.create({ homepath: tempHome(), modules: [luaModule(WATCH)], warmup: true });
    await s.connect({ name: 'A' });
    await s.joinTeam(0, 'AXIS');
    await s.startMatch();
    assert.equal(s.gamestate, 0);
    assert.deepEqual(watchLog(s), [
      'main 2/0/0', 'init 0 2/0/0', 'frame 2/0/0', 'connect 0 1', 'begin 0', 'frame 1/0/0',
      'shutdown 1 0/0/0 oasis', 'quit', 'main 0/0/0', 'init 1 0/0/0', 'frame 0/0/0', 'connect 0 0', 'begin 0',
    ]);
  });

  it('stopwatch: g_currentRound toggles at exit, g_nextTimeLimit set, gamestate 3 the frame after', async () => {
    const s = await EtServer.create({ homepath: tempHome(), modules: [luaModule(WATCH)], gametype: 3,
      cvars: { timelimit: '10' } });
    await s.connect({ name: 'A' });
    await s.joinTeam(0, 'AXIS');
    await s.startMatch();
    await s.runFor(89400);             // the round started at the map_restart, 600 ms before startMatch returned
    const t = s.levelTime;
    await s.endRound();
    assert.equal(s.levelTime, t + 50, 'intermission on the next frame');
    assert.equal(s.cvar('g_currentRound'), '1');
    assert.equal(s.cvar('g_nextTimeLimit'), '1.500000');
    assert.equal(s.gamestate, 3);
    await s.mapRestart();              // round 2: warmup → countdown → live
    await s.startMatch();
    assert.equal(s.cvar('g_currentRound'), '1');
    await s.runFor(91000);             // g_nextTimeLimit 1.5 min is the round-2 limit
    assert.equal(s.gamestate, 3);
    assert.equal(s.cvar('g_currentRound'), '0');
    assert.equal(s.cvar('g_nextTimeLimit'), '0');
    const log = watchLog(s);
    assert.ok(log.includes('frame 3/1/1.500000'));
    assert.ok(log.includes('frame 3/0/0'));
  });

  it('map change: gamestate -1, g_currentRound 0 before et_ShutdownGame(0); mapname still the old map', async () => {
    const s = await EtServer.create({ homepath: tempHome(), modules: [luaModule(WATCH)], gametype: 3 });
    await s.connect({ name: 'A' });
    await s.startMatch();
    await s.endRound();
    await s.changeMap('supply');
    const log = watchLog(s);
    const i = log.indexOf('shutdown 0 -1/0/0 oasis');
    assert.ok(i > 0, log.join('\n'));
    assert.equal(log[i + 1], 'quit');
    assert.equal(log[i + 2], 'main 2/0/0');
    assert.equal(s.cvar('mapname'), 'supply');
    assert.equal(log.filter((l) => l === 'begin 0').length, 2, 'no begin until the client loaded the map');
    await s.runFor(2500);
    assert.equal(watchLog(s).filter((l) => l === 'begin 0').length, 3);
  });

  it('all Lua state is lost at map_restart (new VM)', async () => {
    const s = await EtServer.create({ homepath: tempHome(), modules: [luaModule('vmid = tostring({}) counter = (counter or 0) + 1')] });
    const first = s.lua('return vmid');
    await s.startMatch();
    assert.equal(s.lua('return counter'), 1);
    assert.notEqual(s.lua('return vmid'), first);
  });
});
