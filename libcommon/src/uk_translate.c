/*
 * uk_translate.c
 *		MariaDB statement text to PostgreSQL-parsable text (uk_translate.h).
 *
 * Two passes.  uk_tr_tokenize() (uk_translate_lex.c) cuts the text with
 * MariaDB's lexical rules into an array of tokens and rejects what cannot
 * be made parsable.  translate() (this file) walks the tokens with a
 * little lookahead over the significant ones (not space, not comment),
 * decides what each becomes (LIMIT of UPDATE/DELETE, ON DUPLICATE KEY
 * UPDATE, index hints, modifiers, ...), and writes the PostgreSQL text
 * with the writers of uk_translate_emit.c into a growing buffer.
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
				uk_tr_buf_emit(&tr->out, " ", 1);
			else if (t->kind == TR_COMMENT && tr->s[t->start] == '#')
			{
				uk_tr_buf_emit(&tr->out, "--", 2);
				if (t->len > 1 && (unsigned char) tr->s[t->start + 1] > 0x20)
					uk_tr_buf_put(&tr->out, " ", 1);
				uk_tr_buf_put(&tr->out, tr->s + t->start + 1, t->len - 1);
			}
			else
				uk_tr_emit_tok(tr, t);
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
					uk_tr_trim_out(tr);
					uk_tr_buf_put(&tr->out, "\n", 1);
				}
				uk_tr_emit_string(tr, t);
				j = sig_at(tr, i + 1);
				if (j < tr->n && tr->t[j].kind == TR_STRING && !is_bit_literal(tr, i))
				{
					/* MariaDB concatenates; PostgreSQL needs a newline */
					uk_tr_buf_put(&tr->out, "\n", 1);
					prev = i;
					i = j;
					continue;
				}
				break;
			case TR_IDENT:
				uk_tr_emit_ident(tr, tr->s + t->start + 1, t->len - 2);
				break;
			case TR_DIGITWORD:
				uk_tr_emit_ident(tr, tr->s + t->start, t->len);
				break;
			case TR_HEXNUM:
				uk_tr_buf_emit(&tr->out, (tr->s[t->start + 1] == 'x' ||
									tr->s[t->start + 1] == 'X') ? "X'" : "B'", 2);
				uk_tr_buf_put(&tr->out, tr->s + t->start + 2, t->len - 2);
				uk_tr_buf_put(&tr->out, "'", 1);
				break;
			case TR_PARAM:
				uk_tr_emit_atom(tr, t);
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
						uk_tr_buf_emit(&tr->out, " IS NOT DISTINCT FROM ", 22);
						prev = i + 2;
						i += 3;
						continue;
					}
					if (punct2_is(tr, i, '|', '|') || punct2_is(tr, i, '&', '&'))
					{
						uk_tr_buf_emit(&tr->out, c == '|' ? " OR " : " AND ",
								 c == '|' ? 4 : 5);
						prev = i + 1;
						i += 2;
						continue;
					}
					if (c == '(')
						depth++;
					else if (c == ')' && depth > 0)
						depth--;
					uk_tr_emit_tok(tr, t);
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
						uk_tr_trim_out(tr);
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
						uk_tr_emit_tok(tr, t);
						uk_tr_buf_put(&tr->out, " ", 1);
						uk_tr_emit_atom(tr, &tr->t[bb]);
						uk_tr_buf_puts(&tr->out, " OFFSET ");
						uk_tr_emit_atom(tr, &tr->t[a]);
						prev = bb;
						i = bb + 1;
						continue;
					}
				}
				if (dml && depth == 0 && word_is(tr, i, "ORDER") &&
					word_is(tr, sig_at(tr, i + 1), "BY"))
				{
					/* UPDATE/DELETE ... ORDER BY [LIMIT]: the same */
					uk_tr_trim_out(tr);
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
						uk_tr_trim_out(tr);
						tr->flags |= UK_TRANSLATE_UPSERT;
						tr->out.gap = true;
						i = j;
						continue;
					}
				}
				if ((j = index_hint_end(tr, i)) > 0)
				{
					uk_tr_trim_out(tr);
					tr->flags |= UK_TRANSLATE_HINTS;
					tr->out.gap = true;
					i = j;
					continue;
				}
				if (word_in(tr, i, modifiers) ||
					(word_is(tr, i, "IGNORE") && word_in(tr, prev, dml_words)) ||
					(word_is(tr, i, "STRAIGHT_JOIN") && word_in(tr, prev, select_words)))
				{
					uk_tr_trim_out(tr);
					tr->flags |= UK_TRANSLATE_HINTS;
					tr->out.gap = true;
					i++;
					continue;
				}
				if (word_is(tr, i, "STRAIGHT_JOIN"))
					uk_tr_buf_emit(&tr->out, "JOIN", 4);
				else if (word_is(tr, i, "DISTINCTROW"))
					uk_tr_buf_emit(&tr->out, "DISTINCT", 8);
				else if (word_is(tr, i, "IFNULL") &&
						 punct_is(tr, sig_at(tr, i + 1), '('))
					uk_tr_buf_emit(&tr->out, "COALESCE", 8);
				else if (i == first && word_is(tr, i, "REPLACE") &&
						 !punct_is(tr, sig_at(tr, i + 1), '('))
				{
					uk_tr_buf_emit(&tr->out, "INSERT", 6);
					tr->flags |= UK_TRANSLATE_UPSERT;
				}
				else if (word_is(tr, i, "LOCK") &&
						 word_is(tr, (j = sig_at(tr, i + 1)), "IN") &&
						 word_is(tr, (j = sig_at(tr, j + 1)), "SHARE") &&
						 word_is(tr, (j = sig_at(tr, j + 1)), "MODE"))
				{
					uk_tr_buf_emit(&tr->out, "FOR SHARE", 9);
					prev = j;
					i = j + 1;
					continue;
				}
				else
					uk_tr_emit_tok(tr, t);
				break;
			default:
				uk_tr_emit_tok(tr, t);
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
	st = uk_tr_tokenize(sql, len, &tr.t, &tr.n, err);
	if (st == UK_OK)
	{
		/* an empty statement still gives an empty string */
		uk_tr_buf_put(&tr.out, "", 0);
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
