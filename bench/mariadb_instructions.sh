#!/bin/bash
# bench/mariadb_instructions.sh: instructions per statement that the MariaDB
# plugin upkeep.so adds, counted by callgrind (deterministic, unlike TPS on
# a shared machine).
#
# For each configuration a throwaway mariadbd runs under callgrind; one
# client connection runs N indexed point SELECTs, and another runs none;
# (instructions of the first - instructions of the second) / N is the cost
# per statement, over the whole server.  Configurations:
#   none          no plugin
#   upkeep        upkeep.so loaded, maintenance off
#   upkeep_capture  upkeep.so with the index advisor's statement capture
#                 on (upkeep_advise_capture: every statement is normalised
#                 and counted)
#   server_audit  MariaDB's own audit plugin, loaded with logging off: a
#                 peer that subscribes to the same statement events
# The plugin's background thread (worker_main: the deadlock poll, the
# failover poll, the patch log's writer) works by the clock, not by the
# statement, so it stays out of the per-statement figure: callgrind
# counts each thread apart (--separate-threads) and that thread's count
# is left out.  It is measured apart: the instructions the whole server
# spends per second while idle, no plugin against upkeep.so with its
# default polls.
# Figures, not pass/fail.  Environment: N (2000), CONFIGS, IDLE_SECONDS
# (10; 0 skips the idle measurement).  Takes a few minutes.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/mariadb.sh"

N=${N:-2000}
IDLE_SECONDS=${IDLE_SECONDS:-10}
CONFIGS=${CONFIGS:-"none upkeep upkeep_events upkeep_patch upkeep_capture server_audit"}
command -v valgrind >/dev/null || { echo "valgrind is not installed (make deps)" >&2; exit 1; }
make -s -C "$TOP" libcommon mariadb >/dev/null

W=$(md_workdir bench-instructions)
trap 'for p in "$W"/*/vg.pid; do [ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null || true; done; rm -rf "$W"' EXIT

# the statements: N point SELECTs on an indexed table
for i in $(seq 1 "$N"); do
	echo "SELECT c FROM b.t WHERE id = $(( (i * 7919) % 1000 + 1 ));"
done >"$W/stmts.sql"
: >"$W/none.sql"
# inside a patch run: the same, after one SET that starts the run
{ echo "SET SESSION upkeep_patch = 'bench.instructions';"; cat "$W/stmts.sql"; } >"$W/stmts_patch.sql"
echo "SET SESSION upkeep_patch = 'bench.instructions';" >"$W/none_patch.sql"

measure() {	# measure CONFIG: prints instructions per statement
	local cfg=$1 d="$W/$1" load=() vpid total0 totaln
	mkdir -p "$d"
	md_new_server "$d" >/dev/null
	local up=(--plugin-dir="$TOP/mariadb_plugin" --plugin-load-add=upkeep.so)
	case $cfg in
	upkeep | upkeep_patch) load=("${up[@]}") ;;
	upkeep_events) load=("${up[@]}" --upkeep-audit-on-demand=OFF) ;;
	upkeep_capture) load=("${up[@]}" --upkeep-advise-capture=ON) ;;
	idle_none) load=() ;;
	idle_upkeep) load=(--plugin-dir="$TOP/mariadb_plugin" --plugin-load-add=upkeep.so) ;;
	server_audit) load=(--plugin-load-add=server_audit.so --server-audit-logging=OFF) ;;
	esac
	# io_uring and a huge buffer pool reservation do not work under valgrind
	valgrind --tool=callgrind --separate-threads=yes \
		--callgrind-out-file="$d/cg.out" \
		"$MARIADBD" --no-defaults --user="$(id -un)" --datadir="$d/data" \
		--socket="$d/sock" --skip-networking --pid-file="$d/mariadbd.pid" \
		--log-error="$d/error.log" --innodb-use-native-aio=0 \
		--innodb-buffer-pool-size=64M --innodb-buffer-pool-size-max=128M \
		"${load[@]}" >/dev/null 2>&1 &
	vpid=$!
	echo "$vpid" >"$d/vg.pid"
	for _ in $(seq 1 1500); do
		md_sql "$d" -e "SELECT 1" >/dev/null 2>&1 && break
		sleep 0.2
	done
	md_sql "$d" -e "CREATE DATABASE b;
		CREATE TABLE b.t (id INT PRIMARY KEY, c VARCHAR(20)) ENGINE=InnoDB;
		INSERT INTO b.t SELECT seq, CONCAT('x', seq) FROM b.seq_1_to_1000"
	sleep 2		# let the plugin's background thread settle
	dumped() {	# dumped [all]: instructions of the newest dump, every
			# thread but the plugin's background thread unless "all"
		local part f sum=0 n skipped=0
		part=$(ls "$d"/cg.out.* | sed -n 's/.*\.\([0-9]*\)-[0-9]*$/\1/p' | sort -n | tail -1)
		for f in "$d"/cg.out."$part"-*; do
			# callgrind names a function once per file, as a caller
			# (fn=) or as a callee (cfn=)
			if [ "${1:-}" != all ] && grep -Eq '^c?fn=\([0-9]+\) worker_main$' "$f"; then
				skipped=$((skipped + 1))
				continue
			fi
			n=$(grep -h '^summary:' "$f" | awk '{ print $2 }')
			sum=$(( sum + ${n:-0} ))
		done
		if [ "${1:-}" != all ] && [ "$cfg" != none ] && [ "$cfg" != server_audit ] &&
			[ "$skipped" = 0 ]; then
			echo "no thread of $cfg runs worker_main: cannot leave the plugin's background thread out" >&2
			: >"$W/no_worker"
		fi
		echo "$sum"
	}
	run() {	# run FILE: instructions of one client session running FILE
		callgrind_control -z "$vpid" >/dev/null 2>&1
		md_sql "$d" -N b <"$1" >/dev/null
		callgrind_control -d "$vpid" >/dev/null 2>&1
		sleep 1
		dumped
	}
	if [ "${cfg#idle_}" != "$cfg" ]; then
		# the server idle for IDLE_SECONDS: instructions per second
		callgrind_control -z "$vpid" >/dev/null 2>&1
		sleep "$IDLE_SECONDS"
		callgrind_control -d "$vpid" >/dev/null 2>&1
		sleep 1
		totaln=$(dumped all)
		md_sql "$d" -e "SHUTDOWN" >/dev/null 2>&1 || kill "$vpid"
		wait "$vpid" 2>/dev/null || true
		echo $(( totaln / IDLE_SECONDS ))
		return
	fi
	local suffix=""
	[ "$cfg" = upkeep_patch ] && suffix=_patch
	run "$W/stmts$suffix.sql" >/dev/null	# warm up
	total0=$(run "$W/none$suffix.sql")
	totaln=$(run "$W/stmts$suffix.sql")
	md_sql "$d" -e "SHUTDOWN" >/dev/null 2>&1 || kill "$vpid"
	wait "$vpid" 2>/dev/null || true
	echo $(( (totaln - total0) / N ))
}

declare -A per
for cfg in $CONFIGS; do
	per[$cfg]=$(measure "$cfg")
done
[ ! -e "$W/no_worker" ] || exit 1
echo "instructions per indexed point SELECT (whole server, N = $N, callgrind)"
for cfg in $CONFIGS; do
	printf '%-15s %8d  %+6d\n' "$cfg" "${per[$cfg]}" "$(( per[$cfg] - ${per[none]:-0} ))"
done
if [ "$IDLE_SECONDS" -gt 0 ]; then
	idle_none=$(measure idle_none)
	idle_upkeep=$(measure idle_upkeep)
	echo "instructions per second of an idle server ($IDLE_SECONDS s, callgrind)"
	printf '%-15s %10d\n' "no plugin" "$idle_none"
	printf '%-15s %10d  %+d (the background thread and its polls)\n' \
		"upkeep" "$idle_upkeep" "$(( idle_upkeep - idle_none ))"
fi
