#!/bin/bash
# tests/shell/pg_drain_stress.sh: the drain under load.  Two writers loop
# BEGIN; INSERT; (5 ms); COMMIT while maintenance goes on and off 100
# times.  Asserts that no transaction whose INSERT succeeded fails at
# COMMIT (the drain let every earlier writer finish before the window
# became active), and that no writer's transaction committed while a
# window was active (commit timestamps against the times the maintainer
# recorded just after entering and just before leaving each window).
# Each window stays active until a writer has been refused at least once,
# so every window overlaps the writers.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test drain-stress
WINDOWS=${WINDOWS:-100}

pg_new_cluster "$W" "$P" "track_commit_timestamp = on" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (writer int, n int)" \
	-c "CREATE TABLE win (i int, kind text, ts timestamptz)" >/dev/null || fail "setup"

# one writer iteration; psql sets ERROR after each command
for _ in $(seq 1 20); do
	cat <<'SQL'
BEGIN;
INSERT INTO t VALUES (:w, 1);
\if :ERROR
ROLLBACK;
\echo INSERT_REFUSED
\else
SELECT pg_sleep(0.005);
COMMIT;
\if :ERROR
\echo COMMIT_FAILED :SQLSTATE
\else
\echo COMMITTED
\endif
\endif
SQL
done >"$W/writer.sql"
chmod 644 "$W/writer.sql"

writers=""
for w in 1 2; do
	while [ ! -e "$W/stop" ]; do cat "$W/writer.sql"; done |
		as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -d postgres -v w=$w \
		>"$W/writer$w.out" 2>"$W/writer$w.err" &
	writers="$writers $!"
done
for _ in $(seq 1 300); do
	[ "$(q -c "SELECT count(DISTINCT writer) FROM t")" = 2 ] && break
	sleep 0.1
done
[ "$(q -c "SELECT count(DISTINCT writer) FROM t")" = 2 ] || fail "the writers did not start"

for i in $(seq 1 "$WINDOWS"); do
	cat <<SQL
SELECT upkeep.enter_maintenance('stress $i', drain_timeout => '30 s') IS NOT NULL;
INSERT INTO win VALUES ($i, 'on', clock_timestamp());
DO \$\$ BEGIN
	FOR k IN 1..2000 LOOP
		EXIT WHEN (SELECT refused_writes FROM upkeep.maintenance) > 0;
		PERFORM pg_sleep(0.005);
	END LOOP;
END \$\$;
INSERT INTO win VALUES ($i, 'off', clock_timestamp());
SELECT upkeep.exit_maintenance();
SELECT pg_sleep(0.005);
SQL
done | q >"$W/flapper.out" 2>&1
rc=$?
touch "$W/stop"
for p in $writers; do wait "$p"; done
[ $rc = 0 ] || fail "the maintenance loop failed: $(tail -5 "$W/flapper.out")"
ok "$WINDOWS windows entered and left while 2 writers ran"

committed=$(cat "$W"/writer?.out | grep -c '^COMMITTED')
refused=$(cat "$W"/writer?.out | grep -c '^INSERT_REFUSED')
failed=$(cat "$W"/writer?.out | grep -c '^COMMIT_FAILED')
echo "writers: $committed committed, $refused INSERTs refused, $failed failed at COMMIT"
[ "$failed" = 0 ] || grep -B1 -A2 "Refused: COMMIT" "$W/server.log" | head -20
[ "$failed" = 0 ] || fail "$failed transactions failed at COMMIT after their INSERT succeeded: $(grep -h COMMIT_FAILED "$W"/writer?.out | sort | uniq -c)"
ok "no transaction failed at COMMIT after its INSERT succeeded"
[ "$(q -c "SELECT count(*) FROM upkeep.maintenance_log WHERE reason LIKE 'stress %' AND refused_writes > 0")" = "$WINDOWS" ] ||
	fail "not every window refused a writer"
ok "every window overlapped the writers (refused at least one write)"

inside=$(q -c "SELECT count(*) FROM t JOIN (SELECT i, max(ts) FILTER (WHERE kind = 'on') AS won, max(ts) FILTER (WHERE kind = 'off') AS woff FROM win GROUP BY i) w ON pg_xact_commit_timestamp(t.xmin) BETWEEN w.won AND w.woff")
[ "$inside" = 0 ] || fail "$inside writer transactions committed while a window was active"
[ "$(q -c "SELECT count(*) FROM t WHERE pg_xact_commit_timestamp(xmin) IS NULL")" = 0 ] ||
	fail "rows without a commit timestamp"
ok "no writer transaction committed while a window was active"

echo "pg_drain_stress: $checks passed, 0 failed"
