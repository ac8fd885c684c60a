/**
 * The `et` table against the reference (etl-lua-api.md §3, §8): types, errors, files, cvars, userinfo,
 * configstrings, clocks, printing, constants and the Lua runtime.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrDrop, EtServer, type EmulatorOptions } from '../../src/emulator/index.ts';
import { cleanupHomes, luaModule, tempHome } from './helpers.ts';

async function server(code: string, opts: Partial<EmulatorOptions> = {}): Promise<EtServer> {
  return EtServer.create({ homepath: tempHome(), modules: [luaModule(code)], wallClockStartUnix: 1767225600, ...opts });
}

describe('et table', () => {
  after(cleanupHomes);

  it('gentity_get: integers, float vec3 (fresh 1-based tables), case-insensitive names, origin alias', async () => {
    const s = await server('');
    const slot = await s.connect({ name: 'A' });
    await s.joinTeam(slot, 'AXIS');
    s.setOrigin(slot, [10, -20, 24]);
    const r = s.lua(`
      local o = et.gentity_get(0, 'ps.origin')
      local o2 = et.gentity_get(0, 'PS.ORIGIN')
      local a = et.gentity_get(0, 'origin')
      local t1 = math.type(o[1])
      o[1] = 99
      return table.concat({ t1, math.type(o2[1]), tostring(o2[1]), tostring(o2[2]), tostring(a[3]),
        math.type(et.gentity_get(0, 'health')), math.type(et.gentity_get(0, 'ps.stats', 0)),
        tostring(et.gentity_get(0, 'sess.sessionTeam')), tostring(et.gentity_get(0, 'Sess.SessionTeam')),
        tostring(#o2), tostring(o2[0]), math.type(et.gentity_get(0, 'ps.viewangles')[2]),
        math.type(et.gentity_get(1022, 'r.currentOrigin')[1]), tostring(et.gentity_get(0, 's.number')) }, ',')`);
    assert.equal(r, 'float,float,10.0,-20.0,24.0,integer,integer,1,1,3,nil,float,float,0');
  });

  it('gentity_get errors: unknown field, client fields on the world and on slots >= sv_maxclients', async () => {
    const s = await server('', { maxClients: 8 });
    const r = s.lua(`
      local out = {}
      for _, c in ipairs({ {1022, 'ps.origin'}, {1022, 'sess.sessionTeam'}, {8, 'pers.netname'}, {63, 'ps.pm_type'},
                           {0, 'sess.guid'}, {0, 'nosuchfield'} }) do
        local ok, err = pcall(et.gentity_get, c[1], c[2])
        out[#out + 1] = tostring(ok) .. ':' .. tostring(err)
      end
      out[#out + 1] = tostring(et.gentity_get(1022, 'health')) .. '/' .. tostring(et.gentity_get(1022, 'inuse'))
      out[#out + 1] = tostring(et.gentity_get(5, 'pers.connected'))
      return table.concat(out, '|')`);
    assert.equal(r, [
      'false:tried to get invalid gentity field "ps.origin"', 'false:tried to get invalid gentity field "sess.sessionTeam"',
      'false:tried to get invalid gentity field "pers.netname"', 'false:tried to get invalid gentity field "ps.pm_type"',
      'false:tried to get invalid gentity field "sess.guid"', 'false:tried to get invalid gentity field "nosuchfield"',
      '0/0', '0'].join('|'));
  });

  it('gentity_get checks integer arguments like luaL_checkinteger', async () => {
    const s = await server('');
    assert.equal(s.lua(`local ok, e = pcall(et.gentity_get, 2.5, 'health') return e`),
      "bad argument #1 to 'gentity_get' (number has no integer representation)");
    assert.equal(s.lua(`return et.gentity_get(1.0, 'health')`), 0);
  });

  it('gentity_set: writes, read-only and invalid fields raise', async () => {
    const s = await server('');
    await s.connect({ name: 'A' });
    assert.equal(s.lua(`et.gentity_set(0, 'health', 42) et.gentity_set(0, 'ps.origin', {1, 2, 3})
      et.gentity_set(0, 'ps.powerups', 1, 777)
      return et.gentity_get(0, 'health') + et.gentity_get(0, 'ps.origin')[3] + et.gentity_get(0, 'ps.powerups', 1)`), 822);
    assert.equal(s.lua(`local ok, e = pcall(et.gentity_set, 0, 'pers.connected', 0) return e`),
      'tried to set read-only gentity field "pers.connected"');
    assert.equal(s.lua(`local ok, e = pcall(et.gentity_set, 0, 'bogus', 0) return e`), 'tried to set invalid gentity field "bogus"');
  });

  it('trap_GetUserinfo on a non-client slot is an ERR_DROP that pcall cannot hide', async () => {
    const s = await server(`function et_RunFrame(t) if t >= 1000 then pcall(et.trap_GetUserinfo, 1022) end end`);
    await assert.rejects(s.runFor(1000), (e: unknown) => e instanceof ErrDrop && /bad index 1022/.test(e.message));
    assert.ok(s.console.some((l) => l.startsWith('ERROR: SV_GetUserinfo: bad index 1022')));
    await assert.rejects(s.runFrames(1), ErrDrop, 'the server stays dropped');
  });

  it('userinfo: cl_guid and name; bots get OMNIBOT guids and r.svFlags & 8; Info_ValueForKey ignores key case', async () => {
    const s = await server('');
    await s.connect({ name: '^1Human', guid: 'ABCDEF0123456789ABCDEF0123456789' });
    await s.connect({ name: 'Bot', bot: true });
    assert.equal(s.lua(`local u = et.trap_GetUserinfo(0) return et.Info_ValueForKey(u, 'CL_GUID') .. '|' ..
      et.Info_ValueForKey(u, 'name') .. '|' .. et.Info_ValueForKey(u, 'missing') .. '|' ..
      et.Info_ValueForKey(et.trap_GetUserinfo(1), 'cl_guid'):sub(1, 9) .. '|' .. (et.gentity_get(1, 'r.svFlags') & 8) .. '|' ..
      #et.Info_ValueForKey(et.trap_GetUserinfo(1), 'cl_guid')`), 'ABCDEF0123456789ABCDEF0123456789|^1Human||OMNIBOT01|8|32');
  });

  it('cvars are strings ("" when unset); configstrings carry serverinfo, players and level start', async () => {
    const s = await server('', { map: 'Supply', cvars: { proximity_x: '5' } });
    await s.connect({ name: 'Zed' });
    assert.equal(s.lua(`et.trap_Cvar_Set('my_cvar', 12) return et.trap_Cvar_Get('my_cvar') .. '|' .. et.trap_Cvar_Get('nope') ..
      '|' .. tostring(math.type(et.trap_Cvar_Get('sv_maxclients'))) .. type(et.trap_Cvar_Get('sv_maxclients')) .. '|' .. et.trap_Cvar_Get('proximity_x')`),
      '12||nilstring|5');
    assert.equal(s.lua(`return et.Info_ValueForKey(et.trap_GetConfigstring(et.CS_SERVERINFO), 'mapname')`), 'supply');
    assert.equal(s.lua(`return et.Info_ValueForKey(et.trap_GetConfigstring(et.CS_PLAYERS + 0), 'n')`), 'Zed');
    assert.equal(s.lua(`return et.trap_GetConfigstring(et.CS_LEVEL_START_TIME)`), '0');
  });

  it('pause: CS_LEVEL_START_TIME moves +500 every 500 ms, levelTime and trap_Milliseconds keep running', async () => {
    const s = await server('');
    const t0 = s.levelTime;
    s.pause();
    await s.runFor(2000);
    s.unpause();
    await s.runFor(1000);
    assert.equal(s.levelTime, t0 + 3000);
    assert.equal(s.lua(`return et.trap_GetConfigstring(et.CS_LEVEL_START_TIME)`), '2000');
    assert.equal(s.lua(`return et.trap_Milliseconds()`), s.levelTime + 5000);
  });

  it('os.time/os.date follow the emulated wall clock', async () => {
    const s = await server('');
    await s.runFor(61000);
    assert.equal(s.lua(`return os.time()`), 1767225600 + Math.floor(s.levelTime / 1000));
    assert.equal(s.lua(`return os.date('!%Y-%m-%d %H:%M:%S')`), new Date((1767225600 + Math.floor(s.levelTime / 1000)) * 1000)
      .toISOString().replace('T', ' ').slice(0, 19));
    assert.equal(s.lua(`return os.time({year=2020, month=1, day=1, hour=0})`) !== null, true);
  });

  it('G_LogPrint re-enters every module\'s et_Print; G_Print does not', async () => {
    const a = luaModule(`seen = {} function et_Print(t) seen[#seen + 1] = t end`, 'a.lua');
    const b = luaModule(`seen = {} function et_Print(t) seen[#seen + 1] = t end
      function et_InitGame() et.G_Print('plain\\n') et.G_LogPrint('logged\\n') end`, 'b.lua');
    const s = await EtServer.create({ homepath: tempHome(), modules: [a, b] });
    for (const slot of [0, 1]) {
      const seen = String(s.lua(`return table.concat(seen, '~')`, slot));
      assert.match(seen, /(^|~) +0 logged\n(~|$)/);
      assert.doesNotMatch(seen, /plain/);
    }
    assert.ok(s.console.includes('plain'));
  });

  it('strings: Q_CleanStr, isBitSet is boolean, Argv/ConcatArgs inside et_ClientCommand', async () => {
    const s = await server(`function et_ClientCommand(c, cmd) got = cmd .. '|' .. et.trap_Argc() .. '|' .. et.trap_Argv(1) .. '|' .. et.ConcatArgs(1) end`);
    await s.connect({ name: 'A' });
    await s.command(0, 'say hello   there');
    assert.equal(s.lua('return got'), 'say|3|hello|hello there');
    assert.equal(s.lua(`return et.Q_CleanStr('^1Red^^7x\\tY') .. '|' .. type(et.isBitSet(4, 5)) .. tostring(et.isBitSet(2, 5))`), 'Red^x Y|booleanfalse'.replace(' ', ''));
  });

  it('FindSelf is nil in the main chunk and the slot afterwards; RegisterModname is a no-op there', async () => {
    const s = await server(`atMain = tostring(et.FindSelf()) et.RegisterModname('early')
      function et_InitGame() atInit = et.FindSelf() et.RegisterModname('tracker') end`);
    assert.equal(s.lua('return atMain'), 'nil');
    assert.equal(s.lua('return atInit'), 0);
    assert.equal(s.lua('return (et.FindMod(0))'), 'tracker');
  });

  it('constants as exported by v2.84+: PM_DEAD and ENTITYNUM_WORLD absent, EF_* present', async () => {
    const s = await server('');
    assert.equal(s.lua(`return table.concat({ tostring(et.PM_DEAD), tostring(et.ENTITYNUM_WORLD), et.EF_PRONE, et.MOD_SWITCHTEAM,
      et.WP_MP40, et.CS_PLAYERS, et.GS_INTERMISSION, et.TEAM_SPECTATOR, et.FS_APPEND_SYNC, et.MAX_CLIENTS,
      math.type(et.MOD_MP40), et.HOSTARCH, tostring(et.PC_MEDIC) }, ',')`),
      'nil,nil,524288,59,3,689,3,3,3,64,integer,UNIX,nil');
  });

  it('engineVersion 2.83: no EF_* constants; CS_SERVERINFO follows serverinfo cvars such as gamestate', async () => {
    const s = await server('', { engineVersion: 2.83 });
    assert.equal(s.lua('return tostring(et.EF_PRONE)'), 'nil');
    assert.equal(s.lua(`return et.Info_ValueForKey(et.trap_GetConfigstring(et.CS_SERVERINFO), 'gamestate')`), '1');
    await s.startMatch();
    assert.equal(s.lua(`return et.Info_ValueForKey(et.trap_GetConfigstring(et.CS_SERVERINFO), 'gamestate')`), '0');
  });

  it('Lua runtime: 5.4, all libs open, no compat (unpack, bit32), integer/float semantics', async () => {
    const s = await server('');
    assert.equal(s.lua(`return table.concat({ _VERSION, type(io), type(os.execute), type(debug), type(require),
      tostring(unpack), tostring(bit32), tostring(math.pow), math.type(2^2), tostring(pcall(string.format, '%d', 1.5)) }, ',')`),
      'Lua 5.4,table,function,table,function,nil,nil,nil,float,false');
  });

  it('require finds modules in <homepath>/legacy and lualibs (package.path as the engine sets it)', async () => {
    const home = tempHome();
    mkdirSync(join(home, 'legacy', 'lualibs'), { recursive: true });
    writeFileSync(join(home, 'legacy', 'lualibs', 'helper.lua'), 'return { answer = 42 }');
    const s = await EtServer.create({ homepath: home, modules: [luaModule(`h = require('helper')`)] });
    assert.equal(s.lua('return h.answer'), 42);
    assert.equal(s.lua('return package.path'), `${home}/legacy/?.lua;${home}/legacy/lualibs/?.lua`);
  });
});

describe('trap_FS_*', () => {
  after(cleanupHomes);

  it('READ missing → fd 0, len -1; WRITE/APPEND → handle, len 0; directories created; rename; file list', async () => {
    const s = await server('');
    const r = s.lua(`
      local out = {}
      local fd, len = et.trap_FS_FOpenFile('nope/missing.txt', et.FS_READ)
      out[#out + 1] = fd .. '/' .. len
      fd, len = et.trap_FS_FOpenFile('deep/dir/x.txt', et.FS_WRITE)
      out[#out + 1] = tostring(fd > 0) .. '/' .. len
      out[#out + 1] = et.trap_FS_Write('hello\\0bytes', 11, fd)
      et.trap_FS_FCloseFile(fd)
      fd, len = et.trap_FS_FOpenFile('deep/dir/x.txt', et.FS_APPEND)
      out[#out + 1] = len
      et.trap_FS_Write('!', 1, fd)
      et.trap_FS_FCloseFile(fd)
      fd, len = et.trap_FS_FOpenFile('deep/dir/x.txt', et.FS_READ)
      out[#out + 1] = len .. ':' .. et.trap_FS_Read(fd, len)
      et.trap_FS_FCloseFile(fd)
      et.trap_FS_Rename('deep/dir/x.txt', 'deep/y.txt')
      out[#out + 1] = table.concat(et.trap_FS_GetFileList('deep', '.txt'), ';')
      fd, len = et.trap_FS_FOpenFile('../escape.txt', et.FS_WRITE)
      out[#out + 1] = fd .. '/' .. len
      return table.concat(out, '|')`);
    assert.equal(r, '0/-1|true/0|11|0|12:hello|y.txt|0/-1');
    assert.deepEqual(readFileSync(s.gamePath('deep/y.txt')), Buffer.from('hello\0bytes!'));
    assert.ok(!existsSync(s.gamePath('deep/dir/x.txt')));
  });

  it('writes bytes exactly (non-UTF-8 included)', async () => {
    const s = await server(`function et_InitGame()
      local fd = et.trap_FS_FOpenFile('bin.dat', et.FS_WRITE)
      local data = '\\255\\254\\0\\128A'
      et.trap_FS_Write(data, #data, fd) et.trap_FS_FCloseFile(fd) end`);
    assert.deepEqual([...readFileSync(s.gamePath('bin.dat'))], [255, 254, 0, 128, 65]);
  });

  it('writing to a closed handle is ERR_DROP', async () => {
    const s = await server('');
    assert.throws(() => s.lua(`local fd = et.trap_FS_FOpenFile('a.txt', et.FS_WRITE) et.trap_FS_FCloseFile(fd)
      pcall(et.trap_FS_Write, 'x', 1, fd)`), ErrDrop);
  });

  it('64 handles at most: leaking them is ERR_DROP, and handles survive a map restart', async () => {
    const s = await server(`function et_InitGame() for i = 1, 40 do et.trap_FS_FOpenFile('leak' .. i .. '.txt', et.FS_WRITE) end end`);
    assert.equal(s.raw.fs.openHandleCount(), 40);
    await assert.rejects(s.mapRestart(), (e: unknown) => e instanceof ErrDrop && /none free/.test(e.message));
  });
});
