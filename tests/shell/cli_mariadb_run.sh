#!/bin/bash
# tests/shell/cli_mariadb_run.sh: `upkeep run` against a throwaway MariaDB
# server with the plugin, the fake bench running its SQL through the
# mariadb client as the ephemeral account it is handed
# (FRAPPE_DB_USER / FRAPPE_DB_PASSWORD).
#
#  1. a normal run: the app's write refused, the child's allowed, each
#     statement attributed to the patch or phase around it, window exited
#  2. the ephemeral account exists during the run only: gone after a
#     normal end, a failure, SIGINT, and (after the next run) kill -9 of
#     the runner
#  3. exit policy and codes as on PostgreSQL
#  4. upkeep report of the failed window: the JSON's runs and statuses,
#     the failure's error, the HTML's SVG with one bar per run
#
# Attribution needs the plugin's window patches; UK_CLI_TEST_NO_API=1 skips
# those checks (and says so) against an older plugin.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/mariadb.sh"
. "$TOP/tests/lib/cli.sh"
checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
W=$(md_workdir cli_mariadb)
trap 'md_kill9 "$W" 2>/dev/null; rm -rf "$W"' EXIT
fail() {
	echo "FAIL: $*"
	for f in "$W"/out "$W"/err; do [ -f "$f" ] && { echo "--- $f"; tail -30 "$f"; }; done
	echo "--- server error log tail"; tail -20 "$W/error.log" 2>/dev/null
	exit 1
}
cli_build "$TOP" || fail "building the command"
make -s -C "$TOP/mariadb_plugin" >/dev/null || fail "building the plugin"
md_new_server "$W" || fail "creating the data directory"
md_start "$W" "$(md_free_port)" "$TOP/mariadb_plugin" || fail "starting the server"
q() { md_sql "$W" -N -e "$1"; }
ready() { q "SELECT upkeep_status() IS NOT NULL" 2>/dev/null | grep -q 1; }
uk_wait() {
	local deadline=$((SECONDS + $1)); shift
	until "$@"; do [ "$SECONDS" -ge "$deadline" ] && return 1; sleep 0.1; done
}
uk_wait 30 ready || fail "the plugin's background connection is not ready"
md_sql "$W" <<'SQL' || fail "setup"
CREATE DATABASE erp;
CREATE TABLE erp.app_data (a INT) ENGINE=InnoDB;
CREATE USER site_db@localhost IDENTIFIED BY 'site-secret';
GRANT ALL PRIVILEGES ON erp.* TO site_db@localhost;
CREATE USER app@localhost;
GRANT SELECT, INSERT ON erp.* TO app@localhost;
SQL
DB="mariadb://root@localhost/?socket=$W/sock"
export FAKE_ENGINE=mariadb FAKE_SOCK=$W/sock
BENCH=$TOP/tests/cli/fake_bench.sh
api=$(q "SELECT COUNT(*) FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'UPKEEP_WINDOW_PATCH'")
if [ "$api" != 1 ]; then
	no_api_ok || fail "the plugin has no window patches (set UK_CLI_TEST_NO_API=1 to skip those checks)"
	echo "note: no window patch API: attribution checks skipped"
	export FAKE_NO_SYNC=1
fi
active() { q "SELECT JSON_EXTRACT(upkeep_status(), '\$.active')"; }
accounts() { q "SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'upkeep\\_run\\_%'"; }
run() { "$UPKEEP" run --db "$DB" --as-account site_db@localhost --preset frappe "$@"; }

# 0. a bad --as-account: a clear message, nothing left behind
"$UPKEEP" run --db "$DB" --reason x --as-account 'site_db@local host' --preset frappe -- true >"$W/out" 2>"$W/err"
rc=$?
[ $rc != 0 ] && grep -q "invalid account \"site_db@local host\": the host name has a quote, a space" "$W/err" ||
	fail "a bad --as-account: status $rc: $(cat "$W/err")"
[ "$(active)" = false ] && [ "$(accounts)" = 0 ] || fail "a bad --as-account left the window or an account"
ok "a bad --as-account: a clear message, no window, no account"

# 1. a normal run
FAKE_APP_USER=app run --reason "ERPNext upgrade" --slow-ms 0 -- "$BENCH" >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 0 ] || fail "bench run: exit status $rc"
grep -q "^app write: refused" "$W/out" || fail "the app's write was not refused"
[ "$(q "SELECT GROUP_CONCAT(a) FROM erp.app_data")" = 2 ] || fail "app_data: $(q "SELECT * FROM erp.app_data")"
[ "$(active)" = false ] || fail "the window is still active: $(active) $(q "SELECT upkeep_status()")"
[ "$(accounts)" = 0 ] || fail "the ephemeral account outlived a normal run"
ok "bench migrate as the ephemeral account: app refused, child allowed, window exited, account gone"
"$UPKEEP" run --db "$DB" --reason x --join uk1-abc -- true 2>"$W/err"; [ $? = 2 ] || fail "--join on MariaDB"
"$UPKEEP" run --db "$DB" --reason x --as-account site_db@localhost -- true 2>"$W/err"; [ $? = 2 ] || fail "--as-account without --account-env"
ok "MariaDB option errors: --join, --as-account without a way to pass it"
if [ "$api" = 1 ]; then
	win=$(q "SELECT MAX(window_id) FROM upkeep.maintenance_log")
	expect() {
		local got
		for _ in $(seq 1 50); do	# the plugin writes its records a moment later
			got=$(q "SELECT DISTINCT CONCAT(r.name, '|', IFNULL(r.app, '')) FROM upkeep.slow_statements s
				JOIN upkeep.patch_runs r USING (run_id) WHERE s.query LIKE '%mark-$1 */%' AND r.window_id = $win")
			[ "$got" = "$2" ] && return 0
			sleep 0.1
		done
		fail "statement mark-$1 attributed to \"$got\", expected \"$2\""
	}
	expect migrating "Migrating site1.local|frappe:phase"
	expect p0 "erpnext.patches.v15_0.split_line|erpnext"
	expect p1 "frappe.patches.v15_0.set_default_currency|frappe"
	expect p2 'execute:frappe.db.set_value("System Settings", None, "date_format", "dd-mm-yyyy") #2024-03-01 fix in time|'
	expect fixtures "Syncing fixtures...|frappe:phase"
	ok "each statement is attributed to the patch or phase around it"
fi

# 2. the account during the run, and after SIGINT
FAKE_SLEEP=p1 "$UPKEEP" run --db "$DB" --as-account site_db@localhost --preset frappe \
	--reason "interrupted" -- "$BENCH" >"$W/out" 2>"$W/err" &
runner=$!
sleeping() { [ "$(q "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%'")" = 1 ]; }
uk_wait 60 sleeping || fail "the patch's statement never ran"
[ "$(accounts)" = 1 ] || fail "no ephemeral account during the run"
user=$(q "SELECT USER FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%'")
[[ $user =~ ^upkeep_run_[0-9a-f]{12}$ ]] || fail "the child runs as $user"
[ "$(q "SHOW GRANTS FOR '$user'@'localhost'" | grep -c "READ_ONLY ADMIN\|ALL PRIVILEGES ON \`erp\`")" = 2 ] ||
	fail "grants: $(q "SHOW GRANTS FOR '$user'@'localhost'")"
ok "during the run the child is $user, with the app account's grants and READ_ONLY ADMIN"
kill -INT "$runner"
wait "$runner"
rc=$?
[ $rc = 130 ] || fail "SIGINT: exit status $rc"
[ "$(accounts)" = 0 ] || fail "the account outlived SIGINT"
[ "$(active)" = true ] || fail "the window was exited after SIGINT"
q "SET GLOBAL upkeep_maintenance = OFF"
ok "SIGINT: exit status 130, the window stays, the account is gone"

# a failure
FAKE_FAIL=p2 run --reason "failing" -- "$BENCH" >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 1 ] && [ "$(active)" = true ] || fail "failure: status $rc, active $(active)"
[ "$(accounts)" = 0 ] || fail "the account outlived a failure"
exitcmd=$(grep -A1 "end the window with:" "$W/err" | tail -1)
echo "$exitcmd" | grep -q "upkeep_maintenance = OFF" || fail "no exit command: $exitcmd"
if [ "$api" = 1 ]; then
	grep -qF 'failing patch: execute:frappe.db.set_value' "$W/err" || fail "the failing patch is not named"
	grep -q "1146" "$W/err" || fail "no error code"
fi
eval "$exitcmd" || fail "the printed command failed: $exitcmd"
[ "$(active)" = false ] || fail "the printed command did not end the window"
ok "failure: exit status 1, window stays, account gone, the printed command ends the window"

# upkeep report of that window: HTML and JSON
if [ "$api" = 1 ]; then
	json_get() {	# json_get EXPR: a Python expression over the report "r"
		python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/report.json" "$1"
	}
	"$UPKEEP" report --db "$DB" --last -o "$W/report.html" --json "$W/report.json" 2>"$W/err" ||
		fail "upkeep report: $(cat "$W/err")"
	python3 -m json.tool "$W/report.json" >/dev/null || fail "the JSON report does not parse"
	[ "$(json_get 'r["engine"] + "|" + r["reason"] + "|" + r["result"]')" = "mariadb|failing|failed" ] ||
		fail "report summary: $(json_get '(r["engine"], r["reason"], r["result"])')"
	names=$(json_get '"\n".join(x["name"] for x in r["runs"])')
	for want in "Migrating site1.local" "erpnext.patches.v15_0.split_line" \
		"frappe.patches.v15_0.set_default_currency" \
		'execute:frappe.db.set_value("System Settings", None, "date_format", "dd-mm-yyyy") #2024-03-01 fix in time'; do
		grep -qxF "$want" <<<"$names" || fail "the report has no run \"$want\": $names"
	done
	[ "$(json_get '[x["status"] for x in r["runs"] if x["status"] != "succeeded"]')" = "['failed']" ] ||
		fail "statuses: $(json_get '[(x["name"], x["status"]) for x in r["runs"]]')"
	[ "$(json_get '[x["name"][:8] for x in r["runs"] if x["status"] == "failed"][0]')" = "execute:" ] ||
		fail "the failed run is not the failing patch"
	json_get '[x["error"] for x in r["runs"] if x["status"] == "failed"][0]' | grep -q "no_such_table" ||
		fail "the failed run's error: $(json_get '[x["error"] for x in r["runs"] if x["status"] == "failed"]')"
	[ "$(json_get 'isinstance(r["unattributed_statements"], int) and r["unattributed_statements"] >= 0')" = True ] ||
		fail "unattributed_statements: $(json_get 'r["unattributed_statements"]')"
	ok "upkeep report --json of a MariaDB window: its patches and phases, one failed with its error, its unattributed statements"
	runs=$(json_get 'len(r["runs"])')
	bars=$(grep -o '<rect class="run[ "]' "$W/report.html" | wc -l)
	[ "$bars" = "$runs" ] || fail "the HTML report has $bars bars for $runs runs"
	! grep -qiE 'http|src=|<link|<script|@import|url\(' "$W/report.html" || fail "the HTML report is not self-contained"
	grep -qF 'execute:frappe.db.set_value(&quot;System Settings&quot;' "$W/report.html" ||
		grep -qF 'execute:frappe.db.set_value("System Settings"' "$W/report.html" || fail "the failing patch is not in the HTML report"
	grep -q '<rect class="run s-failed' "$W/report.html" || fail "no failed bar in the HTML report"
	ok "upkeep report's HTML of a MariaDB window: self-contained, one SVG bar per run ($runs), the failed one marked"
fi

# kill -9 of the runner
FAKE_SLEEP=p1 "$UPKEEP" run --db "$DB" --as-account site_db@localhost --preset frappe \
	--reason "killed runner" -- "$BENCH" >"$W/out" 2>"$W/err" &
runner=$!
uk_wait 60 sleeping || fail "the patch's statement never ran"
"$UPKEEP" status --db "$DB" >"$W/status" 2>&1
grep -q "^runner: connection" "$W/status" || fail "status does not show the runner: $(cat "$W/status")"
kill -9 "$runner"
{ wait "$runner"; } 2>/dev/null
gone() { "$UPKEEP" status --db "$DB" >"$W/status" 2>&1 && grep -q "runner: none connected" "$W/status"; }
uk_wait 30 gone || fail "status never said the runner is gone: $(cat "$W/status")"
[ "$(active)" = true ] || fail "the window ended with its runner"
q "KILL QUERY $(q "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%'")" 2>/dev/null
q "SET GLOBAL upkeep_maintenance = OFF"
run --reason "the next run" -- true >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 0 ] || fail "the next run: status $rc"
[ "$(accounts)" = 0 ] || fail "the killed runner's account survived the next run"
ok "kill -9: window stays, status says the runner is gone; the next run leaves no account behind"

# exit codes
run --reason "missing" -- /nonexistent/bench >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 127 ] && [ "$(active)" = false ] && [ "$(accounts)" = 0 ] ||
	fail "missing command: status $rc, active $(active), accounts $(accounts)"
run --reason "on failure exit" --on-failure exit -- sh -c 'exit 4' >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 4 ] && [ "$(active)" = false ] || fail "--on-failure exit: status $rc, active $(active)"
ok "127 for a missing command (window exited, no account); --on-failure exit passes the status (4)"
md_stop "$W"
echo "cli_mariadb_run: $checks checks passed"
