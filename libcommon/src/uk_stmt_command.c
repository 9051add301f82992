/*
 * uk_stmt_command.c
 *		The command tag of a statement (uk_stmt_command) and what it does to
 *		its transaction (uk_stmt_txn_role).
 *
 * Both read the words at the start of the statement with the scanner of
 * uk_stmt_scan.c in its mixed mode (both dialects at once), skipping white
 * space, comments and opening parentheses.  uk_stmt_txn_role runs on the
 * MariaDB audit hook's path while a drain holds writers: it allocates
 * nothing and reads only the first few words.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "uk_patch.h"
#include "uk_stmt.h"
#include "uk_utf8.h"
#include "uk_stmt_int.h"

/* The next word (upper-cased into w), skipping space, comments, "(". */
static bool
next_word(Scanner *sc, char *w, size_t wcap)
{
	size_t		start;
	size_t		tlen;
	TokKind		k;

	for (;;)
	{
		k = uk_stmt_next_token(sc, &start, &tlen);
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

		k = uk_stmt_next_token(sc, &start, &tlen);
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
			while ((k = uk_stmt_next_token(&sc, &start, &tlen)) != TOK_END)
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
