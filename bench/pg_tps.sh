#!/bin/bash
# bench/pg_tps.sh: pgbench throughput with and without upkeep.
#
# Configurations, alternated on one cluster with a restart between each
# (the order rotates every round):
#   none      shared_preload_libraries = ''
#   idle      upkeep preloaded, maintenance off
#   on        upkeep preloaded, maintenance on (select-only: reads keep working)
# Workloads: select-only (-S) for all three, tpcb-like for none and idle.
# Prints every run, then the median TPS per configuration and its ratio to
# "none" measured in the same run.  Figures, not pass/fail.
#
# Environment: ROUNDS (5), SECONDS_PER_RUN (5), CLIENTS (1), SCALE (10).
# One client by default: on a 2-core machine one backend plus pgbench fill
# the cores without the scheduling noise of more clients.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"

ROUNDS=${ROUNDS:-5}
SECS=${SECONDS_PER_RUN:-5}
CLIENTS=${CLIENTS:-1}
SCALE=${SCALE:-10}

uk_throwaway_cluster bench-tps "shared_buffers = '256MB'" "max_connections = 50"
psql_at "$W" "$P" -d postgres -c "CREATE EXTENSION upkeep" >/dev/null
as_pg "$PGBIN/pgbench" -q -i -s "$SCALE" -h "$W" -p "$P" postgres >/dev/null 2>&1

conf="$W/data/postgresql.conf"
set_preload() {
	as_pg sed -i "/^shared_preload_libraries/d" "$conf"
	echo "shared_preload_libraries = '$1'" | as_pg tee -a "$conf" >/dev/null
	pg_restart "$W"
}

run_pgbench() {	# run_pgbench ARGS...: prints TPS
	as_pg "$PGBIN/pgbench" -n -c "$CLIENTS" -j "$(( CLIENTS < 2 ? CLIENTS : 2 ))" -T "$SECS" -h "$W" -p "$P" "$@" postgres 2>/dev/null |
		awk '/^tps = / { print $3; exit }'
}

declare -A tps
orders=("none idle on" "idle on none" "on none idle")
for r in $(seq 1 "$ROUNDS"); do
	# rotate the order each round so no configuration always runs first
	for cfg in ${orders[$(( (r - 1) % 3 ))]}; do
		case $cfg in
		none) set_preload "" ;;
		idle) set_preload upkeep ;;
		on)
			set_preload upkeep
			psql_at "$W" "$P" -d postgres -c "SELECT upkeep.enter_maintenance('bench', drain_timeout => '0') IS NOT NULL" >/dev/null
			;;
		esac
		s=$(run_pgbench -S)
		tps[select,$cfg]+="$s "
		line="round $r  $cfg: select-only $s"
		if [ "$cfg" != on ]; then
			t=$(run_pgbench)
			tps[tpcb,$cfg]+="$t "
			line="$line  tpcb-like $t"
		else
			psql_at "$W" "$P" -d postgres -c "SELECT upkeep.exit_maintenance()" >/dev/null
		fi
		echo "$line"
	done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo
echo "pgbench, scale $SCALE, $CLIENTS clients, $ROUNDS rounds of $SECS s, medians (ratio to no extension)"
for wl in select tpcb; do
	base=$(echo "${tps[$wl,none]}" | median)
	for cfg in none idle on; do
		[ -n "${tps[$wl,$cfg]:-}" ] || continue
		m=$(echo "${tps[$wl,$cfg]}" | median)
		printf '%-12s %-5s %10.0f tps  ratio %.3f\n' "$wl" "$cfg" "$m" "$(awk "BEGIN { print $m / $base }")"
	done
done
