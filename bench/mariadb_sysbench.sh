#!/bin/bash
# bench/mariadb_sysbench.sh: sysbench throughput with and without the
# MariaDB plugin upkeep.so.
#
# Configurations, alternated on one throwaway server with a restart between
# each (the order flips every round):
#   none   no plugin
#   idle   plugin_load_add = upkeep, maintenance off (the audit hook sees
#          every statement)
# Workloads: oltp_read_write and oltp_read_only.  Prints every run, then the
# median TPS per configuration and its ratio to "none" measured in the same
# run.  Figures, not pass/fail.
#
# Environment: ROUNDS (10), SECONDS_PER_RUN (5), THREADS (2), TABLES (4),
# TABLE_SIZE (10000).  Two client threads by default: with one, the run
# measures little but the round-trip latency between processes, which
# varies most on a virtual machine.  innodb_flush_log_at_trx_commit = 2,
# so that fsync latency does not drown the difference being measured.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/mariadb.sh"
. "$TOP/bench/lib.sh"

ROUNDS=${ROUNDS:-10}
SECS=${SECONDS_PER_RUN:-5}
THREADS=${THREADS:-2}
TABLES=${TABLES:-4}
TABLE_SIZE=${TABLE_SIZE:-10000}

md_bench_init sysbench

start() {	# start none|idle
	if [ "$1" = idle ]; then md_bench_start upkeep; else md_bench_start none; fi
}

sb() { md_sysbench "$@"; }	# sb WORKLOAD COMMAND [options]

run_tps() {	# run_tps WORKLOAD: prints TPS
	sb "$1" run --threads="$THREADS" --time="$SECS" --report-interval=0 2>/dev/null |
		sysbench_tps
}

md_new_server "$W"
start none
md_sql "$W" -e "CREATE DATABASE sbtest"
sb oltp_read_write prepare >/dev/null
md_stop "$W"

declare -A tps
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then order="none idle"; else order="idle none"; fi
	for cfg in $order; do
		start "$cfg"
		if [ "$cfg" = idle ]; then
			md_sql "$W" -N -e "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'upkeep'" |
				grep -q ACTIVE || { echo "the plugin is not loaded" >&2; exit 1; }
		fi
		sb oltp_read_only run --threads="$THREADS" --time=2 >/dev/null 2>&1  # warm the buffer pool
		rw=$(run_tps oltp_read_write)
		ro=$(run_tps oltp_read_only)
		tps[rw,$cfg]+="$rw "
		tps[ro,$cfg]+="$ro "
		printf 'round %d  %-4s  oltp_read_write %9s  oltp_read_only %9s\n' "$r" "$cfg" "$rw" "$ro"
		md_stop "$W"
	done
done


echo
echo "sysbench, $TABLES tables x $TABLE_SIZE rows, $THREADS threads, $ROUNDS rounds of $SECS s, medians (ratio to no plugin)"
for wl in rw ro; do
	name=oltp_read_write
	[ $wl = ro ] && name=oltp_read_only
	base=$(echo "${tps[$wl,none]}" | median)
	for cfg in none idle; do
		m=$(echo "${tps[$wl,$cfg]}" | median)
		printf '%-16s %-5s %10.1f tps  ratio %.3f\n' "$name" "$cfg" "$m" "$(awk "BEGIN { print $m / $base }")"
	done
done
