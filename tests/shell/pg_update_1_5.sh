#!/bin/bash
# tests/shell/pg_update_1_5.sh: ALTER EXTENSION upkeep UPDATE from 1.4 to
# 1.5 keeps the EXECUTE grants of enter_maintenance() (its signature gains
# wait_for_standbys) and the new columns of upkeep.maintenance work.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test update15

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep VERSION '1.4'" -c 'CREATE ROLE "ERP admin" LOGIN' \
	-c 'GRANT EXECUTE ON FUNCTION upkeep.enter_maintenance(text, interval, interval, text) TO "ERP admin" WITH GRANT OPTION' \
	-c 'GRANT EXECUTE ON FUNCTION upkeep.index_advice(text[], float8, int) TO "ERP admin"' \
	-c "ALTER EXTENSION upkeep UPDATE" >/dev/null || fail "update from 1.4"
[ "$(q -c "SELECT extversion FROM pg_extension WHERE extname = 'upkeep'")" = 1.5 ] || fail "version"
[ "$(q -c "SELECT has_function_privilege('ERP admin', 'upkeep.enter_maintenance(text, interval, interval, text, interval)', 'EXECUTE WITH GRANT OPTION')")" = t ] ||
	fail "the grant was lost: $(q -c "SELECT proacl FROM pg_proc WHERE proname = 'enter_maintenance'")"
[ "$(q -c "SELECT has_function_privilege('public', 'upkeep.enter_maintenance(text, interval, interval, text, interval)', 'EXECUTE')")" = f ] ||
	fail "PUBLIC may enter maintenance"
ok "the update keeps who may enter maintenance, and PUBLIC still may not"
[ "$(q -c "SELECT window_lsn IS NULL AND standbys_behind = '{}' FROM upkeep.maintenance")" = t ] ||
	fail "new columns: $(q -c 'SELECT * FROM upkeep.maintenance')"
ok "upkeep.maintenance has window_lsn and the standby columns"

# index_advice() gains include_columns at the end, keeps who may run it
# and its comment, and the updated extension is the same as a fresh one
[ "$(q -c "SELECT has_function_privilege('ERP admin', 'upkeep.index_advice(text[], float8, int)', 'EXECUTE')
              AND NOT has_function_privilege('public', 'upkeep.index_advice(text[], float8, int)', 'EXECUTE')
              AND obj_description('upkeep.index_advice(text[], float8, int)'::regprocedure) LIKE 'Indexes the workload misses%'")" = t ] ||
	fail "index_advice's grants or comment changed: $(q -c "SELECT proacl FROM pg_proc WHERE proname = 'index_advice'")"
advice_row="SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
              FROM pg_attribute WHERE attrelid = 'upkeep.index_advice_row'::regclass AND attnum > 0"
updated=$(q -c "$advice_row")
case "$updated" in
	*", cost_after double precision, include_columns text[]") ;;
	*) fail "index_advice_row after the update: $updated" ;;
esac
acl="SELECT proacl FROM pg_proc WHERE oid = 'upkeep.index_advice(text[], float8, int)'::regprocedure"
q -c "CREATE DATABASE fresh" >/dev/null || fail "create database fresh"
q -d fresh -c "CREATE EXTENSION upkeep" >/dev/null || fail "fresh install"
[ "$(q -d fresh -c "$advice_row")" = "$updated" ] ||
	fail "a fresh install's index_advice_row differs: $(q -d fresh -c "$advice_row")"
[ "$(q -d fresh -c "$acl")" = "$(q -c "REVOKE EXECUTE ON FUNCTION upkeep.index_advice(text[], float8, int) FROM \"ERP admin\"" -c "$acl")" ] ||
	fail "a fresh install's grants on index_advice differ from the updated one's"
ok "index_advice: include_columns last, grants and comment kept, the same as a fresh install"

echo "pg_update_1_5: $checks checks passed"
