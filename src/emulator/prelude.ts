/**
 * Lua code run in every module VM before its main chunk. It builds the `et` table from the JS bridge
 * (`__et_js`) and does the type work that wasmoon cannot: wasmoon pushes every integral JS number as a Lua
 * integer, but the engine pushes vec3 components and float fields with lua_pushnumber, so scripts see floats
 * (`math.type(v[1]) == 'float'`). Argument checks mimic luaL_checkinteger/luaL_checkstring, whose messages
 * carry no position (luaL_where(L, 1) of a C function is empty), hence error(msg, 0).
 */
export const PRELUDE = String.raw`
local J, C, HOME, BASE = __et_js, __et_const, __et_home, __et_base
__et_js, __et_const, __et_home, __et_base = nil, nil, nil, nil
local type, error, tonumber, tostring, select = type, error, tonumber, tostring, select
local mtype, tointeger, format = math.type, math.tointeger, string.format

local function argerr(n, fname, msg) error(format("bad argument #%d to '%s' (%s)", n, fname, msg), 0) end
local function checkint(v, n, fname)
  local t = mtype(v)
  if t == 'integer' then return v end
  if t == 'float' then
    local i = tointeger(v)
    if i then return i end
    argerr(n, fname, 'number has no integer representation')
  end
  if type(v) == 'string' then
    local x = tonumber(v)
    if x then
      local i = tointeger(x)
      if i then return i end
      argerr(n, fname, 'number has no integer representation')
    end
  end
  argerr(n, fname, 'number expected, got ' .. (v == nil and 'no value' or type(v)))
end
local function optint(v, n, fname, d) if v == nil then return d end return checkint(v, n, fname) end
local function checkstr(v, n, fname)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return tostring(v) end
  argerr(n, fname, 'string expected, got ' .. (v == nil and 'no value' or t))
end

local et = {}
for k, v in pairs(C) do et[k] = v end

-- entities ------------------------------------------------------------------------------------------------
local gget, gset = J.gget, J.gset
-- gget pushes typed values itself (integers as integers, floats and fresh vec3 tables as floats).
function et.gentity_get(ent, field, idx)
  if mtype(ent) ~= 'integer' then ent = checkint(ent, 1, 'gentity_get') end
  if type(field) ~= 'string' then field = checkstr(field, 2, 'gentity_get') end
  if idx ~= nil and mtype(idx) ~= 'integer' then idx = checkint(idx, 3, 'gentity_get') end
  local k, a, b, c, d, e, f, g, h, i = gget(ent, field, idx)
  if k == 0 then return a end
  if k == 3 then error(a, 0) end
  if k == 5 then return { a, b, c, d, e } end
  if k == 6 then return { trType = a, trTime = b, trDuration = c, trBase = { d, e, f }, trDelta = { g, h, i } } end
  return nil
end
function et.gentity_set(ent, field, a, b)
  ent = checkint(ent, 1, 'gentity_set')
  field = checkstr(field, 2, 'gentity_set')
  local err = gset(ent, field, a, b)
  if err then error(err, 0) end
end

-- cvars, configstrings, commands ----------------------------------------------------------------------------
local cvarget, cvarset = J.cvarget, J.cvarset
function et.trap_Cvar_Get(name)
  if type(name) ~= 'string' then name = checkstr(name, 1, 'trap_Cvar_Get') end
  return cvarget(name)
end
function et.trap_Cvar_Set(name, value)
  cvarset(checkstr(name, 1, 'trap_Cvar_Set'), checkstr(value, 2, 'trap_Cvar_Set'))
end
function et.trap_GetConfigstring(i) return J.csget(checkint(i, 1, 'trap_GetConfigstring')) end
function et.trap_SetConfigstring(i, s)
  J.csset(checkint(i, 1, 'trap_SetConfigstring'), checkstr(s, 2, 'trap_SetConfigstring'))
end
function et.trap_SendConsoleCommand(when, cmd)
  J.consolecmd(checkint(when, 1, 'trap_SendConsoleCommand'), checkstr(cmd, 2, 'trap_SendConsoleCommand'))
end
function et.trap_SendServerCommand(cn, cmd)
  J.servercmd(checkint(cn, 1, 'trap_SendServerCommand'), checkstr(cmd, 2, 'trap_SendServerCommand'))
end
function et.trap_DropClient(cn, reason, ban)
  J.dropclient(checkint(cn, 1, 'trap_DropClient'), checkstr(reason, 2, 'trap_DropClient'), optint(ban, 3, 'trap_DropClient', 0))
end
function et.trap_Argc() return J.argc() end
function et.trap_Argv(i) return J.argv(checkint(i, 1, 'trap_Argv')) end
function et.ConcatArgs(i) return J.concatargs(checkint(i, 1, 'ConcatArgs')) end
function et.ClientNumberFromString(s) return J.clientnumfromstring(checkstr(s, 1, 'ClientNumberFromString')) end
function et.G_Say(cn, mode, text)
  J.gsay(checkint(cn, 1, 'G_Say'), checkint(mode, 2, 'G_Say'), checkstr(text, 3, 'G_Say'))
end
function et.MutePlayer(cn, duration, reason) J.mute(checkint(cn, 1, 'MutePlayer'), 1) end
function et.UnmutePlayer(cn) J.mute(checkint(cn, 1, 'UnmutePlayer'), 0) end

-- userinfo ---------------------------------------------------------------------------------------------------
function et.trap_GetUserinfo(cn) return J.getuserinfo(checkint(cn, 1, 'trap_GetUserinfo')) end
function et.trap_SetUserinfo(cn, s) J.setuserinfo(checkint(cn, 1, 'trap_SetUserinfo'), checkstr(s, 2, 'trap_SetUserinfo')) end
function et.ClientUserinfoChanged(cn) J.userinfochanged(checkint(cn, 1, 'ClientUserinfoChanged')) end

-- info strings: byte-exact, implemented here (q_shared.c Info_* semantics) -------------------------------
local function info_pairs(s)
  local out, pos = {}, 1
  if s:sub(1, 1) == '\\' then pos = 2 end
  while pos <= #s do
    local ks, ke = s:find('\\', pos, true)
    local key = s:sub(pos, (ks or #s + 1) - 1)
    if not ks then out[#out + 1] = { key, '' } break end
    local vs = s:find('\\', ke + 1, true)
    out[#out + 1] = { key, s:sub(ke + 1, (vs or #s + 1) - 1) }
    if not vs then break end
    pos = vs + 1
  end
  return out
end
function et.Info_ValueForKey(s, key)
  s = checkstr(s, 1, 'Info_ValueForKey'); key = checkstr(key, 2, 'Info_ValueForKey'):lower()
  for _, kv in ipairs(info_pairs(s)) do if kv[1]:lower() == key then return kv[2] end end
  return ''
end
function et.Info_RemoveKey(s, key)
  s = checkstr(s, 1, 'Info_RemoveKey'); key = checkstr(key, 2, 'Info_RemoveKey')
  local parts = {}
  for _, kv in ipairs(info_pairs(s)) do
    if kv[1] ~= key then parts[#parts + 1] = '\\' .. kv[1] .. '\\' .. kv[2] end
  end
  return table.concat(parts)
end
function et.Info_SetValueForKey(s, key, value)
  s = checkstr(s, 1, 'Info_SetValueForKey'); key = checkstr(key, 2, 'Info_SetValueForKey')
  value = checkstr(value, 3, 'Info_SetValueForKey')
  local out = et.Info_RemoveKey(s, key)
  if value == '' then return out end
  return '\\' .. key .. '\\' .. value .. out
end
function et.Q_CleanStr(s)
  s = checkstr(s, 1, 'Q_CleanStr')
  s = s:gsub('%^[^%^%z]', '')
  return (s:gsub('[^\32-\126]', ''))
end

-- printing ---------------------------------------------------------------------------------------------------
function et.G_Print(text) J.gprint(checkstr(text, 1, 'G_Print')) end
function et.G_LogPrint(text) J.glogprint(checkstr(text, 1, 'G_LogPrint')) end

-- files ------------------------------------------------------------------------------------------------------
function et.trap_FS_FOpenFile(path, mode)
  return J.fsopen(checkstr(path, 1, 'trap_FS_FOpenFile'), checkint(mode, 2, 'trap_FS_FOpenFile'))
end
local fswrite = J.fswrite
function et.trap_FS_Write(data, count, fd)
  data = checkstr(data, 1, 'trap_FS_Write')
  count = checkint(count, 2, 'trap_FS_Write')
  fd = checkint(fd, 3, 'trap_FS_Write')
  if count < #data then data = data:sub(1, count) end
  return fswrite(data, fd)
end
function et.trap_FS_Read(fd, count) return J.fsread(checkint(fd, 1, 'trap_FS_Read'), checkint(count, 2, 'trap_FS_Read')) end
function et.trap_FS_FCloseFile(fd) J.fsclose(checkint(fd, 1, 'trap_FS_FCloseFile')) end
function et.trap_FS_Rename(a, b) J.fsrename(checkstr(a, 1, 'trap_FS_Rename'), checkstr(b, 2, 'trap_FS_Rename')) end
function et.trap_FS_GetFileList(dir, ext)
  local list = J.fslist(checkstr(dir, 1, 'trap_FS_GetFileList'), checkstr(ext, 2, 'trap_FS_GetFileList'))
  local t = {}
  for i = 1, #list do t[i] = list[i] end
  return t
end

-- time, bits, misc -------------------------------------------------------------------------------------------
et.trap_Milliseconds = J.millis
function et.isBitSet(bit, value)
  return (checkint(value, 2, 'isBitSet') & checkint(bit, 1, 'isBitSet')) ~= 0
end
function et.RegisterModname(name) J.registermodname(checkstr(name, 1, 'RegisterModname')) end
function et.FindSelf() local slot = J.findself() return slot end   -- exactly one result (nil in the main chunk)
function et.FindMod(slot) local name, sha = J.findmod(checkint(slot, 1, 'FindMod')) return name, sha end
function et.IPCSend(slot, msg) return J.ipcsend(checkint(slot, 1, 'IPCSend'), checkstr(msg, 2, 'IPCSend')) end
function et.G_Damage(target, inflictor, attacker, damage, dflags, mod)
  J.gdamage(checkint(target, 1, 'G_Damage'), checkint(inflictor, 2, 'G_Damage'), checkint(attacker, 3, 'G_Damage'),
    checkint(damage, 4, 'G_Damage'), checkint(dflags, 5, 'G_Damage'), checkint(mod, 6, 'G_Damage'))
end
local index = 0
function et.G_SoundIndex(name) index = index + 1 return index end
function et.G_ModelIndex(name) index = index + 1 return index end
function et.G_globalSound() end
function et.G_Sound() end
function et.G_ClientSound() end
function et.G_AddSkillPoints(cn, skill, points) J.skillpoints(checkint(cn, 1, 'G_AddSkillPoints'), checkint(skill, 2, 'G_AddSkillPoints'), points + 0.0) end
function et.G_LoseSkillPoints(cn, skill, points) J.skillpoints(checkint(cn, 1, 'G_LoseSkillPoints'), checkint(skill, 2, 'G_LoseSkillPoints'), -(points + 0.0)) end
function et.G_XP_Set(cn, xp, skill, add) end
function et.G_ResetXP(cn) end
function et.AddWeaponToPlayer(cn, weapon, ammo, clip, setcurrent) end
function et.RemoveWeaponFromPlayer(cn, weapon) end
function et.GetCurrentWeapon(cn)
  local w = et.gentity_get(checkint(cn, 1, 'GetCurrentWeapon'), 'ps.weapon')
  return w, et.gentity_get(cn, 'ps.ammo', w), et.gentity_get(cn, 'ps.ammoclip', w)
end
function et.G_CreateEntity(params) local n = J.createentity() return n end
function et.G_DeleteEntity(ent) return 0 end
function et.G_TempEntity(origin, event) local n = J.createentity() return n end
function et.G_FreeEntity(ent) end
function et.G_EntitiesFree() return J.entitiesfree() end
function et.G_SetEntState(ent, state) end
function et.trap_LinkEntity(ent) end
function et.trap_UnlinkEntity(ent) end
function et.G_GetSpawnVar(ent, key) return nil end
function et.G_SetSpawnVar(ent, key, value) end
function et.G_AddEvent(ent, event, param) end
function et.G_ShaderRemap() end
function et.G_ResetRemappedShaders() end
function et.G_ShaderRemapFlush() end
function et.G_SetGlobalFog() end
local function trace(start, mins, maxs, stop)
  return { allsolid = 0, startsolid = 0, fraction = 1.0,
           endpos = { stop[1] + 0.0, stop[2] + 0.0, stop[3] + 0.0 },
           plane = { normal = { 0.0, 0.0, 0.0 }, dist = 0.0, type = 0, signbits = 0, pad = { 0, 0 } },
           surfaceFlags = 0, contents = 0, entityNum = 1023 }
end
function et.trap_Trace(start, mins, maxs, stop, passent, mask) return trace(start, mins, maxs, stop) end
function et.G_HistoricalTrace(ent, start, mins, maxs, stop, passent, mask) return trace(start, mins, maxs, stop) end
_G.et = et

-- Lua's own print goes to the server's stdout; keep it in the console.
local cat = table.concat
function print(...)
  local n, parts = select('#', ...), {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  J.luaprint(cat(parts, '\t'))
end

-- os.time()/os.date() follow the emulated wall clock so output is deterministic.
local now, time0, date0 = J.unixnow, os.time, os.date
os.time = function(t) if t == nil then return now() end return time0(t) end
os.date = function(fmt, t) if t == nil then t = now() end return date0(fmt, t) end

-- package.path as g_lua.c sets it; a searcher reads the real disk (wasmoon's file system is virtual).
local paths = {}
if BASE ~= HOME then
  paths[#paths + 1] = BASE .. '/legacy/?.lua'; paths[#paths + 1] = BASE .. '/legacy/lualibs/?.lua'
end
paths[#paths + 1] = HOME .. '/legacy/?.lua'; paths[#paths + 1] = HOME .. '/legacy/lualibs/?.lua'
package.path = table.concat(paths, ';')
package.cpath = HOME .. '/legacy/lualibs/?.so'
LUA_PATH, LUA_CPATH, LUA_DIRSEP = package.path, package.cpath, '/'
local readfile = J.readfile
package.searchers[2] = function(name)
  local tried, file = {}, name:gsub('%.', '/')
  for tpl in package.path:gmatch('[^;]+') do
    local p = tpl:gsub('%?', file)
    local src = readfile(p)
    if src then
      local fn, err = load(src, '@' .. p)
      if not fn then error(format("error loading module '%s' from file '%s':\n\t%s", name, p, err), 0) end
      return fn, p
    end
    tried[#tried + 1] = "\n\tno file '" .. p .. "'"
  end
  return table.concat(tried)
end
`;
