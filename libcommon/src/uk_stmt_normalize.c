/*
 * uk_stmt_normalize.c
 *		Tidying (uk_stmt_clean) and normalising (uk_stmt_normalize)
 *		statement text: loops over the tokens of uk_stmt_scan.c that copy
 *		what they keep into a caller buffer with a byte limit.
 *
 * Tidying reads both dialects at once; normalising reads the statement's
 * own dialect, because its result may be shown to roles that must not see
 * constants (see uk_stmt_scan.c for how the scanner reads each dialect and
 * what it does with a string it cannot read one way only).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "uk_stmt.h"
#include "uk_utf8.h"
#include "uk_stmt_int.h"

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
	while ((k = uk_stmt_next_token(&sc, &start, &tlen)) != TOK_END && !o.full)
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
	while ((k = uk_stmt_next_token(&sc, &start, &tlen)) != TOK_END && !o.full)
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
				lk = uk_stmt_next_token(&look, &ls, &ll);
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
