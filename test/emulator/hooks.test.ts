/**
 * Hook dispatch: protected calls, the engine's error line, return-value tests per hook, module order,
 * and the combat sequence (et_Damage with pre-hit health → health → et_Obituary once per life).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ConnectionRejected, ENTITYNUM_WORLD, EtServer, MOD } from '../../src/emulator/index.ts';
import { cleanupHomes, luaModule, tempHome } from './helpers.ts';

/** A module that logs "hook(args)" lines into the global `log`. */
const LOGGER = `
log = {}
local function L(name) return function(...) local t = {...}
  for i = 1, select('#', ...) do t[i] = tostring(t[i]) end
  log[#log + 1] = name .. '(' .. table.concat(t, ',') .. ')' end end
for _, h in ipairs({ 'et_ClientConnect', 'et_ClientBegin', 'et_ClientSpawn', 'et_ClientDisconnect', 'et_Damage',
  'et_Obituary', 'et_Revive', 'et_WeaponFire', 'et_ClientCommand', 'et_ShutdownGame', 'et_InitGame', 'et_Quit',
  'et_ClientUserinfoChanged', 'et_Chat' }) do _G[h] = L(h) end
`;

async function live(modules: string[], players = 2): Promise<EtServer> {
  const s = await EtServer.create({ homepath: tempHome(), modules });
  for (let i = 0; i < players; i++) {
    await s.connect({ name: `P${i}` });
    await s.joinTeam(i, i % 2 === 0 ? 'AXIS' : 'ALLIES', 1);
  }
  await s.startMatch();
  await s.runFor(3500);     // spawn shields
  return s;
}
const logOf = (s: EtServer, slot = 0): string[] => {
  const n = Number(s.lua('return #log', slot));
  return Array.from({ length: n }, (_, i) => String(s.lua(`return log[${i + 1}]`, slot)));
};
const clearLog = (s: EtServer, slot = 0): void => { s.lua('log = {}', slot); };

describe('hook dispatch', () => {
  after(cleanupHomes);

  it('a Lua error is printed through every module\'s et_Print, recorded, and the module stays loaded', async () => {
    const bad = luaModule(`n = 0 function et_RunFrame(t) n = n + 1 error('boom ' .. n) end`, 'bad.lua');
    const watcher = luaModule(`prints = {} function et_Print(t) prints[#prints + 1] = t end`, 'watch.lua');
    const s = await EtServer.create({ homepath: tempHome(), modules: [bad, watcher] });
    const before = s.hookErrors.length;
    await s.runFrames(3);
    assert.equal(s.hookErrors.length, before + 3, 'the same hook runs again every frame');
    assert.deepEqual(s.hookErrors.at(-1), { hook: 'et_RunFrame', message: '[string "bad.lua"]:1: boom ' + s.lua('return n'), module: 'bad.lua' });
    assert.ok(s.console.includes(`Lua 5.4 API: et_RunFrame error running lua script: '[string "bad.lua"]:1: boom 1'`));
    assert.match(String(s.lua(`return prints[#prints]`, 1)), /^Lua 5\.4 API: et_RunFrame error running lua script: '.*boom \d+'\n$/);
  });

  it('a failing main chunk does not load the module; the next module still loads', async () => {
    const bad = luaModule(`error('no')`, 'bad.lua');
    const syntax = luaModule(`function (`, 'syntax.lua');
    const good = luaModule(`ok = true`, 'good.lua');
    const s = await EtServer.create({ homepath: tempHome(), modules: [bad, syntax, good] });
    assert.equal(s.raw.vms.length, 1);
    assert.equal(s.lua('return ok'), true);
    assert.ok(s.console.some((l) => l.includes(`G_LuaStartVM error running lua script: [string "bad.lua"]:1: no`)));
    assert.ok(s.console.some((l) => l.includes('syntax error during pre-compilation')));
  });

  it('et_ClientConnect: any string or number rejects a human (even 0); bots are never rejected', async () => {
    const m = luaModule(`function et_ClientConnect(c, first, bot) return 0 end`);
    const s = await EtServer.create({ homepath: tempHome(), modules: [m] });
    await assert.rejects(s.connect({ name: 'Human' }), ConnectionRejected);
    assert.deepEqual(s.slots, []);
    assert.equal(await s.connect({ name: 'Bot', bot: true }), 0);
    assert.deepEqual(s.hookReturns.map((r) => r.values), [[0], [0]]);
  });

  it('et_Damage returning 1 cancels the damage and hides it from later modules; true does not cancel', async () => {
    const canceller = luaModule(`mode = 1 function et_Damage() return mode end`, 'cancel.lua');
    const s = await live([canceller, luaModule(LOGGER, 'log.lua')]);
    clearLog(s, 1);
    const h = s.entity(1)['health'];
    assert.deepEqual(await s.damage(1, 0, 500, MOD['MOD_MP40']!), { cancelled: true, killed: false, delivered: true });
    assert.equal(s.entity(1)['health'], h);
    assert.deepEqual(logOf(s, 1), []);
    s.lua('mode = true');
    assert.deepEqual(await s.damage(1, 0, 10, MOD['MOD_MP40']!), { cancelled: false, killed: false, delivered: true });
    assert.equal(s.entity(1)['health'], (h as number) - 10);
    assert.deepEqual(logOf(s, 1), ['et_Damage(1,0,10,0,8)']);
    assert.equal(s.hookReturns.length, 2);
  });

  it('et_Obituary returning a value stops later modules; et_ClientCommand returning 1 consumes the command', async () => {
    const first = luaModule(`function et_Obituary() return 'mine' end
      function et_ClientCommand(c, cmd) if cmd == 'team' and locked then return 1 end end`, 'first.lua');
    const s = await live([first, luaModule(LOGGER, 'log.lua')]);
    s.lua('locked = true');
    clearLog(s, 1);
    await s.damage(1, 0, 150, MOD['MOD_MP40']!);
    assert.deepEqual(logOf(s, 1), ['et_Damage(1,0,150,0,8)'], 'no obituary for the second module');
    await s.joinTeam(0, 'ALLIES');
    assert.equal(s.entity(0)['sess.sessionTeam'], 1, 'team command consumed: still Axis');
  });

  it('hookReturns records values even from hooks whose results the engine ignores', async () => {
    const m = luaModule(`function et_RunFrame(t) if t == 1000 then return 0, 'x' end end function et_ClientBegin() return nil end`);
    const s = await EtServer.create({ homepath: tempHome(), modules: [m] });
    await s.connect({ name: 'A' });
    await s.runUntil(1000);
    assert.deepEqual(s.hookReturns.map((r) => [r.hook, r.values]), [['et_RunFrame', [0, 'x']]]);
  });

  it('et_WeaponFire: two results; first == 1 suppresses, the second is the fired entity', async () => {
    const m = luaModule(`function et_WeaponFire(c, w) if w == 3 then return 1, 77 end end`);
    const s = await live([m]);
    assert.deepEqual(await s.fire(0, 3), { suppressed: true, firedEntity: 77 });
    assert.deepEqual(await s.fire(0, 8), { suppressed: false, firedEntity: null });
  });

  it('et_Chat: the message is replaced through the chain of modules', async () => {
    const a = luaModule(`function et_Chat(s, r, m) return 1, m .. '!' end`, 'a.lua');
    const b = luaModule(`got = {} function et_Chat(s, r, m) got[#got + 1] = r .. ':' .. m end`, 'b.lua');
    const s = await live([a, b]);
    await s.say(0, 'hi');
    assert.equal(s.lua('return table.concat(got, ",")', 1), '0:hi!,1:hi!');
  });
});

describe('combat sequence', () => {
  after(cleanupHomes);

  it('pre-hit health inside et_Damage, uncapped damage, obituary once per life, body hits, gib', async () => {
    const m = luaModule(LOGGER + `
      local d = et_Damage
      function et_Damage(t, a, dmg, f, mod) d(t, a, dmg, f, mod) log[#log] = log[#log] .. ' hp=' .. et.gentity_get(t, 'health') end
      local o = et_Obituary
      function et_Obituary(v, k, mod) o(v, k, mod) log[#log] = log[#log] .. ' hp=' .. et.gentity_get(v, 'health') ..
        ' pm=' .. et.gentity_get(v, 'ps.pm_type') end`);
    const s = await live([m]);
    s.setField(1, 'health', 100);
    clearLog(s);
    await s.fire(0, 3);
    await s.damage(1, 0, 60, MOD['MOD_MP40']!);
    const r = await s.damage(1, 0, 150, MOD['MOD_MP40']!);
    assert.equal(r.killed, true);
    await s.damage(1, 0, 3, MOD['MOD_MP40']!);      // the body (−113 is not yet below FORCE_LIMBO_HEALTH)
    await s.damage(1, 0, 100, MOD['MOD_GRENADE']!); // gibbed (explosive may go below −174)
    await s.damage(1, 0, 10, MOD['MOD_MP40']!);     // gone: nothing
    assert.deepEqual(logOf(s), [
      'et_WeaponFire(0,3)', 'et_Damage(1,0,60,0,8) hp=100', 'et_Damage(1,0,150,0,8) hp=40',
      'et_Obituary(1,0,8) hp=-110 pm=3', 'et_Damage(1,0,3,0,8) hp=-110', 'et_Damage(1,0,100,0,4) hp=-113',
    ]);
    assert.equal(s.lifeState(1), 'limbo');
    assert.equal(s.entity(1)['health'], -213);
    const stats = s.entity(0);
    assert.equal(stats['sess.damage_given'], 100, 'the killing blow counts only the remaining health');
    assert.equal(stats['sess.kills'], 1);
  });

  it('world kills give killer 1022; /kill gives (c, c, 33) without damage; team switch gives 59', async () => {
    const s = await live([luaModule(LOGGER)], 4);
    clearLog(s);
    await s.damage(1, ENTITYNUM_WORLD, 500, MOD['MOD_FALLING']!, 8);
    await s.suicide(0);
    await s.joinTeam(2, 'ALLIES');
    const log = logOf(s).filter((l) => /Obituary|Damage|Command/.test(l));
    assert.deepEqual(log, ['et_Damage(1,1022,500,8,32)', 'et_Obituary(1,1022,32)', 'et_ClientCommand(0,kill)',
      'et_Obituary(0,0,33)', 'et_ClientCommand(2,team)', 'et_Obituary(2,2,59)']);
  });

  it('a fall after a shove: et_Damage says MOD_FALLING/1022, et_Obituary names the pusher and MOD_SHOVE', async () => {
    const s = await live([luaModule(LOGGER)]);
    clearLog(s);
    s.shove(1, 0);
    await s.damage(1, ENTITYNUM_WORLD, 500, MOD['MOD_FALLING']!, 8);
    assert.deepEqual(logOf(s), ['et_Damage(1,1022,500,8,32)', 'et_Obituary(1,0,60)']);
  });

  it('no et_Damage during intermission; warmup delivers enemy damage but not team damage; spawn shield', async () => {
    const s = await EtServer.create({ homepath: tempHome(), modules: [luaModule(LOGGER)], warmup: true });
    for (let i = 0; i < 3; i++) { await s.connect({ name: `P${i}` }); await s.joinTeam(i, i === 1 ? 'ALLIES' : 'AXIS'); }
    await s.runFor(200);
    assert.equal((await s.damage(1, 0, 10, 8)).delivered, false, 'spawn shield');
    await s.runFor(3500);
    clearLog(s);
    assert.equal((await s.damage(1, 0, 10, 8)).delivered, true, 'enemy damage in warmup');
    assert.equal((await s.damage(2, 0, 10, 8)).delivered, false, 'team damage in warmup');
    await s.startMatch();
    await s.runFor(3500);
    assert.equal((await s.damage(2, 0, 10, 8)).delivered, true, 'team damage live with g_friendlyFire 1');
    await s.endRound();
    assert.equal(s.gamestate, 3);
    assert.equal((await s.damage(1, 0, 10, 8)).delivered, false);
  });

  it('revive: et_ClientSpawn(c,1,0,1) with full health at hook time, then et_Revive; lastrevive_client', async () => {
    const m = luaModule(LOGGER + `
      local sp = et_ClientSpawn
      function et_ClientSpawn(c, r, t, h) sp(c, r, t, h) log[#log] = log[#log] .. ' hp=' .. et.gentity_get(c, 'health') end`);
    const s = await live([m], 3);
    s.setField(1, 'health', 100);
    await s.damage(1, 0, 150, 8);
    clearLog(s);
    await s.revive(1, 2);
    const lines = logOf(s);
    assert.equal(lines[0], 'et_ClientSpawn(1,1,0,1) hp=100');
    assert.match(lines[1]!, /^et_Revive\(1,2,\d+\)$/);
    assert.equal(s.entity(1)['pers.lastrevive_client'], 2);
    assert.equal(s.entity(1)['health'], 50);
    assert.equal(s.isAlive(1), true);
  });

  it('a class change on the same team is latched: no death, no spawn; the class applies at the next spawn', async () => {
    const s = await live([luaModule(LOGGER)]);
    clearLog(s);
    await s.joinTeam(0, 'AXIS', 'ENGINEER');
    assert.deepEqual(logOf(s), ['et_ClientCommand(0,team)', 'et_ClientUserinfoChanged(0)']);
    assert.equal(s.entity(0)['sess.playerType'], 1);
    assert.equal(s.entity(0)['sess.latchPlayerType'], 2);
    await s.suicide(0);
    await s.runFor(31000);
    assert.equal(s.isAlive(0), true);
    assert.equal(s.entity(0)['sess.playerType'], 2);
  });

  it('disconnect: only et_ClientDisconnect; fields stale, slot reusable with firstTime 1', async () => {
    const s = await live([luaModule(LOGGER)]);
    clearLog(s);
    await s.disconnect(1);
    assert.deepEqual(logOf(s), ['et_ClientDisconnect(1)']);
    assert.equal(s.entity(1)['pers.connected'], 0);
    assert.equal(s.entity(1)['inuse'], 0);
    assert.equal(s.entity(1)['sess.sessionTeam'], 0);
    assert.equal(await s.connect({ name: 'New' }), 1);
    assert.equal(logOf(s)[1], 'et_ClientConnect(1,1,0)');
  });
});
