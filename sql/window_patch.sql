--
-- Window patches: the runner of a maintenance window opens patch runs that
-- the statements of the window's other maintainer sessions are attributed
-- to.  Errors, the two-level rule, who may call them, what is counted,
-- and the new columns.  (Concurrent sessions, PGOPTIONS and restarts:
-- tests/shell/pg_window_patch.sh.)
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS upkeep;
RESET client_min_messages;
\pset null '(null)'
SELECT current_database() AS home \gset

-- The new columns, appended at the end of each view.
SELECT window_id, parent_run_id FROM upkeep.patch_runs LIMIT 0;
SELECT window_id, parent_run_id FROM upkeep.patch_activity LIMIT 0;
SELECT window_id, window_patch, window_patch_run_id, unattributed_statements
  FROM upkeep.maintenance;
SELECT current_setting('upkeep.window_attribution') AS attribution;

-- No window: nothing to open or end.
SELECT upkeep.window_patch_begin('p');
SELECT upkeep.window_patch_end();
\set VERBOSITY sqlstate
SELECT upkeep.window_patch_begin('p');
\set VERBOSITY default

SELECT upkeep.enter_maintenance('window patch regression test',
								drain_timeout => '0') AS token \gset
SELECT window_id AS win FROM upkeep.maintenance \gset
SELECT window_id = :win AS window_shown, window_patch, window_patch_run_id,
	   unattributed_statements
  FROM upkeep.maintenance;

-- Bad input, and the two-level rule.
SELECT upkeep.window_patch_end();
SELECT upkeep.window_patch_begin('step', nested => true);
SELECT upkeep.window_patch_begin('');
SELECT upkeep.window_patch_begin(NULL);
SELECT upkeep.window_patch_begin('p', repeat('a', 65));
SELECT upkeep.window_patch_begin('outer', 'erpnext') AS outer_id \gset
SELECT upkeep.window_patch_begin('again');
SELECT upkeep.window_patch_begin('step', 'erpnext', true) AS step_id \gset
SELECT upkeep.window_patch_begin('step2', nested => true);
SELECT window_patch, window_patch_run_id = :step_id AS innermost
  FROM upkeep.maintenance;
SELECT upkeep.window_patch_end('done');
\set VERBOSITY sqlstate
SELECT upkeep.window_patch_end('done');
SELECT upkeep.window_patch_begin('again');
\set VERBOSITY default
SELECT upkeep.window_patch_end('skipped') = :step_id AS ended_step;
SELECT window_patch, window_patch_run_id = :outer_id AS back_to_outer
  FROM upkeep.maintenance;
SELECT name, status, window_id = :win AS in_window, parent_run_id = :outer_id AS child
  FROM upkeep.patch_runs WHERE run_id = :step_id;
-- the runner's own statements are not attributed; the open run shows once,
-- without a pid, while no session runs a statement for it
SELECT patch, app, pid, window_id = :win AS in_window, parent_run_id, statements
  FROM upkeep.patch_activity WHERE run_id = :outer_id;

-- A session that is not a maintainer of the window may not call them.
\c :home
SELECT upkeep.window_patch_begin('intruder');
SELECT upkeep.window_patch_end();
\set VERBOSITY sqlstate
SELECT upkeep.window_patch_begin('intruder');
\set VERBOSITY default

-- A maintainer session (joined with the token) is attributed: statements,
-- its failure, but not while window_attribution is off.
SELECT upkeep.join_maintenance(:'token');
SELECT 1 AS attributed;
SELECT 1 / 0;
SET upkeep.window_attribution = off;
SELECT 2 AS not_attributed;
RESET upkeep.window_attribution;
-- 2 so far: SELECT 1 and the failure (not the SET that turned it off)
SELECT status, statements, error_sqlstate, error_statement
  FROM upkeep.patch_runs WHERE run_id = :outer_id;
-- ending it makes this session the runner (the reading SELECT above was
-- the third statement)
SELECT upkeep.window_patch_end() = :outer_id AS ended_outer;
SELECT name, status, statements, error_sqlstate, window_id = :win AS in_window,
	   parent_run_id
  FROM upkeep.patch_runs WHERE run_id = :outer_id;
SELECT window_patch, window_patch_run_id FROM upkeep.maintenance;

-- With no window patch open, a maintainer's statements are counted as
-- unattributed (the reading SELECT included).
\c :home
SELECT upkeep.join_maintenance(:'token');
SELECT 1 AS unattributed;
SELECT 2 AS unattributed;
SELECT unattributed_statements FROM upkeep.maintenance;

-- Leaving maintenance ends the open window patch runs as aborted.
SELECT upkeep.window_patch_begin('left.open') AS open_id \gset
SELECT upkeep.window_patch_begin('left.open.step', nested => true) AS open_step_id \gset
SELECT upkeep.exit_maintenance();
SELECT name, status, error_message, ended_at IS NOT NULL AS ended
  FROM upkeep.patch_runs WHERE run_id IN (:open_id, :open_step_id) ORDER BY run_id;
SELECT count(*) AS live FROM upkeep.patch_activity WHERE window_id IS NOT NULL;
SELECT active, window_id, window_patch, window_patch_run_id, unattributed_statements
  FROM upkeep.maintenance;
SELECT upkeep.window_patch_begin('after');
SELECT upkeep.window_patch_end();
