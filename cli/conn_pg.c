/*
 * cli/conn_pg.c
 *		The engine interface (conn.h) for PostgreSQL, through libpq and the
 *		extension's SQL functions and views.
 *
 * Columns added by later versions of the extension (window_id,
 * window_patch, ...) are read through to_jsonb(row)->>'name', so that the
 * same queries work, with NULLs, against an older extension.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "conn.h"

/* Copy the error of res (or of the connection) into c->err / c->sqlstate. */
static void
pg_set_error(Conn *c, PGresult *res)
{
	PGconn	   *pg = c->impl;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (primary == NULL)
	{
		char	   *m = PQerrorMessage(pg);
		size_t		len;

		snprintf(c->err, sizeof(c->err), "%s", m && *m ? m : "unknown error");
		len = strlen(c->err);
		while (len > 0 && c->err[len - 1] == '\n')
			c->err[--len] = '\0';
	}
	else
		snprintf(c->err, sizeof(c->err), "%s%s%s%s%s", primary,
				 detail ? "\nDETAIL: " : "", detail ? detail : "",
				 hint ? "\nHINT: " : "", hint ? hint : "");
	snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
}

/*
 * Run sql with text parameters; returns the result (PGRES_TUPLES_OK or
 * PGRES_COMMAND_OK) or NULL with the error set.  The caller PQclear()s it.
 */
static PGresult *
pg_exec(Conn *c, const char *sql, int n, const char *const *params)
{
	PGresult   *res = PQexecParams(c->impl, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	pg_set_error(c, res);
	PQclear(res);
	return NULL;
}

static int
pg_exec_void(Conn *c, const char *sql, int n, const char *const *params)
{
	PGresult   *res = pg_exec(c, sql, n, params);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

static void
copy(char *dst, size_t len, const PGresult *res, int row, int col)
{
	snprintf(dst, len, "%s", PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

static double
num(const PGresult *res, int row, int col, double dflt)
{
	return PQgetisnull(res, row, col) ? dflt : atof(PQgetvalue(res, row, col));
}

static int
pg_enter(Conn *c, const WindowSpec *w, char *token, size_t toklen)
{
	char		sql[512];
	char		expected[64],
				drain[64];
	const char *params[4];
	int			n = 0;
	PGresult   *res;

	n = 0;
	params[n++] = w->reason;
	strcpy(sql, "SELECT upkeep.enter_maintenance($1");
	if (w->expected_s >= 0)
	{
		snprintf(expected, sizeof(expected), "%.3f", w->expected_s);
		params[n++] = expected;
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql),
				 ", expected_duration => $%d::float8 * interval '1 second'", n);
	}
	if (w->drain_timeout_s >= 0)
	{
		snprintf(drain, sizeof(drain), "%.3f", w->drain_timeout_s);
		params[n++] = drain;
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql),
				 ", drain_timeout => $%d::float8 * interval '1 second'", n);
	}
	if (w->on_timeout)
	{
		params[n++] = w->on_timeout;
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), ", on_timeout => $%d", n);
	}
	strcat(sql, ")");
	res = pg_exec(c, sql, n, params);
	if (res == NULL)
		return -1;
	copy(token, toklen, res, 0, 0);
	PQclear(res);
	return 0;
}

/*
 * Joining makes this session a maintainer, whose statements would count as
 * the window's unattributed ones until its first window_patch_begin()
 * makes it the runner (entering does that at once): the runner's own
 * session is never attributed, so say so before joining.
 */
static int
pg_join(Conn *c, const char *token)
{
	if (pg_exec_void(c, "SET upkeep.window_attribution = off", 0, NULL) != 0)
		return -1;
	return pg_exec_void(c, "SELECT upkeep.join_maintenance($1)", 1, &token);
}

static int
pg_exit_window(Conn *c)
{
	return pg_exec_void(c, "SELECT upkeep.exit_maintenance()", 0, NULL);
}

static int
pg_patch_begin(Conn *c, const char *name, const char *app, bool nested)
{
	const char *params[3] = {name, app && *app ? app : NULL, nested ? "true" : "false"};

	return pg_exec_void(c, "SELECT upkeep.window_patch_begin($1, $2, $3::boolean)", 3, params);
}

static int
pg_patch_end(Conn *c, const char *status, const char *error)
{
	const char *params[2] = {status, error};

	return pg_exec_void(c, "SELECT upkeep.window_patch_end($1, $2)", 2, params);
}

static int
pg_set_slow_ms(Conn *c, long ms)
{
	(void) c;
	(void) ms;					/* the child's sessions get it through PGOPTIONS */
	return 0;
}

static const char *snap_window_sql =
"SELECT m.active, m.phase, m.reason, m.entered_by,"
"       extract(epoch FROM m.started_at), extract(epoch FROM m.expected_end),"
"       extract(epoch FROM clock_timestamp()), m.refused_writes,"
"       coalesce((to_jsonb(m)->>'window_id')::bigint,"
"                (SELECT max(l.window_id) FROM upkeep.maintenance_log l"
"                  WHERE m.active AND l.exited_at IS NULL)),"
"       to_jsonb(m)->>'window_patch', to_jsonb(m)->>'window_patch_run_id',"
"       to_jsonb(m)->>'unattributed_statements',"
"       (SELECT a.application_name || ' (backend pid ' || a.pid || ')'"
"          FROM pg_stat_activity a WHERE a.application_name LIKE 'upkeep run%'"
"         ORDER BY a.backend_start LIMIT 1)"
"  FROM upkeep.maintenance m";

static const char *snap_slow_sql =
"WITH r AS (SELECT run_id FROM upkeep.patch_runs p"
"            WHERE (to_jsonb(p)->>'window_id')::bigint = $1::bigint)"
"SELECT (SELECT count(*) FROM upkeep.slow_statements s WHERE s.run_id IN (SELECT run_id FROM r)),"
"       s.id, s.duration_ms, s.patch, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 200)"
"  FROM (SELECT 1) one LEFT JOIN LATERAL ("
"        SELECT * FROM upkeep.slow_statements s"
"         WHERE s.run_id IN (SELECT run_id FROM r) AND s.id > $2::bigint"
"         ORDER BY s.id LIMIT 5) s ON true";

static const char *snap_stmts_sql =
"SELECT a.pid, extract(epoch FROM clock_timestamp() - a.query_start),"
"       left(regexp_replace(a.query, '\\s+', ' ', 'g'), 200),"
"       b.pid, left(regexp_replace(b.query, '\\s+', ' ', 'g'), 200),"
"       extract(epoch FROM clock_timestamp() - b.xact_start)"
"  FROM upkeep.maintenance m, pg_stat_activity a"
"  LEFT JOIN LATERAL (SELECT x.pid, x.query, x.xact_start FROM pg_stat_activity x"
"                      WHERE x.pid = (pg_blocking_pids(a.pid))[1]) b ON true"
" WHERE a.pid = ANY (m.maintainer_pids)"
"   AND a.pid <> pg_backend_pid() AND a.state = 'active'"
" ORDER BY a.query_start LIMIT 4";

static int
pg_snapshot(Conn *c, int64_t since, Snapshot *s)
{
	PGresult   *res;
	char		win[32],
				after[32];
	const char *params[2] = {win, after};

	memset(s, 0, sizeof(*s));
	res = pg_exec(c, snap_window_sql, 0, NULL);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1)
	{
		s->active = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		copy(s->phase, sizeof(s->phase), res, 0, 1);
		copy(s->reason, sizeof(s->reason), res, 0, 2);
		copy(s->entered_by, sizeof(s->entered_by), res, 0, 3);
		s->started_at = num(res, 0, 4, -1);
		s->expected_end = num(res, 0, 5, -1);
		s->now = num(res, 0, 6, -1);
		s->refused_writes = (int64_t) num(res, 0, 7, 0);
		s->window_id = (int64_t) num(res, 0, 8, 0);
		copy(s->window_patch, sizeof(s->window_patch), res, 0, 9);
		s->window_patch_run_id = (int64_t) num(res, 0, 10, 0);
		s->unattributed = (int64_t) num(res, 0, 11, -1);
		s->runner_connected = !PQgetisnull(res, 0, 12);
		copy(s->runner, sizeof(s->runner), res, 0, 12);
	}
	PQclear(res);
	if (!s->active)
		return 0;

	snprintf(win, sizeof(win), "%lld", (long long) s->window_id);
	snprintf(after, sizeof(after), "%lld", (long long) since);
	res = pg_exec(c, snap_slow_sql, 2, params);
	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
	{
		s->slow_statements = (int64_t) num(res, i, 0, 0);
		if (PQgetisnull(res, i, 1) || s->nslow >= SNAP_SLOW)
			continue;
		s->slow[s->nslow].id = (int64_t) num(res, i, 1, 0);
		s->slow[s->nslow].ms = num(res, i, 2, 0);
		copy(s->slow[s->nslow].patch, sizeof(s->slow[0].patch), res, i, 3);
		copy(s->slow[s->nslow].query, sizeof(s->slow[0].query), res, i, 4);
		s->nslow++;
	}
	PQclear(res);

	res = pg_exec(c, snap_stmts_sql, 0, NULL);
	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res) && i < SNAP_STMTS; i++)
	{
		SnapStmt   *st = &s->stmts[s->nstmts++];

		st->pid = (int) num(res, i, 0, 0);
		st->seconds = num(res, i, 1, 0);
		copy(st->query, sizeof(st->query), res, i, 2);
		st->blocked_by = (int) num(res, i, 3, 0);
		copy(st->blocker_query, sizeof(st->blocker_query), res, i, 4);
		st->blocker_xact_s = num(res, i, 5, -1);
	}
	PQclear(res);
	return 0;
}

static int
pg_failed_run(Conn *c, int64_t window_id, FailedRun *f)
{
	char		win[32];
	const char *params[1] = {win};
	PGresult   *res;

	memset(f, 0, sizeof(*f));
	snprintf(win, sizeof(win), "%lld", (long long) window_id);
	res = pg_exec(c,
				  "SELECT run_id, name, app, error_sqlstate, error_message, error_statement"
				  "  FROM upkeep.patch_runs r"
				  " WHERE (to_jsonb(r)->>'window_id')::bigint = $1::bigint"
				  "   AND status = 'failed'"
				  " ORDER BY error_sqlstate IS NOT NULL DESC, run_id DESC LIMIT 1",
				  1, params);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1)
	{
		f->found = true;
		f->run_id = (int64_t) num(res, 0, 0, 0);
		copy(f->name, sizeof(f->name), res, 0, 1);
		copy(f->app, sizeof(f->app), res, 0, 2);
		copy(f->sqlstate, sizeof(f->sqlstate), res, 0, 3);
		copy(f->message, sizeof(f->message), res, 0, 4);
		copy(f->statement, sizeof(f->statement), res, 0, 5);
	}
	PQclear(res);
	return 0;
}

static int
pg_mark_runner(Conn *c)
{
	(void) c;					/* application_name 'upkeep run ...' is set at connect */
	return 0;
}

/* Append " -X VALUE" to buf, single-quoted when the shell needs it. */
static void
shell_arg(char *buf, size_t len, const char *opt, const char *val)
{
	size_t		used = strlen(buf);
	bool		plain = *val != '\0';

	for (const char *p = val; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_", *p))
			plain = false;
	if (plain)
	{
		snprintf(buf + used, len - used, " %s %s", opt, val);
		return;
	}
	snprintf(buf + used, len - used, " %s '", opt);
	for (const char *p = val; *p; p++)
	{
		used = strlen(buf);
		if (*p == '\'')
			snprintf(buf + used, len - used, "'\\''");
		else
			snprintf(buf + used, len - used, "%c", *p);
	}
	used = strlen(buf);
	snprintf(buf + used, len - used, "'");
}

static void
pg_exit_command(Conn *c, char *buf, size_t len)
{
	PGconn	   *pg = c->impl;

	snprintf(buf, len, "psql");
	if (PQhost(pg))
		shell_arg(buf, len, "-h", PQhost(pg));
	if (PQport(pg))
		shell_arg(buf, len, "-p", PQport(pg));
	if (PQuser(pg))
		shell_arg(buf, len, "-U", PQuser(pg));
	if (PQdb(pg))
		shell_arg(buf, len, "-d", PQdb(pg));
	shell_arg(buf, len, "-c", "SELECT upkeep.exit_maintenance()");
}

static void
pg_close(Conn *c)
{
	PQfinish(c->impl);
	free(c);
}

static const ConnOps pg_ops = {
	.enter = pg_enter,
	.join = pg_join,
	.exit_window = pg_exit_window,
	.patch_begin = pg_patch_begin,
	.patch_end = pg_patch_end,
	.set_slow_ms = pg_set_slow_ms,
	.snapshot = pg_snapshot,
	.failed_run = pg_failed_run,
	.mark_runner = pg_mark_runner,
	.exit_command = pg_exit_command,
	.close = pg_close,
};

Conn *
conn_pg_open(const char *db, const char *app, char *err, size_t errlen)
{
	const char *keys[3] = {"dbname", "application_name", NULL};
	const char *vals[3] = {db && *db ? db : NULL, app, NULL};
	Conn	   *c;
	PGresult   *res;

	if (vals[0] == NULL)
	{
		keys[0] = "application_name";
		vals[0] = app;
		keys[1] = vals[1] = NULL;
	}
	c = calloc(1, sizeof(Conn));
	if (c == NULL)
	{
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->ops = &pg_ops;
	c->engine = ENGINE_PG;
	c->impl = PQconnectdbParams(keys, vals, 1);
	if (c->impl == NULL || PQstatus(c->impl) != CONNECTION_OK)
	{
		const char *m = c->impl ? PQerrorMessage(c->impl) : "out of memory";
		size_t		len;

		snprintf(err, errlen, "cannot connect to PostgreSQL: %s", m);
		len = strlen(err);
		while (len > 0 && err[len - 1] == '\n')
			err[--len] = '\0';
		PQfinish(c->impl);
		free(c);
		return NULL;
	}
	res = pg_exec(c,
				  "SELECT (SELECT extversion FROM pg_extension WHERE extname = 'upkeep'),"
				  "       to_regprocedure('upkeep.window_patch_begin(text,text,boolean)') IS NOT NULL",
				  0, NULL);
	if (res == NULL || PQgetisnull(res, 0, 0))
	{
		snprintf(err, errlen, "%s",
				 res == NULL ? c->err :
				 "the upkeep extension is not installed in this database\n"
				 "HINT: connect to the database where CREATE EXTENSION upkeep was run, or run it");
		PQclear(res);
		PQfinish(c->impl);
		free(c);
		return NULL;
	}
	c->has_window_api = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	PQclear(res);
	return c;
}
