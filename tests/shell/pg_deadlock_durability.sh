#!/bin/bash
# tests/shell/pg_deadlock_durability.sh: captured deadlocks survive a clean
# restart and kill -9 of the postmaster; deadlock ids keep growing; a
# deadlock in a database without the extension is captured too and shown
# from a database that has it.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test dldur

# make_deadlock DB: a real deadlock on rows 1 and 2 of t in DB
make_deadlock() { pg_make_deadlock "$W" "$P" "$1" t; }

captured() { q -c "SELECT count(*) FROM upkeep.deadlocks"; }

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (id int PRIMARY KEY, v int)" \
  -c "INSERT INTO t VALUES (1, 0), (2, 0)" -c "CREATE DATABASE other" >/dev/null || fail "setup"
psql_at "$W" "$P" -d other -c "CREATE TABLE t (id int PRIMARY KEY, v int)" \
	-c "INSERT INTO t VALUES (1, 0), (2, 0)" >/dev/null || fail "setup other"

make_deadlock postgres
make_deadlock other
[ "$(captured)" = 2 ] || fail "expected 2 deadlocks, got $(captured)"
# (a row deadlock waits on transactions: the table comes from the
# statements, resolved where the views are read, as written elsewhere)
got=$(q -c "SELECT string_agg(database || ':' || participants || ':' || array_to_string(tables, ','), ' ' ORDER BY deadlock_id) FROM upkeep.deadlocks")
[ "$got" = "postgres:2:public.t other:2:t" ] || fail "deadlocks: $got"
ok "deadlocks in a database with and one without the extension are both captured"

pg_restart "$W" || fail "restart"
[ "$(captured)" = 2 ] || fail "after restart: $(captured)"
ok "captured deadlocks survive a clean restart"

make_deadlock postgres
pg_kill9 "$W"
start_retry || fail "start after kill -9"
[ "$(captured)" = 3 ] || fail "after kill -9: $(captured)"
make_deadlock postgres
[ "$(q -c "SELECT count(DISTINCT deadlock_id) || '/' || count(*) || '/' || (max(deadlock_id) = 4) FROM upkeep.deadlocks")" = "4/4/true" ] ||
	fail "ids: $(q -c "SELECT deadlock_id FROM upkeep.deadlocks")"
ok "captured deadlocks survive kill -9; ids keep growing"

[ "$(q -c "SELECT occurrences FROM upkeep.deadlock_summary WHERE tables = '{public.t}'")" = 3 ] ||
	fail "summary: $(q -c "SELECT * FROM upkeep.deadlock_summary")"
ok "the summary groups the three deadlocks of one shape in postgres"

# another role sees that deadlocks happened, not the statements or the report
q -c "CREATE ROLE viewer LOGIN" >/dev/null
v=$(as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -U viewer -d postgres \
	-c "SELECT count(*) || '/' || count(*) FILTER (WHERE query = '<insufficient privilege>') FROM upkeep.deadlock_participants" \
	-c "SELECT DISTINCT report FROM upkeep.deadlocks")
[ "$v" = "$(printf '8/8\n<insufficient privilege>')" ] || fail "viewer sees: $v"
q -c "GRANT pg_read_all_stats TO viewer" >/dev/null
v=$(as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -U viewer -d postgres \
	-c "SELECT count(*) FILTER (WHERE query LIKE 'UPDATE t SET%') FROM upkeep.deadlock_participants")
[ "$v" = 8 ] || fail "pg_read_all_stats member sees $v statements"
ok "statements and reports are hidden from roles without pg_read_all_stats"

echo "pg_deadlock_durability: $checks checks passed"
