/*
 * uk_translate.c
 *		MariaDB statement text to PostgreSQL-parsable text (uk_translate.h).
 *
 * Two passes.  tokenize() cuts the text with MariaDB's lexical rules
 * (backslash escapes in literals, non-nesting block comments, # and "-- "
 * comments, executable comments unwrapped) into an array of tokens and
 * rejects what cannot be made parsable.  translate() walks the tokens with
 * a little lookahead over the significant ones (not space, not comment)
 * and writes the PostgreSQL text into a growing buffer.
 *
 * The writer keeps tokens apart that PostgreSQL would read as one once
 * something between them was dropped or an executable comment unwrapped:
 * two words, "-" "-", "/" "*", "*" "/", and a literal after a lone E or
 * U& (PostgreSQL's escape and Unicode string prefixes).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_translate.h"

typedef enum TrKind
{
	TR_SPACE,
	TR_COMMENT,					/* kept as written, # becomes -- */
	TR_BADCOMMENT,				/* PostgreSQL would read it differently */
	TR_STRING,					/* '...' or "..." */
	TR_IDENT,					/* `...` */
	TR_NUMBER,
	TR_HEXNUM,					/* 0x.. or 0b.. */
	TR_DIGITWORD,				/* identifier starting with a digit */
	TR_PARAM,					/* ? */
	TR_PGPARAM,					/* $1 */
	TR_WORD,
	TR_PUNCT
} TrKind;

typedef struct TrTok
{
	TrKind		kind;
	size_t		start;
	size_t		len;
	int			param;			/* TR_PARAM: its number */
	bool		gap;			/* an executable comment marker before it */
} TrTok;

typedef struct TrBuf
{
	char	   *buf;
	size_t		len;
	size_t		cap;
	bool		oom;
	bool		gap;			/* something was dropped since the last emit */
} TrBuf;

/* Characters PostgreSQL makes operators of (not NUL: strchr finds it) */
#define OP_CHARS "+-*/<>=~!@#%^&|`?"

static bool
is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static bool
is_word_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static void
buf_put(TrBuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 64;
		char	   *nb;

		while (b->len + n + 1 > cap)
			cap *= 2;
		nb = realloc(b->buf, cap);
		if (nb == NULL)
		{
			b->oom = true;
			return;
		}
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void
buf_puts(TrBuf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/*
 * Put s, first separating it from the output so far when PostgreSQL would
 * otherwise read the two as one token.
 */
static void
buf_emit(TrBuf *b, const char *s, size_t n)
{
	if (n > 0 && b->len > 0 && !b->oom)
	{
		unsigned char last = (unsigned char) b->buf[b->len - 1];
		unsigned char first = (unsigned char) s[0];
		bool		sep = false;

		if (b->gap && !isspace(last) && !isspace(first) && !strchr(",;)", first))
			sep = true;			/* whatever joins across a dropped part */
		else if (is_word_char(last) && is_word_char(first))
			sep = true;
		else if ((last == '-' && first == '-') || (last == '/' && first == '*') ||
				 (last == '*' && first == '/'))
			sep = true;
		else if ((first == '-' || first == '+') && strchr(OP_CHARS, last))
		{
			/*
			 * PostgreSQL keeps a trailing + or - in an operator that has
			 * one of ~!@#%^&|`? (a!=-1 would be the operator "!=-").
			 */
			size_t		l = b->len;

			while (l > 0 && strchr(OP_CHARS, b->buf[l - 1]))
			{
				if (strchr("~!@#%^&|`?", b->buf[l - 1]))
					sep = true;
				l--;
			}
		}
		else if (first == '\'' || first == '"')
		{
			/* a lone E or U& before a quote is a string prefix */
			size_t		l = b->len;

			if ((last == 'e' || last == 'E') &&
				(l == 1 || !is_word_char((unsigned char) b->buf[l - 2])))
				sep = true;
			else if (last == '&' && l >= 2 &&
					 (b->buf[l - 2] == 'u' || b->buf[l - 2] == 'U') &&
					 (l == 2 || !is_word_char((unsigned char) b->buf[l - 3])))
				sep = true;
		}
		if (sep)
			buf_put(b, " ", 1);
	}
	b->gap = false;
	buf_put(b, s, n);
}

/* A MariaDB "-- " comment starts at p ("--" then a space, control or end). */
static bool
is_dashdash_comment(const char *s, size_t n, size_t p)
{
	return p + 1 < n && s[p] == '-' && s[p + 1] == '-' &&
		(p + 2 == n || (unsigned char) s[p + 2] <= 0x20);
}

static UkStatus
tok_push(TrTok **toks, size_t *ntok, size_t *cap, TrKind kind, size_t start,
		 size_t len, int param, bool gap, UkError **err)
{
	if (*ntok == *cap)
	{
		size_t		ncap = *cap ? *cap * 2 : 32;
		TrTok	   *nt = realloc(*toks, ncap * sizeof(TrTok));

		if (nt == NULL)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		*toks = nt;
		*cap = ncap;
	}
	(*toks)[*ntok].kind = kind;
	(*toks)[*ntok].start = start;
	(*toks)[*ntok].len = len;
	(*toks)[*ntok].param = param;
	(*toks)[*ntok].gap = gap;
	(*ntok)++;
	return UK_OK;
}

/*
 * Cut s into tokens (MariaDB rules).  Executable comment markers produce
 * no token.  On success *toks is malloc'd (the caller frees it).
 */
static UkStatus
tokenize(const char *s, size_t n, TrTok **toks, size_t *ntok, UkError **err)
{
	size_t		cap = 0;
	size_t		p = 0;
	int			nparam = 0;
	bool		in_exec = false;
	size_t		exec_start = 0;
	bool		gap = false;

	*toks = NULL;
	*ntok = 0;
	if (n > 0 && memchr(s, '\0', n) != NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"NUL byte in statement at byte %zu",
							(size_t) ((const char *) memchr(s, '\0', n) - s));
	while (p < n)
	{
		unsigned char c = (unsigned char) s[p];
		size_t		q = p + 1;
		TrKind		kind;
		int			param = 0;
		UkStatus	st;

		if (in_exec && c == '*' && q < n && s[q] == '/')
		{
			in_exec = false;
			gap = true;
			p += 2;
			continue;
		}
		if (isspace(c))
		{
			while (q < n && isspace((unsigned char) s[q]))
				q++;
			kind = TR_SPACE;
		}
		else if (c == '#' || is_dashdash_comment(s, n, p))
		{
			while (q < n && s[q] != '\n')
				q++;
			kind = memchr(s + p, '\r', q - p) ? TR_BADCOMMENT : TR_COMMENT;
		}
		else if (c == '/' && q < n && s[q] == '*')
		{
			size_t		body = p + 2;
			size_t		v = body;
			bool		exec = false;

			if (body < n && s[body] == '!')
				v = body + 1, exec = true;
			else if (body + 1 < n && s[body] == 'M' && s[body + 1] == '!')
				v = body + 2, exec = true;
			if (exec && !in_exec)
			{
				unsigned long version = 0;
				size_t		d = v;

				while (d < n && isdigit((unsigned char) s[d]) && d - v < 6)
				{
					version = version * 10 + (unsigned long) (s[d] - '0');
					d++;
				}
				/* versions after 10.11 would not run: an ordinary comment */
				if (version <= 101199)
				{
					in_exec = true;
					gap = true;
					exec_start = p;
					p = d;
					continue;
				}
			}
			q = body;
			while (q + 1 < n && !(s[q] == '*' && s[q + 1] == '/'))
				q++;
			if (q + 1 >= n)
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"unterminated comment at byte %zu", p);
			q += 2;
			/*
			 * PostgreSQL nests block comments, MariaDB does not; an
			 * executable comment inside another one is not run and goes
			 */
			kind = (exec && in_exec) ? TR_BADCOMMENT : TR_COMMENT;
			for (size_t k = body; k + 1 < q - 2; k++)
				if (s[k] == '/' && s[k + 1] == '*')
					kind = TR_BADCOMMENT;
		}
		else if (c == '\'' || c == '"')
		{
			bool		closed = false;

			while (q < n)
			{
				if (s[q] == '\\' && q + 1 < n)
				{
					if (s[q + 1] == '0')
						return uk_error_set(err, UK_ERR_INVALID, 0,
											"string literal at byte %zu contains \\0, a NUL byte PostgreSQL text cannot hold",
											p);
					if (s[q + 1] == '\0')
						break;
					q += 2;
				}
				else if (s[q] == (char) c && q + 1 < n && s[q + 1] == (char) c)
					q += 2;
				else if (s[q] == (char) c)
				{
					q++;
					closed = true;
					break;
				}
				else if (s[q] == '\0')
					break;
				else
					q++;
			}
			if (!closed)
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"unterminated string literal at byte %zu", p);
			kind = TR_STRING;
		}
		else if (c == '`')
		{
			bool		closed = false;

			while (q < n)
			{
				if (s[q] == '`' && q + 1 < n && s[q + 1] == '`')
					q += 2;
				else if (s[q] == '`')
				{
					q++;
					closed = true;
					break;
				}
				else if (s[q] == '\0')
					break;
				else
					q++;
			}
			if (!closed)
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"unterminated quoted identifier at byte %zu", p);
			if (q - p == 2)
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"empty quoted identifier at byte %zu", p);
			kind = TR_IDENT;
		}
		else if (isdigit(c) || (c == '.' && q < n && isdigit((unsigned char) s[q])))
		{
			kind = TR_NUMBER;
			if (c == '0' && q < n && (s[q] == 'x' || s[q] == 'X' ||
									  s[q] == 'b' || s[q] == 'B'))
			{
				bool		hex = (s[q] == 'x' || s[q] == 'X');
				size_t		d = q + 1;

				while (d < n && (hex ? isxdigit((unsigned char) s[d])
								 : (s[d] == '0' || s[d] == '1')))
					d++;
				if (d > q + 1 && (d == n || !is_word_char((unsigned char) s[d])))
				{
					q = d;
					kind = TR_HEXNUM;
				}
			}
			if (kind == TR_NUMBER)
			{
				while (q < n && isdigit((unsigned char) s[q]))
					q++;
				if (c != '.' && q < n && is_word_char((unsigned char) s[q]) &&
					!((s[q] == 'e' || s[q] == 'E') && q + 1 < n &&
					  (isdigit((unsigned char) s[q + 1]) ||
					   ((s[q + 1] == '+' || s[q + 1] == '-') && q + 2 < n &&
						isdigit((unsigned char) s[q + 2])))))
				{
					/* 1st_col: MariaDB reads an identifier */
					while (q < n && is_word_char((unsigned char) s[q]))
						q++;
					kind = TR_DIGITWORD;
				}
				else
				{
					if (q < n && s[q] == '.')
					{
						q++;
						while (q < n && isdigit((unsigned char) s[q]))
							q++;
					}
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
			}
		}
		else if (is_word_start(c))
		{
			while (q < n && is_word_char((unsigned char) s[q]))
				q++;
			kind = TR_WORD;
		}
		else if (c == '$' && q < n && isdigit((unsigned char) s[q]))
		{
			/* a PostgreSQL parameter $1: kept as it is */
			while (q < n && isdigit((unsigned char) s[q]))
				q++;
			kind = TR_PGPARAM;
		}
		else if (c == '$')
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"unquoted $ (an identifier starting with $, or a PostgreSQL dollar quote) at byte %zu",
								p);
		else if (c == '?')
		{
			kind = TR_PARAM;
			param = ++nparam;
		}
		else
			kind = TR_PUNCT;

		st = tok_push(toks, ntok, &cap, kind, p, q - p, param, gap, err);
		gap = false;
		if (st != UK_OK)
			return st;
		p = q;
	}
	if (in_exec)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"unterminated executable comment at byte %zu",
							exec_start);
	return UK_OK;
}

/* The translator's state: input, tokens, output. */
typedef struct Tr
{
	const char *s;
	TrTok	   *t;
	size_t		n;
	TrBuf		out;
	unsigned	flags;
} Tr;

static bool
is_sig(const TrTok *t)
{
	return t->kind != TR_SPACE && t->kind != TR_COMMENT &&
		t->kind != TR_BADCOMMENT;
}

/* Index of the first significant token at or after i, or n. */
static size_t
sig_plain(const Tr *tr, size_t i)
{
	while (i < tr->n && !is_sig(&tr->t[i]))
		i++;
	return i;
}

static bool
word_is(const Tr *tr, size_t i, const char *w)
{
	size_t		wl = strlen(w);

	return i < tr->n && tr->t[i].kind == TR_WORD && tr->t[i].len == wl &&
		strncasecmp(tr->s + tr->t[i].start, w, wl) == 0;
}

static bool
punct_is(const Tr *tr, size_t i, char c)
{
	return i < tr->n && tr->t[i].kind == TR_PUNCT && tr->s[tr->t[i].start] == c;
}

/* Tokens i and i+1 are the adjacent punctuation bytes a, b. */
static bool
punct2_is(const Tr *tr, size_t i, char a, char b)
{
	return punct_is(tr, i, a) && punct_is(tr, i + 1, b) &&
		tr->t[i + 1].start == tr->t[i].start + 1;
}

static bool
word_in(const Tr *tr, size_t i, const char *const *list)
{
	for (; *list; list++)
		if (word_is(tr, i, *list))
			return true;
	return false;
}

/* After the '(' at i: index just past its matching ')', or n. */
static size_t
skip_parens(const Tr *tr, size_t i)
{
	int			depth = 0;

	for (; i < tr->n; i++)
	{
		if (punct_is(tr, i, '('))
			depth++;
		else if (punct_is(tr, i, ')') && --depth == 0)
			return i + 1;
	}
	return tr->n;
}

/* If an index hint starts at i: the index just past it, else 0. */
static size_t
index_hint_end(const Tr *tr, size_t i)
{
	static const char *const verbs[] = {"FORCE", "USE", "IGNORE", NULL};
	size_t		j;

	if (!word_in(tr, i, verbs))
		return 0;
	j = sig_plain(tr, i + 1);
	if (!word_is(tr, j, "INDEX") && !word_is(tr, j, "KEY"))
		return 0;
	j = sig_plain(tr, j + 1);
	if (word_is(tr, j, "FOR"))
	{
		j = sig_plain(tr, j + 1);
		if (word_is(tr, j, "ORDER") || word_is(tr, j, "GROUP"))
		{
			j = sig_plain(tr, j + 1);
			if (!word_is(tr, j, "BY"))
				return 0;
		}
		else if (!word_is(tr, j, "JOIN"))
			return 0;
		j = sig_plain(tr, j + 1);
	}
	if (!punct_is(tr, j, '('))
		return 0;
	return skip_parens(tr, j);
}

static const char *const modifiers[] = {
	"SQL_CALC_FOUND_ROWS", "SQL_NO_CACHE", "SQL_CACHE", "SQL_SMALL_RESULT",
	"SQL_BIG_RESULT", "SQL_BUFFER_RESULT", "HIGH_PRIORITY", "LOW_PRIORITY",
	"DELAYED", NULL
};

/*
 * Index of the first significant token at or after i, or n, passing over
 * what is always dropped (modifiers, index hints) so that patterns match
 * the text as it will be written.
 */
static size_t
sig_at(const Tr *tr, size_t i)
{
	size_t		j;

	for (;;)
	{
		i = sig_plain(tr, i);
		if (word_in(tr, i, modifiers))
			i++;
		else if ((j = index_hint_end(tr, i)) > 0)
			i = j;
		else
			return i;
	}
}

/* A literal: MariaDB escapes decoded, written as a standard literal. */
/*
 * Is string token i the body of a hex or bit literal (X'1f', b'01': a
 * one-letter word right before it)?  Those do not concatenate with a
 * following string in MariaDB.
 */
static bool
is_bit_literal(const Tr *tr, size_t i)
{
	const TrTok *t = &tr->t[i];
	const TrTok *w;
	char		c;

	if (i == 0)
		return false;
	w = &tr->t[i - 1];
	c = tr->s[w->start];
	return w->len == 1 && w->start + 1 == t->start &&
		(c == 'x' || c == 'X' || c == 'b' || c == 'B');
}

static void
emit_string(Tr *tr, const TrTok *t)
{
	const char *s = tr->s + t->start;
	char		quote = s[0];
	size_t		k;
	TrBuf	   *b = &tr->out;

	buf_emit(b, "'", 1);
	for (k = 1; k + 1 < t->len; k++)
	{
		char		c = s[k];

		if (c == '\\')
		{
			char		e = s[++k];

			switch (e)
			{
				case 'n':
					c = '\n';
					break;
				case 'r':
					c = '\r';
					break;
				case 't':
					c = '\t';
					break;
				case 'b':
					c = '\b';
					break;
				case 'Z':
					c = '\032';
					break;
				case '%':
				case '_':
					/* MariaDB keeps the backslash: a LIKE escape */
					buf_put(b, "\\", 1);
					c = e;
					break;
				default:
					c = e;
					break;
			}
		}
		else if (c == quote)
			k++;				/* a doubled quote */
		if (c == '\'')
			buf_put(b, "''", 2);
		else
			buf_put(b, &c, 1);
	}
	buf_put(b, "'", 1);
}

/* `ident` or 1st_col as "ident". */
static void
emit_ident(Tr *tr, const char *s, size_t len)
{
	TrBuf	   *b = &tr->out;

	buf_emit(b, "\"", 1);
	for (size_t k = 0; k < len; k++)
	{
		if (s[k] == '"')
			buf_put(b, "\"\"", 2);
		else if (s[k] == '`' && k + 1 < len && s[k + 1] == '`')
		{
			buf_put(b, "`", 1);
			k++;
		}
		else
			buf_put(b, s + k, 1);
	}
	buf_put(b, "\"", 1);
}

static void
emit_tok(Tr *tr, const TrTok *t)
{
	buf_emit(&tr->out, tr->s + t->start, t->len);
}

/* A number as written or a ? as its $n. */
static void
emit_atom(Tr *tr, const TrTok *t)
{
	char		num[24];

	if (t->kind == TR_PARAM)
	{
		snprintf(num, sizeof(num), "$%d", t->param);
		buf_emit(&tr->out, num, strlen(num));
	}
	else
		emit_tok(tr, t);
}

/*
 * Remove trailing spaces and tabs from the output, before something dropped
 * (not a newline: it may end a line comment).
 */
static void
trim_out(Tr *tr)
{
	while (tr->out.len > 0 && !tr->out.oom &&
		   (tr->out.buf[tr->out.len - 1] == ' ' ||
			tr->out.buf[tr->out.len - 1] == '\t'))
		tr->out.buf[--tr->out.len] = '\0';
}


/*
 * Where the statement that token i is in ends: its ';' at the outer level
 * (what follows is checked as a second statement), or the end.
 */
static size_t
dml_tail_end(const Tr *tr, size_t i)
{
	int			d = 0;

	for (; i < tr->n; i++)
	{
		if (punct_is(tr, i, '('))
			d++;
		else if (punct_is(tr, i, ')'))
			d--;
		else if (d <= 0 && punct_is(tr, i, ';'))
			break;
	}
	return i;
}

static const char *const select_words[] = {
	"SELECT", "DISTINCT", "DISTINCTROW", "ALL", "STRAIGHT_JOIN",
	"SQL_CALC_FOUND_ROWS", "SQL_NO_CACHE", "SQL_CACHE", "SQL_SMALL_RESULT",
	"SQL_BIG_RESULT", "SQL_BUFFER_RESULT", "HIGH_PRIORITY", NULL
};

static const char *const dml_words[] = {"INSERT", "UPDATE", "DELETE",
"REPLACE", NULL};

static UkStatus
translate(Tr *tr, UkError **err)
{
	size_t		i = 0;
	size_t		prev = tr->n;	/* the last significant token written, or n */
	size_t		first = sig_at(tr, 0);
	bool		dml = word_is(tr, first, "UPDATE") || word_is(tr, first, "DELETE");
	int			depth = 0;

	while (i < tr->n)
	{
		const TrTok *t = &tr->t[i];
		size_t		j;

		if (t->gap)
			tr->out.gap = true;	/* an executable comment was unwrapped */
		if (!is_sig(t))
		{
			if (t->kind == TR_BADCOMMENT)
				buf_emit(&tr->out, " ", 1);
			else if (t->kind == TR_COMMENT && tr->s[t->start] == '#')
			{
				buf_emit(&tr->out, "--", 2);
				if (t->len > 1 && (unsigned char) tr->s[t->start + 1] > 0x20)
					buf_put(&tr->out, " ", 1);
				buf_put(&tr->out, tr->s + t->start + 1, t->len - 1);
			}
			else
				emit_tok(tr, t);
			i++;
			continue;
		}

		switch (t->kind)
		{
			case TR_STRING:
				if (prev < tr->n && tr->t[prev].kind == TR_STRING &&
					!is_bit_literal(tr, prev) && tr->out.len > 0 &&
					tr->out.buf[tr->out.len - 1] != '\n')
				{
					/*
					 * Two literals that met across a dropped part: give them
					 * the newline a second translation would, so that the
					 * output translates to itself.
					 */
					trim_out(tr);
					buf_put(&tr->out, "\n", 1);
				}
				emit_string(tr, t);
				j = sig_at(tr, i + 1);
				if (j < tr->n && tr->t[j].kind == TR_STRING && !is_bit_literal(tr, i))
				{
					/* MariaDB concatenates; PostgreSQL needs a newline */
					buf_put(&tr->out, "\n", 1);
					prev = i;
					i = j;
					continue;
				}
				break;
			case TR_IDENT:
				emit_ident(tr, tr->s + t->start + 1, t->len - 2);
				break;
			case TR_DIGITWORD:
				emit_ident(tr, tr->s + t->start, t->len);
				break;
			case TR_HEXNUM:
				buf_emit(&tr->out, (tr->s[t->start + 1] == 'x' ||
									tr->s[t->start + 1] == 'X') ? "X'" : "B'", 2);
				buf_put(&tr->out, tr->s + t->start + 2, t->len - 2);
				buf_put(&tr->out, "'", 1);
				break;
			case TR_PARAM:
				emit_atom(tr, t);
				break;
			case TR_PUNCT:
				{
					char		c = tr->s[t->start];

					if (c == ';')
					{
						for (j = i + 1; j < tr->n; j++)
							if (is_sig(&tr->t[j]) && !punct_is(tr, j, ';'))
								return uk_error_set(err, UK_ERR_INVALID, 0,
													"more than one statement (the second starts at byte %zu)",
													tr->t[j].start);
					}
					if (punct2_is(tr, i, '<', '=') && punct_is(tr, i + 2, '>') &&
						tr->t[i + 2].start == t->start + 2)
					{
						buf_emit(&tr->out, " IS NOT DISTINCT FROM ", 22);
						prev = i + 2;
						i += 3;
						continue;
					}
					if (punct2_is(tr, i, '|', '|') || punct2_is(tr, i, '&', '&'))
					{
						buf_emit(&tr->out, c == '|' ? " OR " : " AND ",
								 c == '|' ? 4 : 5);
						prev = i + 1;
						i += 2;
						continue;
					}
					if (c == '(')
						depth++;
					else if (c == ')' && depth > 0)
						depth--;
					emit_tok(tr, t);
					break;
				}
			case TR_WORD:
				if (word_is(tr, i, "LIMIT"))
				{
					size_t		a = sig_at(tr, i + 1);
					size_t		comma = sig_at(tr, a + 1);
					size_t		bb = sig_at(tr, comma + 1);

					if (dml && depth == 0)
					{
						/*
						 * UPDATE/DELETE ... LIMIT n: PostgreSQL has none.
						 * LIMIT is the statement's last clause but for
						 * RETURNING, which the advisor does not need: drop
						 * the rest of the statement.
						 */
						i = dml_tail_end(tr, i);
						trim_out(tr);
						tr->flags |= UK_TRANSLATE_DML_LIMIT;
						tr->out.gap = true;
						continue;
					}
					if (a < tr->n && bb < tr->n && punct_is(tr, comma, ',') &&
						(tr->t[a].kind == TR_NUMBER || tr->t[a].kind == TR_PARAM) &&
						(tr->t[bb].kind == TR_NUMBER || tr->t[bb].kind == TR_PARAM))
					{
						for (j = i + 1; j < bb; j++)
							if (is_sig(&tr->t[j]) && j != a && j != comma)
								tr->flags |= UK_TRANSLATE_HINTS;	/* passed over */
						emit_tok(tr, t);
						buf_put(&tr->out, " ", 1);
						emit_atom(tr, &tr->t[bb]);
						buf_puts(&tr->out, " OFFSET ");
						emit_atom(tr, &tr->t[a]);
						prev = bb;
						i = bb + 1;
						continue;
					}
				}
				if (dml && depth == 0 && word_is(tr, i, "ORDER") &&
					word_is(tr, sig_at(tr, i + 1), "BY"))
				{
					/* UPDATE/DELETE ... ORDER BY [LIMIT]: the same */
					trim_out(tr);
					tr->flags |= UK_TRANSLATE_DML_LIMIT;
					tr->out.gap = true;
					i = dml_tail_end(tr, i);
					continue;
				}
				if (depth == 0 && word_is(tr, i, "ON"))
				{
					size_t		d1 = sig_at(tr, i + 1);
					size_t		k1 = sig_at(tr, d1 + 1);
					size_t		u1 = sig_at(tr, k1 + 1);

					if (word_is(tr, d1, "DUPLICATE") && word_is(tr, k1, "KEY") &&
						word_is(tr, u1, "UPDATE"))
					{
						int			d = 0;

						for (j = i; j < tr->n; j++)
						{
							if (punct_is(tr, j, '('))
								d++;
							else if (punct_is(tr, j, ')'))
								d--;
							else if (d <= 0 && punct_is(tr, j, ';'))
								break;
						}
						trim_out(tr);
						tr->flags |= UK_TRANSLATE_UPSERT;
						tr->out.gap = true;
						i = j;
						continue;
					}
				}
				if ((j = index_hint_end(tr, i)) > 0)
				{
					trim_out(tr);
					tr->flags |= UK_TRANSLATE_HINTS;
					tr->out.gap = true;
					i = j;
					continue;
				}
				if (word_in(tr, i, modifiers) ||
					(word_is(tr, i, "IGNORE") && word_in(tr, prev, dml_words)) ||
					(word_is(tr, i, "STRAIGHT_JOIN") && word_in(tr, prev, select_words)))
				{
					trim_out(tr);
					tr->flags |= UK_TRANSLATE_HINTS;
					tr->out.gap = true;
					i++;
					continue;
				}
				if (word_is(tr, i, "STRAIGHT_JOIN"))
					buf_emit(&tr->out, "JOIN", 4);
				else if (word_is(tr, i, "DISTINCTROW"))
					buf_emit(&tr->out, "DISTINCT", 8);
				else if (word_is(tr, i, "IFNULL") &&
						 punct_is(tr, sig_at(tr, i + 1), '('))
					buf_emit(&tr->out, "COALESCE", 8);
				else if (i == first && word_is(tr, i, "REPLACE") &&
						 !punct_is(tr, sig_at(tr, i + 1), '('))
				{
					buf_emit(&tr->out, "INSERT", 6);
					tr->flags |= UK_TRANSLATE_UPSERT;
				}
				else if (word_is(tr, i, "LOCK") &&
						 word_is(tr, (j = sig_at(tr, i + 1)), "IN") &&
						 word_is(tr, (j = sig_at(tr, j + 1)), "SHARE") &&
						 word_is(tr, (j = sig_at(tr, j + 1)), "MODE"))
				{
					buf_emit(&tr->out, "FOR SHARE", 9);
					prev = j;
					i = j + 1;
					continue;
				}
				else
					emit_tok(tr, t);
				break;
			default:
				emit_tok(tr, t);
				break;
		}
		prev = i;
		i++;
	}
	if (tr->out.oom)
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	return UK_OK;
}

UkStatus
uk_translate_mariadb(const char *sql, size_t len, UkTranslation *out,
					 UkError **err)
{
	Tr			tr;
	UkStatus	st;

	memset(out, 0, sizeof(*out));
	memset(&tr, 0, sizeof(tr));
	tr.s = sql;
	st = tokenize(sql, len, &tr.t, &tr.n, err);
	if (st == UK_OK)
	{
		/* an empty statement still gives an empty string */
		buf_put(&tr.out, "", 0);
		st = translate(&tr, err);
		if (st == UK_OK && tr.out.oom)
			st = uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	}
	free(tr.t);
	if (st != UK_OK)
	{
		free(tr.out.buf);
		return st;
	}
	out->sql = tr.out.buf;
	out->len = tr.out.len;
	out->flags = tr.flags;
	return UK_OK;
}

void
uk_translate_free(UkTranslation *out)
{
	if (out == NULL)
		return;
	free(out->sql);
	memset(out, 0, sizeof(*out));
}
