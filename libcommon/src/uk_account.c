/*
 * uk_account.c
 *		Accounts as text (uk_account.h): the one reader of an account a
 *		user names (the plugin's upkeep_window_account, the command's
 *		--as-account), writing one back, recognizing the runner's ephemeral
 *		accounts, matching grant host patterns and splitting the account
 *		string of MariaDB's audit events.
 *
 * An account is read like the server's lexer reads a quoted identifier or
 * string (a doubled quote inside stands for itself; in '...' and "..." a
 * backslash escapes the next character) or, unquoted, up to the '@'.
 */
#include <stdio.h>
#include <string.h>

#include "uk_account.h"
#include "uk_internal.h"
#include "uk_utf8.h"
#include "uk_validate.h"

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

const char *
uk_account_name_problem(const char *name, size_t max)
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
		return max == UK_ACCOUNT_USER_MAX ? "is longer than 128 characters" :
			"is longer than 255 characters";
	return NULL;
}

/*
 * One part of an account at s[*i] (s has no NUL before end): quoted, or
 * bare up to stop or the end.  NULL, or why not.
 */
static const char *
account_part(const char *s, size_t end, size_t *i, char stop, char *dst,
			 size_t cap)
{
	size_t		j = *i;
	size_t		n = 0;
	char		q = j < end ? s[j] : '\0';

	if (q == '\'' || q == '"' || q == '`')
	{
		j++;
		for (;;)
		{
			char		c;

			if (j >= end)
				return "has no closing quote";
			c = s[j];
			if (c == '\\' && q != '`' && j + 1 < end)
			{
				c = s[j + 1];
				j += 2;
			}
			else if (c == q)
			{
				if (j + 1 >= end || s[j + 1] != q)
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
		while (j < end && s[j] != stop)
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

UkStatus
uk_account_parse(const char *s, size_t len, UkAccount *out, UkError **err)
{
	char		shown[200];
	const char *why = NULL;
	const char *which = "user";
	size_t		i = 0;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "no account given "
							"(expected user@host, 'user'@'host' or `user`@`host`)");
	uk_show(s, len, 120, shown, sizeof(shown));
	if (memchr(s, '\0', len) != NULL)
		why = "has a NUL byte";
	else
		why = account_part(s, len, &i, '@', out->user, sizeof(out->user));
	if (why == NULL)
	{
		if (i == len)
			strcpy(out->host, "%");
		else if (s[i] != '@')
			why = "has text after the closing quote (expected '@')";
		else
		{
			i++;
			which = "host";
			why = account_part(s, len, &i, '\0', out->host, sizeof(out->host));
			if (why == NULL && i != len)
				why = "has text after the closing quote";
		}
	}
	if (why == NULL)
	{
		which = "user";
		why = uk_account_name_problem(out->user, UK_ACCOUNT_USER_MAX);
		if (why == NULL)
		{
			which = "host";
			why = uk_account_name_problem(out->host, UK_ACCOUNT_HOST_MAX);
		}
	}
	if (why != NULL)
	{
		memset(out, 0, sizeof(*out));
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"invalid account \"%s\": the %s name %s "
							"(expected user@host, 'user'@'host' or `user`@`host`)",
							shown, which, why);
	}
	return UK_OK;
}

/* s between single quotes, quotes and backslashes doubled; the length it needs. */
static size_t
put_quoted(const char *s, char *out, size_t cap, size_t len)
{
#define PUT(c) do { if (len + 1 < cap) out[len] = (c); len++; } while (0)
	PUT('\'');
	for (; *s; s++)
	{
		if (*s == '\'' || *s == '\\')
			PUT(*s);
		PUT(*s);
	}
	PUT('\'');
#undef PUT
	return len;
}

size_t
uk_account_format(const UkAccount *a, char *out, size_t cap)
{
	size_t		len = put_quoted(a->user, out, cap, 0);

	if (len + 1 < cap)
		out[len] = '@';
	len++;
	len = put_quoted(a->host, out, cap, len);
	if (cap > 0)
		out[len < cap ? len : cap - 1] = '\0';
	return len;
}

bool
uk_account_is_ephemeral(const UkAccount *a)
{
	size_t		plen = strlen(UK_ACCOUNT_EPHEMERAL_PREFIX);
	const char *p;

	if (strncmp(a->user, UK_ACCOUNT_EPHEMERAL_PREFIX, plen) != 0 ||
		a->user[plen] == '\0')
		return false;
	for (p = a->user + plen; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

bool
uk_host_like(const char *p, const char *h)
{
	/* iterative matcher with one backtrack point for the last % */
	const char *star_p = NULL;
	const char *star_h = NULL;

	for (;;)
	{
		if (*p == '%')
		{
			while (*p == '%')
				p++;
			star_p = p;
			star_h = h;
			continue;
		}
		if (*h == '\0')
			return *p == '\0';
		if (*p == '_' ||
			(*p == '\\' && p[1] != '\0' && lower(p[1]) == lower(*h)) ||
			(*p != '\\' && *p != '\0' && lower(*p) == lower(*h)) ||
			(*p == '\\' && p[1] == '\0' && *h == '\\'))
		{
			p += (*p == '\\' && p[1] != '\0') ? 2 : 1;
			h++;
			continue;
		}
		if (star_p == NULL)
			return false;
		p = star_p;
		h = ++star_h;
	}
}

/* Copy s[0..n) into out (cap >= 1), cut on a UTF-8 boundary. */
static void
copy_cut(const char *s, size_t n, char *out, size_t cap)
{
	n = uk_utf8_cut(s, n, cap - 1);
	memcpy(out, s, n);
	out[n] = '\0';
}

bool
uk_audit_user_split(const char *s, size_t len, char *user, size_t user_cap,
					char *host, size_t host_cap, char *ip, size_t ip_cap)
{
	const char *open,
			   *close,
			   *at,
			   *ip_open,
			   *end;

	user[0] = host[0] = ip[0] = '\0';
	if (s == NULL)
		return false;
	end = s + len;
	open = memchr(s, '[', len);
	if (open == NULL)
		return false;
	close = memchr(open, ']', (size_t) (end - open));
	if (close == NULL || (size_t) (end - close) < 4 || memcmp(close, "] @ ", 4) != 0)
		return false;
	at = close + 4;
	/* the ip is the last bracketed part; the host may hold anything */
	ip_open = NULL;
	for (const char *q = end - 1; q >= at; q--)
		if (*q == '[')
		{
			ip_open = q;
			break;
		}
	if (ip_open == NULL || ip_open == at || ip_open[-1] != ' ' || end[-1] != ']' ||
		ip_open > end - 1)
		return false;
	if (open > s)
		copy_cut(s, (size_t) (open - s), user, user_cap);
	else
		copy_cut(open + 1, (size_t) (close - open - 1), user, user_cap);
	copy_cut(at, (size_t) (ip_open - 1 - at), host, host_cap);
	copy_cut(ip_open + 1, (size_t) (end - 1 - ip_open - 1), ip, ip_cap);
	return true;
}
