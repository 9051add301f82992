/*
 * test_state.c
 *		Unit tests for uk_state.h: format/parse round trips, the exact file
 *		layout, strict rejection of every kind of damage (each bit flipped,
 *		each truncation, hand-made bad values with a correct checksum),
 *		reading version 1 files, the durable file functions, and
 *		uk_escape()/uk_unescape().
 */
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>

#include "uk_file.h"
#include "uk_state.h"
#include "uk_token.h"
#include "uk_test.h"


/* A typical active state. */
static void
sample_state(UkMaintState *st)
{
	uk_state_init(st);
	st->active = true;
	st->window_id = 7;
	st->started_at_us = INT64_C(1795000000000000);
	st->expected_end_us = 0;
	st->entered_by_id = 10;
	strcpy(st->entered_by, "postgres");
	st->has_token = true;
	uk_token_hash("uk1-0000000000000000000000000000000000000000000000000000000000000001",
				  st->token_hash);
	st->refused_writes = 0;
	strcpy(st->reason, "ERPNext upgrade to v15");
}

/* body + "checksum <sha256 of body>\n", malloc'd. */
static char *
with_checksum(const char *body, size_t *len)
{
	uint8_t		sum[UK_SHA256_LEN];
	size_t		n = strlen(body);
	char	   *out = malloc(n + 100);
	size_t		i;

	uk_sha256(body, n, sum);
	memcpy(out, body, n);
	memcpy(out + n, "checksum ", 9);
	for (i = 0; i < UK_SHA256_LEN; i++)
		sprintf(out + n + 9 + 2 * i, "%02x", sum[i]);
	strcpy(out + n + 9 + 64, "\n");
	*len = n + 9 + 64 + 1;
	return out;
}

/* Parse buf; return status and copy the message into msg. */
static UkStatus
parse_msg(const char *buf, size_t len, UkMaintState *st, char *msg, size_t cap)
{
	UkError    *err = NULL;
	UkStatus	rc = uk_state_parse(buf, len, st, &err);

	msg[0] = '\0';
	if (err != NULL)
		snprintf(msg, cap, "%s", err->message);
	if ((rc == UK_OK) != (err == NULL))
		snprintf(msg, cap, "status %d but err %p", rc, (void *) err);
	uk_error_free(err);
	return rc;
}

static void
test_round_trips(void)
{
	UkMaintState states[10];
	UkMaintState got;
	int			n = 0;
	int			i;

	uk_state_init(&states[n++]);

	sample_state(&states[n++]);

	/* inactive, remembering the last window, no token */
	sample_state(&states[n]);
	states[n].active = false;
	states[n].has_token = false;
	states[n].window_id = UINT64_MAX;
	states[n].refused_writes = UINT64_MAX;
	states[n].entered_by_id = UINT64_MAX;
	states[n].started_at_us = INT64_MIN;
	states[n].expected_end_us = INT64_MAX;
	n++;

	/* texts that need escaping; control bytes only while inactive */
	sample_state(&states[n]);
	strcpy(states[n].reason, "tab\there, back\\slash \\n not a newline");
	strcpy(states[n].entered_by, "we\\ird\tname\x01\x7f \xc3\xbc");
	n++;
	uk_state_init(&states[n]);
	strcpy(states[n].reason, "old\nreason\r\x1b with controls");
	n++;

	/* an engine's restore note (the MariaDB plugin's) */
	sample_state(&states[n]);
	states[n].has_token = false;
	strcpy(states[n].engine_restore, "read_only=OFF");
	n++;
	uk_state_init(&states[n]);
	strcpy(states[n].engine_restore, "a\tb\\c\nd \xc3\xbc");
	n++;

	/* the longest texts */
	sample_state(&states[n]);
	memset(states[n].reason, 'R', UK_REASON_MAX);
	states[n].reason[UK_REASON_MAX] = '\0';
	memset(states[n].entered_by, 'E', UK_NAME_MAX);
	states[n].entered_by[UK_NAME_MAX] = '\0';
	memset(states[n].engine_restore, 'X', UK_ENGINE_RESTORE_MAX);
	states[n].engine_restore[UK_ENGINE_RESTORE_MAX] = '\0';
	n++;

	/* the longest possible file: every byte escaped to four */
	uk_state_init(&states[n]);
	memset(states[n].reason, '\x01', UK_REASON_MAX);
	states[n].reason[UK_REASON_MAX] = '\0';
	memset(states[n].entered_by, '\x02', UK_NAME_MAX);
	states[n].entered_by[UK_NAME_MAX] = '\0';
	memset(states[n].engine_restore, '\x03', UK_ENGINE_RESTORE_MAX);
	states[n].engine_restore[UK_ENGINE_RESTORE_MAX] = '\0';
	states[n].window_id = UINT64_MAX;
	states[n].started_at_us = INT64_MIN;
	states[n].expected_end_us = INT64_MIN;
	states[n].entered_by_id = UINT64_MAX;
	states[n].refused_writes = UINT64_MAX;
	states[n].has_token = true;
	n++;

	for (i = 0; i < n; i++)
	{
		char	   *buf = NULL;
		size_t		len = 0;
		char	   *buf2 = NULL;
		size_t		len2 = 0;
		UkError    *err = NULL;
		UkStatus	rc;

		rc = uk_state_format(&states[i], &buf, &len, &err);
		CHECK(rc == UK_OK, "round trip %d: format: %s", i,
			  err ? err->message : "?");
		uk_error_free(err);
		err = NULL;
		if (rc != UK_OK)
			continue;
		CHECK(strlen(buf) == len, "round trip %d: length", i);
		CHECK(len <= UK_STATE_FILE_MAX, "round trip %d: %zu bytes", i, len);
		CHECK(buf[len - 1] == '\n', "round trip %d: no final newline", i);
		memset(&got, 0x5a, sizeof(got));
		rc = uk_state_parse(buf, len, &got, &err);
		CHECK(rc == UK_OK, "round trip %d: parse: %s", i,
			  err ? err->message : "?");
		uk_error_free(err);
		err = NULL;
		CHECK(uk_state_equal(&states[i], &got), "round trip %d: state differs", i);

		/* formatting the parsed state gives the same bytes */
		rc = uk_state_format(&got, &buf2, &len2, NULL);
		CHECK(rc == UK_OK && len2 == len && memcmp(buf, buf2, len) == 0,
			  "round trip %d: second format differs", i);
		free(buf);
		free(buf2);
	}
}

static void
test_layout(void)
{
	UkMaintState st;
	char	   *buf;
	size_t		len;
	char	   *want;
	size_t		wantlen;
	const char *body =
		"upkeep-state 2\n"
		"active 1\n"
		"window_id 7\n"
		"started_at_us 1795000000000000\n"
		"expected_end_us 0\n"
		"entered_by_id 10\n"
		"entered_by postgres\n"
		"token_sha256 -\n"
		"refused_writes 3\n"
		"reason ERPNext upgrade\\tto v15\n"
		"engine_restore \n";

	sample_state(&st);
	st.has_token = false;
	st.refused_writes = 3;
	strcpy(st.reason, "ERPNext upgrade\tto v15");
	want = with_checksum(body, &wantlen);
	CHECK(uk_state_format(&st, &buf, &len, NULL) == UK_OK, "layout: format");
	CHECK(len == wantlen && memcmp(buf, want, len) == 0,
		  "layout differs:\n%s\nwant:\n%s", buf, want);
	free(buf);
	free(want);

	/* the engine's note is the last line before the checksum */
	sample_state(&st);
	strcpy(st.engine_restore, "read_only=OFF\tx");
	CHECK(uk_state_format(&st, &buf, &len, NULL) == UK_OK, "restore: format");
	CHECK(strstr(buf, "\nreason ERPNext upgrade to v15\nengine_restore read_only=OFF\\tx\nchecksum ") != NULL,
		  "engine_restore line in:\n%s", buf);
	free(buf);

	/* a token is 64 lower-case hex digits */
	sample_state(&st);
	memset(st.token_hash, 0xab, UK_SHA256_LEN);
	CHECK(uk_state_format(&st, &buf, &len, NULL) == UK_OK, "token: format");
	CHECK(strstr(buf, "\ntoken_sha256 abababababababababababababababababababababababababababababababab\n") != NULL,
		  "token line in:\n%s", buf);
	free(buf);
}

static void
test_format_refuses(void)
{
	UkMaintState st;
	char	   *buf = (char *) 1;
	size_t		len = 1;
	UkError    *err = NULL;

	sample_state(&st);
	st.reason[0] = '\0';
	CHECK(uk_state_format(&st, &buf, &len, &err) == UK_ERR_INVALID,
		  "active with empty reason");
	CHECK(buf == NULL && len == 0, "output set on failure");
	CHECK(err != NULL && strcmp(err->message, "maintenance reason must not be empty") == 0,
		  "message: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;

	sample_state(&st);
	strcpy(st.reason, "two\nlines");
	CHECK(uk_state_format(&st, &buf, &len, NULL) == UK_ERR_INVALID,
		  "active with newline in reason");
	st.active = false;
	CHECK(uk_state_format(&st, &buf, &len, NULL) == UK_OK,
		  "inactive with newline in reason");
	free(buf);

	sample_state(&st);
	memset(st.entered_by, 'x', sizeof(st.entered_by));
	CHECK(uk_state_format(&st, &buf, &len, NULL) == UK_ERR_INVALID,
		  "unterminated entered_by");

	sample_state(&st);
	st.active = false;
	memset(st.reason, 'x', sizeof(st.reason));
	CHECK(uk_state_format(&st, &buf, &len, NULL) == UK_ERR_INVALID,
		  "unterminated reason");

	sample_state(&st);
	memset(st.engine_restore, 'x', sizeof(st.engine_restore));
	CHECK(uk_state_format(&st, &buf, &len, &err) == UK_ERR_INVALID,
		  "unterminated engine_restore");
	CHECK(err != NULL && strcmp(err->message, "maintenance state: engine_restore is longer than 256 bytes") == 0,
		  "message: %s", err ? err->message : "(none)");
	uk_error_free(err);
}

/* Every bit of every byte flipped in turn: corrupt, or the same state. */
static void
test_bit_flips(void)
{
	UkMaintState st;
	UkMaintState got;
	char	   *buf;
	size_t		len;
	size_t		pos;
	int			bit;
	int			accepted_different = 0;
	int			not_corrupt = 0;
	int			no_message = 0;
	int			checksum_msg = 0;
	int			flips = 0;

	sample_state(&st);
	if (uk_state_format(&st, &buf, &len, NULL) != UK_OK)
	{
		CHECK(0, "bit flips: format failed");
		return;
	}
	for (pos = 0; pos < len; pos++)
	{
		for (bit = 0; bit < 8; bit++)
		{
			char		msg[600];
			UkStatus	rc;

			buf[pos] ^= (char) (1 << bit);
			rc = parse_msg(buf, len, &got, msg, sizeof(msg));
			if (rc == UK_OK && !uk_state_equal(&st, &got))
				accepted_different++;
			if (rc != UK_OK && rc != UK_ERR_CORRUPT)
				not_corrupt++;
			if (rc != UK_OK && msg[0] == '\0')
				no_message++;
			if (strcmp(msg, "state file checksum mismatch") == 0)
				checksum_msg++;
			buf[pos] ^= (char) (1 << bit);
			flips++;
		}
	}
	CHECK(accepted_different == 0, "%d flips accepted as a different state",
		  accepted_different);
	CHECK(not_corrupt == 0, "%d flips not UK_ERR_CORRUPT", not_corrupt);
	CHECK(no_message == 0, "%d failures without message", no_message);
	/* a flip before the checksum line is caught by the checksum */
	CHECK(checksum_msg >= (int) (8 * (len - 74)),
		  "only %d of %d flips report a checksum mismatch", checksum_msg, flips);
	free(buf);
}

/* Every proper prefix is corrupt and reported as truncated. */
static void
test_truncation(void)
{
	UkMaintState st;
	UkMaintState got;
	char	   *buf;
	size_t		len;
	size_t		l;
	int			accepted = 0;
	int			wrong_msg = 0;
	char		msg[600];

	sample_state(&st);
	if (uk_state_format(&st, &buf, &len, NULL) != UK_OK)
	{
		CHECK(0, "truncation: format failed");
		return;
	}
	for (l = 0; l < len; l++)
	{
		/* copy so that ASan sees any read past the shorter buffer */
		char	   *cut = malloc(l > 0 ? l : 1);
		UkStatus	rc;

		memcpy(cut, buf, l);
		rc = parse_msg(cut, l, &got, msg, sizeof(msg));
		if (rc != UK_ERR_CORRUPT)
			accepted++;
		if (l > 0 && strncmp(msg, "state file truncated", 20) != 0)
		{
			if (wrong_msg++ < 3)
				printf("truncated at %zu: \"%s\"\n", l, msg);
		}
		free(cut);
	}
	CHECK(accepted == 0, "%d truncations not corrupt", accepted);
	CHECK(wrong_msg == 0, "%d truncations not reported as truncated", wrong_msg);

	/* cut right before the reason line */
	{
		const char *p = strstr(buf, "\nreason ");

		parse_msg(buf, (size_t) (p + 1 - buf), &got, msg, sizeof(msg));
		CHECK(strcmp(msg, "state file truncated: missing key \"reason\"") == 0,
			  "message: %s", msg);
		parse_msg(buf, (size_t) (p + 4 - buf), &got, msg, sizeof(msg));
		CHECK(strcmp(msg, "state file truncated: incomplete line 10 for key \"reason\"") == 0,
			  "message: %s", msg);
	}
	/* a version 2 file cut right before its engine_restore line */
	{
		const char *p = strstr(buf, "\nengine_restore ");

		parse_msg(buf, (size_t) (p + 1 - buf), &got, msg, sizeof(msg));
		CHECK(strcmp(msg, "state file truncated: missing key \"engine_restore\"") == 0,
			  "message: %s", msg);
	}
	parse_msg(buf, 0, &got, msg, sizeof(msg));
	CHECK(strcmp(msg, "state file is empty") == 0, "empty message: %s", msg);
	CHECK(uk_state_parse(NULL, 0, &got, NULL) == UK_ERR_CORRUPT, "NULL buffer");
	free(buf);
}

/* Hand-made bodies with a correct checksum that must still be refused. */
static const struct
{
	const char *name;
	const char *body;			/* NULL: use the valid body */
	const char *from;			/* replace this text of the valid body ... */
	const char *to;				/* ... with this */
	const char *msg;			/* expected message (substring) */
}			bad_bodies[] = {
	{"version 3", NULL, "upkeep-state 2\n", "upkeep-state 3\n",
	"state file has unsupported format version \"3\" (expected 1 or 2)"},
	{"version 10", NULL, "upkeep-state 2\n", "upkeep-state 10\n",
	"unsupported format version \"10\""},
	{"version 0", NULL, "upkeep-state 2\n", "upkeep-state 0\n",
	"unsupported format version \"0\""},
	{"no magic", NULL, "upkeep-state 2\n", "", "does not start with \"upkeep-state 2\""},
	{"magic typo", NULL, "upkeep-state 2\n", "upkeep_state 2\n",
	"does not start with"},
	{"CRLF magic", NULL, "upkeep-state 2\n", "upkeep-state 2\r\n",
	"unsupported format version \"2\\x0d\""},
	{"version 1 with engine_restore", NULL, "upkeep-state 2\n", "upkeep-state 1\n",
	"state file line 11: expected key \"checksum\", found \"engine_restore\""},
	{"version 2 without engine_restore", NULL, "engine_restore read_only=OFF\n", "",
	"state file line 11: expected key \"engine_restore\", found \"checksum\""},
	{"engine_restore twice", NULL, "engine_restore read_only=OFF\n",
		"engine_restore read_only=OFF\nengine_restore read_only=OFF\n",
	"expected key \"checksum\", found \"engine_restore\""},
	{"engine_restore before reason", NULL,
		"reason ERPNext upgrade to v15\nengine_restore read_only=OFF\n",
		"engine_restore read_only=OFF\nreason ERPNext upgrade to v15\n",
	"expected key \"reason\", found \"engine_restore\""},
	{"raw tab in engine_restore", NULL, "engine_restore read_only=OFF\n",
		"engine_restore read_only=\tOFF\n",
	"badly escaped value for key \"engine_restore\""},
	{"engine_restore no value", NULL, "engine_restore read_only=OFF\n",
		"engine_restore\n", "key \"engine_restore\" has no value"},
	{"engine_restore too long", NULL, "engine_restore read_only=OFF\n",
		"engine_restore "
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	"value for key \"engine_restore\" is longer than 256 bytes"},
	{"keys swapped", NULL, "active 1\nwindow_id 7\n", "window_id 7\nactive 1\n",
	"state file line 2: expected key \"active\", found \"window_id\""},
	{"duplicate key", NULL, "window_id 7\n", "window_id 7\nwindow_id 7\n",
	"expected key \"started_at_us\", found \"window_id\""},
	{"unknown key", NULL, "refused_writes 0\n", "refused_writes 0\ncolor blue\n",
	"expected key \"reason\", found \"color\""},
	{"missing key", NULL, "entered_by_id 10\n", "",
	"expected key \"entered_by_id\", found \"entered_by\""},
	{"no value", NULL, "active 1\n", "active\n", "key \"active\" has no value"},
	{"active 2", NULL, "active 1\n", "active 2\n", "invalid value \"2\" for key \"active\""},
	{"active 01", NULL, "active 1\n", "active 01\n", "for key \"active\""},
	{"two spaces", NULL, "active 1\n", "active  1\n", "for key \"active\""},
	{"trailing blank", NULL, "window_id 7\n", "window_id 7 \n", "for key \"window_id\""},
	{"negative unsigned", NULL, "window_id 7\n", "window_id -7\n", "for key \"window_id\""},
	{"plus sign", NULL, "window_id 7\n", "window_id +7\n", "for key \"window_id\""},
	{"leading zero", NULL, "window_id 7\n", "window_id 07\n", "for key \"window_id\""},
	{"hex number", NULL, "window_id 7\n", "window_id 0x7\n", "for key \"window_id\""},
	{"empty number", NULL, "window_id 7\n", "window_id \n", "for key \"window_id\""},
	{"u64 overflow", NULL, "window_id 7\n", "window_id 18446744073709551616\n",
	"for key \"window_id\""},
	{"i64 overflow", NULL, "started_at_us 1795000000000000\n",
		"started_at_us 9223372036854775808\n", "for key \"started_at_us\""},
	{"i64 underflow", NULL, "started_at_us 1795000000000000\n",
		"started_at_us -9223372036854775809\n", "for key \"started_at_us\""},
	{"minus zero", NULL, "expected_end_us 0\n", "expected_end_us -0\n",
	"for key \"expected_end_us\""},
	{"lone minus", NULL, "expected_end_us 0\n", "expected_end_us -\n",
	"for key \"expected_end_us\""},
	{"number with letter", NULL, "entered_by_id 10\n", "entered_by_id 1O\n",
	"invalid value \"1O\" for key \"entered_by_id\""},
	{"token upper case", NULL, "token_sha256 -\n",
		"token_sha256 ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB\n",
	"for key \"token_sha256\""},
	{"token 63 digits", NULL, "token_sha256 -\n",
		"token_sha256 abababababababababababababababababababababababababababababababa\n",
	"for key \"token_sha256\""},
	{"token empty", NULL, "token_sha256 -\n", "token_sha256 \n",
	"for key \"token_sha256\""},
	{"token --", NULL, "token_sha256 -\n", "token_sha256 --\n",
	"for key \"token_sha256\""},
	{"empty reason while active", NULL, "reason ERPNext upgrade to v15\n", "reason \n",
	"state file line 10: invalid reason: maintenance reason must not be empty"},
	{"blank reason while active", NULL, "reason ERPNext upgrade to v15\n", "reason   \n",
	"invalid reason: maintenance reason must not be blank"},
	{"newline reason while active", NULL, "reason ERPNext upgrade to v15\n",
		"reason a\\nb\n", "invalid reason: maintenance reason must not contain control"},
	{"raw tab in reason", NULL, "reason ERPNext upgrade to v15\n",
		"reason a\tb\n", "badly escaped value for key \"reason\""},
	{"raw CR in reason", NULL, "reason ERPNext upgrade to v15\n",
		"reason ab\r\n", "badly escaped value for key \"reason\""},
	{"bad escape", NULL, "reason ERPNext upgrade to v15\n", "reason a\\qb\n",
	"badly escaped"},
	{"escape at end", NULL, "reason ERPNext upgrade to v15\n", "reason ab\\\n",
	"badly escaped"},
	{"non-canonical escape", NULL, "reason ERPNext upgrade to v15\n",
		"reason \\x41bc\n", "badly escaped"},
	{"escaped NUL", NULL, "entered_by postgres\n", "entered_by a\\x00b\n",
	"badly escaped value for key \"entered_by\""},
	{"upper-case escape", NULL, "entered_by postgres\n", "entered_by a\\x1Bb\n",
	"badly escaped"},
	{"entered_by too long", NULL, "entered_by postgres\n",
		"entered_by "
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	"value for key \"entered_by\" is longer than 128 bytes"},
	{"no checksum line", "upkeep-state 2\nactive 0\nwindow_id 0\nstarted_at_us 0\n"
		"expected_end_us 0\nentered_by_id 0\nentered_by \ntoken_sha256 -\n"
		"refused_writes 0\nreason \nengine_restore \nextra 1\n", NULL, NULL,
	"expected key \"checksum\", found \"extra\""},
};

static const char *valid_body =
"upkeep-state 2\n"
"active 1\n"
"window_id 7\n"
"started_at_us 1795000000000000\n"
"expected_end_us 0\n"
"entered_by_id 10\n"
"entered_by postgres\n"
"token_sha256 -\n"
"refused_writes 0\n"
"reason ERPNext upgrade to v15\n"
"engine_restore read_only=OFF\n";

/* The same state as written by version 1, before engine_restore existed. */
static const char *valid_body_v1 =
"upkeep-state 1\n"
"active 1\n"
"window_id 7\n"
"started_at_us 1795000000000000\n"
"expected_end_us 0\n"
"entered_by_id 10\n"
"entered_by postgres\n"
"token_sha256 -\n"
"refused_writes 0\n"
"reason ERPNext upgrade to v15\n";

static void
test_bad_bodies(void)
{
	size_t		i;
	UkMaintState got;
	char		msg[600];

	/* the valid body itself parses */
	{
		size_t		len;
		char	   *buf = with_checksum(valid_body, &len);

		CHECK(parse_msg(buf, len, &got, msg, sizeof(msg)) == UK_OK,
			  "valid body: %s", msg);
		CHECK(got.active && got.window_id == 7 && !got.has_token &&
			  strcmp(got.reason, "ERPNext upgrade to v15") == 0 &&
			  strcmp(got.engine_restore, "read_only=OFF") == 0,
			  "valid body fields");
		free(buf);
	}

	for (i = 0; i < sizeof(bad_bodies) / sizeof(bad_bodies[0]); i++)
	{
		char		body[4096];
		char	   *buf;
		size_t		len;
		UkStatus	rc;

		if (bad_bodies[i].body != NULL)
			snprintf(body, sizeof(body), "%s", bad_bodies[i].body);
		else
		{
			const char *at = strstr(valid_body, bad_bodies[i].from);

			if (at == NULL)
			{
				CHECK(0, "%s: bad test case", bad_bodies[i].name);
				continue;
			}
			snprintf(body, sizeof(body), "%.*s%s%s", (int) (at - valid_body),
					 valid_body, bad_bodies[i].to,
					 at + strlen(bad_bodies[i].from));
		}
		buf = with_checksum(body, &len);
		memset(&got, 0x5a, sizeof(got));
		rc = parse_msg(buf, len, &got, msg, sizeof(msg));
		CHECK(rc == UK_ERR_CORRUPT, "%s: status %d", bad_bodies[i].name, rc);
		CHECK(strstr(msg, bad_bodies[i].msg) != NULL,
			  "%s: message \"%s\" lacks \"%s\"", bad_bodies[i].name, msg,
			  bad_bodies[i].msg);
		CHECK(!got.active && got.window_id == 0,
			  "%s: state not reset on failure", bad_bodies[i].name);
		free(buf);
	}

	/* the extreme values that are valid */
	{
		const char *body =
			"upkeep-state 2\nactive 0\nwindow_id 18446744073709551615\n"
			"started_at_us -9223372036854775808\n"
			"expected_end_us 9223372036854775807\nentered_by_id 0\n"
			"entered_by \ntoken_sha256 -\nrefused_writes 0\nreason \n"
			"engine_restore \n";
		size_t		len;
		char	   *buf = with_checksum(body, &len);

		CHECK(parse_msg(buf, len, &got, msg, sizeof(msg)) == UK_OK,
			  "extremes: %s", msg);
		CHECK(got.window_id == UINT64_MAX && got.started_at_us == INT64_MIN &&
			  got.expected_end_us == INT64_MAX, "extreme values");
		free(buf);
	}

	/* damage around the checksum line */
	{
		size_t		len;
		char	   *buf = with_checksum(valid_body, &len);
		char	   *more = malloc(len + 10);

		/* trailing content */
		memcpy(more, buf, len);
		memcpy(more + len, "x\n", 2);
		parse_msg(more, len + 2, &got, msg, sizeof(msg));
		CHECK(strcmp(msg, "state file has trailing content after the checksum line") == 0,
			  "trailing: %s", msg);
		memcpy(more + len, "\n", 1);
		CHECK(parse_msg(more, len + 1, &got, msg, sizeof(msg)) == UK_ERR_CORRUPT,
			  "trailing empty line accepted");

		/* a wrong checksum */
		memcpy(more, buf, len);
		more[len - 2] = more[len - 2] == '0' ? '1' : '0';
		parse_msg(more, len, &got, msg, sizeof(msg));
		CHECK(strcmp(msg, "state file checksum mismatch") == 0, "mismatch: %s",
			  msg);

		/* upper-case checksum digits */
		memcpy(more, buf, len);
		{
			size_t		k;

			for (k = len - 65; k < len - 1; k++)
				if (more[k] >= 'a' && more[k] <= 'f')
					more[k] = (char) (more[k] - 32);
		}
		CHECK(parse_msg(more, len, &got, msg, sizeof(msg)) == UK_ERR_CORRUPT,
			  "upper-case checksum accepted");

		/* a changed value with the old checksum */
		memcpy(more, buf, len);
		*strstr(more, "window_id 7") = 'W';
		parse_msg(more, len, &got, msg, sizeof(msg));
		CHECK(strcmp(msg, "state file checksum mismatch") == 0,
			  "changed value: %s", msg);

		/* a NUL byte */
		memcpy(more, buf, len);
		more[20] = '\0';
		parse_msg(more, len, &got, msg, sizeof(msg));
		CHECK(strcmp(msg, "state file contains a NUL byte at offset 20") == 0,
			  "NUL: %s", msg);

		free(more);
		free(buf);
	}
	{
		char	   *huge = calloc(1, UK_STATE_FILE_MAX + 1);

		memset(huge, 'x', UK_STATE_FILE_MAX + 1);
		parse_msg(huge, UK_STATE_FILE_MAX + 1, &got, msg, sizeof(msg));
		CHECK(strcmp(msg, "state file is too large: 8193 bytes, at most 8192 allowed") == 0,
			  "too large: %s", msg);
		free(huge);
	}
}

/*
 * Version 1 files are read as strictly as version 2 ones, with an empty
 * engine_restore, and are written back as version 2.
 */
static void
test_version1(void)
{
	UkMaintState got;
	UkMaintState again;
	char		msg[600];
	size_t		len;
	char	   *buf = with_checksum(valid_body_v1, &len);
	char	   *out = NULL;
	size_t		outlen = 0;

	CHECK(parse_msg(buf, len, &got, msg, sizeof(msg)) == UK_OK,
		  "version 1: %s", msg);
	CHECK(got.active && got.window_id == 7 &&
		  strcmp(got.reason, "ERPNext upgrade to v15") == 0 &&
		  got.engine_restore[0] == '\0', "version 1 fields");
	CHECK(uk_state_format(&got, &out, &outlen, NULL) == UK_OK &&
		  strncmp(out, "upkeep-state 2\n", 15) == 0 &&
		  strstr(out, "\nengine_restore \nchecksum ") != NULL,
		  "version 1 written back as version 2");
	CHECK(out != NULL && uk_state_parse(out, outlen, &again, NULL) == UK_OK &&
		  uk_state_equal(&got, &again), "version 1 round trip");
	free(out);

	/* still checksummed: a flipped bit is a mismatch */
	buf[40] ^= 1;
	parse_msg(buf, len, &got, msg, sizeof(msg));
	CHECK(strcmp(msg, "state file checksum mismatch") == 0, "version 1 flip: %s",
		  msg);
	free(buf);

	/* and cut short, it is truncated */
	buf = with_checksum(valid_body_v1, &len);
	parse_msg(buf, (size_t) (strstr(buf, "\nreason ") + 1 - buf), &got, msg,
			  sizeof(msg));
	CHECK(strcmp(msg, "state file truncated: missing key \"reason\"") == 0,
		  "version 1 cut: %s", msg);
	free(buf);
}

static void
test_files(void)
{
	char	   *dir = uk_test_mkdtemp();
	char		path[4200];
	UkMaintState st;
	UkMaintState got;
	UkError    *err = NULL;
	UkStatus	rc;
	struct stat sb;

	if (dir == NULL)
	{
		CHECK(0, "no temporary directory");
		return;
	}
	uk_test_path(path, sizeof(path), dir, "upkeep.state");

	/* missing file: NOT_FOUND and the inactive state */
	memset(&got, 0x5a, sizeof(got));
	rc = uk_state_read(path, &got, &err);
	CHECK(rc == UK_ERR_NOT_FOUND, "missing: rc %d", rc);
	CHECK(err != NULL && err->code == UK_ERR_NOT_FOUND, "missing: err");
	uk_state_init(&st);
	CHECK(uk_state_equal(&st, &got) && got.window_id == 0, "missing: not inactive");
	uk_error_free(err);
	err = NULL;

	/* not a regular file (FIFO, directory): an error at once, never a hang */
	alarm(20);
	CHECK(mkfifo(path, 0600) == 0, "mkfifo");
	rc = uk_state_read(path, &got, &err);
	CHECK(rc == UK_ERR_IO && err != NULL &&
		  strstr(err->message, "it is a FIFO, not a regular file") != NULL,
		  "FIFO: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;
	CHECK(unlink(path) == 0 && mkdir(path, 0700) == 0, "directory");
	rc = uk_state_read(path, &got, &err);
	CHECK(rc == UK_ERR_IO && err != NULL &&
		  strstr(err->message, "it is a directory, not a regular file") != NULL,
		  "directory: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;
	CHECK(rmdir(path) == 0, "rmdir");
	alarm(0);

	/* write and read back */
	sample_state(&st);
	rc = uk_state_write(path, &st, &err);
	CHECK(rc == UK_OK, "write: %s", err ? err->message : "?");
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "mode %o",
		  (unsigned) (sb.st_mode & 0777));
	rc = uk_state_read(path, &got, &err);
	CHECK(rc == UK_OK && uk_state_equal(&st, &got), "read back: %s",
		  err ? err->message : "?");

	/* a refused write leaves the file alone */
	st.reason[0] = '\0';
	rc = uk_state_write(path, &st, &err);
	CHECK(rc == UK_ERR_INVALID, "invalid write: rc %d", rc);
	uk_error_free(err);
	err = NULL;
	sample_state(&st);
	rc = uk_state_read(path, &got, NULL);
	CHECK(rc == UK_OK && uk_state_equal(&st, &got), "file changed by refused write");

	/* empty file */
	uk_test_write_raw(path, "", 0);
	rc = uk_state_read(path, &got, &err);
	CHECK(rc == UK_ERR_CORRUPT && err != NULL &&
		  strcmp(err->message, "state file is empty") == 0, "empty file: %s",
		  err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;

	/* oversized file */
	{
		char	   *big = malloc(UK_STATE_FILE_MAX + 100);

		memset(big, 'x', UK_STATE_FILE_MAX + 100);
		uk_test_write_raw(path, big, UK_STATE_FILE_MAX + 100);
		free(big);
	}
	rc = uk_state_read(path, &got, &err);
	CHECK(rc == UK_ERR_CORRUPT && err != NULL &&
		  strcmp(err->message, "state file is too large: more than 8192 bytes") == 0,
		  "oversized: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;

	/* wrong version on disk */
	{
		size_t		len;
		char	   *body = malloc(strlen(valid_body) + 1);
		char	   *buf;

		strcpy(body, valid_body);
		body[13] = '9';
		buf = with_checksum(body, &len);
		uk_test_write_raw(path, buf, len);
		free(buf);
		free(body);
	}
	rc = uk_state_read(path, &got, &err);
	CHECK(rc == UK_ERR_CORRUPT && err != NULL &&
		  strstr(err->message, "unsupported format version \"9\"") != NULL,
		  "wrong version: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;

	/* a directory in the way: I/O error */
	rc = uk_state_read(dir, &got, &err);
	CHECK(rc == UK_ERR_IO, "read dir: rc %d", rc);
	uk_error_free(err);

	uk_test_rmtree(dir);
}

static const struct
{
	const char *raw;
	const char *esc;
}			escapes[] = {
	{"", ""},
	{"plain text", "plain text"},
	{"a\\b", "a\\\\b"},
	{"tab\there", "tab\\there"},
	{"cr\rlf\n", "cr\\rlf\\n"},
	{"\x01\x1f\x7f", "\\x01\\x1f\\x7f"},
	{"\\n", "\\\\n"},
	{"\xc3\xbc\xff", "\xc3\xbc\xff"},
	{"trailing blank ", "trailing blank "},
};

static const char *const bad_escapes[] = {
	"\\", "a\\", "\\q", "\\x", "\\x0", "\\x00", "\\x41", "\\x0A", "\\x09",
	"\\x0a", "\\x0d", "\\x5c", "\\xg1", "\\X01", "raw\ttab", "raw\nnl",
	"raw\x01", "raw\x7f",
};

static void
test_escape(void)
{
	size_t		i;
	char		out[256];

	for (i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++)
	{
		size_t		n = uk_escape(escapes[i].raw, out, sizeof(out));

		CHECK(n == strlen(escapes[i].esc) && strcmp(out, escapes[i].esc) == 0,
			  "escape %zu gave \"%s\"", i, out);
		CHECK(uk_unescape(escapes[i].esc, strlen(escapes[i].esc), out,
						  sizeof(out)) && strcmp(out, escapes[i].raw) == 0,
			  "unescape %zu", i);
	}
	for (i = 0; i < sizeof(bad_escapes) / sizeof(bad_escapes[0]); i++)
		CHECK(!uk_unescape(bad_escapes[i], strlen(bad_escapes[i]), out,
						   sizeof(out)), "bad escape %zu accepted", i);

	/* snprintf-like truncation */
	CHECK(uk_escape("a\tb", out, 3) == 4 && strcmp(out, "a\\") == 0,
		  "cut escape gave \"%s\"", out);
	CHECK(uk_escape("abc", out, 1) == 3 && out[0] == '\0', "cap 1");
	CHECK(uk_escape("abc", NULL, 0) == 3, "cap 0");
	CHECK(uk_escape(NULL, out, sizeof(out)) == 0 && out[0] == '\0', "NULL");

	/* unescape: the result must fit with its NUL */
	CHECK(uk_unescape("abc", 3, out, 4) && strcmp(out, "abc") == 0, "fits");
	CHECK(!uk_unescape("abc", 3, out, 3), "does not fit");
	CHECK(!uk_unescape("abc", 3, out, 0), "cap 0");
	CHECK(uk_unescape("abc", 0, out, 1) && out[0] == '\0', "empty");
	CHECK(uk_unescape("\\n\\t", 4, out, 3) && strcmp(out, "\n\t") == 0,
		  "escapes fit");
	/* len bounds the input: a NUL-free prefix of a longer string */
	CHECK(uk_unescape("ab\\ncd", 4, out, sizeof(out)) && strcmp(out, "ab\n") == 0,
		  "prefix");
	CHECK(!uk_unescape("ab\\ncd", 3, out, sizeof(out)), "cut escape");

	/* every single byte round-trips */
	for (i = 1; i < 256; i++)
	{
		char		raw[2] = {(char) i, '\0'};
		char		back[4];

		uk_escape(raw, out, sizeof(out));
		CHECK(uk_unescape(out, strlen(out), back, sizeof(back)) &&
			  strcmp(back, raw) == 0, "byte %zu does not round-trip", i);
	}
}

/*
 * The fuzz seed corpus (tests/fuzz/corpus/state, found next to this source
 * file): valid_* must parse, invalid_* must not.
 */
static void
test_corpus(void)
{
	char		dirpath[4096];
	const char *slash = strrchr(__FILE__, '/');
	DIR		   *d;
	struct dirent *de;
	int			valid = 0;

	snprintf(dirpath, sizeof(dirpath), "%.*s/../fuzz/corpus/state",
			 slash != NULL ? (int) (slash - __FILE__) : 1,
			 slash != NULL ? __FILE__ : ".");
	d = opendir(dirpath);
	CHECK(d != NULL, "cannot open seed corpus %s", dirpath);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
	{
		char		path[4400];
		UkMaintState st;
		UkError    *err = NULL;
		UkStatus	rc;

		if (de->d_name[0] == '.')
			continue;
		uk_test_path(path, sizeof(path), dirpath, de->d_name);
		rc = uk_state_read(path, &st, &err);
		if (strncmp(de->d_name, "valid_", 6) == 0)
		{
			CHECK(rc == UK_OK, "seed %s: %s", de->d_name,
				  err ? err->message : "?");
			valid++;
		}
		else
			CHECK(rc == UK_ERR_CORRUPT, "seed %s: status %d", de->d_name, rc);
		uk_error_free(err);
	}
	closedir(d);
	CHECK(valid >= 2, "only %d valid seeds", valid);
}

int
main(void)
{
	test_corpus();
	test_round_trips();
	test_layout();
	test_format_refuses();
	test_bit_flips();
	test_truncation();
	test_bad_bodies();
	test_version1();
	test_files();
	test_escape();
	return uk_test_done("test_state");
}
