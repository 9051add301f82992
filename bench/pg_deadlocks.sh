#!/bin/bash
# bench/pg_deadlocks.sh: deadlock capture under load.  While pgbench runs
# a tpcb-like load, pairs of sessions produce DEADLOCKS deadlocks (each
# pair updates two rows in opposite order).  Prints, per configuration
# (upkeep preloaded or not, alternated over ROUNDS rounds with a restart
# between), the pgbench TPS during it, the growth of
# pg_stat_database.deadlocks, and with upkeep the deadlocks captured in
# upkeep.deadlocks and their ratio to the server's counter (target: 100 %).
#
# Environment: DEADLOCKS (100), ROUNDS (2), CLIENTS (2), SCALE (10).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"

DEADLOCKS=${DEADLOCKS:-100}
ROUNDS=${ROUNDS:-2}
CLIENTS=${CLIENTS:-2}
SCALE=${SCALE:-10}

uk_throwaway_cluster bench-dl "shared_buffers = '256MB'" "max_connections = 50"
q() { psql_at "$W" "$P" -d postgres "$@"; }
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE dl (id int PRIMARY KEY, v int)" \
  -c "INSERT INTO dl VALUES (1, 0), (2, 0)" >/dev/null
as_pg "$PGBIN/pgbench" -q -i -s "$SCALE" -h "$W" -p "$P" postgres >/dev/null 2>&1

set_preload() { pg_set_preload "$W" "$1"; }

one_deadlock() {
	local pids=""
	for order in "1 2" "2 1"; do
		set -- $order
		as_pg "$PGBIN/psql" -X -q -h "$W" -p "$P" -d postgres \
			-c "SET deadlock_timeout = '10ms'" -c "BEGIN" \
			-c "UPDATE dl SET v = v + 1 WHERE id = $1" -c "SELECT pg_sleep(0.05)" \
			-c "UPDATE dl SET v = v + 1 WHERE id = $2" -c "COMMIT" >/dev/null 2>&1 &
		pids="$pids $!"
	done
	wait $pids	# not pgbench, which runs in the background too
}

server_count() {
	q -c "SELECT pg_stat_force_next_flush()" >/dev/null
	sleep 1.2	# let every victim's backend flush its counters
	q -c "SELECT deadlocks FROM pg_stat_database WHERE datname = 'postgres'"
}

for r in $(seq 1 "$ROUNDS"); do
	for cfg in upkeep none; do
		if [ "$cfg" = upkeep ]; then set_preload upkeep; else set_preload ""; fi
		s0=$(server_count)
		c0=0
		[ "$cfg" = upkeep ] && c0=$(q -c "SELECT count(*) FROM upkeep.deadlocks")
		# pgbench for as long as the deadlocks take; its per-second progress
		# lines give the TPS during them
		as_pg "$PGBIN/pgbench" -n -c "$CLIENTS" -j "$CLIENTS" -T 600 -P 1 -h "$W" -p "$P" postgres \
			>"$W/pgbench.out" 2>&1 &
		pgb=$!
		start=$(date +%s.%N)
		for _ in $(seq 1 "$DEADLOCKS"); do one_deadlock; done
		elapsed=$(awk "BEGIN { print $(date +%s.%N) - $start }")
		pkill -TERM -f "pgbench -n -c $CLIENTS -j $CLIENTS -T 600 -P 1 -h $W" 2>/dev/null || true
		wait $pgb 2>/dev/null || true
		tps=$(awk '/^progress: / { sum += $4; n++ } END { if (n) printf "%.0f", sum / n }' "$W/pgbench.out")
		s1=$(server_count)
		if [ "$cfg" = upkeep ]; then
			c1=$(q -c "SELECT count(*) FROM upkeep.deadlocks")
			printf 'round %d  %-6s  %3d deadlocks in %5.1f s  server counted %3d  upkeep captured %3d (%.1f %%)  pgbench %s tps\n' \
				"$r" "$cfg" "$DEADLOCKS" "$elapsed" $((s1 - s0)) $((c1 - c0)) \
				"$(awk "BEGIN { print 100 * ($c1 - $c0) / ($s1 - $s0) }")" "${tps:-?}"
		else
			printf 'round %d  %-6s  %3d deadlocks in %5.1f s  server counted %3d                              pgbench %s tps\n' \
				"$r" "$cfg" "$DEADLOCKS" "$elapsed" $((s1 - s0)) "${tps:-?}"
		fi
	done
done
