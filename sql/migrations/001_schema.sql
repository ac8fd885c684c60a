-- Proximity schema v1: rounds, the import ledger, players, engagement detail and the forever
-- aggregates. docs/SCHEMA.md defines every column and metric; keep the two in step.
--
-- Conventions
-- * GUID is the player key everywhere (`*_guid`, text COLLATE "C" so pair ordering and index order
--   are the same on every backend). Humans: cl_guid upper-cased; bots: 'BOT:<name without colour
--   codes>'; humans without a guid: 'NOGUID:<name without colour codes>'.
-- * Names are history: player.last_name, player_name_history, round_player.player_name. Aggregate
--   tables hold no names; the views add the current name.
-- * Aggregates hold sums, counts, minima and maxima only (never averages), so they merge by
--   addition. Every aggregate table <agg> has a twin <agg>_baseline holding the contribution of
--   archived rounds; <agg> = <agg>_baseline + contribution of the rounds whose detail remains.
-- * Detail rows (combat_engagement, round_player, round_heatmap) are deleted by archival; `round`
--   and `imported_file` are kept forever so an archived file is still recognised as a duplicate.

-- ---------------------------------------------------------------------------------------------
-- Rounds and the import ledger
-- ---------------------------------------------------------------------------------------------

CREATE TABLE round (
  round_id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- exact identity (field lesson 29): server, map, round number, start time
  server_id           text COLLATE "C" NOT NULL,
  map_name            text NOT NULL,
  round_number        smallint NOT NULL CHECK (round_number IN (1, 2)),
  round_start_unix    bigint NOT NULL,
  round_start         timestamptz NOT NULL,
  -- the UTC date of round_start; the seeds' session_date
  session_date        date NOT NULL,
  round_end           timestamptz,
  server_name         text,
  gametype            smallint,
  duration_ms         integer,
  paused_ms           integer,
  end_reason          text,
  timelimit           text,
  tracker_version     text,
  source_format       text NOT NULL,
  config              jsonb NOT NULL DEFAULT '{}',
  sections            text[] NOT NULL DEFAULT '{}',
  grid_size           integer NOT NULL,
  crossfire_window_ms integer NOT NULL,
  nearby_radius       integer NOT NULL,
  engagements         integer NOT NULL,
  players             integer NOT NULL,
  file_name           text NOT NULL,
  content_sha256      text COLLATE "C" NOT NULL,
  imported_at         timestamptz NOT NULL DEFAULT now(),
  archived_at         timestamptz,
  CONSTRAINT round_identity UNIQUE (server_id, map_name, round_number, round_start_unix)
);
CREATE INDEX round_start_idx ON round (round_start);
CREATE INDEX round_session_date_idx ON round (session_date);
CREATE INDEX round_map_start_idx ON round (map_name, round_start);

-- One row per imported file content. A file whose identity is known but whose hash differs is
-- rejected, never imported twice.
CREATE TABLE imported_file (
  content_sha256 text COLLATE "C" PRIMARY KEY,
  round_id       integer NOT NULL UNIQUE REFERENCES round (round_id),
  file_name      text NOT NULL,
  size_bytes     integer NOT NULL,
  imported_at    timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------------------------
-- Players (forever) and who played in a round (detail)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE player (
  player_guid text COLLATE "C" PRIMARY KEY,
  is_bot      boolean NOT NULL,
  last_name   text NOT NULL,            -- name in the most recent round (by round start)
  first_seen  timestamptz NOT NULL,     -- start of the first round seen
  last_seen   timestamptz NOT NULL      -- start of the most recent round seen
);
CREATE INDEX player_last_name_idx ON player (lower(last_name));

CREATE TABLE player_name_history (
  player_guid text COLLATE "C" NOT NULL REFERENCES player (player_guid),
  player_name text NOT NULL,            -- exactly as the client sent it (colour codes kept)
  first_seen  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL,
  rounds      integer NOT NULL,         -- rounds in which the guid used this name
  PRIMARY KEY (player_guid, player_name)
);
CREATE INDEX player_name_history_lower_idx ON player_name_history (lower(player_name));

-- Detail tables carry round_id without a foreign key: a per-row RI trigger would cost more than the
-- insert itself, and only the importer (same transaction as the round) and archival write them.
CREATE TABLE round_player (
  round_id      integer NOT NULL,
  pid           smallint NOT NULL,      -- round-local id from the file (one per connection)
  slot          smallint,
  player_guid   text COLLATE "C" NOT NULL,
  player_name   text NOT NULL,
  is_bot        boolean NOT NULL,
  team          text NOT NULL CHECK (team IN ('AXIS', 'ALLIES', 'SPECTATOR')),
  player_class  text,
  first_seen_ms integer,
  last_seen_ms  integer,
  PRIMARY KEY (round_id, pid)
);
CREATE INDEX round_player_guid_idx ON round_player (player_guid, round_id);

-- ---------------------------------------------------------------------------------------------
-- Engagement detail: one row per engagement (seed v3 `combat_engagement`)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE combat_engagement (
  round_id           integer NOT NULL,
  engagement_id      integer NOT NULL,  -- id in the file
  start_ms           integer NOT NULL,
  end_ms             integer NOT NULL,
  target_pid         smallint NOT NULL,
  target_guid        text COLLATE "C" NOT NULL,
  target_team        text NOT NULL,
  target_class       text,
  outcome            text NOT NULL CHECK (outcome IN ('killed', 'escaped', 'timeout', 'died_world',
                       'suicide', 'teamkill', 'disconnected', 'team_changed', 'round_end')),
  end_mod            smallint,
  killer_pid         smallint,
  killer_guid        text COLLATE "C",  -- killed, teamkill
  damage             integer NOT NULL,
  hits               integer NOT NULL,
  num_attackers      smallint NOT NULL,
  is_crossfire       boolean NOT NULL,
  crossfire_delay_ms integer,
  -- [{"a": guid, "b": guid, "delay_ms": n}] (a = lower pid); NULL when none
  crossfire_pairs    jsonb,
  -- [{"pid","guid","team","damage","hits","first_ms","last_ms","got_kill","weapons":{"<mod>":hits}}]
  attackers          jsonb NOT NULL,
  -- [[t, x, y, z, "event"], …] in file order
  position_path      jsonb NOT NULL,
  -- kill context (outcome = 'killed'; NULL otherwise)
  kill_weapon        smallint,
  killer_x integer, killer_y integer, killer_z integer,
  victim_x integer, victim_y integer, victim_z integer,
  kill_distance      integer,
  killer_allies      text[],            -- guids
  killer_enemies     text[],
  victim_allies      text[],
  victim_enemies     text[],
  killer_side        smallint,          -- 1 + #killer_allies
  victim_side        smallint,          -- 1 + #victim_allies
  engagement_type    text,              -- '<killer_side>v<victim_side>'
  PRIMARY KEY (round_id, engagement_id)
);
CREATE INDEX combat_engagement_target_idx ON combat_engagement (target_guid);
CREATE INDEX combat_engagement_killer_idx ON combat_engagement (killer_guid) WHERE killer_guid IS NOT NULL;

-- Heatmap cells of one round as parallel arrays (one row per round, cheap to store and to unnest).
-- NULL arrays: section not captured.
CREATE TABLE round_heatmap (
  round_id     integer PRIMARY KEY,
  kill_gx      integer[], kill_gy integer[], kill_axis integer[], kill_allies integer[],
  move_gx      integer[], move_gy integer[], move_traversal integer[], move_combat integer[],
  move_escape  integer[]
);

-- ---------------------------------------------------------------------------------------------
-- Forever aggregates (sums, counts, minima, maxima) and their baselines
-- ---------------------------------------------------------------------------------------------

CREATE TABLE player_teamplay_stats (
  player_guid             text COLLATE "C" PRIMARY KEY,
  rounds_played           bigint NOT NULL DEFAULT 0,
  time_played_ms          bigint NOT NULL DEFAULT 0,
  engagements_as_target   bigint NOT NULL DEFAULT 0,
  deaths                  bigint NOT NULL DEFAULT 0,
  escapes                 bigint NOT NULL DEFAULT 0,
  timeouts                bigint NOT NULL DEFAULT 0,
  damage_taken            bigint NOT NULL DEFAULT 0,
  hits_taken              bigint NOT NULL DEFAULT 0,
  crossfire_deaths        bigint NOT NULL DEFAULT 0,
  solo_deaths             bigint NOT NULL DEFAULT 0,
  ganked_deaths           bigint NOT NULL DEFAULT 0,
  engagements_as_attacker bigint NOT NULL DEFAULT 0,
  damage_dealt            bigint NOT NULL DEFAULT 0,
  hits_dealt              bigint NOT NULL DEFAULT 0,
  kills                   bigint NOT NULL DEFAULT 0,
  solo_kills              bigint NOT NULL DEFAULT 0,
  assisted_kills          bigint NOT NULL DEFAULT 0,
  advantage_kills         bigint NOT NULL DEFAULT 0,
  outnumbered_kills       bigint NOT NULL DEFAULT 0,
  teamkills               bigint NOT NULL DEFAULT 0,
  crossfire_engagements   bigint NOT NULL DEFAULT 0,
  crossfire_kills         bigint NOT NULL DEFAULT 0,
  crossfire_delay_sum_ms  bigint NOT NULL DEFAULT 0,
  kill_distance_sum       bigint NOT NULL DEFAULT 0,
  kill_distance_count     bigint NOT NULL DEFAULT 0,
  max_kill_distance       integer,
  escape_chances          bigint NOT NULL DEFAULT 0,
  focus_engagements       bigint NOT NULL DEFAULT 0,
  focus_survived          bigint NOT NULL DEFAULT 0
);

-- Per player and meansOfDeath: hits as an attacker, kills as the killer.
CREATE TABLE player_weapon_stats (
  player_guid text COLLATE "C" NOT NULL,
  mod         integer NOT NULL,
  hits        bigint NOT NULL DEFAULT 0,
  kills       bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (player_guid, mod)
);

CREATE TABLE crossfire_pairs (
  player1_guid          text COLLATE "C" NOT NULL,  -- player1_guid < player2_guid (C collation)
  player2_guid          text COLLATE "C" NOT NULL,
  crossfire_engagements bigint NOT NULL DEFAULT 0,
  crossfire_kills       bigint NOT NULL DEFAULT 0,
  delay_sum_ms          bigint NOT NULL DEFAULT 0,
  min_delay_ms          integer,
  PRIMARY KEY (player1_guid, player2_guid),
  CHECK (player1_guid < player2_guid)
);
CREATE INDEX crossfire_pairs_player2_idx ON crossfire_pairs (player2_guid);

-- Directed: one row per (player1, player2) and one per (player2, player1).
CREATE TABLE teammate_pair_stats (
  player1_guid          text COLLATE "C" NOT NULL,
  player2_guid          text COLLATE "C" NOT NULL,
  rounds_together       bigint NOT NULL DEFAULT 0,
  kills_within_range    bigint NOT NULL DEFAULT 0,
  simultaneous_kills    bigint NOT NULL DEFAULT 0,
  assisted_kills        bigint NOT NULL DEFAULT 0,
  crossfire_engagements bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (player1_guid, player2_guid)
);

CREATE TABLE map_kill_heatmap (
  map_name     text NOT NULL,
  grid_size    integer NOT NULL,
  grid_x       integer NOT NULL,
  grid_y       integer NOT NULL,
  axis_kills   bigint NOT NULL DEFAULT 0,
  allies_kills bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (map_name, grid_size, grid_x, grid_y)
);

CREATE TABLE map_movement_heatmap (
  map_name  text NOT NULL,
  grid_size integer NOT NULL,
  grid_x    integer NOT NULL,
  grid_y    integer NOT NULL,
  traversal bigint NOT NULL DEFAULT 0,
  combat    bigint NOT NULL DEFAULT 0,
  escape    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (map_name, grid_size, grid_x, grid_y)
);

-- Per day (session_date), server, map, outcome and engagement type ('' unless killed).
CREATE TABLE engagement_daily_stats (
  session_date          date NOT NULL,
  server_id             text COLLATE "C" NOT NULL,
  map_name              text NOT NULL,
  outcome               text NOT NULL,
  engagement_type       text NOT NULL,
  engagements           bigint NOT NULL DEFAULT 0,
  crossfire_engagements bigint NOT NULL DEFAULT 0,
  damage                bigint NOT NULL DEFAULT 0,
  hits                  bigint NOT NULL DEFAULT 0,
  attackers             bigint NOT NULL DEFAULT 0,
  duration_ms           bigint NOT NULL DEFAULT 0,
  kill_distance_sum     bigint NOT NULL DEFAULT 0,
  kill_distance_count   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (session_date, server_id, map_name, outcome, engagement_type)
);

CREATE TABLE player_teamplay_stats_baseline  (LIKE player_teamplay_stats  INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (player_guid));
CREATE TABLE player_weapon_stats_baseline    (LIKE player_weapon_stats    INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (player_guid, mod));
CREATE TABLE crossfire_pairs_baseline        (LIKE crossfire_pairs        INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (player1_guid, player2_guid));
CREATE TABLE teammate_pair_stats_baseline    (LIKE teammate_pair_stats    INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (player1_guid, player2_guid));
CREATE TABLE map_kill_heatmap_baseline       (LIKE map_kill_heatmap       INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (map_name, grid_size, grid_x, grid_y));
CREATE TABLE map_movement_heatmap_baseline   (LIKE map_movement_heatmap   INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (map_name, grid_size, grid_x, grid_y));
CREATE TABLE engagement_daily_stats_baseline (LIKE engagement_daily_stats INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (session_date, server_id, map_name, outcome, engagement_type));

-- ---------------------------------------------------------------------------------------------
-- Seed v2 views
-- ---------------------------------------------------------------------------------------------

-- One row per kill with its spatial context (seed v2 `kill_context`); names as in that round.
CREATE VIEW kill_context AS
SELECT e.round_id, e.engagement_id, r.session_date, r.round_start, r.server_id, r.map_name,
       r.round_number, e.end_ms AS kill_ms,
       e.killer_guid, kp.player_name AS killer_name, e.target_guid AS victim_guid,
       vp.player_name AS victim_name, e.target_team AS victim_team, e.end_mod AS means_of_death,
       e.kill_weapon AS weapon, e.killer_x, e.killer_y, e.killer_z, e.victim_x, e.victim_y,
       e.victim_z, e.kill_distance, e.engagement_type, e.killer_side, e.victim_side,
       e.killer_allies, e.killer_enemies, e.victim_allies, e.victim_enemies,
       to_jsonb(e.killer_allies) AS supporting_allies,
       e.is_crossfire, e.num_attackers, e.damage, e.hits
FROM combat_engagement e
JOIN round r ON r.round_id = e.round_id
LEFT JOIN round_player kp ON kp.round_id = e.round_id AND kp.pid = e.killer_pid
LEFT JOIN round_player vp ON vp.round_id = e.round_id AND vp.pid = e.target_pid
WHERE e.outcome = 'killed';

CREATE VIEW player_proximity_stats AS
SELECT s.player_guid, p.last_name AS player_name, p.is_bot,
       s.kills, s.deaths, s.solo_kills, s.solo_deaths, s.assisted_kills, s.advantage_kills,
       s.outnumbered_kills, s.ganked_deaths, s.crossfire_engagements AS crossfire_participations,
       s.crossfire_kills, s.crossfire_deaths, s.kill_distance_sum, s.kill_distance_count,
       ROUND(s.kill_distance_sum::numeric / NULLIF(s.kill_distance_count, 0), 1) AS avg_kill_distance,
       s.max_kill_distance, s.damage_dealt, s.damage_taken, s.escapes, s.rounds_played
FROM player_teamplay_stats s
JOIN player p ON p.player_guid = s.player_guid;

CREATE VIEW teammate_synergy AS
SELECT t.player1_guid, p1.last_name AS player1_name, t.player2_guid, p2.last_name AS player2_name,
       t.rounds_together, t.kills_within_range, t.simultaneous_kills, t.assisted_kills,
       t.crossfire_engagements
FROM teammate_pair_stats t
JOIN player p1 ON p1.player_guid = t.player1_guid
JOIN player p2 ON p2.player_guid = t.player2_guid;

CREATE VIEW engagement_breakdown AS
SELECT session_date, outcome, NULLIF(engagement_type, '') AS engagement_type,
       SUM(engagements)::bigint AS engagements,
       SUM(crossfire_engagements)::bigint AS crossfire_engagements,
       ROUND(100.0 * SUM(engagements) / SUM(SUM(engagements)) OVER (PARTITION BY session_date), 1)
         AS pct_of_day,
       ROUND(SUM(damage)::numeric / NULLIF(SUM(engagements), 0), 1) AS avg_damage,
       ROUND(SUM(duration_ms)::numeric / NULLIF(SUM(engagements), 0), 0) AS avg_duration_ms,
       ROUND(SUM(kill_distance_sum)::numeric / NULLIF(SUM(kill_distance_count), 0), 1)
         AS avg_kill_distance
FROM engagement_daily_stats
GROUP BY session_date, outcome, engagement_type;

CREATE VIEW heatmap_by_map AS
SELECT COALESCE(k.map_name, m.map_name) AS map_name,
       COALESCE(k.grid_size, m.grid_size) AS grid_size,
       COALESCE(k.grid_x, m.grid_x) AS grid_x,
       COALESCE(k.grid_y, m.grid_y) AS grid_y,
       COALESCE(k.axis_kills, 0) AS axis_kills,
       COALESCE(k.allies_kills, 0) AS allies_kills,
       COALESCE(k.axis_kills + k.allies_kills, 0) AS total_kills,
       COALESCE(m.traversal, 0) AS traversal,
       COALESCE(m.combat, 0) AS combat,
       COALESCE(m.escape, 0) AS escape
FROM map_kill_heatmap k
FULL JOIN map_movement_heatmap m
  ON m.map_name = k.map_name AND m.grid_size = k.grid_size
 AND m.grid_x = k.grid_x AND m.grid_y = k.grid_y;
