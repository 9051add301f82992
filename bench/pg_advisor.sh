#!/bin/bash
# bench/pg_advisor.sh: upkeep.index_advice() on PostgreSQL.
#
#  1. Runtime: 1,000 distinct queries over 20 tables (generated: equalities,
#     IN lists, ranges, LIKE prefixes, ORDER BY ... LIMIT, GROUP BY, joins),
#     given as the queries argument: wall time of the whole call (parse,
#     analyze, plan every query, plan again with each hypothetical index,
#     choose), median of RUNS calls.  Target: under 10 s.
#  2. Side by side with pg_qualstats' pg_qualstats_index_advisor() on the
#     Odoo-style stock workload (tests/advisor/): both run on the same
#     workload as the app ran it; the indexes each proposes; then each set
#     is created in turn and every query of the workload is timed with
#     EXPLAIN ANALYZE (best of 3): the workload's time (calls x time per
#     call) with no advice, with upkeep's and with pg_qualstats', and the
#     speedups.  Figures, not pass/fail.
#
# Environment: RUNS (3).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/bench/lib.sh"

RUNS=${RUNS:-3}

uk_throwaway_cluster bench-advisor \
	"shared_preload_libraries = 'upkeep,pg_stat_statements,pg_qualstats'" \
	"pg_qualstats.sample_rate = 1" "max_parallel_workers_per_gather = 0" \
	"shared_buffers = '256MB'"
q() { psql_at "$W" "$P" -d "$1" "${@:2}"; }

# ---- 1. runtime ------------------------------------------------------------
q postgres -c "CREATE DATABASE gen" >/dev/null
q gen -c "CREATE EXTENSION upkeep" >/dev/null
{
	for t in $(seq 1 20); do
		echo "CREATE TABLE t$t (id int PRIMARY KEY, a int, b int, c int, d text, e timestamp, f boolean, g int, h text, parent_id int);"
		echo "INSERT INTO t$t SELECT i, i % 5000, i % 300, i % 7, 'k' || (i % 20000), timestamp '2024-01-01' + i * interval '7 minutes', i % 2 = 0, i % 40, md5(i::text), i % 1000 + 1 FROM generate_series(1, 20000) i;"
	done
	echo "ANALYZE;"
} | q gen >/dev/null
# 1,000 distinct query shapes (bench/advisor_queries.py), in one call
{
	echo "SELECT count(*) FROM upkeep.index_advice(ARRAY["
	python3 "$TOP/bench/advisor_queries.py" postgres 1000 |
		sed "s/'/''/g; s/^/'/; s/\$/'/" | paste -sd, -
	echo "])"
} > "$W/queries.sql"
times=()
for _ in $(seq 1 "$RUNS"); do
	start=$(date +%s.%N)
	notice=$(q gen -c "SET client_min_messages = notice" -f "$W/queries.sql" 2>&1 >/dev/null)
	end=$(date +%s.%N)
	times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')")
done
echo "== index_advice on 1,000 distinct queries over 20 tables (20,000 rows each)"
echo "runs (s): ${times[*]}"
echo "median: $(echo "${times[*]}" | median) s (target < 10 s)"
echo "${notice#*NOTICE:  }" | head -1

# ---- 2. side by side with pg_qualstats -------------------------------------
q postgres -c "CREATE DATABASE stock" >/dev/null
q stock -c "CREATE EXTENSION upkeep" -c "CREATE EXTENSION pg_stat_statements" \
	-c "CREATE EXTENSION pg_qualstats" >/dev/null
q stock <"$TOP/tests/advisor/stock_move_pg.sql" >/dev/null
bash "$TOP/tests/advisor/stock_workload.sh" > "$W/workload.sql"
q stock -c "SELECT pg_stat_statements_reset(), pg_stat_reset(), pg_qualstats_reset()" >/dev/null
q stock -f "$W/workload.sql" >/dev/null

q stock -c "SELECT create_statement FROM upkeep.index_advice() ORDER BY rank" > "$W/upkeep.sql"
q stock -c "SELECT json_array_elements_text(pg_qualstats_index_advisor() -> 'indexes')" > "$W/qualstats.sql"
echo
echo "== indexes proposed for the stock workload (7 queries, 145 calls)"
echo "upkeep.index_advice():"
sed 's/^/  /' "$W/upkeep.sql"
echo "pg_qualstats_index_advisor():"
sed 's/^/  /' "$W/qualstats.sql"

# best of three execution times of one statement, ms
exec_ms() {
	local best="" t
	for _ in 1 2 3; do
		t=$(q stock -c "EXPLAIN (ANALYZE, FORMAT JSON) $1" | sed -n 's/.*"Execution Time": \([0-9.]*\).*/\1/p')
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
	done
	echo "$best"
}
# the workload's time: every call, timed (calls x time)
workload_ms() {
	local total=0 ms
	while IFS= read -r sql; do
		ms=$(exec_ms "${sql%;}")
		total=$(awk -v a="$total" -v b="$ms" 'BEGIN { printf "%.3f", a + b }')
	done < "$W/workload.sql"
	echo "$total"
}
# per query (the samples), tab-separated times
samples_ms() {
	local out=""
	while IFS= read -r sql; do
		out="$out $(exec_ms "${sql%;}")"
	done < <(bash "$TOP/tests/advisor/stock_workload.sh" samples)
	echo "$out"
}
# with_set FILE: create the indexes of FILE, measure, drop them
with_set() {
	local stmt
	while IFS= read -r stmt; do
		[ -n "$stmt" ] && q stock -c "$stmt" >/dev/null
	done < "$1"
	q stock -c "ANALYZE" >/dev/null
	set_total=$(workload_ms)
	set_samples=$(samples_ms)
	q stock -At -c "SELECT indexrelid::regclass FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
	                 WHERE c.relname IN ('stock_move', 'stock_picking') AND NOT i.indisprimary
	                   AND indexrelid::regclass::text <> 'stock_move_picking_id_index'" |
		while IFS= read -r ix; do q stock -c "DROP INDEX $ix" >/dev/null; done
}
: > "$W/none.sql"
with_set "$W/none.sql"; none_total=$set_total; none_samples=$set_samples
with_set "$W/upkeep.sql"; up_total=$set_total; up_samples=$set_samples
with_set "$W/qualstats.sql"; qs_total=$set_total; qs_samples=$set_samples

echo
echo "== execution time, best of 3 (ms), one call of each query"
printf "%-4s %10s %10s %10s  %s\n" query none upkeep qualstats statement
i=0
while IFS= read -r sql; do
	i=$((i + 1))
	n=$(echo "$none_samples" | awk -v k="$i" '{ print $k }')
	u=$(echo "$up_samples" | awk -v k="$i" '{ print $k }')
	s=$(echo "$qs_samples" | awk -v k="$i" '{ print $k }')
	printf "Q%-3s %10s %10s %10s  %.70s\n" "$i" "$n" "$u" "$s" "$sql"
done < <(bash "$TOP/tests/advisor/stock_workload.sh" samples)
echo
echo "== the whole workload (145 calls), sum of execution times"
echo "no advice:       $none_total ms"
echo "upkeep:          $up_total ms  ($(awk -v a="$none_total" -v b="$up_total" 'BEGIN { printf "%.1f", a / b }')x faster)"
echo "pg_qualstats:    $qs_total ms  ($(awk -v a="$none_total" -v b="$qs_total" 'BEGIN { printf "%.1f", a / b }')x faster)"
