#!/bin/bash
# tests/shell/pg_join_token.sh: the join checks the session user, and the
# token never shows.
#
# 1. A role that is not a member of the entering role, with the right token
#    in upkeep.join_token (startup packet), whose first message is a
#    fast-path call of a SECURITY DEFINER function owned by the entering
#    role (current_user is the owner there), does not join.
# 2. The token does not reach the server log or pg_stat_activity.query by
#    any route: a refused join_maintenance('<token>'), a join followed by a
#    failing statement in the same query string, SET upkeep.join_token
#    followed by an error, bound parameters, an idle session whose last
#    statement joined or set the token; first with the log settings at
#    their defaults, then with log_statement = 'all',
#    log_min_duration_statement = 0, log_connections and auto_explain.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test join_token

gcc -Wall -Werror -I"$(pg_config --includedir)" -o "$W/pg_join_client" \
	"$TOP/tests/shell/pg_join_client.c" -lpq || fail "build pg_join_client"
client() { as_pg "$W/pg_join_client" "host=$W port=$P dbname=postgres $1" "${@:2}" 2>&1; }
as_user() { local u=$1; shift; as_pg "$PGBIN/psql" -X -q -At -h "$W" -p "$P" -U "$u" -d postgres "$@" 2>&1; }

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"
q -c "CREATE EXTENSION upkeep" -c "CREATE TABLE t (a int)" \
	-c "CREATE ROLE dba LOGIN" -c "CREATE ROLE app LOGIN" -c "GRANT ALL ON t TO app, dba" \
	-c "GRANT EXECUTE ON FUNCTION upkeep.enter_maintenance(text, interval, interval, text, interval), upkeep.exit_maintenance() TO dba" \
	-c "CREATE FUNCTION touch() RETURNS int SECURITY DEFINER LANGUAGE sql AS 'SELECT count(*)::int FROM t'" \
	-c "ALTER FUNCTION touch() OWNER TO dba" >/dev/null || fail "setup"
oid=$(q -c "SELECT 'touch()'::regprocedure::oid")
token=$(as_user dba -c "SELECT upkeep.enter_maintenance('join token test')") || fail "enter: $token"
secret=${token#uk1-}
[ ${#secret} = 64 ] || fail "unexpected token: $token"

# 1. the fast-path call of a SECURITY DEFINER function as the first message
out=$(client "user=app options='-c upkeep.join_token=$token'" fastpath "$oid")
echo "$out" | grep -q "^fastpath: ok" || fail "the fast-path call failed: $out"
echo "$out" | grep -q "^insert: error ERROR:  database is in maintenance mode" ||
	fail "a non-member joined through a SECURITY DEFINER function: $out"
ok "a fast-path call of the entering role's SECURITY DEFINER function does not let a non-member join"
out=$(client "user=dba options='-c upkeep.join_token=$token'" fastpath "$oid")
echo "$out" | grep -q "^insert: ok" || fail "the entering role could not join the same way: $out"
ok "the entering role still joins that way"

# 2. the token never shows
no_leak() {
	grep -qF "$secret" "$W/server.log" && {
		grep -F "$secret" "$W/server.log" | head -5
		fail "the token is in the server log ($1)"
	}
	ok "token not in the server log ($1)"
}

# an idle session whose last statement was $2, seen in pg_stat_activity
idle_session_hides_token() {
	local label=$1 stmt=$2 pid="" query
	coproc IDLE { as_user dba; }
	echo "SELECT pg_backend_pid() AS pid;" >&"${IDLE[1]}"
	read -r -t 30 pid <&"${IDLE[0]}" || fail "no pid from the idle session ($label)"
	echo "$stmt" >&"${IDLE[1]}"
	for _ in $(seq 1 300); do
		query=$(q -c "SELECT query FROM pg_stat_activity WHERE pid = $pid AND state = 'idle' AND query LIKE '%uk1-%'")
		[ -n "$query" ] && break
		sleep 0.1
	done
	[ -n "$query" ] || fail "the idle session never ran its statement ($label)"
	echo "$query" | grep -qF "$secret" && fail "pg_stat_activity.query shows the token ($label): $query"
	ok "pg_stat_activity.query of an idle session hides the token ($label): $query"
	exec {IDLE[1]}>&-
	wait "$IDLE_PID" 2>/dev/null
}

leak_routes() {
	local phase=$1
	as_user app -c "SELECT upkeep.join_maintenance('$token')" | grep -q "permission denied to join" ||
		fail "the refused join was not refused ($phase)"
	as_user dba -c "SELECT upkeep.join_maintenance('$token'); SELECT 1/0" | grep -q "division by zero" ||
		fail "no error after the join ($phase)"
	as_user dba -c "SET upkeep.join_token = '$token'; SELECT 1/0" | grep -q "division by zero" ||
		fail "no error after SET ($phase)"
	out=$(client "user=dba" params "$token")
	echo "$out" | grep -q "^join: ok" || fail "join with a bound parameter ($phase): $out"
	as_pg env PGOPTIONS="-c upkeep.join_token=$token" "$PGBIN/psql" -X -q -At -h "$W" -p "$P" \
		-U dba -d postgres -c "INSERT INTO t VALUES (1)" >/dev/null 2>&1 || fail "PGOPTIONS join ($phase)"
	idle_session_hides_token "join_maintenance, $phase" "SELECT upkeep.join_maintenance('$token');"
	idle_session_hides_token "SET upkeep.join_token, $phase" "SET upkeep.join_token = '$token';"
	grep -q "STATEMENT:  SELECT upkeep.join_maintenance('uk1-\*\{64\}')" "$W/server.log" ||
		fail "no redacted STATEMENT line: the routes were not exercised ($phase)"
	no_leak "$phase"
}

leak_routes "default log settings"

q -c "ALTER SYSTEM SET log_statement = 'all'" -c "ALTER SYSTEM SET log_min_duration_statement = 0" \
	-c "ALTER SYSTEM SET log_connections = on" -c "ALTER SYSTEM SET log_min_messages = info" \
	-c "LOAD 'auto_explain'" -c "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'" \
	-c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" \
	-c "ALTER SYSTEM SET auto_explain.log_nested_statements = on" \
	-c "SELECT pg_reload_conf()" >/dev/null || fail "logging settings"
for _ in $(seq 1 100); do
	[ "$(q -c 'SHOW log_statement')" = all ] && break
	sleep 0.1
done
leak_routes "log_statement = all, auto_explain"
grep -q "statement: SELECT upkeep.join_maintenance('uk1-\*\{64\}')" "$W/server.log" ||
	fail "log_statement did not log the redacted join"
grep -q "parameters: \$1 = 'uk1-\*\{64\}'" "$W/server.log" ||
	fail "the bound parameter was not logged redacted"
grep -q "Query Text: SELECT upkeep.join_maintenance('uk1-\*\{64\}')" "$W/server.log" ||
	fail "auto_explain did not log the redacted join"
ok "log_statement, parameters and auto_explain show the token redacted"

as_user dba -c "SELECT upkeep.exit_maintenance()" >/dev/null || fail "exit"
echo "pg_join_token: $checks passed, 0 failed"
