/*
 * uk_translate_lex.c
 *		The first pass of uk_translate_mariadb(): MariaDB statement text cut
 *		into tokens by MariaDB's lexical rules.
 *
 * uk_tr_tokenize() cuts the text with MariaDB's lexical rules (backslash
 * escapes in literals, non-nesting block comments, # and "-- " comments,
 * executable comments unwrapped) into an array of tokens and rejects what
 * cannot be made parsable.  The second pass (uk_translate.c) walks the
 * tokens; the types are in uk_translate_int.h.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_translate.h"
#include "uk_translate_int.h"

static bool
is_word_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
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
UkStatus
uk_tr_tokenize(const char *s, size_t n, TrTok **toks, size_t *ntok, UkError **err)
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
				if (d > q + 1 && (d == n || !uk_tr_is_word_char((unsigned char) s[d])))
				{
					q = d;
					kind = TR_HEXNUM;
				}
			}
			if (kind == TR_NUMBER)
			{
				while (q < n && isdigit((unsigned char) s[q]))
					q++;
				if (c != '.' && q < n && uk_tr_is_word_char((unsigned char) s[q]) &&
					!((s[q] == 'e' || s[q] == 'E') && q + 1 < n &&
					  (isdigit((unsigned char) s[q + 1]) ||
					   ((s[q + 1] == '+' || s[q + 1] == '-') && q + 2 < n &&
						isdigit((unsigned char) s[q + 2])))))
				{
					/* 1st_col: MariaDB reads an identifier */
					while (q < n && uk_tr_is_word_char((unsigned char) s[q]))
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
			while (q < n && uk_tr_is_word_char((unsigned char) s[q]))
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
