/*
 * uk_grants.h
 *		MariaDB accounts for `upkeep run`: rewriting the SHOW GRANTS lines
 *		of one account so that they give the same privileges to another
 *		(the ephemeral maintainer account of a window), and writing an
 *		account quoted.  Reading one is uk_account_parse() (uk_account.h).
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

#include "uk_account.h"
#include "uk_error.h"

/* MariaDB 10.11: user names up to 128 characters, host names up to 255. */
#define UK_GRANTS_USER_MAX UK_ACCOUNT_USER_MAX
#define UK_GRANTS_HOST_MAX UK_ACCOUNT_HOST_MAX

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
 * `user`@`host` into out like snprintf: returns the length the full text
 * needs; complete only when that is < cap.
 */
extern size_t uk_grants_quote_account(const char *user, const char *host,
									  char *out, size_t cap);

#endif							/* UK_GRANTS_H */
