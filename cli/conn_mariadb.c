/*
 * cli/conn_mariadb.c
 *		The engine interface (conn.h) for MariaDB, through the C connector and
 *		the plugin's system variables, upkeep_status() and tables.
 *
 * The runner's connection is marked by holding the user lock "upkeep_run"
 * (GET_LOCK): the server releases it when the connection goes, however the
 * runner ends, so `upkeep status` can tell a live runner from a gone one.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn_mariadb.h"
#include "uk_dburi.h"

typedef struct Mdb
{
	MYSQL	   *m;
	UkDbUri		uri;
} Mdb;

#define MDB(c) (((Mdb *) (c)->impl)->m)

static int
mdb_error(Conn *c)
{
	snprintf(c->err, sizeof(c->err), "%s", mysql_error(MDB(c)));
	snprintf(c->sqlstate, sizeof(c->sqlstate), "%u", mysql_errno(MDB(c)));
	return -1;
}

int
mdb_exec(Conn *c, const char *sql)
{
	MYSQL_RES  *res;

	if (mysql_query(MDB(c), sql) != 0)
		return mdb_error(c);
	res = mysql_store_result(MDB(c));
	if (res)
		mysql_free_result(res);
	else if (mysql_field_count(MDB(c)) != 0)
		return mdb_error(c);
	return 0;
}

MYSQL_RES *
mdb_query(Conn *c, const char *sql)
{
	MYSQL_RES  *res;

	if (mysql_query(MDB(c), sql) != 0)
	{
		mdb_error(c);
		return NULL;
	}
	res = mysql_store_result(MDB(c));
	if (res == NULL)
		mdb_error(c);
	return res;
}

void
mdb_literal(Conn *c, const char *s, char *out, size_t outlen)
{
	size_t		len = strlen(s);
	char	   *tmp = malloc(2 * len + 1);

	if (tmp == NULL)
	{
		snprintf(out, outlen, "''");
		return;
	}
	mysql_real_escape_string(MDB(c), tmp, s, (unsigned long) len);
	snprintf(out, outlen, "'%s'", tmp);
	free(tmp);
}

/* Run a printf-formatted statement. */
static int
mdb_execf(Conn *c, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static int
mdb_execf(Conn *c, const char *fmt,...)
{
	char		sql[4096];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return mdb_exec(c, sql);
}

static int
mdb_enter(Conn *c, const WindowSpec *w, char *token, size_t toklen)
{
	char		reason[2100];

	mdb_literal(c, w->reason, reason, sizeof(reason));
	if (mdb_execf(c, "SET GLOBAL upkeep_maintenance_reason = %s", reason) != 0 ||
		mdb_execf(c, "SET GLOBAL upkeep_expected_duration = %lld",
				  w->expected_s >= 0 ? (long long) ceil(w->expected_s) : 0LL) != 0)
		return -1;
	if (w->drain_timeout_s >= 0 &&
		mdb_execf(c, "SET GLOBAL upkeep_drain_timeout = %lld",
				  (long long) ceil(w->drain_timeout_s)) != 0)
		return -1;
	if (w->on_timeout &&
		mdb_execf(c, "SET GLOBAL upkeep_drain_action = '%s'",
				  strcmp(w->on_timeout, "terminate") == 0 ? "kill" : "fail") != 0)
		return -1;
	if (mdb_exec(c, "SET GLOBAL upkeep_maintenance = ON") != 0)
		return -1;
	snprintf(token, toklen, "%s", "");
	return 0;
}

static int
mdb_join(Conn *c, const char *token)
{
	(void) token;
	snprintf(c->err, sizeof(c->err),
			 "--join is for PostgreSQL: on MariaDB the window's maintainers are the accounts with READ_ONLY ADMIN");
	return -1;
}

static int
mdb_exit_window(Conn *c)
{
	return mdb_exec(c, "SET GLOBAL upkeep_maintenance = OFF");
}

static int
mdb_patch_begin(Conn *c, const char *name, const char *app, bool nested)
{
	char		lit[1100],
				applit[300];

	mdb_literal(c, name, lit, sizeof(lit));
	mdb_literal(c, app ? app : "", applit, sizeof(applit));
	if (mdb_execf(c, "SET GLOBAL upkeep_window_patch_app = %s", applit) != 0)
		return -1;
	return mdb_execf(c, "SET GLOBAL %s = %s",
					 nested ? "upkeep_window_step" : "upkeep_window_patch", lit);
}

static int
mdb_patch_end(Conn *c, const char *status, const char *error)
{
	char		lit[2100];

	if (mdb_execf(c, "SET GLOBAL upkeep_window_patch_status = '%s'", status) != 0)
		return -1;
	if (error)
	{
		mdb_literal(c, error, lit, sizeof(lit));
		if (mdb_execf(c, "SET GLOBAL upkeep_window_patch_error = %s", lit) != 0)
			return -1;
	}
	return mdb_exec(c, "SET GLOBAL upkeep_window_patch = ''");
}

static int
mdb_set_slow_ms(Conn *c, long ms)
{
	return mdb_execf(c, "SET GLOBAL upkeep_window_slow_ms = %ld", ms);
}

/* "2026-11-21T21:21:25Z" (UTC) to unix seconds; -1 when NULL or not that. */
static double
utc_seconds(const char *s)
{
	struct tm	tm;

	if (s == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double) timegm(&tm);
}

static void
copy(char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v ? v : "");
}

static const char *snap_window_sql =
"SELECT JSON_EXTRACT(j, '$.active'), JSON_VALUE(j, '$.phase'),"
"       JSON_VALUE(j, '$.reason'), JSON_VALUE(j, '$.entered_by'),"
"       JSON_VALUE(j, '$.started_at'), JSON_VALUE(j, '$.expected_end'),"
"       UNIX_TIMESTAMP(NOW(6)), JSON_VALUE(j, '$.refused_writes'),"
"       JSON_VALUE(j, '$.window_id'), JSON_VALUE(j, '$.window_patch'),"
"       JSON_VALUE(j, '$.window_patch_run_id'),"
"       JSON_VALUE(j, '$.unattributed_statements'),"
"       (SELECT CONCAT('connection ', p.ID, ' (', p.USER, '@', p.HOST, ')')"
"          FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK('upkeep_run')),"
"       SUBSTRING_INDEX(JSON_VALUE(j, '$.entered_by'), '@', 1)"
"  FROM (SELECT upkeep_status() AS j) s";

static int
mdb_snapshot(Conn *c, int64_t since, Snapshot *s)
{
	MYSQL_RES  *res;
	MYSQL_ROW	r;
	char		sql[2048],
				entered_user[200] = "",
				lit[450];

	memset(s, 0, sizeof(*s));
	if ((res = mdb_query(c, snap_window_sql)) == NULL)
		return -1;
	if ((r = mysql_fetch_row(res)) != NULL)
	{
		s->active = r[0] && strcmp(r[0], "true") == 0;
		copy(s->phase, sizeof(s->phase), r[1]);
		copy(s->reason, sizeof(s->reason), r[2]);
		copy(s->entered_by, sizeof(s->entered_by), r[3]);
		s->started_at = utc_seconds(r[4]);
		s->expected_end = utc_seconds(r[5]);
		s->now = r[6] ? atof(r[6]) : -1;
		s->refused_writes = r[7] ? atoll(r[7]) : 0;
		s->window_id = r[8] ? atoll(r[8]) : 0;
		copy(s->window_patch, sizeof(s->window_patch), r[9]);
		s->window_patch_run_id = r[10] ? atoll(r[10]) : 0;
		s->unattributed = r[11] ? atoll(r[11]) : -1;
		s->runner_connected = r[12] != NULL;
		copy(s->runner, sizeof(s->runner), r[12]);
		copy(entered_user, sizeof(entered_user), r[13]);
	}
	mysql_free_result(res);
	if (!s->active)
		return 0;

	if (c->has_window_api && s->window_id > 0)
	{
		snprintf(sql, sizeof(sql),
				 "SELECT (SELECT COUNT(*) FROM upkeep.slow_statements s JOIN upkeep.patch_runs r"
				 "          USING (run_id) WHERE r.window_id = %lld),"
				 "       s.id, s.duration_ms, s.patch,"
				 "       LEFT(REGEXP_REPLACE(s.query, '\\\\s+', ' '), 200)"
				 "  FROM (SELECT 1) one LEFT JOIN (SELECT s.* FROM upkeep.slow_statements s"
				 "        JOIN upkeep.patch_runs r USING (run_id)"
				 "        WHERE r.window_id = %lld AND s.id > %lld ORDER BY s.id LIMIT 5) s ON TRUE",
				 (long long) s->window_id, (long long) s->window_id, (long long) since);
		if ((res = mdb_query(c, sql)) == NULL)
			return -1;
		while ((r = mysql_fetch_row(res)) != NULL)
		{
			s->slow_statements = r[0] ? atoll(r[0]) : 0;
			if (r[1] == NULL || s->nslow >= SNAP_SLOW)
				continue;
			s->slow[s->nslow].id = atoll(r[1]);
			s->slow[s->nslow].ms = r[2] ? atof(r[2]) : 0;
			copy(s->slow[s->nslow].patch, sizeof(s->slow[0].patch), r[3]);
			copy(s->slow[s->nslow].query, sizeof(s->slow[0].query), r[4]);
			s->nslow++;
		}
		mysql_free_result(res);
	}

	mdb_literal(c, entered_user, lit, sizeof(lit));
	snprintf(sql, sizeof(sql),
			 "SELECT p.ID, p.TIME_MS / 1000, LEFT(REGEXP_REPLACE(p.INFO, '\\\\s+', ' '), 200),"
			 "       bt.trx_mysql_thread_id, LEFT(REGEXP_REPLACE(bt.trx_query, '\\\\s+', ' '), 200),"
			 "       TIMESTAMPDIFF(SECOND, bt.trx_started, NOW())"
			 "  FROM information_schema.PROCESSLIST p"
			 "  LEFT JOIN information_schema.INNODB_TRX rt ON rt.trx_mysql_thread_id = p.ID"
			 "  LEFT JOIN information_schema.INNODB_LOCK_WAITS w ON w.requesting_trx_id = rt.trx_id"
			 "  LEFT JOIN information_schema.INNODB_TRX bt ON bt.trx_id = w.blocking_trx_id"
			 " WHERE p.COMMAND = 'Query' AND p.ID <> CONNECTION_ID()"
			 "   AND (p.USER LIKE 'upkeep\\\\_run\\\\_%%' OR p.USER = %s)"
			 " ORDER BY p.TIME_MS DESC LIMIT %d", lit, SNAP_STMTS);
	if ((res = mdb_query(c, sql)) == NULL)
		return -1;
	while ((r = mysql_fetch_row(res)) != NULL && s->nstmts < SNAP_STMTS)
	{
		SnapStmt   *st = &s->stmts[s->nstmts++];

		st->pid = r[0] ? atoi(r[0]) : 0;
		st->seconds = r[1] ? atof(r[1]) : 0;
		copy(st->query, sizeof(st->query), r[2]);
		st->blocked_by = r[3] ? atoi(r[3]) : 0;
		copy(st->blocker_query, sizeof(st->blocker_query), r[4]);
		st->blocker_xact_s = r[5] ? atof(r[5]) : -1;
	}
	mysql_free_result(res);
	return 0;
}

static int
mdb_failed_run(Conn *c, int64_t window_id, FailedRun *f)
{
	MYSQL_RES  *res;
	MYSQL_ROW	r;
	char		sql[1024];

	memset(f, 0, sizeof(*f));
	if (!c->has_window_api)
		return 0;
	snprintf(sql, sizeof(sql),
			 "SELECT run_id, name, app,"
			 "       CONCAT_WS(' ', error_sqlstate, CONCAT('(error ', error_code, ')')),"
			 "       error_message, error_statement"
			 "  FROM upkeep.patch_runs WHERE window_id = %lld AND status = 'failed'"
			 " ORDER BY error_code IS NOT NULL DESC, run_id DESC LIMIT 1",
			 (long long) window_id);
	if ((res = mdb_query(c, sql)) == NULL)
		return -1;
	if ((r = mysql_fetch_row(res)) != NULL)
	{
		f->found = true;
		f->run_id = r[0] ? atoll(r[0]) : 0;
		copy(f->name, sizeof(f->name), r[1]);
		copy(f->app, sizeof(f->app), r[2]);
		copy(f->sqlstate, sizeof(f->sqlstate), r[3]);
		copy(f->message, sizeof(f->message), r[4]);
		copy(f->statement, sizeof(f->statement), r[5]);
	}
	mysql_free_result(res);
	return 0;
}

static int
mdb_mark_runner(Conn *c)
{
	MYSQL_RES  *res = mdb_query(c, "SELECT GET_LOCK('upkeep_run', 0)");
	MYSQL_ROW	r;
	int			got = 0;

	if (res == NULL)
		return -1;
	if ((r = mysql_fetch_row(res)) != NULL && r[0])
		got = atoi(r[0]);
	mysql_free_result(res);
	if (!got)
	{
		snprintf(c->err, sizeof(c->err), "another upkeep run is connected to this server");
		return -1;
	}
	return 0;
}

static void
mdb_exit_command(Conn *c, char *buf, size_t len)
{
	Mdb		   *d = c->impl;
	size_t		used;

	snprintf(buf, len, "mariadb");
	used = strlen(buf);
	if (d->uri.socket)
		snprintf(buf + used, len - used, " -S %s", d->uri.socket);
	else
	{
		if (d->uri.host)
			snprintf(buf + used, len - used, " -h %s", d->uri.host);
		used = strlen(buf);
		if (d->uri.port)
			snprintf(buf + used, len - used, " -P %u", d->uri.port);
	}
	used = strlen(buf);
	if (d->uri.user)
		snprintf(buf + used, len - used, " -u %s", d->uri.user);
	used = strlen(buf);
	snprintf(buf + used, len - used, " -e 'SET GLOBAL upkeep_maintenance = OFF'");
}

static void
mdb_close(Conn *c)
{
	Mdb		   *d = c->impl;

	mysql_close(d->m);
	uk_dburi_clear(&d->uri);
	free(d);
	free(c);
}

static const ConnOps mdb_ops = {
	.enter = mdb_enter,
	.join = mdb_join,
	.exit_window = mdb_exit_window,
	.patch_begin = mdb_patch_begin,
	.patch_end = mdb_patch_end,
	.set_slow_ms = mdb_set_slow_ms,
	.snapshot = mdb_snapshot,
	.failed_run = mdb_failed_run,
	.mark_runner = mdb_mark_runner,
	.exit_command = mdb_exit_command,
	.close = mdb_close,
};

Conn *
conn_mariadb_open(const char *db, const char *app, char *err, size_t errlen)
{
	Conn	   *c = calloc(1, sizeof(Conn));
	Mdb		   *d = calloc(1, sizeof(Mdb));
	UkError    *uerr = NULL;
	MYSQL_RES  *res;
	MYSQL_ROW	r;

	if (c == NULL || d == NULL)
	{
		free(c), free(d);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->ops = &mdb_ops;
	c->engine = ENGINE_MARIADB;
	c->impl = d;
	if (uk_dburi_parse(db, &d->uri, &uerr) != UK_OK)
	{
		snprintf(err, errlen, "invalid MariaDB URI \"%s\": %s", db, uerr->message);
		uk_error_free(uerr);
		free(d), free(c);
		return NULL;
	}
	d->m = mysql_init(NULL);
	if (d->m == NULL)
	{
		snprintf(err, errlen, "out of memory");
		uk_dburi_clear(&d->uri);
		free(d), free(c);
		return NULL;
	}
	mysql_optionsv(d->m, MYSQL_READ_DEFAULT_GROUP, "client");
	mysql_optionsv(d->m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(d->m, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", app);
	if (!mysql_real_connect(d->m, d->uri.host, d->uri.user, d->uri.password,
							d->uri.database, d->uri.port, d->uri.socket, 0))
	{
		snprintf(err, errlen, "cannot connect to MariaDB: %s", mysql_error(d->m));
		mdb_close(c);
		return NULL;
	}
	res = mdb_query(c,
					"SELECT upkeep_status(), (SELECT COUNT(*) FROM information_schema.GLOBAL_VARIABLES"
					"  WHERE VARIABLE_NAME = 'UPKEEP_WINDOW_PATCH')");
	if (res == NULL)
	{
		snprintf(err, errlen, "the upkeep plugin is not loaded in this server (%s)\n"
				 "HINT: INSTALL SONAME 'upkeep' (see the README)", c->err);
		mdb_close(c);
		return NULL;
	}
	r = mysql_fetch_row(res);
	c->has_window_api = r && r[1] && atoi(r[1]) > 0;
	mysql_free_result(res);
	return c;
}
