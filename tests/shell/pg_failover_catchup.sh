#!/bin/bash
# tests/shell/pg_failover_catchup.sh: a standby that was stopped or
# disconnected catches up with the window: entered while it was down, it
# shows the window once started; ended while it was down, it shows the
# window ended.  And crash recovery of the primary (kill -9) rebuilds the
# window from the WAL, even without its state file, without duplicating
# patch log lines.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test failover_catchup
S=$W/standby
PS=$(free_port)
trap 'pg_stop "$S" immediate 2>/dev/null; pg_stop "$W" immediate 2>/dev/null; rm -rf "$W"' EXIT

qs() { psql_at "$S" "$PS" -d postgres "$@"; }
standby_shows() { [ "$(qs -c "SELECT coalesce(active::text || '/' || reason, 'none') FROM upkeep.maintenance" 2>/dev/null)" = "$1" ]; }

pg_new_cluster "$W" "$P" "wal_keep_size = '256MB'" "upkeep.slow_statement_ms = 0" || fail "initdb"
pg_start "$W" || fail "start primary"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (a int)" >/dev/null || fail "setup"
pg_new_standby "$W" "$P" "$S" "$PS" || fail "pg_basebackup"
pg_start "$S" || fail "start standby"
uk_wait 30 pg_is_standby "$S" "$PS" || fail "the standby is not in recovery"

# entered while the standby is stopped
pg_stop "$S" || fail "stop standby"
token=$(q -c "SELECT upkeep.enter_maintenance('entered while the standby was down')") || fail "enter"
behind=$(q -c "SELECT cardinality(standbys_behind) FROM upkeep.maintenance")
[ "$behind" = 0 ] || fail "a stopped standby is listed as connected: $behind"
pg_start "$S" || fail "restart standby"
uk_wait 30 standby_shows "true/entered while the standby was down" ||
	fail "the standby did not catch up: $(qs -c 'SELECT * FROM upkeep.maintenance')"
ok "a window entered while the standby was stopped shows once it is started"

# ended while the standby is disconnected (stopped)
pg_stop "$S" || fail "stop standby"
q -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit"
pg_start "$S" || fail "restart standby"
uk_wait 30 standby_shows "none" || fail "the standby still shows the window: $(qs -c 'SELECT * FROM upkeep.maintenance')"
[ "$(qs -c "SELECT count(*) FROM upkeep.maintenance_log WHERE exited_at IS NOT NULL")" = 1 ] ||
	fail "the standby's maintenance_log: $(qs -c 'SELECT * FROM upkeep.maintenance_log')"
ok "a window ended while the standby was down shows ended, in its maintenance_log too"

out=$(qs -c "SELECT upkeep.patch_begin('on.standby')" 2>&1) && fail "patch_begin worked on a standby"
echo "$out" | grep -q "cannot run upkeep.patch_begin() on a standby" || fail "patch_begin on a standby: $out"
ok "patch_begin on a standby is refused with a clear error"

# a standby that has not replayed the window: wait_for_standbys times out
# with a WARNING naming it, maintenance_status lists it until it has
qs -c "SELECT pg_wal_replay_pause()" >/dev/null || fail "pause replay"
out=$(q -c "SELECT upkeep.enter_maintenance('standby paused', wait_for_standbys => '1 second') IS NOT NULL" 2>&1) ||
	fail "enter with wait_for_standbys: $out"
echo "$out" | grep -q "WARNING:  1 standby did not replay the maintenance window within wait_for_standbys" ||
	fail "no WARNING for the paused standby: $out"
[ "$(q -c "SELECT cardinality(standbys_behind) || '/' || cardinality(standbys_replayed) FROM upkeep.maintenance")" = 1/0 ] ||
	fail "maintenance_status: $(q -c 'SELECT window_lsn, standbys_replayed, standbys_behind FROM upkeep.maintenance')"
ok "a standby that has not replayed the window is named by wait_for_standbys and listed in standbys_behind"
qs -c "SELECT pg_wal_replay_resume()" >/dev/null || fail "resume replay"
replayed() { [ "$(q -c "SELECT cardinality(standbys_behind) || '/' || cardinality(standbys_replayed) FROM upkeep.maintenance")" = 0/1 ]; }
uk_wait 30 replayed || fail "the standby is not listed as replayed after resuming"
uk_wait 30 standby_shows "true/standby paused" || fail "the standby does not show the window"
ok "once it replays, the standby moves to standbys_replayed"
q -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit"
pg_stop "$S" || fail "stop standby"

# crash recovery of the primary replays the window, even without the state file
q -c "SELECT upkeep.patch_begin('before.crash') > 0" -c "INSERT INTO t VALUES (1)" \
	-c "SELECT upkeep.patch_end()" >/dev/null || fail "patch run"
token=$(q -c "SELECT upkeep.enter_maintenance('crash test')") || fail "enter again"
runs_before=$(q -c "SELECT count(*) || '/' || (SELECT count(*) FROM upkeep.slow_statements) FROM upkeep.patch_runs")
pg_kill9 "$W" || fail "kill -9"
rm -f "$W/data/upkeep/maintenance.state"
start_retry || fail "start after kill -9"
[ "$(q -c "SELECT active::text || '/' || reason || '/' || (state_file_error IS NULL) FROM upkeep.maintenance")" = "true/crash test/true" ] ||
	fail "after crash recovery: $(q -c 'SELECT * FROM upkeep.maintenance')"
ok "crash recovery rebuilds the window (and its state file) from the WAL"
q -c "SELECT upkeep.join_maintenance('$token')" -c "INSERT INTO t VALUES (2)" >/dev/null ||
	fail "the token does not join after crash recovery"
ok "the token joins after crash recovery"
runs_after=$(q -c "SELECT count(*) || '/' || (SELECT count(*) FROM upkeep.slow_statements) FROM upkeep.patch_runs")
[ "$runs_after" = "$runs_before" ] || fail "patch log after crash recovery: $runs_after, before: $runs_before"
ok "crash recovery adds no duplicate patch log lines ($runs_after runs/slow statements)"

echo "pg_failover_catchup: $checks checks passed"
