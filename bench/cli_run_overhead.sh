#!/bin/bash
# bench/cli_run_overhead.sh: the wall time of a fake upgrade (STATEMENTS
# statements in PATCHES Frappe-style patches, one psql session per patch,
# as bench opens its connections) run directly and through `upkeep run
# --preset frappe`, alternated, ROUNDS times each.  Prints every run, the
# median of each and the ratio direct/runner (1.0 = no cost; the goal is
# at least 0.97).  Figures, not pass/fail.
#
# Environment: ROUNDS (5), STATEMENTS (20000), PATCHES (40).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/bench/lib.sh"

ROUNDS=${ROUNDS:-5}
STATEMENTS=${STATEMENTS:-20000}
PATCHES=${PATCHES:-40}
[ -x "$TOP/cli/upkeep" ] || make -s -C "$TOP" cli >/dev/null

uk_throwaway_cluster bench-cli
psql_at "$W" "$P" -d postgres -c "CREATE EXTENSION upkeep" \
	-c "CREATE TABLE ledger (id int PRIMARY KEY, amount numeric)" >/dev/null

# the fake upgrade: Frappe's lines, each patch's statements in one session
per=$((STATEMENTS / PATCHES))
cat >"$W/upgrade.sh" <<SH
#!/bin/bash
set -e
for p in \$(seq 1 $PATCHES); do
	echo "Executing bench.patches.p\$p in site1 (db1)"
	for i in \$(seq 1 $per); do
		echo "INSERT INTO ledger VALUES (\$p * 1000000 + \$i, \$i) ON CONFLICT (id) DO UPDATE SET amount = ledger.amount + 1;"
	done | psql -X -q -v ON_ERROR_STOP=1 >/dev/null
	echo "Success: Done in 0.1s"
done
SH
chmod 755 "$W/upgrade.sh"
export PGHOST="$W" PGPORT="$P" PGUSER=postgres PGDATABASE=postgres

one() {	# one direct|runner: seconds of one fake upgrade
	local t0 t1
	t0=$(date +%s.%N)
	if [ "$1" = direct ]; then
		"$W/upgrade.sh" >/dev/null
	else
		"$TOP/cli/upkeep" run --reason "bench" --preset frappe -- "$W/upgrade.sh" >/dev/null 2>&1
	fi
	t1=$(date +%s.%N)
	awk "BEGIN { printf \"%.3f\", $t1 - $t0 }"
}

direct=() runner=()
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then
		d=$(one direct); u=$(one runner)
	else
		u=$(one runner); d=$(one direct)
	fi
	direct+=("$d"); runner+=("$u")
	echo "round $r: direct ${d}s, upkeep run ${u}s"
done
md=$(printf '%s\n' "${direct[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
mu=$(printf '%s\n' "${runner[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "fake upgrade of $STATEMENTS statements in $PATCHES patches, median of $ROUNDS:"
echo "  direct       ${md}s"
echo "  upkeep run   ${mu}s"
awk "BEGIN { printf \"  ratio direct/upkeep run: %.3f (goal >= 0.97)\n\", $md / $mu }"
