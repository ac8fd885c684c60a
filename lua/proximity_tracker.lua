--[[
proximity_tracker.lua — combat & teamplay tracker for ET:Legacy (Lua 5.4, server side).

Tracks *engagements* (an enemy damages a player → killed / escaped / timeout / …), crossfire, kill
context and heatmaps, and writes one `PROXIMITY_ROUND v1` file per round (docs/FORMAT.md) under
<fs_homepath>/<fs_game>/<proximity_output_dir>/. How it works inside: docs/TRACKER.md.
Installation and cvars: docs/DEPLOY.md.

Rules this file lives by (each one was a live defect somewhere):
  * no hook ever returns a value (et_ClientConnect / et_Obituary / et_Damage return values change
    the game), and every hook body runs under pcall; errors are printed once per kind;
  * no client lookup (gentity_get of client fields, trap_GetUserinfo) on 1022 or slots >= sv_maxclients;
  * time is round time from levelTime (never the wall clock), anchored when gamestate becomes PLAYING,
    with paused time taken out (CS_LEVEL_START_TIME is bumped while paused);
  * integers only in output (string.format("%d") throws on floats), garbage positions dropped;
  * no FS handle is held across hooks: every write is open-append-close.
]]

-- luacheck: read globals et
-- luacheck: globals et_InitGame et_ShutdownGame et_Quit et_RunFrame et_Damage et_Obituary
-- luacheck: globals et_ClientConnect et_ClientDisconnect et_ClientUserinfoChanged et_ClientSpawn

local VERSION = "1.0.0"

-- This VM is ours alone (the engine gives each module its own). Smaller, earlier collector steps:
-- measured in bench/tracker.ts, this cuts the 99.9th percentile of et_RunFrame / et_Obituary by about a
-- third at the same memory (pause 150 %, step multiplier 200 %, step size 2^10 bytes).
collectgarbage("incremental", 150, 200, 10)

local et = et -- luacheck: ignore (the engine's global API table, cached as a local for speed)

---------------------------------------------------------------------------------------------------
-- Constants (several are not exported by the engine, see reference §3.3)
---------------------------------------------------------------------------------------------------
local GS_PLAYING, GS_INTERMISSION = 0, 3
local TEAM_AXIS, TEAM_ALLIES = 1, 2
local CS_LEVEL_START_TIME = 11
local MOD_SWAP_PLACES, MOD_SWITCHTEAM = 58, 59
local MAX_COORD = 1000000
local FLUSH_LINES = 64          -- flush the engagement buffer early when it holds this many lines
local MAX_ERROR_KINDS = 32      -- distinct error messages printed per VM (then silence)

local TEAM_NAME = { [1] = "AXIS", [2] = "ALLIES", [3] = "SPECTATOR" }
local CLASS_NAME = { [0] = "SOLDIER", [1] = "MEDIC", [2] = "ENGINEER", [3] = "FIELDOPS", [4] = "COVERTOPS" }

-- meansOfDeath → weapon (WP_*), from the game's modTable weapon icons; MOD_SYRINGE → WP_MEDIC_SYRINGE,
-- MOD_BACKSTAB → WP_KNIFE. 0 (WP_NONE) for world/other deaths.
local MOD_WEAPON = {
  [0] = 0, 30, 49, 30, 0, 1, 2, 7, 3, 8, 10, 25, 14, 32, 42, 5, 4, 6, 9, 0, 0, 0, 15, 22, 11, 0, 20,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 24, 23, 37, 38, 26, 27, 29, 30, 39, 40, 21, 21, 21, 31, 41, 34, 35,
  36, 45, 46, 22, 0, 0, 0, 48, 49, 51, 53, 1, 54,
}

-- Configuration: cvar proximity_<key>, defaults per docs/FORMAT.md. Order = order in the header.
local CONFIG_KEYS = {
  { "crossfire_window_ms", 1000, 0 }, { "escape_time_ms", 5000, 50 }, { "escape_distance", 300, 0 },
  { "sample_interval_ms", 2000, 50 }, { "grid_size", 512, 16 }, { "nearby_radius", 300, 0 },
  { "movement_sample_ms", 1000, 50 }, { "max_path_points", 48, 2 }, { "flush_ms", 1000, 0 },
  { "heatmaps", 1, 0 },
}

---------------------------------------------------------------------------------------------------
-- State. Everything is rebuilt in et_InitGame (the engine destroys the VM on every map load/restart).
---------------------------------------------------------------------------------------------------
local cfg = {}
local initialised = false -- et_InitGame ran (or the first et_RunFrame did its work: loaded by lua_restart)
local enabled = false
local max_clients = 20
local gamestate = -1

-- Per-slot identity cache, indexed by client number; updated outside the hot path.
local slot_pid = {}    -- slot → pid of the current connection (nil = free)
local slot_team = {}   -- slot → 0..3
local slot_alive = {}  -- slot → true while alive in the world
local slot_class = {}  -- slot → 0..4 or nil

local players = {}     -- pid → player record
local player_order = {} -- pids in order of creation
local next_pid = 1

-- Round
local live = false          -- round in progress (PLAYING seen, file not yet written)
local written = false       -- the round file was finished (never write twice)
local ending = nil          -- end_reason once the round end has begun (intermission frame)
local round = nil           -- per-round identity and counters
local now = 0               -- round time (ms) of the last server frame: the time of every event
local open = {}             -- slot → open engagement (as target)
local out_lines = {}        -- serialised engagement lines not yet appended to the .part file
local out_n = 0
local last_flush = 0
local lines_in_file = 0     -- engagement lines appended to the .part file so far
local next_eng_id = 1
local kill_cells, move_cells = {}, {}
local move_cursor, move_per_frame = 0, 1
local level_start_cs = nil
local paused_ms = 0

local crossfire_window = 1000 -- cfg.crossfire_window_ms, as an upvalue for et_Damage

local errors_seen, errors_count = {}, 0

---------------------------------------------------------------------------------------------------
-- Small helpers
---------------------------------------------------------------------------------------------------
local floor, sqrt, tointeger = math.floor, math.sqrt, math.tointeger
local concat, sort = table.concat, table.sort
local sfmt, gsub, byte = string.format, string.gsub, string.byte

local function log(msg)
  pcall(et.G_Print, "proximity: " .. msg .. "\n")
end

--- Prints an error once per distinct message (the same error every frame would flood the console).
local function report_error(where, err)
  local key = where .. ":" .. tostring(err)
  if errors_seen[key] or errors_count >= MAX_ERROR_KINDS then return end
  errors_seen[key] = true
  errors_count = errors_count + 1
  log("error in " .. where .. ": " .. tostring(err) .. " (further identical errors are not shown)")
end

local function cvar(name)
  local ok, v = pcall(et.trap_Cvar_Get, name)
  if ok and type(v) == "string" then return v end
  return ""
end

local function cvar_int(name, default)
  local n = tonumber(cvar(name))
  if n == nil or n ~= n or n == math.huge or n == -math.huge then return default end
  return tointeger(floor(n)) or default
end

--- FORMAT.md text encoding: bytes outside 0x20–0x7E and each of % ; | , : = / + become %XX.
local function enc_byte(c) return sfmt("%%%02X", byte(c)) end
local function encode(s)
  if s == nil then return "" end
  return (gsub(tostring(s), "[%c\128-\255%%;|,:=/+]", enc_byte))
end

--- Integer field; empty for nil. Floats are rounded (string.format("%d") would throw on them).
local function int(v)
  if v == nil then return "" end
  local i = tointeger(v)
  if i then return sfmt("%d", i) end
  if v ~= v or v > 9e15 or v < -9e15 then return "0" end
  return sfmt("%d", floor(v + 0.5))
end

--- Whether cn names a client slot that the engine can answer questions about.
local function valid_client(cn)
  return math.type(cn) == "integer" and cn >= 0 and cn < max_clients
end

--- Position of a client as three integers, or nil when unknown or garbage (|v| > 1e6, NaN).
local function client_pos(cn)
  local ok, o = pcall(et.gentity_get, cn, "ps.origin")
  if not ok or type(o) ~= "table" then return nil end
  local x, y, z = o[1], o[2], o[3]
  if type(x) ~= "number" or type(y) ~= "number" or type(z) ~= "number" then return nil end
  if not (x >= -MAX_COORD and x <= MAX_COORD and y >= -MAX_COORD and y <= MAX_COORD
      and z >= -MAX_COORD and z <= MAX_COORD) then
    return nil -- also false for NaN
  end
  return floor(x + 0.5), floor(y + 0.5), floor(z + 0.5)
end

local function client_int(cn, field)
  local ok, v = pcall(et.gentity_get, cn, field)
  if ok and math.type(v) == "integer" then return v end
  if ok and type(v) == "number" and v == v then return floor(v) end
  return nil
end

local function client_string(cn, field)
  local ok, v = pcall(et.gentity_get, cn, field)
  if ok and type(v) == "string" then return v end
  return nil
end

local function userinfo_value(cn, key)
  local ok, info = pcall(et.trap_GetUserinfo, cn)
  if not ok or type(info) ~= "string" then return "" end
  local ok2, v = pcall(et.Info_ValueForKey, info, key)
  if ok2 and type(v) == "string" then return v end
  return ""
end

local function grid_cell(cells, x, y, width)
  local g = cfg.grid_size
  local gx, gy = x // g, y // g
  local key = (gx + 1048576) * 2097152 + (gy + 1048576)
  local c = cells[key]
  if not c then
    c = { gx, gy }
    for i = 3, 2 + width do c[i] = 0 end
    cells[key] = c
  end
  return c
end

---------------------------------------------------------------------------------------------------
-- Files (always through et.trap_FS_*, which writes under fs_homepath/fs_game; never hold a handle)
---------------------------------------------------------------------------------------------------
local function fs_write(path, data, mode)
  local ok_open, fd, len = pcall(et.trap_FS_FOpenFile, path, mode)
  if not ok_open or type(fd) ~= "number" or fd == 0 or (len or 0) < 0 then
    report_error("write", "cannot open " .. path)
    return false
  end
  local ok_write, err = pcall(et.trap_FS_Write, data, #data, fd)
  pcall(et.trap_FS_FCloseFile, fd) -- always close: leaked handles exhaust the engine's 64
  if not ok_write then report_error("write", err) end
  return ok_write
end

local function fs_read(path)
  local ok, fd, len = pcall(et.trap_FS_FOpenFile, path, et.FS_READ)
  if not ok or type(fd) ~= "number" or fd == 0 or (len or -1) < 0 then return nil end
  local ok_read, data = true, ""
  if len > 0 then ok_read, data = pcall(et.trap_FS_Read, fd, math.min(len, 4096)) end
  pcall(et.trap_FS_FCloseFile, fd)
  if ok_read and type(data) == "string" then return data end
  return nil
end

local function output_dir()
  local d = cvar("proximity_output_dir")
  d = gsub(d, "\\", "/")
  d = gsub(d, "^/+", "")
  d = gsub(d, "/+$", "")
  if d == "" or d:find("..", 1, true) or d:find("::", 1, true) then d = "proximity" end
  return d
end

--- proximity_server_id, else <output_dir>/server-id.txt, else a new id written there.
local function server_id(dir)
  local id = cvar("proximity_server_id")
  if id ~= "" then return id end
  local path = dir .. "/server-id.txt"
  local stored = fs_read(path)
  if stored then
    stored = stored:match("^%s*(.-)%s*$")
    if stored ~= "" and #stored <= 128 then return stored end
  end
  local seed = cvar("sv_hostname") .. cvar("net_port") .. tostring(os.time()) .. tostring(os.clock())
  local h = 5381
  for i = 1, #seed do h = (h * 33 + byte(seed, i)) & 0x7fffffff end
  id = sfmt("etl-%08x-%08x", os.time() & 0xffffffff, (h ~ math.random(0, 0x7fffffff)) & 0x7fffffff)
  fs_write(path, id .. "\n", et.FS_WRITE)
  return id
end

local function file_map_name(map)
  local s = gsub(string.lower(map), "[^a-z0-9_.-]", "_")
  return s:sub(1, 64)
end

---------------------------------------------------------------------------------------------------
-- Players
---------------------------------------------------------------------------------------------------
local function update_identity(cn)
  local pid = slot_pid[cn]
  if not pid then return end
  local p = players[pid]
  local team = client_int(cn, "sess.sessionTeam")
  if team then
    slot_team[cn] = team
    if team == TEAM_AXIS or team == TEAM_ALLIES then p.team = team end
  end
  local cls = client_int(cn, "sess.playerType")
  if cls and CLASS_NAME[cls] then slot_class[cn] = cls; p.class = cls end
  local name = client_string(cn, "pers.netname")
  if name and name ~= "" then p.name = name end
  if p.guid == "" then p.guid = userinfo_value(cn, "cl_guid") end
end

local function new_player(cn, is_bot)
  local pid = next_pid
  next_pid = next_pid + 1
  local guid = userinfo_value(cn, "cl_guid")
  local p = {
    pid = pid, slot = cn, guid = guid, name = userinfo_value(cn, "name"),
    bot = is_bot or guid:sub(1, 7) == "OMNIBOT", team = 3, class = nil,
    first = live and now or 0, last = nil,
  }
  players[pid] = p
  player_order[#player_order + 1] = pid
  slot_pid[cn] = pid
  slot_team[cn] = 0
  slot_alive[cn] = false
  slot_class[cn] = nil
  return p
end

---------------------------------------------------------------------------------------------------
-- Engagements
---------------------------------------------------------------------------------------------------
local function add_point(e, t, x, y, z, event, final)
  if x == nil then return end
  local n = e.path_n
  local point = sfmt("%d,%d,%d,%d,%s", t, x, y, z, event)
  if n < cfg.max_path_points then
    n = n + 1
    e.path_n = n
  elseif not final then
    return -- full: later hit/sample points are dropped …
  end
  local path = e.path
  if not path then path = {}; e.path = path end -- created here, not in et_Damage
  path[n] = point -- … and the final death/escape point replaces the last kept one
end

--- Resolves what et_Damage left for the frame: the target's position in the frame of the hits gives
--- the path point (at most one per frame), the combat cells and the last-hit position. Called in
--- et_RunFrame, or when the engagement closes in the same frame (x,y,z = the position already read).
local function resolve_hit(cn, e, x, y, z)
  local hits = e.pending_hits
  e.pending_hits = 0
  if x == nil then x, y, z = client_pos(cn) end
  if x == nil then return end
  e.lx, e.ly, e.lz = x, y, z
  add_point(e, e.last_hit, x, y, z, e.path_n == 0 and "start" or "hit")
  if cfg.heatmaps ~= 0 then
    local c = grid_cell(move_cells, x, y, 3)
    c[4] = c[4] + hits
  end
end

local function open_engagement(cn, pid)
  -- All fields in the constructor: the table is sized once (this runs inside et_Damage).
  local e = {
    id = next_eng_id, target = pid, start = now, team = slot_team[cn], class = slot_class[cn],
    last_hit = now, order = {}, pairs = false, path = false, path_n = 0,
    next_sample = now + cfg.sample_interval_ms, pending_hits = 0, lx = false, ly = false, lz = false,
  }
  next_eng_id = next_eng_id + 1
  open[cn] = e
  return e
end

--- The attacker record of pid in e (created with no hits: a kill without damage).
local function attacker_of(e, pid, team)
  for _, a in ipairs(e.order) do
    if a.pid == pid then return a end
  end
  local a = { pid = pid, team = team, damage = 0, hits = 0, first = now, last = now, kill = false, weapons = {} }
  e.order[#e.order + 1] = a
  return a
end

local function list_field(pids)
  if not pids then return "" end
  for i = 1, #pids do pids[i] = int(pids[i]) end
  return concat(pids, "|")
end

local function serialise(e, outcome, mod, killer_pid, kc)
  local attackers, damage, hits = {}, 0, 0
  for i, a in ipairs(e.order) do
    damage, hits = damage + a.damage, hits + a.hits
    local mods = {}
    for m in pairs(a.weapons) do mods[#mods + 1] = m end
    sort(mods)
    for j, m in ipairs(mods) do mods[j] = int(m) .. ":" .. int(a.weapons[m]) end
    attackers[i] = concat({ int(a.pid), TEAM_NAME[a.team] or "SPECTATOR", int(a.damage), int(a.hits),
      int(a.first), int(a.last), a.kill and "1" or "0", concat(mods, "/") }, ",")
  end
  local pairs_out, min_delay = {}, nil
  if e.pairs then
    local keys = {}
    for k in pairs(e.pairs) do keys[#keys + 1] = k end
    sort(keys)
    for i, k in ipairs(keys) do
      local d = e.pairs[k]
      pairs_out[i] = int(k >> 32) .. "/" .. int(k & 0xffffffff) .. "/" .. int(d)
      if min_delay == nil or d < min_delay then min_delay = d end
    end
  end
  local f = {
    int(e.id), int(e.start), int(now), int(e.target), TEAM_NAME[e.team] or "SPECTATOR",
    CLASS_NAME[e.class] or "", outcome, int(mod), int(killer_pid), int(damage), int(hits),
    min_delay and "1" or "0", int(min_delay), concat(pairs_out, "|"), concat(attackers, "|"),
    e.path and concat(e.path, "|", 1, e.path_n) or "",
  }
  if kc then
    f[17] = int(MOD_WEAPON[mod] or 0)
    f[18] = kc.kx and (int(kc.kx) .. "," .. int(kc.ky) .. "," .. int(kc.kz)) or ""
    f[19] = kc.vx and (int(kc.vx) .. "," .. int(kc.vy) .. "," .. int(kc.vz)) or ""
    f[20] = int(kc.dist)
    f[21] = list_field(kc.killer_allies)
    f[22] = list_field(kc.killer_enemies)
    f[23] = list_field(kc.victim_allies)
    f[24] = list_field(kc.victim_enemies)
    f[25] = int(1 + #kc.killer_allies) .. "v" .. int(1 + #kc.victim_allies)
  else
    for i = 17, 25 do f[i] = "" end
  end
  return concat(f, ";")
end

--- Closes the open engagement of slot cn with an outcome; x,y,z = the target's position now (if read).
local function close_engagement(cn, outcome, mod, killer_pid, kc, x, y, z)
  local e = open[cn]
  if not e then return end
  open[cn] = nil
  if e.pending_hits > 0 then resolve_hit(cn, e, x, y, z) end
  if outcome == "escaped" then
    add_point(e, now, x, y, z, "escape", true)
  elseif mod ~= nil then
    add_point(e, now, x, y, z, "death", true)
  end
  local line = serialise(e, outcome, mod, killer_pid, kc) -- before touching the buffer: may raise
  out_n = out_n + 1
  out_lines[out_n] = line
end

--- Adds every living player within nearby_radius of the killer / the victim to the kill context lists.
--- Runs once per kill over all slots, so it is kept lean: no per-player pcall (the caller has one),
--- no rounding, no health read (slot_alive is kept by spawn/obituary and the traversal sampler).
local function scan_nearby(kc, victim, killer)
  local kx, ky, kz, vx, vy, vz = kc.kx, kc.ky, kc.kz, kc.vx, kc.vy, kc.vz
  local r2 = cfg.nearby_radius * cfg.nearby_radius
  local kteam, vteam = slot_team[killer], slot_team[victim]
  local get = et.gentity_get
  for cn = 0, max_clients - 1 do
    local team = slot_team[cn]
    if (team == TEAM_AXIS or team == TEAM_ALLIES) and slot_alive[cn] and cn ~= killer and cn ~= victim then
      local o = get(cn, "ps.origin")
      local x, y, z = o[1], o[2], o[3]
      if kx then
        local dx, dy, dz = x - kx, y - ky, z - kz
        if dx * dx + dy * dy + dz * dz <= r2 then -- false for NaN/garbage positions
          local l = team == kteam and kc.killer_allies or kc.killer_enemies
          l[#l + 1] = slot_pid[cn]
        end
      end
      if vx then
        local dx, dy, dz = x - vx, y - vy, z - vz
        if dx * dx + dy * dy + dz * dz <= r2 then
          local l = team == vteam and kc.victim_allies or kc.victim_enemies
          l[#l + 1] = slot_pid[cn]
        end
      end
    end
  end
end

--- Kill context: positions, distance, living teammates / enemies of killer and victim nearby.
local function kill_context(victim, killer)
  local kc = { killer_allies = {}, killer_enemies = {}, victim_allies = {}, victim_enemies = {} }
  kc.kx, kc.ky, kc.kz = client_pos(killer)
  kc.vx, kc.vy, kc.vz = client_pos(victim)
  if kc.kx and kc.vx then
    local dx, dy, dz = kc.kx - kc.vx, kc.ky - kc.vy, kc.kz - kc.vz
    kc.dist = floor(sqrt(dx * dx + dy * dy + dz * dz) + 0.5)
  end
  if kc.kx or kc.vx then
    -- if a read fails the kill is still recorded, with what was found so far
    local ok, err = pcall(scan_nearby, kc, victim, killer)
    if not ok then report_error("kill context", err) end
  end
  return kc
end

---------------------------------------------------------------------------------------------------
-- Round lifecycle
---------------------------------------------------------------------------------------------------
local function config_string()
  local parts = {}
  for i, k in ipairs(CONFIG_KEYS) do parts[i] = k[1] .. ":" .. int(cfg[k[1]]) end
  return concat(parts, ",")
end

local function sections_list()
  if cfg.heatmaps ~= 0 then return "engagements,players,kill_heatmap,movement_heatmap" end
  return "engagements,players"
end

local function read_level_start()
  local ok, v = pcall(et.trap_GetConfigstring, CS_LEVEL_START_TIME)
  return ok and tointeger(tonumber(v)) or nil
end

local function go_live(level_time)
  live, written, ending = true, false, nil
  now, last_flush, next_eng_id, lines_in_file = 0, 0, 1, 0
  open = {}
  out_lines, out_n = {}, 0
  kill_cells, move_cells = {}, {}
  paused_ms = 0
  level_start_cs = read_level_start()
  -- Players who left during warmup are not part of the round; those still here were "there at start".
  local kept = {}
  for _, pid in ipairs(player_order) do
    local p = players[pid]
    if p and slot_pid[p.slot] == pid then p.first = 0; kept[#kept + 1] = pid else players[pid] = nil end
  end
  player_order = kept
  local gametype = cvar_int("g_gametype", 0)
  local round_no = 1
  if gametype == 3 then round_no = math.max(1, math.min(2, cvar_int("g_currentRound", 0) + 1)) end
  local dir = output_dir()
  local map = cvar("mapname")
  round = {
    start_level = level_time, start_unix = os.time(), map = map, number = round_no, dir = dir,
    gametype = gametype,
  }
  round.part = sfmt("%s/%s-%s-round-%d_engagements.txt.part", dir, os.date("%Y-%m-%d-%H%M%S", round.start_unix),
    file_map_name(map), round_no)
  local header = {
    "# PROXIMITY_ROUND v1",
    "# tracker_version=" .. VERSION,
    "# server_id=" .. encode(server_id(dir)),
    "# server_name=" .. encode(cvar("sv_hostname")),
    "# map=" .. encode(map),
    "# round=" .. int(round_no),
    "# gametype=" .. int(gametype),
    "# round_start_unix=" .. int(round.start_unix),
    "# round_start_leveltime=" .. int(level_time),
    "# timelimit=" .. encode(cvar("timelimit")),
    "# config=" .. config_string(),
    "# sections=" .. sections_list(),
    "# ENGAGEMENTS",
    "",
  }
  fs_write(round.part, concat(header, "\n"), et.FS_WRITE)
  log(sfmt("round live (%s round %d), writing %s", map, round_no, round.part))
end

--- Round time of a level time: since the round went live, pauses excluded; never goes backwards.
local function round_time(level_time)
  local cs = level_start_cs and read_level_start()
  if cs then
    local p = cs - level_start_cs
    if p > paused_ms then paused_ms = p end
  end
  local t = level_time - round.start_level - paused_ms
  if t > now then return t end
  return now
end

local function flush_lines()
  if out_n == 0 then return end
  local data = concat(out_lines, "\n", 1, out_n) .. "\n"
  local n = out_n
  out_lines, out_n = {}, 0
  last_flush = now
  -- END counts the lines that are really in the file (the reader checks it)
  if fs_write(round.part, data, et.FS_APPEND) then lines_in_file = lines_in_file + n end
end

--- Heatmap cells as data lines, ordered by (grid_x, grid_y) for stable output. The cell keys sort in
--- that order as plain integers (no comparator: a map has up to ~1000 cells and this runs at round end).
local function cell_lines(cells, lines)
  local keys = {}
  for k in pairs(cells) do keys[#keys + 1] = k end
  sort(keys)
  for i = 1, #keys do
    local c = cells[keys[i]]
    local line = c[1] .. ";" .. c[2] .. ";" .. c[3] .. ";" .. c[4] -- all integers: `..` prints them exactly
    if c[5] then line = line .. ";" .. c[5] end
    lines[#lines + 1] = line
  end
  return #keys
end

--- First half of an intermission round end (the frame gamestate became INTERMISSION): close the open
--- engagements and append them. The rest follows in the next frame (end_round), so neither frame does
--- all the work; et_ShutdownGame in between finishes it just the same.
local function begin_end(reason)
  ending = reason
  for cn = 0, 63 do
    if open[cn] then
      local ok, err = pcall(close_engagement, cn, "round_end")
      if not ok then open[cn] = nil; report_error("round_end", err) end
    end
  end
  flush_lines()
end

--- Ends the round: closes what is open, appends players + heatmaps + END, renames .part → final.
local function end_round(reason)
  if not live or written then return end
  live, written = false, true -- set first: a failure below must never make it fire again
  for cn = 0, 63 do
    if open[cn] then
      local ok, err = pcall(close_engagement, cn, "round_end")
      if not ok then open[cn] = nil; report_error("round_end", err) end
    end
  end
  local lines = {}
  if out_n > 0 then lines[1] = concat(out_lines, "\n", 1, out_n) end
  local engagements = lines_in_file + out_n
  out_lines, out_n = {}, 0
  lines[#lines + 1] = "# PLAYERS"
  for _, pid in ipairs(player_order) do
    local p = players[pid]
    if slot_pid[p.slot] == pid then p.last = now end
    lines[#lines + 1] = concat({ int(p.pid), int(p.slot), encode(p.guid), encode(p.name), p.bot and "1" or "0",
      TEAM_NAME[p.team] or "SPECTATOR", CLASS_NAME[p.class] or "", int(p.first), int(p.last or now) }, ";")
  end
  local nkill, nmove = 0, 0
  if cfg.heatmaps ~= 0 then
    lines[#lines + 1] = "# KILL_HEATMAP"
    nkill = cell_lines(kill_cells, lines)
    lines[#lines + 1] = "# MOVEMENT_HEATMAP"
    nmove = cell_lines(move_cells, lines)
  end
  local end_unix = os.time()
  lines[#lines + 1] = sfmt("# END end_reason=%s round_end_unix=%s duration_ms=%s paused_ms=%s engagements=%s "
    .. "players=%s kill_cells=%s movement_cells=%s", reason, int(end_unix), int(now), int(paused_ms),
    int(engagements), int(#player_order), int(nkill), int(nmove))
  lines[#lines + 1] = ""
  if fs_write(round.part, concat(lines, "\n"), et.FS_APPEND) then
    -- Never overwrite an earlier round's file (same map and round ending in the same second, e.g. after
    -- lua_restart): move the name's timestamp on by a second, keeping the documented pattern.
    local final
    for bump = 0, 9 do
      final = sfmt("%s/%s-%s-round-%d_engagements.txt", round.dir, os.date("%Y-%m-%d-%H%M%S", end_unix + bump),
        file_map_name(round.map), round.number)
      if not fs_read(final) then break end
    end
    local ok, err = pcall(et.trap_FS_Rename, round.part, final)
    if ok then
      log(sfmt("round file written: %s (%d engagements, %s)", final, engagements, reason))
    else
      report_error("rename", err)
    end
  end
  open, kill_cells, move_cells = {}, {}, {}
end

---------------------------------------------------------------------------------------------------
-- Hook bodies (each runs under pcall in the hook wrappers at the bottom)
---------------------------------------------------------------------------------------------------
local function read_config()
  enabled = cvar_int("proximity_enabled", 1) ~= 0
  for _, k in ipairs(CONFIG_KEYS) do
    local v = cvar_int("proximity_" .. k[1], k[2])
    if v < k[3] then v = k[2] end
    cfg[k[1]] = v
  end
  if cfg.heatmaps ~= 0 then cfg.heatmaps = 1 end
  if cfg.max_path_points > 4096 then cfg.max_path_points = 4096 end
  if cfg.max_path_points < 2 then cfg.max_path_points = 2 end
  crossfire_window = cfg.crossfire_window_ms
end

local function on_init(level_time, _, _)
  initialised = true
  read_config()
  max_clients = math.max(1, math.min(64, cvar_int("sv_maxclients", 20)))
  local fps = math.max(1, cvar_int("sv_fps", 20))
  -- Spread the traversal sampling of all slots over the frames of one movement_sample_ms interval.
  move_per_frame = math.max(1, -(-(max_clients * 1000) // (fps * cfg.movement_sample_ms)))
  pcall(et.RegisterModname, "proximity_tracker " .. VERSION)
  log(sfmt("proximity_tracker %s loaded (%s, output dir %s)", VERSION,
    enabled and "enabled" or "disabled by proximity_enabled 0", output_dir()))
  if not enabled then return end
  -- Clients already connected (module loaded mid-game); after a map load they re-connect anyway.
  for cn = 0, max_clients - 1 do
    if client_int(cn, "pers.connected") == 2 then
      local p = new_player(cn, false)
      local svf = client_int(cn, "r.svFlags")
      if svf and svf & 8 ~= 0 then p.bot = true end
      update_identity(cn)
      local health = client_int(cn, "health")
      slot_alive[cn] = health ~= nil and health > 0 and (slot_team[cn] == 1 or slot_team[cn] == 2)
    end
  end
  gamestate = cvar_int("gamestate", -1)
  if gamestate == GS_PLAYING then go_live(level_time) end
end

local function process_frame()
  -- 1. open engagements: position of the hits since the last frame, escape/timeout decision, samples
  local escape_ms, escape_d2 = cfg.escape_time_ms, cfg.escape_distance * cfg.escape_distance
  for cn = 0, max_clients - 1 do
    local e = open[cn]
    if e then
      if e.pending_hits > 0 then resolve_hit(cn, e) end
      if now - e.last_hit >= escape_ms then
        local x, y, z = client_pos(cn)
        local escaped = false
        if x and e.lx then
          local dx, dy, dz = x - e.lx, y - e.ly, z - e.lz
          escaped = dx * dx + dy * dy + dz * dz >= escape_d2
        end
        if escaped then
          if cfg.heatmaps ~= 0 then local c = grid_cell(move_cells, x, y, 3); c[5] = c[5] + 1 end
          close_engagement(cn, "escaped", nil, nil, nil, x, y, z)
        else
          close_engagement(cn, "timeout", nil, nil, nil, x, y, z)
        end
      elseif now >= e.next_sample then
        repeat e.next_sample = e.next_sample + cfg.sample_interval_ms until e.next_sample > now
        local x, y, z = client_pos(cn)
        add_point(e, now, x, y, z, "sample")
      end
    end
  end
  -- 2. traversal heatmap: a few slots per frame so every slot is sampled once per movement_sample_ms
  if cfg.heatmaps ~= 0 then
    for _ = 1, move_per_frame do
      local cn = move_cursor
      move_cursor = (move_cursor + 1) % max_clients
      local team = slot_team[cn]
      if slot_alive[cn] and (team == TEAM_AXIS or team == TEAM_ALLIES) then
        local health = client_int(cn, "health")
        if health and health > 0 then
          local x, y = client_pos(cn)
          if x then local c = grid_cell(move_cells, x, y, 3); c[3] = c[3] + 1 end
        else
          slot_alive[cn] = false -- limbo after a mid-round team join, or a death we did not see
        end
      end
    end
  end
  -- 3. append closed engagements to the .part file (batched)
  if out_n >= FLUSH_LINES or (out_n > 0 and now - last_flush >= cfg.flush_ms) then flush_lines() end
end

local function on_frame(level_time)
  level_time = tointeger(level_time) or floor(level_time) -- the engine passes integers; stay safe anyway
  local gs = tointeger(tonumber(cvar("gamestate"))) or -1
  gamestate = gs
  if not live then
    if gs == GS_PLAYING and not written then go_live(level_time) end
    return
  end
  if ending then end_round(ending) return end -- second half of the round end; `now` stays the end time
  local before = now
  now = round_time(level_time)
  if gs == GS_INTERMISSION then begin_end("intermission") return end
  if now == before and level_time > round.start_level then return end -- paused: nothing moves
  process_frame()
end

local function on_damage(target, attacker, damage, _, mod)
  if gamestate ~= GS_PLAYING or attacker == target then return end
  local tt, at = slot_team[target], slot_team[attacker]
  -- Enemies only: one on Axis (1), the other on Allies (2). Slots without a connection (the world
  -- 1022, movers, unused slots) have no team entry.
  if not tt or not at or tt + at ~= 3 or tt == 0 or at == 0 or not slot_alive[target] then return end
  local apid = slot_pid[attacker]
  -- the engine always passes integers >= 0; keep the file valid whatever arrives
  if not damage or damage < 0 then damage = 0 end
  if not mod or mod < 0 then mod = 0 end
  local t = now
  local e = open[target]
  if not e then e = open_engagement(target, slot_pid[target]) end
  -- One pass over the attackers (usually 1–3): find this one, and pair it with every other attacker
  -- whose most recent hit is within the crossfire window (a pair keeps its smallest delay).
  local order = e.order
  local a
  for i = 1, #order do
    local b = order[i]
    if b.pid == apid then
      a = b
    else
      local d = t - b.last
      if d <= crossfire_window then
        local bp = b.pid
        local key = apid < bp and (apid << 32) | bp or (bp << 32) | apid
        local ps = e.pairs
        if not ps then ps = {}; e.pairs = ps end
        local old = ps[key]
        if old == nil or d < old then ps[key] = d end
      end
    end
  end
  if not a then
    a = { pid = apid, team = at, damage = 0, hits = 0, first = t, last = t, kill = false, weapons = {} }
    order[#order + 1] = a
  end
  a.damage = a.damage + damage
  a.hits = a.hits + 1
  a.last = t
  local w = a.weapons
  w[mod] = (w[mod] or 0) + 1
  e.last_hit = t
  -- The target's position is read once in the next et_RunFrame (same server frame): et_Damage stays
  -- free of engine calls. pending_hits > 0 means "hit since the last frame".
  e.pending_hits = e.pending_hits + 1
end

local function on_obituary(victim, killer, mod)
  if not valid_client(victim) then return end
  slot_alive[victim] = false
  if not live or gamestate ~= GS_PLAYING then return end
  local vpid = slot_pid[victim]
  if not vpid then return end
  local e = open[victim]
  if mod == MOD_SWITCHTEAM or mod == MOD_SWAP_PLACES then
    if e then close_engagement(victim, "team_changed") end
    return
  end
  if killer == victim then
    if e then close_engagement(victim, "suicide", mod, nil, nil, client_pos(victim)) end
    return
  end
  if not valid_client(killer) or not slot_pid[killer] then -- the world (1022)
    if e then close_engagement(victim, "died_world", mod, nil, nil, client_pos(victim)) end
    return
  end
  local kteam, vteam = slot_team[killer], slot_team[victim]
  local kpid = slot_pid[killer]
  if kteam == vteam then
    if e then close_engagement(victim, "teamkill", mod, kpid, nil, client_pos(victim)) end
    return
  end
  if kteam + vteam ~= 3 or kteam == 0 or vteam == 0 then -- not Axis v Allies (spectator, unknown team)
    if e then close_engagement(victim, "died_world", mod, nil, nil, client_pos(victim)) end
    return
  end
  -- Killed by an enemy: a kill without prior damage opens and closes an engagement in one step.
  if not e then e = open_engagement(victim, vpid) end
  local a = attacker_of(e, kpid, kteam)
  a.kill = true
  local kc = kill_context(victim, killer)
  if cfg.heatmaps ~= 0 and kc.vx then
    local c = grid_cell(kill_cells, kc.vx, kc.vy, 2)
    if kteam == TEAM_AXIS then c[3] = c[3] + 1 else c[4] = c[4] + 1 end
  end
  close_engagement(victim, "killed", mod, kpid, kc, kc.vx, kc.vy, kc.vz)
end

local function on_connect(cn, first_time, is_bot)
  if not valid_client(cn) then return end
  local pid = slot_pid[cn]
  if pid and first_time == 0 and players[pid] then
    if is_bot == 1 then players[pid].bot = true end
    return -- the same connection re-announced after a map load (already found by the slot scan)
  end
  if pid then -- a new connection in a slot whose leave we did not see
    if open[cn] then close_engagement(cn, "disconnected", nil, nil, nil, client_pos(cn)) end
    if players[pid] then players[pid].last = now end
  end
  local p = new_player(cn, is_bot == 1)
  if first_time == 0 then p.first = 0 end -- re-connected after the map load: was there at round start
end

local function on_disconnect(cn)
  if not valid_client(cn) then return end
  local pid = slot_pid[cn]
  if not pid then return end
  if live and open[cn] then close_engagement(cn, "disconnected", nil, nil, nil, client_pos(cn)) end
  if players[pid] then players[pid].last = live and now or 0 end
  if not live then players[pid] = nil end -- left before the round: not part of it
  slot_pid[cn], slot_team[cn], slot_alive[cn], slot_class[cn] = nil, nil, nil, nil
end

local function on_userinfo(cn)
  if not valid_client(cn) or not slot_pid[cn] then return end
  local old = slot_team[cn]
  update_identity(cn)
  local team = slot_team[cn]
  if old ~= team then
    if live and open[cn] then close_engagement(cn, "team_changed", nil, nil, nil, client_pos(cn)) end
    if team ~= TEAM_AXIS and team ~= TEAM_ALLIES then slot_alive[cn] = false end
  end
end

local function on_spawn(cn, _, _, _)
  if not valid_client(cn) or not slot_pid[cn] then return end
  local old = slot_team[cn]
  update_identity(cn)
  local team = slot_team[cn]
  if live and open[cn] and old ~= team then close_engagement(cn, "team_changed", nil, nil, nil, client_pos(cn)) end
  -- Alive again (spawn or revive: a revive keeps the earlier engagement "killed", lesson 19).
  slot_alive[cn] = team == TEAM_AXIS or team == TEAM_ALLIES
end

local function on_shutdown(restart)
  if live then end_round(ending or (restart == 1 and "map_restart" or "shutdown")) end
end

---------------------------------------------------------------------------------------------------
-- Hooks: thin guarded wrappers. They never return a value (see reference §2: return values of
-- et_ClientConnect / et_Obituary / et_Damage change the game for everyone).
---------------------------------------------------------------------------------------------------
local pcall_ = pcall

function et_InitGame(level_time, seed, restart)
  local ok, err = pcall_(on_init, level_time, seed, restart)
  if not ok then report_error("et_InitGame", err) end
end

function et_RunFrame(level_time)
  if not initialised then -- loaded mid-map (lua_restart / gLoadLua): no et_InitGame comes
    local ok, err = pcall_(on_init, level_time)
    if not ok then report_error("et_InitGame", err) end
  end
  if not enabled then return end
  local ok, err = pcall_(on_frame, level_time)
  if not ok then report_error("et_RunFrame", err) end
end

function et_Damage(target, attacker, damage, dflags, mod)
  if not live then return end
  local ok, err = pcall_(on_damage, target, attacker, damage, dflags, mod)
  if not ok then report_error("et_Damage", err) end
end

function et_Obituary(victim, killer, mod)
  if not enabled then return end
  local ok, err = pcall_(on_obituary, victim, killer, mod)
  if not ok then report_error("et_Obituary", err) end
end

function et_ClientConnect(cn, first_time, is_bot)
  if not enabled then return end
  local ok, err = pcall_(on_connect, cn, first_time, is_bot)
  if not ok then report_error("et_ClientConnect", err) end
end

function et_ClientDisconnect(cn)
  if not enabled then return end
  local ok, err = pcall_(on_disconnect, cn)
  if not ok then report_error("et_ClientDisconnect", err) end
end

function et_ClientUserinfoChanged(cn)
  if not enabled then return end
  local ok, err = pcall_(on_userinfo, cn)
  if not ok then report_error("et_ClientUserinfoChanged", err) end
end

function et_ClientSpawn(cn, revived, team_change, restore_health)
  if not enabled then return end
  local ok, err = pcall_(on_spawn, cn, revived, team_change, restore_health)
  if not ok then report_error("et_ClientSpawn", err) end
end

function et_ShutdownGame(restart)
  if not enabled then return end
  local ok, err = pcall_(on_shutdown, restart)
  if not ok then report_error("et_ShutdownGame", err) end
end

-- lua_shutdown / lua_restart call only et_Quit: write what we have (never twice, see end_round).
function et_Quit()
  if not enabled then return end
  local ok, err = pcall_(on_shutdown, 0)
  if not ok then report_error("et_Quit", err) end
end
