/*
 * uk_account.c
 *		Accounts as text (uk_account.h): parsing what a user names,
 *		recognizing the runner's ephemeral accounts, matching grant host
 *		patterns and splitting the account string of MariaDB's audit events.
 */
#include <stdio.h>
#include <string.h>

#include "uk_account.h"
#include "uk_utf8.h"
#include "uk_validate.h"

/*
 * One part (user or host) starting at s[*pos]: quoted with ', ` or ", or
 * bare up to stop (a byte that ends it, or '\0' for "to the end").
 * Copies it into out (cap bytes).  0, or 1 with a message in err.
 */
static int
parse_part(const char *s, size_t len, size_t *pos, char stop,
		   const char *what, size_t max, char *out, UkError **err)
{
	size_t		i = *pos;
	size_t		n = 0;
	char		q = (i < len && (s[i] == '\'' || s[i] == '`' || s[i] == '"')) ? s[i] : 0;

	if (q)
	{
		for (i++;; i++)
		{
			if (i >= len)
			{
				uk_error_set(err, UK_ERR_INVALID, 0,
							 "the %s has no closing quote", what);
				return 1;
			}
			if (s[i] == q)
			{
				if (i + 1 < len && s[i + 1] == q)
					i++;		/* a doubled quote */
				else
					break;
			}
			if (n >= max)
			{
				uk_error_set(err, UK_ERR_INVALID, 0,
							 "the %s is too long (at most %zu bytes)", what, max);
				return 1;
			}
			out[n++] = s[i];
		}
		i++;
	}
	else
	{
		for (; i < len && s[i] != stop; i++)
		{
			if (s[i] == '\'' || s[i] == '`' || s[i] == '"')
			{
				uk_error_set(err, UK_ERR_INVALID, 0,
							 "a quote inside the unquoted %s", what);
				return 1;
			}
			if (n >= max)
			{
				uk_error_set(err, UK_ERR_INVALID, 0,
							 "the %s is too long (at most %zu bytes)", what, max);
				return 1;
			}
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	for (size_t k = 0; k < n; k++)
	{
		unsigned char c = (unsigned char) out[k];

		if (c < 0x20 || c == 0x7f)
		{
			uk_error_set(err, UK_ERR_INVALID, 0,
						 "the %s contains a control character or NUL", what);
			return 1;
		}
	}
	if (!uk_utf8_valid(out, n))
	{
		uk_error_set(err, UK_ERR_INVALID, 0, "the %s is not valid UTF-8", what);
		return 1;
	}
	*pos = i;
	return 0;
}

UkStatus
uk_account_parse(const char *s, size_t len, UkAccount *out, UkError **err)
{
	size_t		pos = 0;
	size_t		ulen = len;		/* where the user part may end */

	memset(out, 0, sizeof(*out));
	if (s == NULL || len == 0)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"an account is written user@host");
	/* a bare user part ends at the last '@' (host names have none) */
	if (s[0] != '\'' && s[0] != '`' && s[0] != '"')
		for (size_t i = 0; i < len; i++)
			if (s[i] == '@')
				ulen = i;
	if (parse_part(s, ulen, &pos, '\0', "user name", UK_ACCOUNT_USER_MAX,
				   out->user, err))
		goto bad;
	if (out->user[0] == '\0')
	{
		uk_error_set(err, UK_ERR_INVALID, 0,
					 "the user name is empty; an account is written user@host");
		goto bad;
	}
	if (pos == len)
	{
		strcpy(out->host, "%");
		return UK_OK;
	}
	if (s[pos] != '@')
	{
		uk_error_set(err, UK_ERR_INVALID, 0,
					 "unexpected text after the user name; an account is written user@host");
		goto bad;
	}
	pos++;
	if (parse_part(s, len, &pos, '\0', "host name", UK_ACCOUNT_HOST_MAX,
				   out->host, err))
		goto bad;
	if (pos != len)
	{
		uk_error_set(err, UK_ERR_INVALID, 0,
					 "unexpected text after the host name");
		goto bad;
	}
	return UK_OK;

bad:
	memset(out, 0, sizeof(*out));
	return UK_ERR_INVALID;
}

/* s between single quotes, quotes doubled; returns the length it needs. */
static size_t
put_quoted(const char *s, char *out, size_t cap, size_t len)
{
#define PUT(c) do { if (len + 1 < cap) out[len] = (c); len++; } while (0)
	PUT('\'');
	for (; *s; s++)
	{
		if (*s == '\'')
			PUT('\'');
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
