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
# A window patch needs two sessions (the runner that opens it, and the
# maintainer session whose statements are attributed to it), which a
# single-user backend cannot be.  So the same cases are counted once more
# in backends of a server that runs under callgrind (every backend is a
# fork of the postmaster, and gets its own count): a backend's count with
# N statements minus one with none, divided by N, as above.  Server
# backends read each statement from the client protocol, so their figures
# are compared with each other, never with the single-user ones:
#
#   idle        maintenance off, no patch
#   patch       inside a patch run of its own
#   window      maintenance on, a maintainer session (joined with the token
#               in PGOPTIONS) attributed to the window patch the runner
#               opened (budget: patch + 300)
#   unattrib    the same with no window patch open (counted as unattributed)
#
# Environment: N (500), ROUNDS (3: pairs of server backends per case).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"
N=${N:-500}
ROUNDS=${ROUNDS:-3}

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

# ---- server backends: the window patch ----
echo "SELECT upkeep.exit_maintenance();" >"$W/exit.sql"
chmod 644 "$W/exit.sql"
as_pg "$PGBIN/postgres" --single -D "$W/data" -c shared_preload_libraries=upkeep \
	-c dynamic_library_path="$UK_STAGE$PGLIBDIR:\$libdir" -c extension_destdir="$UK_STAGE" \
	postgres <"$W/exit.sql" >/dev/null 2>&1
mkdir -p "$W/cg"
chmod 777 "$W/cg"
as_pg valgrind --tool=callgrind --callgrind-out-file="$W/cg/cg.%p" \
	"$PGBIN/postgres" -D "$W/data" >"$W/server-cg.log" 2>&1 &
uk_wait 300 as_pg "$PGBIN/pg_isready" -q -h "$W" -p "$P" || {
	echo "the server under callgrind did not start"; tail "$W/server-cg.log"; exit 1; }

# backend_count OPTIONS FILE: the instructions of one backend that runs FILE
# (whose first statement prints its pid) with PGOPTIONS=OPTIONS
backend_count() {
	local pid
	pid=$(as_pg env PGOPTIONS="$1" "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -d postgres \
		-f "$2") || return 1
	pid=${pid%%$'\n'*}
	uk_wait 120 test -s "$W/cg/cg.$pid" || { echo "no callgrind output of $pid" >&2; return 1; }
	uk_wait 60 grep -q '^totals:' "$W/cg/cg.$pid"
	awk '/^totals:/ { print $2 }' "$W/cg/cg.$pid"
}

# server_per_stmt OPTIONS [PREFIX]: the median of ROUNDS pairs (a backend
# inherits the postmaster's count at its fork, which varies a little)
server_per_stmt() {
	local with without r all=""
	printf '%s\n' "SELECT pg_backend_pid();" "${2:-}" | cat - "$W/stmts.sql" >"$W/s_with.sql"
	printf '%s\n' "SELECT pg_backend_pid();" "${2:-}" >"$W/s_without.sql"
	chmod 644 "$W/s_with.sql" "$W/s_without.sql"
	for r in $(seq 1 "$ROUNDS"); do
		without=$(backend_count "$1" "$W/s_without.sql")
		with=$(backend_count "$1" "$W/s_with.sql")
		all="$all $(( (with - without) / N ))"
	done
	echo "per-statement figures:$all" >&2
	printf '%s\n' $all | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p"
}

s_idle=$(server_per_stmt "")
s_patch=$(server_per_stmt "" "SELECT upkeep.patch_begin('bench');")
token=$(psql_at "$W" "$P" -d postgres -c "SELECT upkeep.enter_maintenance('bench', drain_timeout => '0')")
psql_at "$W" "$P" -d postgres -c "SELECT upkeep.join_maintenance('$token')" \
	-c "SELECT upkeep.window_patch_begin('bench')" >/dev/null
s_window=$(server_per_stmt "-c upkeep.join_token=$token")
psql_at "$W" "$P" -d postgres -c "SELECT upkeep.join_maintenance('$token')" \
	-c "SELECT upkeep.window_patch_end()" >/dev/null
s_unattrib=$(server_per_stmt "-c upkeep.join_token=$token")
psql_at "$W" "$P" -d postgres -c "SELECT upkeep.exit_maintenance()" >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$W/data" -m fast -w -t 300 stop >/dev/null

echo
echo "the same in server backends (callgrind on the postmaster, N = $N)"
printf '%-40s %9d\n' "upkeep, maintenance off" "$s_idle"
printf '%-40s %9d  (%+d)\n' "upkeep, inside a patch" "$s_patch" $((s_patch - s_idle))
printf '%-40s %9d  (%+d; patch %+d, budget +300)\n' "maintainer, attributed to a window patch" \
	"$s_window" $((s_window - s_idle)) $((s_window - s_patch))
printf '%-40s %9d  (%+d)\n' "maintainer, no window patch open" "$s_unattrib" $((s_unattrib - s_idle))
