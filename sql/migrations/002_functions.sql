-- Aggregate maintenance, retention and data-volume functions. docs/SCHEMA.md defines the metrics.
--
-- Every aggregate <agg> has one contribution function contrib_<agg>(round_ids) that computes what
-- the detail rows of those rounds add to it. The same function feeds all three paths, so they
-- cannot disagree:
--   import:  merge contrib(new round)        into <agg>
--   archive: merge contrib(archived rounds)  into <agg>_baseline, then delete the detail
--   rebuild: <agg> := <agg>_baseline, then merge contrib(all remaining rounds) into <agg>
-- "merge" adds sums and counts, takes LEAST of min_* and GREATEST of max_* columns.
--
-- Locks: imports hold pg_advisory_xact_lock_shared(proximity_lock_key()); archive and rebuild hold
-- it exclusively, so they never interleave with an import's aggregate update.

CREATE FUNCTION proximity_lock_key() RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT 7405830183::bigint $$;

-- ---------------------------------------------------------------------------------------------
-- Contributions
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION contrib_player_teamplay_stats(p_rounds integer[])
RETURNS SETOF player_teamplay_stats LANGUAGE sql STABLE AS $$
WITH e AS (
  SELECT * FROM combat_engagement WHERE round_id = ANY (p_rounds)
),
att AS (   -- one row per (engagement, attacker guid)
  SELECT a->>'guid' AS g, e.round_id, e.engagement_id,
         sum((a->>'damage')::bigint) AS damage, sum((a->>'hits')::bigint) AS hits
  FROM e, jsonb_array_elements(e.attackers) a
  GROUP BY 1, 2, 3
),
xf AS (    -- one row per (engagement, guid in a crossfire pair): the guid's smallest delay
  SELECT x.g, e.round_id, e.engagement_id, min(x.d) AS d,
         bool_or(e.outcome = 'killed' AND e.killer_guid = x.g) AS got_kill
  FROM e, jsonb_array_elements(e.crossfire_pairs) p,
       LATERAL (VALUES (p->>'a', (p->>'delay_ms')::int), (p->>'b', (p->>'delay_ms')::int)) x(g, d)
  WHERE e.crossfire_pairs IS NOT NULL
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

CREATE FUNCTION contrib_player_weapon_stats(p_rounds integer[])
RETURNS SETOF player_weapon_stats LANGUAGE sql STABLE AS $$
WITH e AS (
  SELECT * FROM combat_engagement WHERE round_id = ANY (p_rounds)
),
parts (g, mod, hits, kills) AS (
  SELECT a->>'guid', w.key::integer, w.value::bigint, 0
  FROM e, jsonb_array_elements(e.attackers) a, jsonb_each_text(a->'weapons') w
  UNION ALL
  SELECT killer_guid, end_mod, 0, 1
  FROM e WHERE outcome = 'killed' AND killer_guid IS NOT NULL AND end_mod IS NOT NULL
)
SELECT g, mod, sum(hits)::bigint, sum(kills)::bigint FROM parts GROUP BY g, mod
$$;

CREATE FUNCTION contrib_crossfire_pairs(p_rounds integer[])
RETURNS SETOF crossfire_pairs LANGUAGE sql STABLE AS $$
WITH pr AS (   -- one row per (engagement, guid pair)
  SELECT e.round_id, e.engagement_id, e.outcome, e.killer_guid,
         LEAST(p->>'a' COLLATE "C", p->>'b') AS p1, GREATEST(p->>'a' COLLATE "C", p->>'b') AS p2,
         min((p->>'delay_ms')::int) AS d
  FROM combat_engagement e, jsonb_array_elements(e.crossfire_pairs) p
  WHERE e.round_id = ANY (p_rounds) AND e.crossfire_pairs IS NOT NULL
    AND (p->>'a') <> (p->>'b')
  GROUP BY 1, 2, 3, 4, 5, 6
)
SELECT p1, p2, count(*)::bigint,
       count(*) FILTER (WHERE outcome = 'killed' AND killer_guid IN (p1, p2))::bigint,
       sum(d)::bigint, min(d)::integer
FROM pr GROUP BY p1, p2
$$;

CREATE FUNCTION contrib_teammate_pair_stats(p_rounds integer[])
RETURNS SETOF teammate_pair_stats LANGUAGE sql STABLE AS $$
WITH e AS (
  SELECT * FROM combat_engagement WHERE round_id = ANY (p_rounds)
),
k AS (          -- kills by an enemy
  SELECT e.round_id, e.engagement_id, e.end_ms, e.target_team, e.killer_guid, e.killer_allies,
         e.attackers
  FROM e WHERE e.outcome = 'killed' AND e.killer_guid IS NOT NULL
),
parts (g1, g2, rounds_together, kills_within_range, simultaneous_kills, assisted_kills,
       crossfire_engagements) AS (
  SELECT a.player_guid, b.player_guid, count(DISTINCT a.round_id), 0, 0, 0, 0
  FROM round_player a
  JOIN round_player b ON b.round_id = a.round_id AND b.team = a.team
  WHERE a.round_id = ANY (p_rounds) AND a.team <> 'SPECTATOR' AND a.player_guid <> b.player_guid
  GROUP BY 1, 2
  UNION ALL
  SELECT g1, g2, 0, count(*), 0, 0, 0
  FROM (SELECT DISTINCT k.round_id, k.engagement_id, k.killer_guid AS g1, ally AS g2
        FROM k, unnest(k.killer_allies) ally WHERE ally <> k.killer_guid) x
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
  FROM (SELECT DISTINCT k.round_id, k.engagement_id, k.killer_guid AS g1, a->>'guid' AS g2
        FROM k, jsonb_array_elements(k.attackers) a WHERE a->>'guid' <> k.killer_guid) x
  GROUP BY 1, 2
  UNION ALL
  SELECT g1, g2, 0, 0, 0, 0, count(*)
  FROM (SELECT DISTINCT e.round_id, e.engagement_id, x.g1, x.g2
        FROM e, jsonb_array_elements(e.crossfire_pairs) p,
             LATERAL (VALUES (p->>'a', p->>'b'), (p->>'b', p->>'a')) x(g1, g2)
        WHERE e.crossfire_pairs IS NOT NULL AND x.g1 <> x.g2) y
  GROUP BY 1, 2
)
SELECT g1, g2, sum(rounds_together)::bigint, sum(kills_within_range)::bigint,
       sum(simultaneous_kills)::bigint, sum(assisted_kills)::bigint,
       sum(crossfire_engagements)::bigint
FROM parts GROUP BY g1, g2
$$;

CREATE FUNCTION contrib_map_kill_heatmap(p_rounds integer[])
RETURNS SETOF map_kill_heatmap LANGUAGE sql STABLE AS $$
SELECT r.map_name, r.grid_size, c.gx, c.gy, sum(c.ax)::bigint, sum(c.al)::bigint
FROM round_heatmap h
JOIN round r ON r.round_id = h.round_id,
     unnest(h.kill_gx, h.kill_gy, h.kill_axis, h.kill_allies) AS c(gx, gy, ax, al)
WHERE h.round_id = ANY (p_rounds) AND h.kill_gx IS NOT NULL
GROUP BY 1, 2, 3, 4
$$;

CREATE FUNCTION contrib_map_movement_heatmap(p_rounds integer[])
RETURNS SETOF map_movement_heatmap LANGUAGE sql STABLE AS $$
SELECT r.map_name, r.grid_size, c.gx, c.gy, sum(c.tr)::bigint, sum(c.co)::bigint, sum(c.es)::bigint
FROM round_heatmap h
JOIN round r ON r.round_id = h.round_id,
     unnest(h.move_gx, h.move_gy, h.move_traversal, h.move_combat, h.move_escape)
       AS c(gx, gy, tr, co, es)
WHERE h.round_id = ANY (p_rounds) AND h.move_gx IS NOT NULL
GROUP BY 1, 2, 3, 4
$$;

CREATE FUNCTION contrib_engagement_daily_stats(p_rounds integer[])
RETURNS SETOF engagement_daily_stats LANGUAGE sql STABLE AS $$
SELECT r.session_date, r.server_id, r.map_name, e.outcome, COALESCE(e.engagement_type, ''),
       count(*)::bigint, count(*) FILTER (WHERE e.is_crossfire)::bigint,
       sum(e.damage)::bigint, sum(e.hits)::bigint, sum(e.num_attackers)::bigint,
       sum(e.end_ms - e.start_ms)::bigint,
       COALESCE(sum(e.kill_distance), 0)::bigint, count(e.kill_distance)::bigint
FROM combat_engagement e
JOIN round r ON r.round_id = e.round_id
WHERE e.round_id = ANY (p_rounds)
GROUP BY 1, 2, 3, 4, 5
$$;

-- The aggregates, their baselines and their contribution functions, in a fixed order (the order in
-- which imports lock rows, so concurrent importers cannot deadlock).
CREATE VIEW proximity_aggregate AS
SELECT * FROM (VALUES
  (1, 'player_teamplay_stats'::regclass,  'player_teamplay_stats_baseline'::regclass,  'contrib_player_teamplay_stats'),
  (7, 'player_weapon_stats'::regclass,    'player_weapon_stats_baseline'::regclass,    'contrib_player_weapon_stats'),
  (2, 'crossfire_pairs'::regclass,        'crossfire_pairs_baseline'::regclass,        'contrib_crossfire_pairs'),
  (3, 'teammate_pair_stats'::regclass,    'teammate_pair_stats_baseline'::regclass,    'contrib_teammate_pair_stats'),
  (4, 'map_kill_heatmap'::regclass,       'map_kill_heatmap_baseline'::regclass,       'contrib_map_kill_heatmap'),
  (5, 'map_movement_heatmap'::regclass,   'map_movement_heatmap_baseline'::regclass,   'contrib_map_movement_heatmap'),
  (6, 'engagement_daily_stats'::regclass, 'engagement_daily_stats_baseline'::regclass, 'contrib_engagement_daily_stats')
) AS a (position, aggregate, baseline, contribution);

-- The statement that merges rows into an aggregate table: p_source is a FROM item producing rows
-- of the table's type and may use $1 (contribution function over round ids, or the importer's
-- jsonb_populate_recordset over precomputed rows). Generated from the catalog so that a column added
-- to an aggregate cannot be forgotten here. Rows are inserted in key order: concurrent importers lock
-- aggregate rows in the same order and cannot deadlock.
CREATE FUNCTION proximity_merge_sql(p_target regclass, p_source text)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_keys text[];
  v_key_list text;
  v_sets text;
BEGIN
  SELECT array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum))
    INTO v_keys
    FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
   WHERE i.indrelid = p_target AND i.indisprimary;
  SELECT string_agg(quote_ident(k), ', ') INTO v_key_list FROM unnest(v_keys) k;
  SELECT string_agg(format(
           CASE WHEN attname LIKE 'min\_%' THEN '%1$I = LEAST(t.%1$I, EXCLUDED.%1$I)'
                WHEN attname LIKE 'max\_%' THEN '%1$I = GREATEST(t.%1$I, EXCLUDED.%1$I)'
                ELSE '%1$I = t.%1$I + EXCLUDED.%1$I' END, attname), ', ' ORDER BY attnum)
    INTO v_sets
    FROM pg_attribute
   WHERE attrelid = p_target AND attnum > 0 AND NOT attisdropped AND attname::text <> ALL (v_keys);
  RETURN format('INSERT INTO %s AS t SELECT * FROM %s s ORDER BY %s ON CONFLICT (%s) DO UPDATE SET %s',
                p_target, p_source, v_key_list, v_key_list, v_sets);
END
$$;

-- Adds the contribution of p_rounds to every aggregate (p_baseline = false) or baseline (true).
CREATE FUNCTION proximity_merge_rounds(p_rounds integer[], p_baseline boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  a record;
BEGIN
  FOR a IN SELECT * FROM proximity_aggregate ORDER BY position LOOP
    EXECUTE proximity_merge_sql(CASE WHEN p_baseline THEN a.baseline ELSE a.aggregate END,
                                format('%I($1)', a.contribution)) USING p_rounds;
  END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Retention, rebuild, data volume
-- ---------------------------------------------------------------------------------------------

-- Seed v2: SELECT archive_old_proximity_data(30); Archives the detail of rounds that started more
-- than p_days days ago: their contribution moves into the baselines and their detail rows are
-- deleted, in this one transaction. Aggregates are unchanged; rounds and the ledger stay.
CREATE FUNCTION archive_old_proximity_data(p_days integer)
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
  DELETE FROM combat_engagement WHERE round_id = ANY (v_rounds);
  GET DIAGNOSTICS v_engagements = ROW_COUNT;
  DELETE FROM round_player WHERE round_id = ANY (v_rounds);
  GET DIAGNOSTICS v_players = ROW_COUNT;
  DELETE FROM round_heatmap WHERE round_id = ANY (v_rounds);
  GET DIAGNOSTICS v_heatmaps = ROW_COUNT;
  UPDATE round SET archived_at = now() WHERE round_id = ANY (v_rounds);
  RETURN jsonb_build_object('rounds', cardinality(v_rounds), 'combat_engagement', v_engagements,
                            'round_player', v_players, 'round_heatmap', v_heatmaps);
END
$$;

-- Recomputes every aggregate as baseline + the contribution of the detail that remains.
CREATE FUNCTION proximity_rebuild_aggregates()
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  a record;
  v_rounds integer[];
BEGIN
  PERFORM pg_advisory_xact_lock(proximity_lock_key());
  FOR a IN SELECT * FROM proximity_aggregate ORDER BY position LOOP
    EXECUTE format('DELETE FROM %s', a.aggregate);
    EXECUTE format('INSERT INTO %s SELECT * FROM %s', a.aggregate, a.baseline);
  END LOOP;
  SELECT COALESCE(array_agg(round_id ORDER BY round_id), '{}') INTO v_rounds
    FROM round WHERE archived_at IS NULL;
  PERFORM proximity_merge_rounds(v_rounds, false);
END
$$;

-- Seed v2: SELECT * FROM proximity_data_stats(); rows and bytes (table + indexes + TOAST) per table.
CREATE FUNCTION proximity_data_stats()
RETURNS TABLE (table_name text, row_count bigint, total_bytes bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['round', 'imported_file', 'player', 'player_name_history', 'round_player',
                           'combat_engagement', 'round_heatmap', 'player_teamplay_stats',
                           'player_weapon_stats', 'crossfire_pairs', 'teammate_pair_stats', 'map_kill_heatmap',
                           'map_movement_heatmap', 'engagement_daily_stats',
                           'player_teamplay_stats_baseline', 'player_weapon_stats_baseline', 'crossfire_pairs_baseline',
                           'teammate_pair_stats_baseline', 'map_kill_heatmap_baseline',
                           'map_movement_heatmap_baseline', 'engagement_daily_stats_baseline'] LOOP
    table_name := t;
    EXECUTE format('SELECT count(*) FROM %I', t) INTO row_count;
    total_bytes := pg_total_relation_size(t::regclass);
    RETURN NEXT;
  END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Import of one round: one call does everything (one round trip per file, plans cached)
-- ---------------------------------------------------------------------------------------------

-- (Re)defines proximity_import_round(jsonb). The aggregate upserts are generated from the catalog
-- here, once, and compiled into the function as static SQL (a plan cache instead of re-planning
-- generated SQL on every file). A migration that changes an aggregate's columns must call this again.
--
-- p_file: {"identity", "sha256", "file_name", "size", "round": {…RoundRow}, "players": […],
--          "names": […], "round_players": […], "engagements": […], "heatmap": {…},
--          "contrib": {"<aggregate>": [rows of that table]}} (src/store/import.ts builds it).
-- Returns {"status": "imported" | "duplicate" | "changed" | "same_content", "round_id", "file_name",
--          "sha256"}; "changed" = the identity is known with other content (the caller rejects).
CREATE FUNCTION proximity_define_import() RETURNS void LANGUAGE plpgsql AS $define$
DECLARE
  v_merges text := '';
  a record;
BEGIN
  FOR a IN SELECT * FROM proximity_aggregate ORDER BY position LOOP
    v_merges := v_merges || format(E'  IF jsonb_array_length(p_file->''contrib''->%L) > 0 THEN\n    %s;\n  END IF;\n',
      a.aggregate::text,
      proximity_merge_sql(a.aggregate, format('jsonb_populate_recordset(NULL::%s, p_file->''contrib''->%L)', a.aggregate, a.aggregate::text)));
  END LOOP;
  EXECUTE format($fn$
CREATE OR REPLACE FUNCTION proximity_import_round(p_file jsonb) RETURNS jsonb LANGUAGE plpgsql AS $body$
DECLARE
  v_r jsonb := p_file->'round';
  v_prev record;
  v_round integer;
BEGIN
  -- The commit need not wait for the WAL flush: if the server itself crashes right after, the whole
  -- file's transaction is lost (never half of it) and the next import run simply imports it again.
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

  INSERT INTO player AS pl (player_guid, is_bot, last_name, first_seen, last_seen)
  SELECT x.player_guid, x.is_bot, x.name, (v_r->>'roundStart')::timestamptz, (v_r->>'roundStart')::timestamptz
  FROM jsonb_to_recordset(p_file->'players') AS x(player_guid text, is_bot boolean, name text)
  ORDER BY x.player_guid COLLATE "C"
  ON CONFLICT (player_guid) DO UPDATE SET
    last_name = CASE WHEN EXCLUDED.last_seen >= pl.last_seen THEN EXCLUDED.last_name ELSE pl.last_name END,
    is_bot = CASE WHEN EXCLUDED.last_seen >= pl.last_seen THEN EXCLUDED.is_bot ELSE pl.is_bot END,
    first_seen = LEAST(pl.first_seen, EXCLUDED.first_seen),
    last_seen = GREATEST(pl.last_seen, EXCLUDED.last_seen);

  INSERT INTO player_name_history AS h (player_guid, player_name, first_seen, last_seen, rounds)
  SELECT x.player_guid, x.player_name, (v_r->>'roundStart')::timestamptz, (v_r->>'roundStart')::timestamptz, 1
  FROM jsonb_to_recordset(p_file->'names') AS x(player_guid text, player_name text)
  ORDER BY x.player_guid COLLATE "C", x.player_name COLLATE "C"
  ON CONFLICT (player_guid, player_name) DO UPDATE SET
    first_seen = LEAST(h.first_seen, EXCLUDED.first_seen),
    last_seen = GREATEST(h.last_seen, EXCLUDED.last_seen),
    rounds = h.rounds + 1;

  INSERT INTO round_player (round_id, pid, slot, player_guid, player_name, is_bot, team, player_class,
      first_seen_ms, last_seen_ms)
  SELECT v_round, x.pid, x.slot, x.player_guid, x.player_name, x.is_bot, x.team, x.player_class,
      x.first_seen_ms, x.last_seen_ms
  FROM jsonb_to_recordset(p_file->'round_players') AS x(pid smallint, slot smallint, player_guid text,
      player_name text, is_bot boolean, team text, player_class text, first_seen_ms integer, last_seen_ms integer);

  INSERT INTO combat_engagement
  SELECT v_round, x.engagement_id, x.start_ms, x.end_ms, x.target_pid, x.target_guid, x.target_team,
      x.target_class, x.outcome, x.end_mod, x.killer_pid, x.killer_guid, x.damage, x.hits, x.num_attackers,
      x.is_crossfire, x.crossfire_delay_ms, x.crossfire_pairs, x.attackers, x.position_path, x.kill_weapon,
      x.killer_x, x.killer_y, x.killer_z, x.victim_x, x.victim_y, x.victim_z, x.kill_distance,
      x.killer_allies, x.killer_enemies, x.victim_allies, x.victim_enemies, x.killer_side, x.victim_side,
      x.engagement_type
  FROM jsonb_populate_recordset(NULL::combat_engagement, p_file->'engagements') AS x;

  INSERT INTO round_heatmap
  SELECT v_round, x.kill_gx, x.kill_gy, x.kill_axis, x.kill_allies, x.move_gx, x.move_gy,
      x.move_traversal, x.move_combat, x.move_escape
  FROM jsonb_populate_record(NULL::round_heatmap, p_file->'heatmap') AS x;

%s
  RETURN jsonb_build_object('status', 'imported', 'round_id', v_round);
END
$body$
$fn$, v_merges);
END
$define$;

SELECT proximity_define_import();
