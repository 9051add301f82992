/*
 * uk_stmt_scan.c
 *		The SQL scanner that tidying, tagging and normalising statement
 *		text share (see uk_stmt.h for the public functions).
 *
 * One small scanner (uk_stmt_next_token) splits SQL of either dialect
 * into white space, comments, quoted literals and identifiers, numbers,
 * words and single punctuation bytes.  It never fails: an unterminated
 * literal or comment runs to the end of the text.  The public functions
 * are loops over its tokens: uk_stmt_normalize.c (tidying, normalising),
 * uk_stmt_command.c (command tag, transaction role) and uk_stmt_table.c
 * (the main table); they reach the scanner through uk_stmt_int.h.
 *
 * Tidying, tagging and the main table read both dialects at once:
 * "..." is read as an identifier (PostgreSQL; in MariaDB's default mode
 * it is a string), '#' starts a comment (MariaDB; PostgreSQL's rarely
 * used '#' operator is then read as a comment), and a backslash escapes
 * the next byte inside '...' (MariaDB, and PostgreSQL's E'...').  What
 * they keep or find is not secret, and a misread only changes spacing.
 *
 * Normalising is what may be shown to roles that must not see constants,
 * so it reads each dialect by its own lexer's rules (PostgreSQL's
 * scan.l, MariaDB's sql_lex.cc): comments, string prefixes, dollar
 * quotes, which quotes make strings.  One setting of the session that ran
 * the statement is not known here: whether a backslash escapes in a plain
 * '...' string (PostgreSQL's standard_conforming_strings, MariaDB's
 * NO_BACKSLASH_ESCAPES).  A string is read both ways; when the two
 * readings end it at different places ('C:\' , ...), the statement is
 * cut there: the rest becomes one "?" and the shape ends in "...".  Up to
 * that string both readings agree, so no constant of either survives.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "uk_stmt.h"
#include "uk_stmt_int.h"

/* PostgreSQL's identifier characters (scan.l ident_start, ident_cont). */
static bool
pg_ident_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool
pg_ident_cont(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/*
 * The end of a PostgreSQL block comment (they nest), q just past its
 * opening slash-star: the index after its closing one, or n when
 * unterminated.
 */
static size_t
pg_comment_end(const char *s, size_t n, size_t q)
{
	int			depth = 1;

	while (q < n && depth > 0)
	{
		if (s[q] == '*' && q + 1 < n && s[q + 1] == '/')
		{
			depth--;
			q += 2;
		}
		else if (s[q] == '/' && q + 1 < n && s[q + 1] == '*')
		{
			depth++;
			q += 2;
		}
		else
			q++;
	}
	return q;
}

/* Length of a dollar-quote opener "$tag$" at p, or 0. */
static size_t
dollar_tag(const char *p, size_t n)
{
	size_t		i = 1;

	if (n < 2 || p[0] != '$')
		return 0;
	if (p[1] == '$')
		return 2;
	if (!(isalpha((unsigned char) p[1]) || p[1] == '_'))
		return 0;
	while (i < n && (isalnum((unsigned char) p[i]) || p[i] == '_'))
		i++;
	return (i < n && p[i] == '$') ? i + 1 : 0;
}

static TokKind next_token_dialect(Scanner *sc, size_t *start, size_t *tlen);

/* The next token: kind, and [*start, *start + *tlen) in the text. */
TokKind
uk_stmt_next_token(Scanner *sc, size_t *start, size_t *tlen)
{
	const char *s = sc->s;
	size_t		n = sc->len;
	size_t		p = sc->pos;
	size_t		q;
	unsigned char c;
	TokKind		kind;

	if (sc->dialect != DIALECT_MIXED)
		return next_token_dialect(sc, start, tlen);
	*start = p;
	if (p >= n)
	{
		*tlen = 0;
		return TOK_END;
	}
	c = (unsigned char) s[p];
	q = p + 1;
	if (isspace(c))
	{
		while (q < n && isspace((unsigned char) s[q]))
			q++;
		kind = TOK_SPACE;
	}
	else if ((c == '-' && q < n && s[q] == '-') || c == '#')
	{
		while (q < n && s[q] != '\n')
			q++;
		kind = TOK_COMMENT;
	}
	else if (c == '/' && q < n && s[q] == '*')
	{
		q = pg_comment_end(s, n, q + 1);
		kind = TOK_COMMENT;
	}
	else if (c == '\'' ||
			 ((c == 'E' || c == 'e' || c == 'N' || c == 'n' ||
			   c == 'X' || c == 'x' || c == 'B' || c == 'b') &&
			  q < n && s[q] == '\''))
	{
		if (c != '\'')
			q++;
		while (q < n)
		{
			if (s[q] == '\\' && q + 1 < n)
				q += 2;
			else if (s[q] == '\'' && q + 1 < n && s[q + 1] == '\'')
				q += 2;
			else if (s[q] == '\'')
			{
				q++;
				break;
			}
			else
				q++;
		}
		kind = TOK_STRING;
	}
	else if (c == '"' || c == '`')
	{
		while (q < n)
		{
			if (s[q] == (char) c && q + 1 < n && s[q + 1] == (char) c)
				q += 2;
			else if (s[q] == (char) c)
			{
				q++;
				break;
			}
			else
				q++;
		}
		kind = TOK_QIDENT;
	}
	else if (c == '$' && q < n && isdigit((unsigned char) s[q]))
	{
		while (q < n && isdigit((unsigned char) s[q]))
			q++;
		kind = TOK_PARAM;
	}
	else if (c == '$' && dollar_tag(s + p, n - p) > 0)
	{
		size_t		tag = dollar_tag(s + p, n - p);

		q = p + tag;
		while (q < n)
		{
			if (s[q] == '$' && q + tag <= n && memcmp(s + q, s + p, tag) == 0)
			{
				q += tag;
				break;
			}
			q++;
		}
		if (q > n)
			q = n;
		kind = TOK_STRING;
	}
	else if (isdigit(c) || (c == '.' && q < n && isdigit((unsigned char) s[q])))
	{
		if (c == '0' && q < n && (s[q] == 'x' || s[q] == 'X'))
		{
			q++;
			while (q < n && isxdigit((unsigned char) s[q]))
				q++;
		}
		else
		{
			while (q < n && (isdigit((unsigned char) s[q]) || s[q] == '.'))
				q++;
			if (q < n && (s[q] == 'e' || s[q] == 'E'))
			{
				size_t		e = q + 1;

				if (e < n && (s[e] == '+' || s[e] == '-'))
					e++;
				if (e < n && isdigit((unsigned char) s[e]))
				{
					q = e;
					while (q < n && isdigit((unsigned char) s[q]))
						q++;
				}
			}
		}
		kind = TOK_NUMBER;
	}
	else if (pg_ident_start(c))
	{
		while (q < n && pg_ident_cont((unsigned char) s[q]))
			q++;
		kind = TOK_WORD;
	}
	else if (c == '?')
		kind = TOK_PARAM;
	else
		kind = TOK_PUNCT;

	sc->pos = q;
	*tlen = q - p;
	return kind;
}

/*
 * End of a quoted run whose opening quote is at p: the index after its
 * closing quote, n when it never closes.  backslash: a backslash escapes
 * the next byte; doubled: a doubled quote is one inside (not in
 * PostgreSQL's B'...' and X'...', which end at the first quote).
 */
static size_t
quoted_end(const char *s, size_t n, size_t p, bool backslash, bool doubled)
{
	char		quote = s[p];
	size_t		q = p + 1;

	while (q < n)
	{
		if (backslash && s[q] == '\\')
			q += 2;
		else if (doubled && s[q] == quote && q + 1 < n && s[q + 1] == quote)
			q += 2;
		else if (s[q] == quote)
			return q + 1;
		else
			q++;
	}
	return n;
}

/*
 * A string whose quote is at p, in a dialect where a session setting
 * decides whether backslashes escape: its end, or TOK_OPAQUE (to the end
 * of the text) when the two readings end it at different places.
 */
static TokKind
either_string(const char *s, size_t n, size_t p, size_t *end)
{
	size_t		plain = quoted_end(s, n, p, false, true);
	size_t		escaped = quoted_end(s, n, p, true, true);

	if (plain != escaped)
	{
		*end = n;
		return TOK_OPAQUE;
	}
	*end = plain;
	return TOK_STRING;
}

/* Length of a PostgreSQL dollar-quote opener "$tag$" at p, or 0. */
static size_t
pg_dollar_tag(const char *p, size_t n)
{
	size_t		i = 1;

	if (n < 2 || p[0] != '$')
		return 0;
	if (p[1] == '$')
		return 2;
	if (!pg_ident_start((unsigned char) p[1]))
		return 0;
	while (i < n && pg_ident_cont((unsigned char) p[i]) && p[i] != '$')
		i++;
	return (i < n && p[i] == '$') ? i + 1 : 0;
}

/* A number, from its first byte at p: the index after it. */
static size_t
number_end(const char *s, size_t n, size_t p)
{
	size_t		q = p + 1;

	if (s[p] == '0' && q < n && (s[q] == 'x' || s[q] == 'X' ||
								 s[q] == 'b' || s[q] == 'B'))
	{
		q++;
		while (q < n && isxdigit((unsigned char) s[q]))
			q++;
		return q;
	}
	while (q < n && (isdigit((unsigned char) s[q]) || s[q] == '.'))
		q++;
	if (q < n && (s[q] == 'e' || s[q] == 'E'))
	{
		size_t		e = q + 1;

		if (e < n && (s[e] == '+' || s[e] == '-'))
			e++;
		if (e < n && isdigit((unsigned char) s[e]))
		{
			q = e;
			while (q < n && isdigit((unsigned char) s[q]))
				q++;
		}
	}
	return q;
}

/*
 * The next token of one dialect.  PostgreSQL: -- comments to the end of
 * the line (\n or \r), nested block comments, '#' an operator; '...' and
 * N'...' either way, E'...' with backslash escapes, U&'...', B'...' and
 * X'...' without; $tag$...$tag$; "..." and U&"..." identifiers.  MariaDB:
 * '#' and "-- " (a space or control byte after the dashes) comments to the
 * end of the line, block comments that do not nest; '...' and "..." (a
 * string, or an ANSI_QUOTES identifier: either is replaced) either way,
 * with N, X and B prefixes; `...` identifiers; '$' is an identifier
 * character.  An executable comment (a block comment opened by "!" or
 * "M!") holding a quote is opaque: its own strings may hide its end.
 */
static TokKind
next_token_dialect(Scanner *sc, size_t *start, size_t *tlen)
{
	const char *s = sc->s;
	size_t		n = sc->len;
	size_t		p = sc->pos;
	size_t		q;
	unsigned char c;
	TokKind		kind;
	bool		pg = sc->dialect == UK_SQL_POSTGRES;

	*start = p;
	if (p >= n)
	{
		*tlen = 0;
		return TOK_END;
	}
	c = (unsigned char) s[p];
	q = p + 1;
	if (isspace(c))
	{
		while (q < n && isspace((unsigned char) s[q]))
			q++;
		kind = TOK_SPACE;
	}
	else if (pg && c == '-' && q < n && s[q] == '-')
	{
		while (q < n && s[q] != '\n' && s[q] != '\r')
			q++;
		kind = TOK_COMMENT;
	}
	else if (!pg && (c == '#' ||
					 (c == '-' && q < n && s[q] == '-' &&
					  (q + 1 == n || (unsigned char) s[q + 1] <= ' '))))
	{
		while (q < n && s[q] != '\n')
			q++;
		kind = TOK_COMMENT;
	}
	else if (c == '/' && q < n && s[q] == '*')
	{
		q++;
		if (pg)
		{
			q = pg_comment_end(s, n, q);
			kind = TOK_COMMENT;
		}
		else
		{
			bool		executable = (q < n && s[q] == '!') ||
				(q + 1 < n && s[q] == 'M' && s[q + 1] == '!');
			bool		quotes = false;

			while (q < n && !(s[q] == '*' && q + 1 < n && s[q + 1] == '/'))
			{
				quotes = quotes || s[q] == '\'' || s[q] == '"' || s[q] == '`';
				q++;
			}
			q = q < n ? q + 2 : n;
			kind = TOK_COMMENT;
			if (executable && quotes)
			{
				q = n;
				kind = TOK_OPAQUE;
			}
		}
	}
	else if (c == '\'')
		kind = either_string(s, n, p, &q);
	else if (!pg && c == '"')
		kind = either_string(s, n, p, &q);
	else if (q < n && s[q] == '\'' &&
			 (c == 'N' || c == 'n' || c == 'X' || c == 'x' || c == 'B' || c == 'b' ||
			  (pg && (c == 'E' || c == 'e'))))
	{
		if (pg && (c == 'E' || c == 'e'))
		{
			q = quoted_end(s, n, q, true, true);
			kind = TOK_STRING;
		}
		else if (pg && c != 'N' && c != 'n')
		{
			q = quoted_end(s, n, q, false, false);
			kind = TOK_STRING;
		}
		else
			kind = either_string(s, n, q, &q);
	}
	else if (pg && (c == 'U' || c == 'u') && q + 1 < n && s[q] == '&' &&
			 (s[q + 1] == '\'' || s[q + 1] == '"'))
	{
		kind = s[q + 1] == '\'' ? TOK_STRING : TOK_QIDENT;
		q = quoted_end(s, n, q + 1, false, true);
	}
	else if (c == '"' || (!pg && c == '`'))
	{
		q = quoted_end(s, n, p, false, true);
		kind = TOK_QIDENT;
	}
	else if (pg && c == '$' && q < n && isdigit((unsigned char) s[q]))
	{
		while (q < n && isdigit((unsigned char) s[q]))
			q++;
		kind = TOK_PARAM;
	}
	else if (pg && c == '$' && pg_dollar_tag(s + p, n - p) > 0)
	{
		size_t		tag = pg_dollar_tag(s + p, n - p);

		q = p + tag;
		while (q < n && !(s[q] == '$' && n - q >= tag &&
						  memcmp(s + q, s + p, tag) == 0))
			q++;
		q = q < n ? q + tag : n;
		kind = TOK_STRING;
	}
	else if (isdigit(c) || (c == '.' && q < n && isdigit((unsigned char) s[q])))
	{
		q = number_end(s, n, p);
		kind = TOK_NUMBER;
	}
	else if (pg_ident_start(c) || (!pg && c == '$'))
	{
		while (q < n && (pg_ident_cont((unsigned char) s[q])))
			q++;
		kind = TOK_WORD;
	}
	else if (c == '?')
		kind = TOK_PARAM;
	else
		kind = TOK_PUNCT;

	sc->pos = q;
	*tlen = q - p;
	return kind;
}
