/*
 * mariadb_drain_flap.c
 *		The drain race stress client of tests/shell/mariadb_drain_flap.sh.
 *
 * W writer threads, each on its own connection as an account without
 * READ_ONLY ADMIN, loop "BEGIN; INSERT; (a few ms); COMMIT" into
 * erp.flap, while the main thread, as root, enters and leaves maintenance
 * mode F times.  It asserts, without depending on timing:
 *
 *   - no transaction fails at COMMIT after its INSERT succeeded (the drain
 *     must never leave a transaction that has written open when ON
 *     returns: read_only would then refuse its COMMIT with 1290);
 *   - no row is committed while a window is active: the row count read
 *     right after ON returns equals the one read right before OFF, and in
 *     between every writer has had an INSERT refused (so each one did try
 *     to write during the window);
 *   - every SET ... = ON succeeds, and every writer commits again between
 *     two windows (each window starts with writers in flight).
 *
 * Every wait for a condition has a deadline; exits 0 when all holds,
 * 1 otherwise, 2 on a usage or connection error.
 *
 * usage: mariadb_drain_flap SOCKET WRITERS FLAPS
 */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#define ER_READ_ONLY 1290
#define COND_WAIT_MS 30000		/* deadline of each condition wait */

typedef struct
{
	int			no;
	pthread_t	thread;
	/* written by the writer, read by the main thread */
	unsigned long commits;		/* successful COMMITs */
	unsigned long refused;		/* INSERTs refused with 1290 */
	unsigned long lost;			/* COMMIT failed after a successful INSERT */
	unsigned long other_errors;
	unsigned int last_lost_errno;
	char		last_error[256];
} writer;

static const char *sock;
static volatile int stop;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static unsigned long
load(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
bump(unsigned long *p)
{
	__atomic_fetch_add(p, 1, __ATOMIC_RELEASE);
}

static MYSQL *
connect_as(const char *user)
{
	MYSQL	   *m = mysql_init(NULL);

	if (!m || !mysql_real_connect(m, NULL, user, NULL, NULL, 0, sock, 0))
	{
		fprintf(stderr, "connect as %s: %s\n", user, m ? mysql_error(m) : "no memory");
		return NULL;
	}
	return m;
}

static void *
writer_main(void *arg)
{
	writer	   *w = arg;
	MYSQL	   *m = connect_as("app");
	unsigned long n = 0;
	char		q[200];

	if (!m)
	{
		bump(&w->other_errors);
		return NULL;
	}
	while (!stop)
	{
		if (mysql_query(m, "BEGIN"))
		{
			bump(&w->other_errors);
			snprintf(w->last_error, sizeof(w->last_error), "BEGIN: %s", mysql_error(m));
			pause_ms(5);
			continue;
		}
		snprintf(q, sizeof(q), "INSERT INTO erp.flap (w, n) VALUES (%d, %lu)", w->no, ++n);
		if (mysql_query(m, q))
		{
			if (mysql_errno(m) == ER_READ_ONLY)
				bump(&w->refused);
			else
			{
				bump(&w->other_errors);
				snprintf(w->last_error, sizeof(w->last_error), "INSERT: %s", mysql_error(m));
			}
			mysql_query(m, "ROLLBACK");
			pause_ms(1);
			continue;
		}
		pause_ms(5);
		if (mysql_query(m, "COMMIT"))
		{
			bump(&w->lost);
			w->last_lost_errno = mysql_errno(m);
			snprintf(w->last_error, sizeof(w->last_error), "COMMIT: %s", mysql_error(m));
			mysql_query(m, "ROLLBACK");
			continue;
		}
		bump(&w->commits);
	}
	mysql_close(m);
	return NULL;
}

static int
query(MYSQL *m, const char *q)
{
	if (mysql_query(m, q))
	{
		fprintf(stderr, "%s: %u %s\n", q, mysql_errno(m), mysql_error(m));
		return 1;
	}
	return 0;
}

static long long
count_rows(MYSQL *m)
{
	MYSQL_RES  *res;
	MYSQL_ROW	row;
	long long	n = -1;

	if (query(m, "SELECT COUNT(*) FROM erp.flap"))
		return -1;
	res = mysql_store_result(m);
	if (res && (row = mysql_fetch_row(res)) && row[0])
		n = atoll(row[0]);
	if (res)
		mysql_free_result(res);
	return n;
}

/* Wait until every writer's counter at offset has passed its mark. */
static int
wait_all_past(writer *ws, int nw, size_t offset, const unsigned long *marks)
{
	long long	until = now_ms() + COND_WAIT_MS;

	for (;;)
	{
		int			all = 1;

		for (int i = 0; i < nw; i++)
			if (load((unsigned long *) ((char *) &ws[i] + offset)) <= marks[i])
				all = 0;
		if (all)
			return 0;
		if (now_ms() > until)
			return 1;
		pause_ms(1);
	}
}

int
main(int argc, char **argv)
{
	int			nw,
				flaps;
	writer	   *ws;
	unsigned long *marks;
	MYSQL	   *root;
	int			entered = 0,
				enter_failed = 0,
				stuck = 0;
	long long	in_window = 0;
	unsigned long lost = 0,
				other = 0,
				commits = 0,
				refused = 0;

	if (argc != 4 || (nw = atoi(argv[2])) < 1 || (flaps = atoi(argv[3])) < 1)
	{
		fprintf(stderr, "usage: mariadb_drain_flap SOCKET WRITERS FLAPS\n");
		return 2;
	}
	sock = argv[1];
	if (mysql_library_init(0, NULL, NULL) || !(root = connect_as("root")))
		return 2;
	ws = calloc((size_t) nw, sizeof(*ws));
	marks = calloc((size_t) nw, sizeof(*marks));
	if (!ws || !marks)
		return 2;
	for (int i = 0; i < nw; i++)
	{
		ws[i].no = i + 1;
		if (pthread_create(&ws[i].thread, NULL, writer_main, &ws[i]))
			return 2;
	}

	for (int f = 0; f < flaps; f++)
	{
		long long	before,
					after;

		/* writers in flight: each has committed since the last window */
		for (int i = 0; i < nw; i++)
			marks[i] = f == 0 ? 0 : load(&ws[i].commits);
		if (wait_all_past(ws, nw, offsetof(writer, commits), marks))
		{
			fprintf(stderr, "window %d: a writer did not commit between windows\n", f + 1);
			stuck++;
			break;
		}
		if (mysql_query(root, "SET GLOBAL upkeep_maintenance = ON"))
		{
			fprintf(stderr, "window %d: ON failed: %s\n", f + 1, mysql_error(root));
			enter_failed++;
			continue;
		}
		entered++;
		before = count_rows(root);
		/* every writer tries, and is refused, during the window */
		for (int i = 0; i < nw; i++)
			marks[i] = load(&ws[i].refused);
		if (wait_all_past(ws, nw, offsetof(writer, refused), marks))
		{
			fprintf(stderr, "window %d: a writer was not refused during the window\n", f + 1);
			stuck++;
		}
		after = count_rows(root);
		if (before < 0 || after < 0)
			return 2;
		if (after != before)
		{
			fprintf(stderr, "window %d: %lld rows committed during the window\n",
					f + 1, after - before);
			in_window += after - before;
		}
		if (query(root, "SET GLOBAL upkeep_maintenance = OFF"))
			return 2;
		if (stuck)
			break;
	}

	stop = 1;
	for (int i = 0; i < nw; i++)
	{
		pthread_join(ws[i].thread, NULL);
		lost += ws[i].lost;
		other += ws[i].other_errors;
		commits += ws[i].commits;
		refused += ws[i].refused;
		if (ws[i].last_error[0])
			fprintf(stderr, "writer %d last error: %s\n", ws[i].no, ws[i].last_error);
	}
	mysql_close(root);
	printf("windows entered %d of %d, enter failures %d; commits %lu, "
		   "refused inserts %lu; lost commits %lu; rows committed in windows %lld; "
		   "other errors %lu%s\n", entered, flaps, enter_failed, commits, refused,
		   lost, in_window, other, stuck ? "; a condition wait timed out" : "");
	mysql_library_end();
	return (lost == 0 && in_window == 0 && enter_failed == 0 && stuck == 0 &&
			other == 0 && entered == flaps) ? 0 : 1;
}
