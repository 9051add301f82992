/*
 * uk_account.h
 *		Database accounts as text, for the MariaDB plugin's window patches:
 *		an account a user names ('user@host'), the ephemeral accounts the
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

#define UK_ACCOUNT_USER_MAX 128		/* bytes of a user name */
#define UK_ACCOUNT_HOST_MAX 255		/* bytes of a host name or pattern */
#define UK_ACCOUNT_EPHEMERAL_PREFIX "upkeep_run_"

typedef struct UkAccount
{
	char		user[UK_ACCOUNT_USER_MAX + 1];
	char		host[UK_ACCOUNT_HOST_MAX + 1];
} UkAccount;

/*
 * Parse an account as a user writes it: user@host, 'user'@'host',
 * `user`@`host` or "user"@"host" (each part quoted or not; a quote inside
 * a quoted part is doubled).  Without "@host" the host is "%".  The user
 * must not be empty; neither part may hold a NUL, a control character or
 * invalid UTF-8, or exceed its limit.  len bytes of s are read.
 * UK_ERR_INVALID with a message saying what is wrong.
 */
extern UkStatus uk_account_parse(const char *s, size_t len, UkAccount *out,
								 UkError **err);

/*
 * The account as 'user'@'host' (quotes doubled) into out (cap bytes,
 * NUL-terminated when cap > 0).  Returns the length it needs, like
 * snprintf.  uk_account_parse() reads it back to the same account.
 */
extern size_t uk_account_format(const UkAccount *a, char *out, size_t cap);

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
