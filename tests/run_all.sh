#!/bin/bash
# tests/run_all.sh: every test of upkeep (called by `make test`).
# Runs each suite even if an earlier one failed, then prints a summary.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
suites_passed=0
suites_failed=0
failed_names=""

run() {
	local name=$1
	shift
	echo "=== $name"
	if "$@"; then
		suites_passed=$((suites_passed + 1))
	else
		suites_failed=$((suites_failed + 1))
		failed_names="$failed_names $name"
	fi
}

run "source structure" python3 "$TOP/tests/check_structure.py"
run "libcommon unit tests (ASan/UBSan)" make -s -C "$TOP/libcommon" test
run "libcommon fuzz targets" make -s -C "$TOP/libcommon" fuzz
run "PostgreSQL extension" "$TOP/tests/run_pg_tests.sh"
run "MariaDB plugin" "$TOP/tests/run_mariadb_tests.sh"
run "upkeep command" "$TOP/tests/run_cli_tests.sh"

echo
echo "=== summary"
[ -n "$failed_names" ] && echo "failed suites:$failed_names"
echo "upkeep test suites: $suites_passed passed, $suites_failed failed"
[ $suites_failed = 0 ]
