/* upkeep--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION upkeep" to load this file. \quit

GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

-- Maintenance mode ---------------------------------------------------------

CREATE FUNCTION @extschema@.enter_maintenance(
	reason text,
	expected_duration interval DEFAULT NULL,
	drain_timeout interval DEFAULT '30 seconds',
	on_timeout text DEFAULT 'fail')
RETURNS text
AS 'MODULE_PATHNAME', 'enter_maintenance'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.enter_maintenance(text, interval, interval, text) IS
'Make the whole cluster read-only for every session but the caller (and sessions that join), after draining open write transactions; returns the join token';

CREATE FUNCTION @extschema@.join_maintenance(token text)
RETURNS void
AS 'MODULE_PATHNAME', 'join_maintenance'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.join_maintenance(text) IS
'Make this session a maintainer of the current maintenance window (token from enter_maintenance)';

CREATE FUNCTION @extschema@.exit_maintenance()
RETURNS void
AS 'MODULE_PATHNAME', 'exit_maintenance'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.exit_maintenance() IS
'End maintenance mode: back to read-write for everyone';

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
	OUT state_file_error text)
RETURNS record
AS 'MODULE_PATHNAME', 'maintenance_status'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.maintenance_status() IS
'Current maintenance state of the cluster (never shows the join token)';

CREATE VIEW @extschema@.maintenance AS
	SELECT * FROM @extschema@.maintenance_status();

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
	OUT drain_detail text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'maintenance_log_entries'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.maintenance_log AS
	SELECT window_id, reason, entered_by, entered_at, expected_end,
		   exited_by, exited_at,
		   coalesce(exited_at, now()) - entered_at AS duration,
		   refused_writes, drain_outcome, drain_ms, drain_waited_for,
		   drain_terminated, drain_detail
	  FROM @extschema@.maintenance_log_entries();

COMMENT ON VIEW @extschema@.maintenance_log IS
'One row per maintenance window of the cluster, kept across restarts';

REVOKE ALL ON FUNCTION @extschema@.enter_maintenance(text, interval, interval, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.exit_maintenance() FROM PUBLIC;
GRANT SELECT ON @extschema@.maintenance, @extschema@.maintenance_log TO PUBLIC;
