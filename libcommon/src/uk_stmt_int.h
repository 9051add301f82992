/*
 * uk_stmt_int.h
 *		The SQL scanner shared by the statement source files
 *		(uk_stmt_scan.c defines it; uk_stmt_normalize.c, uk_stmt_command.c
 *		and uk_stmt_table.c loop over its tokens); not part of the public
 *		interface (that is uk_stmt.h).
 *
 * A Scanner is a cursor over caller text; it allocates nothing, and a
 * token is a kind plus a byte range of that text.
 */
#ifndef UK_STMT_INT_H
#define UK_STMT_INT_H

#include <stdbool.h>
#include <stddef.h>

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

/*
 * The next token: kind, and [*start, *start + *tlen) in the text.  Never
 * fails: an unterminated literal or comment runs to the end of the text.
 */
extern TokKind uk_stmt_next_token(Scanner *sc, size_t *start, size_t *tlen);

#endif							/* UK_STMT_INT_H */
