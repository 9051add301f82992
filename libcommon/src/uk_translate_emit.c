/*
 * uk_translate_emit.c
 *		The output side of uk_translate_mariadb(): a growing buffer, and the
 *		writers of literals, identifiers, numbers and parameters in
 *		PostgreSQL's syntax.
 *
 * The writer keeps tokens apart that PostgreSQL would read as one once
 * something between them was dropped or an executable comment unwrapped:
 * two words, "-" "-", "/" "*", "*" "/", and a literal after a lone E or
 * U& (PostgreSQL's escape and Unicode string prefixes).
 *
 * Out of memory is remembered in the buffer (TrBuf.oom): later writes do
 * nothing and the caller checks the flag once at the end.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_translate.h"
#include "uk_translate_int.h"

/* Characters PostgreSQL makes operators of (not NUL: strchr finds it) */
#define OP_CHARS "+-*/<>=~!@#%^&|`?"

void
uk_tr_buf_put(TrBuf *b, const char *s, size_t n)
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

void
uk_tr_buf_puts(TrBuf *b, const char *s)
{
	uk_tr_buf_put(b, s, strlen(s));
}

/*
 * Put s, first separating it from the output so far when PostgreSQL would
 * otherwise read the two as one token.
 */
void
uk_tr_buf_emit(TrBuf *b, const char *s, size_t n)
{
	if (n > 0 && b->len > 0 && !b->oom)
	{
		unsigned char last = (unsigned char) b->buf[b->len - 1];
		unsigned char first = (unsigned char) s[0];
		bool		sep = false;

		if (b->gap && !isspace(last) && !isspace(first) && !strchr(",;)", first))
			sep = true;			/* whatever joins across a dropped part */
		else if (uk_tr_is_word_char(last) && uk_tr_is_word_char(first))
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
				(l == 1 || !uk_tr_is_word_char((unsigned char) b->buf[l - 2])))
				sep = true;
			else if (last == '&' && l >= 2 &&
					 (b->buf[l - 2] == 'u' || b->buf[l - 2] == 'U') &&
					 (l == 2 || !uk_tr_is_word_char((unsigned char) b->buf[l - 3])))
				sep = true;
		}
		if (sep)
			uk_tr_buf_put(b, " ", 1);
	}
	b->gap = false;
	uk_tr_buf_put(b, s, n);
}
/* A literal: MariaDB escapes decoded, written as a standard literal. */
void
uk_tr_emit_string(Tr *tr, const TrTok *t)
{
	const char *s = tr->s + t->start;
	char		quote = s[0];
	size_t		k;
	TrBuf	   *b = &tr->out;

	uk_tr_buf_emit(b, "'", 1);
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
					uk_tr_buf_put(b, "\\", 1);
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
			uk_tr_buf_put(b, "''", 2);
		else
			uk_tr_buf_put(b, &c, 1);
	}
	uk_tr_buf_put(b, "'", 1);
}

/* `ident` or 1st_col as "ident". */
void
uk_tr_emit_ident(Tr *tr, const char *s, size_t len)
{
	TrBuf	   *b = &tr->out;

	uk_tr_buf_emit(b, "\"", 1);
	for (size_t k = 0; k < len; k++)
	{
		if (s[k] == '"')
			uk_tr_buf_put(b, "\"\"", 2);
		else if (s[k] == '`' && k + 1 < len && s[k + 1] == '`')
		{
			uk_tr_buf_put(b, "`", 1);
			k++;
		}
		else
			uk_tr_buf_put(b, s + k, 1);
	}
	uk_tr_buf_put(b, "\"", 1);
}

void
uk_tr_emit_tok(Tr *tr, const TrTok *t)
{
	uk_tr_buf_emit(&tr->out, tr->s + t->start, t->len);
}

/* A number as written or a ? as its $n. */
void
uk_tr_emit_atom(Tr *tr, const TrTok *t)
{
	char		num[24];

	if (t->kind == TR_PARAM)
	{
		snprintf(num, sizeof(num), "$%d", t->param);
		uk_tr_buf_emit(&tr->out, num, strlen(num));
	}
	else
		uk_tr_emit_tok(tr, t);
}

/*
 * Remove trailing spaces and tabs from the output, before something dropped
 * (not a newline: it may end a line comment).
 */
void
uk_tr_trim_out(Tr *tr)
{
	while (tr->out.len > 0 && !tr->out.oom &&
		   (tr->out.buf[tr->out.len - 1] == ' ' ||
			tr->out.buf[tr->out.len - 1] == '\t'))
		tr->out.buf[--tr->out.len] = '\0';
}
