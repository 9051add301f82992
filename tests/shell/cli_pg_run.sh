#!/bin/bash
# tests/shell/cli_pg_run.sh: `upkeep run` and `upkeep status` against a
# throwaway PostgreSQL cluster, with the fake upgrade commands of
# tests/cli/ (they print exactly what bench migrate and odoo -u print and
# run their SQL through psql with the environment they inherited).
#
#  1. options: bad values exit 2 with a clear message
#  2. every byte of the child's stdout and stderr passes through unchanged
#  3. bench migrate: each statement attributed to the patch or phase whose
#     lines surround it (a line after an unterminated CR progress bar, a
#     patch named by execute: code with spaces and a # comment, a docstring
#     line after the start line); the app's write refused meanwhile;
#     success exits the window
#  4. a failing patch: exit status 1, the window stays, the message names the
#     patch, SQLSTATE, message and statement, and the printed command ends it
#  5. --on-failure exit; an exit status passed through; 127 for a missing
#     command with the window exited again; an active window refused,
#     --join TOKEN
#  6. SIGINT mid-patch: passed to the child, the patch ends failed, the
#     window stays
#  7. kill -9 of the runner: the window stays, `upkeep status` says the
#     runner is gone and how to end the window
#  8. odoo -u: modules and their migration scripts as nested steps
#
# Attribution needs extension 1.4 (window patches).  UK_CLI_TEST_NO_API=1
# skips those checks (and says so) against an older extension.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/cli.sh"
checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() {
	echo "FAIL: $*"
	for f in "$W"/out "$W"/err; do [ -f "$f" ] && { echo "--- $f"; tail -30 "$f"; }; done
	echo "--- server log tail"; tail -20 "$W/server.log"
	exit 1
}
uk_throwaway_cluster cli_pg_run || { echo "FAIL: cluster"; exit 1; }
cli_build "$TOP" || fail "building the command"
q() { psql_at "$W" "$P" -d postgres "$@"; }
export PGHOST=$W PGPORT=$P PGUSER=postgres PGDATABASE=postgres
unset PGOPTIONS
BENCH=$TOP/tests/cli/fake_bench.sh
ODOO=$TOP/tests/cli/fake_odoo.sh

q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE app_data (a int)" \
	-c "CREATE ROLE app LOGIN" -c "GRANT ALL ON app_data TO app" >/dev/null || fail "setup"
api=$(q -c "SELECT to_regprocedure('upkeep.window_patch_begin(text,text,boolean)') IS NOT NULL")
if [ "$api" != t ]; then
	no_api_ok || fail "the extension has no window patch API (set UK_CLI_TEST_NO_API=1 to skip those checks)"
	echo "note: no window patch API: attribution checks skipped"
	export FAKE_NO_SYNC=1
fi
active() { q -c "SELECT active FROM upkeep.maintenance"; }
exit_window() { q -c "SELECT upkeep.exit_maintenance()" >/dev/null; }

# 1. options
for bad in "--expected 1h30" "--expected soon" "--drain-timeout 25h" "--on-timeout wait" \
	"--preset rails" "--slow-ms -1" "--on-failure retry" "--account-env FOO" \
	"--as-account app@localhost" "--patch-end x"; do
	# shellcheck disable=SC2086
	"$UPKEEP" run --reason test $bad -- true >"$W/out" 2>"$W/err"
	rc=$?
	[ $rc = 2 ] || fail "run $bad: exit status $rc, not 2"
	grep -q "^upkeep run: " "$W/err" || fail "run $bad: no clear message: $(cat "$W/err")"
done
"$UPKEEP" run -- true 2>"$W/err"; [ $? = 2 ] && grep -q -- "--reason is required" "$W/err" || fail "no --reason"
"$UPKEEP" run --reason x 2>"$W/err"; [ $? = 2 ] && grep -q "no command" "$W/err" || fail "no command"
"$UPKEEP" run --reason x --patch-start '(' -- true 2>"$W/err"; [ $? = 2 ] || fail "bad regex: $(cat "$W/err")"
"$UPKEEP" bogus 2>/dev/null; [ $? = 2 ] || fail "unknown subcommand"
"$UPKEEP" run --help | grep -q -- "--on-failure" || fail "run --help"
[ "$(active)" = f ] || fail "a bad option entered maintenance"
ok "bad options exit 2 with a message, and enter nothing"
"$UPKEEP" status --db "host=$W port=1 user=postgres" >/dev/null 2>"$W/err"
[ $? = 1 ] && grep -q "cannot connect" "$W/err" || fail "unreachable server: $(cat "$W/err")"
ok "an unreachable server: exit status 1, cannot connect"

# 2. pass-through, byte for byte
gen="$W/gen.sh"
cat >"$gen" <<'GEN'
printf 'plain line\n'
printf 'progress 10%%\rprogress 100%%\r\n'
printf '\033[31mred\033[0m and a NUL \000 byte\n'
printf 'to stderr, no newline' >&2
seq 1 20000
printf 'é ü 日本\n'
GEN
sh "$gen" >"$W/want.out" 2>"$W/want.err"
"$UPKEEP" run --reason "pass-through test" -- sh "$gen" >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 0 ] || fail "pass-through run: exit status $rc"
strip_ours "$W/out" | cmp -s - "$W/want.out" || fail "stdout changed on its way through"
grep -v "^upkeep: warning" "$W/err" | cmp -s - "$W/want.err" ||
	{ perl -0777 -pe 's/^upkeep: warning[^\n]*\n//mg' "$W/err" | cmp -s - "$W/want.err"; } ||
	fail "stderr changed on its way through"
[ "$(active)" = f ] || fail "the window is still active after a successful run"
ok "stdout and stderr pass through byte for byte (CR, escapes, NUL, UTF-8, 20000 lines); success exits the window"

# 3. bench migrate
FAKE_APP_USER=app "$UPKEEP" run --reason "ERPNext upgrade" --expected 45m --preset frappe \
	--slow-ms 0 -- "$BENCH" >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 0 ] || fail "bench run: exit status $rc"
grep -q "^app write: refused" "$W/out" || fail "the app's write was not refused during the run"
[ "$(q -c "SELECT string_agg(a::text, ',') FROM app_data")" = 2 ] || fail "app_data: $(q -c "SELECT * FROM app_data")"
ok "the app's write is refused while the child writes"
grep -q $'\rUpdating DocTypes for erpnext' "$W/out" || fail "the CR progress bar is not in the output"
grep -q "^upkeep: window [0-9]* exited" "$W/out" || fail "no summary"
[ "$(active)" = f ] || fail "the window is still active"
ok "bench migrate through upkeep run: exit status 0, window exited, summary printed"
win=$(q -c "SELECT max(window_id) FROM upkeep.maintenance_log")
if [ "$api" = t ]; then
	attributed() {	# attributed TAG: the run (name|app) of the statement marked TAG
		q -c "SELECT DISTINCT r.name || '|' || coalesce(r.app, '') FROM upkeep.slow_statements s
			JOIN upkeep.patch_runs r USING (run_id)
			WHERE s.query LIKE '%mark-$1 */%' AND r.window_id = $win"
	}
	expect() {
		local got
		got=$(attributed "$1")
		[ "$got" = "$2" ] || fail "statement mark-$1 attributed to \"$got\", expected \"$2\""
	}
	expect migrating "Migrating site1.local|frappe:phase"
	expect doctypes "Updating DocTypes for frappe|frappe:phase"
	expect p0 "erpnext.patches.v15_0.split_line|erpnext"
	expect p1 "frappe.patches.v15_0.set_default_currency|frappe"
	expect p2 'execute:frappe.db.set_value("System Settings", None, "date_format", "dd-mm-yyyy") #2024-03-01 fix in time|'
	expect p3 "erpnext.patches.v15_0.rename_stock_field #v2|erpnext"
	expect fixtures "Syncing fixtures...|frappe:phase"
	expect dashboards "Syncing dashboards...|frappe:phase"
	expect hooks 'Executing `after_migrate` hooks...|frappe:phase'
	ok "each statement is attributed to the patch or phase around it (CR-split line, execute: code, # comment)"
	n=$(q -c "SELECT count(*) FROM upkeep.patch_runs WHERE window_id = $win AND name LIKE 'Set the company%'")
	[ "$n" = 0 ] || fail "the docstring line became a run"
	n=$(q -c "SELECT count(*) FROM upkeep.patch_runs WHERE window_id = $win AND status <> 'succeeded'")
	[ "$n" = 0 ] || fail "$n window runs did not succeed: $(q -c "SELECT name, status FROM upkeep.patch_runs WHERE window_id = $win")"
	ok "the docstring line is no patch; every run succeeded"
fi

# 4. a failing patch
FAKE_FAIL=p2 "$UPKEEP" run --reason "failing upgrade" --preset frappe -- "$BENCH" >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 1 ] || fail "failing run: exit status $rc, not 1"
[ "$(active)" = t ] || fail "the window was exited after a failure"
grep -q "stays in maintenance" "$W/err" || fail "no word about staying in maintenance"
exitcmd=$(grep -A1 "end the window with:" "$W/err" | tail -1)
echo "$exitcmd" | grep -q "exit_maintenance" || fail "no exit command: $exitcmd"
if [ "$api" = t ]; then
	grep -qF 'failing patch: execute:frappe.db.set_value' "$W/err" || fail "the failing patch is not named"
	grep -q "42P01" "$W/err" || fail "no SQLSTATE"
	grep -q 'relation "no_such_table" does not exist' "$W/err" || fail "no message"
	grep -qF "UPDATE no_such_table SET x = 1" "$W/err" || fail "no statement"
	got=$(q -c "SELECT status || '|' || error_sqlstate || '|' || error_message || '|' || error_statement
		FROM upkeep.patch_runs WHERE window_id = (SELECT max(window_id) FROM upkeep.maintenance_log)
		AND name LIKE 'execute:frappe.db.set_value%'")
	[ "$got" = 'failed|42P01|relation "no_such_table" does not exist|UPDATE no_such_table SET x = 1 /* mark-p2 */' ] ||
		fail "the failed patch's record: $got"
	ok "a patch failing in parse analysis (missing table, the connection's first statement): named with its SQLSTATE, message and statement, recorded on its run"
fi
eval "$exitcmd" >/dev/null || fail "the printed command failed: $exitcmd"
[ "$(active)" = f ] || fail "the printed command did not end the window"
ok "failure: exit status 1, the window stays, the printed command ends it"

# 5. exit policy and codes
FAKE_FAIL=p1 "$UPKEEP" run --reason "failing upgrade" --preset frappe --on-failure exit -- "$BENCH" >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 1 ] && [ "$(active)" = f ] || fail "--on-failure exit: status $rc, active $(active)"
ok "--on-failure exit: exit status 1, window exited"
"$UPKEEP" run --reason "exit code" -- sh -c 'exit 3' >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 3 ] && [ "$(active)" = t ] || fail "exit 3: status $rc, active $(active)"
exit_window
ok "the command's exit status is passed through (3), the window stays"
"$UPKEEP" run --reason "no such command" -- /nonexistent/bench migrate >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 127 ] || fail "missing command: exit status $rc"
grep -q 'cannot run "/nonexistent/bench"' "$W/err" || fail "no message: $(cat "$W/err")"
[ "$(active)" = f ] || fail "the window of a command that could not start is still active"
[ -z "$(q -c "SELECT window_id FROM upkeep.maintenance_log WHERE exited_at IS NULL")" ] ||
	fail "a window is left open in maintenance_log"
ok "a missing command: 127, the window exited again"
token=$(q -c "SELECT upkeep.enter_maintenance('entered by hand')")
"$UPKEEP" run --reason "second" -- true >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 1 ] && grep -q "already active" "$W/err" || fail "an active window: status $rc: $(cat "$W/err")"
ok "an active window is refused with a clear message (exit status 1)"
"$UPKEEP" run --join "$token" -- psql -X -q -At -c "INSERT INTO app_data VALUES (3)" >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 0 ] || fail "--join: status $rc: $(cat "$W/err")"
[ "$(q -c "SELECT count(*) FROM app_data WHERE a = 3")" = 1 ] || fail "the joined child could not write"
[ "$(active)" = f ] || fail "the joined run did not exit the window at success"
ok "--join TOKEN: the child writes in the joined window, success exits it"
# the runner's own statements are never counted as unattributed, also when
# it joined (before, its first window_patch_begin() was)
token=$(q -c "SELECT upkeep.enter_maintenance('entered by hand')")
"$UPKEEP" run --join "$token" --preset frappe -- sh -c \
	'echo "Executing x.patches.v1_0.a in site1 (db1)"; echo "Success: Done in 0.001s"' \
	>"$W/out" 2>"$W/err" || fail "--join with a patch: $(cat "$W/err")"
n=$(q -c "SELECT unattributed_statements FROM upkeep.maintenance_log ORDER BY window_id DESC LIMIT 1")
[ "$n" = 0 ] || fail "a joined runner's own statements counted as unattributed: $n"
[ "$(q -c "SELECT count(*) FROM upkeep.patch_runs WHERE name = 'x.patches.v1_0.a' AND status = 'succeeded'")" = 1 ] ||
	fail "the joined run's patch is not in patch_runs"
ok "--join TOKEN: the runner's own statements are not counted as unattributed"

# 6. SIGINT mid-patch
FAKE_SLEEP=p1 "$UPKEEP" run --reason "interrupted" --preset frappe -- "$BENCH" >"$W/out" 2>"$W/err" &
runner=$!
sleeping() { [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'")" = 1 ]; }
uk_wait 60 sleeping || fail "the patch's statement never ran"
kill -INT "$runner"
wait "$runner"
rc=$?
[ $rc = 130 ] || fail "SIGINT: exit status $rc, not 130"
grep -q "SIGINT passed on" "$W/out" || fail "no word about the signal"
[ "$(active)" = t ] || fail "the window was exited after SIGINT"
uk_wait 10 sh -c "! psql -X -At -c \"SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'\" | grep -q 1" ||
	fail "the child's statement still runs"
if [ "$api" = t ]; then
	st=$(q -c "SELECT status FROM upkeep.patch_runs WHERE name = 'frappe.patches.v15_0.set_default_currency' ORDER BY run_id DESC LIMIT 1")
	[ "$st" = failed ] || fail "the interrupted patch is $st"
fi
exit_window
ok "SIGINT mid-patch: passed to the child, exit status 130, the window stays"

# 7. kill -9 of the runner
FAKE_SLEEP=p1 "$UPKEEP" run --reason "killed runner" --preset frappe -- "$BENCH" >"$W/out" 2>"$W/err" &
runner=$!
uk_wait 60 sleeping || fail "the patch's statement never ran"
"$UPKEEP" status >"$W/status" 2>&1 || fail "status: $(cat "$W/status")"
grep -q "^runner: upkeep run $runner@" "$W/status" || fail "status does not show the runner: $(cat "$W/status")"
grep -q "frappe.patches.v15_0.set_default_currency" "$W/status" ||
	[ "$api" != t ] || fail "status does not show the patch: $(cat "$W/status")"
kill -9 "$runner"
{ wait "$runner"; } 2>/dev/null
gone() { "$UPKEEP" status >"$W/status" 2>&1 && grep -q "runner gone\|runner: none connected" "$W/status"; }
uk_wait 30 gone || fail "status never said the runner is gone: $(cat "$W/status")"
grep -q "exit_maintenance" "$W/status" || fail "status gives no command to end the window"
[ "$(active)" = t ] || fail "the window ended with its runner"
q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'" >/dev/null
exit_window
ok "kill -9 of the runner: the window stays, status says the runner is gone and how to end it"

# 8. odoo -u
"$UPKEEP" run --reason "Odoo upgrade" --preset odoo --slow-ms 0 -- "$ODOO" >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 0 ] || fail "odoo run: exit status $rc"
grep -q "Loading module sale (2/2)" "$W/err" || fail "odoo's log did not pass through"
if [ "$api" = t ]; then
	win=$(q -c "SELECT max(window_id) FROM upkeep.maintenance_log")
	expect base "base|odoo:module"
	expect sale "sale|odoo:module"
	got=$(q -c "SELECT s.name = 'base:post-fix_partners' AND s.parent_run_id = b.run_id
		FROM upkeep.patch_runs s JOIN upkeep.patch_runs b ON b.window_id = s.window_id AND b.name = 'base'
		WHERE s.window_id = $win AND s.run_id = (SELECT r.run_id FROM upkeep.slow_statements x
			JOIN upkeep.patch_runs r USING (run_id) WHERE x.query LIKE '%mark-base_mig */%')")
	[ "$got" = t ] || fail "the migration script is not a step of module base"
	ok "odoo: statements attributed to modules, a migration script as a nested step"
fi
FAKE_FAIL=bad_query "$UPKEEP" run --reason "Odoo upgrade" --preset odoo -- "$ODOO" >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 1 ] && [ "$(active)" = t ] || fail "odoo failure: status $rc, active $(active)"
exit_window
ok "odoo: a failure exits 1 and stays in the window"

echo "cli_pg_run: $checks checks passed"
