#!/bin/bash
# tests/shell/pg_state_file.sh: a lost or foreign state file fails safe.
# A state file deleted while the server was down, with the window log still
# showing the window open, brings the cluster up read-only with a WARNING,
# in that same window; upkeep.exit_maintenance() closes it.  A FIFO, a
# directory or a symbolic link to a FIFO in place of the state file, and a
# FIFO in place of the window log or the patch log, never block the start
# (pg_ctl -w with a deadline) and fail safe where it matters.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test state_file
app() { as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -U app -d postgres "$@" 2>&1; }
STATE="$W/data/upkeep/maintenance.state"

# a start that a blocking read would hang: pg_ctl gives up after 30 s and
# the hung postmaster is killed, so the test fails instead of hanging
start_deadline() {
	local pid
	as_pg "$PGBIN/pg_ctl" -D "$W/data" -l "$W/server.log" -w -t 30 start >/dev/null && return 0
	pid=$(head -1 "$W/data/postmaster.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	fail "the server did not start within 30 s ($1)"
}

expect_mode() {
	local got
	got=$(q -c "SELECT active || '/' || phase FROM upkeep.maintenance") || fail "status query ($2)"
	[ "$got" = "$1" ] || fail "$2: expected $1, got $got"
	ok "$2: maintenance $1"
}

expect_refused() {
	local out
	out=$(app -c "INSERT INTO t VALUES (100)") && fail "$1: app write was accepted"
	echo "$out" | grep -q "database is in maintenance mode" || fail "$1: unexpected error: $out"
	ok "$1: app write refused"
}

warnings() { grep -c "WARNING:  .*upkeep maintenance state file" "$W/server.log"; }

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (a int)" \
	-c "CREATE ROLE app LOGIN" -c "GRANT ALL ON t TO app" >/dev/null || fail "setup"

# 1. the state file deleted while the server is down
q -c "SELECT upkeep.enter_maintenance('lost state file')" >/dev/null || fail "enter"
win=$(q -c "SELECT max(window_id) FROM upkeep.maintenance_log")
pg_stop "$W" || fail "stop"
as_pg rm "$STATE"
before=$(warnings)
start_deadline "deleted state file"
[ "$(warnings)" -gt "$before" ] || fail "no WARNING for a deleted state file"
grep -q "maintenance state file \"upkeep/maintenance.state\" is missing, but the maintenance log shows window $win still open" \
	"$W/server.log" || fail "the WARNING does not name the open window"
ok "a WARNING names the missing state file and the open window"
expect_mode "true/active" "deleted state file"
expect_refused "deleted state file"
err=$(q -c "SELECT state_file_error FROM upkeep.maintenance")
echo "$err" | grep -q "missing" || fail "state_file_error: $err"
ok "state_file_error says the file is missing"
q -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit after a deleted state file"
expect_mode "false/off" "exit after a deleted state file"
n=$(q -c "SELECT count(*) FROM upkeep.maintenance_log WHERE window_id = $win AND exited_at IS NOT NULL")
[ "$n" = 1 ] || fail "the open window was not closed in maintenance_log"
n=$(q -c "SELECT count(*) FROM upkeep.maintenance_log WHERE exited_at IS NULL")
[ "$n" = 0 ] || fail "maintenance_log still shows an open window"
ok "exit_maintenance closed the window the log had open"
app -c "INSERT INTO t VALUES (1)" >/dev/null || fail "write after exit"
pg_stop "$W" && as_pg rm "$STATE" && start_deadline "deleted file, no open window" || fail "restart"
expect_mode "false/off" "deleted state file with every window closed"

# 2. not a regular file in place of the state file
for kind in fifo dir symlink; do
	q -c "SELECT upkeep.enter_maintenance('foreign state file $kind')" >/dev/null || fail "enter ($kind)"
	pg_stop "$W" || fail "stop ($kind)"
	as_pg rm "$STATE"
	case $kind in
	fifo) as_pg mkfifo "$STATE" ;;
	dir) as_pg mkdir "$STATE" ;;
	symlink) as_pg mkfifo "$W/data/upkeep/elsewhere" && as_pg ln -s elsewhere "$STATE" ;;
	esac
	before=$(warnings)
	start_deadline "$kind state file"
	ok "the server started with a $kind state file"
	[ "$(warnings)" -gt "$before" ] || fail "no WARNING for a $kind state file"
	grep -q "not a regular file" "$W/server.log" || fail "the WARNING does not say why ($kind)"
	expect_mode "true/active" "$kind state file"
	expect_refused "$kind state file"
	as_pg rm -rf "$STATE" "$W/data/upkeep/elsewhere"
	q -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit after a $kind state file"
	expect_mode "false/off" "exit after a $kind state file"
	[ -f "$STATE" ] || fail "exit did not write a regular state file ($kind)"
done

# 3. FIFOs in place of the window log and the patch log
pg_stop "$W" || fail "stop (log FIFOs)"
as_pg rm -f "$W/data/upkeep/maintenance.log" "$W/data/upkeep/patch.log"
as_pg mkfifo "$W/data/upkeep/maintenance.log" "$W/data/upkeep/patch.log"
start_deadline "FIFO logs"
expect_mode "false/off" "FIFO window log and patch log"
ok "the server started with FIFOs as window log and patch log"
q -c "SELECT count(*) FROM upkeep.maintenance_log" >/dev/null 2>&1
q -c "SELECT count(*) FROM upkeep.patch_runs" >/dev/null 2>&1
q -c "SELECT 1" >/dev/null || fail "the server stopped answering after reading FIFO logs"
ok "reading the logs does not block"

echo "pg_state_file: $checks passed, 0 failed"
