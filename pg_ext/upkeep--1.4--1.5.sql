/* upkeep--1.4--1.5.sql: issue 12's finish, issue 13 (the index advisor), issue 14 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION upkeep UPDATE TO '1.5'" to load this file. \quit

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
