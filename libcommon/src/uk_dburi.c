/*
 * uk_dburi.c
 *		Parsing the MariaDB connection URI of the CLI's --db option
 *		(uk_dburi.h): scheme, user and password, host and port, database,
 *		?socket=.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_dburi.h"
#include "uk_internal.h"


/* Value of a hex digit of either case, or -1. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s[0..len) into a new string in *out; what names the part
 * in an error message.
 */
static int
decode(const char *s, size_t len, char **out, const char *what, UkError **err)
{
	char	   *o = malloc(len + 1);
	size_t		n = 0;
	size_t		i;

	if (o == NULL)
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '%')
		{
			int			hi = i + 2 < len ? hexval(s[i + 1]) : -1;
			int			lo = i + 2 < len ? hexval(s[i + 2]) : -1;

			if (hi < 0 || lo < 0)
			{
				free(o);
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"bad %%-escape in the %s of the connection URI", what);
			}
			c = (unsigned char) (hi * 16 + lo);
			i += 2;
		}
		if (c < 0x20 || c == 0x7F)
		{
			free(o);
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"control character in the %s of the connection URI", what);
		}
		o[n++] = (char) c;
	}
	o[n] = '\0';
	free(*out);					/* a repeated ?socket= */
	*out = o;
	return UK_OK;
}

/* Strict decimal port 1..65535. */
static bool
parse_port(const char *s, size_t len, unsigned *port)
{
	unsigned	v = 0;
	size_t		i;

	if (len == 0 || len > 5)
		return false;
	for (i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned) (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*port = v;
	return true;
}

/* host[:port] or [v6][:port] of s[0..len). */
static int
parse_hostport(const char *s, size_t len, UkDbUri *out, UkError **err)
{
	const char *colon = NULL;
	size_t		hlen = len;
	size_t		i;
	int			rc;

	if (len > 0 && s[0] == '[')
	{
		const char *close = memchr(s, ']', len);

		if (close == NULL)
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"unclosed [ in the host of the connection URI");
		if (close + 1 < s + len)
		{
			if (close[1] != ':')
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"unexpected text after ] in the host of the connection URI");
			colon = close + 1;
		}
		if ((rc = decode(s + 1, (size_t) (close - s - 1), &out->host, "host", err)) != UK_OK)
			return rc;
	}
	else
	{
		for (i = 0; i < len; i++)
			if (s[i] == ':')
			{
				if (colon != NULL)
					return uk_error_set(err, UK_ERR_INVALID, 0,
										"more than one : in the host of the connection URI"
										" (write an IPv6 address in [])");
				colon = s + i;
			}
		if (colon != NULL)
			hlen = (size_t) (colon - s);
		if (hlen > 0 && (rc = decode(s, hlen, &out->host, "host", err)) != UK_OK)
			return rc;
	}
	if (colon != NULL && !parse_port(colon + 1, (size_t) (s + len - colon - 1), &out->port))
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"the port of the connection URI must be a number from 1 to 65535");
	return UK_OK;
}

/* The query string: name=value pairs separated by &. */
static int
parse_query(const char *s, size_t len, UkDbUri *out, UkError **err)
{
	size_t		i = 0;
	int			rc;

	while (i < len)
	{
		const char *amp = memchr(s + i, '&', len - i);
		size_t		end = amp != NULL ? (size_t) (amp - s) : len;
		const char *eq = memchr(s + i, '=', end - i);
		char	   *name = NULL;

		if (end == i)
		{
			i++;
			continue;
		}
		if (eq == NULL)
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"a parameter of the connection URI has no value (write name=value)");
		if ((rc = decode(s + i, (size_t) (eq - s) - i, &name, "parameter name", err)) != UK_OK)
			return rc;
		if (strcmp(name, "socket") != 0)
		{
			char		shown[128];

			uk_show(name, strlen(name), 40, shown, sizeof(shown));
			free(name);
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"unknown parameter \"%s\" in the connection URI (known: socket)", shown);
		}
		free(name);
		if ((rc = decode(eq + 1, end - (size_t) (eq + 1 - s), &out->socket, "socket", err)) != UK_OK)
			return rc;
		i = end + 1;
	}
	return UK_OK;
}

void
uk_dburi_clear(UkDbUri *u)
{
	if (u == NULL)
		return;
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->socket);
	free(u->database);
	memset(u, 0, sizeof(*u));
}

static int parse_uri(const char *s, UkDbUri *out, UkError **err);

int
uk_dburi_parse(const char *s, UkDbUri *out, UkError **err)
{
	int			rc;

	memset(out, 0, sizeof(*out));
	rc = parse_uri(s, out, err);
	if (rc != UK_OK)
		uk_dburi_clear(out);
	return rc;
}

static int
parse_uri(const char *s, UkDbUri *out, UkError **err)
{
	size_t		skip;
	size_t		len;
	size_t		auth_end;
	const char *at = NULL;
	const char *path;
	const char *query;
	size_t		i;
	int			rc;

	if (s == NULL)
		return UK_OK;
	if (strncasecmp(s, "mariadb://", 10) == 0)
		skip = 10;
	else if (strncasecmp(s, "mysql://", 8) == 0)
		skip = 8;
	else
		return UK_OK;
	out->engine = UK_DB_MARIADB;
	s += skip;
	len = strlen(s);
	if (memchr(s, '#', len) != NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"# in the connection URI (write %%23 for a # in a password)");

	auth_end = strcspn(s, "/?");
	for (i = 0; i < auth_end; i++)
		if (s[i] == '@')
			at = s + i;			/* the last @: a password may hold a raw one */
	if (at != NULL)
	{
		const char *colon = memchr(s, ':', (size_t) (at - s));
		size_t		ulen = colon != NULL ? (size_t) (colon - s) : (size_t) (at - s);

		if (ulen > 0 && (rc = decode(s, ulen, &out->user, "user name", err)) != UK_OK)
			return rc;
		if (colon != NULL &&
			(rc = decode(colon + 1, (size_t) (at - colon - 1), &out->password, "password", err)) != UK_OK)
			return rc;
		if ((rc = parse_hostport(at + 1, (size_t) (s + auth_end - at - 1), out, err)) != UK_OK)
			return rc;
	}
	else if ((rc = parse_hostport(s, auth_end, out, err)) != UK_OK)
		return rc;

	path = s + auth_end;
	query = strchr(path, '?');
	if (path[0] == '/')
	{
		size_t		plen = query != NULL ? (size_t) (query - path - 1) : strlen(path + 1);

		if (memchr(path + 1, '/', plen) != NULL)
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"the path of the connection URI is more than a database name"
								" (a socket goes in ?socket=)");
		if (plen > 0 && (rc = decode(path + 1, plen, &out->database, "database", err)) != UK_OK)
			return rc;
	}
	if (query != NULL && (rc = parse_query(query + 1, strlen(query + 1), out, err)) != UK_OK)
		return rc;
	return UK_OK;
}
