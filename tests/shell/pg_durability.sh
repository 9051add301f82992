#!/bin/bash
# tests/shell/pg_durability.sh: maintenance mode survives a clean restart,
# kill -9 of the postmaster and a backend crash; an unreadable state file
# fails safe (read-only, WARNING); pg_dump works during maintenance; the
# error seen by the app carries the reason and the expected end.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test durability
app() { as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -U app -d postgres "$@" 2>&1; }

expect_mode() {
	local want=$1 what=$2 got
	got=$(q -c "SELECT active || '/' || phase FROM upkeep.maintenance") || fail "status query $what"
	[ "$got" = "$want" ] || fail "$what: expected $want, got $got"
	ok "$what: maintenance $want"
}

expect_refused() {
	local out
	out=$(app -c "INSERT INTO t VALUES (100)") && fail "$1: app write was accepted"
	echo "$out" | grep -q "database is in maintenance mode" || fail "$1: unexpected error: $out"
	ok "$1: app write refused"
}

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (a int)" -c "INSERT INTO t VALUES (1)" \
	-c "CREATE ROLE app LOGIN" -c "GRANT ALL ON t TO app" >/dev/null || fail "setup"

token=$(q -c "SELECT upkeep.enter_maintenance('nightly upgrade', expected_duration => '1 hour')") ||
	fail "enter_maintenance"
expect_mode "true/active" "entered"

out=$(app -c "INSERT INTO t VALUES (2)")
echo "$out" | grep -q "^ERROR:  database is in maintenance mode" || fail "error text: $out"
echo "$out" | grep -q "Reason: nightly upgrade. Expected end: 2[0-9-]* [0-9:]*+00. Refused: cannot execute INSERT" ||
	fail "detail lacks reason or expected end: $out"
ok "the app's error names the reason and the expected end"

as_pg "$PGBIN/pg_dump" -h "$W" -p "$P" -U app -d postgres -t t >"$W/dump.sql" 2>"$W/dump.err" ||
	fail "pg_dump during maintenance: $(cat "$W/dump.err")"
grep -q "^COPY public.t" "$W/dump.sql" || fail "pg_dump output has no data"
ok "pg_dump works during maintenance"

[ -f "$W/data/upkeep/maintenance.state" ] || fail "no state file in the data directory"
grep -q "$token" "$W/data/upkeep/maintenance.state" && fail "the token is stored in clear"
grep -rq "$token" "$W/server.log" && fail "the token is in the server log"
ok "state file written, token not stored or logged"

pg_restart "$W" || fail "restart"
expect_mode "true/active" "after pg_ctl restart"
expect_refused "after pg_ctl restart"
q -c "SELECT upkeep.join_maintenance('$token')" -c "INSERT INTO t VALUES (3)" >/dev/null ||
	fail "join with the token after restart"
ok "the token still joins after a restart"
out=$(as_pg env PGOPTIONS="-c upkeep.join_token=$token" \
	"$PGBIN/psql" -X -q -At -h "$W" -p "$P" -d postgres -c "INSERT INTO t VALUES (6)" 2>&1) ||
	fail "a connection with PGOPTIONS upkeep.join_token could not write: $out"
ok "a connection with PGOPTIONS='-c upkeep.join_token=...' joins and writes"

pg_kill9 "$W"
start_retry || fail "start after kill -9"
expect_mode "true/active" "after kill -9 of the postmaster"
expect_refused "after kill -9 of the postmaster"

# a backend crash makes the postmaster reinitialize shared memory
app -c "SELECT pg_sleep(600)" >/dev/null &
bpid=""
sleeper() {
	bpid=$(q -c "SELECT pid FROM pg_stat_activity WHERE usename = 'app' AND query LIKE '%pg_sleep%'")
	[ -n "$bpid" ]
}
uk_wait 60 sleeper || fail "no backend to crash"
crashes() { grep -c "terminated by signal 9" "$W/server.log"; }
before=$(crashes)
kill -9 "$bpid"
# (the postmaster logs the crash before it refuses new connections until
# shared memory is reinitialized: wait for the line, then for a connection)
crashed() { [ "$(crashes)" -gt "$before" ]; }
uk_wait 60 crashed || fail "the backend crash did not happen"
uk_wait 60 q -c "SELECT 1" >/dev/null 2>&1 || fail "no connection after the backend crash"
expect_mode "true/active" "after a backend crash"
expect_refused "after a backend crash"

# Refusals so far: one before the clean restart (persisted at shutdown),
# one after it (lost: kill -9 leaves no chance to persist), one after the
# kill -9 (persisted when the backend crash reinitialized shared memory),
# one after the crash.  So exactly 3 are counted.
refused=$(q -c "SELECT refused_writes FROM upkeep.maintenance")
[ "$refused" = 3 ] || fail "refused_writes across restarts: expected 3, got $refused"
ok "refused_writes kept across clean restarts and crash reinitialization"
q -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit"
pg_restart "$W" || fail "restart after exit"
expect_mode "false/off" "after exit and restart"
app -c "INSERT INTO t VALUES (4)" >/dev/null || fail "write after exit"
ok "writes work after exit"

windows=$(q -c "SELECT count(*) FROM upkeep.maintenance_log WHERE exited_at IS NOT NULL AND reason = 'nightly upgrade'")
[ "$windows" = 1 ] || fail "maintenance_log after restarts: $windows closed windows"
ok "maintenance_log kept the window across restarts and crashes"

# unreadable state files fail safe
for damage in flip empty garbage; do
	q -c "SELECT upkeep.enter_maintenance('damage test $damage')" >/dev/null || fail "enter ($damage)"
	pg_stop "$W" || fail "stop ($damage)"
	f="$W/data/upkeep/maintenance.state"
	case $damage in
	flip) as_pg sed -i 's/damage test/damage best/' "$f" ;;
	empty) as_pg truncate -s 0 "$f" ;;
	garbage) head -c 300 /dev/urandom | as_pg tee "$f" >/dev/null ;;
	esac
	before=$(grep -c "WARNING:  could not read upkeep maintenance state file" "$W/server.log")
	pg_start "$W" || fail "start with a $damage state file"
	after=$(grep -c "WARNING:  could not read upkeep maintenance state file" "$W/server.log")
	[ "$after" -gt "$before" ] || fail "no WARNING for a $damage state file"
	expect_mode "true/active" "unreadable state file ($damage)"
	expect_refused "unreadable state file ($damage)"
	app -c "INSERT INTO t VALUES (101)" | grep -q "Reason: the upkeep state file is unreadable" ||
		fail "the app's error does not say why ($damage)"
	err=$(q -c "SELECT state_file_error IS NOT NULL FROM upkeep.maintenance")
	[ "$err" = t ] || fail "state_file_error not shown ($damage)"
	q -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit after $damage"
	expect_mode "false/off" "exit after an unreadable state file ($damage)"
	app -c "INSERT INTO t VALUES (5)" >/dev/null || fail "write after exit ($damage)"
done

echo "pg_durability: $checks passed, 0 failed"
