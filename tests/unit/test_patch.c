/*
 * test_patch.c
 *		Unit tests for uk_patch.h: statuses, the run state machine, name
 *		validation, the record line format and folding records into runs.
 */
#include <stdint.h>

#include "uk_patch.h"
#include "uk_test.h"

static char line[UK_PATCHREC_LINE_MAX + 1];
static char scratch[UK_PATCHREC_LINE_MAX + 1];

static int
count_tabs(const char *s)
{
	int			n = 0;

	for (; *s != '\0'; s++)
		n += (*s == '\t');
	return n;
}

static void
test_status(void)
{
	static const struct
	{
		const char *in;
		bool		ok;
		UkRunStatus want;
	}			cases[] = {
		{"succeeded", true, UK_RUN_SUCCEEDED},
		{"failed", true, UK_RUN_FAILED},
		{"skipped", true, UK_RUN_SKIPPED},
		{"aborted", false, 0},	/* only the server ends a run aborted */
		{"running", false, 0},
		{"Succeeded", false, 0},
		{"succeeded ", false, 0},
		{"", false, 0},
		{NULL, false, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		UkRunStatus st = UK_RUN_RUNNING;
		UkError    *err = NULL;
		UkStatus	rc = uk_run_status_parse(cases[i].in, &st, &err);

		CHECK((rc == UK_OK) == cases[i].ok, "status '%s'",
			  cases[i].in ? cases[i].in : "(null)");
		if (cases[i].ok)
			CHECK(st == cases[i].want && strcmp(uk_run_status_name(st), cases[i].in) == 0,
				  "status '%s' round trip", cases[i].in);
		else
			CHECK(err != NULL && strstr(err->message, "succeeded, failed or skipped") != NULL,
				  "error names the accepted values");
		uk_error_free(err);
	}
	CHECK(strcmp(uk_run_status_name(UK_RUN_ABORTED), "aborted") == 0, "aborted name");
	CHECK(strcmp(uk_run_status_name((UkRunStatus) 42), "unknown") == 0, "out of range");
}

static void
test_transitions(void)
{
	for (int from = UK_RUN_RUNNING; from <= UK_RUN_ABORTED; from++)
		for (int to = UK_RUN_RUNNING; to <= UK_RUN_ABORTED; to++)
		{
			bool		want = from == UK_RUN_RUNNING && to != UK_RUN_RUNNING;

			CHECK(uk_run_transition_valid((UkRunStatus) from, (UkRunStatus) to) == want,
				  "%s -> %s", uk_run_status_name((UkRunStatus) from),
				  uk_run_status_name((UkRunStatus) to));
		}
}

static void
test_names(void)
{
	char		longname[UK_PATCH_NAME_MAX + 2];
	UkError    *err = NULL;

	memset(longname, 'p', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(uk_patch_name_validate("erpnext.patches.v15_0.rename_field", NULL) == UK_OK, "plain name");
	CHECK(uk_patch_name_validate("stock: añadir índice", NULL) == UK_OK, "utf-8 name");
	CHECK(uk_patch_name_validate("", &err) == UK_ERR_INVALID && strstr(err->message, "empty"),
		  "empty name");
	uk_error_free(err);
	err = NULL;
	CHECK(uk_patch_name_validate(NULL, NULL) == UK_ERR_INVALID, "null name");
	CHECK(uk_patch_name_validate(longname, &err) == UK_ERR_INVALID &&
		  strstr(err->message, "at most") != NULL, "long name");
	uk_error_free(err);
	longname[UK_PATCH_NAME_MAX] = '\0';
	CHECK(uk_patch_name_validate(longname, NULL) == UK_OK, "name at the limit");
	CHECK(uk_patch_name_validate("a\nb", NULL) == UK_ERR_INVALID, "newline in name");
	CHECK(uk_patch_name_validate("a\xff", NULL) == UK_ERR_INVALID, "bad utf-8 in name");
	CHECK(uk_patch_app_validate(NULL, NULL) == UK_OK, "no app");
	CHECK(uk_patch_app_validate("", NULL) == UK_OK, "empty app");
	CHECK(uk_patch_app_validate("erpnext", NULL) == UK_OK, "app");
	CHECK(uk_patch_app_validate("a\tb", NULL) == UK_ERR_INVALID, "tab in app");
	memset(longname, 'a', UK_PATCH_APP_MAX + 1);
	longname[UK_PATCH_APP_MAX + 1] = '\0';
	CHECK(uk_patch_app_validate(longname, NULL) == UK_ERR_INVALID, "long app");
}

static void
test_utf8_cut(void)
{
	const char *s = "ab\xc3\xa9z";	/* "abéz" */

	CHECK(uk_utf8_cut(s, 5, 10) == 5, "no cut needed");
	CHECK(uk_utf8_cut(s, 5, 4) == 4, "cut after é");
	CHECK(uk_utf8_cut(s, 5, 3) == 2, "never inside é");
	CHECK(uk_utf8_cut(s, 5, 0) == 0, "cut to nothing");
}

/* format, then parse the line back (without its '\n') */
static bool
roundtrip(const UkPatchRec *in, UkPatchRec *out)
{
	size_t		n = uk_patchrec_format(in, line, sizeof(line));

	if (n == 0 || n >= sizeof(line) || line[n - 1] != '\n' || strlen(line) != n)
		return false;
	return uk_patchrec_parse(line, n - 1, out, scratch, sizeof(scratch));
}

static void
test_records(void)
{
	UkPatchRec	r;
	UkPatchRec	p;
	char		big[UK_QUERY_MAX + 100];
	size_t		n;
	size_t		full;

	uk_patchrec_init(&r, UK_REC_BEGIN);
	r.run_id = 7;
	r.at_us = INT64_C(1763000000000000);
	r.pid = 4242;
	r.database = "erp";
	r.username = "frappe";
	r.name = "erpnext.patches.v15_0.x\twith tab";
	r.app = "erpnext";
	CHECK(roundtrip(&r, &p), "begin parses");
	CHECK(p.kind == UK_REC_BEGIN && p.run_id == 7 && p.at_us == r.at_us &&
		  p.pid == 4242 && strcmp(p.database, "erp") == 0 &&
		  strcmp(p.username, "frappe") == 0 && strcmp(p.name, r.name) == 0 &&
		  strcmp(p.app, "erpnext") == 0, "begin fields");

	uk_patchrec_init(&r, UK_REC_STMT);
	r.run_id = 7;
	r.at_us = -5;
	r.stmt_id = UINT64_MAX;
	r.duration_us = 1200345;
	r.lock_wait_us = 2000;
	r.rows = 0;
	r.command = "CREATE INDEX";
	r.query = "UPDATE t SET a = 'x\ny' -- \\ backslash";
	r.plan = "Seq Scan on t\n  Filter: (a = 1)";
	CHECK(roundtrip(&r, &p), "stmt parses");
	CHECK(p.kind == UK_REC_STMT && p.at_us == -5 && p.stmt_id == UINT64_MAX &&
		  p.duration_us == 1200345 && p.lock_wait_us == 2000 && p.rows == 0 &&
		  strcmp(p.command, "CREATE INDEX") == 0 && strcmp(p.query, r.query) == 0 &&
		  strcmp(p.plan, r.plan) == 0 && p.pid == 0, "stmt fields");
	CHECK(strchr(line, '\n') == line + strlen(line) - 1, "one line only");
	CHECK(count_tabs(line) == 10, "a session run's STMT has no pid");

	/* a window run's statement names the session that ran it */
	r.pid = 31337;
	CHECK(roundtrip(&r, &p), "window stmt parses");
	CHECK(count_tabs(line) == 11 && p.pid == 31337 && p.stmt_id == UINT64_MAX &&
		  strcmp(p.plan, r.plan) == 0, "window stmt: pid %lld",
		  (long long) p.pid);
	{
		/* a pid 0 is never written, so never read (one canonical line) */
		char		bad[256];
		const char *body = "S\t7\t1\t2\t3\t4\t5\tSELECT\tSELECT 1\t\t0";
		uint32_t	h = 2166136261u;

		for (const char *c = body; *c != '\0'; c++)
			h = (h ^ (uint8_t) *c) * 16777619u;
		snprintf(bad, sizeof(bad), "%s\t%08x", body, (unsigned) h);
		CHECK(!uk_patchrec_parse(bad, strlen(bad), &p, scratch, sizeof(scratch)),
			  "STMT with pid 0 refused");
		snprintf(bad, sizeof(bad), "%.*s", (int) strlen(body) - 2, body);
		h = 2166136261u;
		for (const char *c = bad; *c != '\0'; c++)
			h = (h ^ (uint8_t) *c) * 16777619u;
		snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad), "\t%08x", (unsigned) h);
		CHECK(uk_patchrec_parse(bad, strlen(bad), &p, scratch, sizeof(scratch)) &&
			  p.pid == 0 && strcmp(p.query, "SELECT 1") == 0,
			  "the same STMT without pid reads: %s", bad);
	}
	r.pid = 0;

	uk_patchrec_init(&r, UK_REC_ERROR);
	r.run_id = 7;
	memcpy(r.sqlstate, "23505", 6);
	r.error_code = -1062;
	r.message = "duplicate key value violates unique constraint \"t_pkey\"";
	r.query = "INSERT INTO t VALUES (1)";
	CHECK(roundtrip(&r, &p), "error parses");
	CHECK(strcmp(p.sqlstate, "23505") == 0 && p.error_code == -1062 &&
		  strcmp(p.message, r.message) == 0 && strcmp(p.query, r.query) == 0,
		  "error fields");

	uk_patchrec_init(&r, UK_REC_END);
	r.run_id = 7;
	r.status = UK_RUN_ABORTED;
	r.statements = 12;
	r.slow_statements = 3;
	r.lock_wait_us = 99;
	CHECK(roundtrip(&r, &p), "end parses");
	CHECK(p.status == UK_RUN_ABORTED && p.statements == 12 &&
		  p.slow_statements == 3 && p.lock_wait_us == 99 && p.message[0] == '\0',
		  "end fields");

	/* an END that says running is not a record */
	r.status = UK_RUN_RUNNING;
	CHECK(!roundtrip(&r, &p), "end running refused");

	/* long text is cut at the limit, on a character boundary */
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[UK_QUERY_MAX - 1] = '\xc3';
	big[UK_QUERY_MAX] = '\xa9';
	uk_patchrec_init(&r, UK_REC_STMT);
	r.query = big;
	CHECK(roundtrip(&r, &p), "long stmt parses");
	CHECK(strlen(p.query) == UK_QUERY_MAX - 1, "query cut before é (%zu)", strlen(p.query));

	/* a short buffer gets a NUL-terminated prefix and the full length */
	full = uk_patchrec_format(&r, NULL, 0);
	n = uk_patchrec_format(&r, line, 10);
	CHECK(n == full && strlen(line) == 9, "short buffer");

	/* damage is detected */
	uk_patchrec_init(&r, UK_REC_END);
	r.run_id = 9;
	r.status = UK_RUN_SUCCEEDED;
	n = uk_patchrec_format(&r, line, sizeof(line));
	CHECK(uk_patchrec_parse(line, n - 1, &p, scratch, sizeof(scratch)), "intact");
	line[3] ^= 1;
	CHECK(!uk_patchrec_parse(line, n - 1, &p, scratch, sizeof(scratch)), "bit flip");
	line[3] ^= 1;
	CHECK(!uk_patchrec_parse(line, n - 5, &p, scratch, sizeof(scratch)), "torn line");
	CHECK(!uk_patchrec_parse("", 0, &p, scratch, sizeof(scratch)), "empty line");
	CHECK(!uk_patchrec_parse("X\t1\t2\t00000000", 14, &p, scratch, sizeof(scratch)),
		  "unknown kind");
	CHECK(!uk_patchrec_parse(line, n - 1, &p, scratch, 4), "scratch too small");
}

/*
 * A window patch run's BEGIN carries its window and its parent run; a
 * session's run keeps the line every older reader understands.
 */
static void
test_window_records(void)
{
	UkPatchRec	r;
	UkPatchRec	p;
	size_t		n;
	char	   *tab;

	uk_patchrec_init(&r, UK_REC_BEGIN);
	r.run_id = 12;
	r.at_us = 5;
	r.pid = 77;
	r.name = "erpnext.patches.v15_0.rename_field";
	r.app = "erpnext";
	n = uk_patchrec_format(&r, line, sizeof(line));
	CHECK(count_tabs(line) == 8, "a session's BEGIN keeps 8 fields and its checksum");
	CHECK(uk_patchrec_parse(line, n - 1, &p, scratch, sizeof(scratch)) &&
		  p.window_id == 0 && p.parent_run_id == 0, "old BEGIN reads: no window");

	/* the line an older version wrote, checksum and all */
	CHECK(uk_patchrec_parse("B\t3\t1700000000000000\t4242\terp\tfrappe\tp.one\terpnext\t20d4efee",
							strlen("B\t3\t1700000000000000\t4242\terp\tfrappe\tp.one\terpnext\t20d4efee"),
							&p, scratch, sizeof(scratch)) &&
		  p.run_id == 3 && p.pid == 4242 && strcmp(p.name, "p.one") == 0 &&
		  p.window_id == 0, "a line of version 1.3 reads");

	r.window_id = 4;
	r.parent_run_id = 11;
	CHECK(roundtrip(&r, &p), "window begin parses");
	CHECK(count_tabs(line) == 10, "window BEGIN has two more fields");
	CHECK(p.window_id == 4 && p.parent_run_id == 11 && p.run_id == 12 &&
		  strcmp(p.name, r.name) == 0 && strcmp(p.app, "erpnext") == 0,
		  "window begin fields");
	r.parent_run_id = 0;
	CHECK(roundtrip(&r, &p) && p.window_id == 4 && p.parent_run_id == 0,
		  "outer window run: no parent");

	/* two zeros are never written, so never read (one canonical line) */
	r.window_id = 1;
	n = uk_patchrec_format(&r, line, sizeof(line));
	tab = strrchr(line, '\t');
	CHECK(tab != NULL && tab - line > 4 && tab[-1] == '0' && tab[-2] == '\t' &&
		  tab[-3] == '1', "window fields at the end");
	tab[-3] = '0';				/* checksum now wrong as well as zeros */
	CHECK(!uk_patchrec_parse(line, n - 1, &p, scratch, sizeof(scratch)),
		  "two zero window fields refused");
	/* a BEGIN with 9 fields is no record */
	CHECK(!uk_patchrec_parse("B\t3\t1\t2\ta\tb\tc\td\t9\t00000000", 24, &p,
							 scratch, sizeof(scratch)), "nine fields refused");
}

/* Format r and feed it to the fold, as a reader of the log does. */
static void
feed(UkRunFold *f, const UkPatchRec *r)
{
	UkPatchRec	p;
	size_t		n = uk_patchrec_format(r, line, sizeof(line));

	CHECK(uk_patchrec_parse(line, n - 1, &p, scratch, sizeof(scratch)), "feed parses");
	CHECK(uk_run_fold_add(f, &p, NULL) == UK_OK, "fold add");
}

static void
test_fold(void)
{
	UkRunFold	f = {0};
	UkPatchRec	r;
	UkRun	   *run;

	/* run 1: two slow statements, an error, ended failed with a message */
	uk_patchrec_init(&r, UK_REC_BEGIN);
	r.run_id = 1;
	r.at_us = 100;
	r.name = "p1";
	feed(&f, &r);
	/* run 2 begins and never ends (the server crashed) */
	r.run_id = 2;
	r.name = "p2";
	feed(&f, &r);
	/* run 1's BEGIN repeated at the top of a newer file changes nothing */
	uk_patchrec_init(&r, UK_REC_BEGIN);
	r.run_id = 1;
	r.at_us = 999;
	r.name = "p1-again";
	feed(&f, &r);
	uk_patchrec_init(&r, UK_REC_STMT);
	r.run_id = 1;
	r.lock_wait_us = 10;
	feed(&f, &r);
	feed(&f, &r);
	r.run_id = 2;
	feed(&f, &r);
	uk_patchrec_init(&r, UK_REC_ERROR);
	r.run_id = 1;
	memcpy(r.sqlstate, "42P01", 6);
	r.message = "relation \"nope\" does not exist";
	r.query = "SELECT * FROM nope";
	feed(&f, &r);
	/* a record of a run whose BEGIN rotated away */
	r.run_id = 99;
	feed(&f, &r);
	uk_patchrec_init(&r, UK_REC_END);
	r.run_id = 1;
	r.at_us = 500;
	r.status = UK_RUN_FAILED;
	r.statements = 40;
	r.slow_statements = 2;
	r.lock_wait_us = 20;
	r.message = "Traceback: ProgrammingError";
	feed(&f, &r);
	/* a second END for the same run changes nothing */
	r.status = UK_RUN_SUCCEEDED;
	r.statements = 1;
	feed(&f, &r);
	/* nor does an ERROR after the end */
	uk_patchrec_init(&r, UK_REC_ERROR);
	r.run_id = 1;
	memcpy(r.sqlstate, "XX000", 6);
	feed(&f, &r);

	CHECK(f.n == 2 && f.orphans == 1, "two runs, one orphan (%zu, %zu)", f.n, f.orphans);
	run = uk_run_fold_find(&f, 1);
	CHECK(run != NULL && run->status == UK_RUN_FAILED && run->ended &&
		  run->ended_at_us == 500 && run->statements == 40 &&
		  run->slow_statements == 2 && run->lock_wait_us == 20 &&
		  run->started_at_us == 100 && strcmp(run->name, "p1") == 0, "run 1 totals");
	CHECK(run != NULL && strcmp(run->error_sqlstate, "42P01") == 0 &&
		  strcmp(run->error_statement, "SELECT * FROM nope") == 0 &&
		  strcmp(run->error_message, "Traceback: ProgrammingError") == 0,
		  "run 1 error: sqlstate and statement of the failure, the script's message");
	run = uk_run_fold_find(&f, 2);
	CHECK(run != NULL && run->status == UK_RUN_RUNNING && !run->ended &&
		  run->slow_statements == 1 && run->lock_wait_us == 10 &&
		  strcmp(run->name, "p2") == 0, "run 2 still open, counted from its records");
	CHECK(uk_run_fold_find(&f, 3) == NULL, "no run 3");
	CHECK(run != NULL && run->window_id == 0 && run->parent_run_id == 0,
		  "session run: no window");

	/* runs of a window patch keep their window and parent */
	uk_patchrec_init(&r, UK_REC_BEGIN);
	r.run_id = 5;
	r.name = "window.outer";
	r.window_id = 8;
	feed(&f, &r);
	r.run_id = 6;
	r.name = "window.step";
	r.parent_run_id = 5;
	feed(&f, &r);
	run = uk_run_fold_find(&f, 6);
	CHECK(run != NULL && run->window_id == 8 && run->parent_run_id == 5,
		  "nested step folded with window and parent");
	run = uk_run_fold_find(&f, 5);
	CHECK(run != NULL && run->window_id == 8 && run->parent_run_id == 0,
		  "outer window run folded");
	uk_run_fold_free(&f);
	CHECK(f.n == 0 && f.runs == NULL, "freed");

	/* many runs: the array grows and lookups still work */
	for (uint64_t i = 1; i <= 1000; i++)
	{
		uk_patchrec_init(&r, UK_REC_BEGIN);
		r.run_id = i;
		r.name = "many";
		CHECK(uk_run_fold_add(&f, &r, NULL) == UK_OK, "add %llu", (unsigned long long) i);
	}
	CHECK(f.n == 1000 && uk_run_fold_find(&f, 777) != NULL &&
		  uk_run_fold_find(&f, 777)->run_id == 777, "1000 runs");
	uk_run_fold_free(&f);
}

int
main(void)
{
	test_status();
	test_transitions();
	test_names();
	test_utf8_cut();
	test_records();
	test_window_records();
	test_fold();
	return uk_test_done("test_patch");
}
