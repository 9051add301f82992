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
