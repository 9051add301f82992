#!/bin/bash
# tests/run_mariadb_tests.sh: the MariaDB plugin's mtr suite
# (mariadb_plugin/mysql-test/upkeep/), run by MariaDB's own mysql-test-run
# (Debian package mariadb-test) against throwaway servers it starts itself,
# with upkeep.so loaded from the build directory, then the shell tests
# tests/shell/mariadb_*.sh (each starts its own server).
#
# Prints one line per test and the summary "mariadb: N passed, M failed";
# exits non-zero if anything failed.  Keeps the work directory on failure.
# Arguments, if any, are test names (e.g. drain_wait) or mtr options; the
# shell tests run only without arguments.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
MTR_DIR=${MTR_DIR:-/usr/share/mysql/mysql-test}
SUITE_SRC="$TOP/mariadb_plugin/mysql-test/upkeep"

if [ ! -x "$MTR_DIR/mtr" ]; then
	echo "FAILED: $MTR_DIR/mtr not found (Debian package mariadb-test)"
	echo "mariadb: 0 passed, 1 failed"
	exit 1
fi
make -s -C "$TOP" libcommon >/dev/null && make -s -C "$TOP/mariadb_plugin" >/dev/null || {
	echo "FAILED: building the plugin"
	echo "mariadb: 0 passed, 1 failed"
	exit 1
}

# mtr reads "a-b" in a suite path as suite "a" with overlay "b": give it a
# path without dashes (the work directory's name has none).
WORK=$(mktemp -d "/tmp/upkeep_mtr_XXXXXX")
ln -s "$SUITE_SRC" "$WORK/upkeep"
export UPKEEP_PLUGIN_DIR="$TOP/mariadb_plugin"

mtr_opts=(--vardir="$WORK/var" --suite="$WORK/upkeep" --parallel=1 --force
	--max-test-fail=0 --testcase-timeout=5 --suite-timeout=30)

(cd "$MTR_DIR" && ./mtr "${mtr_opts[@]}" "$@") >"$WORK/mtr.log" 2>&1
rc=$?

passed=$(grep -cE '^\S+upkeep\.\S+\s+\[ pass \]' "$WORK/mtr.log")
failed=$(grep -cE '^\S+upkeep\.\S+\s+\[ (fail|retry-fail) \]' "$WORK/mtr.log")
grep -E '^\S+upkeep\.\S+\s+\[ ' "$WORK/mtr.log" | sed -E 's|^\S*/upkeep\.|upkeep.|'
mtr_failed=$failed
if [ $rc != 0 ] && [ "$failed" = 0 ]; then
	failed=1
fi

# Shell tests (tests/shell/mariadb_*.sh): each starts its own server.  Run
# only when no test names were given.
shell_failed=0
if [ $# = 0 ]; then
	for t in "$TOP"/tests/shell/mariadb_*.sh; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .sh)
		if bash "$t" >"$WORK/$name.log" 2>&1; then
			passed=$((passed + 1)); echo "ok     $name"
		else
			failed=$((failed + 1)); shell_failed=$((shell_failed + 1))
			echo "FAILED $name"; tail -40 "$WORK/$name.log"
		fi
	done
fi

if [ $rc != 0 ] || [ "$mtr_failed" != 0 ] || [ "$passed" = 0 ]; then
	[ "$failed" = 0 ] && failed=1
	# the diff or error of each failed test, and mtr's own complaints
	sed -n '/\[ fail \]/,/^ - saving/p' "$WORK/mtr.log" | head -200
	grep -E '^(mysql-test-run: \*\*\*|\*\* ERROR)' "$WORK/mtr.log"
	echo "work directory kept: $WORK"
elif [ $shell_failed != 0 ]; then
	echo "work directory kept: $WORK"
else
	rm -rf "$WORK"
fi
echo "mariadb: $passed passed, $failed failed"
[ "$failed" = 0 ]
