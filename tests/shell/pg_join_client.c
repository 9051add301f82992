/*
 * pg_join_client.c
 *		A small libpq client for tests/shell/pg_join_token.sh: sends what
 *		psql cannot.
 *
 *	pg_join_client CONNINFO fastpath OID
 *		The session's first message is a fast-path call (PQfn) of the
 *		function OID (no arguments, returns int4); then it tries
 *		INSERT INTO t VALUES (7).  Prints "fastpath: ok|error ..." and
 *		"insert: ok|error ...".
 *	pg_join_client CONNINFO params TOKEN
 *		SELECT upkeep.join_maintenance($1) with the token as a bound
 *		parameter (extended protocol), then SELECT 1/0 with it as $1 too.
 *
 * Exit status 0 unless the connection fails or the arguments are wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq-fe.h"

static void
report(const char *what, PGresult *res, ExecStatusType want)
{
	if (PQresultStatus(res) == want)
		printf("%s: ok\n", what);
	else
		printf("%s: error %s", what, PQresultErrorMessage(res));
	PQclear(res);
}

int
main(int argc, char **argv)
{
	PGconn	   *conn;

	if (argc != 4)
	{
		fprintf(stderr, "usage: pg_join_client CONNINFO fastpath OID | params TOKEN\n");
		return 2;
	}
	conn = PQconnectdb(argv[1]);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "pg_join_client: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return 2;
	}

	if (strcmp(argv[2], "fastpath") == 0)
	{
		int			result = 0;
		int			result_len = 0;

		report("fastpath", PQfn(conn, atoi(argv[3]), &result, &result_len, 1,
								NULL, 0), PGRES_COMMAND_OK);
		report("insert", PQexec(conn, "INSERT INTO t VALUES (7)"),
			   PGRES_COMMAND_OK);
	}
	else if (strcmp(argv[2], "params") == 0)
	{
		const char *values[1] = {argv[3]};

		report("join", PQexecParams(conn, "SELECT upkeep.join_maintenance($1)",
									1, NULL, values, NULL, NULL, 0),
			   PGRES_TUPLES_OK);
		report("fail", PQexecParams(conn, "SELECT 1 / 0 WHERE $1::text IS NOT NULL",
									1, NULL, values, NULL, NULL, 0),
			   PGRES_TUPLES_OK);
	}
	else
	{
		fprintf(stderr, "pg_join_client: unknown mode \"%s\"\n", argv[2]);
		PQfinish(conn);
		return 2;
	}
	PQfinish(conn);
	return 0;
}
