#!/bin/bash
# tests/shell/cli_report_browser.sh: the upgrade report opened in a real browser
# (Debian's chromium, headless, without network).
#
#  1. A made-up ERPNext upgrade (tests/shell/report_fixture.c, through
#     libcommon's renderer): the page refers to nothing outside itself,
#     the browser's DOM has one rect.run per run, and a screenshot shows
#     the page drawn (many colours, the bars' green and the failure's red).
#  2. 5,000 runs: still one bar each, the file stays small.
#  3. `upkeep report` against a throwaway PostgreSQL server with a window
#     and three patch runs (one failed, one with a <script> in its name):
#     JSON with every run, escaped HTML, one bar per run in the browser;
#     a window that does not exist is a clear error, exit status 1.
#
# Environment: UPKEEP (the upkeep command; default cli/upkeep, built if
# missing), CHROMIUM (default chromium), UK_STAGE (a staged extension;
# staged here if unset), KEEP=1 keeps the work directory.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"

CHROMIUM=${CHROMIUM:-chromium}
UPKEEP=${UPKEEP:-$TOP/cli/upkeep}
W=$(uk_workdir report)
P=$(free_port)
checks=0
cleanup() {
	[ -f "$W/data/postmaster.pid" ] && pg_stop "$W" immediate 2>/dev/null
	[ "${KEEP:-}" = 1 ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	exit 1
}
ok() { checks=$((checks + 1)); echo "ok: $*"; }

command -v "$CHROMIUM" >/dev/null || fail "$CHROMIUM is not installed (make deps)"

# The browser, in a network namespace of its own when we may make one (no
# network at all), else told to resolve no host name.
browser() {
	local net=""
	unshare -n true 2>/dev/null && net="unshare -n"
	$net "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$W/chromium" --host-resolver-rules="MAP * ~NOTFOUND" \
		"$@" 2>>"$W/chromium.log"
}

# bars FILE.html: the number of rect.run elements in the browser's DOM.
bars() {
	browser --dump-dom "file://$1" | grep -o '<rect class="run[ "]' | wc -l
}

# self_contained FILE.html: no URL, no loaded resource, no script.
self_contained() {
	! grep -qiE 'http|src=|<link|<script|@import|url\(' "$1"
}

json_ok() { python3 -m json.tool "$1" >/dev/null; }

# json_get FILE EXPR: a Python expression over the parsed report "r".
json_get() {
	python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# --- 1. a realistic report, from the fixture -------------------------------
make -s -C "$TOP/libcommon" >/dev/null || fail "building libcommon"
gcc -std=gnu99 -O1 -Wall -Wextra -Werror -I"$TOP/libcommon/include" \
	"$TOP/tests/shell/report_fixture.c" "$TOP/libcommon/build/libupkeep_common.a" \
	-o "$W/report_fixture" || fail "building report_fixture"
runs=$("$W/report_fixture" "$W/example.html" "$W/example.json") || fail "report_fixture"
[ "$runs" -ge 30 ] || fail "the fixture has $runs runs"

self_contained "$W/example.html" || fail "the page refers to something outside itself: $(grep -oiE '.{30}(http|src=|<link|<script|@import|url\().{30}' "$W/example.html" | head -3)"
ok "the page refers to nothing outside itself"
json_ok "$W/example.json" || fail "the JSON report does not parse"
[ "$(json_get "$W/example.json" 'len(r["runs"])')" = "$runs" ] || fail "JSON runs"
ok "the JSON report parses and has the $runs runs"

n=$(bars "$W/example.html")
[ "$n" = "$runs" ] || fail "the browser shows $n bars for $runs runs"
ok "the browser's DOM has one rect.run per run ($n)"

browser --screenshot="$W/example.png" --window-size=1200,1600 "file://$W/example.html" >/dev/null
[ -s "$W/example.png" ] || fail "no screenshot: $(tail -3 "$W/chromium.log")"
# the bars' colours: succeeded (green), failed (red), slow statements (amber)
read -r width height colours nonwhite <<<"$(python3 "$TOP/tests/shell/png_stats.py" "$W/example.png" | head -1)"
stats=$(python3 "$TOP/tests/shell/png_stats.py" "$W/example.png" '#2f9e5b' '#d9423b' '#f0a020')
echo "screenshot: $width x $height, $colours colours, $nonwhite% not white"
[ "$width" = 1200 ] && [ "$colours" -ge 50 ] || fail "the screenshot looks blank: $stats"
awk -v n="$nonwhite" 'BEGIN { exit !(n >= 5) }' || fail "the screenshot is almost all white: $stats"
for c in '#2f9e5b' '#d9423b' '#f0a020'; do
	px=$(echo "$stats" | awk -v c="$c" '$1 == c { print $2 }')
	[ "${px:-0}" -ge 200 ] || fail "colour $c is missing from the screenshot ($px pixels)"
done
ok "the screenshot shows the page: the succeeded, failed and slow-statement colours are there"

# --- 2. 5,000 runs ----------------------------------------------------------
"$W/report_fixture" --runs 5000 "$W/many.html" "$W/many.json" >/dev/null || fail "report_fixture --runs"
size=$(stat -c %s "$W/many.html")
[ "$size" -lt 3000000 ] || fail "5000 runs make a page of $size bytes"
n=$(bars "$W/many.html")
[ "$n" = 5000 ] || fail "the browser shows $n bars for 5000 runs"
json_ok "$W/many.json" || fail "the JSON of 5000 runs does not parse"
ok "5000 runs: 5000 bars in the browser, $size bytes"

# --- 3. upkeep report against PostgreSQL ------------------------------------
if [ ! -x "$UPKEEP" ] && [ -f "$TOP/cli/Makefile" ]; then
	make -s -C "$TOP" build >/dev/null 2>&1
	make -s -C "$TOP/cli" >/dev/null || fail "building the upkeep command"
fi
[ -x "$UPKEEP" ] || fail "no upkeep command at $UPKEEP"
if [ -z "${UK_STAGE:-}" ]; then
	export UK_STAGE="$W/stage"
	uk_stage_install "$TOP" "$UK_STAGE" || fail "staging the extension"
fi
pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start: $(tail -5 "$W/server.log")"
q() { psql_at "$W" "$P" -d postgres "$@"; }
q -c "CREATE EXTENSION upkeep" >/dev/null || fail "create extension"

# one maintainer session: the window, three patches, the last one failing
q >"$W/upgrade.out" 2>&1 <<'EOF' || fail "the fake upgrade: $(cat "$W/upgrade.out")"
SET upkeep.slow_statement_ms = 0;
SELECT upkeep.enter_maintenance('browser test: v1 -> v2 <upgrade>');
SELECT upkeep.patch_begin('app.patches.v2.create_items', 'app');
CREATE TABLE items (id int PRIMARY KEY, name text);
INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g;
SELECT upkeep.patch_end();
SELECT upkeep.patch_begin('execute:print("<script>alert(1)</script>")', 'app');
SELECT count(*) FROM items;
SELECT upkeep.patch_end();
SELECT upkeep.patch_begin('app.patches.v2.duplicate_items', 'app');
\set ON_ERROR_STOP off
INSERT INTO items VALUES (1, 'again');
\set ON_ERROR_STOP on
SELECT upkeep.patch_end('failed', 'duplicate item');
SELECT upkeep.exit_maintenance();
EOF
db="host=$W port=$P dbname=postgres user=postgres"
"$UPKEEP" report --db "$db" --last -o "$W/pg.html" --json "$W/pg.json" 2>"$W/report.err" ||
	fail "upkeep report: $(cat "$W/report.err")"
json_ok "$W/pg.json" || fail "upkeep report's JSON does not parse"
[ "$(json_get "$W/pg.json" '[x["name"] for x in r["runs"]]')" = \
	"['app.patches.v2.create_items', 'execute:print(\"<script>alert(1)</script>\")', 'app.patches.v2.duplicate_items']" ] ||
	fail "runs: $(json_get "$W/pg.json" '[x["name"] for x in r["runs"]]')"
[ "$(json_get "$W/pg.json" '[x["status"] for x in r["runs"]]')" = "['succeeded', 'succeeded', 'failed']" ] ||
	fail "statuses: $(json_get "$W/pg.json" '[x["status"] for x in r["runs"]]')"
[ "$(json_get "$W/pg.json" 'r["runs"][2]["error"]["sqlstate"]')" = 23505 ] ||
	fail "the failure's SQLSTATE: $(json_get "$W/pg.json" 'r["runs"][2]["error"]')"
[ "$(json_get "$W/pg.json" 'len(r["slow_statements"]) >= 3 and r["result"] == "failed" and r["engine"] == "postgresql"')" = True ] ||
	fail "slow statements / result: $(json_get "$W/pg.json" '(len(r["slow_statements"]), r["result"])')"
ok "upkeep report reads the window, its three runs, the failure and the slow statements"

self_contained "$W/pg.html" || fail "upkeep report's page is not self-contained (or lets a <script> through)"
grep -q 'browser test: v1 -&gt; v2 &lt;upgrade&gt;' "$W/pg.html" || fail "the reason is missing or not escaped"
n=$(bars "$W/pg.html")
[ "$n" = 3 ] || fail "the browser shows $n bars for the server's 3 runs"
ok "upkeep report's page: escaped, self-contained, 3 bars in the browser"

id=$(json_get "$W/pg.json" 'r["window_id"]')
"$UPKEEP" report --db "$db" --window "$id" -o "$W/by_id.html" 2>"$W/report.err" &&
	cmp -s "$W/pg.html" "$W/by_id.html" || fail "--window $id differs from --last"
"$UPKEEP" report --db "$db" --window 999999 -o "$W/none.html" 2>"$W/report.err"
rc=$?
[ $rc = 1 ] && grep -q "^upkeep: no maintenance window 999999" "$W/report.err" && [ ! -e "$W/none.html" ] ||
	fail "a window that does not exist: rc $rc, $(cat "$W/report.err")"
ok "--window picks a window; an unknown one is a clear error and leaves no file"

echo "report_browser: $checks checks passed"
