/*
 * cli/report_fetch.h
 *		Reading one maintenance window's report (libcommon's UkReportWindow)
 *		from what the server kept: the window's row of upkeep.maintenance_log,
 *		its patch runs (by window_id where the server records it, else the
 *		runs that started inside the window), their slow statements, and
 *		the deadlocks detected while it lasted.  report_fetch_pg.c reads
 *		PostgreSQL through libpq, report_fetch_mariadb.c MariaDB through its
 *		C connector; `upkeep report` and `upkeep run --report` call them.
 *
 * Both take an open connection, window_id 0 for the newest window, and
 * fill *out (zeroed first; free it with uk_report_window_free(), also
 * after a failure).  They return 0, or -1 with a message (lower case, no
 * "upkeep:" prefix) in err.  command, exit_status and result are left
 * unknown: only a runner knows them.
 */
#ifndef UP_REPORT_FETCH_H
#define UP_REPORT_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "uk_report.h"

struct pg_conn;					/* libpq's PGconn */
struct st_mysql;				/* the MariaDB connector's MYSQL */

extern int	report_fetch_pg(struct pg_conn *conn, int64_t window_id,
							UkReportWindow *out, char *err, size_t errlen);
extern int	report_fetch_mariadb(struct st_mysql *m, int64_t window_id,
								 UkReportWindow *out, char *err, size_t errlen);

/* Shared by the two (report_fetch.c). */

/* *out zeroed, every time and number "unknown". */
extern void report_window_init(UkReportWindow *out);

/* A malloc'd copy of s (NULL stays NULL); NULL also when out of memory. */
extern char *report_dup(const char *s);

/* A number of a result column: s as a double / int64, dflt for NULL. */
extern double report_num(const char *s, double dflt);
extern int64_t report_int(const char *s, int64_t dflt);

/* Grow an array of n elements of size sz to hold n + 1; false if no memory. */
extern int	report_grow(void **arr, size_t n, size_t *cap, size_t sz);

#endif							/* UP_REPORT_FETCH_H */
