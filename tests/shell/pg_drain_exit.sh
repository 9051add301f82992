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

# a writer that stays open until it has seen the drain start and end (so
# on a loaded machine too it is still open when exit_maintenance() runs)
as_pg "$PGBIN/psql" -X -q -h "$W" -p "$P" -d postgres \
	-c "BEGIN" -c "INSERT INTO t VALUES (1)" \
	-c "DO \$\$ DECLARE seen bool := false; BEGIN
	      FOR i IN 1 .. 6000 LOOP   -- 5 minutes at most
	        seen := seen OR (SELECT phase FROM upkeep.maintenance) = 'draining';
	        EXIT WHEN seen AND (SELECT phase FROM upkeep.maintenance) = 'off';
	        PERFORM pg_sleep(0.05);
	      END LOOP; END \$\$ /* writer */" -c "COMMIT" \
	>"$W/writer.out" 2>&1 &
writer=$!
writer_open() {
	[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND query LIKE '%/* writer */%' AND pid <> pg_backend_pid()")" = 1 ]
}
uk_wait 60 writer_open || fail "the writer did not start"

# the drain, in the background
as_pg "$PGBIN/psql" -X -q -h "$W" -p "$P" -d postgres \
	-c "SELECT upkeep.enter_maintenance('exit during drain', drain_timeout => '300 s')" \
	>"$W/enter.out" 2>&1 &
enter=$!
draining() { [ "$(q -c "SELECT phase FROM upkeep.maintenance")" = draining ]; }
uk_wait 60 draining || fail "enter_maintenance is not draining"
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
