#!/bin/bash
# tests/shell/pg_patch_durability.sh: the patch run log survives a clean
# restart, kill -9 of the postmaster and a backend crash; a session inside
# a patch at a restart leaves its run aborted; run ids keep growing; a
# line torn by a crash does not hide later records; the log stays within
# upkeep.patch_log_max_size, dropping the oldest records first.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test patchdur

# A session that begins patch $1 and then sleeps inside it, in the background.
open_patch() {
	as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -d postgres \
		-c "SELECT upkeep.patch_begin('$1'); SELECT pg_sleep(600)" >/dev/null 2>&1 &
	uk_wait 60 in_patch "$1" || fail "patch $1 did not start"
}
in_patch() { [ "$(q -c "SELECT count(*) FROM upkeep.patch_activity WHERE patch = '$1'")" = 1 ]; }

run_status() {
	q -c "SELECT status || '/' || (ended_at IS NOT NULL) || '/' || coalesce(statements::text, 'unknown')
	        FROM upkeep.patch_runs WHERE name = '$1'"
}

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep" >/dev/null || fail "create extension"

# A finished run with a slow statement, and a session left inside a patch.
q -c "SET upkeep.slow_statement_ms = 0" \
  -c "SELECT upkeep.patch_begin('done.before.restart')" \
  -c "CREATE TABLE t AS SELECT 1 AS a" \
  -c "SELECT upkeep.patch_end()" >/dev/null || fail "first run"
open_patch "open.at.restart"
first_id=$(q -c "SELECT max(run_id) FROM upkeep.patch_runs")

pg_restart "$W" || fail "restart"
[ "$(run_status done.before.restart)" = "succeeded/true/2" ] ||
	fail "finished run after restart: $(run_status done.before.restart)"
[ "$(q -c "SELECT count(*) FROM upkeep.slow_statements WHERE command = 'SELECT' AND query LIKE 'CREATE TABLE t AS%'")" = 1 ] ||
	fail "slow statement lost in a restart: $(q -c "SELECT command, query FROM upkeep.slow_statements")"
ok "a finished run and its statements survive a clean restart"
[ "$(run_status open.at.restart)" = "aborted/true/1" ] ||
	fail "run open at the restart: $(run_status open.at.restart)"
ok "a session inside a patch at shutdown leaves its run aborted"

# kill -9 of the postmaster with a session inside a patch
open_patch "open.at.kill9"
pg_kill9 "$W"
start_retry || fail "start after kill -9"
# (the orphaned backend may still notice the postmaster's death and end
# its run itself; either way the run is aborted)
case "$(run_status open.at.kill9)" in
	aborted/*) ;;
	*) fail "run open at kill -9: $(run_status open.at.kill9)" ;;
esac
[ "$(run_status done.before.restart)" = "succeeded/true/2" ] || fail "older run lost in kill -9"
ok "after kill -9 the open run shows aborted and older runs are intact"

# a backend crash (kill -9 of one backend: crash reinitialization)
open_patch "open.at.backend.crash"
pid=$(q -c "SELECT pid FROM upkeep.patch_activity WHERE patch = 'open.at.backend.crash'")
kill -9 "$pid"
# (until the postmaster has noticed the crash, the run still shows running;
# while it reinitializes, connections are refused)
not_running() {
	local s
	s=$(run_status open.at.backend.crash 2>/dev/null) && [ -n "$s" ] && [ "${s%%/*}" != running ]
}
uk_wait 60 not_running
[ "$(run_status open.at.backend.crash)" = "aborted/false/unknown" ] ||
	fail "run open at a backend crash: $(run_status open.at.backend.crash)"
ok "a backend crash inside a patch leaves the run aborted"

new_id=$(q -c "SELECT upkeep.patch_begin('after.crashes'); SELECT upkeep.patch_end()" | head -1)
[ "$new_id" -gt "$first_id" ] 2>/dev/null || fail "run id went back: $new_id after $first_id"
[ "$(q -c "SELECT count(DISTINCT run_id) = count(*) FROM upkeep.patch_runs")" = t ] || fail "duplicate run ids"
ok "run ids keep growing across restarts and crashes"

# a line torn by a crash (no newline at the end) does not swallow the next record
pg_stop "$W" immediate
printf 'S\t99\t1\t2\t3\t4\t5\tSELECT\ttorn' >>"$W/data/upkeep/patch.log"
pg_start "$W" || fail "start after torn line"
q -c "SELECT upkeep.patch_begin('after.torn.line'); SELECT upkeep.patch_end()" >/dev/null
[ "$(run_status after.torn.line)" = "succeeded/true/0" ] ||
	fail "record after a torn line: $(run_status after.torn.line)"
ok "a torn line is skipped and later records are read"

# retention: with a 1 MB bound, 4 MB of records leave at most 1 MB, newest kept
q -c "ALTER SYSTEM SET upkeep.patch_log_max_size = '1MB'" -c "SELECT pg_reload_conf()" >/dev/null
q -c "SET upkeep.slow_statement_ms = 0" \
  -c "SELECT upkeep.patch_begin('retention.filler')" \
  -c "DO \$\$ BEGIN FOR i IN 1 .. 16000 LOOP PERFORM count(*) FROM t WHERE a = i AND 'padding padding padding padding padding padding padding padding padding padding padding padding padding padding' <> ''; END LOOP; END \$\$" \
  -c "SELECT upkeep.patch_end()" >/dev/null || fail "filler run"
q -c "SELECT upkeep.patch_begin('retention.last'); SELECT upkeep.patch_end()" >/dev/null
size=$(cat "$W/data/upkeep/patch.log" "$W/data/upkeep/patch.log.1" | wc -c)
[ "$size" -le $((1024 * 1024 + 65536)) ] || fail "log is $size bytes, bound 1 MB"
[ "$size" -ge $((256 * 1024)) ] || fail "log is only $size bytes: retention dropped too much"
[ "$(q -c "SELECT count(*) FROM upkeep.patch_runs WHERE name = 'done.before.restart'")" = 0 ] ||
	fail "the oldest run survived rotation"
[ "$(run_status retention.last)" = "succeeded/true/0" ] || fail "newest run lost in rotation"
n=$(q -c "SELECT count(*) FROM upkeep.slow_statements WHERE patch = 'retention.filler'")
[ "$n" -gt 1000 ] || fail "too few filler statements kept: $n"
ok "the log stays within upkeep.patch_log_max_size ($size bytes), oldest first"

echo "pg_patch_durability: $checks checks passed"
