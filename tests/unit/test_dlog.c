/*
 * test_dlog.c
 *		Unit tests for uk_dlog.h: deadlock log records.
 */
#include <stdint.h>

#include "uk_dlog.h"
#include "uk_test.h"

static char line[UK_DLOG_LINE_MAX + 1];
static char scratch[UK_DLOG_LINE_MAX + 1];

static void
test_roundtrip(void)
{
	static UkDeadlockRec r;
	static UkDeadlockRec p;
	size_t		n;

	memset(&r, 0, sizeof(r));
	r.deadlock_id = 42;
	r.at_us = INT64_C(1763700000123456);
	r.database_oid = 16384;
	r.victim_pid = 3011;
	r.report = "Process 3011 waits for ShareLock on transaction 741; blocked by process 3012.\n"
		"Process 3012 waits for ShareLock on transaction 740; blocked by process 3011.\n"
		"Process 3011: UPDATE t SET v = 'a\tb' WHERE id = 2\n"
		"Process 3012: UPDATE t SET v = 1 WHERE id = 1";
	r.n = 2;
	r.members[0].pid = 3011;
	r.members[0].user_oid = 10;
	r.members[0].application_name = "frappe-web";
	r.members[0].run_id = 7;
	r.members[0].patch = "erpnext.patches.v15_0.x";
	r.members[1].pid = 3012;
	r.members[1].application_name = "";
	r.members[1].patch = "";

	n = uk_dlog_format(&r, line, sizeof(line));
	CHECK(n > 0 && n < sizeof(line) && line[n - 1] == '\n' && strlen(line) == n, "format");
	CHECK(strchr(line, '\n') == line + n - 1, "one line");
	CHECK(uk_dlog_parse(line, n - 1, &p, scratch, sizeof(scratch)), "parse");
	CHECK(p.deadlock_id == 42 && p.at_us == r.at_us && p.database_oid == 16384 &&
		  p.victim_pid == 3011 && strcmp(p.report, r.report) == 0 && p.n == 2, "fields");
	CHECK(p.members[0].pid == 3011 && p.members[0].user_oid == 10 &&
		  strcmp(p.members[0].application_name, "frappe-web") == 0 &&
		  p.members[0].run_id == 7 && strcmp(p.members[0].patch, r.members[0].patch) == 0 &&
		  p.members[1].pid == 3012 && p.members[1].run_id == 0 &&
		  strcmp(p.members[1].patch, "") == 0, "members");

	/* damage */
	line[5] ^= 1;
	CHECK(!uk_dlog_parse(line, n - 1, &p, scratch, sizeof(scratch)), "bit flip");
	line[5] ^= 1;
	CHECK(!uk_dlog_parse(line, n - 10, &p, scratch, sizeof(scratch)), "torn");
	CHECK(!uk_dlog_parse("", 0, &p, scratch, sizeof(scratch)), "empty");
	CHECK(!uk_dlog_parse(line, n - 1, &p, scratch, 8), "small scratch");

	/* no members; and the most members there can be */
	r.n = 0;
	n = uk_dlog_format(&r, line, sizeof(line));
	CHECK(uk_dlog_parse(line, n - 1, &p, scratch, sizeof(scratch)) && p.n == 0, "no members");
	r.n = UK_DEADLOCK_MAX_PARTICIPANTS + 5;	/* cut to the maximum */
	for (int i = 0; i < UK_DEADLOCK_MAX_PARTICIPANTS; i++)
	{
		r.members[i].pid = 1000 + i;
		r.members[i].application_name = "app";
		r.members[i].patch = i == 63 ? "last" : "p";
	}
	n = uk_dlog_format(&r, line, sizeof(line));
	CHECK(uk_dlog_parse(line, n - 1, &p, scratch, sizeof(scratch)) &&
		  p.n == UK_DEADLOCK_MAX_PARTICIPANTS && p.members[63].pid == 1063 &&
		  strcmp(p.members[63].patch, "last") == 0, "64 members");

	/* a report over the limit is cut, never split inside a character */
	{
		static char big[UK_DEADLOCK_REPORT_MAX + 10];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		big[UK_DEADLOCK_REPORT_MAX - 1] = '\xc3';
		big[UK_DEADLOCK_REPORT_MAX] = '\xa9';
		r.report = big;
		r.n = 0;
		n = uk_dlog_format(&r, line, sizeof(line));
		CHECK(n < UK_DLOG_LINE_MAX, "line within its maximum");
		CHECK(uk_dlog_parse(line, n - 1, &p, scratch, sizeof(scratch)) &&
			  strlen(p.report) == UK_DEADLOCK_REPORT_MAX - 1, "report cut");
	}
}

int
main(void)
{
	test_roundtrip();
	return uk_test_done("test_dlog");
}
