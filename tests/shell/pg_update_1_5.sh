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

echo "pg_update_1_5: $checks checks passed"
