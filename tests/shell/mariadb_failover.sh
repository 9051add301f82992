#!/bin/bash
# tests/shell/mariadb_failover.sh: the maintenance window survives a
# failover.  A primary and a replica (binary log, GTID, gtid_strict_mode,
# log_slave_updates), both with upkeep.  Each round:
#   - the window entered on the primary (and the runner's ephemeral account
#     registered) reaches the replica through replication: its
#     upkeep_status() shows it, as "standby", replicated from the primary;
#   - read_only turned OFF on the primary during the window is set back ON;
#   - the replica wrote nothing of its own: replication runs without an
#     error, the replica's GTID positions hold the primary's server id only,
#     and read_only on the replica is as the DBA set it;
#   - the replica is promoted the way failover tools do (the primary killed
#     or left running; STOP SLAVE; RESET SLAVE ALL; read_only = OFF): within
#     a poll the application's writes are refused again, maintenance_log
#     records the takeover, the maintainer writes, the runner's account is
#     registered on the new primary; OFF there ends the window, drops the
#     account and the application writes again.  In even rounds the
#     primary stays up and the promotion is STOP SLAVE; RESET SLAVE ALL;
#     SET GLOBAL upkeep_maintenance = ON (takes the window over at once):
#     no application write gets in, and read_only = OFF afterwards is set
#     back ON;
#   - ON and OFF on a replica that still replicates change nothing;
#   - the old primary (restarted after kill -9, or still running), made a
#     replica of the new one, ends its own copy of the window (taken
#     over), stays read-only and replicates without an error.
#
# Environment: FAILOVER_ROUNDS (default 2; fresh servers each round).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/mariadb.sh"

W=$(md_workdir failover)
trap 'md_kill9 "$W/p" 2>/dev/null; md_kill9 "$W/r" 2>/dev/null; rm -rf "$W"' EXIT
ROUNDS=${FAILOVER_ROUNDS:-2}
RUNNER=upkeep_run_0123456789ab
fail() {
	echo "FAIL (round $round): $*"
	for s in p r; do
		echo "--- $s: error log tail"; tail -15 "$W/$s/error.log" 2>/dev/null
	done
	exit 1
}
ok() { echo "ok (round $round): $*"; }

# wait_for SECS CMD...: poll a condition every 50 ms until a deadline
wait_for() {
	local until=$(($(date +%s%N) + $1 * 1000000000))
	shift
	while [ "$(date +%s%N)" -lt $until ]; do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}
q() { local s=$1; shift; md_sql "$W/$s" -N -B "$@"; }
plugin_ready() { q "$1" -e "SELECT upkeep_status() IS NOT NULL" 2>/dev/null | grep -q 1; }
status_is() {   # status_is SERVER JSON_PATH VALUE
	[ "$(q "$1" -e "SELECT JSON_UNQUOTE(JSON_EXTRACT(upkeep_status(), '$2'))" 2>/dev/null)" = "$3" ]
}
app_write() {   # app_write SERVER: 0 if the application's INSERT went through
	md_sql "$W/$1" -uapp -e "INSERT INTO erp.t (v) VALUES ('app')" 2>"$W/app.err"
}
app_refused() { ! app_write "$1" && grep -q "ERROR 1290" "$W/app.err"; }
runner_replicated() {
	[ "$(q r -e "SELECT runner_account FROM upkeep.window_state" 2>/dev/null)" = "'$RUNNER'@'localhost'" ]
}
read_only_on() { [ "$(q "$1" -e 'SELECT @@global.read_only' 2>/dev/null)" = 1 ]; }
row_on() { [ "$(q "$1" -e "SELECT COUNT(*) FROM erp.t WHERE v = '$2'" 2>/dev/null)" = 1 ]; }
row_on_replica() { row_on r "$1"; }
# only server id 1 (the primary) in a GTID position list such as 0-1-12
only_primary_gtids() {
	local pos
	pos=$(q r -e "SELECT CONCAT(@@global.gtid_current_pos, ',', @@global.gtid_binlog_pos)")
	! echo "$pos" | tr ',' '\n' | grep -v '^$' | grep -qv '^[0-9]*-1-[0-9]*$'
}

# two pristine data directories, copied for each round
mkdir -p "$W/pristine"
md_new_server "$W/pristine" || { round=0; fail "creating the data directory"; }
common=(--log-bin=upkeep-bin --gtid-strict-mode=ON --log-slave-updates=ON
	--binlog-format=MIXED)

takeover_ms_all=()
for round in $(seq 1 "$ROUNDS"); do
	rm -rf "$W/p" "$W/r"
	mkdir -p "$W/p" "$W/r"
	cp -a "$W/pristine/data" "$W/p/data"
	cp -a "$W/pristine/data" "$W/r/data"
	PP=$(md_free_port)
	PR=$(md_free_port)
	while [ "$PR" = "$PP" ]; do PR=$(md_free_port); done
	md_start "$W/p" "$PP" "$TOP/mariadb_plugin" "${common[@]}" --server-id=1 ||
		fail "starting the primary"
	md_start "$W/r" "$PR" "$TOP/mariadb_plugin" "${common[@]}" --server-id=2 \
		--read-only=ON || fail "starting the replica"
	wait_for 30 plugin_ready p || fail "the primary's plugin is not ready"
	wait_for 30 plugin_ready r || fail "the replica's plugin is not ready"
	only_primary_gtids || fail "the replica's plugin wrote to its binary log at start: $(q r -e 'SELECT @@gtid_binlog_pos')"

	md_sql "$W/p" <<EOF || fail "setting up the primary"
CREATE USER repl@'127.0.0.1' IDENTIFIED BY 'repl';
GRANT REPLICATION SLAVE ON *.* TO repl@'127.0.0.1';
CREATE DATABASE erp;
CREATE TABLE erp.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
CREATE USER app@localhost;
GRANT SELECT, INSERT ON erp.* TO app@localhost;
CREATE USER dba@localhost;
GRANT ALL ON erp.* TO dba@localhost;
GRANT READ_ONLY ADMIN ON *.* TO dba@localhost;
SET GLOBAL upkeep_maintenance_reason = 'ERP upgrade (failover test)';
EOF
	md_sql "$W/r" <<EOF || fail "starting replication"
CHANGE MASTER TO master_host='127.0.0.1', master_port=$PP, master_user='repl',
  master_password='repl', master_use_gtid=slave_pos;
START SLAVE;
EOF
	wait_for 30 q r -e "SELECT 1 FROM erp.t LIMIT 0" 2>/dev/null ||
		fail "the replica did not receive the schema"
	app_write p || fail "the application cannot write on the primary before the window"

	# ---- the window on the primary, with the runner's account
	md_sql "$W/p" -e "SET GLOBAL upkeep_maintenance = ON" || fail "entering on the primary"
	md_sql "$W/p" <<EOF || fail "the runner's account"
SET GLOBAL upkeep_window_account = '$RUNNER@localhost';
CREATE USER $RUNNER@localhost IDENTIFIED BY 'secret';
GRANT SELECT, INSERT ON erp.* TO $RUNNER@localhost;
GRANT READ_ONLY ADMIN ON *.* TO $RUNNER@localhost;
EOF
	app_refused p || fail "the application writes on the primary during the window"
	# a failover tool that makes "its" primary writable does not end the window
	md_sql "$W/p" -e "SET GLOBAL read_only = OFF" || fail "read_only OFF on the primary"
	wait_for 5 read_only_on p || fail "read_only stayed OFF on the primary during the window"
	app_refused p || fail "the application writes on the primary after read_only went OFF"
	window=$(q p -e "SELECT JSON_VALUE(upkeep_status(), '$.window_id')")
	md_sql "$W/p" -udba -e "INSERT INTO erp.t (v) VALUES ('before failover')" ||
		fail "the maintainer cannot write on the primary"

	wait_for 10 status_is r '$.phase' standby || fail "the replica's status does not show the window: $(q r -e 'SELECT upkeep_status()')"
	status_is r '$.replicated' true || fail "the replica's window is not marked replicated: $(q r -e 'SELECT upkeep_status()')"
	status_is r '$.replicated_from' 1 || fail "the replica does not name its primary"
	status_is r '$.reason' 'ERP upgrade (failover test)' || fail "the replica shows another reason"
	status_is r '$.window_id' "$window" || fail "the replica shows another window id"
	wait_for 10 runner_replicated || fail "the replicated row does not name the runner's account"
	[ -f "$W/r/data/upkeep_standby.state" ] || fail "the replica has no standby file"
	ok "the replica shows window $window of the primary (standby, replicated)"
	# ON and OFF on the replica change nothing there
	md_sql "$W/r" -e "SET GLOBAL upkeep_maintenance = ON" 2>"$W/on.err" &&
		fail "ON on a replica that replicates succeeded"
	grep -q "replicates from its primary (server_id 1)" "$W/on.err" ||
		fail "ON on the replica: $(cat "$W/on.err")"
	md_sql "$W/r" -e "SET GLOBAL upkeep_maintenance = OFF; SHOW WARNINGS" >"$W/off.out" ||
		fail "OFF on the replica failed"
	grep -q "replicated from its primary" "$W/off.out" || fail "OFF on the replica: $(cat "$W/off.out")"
	status_is r '$.phase' standby || fail "OFF on the replica changed its status"

	wait_for 10 row_on_replica 'before failover' ||
		fail "the maintainer's write did not reach the replica"
	md_sql "$W/r" --vertical -e "SHOW SLAVE STATUS" >"$W/slave_status"
	sql_running=$(awk '/ Slave_SQL_Running:/ {print $2}' "$W/slave_status")
	sql_errno=$(awk '/ Last_SQL_Errno:/ {print $2}' "$W/slave_status")
	[ "$sql_running" = Yes ] && [ "$sql_errno" = 0 ] ||
		fail "replication broke during the window: SQL running $sql_running, error $sql_errno"
	[ "$(q r -e 'SELECT @@global.gtid_strict_mode')" = 1 ] || fail "gtid_strict_mode is off"
	only_primary_gtids || fail "the replica wrote transactions of its own: $(q r -e 'SELECT @@gtid_current_pos, @@gtid_binlog_pos')"
	[ "$(q r -e 'SELECT @@global.read_only, @@global.upkeep_maintenance')" = "$(printf '1\t0')" ] ||
		fail "the replica's read_only or upkeep_maintenance changed"
	ok "replication runs, no error, the replica's GTIDs are the primary's only"

	# ---- failover.  Odd rounds: the primary dies, the replica is promoted
	# as failover tools do it.  Even rounds: the primary stays up, and the
	# promotion takes the window over before it opens read_only (no gap).
	if [ $((round % 2)) = 1 ]; then
		md_kill9 "$W/p"
		md_sql "$W/r" <<EOF || fail "promoting the replica"
STOP SLAVE;
RESET SLAVE ALL;
SET GLOBAL read_only = OFF;
EOF
	else
		md_sql "$W/r" <<EOF || fail "promoting the replica (taking the window over)"
STOP SLAVE;
RESET SLAVE ALL;
SET GLOBAL upkeep_maintenance = ON;
EOF
	fi
	t0=$(date +%s%N)
	slipped=0
	refused=0
	until=$((t0 + 10000000000))
	while [ "$(date +%s%N)" -lt $until ]; do
		if app_write r; then
			slipped=$((slipped + 1))
		elif grep -q "ERROR 1290" "$W/app.err"; then
			refused=1
			break
		fi
		sleep 0.05
	done
	t1=$(date +%s%N)
	[ $refused = 1 ] || fail "the application still writes on the promoted replica after 10 s"
	takeover_ms=$(((t1 - t0) / 1000000))
	takeover_ms_all+=("$takeover_ms")
	[ "$takeover_ms" -le 2000 ] || fail "the takeover took ${takeover_ms} ms (more than a poll or two)"
	if [ $((round % 2)) = 0 ]; then
		[ $slipped = 0 ] || fail "$slipped application writes went through after the takeover by ON"
		# a failover tool opening read_only afterwards does not end the window
		md_sql "$W/r" -e "SET GLOBAL read_only = OFF" || fail "read_only OFF on the new primary"
		wait_for 5 read_only_on r || fail "read_only stayed OFF on the new primary"
	fi
	ok "the application is refused on the new primary after ${takeover_ms} ms ($slipped writes went through before)"

	status_is r '$.phase' active || fail "the new primary's phase is not active"
	status_is r '$.window_id' "$window" || fail "the new primary has another window"
	[ "$(q r -e "SELECT drain_outcome, took_over_from, took_over_at IS NOT NULL
		FROM upkeep.maintenance_log WHERE window_id = $window")" = "$(printf 'takeover\t1\t1')" ] ||
		fail "maintenance_log does not record the takeover: $(q r -e 'SELECT * FROM upkeep.maintenance_log')"
	md_sql "$W/r" -udba -e "INSERT INTO erp.t (v) VALUES ('after failover')" ||
		fail "the maintainer cannot write on the new primary"
	[ "$(q r -e "SELECT CONCAT(user, '@', host) FROM upkeep.window_accounts")" = "$RUNNER@localhost" ] ||
		fail "the runner's account is not registered on the new primary"
	[ "$(q r -e "SELECT origin_server_id, active, took_over_from FROM upkeep.window_state")" = "$(printf '2\t1\t1')" ] ||
		fail "the new primary did not write the window's row"
	ok "maintenance_log records the takeover; the maintainer writes; the runner's account is registered"

	# ---- OFF on the new primary
	md_sql "$W/r" -e "SET GLOBAL upkeep_maintenance = OFF" || fail "exiting on the new primary"
	status_is r '$.phase' off || fail "the window did not end"
	[ "$(q r -e 'SELECT @@global.read_only')" = 0 ] || fail "read_only is not back OFF"
	app_write r || fail "the application cannot write after OFF: $(cat "$W/app.err")"
	[ "$(q r -e "SELECT COUNT(*) FROM mysql.user WHERE user = '$RUNNER'")" = 0 ] ||
		fail "the runner's account outlived the window"
	[ "$(q r -e "SELECT active, exited_at_us > 0, took_over_from FROM upkeep.window_state")" = "$(printf '0\t1\t1')" ] ||
		fail "the window's row does not say it ended (taken over from server 1): $(q r -e 'SELECT * FROM upkeep.window_state')"
	ok "OFF on the new primary ends the window"

	# ---- the old primary comes back (odd rounds: restarted after kill -9;
	# even rounds: it ran on) as a replica of the new one: its own copy of
	# the window ends there, read_only stays ON, replication runs
	if [ $((round % 2)) = 1 ]; then
		md_start "$W/p" "$PP" "$TOP/mariadb_plugin" "${common[@]}" --server-id=1 ||
			fail "restarting the old primary"
		wait_for 30 plugin_ready p || fail "the old primary's plugin is not ready"
	fi
	status_is p '$.phase' active || fail "the old primary is not in its window: $(q p -e 'SELECT upkeep_status()')"
	read_only_on p || fail "the old primary is not read-only in its window"
	md_sql "$W/p" <<EOF || fail "making the old primary a replica of the new one"
SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos;
CHANGE MASTER TO master_host='127.0.0.1', master_port=$PR, master_user='repl',
  master_password='repl', master_use_gtid=slave_pos;
START SLAVE;
EOF
	wait_for 10 status_is p '$.phase' off ||
		fail "the old primary kept its window as a replica: $(q p -e 'SELECT upkeep_status()')"
	[ "$(q p -e "SELECT exited_by, exited_at IS NOT NULL FROM upkeep.maintenance_log WHERE window_id = $window")" = \
		"$(printf 'upkeep: taken over by server_id 2\t1')" ] ||
		fail "the old primary's maintenance_log: $(q p -e "SELECT * FROM upkeep.maintenance_log WHERE window_id = $window")"
	read_only_on p || fail "read_only went OFF on the old primary, a replica now"
	[ "$(q p -e 'SELECT @@global.upkeep_maintenance')" = 0 ] ||
		fail "@@upkeep_maintenance still says ON on the old primary after the hand-over"
	[ "$(q p -e "SELECT COUNT(*) FROM mysql.user WHERE user = '$RUNNER'")" = 0 ] ||
		fail "the runner's account outlived the window on the old primary"
	wait_for 10 row_on p 'after failover' || fail "the new primary's writes do not reach the old primary"
	md_sql "$W/p" --vertical -e "SHOW SLAVE STATUS" >"$W/slave_status"
	[ "$(awk '/ Slave_SQL_Running:/ {print $2}' "$W/slave_status")" = Yes ] &&
		[ "$(awk '/ Last_SQL_Errno:/ {print $2}' "$W/slave_status")" = 0 ] ||
		fail "replication to the old primary broke: $(grep -E 'Running:|Last_.*Error:' "$W/slave_status")"
	ok "the old primary, back as a replica, hands its window over (taken over by server_id 2), stays read-only, replicates"

	md_kill9 "$W/p"
	md_stop "$W/r" || md_kill9 "$W/r"
done
echo "ok: $ROUNDS rounds; takeover times (ms): ${takeover_ms_all[*]}"
