-- luacheck config for the ET:Legacy server module: `et` is the engine API, the et_* hooks are globals
-- the engine looks up by name.
std = "lua54"
max_line_length = 120
read_globals = { "et" }
globals = {
  "et_InitGame", "et_ShutdownGame", "et_Quit", "et_RunFrame", "et_Damage", "et_Obituary",
  "et_ClientConnect", "et_ClientDisconnect", "et_ClientUserinfoChanged", "et_ClientSpawn",
}
