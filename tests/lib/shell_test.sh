# tests/lib/shell_test.sh: the frame every tests/shell/pg_*.sh shares.
# Source it after tests/lib/pg.sh, then call uk_shell_test NAME.
#
#	uk_shell_test NAME	W (a private work directory), P (a free port),
#						checks=0; the cluster is stopped and W removed at exit
#	fail MSG			print MSG and the server log's tail, exit 1
#	ok MSG				count a passed check and print it
#	q ARGS				psql (unaligned, ON_ERROR_STOP) as postgres on database postgres
#	start_retry			pg_start until it works (60 s at most): after a
#						kill -9, orphaned backends may hold the shared memory
#						a moment
#	uk_wait SECS CMD...	(tests/lib/pg.sh) poll a condition with a deadline

: "${UK_STAGE:?UK_STAGE must point at a staged install (see tests/run_pg_tests.sh)}"

uk_shell_test() {
	W=$(uk_workdir "$1")
	P=$(free_port)
	checks=0
	trap 'pg_stop "$W" immediate 2>/dev/null; rm -rf "$W"' EXIT
}

fail() {
	echo "FAIL: $*"
	echo "--- server log tail"; tail -20 "$W/server.log"
	exit 1
}

ok() { checks=$((checks + 1)); echo "ok: $*"; }

q() { psql_at "$W" "$P" -d postgres "$@"; }

start_retry() {
	uk_wait 60 pg_start "$W" 2>/dev/null
}
