/*
 * test_grants.c
 *		Unit tests for uk_grants.h: MariaDB 10.11 SHOW GRANTS lines of an
 *		application account rewritten for the ephemeral maintainer account
 *		(passwords and authentication dropped, options kept, names quoted
 *		safely), lines that are refused, and account names as users type
 *		them.
 */
#include "uk_grants.h"
#include "uk_test.h"

typedef struct RewriteCase
{
	const char *line;
	const char *want;			/* NULL: refused */
	const char *why;			/* part of the error message when refused */
} RewriteCase;

#define NEW "`upkeep_run_0123456789ab`@`localhost`"

static const RewriteCase rewrites[] = {
	{"GRANT USAGE ON *.* TO `_5b8ce4df2ddd4b8d`@`localhost` IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
	 "GRANT USAGE ON *.* TO " NEW, NULL},
	{"GRANT ALL PRIVILEGES ON `_5b8ce4df2ddd4b8d`.* TO `_5b8ce4df2ddd4b8d`@`localhost`",
	 "GRANT ALL PRIVILEGES ON `_5b8ce4df2ddd4b8d`.* TO " NEW, NULL},
	{"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA mysql_native_password USING 'invalid' OR unix_socket WITH GRANT OPTION",
	 "GRANT ALL PRIVILEGES ON *.* TO " NEW " WITH GRANT OPTION", NULL},
	{"GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED VIA ed25519 USING PASSWORD('secret') REQUIRE SSL WITH MAX_USER_CONNECTIONS 20 MAX_STATEMENT_TIME 0.500000",
	 "GRANT USAGE ON *.* TO " NEW " REQUIRE SSL WITH MAX_USER_CONNECTIONS 20 MAX_STATEMENT_TIME 0.500000", NULL},
	{"GRANT USAGE ON *.* TO `app`@`%` REQUIRE SUBJECT '/CN=app' AND ISSUER '/CN=ca' IDENTIFIED BY 'x'",
	 "GRANT USAGE ON *.* TO " NEW " REQUIRE SUBJECT '/CN=app' AND ISSUER '/CN=ca'", NULL},
	{"GRANT SELECT (name, `to`), UPDATE (`modified`) ON `shop`.`tabSales Invoice` TO `app`@`10.0.%`;",
	 "GRANT SELECT (name, `to`), UPDATE (`modified`) ON `shop`.`tabSales Invoice` TO " NEW, NULL},
	{"GRANT EXECUTE ON PROCEDURE `shop`.`recalc to date` TO `app`@`localhost`",
	 "GRANT EXECUTE ON PROCEDURE `shop`.`recalc to date` TO " NEW, NULL},
	{"GRANT SELECT ON `we``ird db`.* TO `o'brien`@`host``x`",
	 "GRANT SELECT ON `we``ird db`.* TO " NEW, NULL},
	{"GRANT \"app_role\" TO \"app\"@\"localhost\"",
	 "GRANT \"app_role\" TO " NEW, NULL},
	{"GRANT `erp_writer` TO `app`@`localhost` WITH ADMIN OPTION",
	 "GRANT `erp_writer` TO " NEW " WITH ADMIN OPTION", NULL},
	{"grant select on db1.* to app@localhost", "grant select on db1.* to " NEW, NULL},
	{"SET DEFAULT ROLE `erp_writer` FOR `app`@`localhost`",
	 "SET DEFAULT ROLE `erp_writer` FOR " NEW, NULL},
	{"GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION",
	 "GRANT PROXY ON ''@`%` TO " NEW " WITH GRANT OPTION", NULL},
	{"GRANT PROXY ON 'employee'@'localhost' TO 'app'@'localhost'",
	 "GRANT PROXY ON `employee`@`localhost` TO " NEW, NULL},

	{"REVOKE SELECT ON *.* FROM `app`@`localhost`", NULL, "not a GRANT or SET DEFAULT ROLE statement"},
	{"GRANT SELECT ON *.* TO `app`@`localhost`; DROP DATABASE shop", NULL, "more than one statement"},
	{"GRANT SELECT ON *.* TO `app`@`localhost` WITH GRANT OPTION, DROP", NULL, "unexpected \",\" after the grantee"},
	{"GRANT SELECT ON *.* TO `app`@`localhost` ALSO", NULL, "unexpected \"ALSO\" after the grantee"},
	{"GRANT SELECT ON *.* TO `app`@`localhost` IDENTIFIED BY", NULL, "IDENTIFIED clause that cannot be read"},
	{"GRANT SELECT ON *.* TO `app`@`local", NULL, "quoted name is not closed"},
	{"GRANT SELECT ON *.* `app`@`localhost`", NULL, "no TO <account>"},
	{"GRANT SELECT (a ON t TO u", NULL, "parenthesis is not closed"},
	{"GRANT SELECT ON TO `app`@`localhost`", NULL, "expected GRANT <privileges> ON <object> TO <account>"},
	{"GRANT `a` `b` TO `app`@`localhost`", NULL, "expected GRANT <role> TO <account>"},
	{"GRANT SELECT ON *.* TO @`localhost`", NULL, "the grantee is not an account name"},
	{"GRANT PROXY ON 'o'brien'@'%' TO 'app'@'%'", NULL, "proxied user"},
	{"GRANT PROXY ON 'a'@'b\\'' TO 'app'@'%'", NULL, "proxied host"},
	{"SET DEFAULT ROLE FOR `app`@`localhost`", NULL, "expected SET DEFAULT ROLE <role> FOR <account>"},
	{"GRANT SELECT ON *.* TO `app`@`localhost` WITH\tGRANT\x01OPTION", NULL, "control character"},
	{"", NULL, "not a GRANT"},
};

static void
check_rewrite(const RewriteCase *c)
{
	char		out[1024];
	UkError    *err = NULL;
	int			rc = uk_grants_rewrite(c->line, "upkeep_run_0123456789ab",
									   "localhost", out, sizeof(out), &err);

	if (c->want != NULL)
		CHECK(rc == UK_OK && err == NULL && strcmp(out, c->want) == 0,
			  "rewrite %s\n  got  %s\n  want %s\n  err  %s", c->line, out,
			  c->want, err ? err->message : "");
	else
		CHECK(rc == UK_ERR_INVALID && err != NULL && out[0] == '\0' &&
			  strstr(err->message, c->why) != NULL &&
			  strstr(err->message, "cannot rewrite grant") != NULL,
			  "refuse %s: %s", c->line, err ? err->message : "(accepted)");
	uk_error_free(err);
}

int
main(void)
{
	size_t		i;
	char		out[4096];
	char		name[600];
	UkError    *err = NULL;

	for (i = 0; i < sizeof(rewrites) / sizeof(rewrites[0]); i++)
		check_rewrite(&rewrites[i]);

	/* the new names are quoted so that nothing in them escapes */
	CHECK(uk_grants_rewrite("GRANT SELECT ON *.* TO `a`@`b`", "x`; DROP USER root; --",
							"h`o", out, sizeof(out), NULL) == UK_OK &&
		  strcmp(out, "GRANT SELECT ON *.* TO `x``; DROP USER root; --`@`h``o`") == 0,
		  "new names quoted: %s", out);

	/* bad new names */
	CHECK(uk_grants_rewrite("GRANT SELECT ON *.* TO `a`@`b`", "", "h", out,
							sizeof(out), &err) == UK_ERR_INVALID && err != NULL &&
		  strcmp(err->message, "the new user name is empty") == 0 && out[0] == '\0',
		  "empty new user: %s", err ? err->message : "");
	uk_error_free(err);
	err = NULL;
	memset(name, 'a', 129);
	name[129] = '\0';
	CHECK(uk_grants_rewrite("GRANT SELECT ON *.* TO `a`@`b`", name, "h", out,
							sizeof(out), &err) == UK_ERR_INVALID &&
		  strstr(err->message, "longer than 128 characters") != NULL,
		  "long new user: %s", err ? err->message : "");
	uk_error_free(err);
	err = NULL;
	CHECK(uk_grants_rewrite("GRANT SELECT ON *.* TO `a`@`b`", "u", "h\n", out,
							sizeof(out), &err) == UK_ERR_INVALID &&
		  strstr(err->message, "new host name has a control character") != NULL,
		  "control in new host: %s", err ? err->message : "");
	uk_error_free(err);
	err = NULL;

	/* a buffer too small is an error, not a cut statement */
	CHECK(uk_grants_rewrite("GRANT SELECT ON *.* TO `a`@`b`", "user", "host", out,
							20, &err) == UK_ERR_INVALID && out[0] == '\0' &&
		  strstr(err->message, "the result needs 37 bytes, the buffer has 20") != NULL,
		  "small buffer: %s", err ? err->message : "");
	uk_error_free(err);
	err = NULL;
	CHECK(uk_grants_rewrite("GRANT SELECT ON *.* TO `a`@`b`", "user", "host", out,
							37, NULL) == UK_OK && strlen(out) == 36, "exact buffer");
	CHECK(uk_grants_rewrite(NULL, "u", "h", out, sizeof(out), NULL) == UK_ERR_INVALID,
		  "NULL line");

	/* quote_account measures like snprintf */
	CHECK(uk_grants_quote_account("a`b", "%", out, sizeof(out)) == 10 &&
		  strcmp(out, "`a``b`@`%`") == 0, "quote account: %s", out);
	CHECK(uk_grants_quote_account("user", "host", out, 5) == 13 &&
		  strcmp(out, "`use") == 0, "quote account cut: %s", out);

	return uk_test_done("test_grants");
}
