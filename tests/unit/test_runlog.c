/*
 * test_runlog.c
 *		Unit tests for uk_runlog.h: the events the runner sees for real
 *		`bench migrate` and `odoo -u` output (progress bars redrawn with CR,
 *		colours, patch names with spaces and code, docstrings, Odoo's log
 *		format), the user's regular expressions, and line assembly (CRLF,
 *		chunks split anywhere, the two streams, long lines, EOF).
 *
 * Every output is fed four ways (all at once, byte by byte, in chunks of 7
 * and of 4096 bytes); each must give exactly the expected events.
 */
#include <stdarg.h>

#include "uk_runlog.h"
#include "uk_validate.h"
#include "uk_test.h"

typedef struct Collect
{
	char		text[16384];
	size_t		len;
	int			n;
	int			bad_utf8;
} Collect;

static void
collect_cb(const UkRunlogEvent *ev, void *arg)
{
	Collect    *c = arg;
	char		line[1024];
	int			k;

	if (!uk_utf8_valid(ev->name, strlen(ev->name)) ||
		!uk_utf8_valid(ev->app, strlen(ev->app)))
		c->bad_utf8++;
	k = snprintf(line, sizeof(line), "%s|%s|%s", uk_runlog_kind_name(ev->kind),
				 ev->name, ev->app);
	if (ev->index != 0 || ev->total != 0)
		k += snprintf(line + k, sizeof(line) - (size_t) k, "|%d/%d",
					  ev->index, ev->total);
	if (ev->seconds >= 0)
		k += snprintf(line + k, sizeof(line) - (size_t) k, "|%.3fs", ev->seconds);
	snprintf(line + k, sizeof(line) - (size_t) k, "\n");
	k = (int) strlen(line);
	if (c->len + (size_t) k < sizeof(c->text))
	{
		memcpy(c->text + c->len, line, (size_t) k + 1);
		c->len += (size_t) k;
	}
	c->n++;
}

/* Feed out (to stream) in chunks of size step (0: at once), then EOF. */
static void
run(UkRunlog *rl, int stream, const char *out, size_t len, size_t step,
	Collect *c)
{
	size_t		i;

	memset(c, 0, sizeof(*c));
	if (step == 0)
		step = len > 0 ? len : 1;
	for (i = 0; i < len; i += step)
		uk_runlog_feed(rl, stream, out + i, len - i < step ? len - i : step,
					   collect_cb, c);
	uk_runlog_flush(rl, collect_cb, c);
}

typedef struct Case
{
	const char *what;
	const char *preset;			/* NULL: regex below */
	const char *re[3];
	int			stream;
	const char *out;
	const char *want;
} Case;

#define PROG40(n) "[" n "]"
#define BAR_10 "[====                                    ] 10%"
#define BAR_100 "[========================================] 100%"

static const Case cases[] = {
	{"frappe: a site, a patch, its end", "frappe", {0}, 0,
		"\x1b[32mMigrating site1.local\x1b[0m\n"
		"Executing frappe.patches.v12_0.remove_deprecated_fields_from_doctype #3 in site1.local (_5b8ce4df2ddd4b8d)\n"
		"Success: Done in 1.011s\n",
		"phase|Migrating site1.local|frappe:phase\n"
		"patch_start|frappe.patches.v12_0.remove_deprecated_fields_from_doctype #3|frappe\n"
		"patch_ok|frappe.patches.v12_0.remove_deprecated_fields_from_doctype #3||1.011s\n"},
	{"frappe: execute: code with spaces, quotes, \" in \" and a comment", "frappe", {0}, 0,
		"Executing execute:frappe.db.sql(\"update `tabItem` set disabled = 0 where name in ('a b', 'c')\") #2024-01-15 in erp.example.com (_1bd3e0294da19198)\n"
		"Success: Done in 0.021s\n",
		"patch_start|execute:frappe.db.sql(\"update `tabItem` set disabled = 0 where name in ('a b', 'c')\") #2024-01-15|\n"
		"patch_ok|execute:frappe.db.sql(\"update `tabItem` set disabled = 0 where name in ('a b', 'c')\") #2024-01-15||0.021s\n"},
	{"frappe: empty site name, --skip-failing", "frappe", {0}, 0,
		"Executing execute:frappe.rename_doc(\"Desk Page\", \"Getting Started\", \"Home\", force=True) in  (_07d026b0d97f3dec)\n"
		"Traceback (most recent call last):\n"
		"  File \"apps/frappe/frappe/modules/patch_handler.py\", line 185, in execute_patch\n"
		"frappe.exceptions.DoesNotExistError: Desk Page Getting Started not found\n"
		"\n"
		"Failed to execute patch\n",
		"patch_start|execute:frappe.rename_doc(\"Desk Page\", \"Getting Started\", \"Home\", force=True)|\n"
		"patch_fail|execute:frappe.rename_doc(\"Desk Page\", \"Getting Started\", \"Home\", force=True)|\n"},
	{"frappe: a docstring after the start line", "frappe", {0}, 0,
		"Executing erpnext.patches.v15_0.migrate_cost_center_allocations in site1.local (_db1)\n"
		"\tMove cost center allocations to the new doctype.\n"
		"\n"
		"\tExecuting this twice is harmless (see in site (x)y).\n"
		"Success: Done in 12.5s\n",
		"patch_start|erpnext.patches.v15_0.migrate_cost_center_allocations|erpnext\n"
		"patch_ok|erpnext.patches.v15_0.migrate_cost_center_allocations||12.500s\n"},
	{"frappe: progress bar redrawn with CR, then the patch", "frappe", {0}, 0,
		"\rUpdating DocTypes for frappe        : " BAR_10
		"\rUpdating DocTypes for frappe        : " BAR_100 "\n"
		"Executing finally:erpnext.patches.v14_0.update_reports in s1 (db)\n",
		"phase|Updating DocTypes for frappe|frappe:phase|10/100\n"
		"progress|Updating DocTypes for frappe||100/100\n"
		"patch_start|finally:erpnext.patches.v14_0.update_reports|erpnext\n"},
	{"frappe: the patch line right after a progress bar, no newline between", "frappe", {0}, 0,
		"\rUpdating DocTypes for erpnext       : " BAR_100
		"Executing erpnext.patches.v15_0.set_status in site1.local (_db)\n"
		"\rRebuilding tree  : [====] 1 of 4\rRebuilding tree  : [========] 2 of 4"
		"Success: Done in 3s\n",
		"phase|Updating DocTypes for erpnext|frappe:phase|100/100\n"
		"patch_start|erpnext.patches.v15_0.set_status|erpnext\n"
		"progress|Rebuilding tree||1/4\n"
		"patch_ok|erpnext.patches.v15_0.set_status||3.000s\n"},
	{"frappe: CI progress (dots) and every phase of migrate.py", "frappe", {0}, 0,
		"Updating DocTypes for hrms..........\n"
		"Syncing jobs...\nSyncing fixtures...\nSyncing dashboards...\n"
		"Updating Dashboard for frappe\n"
		"Syncing customizations...\nSyncing languages...\n"
		"Flushing deferred inserts...\nRemoving orphan doctypes...\n"
		"Removing orphan Workspaces\n"
		"Syncing portal menu...\nUpdating installed applications...\n"
		"Executing `after_migrate` hooks...\n\n"
		"Queued rebuilding of search index for site1.local\n",
		"phase|Updating DocTypes for hrms|frappe:phase\n"
		"phase|Syncing jobs...|frappe:phase\n"
		"phase|Syncing fixtures...|frappe:phase\n"
		"phase|Syncing dashboards...|frappe:phase\n"
		"phase|Syncing customizations...|frappe:phase\n"
		"phase|Syncing languages...|frappe:phase\n"
		"phase|Flushing deferred inserts...|frappe:phase\n"
		"phase|Removing orphan doctypes...|frappe:phase\n"
		"phase|Syncing portal menu...|frappe:phase\n"
		"phase|Updating installed applications...|frappe:phase\n"
		"phase|Executing `after_migrate` hooks...|frappe:phase\n"
		"phase|Queued rebuilding of search index for site1.local|frappe:phase\n"},
	{"frappe 16: migrate --skip-fixtures, a killed idle connection, a skipped patch's traceback", "frappe", {0}, 0,
		"Migrating site1.local\n"
		"Killed inactive database connection with PID 8812\n"
		"Executing erpnext.patches.v16_0.broken in site1.local (_db)\n"
		"Failed to execute patch\n"
		"Traceback (most recent call last):\n"
		"  File \"apps/frappe/frappe/modules/patch_handler.py\", line 80, in run_patch\n"
		"Syncing jobs...\nSkipping fixtures...\nSyncing dashboards...\n",
		"phase|Migrating site1.local|frappe:phase\n"
		"patch_start|erpnext.patches.v16_0.broken|erpnext\n"
		"patch_fail|erpnext.patches.v16_0.broken|\n"
		"phase|Syncing jobs...|frappe:phase\n"
		"phase|Skipping fixtures...|frappe:phase\n"
		"phase|Syncing dashboards...|frappe:phase\n"},
	{"frappe: lines that only look alike", "frappe", {0}, 0,
		"Executing patches in site1 now\n"
		"Executing a.b in site1 (db name)\n"
		"Success: Done in 1,5s\n"
		"Success: Done in 2s, more\n"
		"  Syncing jobs...\n"
		"Migrating\n"
		"Migrating two sites\n",
		""},
	{"frappe: a patch that printed without a newline, and STOPPED", "frappe", {0}, 0,
		"Executing myapp.patches.fix in s (d)\n"
		"fixed 12 rows Success: Done in 0.5s\n"
		"myapp.patches.other: failed: STOPPED\n",
		"patch_start|myapp.patches.fix|myapp\n"
		"patch_ok|myapp.patches.fix||0.500s\n"
		"patch_fail|myapp.patches.other|\n"},
	{"frappe: escapes of every kind, CRLF", "frappe", {0}, 1,
		"\x1b]0;bench migrate\x07\x1b[1m\x1b[33mSyncing jobs...\x1b[0m\r\n"
		"\x1b]8;;http://x\x1b\\Syncing fixtures...\x1b]8;;\x1b\\\r\n"
		"\x1b(BSyncing\x1b[K dashboards...\r\n",
		"phase|Syncing jobs...|frappe:phase\n"
		"phase|Syncing fixtures...|frappe:phase\n"
		"phase|Syncing dashboards...|frappe:phase\n"},
	{"frappe: invalid UTF-8 and control bytes in a name", "frappe", {0}, 0,
		"Executing app.p\xff\xfe\x01x in s (d)\n",
		"patch_start|app.p?? x|app\n"},
	{"frappe: no newline at EOF", "frappe", {0}, 0,
		"Executing a.b in s (d)\nSuccess: Done in 2s",
		"patch_start|a.b|a\npatch_ok|a.b||2.000s\n"},

	{"odoo: a module with a migration script", "odoo", {0}, 1,
		"2024-05-02 09:14:03,512 4711 INFO prod odoo.modules.loading: loading 80 modules...\n"
		"2024-05-02 09:14:03,600 4711 INFO prod odoo.modules.loading: Loading module sale (12/80)\n"
		"2024-05-02 09:14:03,700 4711 \x1b[1;32m\x1b[1;49mINFO\x1b[0m prod odoo.modules.migration: module sale: Running migration [17.0.1.2>] post-migration\n"
		"2024-05-02 09:14:04,443 4711 INFO prod odoo.modules.loading: Module sale loaded in 0.93s, 942 queries\n"
		"2024-05-02 09:14:09,001 4711 INFO prod odoo.modules.loading: 80 modules loaded in 5.40s, 9000 queries (+12 extra)\n",
		"patch_start|sale|odoo:module|12/80\n"
		"step_start|sale:post-migration|odoo:migration\n"
		"patch_ok|sale|odoo:module|0.930s\n"},
	{"odoo: pre and end stages, upgrade scripts, test timings", "odoo", {0}, 1,
		"2026-06-10 00:09:01,699 12 INFO habitta_prod odoo.modules.migration: module real_state_bits: Running migration [>18.0.0.6] pre-migration\n"
		"2026-08-14 01:23:51,763 2585928 INFO vietuat odoo.modules.migration: module biz_bi: Running migration [19.0.1.7.0>] post-truncate-query-cache \n"
		"2026-08-14 01:23:52,000 2585928 INFO vietuat odoo.modules.migration: module biz_bi: Running migration [$19.0.1.7.0] end-migration\n"
		"2025-01-01 10:00:00,000 9 INFO db odoo.modules.migration: module account: Running upgrade 18.0.1.3 end-fix_taxes\n"
		"2025-01-01 10:00:01,000 9 INFO db odoo.modules.loading: Module account loaded in 1.25s (incl. 0.40s test), 1200 queries (+12 test, +3 other)\n",
		"step_start|real_state_bits:pre-migration|odoo:migration\n"
		"step_start|biz_bi:post-truncate-query-cache|odoo:migration\n"
		"step_start|biz_bi:end-migration|odoo:migration\n"
		"step_start|account:end-fix_taxes|odoo:migration\n"
		"patch_ok|account|odoo:module|1.250s\n"},
	{"odoo: failures", "odoo", {0}, 1,
		"2024-05-02 09:15:00,000 4711 ERROR prod odoo.sql_db: bad query: ALTER TABLE \"sale_order\" ADD COLUMN \"x\" int4\n"
		"ERROR: column \"x\" of relation \"sale_order\" already exists\n"
		"2024-05-02 09:15:00,100 4711 ERROR prod odoo.modules.registry: Failed to load registry\n"
		"2024-05-02 09:15:00,200 4711 CRITICAL prod odoo.service.server: Failed to initialize database `prod`.\n",
		"failure|bad query: ALTER TABLE \"sale_order\" ADD COLUMN \"x\" int4|\n"
		"failure|Failed to load registry|\n"
		"failure|Failed to initialize database `prod`.|\n"},
	{"odoo: lines that only look alike", "odoo", {0}, 1,
		"2024-05-02 09:14:03,600 4711 INFO prod odoo.addons.x: user said Loading module a (1/2)\n"
		"2024-05-02 09:14:03,600 4711 INFO prod odoo.modules.loading: Loading module a (1/)\n"
		"2024-05-02 09:14:03,600 4711 INFO prod odoo.modules.loading: Module a loaded in fast, 3 queries\n"
		"2024-05-02 09:14:03,600 4711 INFO prod odoo.modules.loading: module a: loading demo\n"
		"Traceback (most recent call last):\n",
		""},
	{"odoo: a bare message without the log prefix", "odoo", {0}, 0,
		"Loading module base (1/9)\n",
		"patch_start|base|odoo:module|1/9\n"},

	{"regex: groups name the patch", NULL,
		{"^== Running (.+) ==$", "^== ok ==$", "^== FAILED: (.*)$"}, 0,
		"== Running 001 add column ==\n== ok ==\n== Running 002 backfill ==\n== FAILED: timeout\n",
		"patch_start|001 add column|\npatch_ok||\npatch_start|002 backfill|\npatch_fail|timeout|\n"},
	{"regex: no group, the whole match; start and end on one line", NULL,
		{"migrate [0-9]+", "done$", NULL}, 0,
		"\x1b[1m>> migrate 0042 \x1b[0m... done\r\nmigrate 0043\r\n",
		"patch_start|migrate 0042|\npatch_ok||\npatch_start|migrate 0043|\n"},
	{"regex: no end or fail expression", NULL, {"^step (.*)", "", ""}, 0,
		"step one\nok\nstep two\n",
		"patch_start|one|\npatch_start|two|\n"},
};

static void
check_case(const Case *c)
{
	static const size_t steps[] = {0, 1, 7, 4096};
	size_t		i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
	{
		UkError    *err = NULL;
		UkRunlog   *rl = c->preset != NULL ?
			uk_runlog_new_preset(c->preset, &err) :
			uk_runlog_new_regex(c->re[0], c->re[1], c->re[2], &err);
		Collect		got;

		CHECK(rl != NULL && err == NULL, "%s: new: %s", c->what,
			  err ? err->message : "");
		if (rl == NULL)
		{
			uk_error_free(err);
			return;
		}
		run(rl, c->stream, c->out, strlen(c->out), steps[i], &got);
		CHECK(strcmp(got.text, c->want) == 0 && got.bad_utf8 == 0,
			  "%s (chunks of %zu):\n--- got\n%s--- want\n%s", c->what,
			  steps[i], got.text, c->want);
		uk_runlog_free(rl);
	}
}

static void
expect_error(UkRunlog *rl, UkError *err, const char *what, const char *needle)
{
	CHECK(rl == NULL && err != NULL && err->code == UK_ERR_INVALID &&
		  strstr(err->message, needle) != NULL,
		  "%s: %s", what, err ? err->message : "(no error)");
	uk_runlog_free(rl);
	uk_error_free(err);
}

int
main(void)
{
	size_t		i;
	UkError    *err = NULL;
	UkRunlog   *rl;
	Collect		got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);

	/* errors name the option and say why */
	rl = uk_runlog_new_regex("([", NULL, NULL, &err);
	expect_error(rl, err, "bad start", "--patch-start: invalid regular expression \"([\"");
	err = NULL;
	rl = uk_runlog_new_regex("ok", "a{1", NULL, &err);
	expect_error(rl, err, "bad end", "--patch-end: invalid regular expression");
	err = NULL;
	rl = uk_runlog_new_regex("ok", NULL, "(x", &err);
	expect_error(rl, err, "bad fail", "--patch-fail: invalid regular expression");
	err = NULL;
	rl = uk_runlog_new_regex(NULL, "x", NULL, &err);
	expect_error(rl, err, "no start", "--patch-start needs a regular expression");
	err = NULL;
	rl = uk_runlog_new_preset("django", &err);
	expect_error(rl, err, "unknown preset",
				 "unknown preset \"django\" (expected frappe or odoo)");
	err = NULL;
	rl = uk_runlog_new_preset(NULL, &err);
	expect_error(rl, err, "NULL preset", "unknown preset");
	CHECK(strcmp(uk_runlog_kind_name(UK_RUNLOG_STEP_START), "step_start") == 0 &&
		  strcmp(uk_runlog_kind_name((UkRunlogKind) 99), "none") == 0, "kind names");

	/* the two streams assemble their lines apart */
	rl = uk_runlog_new_preset("frappe", NULL);
	memset(&got, 0, sizeof(got));
	uk_runlog_feed(rl, 0, "Executing a.b in ", 17, collect_cb, &got);
	uk_runlog_feed(rl, 1, "Syncing jobs...\nSyn", 19, collect_cb, &got);
	uk_runlog_feed(rl, 0, "s (d)\n", 6, collect_cb, &got);
	uk_runlog_feed(rl, 2, "Syncing jobs...\n", 16, collect_cb, &got);
	uk_runlog_feed(rl, -1, "Syncing jobs...\n", 16, collect_cb, &got);
	uk_runlog_feed(rl, 1, "cing fixtures...", 16, collect_cb, &got);
	CHECK(strcmp(got.text, "phase|Syncing jobs...|frappe:phase\npatch_start|a.b|a\n") == 0,
		  "streams apart: %s", got.text);
	uk_runlog_flush(rl, collect_cb, &got);
	CHECK(got.n == 3 && strstr(got.text, "phase|Syncing fixtures...") != NULL,
		  "flush ends the unfinished line: %s", got.text);
	uk_runlog_flush(rl, collect_cb, &got);
	CHECK(got.n == 3, "a second flush gives nothing");
	/* a NULL callback or buffer is harmless */
	uk_runlog_feed(rl, 0, "Syncing jobs...\n", 16, NULL, NULL);
	uk_runlog_feed(rl, 0, NULL, 5, collect_cb, &got);
	uk_runlog_feed(NULL, 0, "x\n", 2, collect_cb, &got);
	uk_runlog_flush(NULL, collect_cb, &got);
	uk_runlog_free(rl);
	uk_runlog_free(NULL);

	/* a line over 64 KiB is cut; the lines after it are read as usual */
	{
		size_t		big = UK_RUNLOG_MAX_LINE + 5000;
		char	   *out = malloc(big + 200);
		size_t		n;

		memset(out, 'x', big);
		n = big;
		n += (size_t) sprintf(out + n, "Executing hidden.p in s (d)\nExecuting seen.p in s (d)\n");
		rl = uk_runlog_new_preset("frappe", NULL);
		run(rl, 0, out, n, 1000, &got);
		CHECK(strcmp(got.text, "patch_start|seen.p|seen\n") == 0, "long line: %s", got.text);
		/* a name in the first 64 KiB of a long line is still seen */
		memcpy(out, "Executing first.p in s (d)\r", 27);
		run(rl, 0, out, n, 0, &got);
		CHECK(strcmp(got.text, "patch_start|first.p|first\npatch_start|seen.p|seen\n") == 0,
			  "long line after CR: %s", got.text);
		uk_runlog_free(rl);

		/* a very long patch name is cut at a character boundary */
		n = (size_t) sprintf(out, "Executing app.");
		for (i = 0; i < 400; i++)
			n += (size_t) sprintf(out + n, "\xc3\xa9");
		n += (size_t) sprintf(out + n, " in s (d)\n");
		rl = uk_runlog_new_preset("frappe", NULL);
		run(rl, 0, out, n, 0, &got);
		CHECK(got.n == 1 && got.bad_utf8 == 0 && strlen(got.text) < 560,
			  "long name cut: %zu bytes", strlen(got.text));
		uk_runlog_free(rl);
		free(out);
	}

	/* CR then LF in the next read is one line end: regex sees "a" and "b" */
	rl = uk_runlog_new_regex("^(.*)$", NULL, NULL, NULL);
	memset(&got, 0, sizeof(got));
	uk_runlog_feed(rl, 0, "a\r", 2, collect_cb, &got);
	uk_runlog_feed(rl, 0, "\nb\r\r\nc\n\n", 8, collect_cb, &got);
	CHECK(strcmp(got.text, "patch_start|a|\npatch_start|b|\npatch_start|c|\n") == 0,
		  "CRLF across reads: %s", got.text);
	uk_runlog_free(rl);

	return uk_test_done("test_runlog");
}
