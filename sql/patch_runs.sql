--
-- Patch runs and slow statements: what is recorded, errors, rollback,
-- nested and utility statements, plans, other databases, privileges.
-- (Lock waits: tests/isolation/specs/patch_lock_wait.spec; restarts and
-- crashes: tests/shell/pg_patch_durability.sh.)
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS upkeep;
RESET client_min_messages;
\pset null '(null)'
SELECT current_database() AS home \gset
SET upkeep.slow_statement_ms = 1000;

-- Bad input: clear errors, nothing recorded.
SELECT upkeep.patch_end();
SELECT upkeep.patch_end('done');
SELECT upkeep.patch_end(NULL);
SELECT upkeep.patch_begin(NULL);
SELECT upkeep.patch_begin('');
SELECT upkeep.patch_begin(repeat('p', 257));
SELECT upkeep.patch_begin(E'two\nlines');
SELECT upkeep.patch_begin('ok', repeat('a', 65));
SELECT count(*) AS runs FROM upkeep.patch_runs;
SET upkeep.slow_statement_ms = -2;

-- A 1.2 s statement is recorded with its patch and duration; a fast one
-- is only counted.
SELECT upkeep.patch_begin('erpnext.patches.v15_0.slow', 'erpnext') > 0 AS began;
SELECT upkeep.patch_begin('nested');	-- one run at a time
SELECT 1 AS fast;
SELECT pg_sleep(1.2);
SELECT name, app, status, statements, slow_statements, ended_at IS NULL AS open
  FROM upkeep.patch_runs;
SELECT patch, statements, pid = pg_backend_pid() AS mine FROM upkeep.patch_activity;
SELECT upkeep.patch_end();
SELECT name, status, statements, slow_statements, database = current_database() AS db,
	   username = session_user AS usr, pid = pg_backend_pid() AS pid,
	   duration_ms >= 1200 AS long, error_sqlstate
  FROM upkeep.patch_runs WHERE name LIKE '%slow';
SELECT patch, command, query, duration_ms >= 1200 AS slow, lock_wait_ms < 100 AS no_wait,
	   rows, plan
  FROM upkeep.slow_statements WHERE patch LIKE '%slow';
SELECT count(*) AS sessions_in_patch FROM upkeep.patch_activity;

-- Every statement: utility statements with their command tag, statements
-- nested in DO blocks and functions, statements of a rolled-back
-- transaction, and a failing statement with its SQLSTATE and text.
SET upkeep.slow_statement_ms = 0;
SELECT upkeep.patch_begin('stock.add_index') > 0 AS began;
CREATE TABLE patch_t (id int PRIMARY KEY, v text);
INSERT INTO patch_t SELECT g, 'v' || g FROM generate_series(1, 500) g;
CREATE INDEX patch_t_v ON patch_t (v);
ALTER TABLE patch_t ADD COLUMN w int;
CREATE FUNCTION patch_f() RETURNS int LANGUAGE plpgsql AS
$$BEGIN UPDATE patch_t SET w = 1 WHERE id <= 10; RETURN 10; END$$;
SELECT patch_f();
DO $$BEGIN DELETE FROM patch_t WHERE id > 490; END$$;
BEGIN;
UPDATE patch_t SET v = 'gone' WHERE id = 1;
ROLLBACK;
BEGIN;
INSERT INTO patch_t VALUES (1, 'duplicate');
ROLLBACK;
SELECT upkeep.patch_end('failed', 'patch raised IntegrityError');
SELECT command, query, rows
  FROM upkeep.slow_statements WHERE patch = 'stock.add_index' ORDER BY id;
SELECT name, status, statements, slow_statements, error_sqlstate, error_message,
	   error_statement
  FROM upkeep.patch_runs WHERE name = 'stock.add_index';
SELECT v FROM patch_t WHERE id = 1;	-- the rollback itself happened

-- Without a message from the script, the run keeps the server's message.
SELECT upkeep.patch_begin('fails.alone') > 0 AS began;
SELECT * FROM no_such_table;
SELECT upkeep.patch_end('failed');
SELECT status, error_sqlstate, error_message, error_statement
  FROM upkeep.patch_runs WHERE name = 'fails.alone';

-- skipped; and patch_end inside a transaction that rolls back still ends it
SELECT upkeep.patch_begin('skipped.one') > 0 AS began;
BEGIN;
SELECT upkeep.patch_end('skipped');
ROLLBACK;
SELECT status FROM upkeep.patch_runs WHERE name = 'skipped.one';
SELECT upkeep.patch_end();

-- Plans of slow statements, when asked for.
SET upkeep.log_plans = on;
SELECT upkeep.patch_begin('with.plans') > 0 AS began;
SELECT count(*) FROM patch_t WHERE id < 5;
SELECT upkeep.patch_end();
SELECT command, plan LIKE '%Index%patch_t%' OR plan LIKE '%Scan%patch_t%' AS has_plan
  FROM upkeep.slow_statements WHERE patch = 'with.plans' ORDER BY id;
RESET upkeep.log_plans;

-- A threshold of -1 records nothing but still counts.
SET upkeep.slow_statement_ms = -1;
SELECT upkeep.patch_begin('counted.only') > 0 AS began;
SELECT pg_sleep(0.01);
SELECT upkeep.patch_end();
SELECT statements, slow_statements FROM upkeep.patch_runs WHERE name = 'counted.only';
RESET upkeep.slow_statement_ms;

-- A session that disconnects inside a patch leaves the run aborted.
\c
SELECT upkeep.patch_begin('left.open') > 0 AS began;
\c
DO $$
BEGIN
	FOR i IN 1 .. 1200 LOOP		-- 60 s at most
		EXIT WHEN (SELECT status FROM upkeep.patch_runs WHERE name = 'left.open') <> 'running';
		PERFORM pg_sleep(0.05);
		PERFORM pg_stat_clear_snapshot();
	END LOOP;
END $$;
SELECT status, ended_at IS NOT NULL AS ended, error_message
  FROM upkeep.patch_runs WHERE name = 'left.open';

-- Runs of every database are visible from any database with the extension;
-- an update from 1.0 gives the same objects.
CREATE DATABASE upkeep_patch_other;
\c upkeep_patch_other
CREATE EXTENSION upkeep VERSION '1.0';
ALTER EXTENSION upkeep UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'upkeep';
SELECT upkeep.patch_begin('other.db') > 0 AS began;
SELECT upkeep.patch_end();
\c :home
SELECT database, status FROM upkeep.patch_runs WHERE name = 'other.db';
DROP DATABASE upkeep_patch_other;

-- Others' statement text is hidden from a role without pg_read_all_stats.
CREATE ROLE upkeep_patch_viewer LOGIN;
SET ROLE upkeep_patch_viewer;
SELECT DISTINCT query FROM upkeep.slow_statements WHERE patch = 'stock.add_index';
SELECT error_message, error_statement FROM upkeep.patch_runs WHERE name = 'fails.alone';
RESET ROLE;
GRANT pg_read_all_stats TO upkeep_patch_viewer;
SET ROLE upkeep_patch_viewer;
SELECT error_statement FROM upkeep.patch_runs WHERE name = 'fails.alone';
RESET ROLE;
DROP ROLE upkeep_patch_viewer;
DROP TABLE patch_t;
DROP FUNCTION patch_f();
