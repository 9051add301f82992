#!/bin/bash
# bench/pg_drain.sh: how long enter_maintenance takes beyond the longest
# open write transaction, with 8 pgbench writers running.
#
# Each writer runs: BEGIN; UPDATE one account; think 0-200 ms; COMMIT.
# A few seconds in, the DBA calls enter_maintenance.  From pgbench's
# per-transaction log we know when each write transaction that was open at
# that moment committed; the figure is the time between the last of those
# commits and enter_maintenance returning (the drain's own overhead), and
# the whole duration of the call.  Several trials, medians printed.
#
# Environment: TRIALS (5), WRITERS (8).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/bench/lib.sh"
TRIALS=${TRIALS:-5}
WRITERS=${WRITERS:-8}

uk_throwaway_cluster bench-drain "max_connections = 50"
psql_at "$W" "$P" -d postgres -c "CREATE EXTENSION upkeep" >/dev/null
as_pg "$PGBIN/pgbench" -q -i -s 1 -h "$W" -p "$P" postgres >/dev/null 2>&1
cat >"$W/writer.sql" <<'SQL'
\set aid random(1, 100000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;
SELECT pg_sleep(random() * 0.2);
COMMIT;
SQL
chmod 644 "$W/writer.sql"

results=""
for t in $(seq 1 "$TRIALS"); do
	logdir="$W/log$t"
	mkdir -p "$logdir"
	[ "$(id -u)" = 0 ] && chown postgres: "$logdir"
	(cd "$logdir" && as_pg "$PGBIN/pgbench" -n -c "$WRITERS" -j 2 -T 8 -f "$W/writer.sql" -l \
		-h "$W" -p "$P" postgres >/dev/null 2>&1) &
	bench_pid=$!
	sleep 3
	# enter, timed by the server's clock (the same clock pgbench logs with)
	times=$(psql_at "$W" "$P" -d postgres -F ' ' \
		-c "SELECT extract(epoch FROM clock_timestamp())" \
		-c "SELECT upkeep.enter_maintenance('bench', drain_timeout => '30 s') IS NOT NULL" \
		-c "SELECT extract(epoch FROM clock_timestamp())" | grep -v '^t$' | tr '\n' ' ')
	wait $bench_pid || true
	psql_at "$W" "$P" -d postgres -c "SELECT upkeep.exit_maintenance()" >/dev/null
	set -- $times
	t_enter=$1
	t_done=$2
	# pgbench -l lines: client txno latency_us script epoch_s epoch_us
	last_commit=$(cat "$logdir"/pgbench_log.* | awk -v t0="$t_enter" '
		{ end = $5 + $6 / 1e6; start = end - $3 / 1e6
		  if (start <= t0 && end >= t0 && end > last) last = end }
		END { printf "%.6f", last }')
	line=$(awk -v a="$t_enter" -v b="$t_done" -v c="$last_commit" 'BEGIN {
		total = (b - a) * 1000
		if (c > 0) printf "%.1f %.1f", total, (b - c) * 1000
		else printf "%.1f -", total }')
	echo "trial $t: enter_maintenance took ${line% *} ms; returned ${line#* } ms after the last open writer committed"
	results="$results$line\n"
done

echo
echo "drain with $WRITERS pgbench writers (write transactions hold their locks 0-200 ms), $TRIALS trials:"
echo "  median enter_maintenance duration: $(printf "$results" | awk '{ print $1 }' | median) ms"
echo "  median time beyond the longest open write transaction: $(printf "$results" | awk '$2 != "-" { print $2 }' | median) ms"
