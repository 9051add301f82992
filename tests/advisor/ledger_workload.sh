#!/bin/bash
# tests/advisor/ledger_workload.sh: the ledger workload of ledger_pg.sql /
# ledger_mariadb.sql as an ERP runs it: the balance of an account up to a
# date (the query covering columns are for), and vouchers looked up by
# number.  Literal values vary per call; PostgreSQL and MariaDB accept the
# same text.
#
#	ledger_workload.sh			every call, one statement a line
#	ledger_workload.sh balance	one balance query (for EXPLAIN ANALYZE)
set -eu

balance() {
	printf "SELECT sum(debit) - sum(credit) FROM gl_entry WHERE account = 'ACC-%04d - ACME' AND posting_date <= '%s' AND is_cancelled = 0;\n" "$1" "$2"
}

if [ "${1:-}" = balance ]; then
	balance 42 2024-06-30
	exit 0
fi
for i in $(seq 1 40); do
	balance $((i * 37 % 400 + 1)) "202$((i % 5))-0$((i % 9 + 1))-28"
done
for i in $(seq 1 10); do
	echo "SELECT account, debit, credit FROM gl_entry WHERE voucher_no = 'ACC-JV-$((i * 7001 % 75000))';"
done
