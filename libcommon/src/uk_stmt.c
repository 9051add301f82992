/*
 * uk_stmt.c
 *		Tidying, tagging and normalising statement text.
 *
 * One small scanner (next_token) splits SQL of either dialect into white
 * space, comments, quoted literals and identifiers, numbers, words and
 * single punctuation bytes.  It never fails: an unterminated literal or
 * comment runs to the end of the text.  The three public functions are
 * loops over its tokens.
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

#include "uk_patch.h"
#include "uk_stmt.h"

typedef enum TokKind
{
	TOK_END,
	TOK_SPACE,
	TOK_COMMENT,
	TOK_STRING,					/* '...', E'...', $tag$...$tag$ */
	TOK_QIDENT,					/* "..." or `...` */
	TOK_NUMBER,
	TOK_PARAM,					/* $1, ? */
	TOK_WORD,
	TOK_PUNCT,
	TOK_OPAQUE					/* from an ambiguous string to the end */
} TokKind;

/* Both dialects at once (tidying, tagging, the main table), or one. */
#define DIALECT_MIXED (-1)

typedef struct Scanner
{
	const char *s;
	size_t		len;
	size_t		pos;
	int			dialect;		/* DIALECT_MIXED or a UkSqlDialect */
} Scanner;

static bool
is_word_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool
is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
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
static TokKind
next_token(Scanner *sc, size_t *start, size_t *tlen)
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
		int			depth = 1;

		q++;
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
	else if (is_word_start(c))
	{
		while (q < n && is_word_char((unsigned char) s[q]))
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
		int			depth = 1;

		q++;
		if (pg)
		{
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

/* Output with a byte limit; remembers whether anything was cut. */
typedef struct Out
{
	char	   *buf;
	size_t		cap;			/* usable bytes, without the NUL */
	size_t		len;
	bool		full;
} Out;

static void
out_put(Out *o, const char *s, size_t n)
{
	size_t		room;

	if (o->full)
		return;
	room = o->cap - o->len;
	if (n > room)
	{
		n = uk_utf8_cut(s, n, room);
		o->full = true;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* Terminate; a cut result ends in "..." within the limit. */
static size_t
out_finish(Out *o, bool *truncated)
{
	if (o->full && o->cap >= 3)
	{
		size_t		keep = uk_utf8_cut(o->buf, o->len, o->cap - 3);

		memcpy(o->buf + keep, "...", 3);
		o->len = keep + 3;
	}
	o->buf[o->len] = '\0';
	if (truncated != NULL)
		*truncated = o->full;
	return o->len;
}


/* Usable bytes of a caller buffer of cap bytes (documented minimum 8). */
static size_t
usable(size_t cap)
{
	return cap > 0 ? cap - 1 : 0;
}

size_t
uk_stmt_clean(const char *sql, size_t len, char *out, size_t cap,
			  bool *truncated)
{
	Scanner		sc = {sql != NULL ? sql : "", sql != NULL ? len : 0, 0, DIALECT_MIXED};
	Out			o = {out, usable(cap), 0, false};
	bool		pending_space = false;
	bool		after_line_comment = false;
	size_t		start;
	size_t		tlen;
	TokKind		k;
	size_t		keep = 0;	/* output length without trailing ";" */

	if (out == NULL || cap == 0)
		return 0;
	while ((k = next_token(&sc, &start, &tlen)) != TOK_END && !o.full)
	{
		if (k == TOK_SPACE)
		{
			pending_space = o.len > 0;
			continue;
		}
		/* a line comment's end of line stays one: it ends the comment */
		if (after_line_comment)
			out_put(&o, "\n", 1);
		else if (pending_space)
			out_put(&o, " ", 1);
		pending_space = false;
		out_put(&o, sc.s + start, tlen);
		after_line_comment = k == TOK_COMMENT && sc.s[start] != '/';
		if (!(k == TOK_PUNCT && sc.s[start] == ';'))
			keep = o.len;
	}
	if (!o.full)
		o.len = keep;
	return out_finish(&o, truncated);
}

size_t
uk_stmt_normalize(const char *sql, size_t len, UkSqlDialect dialect,
				  char *out, size_t cap)
{
	Scanner		sc = {sql != NULL ? sql : "", sql != NULL ? len : 0, 0,
	dialect == UK_SQL_MARIADB ? UK_SQL_MARIADB : UK_SQL_POSTGRES};
	Out			o = {out, usable(cap), 0, false};
	bool		pending_space = false;
	size_t		start;
	size_t		tlen;
	TokKind		k;
	size_t		keep = 0;	/* output length without trailing ";" */

	if (out == NULL || cap == 0)
		return 0;
	while ((k = next_token(&sc, &start, &tlen)) != TOK_END && !o.full)
	{
		if (k == TOK_SPACE || k == TOK_COMMENT)
		{
			pending_space = o.len > 0;
			continue;
		}

		/* "(" followed only by constants and commas, then ")": "(...)" */
		if (k == TOK_PUNCT && sc.s[start] == '(')
		{
			Scanner		look = sc;
			size_t		ls;
			size_t		ll;
			TokKind		lk;
			int			consts = 0;
			bool		want_const = true;

			for (;;)
			{
				lk = next_token(&look, &ls, &ll);
				if (lk == TOK_SPACE || lk == TOK_COMMENT)
					continue;
				if (want_const && (lk == TOK_STRING || lk == TOK_NUMBER ||
								   lk == TOK_PARAM ||
								   (lk == TOK_PUNCT && look.s[ls] == '-')))
				{
					if (lk != TOK_PUNCT)
					{
						consts++;
						want_const = false;
					}
					continue;
				}
				if (!want_const && lk == TOK_PUNCT && look.s[ls] == ',')
				{
					want_const = true;
					continue;
				}
				break;
			}
			if (consts > 0 && !want_const && lk == TOK_PUNCT && look.s[ls] == ')')
			{
				if (pending_space)
					out_put(&o, " ", 1);
				pending_space = false;
				out_put(&o, "(...)", 5);
				keep = o.len;
				sc = look;
				continue;
			}
		}

		/* two minus signs never touch: "--" could start a comment */
		if (pending_space ||
			(o.len > 0 && o.buf[o.len - 1] == '-' && sc.s[start] == '-'))
			out_put(&o, " ", 1);
		pending_space = false;
		if (k == TOK_OPAQUE)
		{
			/* fail closed: nothing after an ambiguous string */
			out_put(&o, "?...", 4);
			keep = o.len;
			break;
		}
		if (k == TOK_STRING || k == TOK_NUMBER || k == TOK_PARAM)
			out_put(&o, "?", 1);
		else
			out_put(&o, sc.s + start, tlen);
		if (!(k == TOK_PUNCT && sc.s[start] == ';'))
			keep = o.len;
	}
	if (!o.full)
		o.len = keep;
	return out_finish(&o, NULL);
}

/* The next word (upper-cased into w), skipping space, comments, "(". */
static bool
next_word(Scanner *sc, char *w, size_t wcap)
{
	size_t		start;
	size_t		tlen;
	TokKind		k;

	for (;;)
	{
		k = next_token(sc, &start, &tlen);
		if (k == TOK_SPACE || k == TOK_COMMENT ||
			(k == TOK_PUNCT && sc->s[start] == '('))
			continue;
		if (k != TOK_WORD)
			return false;
		tlen = uk_utf8_cut(sc->s + start, tlen, wcap - 1);
		for (size_t i = 0; i < tlen; i++)
			w[i] = (char) toupper((unsigned char) sc->s[start + i]);
		w[tlen] = '\0';
		return true;
	}
}

static bool
word_in(const char *w, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(w, *list) == 0)
			return true;
	return false;
}

/* Words between CREATE/ALTER/DROP and the kind of object. */
static const char *const object_modifiers[] = {
	"OR", "REPLACE", "UNIQUE", "TEMPORARY", "TEMP", "GLOBAL", "LOCAL",
	"UNLOGGED", "FULLTEXT", "SPATIAL", "ONLINE", "IGNORE", "CONSTRAINT",
	"RECURSIVE", "TRUSTED", "PROCEDURAL", "DEFINER", "ALGORITHM", "SQL",
	"SECURITY", "INVOKER", "UNDEFINED", "MERGE", "TEMPTABLE", "IF", "NOT",
	"EXISTS", "CURRENT_USER", NULL
};

/* Kinds of object that take two words. */
static const char *const two_word_objects[] = {
	"MATERIALIZED", "FOREIGN", "EVENT", "TEXT", "ACCESS", "DEFAULT", "USER",
	NULL
};

/* Skip "= user[@host]" after DEFINER; user and host may be quoted. */
static void
skip_definer(Scanner *sc)
{
	size_t		start;
	size_t		tlen;
	TokKind		k;
	int			parts = 0;		/* '=' user '@' host */

	while (parts < 4)
	{
		Scanner		before = *sc;

		k = next_token(sc, &start, &tlen);
		if (k == TOK_SPACE || k == TOK_COMMENT)
			continue;
		if ((parts == 0 && k == TOK_PUNCT && sc->s[start] == '=') ||
			(parts == 2 && k == TOK_PUNCT && sc->s[start] == '@') ||
			((parts == 1 || parts == 3) &&
			 (k == TOK_WORD || k == TOK_QIDENT || k == TOK_STRING)))
		{
			parts++;
			continue;
		}
		*sc = before;			/* not part of the definer: read it again */
		return;
	}
}

static const char *const main_verbs[] = {
	"SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", NULL
};

const char *
uk_stmt_command(const char *sql, size_t len, char *out, size_t cap)
{
	Scanner		sc = {sql != NULL ? sql : "", sql != NULL ? len : 0, 0, DIALECT_MIXED};
	char		w[UK_COMMAND_MAX];
	char		obj[UK_COMMAND_MAX];
	char		tag[3 * UK_COMMAND_MAX];

	tag[0] = '\0';
	if (next_word(&sc, w, sizeof(w)))
	{
		if (strcmp(w, "CREATE") == 0 || strcmp(w, "ALTER") == 0 ||
			strcmp(w, "DROP") == 0)
		{
			bool		have = false;

			while ((have = next_word(&sc, obj, sizeof(obj))) &&
				   word_in(obj, object_modifiers))
			{
				if (strcmp(obj, "DEFINER") == 0)
					skip_definer(&sc);
			}
			if (have && word_in(obj, two_word_objects))
			{
				char		second[UK_COMMAND_MAX];

				/* CREATE MATERIALIZED VIEW, DROP FOREIGN TABLE, ... */
				if (strcmp(obj, "USER") != 0 && strcmp(obj, "EVENT") != 0 &&
					next_word(&sc, second, sizeof(second)))
				{
					snprintf(tag, sizeof(tag), "%s %s %s", w, obj, second);
					have = false;
				}
			}
			if (tag[0] == '\0')
				snprintf(tag, sizeof(tag), have ? "%s %s" : "%s", w, obj);
		}
		else if (strcmp(w, "TRUNCATE") == 0)
			snprintf(tag, sizeof(tag), "TRUNCATE TABLE");
		else if (strcmp(w, "START") == 0)
			snprintf(tag, sizeof(tag), "START TRANSACTION");
		else if (strcmp(w, "RENAME") == 0 && next_word(&sc, obj, sizeof(obj)))
			snprintf(tag, sizeof(tag), "RENAME %s", obj);
		else if (strcmp(w, "LOCK") == 0)
			snprintf(tag, sizeof(tag), "LOCK TABLE");
		else if (strcmp(w, "WITH") == 0)
		{
			/* the first main verb outside every parenthesis */
			size_t		start;
			size_t		tlen;
			TokKind		k;
			int			depth = 0;

			snprintf(tag, sizeof(tag), "SELECT");
			while ((k = next_token(&sc, &start, &tlen)) != TOK_END)
			{
				if (k == TOK_PUNCT && sc.s[start] == '(')
					depth++;
				else if (k == TOK_PUNCT && sc.s[start] == ')')
					depth--;
				else if (k == TOK_WORD && depth == 0 && tlen < sizeof(w))
				{
					for (size_t i = 0; i < tlen; i++)
						w[i] = (char) toupper((unsigned char) sc.s[start + i]);
					w[tlen] = '\0';
					if (word_in(w, main_verbs))
					{
						snprintf(tag, sizeof(tag), "%s", w);
						break;
					}
				}
			}
		}
		else
			snprintf(tag, sizeof(tag), "%s", w);
	}

	if (cap > 0)
	{
		size_t		n = strlen(tag);

		if (n >= cap)
			n = uk_utf8_cut(tag, n, cap - 1);
		memcpy(out, tag, n);
		out[n] = '\0';
	}
	return out;
}

/* ---------- what a statement does to its transaction ---------- */

static const char *const write_verbs[] = {
	"INSERT", "UPDATE", "DELETE", "REPLACE", "LOAD", "MERGE", "CALL",
	"EXECUTE", "CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "GRANT",
	"REVOKE", "IMPORT", NULL
};

UkTxnRole
uk_stmt_txn_role(const char *sql, size_t len)
{
	char		tag[UK_COMMAND_MAX];
	char		w[UK_COMMAND_MAX];
	const char *sp;
	Scanner		sc = {sql != NULL ? sql : "", sql != NULL ? len : 0, 0, DIALECT_MIXED};

	uk_stmt_command(sql, len, tag, sizeof(tag));
	if (strcmp(tag, "COMMIT") == 0 || strcmp(tag, "BEGIN") == 0 ||
		strcmp(tag, "START TRANSACTION") == 0)
		return UK_TXN_END;
	if (strcmp(tag, "ROLLBACK") == 0)
	{
		bool		more;

		/* ROLLBACK [WORK] TO [SAVEPOINT] x keeps the transaction */
		(void) next_word(&sc, w, sizeof(w));	/* ROLLBACK */
		more = next_word(&sc, w, sizeof(w));
		if (more && strcmp(w, "WORK") == 0)
			more = next_word(&sc, w, sizeof(w));
		return more && strcmp(w, "TO") == 0 ? UK_TXN_OTHER : UK_TXN_END;
	}
	sp = strchr(tag, ' ');
	if (sp != NULL)
	{
		size_t		n = (size_t) (sp - tag);

		memcpy(w, tag, n);
		w[n] = '\0';
	}
	else
		snprintf(w, sizeof(w), "%s", tag);
	return word_in(w, write_verbs) ? UK_TXN_WRITE : UK_TXN_OTHER;
}

/* ---------- the main table of a statement ---------- */

/* The next token that is not space or a comment. */
static TokKind
next_solid(Scanner *sc, size_t *start, size_t *tlen)
{
	TokKind		k;

	do
		k = next_token(sc, start, tlen);
	while (k == TOK_SPACE || k == TOK_COMMENT);
	return k;
}

static bool
token_is(const Scanner *sc, size_t start, size_t tlen, const char *word)
{
	size_t		n = strlen(word);

	if (tlen != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (toupper((unsigned char) sc->s[start + i]) != word[i])
			return false;
	return true;
}

/* One identifier (word or quoted) into out, unquoted; false if not one. */
static bool
take_ident(const Scanner *sc, TokKind k, size_t start, size_t tlen,
		   char *out, size_t cap, bool *quoted)
{
	size_t		o = 0;

	if (k == TOK_WORD)
	{
		tlen = uk_utf8_cut(sc->s + start, tlen, cap - 1);
		memcpy(out, sc->s + start, tlen);
		out[tlen] = '\0';
		*quoted = false;
		return tlen > 0;
	}
	if (k != TOK_QIDENT || tlen < 3 || sc->s[start + tlen - 1] != sc->s[start])
		return false;			/* not quoted, empty, or never closed */
	/* drop the quotes; a doubled quote inside is one */
	for (size_t i = start + 1; i < start + tlen - 1 && o + 1 < cap; i++)
	{
		out[o++] = sc->s[i];
		if (sc->s[i] == sc->s[start] && i + 1 < start + tlen - 1 &&
			sc->s[i + 1] == sc->s[start])
			i++;
	}
	o = uk_utf8_cut(out, o, cap - 1);
	out[o] = '\0';
	*quoted = true;
	return strlen(out) > 0;
}

/* Read [schema.]name at the scanner; skips ONLY / IF EXISTS first. */
static bool
read_table_name(Scanner *sc, UkTableRef *out)
{
	size_t		start;
	size_t		tlen;
	TokKind		k;
	Scanner		save;

	for (;;)
	{
		k = next_solid(sc, &start, &tlen);
		if (k == TOK_WORD && (token_is(sc, start, tlen, "ONLY") ||
							  token_is(sc, start, tlen, "IF") ||
							  token_is(sc, start, tlen, "EXISTS") ||
							  token_is(sc, start, tlen, "TABLE") ||
							  token_is(sc, start, tlen, "TABLES") ||
							  token_is(sc, start, tlen, "LOW_PRIORITY") ||
							  token_is(sc, start, tlen, "IGNORE") ||
							  token_is(sc, start, tlen, "LATERAL")))
			continue;
		break;
	}
	if (!take_ident(sc, k, start, tlen, out->name, sizeof(out->name), &out->name_quoted))
		return false;
	save = *sc;
	k = next_solid(sc, &start, &tlen);
	if (k == TOK_PUNCT && sc->s[start] == '.')
	{
		memcpy(out->schema, out->name, sizeof(out->schema));
		out->schema_quoted = out->name_quoted;
		k = next_solid(sc, &start, &tlen);
		if (!take_ident(sc, k, start, tlen, out->name, sizeof(out->name), &out->name_quoted))
			return false;
	}
	else
		*sc = save;
	return true;
}

bool
uk_stmt_main_table(const char *sql, size_t len, UkTableRef *out)
{
	Scanner		sc = {sql != NULL ? sql : "", sql != NULL ? len : 0, 0, DIALECT_MIXED};
	size_t		start;
	size_t		tlen;
	TokKind		k;
	int			depth = 0;
	bool		in_with = false;
	const char *after = NULL;	/* the word the table name follows */

	memset(out, 0, sizeof(*out));
	while ((k = next_solid(&sc, &start, &tlen)) != TOK_END)
	{
		if (k == TOK_PUNCT && sc.s[start] == '(')
		{
			depth++;
			continue;
		}
		if (k == TOK_PUNCT && sc.s[start] == ')')
		{
			depth--;
			continue;
		}
		if (k != TOK_WORD || depth > 0)
			continue;
		if (after == NULL)
		{
			if (token_is(&sc, start, tlen, "WITH"))
				in_with = true;
			else if (token_is(&sc, start, tlen, "UPDATE"))
				return read_table_name(&sc, out);
			else if (token_is(&sc, start, tlen, "INSERT") ||
					 token_is(&sc, start, tlen, "REPLACE") ||
					 token_is(&sc, start, tlen, "MERGE"))
				after = "INTO";
			else if (token_is(&sc, start, tlen, "DELETE") ||
					 token_is(&sc, start, tlen, "SELECT"))
				after = "FROM";
			else if (token_is(&sc, start, tlen, "TRUNCATE") ||
					 token_is(&sc, start, tlen, "LOCK") ||
					 token_is(&sc, start, tlen, "ALTER"))
				return read_table_name(&sc, out);
			else if (!in_with)
				return false;
			continue;
		}
		if (token_is(&sc, start, tlen, after))
			return read_table_name(&sc, out);
	}
	return false;
}
