/*
 * uk_account.h
 *		Database accounts as text, for the MariaDB plugin's window patches
 *		and the command's --as-account: an account a user names
 *		('user'@'host'), the ephemeral accounts the
 *		upkeep runner creates for one window ("upkeep_run_" + a suffix),
 *		the host patterns of grants (LIKE with % and _), and the account
 *		string of MariaDB's audit events ("priv_user[user] @ host [ip]").
 *
 * Plain C, no server headers.  Nothing here allocates: results go into
 * the caller's structs and buffers.
 */
#ifndef UK_ACCOUNT_H
#define UK_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "uk_error.h"

#define UK_ACCOUNT_USER_MAX 128		/* characters of a user name */
#define UK_ACCOUNT_HOST_MAX 255		/* characters of a host name or pattern */
#define UK_ACCOUNT_EPHEMERAL_PREFIX "upkeep_run_"

typedef struct UkAccount
{
	char		user[UK_ACCOUNT_USER_MAX * 4 + 1];	/* UTF-8 */
	char		host[UK_ACCOUNT_HOST_MAX * 4 + 1];
} UkAccount;

/*
 * Read an account as a user types it (the one reader of accounts, for the
 * plugin and the command): 'u'@'h', `u`@`h`, "u"@"h", u@h, or a user alone
 * (host '%'); the forms may be mixed.  Inside quotes a doubled quote
 * stands for itself, and inside '...' and "..." a backslash escapes the
 * next character, as in the server's lexer.  An unquoted part has no
 * quote, space or '@' (the user ends at the first '@').  The user and the
 * host must be non-empty, valid UTF-8 without control characters or NUL,
 * at most UK_ACCOUNT_USER_MAX / UK_ACCOUNT_HOST_MAX characters.  len bytes
 * of s are read.  UK_ERR_INVALID with a message that shows the text and
 * says what is wrong; *out is then zeroed.
 */
extern UkStatus uk_account_parse(const char *s, size_t len, UkAccount *out,
								 UkError **err);

/*
 * The account as 'user'@'host' (quotes and backslashes doubled) into out
 * (cap bytes, NUL-terminated when cap > 0).  Returns the length it needs,
 * like snprintf.  uk_account_parse() reads it back to the same account.
 */
extern size_t uk_account_format(const UkAccount *a, char *out, size_t cap);

/*
 * NULL when name is a usable user or host name of at most max characters
 * (non-empty, valid UTF-8, no control character), else why not, as words
 * that follow "the user name" (also for uk_grants_rewrite()'s new names).
 */
extern const char *uk_account_name_problem(const char *name, size_t max);

/*
 * An ephemeral account of the upkeep runner: the user name is
 * UK_ACCOUNT_EPHEMERAL_PREFIX followed by one or more of [A-Za-z0-9_].
 */
extern bool uk_account_is_ephemeral(const UkAccount *a);

/*
 * Does host match a grant's host pattern?  Like MariaDB's grant tables:
 * % matches any run of characters, _ one character, a backslash escapes
 * the next character; letters compare without case.
 */
extern bool uk_host_like(const char *pattern, const char *host);

/*
 * Split the account string of a MariaDB audit event,
 * "priv_user[user] @ host [ip]", into the account's user name (priv_user;
 * the login name when priv_user is empty), the client's host and its ip
 * (each may be empty), cut to the caps given (at least 1 byte each).
 * false when s does not have that shape (then all three are "").
 */
extern bool uk_audit_user_split(const char *s, size_t len,
								char *user, size_t user_cap,
								char *host, size_t host_cap,
								char *ip, size_t ip_cap);

#endif							/* UK_ACCOUNT_H */
