/*
 * test_validate.c
 *		Unit tests for uk_validate.h: maintenance reasons, durations, drain
 *		actions and the UTF-8 checker, with the messages a user sees.
 */
#include <stdint.h>

#include "uk_validate.h"
#include "uk_test.h"

/* Run uk_reason_validate; return its status, message into msg. */
static UkStatus
reason(const char *r, char *msg, size_t cap)
{
	UkError    *err = NULL;
	UkStatus	rc = uk_reason_validate(r, &err);

	msg[0] = '\0';
	if (err != NULL)
		snprintf(msg, cap, "%s", err->message);
	uk_error_free(err);
	return rc;
}

static const struct
{
	const char *name;
	const char *reason;
	UkStatus	want;
	const char *msg_part;		/* expected in the message, if failing */
}			reason_cases[] = {
	{"NULL", NULL, UK_ERR_INVALID, "must not be null"},
	{"empty", "", UK_ERR_INVALID, "maintenance reason must not be empty"},
	{"one blank", " ", UK_ERR_INVALID, "must not be blank"},
	{"blanks only", "   \t  ", UK_ERR_INVALID, "must not be blank"},
	{"no-break spaces only", "\xc2\xa0\xe3\x80\x80", UK_ERR_INVALID,
	"must not be blank"},
	{"plain", "ERPNext upgrade to v15", UK_OK, NULL},
	{"one letter", "x", UK_OK, NULL},
	{"with tab", "upgrade\tv15", UK_OK, NULL},
	{"surrounded by blanks", "  upgrade  ", UK_OK, NULL},
	{"utf-8", "Wartung \xc3\xbc\xe2\x82\xac \xf0\x9f\x94\xa7", UK_OK, NULL},
	{"newline", "line1\nline2", UK_ERR_INVALID, "control characters"},
	{"carriage return", "a\rb", UK_ERR_INVALID, "control characters"},
	{"escape", "a\x1b[31mred", UK_ERR_INVALID, "control characters"},
	{"DEL", "a\x7f", UK_ERR_INVALID, "control characters"},
	{"C1 control", "a\xc2\x85", UK_ERR_INVALID, "control characters"},
	{"bare continuation", "a\x80", UK_ERR_INVALID, "not valid UTF-8"},
	{"truncated 2-byte", "a\xc3", UK_ERR_INVALID, "not valid UTF-8"},
	{"overlong slash", "\xc0\xaf", UK_ERR_INVALID, "not valid UTF-8"},
	{"overlong 3-byte", "\xe0\x80\xaf", UK_ERR_INVALID, "not valid UTF-8"},
	{"surrogate", "\xed\xa0\x80", UK_ERR_INVALID, "not valid UTF-8"},
	{"above U+10FFFF", "\xf4\x90\x80\x80", UK_ERR_INVALID, "not valid UTF-8"},
	{"latin-1", "caf\xe9", UK_ERR_INVALID, "not valid UTF-8"},
};

static const struct
{
	const char *s;
	UkStatus	want;
	UkDrainAction action;
}			drain_cases[] = {
	{"fail", UK_OK, UK_DRAIN_FAIL},
	{"FAIL", UK_OK, UK_DRAIN_FAIL},
	{"Fail", UK_OK, UK_DRAIN_FAIL},
	{"terminate", UK_OK, UK_DRAIN_TERMINATE},
	{"TERMINATE", UK_OK, UK_DRAIN_TERMINATE},
	{"kill", UK_OK, UK_DRAIN_TERMINATE},
	{"KiLL", UK_OK, UK_DRAIN_TERMINATE},
	{"", UK_ERR_INVALID, UK_DRAIN_FAIL},
	{NULL, UK_ERR_INVALID, UK_DRAIN_FAIL},
	{"fail ", UK_ERR_INVALID, UK_DRAIN_FAIL},
	{" fail", UK_ERR_INVALID, UK_DRAIN_FAIL},
	{"fai", UK_ERR_INVALID, UK_DRAIN_FAIL},
	{"failx", UK_ERR_INVALID, UK_DRAIN_FAIL},
	{"terminat", UK_ERR_INVALID, UK_DRAIN_FAIL},
	{"cancel", UK_ERR_INVALID, UK_DRAIN_FAIL},
	{"fail\n", UK_ERR_INVALID, UK_DRAIN_FAIL},
};

static const struct
{
	const char *what;
	int64_t		us;
	int64_t		max;
	UkStatus	want;
	const char *msg;
}			duration_cases[] = {
	{"expected_duration", 0, UK_DURATION_MAX_US, UK_OK, NULL},
	{"expected_duration", 1, UK_DURATION_MAX_US, UK_OK, NULL},
	{"expected_duration", UK_DURATION_MAX_US, UK_DURATION_MAX_US, UK_OK, NULL},
	{"expected_duration", UK_DURATION_MAX_US + 1, UK_DURATION_MAX_US,
		UK_ERR_INVALID,
	"expected_duration is too large: 316224000000001 microseconds, at most 3660 days allowed"},
	{"expected_duration", -1, UK_DURATION_MAX_US, UK_ERR_INVALID,
	"expected_duration must not be negative"},
	{"expected_duration", INT64_MIN, UK_DURATION_MAX_US, UK_ERR_INVALID,
	"expected_duration must not be negative"},
	{"expected_duration", INT64_MAX, UK_DURATION_MAX_US, UK_ERR_INVALID, NULL},
	{"drain_timeout", UK_DRAIN_TIMEOUT_MAX_US, UK_DRAIN_TIMEOUT_MAX_US, UK_OK,
	NULL},
	{"drain_timeout", INT64_C(25) * 3600 * 1000000, UK_DRAIN_TIMEOUT_MAX_US,
		UK_ERR_INVALID,
	"drain_timeout is too large: 25 hours, at most 1 day allowed"},
	{"drain_timeout", -1000000, UK_DRAIN_TIMEOUT_MAX_US, UK_ERR_INVALID,
	"drain_timeout must not be negative"},
	{NULL, -1, 10, UK_ERR_INVALID, "duration must not be negative"},
};

int
main(void)
{
	char		msg[600];
	char		buf[1100];
	size_t		i;

	/* reasons from the table */
	for (i = 0; i < sizeof(reason_cases) / sizeof(reason_cases[0]); i++)
	{
		UkStatus	rc = reason(reason_cases[i].reason, msg, sizeof(msg));

		CHECK(rc == reason_cases[i].want, "reason \"%s\": status %d, want %d (%s)",
			  reason_cases[i].name, rc, reason_cases[i].want, msg);
		if (reason_cases[i].msg_part != NULL)
			CHECK(strstr(msg, reason_cases[i].msg_part) != NULL,
				  "reason \"%s\": message \"%s\" lacks \"%s\"",
				  reason_cases[i].name, msg, reason_cases[i].msg_part);
		else
			CHECK(msg[0] == '\0', "reason \"%s\": message on success",
				  reason_cases[i].name);
		if (msg[0] != '\0')
			CHECK(msg[strlen(msg) - 1] != '.', "message ends with a period: %s",
				  msg);
	}

	/* length limit: exactly UK_REASON_MAX bytes is fine, one more is not */
	memset(buf, 'r', UK_REASON_MAX);
	buf[UK_REASON_MAX] = '\0';
	CHECK(reason(buf, msg, sizeof(msg)) == UK_OK, "1000 bytes refused: %s", msg);
	buf[UK_REASON_MAX] = 'r';
	buf[UK_REASON_MAX + 1] = '\0';
	CHECK(reason(buf, msg, sizeof(msg)) == UK_ERR_INVALID, "1001 bytes accepted");
	CHECK(strcmp(msg, "maintenance reason is too long: 1001 bytes, at most 1000 allowed") == 0,
		  "1001 bytes message: %s", msg);

	/* multi-byte characters count in bytes: 500 x U+00FC is 1000 bytes */
	for (i = 0; i < 500; i++)
		memcpy(buf + 2 * i, "\xc3\xbc", 2);
	buf[1000] = '\0';
	CHECK(reason(buf, msg, sizeof(msg)) == UK_OK, "500 x u-umlaut refused: %s",
		  msg);
	memcpy(buf + 1000, "x", 2);
	CHECK(reason(buf, msg, sizeof(msg)) == UK_ERR_INVALID,
		  "1001 bytes of UTF-8 accepted");

	/* NULL err is allowed */
	CHECK(uk_reason_validate("", NULL) == UK_ERR_INVALID, "NULL err");

	/* a counted value: a NUL inside it is refused, not a cut */
	{
		UkError    *err = NULL;

		CHECK(uk_reason_validate_len("a\0b", 3, &err) == UK_ERR_INVALID,
			  "NUL inside a counted reason accepted");
		CHECK(err != NULL && strcmp(err->message,
									"maintenance reason must not contain control characters (U+0000 at byte 2)") == 0,
			  "NUL message: %s", err ? err->message : "(none)");
		uk_error_free(err);
		err = NULL;
		CHECK(uk_reason_validate_len("ab\0", 3, NULL) == UK_ERR_INVALID,
			  "trailing NUL inside a counted reason accepted");
		CHECK(uk_reason_validate_len("abc", 3, NULL) == UK_OK,
			  "counted reason refused");
		CHECK(uk_reason_validate_len("abcdef", 2, NULL) == UK_OK,
			  "a prefix of a longer buffer refused");
		CHECK(uk_reason_validate_len(NULL, 0, NULL) == UK_ERR_INVALID,
			  "NULL counted reason accepted");
		CHECK(uk_reason_validate_len("x", 0, NULL) == UK_ERR_INVALID,
			  "empty counted reason accepted");
	}

	/* durations */
	for (i = 0; i < sizeof(duration_cases) / sizeof(duration_cases[0]); i++)
	{
		UkError    *err = NULL;
		UkStatus	rc = uk_duration_validate(duration_cases[i].what,
											  duration_cases[i].us,
											  duration_cases[i].max, &err);

		CHECK(rc == duration_cases[i].want, "duration case %zu: status %d",
			  i, rc);
		CHECK((rc == UK_OK) == (err == NULL), "duration case %zu: err %p", i,
			  (void *) err);
		if (duration_cases[i].msg != NULL)
			CHECK(err != NULL && strcmp(err->message, duration_cases[i].msg) == 0,
				  "duration case %zu: message \"%s\"", i,
				  err ? err->message : "(none)");
		uk_error_free(err);
	}

	/* drain actions */
	for (i = 0; i < sizeof(drain_cases) / sizeof(drain_cases[0]); i++)
	{
		UkError    *err = NULL;
		UkDrainAction a = (UkDrainAction) 99;
		UkStatus	rc = uk_drain_action_parse(drain_cases[i].s, &a, &err);

		CHECK(rc == drain_cases[i].want, "drain action \"%s\": status %d",
			  drain_cases[i].s ? drain_cases[i].s : "(null)", rc);
		if (rc == UK_OK)
			CHECK(a == drain_cases[i].action, "drain action \"%s\": got %d",
				  drain_cases[i].s, a);
		else
		{
			CHECK(a == (UkDrainAction) 99, "drain action \"%s\": out written",
				  drain_cases[i].s ? drain_cases[i].s : "(null)");
			CHECK(err != NULL, "drain action: no error");
		}
		uk_error_free(err);
	}
	{
		UkError    *err = NULL;
		UkDrainAction a;

		uk_drain_action_parse("fail ", &a, &err);
		CHECK(err != NULL && strcmp(err->message,
									"invalid drain action \"fail \": expected \"fail\", \"terminate\" or \"kill\"") == 0,
			  "message: %s", err ? err->message : "(none)");
		uk_error_free(err);
		err = NULL;
		uk_drain_action_parse("a\nb", &a, &err);
		CHECK(err != NULL && strstr(err->message, "\"a\\x0ab\"") != NULL,
			  "control byte not escaped in message: %s",
			  err ? err->message : "(none)");
		uk_error_free(err);
	}
	CHECK(strcmp(uk_drain_action_name(UK_DRAIN_FAIL), "fail") == 0, "name fail");
	CHECK(strcmp(uk_drain_action_name(UK_DRAIN_TERMINATE), "terminate") == 0,
		  "name terminate");

	/* the UTF-8 checker on its own, with lengths */
	/* scrubbing: invalid bytes become '?', valid sequences stay */
	{
		char		latin1[] = "caf\xe9 \xc3\xa9 \xff\xfe\xf0\x9f\x94\xa7\xed\xa0\x80 \xe2\x82";

		CHECK(uk_utf8_scrub(latin1, strlen(latin1)) == 8 &&
			  strcmp(latin1, "caf? \xc3\xa9 ??\xf0\x9f\x94\xa7??? ??") == 0 &&
			  uk_utf8_valid(latin1, strlen(latin1)), "scrub: %s", latin1);
		CHECK(uk_utf8_scrub(NULL, 0) == 0, "scrub NULL");
	}
	CHECK(uk_utf8_valid("", 0), "empty");
	CHECK(uk_utf8_valid("a\0b", 3), "NUL is valid UTF-8");
	CHECK(uk_utf8_valid("\xf0\x9f\x94\xa7", 4), "4-byte");
	CHECK(!uk_utf8_valid("\xf0\x9f\x94\xa7", 3), "cut 4-byte");
	CHECK(uk_utf8_valid("\xef\xbf\xbf", 3), "U+FFFF");
	CHECK(uk_utf8_valid("\xf4\x8f\xbf\xbf", 4), "U+10FFFF");
	CHECK(!uk_utf8_valid("\xf0\x80\x80\x80", 4), "overlong 4-byte");
	CHECK(!uk_utf8_valid("\xed\xbf\xbf", 3), "surrogate U+DFFF");
	CHECK(uk_utf8_valid("\xee\x80\x80", 3), "U+E000");
	CHECK(!uk_utf8_valid("\xff", 1), "0xff");
	CHECK(!uk_utf8_valid("\xc2", 1), "lone lead byte");

	return uk_test_done("test_validate");
}
