--
-- Maintenance mode: what is refused, for whom, and what keeps working.
--
\pset null '(null)'
SELECT current_database() AS regress_db \gset

CREATE ROLE upkeep_dba LOGIN;
CREATE ROLE upkeep_app LOGIN;
CREATE ROLE upkeep_stranger LOGIN;
CREATE ROLE upkeep_deputy LOGIN IN ROLE upkeep_dba;
GRANT EXECUTE ON FUNCTION upkeep.enter_maintenance(text, interval, interval, text, interval),
	upkeep.exit_maintenance() TO upkeep_dba;

-- The objects the sessions write to; the same in a second database where
-- the extension was never created.
\set objects 'CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) VALUES (''before''); CREATE SEQUENCE counter; GRANT ALL ON items, items_id_seq, counter TO upkeep_app, upkeep_dba; GRANT ALL ON SCHEMA public TO upkeep_app, upkeep_dba; GRANT SELECT ON items TO upkeep_stranger;'
:objects
SELECT lo_from_bytea(0, 'large object') AS loid \gset
ALTER LARGE OBJECT :loid OWNER TO upkeep_app;

CREATE FUNCTION add_item(n text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO items (name) VALUES (n);
END $$;

-- write_matrix(): every class of write (and a few reads), each in its own
-- subtransaction; the result is 'ok' or the SQLSTATE and message.
CREATE FUNCTION write_matrix() RETURNS TABLE (stmt text, result text)
LANGUAGE plpgsql AS $body$
DECLARE
	s text;
BEGIN
	FOREACH s IN ARRAY ARRAY[
		$s$INSERT INTO items (name) VALUES ('x')$s$,
		$s$UPDATE items SET name = 'y'$s$,
		$s$DELETE FROM items$s$,
		$s$MERGE INTO items USING (SELECT 1 AS id) s ON items.id = s.id WHEN MATCHED THEN UPDATE SET name = 'm'$s$,
		$s$TRUNCATE items$s$,
		$s$CREATE TABLE new_table (a int)$s$,
		$s$CREATE TEMP TABLE new_temp (a int)$s$,
		$s$ALTER TABLE items ADD COLUMN extra int$s$,
		$s$CREATE INDEX ON items (name)$s$,
		$s$DROP TABLE items$s$,
		$s$COMMENT ON TABLE items IS 'x'$s$,
		$s$GRANT SELECT ON items TO PUBLIC$s$,
		$s$REVOKE SELECT ON items FROM upkeep_stranger$s$,
		$s$CREATE ROLE upkeep_new$s$,
		$s$SELECT nextval('counter')$s$,
		$s$SELECT setval('counter', 100)$s$,
		$s$SELECT * FROM items FOR UPDATE$s$,
		$s$SELECT * FROM items FOR SHARE$s$,
		$s$SELECT add_item('via function')$s$,
		$s$DO $d$ BEGIN INSERT INTO items (name) VALUES ('via DO'); END $d$ $s$,
		$s$WITH w AS (INSERT INTO items (name) VALUES ('cte') RETURNING id) SELECT count(*) FROM w$s$,
		$s$EXPLAIN ANALYZE INSERT INTO items (name) VALUES ('e')$s$,
		$s$SELECT count(*) FROM items$s$,
		$s$EXPLAIN INSERT INTO items (name) VALUES ('e')$s$,
		$s$SET work_mem = '8MB'$s$,
		$s$SHOW work_mem$s$,
		$s$SELECT pg_advisory_xact_lock(1)$s$
	]
	LOOP
		stmt := s;
		BEGIN
			EXECUTE s;
			result := 'ok';
		EXCEPTION WHEN OTHERS THEN
			result := SQLSTATE || ' ' || SQLERRM;
		END;
		RETURN NEXT;
	END LOOP;
END $body$;
SELECT pg_get_functiondef('write_matrix()'::regprocedure) AS write_matrix_def,
	   pg_get_functiondef('add_item(text)'::regprocedure) AS add_item_def \gset

CREATE DATABASE upkeep_elsewhere;
\c upkeep_elsewhere
:objects
:write_matrix_def
\g
:add_item_def
\g

-- Enter maintenance as the DBA role.
\c :regress_db upkeep_dba
SELECT upkeep.enter_maintenance('ERPNext upgrade to v15') AS token \gset
SELECT length(:'token') AS token_length, left(:'token', 4) AS token_prefix;
SELECT active, reason, entered_by, phase,
	   maintainer_pids = ARRAY[pg_backend_pid()] AS caller_is_maintainer,
	   expected_end,
	   state_file_error
  FROM upkeep.maintenance;
-- the token is never shown
SELECT count(*) AS token_shown FROM upkeep.maintenance m WHERE m::text LIKE '%' || :'token' || '%';
SELECT count(*) AS token_logged FROM upkeep.maintenance_log m WHERE m::text LIKE '%' || :'token' || '%';

-- The maintainer writes: DML, DDL, sequences.
INSERT INTO items (name) VALUES ('by maintainer');
CREATE TABLE new_in_upgrade (a int);
DROP TABLE new_in_upgrade;
SELECT nextval('counter');

-- An application session: reads work, writes are refused with 25006.
\c :regress_db upkeep_app
SELECT name FROM items ORDER BY id;
INSERT INTO items (name) VALUES ('from app');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM write_matrix();
\copy items (name) FROM '/dev/null'
\echo :LAST_ERROR_SQLSTATE
-- escaping read-only through transaction settings does not work
BEGIN READ WRITE;
INSERT INTO items (name) VALUES ('read write');
ROLLBACK;
BEGIN;
SET TRANSACTION READ WRITE;
SHOW transaction_read_only;
UPDATE items SET name = 'z';
ROLLBACK;
SET default_transaction_read_only = off;
DELETE FROM items;
RESET default_transaction_read_only;
-- PREPARE TRANSACTION is refused too
BEGIN;
SELECT count(*) FROM items;
PREPARE TRANSACTION 'upkeep_p1';
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS prepared FROM pg_prepared_xacts;
-- large objects: creating or dropping one is refused as it happens
SELECT lo_create(0);
SELECT lo_from_bytea(0, 'x');
\set VERBOSITY terse
SELECT lo_unlink(:loid);
\set VERBOSITY default
-- writes that PostgreSQL's read-only checks miss are refused at commit
SELECT lo_put(:loid, 0, 'y');
\echo :LAST_ERROR_SQLSTATE
BEGIN;
SELECT lowrite(lo_open(:loid, 131072), 'z');
COMMIT;
SELECT count(*) AS large_objects, convert_from(lo_get(:loid), 'UTF8') AS content
  FROM pg_largeobject_metadata;
-- an explicit read-only transaction keeps working
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT count(*) FROM items;
COMMIT;

-- A superuser that is not a maintainer is refused too.
\c :regress_db postgres
INSERT INTO items (name) VALUES ('superuser');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM write_matrix();
COPY items (name) FROM '/dev/null';
ALTER ROLE upkeep_app CONNECTION LIMIT 5;
SELECT lo_import('/dev/null');
\echo :LAST_ERROR_SQLSTATE

-- A session in another database (no CREATE EXTENSION there) is refused too.
\c upkeep_elsewhere upkeep_app
SELECT count(*) FROM items;
INSERT INTO items (name) VALUES ('elsewhere');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM write_matrix();
SELECT lo_create(0);
\echo :LAST_ERROR_SQLSTATE

-- Joining: the right token, from the entering role, a member, or a superuser.
\c :regress_db upkeep_stranger
SELECT upkeep.join_maintenance(:'token');
\c :regress_db upkeep_dba
SELECT upkeep.join_maintenance('uk1-' || repeat('0', 64));
SELECT upkeep.join_maintenance(NULL);
INSERT INTO items (name) VALUES ('before joining');
SELECT upkeep.join_maintenance(:'token');
INSERT INTO items (name) VALUES ('joined dba');
-- joining inside a transaction that was already forced read-only
\c :regress_db upkeep_deputy
BEGIN;
SELECT count(*) > 0 AS read_first FROM items;
SELECT upkeep.join_maintenance(:'token');
INSERT INTO items (name) VALUES ('joined deputy');
COMMIT;
-- upkeep.join_token (e.g. from PGOPTIONS) joins at the first statement
\c :regress_db upkeep_stranger
SET upkeep.join_token = :'token';
SELECT count(*) > 0 AS can_read FROM items;
INSERT INTO items (name) VALUES ('stranger with token');
\c :regress_db upkeep_dba
SET upkeep.join_token = 'uk1-wrong';
INSERT INTO items (name) VALUES ('wrong token setting');
SET upkeep.join_token = :'token';
INSERT INTO items (name) VALUES ('joined by setting');
SELECT pg_backend_pid() = ANY (maintainer_pids) AS is_maintainer,
	   cardinality(maintainer_pids) AS maintainers, join_failures,
	   refused_writes > 0 AS refusals_counted
  FROM upkeep.maintenance;

-- Exit, from a session that is not a maintainer: read-write again.
\c :regress_db upkeep_dba
SELECT upkeep.exit_maintenance();
SELECT active, phase, reason, maintainer_pids FROM upkeep.maintenance;
\c :regress_db upkeep_app
INSERT INTO items (name) VALUES ('after maintenance');
SELECT name FROM items ORDER BY id;
SELECT convert_from(lo_get(:loid), 'UTF8') AS content;

-- The window is in the log.
SELECT reason, entered_by, exited_by, drain_outcome, drain_terminated,
	   refused_writes > 0 AS refusals, exited_at >= entered_at AS ordered,
	   expected_end, duration > '0' AS has_duration
  FROM upkeep.maintenance_log
 ORDER BY window_id DESC LIMIT 1;

\c :regress_db postgres
DROP DATABASE upkeep_elsewhere;
