#!/bin/bash
# tests/shell/mariadb_drain_flap.sh: the drain race under load.  Writers
# (accounts without READ_ONLY ADMIN) loop BEGIN; INSERT; (5 ms); COMMIT
# while maintenance mode flaps ON and OFF (mariadb_drain_flap.c).  No
# transaction may fail at COMMIT after its INSERT succeeded, no row may be
# committed while a window is active, and every ON must succeed.
#
# Environment: FLAP_WRITERS (default 2), FLAP_WINDOWS (default 100).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/mariadb.sh"

W=$(md_workdir drainflap)
trap 'md_kill9 "$W" 2>/dev/null; rm -rf "$W"' EXIT
fail() {
	echo "FAIL: $*"
	echo "--- server error log tail"; tail -20 "$W/error.log" 2>/dev/null
	exit 1
}

gcc -std=gnu99 -O2 -Wall -Wextra -Werror $(mariadb_config --cflags) \
	-o "$W/flap" "$TOP/tests/shell/mariadb_drain_flap.c" $(mariadb_config --libs) -lpthread ||
	fail "building the stress client"
md_new_server "$W" || fail "creating the data directory"
md_start "$W" "$(md_free_port)" "$TOP/mariadb_plugin" || fail "starting the server"

# the plugin's background connection is ready once upkeep_status() exists
ready=0
for _ in $(seq 1 300); do
	md_sql "$W" -N -e "SELECT upkeep_status() IS NOT NULL" 2>/dev/null | grep -q 1 && { ready=1; break; }
	sleep 0.1
done
[ $ready = 1 ] || fail "the plugin's background connection is not ready"
md_sql "$W" <<'EOF' || fail "setup"
CREATE DATABASE erp;
CREATE TABLE erp.flap (id BIGINT AUTO_INCREMENT PRIMARY KEY, w INT NOT NULL,
  n INT NOT NULL, at DATETIME(6) NOT NULL DEFAULT NOW(6)) ENGINE=InnoDB;
CREATE USER app@localhost;
GRANT SELECT, INSERT ON erp.* TO app@localhost;
SET GLOBAL upkeep_maintenance_reason = 'drain flap test';
SET GLOBAL upkeep_drain_timeout = 30;
SET GLOBAL upkeep_drain_action = 'fail';
EOF

"$W/flap" "$W/sock" "${FLAP_WRITERS:-2}" "${FLAP_WINDOWS:-100}" 2>&1 ||
	fail "the drain lost work or let a write through (see above)"
echo "ok: no transaction failed at COMMIT, nothing was committed during a window"

# every window is logged as entered and left
n=$(md_sql "$W" -N -e "SELECT COUNT(*) FROM upkeep.maintenance_log
	WHERE drain_outcome IN ('clean', 'waited') AND exited_at IS NOT NULL")
[ "$n" = "${FLAP_WINDOWS:-100}" ] || fail "maintenance_log has $n complete windows"
echo "ok: maintenance_log has $n complete windows"
md_stop "$W"
