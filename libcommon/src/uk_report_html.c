/*
 * uk_report_html.c
 *		The upgrade report as one self-contained HTML page: inline CSS, the
 *		SVG timeline of uk_report_svg.c, no script, nothing fetched.  It
 *		reads top down: the summary (what, who, when, how it ended), the
 *		timeline, then the tables a DBA digs into (slowest patches,
 *		failures, slow statements with their plans, deadlocks).
 *
 * Every text of the model goes through uk_report_put(); the page itself
 * has no URL in it (not even the SVG namespace, which HTML does not need).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_report_int.h"

/* Tables are cut here; the JSON report has everything. */
#define SLOWEST_RUNS	10
#define SLOW_ROWS_MAX	200
#define FAIL_ROWS_MAX	200
#define DEADLOCK_ROWS_MAX 100
#define QUERY_SHORT		240		/* characters shown before "more" */

static const char css[] =
"*{box-sizing:border-box}\n"
"body{margin:0;background:#f4f6f8;color:#1d2733;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif}\n"
"main{max-width:1200px;margin:0 auto;padding:24px 24px 48px}\n"
"header{display:flex;align-items:center;gap:16px;flex-wrap:wrap}\n"
"h1{font-size:22px;margin:0}\n"
"h2{font-size:16px;margin:28px 0 10px;color:#334155}\n"
"h2 .n{color:#64748b;font-weight:normal}\n"
".reason{font-size:17px;margin:6px 0 18px;color:#334155}\n"
".badge{display:inline-block;padding:3px 12px;border-radius:12px;color:#fff;font-weight:600;font-size:13px;text-transform:uppercase;letter-spacing:.04em}\n"
".r-succeeded{background:#2f9e5b}.r-failed{background:#d9423b}.r-running{background:#3d7fd9}\n"
".r-interrupted{background:#e8912d}.r-other{background:#64748b}\n"
".meta{color:#64748b}\n"
".cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px}\n"
".card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 12px;min-width:0}\n"
".card.wide{grid-column:span 2}.card.w3{grid-column:span 3}.card.full{grid-column:1/-1}\n"
".card .k{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#64748b}\n"
".card .v{font-size:16px;font-weight:600;overflow-wrap:anywhere}\n"
".card .v small{font-weight:normal;color:#64748b;font-size:13px}\n"
".card .v.bad{color:#c0261e}.card .v.good{color:#23804a}\n"
".chart{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:8px;overflow-x:auto}\n"
".legend{display:flex;flex-wrap:wrap;gap:14px;margin:0 0 8px;color:#475569;font-size:13px}\n"
".legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}\n"
"svg.timeline{display:block;width:100%;height:auto;font-size:11px}\n"
"svg .axis{stroke:#94a3b8}svg .grid{stroke:#e2e8f0}svg .sep{stroke:#cbd5e1}\n"
"svg .tick{fill:#64748b;text-anchor:middle}\n"
"svg .lbl{fill:#1d2733;text-anchor:end;font-size:12px}svg .lbl.phase{fill:#64748b;font-style:italic}\n"
"svg .mk-lbl{fill:#64748b;font-size:11px}svg .none{fill:#64748b}\n"
"svg .dur{fill:#64748b;font-size:11px}\n"
"svg rect.run{rx:2px}svg rect.run.phase{fill-opacity:.45}svg rect.run.step{fill-opacity:.8}\n"
".s-succeeded{fill:#2f9e5b;background:#2f9e5b}.s-failed{fill:#d9423b;background:#d9423b}\n"
".s-skipped{fill:#9aa4b0;background:#9aa4b0}.s-aborted{fill:#e8912d;background:#e8912d}\n"
".s-running{fill:#3d7fd9;background:#3d7fd9}.s-other{fill:#7a6fd0;background:#7a6fd0}\n"
".m-slow{fill:#f0a020;background:#f0a020}.m-lock{fill:#8a4fd0;background:#8a4fd0}.m-dl{fill:#c0182b;background:#c0182b}\n"
"svg .mk.slow{fill:#f0a020}svg .mk.lock{fill:#8a4fd0}svg .mk.whole-run{fill-opacity:.35}\n"
"svg .mk.dl{fill:#c0182b}svg .dl-line{stroke:#c0182b;stroke-dasharray:3 3}\n"
"svg .tick-slow{stroke:#f0a020;stroke-width:2}\n"
"svg .expected{stroke:#3d7fd9;stroke-dasharray:6 4}svg .exited{stroke:#334155}\n"
"svg .wl{fill:#3d7fd9;text-anchor:end;font-size:11px}\n"
"table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e2e8f0;border-radius:8px;overflow:hidden}\n"
"th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid #eef2f6}\n"
"th{background:#f8fafc;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#64748b;font-weight:600}\n"
"td.num,th.num{text-align:right;white-space:nowrap}td.t{white-space:nowrap;color:#475569}\n"
"td .st{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;font-size:12px}\n"
"code,pre{font:12px/1.4 ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,monospace}\n"
"pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;max-height:360px;overflow:auto}\n"
"td code{overflow-wrap:anywhere}\n"
"details summary{cursor:pointer;color:#2563eb}details pre{margin-top:6px;background:#f8fafc;padding:6px;border-radius:4px}\n"
".none{color:#64748b;font-style:italic}\n"
".err{color:#b91c1c;white-space:pre-wrap}\n"
"footer{margin-top:32px;color:#94a3b8;font-size:12px}\n"
"@media (max-width:900px){.cards{grid-template-columns:repeat(2,1fr)}}\n";

static void
put(FILE *f, const char *s)
{
	uk_report_put(f, s, 0, UK_ESC_HTML);
}

/* One summary card; value is HTML already escaped by the caller. */
static void
card_open(FILE *f, const char *cls, const char *key, const char *vcls)
{
	fprintf(f, "<div class=\"card%s%s\"><div class=\"k\">%s</div><div class=\"v%s%s\">",
			cls[0] ? " " : "", cls, key, vcls[0] ? " " : "", vcls);
}

static void
card_text(FILE *f, const char *cls, const char *key, const char *text)
{
	card_open(f, cls, key, "");
	put(f, uk_report_or(text, "-"));
	fputs("</div></div>\n", f);
}

/* The CSS class of a result badge. */
static const char *
result_class(const char *result)
{
	static const char *const known[] = {"succeeded", "failed", "running", "interrupted"};
	size_t		i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(result, known[i]) == 0)
			return known[i];
	return "other";
}

static void
write_summary(FILE *f, const UkReportWindow *w)
{
	static const char *const statuses[] = {"succeeded", "failed", "skipped",
	"aborted", "running", "other"};
	size_t		count[6] = {0};
	char		a[64];
	char		b[64];
	size_t		i;
	bool		first = true;

	for (i = 0; i < w->nruns; i++)
	{
		const char *cls = uk_report_status_class(w->runs[i].status);
		size_t		k;

		for (k = 0; k < 6; k++)
			if (strcmp(cls, statuses[k]) == 0)
				count[k]++;
	}
	fputs("<section class=\"cards\">\n", f);
	card_text(f, "", "Entered by", w->entered_by);
	card_text(f, "", "Exited by", w->exited_at >= 0 ? w->exited_by : "still in maintenance");
	card_text(f, "", "Start (UTC)", uk_report_fmt_time(w->entered_at, a, sizeof(a)));
	card_text(f, "", "End (UTC)", w->exited_at >= 0 ?
			  uk_report_fmt_time(w->exited_at, a, sizeof(a)) : "still open");

	/* duration against the expected one */
	{
		double		t0,
					t1;
		double		dur;
		double		exp = -1;

		uk_report_span(w, &t0, &t1);
		dur = (w->exited_at >= 0 && w->entered_at >= 0 ? w->exited_at - w->entered_at :
			   t1 - (w->entered_at >= 0 ? w->entered_at : t0));
		if (w->expected_end >= 0 && w->entered_at >= 0)
			exp = w->expected_end - w->entered_at;
		card_open(f, "", "Duration", exp >= 0 && dur > exp ? "bad" : "");
		fputs(uk_report_fmt_ms(dur * 1000.0, a, sizeof(a)), f);
		if (exp >= 0)
			fprintf(f, " <small>of %s expected</small>", uk_report_fmt_ms(exp * 1000.0, b, sizeof(b)));
		fputs("</div></div>\n", f);
	}
	card_open(f, "", "Drain", "");
	put(f, uk_report_or(w->drain_outcome, "-"));
	fputs("</div></div>\n", f);
	card_open(f, "", "Refused writes", w->refused_writes > 0 ? "" : "good");
	fprintf(f, "%" PRId64 " <small>of the application</small></div></div>\n", w->refused_writes);

	card_open(f, "", "Exit status", w->exit_status > 0 ? "bad" : "");
	if (w->exit_status >= 0)
		fprintf(f, "%d", w->exit_status);
	else
		fputs("-", f);
	fputs("</div></div>\n", f);

	card_open(f, "wide", "Patch runs", "");
	fprintf(f, "%zu", w->nruns);
	for (i = 0; i < 6; i++)
		if (count[i] > 0)
		{
			fprintf(f, "%s%zu %s", first ? " <small>" : " \xC2\xB7 ", count[i], statuses[i]);
			first = false;
		}
	fputs(first ? "" : "</small>", f);
	fputs("</div></div>\n", f);
	card_open(f, "", "Slow statements", "");
	fprintf(f, "%zu</div></div>\n", w->nslow);
	card_open(f, "", "Deadlocks", w->ndeadlocks > 0 ? "bad" : "");
	fprintf(f, "%zu</div></div>\n", w->ndeadlocks);
	card_open(f, w->unattributed_statements >= 0 ? "w3" : "full", "Command", "");
	if (w->command != NULL)
	{
		fputs("<code>", f);
		put(f, w->command);
		fputs("</code>", f);
	}
	else
		fputs("<small>not run by upkeep run</small>", f);
	fputs("</div></div>\n", f);
	if (w->unattributed_statements >= 0)
	{
		card_open(f, "", "Statements outside patches", "");
		fprintf(f, "%" PRId64 "</div></div>\n", w->unattributed_statements);
	}
	fprintf(f, "</section>\n");
}

static void
write_legend(FILE *f)
{
	static const char *const items[][2] = {
		{"s-succeeded", "succeeded"}, {"s-failed", "failed"}, {"s-skipped", "skipped"},
		{"s-aborted", "aborted"}, {"s-running", "running"},
		{"m-slow", "slow statement"}, {"m-lock", "lock wait"}, {"m-dl", "deadlock"}};
	size_t		i;

	fputs("<div class=\"legend\">", f);
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		fprintf(f, "<span><i class=\"%s\"></i>%s</span>", items[i][0], items[i][1]);
	fputs("<span class=\"meta\">pale bars: phases between patches \xC2\xB7 thin bars: steps</span></div>\n", f);
}

/* A status pill for a table cell. */
static void
status_pill(FILE *f, const char *status)
{
	fprintf(f, "<span class=\"st s-%s\">", uk_report_status_class(status));
	put(f, uk_report_or(status, "unknown"));
	fputs("</span>", f);
}

/* SQL text: short as it is, long cut with the whole in a <details>. */
static void
sql_cell(FILE *f, const char *sql)
{
	if (sql == NULL || sql[0] == '\0')
	{
		fputs("<span class=\"none\">-</span>", f);
		return;
	}
	if (strlen(sql) <= QUERY_SHORT)
	{
		fputs("<pre>", f);
		put(f, sql);
		fputs("</pre>", f);
		return;
	}
	fputs("<details><summary><code>", f);
	uk_report_put(f, sql, QUERY_SHORT / 2, UK_ESC_HTML);
	fputs("</code></summary><pre>", f);
	put(f, sql);
	fputs("</pre></details>", f);
}

static void
write_slowest(FILE *f, const UkReportWindow *w, double end)
{
	size_t	   *order = uk_report_runs_by_duration(w, end);
	size_t		i;
	char		a[64];

	fprintf(f, "<h2>Slowest patches <span class=\"n\">(top %d)</span></h2>\n", SLOWEST_RUNS);
	if (w->nruns == 0 || order == NULL)
	{
		fputs("<p class=\"none\">No patch run was recorded.</p>\n", f);
		free(order);
		return;
	}
	fputs("<table><tr><th class=\"num\">#</th><th>Patch</th><th>App</th><th>Status</th>"
		  "<th>Started</th><th class=\"num\">Duration</th><th class=\"num\">Statements</th>"
		  "<th class=\"num\">Slow</th><th class=\"num\">Lock wait</th></tr>\n", f);
	for (i = 0; i < w->nruns && i < SLOWEST_RUNS; i++)
	{
		const UkReportRun *r = &w->runs[order[i]];

		fprintf(f, "<tr><td class=\"num\">%zu</td><td><code>", i + 1);
		put(f, uk_report_or(r->name, "(no name)"));
		fputs("</code></td><td>", f);
		put(f, uk_report_or(r->app, ""));
		fputs("</td><td>", f);
		status_pill(f, r->status);
		fprintf(f, "</td><td class=\"t\">%s</td>", uk_report_fmt_clock(r->started_at, a, sizeof(a)));
		fprintf(f, "<td class=\"num\">%s</td>",
				uk_report_fmt_ms((uk_report_run_end(r, end) - r->started_at) * 1000.0, a, sizeof(a)));
		if (r->statements >= 0)
			fprintf(f, "<td class=\"num\">%" PRId64 "</td>", r->statements);
		else
			fputs("<td class=\"num\">-</td>", f);
		fprintf(f, "<td class=\"num\">%" PRId64 "</td>", r->slow_statements);
		fprintf(f, "<td class=\"num\">%s</td></tr>\n",
				r->lock_wait_ms >= 0 ? uk_report_fmt_ms(r->lock_wait_ms, a, sizeof(a)) : "-");
	}
	fputs("</table>\n", f);
	free(order);
}

static bool
is_failure(const UkReportRun *r)
{
	const char *cls = uk_report_status_class(r->status);

	return strcmp(cls, "failed") == 0 || strcmp(cls, "aborted") == 0 ||
		(r->error_message != NULL && r->error_message[0] != '\0');
}

static void
write_failures(FILE *f, const UkReportWindow *w)
{
	size_t		n = 0;
	size_t		shown = 0;
	size_t		i;
	char		a[64];

	for (i = 0; i < w->nruns; i++)
		n += is_failure(&w->runs[i]);
	fprintf(f, "<h2>Failures <span class=\"n\">(%zu)</span></h2>\n", n);
	if (n == 0)
	{
		fputs("<p class=\"none\">No patch failed.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>Patch</th><th>Status</th><th>Ended</th><th>SQLSTATE</th>"
		  "<th>Message</th><th>Statement</th></tr>\n", f);
	for (i = 0; i < w->nruns && shown < FAIL_ROWS_MAX; i++)
	{
		const UkReportRun *r = &w->runs[i];

		if (!is_failure(r))
			continue;
		shown++;
		fputs("<tr><td><code>", f);
		put(f, uk_report_or(r->name, "(no name)"));
		fputs("</code></td><td>", f);
		status_pill(f, r->status);
		fprintf(f, "</td><td class=\"t\">%s</td><td><code>",
				uk_report_fmt_clock(r->ended_at, a, sizeof(a)));
		put(f, uk_report_or(r->error_sqlstate, "-"));
		fputs("</code></td><td class=\"err\">", f);
		put(f, uk_report_or(r->error_message, "-"));
		fputs("</td><td>", f);
		sql_cell(f, r->error_statement);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (n > shown)
		fprintf(f, "<p class=\"meta\">%zu more in the JSON report.</p>\n", n - shown);
}

static void
write_slow(FILE *f, const UkReportWindow *w)
{
	size_t	   *order = uk_report_slow_by_duration(w);
	size_t		i;
	char		a[64];

	fprintf(f, "<h2>Slow statements <span class=\"n\">(%zu)</span></h2>\n", w->nslow);
	if (w->nslow == 0 || order == NULL)
	{
		fputs("<p class=\"none\">No slow statement was recorded.</p>\n", f);
		free(order);
		return;
	}
	fputs("<table><tr><th>Started</th><th>Patch</th><th class=\"num\">Duration</th>"
		  "<th class=\"num\">Lock wait</th><th class=\"num\">Rows</th><th>Statement</th>"
		  "<th>Plan</th></tr>\n", f);
	for (i = 0; i < w->nslow && i < SLOW_ROWS_MAX; i++)
	{
		const UkReportSlow *s = &w->slow[order[i]];

		fprintf(f, "<tr><td class=\"t\">%s</td><td><code>",
				uk_report_fmt_clock(s->started_at, a, sizeof(a)));
		put(f, uk_report_or(s->patch, "-"));
		fprintf(f, "</code></td><td class=\"num\">%s</td>",
				uk_report_fmt_ms(s->duration_ms, a, sizeof(a)));
		fprintf(f, "<td class=\"num\">%s</td>",
				s->lock_wait_ms >= 0 ? uk_report_fmt_ms(s->lock_wait_ms, a, sizeof(a)) : "-");
		if (s->rows >= 0)
			fprintf(f, "<td class=\"num\">%" PRId64 "</td><td>", s->rows);
		else
			fputs("<td class=\"num\">-</td><td>", f);
		sql_cell(f, s->query);
		fputs("</td><td>", f);
		if (s->plan != NULL && s->plan[0] != '\0')
		{
			fputs("<details><summary>plan</summary><pre>", f);
			put(f, s->plan);
			fputs("</pre></details>", f);
		}
		else
			fputs("<span class=\"none\">-</span>", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (w->nslow > SLOW_ROWS_MAX)
		fprintf(f, "<p class=\"meta\">The %d slowest shown; %zu more in the JSON report.</p>\n",
				SLOW_ROWS_MAX, w->nslow - SLOW_ROWS_MAX);
	free(order);
}

static void
write_deadlocks(FILE *f, const UkReportWindow *w)
{
	size_t		i;
	char		a[64];

	fprintf(f, "<h2>Deadlocks <span class=\"n\">(%zu)</span></h2>\n", w->ndeadlocks);
	if (w->ndeadlocks == 0)
	{
		fputs("<p class=\"none\">No deadlock during the window.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>Detected</th><th>Victim patch</th><th class=\"num\">Sessions</th>"
		  "<th>Tables</th><th>Report</th></tr>\n", f);
	for (i = 0; i < w->ndeadlocks && i < DEADLOCK_ROWS_MAX; i++)
	{
		const UkReportDeadlock *d = &w->deadlocks[i];

		fprintf(f, "<tr><td class=\"t\">%s</td><td><code>",
				uk_report_fmt_time(d->detected_at, a, sizeof(a)));
		put(f, uk_report_or(d->victim_patch, "-"));
		fputs("</code></td>", f);
		if (d->participants > 0)
			fprintf(f, "<td class=\"num\">%d</td><td>", d->participants);
		else
			fputs("<td class=\"num\">-</td><td>", f);
		put(f, uk_report_or(d->tables, "-"));
		fputs("</td><td>", f);
		if (d->raw != NULL && d->raw[0] != '\0')
		{
			fputs("<details><summary>server report</summary><pre>", f);
			put(f, d->raw);
			fputs("</pre></details>", f);
		}
		else
			fputs("<span class=\"none\">-</span>", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (w->ndeadlocks > DEADLOCK_ROWS_MAX)
		fprintf(f, "<p class=\"meta\">%zu more in the JSON report.</p>\n",
				w->ndeadlocks - DEADLOCK_ROWS_MAX);
}

int
uk_report_write_html(FILE *f, const UkReportWindow *w, UkError **err)
{
	const char *result;
	double		t0,
				t1;

	if (f == NULL || w == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "no report to write");
	result = w->result != NULL ? w->result : uk_report_result_of(w);
	uk_report_span(w, &t0, &t1);
	errno = 0;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		  "<title>upkeep: upgrade report", f);
	if (w->window_id > 0)
		fprintf(f, " of window %" PRId64, w->window_id);
	fputs("</title>\n<style>\n", f);
	fputs(css, f);
	fputs("</style>\n</head>\n<body>\n<main>\n<header><h1>Upgrade report</h1>", f);
	fprintf(f, "<span class=\"badge r-%s\">", result_class(result));
	put(f, result);
	fputs("</span><span class=\"meta\">", f);
	if (w->window_id > 0)
		fprintf(f, "window %" PRId64 " \xC2\xB7 ", w->window_id);
	put(f, uk_report_or(w->engine, "unknown engine"));
	fputs("</span></header>\n<p class=\"reason\">", f);
	put(f, uk_report_or(w->reason, "(no reason recorded)"));
	fputs("</p>\n", f);
	write_summary(f, w);
	fputs("<h2>Timeline</h2>\n<div class=\"chart\">\n", f);
	write_legend(f);
	uk_report_write_svg(f, w);
	fputs("</div>\n", f);
	write_slowest(f, w, t1);
	write_failures(f, w);
	write_slow(f, w);
	write_deadlocks(f, w);
	fputs("<footer>Written by upkeep. Times are UTC. The JSON report has every row.</footer>\n"
		  "</main>\n</body>\n</html>\n", f);
	if (fflush(f) != 0 || ferror(f))
		return uk_error_set(err, UK_ERR_IO, errno, "could not write the HTML report");
	return UK_OK;
}
