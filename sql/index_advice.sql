--
-- upkeep.index_advice(): arguments, bad input, and advice on a small
-- purpose-built table.  The Odoo-style acceptance runs in
-- tests/shell/pg_index_advice.sh (it needs a few hundred thousand rows).
--
SELECT NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'upkeep') AS created_here \gset
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS upkeep;
RESET client_min_messages;
CREATE SCHEMA ia;
CREATE TABLE ia.item (id int PRIMARY KEY, code text NOT NULL, item_group int NOT NULL,
					  disabled boolean NOT NULL, modified timestamp NOT NULL,
					  "Weird Name" int);
CREATE INDEX item_group_idx ON ia.item (item_group);
INSERT INTO ia.item
  SELECT g, 'I' || g, g % 50, g % 100 = 0, timestamp '2026-01-01' + g * interval '1 minute', g % 5000
  FROM generate_series(1, 20000) g;
ANALYZE ia.item;

-- bad input: a clear error each, nothing planned
SELECT * FROM upkeep.index_advice(ARRAY[]::text[]);
SELECT * FROM upkeep.index_advice(ARRAY['SELECT 1', NULL]);
SELECT * FROM upkeep.index_advice(ARRAY[['SELECT 1'], ['SELECT 2']]);
SELECT * FROM upkeep.index_advice(ARRAY['SELEC * FROM ia.item']);
SELECT * FROM upkeep.index_advice(ARRAY['SELECT * FROM ia.nosuch WHERE a = 1']);
SELECT * FROM upkeep.index_advice(ARRAY['SELECT 1; SELECT 2']);
SELECT * FROM upkeep.index_advice(ARRAY['VACUUM ia.item']);
SELECT * FROM upkeep.index_advice(ARRAY['SELECT 1'], -1);
SELECT * FROM upkeep.index_advice(ARRAY['SELECT 1'], 'NaN');
SELECT * FROM upkeep.index_advice(ARRAY['SELECT 1'], 101);
SELECT * FROM upkeep.index_advice(ARRAY['SELECT 1'], 10, 0);

-- nothing to advise: no predicates, an existing index, a 0/1 flag
SET client_min_messages = warning;
SELECT count(*) FROM upkeep.index_advice(ARRAY[
  'SELECT count(*) FROM ia.item',
  'SELECT * FROM ia.item WHERE item_group = $1',
  'SELECT * FROM ia.item WHERE disabled']);

-- a selective equality, then the range; $n planned generically; quoted
-- identifiers come back quoted, ready to run; include_columns empty when
-- the index carries nothing (tests/shell/pg_ledger_advice.sh has one that does)
SELECT rank, table_name, columns, include_columns, create_statement, queries, est_size_bytes > 0 AS sized,
	   improvement_pct >= 10 AS improves, cost_after < cost_before AS cheaper
FROM upkeep.index_advice(ARRAY[
  'SELECT * FROM ia.item WHERE code = $1',
  'SELECT id FROM ia.item WHERE "Weird Name" = 3 AND modified > $1 ORDER BY modified']);

-- the hypothetical indexes are gone once the advice is given
EXPLAIN (COSTS OFF) SELECT * FROM ia.item WHERE code = 'I5';
-- an index with another collation does not serve plain comparisons: it
-- does not hide the advice
CREATE INDEX item_code_posix ON ia.item (code COLLATE "POSIX");
SELECT columns FROM upkeep.index_advice(ARRAY['SELECT * FROM ia.item WHERE code = $1']);
DROP INDEX ia.item_code_posix;

-- nothing on a system catalog: no index can be created there
SELECT count(*) FROM upkeep.index_advice(ARRAY[
  'SELECT * FROM pg_attribute WHERE atttypid = 25 AND attname = ''x''']);

-- the hypothetical index is only for the advisor's own statement: a plan
-- that a function it calls makes then (and caches) never sees it
CREATE SEQUENCE ia.calls;
CREATE FUNCTION ia.lookup() RETURNS int STABLE LANGUAGE plpgsql AS $$
DECLARE r int;
BEGIN
  IF nextval('ia.calls') > 1 THEN
    SELECT id INTO r FROM ia.item WHERE code = 'I7' LIMIT 1;
  END IF;
  RETURN 7;
END $$;
SELECT columns FROM upkeep.index_advice(ARRAY['SELECT * FROM ia.item WHERE id = ia.lookup() AND code = ''I7'''], 0);
SELECT ia.lookup();

-- the statements are planned, never run
SELECT count(*) FROM upkeep.index_advice(ARRAY['DELETE FROM ia.item WHERE code = ''I1''']);
SELECT count(*) FROM ia.item;

-- max_indexes and min_improvement_pct
SELECT count(*) FROM upkeep.index_advice(ARRAY[
  'SELECT * FROM ia.item WHERE code = $1',
  'SELECT id FROM ia.item WHERE modified BETWEEN $1 AND $2'], 10, 1);
SELECT count(*) FROM upkeep.index_advice(ARRAY['SELECT * FROM ia.item WHERE code = $1'], 100);
RESET client_min_messages;

-- for the DBA only
CREATE ROLE ia_app;
SET ROLE ia_app;
SELECT * FROM upkeep.index_advice(ARRAY['SELECT 1']);
RESET ROLE;
DROP ROLE ia_app;

DROP SCHEMA ia CASCADE;
\if :created_here
DROP EXTENSION upkeep;
\endif
