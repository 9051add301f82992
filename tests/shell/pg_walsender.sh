#!/bin/bash
# tests/shell/pg_walsender.sh: a walsender opened with replication=database
# runs ordinary SQL, and during maintenance that SQL is an ordinary
# session's SQL: DML and DDL are refused (superuser or a REPLICATION-only
# role), and a write transaction it opened before the window is waited for
# by the drain.  Replication itself (IDENTIFY_SYSTEM, slot creation,
# logical streaming) keeps working, and so do NOTIFY and
# pg_logical_emit_message(), which change no table data.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test walsender

pg_new_cluster "$W" "$P" "wal_level = logical" "max_wal_senders = 10" \
	"max_replication_slots = 10" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (a int)" \
	-c "CREATE ROLE repl LOGIN REPLICATION" -c "GRANT INSERT, SELECT ON t TO repl" \
	-c "GRANT CREATE ON SCHEMA public TO repl" >/dev/null || fail "setup"

# ws USER [psql args...]: psql over a replication=database connection
ws() {
	local user=$1
	shift
	as_pg "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 \
		"host=$W port=$P dbname=postgres user=$user replication=database" "$@"
}

[ "$(ws postgres -c "SELECT backend_type FROM pg_stat_activity WHERE pid = pg_backend_pid()")" = walsender ] ||
	fail "the replication=database connection is not a walsender"
ok "a replication=database connection is a walsender that runs SQL"

# a write transaction opened through a walsender before the window: the
# drain waits for it and fails ('fail'), naming its pid
as_pg "$PGBIN/psql" -X -q -At "host=$W port=$P dbname=postgres user=repl replication=database" \
	-c "BEGIN" -c "INSERT INTO t VALUES (1)" -c "SELECT pg_backend_pid()" \
	-c "SELECT pg_sleep(60)" -c "COMMIT" >"$W/open.out" 2>&1 &
opener=$!
for _ in $(seq 1 300); do
	[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender' AND backend_xid IS NOT NULL")" = 1 ] && break
	sleep 0.1
done
wpid=$(q -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'walsender' AND backend_xid IS NOT NULL")
[ -n "$wpid" ] || fail "the walsender's write transaction did not start"
out=$(q -c "SELECT upkeep.enter_maintenance('walsender drain', drain_timeout => '300 ms')" 2>&1) &&
	fail "the drain did not wait for the walsender's open write transaction: $out"
echo "$out" | grep -q "pids $wpid\." || fail "the drain error does not name the walsender pid $wpid: $out"
ok "the drain waits for a write transaction opened through a walsender"
[ "$(q -c "SELECT phase FROM upkeep.maintenance")" = off ] || fail "maintenance is not off after the failed drain"
q -c "SELECT pg_terminate_backend($wpid)" >/dev/null
wait $opener

q -c "SELECT upkeep.enter_maintenance('walsender test') IS NOT NULL" >/dev/null || fail "enter_maintenance"

# expect_refused USER SQL: the statement fails with 25006 (maintenance)
expect_refused() {
	local out
	out=$(ws "$1" -v VERBOSITY=verbose -c "$2" 2>&1) && fail "walsender ($1) ran during maintenance: $2"
	echo "$out" | grep -q "25006" || fail "walsender ($1), $2: not a read-only error: $out"
	echo "$out" | grep -q "database is in maintenance mode" || fail "walsender ($1), $2: not the maintenance message: $out"
}
expect_refused repl "INSERT INTO t VALUES (2)"
expect_refused repl "CREATE TABLE repl_t (a int)"
expect_refused postgres "INSERT INTO t VALUES (3)"
expect_refused postgres "CREATE TABLE su_t (a int)"
expect_refused postgres "DROP TABLE t"
ok "DML and DDL over a walsender are refused (superuser and REPLICATION-only role)"
[ "$(q -c "SELECT count(*) FROM t")" = 0 ] || fail "rows were written during maintenance"
ok "no row was written"

# replication itself keeps working
ws repl -c "IDENTIFY_SYSTEM" >/dev/null || fail "IDENTIFY_SYSTEM over a walsender"
ws repl -c "CREATE_REPLICATION_SLOT ws_slot LOGICAL test_decoding" >/dev/null ||
	fail "creating a logical slot over a walsender during maintenance"
ok "replication commands (IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT) work during maintenance"

# the decision pinned: no table data changes, allowed for everyone
as_pg "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$W" -p "$P" -d postgres \
	-c "NOTIFY upkeep_chan, 'hello'" \
	-c "SELECT pg_logical_emit_message(false, 'upkeep', 'during maintenance') IS NOT NULL" \
	-c "SELECT slot_name FROM pg_create_logical_replication_slot('sql_slot', 'test_decoding')" \
	>"$W/allowed.out" 2>&1 || fail "NOTIFY / pg_logical_emit_message / slot creation refused: $(cat "$W/allowed.out")"
ok "NOTIFY, pg_logical_emit_message() and slot creation are allowed during maintenance (no table data changes)"
# a transactional message takes an XID and writes WAL: the commit net refuses it
out=$(as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -d postgres \
	-c "SELECT pg_logical_emit_message(true, 'upkeep', 'transactional') IS NOT NULL" 2>&1) &&
	fail "a transactional pg_logical_emit_message() committed during maintenance"
echo "$out" | grep -q "COMMIT of a transaction that wrote during maintenance" ||
	fail "transactional pg_logical_emit_message(): unexpected error: $out"
ok "a transactional pg_logical_emit_message() is refused at commit"

# logical streaming through the slot created during the window: the
# maintainer's row is decoded and streamed
q -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit_maintenance"
tok=$(q -c "SELECT upkeep.enter_maintenance('walsender stream')") || fail "re-entering maintenance"
q -c "SELECT upkeep.join_maintenance('$tok')" -c "INSERT INTO t VALUES (42)" >/dev/null ||
	fail "a maintainer could not write"
end=$(q -c "SELECT pg_current_wal_lsn()")
as_pg timeout 60 "$PGBIN/pg_recvlogical" -h "$W" -p "$P" -d postgres -U repl --slot ws_slot \
	--start --endpos="$end" -f "$W/stream.out" >"$W/recv.log" 2>&1 ||
	fail "pg_recvlogical during maintenance: $(cat "$W/recv.log")"
grep -q "table public.t: INSERT: a\[integer\]:42" "$W/stream.out" ||
	fail "the maintainer's row was not streamed: $(cat "$W/stream.out")"
ok "logical streaming over a walsender works during maintenance"
q -c "SELECT upkeep.exit_maintenance()" >/dev/null

echo "pg_walsender: $checks passed, 0 failed"
