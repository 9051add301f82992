#!/bin/bash
# tests/shell/pg_index_advice.sh: upkeep.index_advice() on an Odoo-style
# stock schema of 300,000 moves (tests/advisor/), with the workload taken
# from pg_stat_statements as the app ran it, from the queries given, and
# from the slow statements of a patch run.  The advice leads with the
# selective equality column, puts the range column after the equalities,
# never leads with a low-cardinality flag or state, repeats no index an
# existing one covers, and once created makes the workload's slowest query
# at least 5x faster by EXPLAIN ANALYZE.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test advice
# (psql runs as the server user: it reads every file on stdin, opened here,
# so that the checkout may be private)

pg_new_cluster "$W" "$P" "shared_preload_libraries = 'upkeep,pg_stat_statements'" \
	"max_parallel_workers_per_gather = 0" || fail "initdb"
pg_start "$W" || fail "start"
db() { psql_at "$W" "$P" -d stock "$@"; }
q -c "CREATE DATABASE stock" >/dev/null || fail "create database"
db -c "CREATE EXTENSION upkeep" -c "CREATE EXTENSION pg_stat_statements" >/dev/null ||
	fail "create extensions"
db <"$TOP/tests/advisor/stock_move_pg.sql" >/dev/null || fail "load the stock schema"

# The workload as the app runs it (literal values that vary per call), and
# one instance of each query for EXPLAIN ANALYZE.
bash "$TOP/tests/advisor/stock_workload.sh" > "$W/workload.sql"
db -c "SELECT pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
db <"$W/workload.sql" >/dev/null || fail "run the workload"
samples() { bash "$TOP/tests/advisor/stock_workload.sh" samples; }
# exec_ms SQL: the best of three execution times, milliseconds.
exec_ms() {
	local best="" t
	for _ in 1 2 3; do
		t=$(db -c "EXPLAIN (ANALYZE, FORMAT JSON) $1" | sed -n 's/.*"Execution Time": \([0-9.]*\).*/\1/p')
		[ -n "$t" ] || fail "no execution time for: $1"
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
	done
	echo "$best"
}

# advice_checks LABEL: the acceptance conditions on table "advice".
advice_checks() {
	local n
	n=$(db -c "SELECT count(*) FROM advice")
	[ "$n" -ge 3 ] || fail "$1: only $n indexes advised"
	[ "$(db -c "SELECT count(*) FROM advice WHERE columns[1] = 'product_id'
	              AND columns[cardinality(columns)] = 'date'")" = 1 ] ||
		fail "$1: no (product_id, ..., date) index: $(db -c "SELECT columns FROM advice")"
	[ "$(db -c "SELECT count(*) FROM advice WHERE columns[1] = 'location_dest_id'
	              AND columns[cardinality(columns)] = 'date'
	              AND NOT 'company_id' = ANY (columns)")" = 1 ] ||
		fail "$1: the forecast query's index does not lead with location_dest_id and end with date"
	# the product (5,000 values) leads every index it is in, the location
	# (40) or the state (6) it is combined with never does
	[ "$(db -c "SELECT count(*) > 0 AND bool_and(columns[1] = 'product_id')
	              FROM advice WHERE 'product_id' = ANY (columns)")" = t ] ||
		fail "$1: an index with the product not led by it: $(db -c "SELECT columns FROM advice")"
	[ "$(db -c "SELECT count(*) FROM advice WHERE columns[1] IN ('scrapped', 'company_id', 'state')")" = 0 ] ||
		fail "$1: an index leads with a low-cardinality column: $(db -c "SELECT columns FROM advice")"
	# no advised index is a leading prefix of an existing one
	[ "$(db -c "SELECT count(*) FROM advice a JOIN pg_index i ON i.indrelid = a.table_name::regclass
	              WHERE (SELECT array_agg(att.attname::text ORDER BY k.n)
	                       FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
	                       JOIN pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.attnum
	                      WHERE k.n <= cardinality(a.columns)) = a.columns")" = 0 ] ||
		fail "$1: an advised index repeats an existing one"
	[ "$(db -c "SELECT count(*) FROM advice WHERE columns[1] = 'picking_id'")" = 0 ] ||
		fail "$1: picking_id advised though stock_move_picking_id_index covers it"
	[ "$(db -c "SELECT count(*) FROM advice WHERE create_statement NOT LIKE 'CREATE INDEX CONCURRENTLY \"%\" ON \"public\".\"%\" (\"%\")'
	              OR improvement_pct < 10 OR cost_after >= cost_before OR est_size_bytes <= 0
	              OR queries < 1 OR example_query IS NULL OR reason IS NULL")" = 0 ] ||
		fail "$1: a row with a bad statement or figures: $(db -c "TABLE advice")"
	ok "$1: $n indexes; leads with the selective equality, range after equalities, no flag first, nothing repeated"
}

# Other statements, of another role: many shapes (IN lists of every
# length), and one whose planning runs a function that tries to make its
# role a superuser when it runs as anyone else.  The advisor plans a
# statement as the role that ran it.
q -c "CREATE ROLE mallory LOGIN" >/dev/null || fail "create role"
db -c "GRANT ALL ON SCHEMA public TO mallory" -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO mallory" >/dev/null
psql_at "$W" "$P" -U mallory -d stock >/dev/null <<'SQL' || fail "mallory's statements"
CREATE FUNCTION grab() RETURNS void VOLATILE LANGUAGE plpgsql AS $$
BEGIN
  IF current_user <> 'mallory' THEN ALTER ROLE mallory SUPERUSER; END IF;
END $$;
CREATE FUNCTION looks_constant() RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$
BEGIN PERFORM grab(); RETURN 1; END $$;
SELECT id FROM stock_location WHERE id = looks_constant() AND name <> 'x';
SQL
for k in $(seq 1 150); do
	echo "SELECT name FROM stock_location WHERE id IN ($(seq -s, 1 "$k"));"
done | db >/dev/null || fail "run the IN-list statements"

# 1. From pg_stat_statements.
out=$(db -c "SET client_min_messages = notice" \
	-c "CREATE TABLE advice AS SELECT * FROM upkeep.index_advice()" 2>&1) ||
	fail "index_advice from pg_stat_statements: $out"
echo "$out" | grep -q "index advice from pg_stat_statements" ||
	fail "the workload did not come from pg_stat_statements: $out"
advice_checks "pg_stat_statements"
[ "$(q -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'")" = f ] ||
	fail "planning another role's statement ran its function with the caller's rights"
ok "another role's statements are planned as that role (its function did not gain superuser)"
db -c "SELECT rank, columns, improvement_pct, queries FROM advice ORDER BY rank" | sed 's/^/  /'

# 2. From the queries given, with $n parameters: the same leading columns.
queries=$(grep -v '^--' "$TOP/tests/advisor/workload_pg.sql" |
	sed "s/'/''/g; s/^/'/; s/\$/'/" | paste -sd, -)
db -c "CREATE TABLE advice_given AS SELECT * FROM upkeep.index_advice(ARRAY[$queries])" \
	>/dev/null 2>&1 || fail "index_advice on the queries given"
db -c "ALTER TABLE advice RENAME TO advice_stats" -c "ALTER TABLE advice_given RENAME TO advice" >/dev/null
advice_checks "queries given"
db -c "DROP TABLE advice" -c "ALTER TABLE advice_stats RENAME TO advice" >/dev/null

# 3. Applying the advice makes the slowest query at least 5x faster.
slowest="" slowest_ms=0
while IFS= read -r sql; do
	ms=$(exec_ms "${sql%;}")
	if awk -v a="$ms" -v b="$slowest_ms" 'BEGIN { exit !(a > b) }'; then
		slowest=${sql%;} slowest_ms=$ms
	fi
done < <(samples)
db -c "SELECT create_statement FROM advice ORDER BY rank" > "$W/create.sql"
while IFS= read -r stmt; do
	db -c "$stmt" >/dev/null || fail "the advised statement failed: $stmt"
done < "$W/create.sql"
db -c "ANALYZE stock_move" -c "ANALYZE stock_picking" >/dev/null
after_ms=$(exec_ms "$slowest")
awk -v a="$after_ms" -v b="$slowest_ms" 'BEGIN { exit !(a * 5 <= b) }' ||
	fail "slowest query $slowest_ms ms before, $after_ms ms after the advice: less than 5x ($slowest)"
ok "slowest query $slowest_ms ms -> $after_ms ms with the advice ($(awk -v a="$after_ms" -v b="$slowest_ms" 'BEGIN { printf "%.0f", b / a }')x): $slowest"

# Once created, the same workload needs nothing more on those columns.
db -c "SELECT pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
db <"$W/workload.sql" >/dev/null || fail "run the workload again"
[ "$(db -c "SELECT count(*) FROM upkeep.index_advice() a JOIN advice b ON a.columns = b.columns" 2>/dev/null)" = 0 ] ||
	fail "the advice repeats indexes already created"
ok "after creating them, none is advised again"

# 4. No pg_stat_statements in this database: the slow statements of a patch run.
q -c "CREATE DATABASE stock2" >/dev/null || fail "create database stock2"
db2() { psql_at "$W" "$P" -d stock2 "$@"; }
db2 -c "CREATE EXTENSION upkeep" >/dev/null || fail "create extension in stock2"
db2 <"$TOP/tests/advisor/stock_move_pg.sql" >/dev/null || fail "load stock2"
{
	echo "SET upkeep.slow_statement_ms = 0;"
	echo "SELECT upkeep.patch_begin('stock.report');"
	head -30 "$W/workload.sql"
	echo "SELECT upkeep.patch_end();"
} > "$W/patch.sql"
db2 <"$W/patch.sql" >/dev/null || fail "the patch run"
out=$(db2 -c "SET client_min_messages = notice" \
	-c "SELECT columns FROM upkeep.index_advice()" 2>&1) || fail "index_advice from slow statements: $out"
echo "$out" | grep -q "index advice from upkeep.slow_statements" ||
	fail "the workload did not come from upkeep.slow_statements: $out"
echo "$out" | grep -q '^{product_id.*date}$' || fail "no product index from the slow statements: $out"
ok "without pg_stat_statements: advice from the patch run's slow statements"

echo "pg_index_advice: $checks checks passed"
