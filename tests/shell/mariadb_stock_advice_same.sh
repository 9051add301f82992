#!/bin/bash
# tests/shell/mariadb_stock_advice_same.sh: the same advice on both
# engines.  The Odoo-style stock schema of tests/advisor/ (300,000 moves,
# the same distributions on both) and the same 145 statements with their
# literal values (tests/advisor/stock_workload.sh; valid SQL on both):
# PostgreSQL's upkeep.index_advice() on those statements, MariaDB's
# plugin on the same statements captured as the app runs them.  Both must
# advise the same indexes: the same tables and key columns in the same
# order.  In particular 'done' (85% of the moves) must not narrow the
# product's index on either engine, while 'assigned' (4%) may.
#
# MariaDB's value frequencies come twice: from its own sample of the table
# (no mysql.column_stats rows for stock_move), then from JSON_HB
# histograms (ANALYZE TABLE ... PERSISTENT, MariaDB 10.8+).
#
# On both engines the advice must also get at least 95% of the saving of
# the best subset of its candidates (searched exhaustively, same costs).
#
# Covering columns are written differently by design: INCLUDE on
# PostgreSQL (index_advice()'s include_columns; `columns` lists the keys
# only), trailing key columns on MariaDB (`columns` lists every key column,
# carried_columns its last ones that are carried).  So an index is
# compared as its key columns in order (on MariaDB: `columns` without the
# carried ones) and the set of columns it carries.  The table's primary
# key is left out of PostgreSQL's carried set: every InnoDB secondary index
# carries it already, so MariaDB never lists it, while PostgreSQL may
# INCLUDE `id` for a query that reads it.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/mariadb.sh"

checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() {
	echo "FAIL: $*"
	echo "--- PostgreSQL log tail"; tail -10 "$W/server.log" 2>/dev/null
	echo "--- MariaDB error log tail"; tail -10 "$MW/error.log" 2>/dev/null
	exit 1
}

MW=$(md_workdir samestock)
uk_throwaway_cluster samestock "max_parallel_workers_per_gather = 0" ||
	{ rm -rf "$MW"; echo "FAIL: PostgreSQL cluster"; exit 1; }
trap 'md_kill9 "$MW" 2>/dev/null; rm -rf "$MW"; pg_stop "$W" immediate 2>/dev/null; rm -rf "$W"' EXIT

bash "$TOP/tests/advisor/stock_workload.sh" >"$MW/workload.sql"
[ "$(wc -l <"$MW/workload.sql")" = 145 ] || fail "the workload is not 145 statements"

# ---- PostgreSQL: the statements given, literal values and all
db() { psql_at "$W" "$P" -d stock "$@"; }
psql_at "$W" "$P" -d postgres -c "CREATE DATABASE stock" >/dev/null || fail "create database"
db -c "CREATE EXTENSION upkeep" >/dev/null || fail "create extension"
db <"$TOP/tests/advisor/stock_move_pg.sql" >/dev/null || fail "load the PostgreSQL stock schema"
queries=$(sed "s/;\$//; s/'/''/g; s/^/'/; s/\$/'/" "$MW/workload.sql" | paste -sd, -)
# every advised index as a JSON row, with its table's primary key columns
db -c "SELECT to_jsonb(a) || jsonb_build_object('pk',
         (SELECT coalesce(jsonb_agg(att.attname), '[]')
            FROM pg_index i JOIN pg_attribute att
              ON att.attrelid = i.indrelid AND att.attnum = ANY (i.indkey)
           WHERE i.indrelid = a.table_name::regclass AND i.indisprimary))
       FROM upkeep.index_advice(ARRAY[$queries]) a" >"$MW/pg.json" 2>"$MW/pg.err" ||
	fail "index_advice: $(cat "$MW/pg.err")"
[ -s "$MW/pg.json" ] || fail "PostgreSQL advised nothing"
ratio=$(db -c "SELECT round(saving_ratio::numeric, 3) FROM upkeep.index_advice_optimality(ARRAY[$queries])
               WHERE complete" 2>/dev/null)
[ -n "$ratio" ] && awk -v r="$ratio" 'BEGIN { exit !(r >= 0.95) }' ||
	fail "PostgreSQL: the advice gets '$ratio' of the best subset's saving (want >= 0.95, searched to the end)"
ok "PostgreSQL: the advice gets $ratio of the best subset's saving"

# ---- MariaDB: the same statements captured by the plugin
md_new_server "$MW" || fail "MariaDB data directory"
md_start "$MW" "$(md_free_port)" "$TOP/mariadb_plugin" || fail "start MariaDB"
uk_wait 60 sh -c "mariadb --no-defaults -S '$MW/sock' -uroot -N -e 'SELECT upkeep_status() IS NOT NULL' 2>/dev/null | grep -q 1" ||
	fail "the plugin's background connection is not ready"
mq() { md_sql "$MW" -N "$@"; }
status() {
	mq -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$1'"
}
mq -e "CREATE DATABASE odoo" || fail "create database"
mq odoo <"$TOP/tests/advisor/stock_move_mariadb.sql" >/dev/null || fail "load the MariaDB stock schema"
mq -e "DELETE FROM mysql.column_stats WHERE db_name = 'odoo' AND table_name = 'stock_move'"
mq -e "SET GLOBAL upkeep_advise_capture = ON"
mq odoo <"$MW/workload.sql" >/dev/null || fail "run the workload on MariaDB"
captured() { [ "$(status UPKEEP_ADVISE_STATEMENTS_CAPTURED)" -ge 145 ]; }
uk_wait 60 captured || fail "captured $(status UPKEEP_ADVISE_STATEMENTS_CAPTURED) of 145 statements"
mq -e "SET GLOBAL upkeep_advise_capture = OFF"

# advise LABEL: run the advisor, its advice into $MW/maria.tsv
advise() {
	local runs0
	runs0=$(status UPKEEP_ADVISE_RUNS)
	mq -e "SET GLOBAL upkeep_advise = ON"
	done_run() {
		[ "$(mq -e "SELECT @@global.upkeep_advise = 0 AND VARIABLE_VALUE > $runs0
		            FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPKEEP_ADVISE_RUNS'")" = 1 ]
	}
	uk_wait 120 done_run || fail "$1: the advise run did not end"
	[ "$(mq -e "SELECT status FROM upkeep.advise_runs ORDER BY run_id DESC LIMIT 1")" = done ] ||
		fail "$1: advise run: $(mq -e "SELECT note FROM upkeep.advise_runs ORDER BY run_id DESC LIMIT 1")"
	md_sql "$MW" --batch -e "SELECT * FROM upkeep.index_advice" >"$MW/maria.tsv"
}

# same LABEL: the two advices are the same indexes: the same table, the
# same key columns in the same order, the same set of carried columns
# (PostgreSQL's include_columns less the primary key; MariaDB's
# carried_columns, which must be the last of its `columns`).
same() {
	python3 - "$MW/pg.json" "$MW/maria.tsv" >"$MW/same.txt" 2>&1 <<'PY'
import json, sys

pg, maria, bad = [], [], []
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        carried = set(r["include_columns"]) - set(r["pk"])
        pg.append((r["table_name"].split(".")[-1], r["columns"], carried))
lines = open(sys.argv[2]).read().splitlines()
head = lines[0].split("\t")
for line in lines[1:]:
    r = dict(zip(head, line.split("\t")))
    cols, carried = json.loads(r["columns"]), json.loads(r["carried_columns"])
    nkeys = len(cols) - len(carried)
    if cols[nkeys:] != carried:
        bad.append("MariaDB's %s: carried_columns %s are not the last of %s"
                   % (r["table_name"], carried, cols))
    maria.append((r["table_name"], cols[:nkeys], set(carried)))
fmt = lambda t, k, c: "%s: %s%s" % (t, ",".join(k), " | carries " + ",".join(sorted(c)) if c else "")
for p in sorted(pg, key=lambda x: fmt(*x)):
    print("  pg:      " + fmt(*p))
for m in sorted(maria, key=lambda x: fmt(*x)):
    print("  mariadb: " + fmt(*m))
left = list(maria)
for t, keys, inc in pg:
    match = [m for m in left if m == (t, keys, inc)]
    if match:
        left.remove(match[0])
    else:
        bad.append("PostgreSQL's " + fmt(t, keys, inc) + " has no MariaDB twin")
bad += ["MariaDB's " + fmt(*m) + " has no PostgreSQL twin" for m in left]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
	local rc=$?
	cat "$MW/same.txt"
	[ $rc = 0 ] || fail "$1: MariaDB's advice differs from PostgreSQL's"
	grep -q '^  mariadb: stock_move: product_id,date\( |\|$\)' "$MW/same.txt" ||
		fail "$1: the product query's index is not (product_id, date): 'done' narrows nothing"
	ok "$1: the same $(grep -c '^  mariadb: ' "$MW/same.txt") indexes, same key columns in the same order, same carried columns"
}

advise "sampled values"
[ "$(mq -e "SELECT columns_sampled > 0 FROM upkeep.advise_runs ORDER BY run_id DESC LIMIT 1")" = 1 ] ||
	fail "stock_move's columns were not sampled"
same "value frequencies from the sample"
ratio=$(mq -e "SELECT ROUND((cost_before - cost_after) / (cost_before - cost_best), 3)
               FROM upkeep.advise_runs WHERE cost_best IS NOT NULL ORDER BY run_id DESC LIMIT 1")
[ -n "$ratio" ] && awk -v r="$ratio" 'BEGIN { exit !(r >= 0.95) }' ||
	fail "MariaDB: the advice gets '$ratio' of the best subset's saving (want >= 0.95)"
ok "MariaDB: the advice gets $ratio of the best subset's saving"

mq odoo -e "SET SESSION histogram_type = JSON_HB;
            ANALYZE TABLE stock_move PERSISTENT FOR ALL" >/dev/null || fail "ANALYZE with JSON_HB histograms"
[ "$(mq -e "SELECT COUNT(*) FROM mysql.column_stats WHERE db_name = 'odoo'
            AND table_name = 'stock_move' AND column_name = 'state' AND hist_type = 'JSON_HB'")" = 1 ] ||
	fail "no JSON_HB histogram for stock_move.state"
advise "histograms"
same "value frequencies from JSON_HB histograms"
echo "mariadb_stock_advice_same: $checks checks passed"
