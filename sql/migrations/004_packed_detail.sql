-- Proximity schema v3: the numbers of a round's detail packed into one blob.
--
-- Why: in 003 a round's detail is ~70 arrays of int2/int4. pglz (the only compression every backend
-- has, PGlite included) finds repeats but does not entropy-code, so most 4-byte values stayed 4 bytes,
-- and the row's ~70 values were compressed and stored each on its own: 131 bytes per engagement, 48 MB
-- for a year.
--
-- Now every numeric column of a round keeps only the bytes its values need (frame of reference, a
-- common step, byte planes: src/store/packed.ts) and all of them travel as ONE bytea, `packed`, which
-- PostgreSQL compresses once and stores as one TOAST value. Player keys and names stay text arrays;
-- the size of each group is a plain column. proximity_unpack() decodes a column in SQL, so the views
-- (combat_engagement, round_player, round_heatmap, kill_context and the row views) keep exactly their
-- columns, and every query written against them still works.
--
-- Existing detail is converted here, by proximity_pack (the SQL twin of the importer's packer).

-- ---------------------------------------------------------------------------------------------
-- Packing and unpacking
-- ---------------------------------------------------------------------------------------------

-- The packed columns in blob order; src/store/round-detail.ts PACKED_COLUMNS is the same list (a store
-- test compares them). Groups and their counts: player_* (player_count); eng_*, kill_weapon,
-- victim_d*, killer_d*, kill_distance, *_side (engagement_count); near_* (near_count); att_*
-- (attacker_count); wpn_* (weapon_count); xf_* (pair_count); path_* (point_count); kill_gx, kill_gy,
-- kill_axis, kill_allies (kill_cell_count); move_* (move_cell_count). Meanings and codes as in 003.
-- A new column may only be appended: a blob written before it reads back as NULLs in that column.
CREATE FUNCTION proximity_packed_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY[
    'player_pid', 'player_slot', 'player_is_bot', 'player_team', 'player_class',
    'player_first_seen_ms', 'player_last_seen_ms', 'eng_id_offset', 'eng_start_ms', 'eng_duration_ms',
    'eng_target', 'eng_target_team', 'eng_target_class', 'eng_outcome', 'eng_end_mod', 'eng_killer',
    'eng_damage', 'eng_hits', 'eng_is_crossfire', 'eng_crossfire_delay_ms', 'eng_attacker_count',
    'eng_pair_count', 'eng_point_count', 'eng_near_count', 'eng_x', 'eng_y', 'eng_z', 'kill_weapon',
    'victim_dx', 'victim_dy', 'victim_dz', 'killer_dx', 'killer_dy', 'killer_dz', 'kill_distance',
    'killer_side', 'victim_side', 'near_list', 'near_player', 'att_player', 'att_team', 'att_damage',
    'att_hits', 'att_first_ms', 'att_last_ms', 'att_got_kill', 'att_weapon_count', 'wpn_mod',
    'wpn_hits', 'xf_a', 'xf_b', 'xf_delay_ms', 'path_dt_ms', 'path_dx', 'path_dy', 'path_dz',
    'path_event', 'kill_gx', 'kill_gy', 'kill_axis', 'kill_allies', 'move_gx', 'move_gy',
    'move_traversal', 'move_combat', 'move_escape']
$$;

-- Unsigned little-endian 32-bit integer at byte p_at.
CREATE FUNCTION proximity_u32(p_bytes bytea, p_at integer) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT get_byte(p_bytes, p_at) | (get_byte(p_bytes, p_at + 1) << 8) | (get_byte(p_bytes, p_at + 2) << 16)
         | (get_byte(p_bytes, p_at + 3)::bigint << 24)
$$;

-- Column p_column of a packed blob, its bytes (inlined into the caller: no call of its own).
--   blob:   u32 offset[C + 1], then the C columns (offset[C] = the end; offset[0] = 4 (C + 1));
-- A column the blob predates reads as an all-NULL column.
CREATE FUNCTION proximity_column(p_packed bytea, p_column text) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN array_position(proximity_packed_columns(), p_column) < proximity_u32(p_packed, 0) / 4
              THEN substring(p_packed
                     FROM (proximity_u32(p_packed, 4 * array_position(proximity_packed_columns(), p_column) - 4) + 1)::integer
                     FOR (proximity_u32(p_packed, 4 * array_position(proximity_packed_columns(), p_column))
                          - proximity_u32(p_packed, 4 * array_position(proximity_packed_columns(), p_column) - 4))::integer)
              ELSE '\x10010000000080'::bytea
         END
$$;

-- The p_n values of one packed column as integers (NULL elements where the column holds NULL).
--   column: u8 flags (bits 0-3: bytes per value w; bit 4: NULLs present), u16 step, u32 min + 2^31,
--           then w byte planes of p_n bytes (all low bytes, then all second bytes, …);
--   value = min + step * (stored - NULL flag); stored 0 is NULL when the flag is set. Little-endian.
CREATE FUNCTION proximity_unpack_column(p_column bytea, p_n integer) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT ARRAY(
  SELECT ((NULLIF(CASE h.w
                    WHEN 0 THEN 0::bigint
                    WHEN 1 THEN get_byte(p_column, 7 + i)::bigint
                    WHEN 2 THEN get_byte(p_column, 7 + i) | (get_byte(p_column, 7 + p_n + i) << 8)
                    ELSE get_byte(p_column, 7 + i) | (get_byte(p_column, 7 + p_n + i) << 8)
                         | (get_byte(p_column, 7 + 2 * p_n + i) << 16)
                         | CASE WHEN h.w > 3 THEN get_byte(p_column, 7 + 3 * p_n + i)::bigint << 24 ELSE 0 END
                         | CASE WHEN h.w > 4 THEN get_byte(p_column, 7 + 4 * p_n + i)::bigint << 32 ELSE 0 END
                  END, h.nb - 1) - h.nb) * h.step + h.base)::integer
  FROM (SELECT get_byte(p_column, 0) & 15 AS w, (get_byte(p_column, 0) >> 4) & 1 AS nb,
               get_byte(p_column, 1) | (get_byte(p_column, 2) << 8) AS step,
               proximity_u32(p_column, 3) - 2147483648 AS base
        OFFSET 0) h,
       generate_series(0, p_n - 1) AS i
)
$$;

-- Column p_column of a packed blob as integers; p_n is the column's group count (NULL gives NULL).
-- Pass a decompressed blob (the views select `packed || '\x'` once per round): every call on the
-- stored value would decompress all of it again.
CREATE FUNCTION proximity_unpack(p_packed bytea, p_column text, p_n integer) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT proximity_unpack_column(proximity_column(p_packed, p_column), p_n)
$$;

-- p_v as p_bytes little-endian bytes, in hex.
CREATE FUNCTION proximity_le_hex(p_v bigint, p_bytes integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE(string_agg(lpad(to_hex((p_v >> (8 * k)) & 255), 2, '0'), '' ORDER BY k), '')
  FROM generate_series(0, p_bytes - 1) AS k
$$;

-- One packed column, byte for byte as src/store/packed.ts packColumn() writes it (a store test
-- compares the two). NULL packs as an empty column.
CREATE FUNCTION proximity_pack(p_values bigint[]) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  v_values bigint[] := COALESCE(p_values, '{}');
  v_min bigint;
  v_nb integer;
  v_step bigint := 0;
  v_max bigint;
  v_w integer := 0;
  v bigint;
BEGIN
  SELECT COALESCE(min(x), 0), CASE WHEN count(x) < count(*) THEN 1 ELSE 0 END
    INTO v_min, v_nb FROM unnest(v_values) AS x;
  FOREACH v IN ARRAY v_values LOOP
    IF v IS NOT NULL THEN v_step := gcd(v_step, v - v_min); END IF;
  END LOOP;
  IF v_step = 0 OR v_step > 65535 THEN v_step := 1; END IF;
  SELECT COALESCE(max((x - v_min) / v_step + v_nb), 0) INTO v_max FROM unnest(v_values) AS x;
  WHILE v_max > 0 LOOP
    v_w := v_w + 1;
    v_max := v_max >> 8;
  END LOOP;
  RETURN decode(
    proximity_le_hex(v_w | (v_nb << 4), 1) || proximity_le_hex(v_step, 2) || proximity_le_hex(v_min + 2147483648, 4)
    || COALESCE((SELECT string_agg(lpad(to_hex((s.z >> (8 * k)) & 255), 2, '0'), '' ORDER BY k, s.i)
                 FROM (SELECT u.i, COALESCE((u.x - v_min) / v_step + v_nb, 0) AS z
                       FROM unnest(v_values) WITH ORDINALITY AS u(x, i)) s,
                      generate_series(0, v_w - 1) AS k), ''),
    'hex');
END
$$;

-- Columns into one blob with its offset table (src/store/packed.ts packColumns()).
CREATE FUNCTION proximity_pack_columns(p_columns bytea[]) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT decode(string_agg(proximity_le_hex(o.at, 4), '' ORDER BY o.k), 'hex')
         || string_agg(o.c, '\x'::bytea ORDER BY o.k)
  FROM (SELECT u.k, u.c,
               4 * cardinality(p_columns) + 4
               + COALESCE(sum(length(u.c)) OVER (ORDER BY u.k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS at
        FROM unnest(p_columns || '\x'::bytea) WITH ORDINALITY AS u(c, k)) o
$$;

-- ---------------------------------------------------------------------------------------------
-- The detail of one round, packed
-- ---------------------------------------------------------------------------------------------

CREATE TABLE round_detail_packed (
  round_id         integer PRIMARY KEY,
  -- one per `# PLAYERS` line, by pid: the packed player_* columns follow this order, and the other
  -- groups refer to players by their 1-based position in it
  player_guid      text[] NOT NULL,     -- the player key (docs/SCHEMA.md "Keys")
  player_name      text[] NOT NULL,
  -- how many values each group of packed columns has
  player_count     integer NOT NULL,
  engagement_count integer NOT NULL,
  attacker_count   integer NOT NULL,
  weapon_count     integer NOT NULL,
  pair_count       integer NOT NULL,
  point_count      integer NOT NULL,
  near_count       integer NOT NULL,
  kill_cell_count  integer,             -- NULL: the file has no kill heatmap section
  move_cell_count  integer,             -- NULL: the file has no movement heatmap section
  kill_count       integer NOT NULL,    -- engagements that ended 'killed' (the round list shows it)
  -- every other value of the round: proximity_packed_columns(), proximity_unpack(). pglz named
  -- explicitly: sizes must not depend on a server's default_toast_compression.
  packed           bytea COMPRESSION pglz NOT NULL
);

INSERT INTO round_detail_packed
SELECT round_id, player_guid, player_name, cardinality(player_pid), cardinality(eng_start_ms),
       cardinality(att_player), cardinality(wpn_mod), cardinality(xf_a), cardinality(path_dt_ms),
       cardinality(near_list), cardinality(kill_gx), cardinality(move_gx),
       cardinality(array_positions(eng_outcome, 1::smallint)),
       proximity_pack_columns(ARRAY[
         proximity_pack(player_pid::bigint[]),
         proximity_pack(player_slot::bigint[]),
         proximity_pack(player_is_bot::integer[]::bigint[]),
         proximity_pack(player_team::bigint[]),
         proximity_pack(player_class::bigint[]),
         proximity_pack(player_first_seen_ms::bigint[]),
         proximity_pack(player_last_seen_ms::bigint[]),
         proximity_pack(eng_id_offset::bigint[]),
         proximity_pack(eng_start_ms::bigint[]),
         proximity_pack(eng_duration_ms::bigint[]),
         proximity_pack(eng_target::bigint[]),
         proximity_pack(eng_target_team::bigint[]),
         proximity_pack(eng_target_class::bigint[]),
         proximity_pack(eng_outcome::bigint[]),
         proximity_pack(eng_end_mod::bigint[]),
         proximity_pack(eng_killer::bigint[]),
         proximity_pack(eng_damage::bigint[]),
         proximity_pack(eng_hits::bigint[]),
         proximity_pack(eng_is_crossfire::integer[]::bigint[]),
         proximity_pack(eng_crossfire_delay_ms::bigint[]),
         proximity_pack(eng_attacker_count::bigint[]),
         proximity_pack(eng_pair_count::bigint[]),
         proximity_pack(eng_point_count::bigint[]),
         proximity_pack(eng_near_count::bigint[]),
         proximity_pack(eng_x::bigint[]),
         proximity_pack(eng_y::bigint[]),
         proximity_pack(eng_z::bigint[]),
         proximity_pack(kill_weapon::bigint[]),
         proximity_pack(victim_dx::bigint[]),
         proximity_pack(victim_dy::bigint[]),
         proximity_pack(victim_dz::bigint[]),
         proximity_pack(killer_dx::bigint[]),
         proximity_pack(killer_dy::bigint[]),
         proximity_pack(killer_dz::bigint[]),
         proximity_pack(kill_distance::bigint[]),
         proximity_pack(killer_side::bigint[]),
         proximity_pack(victim_side::bigint[]),
         proximity_pack(near_list::bigint[]),
         proximity_pack(near_player::bigint[]),
         proximity_pack(att_player::bigint[]),
         proximity_pack(att_team::bigint[]),
         proximity_pack(att_damage::bigint[]),
         proximity_pack(att_hits::bigint[]),
         proximity_pack(att_first_ms::bigint[]),
         proximity_pack(att_last_ms::bigint[]),
         proximity_pack(att_got_kill::integer[]::bigint[]),
         proximity_pack(att_weapon_count::bigint[]),
         proximity_pack(wpn_mod::bigint[]),
         proximity_pack(wpn_hits::bigint[]),
         proximity_pack(xf_a::bigint[]),
         proximity_pack(xf_b::bigint[]),
         proximity_pack(xf_delay_ms::bigint[]),
         proximity_pack(path_dt_ms::bigint[]),
         proximity_pack(path_dx::bigint[]),
         proximity_pack(path_dy::bigint[]),
         proximity_pack(path_dz::bigint[]),
         proximity_pack(path_event::bigint[]),
         proximity_pack(kill_gx::bigint[]),
         proximity_pack(kill_gy::bigint[]),
         proximity_pack(kill_axis::bigint[]),
         proximity_pack(kill_allies::bigint[]),
         proximity_pack(move_gx::bigint[]),
         proximity_pack(move_gy::bigint[]),
         proximity_pack(move_traversal::bigint[]),
         proximity_pack(move_combat::bigint[]),
         proximity_pack(move_escape::bigint[])])
FROM round_detail;

-- The views over the old layout go with it (recreated below, with the same columns).
DROP TABLE round_detail CASCADE;
ALTER TABLE round_detail_packed RENAME TO round_detail;
ALTER INDEX round_detail_packed_pkey RENAME TO round_detail_pkey;

-- ---------------------------------------------------------------------------------------------
-- The detail as rows: the old tables' columns, decoded from round_detail
-- ---------------------------------------------------------------------------------------------

CREATE VIEW round_heatmap AS
SELECT d.round_id,
       proximity_unpack(raw.b, 'kill_gx', d.kill_cell_count) AS kill_gx,
       proximity_unpack(raw.b, 'kill_gy', d.kill_cell_count) AS kill_gy,
       proximity_unpack(raw.b, 'kill_axis', d.kill_cell_count) AS kill_axis,
       proximity_unpack(raw.b, 'kill_allies', d.kill_cell_count) AS kill_allies,
       proximity_unpack(raw.b, 'move_gx', d.move_cell_count) AS move_gx,
       proximity_unpack(raw.b, 'move_gy', d.move_cell_count) AS move_gy,
       proximity_unpack(raw.b, 'move_traversal', d.move_cell_count) AS move_traversal,
       proximity_unpack(raw.b, 'move_combat', d.move_cell_count) AS move_combat,
       proximity_unpack(raw.b, 'move_escape', d.move_cell_count) AS move_escape
FROM round_detail d
CROSS JOIN LATERAL (SELECT d.packed || '\x'::bytea AS b OFFSET 0) raw;  -- decompressed once per round

CREATE VIEW round_player AS
SELECT d.round_id, p.pid, p.slot, p.player_guid COLLATE "C" AS player_guid, p.player_name, p.is_bot,
       proximity_team_name(p.team) AS team, proximity_class_name(p.class) AS player_class,
       p.first_seen_ms, p.last_seen_ms
FROM round_detail d
CROSS JOIN LATERAL (SELECT d.packed || '\x'::bytea AS b OFFSET 0) raw  -- decompressed once per round
CROSS JOIN LATERAL unnest(proximity_unpack(raw.b, 'player_pid', d.player_count)::smallint[], proximity_unpack(raw.b, 'player_slot', d.player_count)::smallint[], d.player_guid, d.player_name, proximity_unpack(raw.b, 'player_is_bot', d.player_count)::boolean[], proximity_unpack(raw.b, 'player_team', d.player_count)::smallint[],
            proximity_unpack(raw.b, 'player_class', d.player_count)::smallint[], proximity_unpack(raw.b, 'player_first_seen_ms', d.player_count), proximity_unpack(raw.b, 'player_last_seen_ms', d.player_count))
       AS p(pid, slot, player_guid, player_name, is_bot, team, class, first_seen_ms, last_seen_ms);

-- One row per engagement, decoded from round_detail. Each group of a round is unnested once and
-- joined on the engagement's position, so reading a round costs a few hash joins over its own arrays.
CREATE VIEW combat_engagement AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (SELECT d.packed || '\x'::bytea AS b OFFSET 0) raw  -- decompressed once per round
CROSS JOIN LATERAL (
  WITH pl AS (
    SELECT * FROM unnest(proximity_unpack(raw.b, 'player_pid', d.player_count)::smallint[], d.player_guid) WITH ORDINALITY AS p(pid, guid, pos)
  ),
  eng AS (
    SELECT * FROM unnest(proximity_unpack(raw.b, 'eng_start_ms', d.engagement_count), proximity_unpack(raw.b, 'eng_x', d.engagement_count), proximity_unpack(raw.b, 'eng_y', d.engagement_count), proximity_unpack(raw.b, 'eng_z', d.engagement_count)) WITH ORDINALITY AS s(start_ms, x0, y0, z0, ord)
  ),
  wpn AS (
    SELECT w.attacker, jsonb_object_agg(w.mod::text, w.hits) AS weapons
    FROM unnest(proximity_parents(proximity_unpack(raw.b, 'att_weapon_count', d.attacker_count)::smallint[]), proximity_unpack(raw.b, 'wpn_mod', d.weapon_count)::smallint[], proximity_unpack(raw.b, 'wpn_hits', d.weapon_count)) AS w(attacker, mod, hits)
    GROUP BY w.attacker
  ),
  att AS (
    SELECT a.eng,
           jsonb_agg(jsonb_build_object('pid', pl.pid, 'guid', pl.guid, 'team', proximity_team_name(a.team),
                       'damage', a.damage, 'hits', a.hits, 'first_ms', s.start_ms + a.first_ms,
                       'last_ms', s.start_ms + a.last_ms, 'got_kill', a.got_kill,
                       'weapons', COALESCE(wpn.weapons, '{}'::jsonb)) ORDER BY a.ord) AS attackers
    FROM unnest(proximity_parents(proximity_unpack(raw.b, 'eng_attacker_count', d.engagement_count)::smallint[]), proximity_unpack(raw.b, 'att_player', d.attacker_count)::smallint[], proximity_unpack(raw.b, 'att_team', d.attacker_count)::smallint[], proximity_unpack(raw.b, 'att_damage', d.attacker_count), proximity_unpack(raw.b, 'att_hits', d.attacker_count),
                proximity_unpack(raw.b, 'att_first_ms', d.attacker_count), proximity_unpack(raw.b, 'att_last_ms', d.attacker_count), proximity_unpack(raw.b, 'att_got_kill', d.attacker_count)::boolean[]) WITH ORDINALITY
           AS a(eng, player, team, damage, hits, first_ms, last_ms, got_kill, ord)
    JOIN pl ON pl.pos = a.player
    JOIN eng s ON s.ord = a.eng
    LEFT JOIN wpn ON wpn.attacker = a.ord
    GROUP BY a.eng
  ),
  xf AS (
    SELECT c.eng, jsonb_agg(jsonb_build_object('a', pa.guid, 'b', pb.guid, 'delay_ms', c.delay_ms) ORDER BY c.ord) AS pairs
    FROM unnest(proximity_parents(proximity_unpack(raw.b, 'eng_pair_count', d.engagement_count)::smallint[]), proximity_unpack(raw.b, 'xf_a', d.pair_count)::smallint[], proximity_unpack(raw.b, 'xf_b', d.pair_count)::smallint[], proximity_unpack(raw.b, 'xf_delay_ms', d.pair_count)) WITH ORDINALITY
           AS c(eng, a, b, delay_ms, ord)
    JOIN pl pa ON pa.pos = c.a
    JOIN pl pb ON pb.pos = c.b
    GROUP BY c.eng
  ),
  point AS (   -- absolute points: the running sums of the differences
    SELECT q.eng, q.ord, q.event,
           s.start_ms + sum(q.dt) OVER w AS t, s.x0 + sum(q.dx) OVER w AS x,
           s.y0 + sum(q.dy) OVER w AS y, s.z0 + sum(q.dz) OVER w AS z
    FROM unnest(proximity_parents(proximity_unpack(raw.b, 'eng_point_count', d.engagement_count)::smallint[]), proximity_unpack(raw.b, 'path_dt_ms', d.point_count), proximity_unpack(raw.b, 'path_dx', d.point_count), proximity_unpack(raw.b, 'path_dy', d.point_count), proximity_unpack(raw.b, 'path_dz', d.point_count), proximity_unpack(raw.b, 'path_event', d.point_count)::smallint[])
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
    FROM unnest(proximity_parents(proximity_unpack(raw.b, 'eng_near_count', d.engagement_count)::smallint[]), proximity_unpack(raw.b, 'near_list', d.near_count)::smallint[], proximity_unpack(raw.b, 'near_player', d.near_count)::smallint[]) WITH ORDINALITY
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
  FROM unnest(proximity_unpack(raw.b, 'eng_id_offset', d.engagement_count), proximity_unpack(raw.b, 'eng_start_ms', d.engagement_count), proximity_unpack(raw.b, 'eng_duration_ms', d.engagement_count), proximity_unpack(raw.b, 'eng_target', d.engagement_count)::smallint[], proximity_unpack(raw.b, 'eng_target_team', d.engagement_count)::smallint[],
              proximity_unpack(raw.b, 'eng_target_class', d.engagement_count)::smallint[], proximity_unpack(raw.b, 'eng_outcome', d.engagement_count)::smallint[], proximity_unpack(raw.b, 'eng_end_mod', d.engagement_count)::smallint[], proximity_unpack(raw.b, 'eng_killer', d.engagement_count)::smallint[], proximity_unpack(raw.b, 'eng_damage', d.engagement_count), proximity_unpack(raw.b, 'eng_hits', d.engagement_count),
              proximity_unpack(raw.b, 'eng_is_crossfire', d.engagement_count)::boolean[], proximity_unpack(raw.b, 'eng_crossfire_delay_ms', d.engagement_count), proximity_unpack(raw.b, 'eng_attacker_count', d.engagement_count)::smallint[], proximity_unpack(raw.b, 'kill_weapon', d.engagement_count)::smallint[], proximity_unpack(raw.b, 'victim_dx', d.engagement_count), proximity_unpack(raw.b, 'victim_dy', d.engagement_count), proximity_unpack(raw.b, 'victim_dz', d.engagement_count),
              proximity_unpack(raw.b, 'killer_dx', d.engagement_count), proximity_unpack(raw.b, 'killer_dy', d.engagement_count), proximity_unpack(raw.b, 'killer_dz', d.engagement_count), proximity_unpack(raw.b, 'kill_distance', d.engagement_count), proximity_unpack(raw.b, 'killer_side', d.engagement_count)::smallint[], proximity_unpack(raw.b, 'victim_side', d.engagement_count)::smallint[]) WITH ORDINALITY
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

-- Seed v2 `kill_context`, as before, over the view. Round by round: the names of a round are decoded
-- once for all its kills (joined directly, round_player would be decoded again for every kill).
CREATE VIEW kill_context AS
SELECT e.round_id, e.engagement_id, r.session_date, r.round_start, r.server_id, r.map_name,
       r.round_number, e.end_ms AS kill_ms,
       e.killer_guid, e.killer_name, e.target_guid AS victim_guid,
       e.victim_name, e.target_team AS victim_team, e.end_mod AS means_of_death,
       e.kill_weapon AS weapon, e.killer_x, e.killer_y, e.killer_z, e.victim_x, e.victim_y,
       e.victim_z, e.kill_distance, e.engagement_type, e.killer_side, e.victim_side,
       e.killer_allies, e.killer_enemies, e.victim_allies, e.victim_enemies,
       to_jsonb(e.killer_allies) AS supporting_allies,
       e.is_crossfire, e.num_attackers, e.damage, e.hits
FROM round r
CROSS JOIN LATERAL (
  WITH names AS MATERIALIZED (SELECT pid, player_name FROM round_player WHERE round_id = r.round_id)
  SELECT ce.*, kp.player_name AS killer_name, vp.player_name AS victim_name
  FROM combat_engagement ce
  LEFT JOIN names kp ON kp.pid = ce.killer_pid
  LEFT JOIN names vp ON vp.pid = ce.target_pid
  WHERE ce.round_id = r.round_id AND ce.outcome = 'killed'
) e;

-- The children of engagements as plain rows (no jsonb): for set-based SQL such as the contribution
-- functions below, and for anyone who would otherwise unpack combat_engagement's jsonb.
CREATE VIEW engagement_attacker AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (SELECT d.packed || '\x'::bytea AS b OFFSET 0) raw  -- decompressed once per round
CROSS JOIN LATERAL (
  WITH pl AS (SELECT * FROM unnest(proximity_unpack(raw.b, 'player_pid', d.player_count)::smallint[], d.player_guid) WITH ORDINALITY AS p(pid, guid, pos)),
       eng AS (SELECT ord + id_offset AS engagement_id, ord FROM unnest(proximity_unpack(raw.b, 'eng_id_offset', d.engagement_count)) WITH ORDINALITY AS e(id_offset, ord))
  SELECT eng.engagement_id, a.ord AS attacker, pl.pid, pl.guid COLLATE "C" AS player_guid,
         proximity_team_name(a.team) AS team, a.damage, a.hits, a.got_kill
  FROM unnest(proximity_parents(proximity_unpack(raw.b, 'eng_attacker_count', d.engagement_count)::smallint[]), proximity_unpack(raw.b, 'att_player', d.attacker_count)::smallint[], proximity_unpack(raw.b, 'att_team', d.attacker_count)::smallint[], proximity_unpack(raw.b, 'att_damage', d.attacker_count), proximity_unpack(raw.b, 'att_hits', d.attacker_count),
              proximity_unpack(raw.b, 'att_got_kill', d.attacker_count)::boolean[]) WITH ORDINALITY AS a(eng, player, team, damage, hits, got_kill, ord)
  JOIN pl ON pl.pos = a.player
  JOIN eng ON eng.ord = a.eng
) x;

-- Hits per meansOfDeath of each attacker (attacker = engagement_attacker.attacker).
CREATE VIEW engagement_weapon AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (SELECT d.packed || '\x'::bytea AS b OFFSET 0) raw  -- decompressed once per round
CROSS JOIN LATERAL (
  WITH pl AS (SELECT * FROM unnest(d.player_guid) WITH ORDINALITY AS p(guid, pos)),
       eng AS (SELECT ord + id_offset AS engagement_id, ord FROM unnest(proximity_unpack(raw.b, 'eng_id_offset', d.engagement_count)) WITH ORDINALITY AS e(id_offset, ord)),
       att AS (SELECT * FROM unnest(proximity_parents(proximity_unpack(raw.b, 'eng_attacker_count', d.engagement_count)::smallint[]), proximity_unpack(raw.b, 'att_player', d.attacker_count)::smallint[]) WITH ORDINALITY AS a(eng, player, ord))
  SELECT eng.engagement_id, w.attacker, pl.guid COLLATE "C" AS player_guid, w.mod, w.hits
  FROM unnest(proximity_parents(proximity_unpack(raw.b, 'att_weapon_count', d.attacker_count)::smallint[]), proximity_unpack(raw.b, 'wpn_mod', d.weapon_count)::smallint[], proximity_unpack(raw.b, 'wpn_hits', d.weapon_count)) AS w(attacker, mod, hits)
  JOIN att ON att.ord = w.attacker
  JOIN pl ON pl.pos = att.player
  JOIN eng ON eng.ord = att.eng
) x;

CREATE VIEW engagement_crossfire_pair AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (SELECT d.packed || '\x'::bytea AS b OFFSET 0) raw  -- decompressed once per round
CROSS JOIN LATERAL (
  WITH pl AS (SELECT * FROM unnest(d.player_guid) WITH ORDINALITY AS p(guid, pos)),
       eng AS (SELECT ord + id_offset AS engagement_id, ord FROM unnest(proximity_unpack(raw.b, 'eng_id_offset', d.engagement_count)) WITH ORDINALITY AS e(id_offset, ord))
  SELECT eng.engagement_id, pa.guid COLLATE "C" AS a_guid, pb.guid COLLATE "C" AS b_guid, c.delay_ms
  FROM unnest(proximity_parents(proximity_unpack(raw.b, 'eng_pair_count', d.engagement_count)::smallint[]), proximity_unpack(raw.b, 'xf_a', d.pair_count)::smallint[], proximity_unpack(raw.b, 'xf_b', d.pair_count)::smallint[], proximity_unpack(raw.b, 'xf_delay_ms', d.pair_count)) AS c(eng, a, b, delay_ms)
  JOIN pl pa ON pa.pos = c.a
  JOIN pl pb ON pb.pos = c.b
  JOIN eng ON eng.ord = c.eng
) x;

-- Players within nearby_radius at a kill; list: killer_allies, killer_enemies, victim_allies, victim_enemies.
CREATE VIEW engagement_nearby AS
SELECT d.round_id, x.*
FROM round_detail d
CROSS JOIN LATERAL (SELECT d.packed || '\x'::bytea AS b OFFSET 0) raw  -- decompressed once per round
CROSS JOIN LATERAL (
  WITH pl AS (SELECT * FROM unnest(d.player_guid) WITH ORDINALITY AS p(guid, pos)),
       eng AS (SELECT ord + id_offset AS engagement_id, ord FROM unnest(proximity_unpack(raw.b, 'eng_id_offset', d.engagement_count)) WITH ORDINALITY AS e(id_offset, ord))
  SELECT eng.engagement_id,
         (ARRAY['killer_allies', 'killer_enemies', 'victim_allies', 'victim_enemies'])[n.list] AS list,
         pl.guid COLLATE "C" AS player_guid
  FROM unnest(proximity_parents(proximity_unpack(raw.b, 'eng_near_count', d.engagement_count)::smallint[]), proximity_unpack(raw.b, 'near_list', d.near_count)::smallint[], proximity_unpack(raw.b, 'near_player', d.near_count)::smallint[]) AS n(eng, list, player)
  JOIN pl ON pl.pos = n.player
  JOIN eng ON eng.ord = n.eng
) x;


-- ---------------------------------------------------------------------------------------------
-- Retention and data volume: the group counts instead of array lengths
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
  SELECT COALESCE(sum(engagement_count), 0), COALESCE(sum(player_count), 0)
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
  SELECT COALESCE(sum(engagement_count), 0) INTO row_count FROM round_detail;
  RETURN NEXT;
  table_name := 'round_player';
  SELECT COALESCE(sum(player_count), 0) INTO row_count FROM round_detail;
  RETURN NEXT;
  table_name := 'round_heatmap';
  SELECT count(*) INTO row_count FROM round_detail;
  RETURN NEXT;
END
$$;

