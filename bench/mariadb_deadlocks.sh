#!/bin/bash
# bench/mariadb_deadlocks.sh: deadlock capture by the MariaDB plugin under a
# concurrent sysbench load, and what it costs that load.
#
# Configurations, alternated on one throwaway server with a restart between
# each (the order flips every round):
#   none     no plugin
#   upkeep   plugin_load_add = upkeep, defaults (statement events on demand,
#            so off here: capture relies on polling InnoDB's counter)
# In every run, sysbench oltp_read_write runs for SECONDS_PER_RUN while
# mariadb_deadlocker.c makes DEADLOCKS_PER_RUN deadlocks between two other
# sessions, one every INTERVAL_MS.  Prints every run, then
#   - for upkeep: rows in upkeep.deadlocks / growth of Innodb_deadlocks
#     (target 100 %), and how many of them kept their parsed report;
#   - median sysbench TPS per configuration and its ratio to "none".
# Figures, not pass/fail.
#
# Environment: ROUNDS (4), SECONDS_PER_RUN (10), DEADLOCKS_PER_RUN (25),
# INTERVAL_MS (350), THREADS (2), TABLES (4), TABLE_SIZE (10000).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/mariadb.sh"
. "$TOP/bench/lib.sh"

ROUNDS=${ROUNDS:-4}
SECS=${SECONDS_PER_RUN:-10}
PER_RUN=${DEADLOCKS_PER_RUN:-25}
INTERVAL=${INTERVAL_MS:-350}
THREADS=${THREADS:-2}
TABLES=${TABLES:-4}
TABLE_SIZE=${TABLE_SIZE:-10000}

md_bench_init deadlocks
gcc -O2 -Wall -Wextra -o "$W/deadlocker" "$TOP/bench/mariadb_deadlocker.c" \
	$(mariadb_config --cflags --libs)

start() { md_bench_start "$1"; }	# start none|upkeep

sb() { md_sysbench "$@"; }	# sb WORKLOAD COMMAND [options]

status() {	# status NAME: a global status value
	md_sql "$W" -N -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$1'"
}

md_new_server "$W"
start none
md_sql "$W" -e "CREATE DATABASE sbtest"
sb oltp_read_write prepare >/dev/null
md_stop "$W"

declare -A tps
made=0 counted=0 captured=0 parsed=0
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then order="none upkeep"; else order="upkeep none"; fi
	for cfg in $order; do
		start "$cfg"
		if [ "$cfg" = upkeep ]; then
			# the background thread watches the counter
			for _ in $(seq 1 100); do
				[ "$(status UPKEEP_DEADLOCK_POLLS)" -gt 0 ] 2>/dev/null && break
				sleep 0.1
			done
			id0=$(md_sql "$W" -N -e "SELECT COALESCE(MAX(deadlock_id), 0) FROM upkeep.deadlocks")
		fi
		sb oltp_read_only run --threads="$THREADS" --time=2 >/dev/null 2>&1  # warm the buffer pool
		c0=$(status INNODB_DEADLOCKS)
		sb oltp_read_write run --threads="$THREADS" --time="$SECS" --report-interval=0 \
			--mysql-ignore-errors=1213 >"$W/sb.out" 2>&1 &
		sbpid=$!
		sleep 1
		got=$("$W/deadlocker" "$W/sock" sbtest "$PER_RUN" "$INTERVAL")
		wait $sbpid
		t=$(sysbench_tps <"$W/sb.out")
		tps[$cfg]+="$t "
		grow=$(( $(status INNODB_DEADLOCKS) - c0 ))
		line=$(printf 'round %d  %-6s  tps %9s  deadlocks made %3s  Innodb_deadlocks +%s' \
			"$r" "$cfg" "$t" "$got" "$grow")
		if [ "$cfg" = upkeep ]; then
			# give the last poll its interval, then count
			for _ in $(seq 1 50); do
				n=$(md_sql "$W" -N -e "SELECT COUNT(*) FROM upkeep.deadlocks WHERE deadlock_id > $id0")
				[ "$n" -ge "$grow" ] && break
				sleep 0.1
			done
			p=$(md_sql "$W" -N -e "SELECT COUNT(*) FROM upkeep.deadlocks WHERE deadlock_id > $id0 AND report_status = 'parsed'")
			line+=$(printf '  captured %s (parsed %s)' "$n" "$p")
			made=$((made + got)); counted=$((counted + grow))
			captured=$((captured + n)); parsed=$((parsed + p))
		fi
		echo "$line"
		md_stop "$W"
	done
done


echo
echo "deadlocks with the plugin: made $made, Innodb_deadlocks grew $counted, captured $captured" \
	"($(awk "BEGIN { printf \"%.1f\", $counted ? 100 * $captured / $counted : 0 }") %), with parsed report $parsed"
echo "sysbench oltp_read_write, $TABLES tables x $TABLE_SIZE rows, $THREADS threads, $ROUNDS rounds of $SECS s," \
	"$PER_RUN deadlocks per run every $INTERVAL ms, medians (ratio to no plugin)"
base=$(echo "${tps[none]}" | median)
for cfg in none upkeep; do
	m=$(echo "${tps[$cfg]}" | median)
	printf '%-7s %10.1f tps  ratio %.3f\n' "$cfg" "$m" "$(awk "BEGIN { print $m / $base }")"
done
