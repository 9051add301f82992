#!/bin/bash
# bench/advisor_optimality.sh: how far upkeep's index advice is from the
# best possible set of indexes, on both engines.
#
# For each workload, small enough to search exhaustively, and each index
# budget (BUDGETS), the workload's cost with no new index, with upkeep's
# advice, and with the best subset of the advisor's candidates within the
# budget (every subset searched, by branch and bound), all under the same
# costs the advisor uses, and the ratio of upkeep's saving to the best
# saving (target: at least 0.95).
#   - PostgreSQL: upkeep.index_advice_optimality(queries, ...): the
#     planner's cost of each query with each candidate as a hypothetical
#     index, the same call index_advice() makes.
#   - MariaDB: the plugin's advise run (libcommon's cost model on the
#     statistics the plugin reads); upkeep.advise_runs has cost_before,
#     cost_after and cost_best.  No writes are counted (userstat is off),
#     so cost_after and cost_best are in the same terms.
# Workloads (each statement runs with its literal values; the same text on
# both engines; weights are how often each runs):
#   stock   the Odoo-style stock workload of tests/advisor/ (300,000 moves)
#   joins   orders, order lines, customers, products: joins both ways,
#           a GROUP BY over a join, a join driven by a date range
#   ranges  an event log: ranges, ORDER BY ... LIMIT, sorts after an
#           equality, an IN list with a sort
# Figures, not pass/fail.  Environment: BUDGETS ("3 10"), WORKLOADS
# ("stock joins ranges").
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/mariadb.sh"
. "$TOP/bench/lib.sh"

BUDGETS=${BUDGETS:-3 10}
WORKLOADS=${WORKLOADS:-stock joins ranges}

make -s -C "$TOP" libcommon mariadb >/dev/null
MW=$(md_workdir bench-optimality)
uk_throwaway_cluster bench-optimality "max_parallel_workers_per_gather = 0" \
	"shared_buffers = '256MB'"
trap 'md_kill9 "$MW" 2>/dev/null || true; rm -rf "$MW"; pg_stop "$W" immediate 2>/dev/null || true; rm -rf "$W"' EXIT
md_new_server "$MW"
md_start "$MW" "$(md_free_port)" "$TOP/mariadb_plugin" --innodb-buffer-pool-size=256M \
	--innodb-flush-log-at-trx-commit=2
uk_wait 60 sh -c "mariadb --no-defaults -S '$MW/sock' -uroot -N -e 'SELECT upkeep_status() IS NOT NULL' 2>/dev/null | grep -q 1"
pq() { psql_at "$W" "$P" -d "$@"; }
mq() { md_sql "$MW" -N "$@"; }
mstatus() {
	mq -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$1'"
}

# ---- the workloads ---------------------------------------------------------

# rows ENGINE N: a row source of seq = 1..N
rows() { if [ "$1" = pg ]; then echo "generate_series(1, $2) AS g(seq)"; else echo "seq_1_to_$2"; fi; }
# minutes ENGINE EXPR: 2023-01-01 plus EXPR minutes
minutes() {
	if [ "$1" = pg ]; then echo "(timestamp '2023-01-01' + ($2) * interval '1 minute')"
	else echo "(TIMESTAMP '2023-01-01 00:00:00' + INTERVAL ($2) MINUTE)"; fi
}

# schema_joins ENGINE, schema_ranges ENGINE: tables and deterministic data
schema_joins() {
	local e=$1 ts=timestamp
	[ "$e" = mariadb ] && ts=datetime
	cat <<EOF
CREATE TABLE customer (id int PRIMARY KEY, region_id int NOT NULL, name varchar(40) NOT NULL, created $ts NOT NULL);
CREATE TABLE product (id int PRIMARY KEY, category_id int NOT NULL, sku varchar(20) NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, status varchar(10) NOT NULL, placed_at $ts NOT NULL, total numeric(12,2) NOT NULL);
CREATE TABLE order_line (id int PRIMARY KEY, order_id int NOT NULL, product_id int NOT NULL, qty int NOT NULL);
INSERT INTO customer SELECT seq, seq % 50 + 1, CONCAT('customer ', seq), $(minutes "$e" "seq * 37") FROM $(rows "$e" 20000);
INSERT INTO product SELECT seq, seq % 200 + 1, CONCAT('SKU', seq) FROM $(rows "$e" 10000);
INSERT INTO orders SELECT seq, (seq * 7919) % 20000 + 1, CASE WHEN seq % 20 = 0 THEN 'open' WHEN seq % 20 = 1 THEN 'cancel' ELSE 'done' END, $(minutes "$e" "seq * 5"), seq % 1000 FROM $(rows "$e" 200000);
INSERT INTO order_line SELECT seq, (seq - 1) / 3 + 1, ((seq % 10007) * 7919) % 10000 + 1, seq % 9 + 1 FROM $(rows "$e" 600000);
EOF
}
tables_joins() { echo customer, product, orders, order_line; }
workload_joins() {
	local i
	for i in $(seq 1 20); do
		echo "SELECT o.id, o.total FROM orders o JOIN customer c ON c.id = o.customer_id WHERE c.region_id = $((i % 50 + 1)) AND o.status = 'open';"
	done
	for i in $(seq 1 40); do
		echo "SELECT l.product_id, l.qty FROM order_line l JOIN orders o ON o.id = l.order_id WHERE o.customer_id = $((i * 97 % 20000 + 1));"
	done
	for i in $(seq 1 10); do
		echo "SELECT p.sku, sum(l.qty) FROM order_line l JOIN product p ON p.id = l.product_id WHERE p.category_id = $((i % 200 + 1)) GROUP BY p.sku;"
	done
	for i in $(seq 1 15); do
		echo "SELECT c.name, o.total FROM orders o JOIN customer c ON c.id = o.customer_id WHERE o.placed_at >= '2023-0$((i % 9 + 1))-03' AND o.placed_at < '2023-0$((i % 9 + 1))-04';"
	done
	for i in $(seq 1 30); do
		echo "SELECT id, qty FROM order_line WHERE product_id = $((i * 31 % 10000 + 1)) ORDER BY id DESC LIMIT 20;"
	done
}

schema_ranges() {
	local e=$1 ts=timestamp
	[ "$e" = mariadb ] && ts=datetime
	cat <<EOF
CREATE TABLE event (id int PRIMARY KEY, account_id int NOT NULL, kind varchar(12) NOT NULL, created_at $ts NOT NULL, amount int NOT NULL, flagged int NOT NULL);
INSERT INTO event SELECT seq, ((seq % 30011) * 7919) % 3000 + 1, CASE seq % 8 WHEN 0 THEN 'refund' WHEN 1 THEN 'invoice' WHEN 2 THEN 'payment' ELSE 'view' END, $(minutes "$e" "seq * 2"), ((seq % 100003) * 7907) % 100000, CASE WHEN seq % 100 = 0 THEN 1 ELSE 0 END FROM $(rows "$e" 300000);
EOF
}
tables_ranges() { echo event; }
workload_ranges() {
	local i
	for i in $(seq 1 30); do
		echo "SELECT id, amount FROM event WHERE account_id = $((i * 13 % 3000 + 1)) AND created_at >= '2023-0$((i % 9 + 1))-01' ORDER BY created_at;"
	done
	for i in $(seq 1 20); do
		echo "SELECT count(*) FROM event WHERE kind = 'refund' AND created_at BETWEEN '2023-0$((i % 9 + 1))-01' AND '2023-0$((i % 9 + 1))-08';"
	done
	for i in $(seq 1 25); do
		echo "SELECT id, kind FROM event ORDER BY created_at DESC LIMIT 50;"
	done
	for i in $(seq 1 10); do
		echo "SELECT id, account_id FROM event WHERE amount > $((99900 - i)) ORDER BY amount LIMIT 10;"
	done
	for i in $(seq 1 25); do
		echo "SELECT id, amount FROM event WHERE account_id = $((i * 7 % 3000 + 1)) AND kind = 'invoice' ORDER BY created_at DESC LIMIT 20;"
	done
	for i in $(seq 1 10); do
		echo "SELECT id FROM event WHERE flagged = 1 AND account_id IN ($((i + 1)), $((i + 2)), $((i + 3)));"
	done
}

# load NAME: the workload's database on both engines; its statements in
# $MW/NAME.sql
load() {
	local name=$1
	pq postgres -c "CREATE DATABASE $name" >/dev/null
	pq "$name" -c "CREATE EXTENSION upkeep" >/dev/null
	mq -e "CREATE DATABASE $name"
	case $name in
	stock)
		pq stock <"$TOP/tests/advisor/stock_move_pg.sql" >/dev/null
		mq stock <"$TOP/tests/advisor/stock_move_mariadb.sql" >/dev/null
		bash "$TOP/tests/advisor/stock_workload.sh" >"$MW/$name.sql" ;;
	*)
		{ schema_"$name" pg; echo "ANALYZE;"; } | pq "$name" >/dev/null
		{ schema_"$name" mariadb; echo "ANALYZE TABLE $(tables_"$name");"; } | mq "$name" >/dev/null
		"workload_$name" >"$MW/$name.sql" ;;
	esac
}

# pg_row NAME BUDGET: none|advice|best|ratio|candidates|searched|subsets|complete
pg_row() {
	local queries
	queries=$(sed "s/;\$//; s/'/''/g; s/^/'/; s/\$/'/" "$MW/$1.sql" | paste -sd, -)
	pq "$1" -F '|' -c "SELECT round(cost_none::numeric), round(cost_advice::numeric),
	       round(cost_best::numeric), round(saving_ratio::numeric, 3), candidates, searched,
	       subsets, complete
	  FROM upkeep.index_advice_optimality(ARRAY[$queries], max_indexes => $2)"
}

# md_row NAME BUDGET: the same from the MariaDB plugin's advise run
md_row() {
	local runs0
	mq -e "SET GLOBAL upkeep_advise_max_indexes = $2"
	runs0=$(mstatus UPKEEP_ADVISE_RUNS)
	mq -e "SET GLOBAL upkeep_advise = ON"
	ended() {
		[ "$(mq -e "SELECT @@global.upkeep_advise = 0 AND VARIABLE_VALUE > $runs0
		            FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPKEEP_ADVISE_RUNS'")" = 1 ]
	}
	uk_wait 300 ended
	mq -e "SELECT ROUND(cost_before), ROUND(cost_after), ROUND(cost_best),
	       ROUND((cost_before - cost_after) / NULLIF(cost_before - cost_best, 0), 3),
	       candidates, '', '', cost_best IS NOT NULL
	  FROM upkeep.advise_runs ORDER BY run_id DESC LIMIT 1" | tr '\t' '|'
}

printf '%-8s %-8s %6s %14s %14s %14s %7s %6s %s\n' workload engine budget \
	"no new index" "upkeep" "best subset" ratio cands "search"
for name in $WORKLOADS; do
	load "$name"
	# MariaDB: capture the workload once (ON starts an empty capture);
	# each budget is one advise run
	mq -e "SET GLOBAL upkeep_advise_capture = ON"
	mq "$name" <"$MW/$name.sql" >/dev/null
	mq -e "SET GLOBAL upkeep_advise_capture = OFF"
	for b in $BUDGETS; do
		IFS='|' read -r none adv best ratio cands searched subsets complete < <(pg_row "$name" "$b")
		printf '%-8s %-8s %6s %14s %14s %14s %7s %6s %s\n' "$name" postgres "$b" "$none" "$adv" \
			"$best" "$ratio" "$cands" "$searched candidates, $subsets subsets$([ "$complete" = t ] || echo ', NOT complete')"
		IFS='|' read -r none adv best ratio cands _ _ complete < <(md_row "$name" "$b")
		printf '%-8s %-8s %6s %14s %14s %14s %7s %6s %s\n' "$name" mariadb "$b" "$none" "$adv" \
			"${best:-?}" "${ratio:-?}" "$cands" "$([ "$complete" = 1 ] && echo complete || echo 'NOT searched to the end')"
	done
	mq -e "DROP DATABASE $name"
done
echo "ratio = (no new index - upkeep) / (no new index - best subset); target >= 0.95"
