/*
 * uk_stmt_table.c
 *		The main table of a statement (uk_stmt_main_table): the table
 *		written to, or read after FROM, as uk_stmt.h describes.
 *
 * Reads the statement with the scanner of uk_stmt_scan.c in its mixed
 * mode (both dialects at once); quoted names are unquoted and cut on a
 * UTF-8 boundary.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "uk_stmt.h"
#include "uk_utf8.h"
#include "uk_stmt_int.h"

/* ---------- the main table of a statement ---------- */

/* The next token that is not space or a comment. */
static TokKind
next_solid(Scanner *sc, size_t *start, size_t *tlen)
{
	TokKind		k;

	do
		k = uk_stmt_next_token(sc, start, tlen);
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
