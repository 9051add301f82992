#!/bin/bash
# tests/shell/pg_failover_nolib.sh: a standby that does not preload upkeep
# fails early, as documented: the primary writes a small record when a
# standby connects, so the standby stops as soon as it streams, with
# "resource manager with ID 197 not registered", before any window.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test failover_nolib
S=$W/standby
PS=$(free_port)
trap 'pg_stop "$S" immediate 2>/dev/null; pg_stop "$W" immediate 2>/dev/null; rm -rf "$W"' EXIT

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start primary"
q -c "CREATE EXTENSION upkeep" >/dev/null || fail "setup"
[ "$(q -c "SELECT count(*) FROM pg_get_wal_resource_managers() WHERE rm_id = 197 AND rm_name = 'upkeep'")" = 1 ] ||
	fail "the resource manager is not registered: $(q -c 'SELECT * FROM pg_get_wal_resource_managers() WHERE rm_id > 127')"
ok "upkeep's resource manager is registered with ID 197"

pg_new_standby "$W" "$P" "$S" "$PS" "shared_preload_libraries = ''" || fail "pg_basebackup"
as_pg "$PGBIN/pg_ctl" -D "$S/data" -l "$S/server.log" start >/dev/null 2>&1
standby_down() { ! as_pg "$PGBIN/pg_ctl" -D "$S/data" status >/dev/null 2>&1; }
uk_wait 60 standby_down || fail "a standby without upkeep keeps running: $(tail -5 "$S/server.log")"
grep -q "resource manager with ID 197 not registered" "$S/server.log" ||
	fail "the standby stopped for another reason: $(tail -10 "$S/server.log")"
ok "a standby without upkeep stops at its first streamed record, with a clear message"
[ "$(q -c "SELECT active FROM upkeep.maintenance")" = f ] || fail "a window is active"
ok "it stopped before any window was entered"

echo "pg_failover_nolib: $checks checks passed"
