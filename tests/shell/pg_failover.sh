#!/bin/bash
# tests/shell/pg_failover.sh: the window survives a failover.  A primary
# and a streaming standby (pg_basebackup): the window entered on the
# primary shows on the standby (upkeep.maintenance, maintenance_log), with
# the patch runs recorded before; the primary dies, the standby is
# promoted: an app write there is refused with 25006 and the reason, the
# upgrade joins with the original token and writes, exit_maintenance ends
# the window.  Then the old primary, rewound with pg_rewind, follows the
# new one as a standby.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test failover
S=$W/standby
PS=$(free_port)
trap 'pg_stop "$S" immediate 2>/dev/null; pg_stop "$W" immediate 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT

qs() { psql_at "$S" "$PS" -d postgres "$@"; }
# app_at DIR PORT SQL: the app's session (verbose errors: SQLSTATE shown)
app_at() {
	as_pg "$PGBIN/psql" -X -q -At \
		-h "$1" -p "$2" -U app -d postgres \
		-c '\set VERBOSITY verbose' -c "$3" 2>&1
}
standby_shows() { [ "$(qs -c "SELECT coalesce(active::text || '/' || reason, 'none') FROM upkeep.maintenance")" = "$1" ]; }
replayed_on_primary() {
	[ "$(q -c "SELECT cardinality(standbys_replayed) = 1 AND cardinality(standbys_behind) = 0 FROM upkeep.maintenance")" = t ]
}

# make_deadlock: a real deadlock on rows 1 and 2 of d
make_deadlock() { pg_make_deadlock "$W" "$P" postgres d; }

pg_new_cluster "$W" "$P" "wal_log_hints = on" "wal_keep_size = '256MB'" \
	"upkeep.slow_statement_ms = 0" || fail "initdb"
pg_start "$W" || fail "start primary"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (a int)" \
	-c "CREATE ROLE app LOGIN" -c "GRANT ALL ON t TO app" \
	-c "CREATE TABLE d (id int PRIMARY KEY, v int)" -c "INSERT INTO d VALUES (1, 0), (2, 0)" >/dev/null ||
	fail "setup"

# a patch run before the standby exists, with a failed statement
q -v ON_ERROR_STOP=0 >/dev/null 2>&1 <<'SQL'
SELECT upkeep.patch_begin('before.standby');
INSERT INTO t VALUES (1);
SELECT 1/0;
SELECT upkeep.patch_end();
SQL

pg_new_standby "$W" "$P" "$S" "$PS" || fail "pg_basebackup"
pg_start "$S" || fail "start standby"
uk_wait 30 pg_is_standby "$S" "$PS" || fail "the standby is not in recovery"

make_deadlock
[ "$(q -c "SELECT count(*) FROM upkeep.deadlocks")" = 1 ] || fail "the deadlock was not captured"

# a patch run the standby receives through the WAL
q -c "SELECT upkeep.patch_begin('streamed.patch') > 0" -c "INSERT INTO t VALUES (2)" \
	-c "SELECT upkeep.patch_end()" >/dev/null || fail "patch run on the primary"

token=$(q -c "SELECT upkeep.enter_maintenance('ERP upgrade to v15', wait_for_standbys => '30 seconds')") ||
	fail "enter_maintenance"
uk_wait 30 standby_shows "true/ERP upgrade to v15" ||
	fail "the standby does not show the window: $(qs -c 'SELECT * FROM upkeep.maintenance')"
ok "the standby's upkeep.maintenance shows the window entered on the primary"
[ "$(qs -c "SELECT phase FROM upkeep.maintenance")" = active ] || fail "standby phase"
uk_wait 30 replayed_on_primary ||
	fail "the primary does not list the standby as replayed: $(q -c 'SELECT standbys_replayed, standbys_behind FROM upkeep.maintenance')"
ok "the primary's maintenance_status lists the standby as having replayed the window"
[ "$(qs -c "SELECT count(*) FROM upkeep.maintenance_log WHERE exited_at IS NULL AND drain_outcome = 'clean'")" = 1 ] ||
	fail "the standby's maintenance_log: $(qs -c 'SELECT * FROM upkeep.maintenance_log')"
ok "the standby's maintenance_log has the open window"
out=$(qs -c "SELECT upkeep.exit_maintenance()" 2>&1) && fail "exit_maintenance on a standby worked"
echo "$out" | grep -q "cannot exit maintenance mode on a standby" || fail "exit on standby: $out"
ok "exit_maintenance on a standby is refused with a clear error"

# the upgrade works in the window on the primary
q -c "SELECT upkeep.join_maintenance('$token')" -c "SELECT upkeep.patch_begin('in.window') > 0" \
	-c "INSERT INTO t VALUES (3)" -c "SELECT upkeep.patch_end()" >/dev/null || fail "upgrade on the primary"
has_runs() { [ "$(qs -c "SELECT string_agg(name, ',' ORDER BY run_id) FROM upkeep.patch_runs")" = "$1" ]; }
uk_wait 30 has_runs "before.standby,streamed.patch,in.window" ||
	fail "the standby's patch_runs: $(qs -c 'SELECT run_id, name, status FROM upkeep.patch_runs')"
ok "the standby's patch_runs show the runs of the primary, before and after the base backup"

# the primary dies; the standby is promoted
pg_stop "$W" immediate
as_pg "$PGBIN/pg_ctl" -D "$S/data" -w -t 60 promote >/dev/null || fail "promote"
new_is_primary() { [ "$(qs -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ]; }
uk_wait 30 new_is_primary ||
	fail "the standby did not leave recovery"
out=$(app_at "$S" "$PS" "INSERT INTO t VALUES (100)") && fail "an app write on the promoted standby was accepted"
echo "$out" | grep -q "ERROR:  25006" || fail "the app's error is not 25006: $out"
echo "$out" | grep -q "ERP upgrade to v15" || fail "the app's error lacks the reason: $out"
ok "after promotion, an app write is refused with 25006 and the window's reason"
[ "$(psql_at "$S" "$PS" -d postgres -c "SELECT count(*) FROM t")" = 3 ] || fail "rows on the new primary"

psql_at "$S" "$PS" -d postgres -c "SELECT upkeep.join_maintenance('$token')" \
	-c "INSERT INTO t VALUES (4)" >/dev/null || fail "the upgrade could not join the new primary with its token"
ok "the upgrade joins the new primary with the original token and writes"
out=$(psql_at "$S" "$PS" -d postgres -c "SELECT upkeep.join_maintenance('not-the-token')" 2>&1) &&
	fail "a wrong token joined"
ok "a wrong token does not join the new primary"
[ "$(psql_at "$S" "$PS" -d postgres -c "SELECT count(*) FROM upkeep.patch_runs WHERE name = 'before.standby' AND error_sqlstate = '22012' OR name IN ('streamed.patch', 'in.window') AND status = 'succeeded'")" = 3 ] ||
	fail "patch runs on the new primary: $(psql_at "$S" "$PS" -d postgres -c 'SELECT run_id, name, status, error_sqlstate FROM upkeep.patch_runs')"
ok "the new primary shows the patch runs recorded on the old one, with their outcome and failure"
[ "$(psql_at "$S" "$PS" -d postgres -c "SELECT count(*) FROM upkeep.slow_statements WHERE query LIKE 'INSERT INTO t VALUES (_)'")" = 3 ] ||
	fail "slow statements on the new primary: $(psql_at "$S" "$PS" -d postgres -c 'SELECT run_id, query FROM upkeep.slow_statements')"
ok "the new primary shows the slow statements recorded on the old one, each once"
new_run=$(psql_at "$S" "$PS" -d postgres -c "SELECT upkeep.patch_begin('after.failover')" -c "SELECT upkeep.patch_end()")
new_run=${new_run%%$'\n'*}
[ "$new_run" -gt "$(psql_at "$S" "$PS" -d postgres -c "SELECT max(run_id) FROM upkeep.patch_runs WHERE name <> 'after.failover'")" ] ||
	fail "a run id was reused after the failover: $new_run"
ok "run ids keep growing on the new primary"
[ "$(psql_at "$S" "$PS" -d postgres -c "SELECT count(*) || ':' || min(participants) FROM upkeep.deadlocks")" = 1:2 ] ||
	fail "deadlocks on the new primary: $(psql_at "$S" "$PS" -d postgres -c 'SELECT * FROM upkeep.deadlocks')"
ok "the new primary shows the deadlock captured on the old one"

psql_at "$S" "$PS" -d postgres -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit on the new primary"
out=$(app_at "$S" "$PS" "INSERT INTO t VALUES (101)") || fail "the app cannot write after exit: $out"
ok "exit_maintenance on the new primary ends the window"

# the old primary, rewound, follows the new one (a checkpoint first: pg_rewind
# reads the new primary's timeline from its control file)
qs -c "CHECKPOINT" || fail "checkpoint on the new primary"
as_pg "$PGBIN/pg_rewind" --target-pgdata="$W/data" \
	--source-server="host=$S port=$PS user=postgres dbname=postgres" >"$W/rewind.log" 2>&1 ||
	fail "pg_rewind: $(cat "$W/rewind.log")"
pg_follow "$W" "$P" "$S" "$PS"
pg_start "$W" || fail "start the rewound old primary"
uk_wait 30 pg_is_standby "$W" "$P" || fail "the old primary is not a standby"
old_shows() { [ "$(q -c "SELECT coalesce(active::text || '/' || reason, 'none') FROM upkeep.maintenance")" = "$1" ]; }
uk_wait 30 old_shows "none" ||
	fail "the rewound old primary still shows: $(q -c 'SELECT * FROM upkeep.maintenance')"
token2=$(psql_at "$S" "$PS" -d postgres -c "SELECT upkeep.enter_maintenance('second window')") || fail "enter again"
uk_wait 30 old_shows "true/second window" || fail "the rewound old primary does not follow"
ok "the old primary, rewound with pg_rewind, follows the new one as a standby"
[ -n "$token2" ] || fail "no token"

echo "pg_failover: $checks checks passed"
