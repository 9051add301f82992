#!/bin/bash
# bench/mariadb_patch_sysbench.sh: sysbench throughput of sessions outside
# and inside an upkeep patch run, against the server without the plugin.
#
# Configurations, alternated on one throwaway server with a restart between
# each (the order rotates every round):
#   none      no plugin
#   outside   upkeep.so loaded, sessions outside any patch run (with
#             upkeep_audit_on_demand = ON, the default, the server builds
#             no statement events then)
#   events    upkeep.so loaded, sessions outside any patch run, with
#             upkeep_audit_on_demand = OFF: what any loaded audit plugin
#             costs (the behaviour before on-demand events)
#   inside    upkeep.so loaded, every sysbench connection inside a patch run
#             (bench/sysbench_in_patch.lua), upkeep_slow_statement_ms at its
#             default of 1000 ms
# Workloads: oltp_read_only and oltp_read_write.  Prints every run, then the
# median TPS per configuration and its ratio to "none" measured in the same
# run.  Figures, not pass/fail.
#
# Environment: ROUNDS (8), SECONDS_PER_RUN (5), THREADS (2), TABLES (4),
# TABLE_SIZE (10000), CONFIGS ("none outside events inside").
# innodb_flush_log_at_trx_commit = 2, so that fsync latency does not drown
# the difference being measured.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/mariadb.sh"
. "$TOP/bench/lib.sh"

ROUNDS=${ROUNDS:-8}
SECS=${SECONDS_PER_RUN:-5}
THREADS=${THREADS:-2}
TABLES=${TABLES:-4}
TABLE_SIZE=${TABLE_SIZE:-10000}
CONFIGS=${CONFIGS:-"none outside events inside"}

md_bench_init patch-sysbench

start() {	# start CONFIG
	case $1 in
	none) md_bench_start none ;;
	events) md_bench_start upkeep --upkeep-audit-on-demand=OFF ;;
	*) md_bench_start upkeep ;;
	esac
}

status() {	# status NAME: a global status value
	md_sql "$W" -N -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$1'"
}

# Check that the configuration is what it says: the plugin loaded, and the
# server building statement events or not.
check() {	# check CONFIG
	local want
	case $1 in
	none) return 0 ;;
	events) want=1 ;;
	*) want=0 ;;
	esac
	for _ in $(seq 1 100); do
		[ "$(status UPKEEP_STATEMENT_EVENTS)" = "$want" ] && return 0
		sleep 0.1
	done
	echo "configuration $1: upkeep_statement_events is not $want" >&2
	exit 1
}

sb() {	# sb CONFIG WORKLOAD COMMAND [options]
	local cfg=$1 wl=$2 cmd=$3 script=$2
	shift 3
	[ "$cfg" = inside ] && script="$TOP/bench/sysbench_in_patch.lua"
	UPKEEP_SB_WORKLOAD=$wl md_sysbench "$script" "$cmd" "$@"
}

run_tps() {	# run_tps CONFIG WORKLOAD: prints TPS
	sb "$1" "$2" run --threads="$THREADS" --time="$SECS" --report-interval=0 2>/dev/null |
		sysbench_tps
}

md_new_server "$W"
start none
md_sql "$W" -e "CREATE DATABASE sbtest"
sb none oltp_read_write prepare >/dev/null
md_stop "$W"

read -r -a cfgs <<<"$CONFIGS"
declare -A tps
for r in $(seq 1 "$ROUNDS"); do
	# rotate the order every round
	order=()
	for i in "${!cfgs[@]}"; do
		order+=("${cfgs[$(((i + r) % ${#cfgs[@]}))]}")
	done
	for cfg in "${order[@]}"; do
		start "$cfg"
		check "$cfg"
		sb "$cfg" oltp_read_only run --threads="$THREADS" --time=2 >/dev/null 2>&1  # warm up
		ro=$(run_tps "$cfg" oltp_read_only)
		rw=$(run_tps "$cfg" oltp_read_write)
		if [ "$cfg" = inside ]; then
			# the runs were really there, and fast statements were not logged
			[ "$(status UPKEEP_PATCH_RUNS_STARTED)" -ge "$THREADS" ] ||
				{ echo "configuration inside: no patch runs" >&2; exit 1; }
		fi
		tps[ro,$cfg]+="$ro "
		tps[rw,$cfg]+="$rw "
		printf 'round %d  %-7s  oltp_read_only %9s  oltp_read_write %9s\n' "$r" "$cfg" "$ro" "$rw"
		md_stop "$W"
	done
done


echo
echo "sysbench, $TABLES tables x $TABLE_SIZE rows, $THREADS threads, $ROUNDS rounds of $SECS s, medians (ratio to no plugin)"
for wl in ro rw; do
	name=oltp_read_only
	[ $wl = rw ] && name=oltp_read_write
	base=$(echo "${tps[$wl,none]}" | median)
	for cfg in "${cfgs[@]}"; do
		m=$(echo "${tps[$wl,$cfg]}" | median)
		printf '%-16s %-8s %10.1f tps  ratio %.3f\n' "$name" "$cfg" "$m" "$(awk "BEGIN { print $m / $base }")"
	done
done
