/* upkeep--1.4--1.5.sql: issue 12's finish (maintenance_log.unattributed_statements),
   issue 13 (the advisor's distance to the best), issue 14 (the window across a failover) */

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

-- issue 14: the window survives a failover (wal_rmgr.c, wal_standbys.c).
-- enter_maintenance() may wait for the standbys to replay the window;
-- maintenance_status() says where the window is in the WAL and which
-- connected standbys have replayed it.

CREATE FUNCTION @extschema@.enter_maintenance(
	reason text,
	expected_duration interval DEFAULT NULL,
	drain_timeout interval DEFAULT '30 seconds',
	on_timeout text DEFAULT 'fail',
	wait_for_standbys interval DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'enter_maintenance'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.enter_maintenance(text, interval, interval, text, interval) IS
'Make the whole cluster read-only for every session but the caller (and sessions that join), after draining open write transactions; with wait_for_standbys, wait that long at most for the connected standbys to replay the window; returns the join token';

REVOKE ALL ON FUNCTION @extschema@.enter_maintenance(text, interval, interval, text, interval) FROM PUBLIC;

-- whoever was granted EXECUTE on the old signature keeps it on the new one
DO $$
DECLARE
	g record;
BEGIN
	FOR g IN
		SELECT a.grantee, a.is_grantable
		FROM pg_proc p, aclexplode(p.proacl) a
		WHERE p.oid = '@extschema@.enter_maintenance(text, interval, interval, text)'::regprocedure
		  AND a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner
	LOOP
		EXECUTE format('GRANT EXECUTE ON FUNCTION @extschema@.enter_maintenance(text, interval, interval, text, interval) TO %s%s',
					   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
					   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
	END LOOP;
END
$$;

DROP FUNCTION @extschema@.enter_maintenance(text, interval, interval, text);

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
	OUT unattributed_statements bigint,
	OUT window_lsn pg_lsn,
	OUT standbys_replayed text[],
	OUT standbys_behind text[])
RETURNS record
AS 'MODULE_PATHNAME', 'maintenance_status'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.maintenance_status() IS
'Current maintenance state of the cluster (never shows the join token), with the open window patch, the end of the window''s last WAL record and which connected standbys have replayed it';

CREATE VIEW @extschema@.maintenance AS
	SELECT * FROM @extschema@.maintenance_status();

GRANT SELECT ON @extschema@.maintenance TO PUBLIC;

-- issue 13: optimality
-- How far index_advice() is from the best subset of its own candidates
-- (within max_indexes, under the same planner costs): for benchmarks
-- (bench/advisor_optimality.sh) and for a DBA who doubts the advice.
CREATE FUNCTION @extschema@.index_advice_optimality(
	queries text[] DEFAULT NULL,
	min_improvement_pct float8 DEFAULT 10,
	max_indexes int DEFAULT 10,
	max_subsets bigint DEFAULT 10000000,
	OUT candidates int,
	OUT searched int,
	OUT subsets bigint,
	OUT complete boolean,
	OUT cost_none float8,
	OUT cost_advice float8,
	OUT cost_best float8,
	OUT advice text[],
	OUT best text[],
	OUT saving_ratio float8)
RETURNS record
AS 'MODULE_PATHNAME', 'upkeep_index_advice_optimality'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.index_advice_optimality(text[], float8, int, bigint) IS
'The workload''s planner cost with no new index, with index_advice()''s advice and with the best subset of its candidates (searched exhaustively within max_indexes: complete says whether every subset was covered), and saving_ratio = the advice''s saving / the best saving';

-- As index_advice(): it plans statements as the caller.
REVOKE ALL ON FUNCTION @extschema@.index_advice_optimality(text[], float8, int, bigint) FROM PUBLIC;

-- issue 13: covering columns
-- index_advice() says which columns an index carries for index-only scans
-- (its INCLUDE list; create_statement already has them), in a column
-- appended at the end of its row type.  The type grows in place rather
-- than being dropped with the function: index_advice() keeps its oid, its
-- comment, its REVOKE from PUBLIC and whatever EXECUTE a DBA granted on it,
-- and a user's view over it does not block the update.  A fresh install
-- runs this same script, so it ends the same.
ALTER TYPE @extschema@.index_advice_row ADD ATTRIBUTE include_columns text[];

COMMENT ON COLUMN @extschema@.index_advice_row.include_columns IS
'The columns the index carries after its keys (INCLUDE) so that the queries it helps read only the index; empty when none';
