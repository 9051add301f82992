/*
 * cli/report_fetch_pg.c
 *		A window's report from PostgreSQL (report_fetch.h): the extension's
 *		views maintenance_log, patch_runs, slow_statements and deadlocks, in
 *		whatever schema the extension was created in.
 *
 * Columns added by later versions of the extension (patch_runs.window_id
 * and parent_run_id, maintenance_log.unattributed_statements) are read
 * only when the view has them, so the report works against any version.
 * Without window_id, the window's runs are those that started inside it;
 * with it, those of the window plus session runs (patch_begin) that
 * started inside it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "report_fetch.h"

typedef struct Pg
{
	PGconn	   *conn;
	char		schema[256];	/* quoted */
	char	   *err;
	size_t		errlen;
} Pg;

/* The server's message of a failed result, without its trailing newline. */
static int
fail(Pg *pg, const char *what, PGresult *res)
{
	const char *msg = res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(pg->conn);
	size_t		n;

	snprintf(pg->err, pg->errlen, "could not read %s: %s", what,
			 msg != NULL && msg[0] ? msg : "no answer from the server");
	n = strlen(pg->err);
	while (n > 0 && (pg->err[n - 1] == '\n' || pg->err[n - 1] == ' '))
		pg->err[--n] = '\0';
	PQclear(res);
	return -1;
}

/*
 * Run sql; parameters are text.  Where a query has the window's three
 * (report_fetch_pg()'s params), their types are given, so that a query
 * need not use them all.
 */
static PGresult *
query(Pg *pg, const char *sql, int nparams, const char *const *params)
{
	static const Oid window_types[3] = {20, 701, 701};	/* int8, float8, float8 */

	return PQexecParams(pg->conn, sql, nparams, nparams == 3 ? window_types : NULL,
						params, NULL, NULL, 0);
}

static bool
tuples_ok(PGresult *res)
{
	return res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK;
}

/* Column value or NULL. */
static const char *
val(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/* Find the extension's schema, quoted, into pg->schema. */
static int
find_schema(Pg *pg)
{
	PGresult   *res = query(pg, "SELECT n.nspname FROM pg_catalog.pg_extension e"
							" JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
							" WHERE e.extname = 'upkeep'", 0, NULL);
	char	   *q;

	if (!tuples_ok(res))
		return fail(pg, "the extension's schema", res);
	if (PQntuples(res) == 0)
	{
		snprintf(pg->err, pg->errlen, "the upkeep extension is not installed in database \"%s\"",
				 PQdb(pg->conn));
		PQclear(res);
		return -1;
	}
	q = PQescapeIdentifier(pg->conn, PQgetvalue(res, 0, 0), strlen(PQgetvalue(res, 0, 0)));
	PQclear(res);
	if (q == NULL || strlen(q) >= sizeof(pg->schema))
	{
		PQfreemem(q);
		return fail(pg, "the extension's schema", NULL);
	}
	strcpy(pg->schema, q);
	PQfreemem(q);
	return 0;
}

/* 1 when view rel of the extension has column col, 0 if not, -1 error. */
static int
has_column(Pg *pg, const char *rel, const char *col)
{
	char		relname[600];
	const char *params[2];
	PGresult   *res;
	int			found;

	snprintf(relname, sizeof(relname), "%s.%s", pg->schema, rel);
	params[0] = relname;
	params[1] = col;
	res = query(pg, "SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = $1::regclass"
				" AND attname = $2 AND attnum > 0 AND NOT attisdropped", 2, params);
	if (!tuples_ok(res))
		return fail(pg, "the catalog", res);
	found = PQntuples(res) > 0;
	PQclear(res);
	return found;
}

#define EPOCH(c) "extract(epoch FROM " c ")::float8"

static int
fetch_window(Pg *pg, int64_t window_id, UkReportWindow *w)
{
	char		sql[2048];
	char		idbuf[32];
	const char *params[1] = {idbuf};
	int			unattr = has_column(pg, "maintenance_log", "unattributed_statements");
	PGresult   *res;

	if (unattr < 0)
		return -1;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long) window_id);
	snprintf(sql, sizeof(sql),
			 "SELECT window_id, reason, entered_by, exited_by, drain_outcome, "
			 EPOCH("entered_at") ", " EPOCH("exited_at") ", " EPOCH("expected_end") ", "
			 "refused_writes, %s FROM %s.maintenance_log %s",
			 unattr ? "unattributed_statements" : "NULL::bigint", pg->schema,
			 window_id > 0 ? "WHERE window_id = $1" :
			 "ORDER BY entered_at DESC, window_id DESC LIMIT 1");
	res = query(pg, sql, window_id > 0 ? 1 : 0, params);
	if (!tuples_ok(res))
		return fail(pg, "upkeep.maintenance_log", res);
	if (PQntuples(res) == 0)
	{
		if (window_id > 0)
			snprintf(pg->err, pg->errlen, "no maintenance window %lld in upkeep.maintenance_log",
					 (long long) window_id);
		else
			snprintf(pg->err, pg->errlen, "no maintenance window yet in upkeep.maintenance_log");
		PQclear(res);
		return -1;
	}
	w->window_id = report_int(val(res, 0, 0), 0);
	w->reason = report_dup(val(res, 0, 1));
	w->entered_by = report_dup(val(res, 0, 2));
	w->exited_by = report_dup(val(res, 0, 3));
	w->drain_outcome = report_dup(val(res, 0, 4));
	w->entered_at = report_num(val(res, 0, 5), -1);
	w->exited_at = report_num(val(res, 0, 6), -1);
	w->expected_end = report_num(val(res, 0, 7), -1);
	w->refused_writes = report_int(val(res, 0, 8), 0);
	w->unattributed_statements = report_int(val(res, 0, 9), -1);
	PQclear(res);
	return 0;
}

/*
 * The window's runs.  Parameters: $1 window id, $2 entered_at, $3
 * exited_at (-1: still open), unix seconds.
 */
static int
fetch_runs(Pg *pg, const char *const *params, UkReportWindow *out)
{
	int			has_window = has_column(pg, "patch_runs", "window_id");
	int			has_parent = has_column(pg, "patch_runs", "parent_run_id");
	char		sql[4096];
	PGresult   *res;
	size_t		cap = 0;
	int			i;

	if (has_window < 0 || has_parent < 0)
		return -1;
	snprintf(sql, sizeof(sql),
			 "SELECT run_id, %s, name, app, status, " EPOCH("started_at") ", "
			 EPOCH("ended_at") ", statements, slow_statements, lock_wait_ms, "
			 "error_sqlstate, error_message, error_statement FROM %s.patch_runs "
			 "WHERE %s(started_at >= to_timestamp($2) "
			 "AND ($3 < 0 OR started_at <= to_timestamp($3)))%s "
			 "ORDER BY started_at, run_id",
			 has_parent ? "parent_run_id" : "NULL::bigint", pg->schema,
			 has_window ? "window_id = $1 OR (window_id IS NULL AND " : "",
			 has_window ? ")" : "");
	res = query(pg, sql, 3, params);
	if (!tuples_ok(res))
		return fail(pg, "upkeep.patch_runs", res);
	for (i = 0; i < PQntuples(res); i++)
	{
		UkReportRun *r;

		if (!report_grow((void **) &out->runs, out->nruns, &cap, sizeof(UkReportRun)))
		{
			PQclear(res);
			snprintf(pg->err, pg->errlen, "out of memory");
			return -1;
		}
		r = &out->runs[out->nruns++];
		r->run_id = report_int(val(res, i, 0), 0);
		r->parent_run_id = report_int(val(res, i, 1), 0);
		r->name = report_dup(val(res, i, 2));
		r->app = report_dup(val(res, i, 3));
		r->status = report_dup(val(res, i, 4));
		r->started_at = report_num(val(res, i, 5), -1);
		r->ended_at = report_num(val(res, i, 6), -1);
		r->statements = report_int(val(res, i, 7), -1);
		r->slow_statements = report_int(val(res, i, 8), 0);
		r->lock_wait_ms = report_num(val(res, i, 9), -1);
		r->error_sqlstate = report_dup(val(res, i, 10));
		r->error_message = report_dup(val(res, i, 11));
		r->error_statement = report_dup(val(res, i, 12));
	}
	PQclear(res);
	return 0;
}

/* "{1,2,3}" of the runs' ids, malloc'd. */
static char *
run_id_array(const UkReportWindow *w)
{
	char	   *buf = malloc(w->nruns * 21 + 3);
	size_t		n = 0;
	size_t		i;

	if (buf == NULL)
		return NULL;
	buf[n++] = '{';
	for (i = 0; i < w->nruns; i++)
		n += (size_t) sprintf(buf + n, "%s%lld", i ? "," : "", (long long) w->runs[i].run_id);
	buf[n++] = '}';
	buf[n] = '\0';
	return buf;
}

static int
fetch_slow(Pg *pg, UkReportWindow *out)
{
	char		sql[1024];
	char	   *ids = run_id_array(out);
	const char *params[1] = {ids};
	PGresult   *res;
	size_t		cap = 0;
	int			i;

	if (ids == NULL)
	{
		snprintf(pg->err, pg->errlen, "out of memory");
		return -1;
	}
	snprintf(sql, sizeof(sql),
			 "SELECT id, run_id, patch, command, query, plan, " EPOCH("started_at") ", "
			 "duration_ms, lock_wait_ms, rows FROM %s.slow_statements "
			 "WHERE run_id = ANY ($1::bigint[]) ORDER BY started_at, id", pg->schema);
	res = query(pg, sql, 1, params);
	free(ids);
	if (!tuples_ok(res))
		return fail(pg, "upkeep.slow_statements", res);
	for (i = 0; i < PQntuples(res); i++)
	{
		UkReportSlow *s;

		if (!report_grow((void **) &out->slow, out->nslow, &cap, sizeof(UkReportSlow)))
		{
			PQclear(res);
			snprintf(pg->err, pg->errlen, "out of memory");
			return -1;
		}
		s = &out->slow[out->nslow++];
		s->id = report_int(val(res, i, 0), 0);
		s->run_id = report_int(val(res, i, 1), 0);
		s->patch = report_dup(val(res, i, 2));
		s->command = report_dup(val(res, i, 3));
		s->query = report_dup(val(res, i, 4));
		s->plan = report_dup(val(res, i, 5));
		s->started_at = report_num(val(res, i, 6), -1);
		s->duration_ms = report_num(val(res, i, 7), -1);
		s->lock_wait_ms = report_num(val(res, i, 8), -1);
		s->rows = report_int(val(res, i, 9), -1);
	}
	PQclear(res);
	return 0;
}

static int
fetch_deadlocks(Pg *pg, const char *const *params, UkReportWindow *out)
{
	char		sql[1024];
	PGresult   *res;
	size_t		cap = 0;
	int			i;

	snprintf(sql, sizeof(sql),
			 "SELECT deadlock_id, " EPOCH("detected_at") ", victim_patch, "
			 "array_to_string(tables, ', '), report, participants FROM %s.deadlocks "
			 "WHERE detected_at >= to_timestamp($2) "
			 "AND ($3 < 0 OR detected_at <= to_timestamp($3)) "
			 "ORDER BY detected_at, deadlock_id", pg->schema);
	res = query(pg, sql, 3, params);
	if (!tuples_ok(res))
		return fail(pg, "upkeep.deadlocks", res);
	for (i = 0; i < PQntuples(res); i++)
	{
		UkReportDeadlock *d;

		if (!report_grow((void **) &out->deadlocks, out->ndeadlocks, &cap, sizeof(UkReportDeadlock)))
		{
			PQclear(res);
			snprintf(pg->err, pg->errlen, "out of memory");
			return -1;
		}
		d = &out->deadlocks[out->ndeadlocks++];
		d->id = report_int(val(res, i, 0), 0);
		d->detected_at = report_num(val(res, i, 1), -1);
		d->victim_patch = report_dup(val(res, i, 2));
		d->tables = report_dup(val(res, i, 3));
		d->raw = report_dup(val(res, i, 4));
		d->participants = (int) report_int(val(res, i, 5), 0);
	}
	PQclear(res);
	return 0;
}

int
report_fetch_pg(struct pg_conn *conn, int64_t window_id, UkReportWindow *out,
				char *err, size_t errlen)
{
	Pg			pg = {conn, "", err, errlen};
	char		idbuf[32];
	char		t0[64];
	char		t1[64];
	const char *params[3] = {idbuf, t0, t1};

	report_window_init(out);
	out->engine = report_dup("postgresql");
	if (find_schema(&pg) != 0 || fetch_window(&pg, window_id, out) != 0)
		return -1;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long) out->window_id);
	snprintf(t0, sizeof(t0), "%.6f", out->entered_at);
	snprintf(t1, sizeof(t1), "%.6f", out->exited_at);
	if (fetch_runs(&pg, params, out) != 0 ||
		fetch_slow(&pg, out) != 0 ||
		fetch_deadlocks(&pg, params, out) != 0)
		return -1;
	return 0;
}
