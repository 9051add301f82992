/*
 * uk_grants.h
 *		MariaDB accounts for `upkeep run`: reading an account name given on
 *		the command line, and rewriting the SHOW GRANTS lines of one account
 *		so that they give the same privileges to another (the ephemeral
 *		maintainer account of a window).
 *
 * Written against MariaDB 10.11's SHOW GRANTS (sql/sql_acl.cc): user, host,
 * role, database and table names are printed as identifiers, quoted with
 * backticks (a backtick inside doubled) or, under sql_mode ANSI_QUOTES,
 * with double quotes; the PROXY line alone prints its four names raw
 * between single quotes.  Names written by these functions are always
 * quoted with backticks (`a``b`), which means the same in every sql_mode;
 * an empty name is written ''.
 *
 * Pure functions on caller memory; on failure they return the error code
 * and set *err (uk_error.h), and out holds "".
 */
#ifndef UK_GRANTS_H
#define UK_GRANTS_H

#include <stddef.h>

#include "uk_error.h"

/* MariaDB 10.11: user names up to 128 characters, host names up to 255. */
#define UK_GRANTS_USER_MAX 128
#define UK_GRANTS_HOST_MAX 255

/*
 * Rewrite one line of SHOW GRANTS FOR <account> for the account
 * new_user@new_host:
 *	GRANT <privileges> ON <object> TO <account> [tail]
 *	GRANT <role> TO <account> [WITH ADMIN OPTION]
 *	GRANT PROXY ON '<u>'@'<h>' TO '<u>'@'<h>' [WITH GRANT OPTION]
 *	SET DEFAULT ROLE <role>|NONE FOR <account>
 * The grantee after TO (after FOR) becomes `new_user`@`new_host`; an
 * IDENTIFIED BY [PASSWORD] '...' or IDENTIFIED VIA|WITH ... clause is
 * dropped (the new account has its own password); WITH GRANT OPTION, WITH
 * ADMIN OPTION, REQUIRE ... and the resource limits (MAX_...) are kept.  A
 * trailing ';' is dropped.  Returns UK_OK with the statement in out
 * (NUL-terminated), or UK_ERR_INVALID for a line it does not understand,
 * new names that are empty, too long or not UTF-8, or an out too small.
 */
extern int	uk_grants_rewrite(const char *line, const char *new_user,
							  const char *new_host, char *out, size_t outlen,
							  UkError **err);

/*
 * Read an account name as a user types it: 'u'@'h', `u`@`h`, "u"@"h",
 * u@h, or a user alone (host '%'); the forms may be mixed.  Inside quotes a
 * doubled quote stands for itself, and inside '...' and "..." a backslash
 * escapes the next character.  An unquoted user ends at the first '@'.
 * The user and the host must be non-empty, valid UTF-8 without control
 * characters, at most UK_GRANTS_USER_MAX / UK_GRANTS_HOST_MAX characters,
 * and fit user / host (ucap / hcap bytes with the NUL).  Returns UK_OK, or
 * UK_ERR_INVALID with a message that shows the name.
 */
extern int	uk_grants_parse_account(const char *s, char *user, size_t ucap,
									char *host, size_t hcap, UkError **err);

/*
 * `user`@`host` into out like snprintf: returns the length the full text
 * needs; complete only when that is < cap.
 */
extern size_t uk_grants_quote_account(const char *user, const char *host,
									  char *out, size_t cap);

#endif							/* UK_GRANTS_H */
