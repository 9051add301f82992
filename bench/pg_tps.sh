#!/bin/bash
# bench/pg_tps.sh: pgbench throughput with and without upkeep.
#
# Configurations, alternated on one cluster with a restart between each
# (the order rotates every round):
#   none      shared_preload_libraries = ''
#   idle      upkeep preloaded, maintenance off, sessions outside any patch
#   patch     upkeep preloaded, every pgbench session inside a patch run
#             (upkeep.patch_begin at its first transaction; default
#             slow-statement threshold, 1 s)
#   on        upkeep preloaded, maintenance on (select-only: reads keep working)
# Workloads: select-only for all four, tpcb-like for all but "on".  Both
# are pgbench's built-in transactions as custom scripts, so that every
# configuration runs exactly the same client script.
# Prints every run, then the median TPS per configuration and its ratio to
# "none" measured in the same run.  Figures, not pass/fail.
#
# Environment: ROUNDS (5), SECONDS_PER_RUN (5), CLIENTS (1), SCALE (10).
# One client by default: on a 2-core machine one backend plus pgbench fill
# the cores without the scheduling noise of more clients.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/bench/lib.sh"

ROUNDS=${ROUNDS:-5}
SECS=${SECONDS_PER_RUN:-5}
CLIENTS=${CLIENTS:-1}
SCALE=${SCALE:-10}

uk_throwaway_cluster bench-tps "shared_buffers = '256MB'" "max_connections = 50"
psql_at "$W" "$P" -d postgres -c "CREATE EXTENSION upkeep" >/dev/null
as_pg "$PGBIN/pgbench" -q -i -s "$SCALE" -h "$W" -p "$P" postgres >/dev/null 2>&1

set_preload() { pg_set_preload "$W" "$1"; }

# The built-in transactions, preceded by upkeep.patch_begin() once per
# session when inpatch is 0 (pgbench keeps a session's variables).
prologue='\if :inpatch = 0
SELECT upkeep.patch_begin('"'"'bench'"'"');
\set inpatch 1
\endif'
cat >"$W/select.sql" <<EOF
$prologue
\set aid random(1, 100000 * :scale)
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
EOF
cat >"$W/tpcb.sql" <<EOF
$prologue
\set aid random(1, 100000 * :scale)
\set bid random(1, 1 * :scale)
\set tid random(1, 10 * :scale)
\set delta random(-5000, 5000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
END;
EOF
chmod 644 "$W/select.sql" "$W/tpcb.sql"

run_pgbench() {	# run_pgbench SCRIPT INPATCH: prints TPS
	as_pg "$PGBIN/pgbench" -n -c "$CLIENTS" -j "$(( CLIENTS < 2 ? CLIENTS : 2 ))" -T "$SECS" \
		-s "$SCALE" -D inpatch="$2" -f "$1" -h "$W" -p "$P" postgres 2>/dev/null |
		awk '/^tps = / { print $3; exit }'
}

declare -A tps
orders=("none idle patch on" "idle patch on none" "patch on none idle" "on none idle patch")
for r in $(seq 1 "$ROUNDS"); do
	# rotate the order each round so no configuration always runs first
	for cfg in ${orders[$(( (r - 1) % 4 ))]}; do
		inpatch=1
		case $cfg in
		none) set_preload "" ;;
		idle) set_preload upkeep ;;
		patch) set_preload upkeep; inpatch=0 ;;
		on)
			set_preload upkeep
			psql_at "$W" "$P" -d postgres -c "SELECT upkeep.enter_maintenance('bench', drain_timeout => '0') IS NOT NULL" >/dev/null
			;;
		esac
		s=$(run_pgbench "$W/select.sql" $inpatch)
		tps[select,$cfg]+="$s "
		line="round $r  $cfg: select-only $s"
		if [ "$cfg" != on ]; then
			t=$(run_pgbench "$W/tpcb.sql" $inpatch)
			tps[tpcb,$cfg]+="$t "
			line="$line  tpcb-like $t"
		else
			psql_at "$W" "$P" -d postgres -c "SELECT upkeep.exit_maintenance()" >/dev/null
		fi
		echo "$line"
	done
done


echo
echo "pgbench, scale $SCALE, $CLIENTS clients, $ROUNDS rounds of $SECS s, medians (ratio to no extension)"
for wl in select tpcb; do
	base=$(echo "${tps[$wl,none]}" | median)
	for cfg in none idle patch on; do
		[ -n "${tps[$wl,$cfg]:-}" ] || continue
		m=$(echo "${tps[$wl,$cfg]}" | median)
		printf '%-12s %-5s %10.0f tps  ratio %.3f\n' "$wl" "$cfg" "$m" "$(awk "BEGIN { print $m / $base }")"
	done
done
