#!/bin/bash
# bench/mariadb_advisor.sh: the MariaDB index advisor's run time.
#
# 1,000 distinct query shapes over 20 tables of 20,000 rows
# (bench/advisor_queries.py, as for bench/pg_advisor.sh, written as Frappe
# writes SQL: backtick-quoted identifiers, values in the text) run once each with
# upkeep_advise_capture = ON; then SET GLOBAL upkeep_advise = ON, RUNS
# times: the run's own time (status upkeep_advise_last_run_ms: translate,
# parse, read the catalogue and statistics, sample the columns
# mysql.column_stats does not have, choose, write the tables) and the wall
# time until upkeep_advise is OFF again.  Target: under 10 s.  The first
# run samples the columns; later runs do again (nothing is cached).
# Figures, not pass/fail.  Environment: RUNS (3).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/mariadb.sh"
. "$TOP/bench/lib.sh"

RUNS=${RUNS:-3}

md_bench_init advisor
md_new_server "$W"
md_bench_start upkeep
status() {
	md_sql "$W" -N -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$1'"
}

md_sql "$W" -e "CREATE DATABASE gen"
for t in $(seq 1 20); do
	echo "CREATE TABLE t$t (id int PRIMARY KEY, a int, b int, c int, d varchar(32), e datetime, f boolean, g int, h varchar(40), parent_id int) ENGINE=InnoDB;"
	echo "INSERT INTO t$t SELECT seq, seq % 5000, seq % 300, seq % 7, CONCAT('k', seq % 20000), '2024-01-01' + INTERVAL seq * 7 MINUTE, seq % 2 = 0, seq % 40, MD5(seq), seq % 1000 + 1 FROM seq_1_to_20000;"
done | md_sql "$W" gen

python3 "$TOP/bench/advisor_queries.py" mariadb 1000 | sed 's/$/;/' > "$W/queries.sql"

md_sql "$W" -e "SET GLOBAL upkeep_advise_capture = ON"
md_sql "$W" gen <"$W/queries.sql" >/dev/null
shapes=$(status UPKEEP_ADVISE_STATEMENTS)

runs_ms=()
walls=()
for _ in $(seq 1 "$RUNS"); do
	runs0=$(status UPKEEP_ADVISE_RUNS)
	start=$(date +%s.%N)
	md_sql "$W" -e "SET GLOBAL upkeep_advise = ON"
	for _ in $(seq 1 6000); do
		[ "$(md_sql "$W" -N -e "SELECT @@global.upkeep_advise = 0 AND VARIABLE_VALUE > $runs0 FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPKEEP_ADVISE_RUNS'")" = 1 ] && break
		sleep 0.05
	done
	end=$(date +%s.%N)
	walls+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')")
	runs_ms+=("$(status UPKEEP_ADVISE_LAST_RUN_MS)")
done
echo "== SET GLOBAL upkeep_advise = ON on $shapes captured statement shapes over 20 tables (20,000 rows each)"
echo "run time (upkeep_advise_last_run_ms): ${runs_ms[*]} ms, median $(echo "${runs_ms[*]}" | median) ms"
echo "wall time until OFF: ${walls[*]} s, median $(echo "${walls[*]}" | median) s (target < 10 s)"
echo "parsed $(status UPKEEP_ADVISE_LAST_PARSED), skipped $(status UPKEEP_ADVISE_LAST_SKIPPED), advised $(status UPKEEP_ADVISE_LAST_ADVISED)"
md_sql "$W" -e "SELECT \`rank\`, table_name, \`columns\`, ROUND(improvement_pct, 1) AS pct FROM upkeep.index_advice ORDER BY \`rank\` LIMIT 10"
