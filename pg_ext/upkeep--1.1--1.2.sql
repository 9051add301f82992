/* upkeep--1.1--1.2.sql: the index advisor */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION upkeep UPDATE TO '1.2'" to load this file. \quit

-- A type rather than OUT parameters: the argument "queries" and the column
-- "queries" share a name, which a function's parameters may not.
CREATE TYPE @extschema@.index_advice_row AS (
	rank int,
	table_name text,
	columns text[],
	create_statement text,
	est_size_bytes bigint,
	improvement_pct float8,
	queries int,
	example_query text,
	reason text,
	cost_before float8,
	cost_after float8
);

COMMENT ON TYPE @extschema@.index_advice_row IS
'One advised index: improvement_pct and cost_before/cost_after are the planner''s weighted cost of the queries it helps, without and with it';

CREATE FUNCTION @extschema@.index_advice(
	queries text[] DEFAULT NULL,
	min_improvement_pct float8 DEFAULT 10,
	max_indexes int DEFAULT 10)
RETURNS SETOF @extschema@.index_advice_row
AS 'MODULE_PATHNAME', 'upkeep_index_advice'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.index_advice(text[], float8, int) IS
'Indexes the workload misses (the queries given, else pg_stat_statements, else upkeep.slow_statements), each costed by the planner as a hypothetical index';

-- It plans statements as the caller and reads pg_stat_statements: for the
-- DBA, who may grant it on.
REVOKE ALL ON FUNCTION @extschema@.index_advice(text[], float8, int) FROM PUBLIC;
