/*
 * cli/report_fetch_mariadb.c
 *		A window's report from MariaDB (report_fetch.h): the plugin's tables
 *		upkeep.maintenance_log, patch_runs, slow_statements and deadlocks.
 *
 * The tables hold UTC DATETIME(6) values; they are turned into unix
 * seconds with TIMESTAMPDIFF from the epoch, which does not depend on the
 * session's time_zone.  Columns of later plugin versions (patch_runs
 * window_id and parent_run_id, maintenance_log unattributed_statements)
 * are read only when information_schema shows them; without window_id the
 * window's runs are those that started inside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "report_fetch.h"

#define EPOCH(c) "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', " c ") / 1000000"

typedef struct My
{
	MYSQL	   *m;
	char	   *err;
	size_t		errlen;
} My;

static MYSQL_RES *
query(My *my, const char *what, const char *sql)
{
	MYSQL_RES  *res;

	if (mysql_query(my->m, sql) != 0 || (res = mysql_store_result(my->m)) == NULL)
	{
		snprintf(my->err, my->errlen, "could not read %s: %s", what,
				 mysql_errno(my->m) ? mysql_error(my->m) : "no result");
		return NULL;
	}
	return res;
}

/* 1 when upkeep.table has column col, 0 if not, -1 error. */
static int
has_column(My *my, const char *table, const char *col)
{
	char		sql[512];
	MYSQL_RES  *res;
	int			found;

	snprintf(sql, sizeof(sql),
			 "SELECT 1 FROM information_schema.columns WHERE table_schema = 'upkeep'"
			 " AND table_name = '%s' AND column_name = '%s'", table, col);
	if ((res = query(my, "information_schema", sql)) == NULL)
		return -1;
	found = mysql_num_rows(res) > 0;
	mysql_free_result(res);
	return found;
}

static int
fetch_window(My *my, int64_t window_id, UkReportWindow *w)
{
	char		sql[2048];
	int			tables = has_column(my, "maintenance_log", "window_id");
	int			unattr = has_column(my, "maintenance_log", "unattributed_statements");
	MYSQL_RES  *res;
	MYSQL_ROW	row;
	char		where[64];

	if (tables < 0 || unattr < 0)
		return -1;
	if (!tables)
	{
		snprintf(my->err, my->errlen, "there is no table upkeep.maintenance_log:"
				 " is the upkeep plugin installed on this server?");
		return -1;
	}
	if (window_id > 0)
		snprintf(where, sizeof(where), "WHERE window_id = %lld", (long long) window_id);
	else
		snprintf(where, sizeof(where), "ORDER BY entered_at DESC, window_id DESC LIMIT 1");
	snprintf(sql, sizeof(sql),
			 "SELECT window_id, reason, entered_by, exited_by, drain_outcome, "
			 EPOCH("entered_at") ", " EPOCH("exited_at") ", " EPOCH("expected_end") ", "
			 "refused_writes, %s FROM upkeep.maintenance_log %s",
			 unattr ? "unattributed_statements" : "NULL", where);
	if ((res = query(my, "upkeep.maintenance_log", sql)) == NULL)
		return -1;
	if ((row = mysql_fetch_row(res)) == NULL)
	{
		if (window_id > 0)
			snprintf(my->err, my->errlen, "no maintenance window %lld in upkeep.maintenance_log",
					 (long long) window_id);
		else
			snprintf(my->err, my->errlen, "no maintenance window yet in upkeep.maintenance_log");
		mysql_free_result(res);
		return -1;
	}
	w->window_id = report_int(row[0], 0);
	w->reason = report_dup(row[1]);
	w->entered_by = report_dup(row[2]);
	w->exited_by = report_dup(row[3]);
	w->drain_outcome = report_dup(row[4]);
	w->entered_at = report_num(row[5], -1);
	w->exited_at = report_num(row[6], -1);
	w->expected_end = report_num(row[7], -1);
	w->refused_writes = report_int(row[8], 0);
	w->unattributed_statements = report_int(row[9], -1);
	mysql_free_result(res);
	return 0;
}

/*
 * The condition on upkeep.patch_runs (alias r) that picks the window's
 * runs, into buf.
 */
static int
runs_filter(My *my, int64_t window_id, char *buf, size_t len)
{
	int			has_window = has_column(my, "patch_runs", "window_id");
	char		inside[512];

	if (has_window < 0)
		return -1;
	snprintf(inside, sizeof(inside),
			 "r.started_at >= (SELECT entered_at FROM upkeep.maintenance_log WHERE window_id = %lld)"
			 " AND r.started_at <= COALESCE((SELECT exited_at FROM upkeep.maintenance_log"
			 " WHERE window_id = %lld), '9999-12-31')",
			 (long long) window_id, (long long) window_id);
	if (has_window)
		snprintf(buf, len, "(r.window_id = %lld OR (r.window_id IS NULL AND %s))",
				 (long long) window_id, inside);
	else
		snprintf(buf, len, "(%s)", inside);
	return 0;
}

static int
fetch_runs(My *my, const char *filter, UkReportWindow *out)
{
	char		sql[2048];
	int			has_parent = has_column(my, "patch_runs", "parent_run_id");
	MYSQL_RES  *res;
	MYSQL_ROW	row;
	size_t		cap = 0;

	if (has_parent < 0)
		return -1;
	snprintf(sql, sizeof(sql),
			 "SELECT r.run_id, %s, r.name, r.app, r.status, " EPOCH("r.started_at") ", "
			 EPOCH("r.ended_at") ", r.statements, r.slow_statements, r.lock_wait_ms, "
			 "r.error_sqlstate, r.error_message, r.error_statement FROM upkeep.patch_runs r "
			 "WHERE %s ORDER BY r.started_at, r.run_id",
			 has_parent ? "r.parent_run_id" : "NULL", filter);
	if ((res = query(my, "upkeep.patch_runs", sql)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
	{
		UkReportRun *r;

		if (!report_grow((void **) &out->runs, out->nruns, &cap, sizeof(UkReportRun)))
		{
			mysql_free_result(res);
			snprintf(my->err, my->errlen, "out of memory");
			return -1;
		}
		r = &out->runs[out->nruns++];
		r->run_id = report_int(row[0], 0);
		r->parent_run_id = report_int(row[1], 0);
		r->name = report_dup(row[2]);
		r->app = report_dup(row[3]);
		r->status = report_dup(row[4]);
		r->started_at = report_num(row[5], -1);
		r->ended_at = report_num(row[6], -1);
		r->statements = report_int(row[7], -1);
		r->slow_statements = report_int(row[8], 0);
		r->lock_wait_ms = report_num(row[9], -1);
		r->error_sqlstate = report_dup(row[10]);
		r->error_message = report_dup(row[11]);
		r->error_statement = report_dup(row[12]);
	}
	mysql_free_result(res);
	return 0;
}

static int
fetch_slow(My *my, const char *filter, UkReportWindow *out)
{
	char		sql[2048];
	MYSQL_RES  *res;
	MYSQL_ROW	row;
	size_t		cap = 0;

	snprintf(sql, sizeof(sql),
			 "SELECT s.id, s.run_id, s.patch, s.command, s.query, s.plan, "
			 EPOCH("s.started_at") ", s.duration_ms, s.lock_wait_ms, s.`rows` "
			 "FROM upkeep.slow_statements s WHERE s.run_id IN "
			 "(SELECT r.run_id FROM upkeep.patch_runs r WHERE %s) "
			 "ORDER BY s.started_at, s.id", filter);
	if ((res = query(my, "upkeep.slow_statements", sql)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
	{
		UkReportSlow *s;

		if (!report_grow((void **) &out->slow, out->nslow, &cap, sizeof(UkReportSlow)))
		{
			mysql_free_result(res);
			snprintf(my->err, my->errlen, "out of memory");
			return -1;
		}
		s = &out->slow[out->nslow++];
		s->id = report_int(row[0], 0);
		s->run_id = report_int(row[1], 0);
		s->patch = report_dup(row[2]);
		s->command = report_dup(row[3]);
		s->query = report_dup(row[4]);
		s->plan = report_dup(row[5]);
		s->started_at = report_num(row[6], -1);
		s->duration_ms = report_num(row[7], -1);
		s->lock_wait_ms = report_num(row[8], -1);
		s->rows = report_int(row[9], -1);
	}
	mysql_free_result(res);
	return 0;
}

static int
fetch_deadlocks(My *my, int64_t window_id, UkReportWindow *out)
{
	char		sql[2048];
	MYSQL_RES  *res;
	MYSQL_ROW	row;
	size_t		cap = 0;
	int			present = has_column(my, "deadlocks", "deadlock_id");

	if (present <= 0)
		return present;			/* no deadlock table: none to show */
	snprintf(sql, sizeof(sql),
			 "SELECT d.deadlock_id, " EPOCH("d.detected_at") ", d.victim_patch, d.tables, "
			 "d.report, d.participants FROM upkeep.deadlocks d, upkeep.maintenance_log w "
			 "WHERE w.window_id = %lld AND d.detected_at >= w.entered_at "
			 "AND (w.exited_at IS NULL OR d.detected_at <= w.exited_at) "
			 "ORDER BY d.detected_at, d.deadlock_id", (long long) window_id);
	if ((res = query(my, "upkeep.deadlocks", sql)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
	{
		UkReportDeadlock *d;

		if (!report_grow((void **) &out->deadlocks, out->ndeadlocks, &cap, sizeof(UkReportDeadlock)))
		{
			mysql_free_result(res);
			snprintf(my->err, my->errlen, "out of memory");
			return -1;
		}
		d = &out->deadlocks[out->ndeadlocks++];
		d->id = report_int(row[0], 0);
		d->detected_at = report_num(row[1], -1);
		d->victim_patch = report_dup(row[2]);
		d->tables = report_dup(row[3]);
		d->raw = report_dup(row[4]);
		d->participants = (int) report_int(row[5], 0);
	}
	mysql_free_result(res);
	return 0;
}

int
report_fetch_mariadb(struct st_mysql *m, int64_t window_id, UkReportWindow *out,
					 char *err, size_t errlen)
{
	My			my = {m, err, errlen};
	char		filter[1024];

	report_window_init(out);
	out->engine = report_dup("mariadb");
	if (fetch_window(&my, window_id, out) != 0 ||
		runs_filter(&my, out->window_id, filter, sizeof(filter)) != 0 ||
		fetch_runs(&my, filter, out) != 0 ||
		fetch_slow(&my, filter, out) != 0 ||
		fetch_deadlocks(&my, out->window_id, out) != 0)
		return -1;
	return 0;
}
