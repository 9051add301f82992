/*
 * test_account.c
 *		Unit tests for uk_account.h: accounts as a user names them, the
 *		runner's ephemeral accounts, grant host patterns and the account
 *		string of MariaDB's audit events.
 */
#include "uk_account.h"
#include "uk_test.h"

static const struct
{
	const char *in;
	UkStatus	want;
	const char *user;
	const char *host;
	const char *msg_part;
} parse_cases[] = {
	{"upkeep_run_0123456789ab@localhost", UK_OK, "upkeep_run_0123456789ab", "localhost", NULL},
	{"'upkeep_run_a'@'%'", UK_OK, "upkeep_run_a", "%", NULL},
	{"`site_db`@`10.0.%`", UK_OK, "site_db", "10.0.%", NULL},
	{"\"site_db\"@\"10.0.0.%\"", UK_OK, "site_db", "10.0.0.%", NULL},
	{"_5b8ce4df2ddd4b8d@localhost", UK_OK, "_5b8ce4df2ddd4b8d", "localhost", NULL},
	{"'o''brien'@'localhost'", UK_OK, "o'brien", "localhost", NULL},
	{"'o\\'brien'@localhost", UK_OK, "o'brien", "localhost", NULL},
	{"'back\\\\slash'@h", UK_OK, "back\\slash", "h", NULL},
	{"`we``ird`@'h'", UK_OK, "we`ird", "h", NULL},
	{"`no\\escape`@h", UK_OK, "no\\escape", "h", NULL},
	{"'us er'@'h'", UK_OK, "us er", "h", NULL},
	{"'a@b'@'h'", UK_OK, "a@b", "h", NULL},
	{"'p\xc3\xa9'@h", UK_OK, "p\xc3\xa9", "h", NULL},
	{"plain", UK_OK, "plain", "%", NULL},
	{"'quoted'", UK_OK, "quoted", "%", NULL},
	{"", UK_ERR_INVALID, "", "", "the user name is empty (expected user@host"},
	{"@localhost", UK_ERR_INVALID, "", "", "the user name is empty"},
	{"''@localhost", UK_ERR_INVALID, "", "", "the user name is empty"},
	{"app@", UK_ERR_INVALID, "", "", "the host name is empty"},
	{"'unclosed@localhost", UK_ERR_INVALID, "", "", "the user name has no closing quote"},
	{"u@'unclosed", UK_ERR_INVALID, "", "", "the host name has no closing quote"},
	{"u'x@localhost", UK_ERR_INVALID, "", "", "outside quotes"},
	{"'u'x@localhost", UK_ERR_INVALID, "", "", "expected '@'"},
	{"'u'@'h'x", UK_ERR_INVALID, "", "", "text after the closing quote"},
	{"app@local host", UK_ERR_INVALID, "", "", "outside quotes"},
	{"a@b@c", UK_ERR_INVALID, "", "", "the host name has a quote, a space or an '@' outside quotes"},
	{"'u\tx'@h", UK_ERR_INVALID, "", "", "control character"},
	{"u@\xff", UK_ERR_INVALID, "", "", "UTF-8"},
	{"'a\xff'@h", UK_ERR_INVALID, "", "", "not valid UTF-8"},
};

static void
test_parse(void)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++)
	{
		UkAccount	a;
		UkError    *err = NULL;
		UkStatus	rc = uk_account_parse(parse_cases[i].in, strlen(parse_cases[i].in), &a, &err);

		CHECK(rc == parse_cases[i].want, "%s: rc %d", parse_cases[i].in, (int) rc);
		CHECK(strcmp(a.user, parse_cases[i].user) == 0, "%s: user '%s'", parse_cases[i].in, a.user);
		CHECK(strcmp(a.host, parse_cases[i].host) == 0, "%s: host '%s'", parse_cases[i].in, a.host);
		if (parse_cases[i].msg_part)
			CHECK(err && strstr(err->message, parse_cases[i].msg_part), "%s: message '%s'",
				  parse_cases[i].in, err ? err->message : "(none)");
		else
			CHECK(err == NULL, "%s: unexpected error", parse_cases[i].in);
		uk_error_free(err);
	}
	/* a NUL inside is refused, not cut */
	{
		UkAccount	a;
		UkError    *err = NULL;

		CHECK(uk_account_parse("u\0x@h", 5, &a, &err) == UK_ERR_INVALID, "NUL in the user");
		uk_error_free(err);
	}
	/* limits are characters: 128 of 2 bytes each pass, 129 do not */
	{
		char		name[600];
		char		in[700];
		UkAccount	a;
		UkError    *err = NULL;

		for (int i = 0; i < UK_ACCOUNT_USER_MAX; i++)
			memcpy(name + 2 * i, "\xc3\xa9", 2);
		name[2 * UK_ACCOUNT_USER_MAX] = '\0';
		snprintf(in, sizeof(in), "'%s'@h", name);
		CHECK(uk_account_parse(in, strlen(in), &a, NULL) == UK_OK &&
			  strcmp(a.user, name) == 0, "128 characters");
		snprintf(in, sizeof(in), "'%sx'@h", name);
		CHECK(uk_account_parse(in, strlen(in), &a, &err) == UK_ERR_INVALID &&
			  err && strstr(err->message, "longer than 128 characters"),
			  "129 characters: %s", err ? err->message : "(accepted)");
		uk_error_free(err);
	}
	/* every message shows the text it refused */
	{
		UkAccount	a;
		UkError    *err = NULL;

		CHECK(uk_account_parse("a@b@c", 5, &a, &err) == UK_ERR_INVALID && err &&
			  strncmp(err->message, "invalid account \"a@b@c\": ", 25) == 0,
			  "message: %s", err ? err->message : "(none)");
		uk_error_free(err);
	}
}

static void
test_format(void)
{
	UkAccount	a = {"o'brien\\x", "10.0.%"};
	UkAccount	back;
	char		buf[64];
	size_t		n = uk_account_format(&a, buf, sizeof(buf));

	CHECK(strcmp(buf, "'o''brien\\\\x'@'10.0.%'") == 0, "formatted %s", buf);
	CHECK(n == strlen(buf), "length %zu", n);
	CHECK(uk_account_parse(buf, n, &back, NULL) == UK_OK &&
		  strcmp(back.user, a.user) == 0 && strcmp(back.host, a.host) == 0,
		  "reads back");
	CHECK(uk_account_format(&a, buf, 5) == n && strlen(buf) == 4, "cut, same length");
}

static void
test_ephemeral(void)
{
	static const struct
	{
		const char *user;
		bool		want;
	} cases[] = {
		{"upkeep_run_0123456789ab", true},
		{"upkeep_run_x", true},
		{"upkeep_run_", false},
		{"upkeep_runx", false},
		{"site_db", false},
		{"UPKEEP_RUN_abc", false},
		{"upkeep_run_a-b", false},
		{"upkeep_run_a b", false},
		{"root", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		UkAccount	a;

		memset(&a, 0, sizeof(a));
		snprintf(a.user, sizeof(a.user), "%s", cases[i].user);
		strcpy(a.host, "localhost");
		CHECK(uk_account_is_ephemeral(&a) == cases[i].want, "%s", cases[i].user);
	}
}

static void
test_host_like(void)
{
	static const struct
	{
		const char *pattern;
		const char *host;
		bool		want;
	} cases[] = {
		{"localhost", "localhost", true},
		{"LocalHost", "localhost", true},
		{"localhost", "localhost2", false},
		{"%", "", true},
		{"%", "db.example.com", true},
		{"%.example.com", "db.example.com", true},
		{"%.example.com", "example.com", false},
		{"10.0.%", "10.0.3.4", true},
		{"10.0.%", "10.1.3.4", false},
		{"10.0.0._", "10.0.0.7", true},
		{"10.0.0._", "10.0.0.17", false},
		{"a%b%c", "aXXbYYc", true},
		{"a%b%c", "aXXbYY", false},
		{"a\\_b", "a_b", true},
		{"a\\_b", "axb", false},
		{"", "", true},
		{"", "x", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(uk_host_like(cases[i].pattern, cases[i].host) == cases[i].want,
			  "'%s' LIKE '%s'", cases[i].host, cases[i].pattern);
}

static void
test_audit_split(void)
{
	static const struct
	{
		const char *in;
		bool		want;
		const char *user;
		const char *host;
		const char *ip;
	} cases[] = {
		{"root[root] @ localhost []", true, "root", "localhost", ""},
		{"maint[maint] @ localhost [127.0.0.1]", true, "maint", "localhost", "127.0.0.1"},
		{"upkeep_run_ab[upkeep_run_ab] @  [10.0.0.5]", true, "upkeep_run_ab", "", "10.0.0.5"},
		{"[guest] @ host [1.2.3.4]", true, "guest", "host", "1.2.3.4"},
		{"app[app] @ a [b] [1.1.1.1]", true, "app", "a [b]", "1.1.1.1"},
		{"no brackets", false, "", "", ""},
		{"u[u] localhost []", false, "", "", ""},
		{"u[u] @ localhost", false, "", "", ""},
		{"u[u] @ localhost [", false, "", "", ""},
		{"", false, "", "", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char		u[32],
					h[32],
					ip[32];
		bool		ok = uk_audit_user_split(cases[i].in, strlen(cases[i].in),
											 u, sizeof(u), h, sizeof(h), ip, sizeof(ip));

		CHECK(ok == cases[i].want, "%s", cases[i].in);
		CHECK(strcmp(u, cases[i].user) == 0, "%s: user '%s'", cases[i].in, u);
		CHECK(strcmp(h, cases[i].host) == 0, "%s: host '%s'", cases[i].in, h);
		CHECK(strcmp(ip, cases[i].ip) == 0, "%s: ip '%s'", cases[i].in, ip);
	}
	{
		char		u[4],
					h[4],
					ip[4];

		CHECK(uk_audit_user_split("longuser[x] @ longhost [1.2.3.4]", 32,
								  u, sizeof(u), h, sizeof(h), ip, sizeof(ip)) &&
			  strcmp(u, "lon") == 0 && strcmp(h, "lon") == 0 && strcmp(ip, "1.2") == 0,
			  "cut to the caps");
	}
}

int
main(void)
{
	test_parse();
	test_format();
	test_ephemeral();
	test_host_like();
	test_audit_split();
	return uk_test_done("test_account");
}
