#!/bin/bash
# tests/shell/pg_advisor_security.sh: upkeep.index_advice() and a hostile
# caller (issue 10).  A role that may only execute it must not get anyone
# else's rights while it reads the workload and plans it: each attack
# below made its role a superuser.  A cluster of its own: the patch runs
# it records are cluster-wide and would show in the pg_regress tests.
#
#  1. The caller's temporary view shadows pg_roles, mapping its own name
#     to the bootstrap superuser's OID; its own slow statement calls a
#     function of its temporary schema that the planner folds.
#  2. A role that may read every statement's text (pg_read_all_stats)
#     puts its own "=" before pg_catalog's in search_path; a superuser's
#     slow statement uses "=".  It must not be planned as that superuser.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/shell_test.sh"
uk_shell_test advisor-security

pg_new_cluster "$W" "$P" || fail "initdb"
pg_start "$W" || fail "start"

# psql as ROLE on database postgres, the script on stdin
as_role() { as_pg "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$W" -p "$P" -d postgres -U "$1"; }
superuser_of() { q -c "SELECT rolsuper FROM pg_roles WHERE rolname = '$1'"; }

as_role postgres >/dev/null <<'SQL' || fail "setup"
CREATE EXTENSION upkeep;
CREATE ROLE regress_upkeep_evil LOGIN;
GRANT EXECUTE ON FUNCTION upkeep.index_advice(text[], float8, int) TO regress_upkeep_evil;
CREATE ROLE regress_upkeep_reader LOGIN IN ROLE pg_read_all_stats;
GRANT EXECUTE ON FUNCTION upkeep.index_advice(text[], float8, int) TO regress_upkeep_reader;
CREATE SCHEMA regress_upkeep_reader AUTHORIZATION regress_upkeep_reader;
-- the superuser's slow statement of scenario 2
SET upkeep.slow_statement_ms = 0;
SELECT upkeep.patch_begin('regress.advisor_security.admin');
SELECT 1 = 1 AS same;
SELECT upkeep.patch_end();
SQL

# 1. pg_roles shadowed by a temporary view
out=$(as_role regress_upkeep_evil 2>&1 <<'SQL'
CREATE TEMP VIEW pg_roles AS
	SELECT 'regress_upkeep_evil'::name AS rolname, 10::oid AS oid;
CREATE FUNCTION pg_temp.grant_me() RETURNS void VOLATILE LANGUAGE plpgsql AS $$
BEGIN
	IF current_user <> 'regress_upkeep_evil' THEN
		ALTER ROLE regress_upkeep_evil SUPERUSER;
	END IF;
END $$;
CREATE FUNCTION pg_temp.escalate(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_temp.grant_me();
	RETURN $1;
END $$;
SET upkeep.slow_statement_ms = 0;
SELECT upkeep.patch_begin('regress.advisor_security.evil') > 0;
SELECT pg_temp.escalate(1);
SELECT upkeep.patch_end();
SET search_path = pg_temp, pg_catalog;
SELECT count(*) FROM upkeep.index_advice(NULL);
SQL
) || fail "scenario 1 did not run: $out"
[ "$(superuser_of regress_upkeep_evil)" = f ] ||
	fail "a temporary view named pg_roles made its role a superuser: $out"
ok "a temporary pg_roles view does not change the role a statement is planned as"
echo "$out" | grep -Eq "index advice from upkeep.slow_statements: [1-9][0-9]* statements planned" ||
	fail "the role's own statement was not planned as itself: $out"
ok "the role's own statement is planned, as itself"

# 2. a caller's "=" and a superuser's statement
out=$(as_role regress_upkeep_reader 2>&1 <<'SQL'
CREATE FUNCTION regress_upkeep_reader.grant_me() RETURNS void
VOLATILE LANGUAGE plpgsql AS $$
BEGIN
	IF current_user <> 'regress_upkeep_reader' THEN
		ALTER ROLE regress_upkeep_reader SUPERUSER;
	END IF;
END $$;
CREATE FUNCTION regress_upkeep_reader.eq(int, int) RETURNS boolean
IMMUTABLE LANGUAGE plpgsql AS $$
BEGIN
	PERFORM regress_upkeep_reader.grant_me();
	RETURN $1 OPERATOR(pg_catalog.=) $2;
END $$;
CREATE OPERATOR regress_upkeep_reader.= (LEFTARG = int, RIGHTARG = int,
										 FUNCTION = regress_upkeep_reader.eq);
SET search_path = regress_upkeep_reader, pg_catalog;
SELECT count(*) FROM upkeep.index_advice(NULL);
SQL
) || fail "scenario 2 did not run: $out"
[ "$(superuser_of regress_upkeep_reader)" = f ] ||
	fail "a superuser's statement was planned as that superuser: $out"
ok "a superuser's statement is not planned for a role that is not a member"
echo "$out" | grep -q "statements of roles that regress_upkeep_reader may not SET ROLE to were left out" ||
	fail "the statements left out are not counted: $out"
ok "the statements left out are counted in the NOTICE"

# the same statement given by the caller is planned as the caller
out=$(as_role regress_upkeep_reader 2>&1 <<'SQL'
SET search_path = regress_upkeep_reader, pg_catalog;
SELECT count(*) FROM upkeep.index_advice(ARRAY['SELECT 1 = 1']);
SQL
) || fail "given statement: $out"
[ "$(superuser_of regress_upkeep_reader)" = f ] || fail "a given statement escalated: $out"
ok "a statement given by the caller is planned as the caller"
echo "all $checks checks passed"
