#!/bin/bash
# tests/shell/pg_sequences.sh: sequence changes are not transactional, so
# during maintenance they must be refused where they happen, not at
# commit.  For each way that does not pass a new statement -- a PL/pgSQL
# simple expression after COMMIT inside a procedure, a fast-path function
# call (PQfn), a portal bound before the window and executed during it --
# the call fails with 25006 and the sequence does not move.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test sequences

gcc -Wall -Wextra -Werror -O1 -I"$(pg_config --includedir)" -o "$W/seqclient" \
	"$TOP/tests/shell/pg_seqclient.c" -lpq || fail "building the test client"
chmod 755 "$W/seqclient"
pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"
q >/dev/null <<'SQL' || fail "setup"
CREATE EXTENSION upkeep;
CREATE SEQUENCE s;
SELECT setval('s', 100);
CREATE PROCEDURE p_setval() LANGUAGE plpgsql AS $$
DECLARE x bigint;
BEGIN
	COMMIT;
	x := setval('s', 777777);
END $$;
-- a statement already running when the window begins: the simple
-- expression (and its nextval() call) is prepared before the window and
-- calls nextval() only once the window is active
CREATE FUNCTION f_inflight() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	x bigint := 0;
	b boolean;
BEGIN
	FOR k IN 1..3000 LOOP
		x := CASE WHEN (upkeep.maintenance_status()).phase = 'active' THEN nextval('s') ELSE 0 END;
		EXIT WHEN x <> 0;
		b := pg_sleep(0.01) IS NULL;
	END LOOP;
	RETURN x;
END $$;
CREATE PROCEDURE p_nextval() LANGUAGE plpgsql AS $$
DECLARE x bigint;
BEGIN
	COMMIT;
	x := nextval('s');
END $$;
SQL
conninfo="host=$W port=$P dbname=postgres user=postgres"
setval_oid=$(q -c "SELECT 'pg_catalog.setval(regclass,bigint)'::regprocedure::oid")
nextval_oid=$(q -c "SELECT 'pg_catalog.nextval(regclass)'::regprocedure::oid")
seq_oid=$(q -c "SELECT 's'::regclass::oid")

seq() { q -c "SELECT last_value || '/' || is_called FROM s"; }
# unchanged WHAT OUTPUT: the attempt failed with 25006 and s did not move
unchanged() {
	echo "$2" | grep -q "25006\|read-only" || fail "$1: not refused as read-only: $2"
	echo "$2" | grep -q "database is in maintenance mode" || fail "$1: not the maintenance message: $2"
	[ "$(seq)" = "100/true" ] || fail "$1: the sequence moved to $(seq)"
	ok "$1: refused, the sequence did not move"
}

# a statement that was already running when the window began
as_pg "$PGBIN/psql" -X -At -v VERBOSITY=verbose -h "$W" -p "$P" -d postgres \
	-c "SELECT f_inflight()" >"$W/inflight.out" 2>&1 &
client=$!
for _ in $(seq 1 300); do
	[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%f_inflight()%' AND wait_event = 'PgSleep'")" = 1 ] && break
	sleep 0.1
done
q -c "SELECT upkeep.enter_maintenance('sequence test', drain_timeout => '30 s') IS NOT NULL" >/dev/null ||
	fail "enter_maintenance"
wait $client && fail "f_inflight() succeeded: $(cat "$W/inflight.out")"
unchanged "nextval() in a statement running since before the window" "$(cat "$W/inflight.out")"
q -c "SELECT upkeep.exit_maintenance()" >/dev/null

# a portal bound before the window, executed during it
mkfifo -m 666 "$W/go.fifo" || fail "mkfifo"
exec 3<>"$W/go.fifo"
as_pg "$W/seqclient" "$conninfo" portal <"$W/go.fifo" >"$W/portal.out" 2>&1 &
client=$!
for _ in $(seq 1 300); do
	grep -q '^bound' "$W/portal.out" && break
	sleep 0.1
done
grep -q '^bound' "$W/portal.out" || fail "the portal was not bound: $(cat "$W/portal.out")"
q -c "SELECT upkeep.enter_maintenance('sequence test', drain_timeout => '30 s') IS NOT NULL" >/dev/null ||
	fail "enter_maintenance"
echo go >&3
wait $client || fail "the portal client failed: $(cat "$W/portal.out")"
exec 3>&-
unchanged "nextval() in a portal bound before the window" "$(cat "$W/portal.out")"

out=$(q -v VERBOSITY=verbose -c "CALL p_setval()" 2>&1) && fail "CALL p_setval() succeeded"
unchanged "setval() in a procedure after COMMIT" "$out"
out=$(q -v VERBOSITY=verbose -c "CALL p_nextval()" 2>&1) && fail "CALL p_nextval() succeeded"
unchanged "nextval() in a procedure after COMMIT" "$out"

out=$(as_pg "$W/seqclient" "$conninfo" fastpath "$setval_oid" "$seq_oid" 777777 2>&1)
unchanged "setval() by fast-path call" "$out"
out=$(as_pg "$W/seqclient" "$conninfo" fastpath "$nextval_oid" "$seq_oid" - 2>&1)
unchanged "nextval() by fast-path call" "$out"

# a maintainer still can
tok=$(q -c "SELECT upkeep.exit_maintenance()" -c "SELECT upkeep.enter_maintenance('sequence test 2')" | tail -1)
[ "$(q -c "SELECT upkeep.join_maintenance('$tok')" -c "CALL p_nextval()" -c "SELECT last_value FROM s" | tail -1)" = "101" ] ||
	fail "a maintainer could not use the sequence"
ok "a maintainer's nextval() works during maintenance"
q -c "SELECT upkeep.exit_maintenance()" >/dev/null
out=$(as_pg "$W/seqclient" "$conninfo" fastpath "$setval_oid" "$seq_oid" 500 2>&1)
[ "$out" = "ok 500" ] || fail "fast-path setval() after maintenance: $out"
ok "after maintenance a fast-path setval() works again"

echo "pg_sequences: $checks passed, 0 failed"
