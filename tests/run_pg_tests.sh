#!/bin/bash
# tests/run_pg_tests.sh: the PostgreSQL tests of upkeep against throwaway
# clusters: pg_regress (sql/, expected/), isolation specs
# (tests/isolation/), and shell tests of restarts and crashes
# (tests/shell/pg_*.sh).  Prints one line per suite and a summary; exits
# non-zero if anything failed.  Keeps the work directory on failure.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"

WORK=$(uk_workdir pgtests)
export UK_STAGE="$WORK/stage"
PGXS_DIR=$(dirname "$(pg_config --pgxs)")/..
REGRESS="$PGXS_DIR/test/regress/pg_regress"
ISOLATION="$PGXS_DIR/test/isolation/pg_isolation_regress"
passed=0
failed=0
failures=""

result() {
	if [ "$2" = 0 ]; then
		passed=$((passed + 1)); echo "ok     $1"
	else
		failed=$((failed + 1)); failures="$failures $1"; echo "FAILED $1"
	fi
}

uk_stage_install "$TOP" "$UK_STAGE" || { echo "FAILED staging the extension"; exit 1; }

# One cluster for pg_regress and the isolation specs.
port=$(free_port)
pg_new_cluster "$WORK" "$port" && pg_start "$WORK" || {
	echo "FAILED starting a cluster"; cat "$WORK/server.log" 2>/dev/null; exit 1; }

# Copies of the inputs the server user can write results next to.
cp -r "$TOP/sql" "$TOP/expected" "$WORK/"
mkdir -p "$WORK/isolation"
cp -r "$TOP/tests/isolation/specs" "$TOP/tests/isolation/expected" "$WORK/isolation/"
[ "$(id -u)" = 0 ] && chown -R postgres: "$WORK/sql" "$WORK/expected" "$WORK/isolation"

regress_tests=$(cd "$TOP/sql" && ls *.sql | sed 's/\.sql$//' | sort)
(cd "$WORK" && as_pg "$REGRESS" --inputdir="$WORK" --outputdir="$WORK" \
	--bindir="$PGBIN" --host="$WORK" --port="$port" --dbname=upkeep_regress \
	$regress_tests) >"$WORK/regress.log" 2>&1
rc=$?
sed -n '/^test \|^     \|^ok \|^not ok\|tests passed\|failed/p' "$WORK/regress.log"
[ $rc != 0 ] && [ -f "$WORK/regression.diffs" ] && head -150 "$WORK/regression.diffs"
result "pg_regress" $rc

iso_tests=$(cd "$TOP/tests/isolation/specs" && ls *.spec 2>/dev/null | sed 's/\.spec$//' | sort)
if [ -n "$iso_tests" ]; then
	(cd "$WORK/isolation" && as_pg "$ISOLATION" --inputdir="$WORK/isolation" \
		--outputdir="$WORK/isolation" --bindir="$PGBIN" --host="$WORK" \
		--port="$port" --dbname=upkeep_iso $iso_tests) >"$WORK/isolation.log" 2>&1
	rc=$?
	sed -n '/^test \|^ok \|^not ok\|tests passed\|failed/p' "$WORK/isolation.log"
	[ $rc != 0 ] && [ -f "$WORK/isolation/regression.diffs" ] && head -150 "$WORK/isolation/regression.diffs"
	result "isolation" $rc
fi
pg_stop "$WORK" immediate

# Shell tests: each starts its own cluster.
for t in "$TOP"/tests/shell/pg_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	UK_STAGE="$UK_STAGE" bash "$t" >"$WORK/$name.log" 2>&1
	rc=$?
	[ $rc != 0 ] && tail -40 "$WORK/$name.log"
	result "$name" $rc
done

if [ $failed = 0 ]; then
	rm -rf "$WORK"
else
	echo "work directory kept: $WORK"
fi
echo "postgresql: $passed passed, $failed failed"
[ $failed = 0 ]
