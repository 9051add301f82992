#!/bin/bash
# tests/advisor/stock_workload.sh: the stock workload of workload_pg.sql as
# the app runs it, with literal values that vary per call (145 statements;
# the weights are the numbers of calls), for PostgreSQL.
#
#	stock_workload.sh			every call, one statement a line
#	stock_workload.sh samples	the first call of each of the 7 queries
set -eu

workload() {
	local i
	for i in $(seq 1 30); do
		echo "SELECT id, product_qty, location_id, location_dest_id FROM stock_move WHERE product_id = $((i * 157 % 5000 + 1)) AND state = 'done' AND date >= '2025-0$((i % 9 + 1))-01' ORDER BY date;"
	done
	for i in $(seq 1 20); do
		echo "SELECT sum(product_qty) FROM stock_move WHERE location_dest_id = $((i % 40 + 1)) AND company_id = $((i % 2 + 1)) AND state IN ('assigned', 'confirmed', 'waiting') AND date <= '2024-0$((i % 9 + 1))-15';"
	done
	for i in $(seq 1 50); do
		echo "SELECT id FROM stock_move WHERE picking_id = $((i * 1999 % 100000 + 1));"
	done
	for i in $(seq 1 5); do
		echo "SELECT id, product_qty FROM stock_move WHERE scrapped = false AND company_id = $((i % 2 + 1)) AND product_id = $((i * 331 % 5000 + 1)) AND location_id = $((i % 40 + 1));"
	done
	for i in $(seq 1 10); do
		echo "SELECT id, name FROM stock_move WHERE state = 'assigned' AND location_id = $((i % 40 + 1)) ORDER BY date DESC LIMIT 80;"
	done
	for i in $(seq 1 20); do
		printf "SELECT m.id, m.product_qty FROM stock_move m JOIN stock_picking p ON p.id = m.picking_id WHERE p.name = 'WH/OUT/%06d';\n" $((i * 4999 % 100000 + 1))
	done
	for i in $(seq 1 10); do
		echo "SELECT product_id, sum(product_qty) FROM stock_move WHERE location_id = $((i % 40 + 1)) AND date BETWEEN '2024-0$((i % 9 + 1))-01' AND '2024-0$((i % 9 + 1))-20' GROUP BY product_id;"
	done
}

if [ "${1:-}" = samples ]; then
	workload | awk 'NR == 1 || NR == 31 || NR == 51 || NR == 101 || NR == 106 || NR == 116 || NR == 136'
else
	workload
fi
