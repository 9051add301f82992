/*
 * uk_grants_account.c
 *		MariaDB account names: reading one as a user types it, writing one
 *		quoted, and the checks both the reader and the grant rewrite
 *		(uk_grants.c) apply to a user or host name (uk_grants.h).
 *
 * A name is read like the server's lexer reads a quoted identifier or
 * string (a doubled quote inside stands for itself; in '...' and "..." a
 * backslash escapes the next character) or, unquoted, up to the '@'.
 * Names are written with backticks, which read the same in every sql_mode.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_grants.h"
#include "uk_ident.h"
#include "uk_validate.h"
#include "uk_internal.h"
#include "uk_grants_int.h"

/* Number of UTF-8 characters of s, valid UTF-8 assumed. */
static size_t
utf8_chars(const char *s)
{
	size_t		n = 0;

	for (; *s; s++)
		if (((unsigned char) *s & 0xc0) != 0x80)
			n++;
	return n;
}

/* NULL when name is a usable user (max chars), else why not. */
const char *
uk_grants_name_problem(const char *name, size_t max)
{
	const char *p;

	if (name == NULL || name[0] == '\0')
		return "is empty";
	if (!uk_utf8_valid(name, strlen(name)))
		return "is not valid UTF-8";
	for (p = name; *p; p++)
		if ((unsigned char) *p < 0x20 || *p == 0x7f)
			return "has a control character";
	if (utf8_chars(name) > max)
		return max == UK_GRANTS_USER_MAX ? "is longer than 128 characters" :
			"is longer than 255 characters";
	return NULL;
}

size_t
uk_grants_quote_account(const char *user, const char *host, char *out,
						size_t cap)
{
	size_t		u = user[0] != '\0' ? uk_ident_quote(UK_ENGINE_MARIADB, user, NULL, 0) : 2;
	size_t		need = u + 1 + (host[0] != '\0' ?
								uk_ident_quote(UK_ENGINE_MARIADB, host, NULL, 0) : 2);
	char	   *buf;

	if (cap == 0)
		return need;
	buf = malloc(need + 1);
	if (buf == NULL)
	{
		out[0] = '\0';
		return need;
	}
	if (user[0] != '\0')
		uk_ident_quote(UK_ENGINE_MARIADB, user, buf, need + 1);
	else
		strcpy(buf, "''");
	buf[u] = '@';
	if (host[0] != '\0')
		uk_ident_quote(UK_ENGINE_MARIADB, host, buf + u + 1, need + 1 - u - 1);
	else
		strcpy(buf + u + 1, "''");
	snprintf(out, cap, "%s", buf);
	free(buf);
	return need;
}

/*
 * One part of an account name at s[*i]: quoted, or bare up to stop (a
 * character that ends it) or the end.  NULL, or why not.
 */
static const char *
account_part(const char *s, size_t *i, char stop, char *dst, size_t cap)
{
	size_t		j = *i;
	size_t		n = 0;
	char		q = s[j];

	if (q == '\'' || q == '"' || q == '`')
	{
		j++;
		for (;;)
		{
			char		c = s[j];

			if (c == '\0')
				return "a quote is not closed";
			if (c == '\\' && q != '`' && s[j + 1] != '\0')
			{
				c = s[j + 1];
				j += 2;
			}
			else if (c == q)
			{
				if (s[j + 1] != q)
				{
					j++;
					break;
				}
				j += 2;
			}
			else
				j++;
			if (n + 1 >= cap)
				return "is too long";
			dst[n++] = c;
		}
	}
	else
	{
		while (s[j] != '\0' && s[j] != stop)
		{
			char		c = s[j];

			if (c == '\'' || c == '"' || c == '`' || c == ' ' || c == '\t' ||
				c == '@')
				return "has a quote, a space or an '@' outside quotes";
			if (n + 1 >= cap)
				return "is too long";
			dst[n++] = c;
			j++;
		}
	}
	dst[n] = '\0';
	*i = j;
	return NULL;
}

int
uk_grants_parse_account(const char *s, char *user, size_t ucap, char *host,
						size_t hcap, UkError **err)
{
	char		shown[200];
	const char *why = NULL;
	const char *which = "user";
	size_t		i = 0;

	if (user != NULL && ucap > 0)
		user[0] = '\0';
	if (host != NULL && hcap > 0)
		host[0] = '\0';
	if (s == NULL || user == NULL || host == NULL || ucap == 0 || hcap < 2)
		return uk_error_set(err, UK_ERR_INVALID, 0, "no account name given");
	uk_show(s, strlen(s), 120, shown, sizeof(shown));

	why = account_part(s, &i, '@', user, ucap);
	if (why == NULL)
	{
		if (s[i] == '\0')
			strcpy(host, "%");
		else if (s[i] != '@')
			why = "has text after the closing quote (expected '@')";
		else
		{
			i++;
			which = "host";
			why = account_part(s, &i, '\0', host, hcap);
			if (why == NULL && s[i] != '\0')
				why = "has text after the closing quote";
			if (why == NULL && host[0] == '\0')
				why = "is empty";
		}
	}
	if (why == NULL)
	{
		which = "user";
		why = uk_grants_name_problem(user, UK_GRANTS_USER_MAX);
		if (why == NULL)
		{
			which = "host";
			why = uk_grants_name_problem(host, UK_GRANTS_HOST_MAX);
		}
	}
	if (why != NULL)
	{
		user[0] = '\0';
		host[0] = '\0';
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"invalid account \"%s\": the %s name %s "
							"(expected user@host, 'user'@'host' or `user`@`host`)",
							shown, which, why);
	}
	return UK_OK;
}
