--
-- Joining a maintenance window checks the session user, never current_user:
-- join_maintenance() inside a SECURITY DEFINER function owned by the
-- entering role must not let another role in.  (upkeep.join_token with a
-- fast-path call of such a function as the first message: see
-- tests/shell/pg_join_token.sh.)  Runs after maintenance_sessions, whose
-- join_failures it would change.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS upkeep;
RESET client_min_messages;
SELECT current_user AS superuser \gset
CREATE ROLE upkeep_j_dba LOGIN;
CREATE ROLE upkeep_j_app LOGIN;
GRANT EXECUTE ON FUNCTION upkeep.enter_maintenance(text, interval, interval, text, interval),
	upkeep.exit_maintenance() TO upkeep_j_dba;
CREATE TABLE j_items (name text);
GRANT ALL ON j_items TO upkeep_j_app, upkeep_j_dba;
-- helpers of the entering role, SECURITY DEFINER, executable by PUBLIC
CREATE FUNCTION j_join_as_owner(tok text) RETURNS void
	SECURITY DEFINER LANGUAGE sql AS $$ SELECT upkeep.join_maintenance(tok) $$;
ALTER FUNCTION j_join_as_owner(text) OWNER TO upkeep_j_dba;

\c - upkeep_j_dba
SELECT upkeep.enter_maintenance('join checks') AS token \gset

\c - upkeep_j_app
SELECT join_failures AS failures_before FROM upkeep.maintenance \gset
-- join_maintenance() run as the entering role inside its function
SELECT j_join_as_owner(:'token');
INSERT INTO j_items VALUES ('app through a definer function');
SELECT pg_backend_pid() = ANY (maintainer_pids) AS app_is_maintainer,
	   join_failures - :failures_before AS new_join_failures
  FROM upkeep.maintenance;

-- A superuser that took the app's identity (SET SESSION AUTHORIZATION) is
-- the app; SET ROLE neither gives nor takes away the right to join.
\c - :superuser
SET SESSION AUTHORIZATION upkeep_j_app;
SELECT upkeep.join_maintenance(:'token');
RESET SESSION AUTHORIZATION;
SET ROLE upkeep_j_app;
SELECT upkeep.join_maintenance(:'token');
INSERT INTO j_items VALUES ('superuser session under SET ROLE');
RESET ROLE;

\c - upkeep_j_dba
SELECT upkeep.exit_maintenance();
SELECT name FROM j_items ORDER BY name COLLATE "C";
\c - :superuser
DROP TABLE j_items;
DROP FUNCTION j_join_as_owner(text);
REVOKE EXECUTE ON FUNCTION upkeep.enter_maintenance(text, interval, interval, text, interval),
	upkeep.exit_maintenance() FROM upkeep_j_dba;
DROP ROLE upkeep_j_dba, upkeep_j_app;
