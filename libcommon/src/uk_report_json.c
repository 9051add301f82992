/*
 * uk_report_json.c
 *		The upgrade report as one JSON object, for machines: the same data
 *		as the HTML page, every row (no table is cut).
 *
 * Layout:
 *	{"format": "upkeep-report", "version": 1, "engine", "window_id",
 *	 "reason", "entered_by", "exited_by", "drain_outcome", "entered_at",
 *	 "exited_at", "expected_end", "duration_s", "refused_writes",
 *	 "unattributed_statements", "command", "exit_status", "result",
 *	 "runs": [...], "slow_statements": [...], "deadlocks": [...]}
 * Times are ISO 8601 UTC strings with microseconds ("...Z"); anything
 * unknown is null.  Strings are valid UTF-8 (invalid bytes become U+FFFD).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "uk_report_int.h"

typedef struct JOut
{
	FILE	   *f;
	bool		first;			/* no member written yet in this object */
	const char *indent;
} JOut;

static void
key(JOut *j, const char *k)
{
	fprintf(j->f, "%s\n%s\"%s\": ", j->first ? "" : ",", j->indent, k);
	j->first = false;
}

static void
open_obj(JOut *j, const char *indent)
{
	fputc('{', j->f);
	j->first = true;
	j->indent = indent;
}

static void
close_obj(JOut *j, const char *outer)
{
	fprintf(j->f, "\n%s}", outer);
}

static void
jstr(JOut *j, const char *k, const char *v)
{
	key(j, k);
	if (v == NULL)
	{
		fputs("null", j->f);
		return;
	}
	fputc('"', j->f);
	uk_report_put(j->f, v, 0, UK_ESC_JSON);
	fputc('"', j->f);
}

static void
jint(JOut *j, const char *k, int64_t v, bool known)
{
	key(j, k);
	if (known)
		fprintf(j->f, "%" PRId64, v);
	else
		fputs("null", j->f);
}

static void
jnum(JOut *j, const char *k, double v, bool known)
{
	key(j, k);
	if (known && v == v && v > -1e300 && v < 1e300)
		fprintf(j->f, "%.3f", v);
	else
		fputs("null", j->f);
}

static void
jtime(JOut *j, const char *k, double t)
{
	struct tm	tm;
	time_t		tt;
	char		buf[32];

	key(j, k);
	if (!(t >= 0) || t > 253402300799.0)
	{
		fputs("null", j->f);
		return;
	}
	tt = (time_t) t;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
	{
		fputs("null", j->f);
		return;
	}
	fprintf(j->f, "\"%s.%06dZ\"", buf, (int) ((t - (double) tt) * 1e6) % 1000000);
}

static void
write_run(JOut *j, const UkReportRun *r, double end)
{
	bool		err = r->error_sqlstate != NULL || r->error_message != NULL ||
		r->error_statement != NULL;

	open_obj(j, "    ");
	jint(j, "run_id", r->run_id, true);
	jint(j, "parent_run_id", r->parent_run_id, r->parent_run_id != 0);
	jstr(j, "name", r->name);
	jstr(j, "app", r->app);
	jstr(j, "status", r->status);
	jtime(j, "started_at", r->started_at);
	jtime(j, "ended_at", r->ended_at);
	jnum(j, "duration_ms", (uk_report_run_end(r, end) - r->started_at) * 1000.0,
		 r->started_at >= 0 && r->ended_at >= 0);
	jint(j, "statements", r->statements, true);
	jint(j, "slow_statements", r->slow_statements, true);
	jnum(j, "lock_wait_ms", r->lock_wait_ms, r->lock_wait_ms >= 0);
	key(j, "error");
	if (err)
	{
		JOut		e = {j->f, true, "      "};

		open_obj(&e, "      ");
		jstr(&e, "sqlstate", r->error_sqlstate);
		jstr(&e, "message", r->error_message);
		jstr(&e, "statement", r->error_statement);
		close_obj(&e, "    ");
	}
	else
		fputs("null", j->f);
	close_obj(j, "  ");
}

static void
write_slow(JOut *j, const UkReportSlow *s)
{
	open_obj(j, "    ");
	jint(j, "id", s->id, true);
	jint(j, "run_id", s->run_id, true);
	jstr(j, "patch", s->patch);
	jtime(j, "started_at", s->started_at);
	jnum(j, "duration_ms", s->duration_ms, s->duration_ms >= 0);
	jnum(j, "lock_wait_ms", s->lock_wait_ms, s->lock_wait_ms >= 0);
	jint(j, "rows", s->rows, s->rows >= 0);
	jstr(j, "command", s->command);
	jstr(j, "query", s->query);
	jstr(j, "plan", s->plan);
	close_obj(j, "  ");
}

static void
write_deadlock(JOut *j, const UkReportDeadlock *d)
{
	open_obj(j, "    ");
	jint(j, "id", d->id, true);
	jtime(j, "detected_at", d->detected_at);
	jstr(j, "victim_patch", d->victim_patch);
	jint(j, "participants", d->participants, d->participants > 0);
	jstr(j, "tables", d->tables);
	jstr(j, "report", d->raw);
	close_obj(j, "  ");
}

int
uk_report_write_json(FILE *f, const UkReportWindow *w, UkError **err)
{
	JOut		j = {f, true, "  "};
	JOut		item = {f, true, "    "};
	double		t0,
				t1;
	size_t		i;

	if (f == NULL || w == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "no report to write");
	uk_report_span(w, &t0, &t1);
	errno = 0;
	open_obj(&j, "  ");
	jstr(&j, "format", "upkeep-report");
	jint(&j, "version", 1, true);
	jstr(&j, "engine", w->engine);
	jint(&j, "window_id", w->window_id, w->window_id > 0);
	jstr(&j, "reason", w->reason);
	jstr(&j, "entered_by", w->entered_by);
	jstr(&j, "exited_by", w->exited_by);
	jstr(&j, "drain_outcome", w->drain_outcome);
	jtime(&j, "entered_at", w->entered_at);
	jtime(&j, "exited_at", w->exited_at);
	jtime(&j, "expected_end", w->expected_end);
	jnum(&j, "duration_s", w->exited_at - w->entered_at,
		 w->entered_at >= 0 && w->exited_at >= w->entered_at);
	jint(&j, "refused_writes", w->refused_writes, true);
	jint(&j, "unattributed_statements", w->unattributed_statements,
		 w->unattributed_statements >= 0);
	jstr(&j, "command", w->command);
	jint(&j, "exit_status", w->exit_status, w->exit_status >= 0);
	jstr(&j, "result", w->result != NULL ? w->result : uk_report_result_of(w));

	key(&j, "runs");
	fputc('[', f);
	for (i = 0; i < w->nruns; i++)
	{
		fputs(i == 0 ? "\n  " : ",\n  ", f);
		write_run(&item, &w->runs[i], t1);
	}
	fputs(w->nruns > 0 ? "\n  ]" : "]", f);
	key(&j, "slow_statements");
	fputc('[', f);
	for (i = 0; i < w->nslow; i++)
	{
		fputs(i == 0 ? "\n  " : ",\n  ", f);
		write_slow(&item, &w->slow[i]);
	}
	fputs(w->nslow > 0 ? "\n  ]" : "]", f);
	key(&j, "deadlocks");
	fputc('[', f);
	for (i = 0; i < w->ndeadlocks; i++)
	{
		fputs(i == 0 ? "\n  " : ",\n  ", f);
		write_deadlock(&item, &w->deadlocks[i]);
	}
	fputs(w->ndeadlocks > 0 ? "\n  ]" : "]", f);
	close_obj(&j, "");
	fputc('\n', f);
	if (fflush(f) != 0 || ferror(f))
		return uk_error_set(err, UK_ERR_IO, errno, "could not write the JSON report");
	return UK_OK;
}
