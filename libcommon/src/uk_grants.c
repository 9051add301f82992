/*
 * uk_grants.c
 *		Rewriting MariaDB SHOW GRANTS lines for another account, and writing
 *		an account quoted (uk_grants.h; account names are read and checked
 *		in uk_account.c).
 *
 * A line is split into tokens the way the server's lexer would see them:
 * identifiers in backticks or double quotes (a doubled quote inside),
 * string literals in single quotes (backslash escapes, doubled quote),
 * punctuation, and bare words; each token remembers its parenthesis depth
 * so that a column list such as SELECT (a, to) cannot be taken for the
 * grantee.  Text that is kept is copied from the line byte for byte; only
 * the grantee and the IDENTIFIED clause are replaced.  After the grantee
 * only the clauses SHOW GRANTS prints are accepted (REQUIRE ..., WITH GRANT
 * OPTION, WITH ADMIN OPTION, the MAX_... limits), so nothing unexpected is
 * carried into a statement the runner executes.  The PROXY line is read by
 * its fixed layout, since MariaDB prints its names raw between quotes
 * (ACL_PROXY_USER::print_grant in sql/sql_acl.cc); a proxied name with a
 * quote or a backslash in it is refused as ambiguous.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_grants.h"
#include "uk_ident.h"
#include "uk_validate.h"
#include "uk_internal.h"

typedef enum TokKind
{
	TK_WORD,
	TK_QUOTED,					/* `ident` or "ident" */
	TK_STRING,					/* 'text' */
	TK_PUNCT
} TokKind;

typedef struct Tok
{
	TokKind		kind;
	size_t		start;
	size_t		end;
	int			depth;
} Tok;

typedef struct Out
{
	char	   *buf;
	size_t		cap;
	size_t		len;
} Out;

static void
out_put(Out *o, const char *s, size_t n)
{
	if (o->len < o->cap)
	{
		size_t		room = o->cap - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

/* `name`, or '' for an empty name. */
static void
out_name(Out *o, const char *name)
{
	char		tmp[2 * UK_GRANTS_HOST_MAX * 4 + 8];
	size_t		n;

	if (name[0] == '\0')
	{
		out_put(o, "''", 2);
		return;
	}
	n = uk_ident_quote(UK_ENGINE_MARIADB, name, tmp, sizeof(tmp));
	out_put(o, tmp, n < sizeof(tmp) ? n : strlen(tmp));
}

static int
fail(UkError **err, char *out, size_t outlen, const char *line, size_t len,
	 const char *why)
{
	char		shown[200];

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	uk_show(line, len, 120, shown, sizeof(shown));
	return uk_error_set(err, UK_ERR_INVALID, 0, "cannot rewrite grant \"%s\": %s",
						shown, why);
}

static bool
is_word_char(char c)
{
	return !((unsigned char) c <= ' ' || c == '`' || c == '"' || c == '\'' ||
			 c == '(' || c == ')' || c == ',' || c == '@' || c == '.' ||
			 c == ';' || c == 0x7f);
}

/* Split line[0..len) into toks (room for len); NULL or why not. */
static const char *
tokenize(const char *line, size_t len, Tok *toks, size_t *ntoks)
{
	size_t		i = 0;
	size_t		n = 0;
	int			depth = 0;

	while (i < len)
	{
		char		c = line[i];
		Tok		   *t = &toks[n];

		if (c == ' ' || c == '\t')
		{
			i++;
			continue;
		}
		t->start = i;
		t->depth = depth;
		if (c == '`' || c == '"')
		{
			size_t		j = i + 1;

			for (;;)
			{
				if (j >= len)
					return "a quoted name is not closed";
				if (line[j] == c)
				{
					if (j + 1 < len && line[j + 1] == c)
					{
						j += 2;
						continue;
					}
					break;
				}
				j++;
			}
			t->kind = TK_QUOTED;
			i = j + 1;
		}
		else if (c == '\'')
		{
			size_t		j = i + 1;

			for (;;)
			{
				if (j >= len)
					return "a quoted string is not closed";
				if (line[j] == '\\')
				{
					j += 2;
					continue;
				}
				if (line[j] == '\'')
				{
					if (j + 1 < len && line[j + 1] == '\'')
					{
						j += 2;
						continue;
					}
					break;
				}
				j++;
			}
			t->kind = TK_STRING;
			i = j + 1;
		}
		else if (c == '(' || c == ')' || c == ',' || c == '@' || c == '.')
		{
			if (c == '(')
				depth++;
			else if (c == ')')
			{
				if (--depth < 0)
					return "a parenthesis is not opened";
				t->depth = depth;
			}
			t->kind = TK_PUNCT;
			i++;
		}
		else if (c == ';')
			return "it holds more than one statement";
		else
		{
			while (i < len && is_word_char(line[i]))
				i++;
			t->kind = TK_WORD;
		}
		t->end = i;
		n++;
	}
	if (depth != 0)
		return "a parenthesis is not closed";
	*ntoks = n;
	return NULL;
}

static bool
word_is(const char *line, const Tok *t, const char *w)
{
	size_t		n = strlen(w);

	return t->kind == TK_WORD && t->end - t->start == n &&
		strncasecmp(line + t->start, w, n) == 0;
}

static bool
punct_is(const char *line, const Tok *t, char c)
{
	return t->kind == TK_PUNCT && line[t->start] == c;
}

static bool
all_digits(const char *line, const Tok *t)
{
	size_t		i;

	if (t->kind != TK_WORD)
		return false;
	for (i = t->start; i < t->end; i++)
		if (line[i] < '0' || line[i] > '9')
			return false;
	return true;
}

static bool
is_name(const Tok *t)
{
	return t->kind == TK_WORD || t->kind == TK_QUOTED || t->kind == TK_STRING;
}

/* The account at toks[i]: name [@ name]; index after it, or 0. */
static size_t
account_end(const char *line, const Tok *toks, size_t n, size_t i)
{
	if (i >= n || !is_name(&toks[i]) || toks[i].depth != 0)
		return 0;
	if (i + 2 < n + 1 && i + 1 < n && punct_is(line, &toks[i + 1], '@'))
	{
		if (i + 2 >= n || !is_name(&toks[i + 2]))
			return 0;
		return i + 3;
	}
	return i + 1;
}

/* The end of the IDENTIFIED clause at toks[i], or 0 when malformed. */
static size_t
identified_end(const char *line, const Tok *toks, size_t n, size_t i)
{
	i++;
	if (i < n && word_is(line, &toks[i], "BY"))
	{
		i++;
		if (i < n && word_is(line, &toks[i], "PASSWORD"))
			i++;
		return (i < n && toks[i].kind == TK_STRING) ? i + 1 : 0;
	}
	if (i >= n || !(word_is(line, &toks[i], "VIA") || word_is(line, &toks[i], "WITH")))
		return 0;
	i++;
	for (;;)
	{
		if (i >= n || !is_name(&toks[i]))
			return 0;
		i++;
		if (i < n && (word_is(line, &toks[i], "USING") || word_is(line, &toks[i], "AS")))
		{
			i++;
			if (i < n && toks[i].kind == TK_STRING)
				i++;
			else if (i + 3 < n && word_is(line, &toks[i], "PASSWORD") &&
					 punct_is(line, &toks[i + 1], '(') &&
					 toks[i + 2].kind == TK_STRING &&
					 punct_is(line, &toks[i + 3], ')'))
				i += 4;
			else
				return 0;
		}
		if (i < n && word_is(line, &toks[i], "OR"))
		{
			i++;
			continue;
		}
		return i;
	}
}

/*
 * The end of the clause at toks[i] that SHOW GRANTS prints after the
 * grantee: REQUIRE NONE|SSL|X509|<CIPHER|ISSUER|SUBJECT 'text' [AND]...>,
 * or WITH <GRANT OPTION|ADMIN OPTION|MAX_... number>...; 0 for anything
 * else.
 */
static size_t
tail_clause_end(const char *line, const Tok *toks, size_t n, size_t i)
{
	static const char *const limits[] = {
		"MAX_QUERIES_PER_HOUR", "MAX_UPDATES_PER_HOUR",
		"MAX_CONNECTIONS_PER_HOUR", "MAX_USER_CONNECTIONS",
		"MAX_STATEMENT_TIME"
	};
	size_t		start;

	if (word_is(line, &toks[i], "REQUIRE"))
	{
		i++;
		if (i < n && (word_is(line, &toks[i], "NONE") ||
					  word_is(line, &toks[i], "SSL") ||
					  word_is(line, &toks[i], "X509")))
			return i + 1;
		start = i;
		while (i + 1 < n && (word_is(line, &toks[i], "CIPHER") ||
							 word_is(line, &toks[i], "ISSUER") ||
							 word_is(line, &toks[i], "SUBJECT")) &&
			   toks[i + 1].kind == TK_STRING)
		{
			i += 2;
			if (i + 1 < n && word_is(line, &toks[i], "AND"))
				i++;
		}
		return i > start && !word_is(line, &toks[i - 1], "AND") ? i : 0;
	}
	if (!word_is(line, &toks[i], "WITH"))
		return 0;
	start = ++i;
	while (i < n)
	{
		size_t		k;

		if (i + 1 < n && (word_is(line, &toks[i], "GRANT") ||
						  word_is(line, &toks[i], "ADMIN")) &&
			word_is(line, &toks[i + 1], "OPTION"))
		{
			i += 2;
			continue;
		}
		for (k = 0; k < sizeof(limits) / sizeof(limits[0]); k++)
			if (word_is(line, &toks[i], limits[k]))
				break;
		if (k == sizeof(limits) / sizeof(limits[0]) || i + 1 >= n ||
			!all_digits(line, &toks[i + 1]))
			break;
		i += 2;
		if (i + 1 < n && punct_is(line, &toks[i], '.') &&
			toks[i].start == toks[i - 1].end && all_digits(line, &toks[i + 1]) &&
			toks[i + 1].start == toks[i].end)
			i += 2;
	}
	return i > start ? i : 0;
}

/* The proxied name in a PROXY line: up to the next quote, no escapes. */
static bool
proxy_name(const char *s, size_t len, size_t *i, char *dst, size_t cap)
{
	size_t		j = *i;

	while (j < len && s[j] != '\'')
	{
		if (s[j] == '\\')
			return false;
		j++;
	}
	if (j >= len || j - *i >= cap)
		return false;
	memcpy(dst, s + *i, j - *i);
	dst[j - *i] = '\0';
	*i = j;
	return true;
}

static int
rewrite_proxy(const char *line, size_t len, const char *user, const char *host,
			  char *out, size_t outlen, UkError **err)
{
	static const char with[] = " WITH GRANT OPTION";
	char		pu[UK_GRANTS_USER_MAX * 4 + 1];
	char		ph[UK_GRANTS_HOST_MAX * 4 + 1];
	size_t		i = 16;			/* after "GRANT PROXY ON '" */
	size_t		tail = len;
	Out			o = {out, outlen, 0};

	if (!proxy_name(line, len, &i, pu, sizeof(pu)) ||
		strncmp(line + i, "'@'", 3) != 0)
		return fail(err, out, outlen, line, len,
					"the proxied user is not 'user'@'host' (or has a quote in it)");
	i += 3;
	if (!proxy_name(line, len, &i, ph, sizeof(ph)) ||
		strncasecmp(line + i, "' TO ", 5) != 0)
		return fail(err, out, outlen, line, len,
					"the proxied host is not followed by TO (or has a quote in it)");
	if (!uk_utf8_valid(pu, strlen(pu)) || !uk_utf8_valid(ph, strlen(ph)))
		return fail(err, out, outlen, line, len, "a proxied name is not valid UTF-8");
	i += 5;
	if (len - i >= sizeof(with) - 1 &&
		strncasecmp(line + len - (sizeof(with) - 1), with, sizeof(with) - 1) == 0)
		tail = len - (sizeof(with) - 1);
	if (tail <= i || line[i] != '\'' || line[tail - 1] != '\'')
		return fail(err, out, outlen, line, len, "the grantee is not 'user'@'host'");
	out_put(&o, "GRANT PROXY ON ", 15);
	out_name(&o, pu);
	out_put(&o, "@", 1);
	out_name(&o, ph);
	out_put(&o, " TO ", 4);
	out_name(&o, user);
	out_put(&o, "@", 1);
	out_name(&o, host);
	if (tail < len)
		out_put(&o, with, sizeof(with) - 1);
	if (o.len >= outlen)
	{
		char		why[96];

		snprintf(why, sizeof(why), "the result needs %zu bytes, the buffer has %zu",
				 o.len + 1, outlen);
		return fail(err, out, outlen, line, len, why);
	}
	out[o.len] = '\0';
	return UK_OK;
}

/* Append line[from..to) to o after a space. */
static void
out_span(Out *o, const char *line, size_t from, size_t to)
{
	out_put(o, " ", 1);
	out_put(o, line + from, to - from);
}

int
uk_grants_rewrite(const char *line, const char *new_user, const char *new_host,
				  char *out, size_t outlen, UkError **err)
{
	const char *why;
	size_t		len;
	Tok		   *toks;
	size_t		n = 0;
	size_t		to = 0;
	size_t		on = 0;
	size_t		gend;
	size_t		i;
	size_t		run = 0;
	bool		in_run = false;
	Out			o = {out, outlen, 0};
	int			rc;

	if (out == NULL || outlen == 0)
		return uk_error_set(err, UK_ERR_INVALID, 0, "no room for the rewritten grant");
	out[0] = '\0';
	if (line == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "no grant to rewrite");
	if ((why = uk_account_name_problem(new_user, UK_ACCOUNT_USER_MAX)) != NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "the new user name %s", why);
	if ((why = uk_account_name_problem(new_host, UK_ACCOUNT_HOST_MAX)) != NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "the new host name %s", why);

	while (*line == ' ' || *line == '\t')
		line++;
	len = strlen(line);
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
					   line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > 0 && line[len - 1] == ';')
		len--;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;

	/* not even inside quotes: the statement is also shown to people */
	for (i = 0; i < len; i++)
		if (((unsigned char) line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
			return fail(err, out, outlen, line, len, "it has a control character");

	if (len >= 16 && strncasecmp(line, "GRANT PROXY ON '", 16) == 0)
		return rewrite_proxy(line, len, new_user, new_host, out, outlen, err);

	toks = malloc((len + 1) * sizeof(Tok));
	if (toks == NULL)
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory rewriting a grant");
	if ((why = tokenize(line, len, toks, &n)) != NULL)
	{
		rc = fail(err, out, outlen, line, len, why);
		goto done;
	}

	if (n >= 4 && word_is(line, &toks[0], "SET") &&
		word_is(line, &toks[1], "DEFAULT") && word_is(line, &toks[2], "ROLE"))
	{
		size_t		f = 3;

		while (f < n && !(word_is(line, &toks[f], "FOR") && toks[f].depth == 0))
			f++;
		if (f == 3 || f != 4 || !is_name(&toks[3]) ||
			account_end(line, toks, n, f + 1) != n)
		{
			rc = fail(err, out, outlen, line, len,
					  "expected SET DEFAULT ROLE <role> FOR <account>");
			goto done;
		}
		out_put(&o, line, toks[f].end);
		out_put(&o, " ", 1);
		to = f;
		goto grantee;
	}

	if (n < 4 || !word_is(line, &toks[0], "GRANT"))
	{
		rc = fail(err, out, outlen, line, len,
				  "not a GRANT or SET DEFAULT ROLE statement");
		goto done;
	}
	for (i = 1; i < n; i++)
	{
		if (toks[i].depth != 0)
			continue;
		if (on == 0 && word_is(line, &toks[i], "ON"))
			on = i;
		else if (word_is(line, &toks[i], "TO"))
		{
			to = i;
			break;
		}
	}
	if (to == 0)
	{
		rc = fail(err, out, outlen, line, len, "no TO <account>");
		goto done;
	}
	if (on == 0 ? to != 2 || !is_name(&toks[1]) : on < 2 || to < on + 2)
	{
		rc = fail(err, out, outlen, line, len, on == 0 ?
				  "expected GRANT <role> TO <account>" :
				  "expected GRANT <privileges> ON <object> TO <account>");
		goto done;
	}
	out_put(&o, line, toks[to].end);
	out_put(&o, " ", 1);

grantee:
	gend = account_end(line, toks, n, to + 1);
	if (gend == 0)
	{
		rc = fail(err, out, outlen, line, len, "the grantee is not an account name");
		goto done;
	}
	out_name(&o, new_user);
	out_put(&o, "@", 1);
	out_name(&o, new_host);

	/* the tail: drop IDENTIFIED ..., keep what SHOW GRANTS prints */
	for (i = gend; i < n;)
	{
		if (word_is(line, &toks[i], "IDENTIFIED"))
		{
			size_t		e = identified_end(line, toks, n, i);

			if (e == 0)
			{
				rc = fail(err, out, outlen, line, len,
						  "an IDENTIFIED clause that cannot be read");
				goto done;
			}
			if (in_run)
				out_span(&o, line, toks[run].start, toks[i - 1].end);
			in_run = false;
			i = e;
			continue;
		}
		{
			size_t		e = tail_clause_end(line, toks, n, i);

			if (e == 0)
			{
				char		w[160];
				char		shown[100];

				uk_show(line + toks[i].start, toks[i].end - toks[i].start, 60,
						shown, sizeof(shown));
				snprintf(w, sizeof(w), "unexpected \"%s\" after the grantee", shown);
				rc = fail(err, out, outlen, line, len, w);
				goto done;
			}
			if (!in_run)
				run = i;
			in_run = true;
			i = e;
		}
	}
	if (in_run)
		out_span(&o, line, toks[run].start, toks[n - 1].end);

	if (o.len >= outlen)
	{
		char		w[96];

		snprintf(w, sizeof(w), "the result needs %zu bytes, the buffer has %zu",
				 o.len + 1, outlen);
		rc = fail(err, out, outlen, line, len, w);
		goto done;
	}
	out[o.len] = '\0';
	rc = UK_OK;

done:
	free(toks);
	return rc;
}

/* `user`@`host`: backticks read the same in every sql_mode. */
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
