#!/bin/bash
# tests/cli/fake_bench.sh: a stand-in for `bench --site S migrate` in the CLI
# tests.  It prints exactly the lines Frappe prints (see libcommon's
# uk_runlog_frappe.c for where each comes from) and runs each patch's SQL
# through psql or the mariadb client with the environment it inherited
# from `upkeep run` (PGOPTIONS with the join token; FRAPPE_DB_USER and
# FRAPPE_DB_PASSWORD of the ephemeral account), as Frappe would.
#
# Each statement carries a marker 'mark-<tag>' so that a test can check
# which patch run it was attributed to.
#
# Environment:
#   FAKE_ENGINE   pg (default) or mariadb (then FAKE_SOCK: the server's socket)
#   FAKE_FAIL     tag of the patch whose statement fails (then exit 1, as
#                 bench does after the traceback)
#   FAKE_SLEEP    tag of the patch that runs a 60 s sleep (for SIGINT tests)
#   FAKE_APP_USER an account/role without maintainer rights: a patch tries
#                 one write as it, prints "app write: refused" or "app write: ok"
#
# Output-driven attribution has an inherent lag: the runner opens the
# window patch after it has read the line, while the child goes on.  Real
# ERPs import the patch's module first; this fake instead waits (with a
# deadline) until the server shows the patch open, from a session that is
# not attributed, so that the tests are deterministic.
set -u
ENGINE=${FAKE_ENGINE:-pg}
SITE=site1.local
DB=_5e5fd3ab2c1d

sql() {	# sql TAG SQL: run one statement as the ERP would
	if [ "$ENGINE" = pg ]; then
		psql -X -q -At -v ON_ERROR_STOP=1 -c "$2 /* mark-$1 */" >/dev/null
	else
		# --comments: keep the marker (the client strips comments by default)
		mariadb --no-defaults --comments -S "$FAKE_SOCK" -u "$FRAPPE_DB_USER" \
			-p"$FRAPPE_DB_PASSWORD" erp -N -e "$2 /* mark-$1 */" >/dev/null
	fi
}

server_patch() {	# the innermost open window patch, seen without being attributed
	if [ "$ENGINE" = pg ]; then
		PGOPTIONS="${PGOPTIONS-} -c upkeep.window_attribution=off" psql -X -q -At \
			-c "SELECT coalesce(to_jsonb(m)->>'window_patch', '') FROM upkeep.maintenance m" 2>/dev/null
	else
		mariadb --no-defaults -S "$FAKE_SOCK" -u "$FRAPPE_DB_USER" -p"$FRAPPE_DB_PASSWORD" -N \
			-e "SET SESSION upkeep_window_attribution = OFF; SELECT IFNULL(JSON_VALUE(upkeep_status(), '\$.window_patch'), '')" 2>/dev/null
	fi
}

wait_open() {	# wait_open NAME: until the server shows NAME open (10 s at most)
	[ "${FAKE_NO_SYNC:-}" = 1 ] && return 0
	local name=${1:0:256}
	for _ in $(seq 1 100); do
		[ "$(server_patch)" = "$name" ] && return 0
		sleep 0.1
	done
	echo "fake_bench: the server never showed \"$name\" open" >&2
}

patch() {	# patch TAG NAME [DOCSTRING]: one patch as execute_patch() prints it
	local tag=$1 name=$2
	echo "Executing $name in $SITE ($DB)"
	[ -n "${3:-}" ] && printf '\t%s\n' "$3"
	wait_open "$name"
	sql "$tag" "SELECT 'mark-$tag'"
	if [ -n "${FAKE_APP_USER:-}" ] && [ "$tag" = p1 ]; then
		if [ "$ENGINE" = pg ]; then
			PGOPTIONS= psql -X -q -At -U "$FAKE_APP_USER" -c "INSERT INTO app_data VALUES (1)" >/dev/null 2>&1
		else
			mariadb --no-defaults -S "$FAKE_SOCK" -u "$FAKE_APP_USER" erp -e "INSERT INTO app_data VALUES (1)" >/dev/null 2>&1
		fi && echo "app write: ok" || echo "app write: refused"
		sql "$tag" "INSERT INTO app_data VALUES (2)"
	fi
	if [ "${FAKE_SLEEP:-}" = "$tag" ]; then
		# like Python: an interrupt ends the program by SIGINT (status 130)
		trap 'trap - INT; kill -INT $$' INT
		if [ "$ENGINE" = pg ]; then sql "$tag" "SELECT pg_sleep(60)"; else sql "$tag" "SELECT SLEEP(60)"; fi
		exit 1
	fi
	if [ "${FAKE_FAIL:-}" = "$tag" ]; then
		# a missing table: fails in parse analysis, in a connection whose
		# first statement it is (it joins the window before it runs)
		if ! sql "$tag" "UPDATE no_such_table SET x = 1" 2>/dev/null; then
			echo "Traceback (most recent call last):"
			echo "  File \"apps/frappe/frappe/modules/patch_handler.py\", line 192, in execute_patch"
			echo "ProgrammingError: relation \"no_such_table\" does not exist" >&2
			exit 1
		fi
	fi
	echo "Success: Done in 0.012s"
}

phase() {	# phase TAG LINE: a phase line of SiteMigration, then its SQL
	echo "$2"
	wait_open "$2"
	sql "$1" "SELECT 'mark-$1'"
}

echo "Migrating $SITE"
wait_open "Migrating $SITE"
sql migrating "SELECT 'mark-migrating'"
# the DocTypes progress bar: redrawn with CR, no newline until the end
printf '\rUpdating DocTypes for frappe        : [====                                    ] 10%%'
printf '\rUpdating DocTypes for frappe        : [========================================] 100%%'
echo
wait_open "Updating DocTypes for frappe"
sql doctypes "SELECT 'mark-doctypes'"
# a progress bar left unterminated: the patch's line follows on the same line
printf '\rUpdating DocTypes for erpnext       : [========================================] 100%%'
echo "Executing erpnext.patches.v15_0.split_line in $SITE ($DB)"
wait_open "erpnext.patches.v15_0.split_line"
sql p0 "SELECT 'mark-p0'"
echo "Success: Done in 0.002s"
patch p1 "frappe.patches.v15_0.set_default_currency" "Set the company's default currency."
patch p2 'execute:frappe.db.set_value("System Settings", None, "date_format", "dd-mm-yyyy") #2024-03-01 fix in time'
patch p3 "erpnext.patches.v15_0.rename_stock_field #v2"
phase fixtures "Syncing fixtures..."
phase dashboards "Syncing dashboards..."
phase hooks 'Executing `after_migrate` hooks...'
echo "Queued rebuilding of search index for $SITE"
exit 0
