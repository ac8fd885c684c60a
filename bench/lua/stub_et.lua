--[[
A minimal stub of the ET:Legacy `et` API in plain Lua, for benchmarking the tracker under native lua5.4
(the emulator in src/emulator is the faithful one; this stub only has to be cheap and plausible).
Entity fields behave like the engine's: client fields of slots >= sv_maxclients raise an error,
vectors come back as fresh 1-based float tables. Files go under `<home>/legacy/` with io.*.
]]
local M = {}

local cvars = {}
local configstrings = {}
local ents = {}
local printed = {}
local home = "/tmp/proximity-stub"
local handles, next_handle = {}, 1

-- In-memory files (home = "memory"): for VMs without a usable io library (wasmoon). Each file is a list
-- of chunks, so appending stays O(1).
local memfiles = {}
M.memfiles = function() return memfiles end
function M.memfs_open(path, mode)
  if mode == 0 then
    local chunks = memfiles[path]
    if not chunks then return 0, -1 end
    local data, pos = table.concat(chunks), 0
    handles[next_handle] = { read = function(_, n) local s = data:sub(pos + 1, pos + n); pos = pos + n; return s end,
      close = function() end }
    next_handle = next_handle + 1
    return next_handle - 1, #data
  end
  if mode == 1 or not memfiles[path] then memfiles[path] = {} end
  local chunks = memfiles[path]
  handles[next_handle] = { write = function(_, s) chunks[#chunks + 1] = s end, close = function() end }
  next_handle = next_handle + 1
  return next_handle - 1, 0
end

function M.reset(opts)
  cvars = {
    gamestate = "2", sv_maxclients = tostring(opts.maxclients or 64), sv_fps = "20", mapname = opts.map or "oasis",
    g_gametype = "4", g_currentRound = "0", timelimit = "30", sv_hostname = "stub server",
    proximity_server_id = "bench",
  }
  for k, v in pairs(opts.cvars or {}) do cvars[k] = v end
  configstrings = { [11] = "0" }
  ents = {}
  for cn = 0, 63 do
    ents[cn] = { connected = 0, team = 3, class = 0, health = 0, origin = { 0.0, 0.0, 0.0 }, netname = "",
      userinfo = "" }
  end
  printed = {}
  home = opts.home or home
end

M.ents = function() return ents end
M.cvars = function() return cvars end
M.configstrings = function() return configstrings end
M.printed = function() return printed end

local function client(cn, field)
  local max = tonumber(cvars.sv_maxclients)
  if cn < 0 or cn >= max then error('tried to get invalid gentity field "' .. field .. '"') end
  return ents[cn]
end

local getters = {
  ["ps.origin"] = function(e) local o = e.origin return { o[1] + 0.0, o[2] + 0.0, o[3] + 0.0 } end,
  ["sess.sessionTeam"] = function(e) return e.team end,
  ["sess.playerType"] = function(e) return e.class end,
  ["pers.netname"] = function(e) return e.netname end,
  ["pers.connected"] = function(e) return e.connected end,
  ["health"] = function(e) return e.health end,
  ["r.svFlags"] = function(e) return e.bot and 8 or 0 end,
}

local made_dirs = {}
local function ensure_dir(path)
  local dir = path:match("^(.*)/[^/]*$")
  if dir and not made_dirs[dir] then os.execute("mkdir -p '" .. dir .. "'"); made_dirs[dir] = true end
end

et = {
  FS_READ = 0, FS_WRITE = 1, FS_APPEND = 2, FS_APPEND_SYNC = 3,
  G_Print = function(s) printed[#printed + 1] = s end,
  RegisterModname = function() end,
  trap_Cvar_Get = function(name) return cvars[name] or "" end,
  trap_Cvar_Set = function(name, v) cvars[name] = tostring(v) end,
  trap_GetConfigstring = function(i) return configstrings[i] or "" end,
  gentity_get = function(cn, field)
    local g = getters[field]
    if not g then error('tried to get invalid gentity field "' .. field .. '"') end
    return g(client(cn, field))
  end,
  trap_GetUserinfo = function(cn)
    if cn < 0 or cn >= tonumber(cvars.sv_maxclients) then error("ERR_DROP: bad userinfo slot") end
    return ents[cn].userinfo
  end,
  Info_ValueForKey = function(info, key)
    for k, v in info:gmatch("\\([^\\]*)\\([^\\]*)") do
      if k:lower() == key:lower() then return v end
    end
    return ""
  end,
  trap_FS_FOpenFile = function(path, mode)
    if home == "memory" then return M.memfs_open(path, mode) end
    local full = home .. "/legacy/" .. path
    local f
    if mode == 0 then
      f = io.open(full, "rb")
      if not f then return 0, -1 end
      local size = f:seek("end"); f:seek("set", 0)
      handles[next_handle] = f; next_handle = next_handle + 1
      return next_handle - 1, size
    end
    ensure_dir(full)
    f = io.open(full, mode == 1 and "wb" or "ab")
    if not f then return 0, -1 end
    handles[next_handle] = f; next_handle = next_handle + 1
    return next_handle - 1, 0
  end,
  trap_FS_Read = function(fd, count) return handles[fd]:read(count) or "" end,
  trap_FS_Write = function(data, count, fd)
    local f = handles[fd]
    if not f then error("ERR_DROP: FS_FileForHandle") end
    f:write(data:sub(1, count)); return count
  end,
  trap_FS_FCloseFile = function(fd) local f = handles[fd]; if f then f:close(); handles[fd] = nil end end,
  trap_FS_Rename = function(a, b)
    if home == "memory" then memfiles[b] = memfiles[a]; memfiles[a] = nil return end
    os.rename(home .. "/legacy/" .. a, home .. "/legacy/" .. b) end,
  open_handles = function() local n = 0 for _ in pairs(handles) do n = n + 1 end return n end,
}

return M
