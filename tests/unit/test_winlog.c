/*
 * test_winlog.c
 *		Unit tests for uk_winlog.h: round trips with escaped text, bad lines
 *		skipped and counted, a foreign file refused, and upsert (replace in
 *		place, append, keep the newest max_records).
 */
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>

#include "uk_winlog.h"
#include "uk_test.h"


static void
sample_window(UkWindow *w, uint64_t id)
{
	uk_window_init(w);
	w->window_id = id;
	w->entered_at_us = INT64_C(1795000000000000) + (int64_t) id;
	strcpy(w->entered_by, "postgres");
	snprintf(w->reason, sizeof(w->reason), "upgrade number %" PRIu64, id);
	w->expected_end_us = 0;
}

static const char *valid_line =
"1\t100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\n";

int
main(void)
{
	UkWindowList list;
	UkWindowList back;
	UkWindow	w[4];
	UkError    *err = NULL;
	char	   *buf;
	size_t		len;
	UkStatus	rc;
	size_t		i;

	/* init and names */
	uk_window_init(&w[0]);
	CHECK(w[0].drain_ms == -1 && w[0].drain_outcome == UK_DRAIN_RUNNING &&
		  w[0].window_id == 0 && w[0].reason[0] == '\0', "window init");
	{
		static const char *const names[] = {"running", "clean", "waited",
		"terminated", "failed", "interrupted"};

		for (i = 0; i < 6; i++)
			CHECK(strcmp(uk_drain_outcome_name((UkDrainOutcome) i), names[i]) == 0,
				  "outcome name %zu", i);
		CHECK(strcmp(uk_drain_outcome_name((UkDrainOutcome) 6), "unknown") == 0,
			  "out of range outcome name");
	}

	/* the outcome of a drain */
	CHECK(uk_drain_outcome_of(0, 0, 0) == UK_DRAIN_CLEAN, "outcome clean");
	CHECK(uk_drain_outcome_of(0, 0, 3) == UK_DRAIN_WAITED, "outcome waited");
	CHECK(uk_drain_outcome_of(0, 2, 3) == UK_DRAIN_TERMINATED, "outcome terminated");
	CHECK(uk_drain_outcome_of(1, 2, 3) == UK_DRAIN_FAILED, "outcome failed");
	CHECK(uk_drain_outcome_of(1, 0, 0) == UK_DRAIN_FAILED, "still open, none seen");

	/* empty buffer and header only */
	CHECK(uk_winlog_parse("", 0, &list, &err) == UK_OK && list.n == 0 &&
		  list.skipped_lines == 0 && list.items == NULL, "empty buffer");
	CHECK(uk_winlog_parse("upkeep-maintenance-log 1\n", 25, &list, &err) == UK_OK &&
		  list.n == 0 && list.skipped_lines == 0, "header only");
	CHECK(uk_winlog_parse("upkeep-maintenance-log 1", 24, &list, &err) == UK_OK &&
		  list.n == 0, "header without newline");

	/* a wrong first line */
	rc = uk_winlog_parse("upkeep-maintenance-log 2\n", 25, &list, &err);
	CHECK(rc == UK_ERR_CORRUPT && err != NULL &&
		  strcmp(err->message, "maintenance log has unsupported format version \"2\" (expected 1)") == 0,
		  "version 2: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;
	rc = uk_winlog_parse("hello\n", 6, &list, &err);
	CHECK(rc == UK_ERR_CORRUPT && err != NULL &&
		  strcmp(err->message, "maintenance log does not start with \"upkeep-maintenance-log 1\"") == 0,
		  "foreign file: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;

	/* round trip with text that needs escaping */
	sample_window(&w[0], 1);
	sample_window(&w[1], 2);
	strcpy(w[1].reason, "tab\there\nnew line\\back slash\r");
	strcpy(w[1].entered_by, "we\tird");
	strcpy(w[1].drain_detail, "blocking pids: 10\t11\n12");
	strcpy(w[1].exited_by, "\\");
	w[1].drain_outcome = UK_DRAIN_TERMINATED;
	w[1].drain_ms = 30000;
	w[1].drain_waited = INT32_MAX;
	w[1].drain_terminated = INT32_MIN;
	w[1].exited_at_us = INT64_MAX;
	w[1].refused_writes = UINT64_MAX;
	w[1].unattributed_statements = UINT64_MAX - 1;
	w[1].expected_end_us = INT64_MIN;
	sample_window(&w[2], UINT64_MAX);
	memset(w[2].reason, '\n', UK_REASON_MAX);
	w[2].reason[UK_REASON_MAX] = '\0';
	memset(w[2].drain_detail, '\t', UK_DRAIN_DETAIL_MAX);
	w[2].drain_detail[UK_DRAIN_DETAIL_MAX] = '\0';
	memset(w[2].entered_by, '\\', UK_NAME_MAX);
	w[2].entered_by[UK_NAME_MAX] = '\0';
	memset(w[2].exited_by, 'z', UK_NAME_MAX);
	w[2].exited_by[UK_NAME_MAX] = '\0';
	w[2].drain_outcome = UK_DRAIN_INTERRUPTED;

	list.items = w;
	list.n = 3;
	list.skipped_lines = 0;
	rc = uk_winlog_format(&list, &buf, &len, &err);
	CHECK(rc == UK_OK, "format: %s", err ? err->message : "?");
	if (rc == UK_OK)
	{
		const char *line2 = strchr(strchr(buf, '\n') + 1, '\n') + 1;
		const char *end2 = strchr(line2, '\n');
		int			tabs = 0;
		const char *p;
		char	   *buf2;
		size_t		len2;

		CHECK(strlen(buf) == len, "format length");
		CHECK(strncmp(buf, "upkeep-maintenance-log 1\n", 25) == 0, "header");
		for (p = line2; p < end2; p++)
			tabs += *p == '\t';
		CHECK(tabs == 13, "line 2 has %d tabs", tabs);
		CHECK(end2 - line2 > 21 &&
			  memcmp(end2 - 21, "\t18446744073709551614", 21) == 0,
			  "line 2 does not end with unattributed_statements:\n%s", buf);
		CHECK(strncmp(line2, "2\t", 2) == 0, "line 2 starts with id");
		CHECK(strstr(buf, "\ttab\\there\\nnew line\\\\back slash\\r\t") != NULL,
			  "escaped reason in:\n%s", buf);
		CHECK(strstr(buf, "\tterminated\t30000\t2147483647\t-2147483648\t") != NULL,
			  "drain fields in:\n%s", buf);

		rc = uk_winlog_parse(buf, len, &back, &err);
		CHECK(rc == UK_OK && back.n == 3 && back.skipped_lines == 0,
			  "parse back: n %zu skipped %zu", back.n, back.skipped_lines);
		for (i = 0; i < 3 && i < back.n; i++)
			CHECK(uk_window_equal(&w[i], &back.items[i]), "window %zu differs", i);
		rc = uk_winlog_format(&back, &buf2, &len2, NULL);
		CHECK(rc == UK_OK && len2 == len && memcmp(buf, buf2, len) == 0,
			  "second format differs");
		free(buf2);
		uk_winlog_list_free(&back);
		CHECK(back.items == NULL && back.n == 0, "list_free resets");
		free(buf);
	}
	uk_winlog_list_free(NULL);

	/* format refuses an unknown outcome and unterminated text */
	w[3] = w[0];
	w[3].drain_outcome = (UkDrainOutcome) 42;
	list.items = &w[3];
	list.n = 1;
	CHECK(uk_winlog_format(&list, &buf, &len, &err) == UK_ERR_INVALID,
		  "unknown outcome formatted");
	CHECK(err != NULL && strcmp(err->message, "maintenance log record for window 1: invalid drain outcome") == 0,
		  "message: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;
	w[3] = w[0];
	memset(w[3].drain_detail, 'd', sizeof(w[3].drain_detail));
	CHECK(uk_winlog_format(&list, &buf, &len, NULL) == UK_ERR_INVALID,
		  "unterminated drain_detail formatted");

	/* bad lines are skipped and counted */
	{
		const char *lines[] = {
			"upkeep-maintenance-log 1\n",
			"garbage\n",		/* 1 field */
			"",					/* the valid line goes here */
			"\n",				/* empty line */
			"2\t100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\n",	/* 12 fields */
			"2\t100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\tx\n",	/* 14th no number */
			"2\t100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\t-1\n",
			"2\t100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\t\n",	/* empty 14th */
			"2\t100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\t4\t5\n",	/* 15 */
			"2\t100\talice\tupgrade\t0\tfinished\t5\t0\t0\t\t200\tbob\t3\n",	/* outcome */
			"2\t100\talice\tupgrade\t0\tCLEAN\t5\t0\t0\t\t200\tbob\t3\n",
			"-2\t100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\n",
			"2\t100\talice\tupgrade\t0\tclean\t5\t2147483648\t0\t\t200\tbob\t3\n",
			"2\t100\talice\tup\\grade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\n",
			"2\t100\talice\tup\rgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\n",
			"2\t0100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\n",
			"",					/* the valid line again */
			"3\t100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3",	/* cut */
		};
		char		text[4096] = "";

		for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
			strcat(text, lines[i][0] != '\0' || i == 0 ? lines[i] : valid_line);
		rc = uk_winlog_parse(text, strlen(text), &list, &err);
		CHECK(rc == UK_OK, "bad lines: rc %d", rc);
		CHECK(list.n == 2, "bad lines: %zu records, want 2", list.n);
		CHECK(list.skipped_lines == 15, "bad lines: %zu skipped, want 15",
			  list.skipped_lines);
		if (list.n == 2)
		{
			CHECK(list.items[0].window_id == 1 &&
				  list.items[0].entered_at_us == 100 &&
				  strcmp(list.items[0].entered_by, "alice") == 0 &&
				  strcmp(list.items[0].reason, "upgrade") == 0 &&
				  list.items[0].drain_outcome == UK_DRAIN_CLEAN &&
				  list.items[0].drain_ms == 5 &&
				  list.items[0].exited_at_us == 200 &&
				  strcmp(list.items[0].exited_by, "bob") == 0 &&
				  list.items[0].refused_writes == 3 &&
				  list.items[0].unattributed_statements == 0,
				  "valid line fields");
		}
		uk_winlog_list_free(&list);
	}

	/* a line of today (14 fields) next to an old one (13): both read */
	{
		const char *text =
		"upkeep-maintenance-log 1\n"
		"1\t100\talice\tupgrade\t0\tclean\t5\t0\t0\t\t200\tbob\t3\n"
		"2\t300\talice\tupgrade\t0\tclean\t5\t0\t0\t\t400\tbob\t0\t17\n";

		rc = uk_winlog_parse(text, strlen(text), &list, &err);
		CHECK(rc == UK_OK && list.n == 2 && list.skipped_lines == 0,
			  "old and new lines: n %zu skipped %zu", list.n, list.skipped_lines);
		if (list.n == 2)
			CHECK(list.items[0].refused_writes == 3 &&
				  list.items[0].unattributed_statements == 0 &&
				  list.items[1].unattributed_statements == 17,
				  "unattributed_statements: old %" PRIu64 ", new %" PRIu64,
				  list.items[0].unattributed_statements,
				  list.items[1].unattributed_statements);
		uk_winlog_list_free(&list);
	}

	/* files and upsert */
	{
		char	   *dir = uk_test_mkdtemp();
		char		path[4200];
		UkWindow	u;

		if (dir == NULL)
			return 2;
		uk_test_path(path, sizeof(path), dir, "upkeep.log");

		/* missing file: empty list */
		rc = uk_winlog_read(path, &list, &err);
		CHECK(rc == UK_OK && list.n == 0 && err == NULL, "read missing");
		CHECK(!uk_winlog_open_window(&list, &u), "open window of an empty log");

		/* a FIFO in its place: an error at once (never a hang), kept as is */
		alarm(20);
		CHECK(mkfifo(path, 0600) == 0, "mkfifo");
		rc = uk_winlog_read(path, &list, &err);
		CHECK(rc == UK_ERR_IO && err != NULL &&
			  strstr(err->message, "it is a FIFO") != NULL,
			  "read FIFO: %s", err ? err->message : "(none)");
		uk_error_free(err);
		err = NULL;
		sample_window(&u, 1);
		rc = uk_winlog_upsert(path, &u, 3, &err);
		CHECK(rc == UK_ERR_IO, "upsert into a FIFO: rc %d", rc);
		uk_error_free(err);
		err = NULL;
		CHECK(unlink(path) == 0, "unlink FIFO");
		alarm(0);

		/* first upsert creates the file */
		sample_window(&u, 1);
		rc = uk_winlog_upsert(path, &u, 3, &err);
		CHECK(rc == UK_OK, "upsert 1: %s", err ? err->message : "?");
		rc = uk_winlog_read(path, &list, &err);
		CHECK(rc == UK_OK && list.n == 1 && uk_window_equal(&list.items[0], &u),
			  "after upsert 1");
		uk_winlog_list_free(&list);

		/* same id: replaced, not appended */
		u.drain_outcome = UK_DRAIN_WAITED;
		u.drain_ms = 1234;
		u.exited_at_us = 99;
		strcpy(u.exited_by, "admin");
		rc = uk_winlog_upsert(path, &u, 3, &err);
		CHECK(rc == UK_OK, "upsert 1 again");
		rc = uk_winlog_read(path, &list, &err);
		CHECK(rc == UK_OK && list.n == 1 && uk_window_equal(&list.items[0], &u),
			  "replace: n %zu", list.n);
		uk_winlog_list_free(&list);

		/* new ids are appended; the bound keeps the newest */
		for (i = 2; i <= 5; i++)
		{
			sample_window(&u, i);
			rc = uk_winlog_upsert(path, &u, 3, &err);
			CHECK(rc == UK_OK, "upsert %zu", i);
		}
		rc = uk_winlog_read(path, &list, &err);
		CHECK(rc == UK_OK && list.n == 3, "bound: n %zu", list.n);
		if (list.n == 3)
			CHECK(list.items[0].window_id == 3 && list.items[1].window_id == 4 &&
				  list.items[2].window_id == 5, "bound keeps 3, 4, 5: %" PRIu64
				  " %" PRIu64 " %" PRIu64, list.items[0].window_id,
				  list.items[1].window_id, list.items[2].window_id);
		uk_winlog_list_free(&list);

		/* the newest window decides whether one is still open */
		{
			UkWindow	items[3];
			UkWindowList l = {items, 3, 0};
			UkWindow	o;

			for (i = 0; i < 3; i++)
			{
				sample_window(&items[i], 10 + i);
				items[i].exited_at_us = 1000 + (int64_t) i;
			}
			CHECK(!uk_winlog_open_window(&l, &o), "all ended: none open");
			items[1].exited_at_us = 0;	/* an older one left open: not it */
			CHECK(!uk_winlog_open_window(&l, &o), "older open window ignored");
			items[0].window_id = 20;	/* now the newest, out of order */
			items[0].exited_at_us = 0;
			CHECK(uk_winlog_open_window(&l, &o) && o.window_id == 20,
				  "newest open window found");
		}

		/* replacing a middle record keeps its place and drops nothing */
		sample_window(&u, 4);
		u.drain_outcome = UK_DRAIN_FAILED;
		rc = uk_winlog_upsert(path, &u, 3, &err);
		rc = uk_winlog_read(path, &list, &err);
		CHECK(rc == UK_OK && list.n == 3 && list.items[0].window_id == 3 &&
			  list.items[1].window_id == 4 &&
			  list.items[1].drain_outcome == UK_DRAIN_FAILED &&
			  list.items[2].window_id == 5, "replace in the middle");
		uk_winlog_list_free(&list);

		/* a smaller bound drops the oldest */
		sample_window(&u, 6);
		rc = uk_winlog_upsert(path, &u, 2, &err);
		rc = uk_winlog_read(path, &list, &err);
		CHECK(rc == UK_OK && list.n == 2 && list.items[0].window_id == 5 &&
			  list.items[1].window_id == 6, "smaller bound");
		uk_winlog_list_free(&list);

		/* duplicates in the file: the first is replaced, the rest dropped */
		{
			const char *dup =
				"upkeep-maintenance-log 1\n"
				"7\t1\ta\tr\t0\tclean\t5\t0\t0\t\t0\t\t0\n"
				"8\t1\ta\tr\t0\tclean\t5\t0\t0\t\t0\t\t0\n"
				"7\t2\ta\tr\t0\tclean\t5\t0\t0\t\t0\t\t0\n"
				"bad line\n";

			uk_test_write_raw(path, dup, strlen(dup));
			sample_window(&u, 7);
			rc = uk_winlog_upsert(path, &u, 10, &err);
			rc = uk_winlog_read(path, &list, &err);
			CHECK(rc == UK_OK && list.n == 2 && list.skipped_lines == 0 &&
				  uk_window_equal(&list.items[0], &u) &&
				  list.items[1].window_id == 8, "duplicates: n %zu", list.n);
			uk_winlog_list_free(&list);
		}

		/* max_records 0 keeps nothing */
		sample_window(&u, 9);
		rc = uk_winlog_upsert(path, &u, 0, &err);
		rc = uk_winlog_read(path, &list, &err);
		CHECK(rc == UK_OK && list.n == 0, "max 0: n %zu", list.n);
		uk_winlog_list_free(&list);

		/* an invalid record is refused before anything is written */
		u.drain_outcome = (UkDrainOutcome) -1;
		CHECK(uk_winlog_upsert(path, &u, 10, &err) == UK_ERR_INVALID,
			  "invalid upsert");
		uk_error_free(err);
		err = NULL;

		/* a foreign file is not overwritten */
		uk_test_write_raw(path, "not a log\n", 10);
		sample_window(&u, 10);
		rc = uk_winlog_upsert(path, &u, 10, &err);
		CHECK(rc == UK_ERR_CORRUPT, "upsert over foreign file: rc %d", rc);
		uk_error_free(err);
		err = NULL;
		{
			FILE	   *f = fopen(path, "r");
			char		line[64] = "";

			CHECK(f != NULL && fgets(line, sizeof(line), f) != NULL &&
				  strcmp(line, "not a log\n") == 0, "foreign file changed");
			if (f)
				fclose(f);
		}

		/* a directory in the way */
		rc = uk_winlog_read(dir, &list, &err);
		CHECK(rc == UK_ERR_IO, "read dir: rc %d", rc);
		uk_error_free(err);
		err = NULL;

		uk_test_rmtree(dir);
	}

	return uk_test_done("test_winlog");
}
