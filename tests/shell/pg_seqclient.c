/*
 * pg_seqclient.c: a client for tests/shell/pg_sequences.sh that changes a
 * sequence the ways psql cannot.
 *
 *	pg_seqclient CONNINFO fastpath FUNC SEQ VALUE
 *		one fast-path function call (PQfn) of FUNC(SEQ) or, with a VALUE
 *		other than "-", FUNC(SEQ, VALUE): FUNC and SEQ are OIDs
 *	pg_seqclient CONNINFO portal
 *		BEGIN; Parse and Bind "SELECT pg_catalog.nextval('s')" into a
 *		portal; print "bound"; wait for a line on stdin; Execute the
 *		portal; COMMIT.  libpq cannot separate Bind from Execute, so the
 *		extended-protocol messages are written on libpq's socket directly.
 *
 * Prints one line per step: "ok VALUE" or "error SQLSTATE MESSAGE".
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

static void
report(PGresult *res)
{
	if (PQresultStatus(res) == PGRES_COMMAND_OK ||
		PQresultStatus(res) == PGRES_TUPLES_OK)
		printf("ok %s\n", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
	else
		printf("error %s %s", PQresultErrorField(res, PG_DIAG_SQLSTATE),
			   PQresultErrorMessage(res));
}

static int
fastpath(PGconn *conn, const char *func, const char *seq, const char *value)
{
	PQArgBlock args[2];
	unsigned char v[8];
	unsigned char buf[8];
	int			len = 0;
	long long	n;
	PGresult   *res;

	args[0].isint = 1;
	args[0].len = 4;
	args[0].u.integer = (int) strtoul(seq, NULL, 10);
	if (strcmp(value, "-") != 0)
	{
		n = strtoll(value, NULL, 10);
		for (int i = 0; i < 8; i++)
			v[i] = (unsigned char) ((unsigned long long) n >> (56 - 8 * i));
		args[1].isint = 0;
		args[1].len = 8;
		args[1].u.ptr = (int *) v;
	}
	res = PQfn(conn, (int) strtoul(func, NULL, 10), (int *) buf, &len, 0,
			   args, strcmp(value, "-") != 0 ? 2 : 1);
	if (PQresultStatus(res) == PGRES_COMMAND_OK && len == 8)
	{
		n = 0;
		for (int i = 0; i < 8; i++)
			n = (long long) (((unsigned long long) n << 8) | buf[i]);
		printf("ok %lld\n", n);
	}
	else
		report(res);
	PQclear(res);
	return 0;
}

/* append a protocol message: type, int32 length, body */
static size_t
msg(char *out, char type, const char *body, size_t len)
{
	uint32_t	nlen = htonl((uint32_t) (len + 4));

	out[0] = type;
	memcpy(out + 1, &nlen, 4);
	memcpy(out + 5, body, len);
	return len + 5;
}

/* read messages until ReadyForQuery (or, with until, until that type) */
static int
read_until(int fd, char until)
{
	for (;;)
	{
		char		hdr[5];
		uint32_t	len;
		char	   *body;
		size_t		got = 0;

		while (got < 5)
		{
			ssize_t		r = read(fd, hdr + got, 5 - got);

			if (r <= 0)
				return -1;
			got += (size_t) r;
		}
		memcpy(&len, hdr + 1, 4);
		len = ntohl(len) - 4;
		body = malloc(len + 1);
		for (got = 0; got < len;)
		{
			ssize_t		r = read(fd, body + got, len - got);

			if (r <= 0)
				return -1;
			got += (size_t) r;
		}
		body[len] = '\0';
		if (hdr[0] == 'E')
		{
			const char *code = "?";
			const char *text = "?";

			for (char *f = body; *f; f += strlen(f) + 1)
			{
				if (f[0] == 'C')
					code = f + 1;
				if (f[0] == 'M')
					text = f + 1;
			}
			printf("error %s %s\n", code, text);
		}
		else if (hdr[0] == 'D')
		{
			int32_t		vlen;

			memcpy(&vlen, body + 2, 4);
			vlen = (int32_t) ntohl((uint32_t) vlen);
			printf("ok %.*s\n", vlen, body + 6);
		}
		free(body);
		if (hdr[0] == until)
			return 0;
	}
}

static int
portal(PGconn *conn)
{
	static const char query[] = "SELECT pg_catalog.nextval('s')";
	char		out[512];
	char		body[256];
	size_t		n = 0;
	size_t		b;
	char		line[64];
	int			fd = PQsocket(conn);
	PGresult   *res = PQexec(conn, "BEGIN");

	report(res);
	PQclear(res);
	/* libpq's socket is non-blocking; these raw reads want to wait */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
		return 1;

	/* Parse (unnamed statement), Bind (portal "p1"), Flush */
	b = 0;
	body[b++] = '\0';
	memcpy(body + b, query, sizeof(query));
	b += sizeof(query);
	memset(body + b, 0, 2);
	b += 2;
	n += msg(out + n, 'P', body, b);
	b = 0;
	memcpy(body + b, "p1", 3);
	b += 3;
	body[b++] = '\0';
	memset(body + b, 0, 6);		/* no formats, no parameters, no result formats */
	b += 6;
	n += msg(out + n, 'B', body, b);
	n += msg(out + n, 'H', "", 0);
	if (write(fd, out, n) != (ssize_t) n || read_until(fd, '2') != 0)
		return 1;
	printf("bound\n");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 1;

	/* Execute portal "p1" (all rows), Sync, then COMMIT */
	n = 0;
	memcpy(body, "p1\0\0\0\0\0", 7);
	n += msg(out + n, 'E', body, 7);
	n += msg(out + n, 'S', "", 0);
	n += msg(out + n, 'Q', "COMMIT", 7);
	if (write(fd, out, n) != (ssize_t) n || read_until(fd, 'Z') != 0 ||
		read_until(fd, 'Z') != 0)
		return 1;
	printf("done\n");
	return 0;
}

int
main(int argc, char **argv)
{
	PGconn	   *conn;
	int			rc;

	if (argc < 3)
	{
		fprintf(stderr, "usage: pg_seqclient CONNINFO fastpath FUNC SEQ VALUE | portal\n");
		return 2;
	}
	conn = PQconnectdb(argv[1]);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "%s", PQerrorMessage(conn));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[2], "fastpath") == 0 && argc == 6)
		rc = fastpath(conn, argv[3], argv[4], argv[5]);
	else if (strcmp(argv[2], "portal") == 0)
		rc = portal(conn);
	else
		rc = 2;
	PQfinish(conn);
	return rc;
}
