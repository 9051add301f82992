/* upkeep--1.4--1.5.sql: maintenance_log.unattributed_statements (issue 12) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION upkeep UPDATE TO '1.5'" to load this file. \quit

-- issue 12: maintenance_log.unattributed_statements, the statements of the
-- window's maintainer sessions that ran with no window patch open (`upkeep
-- run`), appended at the end of the function's OUT columns and the view.

DROP VIEW @extschema@.maintenance_log;
DROP FUNCTION @extschema@.maintenance_log_entries();

CREATE FUNCTION @extschema@.maintenance_log_entries(
	OUT window_id bigint,
	OUT reason text,
	OUT entered_by text,
	OUT entered_at timestamptz,
	OUT expected_end timestamptz,
	OUT exited_by text,
	OUT exited_at timestamptz,
	OUT refused_writes bigint,
	OUT drain_outcome text,
	OUT drain_ms bigint,
	OUT drain_waited_for int,
	OUT drain_terminated int,
	OUT drain_detail text,
	OUT unattributed_statements bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'maintenance_log_entries'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.maintenance_log AS
	SELECT window_id, reason, entered_by, entered_at, expected_end,
		   exited_by, exited_at,
		   coalesce(exited_at, now()) - entered_at AS duration,
		   refused_writes, drain_outcome, drain_ms, drain_waited_for,
		   drain_terminated, drain_detail, unattributed_statements
	  FROM @extschema@.maintenance_log_entries();

COMMENT ON VIEW @extschema@.maintenance_log IS
'One row per maintenance window of the cluster, kept across restarts';
COMMENT ON COLUMN @extschema@.maintenance_log.unattributed_statements IS
'Statements of the window''s maintainer sessions that ran with no window patch open (0 in windows logged before 1.5)';

GRANT SELECT ON @extschema@.maintenance_log TO PUBLIC;
