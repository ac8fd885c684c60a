-- Proximity schema v2: compact engagement detail, per-player aggregates for profiles.
--
-- Why: one table row per engagement costs ~1 kB (row header, two text GUIDs, attackers and the
-- position path as jsonb objects whose keys repeat in every row, three indexes), which is ~390 MB for a
-- year of ~365K engagements. The detail of a round is now ONE row of `round_detail` holding the round's
-- players, engagements, attackers, crossfire pairs, paths and kill context as parallel arrays
-- ("columnar per round"). PostgreSQL compresses such a row as a whole (TOAST, pglz: available on every
-- backend, PGlite included), and one insert replaces ~100 row inserts and their index updates.
--
-- `combat_engagement` and `round_player` become views with exactly the columns the tables had, so
-- every query written against them (the seeds' examples, the contribution functions, bots) still works.
-- Reading the views rebuilds rows and jsonb per round: cheap for a round or a day, a full scan for
-- "all engagements of a player". The dashboard reads the forever aggregates instead, two of which are
-- new here (player_map_stats, player_outcome_stats).
--
-- Existing detail is converted in this migration; docs/SCHEMA.md describes the layout.

-- ---------------------------------------------------------------------------------------------
-- Codes used in round_detail (1-based positions in these lists)
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION proximity_team_name(p_code smallint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (ARRAY['AXIS', 'ALLIES', 'SPECTATOR'])[p_code] $$;

CREATE FUNCTION proximity_class_name(p_code smallint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (ARRAY['SOLDIER', 'MEDIC', 'ENGINEER', 'FIELDOPS', 'COVERTOPS'])[p_code] $$;

CREATE FUNCTION proximity_outcome_name(p_code smallint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (ARRAY['killed', 'escaped', 'timeout', 'died_world', 'suicide', 'teamkill', 'disconnected',
                 'team_changed', 'round_end'])[p_code] $$;

CREATE FUNCTION proximity_path_event_name(p_code smallint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (ARRAY['start', 'hit', 'sample', 'death', 'escape'])[p_code] $$;

-- ---------------------------------------------------------------------------------------------
-- The detail of one round
-- ---------------------------------------------------------------------------------------------

-- Parallel arrays per group; all arrays of a group have the same length. Players are referred to by
-- their position (1-based) in the player_* arrays. Children follow their parent in order and the
-- parent holds their count: an engagement's attackers, crossfire pairs, path points and nearby players
-- (eng_*_count), an attacker's weapons (att_weapon_count). Numbers are stored as small differences
-- where that makes them compress well (noted per column); combat_engagement decodes them.
CREATE TABLE round_detail (
  round_id               integer PRIMARY KEY,
  -- one per `# PLAYERS` line, by pid
  player_pid             smallint[] NOT NULL,
  player_slot            smallint[] NOT NULL,
  player_guid            text[] NOT NULL,     -- the player key (docs/SCHEMA.md "Keys")
  player_name            text[] NOT NULL,
  player_is_bot          boolean[] NOT NULL,
  player_team            smallint[] NOT NULL, -- proximity_team_name()
  player_class           smallint[] NOT NULL, -- proximity_class_name()
  player_first_seen_ms   integer[] NOT NULL,
  player_last_seen_ms    integer[] NOT NULL,
  -- one per engagement, by engagement id
  eng_id_offset          integer[] NOT NULL,  -- engagement id − its position (0 for ids 1, 2, 3 …)
  eng_start_ms           integer[] NOT NULL,
  eng_duration_ms        integer[] NOT NULL,
  eng_target             smallint[] NOT NULL, -- player position
  eng_target_team        smallint[] NOT NULL,
  eng_target_class       smallint[] NOT NULL,
  eng_outcome            smallint[] NOT NULL, -- proximity_outcome_name()
  eng_end_mod            smallint[] NOT NULL,
  eng_killer             smallint[] NOT NULL, -- player position
  eng_damage             integer[] NOT NULL,
  eng_hits               integer[] NOT NULL,
  eng_is_crossfire       boolean[] NOT NULL,
  eng_crossfire_delay_ms integer[] NOT NULL,
  eng_attacker_count     smallint[] NOT NULL,
  eng_pair_count         smallint[] NOT NULL,
  eng_point_count        smallint[] NOT NULL,
  eng_near_count         smallint[] NOT NULL,
  eng_x                  integer[] NOT NULL,  -- first path point (NULL without a path)
  eng_y                  integer[] NOT NULL,
  eng_z                  integer[] NOT NULL,
  -- kill context, one per engagement (NULL elements unless killed)
  kill_weapon            smallint[] NOT NULL,
  victim_dx              integer[] NOT NULL,  -- victim position − last path point (− 0 without a path)
  victim_dy              integer[] NOT NULL,
  victim_dz              integer[] NOT NULL,
  killer_dx              integer[] NOT NULL,  -- killer position − victim position (− 0 without one)
  killer_dy              integer[] NOT NULL,
  killer_dz              integer[] NOT NULL,
  kill_distance          integer[] NOT NULL,
  killer_side            smallint[] NOT NULL,
  victim_side            smallint[] NOT NULL,
  -- players within nearby_radius at a kill, list by list: 1 killer_allies, 2 killer_enemies,
  -- 3 victim_allies, 4 victim_enemies
  near_list              smallint[] NOT NULL,
  near_player            smallint[] NOT NULL,
  -- attackers
  att_player             smallint[] NOT NULL,
  att_team               smallint[] NOT NULL,
  att_damage             integer[] NOT NULL,
  att_hits               integer[] NOT NULL,
  att_first_ms           integer[] NOT NULL,  -- ms after the engagement start
  att_last_ms            integer[] NOT NULL,  -- ms after the engagement start
  att_got_kill           boolean[] NOT NULL,
  att_weapon_count       smallint[] NOT NULL,
  -- hits per meansOfDeath of an attacker, by meansOfDeath
  wpn_mod                smallint[] NOT NULL,
  wpn_hits               integer[] NOT NULL,
  -- crossfire pairs (a = the lower pid)
  xf_a                   smallint[] NOT NULL,
  xf_b                   smallint[] NOT NULL,
  xf_delay_ms            integer[] NOT NULL,
  -- position path points in file order, as differences to the previous point (the first point's
  -- previous is the engagement start and eng_x/y/z)
  path_dt_ms             integer[] NOT NULL,
  path_dx                integer[] NOT NULL,
  path_dy                integer[] NOT NULL,
  path_dz                integer[] NOT NULL,
  path_event             smallint[] NOT NULL, -- proximity_path_event_name()
  -- the file's heatmap cells, as in round_heatmap before (NULL: section not captured)
  kill_gx integer[], kill_gy integer[], kill_axis integer[], kill_allies integer[],
  move_gx integer[], move_gy integer[], move_traversal integer[], move_combat integer[], move_escape integer[]
);

-- Compressed in the row, moved to the TOAST table only when the row cannot fit a page otherwise:
-- with ~60 columns the default (EXTENDED) moved most of them out one TOAST value each, which cost
-- ~10% more space and a TOAST insert per column.
DO $$
DECLARE c name;
BEGIN
  -- every column but round_id is an array
  FOR c IN SELECT attname FROM pg_attribute
            WHERE attrelid = 'round_detail'::regclass AND attnum > 0 AND attname <> 'round_id' LOOP
    EXECUTE format('ALTER TABLE round_detail ALTER COLUMN %I SET STORAGE MAIN', c);
  END LOOP;
END
$$;

-- For counts [2, 0, 1] the parent of each child: [1, 1, 3].
CREATE FUNCTION proximity_parents(p_counts smallint[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(array_agg(c.parent ORDER BY c.parent), '{}')
  FROM unnest(p_counts) WITH ORDINALITY AS c(n, parent), generate_series(1, c.n)
$$;

-- ---------------------------------------------------------------------------------------------
-- Convert the existing detail (rounds not archived) and retire the old tables
-- ---------------------------------------------------------------------------------------------

CREATE TEMP TABLE mig_player ON COMMIT DROP AS
SELECT rp.*, row_number() OVER (PARTITION BY round_id ORDER BY pid)::smallint AS pos,
       min(pid) OVER (PARTITION BY round_id, player_guid) AS first_pid_of_guid
FROM round_player rp;

-- guid → the position of its first connection in the round (pairs and nearby lists hold guids)
CREATE TEMP TABLE mig_guid ON COMMIT DROP AS
SELECT round_id, player_guid, pos FROM mig_player WHERE pid = first_pid_of_guid;

CREATE TEMP TABLE mig_engagement ON COMMIT DROP AS
SELECT e.*, row_number() OVER (PARTITION BY round_id ORDER BY engagement_id)::integer AS ord,
       (e.position_path->0->>1)::integer AS x0, (e.position_path->0->>2)::integer AS y0,
       (e.position_path->0->>3)::integer AS z0,
       (e.position_path->-1->>1)::integer AS xn, (e.position_path->-1->>2)::integer AS yn,
       (e.position_path->-1->>3)::integer AS zn
FROM combat_engagement e;

CREATE TEMP TABLE mig_attacker ON COMMIT DROP AS
SELECT e.round_id, e.ord, a.k, a.a, p.pos, e.start_ms
FROM mig_engagement e
CROSS JOIN LATERAL jsonb_array_elements(e.attackers) WITH ORDINALITY AS a(a, k)
JOIN mig_player p ON p.round_id = e.round_id AND p.pid = (a.a->>'pid')::integer;

CREATE TEMP TABLE mig_point ON COMMIT DROP AS
SELECT round_id, ord, k, event,
       t - lag(t, 1, start_ms) OVER w AS dt, x - lag(x, 1, x0) OVER w AS dx,
       y - lag(y, 1, y0) OVER w AS dy, z - lag(z, 1, z0) OVER w AS dz
FROM (SELECT e.round_id, e.ord, q.k, e.start_ms, e.x0, e.y0, e.z0,
             (q.p->>0)::integer AS t, (q.p->>1)::integer AS x, (q.p->>2)::integer AS y, (q.p->>3)::integer AS z,
             array_position(ARRAY['start', 'hit', 'sample', 'death', 'escape'], q.p->>4)::smallint AS event
      FROM mig_engagement e
      CROSS JOIN LATERAL jsonb_array_elements(e.position_path) WITH ORDINALITY AS q(p, k)) pts
WINDOW w AS (PARTITION BY round_id, ord ORDER BY k);

CREATE TEMP TABLE mig_near ON COMMIT DROP AS
SELECT e.round_id, e.ord, l.list, l.k, g.pos
FROM mig_engagement e
CROSS JOIN LATERAL (SELECT 1::smallint, guid, k FROM unnest(e.killer_allies) WITH ORDINALITY u(guid, k)
                    UNION ALL SELECT 2::smallint, guid, k FROM unnest(e.killer_enemies) WITH ORDINALITY u(guid, k)
                    UNION ALL SELECT 3::smallint, guid, k FROM unnest(e.victim_allies) WITH ORDINALITY u(guid, k)
                    UNION ALL SELECT 4::smallint, guid, k FROM unnest(e.victim_enemies) WITH ORDINALITY u(guid, k)) l(list, guid, k)
JOIN mig_guid g ON g.round_id = e.round_id AND g.player_guid = l.guid;

CREATE TEMP TABLE mig_pair ON COMMIT DROP AS
SELECT e.round_id, e.ord, c.k, ga.pos AS a, gb.pos AS b, (c.p->>'delay_ms')::integer AS delay_ms
FROM mig_engagement e
CROSS JOIN LATERAL jsonb_array_elements(e.crossfire_pairs) WITH ORDINALITY AS c(p, k)
JOIN mig_guid ga ON ga.round_id = e.round_id AND ga.player_guid = c.p->>'a'
JOIN mig_guid gb ON gb.round_id = e.round_id AND gb.player_guid = c.p->>'b'
WHERE e.crossfire_pairs IS NOT NULL;

CREATE TEMP TABLE mig_count ON COMMIT DROP AS
SELECT e.round_id, e.ord, COALESCE(a.n, 0)::smallint AS attackers, COALESCE(x.n, 0)::smallint AS pairs,
       COALESCE(q.n, 0)::smallint AS points, COALESCE(nb.n, 0)::smallint AS near
FROM mig_engagement e
LEFT JOIN (SELECT round_id, ord, count(*) AS n FROM mig_attacker GROUP BY 1, 2) a USING (round_id, ord)
LEFT JOIN (SELECT round_id, ord, count(*) AS n FROM mig_pair GROUP BY 1, 2) x USING (round_id, ord)
LEFT JOIN (SELECT round_id, ord, count(*) AS n FROM mig_point GROUP BY 1, 2) q USING (round_id, ord)
LEFT JOIN (SELECT round_id, ord, count(*) AS n FROM mig_near GROUP BY 1, 2) nb USING (round_id, ord);

INSERT INTO round_detail
SELECT round_id,
       COALESCE(p.pid, '{}'), COALESCE(p.slot, '{}'), COALESCE(p.guid, '{}'), COALESCE(p.name, '{}'),
       COALESCE(p.bot, '{}'), COALESCE(p.team, '{}'), COALESCE(p.cls, '{}'), COALESCE(p.first_ms, '{}'),
       COALESCE(p.last_ms, '{}'),
       COALESCE(e.id_offset, '{}'), COALESCE(e.start_ms, '{}'), COALESCE(e.duration_ms, '{}'),
       COALESCE(e.target, '{}'), COALESCE(e.target_team, '{}'), COALESCE(e.target_class, '{}'),
       COALESCE(e.outcome, '{}'), COALESCE(e.end_mod, '{}'), COALESCE(e.killer, '{}'), COALESCE(e.damage, '{}'),
       COALESCE(e.hits, '{}'), COALESCE(e.is_crossfire, '{}'), COALESCE(e.crossfire_delay_ms, '{}'),
       COALESCE(e.attackers, '{}'), COALESCE(e.pairs, '{}'), COALESCE(e.points, '{}'), COALESCE(e.near, '{}'),
       COALESCE(e.x0, '{}'), COALESCE(e.y0, '{}'), COALESCE(e.z0, '{}'),
       COALESCE(e.kill_weapon, '{}'), COALESCE(e.victim_dx, '{}'), COALESCE(e.victim_dy, '{}'),
       COALESCE(e.victim_dz, '{}'), COALESCE(e.killer_dx, '{}'), COALESCE(e.killer_dy, '{}'),
       COALESCE(e.killer_dz, '{}'), COALESCE(e.kill_distance, '{}'), COALESCE(e.killer_side, '{}'),
       COALESCE(e.victim_side, '{}'),
       COALESCE(n.list, '{}'), COALESCE(n.player, '{}'),
       COALESCE(a.player, '{}'), COALESCE(a.team, '{}'), COALESCE(a.damage, '{}'), COALESCE(a.hits, '{}'),
       COALESCE(a.first_ms, '{}'), COALESCE(a.last_ms, '{}'), COALESCE(a.got_kill, '{}'),
       COALESCE(a.weapons, '{}'),
       COALESCE(w.mod, '{}'), COALESCE(w.hits, '{}'),
       COALESCE(x.a, '{}'), COALESCE(x.b, '{}'), COALESCE(x.delay_ms, '{}'),
       COALESCE(pt.dt, '{}'), COALESCE(pt.dx, '{}'), COALESCE(pt.dy, '{}'), COALESCE(pt.dz, '{}'),
       COALESCE(pt.event, '{}')
FROM (SELECT round_id FROM round WHERE archived_at IS NULL) r
LEFT JOIN (
  SELECT round_id, array_agg(pid ORDER BY pos) AS pid, array_agg(slot ORDER BY pos) AS slot,
         array_agg(player_guid ORDER BY pos) AS guid, array_agg(player_name ORDER BY pos) AS name,
         array_agg(is_bot ORDER BY pos) AS bot,
         array_agg(array_position(ARRAY['AXIS', 'ALLIES', 'SPECTATOR'], team)::smallint ORDER BY pos) AS team,
         array_agg(array_position(ARRAY['SOLDIER', 'MEDIC', 'ENGINEER', 'FIELDOPS', 'COVERTOPS'], player_class)::smallint ORDER BY pos) AS cls,
         array_agg(first_seen_ms ORDER BY pos) AS first_ms, array_agg(last_seen_ms ORDER BY pos) AS last_ms
  FROM mig_player GROUP BY round_id
) p USING (round_id)
LEFT JOIN (
  SELECT e.round_id, array_agg(e.engagement_id - e.ord ORDER BY e.ord) AS id_offset,
         array_agg(e.start_ms ORDER BY e.ord) AS start_ms,
         array_agg(e.end_ms - e.start_ms ORDER BY e.ord) AS duration_ms,
         array_agg(tp.pos ORDER BY e.ord) AS target,
         array_agg(array_position(ARRAY['AXIS', 'ALLIES', 'SPECTATOR'], e.target_team)::smallint ORDER BY e.ord) AS target_team,
         array_agg(array_position(ARRAY['SOLDIER', 'MEDIC', 'ENGINEER', 'FIELDOPS', 'COVERTOPS'], e.target_class)::smallint ORDER BY e.ord) AS target_class,
         array_agg(array_position(ARRAY['killed', 'escaped', 'timeout', 'died_world', 'suicide', 'teamkill',
                     'disconnected', 'team_changed', 'round_end'], e.outcome)::smallint ORDER BY e.ord) AS outcome,
         array_agg(e.end_mod ORDER BY e.ord) AS end_mod, array_agg(kp.pos ORDER BY e.ord) AS killer,
         array_agg(e.damage ORDER BY e.ord) AS damage, array_agg(e.hits ORDER BY e.ord) AS hits,
         array_agg(e.is_crossfire ORDER BY e.ord) AS is_crossfire,
         array_agg(e.crossfire_delay_ms ORDER BY e.ord) AS crossfire_delay_ms,
         array_agg(c.attackers ORDER BY e.ord) AS attackers, array_agg(c.pairs ORDER BY e.ord) AS pairs,
         array_agg(c.points ORDER BY e.ord) AS points, array_agg(c.near ORDER BY e.ord) AS near,
         array_agg(e.x0 ORDER BY e.ord) AS x0, array_agg(e.y0 ORDER BY e.ord) AS y0,
         array_agg(e.z0 ORDER BY e.ord) AS z0,
         array_agg(e.kill_weapon ORDER BY e.ord) AS kill_weapon,
         array_agg(e.victim_x - COALESCE(e.xn, 0) ORDER BY e.ord) AS victim_dx,
         array_agg(e.victim_y - COALESCE(e.yn, 0) ORDER BY e.ord) AS victim_dy,
         array_agg(e.victim_z - COALESCE(e.zn, 0) ORDER BY e.ord) AS victim_dz,
         array_agg(e.killer_x - COALESCE(e.victim_x, 0) ORDER BY e.ord) AS killer_dx,
         array_agg(e.killer_y - COALESCE(e.victim_y, 0) ORDER BY e.ord) AS killer_dy,
         array_agg(e.killer_z - COALESCE(e.victim_z, 0) ORDER BY e.ord) AS killer_dz,
         array_agg(e.kill_distance ORDER BY e.ord) AS kill_distance,
         array_agg(e.killer_side ORDER BY e.ord) AS killer_side, array_agg(e.victim_side ORDER BY e.ord) AS victim_side
  FROM mig_engagement e
  JOIN mig_count c ON c.round_id = e.round_id AND c.ord = e.ord
  JOIN mig_player tp ON tp.round_id = e.round_id AND tp.pid = e.target_pid
  LEFT JOIN mig_player kp ON kp.round_id = e.round_id AND kp.pid = e.killer_pid
  GROUP BY e.round_id
) e USING (round_id)
LEFT JOIN (
  SELECT round_id, array_agg(list ORDER BY ord, list, k) AS list, array_agg(pos ORDER BY ord, list, k) AS player
  FROM mig_near GROUP BY round_id
) n USING (round_id)
LEFT JOIN (
  SELECT m.round_id, array_agg(m.pos ORDER BY m.ord, m.k) AS player,
         array_agg(array_position(ARRAY['AXIS', 'ALLIES', 'SPECTATOR'], m.a->>'team')::smallint ORDER BY m.ord, m.k) AS team,
         array_agg((m.a->>'damage')::integer ORDER BY m.ord, m.k) AS damage,
         array_agg((m.a->>'hits')::integer ORDER BY m.ord, m.k) AS hits,
         array_agg((m.a->>'first_ms')::integer - m.start_ms ORDER BY m.ord, m.k) AS first_ms,
         array_agg((m.a->>'last_ms')::integer - m.start_ms ORDER BY m.ord, m.k) AS last_ms,
         array_agg((m.a->>'got_kill')::boolean ORDER BY m.ord, m.k) AS got_kill,
         array_agg((SELECT count(*) FROM jsonb_object_keys(m.a->'weapons'))::smallint ORDER BY m.ord, m.k) AS weapons
  FROM mig_attacker m GROUP BY m.round_id
) a USING (round_id)
LEFT JOIN (
  SELECT m.round_id, array_agg(wk.key::smallint ORDER BY m.ord, m.k, wk.key::integer) AS mod,
         array_agg(wk.value::integer ORDER BY m.ord, m.k, wk.key::integer) AS hits
  FROM mig_attacker m CROSS JOIN LATERAL jsonb_each_text(m.a->'weapons') wk
  GROUP BY m.round_id
) w USING (round_id)
LEFT JOIN (
  SELECT round_id, array_agg(a ORDER BY ord, k) AS a, array_agg(b ORDER BY ord, k) AS b,
         array_agg(delay_ms ORDER BY ord, k) AS delay_ms
  FROM mig_pair GROUP BY round_id
) x USING (round_id)
LEFT JOIN (
  SELECT round_id, array_agg(dt ORDER BY ord, k) AS dt, array_agg(dx ORDER BY ord, k) AS dx,
         array_agg(dy ORDER BY ord, k) AS dy, array_agg(dz ORDER BY ord, k) AS dz,
         array_agg(event ORDER BY ord, k) AS event
  FROM mig_point GROUP BY round_id
) pt USING (round_id);

UPDATE round_detail d
   SET kill_gx = h.kill_gx, kill_gy = h.kill_gy, kill_axis = h.kill_axis, kill_allies = h.kill_allies,
       move_gx = h.move_gx, move_gy = h.move_gy, move_traversal = h.move_traversal,
       move_combat = h.move_combat, move_escape = h.move_escape
  FROM round_heatmap h
 WHERE h.round_id = d.round_id;

DROP VIEW kill_context;
DROP TABLE combat_engagement;
DROP TABLE round_player;
-- Rows of ~2 kB were stored uncompressed (PostgreSQL compresses rows from ~2 kB): inside round_detail
-- the cells are compressed with the rest of the round.
DROP TABLE round_heatmap;

-- ---------------------------------------------------------------------------------------------
-- The detail as rows: the old tables' columns, computed from round_detail
-- ---------------------------------------------------------------------------------------------

CREATE VIEW round_heatmap AS
SELECT round_id, kill_gx, kill_gy, kill_axis, kill_allies, move_gx, move_gy, move_traversal, move_combat,
       move_escape
FROM round_detail;

CREATE VIEW round_player AS
SELECT d.round_id, p.pid, p.slot, p.player_guid COLLATE "C" AS player_guid, p.player_name, p.is_bot,
       proximity_team_name(p.team) AS team, proximity_class_name(p.class) AS player_class,
       p.first_seen_ms, p.last_seen_ms
FROM round_detail d,
     unnest(d.player_pid, d.player_slot, d.player_guid, d.player_name, d.player_is_bot, d.player_team,
            d.player_class, d.player_first_seen_ms, d.player_last_seen_ms)
       AS p(pid, slot, player_guid, player_name, is_bot, team, class, first_seen_ms, last_seen_ms);

-- One row per engagement, decoded from round_detail. Each group of a round is unnested once and
-- joined on the engagement's position, so reading a round costs a few hash joins over its own arrays.
CREATE VIEW combat_engagement AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (
  WITH pl AS (
    SELECT * FROM unnest(d.player_pid, d.player_guid) WITH ORDINALITY AS p(pid, guid, pos)
  ),
  eng AS (
    SELECT * FROM unnest(d.eng_start_ms, d.eng_x, d.eng_y, d.eng_z) WITH ORDINALITY AS s(start_ms, x0, y0, z0, ord)
  ),
  wpn AS (
    SELECT w.attacker, jsonb_object_agg(w.mod::text, w.hits) AS weapons
    FROM unnest(proximity_parents(d.att_weapon_count), d.wpn_mod, d.wpn_hits) AS w(attacker, mod, hits)
    GROUP BY w.attacker
  ),
  att AS (
    SELECT a.eng,
           jsonb_agg(jsonb_build_object('pid', pl.pid, 'guid', pl.guid, 'team', proximity_team_name(a.team),
                       'damage', a.damage, 'hits', a.hits, 'first_ms', s.start_ms + a.first_ms,
                       'last_ms', s.start_ms + a.last_ms, 'got_kill', a.got_kill,
                       'weapons', COALESCE(wpn.weapons, '{}'::jsonb)) ORDER BY a.ord) AS attackers
    FROM unnest(proximity_parents(d.eng_attacker_count), d.att_player, d.att_team, d.att_damage, d.att_hits,
                d.att_first_ms, d.att_last_ms, d.att_got_kill) WITH ORDINALITY
           AS a(eng, player, team, damage, hits, first_ms, last_ms, got_kill, ord)
    JOIN pl ON pl.pos = a.player
    JOIN eng s ON s.ord = a.eng
    LEFT JOIN wpn ON wpn.attacker = a.ord
    GROUP BY a.eng
  ),
  xf AS (
    SELECT c.eng, jsonb_agg(jsonb_build_object('a', pa.guid, 'b', pb.guid, 'delay_ms', c.delay_ms) ORDER BY c.ord) AS pairs
    FROM unnest(proximity_parents(d.eng_pair_count), d.xf_a, d.xf_b, d.xf_delay_ms) WITH ORDINALITY
           AS c(eng, a, b, delay_ms, ord)
    JOIN pl pa ON pa.pos = c.a
    JOIN pl pb ON pb.pos = c.b
    GROUP BY c.eng
  ),
  point AS (   -- absolute points: the running sums of the differences
    SELECT q.eng, q.ord, q.event,
           s.start_ms + sum(q.dt) OVER w AS t, s.x0 + sum(q.dx) OVER w AS x,
           s.y0 + sum(q.dy) OVER w AS y, s.z0 + sum(q.dz) OVER w AS z
    FROM unnest(proximity_parents(d.eng_point_count), d.path_dt_ms, d.path_dx, d.path_dy, d.path_dz, d.path_event)
           WITH ORDINALITY AS q(eng, dt, dx, dy, dz, event, ord)
    JOIN eng s ON s.ord = q.eng
    WINDOW w AS (PARTITION BY q.eng ORDER BY q.ord)
  ),
  path AS (
    SELECT eng, jsonb_agg(jsonb_build_array(t, x, y, z, proximity_path_event_name(event)) ORDER BY ord) AS points,
           (array_agg(x ORDER BY ord DESC))[1] AS last_x, (array_agg(y ORDER BY ord DESC))[1] AS last_y,
           (array_agg(z ORDER BY ord DESC))[1] AS last_z
    FROM point GROUP BY eng
  ),
  near AS (
    SELECT nb.eng,
           array_agg(pl.guid ORDER BY nb.ord) FILTER (WHERE nb.list = 1) AS killer_allies,
           array_agg(pl.guid ORDER BY nb.ord) FILTER (WHERE nb.list = 2) AS killer_enemies,
           array_agg(pl.guid ORDER BY nb.ord) FILTER (WHERE nb.list = 3) AS victim_allies,
           array_agg(pl.guid ORDER BY nb.ord) FILTER (WHERE nb.list = 4) AS victim_enemies
    FROM unnest(proximity_parents(d.eng_near_count), d.near_list, d.near_player) WITH ORDINALITY
           AS nb(eng, list, player, ord)
    JOIN pl ON pl.pos = nb.player
    GROUP BY nb.eng
  )
  SELECT (e.ord + e.id_offset)::integer AS engagement_id, e.start_ms, e.start_ms + e.duration_ms AS end_ms,
         tp.pid AS target_pid, tp.guid COLLATE "C" AS target_guid, proximity_team_name(e.target_team) AS target_team,
         proximity_class_name(e.target_class) AS target_class, proximity_outcome_name(e.outcome) AS outcome,
         e.end_mod, kp.pid AS killer_pid, kp.guid COLLATE "C" AS killer_guid, e.damage, e.hits,
         e.attacker_count AS num_attackers, e.is_crossfire, e.crossfire_delay_ms,
         xf.pairs AS crossfire_pairs,
         COALESCE(att.attackers, '[]'::jsonb) AS attackers,
         COALESCE(path.points, '[]'::jsonb) AS position_path,
         e.kill_weapon,
         e.killer_dx + COALESCE(e.victim_dx + COALESCE(path.last_x, 0), 0) AS killer_x,
         e.killer_dy + COALESCE(e.victim_dy + COALESCE(path.last_y, 0), 0) AS killer_y,
         e.killer_dz + COALESCE(e.victim_dz + COALESCE(path.last_z, 0), 0) AS killer_z,
         e.victim_dx + COALESCE(path.last_x, 0) AS victim_x,
         e.victim_dy + COALESCE(path.last_y, 0) AS victim_y,
         e.victim_dz + COALESCE(path.last_z, 0) AS victim_z,
         e.kill_distance,
         CASE WHEN e.killer_side IS NOT NULL THEN COALESCE(near.killer_allies, '{}') END AS killer_allies,
         CASE WHEN e.killer_side IS NOT NULL THEN COALESCE(near.killer_enemies, '{}') END AS killer_enemies,
         CASE WHEN e.killer_side IS NOT NULL THEN COALESCE(near.victim_allies, '{}') END AS victim_allies,
         CASE WHEN e.killer_side IS NOT NULL THEN COALESCE(near.victim_enemies, '{}') END AS victim_enemies,
         e.killer_side, e.victim_side,
         CASE WHEN e.killer_side IS NOT NULL THEN e.killer_side || 'v' || e.victim_side END AS engagement_type
  FROM unnest(d.eng_id_offset, d.eng_start_ms, d.eng_duration_ms, d.eng_target, d.eng_target_team,
              d.eng_target_class, d.eng_outcome, d.eng_end_mod, d.eng_killer, d.eng_damage, d.eng_hits,
              d.eng_is_crossfire, d.eng_crossfire_delay_ms, d.eng_attacker_count, d.kill_weapon, d.victim_dx, d.victim_dy, d.victim_dz,
              d.killer_dx, d.killer_dy, d.killer_dz, d.kill_distance, d.killer_side, d.victim_side) WITH ORDINALITY
         AS e(id_offset, start_ms, duration_ms, target, target_team, target_class, outcome, end_mod, killer,
              damage, hits, is_crossfire, crossfire_delay_ms, attacker_count, kill_weapon, victim_dx, victim_dy, victim_dz,
              killer_dx, killer_dy, killer_dz, kill_distance, killer_side, victim_side, ord)
  JOIN pl tp ON tp.pos = e.target
  LEFT JOIN pl kp ON kp.pos = e.killer
  LEFT JOIN att ON att.eng = e.ord
  LEFT JOIN xf ON xf.eng = e.ord
  LEFT JOIN path ON path.eng = e.ord
  LEFT JOIN near ON near.eng = e.ord
) x;

-- Seed v2 `kill_context`, as before, over the view.
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

-- The children of engagements as plain rows (no jsonb): for set-based SQL such as the contribution
-- functions below, and for anyone who would otherwise unpack combat_engagement's jsonb.
CREATE VIEW engagement_attacker AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (
  WITH pl AS (SELECT * FROM unnest(d.player_pid, d.player_guid) WITH ORDINALITY AS p(pid, guid, pos)),
       eng AS (SELECT ord + id_offset AS engagement_id, ord FROM unnest(d.eng_id_offset) WITH ORDINALITY AS e(id_offset, ord))
  SELECT eng.engagement_id, a.ord AS attacker, pl.pid, pl.guid COLLATE "C" AS player_guid,
         proximity_team_name(a.team) AS team, a.damage, a.hits, a.got_kill
  FROM unnest(proximity_parents(d.eng_attacker_count), d.att_player, d.att_team, d.att_damage, d.att_hits,
              d.att_got_kill) WITH ORDINALITY AS a(eng, player, team, damage, hits, got_kill, ord)
  JOIN pl ON pl.pos = a.player
  JOIN eng ON eng.ord = a.eng
) x;

-- Hits per meansOfDeath of each attacker (attacker = engagement_attacker.attacker).
CREATE VIEW engagement_weapon AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (
  WITH pl AS (SELECT * FROM unnest(d.player_guid) WITH ORDINALITY AS p(guid, pos)),
       eng AS (SELECT ord + id_offset AS engagement_id, ord FROM unnest(d.eng_id_offset) WITH ORDINALITY AS e(id_offset, ord)),
       att AS (SELECT * FROM unnest(proximity_parents(d.eng_attacker_count), d.att_player) WITH ORDINALITY AS a(eng, player, ord))
  SELECT eng.engagement_id, w.attacker, pl.guid COLLATE "C" AS player_guid, w.mod, w.hits
  FROM unnest(proximity_parents(d.att_weapon_count), d.wpn_mod, d.wpn_hits) AS w(attacker, mod, hits)
  JOIN att ON att.ord = w.attacker
  JOIN pl ON pl.pos = att.player
  JOIN eng ON eng.ord = att.eng
) x;

CREATE VIEW engagement_crossfire_pair AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (
  WITH pl AS (SELECT * FROM unnest(d.player_guid) WITH ORDINALITY AS p(guid, pos)),
       eng AS (SELECT ord + id_offset AS engagement_id, ord FROM unnest(d.eng_id_offset) WITH ORDINALITY AS e(id_offset, ord))
  SELECT eng.engagement_id, pa.guid COLLATE "C" AS a_guid, pb.guid COLLATE "C" AS b_guid, c.delay_ms
  FROM unnest(proximity_parents(d.eng_pair_count), d.xf_a, d.xf_b, d.xf_delay_ms) AS c(eng, a, b, delay_ms)
  JOIN pl pa ON pa.pos = c.a
  JOIN pl pb ON pb.pos = c.b
  JOIN eng ON eng.ord = c.eng
) x;

-- Players within nearby_radius at a kill; list: killer_allies, killer_enemies, victim_allies, victim_enemies.
CREATE VIEW engagement_nearby AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (
  WITH pl AS (SELECT * FROM unnest(d.player_guid) WITH ORDINALITY AS p(guid, pos)),
       eng AS (SELECT ord + id_offset AS engagement_id, ord FROM unnest(d.eng_id_offset) WITH ORDINALITY AS e(id_offset, ord))
  SELECT eng.engagement_id,
         (ARRAY['killer_allies', 'killer_enemies', 'victim_allies', 'victim_enemies'])[n.list] AS list,
         pl.guid COLLATE "C" AS player_guid
  FROM unnest(proximity_parents(d.eng_near_count), d.near_list, d.near_player) AS n(eng, list, player)
  JOIN pl ON pl.pos = n.player
  JOIN eng ON eng.ord = n.eng
) x;

-- The contribution functions of 002 unpacked combat_engagement's jsonb; over round_detail that means
-- building jsonb only to take it apart again. The same definitions over the row views. Each view is
-- read once (MATERIALIZED) and joined by hash: joined directly, a view would be decoded again for
-- every row of the other side.
CREATE OR REPLACE FUNCTION contrib_player_teamplay_stats(p_rounds integer[])
RETURNS SETOF player_teamplay_stats LANGUAGE sql STABLE AS $$
WITH e AS MATERIALIZED (
  SELECT round_id, engagement_id, target_guid, killer_guid, outcome, damage, hits, num_attackers,
         is_crossfire, killer_side, victim_side, kill_distance
  FROM combat_engagement WHERE round_id = ANY (p_rounds)
),
att AS (   -- one row per (engagement, attacker guid)
  SELECT player_guid AS g, round_id, engagement_id, sum(damage)::bigint AS damage, sum(hits)::bigint AS hits
  FROM engagement_attacker WHERE round_id = ANY (p_rounds)
  GROUP BY 1, 2, 3
),
pair AS MATERIALIZED (
  SELECT * FROM engagement_crossfire_pair WHERE round_id = ANY (p_rounds)
),
xf AS (    -- one row per (engagement, guid in a crossfire pair): the guid's smallest delay
  SELECT x.g, p.round_id, p.engagement_id, min(x.d) AS d,
         bool_or(e.outcome = 'killed' AND e.killer_guid = x.g) AS got_kill
  FROM pair p
  JOIN e ON e.round_id = p.round_id AND e.engagement_id = p.engagement_id,
       LATERAL (VALUES (p.a_guid, p.delay_ms), (p.b_guid, p.delay_ms)) x(g, d)
  GROUP BY 1, 2, 3
),
parts (g, rounds_played, time_played_ms, engagements_as_target, deaths, escapes, timeouts,
       damage_taken, hits_taken, crossfire_deaths, solo_deaths, ganked_deaths,
       engagements_as_attacker, damage_dealt, hits_dealt, kills, solo_kills, assisted_kills,
       advantage_kills, outnumbered_kills, teamkills, crossfire_engagements, crossfire_kills,
       crossfire_delay_sum_ms, kill_distance_sum, kill_distance_count, max_kill_distance,
       escape_chances, focus_engagements, focus_survived) AS (
  SELECT player_guid, count(DISTINCT round_id),
         sum(GREATEST(COALESCE(last_seen_ms, 0) - COALESCE(first_seen_ms, 0), 0)),
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL::integer, 0, 0, 0
  FROM round_player
  WHERE round_id = ANY (p_rounds) AND team <> 'SPECTATOR'
  GROUP BY player_guid
  UNION ALL
  SELECT target_guid, 0, 0, count(*),
         count(*) FILTER (WHERE outcome = 'killed'),
         count(*) FILTER (WHERE outcome = 'escaped'),
         count(*) FILTER (WHERE outcome = 'timeout'),
         sum(damage), sum(hits),
         count(*) FILTER (WHERE outcome = 'killed' AND is_crossfire),
         count(*) FILTER (WHERE outcome = 'killed' AND killer_side = 1 AND victim_side = 1),
         count(*) FILTER (WHERE outcome = 'killed' AND killer_side > victim_side),
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL,
         count(*) FILTER (WHERE outcome NOT IN ('round_end', 'disconnected')),
         count(*) FILTER (WHERE num_attackers >= 2),
         count(*) FILTER (WHERE num_attackers >= 2 AND outcome IN ('escaped', 'timeout', 'round_end'))
  FROM e GROUP BY target_guid
  UNION ALL
  SELECT g, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), sum(damage), sum(hits),
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0
  FROM att GROUP BY g
  UNION ALL
  SELECT killer_guid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         count(*) FILTER (WHERE outcome = 'killed'),
         count(*) FILTER (WHERE outcome = 'killed' AND killer_side = 1 AND victim_side = 1),
         count(*) FILTER (WHERE outcome = 'killed' AND num_attackers > 1),
         count(*) FILTER (WHERE outcome = 'killed' AND killer_side > victim_side),
         count(*) FILTER (WHERE outcome = 'killed' AND killer_side < victim_side),
         count(*) FILTER (WHERE outcome = 'teamkill'),
         0, 0, 0,
         COALESCE(sum(kill_distance) FILTER (WHERE outcome = 'killed'), 0),
         count(kill_distance) FILTER (WHERE outcome = 'killed'),
         max(kill_distance) FILTER (WHERE outcome = 'killed'), 0, 0, 0
  FROM e WHERE killer_guid IS NOT NULL AND outcome IN ('killed', 'teamkill')
  GROUP BY killer_guid
  UNION ALL
  SELECT g, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         count(*), count(*) FILTER (WHERE got_kill), sum(d), 0, 0, NULL, 0, 0, 0
  FROM xf GROUP BY g
)
SELECT g, sum(rounds_played)::bigint, sum(time_played_ms)::bigint, sum(engagements_as_target)::bigint,
       sum(deaths)::bigint, sum(escapes)::bigint, sum(timeouts)::bigint, sum(damage_taken)::bigint,
       sum(hits_taken)::bigint, sum(crossfire_deaths)::bigint, sum(solo_deaths)::bigint,
       sum(ganked_deaths)::bigint, sum(engagements_as_attacker)::bigint, sum(damage_dealt)::bigint,
       sum(hits_dealt)::bigint, sum(kills)::bigint, sum(solo_kills)::bigint,
       sum(assisted_kills)::bigint, sum(advantage_kills)::bigint, sum(outnumbered_kills)::bigint,
       sum(teamkills)::bigint, sum(crossfire_engagements)::bigint, sum(crossfire_kills)::bigint,
       sum(crossfire_delay_sum_ms)::bigint, sum(kill_distance_sum)::bigint,
       sum(kill_distance_count)::bigint, max(max_kill_distance)::integer,
       sum(escape_chances)::bigint, sum(focus_engagements)::bigint, sum(focus_survived)::bigint
FROM parts GROUP BY g
$$;

CREATE OR REPLACE FUNCTION contrib_player_weapon_stats(p_rounds integer[])
RETURNS SETOF player_weapon_stats LANGUAGE sql STABLE AS $$
WITH parts (g, mod, hits, kills) AS (
  SELECT player_guid, mod::integer, hits::bigint, 0
  FROM engagement_weapon WHERE round_id = ANY (p_rounds)
  UNION ALL
  SELECT killer_guid, end_mod, 0, 1
  FROM combat_engagement
  WHERE round_id = ANY (p_rounds) AND outcome = 'killed' AND killer_guid IS NOT NULL AND end_mod IS NOT NULL
)
SELECT g, mod, sum(hits)::bigint, sum(kills)::bigint FROM parts GROUP BY g, mod
$$;

CREATE OR REPLACE FUNCTION contrib_crossfire_pairs(p_rounds integer[])
RETURNS SETOF crossfire_pairs LANGUAGE sql STABLE AS $$
WITH pr AS MATERIALIZED (   -- one row per (engagement, guid pair)
  SELECT p.round_id, p.engagement_id, LEAST(p.a_guid, p.b_guid) AS p1, GREATEST(p.a_guid, p.b_guid) AS p2,
         min(p.delay_ms) AS d
  FROM engagement_crossfire_pair p
  WHERE p.round_id = ANY (p_rounds) AND p.a_guid <> p.b_guid
  GROUP BY 1, 2, 3, 4
),
e AS MATERIALIZED (
  SELECT round_id, engagement_id, outcome, killer_guid FROM combat_engagement WHERE round_id = ANY (p_rounds)
)
SELECT pr.p1, pr.p2, count(*)::bigint,
       count(*) FILTER (WHERE e.outcome = 'killed' AND e.killer_guid IN (pr.p1, pr.p2))::bigint,
       sum(pr.d)::bigint, min(pr.d)::integer
FROM pr
JOIN e ON e.round_id = pr.round_id AND e.engagement_id = pr.engagement_id
GROUP BY pr.p1, pr.p2
$$;

CREATE OR REPLACE FUNCTION contrib_teammate_pair_stats(p_rounds integer[])
RETURNS SETOF teammate_pair_stats LANGUAGE sql STABLE AS $$
WITH k AS MATERIALIZED (          -- kills by an enemy
  SELECT e.round_id, e.engagement_id, e.end_ms, e.target_team, e.killer_guid
  FROM combat_engagement e
  WHERE e.round_id = ANY (p_rounds) AND e.outcome = 'killed' AND e.killer_guid IS NOT NULL
),
rp AS MATERIALIZED (
  SELECT round_id, player_guid, team FROM round_player WHERE round_id = ANY (p_rounds) AND team <> 'SPECTATOR'
),
near AS MATERIALIZED (
  SELECT * FROM engagement_nearby WHERE round_id = ANY (p_rounds) AND list = 'killer_allies'
),
att AS MATERIALIZED (
  SELECT round_id, engagement_id, player_guid FROM engagement_attacker WHERE round_id = ANY (p_rounds)
),
pair AS MATERIALIZED (
  SELECT * FROM engagement_crossfire_pair WHERE round_id = ANY (p_rounds)
),
parts (g1, g2, rounds_together, kills_within_range, simultaneous_kills, assisted_kills,
       crossfire_engagements) AS (
  SELECT a.player_guid, b.player_guid, count(DISTINCT a.round_id), 0, 0, 0, 0
  FROM rp a
  JOIN rp b ON b.round_id = a.round_id AND b.team = a.team
  WHERE a.player_guid <> b.player_guid
  GROUP BY 1, 2
  UNION ALL
  SELECT g1, g2, 0, count(*), 0, 0, 0
  FROM (SELECT DISTINCT k.round_id, k.engagement_id, k.killer_guid AS g1, n.player_guid AS g2
        FROM k JOIN near n ON n.round_id = k.round_id AND n.engagement_id = k.engagement_id
        WHERE n.player_guid <> k.killer_guid) x
  GROUP BY 1, 2
  UNION ALL
  SELECT g1, g2, 0, 0, count(*), 0, 0
  FROM (SELECT DISTINCT k1.round_id, k1.engagement_id, k1.killer_guid AS g1, k2.killer_guid AS g2
        FROM k k1
        JOIN k k2 ON k2.round_id = k1.round_id AND k2.target_team = k1.target_team
                 AND k2.killer_guid <> k1.killer_guid
        JOIN round r ON r.round_id = k1.round_id
        WHERE abs(k2.end_ms - k1.end_ms) <= r.crossfire_window_ms) x
  GROUP BY 1, 2
  UNION ALL
  SELECT g1, g2, 0, 0, 0, count(*), 0
  FROM (SELECT DISTINCT k.round_id, k.engagement_id, k.killer_guid AS g1, a.player_guid AS g2
        FROM k JOIN att a ON a.round_id = k.round_id AND a.engagement_id = k.engagement_id
        WHERE a.player_guid <> k.killer_guid) x
  GROUP BY 1, 2
  UNION ALL
  SELECT g1, g2, 0, 0, 0, 0, count(*)
  FROM (SELECT DISTINCT p.round_id, p.engagement_id, x.g1, x.g2
        FROM pair p,
             LATERAL (VALUES (p.a_guid, p.b_guid), (p.b_guid, p.a_guid)) x(g1, g2)
        WHERE x.g1 <> x.g2) y
  GROUP BY 1, 2
)
SELECT g1, g2, sum(rounds_together)::bigint, sum(kills_within_range)::bigint,
       sum(simultaneous_kills)::bigint, sum(assisted_kills)::bigint,
       sum(crossfire_engagements)::bigint
FROM parts GROUP BY g1, g2
$$;

-- ---------------------------------------------------------------------------------------------
-- Per-player aggregates for the player profile (forever, like the others)
-- ---------------------------------------------------------------------------------------------

-- Per player and map: rounds played (AXIS/ALLIES), time played, kills by and deaths of the player.
CREATE TABLE player_map_stats (
  player_guid    text COLLATE "C" NOT NULL,
  map_name       text NOT NULL,
  rounds_played  bigint NOT NULL DEFAULT 0,
  time_played_ms bigint NOT NULL DEFAULT 0,
  kills          bigint NOT NULL DEFAULT 0,
  deaths         bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (player_guid, map_name)
);

-- Per player and outcome: engagements of the player (as the target) that ended so.
CREATE TABLE player_outcome_stats (
  player_guid text COLLATE "C" NOT NULL,
  outcome     text NOT NULL,
  engagements bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (player_guid, outcome)
);

CREATE TABLE player_map_stats_baseline     (LIKE player_map_stats     INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (player_guid, map_name));
CREATE TABLE player_outcome_stats_baseline (LIKE player_outcome_stats INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (player_guid, outcome));

CREATE FUNCTION contrib_player_map_stats(p_rounds integer[])
RETURNS SETOF player_map_stats LANGUAGE sql STABLE AS $$
WITH parts (g, map_name, rounds_played, time_played_ms, kills, deaths) AS (
  SELECT p.player_guid, r.map_name, count(DISTINCT p.round_id),
         sum(GREATEST(COALESCE(p.last_seen_ms, 0) - COALESCE(p.first_seen_ms, 0), 0)), 0, 0
  FROM round_player p JOIN round r ON r.round_id = p.round_id
  WHERE p.round_id = ANY (p_rounds) AND p.team <> 'SPECTATOR'
  GROUP BY 1, 2
  UNION ALL
  SELECT e.killer_guid, r.map_name, 0, 0, count(*), 0
  FROM combat_engagement e JOIN round r ON r.round_id = e.round_id
  WHERE e.round_id = ANY (p_rounds) AND e.outcome = 'killed' AND e.killer_guid IS NOT NULL
  GROUP BY 1, 2
  UNION ALL
  SELECT e.target_guid, r.map_name, 0, 0, 0, count(*)
  FROM combat_engagement e JOIN round r ON r.round_id = e.round_id
  WHERE e.round_id = ANY (p_rounds) AND e.outcome = 'killed'
  GROUP BY 1, 2
)
SELECT g, map_name, sum(rounds_played)::bigint, sum(time_played_ms)::bigint, sum(kills)::bigint, sum(deaths)::bigint
FROM parts GROUP BY g, map_name
$$;

CREATE FUNCTION contrib_player_outcome_stats(p_rounds integer[])
RETURNS SETOF player_outcome_stats LANGUAGE sql STABLE AS $$
SELECT target_guid, outcome, count(*)::bigint
FROM combat_engagement WHERE round_id = ANY (p_rounds)
GROUP BY 1, 2
$$;

CREATE OR REPLACE VIEW proximity_aggregate AS
SELECT * FROM (VALUES
  (1, 'player_teamplay_stats'::regclass,  'player_teamplay_stats_baseline'::regclass,  'contrib_player_teamplay_stats'),
  (7, 'player_weapon_stats'::regclass,    'player_weapon_stats_baseline'::regclass,    'contrib_player_weapon_stats'),
  (2, 'crossfire_pairs'::regclass,        'crossfire_pairs_baseline'::regclass,        'contrib_crossfire_pairs'),
  (3, 'teammate_pair_stats'::regclass,    'teammate_pair_stats_baseline'::regclass,    'contrib_teammate_pair_stats'),
  (4, 'map_kill_heatmap'::regclass,       'map_kill_heatmap_baseline'::regclass,       'contrib_map_kill_heatmap'),
  (5, 'map_movement_heatmap'::regclass,   'map_movement_heatmap_baseline'::regclass,   'contrib_map_movement_heatmap'),
  (6, 'engagement_daily_stats'::regclass, 'engagement_daily_stats_baseline'::regclass, 'contrib_engagement_daily_stats'),
  (8, 'player_map_stats'::regclass,       'player_map_stats_baseline'::regclass,       'contrib_player_map_stats'),
  (9, 'player_outcome_stats'::regclass,   'player_outcome_stats_baseline'::regclass,   'contrib_player_outcome_stats')
) AS a (position, aggregate, baseline, contribution);

-- Aggregate rows are updated by every import batch: free space in each page lets PostgreSQL write the
-- new row version beside the old one without touching the indexes (HOT updates), which keeps the
-- tables and their primary keys from bloating between vacuums. Not for engagement_daily_stats, the
-- largest: its rows are per day, and a past day's rows are never updated again.
DO $$
DECLARE a record;
BEGIN
  FOR a IN SELECT aggregate FROM proximity_aggregate WHERE aggregate <> 'engagement_daily_stats'::regclass LOOP
    EXECUTE format('ALTER TABLE %s SET (fillfactor = 70)', a.aggregate);
  END LOOP;
END
$$;

-- The new aggregates start from the detail still present; archived rounds' share of them is unknown
-- (their detail is gone), so they count from the oldest round still in detail.
INSERT INTO player_map_stats
SELECT * FROM contrib_player_map_stats((SELECT COALESCE(array_agg(round_id), '{}') FROM round WHERE archived_at IS NULL));
INSERT INTO player_outcome_stats
SELECT * FROM contrib_player_outcome_stats((SELECT COALESCE(array_agg(round_id), '{}') FROM round WHERE archived_at IS NULL));

-- ---------------------------------------------------------------------------------------------
-- Retention and data volume over the new layout
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION archive_old_proximity_data(p_days integer)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_rounds integer[];
  v_engagements bigint;
  v_players bigint;
  v_heatmaps bigint;
BEGIN
  IF p_days IS NULL OR p_days < 0 THEN
    RAISE EXCEPTION 'archive_old_proximity_data: days must be >= 0, got %', p_days;
  END IF;
  PERFORM pg_advisory_xact_lock(proximity_lock_key());
  SELECT COALESCE(array_agg(round_id ORDER BY round_id), '{}') INTO v_rounds
    FROM round
   WHERE archived_at IS NULL AND round_start < now() - make_interval(days => p_days);
  IF cardinality(v_rounds) > 0 THEN
    PERFORM proximity_merge_rounds(v_rounds, true);
  END IF;
  SELECT COALESCE(sum(cardinality(eng_start_ms)), 0), COALESCE(sum(cardinality(player_pid)), 0)
    INTO v_engagements, v_players
    FROM round_detail WHERE round_id = ANY (v_rounds);
  DELETE FROM round_detail WHERE round_id = ANY (v_rounds);
  GET DIAGNOSTICS v_heatmaps = ROW_COUNT;  -- one heatmap (row of the round_heatmap view) per round
  UPDATE round SET archived_at = now() WHERE round_id = ANY (v_rounds);
  RETURN jsonb_build_object('rounds', cardinality(v_rounds), 'combat_engagement', v_engagements,
                            'round_player', v_players, 'round_heatmap', v_heatmaps);
END
$$;

-- Seed v2: SELECT * FROM proximity_data_stats(); rows and bytes (table + indexes + TOAST) per table.
-- combat_engagement, round_player and round_heatmap are views over round_detail: their rows are
-- counted, their bytes are round_detail's (total_bytes NULL, so that summing total_bytes counts every byte once).
CREATE OR REPLACE FUNCTION proximity_data_stats()
RETURNS TABLE (table_name text, row_count bigint, total_bytes bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['round', 'imported_file', 'player', 'player_name_history', 'round_detail',
                           'player_teamplay_stats', 'player_weapon_stats', 'crossfire_pairs',
                           'teammate_pair_stats', 'map_kill_heatmap', 'map_movement_heatmap',
                           'engagement_daily_stats', 'player_map_stats', 'player_outcome_stats',
                           'player_teamplay_stats_baseline', 'player_weapon_stats_baseline',
                           'crossfire_pairs_baseline', 'teammate_pair_stats_baseline',
                           'map_kill_heatmap_baseline', 'map_movement_heatmap_baseline',
                           'engagement_daily_stats_baseline', 'player_map_stats_baseline',
                           'player_outcome_stats_baseline'] LOOP
    table_name := t;
    EXECUTE format('SELECT count(*) FROM %I', t) INTO row_count;
    total_bytes := pg_total_relation_size(t::regclass);
    RETURN NEXT;
  END LOOP;
  table_name := 'combat_engagement';
  total_bytes := NULL;
  SELECT COALESCE(sum(cardinality(eng_start_ms)), 0) INTO row_count FROM round_detail;
  RETURN NEXT;
  table_name := 'round_player';
  SELECT COALESCE(sum(cardinality(player_pid)), 0) INTO row_count FROM round_detail;
  RETURN NEXT;
  table_name := 'round_heatmap';
  SELECT count(*) INTO row_count FROM round_detail;
  RETURN NEXT;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Import: files in batches
-- ---------------------------------------------------------------------------------------------

-- The importer writes a batch of files in one transaction: per file one statement that calls
-- proximity_import_round (round, ledger) and inserts the round's round_detail row, then ONE
-- proximity_merge_import call adds the players, names and aggregate contributions of the files that
-- were imported, summed by the importer (src/store/import.ts). A batch that fails is retried, then
-- written one file per transaction: a file still commits whole or not at all. Aggregates are touched
-- once per batch instead of once per file (most keys, such as a pair of players or a heatmap cell,
-- recur in every round).
DROP FUNCTION proximity_import_round(jsonb);
DROP FUNCTION proximity_define_import();

-- p_file: {"identity", "sha256", "file_name", "size", "round": {…RoundRow}} (src/store/import.ts).
-- Returns {"status": "imported" | "duplicate" | "changed" | "same_content", "round_id", "file_name",
--          "sha256"}; "changed" = the identity is known with other content (the caller rejects).
CREATE FUNCTION proximity_import_round(p_file jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_r jsonb := p_file->'round';
  v_prev record;
  v_round integer;
BEGIN
  -- The commit need not wait for the WAL flush: if the server itself crashes right after, the whole
  -- batch's transaction is lost (never part of a file) and the next import run simply imports it again.
  -- This shortens the time the aggregate rows stay locked against parallel importers.
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock_shared(proximity_lock_key());
  PERFORM pg_advisory_xact_lock(hashtext('proximity'), hashtext(p_file->>'identity'));
  SELECT round_id, content_sha256, file_name INTO v_prev FROM round
   WHERE server_id = v_r->>'serverId' AND map_name = v_r->>'mapName'
     AND round_number = (v_r->>'roundNumber')::smallint AND round_start_unix = (v_r->>'roundStartUnix')::bigint;
  IF FOUND THEN
    RETURN jsonb_build_object('status', CASE WHEN v_prev.content_sha256 = p_file->>'sha256' THEN 'duplicate' ELSE 'changed' END,
                              'round_id', v_prev.round_id, 'file_name', v_prev.file_name, 'sha256', v_prev.content_sha256);
  END IF;
  SELECT round_id, file_name INTO v_prev FROM imported_file WHERE content_sha256 = p_file->>'sha256';
  IF FOUND THEN
    RETURN jsonb_build_object('status', 'same_content', 'round_id', v_prev.round_id, 'file_name', v_prev.file_name);
  END IF;

  INSERT INTO round (server_id, map_name, round_number, round_start_unix, round_start, session_date,
      round_end, server_name, gametype, duration_ms, paused_ms, end_reason, timelimit, tracker_version,
      source_format, config, sections, grid_size, crossfire_window_ms, nearby_radius, engagements,
      players, file_name, content_sha256)
  SELECT x."serverId", x."mapName", x."roundNumber", x."roundStartUnix", x."roundStart", x."sessionDate",
      x."roundEnd", x."serverName", x.gametype, x."durationMs", x."pausedMs", x."endReason", x.timelimit,
      x."trackerVersion", x."sourceFormat", x.config, x.sections, x."gridSize", x."crossfireWindowMs",
      x."nearbyRadius", x.engagements, x.players, p_file->>'file_name', p_file->>'sha256'
  FROM jsonb_to_record(v_r) AS x("serverId" text, "mapName" text, "roundNumber" smallint,
      "roundStartUnix" bigint, "roundStart" timestamptz, "sessionDate" date, "roundEnd" timestamptz,
      "serverName" text, gametype smallint, "durationMs" integer, "pausedMs" integer, "endReason" text,
      timelimit text, "trackerVersion" text, "sourceFormat" text, config jsonb, sections text[],
      "gridSize" integer, "crossfireWindowMs" integer, "nearbyRadius" integer, engagements integer,
      players integer)
  RETURNING round_id INTO v_round;

  INSERT INTO imported_file (content_sha256, round_id, file_name, size_bytes)
  VALUES (p_file->>'sha256', v_round, p_file->>'file_name', (p_file->>'size')::integer);

  -- The caller's statement inserts the round_detail row (array literals as typed parameters parse
  -- several times faster than the same arrays in jsonb).
  RETURN jsonb_build_object('status', 'imported', 'round_id', v_round);
END
$$;

-- (Re)defines proximity_merge_import(jsonb). The aggregate upserts are generated from the catalog
-- here, once, and compiled into the function as static SQL (a plan cache instead of re-planning
-- generated SQL on every batch). A migration that changes an aggregate's columns must call this again.
--
-- p_batch: {"players": [{player_guid, is_bot, name, first_seen, last_seen}], "names": [{player_guid,
--           player_name, first_seen, last_seen, rounds}], "contrib": {"<aggregate>": [rows of that
--           table]}}: what the batch's imported files add, already summed per key by the importer.
-- Rows are merged in key order, the order every importer locks them in (no deadlocks).
CREATE FUNCTION proximity_define_merge_import() RETURNS void LANGUAGE plpgsql AS $define$
DECLARE
  v_merges text := '';
  a record;
BEGIN
  FOR a IN SELECT * FROM proximity_aggregate ORDER BY position LOOP
    v_merges := v_merges || format(E'  IF jsonb_array_length(p_batch->''contrib''->%L) > 0 THEN\n    %s;\n  END IF;\n',
      a.aggregate::text,
      proximity_merge_sql(a.aggregate, format('jsonb_populate_recordset(NULL::%s, p_batch->''contrib''->%L)', a.aggregate, a.aggregate::text)));
  END LOOP;
  EXECUTE format($fn$
CREATE OR REPLACE FUNCTION proximity_merge_import(p_batch jsonb) RETURNS void LANGUAGE plpgsql AS $body$
BEGIN
  INSERT INTO player AS pl (player_guid, is_bot, last_name, first_seen, last_seen)
  SELECT x.player_guid, x.is_bot, x.name, x.first_seen, x.last_seen
  FROM jsonb_to_recordset(p_batch->'players')
         AS x(player_guid text, is_bot boolean, name text, first_seen timestamptz, last_seen timestamptz)
  ORDER BY x.player_guid COLLATE "C"
  ON CONFLICT (player_guid) DO UPDATE SET
    last_name = CASE WHEN EXCLUDED.last_seen >= pl.last_seen THEN EXCLUDED.last_name ELSE pl.last_name END,
    is_bot = CASE WHEN EXCLUDED.last_seen >= pl.last_seen THEN EXCLUDED.is_bot ELSE pl.is_bot END,
    first_seen = LEAST(pl.first_seen, EXCLUDED.first_seen),
    last_seen = GREATEST(pl.last_seen, EXCLUDED.last_seen);

  INSERT INTO player_name_history AS h (player_guid, player_name, first_seen, last_seen, rounds)
  SELECT x.player_guid, x.player_name, x.first_seen, x.last_seen, x.rounds
  FROM jsonb_to_recordset(p_batch->'names')
         AS x(player_guid text, player_name text, first_seen timestamptz, last_seen timestamptz, rounds integer)
  ORDER BY x.player_guid COLLATE "C", x.player_name COLLATE "C"
  ON CONFLICT (player_guid, player_name) DO UPDATE SET
    first_seen = LEAST(h.first_seen, EXCLUDED.first_seen),
    last_seen = GREATEST(h.last_seen, EXCLUDED.last_seen),
    rounds = h.rounds + EXCLUDED.rounds;

%s
END
$body$
$fn$, v_merges);
END
$define$;

SELECT proximity_define_merge_import();
