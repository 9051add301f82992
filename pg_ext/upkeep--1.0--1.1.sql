/* upkeep--1.0--1.1.sql: patch runs and slow statements; deadlocks */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION upkeep UPDATE TO '1.1'" to load this file. \quit

-- Patch runs ----------------------------------------------------------------

CREATE FUNCTION @extschema@.patch_begin(name text, app text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'patch_begin'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.patch_begin(text, text) IS
'Start a patch run in this session: every statement until patch_end() is attributed to it; returns the run id';

CREATE FUNCTION @extschema@.patch_end(status text DEFAULT 'succeeded', error text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'patch_end'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.patch_end(text, text) IS
'End this session''s patch run as succeeded, failed or skipped, with an optional error message';

CREATE FUNCTION @extschema@.patch_run_entries(
	OUT run_id bigint,
	OUT name text,
	OUT app text,
	OUT database text,
	OUT username text,
	OUT pid int,
	OUT started_at timestamptz,
	OUT ended_at timestamptz,
	OUT duration_ms float8,
	OUT status text,
	OUT statements bigint,
	OUT slow_statements bigint,
	OUT lock_wait_ms float8,
	OUT error_sqlstate text,
	OUT error_message text,
	OUT error_statement text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'patch_run_entries'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.patch_runs AS
	SELECT * FROM @extschema@.patch_run_entries();

COMMENT ON VIEW @extschema@.patch_runs IS
'One row per patch run of the cluster (all databases), kept across restarts within upkeep.patch_log_max_size';

CREATE FUNCTION @extschema@.slow_statement_entries(
	OUT id bigint,
	OUT run_id bigint,
	OUT patch text,
	OUT database text,
	OUT username text,
	OUT pid int,
	OUT started_at timestamptz,
	OUT duration_ms float8,
	OUT lock_wait_ms float8,
	OUT command text,
	OUT query text,
	OUT rows bigint,
	OUT plan text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'slow_statement_entries'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.slow_statements AS
	SELECT * FROM @extschema@.slow_statement_entries();

COMMENT ON VIEW @extschema@.slow_statements IS
'Statements of patch runs that took at least upkeep.slow_statement_ms, with their lock wait and (upkeep.log_plans) plan';

CREATE FUNCTION @extschema@.patch_sessions(
	OUT run_id bigint,
	OUT patch text,
	OUT app text,
	OUT pid int,
	OUT started_at timestamptz,
	OUT statements bigint,
	OUT slow_statements bigint,
	OUT lock_wait_ms float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'patch_sessions'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.patch_activity AS
	SELECT s.run_id, s.patch, s.app, a.datname::text AS database,
		   a.usename::text AS username, s.pid, s.started_at,
		   now() - s.started_at AS elapsed,
		   s.statements, s.slow_statements, s.lock_wait_ms,
		   a.state, a.query AS current_statement,
		   CASE WHEN a.state = 'active' THEN now() - a.query_start END AS statement_elapsed,
		   a.wait_event_type, a.wait_event,
		   pg_blocking_pids(s.pid) AS blocked_by
	  FROM @extschema@.patch_sessions() s
	  LEFT JOIN pg_stat_activity a ON a.pid = s.pid;

COMMENT ON VIEW @extschema@.patch_activity IS
'Live: each session now inside a patch, its current statement, wait event and the pids blocking it';

GRANT SELECT ON @extschema@.patch_runs, @extschema@.slow_statements,
	@extschema@.patch_activity TO PUBLIC;

-- Deadlocks ------------------------------------------------------------------

CREATE FUNCTION @extschema@.deadlock_entries(
	OUT deadlock_id bigint,
	OUT detected_at timestamptz,
	OUT database text,
	OUT victim_pid int,
	OUT victim_patch text,
	OUT participants int,
	OUT tables text[],
	OUT statement_shapes text[],
	OUT pattern text,
	OUT report text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'deadlock_entries'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.deadlocks AS
	SELECT * FROM @extschema@.deadlock_entries();

COMMENT ON VIEW @extschema@.deadlocks IS
'Every deadlock of the cluster, captured when it happened, kept across restarts within upkeep.deadlock_log_max_size';

CREATE FUNCTION @extschema@.deadlock_participant_entries(
	OUT deadlock_id bigint,
	OUT pid int,
	OUT is_victim boolean,
	OUT username text,
	OUT application_name text,
	OUT patch text,
	OUT query text,
	OUT lock_mode text,
	OUT lock_type text,
	OUT lock_target text,
	OUT table_name text,
	OUT blocked_by int)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'deadlock_participant_entries'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.deadlock_participants AS
	SELECT * FROM @extschema@.deadlock_participant_entries();

COMMENT ON VIEW @extschema@.deadlock_participants IS
'One row per member of each captured deadlock: its query, the lock it waited for, who blocked it, its patch';

CREATE VIEW @extschema@.deadlock_summary AS
	WITH d AS (SELECT * FROM @extschema@.deadlocks),
	g AS (SELECT pattern,
				 count(*) AS occurrences,
				 min(detected_at) AS first_seen,
				 max(detected_at) AS last_seen,
				 array_agg(DISTINCT victim_patch) FILTER (WHERE victim_patch IS NOT NULL) AS victim_patches,
				 array_agg(deadlock_id ORDER BY deadlock_id) AS deadlock_ids,
				 max(deadlock_id) AS last_id
			FROM d GROUP BY pattern)
	SELECT g.pattern, d.tables, d.statement_shapes, g.occurrences, g.first_seen,
		   g.last_seen, g.victim_patches, g.deadlock_ids
	  FROM g JOIN d ON d.deadlock_id = g.last_id;

COMMENT ON VIEW @extschema@.deadlock_summary IS
'Recurring deadlocks: one row per pattern (tables and statement shapes without constants)';

GRANT SELECT ON @extschema@.deadlocks, @extschema@.deadlock_participants,
	@extschema@.deadlock_summary TO PUBLIC;

-- Index hygiene -----------------------------------------------------------
--
-- What to drop and what to add, from the catalogs and the statistics of
-- the current database.  Each row carries its size and the evidence.

CREATE VIEW @extschema@.unused_indexes AS
	SELECT s.schemaname::text AS schema_name,
		   s.relname::text AS table_name,
		   s.indexrelname::text AS index_name,
		   pg_relation_size(s.indexrelid) AS size_bytes,
		   s.idx_scan AS scans,
		   d.stats_reset AS stats_since,
		   pg_get_indexdef(s.indexrelid) AS index_definition,
		   format('DROP INDEX CONCURRENTLY %s', s.indexrelid::regclass) AS drop_statement,
		   format('never used by a scan since %s; %s rows written to the table since',
				  coalesce(d.stats_reset::text, 'the statistics began'),
				  t.n_tup_ins + t.n_tup_upd + t.n_tup_del) AS evidence
	  FROM pg_stat_user_indexes s
	  JOIN pg_index i ON i.indexrelid = s.indexrelid
	  JOIN pg_stat_user_tables t ON t.relid = s.relid
	  CROSS JOIN (SELECT stats_reset FROM pg_stat_database
				   WHERE datname = current_database()) d
	 WHERE s.idx_scan = 0
	   AND i.indisvalid
	   AND NOT i.indisunique		-- a unique index enforces something even unscanned
	   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid);

COMMENT ON VIEW @extschema@.unused_indexes IS
'Indexes of this database never scanned since the statistics were reset, that back no constraint and are not unique';

CREATE VIEW @extschema@.redundant_indexes AS
	SELECT n.nspname::text AS schema_name,
		   t.relname::text AS table_name,
		   ra.relname::text AS index_name,
		   pg_relation_size(a.indexrelid) AS size_bytes,
		   rb.relname::text AS covered_by,
		   CASE WHEN a.indnkeyatts = b.indnkeyatts THEN 'duplicate' ELSE 'prefix' END AS kind,
		   pg_get_indexdef(a.indexrelid) AS index_definition,
		   pg_get_indexdef(b.indexrelid) AS covering_definition,
		   format('DROP INDEX CONCURRENTLY %s', a.indexrelid::regclass) AS drop_statement,
		   CASE WHEN a.indnkeyatts = b.indnkeyatts
				THEN format('same columns, method and operator classes as %s', rb.relname)
				ELSE format('its %s column(s) lead %s, of the same method and operator classes',
							a.indnkeyatts, rb.relname) END AS evidence
	  FROM pg_index a
	  JOIN pg_index b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
	  JOIN pg_class ra ON ra.oid = a.indexrelid
	  JOIN pg_class rb ON rb.oid = b.indexrelid
	  JOIN pg_class t ON t.oid = a.indrelid
	  JOIN pg_namespace n ON n.oid = t.relnamespace
	 WHERE ra.relam = rb.relam
	   AND a.indisvalid AND b.indisvalid
	   AND a.indexprs IS NULL AND b.indexprs IS NULL
	   AND a.indpred IS NULL AND b.indpred IS NULL
	   AND a.indnkeyatts <= b.indnkeyatts
	   AND (b.indkey::int2[])[0:a.indnkeyatts - 1] = (a.indkey::int2[])[0:a.indnkeyatts - 1]
	   AND (b.indclass::oid[])[0:a.indnkeyatts - 1] = (a.indclass::oid[])[0:a.indnkeyatts - 1]
	   AND (b.indcollation::oid[])[0:a.indnkeyatts - 1] = (a.indcollation::oid[])[0:a.indnkeyatts - 1]
	   AND (b.indoption::int2[])[0:a.indnkeyatts - 1] = (a.indoption::int2[])[0:a.indnkeyatts - 1]
	   -- a unique index is redundant only beside an exact duplicate that is unique too
	   AND (NOT a.indisunique OR (b.indisunique AND a.indnkeyatts = b.indnkeyatts))
	   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = a.indexrelid)
	   -- of two exact duplicates, name one: the newer, unless only it backs a constraint
	   AND NOT (a.indnkeyatts = b.indnkeyatts AND a.indisunique = b.indisunique
				AND a.indexrelid < b.indexrelid
				AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = b.indexrelid))
	   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
	   AND n.nspname !~ '^pg_toast';

COMMENT ON VIEW @extschema@.redundant_indexes IS
'Indexes whose columns lead another index of the same method and operator classes, or exactly duplicate it';

CREATE VIEW @extschema@.missing_fk_indexes AS
	SELECT n.nspname::text AS schema_name,
		   t.relname::text AS table_name,
		   c.conname::text AS constraint_name,
		   ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
				   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
				  ORDER BY k.ord) AS columns,
		   c.confrelid::regclass::text AS referenced_table,
		   pg_relation_size(c.conrelid) AS table_size_bytes,
		   format('CREATE INDEX CONCURRENTLY ON %s (%s)', c.conrelid::regclass,
				  (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
					 FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
					 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum))
			   AS create_statement,
		   format('no index leads with the referencing column(s): each delete or key update in %s scans %s (%s rows); %s such writes since the statistics were reset',
				  c.confrelid::regclass, c.conrelid::regclass, coalesce(st.n_live_tup, 0),
				  coalesce(rt.n_tup_del + rt.n_tup_upd, 0)) AS evidence
	  FROM pg_constraint c
	  JOIN pg_class t ON t.oid = c.conrelid
	  JOIN pg_namespace n ON n.oid = t.relnamespace
	  LEFT JOIN pg_stat_user_tables st ON st.relid = c.conrelid
	  LEFT JOIN pg_stat_user_tables rt ON rt.relid = c.confrelid
	 WHERE c.contype = 'f'
	   AND NOT EXISTS (
			SELECT 1 FROM pg_index i
			 WHERE i.indrelid = c.conrelid
			   AND i.indisvalid
			   AND i.indpred IS NULL
			   AND i.indnkeyatts >= cardinality(c.conkey)
			   -- the key columns, in any order, lead the index
			   AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
			   AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey);

COMMENT ON VIEW @extschema@.missing_fk_indexes IS
'Foreign keys whose referencing columns lead no index: deletes and key updates of the referenced table scan the referencing one';

GRANT SELECT ON @extschema@.unused_indexes, @extschema@.redundant_indexes,
	@extschema@.missing_fk_indexes TO PUBLIC;
