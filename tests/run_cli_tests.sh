#!/bin/bash
# tests/run_cli_tests.sh: the upkeep command's tests (tests/shell/cli_*.sh),
# each against its own throwaway server.  Prints one line per test and a
# summary; exits non-zero if any failed.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/upkeep-clitests.XXXXXX")
for t in "$TOP"/tests/shell/cli_*.sh; do
	name=$(basename "$t" .sh)
	if bash "$t" >"$LOGS/$name.log" 2>&1; then
		passed=$((passed + 1)); echo "ok     $name"
	else
		failed=$((failed + 1)); echo "FAILED $name"; tail -40 "$LOGS/$name.log"
	fi
done
[ $failed = 0 ] && rm -rf "$LOGS" || echo "logs kept: $LOGS"
echo "cli: $passed passed, $failed failed"
[ $failed = 0 ]
