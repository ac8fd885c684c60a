--[[
Tracker benchmark driver (plain Lua 5.4, run by bench/tracker.ts under native lua5.4 and under wasmoon).
  lua5.4 bench/lua/bench.lua <tracker.lua> <stub_et.lua> <stress|quiet> <minutes> [home]
Drives 64 players (32 v 32) with a stub `et` API and prints `key value` lines:
  damage_us (mean µs per et_Damage), frame_us_mean, max_<hook>_us, round_end_us (the longer of the two
  round-end frames),
  mem_mb_<minute> (collectgarbage("count") after a full collection, at 1, 10, 60 minutes), files.
Stress = 64 hits per 50 ms frame (1,280 hits/s) spread over random enemy pairs; quiet = 2 hits/s.
]]
local tracker, stub_path, mode, minutes, home = ...
minutes = tonumber(minutes) or 1
-- os.clock is CPU time (µs resolution natively; whole milliseconds under wasmoon, where sums over many
-- intervals stay unbiased but single-call maxima are only good to 1 ms)
local clock = os.clock

local stub = dofile(stub_path)
stub.reset({ maxclients = 64, home = home or "/tmp/proximity-bench", cvars = { gamestate = "2" } })
local ents, cvars = stub.ents(), stub.cvars()

-- deterministic PRNG (xorshift) so native and wasmoon runs do the same work
local seed = 12345
local function rnd(n)
  seed = seed ~ (seed << 13) & 0xffffffff
  seed = seed ~ (seed >> 17)
  seed = seed ~ (seed << 5) & 0xffffffff
  return seed % n
end

dofile(tracker)
local level = 0
et_InitGame(level, 0, 0)
for cn = 0, 63 do
  local e = ents[cn]
  e.connected, e.team, e.class, e.health = 2, cn % 2 + 1, cn % 5, 100
  e.netname = "^" .. (cn % 10) .. "Player;|," .. cn
  e.userinfo = "\\name\\" .. e.netname .. "\\cl_guid\\" .. string.format("%032X", cn + 1)
  e.origin = { (rnd(3000) + 0.25), (rnd(3000) + 0.5), 64.0 }
  et_ClientConnect(cn, 1, 0)
  et_ClientUserinfoChanged(cn)
  et_ClientSpawn(cn, 0, 1, 1)
end
cvars.gamestate = "0"
level = level + 50
et_RunFrame(level) -- goes live

if mode == "micro" then
  -- et_Damage on an already open engagement: one attacker, then three attackers taking turns
  local N = 200000
  local t0 = clock()
  for _ = 1, N do et_Damage(1, 0, 5, 0, 8) end
  print(string.format("micro_1_us %.4f", (clock() - t0) * 1e6 / N))
  t0 = clock()
  for i = 1, N do et_Damage(3, (i % 3) * 2, 5, 0, 8) end
  print(string.format("micro_3_us %.4f", (clock() - t0) * 1e6 / N))
  t0 = clock()
  for _ = 1, N do et_Damage(5, 1022, 5, 0, 32) end
  print(string.format("micro_world_us %.4f", (clock() - t0) * 1e6 / N))
  return
end

local max = {}
-- Latency histograms in 10 µs buckets up to 20 ms (fixed memory, so the driver does not skew
-- collectgarbage("count")); used for p99 / p99.9 and the count of calls over 1 ms.
local BUCKET, NBUCKETS = 10, 2000
local hist, counts = {}, {}
local function note(hook, us)
  if us > (max[hook] or 0) then max[hook] = us end
  local h = hist[hook]
  if not h then h = {}; for i = 0, NBUCKETS do h[i] = 0 end; hist[hook] = h; counts[hook] = 0 end
  local b = math.min(NBUCKETS, math.floor(us / BUCKET))
  h[b] = h[b] + 1
  counts[hook] = counts[hook] + 1
end
local function percentile(hook, p)
  local h, n, seen = hist[hook], counts[hook], 0
  for i = 0, NBUCKETS do
    seen = seen + h[i]
    if seen >= n * p then return (i + 1) * BUCKET end
  end
  return NBUCKETS * BUCKET
end

local frames = minutes * 60 * 20
local hits_per_frame = mode == "stress" and 64 or 0
local dmg_time, dmg_calls, frame_time = 0.0, 0, 0.0
local respawn_at = {}
local by_team = { {}, {} }
for cn = 0, 63 do local t = by_team[ents[cn].team]; t[#t + 1] = cn end
local mem_marks = { [1] = true, [10] = true, [60] = true }
local targets, attackers, amounts = {}, {}, {}
local focus = {}

for f = 1, frames do
  level = level + 50
  -- movement (not timed)
  for cn = 0, 63 do
    local o = ents[cn].origin
    o[1] = o[1] + (rnd(31) - 15); o[2] = o[2] + (rnd(31) - 15)
  end
  -- respawns
  for cn, at in pairs(respawn_at) do
    if f >= at then
      respawn_at[cn] = nil
      ents[cn].health = 100
      local t0 = clock(); et_ClientSpawn(cn, 0, 0, 1); note("et_ClientSpawn", (clock() - t0) * 1e6)
    end
  end
  -- choose this frame's hits (not timed)
  local n = hits_per_frame
  if mode ~= "stress" and f % 10 == 0 then n = 1 end
  local k = 0
  for _ = 1, n do
    -- each attacker keeps a target for ~2 s, so fights have 1–3 attackers like real ones
    local a = rnd(64)
    local t = focus[a]
    if not t or rnd(40) == 0 or ents[t].health <= 0 then
      local enemies = by_team[3 - ents[a].team]
      t = enemies[rnd(#enemies) + 1]
      focus[a] = t
    end
    if ents[a].health > 0 and ents[t].health > 0 then
      k = k + 1
      attackers[k], targets[k], amounts[k] = a, t, rnd(8) + 1
    end
  end
  -- et_Damage, timed as a batch (os.clock resolution is too coarse for one ~1 µs call)
  local t0 = clock()
  for i = 1, k do et_Damage(targets[i], attackers[i], amounts[i], 0, 8) end
  local dt = clock() - t0
  dmg_time = dmg_time + dt
  dmg_calls = dmg_calls + k
  -- health and deaths (obituaries timed one by one)
  for i = 1, k do
    local t = targets[i]
    local e = ents[t]
    if e.health > 0 then
      e.health = e.health - amounts[i]
      if e.health <= 0 then
        local t1 = clock(); et_Obituary(t, attackers[i], 8); note("et_Obituary", (clock() - t1) * 1e6)
        respawn_at[t] = f + 40
      end
    end
  end
  local t2 = clock()
  et_RunFrame(level)
  local fdt = (clock() - t2) * 1e6
  frame_time = frame_time + fdt
  note("et_RunFrame", fdt)
  local minute = f / 1200
  if mem_marks[minute] then
    collectgarbage("collect")
    print(string.format("mem_mb_%d %.3f", minute, collectgarbage("count") / 1024))
  end
end

-- Round end: the intermission frame closes the open engagements, the next one writes the rest.
cvars.gamestate = "3"
local round_end = 0
for _ = 1, 2 do
  level = level + 50
  local t3 = clock()
  et_RunFrame(level)
  local us = (clock() - t3) * 1e6
  note("et_RunFrame", us)
  round_end = math.max(round_end, us)
end
local t4 = clock(); et_ShutdownGame(0); note("et_ShutdownGame", (clock() - t4) * 1e6)

print(string.format("damage_calls %d", dmg_calls))
print(string.format("damage_us %.4f", dmg_calls > 0 and dmg_time * 1e6 / dmg_calls or 0))
print(string.format("frame_us_mean %.3f", frame_time / frames))
print(string.format("round_end_us %.1f", round_end))
for hook, us in pairs(max) do print(string.format("max_%s_us %.1f", hook, us)) end
for hook in pairs(hist) do
  print(string.format("p99_%s_us %d", hook, percentile(hook, 0.99)))
  print(string.format("p999_%s_us %d", hook, percentile(hook, 0.999)))
  local over = 0
  for i = 1000 // BUCKET, NBUCKETS do over = over + hist[hook][i] end
  print(string.format("over1ms_%s %d", hook, over))
  print(string.format("calls_%s %d", hook, counts[hook]))
end
print(string.format("open_handles %d", et.open_handles()))
local nfiles = 0
for name in pairs(stub.memfiles()) do if name:find("_engagements.txt$") then nfiles = nfiles + 1 end end
print(string.format("memory_files %d", nfiles))
for _, line in ipairs(stub.printed()) do
  if line:find("error") then print("tracker_error " .. line:gsub("\n", " ")) end
end
