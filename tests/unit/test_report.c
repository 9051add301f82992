/*
 * test_report.c
 *		Unit tests for uk_report.h: text from the server is escaped (no
 *		<script> gets through, bad UTF-8 is repaired), the timeline has one
 *		bar per run (0, a few with steps, 5,000), markers for slow
 *		statements and deadlocks, a labelled axis, NULL strings everywhere
 *		are fine, the JSON parses and carries every row, a failed write is
 *		an error, and the result a report shows when nobody said.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_report.h"
#include "../../libcommon/src/uk_json.h"
#include "uk_test.h"

#define T0 1767261600.0			/* 2026-01-01 10:00:00 UTC */

static char *
sdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* Render w with the writer into a malloc'd NUL-terminated string. */
static char *
render(const UkReportWindow *w, bool json, size_t *len)
{
	char	   *buf = NULL;
	size_t		n = 0;
	FILE	   *f = open_memstream(&buf, &n);
	UkError    *err = NULL;
	int			rc;

	if (f == NULL)
		return NULL;
	rc = json ? uk_report_write_json(f, w, &err) : uk_report_write_html(f, w, &err);
	fclose(f);
	if (rc != UK_OK)
	{
		printf("render failed: %s\n", err ? err->message : "?");
		uk_error_free(err);
		free(buf);
		return NULL;
	}
	if (len != NULL)
		*len = n;
	return buf;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t		n = 0;
	size_t		k = strlen(needle);

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += k)
		n++;
	return n;
}

static bool
has_ci(const char *hay, const char *needle)
{
	size_t		k = strlen(needle);

	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, k) == 0)
			return true;
	return false;
}

/* Strictly valid UTF-8 (no overlong, surrogate or past U+10FFFF). */
static bool
valid_utf8(const unsigned char *s, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		unsigned char c = s[i];
		size_t		len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 :
			c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;

		if (len == 0 || i + len > n)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
			(c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
			return false;
		i += len;
	}
	return true;
}

static void
add_run(UkReportWindow *w, int64_t id, int64_t parent, const char *name,
		const char *status, double start, double end)
{
	UkReportRun *r = &w->runs[w->nruns++];

	memset(r, 0, sizeof(*r));
	r->run_id = id;
	r->parent_run_id = parent;
	r->name = sdup(name);
	r->app = sdup("frappe");
	r->status = sdup(status);
	r->started_at = start;
	r->ended_at = end;
	r->lock_wait_ms = -1;
}

/* A window 10:00-10:30 with three runs (one a step), two slow, a deadlock. */
static void
small_window(UkReportWindow *w)
{
	memset(w, 0, sizeof(*w));
	w->engine = sdup("postgresql");
	w->window_id = 7;
	w->reason = sdup("upgrade \"v15\" & <friends>");
	w->entered_by = sdup("postgres");
	w->exited_by = sdup("postgres");
	w->drain_outcome = sdup("clean");
	w->entered_at = T0;
	w->exited_at = T0 + 1800;
	w->expected_end = T0 + 2700;
	w->exit_status = 1;
	w->unattributed_statements = 4;
	w->command = sdup("bench --site x migrate");
	w->runs = calloc(4, sizeof(UkReportRun));
	add_run(w, 10, 0, "erpnext.patches.v15_0.<script>alert(1)</script>", "succeeded", T0 + 10, T0 + 400);
	add_run(w, 11, 10, "step one", "succeeded", T0 + 20, T0 + 100);
	add_run(w, 12, 0, "execute:frappe.db.sql('x') #bad \xff\xfe byte \x01", "failed", T0 + 400, T0 + 900);
	w->runs[2].error_sqlstate = sdup("23505");
	w->runs[2].error_message = sdup("duplicate key value violates unique constraint \"tab_pkey\"");
	w->runs[2].error_statement = sdup("INSERT INTO tab VALUES (1)");
	w->runs[2].lock_wait_ms = 1500;
	w->slow = calloc(2, sizeof(UkReportSlow));
	w->nslow = 2;
	w->slow[0] = (UkReportSlow)
	{
		1, 10, sdup("erpnext.patches.v15_0.<script>alert(1)</script>"), sdup("UPDATE"),
			sdup("UPDATE \"tabItem\" SET x = '</pre><script>evil()</script>'"),
			sdup("Update on tabItem\n  -> Seq Scan on tabItem"), T0 + 50, 12000, 300, 5000
	};
	w->slow[1] = (UkReportSlow)
	{
		2, 12, NULL, NULL, NULL, NULL, T0 + 500, 2500, -1, -1
	};
	w->deadlocks = calloc(1, sizeof(UkReportDeadlock));
	w->ndeadlocks = 1;
	w->deadlocks[0] = (UkReportDeadlock)
	{
		1, T0 + 600, sdup("execute:frappe.db.sql('x')"), sdup("public.tab, public.other"),
			sdup("Process 1 waits for ShareLock <on> transaction 2"), 2
	};
}

static void
test_small(void)
{
	UkReportWindow w;
	char	   *html;
	char	   *json;
	size_t		hlen = 0;
	size_t		jlen = 0;
	JDoc		d;
	UkError    *err = NULL;

	small_window(&w);
	html = render(&w, false, &hlen);
	CHECK(html != NULL, "html renders");
	if (html == NULL)
		return;
	CHECK(!has_ci(html, "<script"), "no <script> gets through into the page");
	CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL, "run name escaped");
	CHECK(strstr(html, "upgrade &quot;v15&quot; &amp; &lt;friends&gt;") != NULL, "reason escaped");
	CHECK(strstr(html, "&lt;/pre&gt;") != NULL, "a query cannot close its <pre>");
	CHECK(count(html, "<rect class=\"run ") == 3, "one bar per run: %zu",
		  count(html, "<rect class=\"run "));
	CHECK(count(html, "<rect class=\"run s-succeeded step\"") == 1, "the step is drawn as a step");
	CHECK(count(html, "<rect class=\"run s-failed\"") == 1, "the failed run is coloured as failed");
	CHECK(count(html, "class=\"mk slow\"") == 2, "a marker per slow statement");
	CHECK(count(html, "class=\"mk lock") == 2, "lock waits marked (statement and whole run)");
	CHECK(count(html, "class=\"mk dl\"") == 1, "the deadlock is marked");
	CHECK(strstr(html, ">10:10:00</text>") != NULL, "the axis is labelled in UTC clock time");
	CHECK(strstr(html, "expected end") != NULL, "the expected end is drawn");
	CHECK(strstr(html, "23505") != NULL && strstr(html, "duplicate key value") != NULL,
		  "the failure shows its SQLSTATE and message");
	CHECK(strstr(html, "Seq Scan on tabItem") != NULL && strstr(html, "<details><summary>plan") != NULL,
		  "the plan is in a details element");
	CHECK(strstr(html, "bench --site x migrate") != NULL, "the command is shown");
	CHECK(strstr(html, "badge r-failed\">failed<") != NULL, "a failed run makes the result failed");
	CHECK(valid_utf8((const unsigned char *) html, hlen), "the page is valid UTF-8");
	CHECK(strstr(html, "\xEF\xBF\xBD byte \xEF\xBF\xBD") != NULL, "bad bytes and controls shown as U+FFFD");
	CHECK(strstr(html, "http") == NULL && strstr(html, "src=") == NULL && strstr(html, "<link") == NULL,
		  "nothing is loaded from anywhere");
	free(html);

	json = render(&w, true, &jlen);
	CHECK(json != NULL, "json renders");
	if (json != NULL)
	{
		int			runs;

		memset(&d, 0, sizeof(d));
		CHECK(uk_json_parse(&d, json, jlen, &err) == UK_OK, "json parses: %s",
			  err ? err->message : "");
		runs = jget(&d, 0, "runs");
		CHECK(jcount(&d, runs, J_ARR) == 3, "json has every run");
		CHECK(jcount(&d, jget(&d, 0, "slow_statements"), J_ARR) == 2, "json has every slow statement");
		CHECK(jcount(&d, jget(&d, 0, "deadlocks"), J_ARR) == 1, "json has the deadlock");
		CHECK(jstr_is(&d, jget(&d, jat(&d, runs, 0), "name"),
					  "erpnext.patches.v15_0.<script>alert(1)</script>"), "json name round trip");
		CHECK(jstr_is(&d, jget(&d, jat(&d, runs, 2), "name"),
					  "execute:frappe.db.sql('x') #bad \xEF\xBF\xBD\xEF\xBF\xBD byte \x01"),
			  "json repairs bad UTF-8, keeps a control as \\u0001");
		CHECK(jstr_is(&d, jget(&d, jget(&d, jat(&d, runs, 2), "error"), "sqlstate"), "23505"),
			  "json failure sqlstate");
		CHECK(jstr_is(&d, jget(&d, 0, "entered_at"), "2026-01-01T10:00:00.000000Z"), "json time");
		CHECK(jstr_is(&d, jget(&d, 0, "result"), "failed"), "json result");
		CHECK(d.nodes[jget(&d, jat(&d, jget(&d, 0, "slow_statements"), 1), "rows")].type == J_NULL,
			  "unknown rows are null");
		CHECK(valid_utf8((const unsigned char *) json, jlen), "json is valid UTF-8");
		uk_json_free(&d);
		uk_error_free(err);
		free(json);
	}
	uk_report_window_free(&w);
	CHECK(w.runs == NULL && w.nruns == 0 && w.reason == NULL, "free zeroes the window");
}

static void
test_empty_and_null(void)
{
	UkReportWindow w;
	char	   *html;
	char	   *json;
	size_t		jlen = 0;
	JDoc		d;

	/* nothing known at all */
	memset(&w, 0, sizeof(w));
	w.entered_at = w.exited_at = w.expected_end = -1;
	w.exit_status = -1;
	w.unattributed_statements = -1;
	html = render(&w, false, NULL);
	CHECK(html != NULL && count(html, "<rect class=\"run ") == 0, "0 runs: no bar");
	CHECK(html != NULL && strstr(html, "no patch run was recorded") != NULL, "0 runs: said so");
	CHECK(html != NULL && strstr(html, "badge r-running\">running<") != NULL, "open window: running");
	free(html);
	json = render(&w, true, &jlen);
	memset(&d, 0, sizeof(d));
	CHECK(json != NULL && uk_json_parse(&d, json, jlen, NULL) == UK_OK, "0 runs: json parses");
	CHECK(json != NULL && d.nodes[jget(&d, 0, "reason")].type == J_NULL, "NULL reason is null");
	uk_json_free(&d);
	free(json);

	/* runs and rows whose strings are all NULL, a run still open */
	w.runs = calloc(2, sizeof(UkReportRun));
	w.nruns = 2;
	w.runs[0].started_at = T0;
	w.runs[0].ended_at = -1;
	w.runs[1].started_at = T0 + 5;
	w.runs[1].ended_at = T0 + 6;
	w.runs[1].parent_run_id = 99;	/* a parent not in the report */
	w.slow = calloc(1, sizeof(UkReportSlow));
	w.nslow = 1;
	w.slow[0].started_at = -1;
	w.deadlocks = calloc(1, sizeof(UkReportDeadlock));
	w.ndeadlocks = 1;
	w.deadlocks[0].detected_at = T0 + 3;
	html = render(&w, false, NULL);
	CHECK(html != NULL && count(html, "<rect class=\"run ") == 2, "NULL strings: bars drawn");
	CHECK(html != NULL && strstr(html, "(no name)") != NULL, "a run without a name");
	free(html);
	json = render(&w, true, &jlen);
	memset(&d, 0, sizeof(d));
	CHECK(json != NULL && uk_json_parse(&d, json, jlen, NULL) == UK_OK, "NULL strings: json parses");
	uk_json_free(&d);
	free(json);
	uk_report_window_free(&w);
}

static void
test_many(void)
{
	UkReportWindow w;
	char	   *html;
	char	   *json;
	size_t		hlen = 0;
	size_t		jlen = 0;
	JDoc		d;
	char		name[128];
	size_t		i;

	memset(&w, 0, sizeof(w));
	w.entered_at = T0;
	w.exited_at = T0 + 3600;
	w.expected_end = -1;
	w.exit_status = 0;
	w.runs = calloc(5000, sizeof(UkReportRun));
	for (i = 0; i < 5000; i++)
	{
		/* mostly sub-second patches, every 100th a long one */
		double		start = T0 + (double) i * 0.7;

		snprintf(name, sizeof(name), "app.patches.v16_0.patch_number_%zu", i);
		add_run(&w, (int64_t) i + 1, i % 10 == 9 ? (int64_t) i : 0, name,
				i == 4000 ? "failed" : "succeeded", start, start + (i % 100 == 0 ? 30 : 0.5));
	}
	html = render(&w, false, &hlen);
	CHECK(html != NULL && count(html, "<rect class=\"run ") == 5000, "5000 runs: 5000 bars");
	CHECK(hlen < 3 * 1024 * 1024, "5000 runs: the page stays small: %zu bytes", hlen);
	CHECK(html != NULL && strstr(html, "5000 runs</text>") != NULL, "5000 runs: packed into lanes");
	free(html);
	json = render(&w, true, &jlen);
	memset(&d, 0, sizeof(d));
	CHECK(json != NULL && uk_json_parse(&d, json, jlen, NULL) == UK_OK &&
		  jcount(&d, jget(&d, 0, "runs"), J_ARR) == 5000, "5000 runs: json has them all");
	uk_json_free(&d);
	free(json);
	uk_report_window_free(&w);
}

static void
test_result_and_errors(void)
{
	UkReportWindow w;
	UkError    *err = NULL;
	FILE	   *full;

	memset(&w, 0, sizeof(w));
	w.exited_at = T0;
	CHECK(strcmp(uk_report_result_of(&w), "succeeded") == 0, "closed, no runs: succeeded");
	w.runs = calloc(2, sizeof(UkReportRun));
	w.nruns = 2;
	w.runs[0].status = sdup("succeeded");
	w.runs[1].status = sdup("aborted");
	CHECK(strcmp(uk_report_result_of(&w), "interrupted") == 0, "an aborted run: interrupted");
	free(w.runs[0].status);
	w.runs[0].status = sdup("failed");
	CHECK(strcmp(uk_report_result_of(&w), "failed") == 0, "a failed run: failed");
	w.exited_at = -1;
	CHECK(strcmp(uk_report_result_of(&w), "running") == 0, "open window: running");
	w.result = sdup("interrupted");
	{
		char	   *html = render(&w, false, NULL);

		CHECK(html != NULL && strstr(html, "badge r-interrupted\">interrupted<") != NULL,
			  "a result given by the runner wins");
		free(html);
	}

	CHECK(uk_report_write_html(stdout, NULL, &err) == UK_ERR_INVALID && err != NULL,
		  "no window: invalid");
	uk_error_free(err);
	err = NULL;
	full = fopen("/dev/full", "w");
	if (full != NULL)
	{
		setvbuf(full, NULL, _IOFBF, 1 << 16);
		CHECK(uk_report_write_html(full, &w, &err) == UK_ERR_IO && err != NULL,
			  "a full disk is an error");
		uk_error_free(err);
		err = NULL;
		clearerr(full);
		CHECK(uk_report_write_json(full, &w, &err) == UK_ERR_IO && err != NULL,
			  "a full disk is an error (json)");
		uk_error_free(err);
		fclose(full);
	}
	uk_report_window_free(&w);
	uk_report_window_free(NULL);
}

int
main(void)
{
	test_small();
	test_empty_and_null();
	test_many();
	test_result_and_errors();
	return uk_test_done("test_report");
}
