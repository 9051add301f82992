/* upkeep--1.3--1.4.sql: window patches, for `upkeep run` (issue 12) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION upkeep UPDATE TO '1.4'" to load this file. \quit

-- == window patches ==
-- The runner of a maintenance window opens a patch run for the window;
-- the statements of the window's other maintainer sessions without a patch
-- of their own are attributed to it (patchlog_window.c).  Not REVOKEd from
-- PUBLIC: maintainers that joined with the token are ordinary roles, so
-- the functions themselves admit only maintainers of the active window.

CREATE FUNCTION @extschema@.window_patch_begin(name text, app text DEFAULT NULL,
											   nested boolean DEFAULT false)
RETURNS bigint
AS 'MODULE_PATHNAME', 'window_patch_begin'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.window_patch_begin(text, text, boolean) IS
'Open a window patch run (nested => true: a step inside the open one): the statements of the window''s maintainer sessions without a patch of their own are attributed to it; returns the run id';

CREATE FUNCTION @extschema@.window_patch_end(status text DEFAULT 'succeeded',
											 error text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'window_patch_end'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.window_patch_end(text, text) IS
'End the innermost open window patch run as succeeded, failed or skipped, with an optional error message; returns its run id';

-- == patch runs: the window and the parent of each run ==

DROP VIEW @extschema@.patch_runs;
DROP FUNCTION @extschema@.patch_run_entries();

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
	OUT error_statement text,
	OUT window_id bigint,
	OUT parent_run_id bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'patch_run_entries'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.patch_runs AS
	SELECT * FROM @extschema@.patch_run_entries();

COMMENT ON VIEW @extschema@.patch_runs IS
'One row per patch run of the cluster (all databases), kept across restarts within upkeep.patch_log_max_size; window_id is set for window patch runs';

DROP VIEW @extschema@.patch_activity;
DROP FUNCTION @extschema@.patch_sessions();

CREATE FUNCTION @extschema@.patch_sessions(
	OUT run_id bigint,
	OUT patch text,
	OUT app text,
	OUT pid int,
	OUT started_at timestamptz,
	OUT statements bigint,
	OUT slow_statements bigint,
	OUT lock_wait_ms float8,
	OUT window_id bigint,
	OUT parent_run_id bigint)
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
		   pg_blocking_pids(s.pid) AS blocked_by,
		   s.window_id, s.parent_run_id
	  FROM @extschema@.patch_sessions() s
	  LEFT JOIN pg_stat_activity a ON a.pid = s.pid;

COMMENT ON VIEW @extschema@.patch_activity IS
'Live: each session now inside a patch, and each session running a statement of an open window patch (the window patch once without a pid when none is), its current statement, wait event and the pids blocking it';

GRANT SELECT ON @extschema@.patch_runs, @extschema@.patch_activity TO PUBLIC;

-- == maintenance: the window and its window patch ==

DROP VIEW @extschema@.maintenance;
DROP FUNCTION @extschema@.maintenance_status();

CREATE FUNCTION @extschema@.maintenance_status(
	OUT active boolean,
	OUT reason text,
	OUT started_at timestamptz,
	OUT expected_end timestamptz,
	OUT entered_by text,
	OUT maintainer_pids int[],
	OUT refused_writes bigint,
	OUT phase text,
	OUT join_failures bigint,
	OUT state_file_error text,
	OUT window_id bigint,
	OUT window_patch text,
	OUT window_patch_run_id bigint,
	OUT unattributed_statements bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'maintenance_status'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.maintenance_status() IS
'Current maintenance state of the cluster (never shows the join token), with the open window patch';

CREATE VIEW @extschema@.maintenance AS
	SELECT * FROM @extschema@.maintenance_status();

GRANT SELECT ON @extschema@.maintenance TO PUBLIC;
