#!/bin/bash
# bench/pg_instructions.sh: instructions per statement added by upkeep,
# counted with callgrind in a single-user backend (deterministic; see the
# project's benchmarking notes).  For each configuration it runs N indexed
# point SELECTs and 0, and divides the difference by N.
#
#   none   no preload library
#   idle   upkeep preloaded, maintenance off
#   patch  upkeep preloaded, the backend inside a patch run (default
#          slow-statement threshold: every statement is timed and counted,
#          none is slow enough to be written)
#   on     upkeep preloaded, maintenance on (the backend is not a maintainer)
#
# Environment: N (500).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"
N=${N:-500}

uk_throwaway_cluster bench-ir
psql_at "$W" "$P" -d postgres -c "CREATE EXTENSION upkeep" >/dev/null
as_pg "$PGBIN/pgbench" -q -i -s 1 -h "$W" -p "$P" postgres >/dev/null 2>&1
pg_stop "$W"

for i in $(seq 1 "$N"); do
	echo "SELECT abalance FROM pgbench_accounts WHERE aid = $(( (i * 7919) % 100000 + 1 ));"
done >"$W/stmts.sql"
: >"$W/empty.sql"
chmod 644 "$W"/*.sql

# count PRELOAD FILE: total instructions of a single-user run
count() {
	local out="$W/cg.out.$$"
	as_pg valgrind --tool=callgrind --callgrind-out-file="$out" \
		"$PGBIN/postgres" --single -D "$W/data" \
		-c shared_preload_libraries="$1" -c dynamic_library_path="$UK_STAGE$PGLIBDIR:\$libdir" \
		-c extension_destdir="$UK_STAGE" postgres <"$2" >/dev/null 2>"$W/cg.log"
	grep -o 'Collected : [0-9]*' "$W/cg.log" | awk '{ print $3 }'
	rm -f "$out"
}

# per_stmt PRELOAD [PREFIX]: PREFIX (statements) runs first in both runs
per_stmt() {
	local with without
	printf '%s\n' "${2:-}" | cat - "$W/stmts.sql" >"$W/with.sql"
	printf '%s\n' "${2:-}" >"$W/without.sql"
	chmod 644 "$W/with.sql" "$W/without.sql"
	with=$(count "$1" "$W/with.sql")
	without=$(count "$1" "$W/without.sql")
	echo $(( (with - without) / N ))
}

none=$(per_stmt "")
idle=$(per_stmt upkeep)
patch=$(per_stmt upkeep "SELECT upkeep.patch_begin('bench');")
echo "SELECT upkeep.enter_maintenance('bench', drain_timeout => '0');" >"$W/enter.sql"
chmod 644 "$W/enter.sql"
as_pg "$PGBIN/postgres" --single -D "$W/data" -c shared_preload_libraries=upkeep \
	-c dynamic_library_path="$UK_STAGE$PGLIBDIR:\$libdir" -c extension_destdir="$UK_STAGE" \
	postgres <"$W/enter.sql" >/dev/null 2>&1
on=$(per_stmt upkeep)

echo "instructions per indexed point SELECT (callgrind, single-user backend, N = $N)"
printf '%-28s %9d\n' "no library" "$none"
printf '%-28s %9d  (%+d)\n' "upkeep, maintenance off" "$idle" $((idle - none))
printf '%-28s %9d  (%+d)\n' "upkeep, inside a patch" "$patch" $((patch - none))
printf '%-28s %9d  (%+d)\n' "upkeep, maintenance on" "$on" $((on - none))
