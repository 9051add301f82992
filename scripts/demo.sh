#!/bin/bash
# scripts/demo.sh: a guided tour (make demo): a maintenance window, patch
# runs, a deadlock and index advice.  Starts a throwaway PostgreSQL cluster with upkeep
# preloaded, plays an ERP app, its DBA and an upgrade script against it;
# then the same on a throwaway MariaDB server with the upkeep plugin.
# Removes both at the end.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/mariadb.sh"

W=$(uk_workdir demo)
export UK_STAGE="$W/stage"
P=$(free_port)
MW=$(md_workdir demo)
MP=$(md_free_port)
trap 'pg_stop "$W" immediate 2>/dev/null || true; md_kill9 "$MW" 2>/dev/null || true; rm -rf "$W" "$MW"' EXIT

bold=""
plain=""
if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null || true)
	plain=$(tput sgr0 2>/dev/null || true)
fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
# as ROLE SQL: show and run SQL as a role, in a new session
as() {
	local role=$1
	shift
	printf '%s%s>%s %s\n' "$bold" "$role" "$plain" "$*"
	as_pg "$PGBIN/psql" -X -q -h "$W" -p "$P" -U "$role" -d erp -c "$*" 2>&1 | sed 's/^/    /' || true
}

step "Starting a throwaway PostgreSQL cluster with shared_preload_libraries = 'upkeep'"
uk_stage_install "$TOP" "$UK_STAGE"
pg_new_cluster "$W" "$P" >/dev/null
pg_start "$W"
psql_at "$W" "$P" -d postgres -c "CREATE DATABASE erp" >/dev/null
psql_at "$W" "$P" -d erp >/dev/null <<'SQL'
CREATE EXTENSION upkeep;
CREATE ROLE erp_app LOGIN;        -- what the ERP connects as
CREATE ROLE erp_dba LOGIN;        -- what the upgrade script connects as
GRANT EXECUTE ON FUNCTION upkeep.enter_maintenance(text, interval, interval, text, interval),
                          upkeep.exit_maintenance() TO erp_dba;
CREATE TABLE sales_invoice (name text PRIMARY KEY, customer text, grand_total numeric);
INSERT INTO sales_invoice VALUES ('SINV-0001', 'Acme', 1200), ('SINV-0002', 'Globex', 560);
ALTER TABLE sales_invoice OWNER TO erp_dba;
GRANT ALL ON sales_invoice TO erp_app;
GRANT CREATE ON SCHEMA public TO erp_dba;
SQL
echo "cluster on port $P, database 'erp', roles erp_app (the app) and erp_dba (the upgrade)"

step "A normal day: the app reads and writes"
as erp_app "INSERT INTO sales_invoice VALUES ('SINV-0003', 'Initech', 75)"
as erp_app "SELECT count(*) AS invoices FROM sales_invoice"

step "A user is saving an invoice (an open write transaction) when the upgrade starts"
echo "erp_app> BEGIN; INSERT ... SINV-0004; (user thinks for 2 seconds) COMMIT;   -- in the background"
as_pg "$PGBIN/psql" -X -q -h "$W" -p "$P" -U erp_app -d erp \
	-c "BEGIN" -c "INSERT INTO sales_invoice VALUES ('SINV-0004', 'Umbrella', 990)" \
	-c "SELECT pg_sleep(2)" -c "COMMIT" >/dev/null 2>&1 &
pg_writer_open() {
	[ "$(psql_at "$W" "$P" -d erp -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'erp_app' AND backend_xid IS NOT NULL")" = 1 ]
}
uk_wait 60 pg_writer_open || true

step "The upgrade script enters maintenance: it drains in-flight writes first"
start=$(date +%s.%N)
TOKEN=$(as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -U erp_dba -d erp -c \
	"SELECT upkeep.enter_maintenance('ERPNext upgrade to v15', expected_duration => '30 minutes', drain_timeout => '10 seconds')")
end=$(date +%s.%N)
echo "erp_dba> SELECT upkeep.enter_maintenance('ERPNext upgrade to v15', expected_duration => '30 minutes', drain_timeout => '10 seconds');"
printf '    returned after %.1f s with a join token (%s...), once the user'"'"'s invoice was committed\n' \
	"$(awk "BEGIN { print $end - $start }")" "${TOKEN:0:12}"
wait
as erp_app "SELECT name, customer FROM sales_invoice WHERE name = 'SINV-0004'"
as erp_app "SELECT active, reason, entered_by, expected_end - started_at AS expected, phase FROM upkeep.maintenance"

step "During maintenance the app keeps reading, and its writes are refused with SQLSTATE 25006"
as erp_app "SELECT count(*) AS invoices FROM sales_invoice"
as erp_app "UPDATE sales_invoice SET grand_total = 0 WHERE name = 'SINV-0001'"
echo "    (Frappe and Odoo turn SQLSTATE 25006 into their own read-only / maintenance message)"
as postgres "CREATE TABLE sneaky (a int)   -- even a superuser who is not a maintainer"

step "The upgrade writes: its connections join the window with the token"
echo "The migration runs with PGOPTIONS='-c upkeep.join_token=${TOKEN:0:12}...', so every connection it opens joins:"
printf '%serp_dba>%s %s\n' "$bold" "$plain" "ALTER TABLE sales_invoice ADD COLUMN currency text DEFAULT 'EUR';"
as_pg env PGOPTIONS="-c upkeep.join_token=$TOKEN" "$PGBIN/psql" -X -q -h "$W" -p "$P" -U erp_dba -d erp \
	-c "ALTER TABLE sales_invoice ADD COLUMN currency text DEFAULT 'EUR'" 2>&1 | sed 's/^/    /'
echo "    ok: the migration writes while everyone else is read-only"
echo "    (or, in one connection: SELECT upkeep.join_maintenance('<token>');)"

step "The server restarts in the middle of the upgrade (or crashes): maintenance mode stays on"
pg_restart "$W"
echo "pg_ctl restart: done"
as erp_app "INSERT INTO sales_invoice VALUES ('SINV-0005', 'Hooli', 10)"

step "The upgrade finishes and exits maintenance: read-write for everyone again"
as erp_dba "SELECT upkeep.exit_maintenance()"
as erp_app "INSERT INTO sales_invoice VALUES ('SINV-0005', 'Hooli', 10)"
as erp_app "SELECT name, customer, currency FROM sales_invoice ORDER BY name"

step "The DBA's record of the window (upkeep.maintenance_log, kept across restarts)"
as erp_app "SELECT reason, entered_by, exited_by, round(extract(epoch FROM duration)) AS seconds, refused_writes, drain_outcome, drain_ms, drain_waited_for FROM upkeep.maintenance_log"

step "The next upgrade brackets each patch: every statement is attributed to it"
# psql_as ROLE: run the statements given with -c, showing them
psql_as() {
	local role=$1
	shift
	for a in "$@"; do [ "$a" != -c ] && printf '%s%s>%s %s\n' "$bold" "$role" "$plain" "$a"; done
	as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -U "$role" -d erp "$@" 2>&1 | sed 's/^/    /' || true
}
psql_as erp_dba -c "SET upkeep.slow_statement_ms = 200" \
	-c "SELECT upkeep.patch_begin('erpnext.patches.v15_0.backfill_currency', 'erpnext')" \
	-c "UPDATE sales_invoice SET currency = 'EUR' WHERE currency IS NULL" \
	-c "SELECT pg_sleep(0.3)   -- a slow step" \
	-c "CREATE INDEX sales_invoice_customer ON sales_invoice (customer)" \
	-c "SELECT upkeep.patch_end()"
psql_as erp_dba -c "SELECT upkeep.patch_begin('erpnext.patches.v15_0.fix_totals', 'erpnext')" \
	-c "UPDATE sales_invoice SET grand_total = grand_total / 0" \
	-c "SELECT upkeep.patch_end('failed', 'ZeroDivisionError in fix_totals')"
as erp_dba "SELECT name, status, round(duration_ms) AS ms, statements, slow_statements, error_sqlstate, error_statement FROM upkeep.patch_runs ORDER BY run_id"
as erp_dba "SELECT patch, command, round(duration_ms) AS ms, round(lock_wait_ms) AS lock_ms, query FROM upkeep.slow_statements"

step "Upgrade day: upkeep run wraps the upgrade command (here a stand-in that prints what bench migrate prints)"
echo "erp_dba\$ upkeep run --reason 'ERPNext upgrade to v15.1' --preset frappe --report upgrade.html -- bench --site site1.local migrate"
env PGHOST="$W" PGPORT="$P" PGUSER=erp_dba PGDATABASE=erp NO_COLOR=1 \
	"$TOP/cli/upkeep" run --reason "ERPNext upgrade to v15.1" --preset frappe \
	--report "$W/upgrade.html" -- bash "$TOP/tests/cli/fake_bench.sh" 2>&1 | sed 's/^/    /' || true
as erp_dba "SELECT name, app, status, statements FROM upkeep.patch_runs WHERE window_id IS NOT NULL ORDER BY run_id"
[ -s "$W/upgrade.html" ] && echo "    the report: one self-contained HTML page ($(wc -c <"$W/upgrade.html") bytes), see docs/example-report.html"

step "Two sessions deadlock: upkeep keeps every member, not just the victim's statement"
for order in "SINV-0001 SINV-0002" "SINV-0002 SINV-0001"; do
	set -- $order
	as_pg "$PGBIN/psql" -X -q -h "$W" -p "$P" -U erp_app -d erp -c "SET deadlock_timeout = '100ms'" \
		-c "BEGIN" -c "UPDATE sales_invoice SET grand_total = grand_total + 1 WHERE name = '$1'" \
		-c "SELECT pg_sleep(0.5)" \
		-c "UPDATE sales_invoice SET grand_total = grand_total + 1 WHERE name = '$2'" -c "COMMIT" >/dev/null 2>&1 &
done
wait
echo "erp_app (two sessions)> UPDATE ... 'SINV-0001' then 'SINV-0002'  /  'SINV-0002' then 'SINV-0001'"
as postgres "SELECT pid, is_victim, username, lock_mode, lock_target, table_name, blocked_by, query FROM upkeep.deadlock_participants"
as postgres "SELECT occurrences, tables, statement_shapes FROM upkeep.deadlock_summary"

step "The index advisor: what the app's queries miss, each index checked by the planner"
psql_at "$W" "$P" -d erp <"$TOP/tests/advisor/stock_move_pg.sql" >/dev/null
psql_at "$W" "$P" -d erp >/dev/null <<'SQL'
CREATE TABLE app_queries (query text);
INSERT INTO app_queries VALUES
 ('SELECT id, product_qty FROM stock_move WHERE product_id = $1 AND state = ''done'' AND date >= $2 ORDER BY date'),
 ('SELECT sum(product_qty) FROM stock_move WHERE location_dest_id = $1 AND company_id = $2 AND state IN (''assigned'', ''confirmed'') AND date <= $3'),
 ('SELECT id FROM stock_move WHERE picking_id = $1'),
 ('SELECT count(*) FROM stock_move WHERE scrapped AND company_id = $1');
SQL
echo "an Odoo-style stock_move of 300,000 moves (an index on picking_id exists), and the app's queries:"
as postgres "TABLE app_queries"
as postgres "SELECT rank, columns, improvement_pct, reason FROM upkeep.index_advice((SELECT array_agg(query) FROM app_queries))"
as postgres "SELECT create_statement, pg_size_pretty(est_size_bytes) AS size FROM upkeep.index_advice((SELECT array_agg(query) FROM app_queries))"
echo "    (no index on picking_id: one exists; none led by scrapped, company_id or state: too few values)"
echo "    (without queries, upkeep.index_advice() reads pg_stat_statements, or the slow statements of patch runs)"

pg_stop "$W" fast

# ---------------------------------------------------------------- MariaDB

# mas ACCOUNT SQL: show and run SQL as a MariaDB account, in a new connection
mas() {
	local account=$1
	shift
	printf '%s%s>%s %s\n' "$bold" "$account" "$plain" "$*"
	md_sql "$MW" -u "$account" -D erp --skip-print-query-on-error -e "$*" 2>&1 |
		sed 's/^/    /' || true
}

step "MariaDB: a throwaway server with plugin_load_add = upkeep"
md_new_server "$MW"
md_start "$MW" "$MP" "$TOP/mariadb_plugin"
md_sql "$MW" <<'SQL'
CREATE DATABASE erp;
CREATE TABLE erp.sales_invoice (name VARCHAR(20) PRIMARY KEY, customer VARCHAR(40),
                                grand_total DECIMAL(10,2)) ENGINE=InnoDB;
INSERT INTO erp.sales_invoice VALUES ('SINV-0001', 'Acme', 1200), ('SINV-0002', 'Globex', 560);
-- what the ERP connects as: no READ_ONLY ADMIN, ever
CREATE USER erp_app@localhost;
GRANT ALL ON erp.* TO erp_app@localhost;
-- what the upgrade connects as: SUPER to set upkeep_*, READ_ONLY ADMIN to write
CREATE USER erp_upgrade@localhost;
GRANT ALL ON erp.* TO erp_upgrade@localhost;
GRANT SUPER, READ_ONLY ADMIN ON *.* TO erp_upgrade@localhost;
GRANT SELECT ON upkeep.* TO erp_upgrade@localhost;
SQL
echo "server on port $MP, database 'erp', accounts erp_app (the app) and erp_upgrade (the upgrade)"

step "MariaDB: a user is saving an invoice when the upgrade starts"
echo "erp_app> START TRANSACTION; INSERT ... SINV-0003; (2 seconds) COMMIT;   -- in the background"
md_sql "$MW" -u erp_app -D erp -e "START TRANSACTION;
	INSERT INTO sales_invoice VALUES ('SINV-0003', 'Initech', 75);
	DO SLEEP(2); COMMIT" >/dev/null 2>&1 &
writer=$!
md_writer_open() {
	[ "$(md_sql "$MW" -N -e "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_rows_modified > 0")" = 1 ]
}
uk_wait 60 md_writer_open || true

step "MariaDB: the upgrade enters maintenance; the SET waits for the open write"
start=$(date +%s.%N)
mas erp_upgrade "SET GLOBAL upkeep_maintenance_reason = 'ERPNext upgrade to v15';
    SET GLOBAL upkeep_expected_duration = 1800;
    SET GLOBAL upkeep_drain_timeout = 10;
    SET GLOBAL upkeep_maintenance = ON"
end=$(date +%s.%N)
printf '    returned after %.1f s, once the invoice was committed\n' \
	"$(awk "BEGIN { print $end - $start }")"
wait "$writer"
mas erp_app "SELECT name, customer FROM sales_invoice WHERE name = 'SINV-0003'"
mas erp_app "SELECT @@global.read_only, JSON_DETAILED(upkeep_status()) AS status\G"

step "MariaDB: the app keeps reading; its writes get error 1290"
mas erp_app "SELECT COUNT(*) AS invoices FROM sales_invoice"
mas erp_app "UPDATE sales_invoice SET grand_total = 0 WHERE name = 'SINV-0001'"
echo "    (1290, not 1792: Frappe shows its generic error page here, not its read-only message; see README)"

step "MariaDB: the upgrade's account (READ_ONLY ADMIN) writes"
mas erp_upgrade "ALTER TABLE sales_invoice ADD COLUMN currency CHAR(3) DEFAULT 'EUR'"
echo "    ok"

step "MariaDB: kill -9 of mariadbd in the middle of the upgrade: maintenance stays on"
sleep 1.2	# the upgrade runs a while (the refused-writes count is saved every second)
md_kill9 "$MW"
md_start "$MW" "$MP" "$TOP/mariadb_plugin"
for _ in $(seq 1 1200); do	# (60 s at most)
	[ "$(md_sql "$MW" -N -e "SELECT @@global.read_only")" = 1 ] && break
	sleep 0.05
done
echo "kill -9, then mariadbd started again"
mas erp_app "INSERT INTO sales_invoice VALUES ('SINV-0004', 'Hooli', 10)"

step "MariaDB: the upgrade exits maintenance: read_only as it was before, nothing else touched"
mas erp_upgrade "SET GLOBAL upkeep_maintenance = OFF; SELECT @@global.read_only"
mas erp_app "INSERT INTO sales_invoice (name, customer, grand_total) VALUES ('SINV-0004', 'Hooli', 10)"
mas erp_app "SELECT name, customer, currency FROM sales_invoice ORDER BY name"

step "MariaDB: the next upgrade brackets each patch (session variable upkeep_patch)"
show_md() { printf '%s%s>%s %s\n' "$bold" "$1" "$plain" "$2"; }
show_md erp_upgrade "SET SESSION upkeep_patch = 'erpnext.patches.v15_0.backfill_currency';
    UPDATE sales_invoice SET currency = 'EUR'; DO SLEEP(1.1);
    SET SESSION upkeep_patch = '';"
md_sql "$MW" -u erp_upgrade -D erp -e "SET SESSION upkeep_patch = 'erpnext.patches.v15_0.backfill_currency';
    UPDATE sales_invoice SET currency = 'EUR'; DO SLEEP(1.1); SET SESSION upkeep_patch = ''"
show_md erp_upgrade "SET SESSION upkeep_patch = 'erpnext.patches.v15_0.fix_totals';
    INSERT INTO sales_invoice (name, customer) VALUES ('SINV-0001', 'duplicate');
    SET SESSION upkeep_patch_status = 'failed'; SET SESSION upkeep_patch = '';"
# (--force and stdin: the client goes on after the error, as a runner does)
md_sql "$MW" -u erp_upgrade -D erp --force 2>&1 <<'SQL' | sed 's/^/    /'
SET SESSION upkeep_patch = 'erpnext.patches.v15_0.fix_totals';
INSERT INTO sales_invoice (name, customer) VALUES ('SINV-0001', 'duplicate');
SET SESSION upkeep_patch_status = 'failed';
SET SESSION upkeep_patch = '';
SQL
for _ in $(seq 1 1200); do	# (60 s at most) the plugin's background thread writes the tables
	[ "$(md_sql "$MW" -N -e "SELECT COUNT(*) FROM upkeep.patch_runs WHERE status <> 'running'")" = 2 ] && break
	sleep 0.05
done
mas erp_upgrade "SELECT name, status, duration_ms, statements, slow_statements, error_code, error_sqlstate, error_statement FROM upkeep.patch_runs ORDER BY run_id"
mas erp_upgrade "SELECT patch, command, duration_ms, query FROM upkeep.slow_statements"

step "MariaDB: two sessions deadlock; each deadlock is stored with all its members"
echo "erp_app (two sessions)> UPDATE ... 'SINV-0001' then 'SINV-0002'  /  'SINV-0002' then 'SINV-0001'"
pids=""
for order in "SINV-0001 SINV-0002" "SINV-0002 SINV-0001"; do
	set -- $order
	md_sql "$MW" -u erp_app -D erp -e "START TRANSACTION;
		UPDATE sales_invoice SET grand_total = grand_total + 1 WHERE name = '$1';
		DO SLEEP(0.5);
		UPDATE sales_invoice SET grand_total = grand_total + 1 WHERE name = '$2'; COMMIT" >/dev/null 2>&1 &
	pids="$pids $!"
done
wait $pids || true
for _ in $(seq 1 1200); do	# (60 s at most) the background thread polls InnoDB's deadlock counter
	[ "$(md_sql "$MW" -N -e "SELECT COUNT(*) FROM upkeep.deadlock_participants")" = 2 ] && break
	sleep 0.05
done
mas erp_upgrade "SELECT pid, is_victim, username, lock_mode, table_name, index_name, blocked_by, query FROM upkeep.deadlock_participants"
mas erp_upgrade "SELECT occurrences, tables, statement_shapes FROM upkeep.deadlock_summary"

step "MariaDB: the index advisor on the statements the plugin saw"
md_sql "$MW" -D erp <"$TOP/tests/advisor/stock_move_mariadb.sql" >/dev/null
echo "an Odoo-style stock_move of 300,000 moves in 'erp' (an index on picking_id exists)"
mas erp_upgrade "SET GLOBAL upkeep_advise_capture = ON"
echo "erp_app> (the app runs its stock queries, as Frappe writes them: backticks, values in the text)"
md_sql "$MW" -u erp_app -D erp <"$TOP/tests/advisor/workload_mariadb.sql" >/dev/null
runs0=$(md_sql "$MW" -N -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPKEEP_ADVISE_RUNS'")
mas erp_upgrade "SET GLOBAL upkeep_advise = ON   -- the background thread advises, then sets it OFF"
for _ in $(seq 1 600); do
	[ "$(md_sql "$MW" -N -e "SELECT @@global.upkeep_advise = 0 AND VARIABLE_VALUE > $runs0 FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPKEEP_ADVISE_RUNS'")" = 1 ] && break
	sleep 0.1
done
mas erp_upgrade "SELECT \`rank\`, table_name, \`columns\`, improvement_pct, reason FROM upkeep.index_advice ORDER BY \`rank\`"
mas erp_upgrade "SELECT create_statement FROM upkeep.index_advice ORDER BY \`rank\`"
mas erp_upgrade "SET GLOBAL upkeep_advise_capture = OFF"

step "MariaDB: the record of the window (table upkeep.maintenance_log)"
mas erp_upgrade "SELECT reason, entered_by, exited_by, TIMESTAMPDIFF(SECOND, entered_at, exited_at) AS seconds,
    refused_writes, drain_outcome, drain_ms, drain_waited_for, read_only_before FROM upkeep.maintenance_log\G"
md_stop "$MW"

step "Done. The throwaway servers are removed. Next: README.md, 'make test'."
