#!/bin/bash
# tests/shell/pg_drain_exit.sh: exit_maintenance() while another session's
# enter_maintenance() is still draining.  The drain stops with an error,
# maintenance is off, the writer it was waiting for commits normally, and
# maintenance_log records the window as interrupted.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test drain-exit

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (a int)" >/dev/null || fail "setup"

# a writer that stays open for 4 s
as_pg "$PGBIN/psql" -X -q -h "$W" -p "$P" -d postgres \
	-c "BEGIN" -c "INSERT INTO t VALUES (1)" -c "SELECT pg_sleep(4)" -c "COMMIT" \
	>"$W/writer.out" 2>&1 &
writer=$!
for _ in $(seq 1 50); do
	[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND query LIKE '%pg_sleep%'")" = 1 ] && break
	sleep 0.1
done

# the drain, in the background
as_pg "$PGBIN/psql" -X -q -h "$W" -p "$P" -d postgres \
	-c "SELECT upkeep.enter_maintenance('exit during drain', drain_timeout => '60 s')" \
	>"$W/enter.out" 2>&1 &
enter=$!
for _ in $(seq 1 50); do
	[ "$(q -c "SELECT phase FROM upkeep.maintenance")" = draining ] && break
	sleep 0.1
done
[ "$(q -c "SELECT phase FROM upkeep.maintenance")" = draining ] || fail "enter_maintenance is not draining"
ok "enter_maintenance is draining behind the open writer"

q -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit_maintenance during the drain"
wait $enter && fail "enter_maintenance succeeded after exit: $(cat "$W/enter.out")"
grep -q "maintenance mode was ended by another session during the drain" "$W/enter.out" ||
	fail "unexpected enter_maintenance result: $(cat "$W/enter.out")"
ok "enter_maintenance stops with an error"
[ "$(q -c "SELECT active || '/' || phase FROM upkeep.maintenance")" = "false/off" ] ||
	fail "maintenance is not off"
ok "maintenance is off"

wait $writer || fail "the writer failed: $(cat "$W/writer.out")"
[ "$(q -c "SELECT count(*) FROM t")" = 1 ] || fail "the writer's row was not committed"
ok "the writer committed"

got=$(q -c "SELECT drain_outcome || '/' || (exited_at IS NOT NULL) FROM upkeep.maintenance_log ORDER BY window_id DESC LIMIT 1")
[ "$got" = "interrupted/true" ] || fail "maintenance_log: expected interrupted/true, got $got"
ok "maintenance_log records the window as interrupted"

echo "pg_drain_exit: $checks passed, 0 failed"
