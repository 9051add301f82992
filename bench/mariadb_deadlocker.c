/*
 * bench/mariadb_deadlocker.c
 *		Makes N InnoDB deadlocks between two sessions, one after another, for
 *		bench/mariadb_deadlocks.sh.
 *
 *		mariadb_deadlocker SOCKET DATABASE N INTERVAL_MS
 *
 * Each deadlock: a updates row 1; b locks row 2 (SELECT ... FOR UPDATE);
 * a's UPDATE of row 2 is sent without waiting; once InnoDB shows a in LOCK
 * WAIT (polled on a third connection), b updates row 1 and, having changed
 * nothing, is rolled back with error 1213 (should InnoDB pick a, a gets it).  No timing assumptions, so it
 * works under any load.  Table upkeep_dl (id, v) is created if missing.
 * Prints the number of 1213 errors b received; exits non-zero on any other
 * error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>

static MYSQL *
connect_to(const char *sock, const char *db)
{
	MYSQL	   *m = mysql_init(NULL);

	if (m == NULL ||
		!mysql_real_connect(m, NULL, "root", NULL, db, 0, sock, 0))
	{
		fprintf(stderr, "connect: %s\n", m ? mysql_error(m) : "out of memory");
		exit(1);
	}
	return m;
}

/* Run q; discard any rows; return the error number (0 = none). */
static unsigned
run(MYSQL *m, const char *q)
{
	MYSQL_RES  *r;

	if (mysql_query(m, q))
		return mysql_errno(m);
	if ((r = mysql_store_result(m)) != NULL)
		mysql_free_result(r);
	return 0;
}

static void
must(MYSQL *m, const char *q)
{
	if (run(m, q))
	{
		fprintf(stderr, "%s: %s\n", q, mysql_error(m));
		exit(1);
	}
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int
main(int argc, char **argv)
{
	MYSQL	   *a, *b, *c;
	int			n, got = 0;
	long		interval;

	if (argc != 5)
	{
		fprintf(stderr, "usage: %s SOCKET DATABASE N INTERVAL_MS\n", argv[0]);
		return 2;
	}
	n = atoi(argv[3]);
	interval = atol(argv[4]);
	a = connect_to(argv[1], argv[2]);
	b = connect_to(argv[1], argv[2]);
	c = connect_to(argv[1], argv[2]);
	must(c, "CREATE TABLE IF NOT EXISTS upkeep_dl (id INT PRIMARY KEY, v INT)"
		 " ENGINE=InnoDB");
	must(c, "INSERT IGNORE INTO upkeep_dl VALUES (1, 0), (2, 0)");

	for (int i = 0; i < n; i++)
	{
		unsigned	err;

		must(a, "START TRANSACTION");
		must(a, "UPDATE upkeep_dl SET v = v + 1 WHERE id = 1");
		must(b, "START TRANSACTION");
		must(b, "SELECT v FROM upkeep_dl WHERE id = 2 FOR UPDATE");
		if (mysql_send_query(a, "UPDATE upkeep_dl SET v = v + 1 WHERE id = 2",
							 (unsigned long) strlen("UPDATE upkeep_dl SET v = v + 1 WHERE id = 2")))
		{
			fprintf(stderr, "send: %s\n", mysql_error(a));
			return 1;
		}
		err = run(b, "UPDATE upkeep_dl SET v = v + 1 WHERE id = 1");
		if (err == 1213)
			got++;
		else if (err)
		{
			fprintf(stderr, "b: %s\n", mysql_error(b));
			return 1;
		}
		must(b, "ROLLBACK");
		if (mysql_read_query_result(a))
		{
			/* InnoDB chose a instead */
			if (mysql_errno(a) != 1213 || err == 1213)
			{
				fprintf(stderr, "a: %s\n", mysql_error(a));
				return 1;
			}
			got++;
			must(a, "ROLLBACK");
		}
		else
			must(a, "COMMIT");
		if (interval > 0)
			sleep_ms(interval);
	}
	printf("%d\n", got);
	mysql_close(a);
	mysql_close(b);
	mysql_close(c);
	return 0;
}
