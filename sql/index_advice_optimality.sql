--
-- upkeep.index_advice_optimality(): the advice against the best subset of
-- the advisor's candidates under the same planner costs; bad input.  The
-- figures on real workloads come from bench/advisor_optimality.sh.
--
SELECT NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'upkeep') AS created_here \gset
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS upkeep;
RESET client_min_messages;
CREATE SCHEMA io;
CREATE TABLE io.ev (id int PRIMARY KEY, account int NOT NULL, kind text NOT NULL,
					at timestamp NOT NULL, amount int NOT NULL);
INSERT INTO io.ev
  SELECT g, g % 2000, CASE WHEN g % 10 = 0 THEN 'refund' ELSE 'sale' END,
		 timestamp '2026-01-01' + g * interval '1 minute', (g * 7907) % 100000
  FROM generate_series(1, 30000) g;
ANALYZE io.ev;

-- bad input: a clear error each
SELECT * FROM upkeep.index_advice_optimality(ARRAY['SELECT 1'], 10, 0);
SELECT * FROM upkeep.index_advice_optimality(ARRAY['SELECT 1'], 10, 101);
SELECT * FROM upkeep.index_advice_optimality(ARRAY['SELECT 1'], 10, 3, -1);
SELECT * FROM upkeep.index_advice_optimality(ARRAY['SELECT 1'], 'NaN');

-- three queries, a budget of two: the best pair is found, and the advice
-- is no costlier than no index and no cheaper than the best
SET client_min_messages = warning;
CREATE TEMP TABLE o AS SELECT * FROM upkeep.index_advice_optimality(ARRAY[
  'SELECT * FROM io.ev WHERE account = 17 AND at >= ''2026-01-10'' ORDER BY at',
  'SELECT * FROM io.ev WHERE kind = ''refund'' AND amount > 99000',
  'SELECT id FROM io.ev ORDER BY at DESC LIMIT 20'], max_indexes => 2);
RESET client_min_messages;
SELECT complete, cardinality(best) BETWEEN 1 AND 2 AS within_budget,
	   cost_best <= cost_advice AND cost_advice < cost_none AS ordered,
	   saving_ratio > 0 AND saving_ratio <= 1 AS ratio_ok,
	   searched <= candidates AS searched_ok, subsets > 0 AS searched_some,
	   best[1] LIKE 'io.ev(%)' AS names_index
  FROM o;

-- a search stopped at once: not complete, the advice is the best known
SET client_min_messages = warning;
SELECT complete, cost_best = cost_advice AS advice_kept, saving_ratio
  FROM upkeep.index_advice_optimality(ARRAY[
	'SELECT * FROM io.ev WHERE account = 17 AND at >= ''2026-01-10'' ORDER BY at',
	'SELECT id FROM io.ev ORDER BY at DESC LIMIT 20'], max_subsets => 0);
RESET client_min_messages;

DROP SCHEMA io CASCADE;
\if :created_here
DROP EXTENSION upkeep;
\endif
