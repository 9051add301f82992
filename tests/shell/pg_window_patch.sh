#!/bin/bash
# tests/shell/pg_window_patch.sh: window patches with real sessions, the
# way `upkeep run` uses them.
#
# A runner session enters maintenance and opens window patches; child
# sessions join with the token in PGOPTIONS (and upkeep.slow_statement_ms=0)
# and their statements land in the window patch open when they start: the
# count, slow_statements, a failure (also at a first statement, before the
# executor), a lock wait shown live in
# patch_activity; a nested step gets its own run with parent_run_id; the
# runner and a session with upkeep.window_attribution off are not
# attributed; a session with a patch of its own keeps its own run;
# statements with no window patch open are counted as unattributed;
# leaving maintenance aborts an open window patch; the runs survive a
# restart, and a window patch open at a restart shows aborted;
# maintenance_log keeps the window's unattributed statement count.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test window_patch

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (a int)" >/dev/null || fail "setup"

token=$(q -c "SELECT upkeep.enter_maintenance('window patch test', drain_timeout => '0')") ||
	fail "enter: $token"
window=$(q -c "SELECT window_id FROM upkeep.maintenance")

# runner SQL...: a session of the runner (joins, then calls window_patch_*)
runner() {
	local args=(-c "SELECT upkeep.join_maintenance('$token')")
	for s in "$@"; do args+=(-c "$s"); done
	q "${args[@]}" | tail -1
}
# child [PSQL ARGS...]: a session of the upgrade command, as `upkeep run` starts it
child() {
	as_pg env PGOPTIONS="-c upkeep.join_token=$token -c upkeep.slow_statement_ms=0" \
		"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$W" -p "$P" -d postgres "$@"
}
run_field() { q -c "SELECT $2 FROM upkeep.patch_runs WHERE run_id = $1"; }

# 1. a child's statements land in the open window patch; the runner's do not
outer=$(runner "SELECT upkeep.window_patch_begin('erpnext.patches.v15_0.one', 'erpnext')")
[ "$outer" -gt 0 ] 2>/dev/null || fail "window_patch_begin: $outer"
child -c "INSERT INTO t VALUES (1)" -c "UPDATE t SET a = 2" -c "SELECT count(*) FROM t" >/dev/null ||
	fail "child statements"
[ "$(run_field "$outer" "status || '/' || statements || '/' || window_id || '/' || (parent_run_id IS NULL)")" = "running/3/$window/true" ] ||
	fail "outer run: $(run_field "$outer" "status || '/' || statements || '/' || window_id")"
ok "the child's 3 statements count in the window patch (the runner's own do not)"
[ "$(q -c "SELECT string_agg(command, ',' ORDER BY id) FROM upkeep.slow_statements WHERE run_id = $outer")" = "INSERT,UPDATE,SELECT" ] ||
	fail "slow statements: $(q -c "SELECT command, query FROM upkeep.slow_statements")"
[ "$(q -c "SELECT patch FROM upkeep.slow_statements WHERE run_id = $outer AND query = 'UPDATE t SET a = 2'")" = "erpnext.patches.v15_0.one" ] ||
	fail "slow statement without its patch"
ok "with upkeep.slow_statement_ms=0 in PGOPTIONS each is in slow_statements under the window patch"

# 2. live: a child waiting for a lock shows in patch_activity with the blocker
child -c "SET upkeep.window_attribution = off" -c "BEGIN" -c "LOCK TABLE t" \
	-c "SELECT pg_sleep(600)" >/dev/null 2>&1 &
holder_running() {
	[ "$(q -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 't' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ]
}
uk_wait 60 holder_running || fail "the lock holder did not start"
holder=$(q -c "SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 't' AND l.mode = 'AccessExclusiveLock'")
# (a statement first: the UPDATE waits in parse analysis, before any hook)
child -c "SELECT 1" -c "UPDATE t SET a = 3" >/dev/null 2>&1 &
waiting_shown() {
	[ "$(q -c "SELECT count(*) FROM upkeep.patch_activity WHERE run_id = $outer AND pid IS NOT NULL AND $holder = ANY (blocked_by) AND current_statement = 'UPDATE t SET a = 3' AND statement_elapsed IS NOT NULL")" = 1 ]
}
uk_wait 60 waiting_shown ||
	fail "patch_activity: $(q -c "SELECT patch, pid, blocked_by, current_statement FROM upkeep.patch_activity")"
ok "patch_activity shows the child's statement of the window patch waiting on the holder's pid"
q -c "SELECT pg_terminate_backend($holder)" >/dev/null
wait
[ "$(run_field "$outer" "statements || '/' || (lock_wait_ms > 0)")" = "5/true" ] ||
	fail "after the lock wait: $(run_field "$outer" "statements || '/' || lock_wait_ms")"
ok "the blocked UPDATE counts, with its lock wait; the holder (window_attribution off) does not"
[ "$(q -c "SELECT count(*) FROM upkeep.patch_activity WHERE run_id = $outer")/$(q -c "SELECT count(*) FROM upkeep.patch_activity WHERE run_id = $outer AND pid IS NULL")" = "1/1" ] ||
	fail "idle window patch: $(q -c "SELECT patch, pid FROM upkeep.patch_activity")"
ok "with no statement running the window patch shows once, without a pid"

# 3. a failure is the run's error, also one before the executor (parse
# analysis, the parser, planning) as the session's very first statement:
# the session joined the window with the token as it connected
fails_first() {	# fails_first SQL SQLSTATE MESSAGE STATEMENTS
	child -c "$1" >/dev/null 2>&1 && fail "\"$1\" succeeded"
	got=$(run_field "$outer" "statements || '|' || error_sqlstate || '|' || error_message || '|' || error_statement")
	[ "$got" = "$4|$2|$3|$1" ] || fail "failure of \"$1\" as the first statement: $got"
}
fails_first "INSERT INTO missing VALUES (1)" 42P01 'relation "missing" does not exist' 6
fails_first "SELEC 1" 42601 'syntax error at or near "SELEC"' 7
ok "a child's first statement failing before the executor (missing table 42P01, syntax error) is the window patch's error"
child -c "SELECT 1" -c "SELECT no_such_column FROM t" >/dev/null 2>&1 && fail "undefined column succeeded"
[ "$(run_field "$outer" "statements || '|' || error_sqlstate || '|' || error_statement")" = "9|42703|SELECT no_such_column FROM t" ] ||
	fail "undefined column: $(run_field "$outer" "statements || '|' || error_sqlstate || '|' || error_statement")"
ok "an undefined column after a first statement is the window patch's error too"

# 4. a nested step gets its own run
step=$(runner "SELECT upkeep.window_patch_begin('module_x:migrate.py', 'odoo:module', true)")
out=$(child -c "SELECT pg_backend_pid()" -c "SELECT 2") || fail "statements in the step"
child_pid=${out%%$'\n'*}
[ "$(runner "SELECT upkeep.window_patch_end()")" = "$step" ] || fail "ending the step"
got=$(q -c "SELECT string_agg(DISTINCT s.pid::text, ',') || '|' || bool_and(s.pid <> r.pid)
	FROM upkeep.slow_statements s JOIN upkeep.patch_runs r USING (run_id) WHERE s.run_id = $step")
[ "$got" = "$child_pid|true" ] || fail "slow_statements.pid of the step: $got, the child was $child_pid"
ok "slow_statements.pid of a window run is the child session's, not the runner's"
[ "$(run_field "$step" "status || '/' || statements || '/' || parent_run_id || '/' || window_id")" = "succeeded/2/$outer/$window" ] ||
	fail "step: $(run_field "$step" "status || '/' || statements || '/' || parent_run_id")"
[ "$(run_field "$outer" statements)" = 9 ] || fail "the step's statements counted in the outer run too"
ok "a nested step gets its own run with parent_run_id, and its statements"

# 5. a session with a patch of its own keeps its own run
out=$(child -c "SELECT upkeep.patch_begin('own.patch')" -c "SELECT 1" -c "SELECT 2" \
	-c "SELECT upkeep.patch_end()") || fail "own patch: $out"
own=${out%%$'\n'*}
[ "$(run_field "$own" "status || '/' || statements || '/' || (window_id IS NULL)")" = "succeeded/2/true" ] ||
	fail "own run: $(run_field "$own" "status || '/' || statements")"
[ "$(run_field "$outer" statements)" = 9 ] || fail "own patch's statements counted in the window patch"
ok "a session with its own patch_begin keeps its own run"

[ "$(runner "SELECT upkeep.window_patch_end('failed', 'Traceback: boom')")" = "$outer" ] || fail "ending outer"
[ "$(run_field "$outer" "status || '/' || statements || '/' || error_message")" = "failed/9/Traceback: boom" ] ||
	fail "outer end: $(run_field "$outer" "status || '/' || statements || '/' || error_message")"
ok "the runner ends the window patch failed with its message"

# 6. no window patch open: counted as unattributed
before=$(q -c "SELECT unattributed_statements FROM upkeep.maintenance")
child -c "SELECT 1" -c "SELECT 2" >/dev/null
after=$(q -c "SELECT unattributed_statements FROM upkeep.maintenance")
[ $((after - before)) = 2 ] || fail "unattributed: $before -> $after"
ok "statements with no window patch open are counted as unattributed ($before -> $after)"
# a statement failing before the executor (parse analysis) counts once, and
# so does one failing in it (counted as it started, not again at its error)
before=$after
child -c "SELECT * FROM no_such_table_here" >/dev/null 2>&1 && fail "the missing table did not fail"
after=$(q -c "SELECT unattributed_statements FROM upkeep.maintenance")
[ $((after - before)) = 1 ] || fail "unattributed after a failure in parse analysis: $before -> $after"
child -c "SELECT 1 / (random() < 0)::int" >/dev/null 2>&1 && fail "the division by zero did not fail"
after2=$(q -c "SELECT unattributed_statements FROM upkeep.maintenance")
[ $((after2 - after)) = 1 ] || fail "unattributed after a failure in the executor: $after -> $after2"
after=$after2
# two statements in one simple query, the second failing in parse analysis:
# two; a statement failing in the executor through the extended protocol
# (ExecutorStart at Bind, the error at Execute): one
child -c "SELECT 1; SELECT * FROM no_such_table_here" >/dev/null 2>&1 && fail "the missing table did not fail"
after2=$(q -c "SELECT unattributed_statements FROM upkeep.maintenance")
[ $((after2 - after)) = 2 ] || fail "unattributed after two statements in one query: $after -> $after2"
after=$after2
echo "SELECT 1 / (random() < 0)::int;" >"$W/extended.sql"
chmod 644 "$W/extended.sql"
as_pg env PGOPTIONS="-c upkeep.join_token=$token" "$PGBIN/pgbench" -n -M extended -t 1 \
	-f "$W/extended.sql" -h "$W" -p "$P" postgres >"$W/pgbench.out" 2>&1 &&
	fail "the extended-protocol division by zero did not fail: $(cat "$W/pgbench.out")"
grep -q "division by zero" "$W/pgbench.out" || fail "pgbench: $(cat "$W/pgbench.out")"
after2=$(q -c "SELECT unattributed_statements FROM upkeep.maintenance")
[ $((after2 - after)) = 1 ] || fail "unattributed after a failure through the extended protocol: $after -> $after2"
after=$after2
ok "failing statements with no window patch open count once: before the executor and in it, two in one query, the extended protocol"

# 7. leaving maintenance aborts an open window patch
left=$(runner "SELECT upkeep.window_patch_begin('left.open')")
child -c "SELECT 1" >/dev/null
unattr=$(q -c "SELECT unattributed_statements FROM upkeep.maintenance")
[ "$unattr" -ge "$after" ] || fail "unattributed went down: $after -> $unattr"
q -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit"
[ "$(run_field "$left" "status || '/' || statements || '/' || (ended_at IS NOT NULL)")" = "aborted/1/true" ] ||
	fail "left open: $(run_field "$left" "status || '/' || statements")"
ok "exit_maintenance ends the open window patch as aborted"
[ "$(q -c "SELECT unattributed_statements FROM upkeep.maintenance_log WHERE window_id = $window")" = "$unattr" ] ||
	fail "maintenance_log.unattributed_statements: $(q -c "SELECT unattributed_statements FROM upkeep.maintenance_log WHERE window_id = $window"), expected $unattr"
ok "the window's maintenance_log row keeps its unattributed statements ($unattr)"

# 8. the runs survive a restart; a window patch open at a restart is aborted
snapshot() {
	q -c "SELECT string_agg(concat_ws('/', run_id, name, status, statements, window_id, parent_run_id, error_sqlstate), ' ' ORDER BY run_id) FROM upkeep.patch_runs"
}
before=$(snapshot)
slow_before=$(q -c "SELECT count(*) FROM upkeep.slow_statements WHERE run_id = $outer")
token=$(q -c "SELECT upkeep.enter_maintenance('second window', drain_timeout => '0')") || fail "enter again"
open=$(runner "SELECT upkeep.window_patch_begin('open.at.restart')")
pg_restart "$W" || fail "restart"
[ "$(q -c "SELECT string_agg(concat_ws('/', run_id, name, status, statements, window_id, parent_run_id, error_sqlstate), ' ' ORDER BY run_id) FROM upkeep.patch_runs WHERE run_id < $open")" = "$before" ] ||
	fail "runs changed by the restart: $before => $(snapshot)"
[ "$(q -c "SELECT count(*) FROM upkeep.slow_statements WHERE run_id = $outer")" = "$slow_before" ] ||
	fail "slow statements lost in the restart"
ok "window patch runs and their slow statements survive a restart"
[ "$(q -c "SELECT unattributed_statements FROM upkeep.maintenance_log WHERE window_id = $window")" = "$unattr" ] ||
	fail "maintenance_log.unattributed_statements after the restart"
ok "maintenance_log.unattributed_statements survives a restart"
[ "$(run_field "$open" "status || '/' || (window_id IS NOT NULL)")" = "aborted/true" ] ||
	fail "open at restart: $(run_field "$open" status)"
[ "$(q -c "SELECT active::text || '/' || coalesce(window_patch, 'none') FROM upkeep.maintenance")" = "true/none" ] ||
	fail "after restart: $(q -c "SELECT active, window_patch FROM upkeep.maintenance")"
ok "a window patch open at a restart shows aborted; the window stays, with no window patch"
q -c "SELECT upkeep.exit_maintenance()" >/dev/null

echo "pg_window_patch: $checks checks passed"
